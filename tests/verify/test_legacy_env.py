"""The Keras 1.2.2 runtime: preparation, idempotence, repair, one-line failures."""
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kmigrate.verify import legacy_env as le
from kmigrate.verify.legacy_env import (
    LegacyEnvError,
    LegacyEnvMissing,
    check_legacy_env,
    default_legacy_env_path,
    legacy_environ,
    legacy_python,
    prepare_legacy_env,
)


def _site(path):
    return next((Path(path) / "venv").glob("lib*/python3*/site-packages"))


def test_lock_file_is_the_verified_recipe():
    lines = le.LOCK_FILE.read_text().split()
    assert lines == [
        "Keras==1.2.2", "Theano==1.0.5", "numpy==1.23.5", "scipy==1.9.3", "h5py==3.9.0", "PyYAML==6.0.4",
        "six==1.17.0",
    ]


def test_default_path(monkeypatch, tmp_path):
    monkeypatch.setenv("KMIGRATE_LEGACY_ENV", str(tmp_path / "x"))
    assert default_legacy_env_path() == tmp_path / "x"
    monkeypatch.delenv("KMIGRATE_LEGACY_ENV")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_legacy_env_path() == tmp_path / "cache" / "kmigrate" / "legacy-env"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_legacy_env_path() == Path.home() / ".cache" / "kmigrate" / "legacy-env"


def test_prepare_is_idempotent(legacy_env):
    marker = legacy_env / le.MARKER_NAME
    before = marker.stat().st_mtime_ns
    python_before = legacy_python(legacy_env).stat().st_ino
    t0 = time.monotonic()
    assert prepare_legacy_env(legacy_env) == legacy_env
    assert time.monotonic() - t0 < 30  # a health check, not a rebuild
    assert marker.stat().st_mtime_ns == before
    assert legacy_python(legacy_env).stat().st_ino == python_before
    assert check_legacy_env(legacy_env) == legacy_env


def test_runtime_files(legacy_env):
    env = legacy_environ(legacy_env)
    assert env["KERAS_BACKEND"] == "theano"
    assert env["HOME"] == str(legacy_env / "home")
    keras_json = json.loads((legacy_env / "home" / ".keras" / "keras.json").read_text())
    assert keras_json == {"floatx": "float32", "epsilon": 1e-07, "backend": "theano", "image_dim_ordering": "tf"}
    flags = dict(item.split("=", 1) for item in env["THEANO_FLAGS"].split(","))
    assert flags["base_compiledir"] == str(legacy_env / "theano-cache")
    assert flags["floatX"] == "float32" and flags["device"] == "cpu"
    libdir, lib = flags["blas.ldflags"].split(" ")
    assert libdir.startswith("-L") and libdir.endswith("scipy.libs")
    assert lib.startswith("-l:libopenblas") and (Path(libdir[2:]) / lib[3:]).exists()
    assert (_site(legacy_env) / "kmigrate_k1_shims.pth").read_text().strip() == "import kmigrate_k1_shims"


SHIM_PROBE = r"""
import inspect, collections, sys
print(inspect.getargspec(lambda a, b=1, *c, **d: 0))
print(collections.Iterable is collections.abc.Iterable)
print(sys.modules['theano.scan_module.scan_perform_ext'])
import keras.backend as K, theano
print('ifelse' in dir(theano))
import h5py, os, tempfile
p = os.path.join(tempfile.mkdtemp(), 'a.h5')
with h5py.File(p, 'w') as f:
    f.attrs['keras_version'] = '1.2.2'
with h5py.File(p, 'r') as f:
    print(type(f.attrs['keras_version']).__name__)
"""


