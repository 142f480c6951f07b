"""KM409: to_categorical(nb_classes=), plot -> plot_model(show_layer_names=True), load_img(grayscale=),
img_to_array/array_to_img(dim_ordering=)."""

import harness
import pytest

CASES = harness.cases("km409")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM409"]


def test_plot_gets_keras1_default_and_is_safe():
    (finding,) = findings("from keras.utils.visualize_util import plot\nplot(model)\n")
    assert finding.message == "plot(...): plot -> plot_model; show_layer_names=True (Keras 1's default)"
    assert finding.fix.applicability == "safe"


def test_to_categorical_keyword_is_unsafe_because_keras1_flattened_higher_ranks():
    (finding,) = findings("from keras.utils import np_utils\nY = np_utils.to_categorical(y, nb_classes=3)\n")
    assert finding.fix.applicability == "unsafe"
    assert "(n * t, classes)" in finding.message


def test_positional_model_to_dot_third_argument_becomes_a_keyword():
    (finding,) = findings("from keras.utils.visualize_util import model_to_dot\nd = model_to_dot(m, True, False)\n")
    assert finding.message == "model_to_dot(...): positional show_layer_names -> show_layer_names="


def test_to_categorical_shapes_measured_in_keras3():
    """The reason the to_categorical fix is unsafe: Keras 1 (np_utils) raveled its input first."""
    keras = pytest.importorskip("keras")
    import numpy as np

    labels = np.array([[0, 1], [2, 1]])
    keras1 = np.zeros((4, 3))
    keras1[np.arange(4), labels.ravel()] = 1  # Keras 1.2.2 np_utils.to_categorical, verbatim
    assert keras.utils.to_categorical(labels, num_classes=3).shape == (2, 2, 3)
    assert (keras.utils.to_categorical(labels.ravel(), num_classes=3) == keras1).all()
    assert keras.utils.to_categorical(labels[:, :1], num_classes=3).shape == (2, 3)  # (n, 1): same as Keras 1
