import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

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


@pytest.fixture(scope="session")
def legacy_env() -> Path:
    """The Keras 1.2.2 runtime (design.md §4) at KMIGRATE_LEGACY_ENV or the default path.

    Prepared if needed; when that fails, every test that needs it FAILS with the reason (never skips).
    """
    from kmigrate.verify.legacy_env import LegacyEnvError, default_legacy_env_path, prepare_legacy_env

    path = default_legacy_env_path()
    try:
        return prepare_legacy_env(path)
    except LegacyEnvError as exc:
        pytest.fail(f"the Keras 1.2.2 runtime could not be prepared at {path}: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def worker(legacy_env):
    """One Keras 1 worker for the whole run (Theano compiles once per process)."""
    from kmigrate.verify.compare import LegacyWorker

    with LegacyWorker(legacy_env) as legacy_worker:
        yield legacy_worker


@pytest.fixture(scope="session")
def verify(legacy_env, worker):
    """verify(old, new, func='build') -> VerifyResult, with the session's worker."""
    from kmigrate.verify import verify_sources

    def run(old, new, func="build", **kw):
        return verify_sources(old, new, func, filename=kw.pop("filename", "model.py"), env_path=legacy_env,
                              worker=worker, **kw)

    return run
