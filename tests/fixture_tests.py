"""The two checks every fixture folder runs: the rewrite itself, and the after file under Keras 3."""

from __future__ import annotations

import pytest

import harness


def parametrize(folder: str):
    return pytest.mark.parametrize("case", harness.cases(folder), ids=lambda c: c.name)


def check_builds(case: harness.Case, keras3) -> None:
    if not case.builds:
        pytest.skip("snippet fixture (kmigrate-fixture: no-build)")
    answer = keras3.build(case.after, fit=True)
    assert answer["ok"], f"{case.id} does not build under Keras 3:\n{answer.get('error')}"