def test_the_five_shims_are_active(legacy_env):
    out = subprocess.run([str(legacy_python(legacy_env)), "-c", SHIM_PROBE], env=legacy_environ(legacy_env),
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines == ["ArgSpec(args=['a', 'b'], varargs='c', keywords='d', defaults=(1,))", "True", "None", "True",
                     "bytes"]


def test_lstm_and_save_load_weights_run_in_the_runtime(legacy_env, tmp_path):
    """Seen failing without shims 1, 3, 4 and 5: LSTM (scan), Dropout (ifelse), save/load weights (h5py)."""
    code = r"""
import numpy as np, sys
from keras.models import Sequential
from keras.layers import LSTM, Dropout, Dense, Lambda
m = Sequential([LSTM(3, input_shape=(4, 2)), Dropout(0.5), Dense(1), Lambda(lambda x: x * 2)])
x = np.ones((2, 4, 2), 'float32')
a = m.predict(x)
m.save_weights(sys.argv[1])
m.load_weights(sys.argv[1])
assert np.allclose(a, m.predict(x))
print('ok')
"""
    out = subprocess.run([str(legacy_python(legacy_env)), "-c", code, str(tmp_path / "w.h5")],
                         env=legacy_environ(legacy_env), capture_output=True, text=True, timeout=600, check=False)
    assert out.stdout.strip() == "ok", out.stderr[-3000:]


def test_missing_runtime_names_the_command(tmp_path):
    with pytest.raises(LegacyEnvMissing) as info:
        check_legacy_env(tmp_path / "nowhere")
    message = str(info.value)
    assert "kmigrate --prepare-legacy-env" in message and "--legacy-env PATH" in message
    assert "\n" not in message
    assert isinstance(info.value, LegacyEnvError)


def test_verify_without_runtime_raises_missing(tmp_path):
    from kmigrate.verify import verify_sources

    with pytest.raises(LegacyEnvMissing):
        verify_sources("", "", "build", filename="m.py", env_path=tmp_path / "nowhere")


def test_wrong_interpreter_one_clear_message(tmp_path, monkeypatch):
    fake = tmp_path / "python3.12"
    fake.write_text("#!/bin/sh\necho cpython 3 12 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(LegacyEnvError) as info:
        prepare_legacy_env(tmp_path / "env", python=str(fake))
    message = str(info.value)
    assert "3.10 or 3.11" in message and "--legacy-python PATH" in message and "3.12.1" in message
    assert "\n" not in message
    # no interpreter given and the current one unsupported: the same message
    monkeypatch.setattr(le, "SUPPORTED_PYTHONS", ((3, 10),) if sys.version_info[:2] != (3, 10) else ((3, 11),))
    with pytest.raises(LegacyEnvError) as info:
        prepare_legacy_env(tmp_path / "env2")
    assert "--legacy-python PATH" in str(info.value)
    with pytest.raises(LegacyEnvError) as info:
        prepare_legacy_env(tmp_path / "env3", python=str(tmp_path / "no-such-python"))
    assert "\n" not in str(info.value)


def test_pip_failure_is_one_line(tmp_path, monkeypatch):
    # An index on a closed local port, and nothing else pip could fall back on.
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_RETRIES", "1")
    monkeypatch.setenv("PIP_TIMEOUT", "5")
    target = tmp_path / "env"
    with pytest.raises(LegacyEnvError) as info:
        prepare_legacy_env(target, python=sys.executable if sys.version_info[:2] in ((3, 10), (3, 11)) else None)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("pip install of the Keras 1.2.2 lock failed: ERROR: ")
    assert "Keras==1.2.2" in message or "keras" in message.lower()
    assert "unreachable" in message and "Connection refused" in message
    assert "Traceback" not in message
    assert not (target / le.MARKER_NAME).exists()
    with pytest.raises(LegacyEnvMissing):
        check_legacy_env(target)


def test_created_repaired_and_rebuilt(tmp_path):
    """From scratch; runtime files repaired in place; a package removed -> rebuilt, the Theano cache kept."""
    target = tmp_path / "legacy"
    python = sys.executable if sys.version_info[:2] in ((3, 10), (3, 11)) else None
    t0 = time.monotonic()
    prepare_legacy_env(target, python=python)
    created = time.monotonic() - t0
    # runtime files removed or changed: repaired without a rebuild (done here, not on the shared runtime)
    pth = _site(target) / "kmigrate_k1_shims.pth"
    keras_json = target / "home" / ".keras" / "keras.json"
    python_before = legacy_python(target).stat().st_ino
    pth.unlink()
    keras_json.write_text("{}")
    notes = []
    prepare_legacy_env(target, log=notes.append)
    assert pth.exists() and json.loads(keras_json.read_text())["backend"] == "theano"
    assert legacy_python(target).stat().st_ino == python_before
    assert not any("rebuilding" in n for n in notes), notes
    # a package removed: rebuilt
    (target / "theano-cache" / "keep-me").write_text("x")
    shutil.rmtree(_site(target) / "theano")
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run([str(legacy_python(target)), "-c", "import theano"], env=legacy_environ(target),
                       check=True, capture_output=True, timeout=120)
    notes = []
    prepare_legacy_env(target, log=notes.append)
    assert any("broken" in n and "rebuilding" in n for n in notes), notes
    assert (target / "theano-cache" / "keep-me").exists()
    assert check_legacy_env(target) == target
    out = subprocess.run([str(legacy_python(target)), "-c", "import keras; print(keras.__version__)"],
                         env=legacy_environ(target), capture_output=True, text=True, timeout=300, check=False)
    assert out.stdout.strip().endswith("1.2.2"), out.stderr[-2000:]
    print(f"runtime created in {created:.1f} s")
