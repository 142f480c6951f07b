import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import json
import subprocess

import pytest


class Keras3Builder:
    """One Keras 3 process for the whole test run (importing TensorFlow costs seconds)."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).parent / "keras3_build.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        ready = self.process.stdout.readline()
        if not ready:
            raise RuntimeError("the Keras 3 build process did not start (is the verify extra installed?)")

    def build(self, path: Path, fit: bool = False) -> dict:
        self.process.stdin.write(json.dumps({"path": str(path), "fit": fit}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the Keras 3 build process died")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def keras3():
    builder = Keras3Builder()
    yield builder
    builder.close()
