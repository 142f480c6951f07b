"""KM103: merge calls kmigrate cannot rewrite are reported, never touched."""

import harness
import pytest
from fixture_tests import parametrize

HEADER = "from keras.layers import Input, merge\na = Input(shape=(8,))\nb = Input(shape=(8,))\n"


@parametrize("km103")
def test_rewrite(case):
    harness.assert_case(case)


@pytest.mark.parametrize("call,fragment", [
    ("merge([a, b], mode=MODE)", "merge(mode=MODE): mode not known statically"),
    ("merge([a, b], mode=modes['x'])", "merge(mode=modes['x'])"),
    ("merge([a, b], **kwargs)", "mode not known statically"),
    ("merge([a, b], *extra)", "mode not known statically"),
    ("merge([a, b], mode='average')", "merge(mode='average')"),
    ("merge(mode='sum')", "without inputs"),
    ("merge([a, b], 'sum', -1, -1, None, None, None, 'n', 'extra')", "does not fit"),
    ("merge([a, b], colour='red')", "does not fit"),
])
def test_reported_with_what_to_write(call, fragment):
    findings = harness.check_findings((HEADER + f"x = {call}\n").encode())
    assert [f.code for f in findings] == ["KM103"]
    assert fragment in findings[0].message
    assert "Concatenate(axis=concat_axis)" in findings[0].message
    assert findings[0].fix is None
