"""KM102: callable merge modes → Lambda — a catalogue of before/after cases."""

import harness
import pytest
from fixture_tests import catalogue

FOLDER = "km102"


test_rewrite, test_after_builds_under_keras3 = catalogue(FOLDER)


HEADER = "from keras.layers import Input, merge\na = Input(shape=(8,))\nb = Input(shape=(8,))\n"


def fixed(line: str) -> str:
    data, _ = harness.fix_bytes((HEADER + line).encode(), [])
    return data.decode().splitlines()[-1]


def test_callable_output_mask_is_wrapped_for_keras3_signature():
    assert fixed("x = merge([a, b], mode=f, output_shape=(8,), output_mask=lambda ms: ms[0])\ndef f(t): return t[0]\n") \
        .startswith("def f")
    line = harness.fix_bytes((HEADER + "def f(t): return t[0]\nx = merge([a, b], mode=f, output_shape=(8,), output_mask=lambda ms: ms[0])\n").encode(), [])[0].decode().splitlines()[-1]
    assert "mask=lambda inputs, masks: (lambda ms: ms[0])(masks)" in line


def test_unknown_output_mask_is_checked_at_run_time():
    source = HEADER + "def f(t): return t[0]\nx = merge([a, b], mode=f, output_shape=(8,), output_mask=MASK)\n"
    line = harness.fix_bytes(source.encode(), [])[0].decode().splitlines()[-1]
    assert "output_mask(masks) if callable(output_mask) else output_mask" in line


def test_literal_output_mask_passes_as_is_and_none_is_dropped():
    source = HEADER + "def f(t): return t[0]\nx = merge([a, b], mode=f, output_shape=(8,), output_mask=None)\n"
    line = harness.fix_bytes(source.encode(), [])[0].decode().splitlines()[-1]
    assert line == "x = Lambda(f, output_shape=(8,))([a, b])"


def test_mode_function_keyword_arguments_are_kept():
    source = HEADER + "def f(t, k=1): return t[0] * k\nx = merge([a, b], mode=f, output_shape=(8,), arguments={'k': 2})\n"
    line = harness.fix_bytes(source.encode(), [])[0].decode().splitlines()[-1]
    assert line == "x = Lambda(f, output_shape=(8,), arguments={'k': 2})([a, b])"


@pytest.mark.parametrize("binding", ["f = 3", "import f"])
def test_a_name_not_bound_to_a_function_is_not_callable(binding):
    findings = harness.check_findings((HEADER + f"{binding}\nx = merge([a, b], mode=f)\n").encode())
    assert [f.code for f in findings] == ["KM103"]
