"""KM303: the -K.mean(l2n(x) * l2n(y)) "cosine distance" — what it computes, its faithful port."""

import harness
import pytest
from fixture_tests import catalogue

from kmigrate.docs import render_rule
from kmigrate.engine.rule import all_rules

FOLDER = "km303"


test_rewrite, test_after_builds_under_keras3 = catalogue(FOLDER)


def km(source: str, code="KM303", options=None):
    return [f for f in harness.check_findings(source.encode(), options) if f.code == code]


SNIPPET = """from keras import backend as K
from keras.layers import Input, Dense, Lambda

def cosine_distance(vests):
    x, y = vests
    x = K.l2_normalize(x, axis=-1)
    y = K.l2_normalize(y, axis=-1)
    return -K.mean(x * y, axis=-1, keepdims=True)

a = Input(shape=(5,))
b = Input(shape=(5,))
d = Lambda(cosine_distance)([Dense(4)(a), Dense(4)(b)])
"""


def test_finding_states_minus_cos_over_n_with_the_proven_n():
    [finding] = km(SNIPPET)
    assert "-cos/n" in finding.message
    assert "n = 4, range [-0.25, 0.25]" in finding.message
    assert finding.fix.applicability == "safe"
    assert "Port" in finding.fix.description


def test_unknown_n_is_said_in_general_terms():
    [finding] = km(SNIPPET.replace("[Dense(4)(a), Dense(4)(b)]", "[p, q]"))
    assert "n = size of the last axis, range [-1/n, 1/n]" in finding.message


def test_dot_is_only_suggested_never_applied_even_unsafe():
    [finding] = km(SNIPPET)
    assert "Dot(axes=-1, normalize=True)" in finding.message
    fixed, remaining = harness.fix_bytes(SNIPPET.encode(), ["--unsafe-fixes"])
    text = fixed.decode()
    assert "Dot(" not in text
    assert "-ops.mean(x * y, axis=-1, keepdims=True)" in text
    assert not [f for f in remaining if f.code in ("KM302", "KM303")]


def test_one_finding_per_function_used_twice():
    source = SNIPPET + "e = Lambda(cosine_distance)([a, b])\n"
    assert len(km(source)) == 1


def test_the_port_is_not_reported_again_by_any_cosine_rule():
    fixed, _ = harness.fix_bytes(SNIPPET.encode(), [])
    findings = harness.check_findings(fixed)
    assert not [f for f in findings if f.code.startswith("KM30")]


def test_km302_leaves_the_mean_variant_to_km303():
    assert not km(SNIPPET, "KM302")


def test_explain_shows_the_formula_and_the_factor():
    text = render_rule(all_rules().by_code["KM303"])
    assert "-cos(x, y) / n" in text and "-0.24" in text
    assert "never applied" in text


# Negative sources: other rules (KM406 backend functions) rewrite them, so they are not byte-clean
# fixtures; what matters here is that no cosine rule reports them.
@pytest.mark.parametrize("path", sorted((harness.FIXTURES / FOLDER).glob("*.negative.py")), ids=lambda p: p.name)
def test_negative_sources_have_no_cosine_finding(path):
    findings = harness.check_findings(path.read_bytes())
    assert not [f for f in findings if f.code in ("KM302", "KM303") and f.fix is not None]
    assert not [f for f in findings if f.code == "KM302"]
