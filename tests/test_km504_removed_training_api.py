"""KM504: removed training-side names, reported with what to write."""

import harness
import pytest

CASES = harness.cases("km504")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM504"]


def test_every_removed_name_is_reported_at_its_use_with_the_replacement():
    found = findings((harness.FIXTURES / "km504" / "reported.clean.py").read_text())
    assert {f.message.split(":", 1)[0] for f in found} == {
        "ImageDataGenerator", "Tokenizer", "HDF5Matrix", "KerasClassifier", "KerasRegressor", "BaseLogger",
        "predict_classes() is not in Keras 3", "probas_to_classes", "print_summary", "TFOptimizer"}
    assert all(f.fix is None for f in found)
    (classifier,) = [f for f in found if f.message.startswith("KerasClassifier")]
    assert "(model, warm_start=False, model_kwargs=None, fit_kwargs=None)" in classifier.message
    # measured: Keras 3's SKLearnClassifier calls a model function as model(X=X, y=y, **model_kwargs)
    assert "model=lambda X, y, **kwargs: build_fn(**kwargs)" in classifier.message


def test_dotted_use_is_reported():
    (finding,) = findings("import keras\ncb = keras.callbacks.BaseLogger()\n")
    assert finding.message.startswith("BaseLogger: not in Keras 3")


def test_predict_classes_in_a_file_without_keras_is_not_ours():
    assert not findings("import sklearn\nc = clf.predict_classes(x)\n")
