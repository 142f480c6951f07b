"""KM505: metric strings whose Keras 3 meaning differs (T23), reported."""

import harness
import pytest

CASES = harness.cases("km505")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


def findings(path: str):
    return [f for f in harness.check_findings((harness.FIXTURES / "km505" / path).read_bytes()) if f.code == "KM505"]


def test_keras1_metrics_are_reported_with_the_replacement():
    found = findings("metrics.before.py")
    assert [f.message.split(":")[0] for f in found] == [
        "metric 'fmeasure'", "metric 'precision'", "metric 'recall'", "metric 'cosine_proximity'"]
    assert all(f.fix is None for f in found)


def test_precision_in_keras3_code_is_keras3s():
    assert not findings("keras3_metrics.clean.py")
