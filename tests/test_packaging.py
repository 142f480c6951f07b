"""``python -m build`` gives an sdist and a wheel that ``twine check`` accepts; the wheel, installed in a fresh
virtual environment, runs and carries its data files (not read from the source tree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd: Path, env=None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900, env=env)
    if check:
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """Built from a copy of the working tree (no build files left behind in the checkout)."""
    base = tmp_path_factory.mktemp("packaging")
    source = base / "src"
    listed = run("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).stdout.splitlines()
    for relative in listed:
        if (ROOT / relative).is_file():
            (source / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / relative, source / relative)
    out = base / "dist"
    run(sys.executable, "-m", "build", "--outdir", out, source, cwd=base)
    return out


def test_sdist_and_wheel_pass_twine_check(dist):
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    result = run(sys.executable, "-m", "twine", "check", "--strict", *wheels, *sdists, cwd=dist)
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_installed_wheel_runs_and_loads_its_data(dist, tmp_path):
    from kmigrate import __version__

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["NO_COLOR"] = "1"
    outside = tmp_path / "elsewhere"  # not the source tree: nothing can be read from the checkout
    outside.mkdir()
    shutil.copy(ROOT / "examples" / "siamese_keras1.py", outside / "siamese_keras1.py")
    kmigrate = env_dir / "bin" / "kmigrate"

    assert run(kmigrate, "--version", cwd=outside, env=env).stdout.strip() == f"kmigrate, version {__version__}"
    lint = run(kmigrate, "siamese_keras1.py", cwd=outside, env=env, check=False)
    assert lint.returncode == 1 and "siamese_keras1.py:25:18: KM301" in lint.stdout, lint.stdout + lint.stderr
    explain = run(kmigrate, "--explain", "KM301", cwd=outside, env=env)
    assert explain.stdout.startswith("# KM301 ") and "## Fix safety" in explain.stdout
    probe = (
        "import json, kmigrate\n"
        "from importlib.resources import files\n"
        "schema = json.loads(files('kmigrate.report').joinpath('schema.json').read_text())\n"
        "lock = files('kmigrate.verify').joinpath('legacy.lock').read_text()\n"
        "print(kmigrate.__file__)\n"
        "print(schema['title'])\n"
        "print(len(lock.splitlines()) > 0)\n"
    )
    where, title, lock = run(python, "-c", probe, cwd=outside, env=env).stdout.splitlines()
    assert Path(where).is_relative_to(env_dir) and not Path(where).is_relative_to(ROOT)
    assert title == "kmigrate --output-format json" and lock == "True"
