"""Numerical verification of rewrites against the real Keras 1.2.2 (design.md §4, §5).

Light on purpose: importing this package imports neither Keras, TensorFlow nor numpy.
"""
from .legacy_env import (
    LegacyEnvError,
    LegacyEnvMissing,
    check_legacy_env,
    default_legacy_env_path,
    legacy_environ,
    prepare_legacy_env,
)

__all__ = [
    "LegacyEnvError",
    "LegacyEnvMissing",
    "LegacyWorker",
    "VerifyResult",
    "check_legacy_env",
    "default_legacy_env_path",
    "legacy_environ",
    "prepare_legacy_env",
    "verify_sources",
]


def __getattr__(name):  # lazy: compare imports numpy (and keras only when used)
    if name in ("LegacyWorker", "VerifyResult", "verify_sources", "LegacyWorkerError"):
        from . import compare

        return getattr(compare, name)
    raise AttributeError(name)
