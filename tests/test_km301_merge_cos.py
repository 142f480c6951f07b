"""KM301: merge(mode='cos') — a catalogue of before/after cases (dot and legacy styles), the rank
evidence that makes the dot style safe, and the messages that say what changes."""

import harness
import pytest
from fixture_tests import catalogue

from kmigrate.docs import render_rule
from kmigrate.engine.rule import all_rules

FOLDER = "km301"


test_rewrite, test_after_builds_under_keras3 = catalogue(FOLDER)


def km301(source: str, options=None):
    return [f for f in harness.check_findings(source.encode(), options) if f.code == "KM301"]


INPUTS = "from keras.layers import Input, Dense, Flatten, Reshape, Lambda, merge\na = Input(shape=(8,))\nb = Input(shape=(8,))\n"


def test_rank_2_and_flatten_is_safe():
    [finding] = km301(INPUTS + "s = Flatten()(merge([a, b], mode='cos', dot_axes=1))\n")
    assert finding.fix.applicability == "safe"
    assert finding.message == "merge(mode='cos') -> Dot(axes=1, normalize=True)"


@pytest.mark.parametrize("after", ["Reshape((1,))(s)", "Flatten()(s)"])
def test_a_variable_read_only_by_an_absorbing_layer_is_absorbed(after):
    [finding] = km301(INPUTS + f"s = merge([a, b], mode='cos')\nt = {after}\n")
    assert finding.fix.applicability == "safe"


def test_a_variable_read_elsewhere_too_is_not_absorbed():
    [finding] = km301(INPUTS + "s = merge([a, b], mode='cos')\nt = Flatten()(s)\nu = Dense(1)(s)\n")
    assert finding.fix.applicability == "unsafe"
    assert "(batch, 1, 1) becomes (batch, 1)" in finding.message
    assert "broadcast" in finding.message and "all pairs" in finding.message


def test_unsafe_message_names_every_difference():
    [finding] = km301("from keras.layers import merge\ns = merge([p, q], mode='cos')\n")
    message = finding.message
    assert finding.fix.applicability == "unsafe"
    for part in ("(batch, 1, 1) becomes (batch, 1)", "loss", "rank 3 or more", "not proven",
                 "1e-7", "~3e-4", "1e9", "--cos-style legacy"):
        assert part in message, part


def test_rank_3_inputs_are_unsafe_even_when_absorbed():
    source = ("from keras.layers import Input, Flatten, merge\np = Input(shape=(5, 4))\nq = Input(shape=(5, 4))\n"
              "s = Flatten()(merge([p, q], mode='cos', dot_axes=2))\n")
    [finding] = km301(source)
    assert finding.fix.applicability == "unsafe"
    assert "off the diagonal" in finding.message and "not proven" not in finding.message


@pytest.mark.parametrize("use", [
    "t = Lambda(lambda x: x[:, 0, 0])(s)",
    "t = Lambda(lambda x: K.squeeze(x, 1))(s)",
    "t = s[:, 0]",
])
def test_code_indexing_the_rank_3_output_is_reported(use):
    [finding] = km301(INPUTS + "from keras import backend as K\ns = merge([a, b], mode='cos')\n" + use + "\n")
    assert "indexes the rank-3 output" in finding.message
    assert finding.fix.applicability == "unsafe"


def test_plain_use_is_not_called_indexing():
    [finding] = km301(INPUTS + "s = merge([a, b], mode='cos')\nt = Dense(1)(s)\n")
    assert "indexes" not in finding.message


# -- evidence ------------------------------------------------------------------------------------

SHARED = """
from keras.layers import Input, Dense, Dropout, Flatten, merge
from keras.models import Sequential, Model

def base(dim):
    seq = Sequential()
    seq.add(Dense(16, input_shape=(dim,)))
    {extra}
    return seq

def build():
    net = base(10)
    a = Input(shape=(10,))
    b = Input(shape=(10,))
    x = net(a)
    y = net(b)
    return Flatten()(merge([x, y], mode='cos'))
"""


