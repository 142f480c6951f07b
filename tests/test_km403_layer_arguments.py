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
              "model = Sequential()\nmodel.add(Dense(3, input_shape=(4,)))\nmodel.add(Embedding(10, 2, input_length=3))\n")
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


# -- engineer B: recurrent initializers, positional Keras 1 parameters, Flatten, Lambda masks ------------

def fixed(source: str) -> str:
    return harness.fix_bytes(source.encode(), [])[0].decode()


def test_orthogonal_string_becomes_keras1_gain():
    out = fixed("from keras.layers import LSTM, Dense\nl = LSTM(4, inner_init='orthogonal')\n"
                "d = Dense(3, init='orthogonal')\n")
    assert "l = LSTM(4, recurrent_initializer=initializers.Orthogonal(gain=1.1), recurrent_activation=" in out
    assert "d = Dense(3, kernel_initializer=initializers.Orthogonal(gain=1.1))\n" in out
    assert "from keras import initializers, ops\n" in out


def test_recurrent_layers_get_keras1_default_orthogonal_gain_unless_given():
    source = "from keras.layers import SimpleRNN\nfrom keras.layers.core import Dense\n"
    assert fixed(source + "r = SimpleRNN(4)\n").endswith(
        "r = SimpleRNN(4, recurrent_initializer=initializers.Orthogonal(gain=1.1))\n")
    assert fixed(source + "r = SimpleRNN(4, inner_init='zero')\n").endswith(
        "r = SimpleRNN(4, recurrent_initializer='zero')\n")
    assert not findings("from keras.layers import SimpleRNN\nr = SimpleRNN(4)\n")  # Keras 3 code: its defaults


def test_rename_is_listed_when_the_value_has_no_map():
    (finding,) = findings("from keras.layers import LSTM\nl = LSTM(5, inner_activation='sigmoid')\n")
    assert "inner_activation -> recurrent_activation" in finding.message


def test_truncated_normal_initializers_are_noted_not_changed():
    (finding,) = findings("from keras.layers import Dense\nd = Dense(3, init='he_normal')\n")
    assert "truncated normal" in finding.message and finding.fix.applicability == "safe"
    (finding,) = findings("from keras.layers import Dense\nd = Dense(3, init='glorot_uniform')\n")
    assert "note" not in finding.message


def test_positional_input_length_starts_the_sequential_with_an_input():
    out = fixed("from keras.models import Sequential\nfrom keras.layers.embeddings import Embedding\n"
                "m = Sequential([Embedding(100, 8, 'uniform', 6)])\n")
    assert out.endswith("m = Sequential([Input(shape=(6,), dtype='int32'), Embedding(100, 8, 'uniform')])\n")


def test_input_second_positional_is_keras1_batch_shape_and_wins_over_shape():
    source = "from keras.layers import Input\nfrom keras.layers.core import Dense\n"
    assert fixed(source + "a = Input((8,), (None, 8))\n").endswith("a = Input(batch_shape=(None, 8))\n")
    assert fixed(source + "a = Input((8,), None, 'a')\n").endswith("a = Input((8,), batch_shape=None, name='a')\n")
    assert fixed(source + "from keras.layers import InputLayer\ni = InputLayer(input_shape=(3,), batch_input_shape=(2, 3))\n"
                 ).endswith("i = InputLayer(batch_shape=(2, 3))\n")
    assert findings(source + "a = Input((8,), s)\n")[0].fix is None  # s may be None: Keras 1 then used shape
    assert not findings("from keras.layers import Input\na = Input((8,), 4)\n")  # Keras 3 code: batch_size


def test_prelu_weights_none_is_dropped_and_given_weights_reported():
    source = "from keras.layers import PReLU\nfrom keras.layers.core import Dense\n"
    assert fixed(source + "p = PReLU('zero', None, shared_axes=[1])\n").endswith("p = PReLU('zero', shared_axes=[1])\n")
    assert [f.code for f in harness.check_findings((source + "p = PReLU('zero', w)\n").encode())
            if f.code == "KM501"] == ["KM501"]


