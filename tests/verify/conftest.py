"""Fixtures of the verify tests: one Keras 1.2.2 runtime and one Keras 1 worker for the session.

The runtime is prepared at ``KMIGRATE_LEGACY_ENV`` or the default user-cache path.  If it
cannot be prepared, every test that needs it FAILS with the reason (nothing is skipped).
"""
import os
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from kmigrate.verify.legacy_env import (
    LegacyEnvError,
    default_legacy_env_path,
    prepare_legacy_env,
)


@pytest.fixture(scope="session")
def legacy_env() -> Path:
    path = default_legacy_env_path()
    try:
        return prepare_legacy_env(path)
    except LegacyEnvError as exc:
        pytest.fail(f"the Keras 1.2.2 runtime could not be prepared at {path}: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def worker(legacy_env):
    from kmigrate.verify.compare import LegacyWorker

    with LegacyWorker(legacy_env) as w:
        yield w


@pytest.fixture(scope="session")
def verify(legacy_env, worker):
    """verify(old, new, func='build') -> VerifyResult, with the session's worker."""
    from kmigrate.verify import verify_sources

    def run(old, new, func="build", **kw):
        return verify_sources(old, new, func, filename=kw.pop("filename", "model.py"), env_path=legacy_env,
                              worker=worker, **kw)

    return run
