"""The progress bar: on stderr when it is a terminal (a real pseudo-terminal here) and the run has more
than Progress.THRESHOLD candidate files; never in pipes, in CI or with --quiet."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = importlib.import_module("pexpect")

from test_cli import LEGACY  # noqa: E402

from kmigrate.cli import Progress  # noqa: E402


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    for i in range(Progress.THRESHOLD + 20):
        (folder / f"m{i:03}.py").write_text(LEGACY if i % 50 == 0 else f"x = {i}\n")
    return folder


def on_terminal(folder: Path, *args: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update({"NO_COLOR": "1", "TERM": "xterm", **env})
    # stdout goes nowhere: what is read from the terminal is stderr, the bar's stream.
    child = pexpect.spawn("/bin/sh", ["-c", f'"{sys.executable}" -m kmigrate {" ".join(args)} . > /dev/null'],
                          cwd=str(folder), env=environment, encoding="utf-8", timeout=120)
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def test_bar_on_a_terminal_counts_files_and_findings(many):
    total = Progress.THRESHOLD + 20
    output = on_terminal(many)
    assert f"{total}/{total} files, 15 findings" in output
    assert "\r\x1b[K" in output  # the bar is wiped before the summary
    assert output.rstrip().endswith("Found 15 findings in 5 files (5 fixable with --fix, 5 more with --unsafe-fixes).")


@pytest.mark.parametrize("args,env", [(("--quiet",), {}), ((), {"CI": "true"}), ((), {"TERM": "dumb"})])
def test_no_bar_with_quiet_in_ci_or_on_a_dumb_terminal(many, args, env):
    assert " files, " not in on_terminal(many, *args, **env)


def test_no_bar_in_a_pipe(many):
    result = subprocess.run([sys.executable, "-m", "kmigrate", "."], cwd=many, capture_output=True, text=True)
    assert "files, " not in result.stderr and "\r" not in result.stderr


def test_no_bar_for_a_few_files(tmp_path):
    for i in range(30):
        (tmp_path / f"m{i:02}.py").write_text(LEGACY)
    assert " files, " not in on_terminal(tmp_path)
