"""KM202: a Sequential that starts with Merge([...]) becomes a functional Model with Keras 1's inputs."""

from __future__ import annotations

import harness
import pytest

from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

CASES = harness.cases("km202")
FLOAT, INT = "float32", "int32"

#: The inputs Keras 1.2.2 builds from each before file (spec §2.1: the sub-models' inputs depth-first,
#: in Merge-list order, each model once; ``input_dim=d`` → (d,), ``Embedding(input_length=T)`` → (T,) int32).
KERAS1_INPUTS = {
    "three_branch_concat": [[[None, 16], FLOAT], [[None, 8], FLOAT], [[None, 4], FLOAT]],
    # story (input_encoder_m), question (question_encoder, merged twice: once), story (input_encoder_c)
    "babi_memory_network": [[[None, 68], INT], [[None, 4], INT], [[None, 68], INT]],
    "merge_same_model": [[[None, 6], FLOAT]],
    # side, then the functional encoder's own two inputs; `alias` is the encoder again
    "functional_submodels": [[[None, 5], FLOAT], [[None, 4], FLOAT], [[None, 3], FLOAT]],
    # Merge([b3, inner]) with inner = Merge([b1, b2]): [b3, b1, b2]
    "nested_merge_list_form": [[[None, 5], FLOAT], [[None, 2], FLOAT], [[None, 3], FLOAT]],
    "callable_and_cos": [[[None, 10], FLOAT], [[None, 12], FLOAT]],
    "by_name_unsafe": [[[None, 3], FLOAT], [[None, 2], FLOAT]],
    "cos_legacy": [[[None, 10], FLOAT], [[None, 12], FLOAT]],
}


def findings(source: str, unsafe: bool = False):
    result = pipeline.analyse(source.encode(), "case.py", all_rules(), pipeline.Options(unsafe_fixes=unsafe),
                              explicit=True)
    return [f for f in result.findings if f.code == "KM202"]


def fixed(source: str, unsafe: bool = False) -> str:
    data, _ = harness.fix_bytes(source.encode(), ["--unsafe-fixes"] if unsafe else [])
    return data.decode()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


BUILT = [c for c in CASES if c.builds]


def test_every_rewrite_has_its_keras1_inputs():
    assert sorted(c.name for c in BUILT) == sorted(KERAS1_INPUTS)


@pytest.mark.parametrize("case", BUILT, ids=[c.id for c in BUILT])
def test_rewrite_builds_trains_and_takes_keras1_inputs(case, keras3):
    result = keras3.build(case.after, fit=True)
    assert result["ok"], result.get("error")
    assert result["models"][0]["inputs"] == KERAS1_INPUTS[case.name]


TWO_TOWERS = """\
from keras.models import Sequential
from keras.layers import Dense, Merge

left = Sequential()
left.add(Dense(4, input_dim=3))
right = Sequential()
right.add(Dense(4, input_dim=2))
model = Sequential()
model.add(Merge([left, right], mode='{mode}'))
model.add(Dense(1))
{tail}
"""


def two_towers(mode: str = "concat", tail: str = "") -> str:
    return TWO_TOWERS.format(mode=mode, tail=tail)


def test_message_names_inputs_layer_and_weight_order():
    [finding] = findings(two_towers())
    assert finding.fix.applicability == "safe"
    assert "Model(inputs=[left_input, right_input]" in finding.message
    assert "Concatenate()" in finding.message
    assert "layer order differs" in finding.message and "set_weights" in finding.message


def test_load_weights_by_name_makes_nested_sequentials_unsafe():
    source = two_towers(tail="model.load_weights('w.h5', by_name=True)\n")
    [finding] = findings(source)
    assert finding.fix.applicability == "unsafe"
    assert "by_name=True" in finding.message and "`left`, `right`" in finding.message
    assert fixed(source) == source  # not applied without --unsafe-fixes


def test_by_name_false_is_positional_loading():
    [finding] = findings(two_towers(tail="model.load_weights('w.h5', by_name=False)\n"))
    assert finding.fix.applicability == "unsafe"
    assert "positional weights (model.load_weights('w.h5', by_name=False))" in finding.message


def test_set_weights_on_the_model_is_unsafe_but_not_on_a_sub_model():
    [finding] = findings(two_towers(tail="model.set_weights(saved)\n"))
    assert finding.fix.applicability == "unsafe"
    [finding] = findings(two_towers(tail="left.set_weights(saved)\n"))
    assert finding.fix.applicability == "safe"


def test_masks_in_the_file_make_the_merge_unsafe():
    source = two_towers().replace("right.add(Dense(4, input_dim=2))", "right.add(Masking(input_shape=(4,)))")
    source = source.replace("import Dense, Merge", "import Dense, Masking, Merge")
    [finding] = findings(source)
    assert finding.fix.applicability == "unsafe"
    assert "masks" in finding.message


