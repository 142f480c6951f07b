"""KM506: downloads of the Keras 1 applications' pretrained weight files (report only)."""

import harness
from fixture_tests import catalogue

test_fixture = catalogue("km506")[0]  # report only: no rewrite to build


def test_keras1_weight_files_are_reported_and_other_downloads_not():
    source = (harness.FIXTURES / "km506" / "reported.clean.py").read_bytes()
    found = [f for f in harness.check_findings(source) if f.code == "KM506"]
    assert [f.line for f in found] == [4, 5]
    assert all(f.fix is None for f in found)
    assert found[0].message.startswith("get_file('vgg16_weights_tf_dim_ordering_tf_kernels.h5', ...) downloads "
                                       "a Keras 1 weight file: Keras 3's load_weights does not convert")


def test_through_the_keras1_module_path():
    source = b"from keras.utils.data_utils import get_file\np = get_file('x_weights_th_dim_ordering_th_kernels.h5', u)\n"
    assert sorted(f.code for f in harness.check_findings(source)) == ["KM401", "KM506"]
