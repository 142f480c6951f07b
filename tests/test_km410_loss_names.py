"""KM410: loss strings 'kullback_leibler_divergence' and 'cosine_proximity' in compile."""

import harness
import pytest
from fixture_tests import catalogue

test_fixture, test_after_builds_under_keras3 = catalogue("km410")


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM410"]


def test_kl_divergence_is_a_safe_rename_keeping_the_quotes():
    fixed, _ = harness.fix_bytes(b'import keras\nm.compile("sgd", loss="kullback_leibler_divergence")\n', [])
    assert fixed == b'import keras\nm.compile("sgd", loss="kl_divergence")\n'


def test_cosine_is_unsafe():
    (finding,) = findings("import keras\nm.compile('sgd', loss='cosine_proximity')\n")
    assert finding.fix.applicability == "unsafe"


def test_cosine_lambda_computes_keras1_cosine_proximity():
    """Keras 1.2.2 objectives.cosine_proximity (Theano l2_normalize: x / sqrt(sum(x^2))), in numpy."""
    keras = pytest.importorskip("keras")
    import numpy as np

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.standard_normal((5, 7)).astype("float32"), rng.standard_normal((5, 7)).astype("float32")
    normalise = lambda x: x / np.sqrt((x ** 2).sum(-1, keepdims=True))
    keras1 = -np.mean(normalise(y_true) * normalise(y_pred), axis=-1)
    loss = eval(harness_lambda(), {"cosine_similarity": keras.losses.cosine_similarity})
    keras3 = keras.ops.convert_to_numpy(loss(keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(y_pred)))
    assert np.allclose(keras1, keras3, atol=1e-6)
    assert not np.allclose(keras1, keras.ops.convert_to_numpy(keras.losses.cosine_similarity(y_true, y_pred)))


def harness_lambda():
    from kmigrate.keras1 import losses

    return losses.COSINE_LAMBDA.format(fn="cosine_similarity")