def test_shared_base_network_built_by_a_function_proves_rank_2():
    [finding] = km301(SHARED.format(extra="seq.add(Dropout(0.5))"))
    assert finding.fix.applicability == "safe"


def test_an_add_in_a_loop_makes_the_base_network_unknown():
    [finding] = km301(SHARED.format(extra="for _ in range(2):\n        seq.add(Dense(4, return_sequences=True))"))
    assert finding.fix.applicability == "unsafe"


def test_reassigned_names_follow_straight_line_code():
    source = ("from keras.layers import Input, Dense, Flatten, Embedding, merge\n"
              "def build():\n    x = Input(shape=(6,))\n    x = Dense(4)(x)\n    y = Input(shape=(6,))\n"
              "    return Flatten()(merge([x, y], mode='cos'))\n")
    [finding] = km301(source)
    assert finding.fix.applicability == "safe"
    embedded = source.replace("x = Dense(4)(x)", "x = Embedding(10, 6)(x)")
    [unsafe] = km301(embedded)
    assert unsafe.fix.applicability == "unsafe"


def test_names_are_looked_up_in_their_own_scope():
    source = ("from keras.layers import Input, Flatten, merge\n"
              "def other():\n    a = Input(shape=(2, 3))\n    return a\n"
              "def build():\n    a = Input(shape=(3,))\n    b = Input(shape=(3,))\n"
              "    return Flatten()(merge([a, b], mode='cos'))\n")
    [finding] = km301(source)
    assert finding.fix.applicability == "safe"


def test_branches_make_a_name_unknown():
    source = ("from keras.layers import Input, Flatten, merge\n"
              "a = Input(shape=(3,))\nif flag:\n    a = Input(shape=(2, 3))\nb = Input(shape=(3,))\n"
              "s = Flatten()(merge([a, b], mode='cos'))\n")
    [finding] = km301(source)
    assert finding.fix.applicability == "unsafe"


# -- legacy style ----------------------------------------------------------------------------------

LEGACY = ["--cos-style", "legacy"]


def test_legacy_style_is_safe_without_evidence():
    [finding] = km301("from keras.layers import merge\ns = merge([p, q], mode='cos', dot_axes=2)\n", LEGACY)
    assert finding.fix.applicability == "safe"
    assert "Lambda(keras1_cos" in finding.message


def test_legacy_helper_is_written_once_and_not_reported_again():
    source = "from keras.layers import merge\ns = merge([p, q], mode='cos')\nt = merge([p, r], mode='cos')\n"
    fixed, remaining = harness.fix_bytes(source.encode(), LEGACY)
    text = fixed.decode()
    assert text.count("def keras1_cos(") == 1
    assert text.count("Lambda(keras1_cos)") == 2
    assert not remaining
    again, still = harness.fix_bytes(fixed, LEGACY)
    assert again == fixed and not still


def test_legacy_helper_name_avoids_a_taken_name():
    source = "from keras.layers import merge\nkeras1_cos = 3\ns = merge([p, q], mode='cos')\n"
    fixed, _ = harness.fix_bytes(source.encode(), LEGACY)
    assert "def keras1_cos_2(" in fixed.decode() and "Lambda(keras1_cos_2)" in fixed.decode()


def test_legacy_fixture_keeps_keras1_shapes(keras3):
    for name, shapes in (("legacy_two_merges", [[None, 1, 1], [None, 1, 1]]), ("legacy_rank3", [[None, 1, 5, 5]])):
        [case] = [c for c in harness.cases(FOLDER) if c.name == name]
        answer = keras3.build(case.after)
        assert answer["ok"], answer.get("error")
        assert [o[0] for o in answer["models"][0]["outputs"]] == shapes


def test_explain_shows_formula_and_worked_example():
    text = render_rule(all_rules().by_code["KM301"])
    assert "max(den, 1e-7)" in text and "expand_dims" in text
    assert "| 1e-5 | 0.00096 | 0.96 |" in text and "0.2494" in text
