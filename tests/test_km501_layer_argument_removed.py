"""KM501: Keras 1 layer arguments without an exact Keras 3 spelling (report only)."""

import harness
import pytest

CASES = harness.cases("km501")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


def messages(source: str):
    return [f.message for f in harness.check_findings(source.encode()) if f.code == "KM501"]


def test_each_argument_without_equivalent_is_reported_with_what_to_do():
    found = messages((harness.FIXTURES / "km501" / "reported.clean.py").read_text())
    assert found == [
        "Dense(weights=...): Keras 3 layers take no weights=: build the layer, then layer.set_weights(...) "
        "(Keras 1 Theano kernels are flipped and laid out (out, in, rows, cols))",
        "Embedding(dropout=...): Keras 1 dropped whole words; write a custom word dropout",
        "BatchNormalization(mode=...): mode=1 normalises each sample with its own statistics (close to "
        "LayerNormalization, not exact); mode=2 uses batch statistics at test time too: no Keras 3 equivalent "
        "(mode=0, the default, is dropped)",
        "Conv2D(border_mode=...): no 'full' padding in Keras 3: ZeroPadding (kernel size - 1 on each side) "
        "then padding='valid'",
    ]


def test_embedding_keeps_weights_and_positional_arguments_are_bound():
    assert not messages("from keras.layers import Embedding\ne = Embedding(10, 3, weights=[m])\n")
    assert messages("from keras.layers import Embedding\ne = Embedding(10, 3, 'uniform', 6)\n") == [
        "Embedding(input_length=...): start the model with keras.Input(shape=(input_length,), dtype='int32')"]


def test_report_only():
    for finding in harness.check_findings(b"from keras.layers import Dense\nd = Dense(3, input_dtype='int32')\n"):
        if finding.code == "KM501":
            assert finding.fix is None
            break
    else:
        pytest.fail("no KM501 finding")


def test_separable_init_initialises_both_kernels_not_a_kernel_initializer():
    source = "from keras.layers import SeparableConv2D\nc = SeparableConv2D(4, (3, 3), init='uniform', border_mode='same')\n"
    assert not messages(source)
    fixed, _ = harness.fix_bytes(source.encode(), [])
    assert fixed.endswith(b"SeparableConv2D(4, (3, 3), depthwise_initializer='uniform', pointwise_initializer='uniform', "
                          b"padding='same')\n")


def test_batch_normalization_mode_0_is_the_default_and_dropped_not_reported():
    source = "from keras.layers import BatchNormalization\nb = BatchNormalization(axis=1, mode=0)\n"
    assert not messages(source)
    fixed, _ = harness.fix_bytes(source.encode(), [])
    assert fixed.endswith(b"b = BatchNormalization(axis=1)\n")
    assert messages("from keras.layers import BatchNormalization\nb = BatchNormalization(mode=1)\n")
