"""KM503: K.* backend functions without a Keras 3 rewrite (report only)."""

import harness
import pytest

from kmigrate.keras1 import backend

CASES = harness.cases("km503")


def km503(name: str) -> list:
    source = (harness.FIXTURES / "km503" / name).read_bytes()
    return [f for f in harness.check_findings(source) if f.code == "KM503"]


def test_every_report_entry_is_reported_without_a_fix():
    found = [f for case in CASES for f in km503(case.before.name)]
    assert sorted(f.message.split(" is not")[0] for f in found) == sorted(f"K.{name}" for name in backend.REPORT)
    assert all(f.fix is None for f in found)


def test_message_says_what_to_write():
    (finding,) = [f for f in km503("variables_and_updates.clean.py") if f.message.startswith("K.foldl ")]
    assert finding.message == f"K.foldl is not in Keras 3: {backend.REPORT['foldl']}"
    assert "keras.ops.scan(" in finding.message


def test_names_kmigrate_rewrites_are_not_reported():
    source = b"from keras import backend as K\nr = K.repeat(x, 3)\nn = K.l2_normalize(x, axis=-1)\n"
    assert [f.code for f in harness.check_findings(source)] == ["KM406", "KM406"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)
