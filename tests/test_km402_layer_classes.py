"""KM402: renamed Keras 1 layer classes and the positional kernel trap (T1/T2)."""


import harness
from fixture_tests import catalogue

CASES = harness.cases("km402")
test_fixture, test_after_builds_under_keras3 = catalogue("km402")


def findings(source: str, code: str = "KM402"):
    return [f for f in harness.check_findings(source.encode()) if f.code == code]


def test_positional_trap_message_names_strides_and_is_safe():
    (finding,) = findings("from keras.layers import Conv2D\nc = Conv2D(64, 3, 3)\n")
    assert "Keras 3 reads the third positional argument as strides" in finding.message
    assert finding.fix.applicability == "safe"


def test_the_rewritten_kernel_is_what_keras1_meant(keras3, tmp_path):
    """Conv2D(4, 3, 5) on (9, 9): Keras 1 kernel (3, 5) gives (7, 5); Keras 3 as written gives stride 5."""
    fixed, _ = harness.fix_bytes(b"from keras.layers import Input, Conv2D\nfrom keras.models import Model\n"
                                 b"a = Input(shape=(9, 9, 1))\nmodel = Model(a, Conv2D(4, 3, 5)(a))\n", [])
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
