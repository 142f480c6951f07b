"""The README as written: its before/after pair, its other command blocks, and its CI snippets
(the GitHub Actions step and the pre-commit entry) run for real.  The two set-up commands are in
tests/test_readme.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kmigrate import __version__
from test_cli import LEGACY, kmigrate

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def block(kind: str, name: str, language: str) -> str:
    match = re.search(rf"<!-- {kind}: {re.escape(name)} -->\n```{language}\n(.*?)```", README, re.S)
    assert match, f"README has no '{kind}: {name}' block"
    return match.group(1)


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    return subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_before_becomes_after_with_fix(tmp_path):
    before, after = block("before", "siamese", "python"), block("after", "siamese", "python")
    result = kmigrate("-", "--fix", cwd=tmp_path, stdin=before)
    assert result.returncode == 0, result.stderr
    assert result.stdout == after


COMMANDS = [name for name in re.findall(r"<!-- command: ([\w-]+) -->", README) if name not in ("example", "test")]


@pytest.mark.parametrize("name", COMMANDS)
def test_other_command_blocks_run(name):
    result = shell(block("command", name, "sh").strip(), ROOT)
    assert result.returncode == 0, result.stderr


def test_explain_block_is_the_rule_page():
    result = shell(block("command", "explain", "sh").strip(), ROOT)
    assert result.stdout.startswith("# KM301 ")


def test_github_actions_step_as_written(tmp_path):
    steps = yaml.safe_load(block("snippet", "github-actions", "yaml"))
    runs = [step["run"] for step in steps]
    install, lint = runs
    assert install.split()[-1] == "kmigrate"  # the package the project builds (pyproject name)
    (tmp_path / "model.py").write_text(LEGACY)
    result = shell(lint, tmp_path)
    assert result.returncode == 1  # the job fails while findings remain
    assert result.stdout.splitlines()[0] == ("::error file=model.py,line=4,col=5,endLine=4,endColumn=30,title=KM101"
                                             "::KM101 [*] merge(mode='sum') -> Add()")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


def test_pre_commit_entry_as_written(tmp_path):
    """The entry with only its repository URL pointed at a copy of this working tree tagged with its rev."""
    config = yaml.safe_load(block("snippet", "pre-commit", "yaml"))
    (repo_entry,) = config["repos"]
    assert repo_entry["rev"] == f"v{__version__}"
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert {hook["id"] for hook in repo_entry["hooks"]} <= hooks

    source = tmp_path / "kmigrate"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.splitlines()
    for relative in listed:
        if (ROOT / relative).is_file():
            (source / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / relative, source / relative)
    git("init", "-q", cwd=source)
    git("add", "-A", cwd=source)
    git("commit", "-qm", "snapshot", cwd=source)
    git("tag", repo_entry["rev"], cwd=source)

    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", cwd=project)
    (project / "model.py").write_text(LEGACY)
    text = block("snippet", "pre-commit", "yaml").replace(repo_entry["repo"], str(source))
    (project / ".pre-commit-config.yaml").write_text(text)
    git("add", "-A", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("PIP_REQUIRE_VIRTUALENV", None)
    result = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
                            cwd=project, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "model.py:4:5: KM101 [*] merge(mode='sum') -> Add()" in result.stdout
