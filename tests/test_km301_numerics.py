"""The cosine formulas under Keras 3, value by value: the --cos-style legacy helper reproduces spec
§1.5's table, the Gram-based values on 3-D inputs and the extra axis; the KM303 port equals -cos/n."""

import importlib
import os

import harness
import numpy as np
import pytest

from kmigrate.rules import _cosine

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = importlib.import_module("keras")
ops = keras.ops

U = np.array([.6, .8, 0, 0], "float32")
V = np.array([.8, .6, 0, 0], "float32")
#: spec §1.5: norm n -> Keras 1's cos(n·u, n·v) (float32)
TABLE = [(0, 0.0), (1e-5, 0.00096), (1e-4, 0.096), (3e-4, 0.864), (1e-3, 0.96), (1.0, 0.96), (1e9, 0.96),
         (1e10, 0.0), (1e19, 0.0)]


@pytest.fixture(scope="module")
def keras1_cos():
    namespace = {"ops": ops}
    exec(_cosine.helper_source("keras1_cos", "ops"), namespace)
    return namespace["keras1_cos"]


def table_batch():
    norms = np.array([n for n, _ in TABLE], "float32")[:, None]
    return (norms * U).astype("float32"), (norms * V).astype("float32")


def test_legacy_reproduces_the_table_row_by_row(keras1_cos):
    x, y = table_batch()
    out = np.asarray(keras1_cos([x, y]))
    assert out.shape == (len(TABLE), 1, 1)  # Keras 1's extra axis
    np.testing.assert_allclose(out[:, 0, 0], [v for _, v in TABLE], rtol=1e-5, atol=1e-7)


def test_dot_differs_from_the_table_where_the_spec_says():
    x, y = table_batch()
    dot = np.asarray(keras.layers.Dot(axes=1, normalize=True)([x, y]))
    assert dot.shape == (len(TABLE), 1)
    expected = [0.0] + [0.96] * (len(TABLE) - 1)  # Dot: 0 for zero vectors, the true cosine elsewhere
    np.testing.assert_allclose(dot[:, 0], expected, rtol=1e-5)


def reference_3d(x, y, axis):
    """spec §1.3 in float64: x_i·y_j / max(sqrt(clip((x_i·x_j)(y_i·y_j), 0)), 1e-7), axis 1 added."""
    letters = "bki,bkj->bij" if axis == 1 else "bik,bjk->bij"
    xx, yy, xy = (np.einsum(letters, p.astype("float64"), q.astype("float64")) for p, q in ((x, x), (y, y), (x, y)))
    den = np.maximum(np.sqrt(np.clip(xx * yy, 0, None)), 1e-7)
    return (xy / den)[:, None]


@pytest.mark.parametrize("axis,shape", [(2, (3, 5, 4)), (1, (3, 5, 4)), (-1, (2, 6, 3))])
def test_legacy_3d_values_are_the_gram_based_formula(keras1_cos, axis, shape):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape).astype("float32")
    y = rng.standard_normal(shape).astype("float32")
    out = np.asarray(keras1_cos([x, y], axes=axis))
    expected = reference_3d(x, y, axis % 3)
    assert out.shape == expected.shape
    negative = expected[np.abs(expected) > 1e5]
    assert negative.size, "the sample must contain negative Gram products (values near 1e7)"
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    # The diagonal is the true cosine.
    diag = np.diagonal(out[:, 0], axis1=1, axis2=2)
    cos = np.asarray(keras.layers.Dot(axes=axis % 3, normalize=True)([x, y]))
    np.testing.assert_allclose(diag, np.diagonal(cos, axis1=1, axis2=2), rtol=1e-4, atol=1e-6)


def test_legacy_keeps_nan_where_theano_did_and_clips_negative_products(keras1_cos):
    # inf·0 makes the product NaN: Theano's maximum(NaN, 1e-7) is NaN (measured), so is the helper's.
    x = np.array([[3e38, 3e38]], "float32")
    y = np.zeros((1, 2), "float32")
    assert np.isnan(np.asarray(keras1_cos([x, y]))).all()
    # ops.maximum would also keep NaN, but ops.sqrt of a negative product would make NaN where
    # Theano's sqrt gave 0: x_0·x_1 < 0 while y's Gram entry is positive.
    x = np.array([[[1.0, 0.0], [-1.0, 0.5]]], "float32")
    y = np.array([[[1.0, 0.0], [1.0, 0.5]]], "float32")
    out = np.asarray(keras1_cos([x, y], axes=2))
    assert np.isfinite(out).all()
    assert out[0, 0, 0, 1] == pytest.approx(1.0 / 1e-7, rel=1e-5)  # x_0·y_1 = 1, denominator clamped


def port_of(case_name: str):
    [case] = [c for c in harness.cases("km303") if c.name == case_name]
    namespace = {"__name__": "port"}
    exec(case.after.read_text(), namespace)
    return namespace["cosine_distance"]


def test_km303_port_equals_minus_cos_over_n():
    port = port_of("import_keras")
    rng = np.random.default_rng(1)
    for n in (4, 16, 128):
        x = rng.standard_normal((5, n)).astype("float32")
        y = rng.standard_normal((5, n)).astype("float32")
        cos = np.sum(x * y, -1) / (np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1))
        out = np.asarray(port([x, y]))
        assert out.shape == (5, 1)
        np.testing.assert_allclose(out[:, 0], -cos / n, rtol=1e-5, atol=1e-7)


def test_the_minus_one_over_n_factor():
    # spec §5: u, v of the table (n = 4): cos 0.96, the "distance" -0.24; Dot gives 0.96 (factor -n).
    port = port_of("import_keras")
    out = float(np.asarray(port([U[None], V[None]]))[0, 0])
    dot = float(np.asarray(keras.layers.Dot(axes=-1, normalize=True)([U[None], V[None]]))[0, 0])
    assert out == pytest.approx(-0.24, rel=1e-6)
    assert dot == pytest.approx(0.96, rel=1e-6)
    assert out / dot == pytest.approx(-1 / 4, rel=1e-6)
    # Zero vectors stay NaN, as in Keras 1 (0/0 without epsilon).
    assert np.isnan(np.asarray(port([np.zeros((1, 4), "float32"), V[None]]))).all()
