"""KM402: renamed Keras 1 layer classes and the positional kernel trap (T1/T2)."""

import pytest

import harness

CASES = harness.cases("km402")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    harness.assert_case(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.builds], ids=[c.id for c in CASES if c.builds])
def test_after_builds_under_keras3(case, keras3):
    result = keras3.build(case.after, fit=True)
    assert result["ok"], result.get("error")


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
