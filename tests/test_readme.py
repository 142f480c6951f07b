"""The README's commands, tested as written."""

from __future__ import annotations

import os
import re
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def command(name: str) -> str:
    match = re.search(rf"<!-- command: {name} -->\n```sh\n(.+?)\n```", README)
    assert match, f"README has no '{name}' command block"
    return match.group(1)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert command("test") in ci


def test_first_command_installs_and_shows_the_example_diff(tmp_path):
    """In a fresh virtual environment, from a copy of the source tree (no build files left behind)."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    source = tmp_path / "src"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(source)], check=True)
    subprocess.run(["git", "-C", str(ROOT), "diff", "HEAD", "--binary"], check=True, capture_output=True)
    # The working tree as it is (uncommitted changes included) is what is tested.
    for relative in subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                                   text=True, check=True).stdout.splitlines():
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / relative).is_file():
            target.write_bytes((ROOT / relative).read_bytes())
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(env_dir)}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(command("example"), shell=True, cwd=source, capture_output=True, text=True, env=env,
                            timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]  # findings remain: the example is Keras 1 code
    assert "+    joined = Concatenate(axis=-1, name='joined')([t, m])" in result.stdout
    assert "Would fix" in result.stderr
