"""KM404: Model(input=, output=), fit(nb_epoch=) and fit's Keras 1 default of 10 epochs."""

import pytest

import harness

CASES = harness.cases("km404")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.builds], ids=[c.id for c in CASES if c.builds])
def test_after_builds_under_keras3(case, keras3):
    # The fixture asserts the epoch counts itself (10 epochs where Keras 1 defaulted).
    result = keras3.build(case.after, fit=True)
    assert result["ok"], result.get("error")


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
