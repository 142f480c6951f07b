"""KM410: loss strings 'kullback_leibler_divergence' and 'cosine_proximity' in compile."""

import harness
import pytest
from fixture_tests import catalogue

from kmigrate.keras1 import losses

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
    return losses.COSINE_LAMBDA.format(fn="cosine_similarity")


def test_hinge_losses_are_reported_in_a_keras1_file_only():
    keras1 = "import keras\nm.compile('sgd', loss='hinge')\nm.compile('sgd', loss=['squared_hinge'])\nm.fit(x, y, nb_epoch=1)\n"
    hinge, squared = findings(keras1)
    assert hinge.fix is None and squared.fix is None
    assert "labels already in {-1, 1} are unaffected" in hinge.message
    assert hinge.message.endswith(losses.LABEL_CONVERTING_LOSSES["hinge"].format(ops="keras.ops"))
    assert not findings("import keras\nm.compile('sgd', loss='hinge')\n")


def test_keras3_hinge_converts_01_labels_and_the_reported_loss_is_keras1s():
    """Keras 1.2.2 objectives.hinge / squared_hinge: mean(maximum(1 - y_true * y_pred, 0)) (squared), in numpy."""
    keras = pytest.importorskip("keras")
    import numpy as np

    y_pred = np.array([[0.3, -0.2, 0.8, -1.5]], dtype="float32")
    keras1 = {"hinge": lambda t: np.mean(np.maximum(1 - t * y_pred, 0), -1),
              "squared_hinge": lambda t: np.mean(np.maximum(1 - t * y_pred, 0) ** 2, -1)}
    for name, formula in losses.LABEL_CONVERTING_LOSSES.items():
        written = eval(formula.format(ops="keras.ops"), {"keras": keras})
        keras3 = getattr(keras.losses, name)
        for labels in ([[0.0, 1.0, 1.0, 0.0]], [[-1.0, 1.0, 1.0, -1.0]]):
            y_true = np.array(labels, dtype="float32")
            assert np.allclose(keras.ops.convert_to_numpy(written(y_true, y_pred)), keras1[name](y_true))
            same = np.allclose(keras.ops.convert_to_numpy(keras3(y_true, y_pred)), keras1[name](y_true))
            assert same == (labels[0][0] == -1.0), (name, labels)
