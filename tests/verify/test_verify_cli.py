"""``kmigrate --fix/--diff --verify FUNC [--against OLD]`` through the real command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LEGACY = '''from keras.layers import Input, Dense, merge
from keras.models import Model


def build_model():
    a = Input(shape=(8,))
    b = Input(shape=(8,))
    s = merge([Dense(4)(a), Dense(4)(b)], mode='concat', name='joined')
    return Model([a, b], Dense(2)(s))
'''
MIGRATED = LEGACY.replace("merge\n", "Concatenate\n").replace(
    "merge([Dense(4)(a), Dense(4)(b)], mode='concat', name='joined')", "Concatenate(name='joined')([Dense(4)(a), Dense(4)(b)])")
SWAPPED = MIGRATED.replace("[Dense(4)(a), Dense(4)(b)]", "[Dense(4)(b), Dense(4)(a)]")


def kmigrate(*args, cwd: Path, env_path: Path | str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KMIGRATE_LEGACY_ENV": str(env_path), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "kmigrate", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=900)


def test_fix_verify_writes_only_after_proof(tmp_path, legacy_env):
    path = tmp_path / "model.py"
    path.write_text(LEGACY)
    result = kmigrate("--fix", "--verify", "build_model", "model.py", cwd=tmp_path, env_path=legacy_env)
    assert result.returncode == 0, result.stderr
    assert "output 0: equal" in result.stderr
    assert path.read_text() == MIGRATED


def test_diff_verify_prints_the_diff_and_writes_nothing(tmp_path, legacy_env):
    path = tmp_path / "model.py"
    path.write_text(LEGACY)
    result = kmigrate("--diff", "--verify", "build_model", "model.py", cwd=tmp_path, env_path=legacy_env)
    assert result.returncode == 0, result.stderr
    assert "+    s = Concatenate(name='joined')([Dense(4)(a), Dense(4)(b)])" in result.stdout
    assert path.read_text() == LEGACY


def test_against_catches_swapped_inputs_of_the_same_shape(tmp_path, legacy_env):
    (tmp_path / "old.py").write_text(LEGACY)
    (tmp_path / "new.py").write_text(SWAPPED)
    result = kmigrate("--fix", "--verify", "build_model", "new.py", "--against", "old.py", cwd=tmp_path,
                      env_path=legacy_env)
    assert result.returncode == 1
    assert "output 0: different" in result.stderr and "max abs error" in result.stderr
    assert "new.py: not written: the outputs differ." in result.stderr
    assert (tmp_path / "new.py").read_text() == SWAPPED


def test_against_a_git_revision(tmp_path, legacy_env):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})

    git("init", "-q")
    (tmp_path / "model.py").write_text(LEGACY)
    git("add", "model.py")
    git("commit", "-qm", "keras 1")
    (tmp_path / "model.py").write_text(MIGRATED)  # migrated by hand
    result = kmigrate("--fix", "--verify", "build_model", "model.py", "--against", "git:HEAD", cwd=tmp_path,
                      env_path=legacy_env)
    assert result.returncode == 0, result.stderr
    assert "model.py against git:HEAD" in result.stderr and "output 0: equal" in result.stderr
    bad = kmigrate("--fix", "--verify", "build_model", "model.py", "--against", "git:nosuchrev", cwd=tmp_path,
                   env_path=legacy_env)
    assert bad.returncode == 2 and "--against git:nosuchrev" in bad.stderr


def test_missing_legacy_runtime_exits_2_naming_the_command(tmp_path):
    (tmp_path / "model.py").write_text(LEGACY)
    result = kmigrate("--fix", "--verify", "build_model", "model.py", cwd=tmp_path, env_path=tmp_path / "nowhere")
    assert result.returncode == 2
    assert "kmigrate --prepare-legacy-env" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "model.py").read_text() == LEGACY


@pytest.mark.parametrize("args", [["--verify", "build_model", "model.py"],
                                  ["--fix", "--verify", "build_model", "model.py", "other.py"],
                                  ["--fix", "--against", "old.py", "model.py"]])
def test_verify_usage_errors(tmp_path, args):
    (tmp_path / "model.py").write_text(LEGACY)
    (tmp_path / "other.py").write_text(LEGACY)
    result = kmigrate(*args, cwd=tmp_path, env_path=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
