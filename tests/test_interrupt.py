"""An interrupted ``--fix`` (SIGINT, SIGTERM) leaves every file original or completely fixed, no temporary
files, no worker processes, and exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import robustness_cli

FILES = 300


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("jobs", ["2", "1"], ids=["pool", "in-process"])
def test_interrupted_fix_leaves_every_file_whole(tmp_path, signum, jobs):
    folder = tmp_path / "project"
    folder.mkdir()
    originals, expected = {}, {}
    for index in range(FILES):
        text = robustness_cli.keras_file(index, merges=6)
        originals[f"m{index:03}.py"] = text.encode()
        expected[f"m{index:03}.py"] = text.replace("merge([h, b], mode='sum')", "Add()([h, b])").replace(
            "import Input, Dense, merge", "import Input, Dense, Add").encode()
    for name, data in originals.items():
        (folder / name).write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(robustness_cli.REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "kmigrate", "--fix", "--jobs", jobs, str(folder)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    sample = [folder / name for name in list(originals)[:: FILES // 30]]
    # Wait until the run is writing, then interrupt it.
    while time.monotonic() < deadline and proc.poll() is None:
        if any(path.read_bytes() != originals[path.name] for path in sample):
            break
        time.sleep(0.005)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    fixed = original = 0
    for name in originals:
        data = (folder / name).read_bytes()
        assert data in (originals[name], expected[name]), f"{name} is neither original nor completely fixed"
        fixed += data == expected[name]
        original += data == originals[name]
    assert fixed and original, f"not a mixed state ({fixed} fixed, {original} original): the signal came too late"
    assert sorted(p.name for p in folder.iterdir()) == sorted(originals), "temporary files left behind"
    assert _processes_mentioning(str(folder)) == [], "worker processes left behind"