def test_batch_normalization_first_positional_is_epsilon():
    assert fixed("from keras.layers import BatchNormalization\nfrom keras.layers.core import Dense\n"
                 "b = BatchNormalization(1e-3, mode=0)\n").endswith("b = BatchNormalization(epsilon=1e-3)\n")


def test_flatten_keeps_keras1_order_only_where_the_file_sets_channels_first():
    source = "from keras import backend as K\nfrom keras.layers import Flatten\nf = Flatten()\n"
    assert not findings(source)
    assert not findings(source + "K.set_image_dim_ordering('tf')\n")
    (finding,) = findings(source + "K.set_image_dim_ordering('th')\n")
    assert finding.fix.applicability == "safe" and "channels-first" in finding.message
    assert "f = Flatten(data_format='channels_last')\n" in fixed(
        source + "import keras\nkeras.config.set_image_data_format('channels_first')\n")


def test_keras2_implementation_zero_is_dropped():
    assert fixed("from keras.layers import GRU\ng = GRU(3, implementation=0, reset_after=False, "
                 "recurrent_activation='sigmoid')\n").endswith("g = GRU(3, reset_after=False, recurrent_activation='sigmoid')\n")


def test_lambda_told_to_support_masking_passes_the_mask_in_keras3():
    source = ("from keras.layers import Lambda\nlam = Lambda(f)\nlam.supports_masking = True\n")
    (finding,) = findings(source)
    assert finding.line == 3 and finding.fix.applicability == "safe"
    assert fixed(source).startswith("from keras.layers import Lambda\nlam = Lambda(f, mask=lambda inputs, mask: mask)\n")
    assert not findings(source.replace("= True", "= False"))
    assert not findings(source.replace("lam = Lambda(f)\n", "lam = Lambda(f)\nlam = other\n"))
    assert not findings(source.replace("Lambda(f)", "Lambda(f, mask=m)"))
    assert not findings(source.replace("Lambda(f)", "Dense(f)").replace("Lambda\n", "Dense\n"))


def test_lambda_explicit_output_shape_none_is_reported():
    found = [f for f in harness.check_findings(b"from keras.layers import Lambda\nl = Lambda(f, output_shape=None)\n")
             if f.code == "KM501"]
    assert len(found) == 1 and "infers it" in found[0].message
    assert not [f for f in harness.check_findings(b"from keras.layers import Lambda\nl = Lambda(f, output_shape=(3,))\n")
                if f.code == "KM501"]


def test_input_length_on_a_recurrent_layer_is_keras1_code_and_gets_keras1_defaults():
    # Keras 3 raises on LSTM(input_length=...): the file is Keras 1 code even with nothing else Keras 1-only,
    # so the LSTM keeps Keras 1's hard_sigmoid gates (and orthogonal gain), not just its input shape.
    source = (b"from keras.layers import LSTM\nfrom keras.models import Sequential\n\n"
              b"model = Sequential()\nmodel.add(LSTM(5, input_dim=8, input_length=6))\n")
    fixed, _ = harness.fix_bytes(source, [])
    assert b"input_shape=(6, 8)" in fixed and b"ops.clip(0.2 * x + 0.5, 0.0, 1.0)" in fixed
    assert b"Orthogonal(gain=1.1)" in fixed


def test_embedding_keeps_output_dim_and_it_is_not_keras1_evidence():
    # Keras 3's Embedding(input_dim, output_dim) kept the name (units= would raise), so a Keras 3 file using
    # it is not Keras 1 code: its LSTM keeps Keras 3's defaults.
    keras3 = (b"from keras.layers import Embedding, LSTM, Input\nx = Input((20,), dtype='int32')\n"
              b"y = LSTM(32)(Embedding(input_dim=1000, output_dim=64)(x))\n")
    assert harness.check_findings(keras3) == []
    keras1 = keras3.replace(b"output_dim=64)", b"output_dim=64, init='uniform')") + \
        b"from keras.models import Model\nmodel = Model(input=x, output=y)\n"
    fixed, _ = harness.fix_bytes(keras1, [])
    assert b"Embedding(input_dim=1000, output_dim=64, embeddings_initializer='uniform')" in fixed
    assert b"recurrent_activation=lambda" in fixed
