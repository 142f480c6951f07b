"""KM101: merge modes with an exact Keras 3 layer — a catalogue of before/after cases."""

import harness
import pytest
from fixture_tests import catalogue

FOLDER = "km101"


test_rewrite, test_after_builds_under_keras3 = catalogue(FOLDER)


def findings(source: str):
    return harness.check_findings(source.encode())


HEADER = "from keras.layers import Input, Embedding, Masking, merge\na = Input(shape=(8,))\nb = Input(shape=(8,))\n"


@pytest.mark.parametrize("mode,layer", [
    ("'sum'", "Add()"), ("'mul'", "Multiply()"), ("'ave'", "Average()"), ("'max'", "Maximum()"),
    ("'concat', concat_axis=1", "Concatenate(axis=1)"), ("'dot', dot_axes=1", "Dot(axes=1)"),
])
def test_each_mode_is_safe_and_named(mode, layer):
    [finding] = findings(HEADER + f"x = merge([a, b], mode={mode})\n")
    assert finding.code == "KM101"
    assert finding.fix.applicability == "safe"
    assert finding.message.endswith(f"-> {layer}")


def test_ignored_arguments_are_dropped():
    [finding] = findings(HEADER + "x = merge([a, b], mode='sum', concat_axis=2, dot_axes=1)\n")
    assert finding.message == "merge(mode='sum') -> Add()"


@pytest.mark.parametrize("masking", ["Embedding(10, 4, mask_zero=True)", "Masking(0.0)"])
@pytest.mark.parametrize("mode", ["sum", "mul", "ave", "concat"])
def test_masks_make_mask_combining_modes_unsafe(masking, mode):
    [finding] = findings(HEADER + f"m = {masking}\nx = merge([a, b], mode='{mode}')\n")
    assert finding.fix.applicability == "unsafe"
    assert "OR" in finding.message and "AND" in finding.message


@pytest.mark.parametrize("mode", ["max", "dot"])
def test_masks_do_not_matter_to_max_and_dot(mode):
    [finding] = findings(HEADER + f"m = Masking(0.0)\nx = merge([a, b], mode='{mode}')\n")
    assert finding.fix.applicability == "safe"


def test_negative_dot_axes_list_is_unsafe_unless_rank_2_is_proven():
    unproven = "from keras.layers import merge\nx = merge([p, q], mode='dot', dot_axes=[-1, -1])\n"
    [finding] = findings(unproven)
    assert finding.fix.applicability == "unsafe"
    assert "negative axis" in finding.message
    [proven] = findings(HEADER + "x = merge([a, b], mode='dot', dot_axes=[-1, -1])\n")
    assert proven.fix.applicability == "safe"


def test_rank_4_dot_is_unsafe():
    source = ("from keras.layers import Input, merge\np = Input(shape=(2, 3, 4))\nq = Input(shape=(2, 3, 4))\n"
              "x = merge([p, q], mode='dot', dot_axes=3)\n")
    [finding] = findings(source)
    assert finding.fix.applicability == "unsafe"
    assert "rank 4" in finding.message


def test_positions_are_one_based_and_span_the_call():
    [finding] = findings(HEADER + "x = merge([a, b], mode='sum')\n")
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (4, 5, 4, 30)


def test_noqa_with_other_code_does_not_silence():
    [finding] = findings(HEADER + "x = merge([a, b], mode='sum')  # noqa: KM3\n")
    assert finding.code == "KM101"
    assert not findings(HEADER + "x = merge([a, b], mode='sum')  # noqa: KM1\n")
