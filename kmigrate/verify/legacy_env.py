"""The Keras 1.2.2 runtime: a virtual environment of its own (design.md §4).

Layout of a runtime folder ``PATH``::

    PATH/venv/                       the virtual environment (CPython 3.10/3.11, lock installed)
    PATH/venv/.../site-packages/kmigrate_k1_shims.py + kmigrate_k1_shims.pth
    PATH/home/.keras/keras.json      HOME of every legacy process
    PATH/theano-cache/               Theano's compile cache (kept across rebuilds)
    PATH/kmigrate-legacy-env.json    marker, written last: lock hash, python, OpenBLAS file

Standard library only: this module is imported on the CLI path of ``--prepare-legacy-env``.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "LOCK_FILE",
    "LegacyEnvError",
    "LegacyEnvMissing",
    "check_legacy_env",
    "default_legacy_env_path",
    "legacy_environ",
    "legacy_python",
    "lock_hash",
    "prepare_legacy_env",
]

HERE = Path(__file__).resolve().parent
LOCK_FILE = HERE / "legacy.lock"
SHIMS_FILE = HERE / "k1_shims.py"
MARKER_NAME = "kmigrate-legacy-env.json"
SUPPORTED_PYTHONS = ((3, 10), (3, 11))
KERAS_JSON = {"floatx": "float32", "epsilon": 1e-07, "backend": "theano", "image_dim_ordering": "tf"}
PREPARE_HINT = "run `kmigrate --prepare-legacy-env` (add `--legacy-env PATH` to choose where it lives)"

# What the health check runs inside the runtime: the lock, the shims and the Theano backend.
_HEALTH_CHECK = r"""
import sys, kmigrate_k1_shims, inspect, collections
assert hasattr(inspect, "getargspec") and hasattr(collections, "Iterable")
import numpy, scipy, h5py, yaml, six, theano
import keras
from keras import backend as K
assert keras.__version__ == "1.2.2", keras.__version__
assert K.backend() == "theano", K.backend()
assert hasattr(theano, "ifelse"), "shim 4 (theano.ifelse) not active"
print("ok", numpy.__version__, theano.__version__, keras.__version__)
"""


class LegacyEnvError(Exception):
    """The Keras 1.2.2 runtime cannot be created or used. The message is one line."""


class LegacyEnvMissing(LegacyEnvError):
    """The Keras 1.2.2 runtime has not been prepared (or is out of date) at the given path."""

    def __init__(self, path: Path, why: str = "not prepared"):
        self.path = Path(path)
        super().__init__(f"the Keras 1.2.2 runtime at {self.path} is {why}: {PREPARE_HINT}")


def lock_hash() -> str:
    return hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()


def default_legacy_env_path() -> Path:
    env = os.environ.get("KMIGRATE_LEGACY_ENV")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME")
    base = Path(cache).expanduser() if cache else Path.home() / ".cache"
    return base / "kmigrate" / "legacy-env"


def _venv(path: Path) -> Path:
    return Path(path) / "venv"


def legacy_python(path: Path) -> Path:
    """The interpreter of the runtime at ``path``."""
    venv = _venv(path)
    if os.name == "nt":  # pragma: no cover - Theano 1.0.5 + K1 are not supported there anyway
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def _read_marker(path: Path) -> dict | None:
    try:
        return json.loads((Path(path) / MARKER_NAME).read_text())
    except (OSError, ValueError):
        return None


def check_legacy_env(path: Path) -> Path:
    """Cheap check (no subprocess) that ``path`` holds a prepared runtime; raise LegacyEnvMissing if not."""
    path = Path(path)
    marker = _read_marker(path)
    if marker is None:
        raise LegacyEnvMissing(path)
    if marker.get("lock_sha256") != lock_hash():
        raise LegacyEnvMissing(path, "out of date (made from another lock)")
    if not legacy_python(path).exists() or not Path(marker.get("openblas", "")).exists():
        raise LegacyEnvMissing(path, "broken")
    return path


def _find_openblas(path: Path) -> Path:
    venv = _venv(path)
    found = sorted(venv.glob("lib*/python3*/site-packages/scipy.libs/libopenblas*.so*"))
    if not found:
        raise LegacyEnvError(f"no OpenBLAS library found in the scipy wheel of {venv} (scipy.libs)")
    return found[0]


def _theano_flags(path: Path, openblas: Path) -> str:
    path = Path(path)
    return ",".join(
        [
            f"base_compiledir={path / 'theano-cache'}",
            "floatX=float32",
            "device=cpu",
            f"blas.ldflags=-L{openblas.parent} -l:{openblas.name}",
        ]
    )


def legacy_environ(path: Path, base: dict | None = None) -> dict:
    """The environment for every process of the runtime at ``path`` (a full ``env=`` dict)."""
    path = Path(path)
    marker = _read_marker(path) or {}
    openblas = Path(marker["openblas"]) if marker.get("openblas") else _find_openblas(path)
    env = dict(os.environ if base is None else base)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "THEANORC", "KERAS_HOME"):
        env.pop(name, None)
    venv = _venv(path)
    env.update(
        {
            "KERAS_BACKEND": "theano",
            "HOME": str(path / "home"),
            "THEANO_FLAGS": _theano_flags(path, openblas),
            "VIRTUAL_ENV": str(venv),
            "PATH": str(legacy_python(path).parent) + os.pathsep + env.get("PATH", ""),
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return env


def _python_version(python: str) -> tuple:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.implementation.name, *sys.version_info[:3])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise LegacyEnvError(f"cannot run the interpreter {python!r}: {exc}") from None
    if out.returncode != 0:
        raise LegacyEnvError(f"cannot run the interpreter {python!r} (exit {out.returncode})")
    try:
        name, major, minor, micro = out.stdout.split()
        return name, int(major), int(minor), int(micro)
    except ValueError:
        raise LegacyEnvError(f"{python!r} does not look like a Python interpreter") from None


def _need_python_message(found: str) -> str:
    return (
        f"the Keras 1.2.2 runtime needs CPython 3.10 or 3.11 (found {found}): "
        "give such an interpreter with `--legacy-python PATH`"
    )


def _choose_python(python: str | None) -> str:
    if python is None:
        impl = sys.implementation.name
        if impl == "cpython" and sys.version_info[:2] in SUPPORTED_PYTHONS:
            return sys.executable
        raise LegacyEnvError(_need_python_message(f"{impl} {sys.version.split()[0]}"))
    resolved = shutil.which(python) or python
    name, major, minor, micro = _python_version(resolved)
    if name != "cpython" or (major, minor) not in SUPPORTED_PYTHONS:
        raise LegacyEnvError(_need_python_message(f"{name} {major}.{minor}.{micro} at {resolved}"))
    return resolved


def _last_error_line(output: str) -> str:
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR:")]
    network = [
        ln
        for ln in lines
        if "NewConnectionError" in ln
        or "Connection refused" in ln
        or "Temporary failure in name resolution" in ln
        or "Max retries exceeded" in ln
        or "timed out" in ln
    ]
    line = errors[-1] if errors else (lines[-1] if lines else "no output")
    if network and not any(net in line for net in network):
        why = network[-1]
        for key in ("Connection refused", "Temporary failure in name resolution", "timed out", "Max retries exceeded"):
            if key in why:
                why = key
                break
        line = f"{line} (package index unreachable: {why})"
    if len(line) > 400:
        line = line[:397] + "..."
    return line


def _run(cmd: list, *, env: dict, what: str, timeout: float) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise LegacyEnvError(f"{what} did not finish within {int(timeout)} s") from None
    except OSError as exc:
        raise LegacyEnvError(f"{what} could not start: {exc}") from None
    output = (proc.stdout or "") + "\n" + (proc.stderr or "")
    if proc.returncode != 0:
        raise LegacyEnvError(f"{what} failed: {_last_error_line(output)}")
    return output


def _write_if_changed(target: Path, content: str) -> None:
    try:
        if target.read_text() == content:
            return
    except OSError:
        pass
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(content)
    os.replace(tmp, target)


def _site_packages(path: Path) -> Path:
    found = sorted(_venv(path).glob("lib*/python3*/site-packages"))
    if not found:
        raise LegacyEnvError(f"no site-packages folder in {_venv(path)}")
    return found[0]


def _write_runtime_files(path: Path) -> None:
    """The .pth shims, keras.json and the cache folder; cheap and idempotent."""
    site = _site_packages(path)
    _write_if_changed(site / "kmigrate_k1_shims.py", SHIMS_FILE.read_text())
    _write_if_changed(site / "kmigrate_k1_shims.pth", "import kmigrate_k1_shims\n")
    keras_dir = Path(path) / "home" / ".keras"
    keras_dir.mkdir(parents=True, exist_ok=True)
    _write_if_changed(keras_dir / "keras.json", json.dumps(KERAS_JSON, indent=4) + "\n")
    (Path(path) / "theano-cache").mkdir(parents=True, exist_ok=True)


def _health_check(path: Path) -> str | None:
    """None when the runtime imports Keras 1.2.2 on Theano with the shims; else the reason."""
    try:
        env = legacy_environ(path)
        proc = subprocess.run(
            [str(legacy_python(path)), "-c", _HEALTH_CHECK],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, LegacyEnvError, KeyError) as exc:
        return str(exc) or type(exc).__name__
    if proc.returncode != 0 or not proc.stdout.startswith("ok"):
        return _last_error_line(proc.stdout + "\n" + proc.stderr)
    return None


def prepare_legacy_env(
    path: Path,
    python: str | None = None,
    *,
    log: Callable[[str], None] | None = None,
    pip_timeout: float = 1800.0,
) -> Path:
    """Create or repair the Keras 1.2.2 runtime at ``path``; return ``path``.

    Idempotent: a runtime whose marker matches the lock and that passes the health check is
    kept as it is (only the shims and keras.json are rewritten when changed).  Anything else is
    rebuilt (the Theano compile cache is kept).  Raises LegacyEnvError with a one-line message.
    """
    say = log or (lambda msg: None)
    path = Path(path).expanduser().absolute()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LegacyEnvError(f"cannot create {path}: {exc.strerror or exc}") from None
    with _prepare_lock(path):
        return _prepare_locked(path, python, say, pip_timeout)


@contextlib.contextmanager
def _prepare_lock(path: Path):
    """One preparation at a time per runtime folder (other processes wait)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(path / ".prepare.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prepare_locked(path: Path, python: str | None, say: Callable[[str], None], pip_timeout: float) -> Path:
    marker = _read_marker(path)
    if marker and marker.get("lock_sha256") == lock_hash() and legacy_python(path).exists():
        try:
            _write_runtime_files(path)
            problem = _health_check(path)
        except (OSError, LegacyEnvError) as exc:
            problem = str(exc)
        if problem is None:
            say(f"Keras 1.2.2 runtime at {path} is ready")
            return path
        say(f"Keras 1.2.2 runtime at {path} is broken ({problem}); rebuilding")
    interpreter = _choose_python(python)

    (path / MARKER_NAME).unlink(missing_ok=True)
    venv = _venv(path)
    if venv.is_symlink() or venv.is_file():
        venv.unlink()
    elif venv.exists():
        shutil.rmtree(venv)  # only our own venv/ folder; the Theano cache and home/ are kept
    base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    say(f"creating a virtual environment with {interpreter}")
    _run([interpreter, "-m", "venv", str(venv)], env=base_env, what="creating the virtual environment", timeout=600)
    py = str(legacy_python(path))
    pip_env = dict(base_env, PYTHONNOUSERSITE="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    say(f"installing {', '.join(LOCK_FILE.read_text().split())}")
    _run(
        [py, "-m", "pip", "install", "--no-warn-script-location", "-r", str(LOCK_FILE)],
        env=pip_env,
        what="pip install of the Keras 1.2.2 lock",
        timeout=pip_timeout,
    )
    openblas = _find_openblas(path)
    _write_runtime_files(path)
    marker = {
        "lock_sha256": lock_hash(),
        "lock": LOCK_FILE.read_text().split(),
        "python": py,
        "base_python": interpreter,
        "openblas": str(openblas),
    }
    # legacy_environ reads the OpenBLAS path from the marker; write a provisional one for the check.
    tmp_marker = path / (MARKER_NAME + ".tmp")
    tmp_marker.write_text(json.dumps(marker, indent=2) + "\n")
    try:
        os.replace(tmp_marker, path / MARKER_NAME)
        say("checking that Keras 1.2.2 imports on Theano")
        problem = _health_check(path)
        if problem is not None:
            raise LegacyEnvError(f"the new Keras 1.2.2 runtime at {path} does not work: {problem}")
    except BaseException:
        (path / MARKER_NAME).unlink(missing_ok=True)
        raise
    say(f"Keras 1.2.2 runtime ready at {path}")
    return path
