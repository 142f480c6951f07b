"""KM402: renamed Keras 1 layer classes and the positional kernel trap (T1/T2)."""


import harness
from fixture_tests import catalogue

CASES = harness.cases("km402")
test_fixture, test_after_builds_under_keras3 = catalogue("km402")


def findings(source: str, code: str = "KM402"):
    return [f for f in harness.check_findings(source.encode()) if f.code == code]


def test_positional_trap_message_names_strides_and_is_safe_in_keras1_code():
    (finding,) = findings("from keras.layers.convolutional import Conv2D\nc = Conv2D(64, 3, 3)\n", "KM402")
    assert "Keras 3 reads the third positional argument as strides" in finding.message
    assert finding.fix.applicability == "safe"


def test_positional_kernel_without_keras1_evidence_is_unsafe():
    # Conv2D(64, 3, 3) is also valid Keras 3 code: a 3x3 kernel with strides 3.
    for source in ("from keras.layers import Conv2D\nc = Conv2D(64, 3, 3)\n",
                   "import keras\nc = keras.layers.Conv2DTranspose(64, 3, 3)\n"):
        (finding,) = findings(source)
        assert finding.fix.applicability == "unsafe"
        assert "means strides: apply only if this is Keras 1 or 2 code" in finding.message


def test_the_rewritten_kernel_is_what_keras1_meant(keras3, tmp_path):
    """Conv2D(4, 3, 5) on (9, 9): Keras 1 kernel (3, 5) gives (7, 5); Keras 3 as written gives stride 5."""
    fixed, _ = harness.fix_bytes(b"from keras.layers import Input, Conv2D\nfrom keras.models import Model\n"
                                 b"a = Input(shape=(9, 9, 1))\nmodel = Model(input=a, output=Conv2D(4, 3, 5)(a))\n", [])
    path = tmp_path / "model.py"
    path.write_bytes(fixed)
    (model,) = keras3.build(path)["models"]
    assert model["outputs"][0][0] == [None, 7, 5, 4]


def test_partial_kernel_is_reported_without_fix():
    (finding,) = findings("from keras.layers import Convolution2D\nc = Convolution2D(4, 3, nb_col=3)\n")
    assert finding.fix is None and "only partly given" in finding.message


def test_positional_arguments_in_a_file_without_keras1_evidence_are_read_as_keras3():
    assert not findings("from keras.layers import Conv2D\nc = Conv2D(4, 3, 3, 'same')\n")
    assert not harness.check_findings(b"from keras.layers import Dense\nd = Dense(10, 'relu')\n")


def test_positional_init_in_a_keras1_file_becomes_a_keyword():
    source = b"from keras.layers import Convolution2D\nc = Convolution2D(4, 3, 3, 'he_normal', border_mode='same')\n"
    fixed, _ = harness.fix_bytes(source, [])
    assert b"Conv2D(4, (3, 3), kernel_initializer='he_normal', padding='same')" in fixed


def test_merged_kernel_keeps_the_line_break_after_it():
    source = (b"from keras.layers import Convolution2D\n"
              b"c = Convolution2D(4, k, k,\n                  border_mode='valid', name='c')\n")
    fixed, _ = harness.fix_bytes(source, [])
    assert fixed.endswith(b"c = Conv2D(4, (k, k),\n                  padding='valid', name='c')\n")


def test_same_padding_with_an_unknown_kernel_is_unsafe():
    (finding,) = findings("from keras.layers import Convolution2D\nc = Convolution2D(4, k, k, border_mode='same')\n")
    assert finding.fix.applicability == "unsafe"
    assert "padding='same' with a window size not known to be odd" in finding.message
    (finding,) = findings("from keras.layers import Convolution2D\nc = Convolution2D(4, 2, 2, border_mode=mode)\n")
    assert finding.fix.applicability == "unsafe" and "padding=mode (maybe 'same') with an even window" in finding.message
    (finding,) = findings("from keras.layers import Convolution2D\nc = Convolution2D(4, 3, 3, border_mode=mode)\n")
    assert finding.fix.applicability == "safe"  # odd, stride 1: whichever padding, Keras 3 places it as Keras 1
    (finding,) = findings("from keras.layers import Convolution2D\nc = Convolution2D(4, k, k, border_mode='valid')\n")
    assert finding.fix.applicability == "safe"


def test_same_padding_of_a_tensorflow_only_layer_is_safe():
    """SeparableConvolution2D ran only with Keras 1's TensorFlow backend, which padded 'same' as Keras 3."""
    (finding,) = findings("from keras.layers import SeparableConvolution2D\n"
                          "c = SeparableConvolution2D(4, 2, 2, border_mode='same')\n")
    assert finding.fix.applicability == "safe"


def test_full_padding_only_where_the_layer_is_applied_or_added():
    applied = "from keras.layers import Convolution2D\ny = Convolution2D(4, 3, 3, border_mode='full')(x)\n"
    (finding,) = findings(applied)
    assert "border_mode='full' -> ZeroPadding2D((2, 2)) before it, then padding='valid'" in finding.message
    assert finding.fix.applicability == "safe"
    assert not [f for f in harness.check_findings(applied.encode()) if f.code == "KM501"]
    kept = "from keras.layers import Convolution2D\nlayer = Convolution2D(4, 3, 3, border_mode='full')\n"
    assert [f.code for f in harness.check_findings(kept.encode()) if f.code == "KM501"] == ["KM501"]


def test_deconvolution_output_shape_is_dropped_exactly_only_with_strides_1():
    (finding,) = findings("from keras.layers import Deconvolution2D\nd = Deconvolution2D(4, 3, 3, (None, 10, 10, 4))\n")
    assert "output_shape dropped" in finding.message and finding.fix.applicability == "safe"
    strided = (b"from keras.layers import Deconvolution2D\n"
               b"d = Deconvolution2D(4, 3, 3, output_shape=(None, 18, 18, 4), subsample=(2, 2))\n")
    (finding,) = findings(strided.decode())
    assert finding.fix.applicability == "unsafe" and "pass output_padding= if they differ" in finding.message
    assert not [f for f in harness.check_findings(strided) if f.code == "KM501"]
    fixed, _ = harness.fix_bytes(strided, ["--unsafe-fixes"])
    assert fixed.endswith(b"d = Conv2DTranspose(4, (3, 3), strides=(2, 2))\n")


def test_thresholded_relu_becomes_relu_unsafely_and_container_becomes_model():
    source = (b"from keras.layers import ThresholdedReLU\nfrom keras.engine.topology import Container\n"
              b"r = ThresholdedReLU()\nc = Container(a, b, name='c')\n")
    relu, container = findings(source.decode())
    assert relu.fix.applicability == "unsafe" and "keeps x == theta" in relu.message
    assert container.fix.applicability == "safe"
    assert not [f for f in harness.check_findings(source) if f.code == "KM502"]
    fixed, _ = harness.fix_bytes(source, ["--unsafe-fixes"])
    assert fixed == (b"from keras.layers import ReLU\nfrom keras.models import Model\n"
                     b"r = ReLU(threshold=1.0)\nc = Model(inputs=a, outputs=b, name='c')\n")


def test_a_replaced_class_called_with_star_arguments_is_reported_without_fix():
    (finding,) = findings("from keras.layers import ThresholdedReLU\nr = ThresholdedReLU(*args)\n")
    assert finding.fix is None and "write ReLU(...) with the arguments theta -> threshold" in finding.message
