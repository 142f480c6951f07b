"""KM503: K.* backend functions without an exact Keras 3 drop-in (report only)."""

import harness
import pytest


def test_removed_functions_are_reported_by_km503():
    source = (harness.FIXTURES / "km503" / "reported.clean.py").read_bytes()
    found = [f for f in harness.check_findings(source) if f.code == "KM503"]
    assert [f.message.split(" is not")[0] for f in found] == [
        "K.repeat", "K.batch_dot", "K.l2_normalize", "K.function", "K.set_image_dim_ordering"]
    assert all(f.fix is None for f in found)
    assert "ops.repeat(keras.ops.expand_dims(x, 1), n, axis=1)" in found[0].message


@pytest.mark.parametrize("case", harness.cases("km503"), ids=[c.id for c in harness.cases("km503")])
def test_fixture(case):
    harness.assert_case(case)
