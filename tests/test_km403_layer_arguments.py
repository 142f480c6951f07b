"""KM403: Keras 1 layer arguments, value maps and Keras 1 defaults made explicit."""

import importlib

import harness
import pytest

from kmigrate.keras1 import layers as table

CASES = harness.cases("km403")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.builds], ids=[c.id for c in CASES if c.builds])
def test_after_builds_under_keras3(case, keras3):
    result = keras3.build(case.after, fit=True)
    assert result["ok"], result.get("error")


def findings(source: str, code: str = "KM403"):
    return [f for f in harness.check_findings(source.encode()) if f.code == code]


def test_message_lists_each_change():
    (finding,) = findings("from keras.layers import Dense\nd = Dense(output_dim=3, init='zero')\n")
    assert finding.message == "Dense(...): output_dim -> units; init -> kernel_initializer"
    assert finding.fix.applicability == "safe"


def test_lstm_default_gate_is_keras1_hard_sigmoid_not_the_keras3_string():
    (finding,) = findings("from keras.layers import LSTM\nfrom keras.layers.core import Dense\nl = LSTM(4)\n")
    assert "recurrent_activation=lambda x: ops.clip(0.2 * x + 0.5, 0.0, 1.0)" in finding.message
    assert "'hard_sigmoid'" not in finding.message


def test_the_written_gate_is_keras1_hard_sigmoid():
    ops = importlib.import_module("keras").ops
    gate = eval(table.HARD_SIGMOID.format(ops="ops"), {"ops": ops})
    values = [float(v) for v in ops.convert_to_numpy(gate(ops.convert_to_tensor([-3.0, -1.0, 0.0, 1.0, 3.0])))]
    assert values == pytest.approx([0.0, 0.3, 0.5, 0.7, 1.0])  # K1: clip(0.2 x + 0.5, 0, 1)


def test_non_literal_dim_ordering_is_reported():
    (finding,) = findings("from keras.layers import MaxPooling2D\np = MaxPooling2D(dim_ordering=o)\n")
    assert finding.fix is None and "not a literal" in finding.message


def test_defaults_wait_for_keras1_evidence():
    assert not findings("from keras.layers import LSTM, GRU\nl = LSTM(4)\ng = GRU(3)\n")
    assert findings("from keras.layers import GRU\ng = GRU(3)\nmodel.fit(x, y, nb_epoch=3)\n")


def test_keras1_spellings_in_strings_or_comments_are_no_evidence():
    source = "from keras.layers import LSTM\n# LSTM(4, inner_activation='sigmoid'), nb_epoch\ns = 'merge([a, b], mode=\"sum\")'\nl = LSTM(4)\n"
    assert not findings(source)
