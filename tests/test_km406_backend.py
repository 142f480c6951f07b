"""KM406: K.* backend functions → keras.ops with Keras 1's defaults and argument order (T18, T19)."""

import importlib
import inspect
import re

import harness
import libcst as cst
import numpy as np
import pytest
from fixture_tests import catalogue

from kmigrate.keras1 import backend
from kmigrate.rules import km406_backend

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


def fixed(source: str, unsafe: bool = False) -> str:
    return harness.fix_bytes(f"from keras import backend as K\n{source}\n".encode(),
                             ["--unsafe-fixes"] if unsafe else [])[0].decode().split("\n", 1)[1].strip()


def test_crossentropy_fix_is_unsafe_and_says_why():
    (finding,) = findings("from keras import backend as K\nl = K.binary_crossentropy(out, tgt)\n")
    assert finding.fix.applicability == "unsafe"
    assert "clipped the probabilities" in finding.message
    assert fixed("l = K.binary_crossentropy(out, tgt)", unsafe=True) == \
        "l = ops.binary_crossentropy(output=out, target=tgt)"


def test_keyword_arguments_get_keras3_names():
    assert fixed("y = K.pow(x=a, a=2)") == "y = ops.power(x1=a, x2=2)"
    assert fixed("y = K.one_hot(indices=i, nb_classes=3)") == "y = ops.one_hot(x=i, num_classes=3)"
    assert fixed("y = K.stop_gradient(variables=v)") == "y = ops.stop_gradient(variable=v)"
    assert fixed("y = K.dropout(x=v, level=0.5)") == "y = random.dropout(inputs=v, rate=0.5)"


def test_keras3_signatures_take_the_written_arguments():
    """Every argument an OPS rewrite writes is a parameter of the Keras 3 function, at the same position
    unless the rewrite writes keywords."""
    for name, (module, target, params, renames, defaults, keywords_only) in backend.OPS.items():
        parameters = list(inspect.signature(getattr(importlib.import_module(module), target)).parameters)
        kept = [p for p in params if p != backend.DROPPED.get(name)]
        for index, param in enumerate(kept):
            assert renames.get(param, param) in parameters, (name, param)
            assert keywords_only or parameters.index(renames.get(param, param)) == index, (name, param)
        assert all(k3 in parameters for _, k3, _ in defaults), name


def test_templates_call_functions_keras3_has():
    keras = importlib.import_module("keras")
    for name, row in backend.TEMPLATES.items():
        writes = row["write"].values() if isinstance(row["write"], dict) else [row["write"]]
        names = {p: km406_backend._Code(p, True) for p in row["params"]}
        names |= {k: km406_backend._Code(f"keras.{k}", True) for k in km406_backend._MODULES}
        for template in writes:
            code = km406_backend._fill(template, names)
            cst.parse_expression(code)
            for module, function in re.findall(r"keras\.(\w+)\.(\w+)", code):
                assert hasattr(getattr(keras, module), function), (name, module, function)


def test_template_operands_get_parentheses_where_an_operator_binds_them():
    assert fixed("y = K.hard_sigmoid(a + b)") == "y = ops.clip(0.2 * (a + b) + 0.5, 0.0, 1.0)"
    assert fixed("s = K.int_shape(a + b)", unsafe=True) == "s = (a + b).shape"
    assert fixed("y = K.sqrt(a + b)") == "y = ops.sqrt(ops.maximum(a + b, 0.0))"


def test_template_elements_of_a_literal_or_a_name():
    assert fixed("y = K.spatial_2d_padding(x, (1, 2), 'th')") == \
        "y = ops.pad(x, [[0, 0], [0, 0], [1, 1], [2, 2]])"
    assert fixed("y = K.spatial_2d_padding(x, p, dim_ordering='tf')") == \
        "y = ops.pad(x, [[0, 0], [p[0], p[0]], [p[1], p[1]], [0, 0]])"


def test_template_not_rewritten_says_what_to_write():
    (finding,) = findings("from keras import backend as K\ny = K.spatial_2d_padding(x)\n")
    assert finding.fix is None
    assert "dim_ordering='default' is not one of 'th', 'tf' (it follows the global setting)" in finding.message
    (finding,) = findings("from keras import backend as K\ny = K.batch_flatten(f(x))\n")
    assert finding.fix is None and "its x argument would be written twice" in finding.message
    (finding,) = findings("from keras import backend as K\ny = K.pool2d(x, (3, 3), border_mode='same')\n")
    assert finding.fix is None and "Theano padded 'same' pooling otherwise" in finding.message


def test_pooling_writes_keras1_strides_and_maps_the_ordering():
    assert fixed("y = K.pool2d(x, (2, 2), pool_mode='avg', dim_ordering='th')") == (
        "y = ops.average_pool(x, (2, 2), strides=(1, 1), padding='valid', data_format='channels_first')")
    assert fixed("y = K.pool3d(x, (2, 2, 2))") == (
        "y = ops.max_pool(x, (2, 2, 2), strides=(1, 1, 1), padding='valid', data_format=None)")


def test_graph_op_names_are_dropped():
    assert fixed("y = K.ones_like(x, name='o')") == "y = ops.ones_like(x)"
    assert fixed("y = K.map_fn(f, xs, 'steps')") == "y = ops.map(f, xs)"
    assert fixed("y = K.zeros_like(x, 'float32', name='z', )") == "y = ops.zeros_like(x, 'float32', )"


def test_set_image_dim_ordering_maps_a_literal():
    (tf,) = findings("from keras import backend as K\nK.set_image_dim_ordering('tf')\n")
    assert tf.fix.applicability == "safe"
    (th,) = findings("from keras import backend as K\nK.set_image_dim_ordering(dim_ordering='th')\n")
    assert th.fix.applicability == "unsafe" and "(T16)" in th.message
    assert fixed("K.set_image_dim_ordering(dim_ordering='th')", unsafe=True) == \
        "config.set_image_data_format('channels_first')"
    (other,) = findings("from keras import backend as K\nK.set_image_dim_ordering(o)\n")
    assert other.fix.applicability == "unsafe"
    assert fixed("K.set_image_dim_ordering(o)", unsafe=True) == \
        "config.set_image_data_format({'tf': 'channels_last', 'th': 'channels_first'}[o])"
    (nothing,) = findings("from keras import backend as K\nK.set_image_dim_ordering()\n")
    assert nothing.fix is None and "(T16)" in nothing.message


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
