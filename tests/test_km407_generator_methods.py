"""KM407: fit_generator/evaluate_generator/predict_generator -> fit/evaluate/predict with steps."""

import harness
from fixture_tests import catalogue

test_fixture, test_after_builds_under_keras3 = catalogue("km407")
# The fixture counts the batches each epoch draws (8 = 2 epochs x 16 samples / 4).


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM407"]


def test_visible_batch_size_gives_an_unsafe_fix_that_says_when_it_differs():
    (finding,) = findings("import keras\nm.fit_generator(g(x, batch_size=8), samples_per_epoch=100, nb_epoch=2)\n")
    assert finding.fix.applicability == "unsafe"
    assert "samples_per_epoch=100 -> steps_per_epoch=13" in finding.message
    assert "a short batch made it draw one more" in finding.message


def test_invisible_batch_size_is_reported_with_the_formula():
    (finding,) = findings("import keras\nm.fit_generator(gen, samples_per_epoch=100, nb_epoch=2)\n")
    assert finding.fix is None
    assert "write steps_per_epoch=ceil(100 / batch_size)" in finding.message


def test_batch_size_must_mean_the_same_at_the_call():
    # a parameter, or a name bound twice, is not a constant the fit call can use
    source = "import keras\ndef f(n):\n    m.fit_generator(g(batch_size=n), samples_per_epoch=10, nb_epoch=1)\n"
    (finding,) = findings(source)
    assert finding.fix is None
    source = "import keras\nB = 4\nB = 8\nm.fit_generator(g(batch_size=B), samples_per_epoch=10, nb_epoch=1)\n"
    assert findings(source)[0].fix is None


def test_flow_with_a_positional_batch_size_is_not_assumed_32():
    source = ("from keras.preprocessing.image import ImageDataGenerator\nd = ImageDataGenerator()\n"
              "m.fit_generator(d.flow(x, y, 64), samples_per_epoch=640, nb_epoch=1)\n")
    (finding,) = findings(source)
    assert finding.fix is None


def test_keras2_spelling_is_left_alone():
    assert not findings("import keras\nm.fit_generator(g, steps_per_epoch=10, epochs=2)\n")
