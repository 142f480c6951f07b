"""Weight layouts K1 -> K3 (keras1-to-keras3.md §6): unit checks and real runs on both sides."""
import textwrap

import numpy as np
import pytest

from kmigrate.verify.keras3_side import (
    WeightsMismatch,
    convert_layer_weights,
    match_layers,
)


def test_lstm_12_to_3_reorders_i_c_f_o_to_i_f_c_o():
    names = ["i", "c", "f", "o"]
    ws = []
    for k, gate in enumerate(names):
        ws += [np.full((3, 2), k, "float32"), np.full((2, 2), 10 + k, "float32"), np.full((2,), 20 + k, "float32")]
    kernel, recurrent, bias = convert_layer_weights("LSTM", ws)
    assert kernel.shape == (3, 8) and recurrent.shape == (2, 8) and bias.shape == (8,)
    # K3 order i, f, c, o = K1 indices 0, 2, 1, 3
    assert list(kernel[0, ::2]) == [0, 2, 1, 3]
    assert list(recurrent[0, ::2]) == [10, 12, 11, 13]
    assert list(bias[::2]) == [20, 22, 21, 23]


def test_gru_9_to_3_keeps_z_r_h():
    ws = []
    for k in range(3):
        ws += [np.full((3, 2), k, "float32"), np.full((2, 2), 10 + k, "float32"), np.full((2,), 20 + k, "float32")]
    kernel, recurrent, bias = convert_layer_weights("GRU", ws)
    assert list(kernel[0, ::2]) == [0, 1, 2] and list(bias[::2]) == [20, 21, 22]


def test_conv2d_theano_flip():
    W = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)  # th: (out, in, rows, cols)
    k, b = convert_layer_weights("Convolution2D", [W, np.zeros(2, "float32")], {"dim_ordering": "th"})
    assert k.shape == (4, 5, 3, 2)
    assert k[0, 0, 1, 0] == W[0, 1, 3, 4] and k[3, 4, 2, 1] == W[1, 2, 0, 0]
    Wtf = W.transpose(2, 3, 1, 0).copy()  # tf: (rows, cols, in, out)
    k2, _ = convert_layer_weights("Convolution2D", [Wtf, np.zeros(2, "float32")], {"dim_ordering": "tf"})
    assert np.array_equal(k, k2)


def test_wrong_array_count_is_a_mismatch():
    with pytest.raises(WeightsMismatch):
        convert_layer_weights("LSTM", [np.zeros((2, 2))] * 5)


def test_matching_by_explicit_name_then_creation_order():
    class L:
        def __init__(self, n):
            self.weights = [0] * n

    k1 = [
        {"class": "Dense", "name": "a", "explicit_name": False, "weights": [1]},
        {"class": "Dense", "name": "head", "explicit_name": True, "weights": [2]},
        {"class": "Dense", "name": "b", "explicit_name": False, "weights": [3]},
    ]
    k3 = [
        {"class": "Dense", "name": "head", "explicit_name": True, "layer": L(2)},
        {"class": "Dense", "name": "dense", "explicit_name": False, "layer": L(2)},
        {"class": "Dense", "name": "dense_1", "explicit_name": False, "layer": L(2)},
    ]
    pairs = [(a["name"], b["name"]) for a, b in match_layers(k1, k3)]
    assert sorted(pairs) == [("a", "dense"), ("b", "dense_1"), ("head", "head")]
    k3[0]["class"] = "Conv2D"
    with pytest.raises(WeightsMismatch, match="'head' is a Dense in Keras 1 but a Conv2D in Keras 3"):
        match_layers(k1, k3)


def src(text):
    return textwrap.dedent(text)


CONV_TH_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import Convolution2D, Flatten

    def build():
        m = Sequential()
        m.add(Convolution2D(4, 3, 3, input_shape=(2, 6, 5), dim_ordering='th'))
        m.add(Flatten())
        return m
    """
)
CONV_TH_NEW = src(
    """
    import keras
    from keras.layers import Conv2D, Flatten

    def build():
        i = keras.Input(shape=(2, 6, 5))
        x = Conv2D(4, (3, 3), data_format='channels_first')(i)
        return keras.Model(i, Flatten()(x))
    """
)
CONV_TF_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import Convolution2D, Flatten

    def build():
        m = Sequential()
        m.add(Convolution2D(4, 3, 2, input_shape=(6, 5, 2)))
        m.add(Flatten())
        return m
    """
)
CONV_TF_NEW = src(
    """
    import keras
    from keras.layers import Conv2D, Flatten

    def build():
        i = keras.Input(shape=(6, 5, 2))
        return keras.Model(i, Flatten()(Conv2D(4, (3, 2))(i)))
    """
)


@pytest.mark.parametrize("old,new", [(CONV_TH_OLD, CONV_TH_NEW), (CONV_TF_OLD, CONV_TF_NEW)], ids=["th", "tf"])
def test_conv2d_kernel_flip(verify, old, new):
    result = verify(old, new)
    assert result.ok, result.lines


