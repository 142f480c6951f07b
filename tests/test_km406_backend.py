"""KM406: K.* backend functions → keras.ops with Keras 1's defaults and argument order (T18, T19)."""

import importlib

import harness
import numpy as np
import pytest
from fixture_tests import catalogue

CASES = harness.cases("km406")
test_fixture, test_after_builds_under_keras3 = catalogue("km406")


def findings(source: str, code: str = "KM406"):
    return [f for f in harness.check_findings(source.encode()) if f.code == code]


def test_default_axis_is_written_and_safe():
    (finding,) = findings("from keras import backend as K\ny = K.concatenate([a, b])\n")
    assert finding.message == "K.concatenate -> ops.concatenate; axis=-1 (the Keras 1 default)"
    assert finding.fix.applicability == "safe"


def test_written_defaults_give_keras1_results():
    """What Keras 1 computed: concatenate on the last axis, argmax per row, gather rows."""
    ops = importlib.import_module("keras").ops
    a = np.arange(6.0).reshape(2, 3)
    assert ops.concatenate([a, a], axis=-1).shape == (2, 6)
    assert list(ops.convert_to_numpy(ops.argmax(a, axis=-1))) == [2, 2]
    assert ops.take(a, [1], axis=0).shape == (1, 3)


def test_crossentropy_keywords_match_keras1_order():
    keras = importlib.import_module("keras")
    out = np.array([[0.9, 0.1]], "float32")
    tgt = np.array([[1.0, 0.0]], "float32")
    value = float(keras.ops.categorical_crossentropy(output=out, target=tgt)[0])
    assert value == pytest.approx(-np.log(0.9), rel=1e-5)


def test_names_keras3_backend_keeps_are_left_alone():
    assert not harness.check_findings(b"from keras import backend as K\ne = K.epsilon()\nf = K.floatx()\n")


def test_image_dim_ordering_comparison_maps_the_value():
    (finding,) = findings("from keras import backend as K\nif K.image_dim_ordering() == 'th':\n    pass\n")
    assert finding.message == ("K.image_dim_ordering() compared with 'th' -> "
                               "config.image_data_format() == 'channels_first'")
    assert finding.fix.applicability == "safe"
    fixed, _ = harness.fix_bytes(b"from keras import backend as K\nx = 'tf' != K.image_dim_ordering()\n", [])
    assert fixed.endswith(b"x = 'channels_last' != config.image_data_format()\n")


def test_image_dim_ordering_elsewhere_keeps_keras1_value():
    fixed, _ = harness.fix_bytes(b"from keras import backend as K\nf(K.image_dim_ordering())\n"
                                 b"s = K.image_dim_ordering() + '!'\n", [])
    assert b"f('tf' if config.image_data_format() == 'channels_last' else 'th')\n" in fixed
    assert b"s = ('tf' if config.image_data_format() == 'channels_last' else 'th') + '!'\n" in fixed


def test_image_dim_ordering_fixture_matches_keras1(verify):
    before = harness.FIXTURES / "km406" / "image_dim_ordering.before.py"
    after = before.with_name("image_dim_ordering.after.py")
    result = verify(before.read_text(), after.read_text(), "build_model", filename=str(before))
    assert result.ok, "\n".join(result.lines)
