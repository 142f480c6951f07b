"""KM405: optimizer lr=, decay=, positional arguments and Keras 1 defaults."""

import importlib

import harness
import pytest
from fixture_tests import catalogue

CASES = harness.cases("km405")
test_fixture, test_after_builds_under_keras3 = catalogue("km405")


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM405"]


def test_positional_sgd_is_written_with_keywords_and_safe():
    (finding,) = findings("from keras.optimizers import SGD\ns = SGD(0.1, 0.9)\n")
    assert finding.message == "SGD(...): positional arguments -> keywords"
    assert finding.fix.applicability == "safe"


def test_rmsprop_is_unsafe_and_says_why():
    (finding,) = findings("from keras.optimizers import RMSprop\ns = RMSprop(lr=0.1)\n")
    assert finding.fix.applicability == "unsafe"
    assert "sqrt(average + epsilon)" in finding.message


def test_inverse_time_decay_is_keras1_decay():
    """Keras 1: lr / (1 + decay * iterations)."""
    keras = importlib.import_module("keras")
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.01)
    assert float(schedule(10)) == pytest.approx(0.1 / (1 + 0.01 * 10))


def test_keras3_spelling_is_left_alone():
    assert not findings("from keras.optimizers import Adam\nopt = Adam(learning_rate=0.01)\n")


def test_string_optimizer_gets_keras1_defaults_only_in_a_keras1_file():
    keras1 = "import keras\nm.compile(optimizer='adamax', loss='mse')\nm.fit(x, y, nb_epoch=1)\n"
    (finding,) = findings(keras1)
    assert finding.message == ("compile(optimizer='adamax'): the string gets Keras 3's defaults; Keras 1's are "
                               "keras.optimizers.Adamax(learning_rate=0.002, epsilon=1e-08)")
    assert finding.fix.applicability == "safe"
    assert not findings("import keras\nm.compile(optimizer='adamax', loss='mse')\n")


def test_string_rmsprop_is_unsafe_and_sgd_is_left_alone():
    source = "import keras\nm.compile('rmsprop', 'mse')\nm.compile('sgd', 'mse')\nm.fit(x, y, nb_epoch=1)\n"
    (finding,) = findings(source)
    assert finding.fix.applicability == "unsafe"


def test_optimizer_lr_attribute_is_an_unsafe_rename():
    (finding,) = findings("import keras\nv = model.optimizer.lr\nw = self.lr\n")
    assert finding.fix.applicability == "unsafe"
    assert finding.message.startswith("model.optimizer.lr -> .learning_rate")
