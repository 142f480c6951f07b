"""KM302: hand-written cosine-similarity Lambdas → Dot(normalize=True) — catalogue and targeted cases."""

import harness
import pytest
from fixture_tests import catalogue

from kmigrate.docs import render_rule
from kmigrate.engine.rule import all_rules

FOLDER = "km302"


test_rewrite, test_after_builds_under_keras3 = catalogue(FOLDER)


def km302(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM302"]


HEADER = "{imp}\nfrom keras.layers import Input, Lambda\na = Input(shape=(8,))\nb = Input(shape=(8,))\n"


@pytest.mark.parametrize("imp", ["from keras import backend as K", "import keras.backend as K"])
@pytest.mark.parametrize("body,axes", [
    ("K.sum(K.l2_normalize(v[0], axis=-1) * K.l2_normalize(v[1], axis=-1), axis=-1, keepdims=True)", "-1"),
    ("K.sum(K.l2_normalize(v[1], 1) * K.l2_normalize(v[0], 1), 1, True)", "1"),
    ("K.batch_dot(K.l2_normalize(v[0], axis=1), K.l2_normalize(v[1], axis=1), axes=1)", "1"),
    ("K.batch_dot(v[0], v[1], axes=1) / (K.sqrt(K.sum(K.square(v[0]), axis=1, keepdims=True))"
     " * K.sqrt(K.sum(K.square(v[1]), axis=1, keepdims=True)))", "1"),
    ("K.sum(v[0] * v[1], axis=-1, keepdims=True) / K.sqrt(K.sum(K.square(v[0]), axis=-1, keepdims=True)"
     " * K.sum(K.square(v[1]), axis=-1, keepdims=True))", "-1"),
    ("K.batch_dot(v[0], v[1], axes=1) / K.maximum(K.sqrt(K.sum(K.square(v[0]), axis=1, keepdims=True))"
     " * K.sqrt(K.sum(K.square(v[1]), axis=1, keepdims=True)), K.epsilon())", "1"),
])
def test_each_family_is_recognised_and_safe_on_rank_2(imp, body, axes):
    [finding] = km302(HEADER.format(imp=imp) + f"s = Lambda(lambda v: {body})([a, b])\n")
    assert finding.fix.applicability == "safe"
    assert f"Dot(axes={axes}, normalize=True)" in finding.message
    assert "NaN" in finding.message  # zero vectors: stated


def test_product_clamp_is_stated():
    body = ("K.batch_dot(v[0], v[1], axes=1) / K.maximum(K.sqrt(K.sum(K.square(v[0]), axis=1, keepdims=True))"
            " * K.sqrt(K.sum(K.square(v[1]), axis=1, keepdims=True)), K.epsilon())")
    [finding] = km302(HEADER.format(imp="from keras import backend as K") + f"s = Lambda(lambda v: {body})([a, b])\n")
    assert "clamps |x|*|y|" in finding.message


def test_unproven_rank_is_unsafe():
    source = ("from keras import backend as K\nfrom keras.layers import Lambda\n"
              "s = Lambda(lambda v: K.sum(K.l2_normalize(v[0], -1) * K.l2_normalize(v[1], -1), -1, True))([p, q])\n")
    [finding] = km302(source)
    assert finding.fix.applicability == "unsafe"
    assert "(batch, n, 1)" in finding.message


def test_distance_keeps_its_meaning():
    source = HEADER.format(imp="from keras import backend as K") + (
        "s = Lambda(lambda v: 1 - K.sum(K.l2_normalize(v[0], -1) * K.l2_normalize(v[1], -1), -1, True))([a, b])\n")
    fixed, _ = harness.fix_bytes(source.encode(), [])
    assert "Lambda(lambda c: 1 - c)(Dot(axes=-1, normalize=True)([a, b]))" in fixed.decode()


@pytest.mark.parametrize("body", [
    "K.mean(K.l2_normalize(v[0], -1) * K.l2_normalize(v[1], -1), -1, True)",  # a mean, not a sum
    "K.sum(K.l2_normalize(v[0], -1) * K.l2_normalize(v[0], -1), -1, True)",  # one input twice
    "K.sum(v[0] * v[1], -1, True)",  # not normalised
    "K.sum(K.l2_normalize(v[0], -1) * K.l2_normalize(v[1], -1), -1, True) + 1",
    "K.batch_dot(v[0], v[1], axes=1) / K.sqrt(K.sum(K.square(v[0]), axis=1, keepdims=True))",
])
def test_near_misses_are_not_cosines(body):
    assert not km302(HEADER.format(imp="from keras import backend as K") + f"s = Lambda(lambda v: {body})([a, b])\n")


def test_a_lambda_with_arguments_is_left_alone():
    source = HEADER.format(imp="from keras import backend as K") + (
        "s = Lambda(lambda v, k=1: K.sum(K.l2_normalize(v[0], -1) * K.l2_normalize(v[1], -1), -1, True),"
        " arguments={'k': 2})([a, b])\n")
    assert not km302(source)


def test_shadowed_backend_is_not_keras():
    source = ("from keras.layers import Lambda\nimport mylib as K\n"
              "s = Lambda(lambda v: K.sum(K.l2_normalize(v[0], -1) * K.l2_normalize(v[1], -1), -1, True))([a, b])\n")
    assert not km302(source)


def test_explain_shows_formulas_and_worked_example():
    text = render_rule(all_rules().by_code["KM302"])
    assert "K.batch_dot(x, y, axes=a) / (K.sqrt(" in text
    assert "| zero vectors | NaN (0/0) | 0.0 |" in text


# Negative sources: other rules (KM406 backend functions) rewrite them, so they are not byte-clean
# fixtures; what matters here is that no cosine rule reports them.
@pytest.mark.parametrize("path", sorted((harness.FIXTURES / FOLDER).glob("*.negative.py")), ids=lambda p: p.name)
def test_negative_sources_have_no_cosine_finding(path):
    findings = harness.check_findings(path.read_bytes())
    assert not [f for f in findings if f.code in ("KM302", "KM303") and f.fix is not None]
    assert not [f for f in findings if f.code == "KM302"]
