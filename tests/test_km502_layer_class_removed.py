"""KM502: Keras 1 layer classes that Keras 3 removed (report only)."""

import harness
import pytest

CASES = harness.cases("km502")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


def test_each_call_is_reported_with_its_replacement():
    source = (harness.FIXTURES / "km502" / "reported.clean.py").read_bytes()
    found = [f for f in harness.check_findings(source) if f.code == "KM502"]
    assert [f.message.split(":")[0] for f in found] == [
        "MaxoutDense does not exist in Keras 3", "Highway does not exist in Keras 3",
        "TimeDistributedDense does not exist in Keras 3"]
    assert "TimeDistributed(Dense(units))" in found[2].message
    assert all(f.fix is None for f in found)


def test_renamed_classes_are_left_to_km402():
    found = harness.check_findings(b"from keras.layers import AtrousConvolution2D\nc = AtrousConvolution2D(4, 3, 3)\n")
    assert [f.code for f in found] == ["KM402"]


def test_abstract_bases_are_reported_where_subclassed_and_keras0_containers_at_their_calls():
    source = (b"from keras.layers.recurrent import Recurrent\nfrom keras.models import Graph\n"
              b"class Step(Recurrent):\n    pass\ngraph = Graph()\n")
    found = sorted((f for f in harness.check_findings(source) if f.code == "KM502"), key=lambda f: f.line)
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (3, "Recurrent does not exist in Keras 3"), (5, "Graph does not exist in Keras 3")]
    assert "keras.layers.RNN(cell)" in found[0].message and "functional keras.Model" in found[1].message
