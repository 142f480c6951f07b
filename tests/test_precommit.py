"""The pre-commit hooks, run by the real pre-commit (from PyPI) with try-repo on this repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
LEGACY = "from keras.layers import Input, merge\na = Input(shape=(8,))\nb = Input(shape=(8,))\ns = merge([a, b], mode='sum')\n"


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


def test_check_fails_fix_rewrites_then_check_passes(tmp_path):
    repo = tmp_path / "project"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "model.py").write_text(LEGACY)
    git("add", "model.py", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("PIP_REQUIRE_VIRTUALENV", None)

    def hook(name):
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), name, "--all-files",
                               "--color", "never"], cwd=repo, capture_output=True, text=True, env=env, timeout=600)

    check = hook("kmigrate")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "model.py:4:5: KM101 [*] merge(mode='sum') -> Add()" in check.stdout

    fix = hook("kmigrate-fix")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert (repo / "model.py").read_text() == LEGACY.replace("merge\n", "Add\n").replace("merge([a, b], mode='sum')", "Add()([a, b])")

    again = hook("kmigrate")
    assert again.returncode == 0, again.stdout + again.stderr
