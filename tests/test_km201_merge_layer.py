"""KM201: ``Merge(mode=...)([a, b])`` gets the Keras 3 layer that ``merge()`` would get."""

from __future__ import annotations

import harness
import pytest

from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

CASES = harness.cases("km201")
BUILT = [c for c in CASES if c.builds]
KERAS1_INPUTS = {
    "modes": [[[None, 16], "float32"], [[None, 16], "float32"]],
    "cos_unproven": [[[None, 16], "float32"], [[None, 16], "float32"]],
    "cos_legacy": [[[None, 16], "float32"], [[None, 16], "float32"]],
    "masks_unsafe": [[[None, 5], "int32"], [[None, 5], "int32"]],
}


def km201(source: str):
    result = pipeline.analyse(source.encode(), "case.py", all_rules(), pipeline.Options(), explicit=True)
    return [f for f in result.findings if f.code == "KM201"]


def one(expression: str, prelude: str = ""):
    source = f"from keras.layers import Input, Flatten, Merge\n{prelude}a = Input(shape=(4,))\nb = Input(shape=(4,))\nx = {expression}\n"
    [finding] = km201(source)
    return finding


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


@pytest.mark.parametrize("case", BUILT, ids=[c.id for c in BUILT])
def test_rewrite_builds_and_trains(case, keras3):
    result = keras3.build(case.after, fit=True)
    assert result["ok"], result.get("error")
    assert result["models"][0]["inputs"] == KERAS1_INPUTS[case.name]


@pytest.mark.parametrize("expression, target", [
    ("Merge(mode='sum')([a, b])", "Add()"),
    ("Merge()([a, b])", "Add()"),
    ("Merge(mode='ave')([a, b])", "Average()"),
    ("Merge(mode='concat', concat_axis=1, dot_axes=2)([a, b])", "Concatenate(axis=1)"),
    ("Merge(mode='dot')([a, b])", "Dot(axes=-1)"),
    ("Merge(None, 'max', name='m')([a, b])", "Maximum(name='m')"),
])
def test_exact_modes_are_safe(expression, target):
    finding = one(expression)
    assert finding.fix.applicability == "safe"
    assert finding.message.endswith(f"-> {target}([...])")


def test_cos_is_safe_only_when_proven_and_absorbed():
    assert one("Flatten()(Merge(mode='cos', dot_axes=1)([a, b]))").fix.applicability == "safe"
    finding = one("Merge(mode='cos', dot_axes=1)([a, b])")
    assert finding.fix.applicability == "unsafe"
    assert "(batch, 1, 1) becomes (batch, 1)" in finding.message and "1e-7" in finding.message


def test_cos_legacy_style_gets_km301s_exact_lambda():
    source = "from keras.layers import Input, Merge\na = Input(shape=(4,))\nx = Merge(mode='cos')([a, a])\n"
    result = pipeline.analyse(source.encode(), "case.py", all_rules(),
                              pipeline.Options(rule_options={"cos_style": "legacy"}), explicit=True)
    [finding] = [f for f in result.findings if f.code == "KM201"]
    assert finding.fix.applicability == "safe"
    assert finding.message.startswith("Merge(mode='cos')([...]) -> Lambda(keras1_cos, ...)")


def test_masks_make_mask_combining_modes_unsafe():
    finding = one("Merge(mode='concat')([a, b])", prelude="mask_zero = dict(mask_zero=True)\n")
    assert finding.fix.applicability == "unsafe" and "OR" in finding.message
    assert one("Merge(mode='dot')([a, b])", prelude="mask_zero = dict(mask_zero=True)\n").fix.applicability == "safe"


def test_negative_dot_axes_list_is_unsafe():
    finding = one("Merge(mode='dot', dot_axes=[-1, -1])([a, b])")
    assert finding.fix.applicability == "safe"  # both inputs are proven rank 2
    source = "from keras.layers import Merge\ndef f(a, b):\n    return Merge(mode='dot', dot_axes=[-1, -1])([a, b])\n"
    [finding] = km201(source)
    assert finding.fix.applicability == "unsafe" and "negative axis" in finding.message


def test_callable_mode_becomes_lambda():
    finding = one("Merge(mode=lambda xs: xs[0] - xs[1], output_shape=(4,))([a, b])")
    assert finding.fix.applicability == "safe"
    assert "Lambda(lambda xs: xs[0] - xs[1], output_shape=(4,))" in finding.message


@pytest.mark.parametrize("expression, why", [
    ("Merge(mode=MODE)([a, b])", "not known statically"),
    ("Merge(**options)([a, b])", "*args/**kwargs"),
    ("Merge([m1, m2])([a, b])", "layers="),
    ("Merge(mode='sum', tensor_indices=[0, 1])([a, b])", "tensor_indices="),
    ("Merge(mode='sum')([a, b], mask=None)", "other arguments"),
])
def test_reported_without_fix(expression, why):
    finding = one(expression)
    assert finding.fix is None
    assert why in finding.message


def test_merge_of_models_is_not_km201():
    assert km201("from keras.layers import Merge\nm = Merge([left, right], mode='sum')\n") == []


@pytest.fixture
def keras1(legacy_env, worker):
    """The session's Keras 1.2.2 runtime and worker (tests/conftest.py): fails, never skips."""
    return legacy_env, worker


@pytest.mark.parametrize("case", BUILT, ids=[c.id for c in BUILT])
def test_keras1_computes_the_same(case, keras1):
    """With Keras 1.2.2's weights copied, the rewrite computes the same outputs — except the mask
    case, which is exactly why that fix is unsafe (Keras 3 ORs the masks, Keras 1 ANDed them)."""
    from kmigrate.verify import verify_sources

    path, worker = keras1
    result = verify_sources(case.before.read_text(), case.after.read_text(), "build_model",
                            filename=str(case.before), env_path=path, worker=worker)
    assert result.ok == (case.name != "masks_unsafe"), result.lines
