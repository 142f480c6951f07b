"""KM409: to_categorical(nb_classes=), plot -> plot_model(show_layer_names=True), load_img(grayscale=),
img_to_array/array_to_img(dim_ordering=)."""

import harness
import pytest
from fixture_tests import catalogue

test_fixture, test_after_builds_under_keras3 = catalogue("km409")
# buildable.after.py runs the utilities under Keras 3 and asserts Keras 1's results (shapes, values).


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM409"]


def test_plot_gets_keras1_default_and_is_safe():
    (finding,) = findings("from keras.utils.visualize_util import plot\nplot(model)\n")
    assert finding.message == "plot(...): plot -> plot_model; show_layer_names=True (Keras 1's default)"
    assert finding.fix.applicability == "safe"


def test_to_categorical_ravels_the_labels_safely_once():
    source = b"import numpy as np\nfrom keras.utils import np_utils\nY = np_utils.to_categorical(y, nb_classes=3)\n"
    (finding,) = [f for f in harness.check_findings(source) if f.code == "KM409"]
    assert finding.fix.applicability == "safe"
    assert "(n * t, classes)" in finding.message
    fixed, _ = harness.fix_bytes(source, [])
    assert fixed.endswith(b"Y = np_utils.to_categorical(np.ravel(y), num_classes=3)\n")
    # already raveled (a Keras 1 file that raveled itself): left alone
    assert not findings("import numpy as np\nfrom keras.utils import np_utils\nY = np_utils.to_categorical(np.ravel(y))\n")


def test_fifth_positional_get_file_argument_is_cache_subdir():
    (finding,) = findings("from keras.utils.data_utils import get_file\np = get_file('a.npz', url, False, None, 'sub')\n")
    assert finding.message == "get_file(...): positional cache_subdir -> cache_subdir="
    assert finding.fix.applicability == "safe"
    assert not findings("from keras.utils.data_utils import get_file\np = get_file('a.npz', url, False, None)\n")


def test_positional_model_to_dot_third_argument_becomes_a_keyword():
    (finding,) = findings("from keras.utils.visualize_util import model_to_dot\nd = model_to_dot(m, True, False)\n")
    assert finding.message == "model_to_dot(...): positional show_layer_names -> show_layer_names="


def test_to_categorical_shapes_measured_in_keras3():
    """Why the to_categorical fix ravels: Keras 1 (np_utils) raveled its input first."""
    keras = pytest.importorskip("keras")
    import numpy as np

    labels = np.array([[0, 1], [2, 1]])
    keras1 = np.zeros((4, 3))
    keras1[np.arange(4), labels.ravel()] = 1  # Keras 1.2.2 np_utils.to_categorical, verbatim
    assert keras.utils.to_categorical(labels, num_classes=3).shape == (2, 2, 3)
    assert (keras.utils.to_categorical(labels.ravel(), num_classes=3) == keras1).all()
    assert keras.utils.to_categorical(labels[:, :1], num_classes=3).shape == (2, 3)  # (n, 1): same as Keras 1


def test_dataset_loaders_keep_keras1_positional_order_under_the_new_keyword():
    """imdb/reuters load_data: Keras 3's parameters are Keras 1's with nb_words renamed (measured), and
    Keras 3's imdb.load_data swallows nb_words= silently, hence the fix."""
    import inspect

    import keras

    from kmigrate.keras1 import utils as table

    for name in ("imdb", "reuters"):
        row = table.FUNCTIONS[f"keras.datasets.{name}.load_data"]
        keras3 = list(inspect.signature(getattr(keras.datasets, name).load_data).parameters)
        assert keras3[:len(row["params"])] == [row["renames"].get(p, p) for p in row["params"]]
    assert "kwargs" in inspect.signature(keras.datasets.imdb.load_data).parameters
