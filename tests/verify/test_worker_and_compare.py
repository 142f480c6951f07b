"""The Keras 1 worker process and the per-output verdicts."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kmigrate.verify.compare import (
    DIFFERENT,
    EQUAL,
    EQUAL_SINGLETON,
    LegacyWorker,
    LegacyWorkerError,
    compare_arrays,
    make_inputs,
)

NOISY = textwrap.dedent(
    """
    import sys
    from keras.models import Sequential
    from keras.layers import Dense
    print("model code printing on stdout")
    sys.stdout.write("{not json\\n")

    def build():
        print("more noise")
        m = Sequential()
        m.add(Dense(2, input_dim=3, name='only'))
        return m

    def slow():
        import time
        time.sleep(60)
    """
)


def test_package_import_is_light():
    code = (
        "import sys, kmigrate.verify, kmigrate.verify.legacy_env;"
        "bad = [m for m in ('keras', 'tensorflow', 'numpy') if m in sys.modules];"
        "print(bad)"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60, check=False)
    assert out.stdout.strip() == "[]", out.stderr


def test_worker_does_not_import_kmigrate():
    import ast

    from kmigrate.verify.compare import WORKER_SCRIPT

    tree = ast.parse(WORKER_SCRIPT.read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n.split(".")[0] == "kmigrate"]
    assert names and all(n.split(".")[0] in sys.stdlib_module_names | {"numpy", "keras", "theano"} for n in names)


def test_build_reports_layers_inputs_outputs(worker):
    built = worker.build(NOISY, "noisy.py", "build")
    assert built["ok"], built
    assert built["inputs"] == [{"name": built["inputs"][0]["name"], "shape": [None, 3], "dtype": "float32",
                                "input_dim": None}]
    assert built["outputs"][0]["shape"] == [None, 2]
    dense = [layer for layer in built["layers"] if layer["class"] == "Dense"]
    assert len(dense) == 1 and dense[0]["name"] == "only" and dense[0]["explicit_name"] is True
    assert [w.shape for w in dense[0]["weights"]] == [(3, 2), (2,)]
    out = worker.predict(built["model_id"], [np.ones((4, 3), "float32")])
    w, b = dense[0]["weights"]
    assert np.allclose(out[0], np.ones((4, 3)) @ w + b, atol=1e-6)


def test_build_error_is_an_answer_not_a_crash(worker):
    answer = worker.build("def build():\n    return 1 / 0\n", "bad.py", "build")
    assert answer["ok"] is False
    assert answer["error"].startswith("ZeroDivisionError: division by zero (bad.py:2)")
    answer = worker.build("def build(:\n", "bad.py", "build")
    assert answer["ok"] is False and answer["error"].startswith("SyntaxError")
    answer = worker.build("raise SystemExit(3)\n", "bad.py", "build")
    assert answer["ok"] is False and "SystemExit" in answer["error"]
    assert worker.request("ping")["ok"]


def test_time_limit_kills_and_restarts(legacy_env):
    with LegacyWorker(legacy_env, timeout=3) as w:
        w.start()
        generation = w.generation
        with pytest.raises(LegacyWorkerError, match="no answer from the Keras 1 worker within 3 s"):
            w.build(NOISY + "\nslow()\n", "slow.py", "build")
        assert not w.alive
        assert w.request("ping")["ok"]
        assert w.generation == generation + 1


def test_dead_worker_is_restarted(legacy_env):
    with LegacyWorker(legacy_env) as w:
        w.start()
        generation = w.generation
        os.kill(w._proc.pid, 9)
        w._proc.wait()
        built = w.build(NOISY, "noisy.py", "build")  # a fresh worker, transparently
        assert built["ok"]
        assert w.generation == generation + 1


def test_dead_worker_during_request_is_an_error(legacy_env):
    with LegacyWorker(legacy_env) as w:
        with pytest.raises(LegacyWorkerError, match=r"died \(exit 7\)"):
            w.request("build", source="import os\nos._exit(7)\n", filename="x.py", func="build")
        assert w.request("ping")["ok"]


# --------------------------------------------------------------------------- inputs


def test_inputs_are_seeded_and_typed():
    specs = [{"shape": [None, 3], "dtype": "float32"}, {"shape": [None, 7], "dtype": "int32", "input_dim": 50},
             {"shape": [None, None, 2], "dtype": "float32"}]
    a = make_inputs(specs, seed=0)
    b = make_inputs(specs, seed=0)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    assert a[0].shape == (4, 3) and a[0].dtype == np.float32
    assert a[1].dtype.kind == "i" and a[1].min() >= 0 and a[1].max() < 50
    assert a[2].shape[0] == 4 and a[2].shape[2] == 2
    small = make_inputs(specs, seed=0, scale=1e-3)
    assert np.allclose(small[0], a[0] * 1e-3)
    assert np.array_equal(small[1], a[1])  # integer inputs are not scaled


# --------------------------------------------------------------------------- verdicts


def test_equal_and_tolerances():
    x = np.random.RandomState(0).standard_normal((4, 3)).astype("float32")
    assert compare_arrays(0, x, x.copy()).kind == EQUAL
    assert compare_arrays(0, x, x * (1 + 1e-7)).kind == EQUAL
    v = compare_arrays(0, x, x + 1e-3)
    assert v.kind == DIFFERENT and abs(v.max_abs_error - 1e-3) < 1e-6
    assert compare_arrays(0, x, x + 1e-3, atol=1e-2).kind == EQUAL


def test_singleton_axes():
    x = np.arange(4, dtype="float32").reshape(4, 1, 1)
    v = compare_arrays(0, x, x.reshape(4, 1))
    assert v.kind == EQUAL_SINGLETON and v.old_shape == (4, 1, 1) and v.new_shape == (4, 1)
    assert v.describe() == "output 0: equal up to singleton axes (Keras 1 shape (4, 1, 1), Keras 3 shape (4, 1))"
    y = x.reshape(4, 1).copy()
    y[2, 0] += 1
    v = compare_arrays(0, x, y)
    assert v.kind == DIFFERENT and v.worst_index == (2, 0, 0)
    v = compare_arrays(0, np.zeros((4, 3, 8)), np.zeros((4, 6, 4)))
    assert v.kind == DIFFERENT and "beyond singleton" in v.describe()


def test_nan_equals_nan_only_where_both_have_it():
    x = np.array([[1.0, np.nan], [2.0, 3.0]], "float32")
    assert compare_arrays(0, x, x.copy()).kind == EQUAL
    y = x.copy()
    y[0, 1] = 0.0
    v = compare_arrays(0, x, y)
    assert v.kind == DIFFERENT and v.worst_index == (0, 1)
    z = x.copy()
    z[1, 1] = np.nan
    v = compare_arrays(0, x, z)
    assert v.kind == DIFFERENT and v.worst_index == (1, 1)
    assert "worst at index (1, 1): Keras 1 3 vs Keras 3 nan" in v.describe()


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
               elements=st.floats(-1e6, 1e6, width=32)),
    st.data(),
)
def test_worst_element_is_found(x, data):
    assert compare_arrays(0, x, x.copy()).kind == EQUAL
    flat = data.draw(st.integers(0, x.size - 1))
    y = x.copy()
    y.flat[flat] = y.flat[flat] + np.float32(max(1.0, abs(float(y.flat[flat]))))
    v = compare_arrays(0, x, y)
    assert v.kind == DIFFERENT
    assert v.worst_index == tuple(int(i) for i in np.unravel_index(flat, x.shape))