RNN_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import GRU, SimpleRNN, BatchNormalization, Dense

    def build():
        m = Sequential()
        m.add(SimpleRNN(5, input_shape=(4, 3), return_sequences=True))
        m.add(GRU(6))
        m.add(BatchNormalization())
        m.add(Dense(2))
        return m
    """
)
RNN_NEW = src(
    """
    import keras
    from keras import ops
    from keras.layers import GRU, SimpleRNN, BatchNormalization, Dense

    def build():
        return keras.Sequential([
            keras.Input(shape=(4, 3)),
            SimpleRNN(5, return_sequences=True),
            GRU(6, {GRU_ARGS}recurrent_activation=lambda x: ops.clip(0.2 * x + 0.5, 0., 1.)),
            BatchNormalization(epsilon=1e-3),
            Dense(2),
        ])
    """
)


def test_gru_simple_rnn_batchnorm(verify):
    result = verify(RNN_OLD, RNN_NEW.replace("{GRU_ARGS}", "reset_after=False, "))
    assert result.ok, result.lines
    # K3's default GRU (reset_after=True) has another bias layout: a verdict with a hint
    result = verify(RNN_OLD, RNN_NEW.replace("{GRU_ARGS}", ""))
    assert not result.ok and result.status == "weights"
    assert "reset_after=False" in result.lines[0]


WRAPPERS_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import LSTM, Dense, TimeDistributed, Bidirectional

    def build():
        m = Sequential()
        m.add(TimeDistributed(Dense(4), input_shape=(5, 3)))
        m.add(Bidirectional(LSTM(3, return_sequences=True)))
        m.add(TimeDistributed(Dense(2)))
        return m
    """
)
WRAPPERS_NEW = src(
    """
    import keras
    from keras import ops
    from keras.layers import LSTM, Dense, TimeDistributed, Bidirectional

    # Bidirectional clones its layer through get_config: a lambda (or an unregistered function)
    # as recurrent_activation does not survive that in Keras 3.
    @keras.saving.register_keras_serializable(package="kmigrate_tests")
    def k1_hard_sigmoid(x):
        return ops.clip(0.2 * x + 0.5, 0.0, 1.0)

    def build():
        return keras.Sequential([
            keras.Input(shape=(5, 3)),
            TimeDistributed(Dense(4)),
            Bidirectional(LSTM(3, return_sequences=True, recurrent_activation=k1_hard_sigmoid)),
            TimeDistributed(Dense(2)),
        ])
    """
)


def test_time_distributed_and_bidirectional(verify):
    result = verify(WRAPPERS_OLD, WRAPPERS_NEW)
    assert result.ok, result.lines


CONV3D_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import Convolution3D, Flatten

    def build():
        m = Sequential()
        m.add(Convolution3D(3, 2, 3, 2, dim_ordering='{ORDER}', input_shape={SHAPE}))
        m.add(Flatten())
        return m
    """
)
CONV3D_NEW = src(
    """
    import keras
    from keras.layers import Conv3D, Flatten

    def build():
        i = keras.Input(shape={SHAPE})
        c = Conv3D(3, (2, 3, 2), data_format='{FORMAT}')(i)
        # Keras 1 flattened the raw array: channels_last here never transposes first (trap T16)
        return keras.Model(i, Flatten(data_format='channels_last')(c))
    """
)


@pytest.mark.parametrize("order,shape", [("th", "(2, 5, 4, 3)"), ("tf", "(5, 4, 3, 2)")])
def test_conv3d_kernel_transposed_and_flipped(verify, order, shape):
    fmt = {"th": "channels_first", "tf": "channels_last"}[order]
    old = CONV3D_OLD.replace("{ORDER}", order).replace("{SHAPE}", shape)
    new = CONV3D_NEW.replace("{FORMAT}", fmt).replace("{SHAPE}", shape)
    result = verify(old, new)
    assert result.ok, result.lines


DECONV_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import Deconvolution2D

    def build():
        m = Sequential()
        m.add(Deconvolution2D(3, 3, 2, output_shape={OUT}, dim_ordering='{ORDER}', input_shape={SHAPE}))
        return m
    """
)
DECONV_NEW = src(
    """
    import keras
    from keras.layers import Conv2DTranspose

    def build():
        i = keras.Input(shape={SHAPE})
        return keras.Model(i, Conv2DTranspose(3, (3, 2), data_format='{FORMAT}')(i))
    """
)


@pytest.mark.parametrize("order,shape,out", [("th", "(2, 5, 4)", "(None, 3, 7, 5)"),
                                             ("tf", "(5, 4, 2)", "(None, 7, 5, 3)")])
def test_deconvolution2d_kernel(verify, order, shape, out):
    fmt = {"th": "channels_first", "tf": "channels_last"}[order]
    result = verify(DECONV_OLD.replace("{ORDER}", order).replace("{SHAPE}", shape).replace("{OUT}", out),
                    DECONV_NEW.replace("{FORMAT}", fmt).replace("{SHAPE}", shape))
    assert result.ok, result.lines


GPU_RNN_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import LSTM, GRU

    def build():
        m = Sequential()
        m.add(LSTM(4, consume_less='gpu', return_sequences=True, input_shape=(5, 3)))
        m.add(GRU(3, consume_less='gpu'))
        return m
    """
)
GPU_RNN_NEW = src(
    """
    import keras
    from keras import ops
    from keras.layers import LSTM, GRU

    def hard_sigmoid(x):
        return ops.clip(0.2 * x + 0.5, 0.0, 1.0)

    def build():
        return keras.Sequential([keras.Input(shape=(5, 3)),
                                 LSTM(4, return_sequences=True, recurrent_activation=hard_sigmoid),
                                 GRU(3, reset_after=False, recurrent_activation=hard_sigmoid)])
    """
)


def test_consume_less_gpu_weights_are_already_fused(verify):
    result = verify(GPU_RNN_OLD, GPU_RNN_NEW)
    assert result.ok, result.lines
