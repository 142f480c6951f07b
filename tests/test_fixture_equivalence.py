"""Every rewrite fixture whose before file builds a model, proven against the real Keras 1.2.2:
the before file runs in the Keras 1 worker, the after file under Keras 3, weights copied, outputs
compared (design.md §5).  The KM2xx modules run their own fixtures the same way (with their input
lists); this module covers the other folders.
"""

from __future__ import annotations

import re

import pytest

import harness

FOLDERS = ("imports", "km101", "km102", "km301", "km302", "km303", "km401", "km402", "km403", "km404", "km405",
           "km406", "km407", "km408", "km410", "km411", "km505")

#: Fixtures whose after file is expected NOT to compute the same, and why (each is an unsafe fix
#: whose message says so; the test proves the message right).
EXPECTED = {
    # Dot drops Keras 1's extra (b, 1, 1) axis; the finding says so.
    "km301/followed_by_dense": "singleton",
    # Off the diagonal, Keras 1's 3-D "cosine" divides by cross Gram products (values near 1e7):
    # the unsafe Dot rewrite computes true cosines there, as the finding says (spec §1.3).
    "km301/rank3_inputs": "different",
    # Keras 3's cross-entropies read the logits a softmax/sigmoid output carries: saturated outputs (the x1e3
    # draw) give the true loss where Keras 1 clipped probabilities, as the unsafe fix says.
    "km406/crossentropy_order": "different",
}


def _builds(case: harness.Case) -> bool:
    if not case.builds or "kmigrate-fixture: keras2" in case.before.read_text(encoding="utf-8", errors="replace"):
        return False
    return re.search(r"^def build_model\(", case.before.read_text(encoding="utf-8", errors="replace"), re.M) is not None


CASES = [c for folder in FOLDERS for c in harness.cases(folder) if c.after is not None and _builds(c)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_after_computes_what_keras1_computed(case, verify):
    result = verify(case.before.read_text(), case.after.read_text(), "build_model", filename=str(case.before))
    report = "\n".join(result.lines)
    expected = EXPECTED.get(case.id)
    if expected == "singleton":
        assert result.ok and result.singleton, report
    elif expected == "different":
        assert result.status == "different", report
    else:
        assert result.ok and not result.singleton, f"{case.id}: {report}"


def test_every_expected_difference_names_a_fixture():
    assert set(EXPECTED) <= {c.id for c in CASES}
