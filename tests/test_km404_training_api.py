"""KM404: Model(input=, output=), fit(nb_epoch=) and fit's Keras 1 default of 10 epochs."""

import harness
from fixture_tests import catalogue

test_fixture, test_after_builds_under_keras3 = catalogue("km404")
# The fixture asserts the epoch counts itself (10 epochs where Keras 1 defaulted).


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM404"]


def test_model_keywords_message_and_safety():
    (finding,) = findings("from keras.models import Model\nm = Model(input=a, output=b)\n")
    assert finding.message == "Model(...): input= -> inputs=; output= -> outputs="
    assert finding.fix.applicability == "safe"


def test_nb_epoch_is_renamed_on_any_receiver_but_epochs_default_only_on_a_known_model():
    (finding,) = findings("import keras\nself.model.fit(x, y, nb_epoch=3)\n")
    assert finding.message == "fit(...): nb_epoch= -> epochs="
    assert not findings("import keras\nfrom keras.layers.core import Dense\nself.model.fit(x, y)\n")


def test_positional_epochs_count_as_given():
    source = "from keras.models import Sequential\nfrom keras.layers.core import Dense\nm = Sequential()\nm.fit(x, y, 32, 5)\n"
    assert not findings(source)


def test_arguments_keras1_ignored_are_dropped_safely():
    (finding,) = findings("import keras\nself.model.train_on_batch(x, y, accuracy=True)\n")
    assert finding.message == "train_on_batch(...): accuracy= dropped (Keras 1 ignored it)"
    assert finding.fix.applicability == "safe"


def test_temporal_sample_weight_mode_is_unsafe_and_says_what_differs():
    (finding,) = findings("import keras\nm.compile('sgd', 'mse', sample_weight_mode='temporal')\n")
    assert finding.fix.applicability == "unsafe"
    assert "non-zero weights" in finding.message


def test_predict_proba_only_on_a_keras_model():
    source = ("from keras.models import Sequential\nfrom sklearn.svm import SVC\nm = Sequential()\nc = SVC()\n"
              "m.predict_proba(x)\nc.predict_proba(x)\n")
    (finding,) = findings(source)
    assert finding.message.startswith("predict_proba(...) -> predict(...)")


def test_predict_gets_keras1_quiet_default_only_on_a_known_model():
    source = "from keras.models import Sequential\nm = Sequential()\nm.fit(x, y, nb_epoch=1)\np = m.predict(x)\nq = other.predict(x)\n"
    (_, predict) = findings(source)
    assert predict.message == "predict(...): verbose=0 (the Keras 1 default)" and predict.fix.applicability == "safe"


def test_sequential_train_on_batch_positionals_become_keywords():
    head = "from keras.models import Model, Sequential\nfrom keras.layers.core import Dense\n"
    (finding,) = findings(head + "m = Sequential()\nm.train_on_batch(x, y, cw, sw)\n")
    assert finding.fix.applicability == "safe"
    fixed, _ = harness.fix_bytes((head + "m = Sequential()\nm.train_on_batch(x, y, cw, sw)\n").encode(), [])
    assert fixed.endswith(b"m.train_on_batch(x, y, class_weight=cw, sample_weight=sw)\n")
    assert not findings(head + "m = Model(a, b)\nm.train_on_batch(x, y, sw, cw)\n")  # Keras 1's Model: Keras 3's order
    (unknown,) = findings(head + "def f(m):\n    m.train_on_batch(x, y, cw)\n")
    assert unknown.fix is None and "(x, y, class_weight, sample_weight)" in unknown.message
