"""KM403: Keras 1 layer arguments, value maps and Keras 1 defaults made explicit."""

import importlib

import harness
import pytest
from fixture_tests import catalogue

from kmigrate.keras1 import layers as table

CASES = harness.cases("km403")
test_fixture, test_after_builds_under_keras3 = catalogue("km403")


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


def test_same_padding_is_safe_only_for_odd_windows_with_stride_1():
    def applicability(call: str) -> str:
        (finding,) = findings(f"from keras.layers import MaxPooling2D, AveragePooling1D\np = {call}\n")
        return finding.fix.applicability

    assert applicability("MaxPooling2D((3, 3), strides=(1, 1), border_mode='same')") == "safe"
    assert applicability("MaxPooling2D((3, 3), border_mode='same')") == "unsafe"  # strides default to the pool
    assert applicability("MaxPooling2D((2, 2), strides=(1, 1), border_mode='same')") == "unsafe"
    assert applicability("AveragePooling1D(border_mode='same')") == "unsafe"  # pool_length defaults to 2
    assert applicability("MaxPooling2D((2, 2), border_mode='valid')") == "safe"


def test_unsafe_same_padding_rewrites_do_compute_something_else_in_keras1(verify):
    """The message's claim, measured: Keras 1.2.2 (Theano) and the rewritten model disagree."""
    case = harness.FIXTURES / "km403" / "same_padding_unsafe"
    before, after = case.with_suffix(".before.py"), case.with_suffix(".after.py")
    result = verify(before.read_text(), after.read_text(), "model", filename=str(before))
    assert result.status == "different", "\n".join(result.lines)


def test_safe_same_padding_rewrites_match_keras1(verify):
    source = ("from keras.layers import Input, Convolution2D, MaxPooling2D, Convolution1D, merge, Flatten\n"
              "from keras.models import Model\n\n\ndef build_model():\n"
              "    image = Input(shape=(8, 8, 3))\n"
              "    x = Convolution2D(4, 3, 3, border_mode='same')(image)\n"
              "    x = MaxPooling2D((3, 3), strides=(1, 1), border_mode='same')(x)\n"
              "    x = Convolution2D(2, 5, 1, border_mode='same', subsample=(1, 1))(x)\n"
              "    return Model(image, x)\n")
    fixed, remaining = harness.fix_bytes(source.encode(), [])
    assert b"border_mode" not in fixed and not [f for f in remaining if f.fix is not None]
    result = verify(source, fixed.decode(), "build_model", filename="same_padding.py")
    assert result.ok, "\n".join(result.lines)


def test_embedding_input_length_starts_a_sequential_list_with_an_input():
    source = (b"from keras.models import Sequential\nfrom keras.layers import Embedding, Dense\n"
              b"m = Sequential([Embedding(100, 8, input_length=n), Dense(2)])\n")
    fixed, remaining = harness.fix_bytes(source, [])
    assert fixed.endswith(b"m = Sequential([Input(shape=(n,), dtype='int32'), Embedding(100, 8), Dense(2)])\n")
    assert not [f for f in remaining if f.code == "KM501"]


def test_embedding_input_length_elsewhere_stays_reported():
    source = ("from keras.models import Sequential\nfrom keras.layers import Embedding, Dense\n"
              "m = Sequential([Dense(2), Embedding(100, 8, input_length=5)])\n"
              "model = Sequential()\nmodel.add(Dense(3, input_dim=4))\nmodel.add(Embedding(10, 2, input_length=3))\n")
    assert not findings(source)
    assert len([f for f in harness.check_findings(source.encode()) if f.code == "KM501"]) == 2


def test_add_weight_positionals_only_in_keras_layers_and_past_the_second():
    layer = ("from keras.engine.topology import Layer\n\nclass L(Layer):\n    def build(self, s):\n"
             "        self.w = self.add_weight(s, 'zero', 'w')\n        self.v = self.add_weight(s, 'zero', name='v')\n")
    (finding,) = findings(layer)
    assert finding.message == ("add_weight(...): positional shape, initializer, name by keyword "
                               "(Keras 3's third parameter is dtype)")
    assert finding.fix.applicability == "safe"
    assert not findings(layer.replace("(Layer)", "(object)"))