def test_cos_without_absorbing_layer_is_unsafe():
    [finding] = findings(two_towers("cos"))
    assert finding.fix.applicability == "unsafe"
    assert "(batch, 1, 1) becomes (batch, 1)" in finding.message


def test_unstable_input_shape_expression_is_unsafe():
    source = two_towers().replace("input_dim=3", "input_dim=width") + "width = 5\n"
    source = source.replace("left = Sequential()", "width = 3\nleft = Sequential()")
    [finding] = findings(source)
    assert finding.fix.applicability == "unsafe"
    assert "(width,)" in finding.message


def test_one_fix_rewrites_a_whole_component():
    source = (harness.FIXTURES / "km202" / "babi_memory_network.before.py").read_text()
    found = findings(source)
    assert [f.message.split("`")[1] for f in found] == ["match", "response", "answer"]
    assert len({id(f.fix) for f in found}) == 1


def test_comment_inside_the_merge_call_blocks_the_fix():
    source = two_towers().replace("mode='concat'", "mode='concat'  # joined\n")
    [finding] = findings(source)
    assert finding.fix is None
    assert "comment" in finding.message
    assert fixed(source) == source


def test_comments_around_removed_statements_are_kept():
    source = two_towers().replace("model = Sequential()", "# the model\nmodel = Sequential()  # empty for now")
    result = fixed(source)
    assert "# the model\n# empty for now\nleft_input = Input(shape=(3,))" in result


def test_new_statements_start_at_the_first_add_after_the_merge():
    source = two_towers().replace("model.add(Dense(1))", "width = 2\nmodel.add(Dense(width))\nunits = 1\nmodel.add(Dense(units))")
    result = fixed(source)
    assert "width = 2\nleft_input = Input(shape=(3,))\nright_input = Input(shape=(2,))\n" \
           "model_output = Concatenate()([left(left_input), right(right_input)])\n" \
           "model_output = Dense(width)(model_output)\nunits = 1\n" \
           "model_output = Dense(units)(model_output)\nmodel = Model(" in result


def test_new_names_do_not_clash():
    source = two_towers(tail="model_output = 3\nleft_input = 4\n")
    result = fixed(source)
    assert "left_input_2 = Input(shape=(3,))" in result and "model_output_2 = Concatenate()" in result


def test_import_keras_style():
    source = """\
import keras

left = keras.models.Sequential()
left.add(keras.layers.Dense(4, input_dim=3))
model = keras.models.Sequential()
model.add(keras.layers.Merge([left, left], mode='sum'))
"""
    result = fixed(source)
    assert "left_input = keras.layers.Input(shape=(3,))" in result
    assert "model_output = keras.layers.Add()([left_output, left_output])" in result
    assert "model = keras.models.Model(inputs=left_input, outputs=model_output)" in result


def test_merge_only_model_without_later_layers():
    source = two_towers().replace("model.add(Dense(1))\n", "")
    result = fixed(source)
    assert "model_output = Concatenate()([left(left_input), right(right_input)])\n" \
           "model = Model(inputs=[left_input, right_input], outputs=model_output)\n" in result


def test_cos_style_legacy_helper_is_defined_above_a_module_level_rewrite(tmp_path, keras3):
    # The helper goes above the statement the Sequential rewrite replaces: both edits compose.
    source = TWO_TOWERS.format(mode="cos", tail="")
    data, remaining = harness.fix_bytes(source.encode(), ["--cos-style", "legacy"])
    text = data.decode()
    assert not remaining and text.index("def keras1_cos(") < text.index("Lambda(keras1_cos)")
    path = tmp_path / "towers.py"
    path.write_text(text)
    answer = keras3.build(path, fit=True)
    assert answer["ok"], answer.get("error")
    # Keras 1's (batch, 1, 1) cosine, then Dense(1) on its last axis
    assert answer["models"][-1]["outputs"] == [[[None, 1, 1], FLOAT]]


@pytest.fixture
def keras1(legacy_env, worker):
    """The session's Keras 1.2.2 runtime and worker (tests/conftest.py): fails, never skips."""
    return legacy_env, worker


@pytest.mark.parametrize("case", BUILT, ids=[c.id for c in BUILT])
def test_keras1_builds_the_same_inputs_and_outputs(case, keras1):
    """Keras 1.2.2 runs the before file: its inputs are the ones listed above, and with its weights
    copied the rewritten model computes the same outputs (spec §5)."""
    from kmigrate.verify import verify_sources

    path, worker = keras1
    built = worker.build(case.before.read_text(), str(case.before), "build_model")
    assert [[[None, *i["shape"][1:]], i["dtype"]] for i in built["inputs"]] == KERAS1_INPUTS[case.name]
    result = verify_sources(case.before.read_text(), case.after.read_text(), "build_model",
                            filename=str(case.before), env_path=path, worker=worker)
    assert result.ok, result.lines
