"""KM203: Merge-started Sequentials whose code shape rules out an exact restructure are reported, not rewritten."""

from __future__ import annotations

import harness
import pytest

from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

CASES = harness.cases("km203")

#: Every report-only fixture and what its findings must say (one entry per finding, in file order).
EXPECTED = {
    "add_in_loop": ["`model.add(...)` inside a for loop"],
    "across_functions": ["built across functions: `model` is a parameter",
                         "built across functions: `add_head(model)` passes `model` to a function that calls `.add`"],
    "sequential_subclass": ["class `TwoTower` subclasses Sequential"],
    "used_before_last_add": ["`model` is used before its last `.add` (`model.add(Dense(model.output_shape[-1] // 2))`)"],
    "submodel_grows_after_merge": ["the sub-model `left` gets more `.add` calls after it was merged (`left.add(Dense(3))`)"],
    "layers_indexing": ["`model.layers[1]` indexes the layers of `model`"],
    "nested_submodel_unsupported": ["sub-models are not a literal list of model names",
                                    "its sub-model `inner` cannot be restructured"],
    "unknown_input_shape": ["the sub-model `left` is a parameter"],
}


def km_findings(source: str, code: str):
    result = pipeline.analyse(source.encode(), "case.py", all_rules(), pipeline.Options(), explicit=True)
    return [f for f in result.findings if f.code == code]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_is_left_alone(case):
    harness.assert_case(case)


def test_every_fixture_has_expectations():
    assert sorted(c.name for c in CASES) == sorted(EXPECTED)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reported_with_the_reason(case):
    source = case.before.read_text()
    found = km_findings(source, "KM203")
    assert len(found) == len(EXPECTED[case.name])
    for finding, why in zip(found, EXPECTED[case.name]):
        assert finding.fix is None
        assert why in finding.message
        assert "explain KM203" in finding.message
    assert km_findings(source, "KM202") == []


SOURCE = """\
from keras.models import Sequential
from keras.layers import Dense, Merge

left = Sequential()
left.add(Dense(4, input_dim=3))
model = Sequential()
{body}
"""


@pytest.mark.parametrize("body, why", [
    ("if True:\n    model.add(Merge([left, left]))", "inside an if branch"),
    ("model.add(Dense(2, input_dim=3))\nmodel.add(Merge([left, left]))", "not the first layer added to `model`"),
    ("model.add(Merge([left, left], mode=MODE))", "Merge(mode=MODE): the mode is not known statically"),
    ("model.add(Merge([left, left], node_indices=[0, 0]))", "node_indices"),
    ("model.add(Merge([left, left]))\nmodel.pop()", "has no `pop`"),
    ("model.add(Merge([left, Sequential()]))", "not a literal list of model names"),
    ("layer = Merge([left, left])\nmodel.add(layer)\nprint(layer)", "used 2 times"),
    ("other = Sequential([Dense(3), Merge([left, left])])", "not the first layer of the Sequential"),
    ("right = Sequential()\nright.add(Dense(2))\nmodel.add(Merge([left, right]))", "declares no input shape"),
    ("right = Sequential()\nright.add(Convolution2D(2, 3, 3, input_dim=3))\nmodel.add(Merge([left, right]))",
     "does not know which input shape `Convolution2D(input_dim=...)`"),
])
def test_reasons(body, why):
    source = SOURCE.format(body=body).replace("import Dense, Merge", "import Convolution2D, Dense, Merge")
    found = km_findings(source, "KM203")
    assert any(why in f.message for f in found), [f.message for f in found]


def test_functional_sub_models_sharing_an_input():
    source = """\
from keras.models import Model, Sequential
from keras.layers import Dense, Input, Merge

x = Input(shape=(3,))
first = Model(x, Dense(2)(x))
second = Model(x, Dense(2)(x))
model = Sequential()
model.add(Merge([first, second], mode='sum'))
"""
    [finding] = km_findings(source, "KM203")
    assert "`first` and `second` share the Input `x`" in finding.message
    assert km_findings(source, "KM202") == []


def test_explain_shows_the_functional_version():
    result = harness.run_cli(["--explain", "KM203"])
    assert result.exit_code == 0
    assert "Model(inputs=[left_input, right_input], outputs=x)" in result.output
    assert "x = Concatenate()([left(left_input), right(right_input)])" in result.output
