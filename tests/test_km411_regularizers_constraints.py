"""KM411: Keras 1 regularizers and constraints renamed in Keras 3, Keras 1's defaults written."""

import harness
import numpy as np
import pytest
from fixture_tests import catalogue

test_fixture, test_after_builds_under_keras3 = catalogue("km411")


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM411"]


def test_l1l2_gets_keras1_defaults_and_is_safe():
    (finding,) = findings("from keras.regularizers import l1l2\nr = l1l2(l2=0.1)\n")
    assert finding.message == "l1l2(...): l1l2 -> l1_l2; l1=0.01 (the Keras 1 default)"
    assert finding.fix.applicability == "safe"


def test_written_defaults_give_keras1_penalty():
    """Keras 1's l1l2() on w: 0.01 * sum|w| + 0.01 * sum w^2; Keras 3's bare l1_l2() gives 0."""
    keras = pytest.importorskip("keras")
    w = np.array([[1.0, -2.0], [0.5, 3.0]], "float32")
    fixed, _ = harness.fix_bytes(b"from keras.regularizers import l1l2\nr = l1l2()\n", [])
    namespace = {}
    exec(fixed.decode(), namespace)  # noqa: S102 - the fixed code itself, run
    expected = 0.01 * np.abs(w).sum() + 0.01 * np.square(w).sum()
    assert float(namespace["r"](keras.ops.convert_to_tensor(w))) == pytest.approx(expected, rel=1e-6)
    assert float(keras.regularizers.l1_l2()(keras.ops.convert_to_tensor(w))) == 0.0


def test_positional_arguments_keep_their_meaning():
    assert not findings("from keras import regularizers\nr = regularizers.l2(0.01)\n")
    fixed, _ = harness.fix_bytes(b"from keras.constraints import maxnorm\nc = maxnorm(3, 1)\n", [])
    assert fixed.endswith(b"c = max_norm(3, 1)\n")


def test_module_attribute_calls_keep_the_module():
    fixed, _ = harness.fix_bytes(b"from keras import constraints\nc = constraints.maxnorm(m=2)\n", [])
    assert fixed.endswith(b"c = constraints.max_norm(max_value=2)\n")
