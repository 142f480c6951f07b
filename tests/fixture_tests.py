"""The two checks every fixture folder runs: the rewrite itself, and the after file under Keras 3."""

from __future__ import annotations

import harness
import pytest


def parametrize(folder: str):
    return pytest.mark.parametrize("case", harness.cases(folder), ids=lambda c: c.name)


def parametrize_buildable(folder: str):
    """The folder's rewrite fixtures whose after file builds a model (snippets are marked no-build)."""
    return pytest.mark.parametrize("case", [c for c in harness.cases(folder) if c.builds], ids=lambda c: c.name)


def check_builds(case: harness.Case, keras3) -> None:
    answer = keras3.build(case.after, fit=True)
    assert answer["ok"], f"{case.id} does not build under Keras 3:\n{answer.get('error')}"


def catalogue(folder: str):
    """The two tests every rule's fixture folder runs, for a test module to bind at module level:

    ``test_rewrite, test_after_builds_under_keras3 = catalogue("km101")``
    """

    @parametrize(folder)
    def test_rewrite(case):
        harness.assert_case(case)

    @parametrize_buildable(folder)
    def test_after_builds_under_keras3(case, keras3):
        check_builds(case, keras3)

    return test_rewrite, test_after_builds_under_keras3
