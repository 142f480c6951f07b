"""KM401: imports from Keras 1/2 module paths that Keras 3 removed — a catalogue of fixtures, plus the
tables checked against the installed Keras 3."""

import importlib

import harness
import pytest
from fixture_tests import catalogue

from kmigrate.keras1 import modules as table
from kmigrate.rules.km401_module_paths import legacy_module, target_of

CASES = harness.cases("km401")
test_fixture, test_after_builds_under_keras3 = catalogue("km401")


def findings(source: str, code: str = "KM401"):
    return [f for f in harness.check_findings(source.encode()) if f.code == code]


def test_message_names_the_target_module_and_the_fix_is_safe():
    (finding,) = findings("from keras.layers.core import Dense, Flatten\n")
    assert finding.message == "`keras.layers.core` does not exist in Keras 3: import Dense, Flatten from keras.layers"
    assert finding.fix.applicability == "safe"
    assert (finding.line, finding.column) == (1, 1)


def test_star_import_is_unsafe():
    (finding,) = findings("from keras.layers.convolutional import *\n")
    assert finding.fix.applicability == "unsafe"
    assert "other names" in finding.message


def test_names_without_equivalent_are_reported_with_what_to_write():
    (finding,) = findings("from keras.layers.core import Dense, TimeDistributedDense\n")
    assert finding.fix is None
    assert "TimeDistributedDense: use TimeDistributed(Dense(units))" in finding.message


def test_module_object_with_a_missing_attribute_is_reported():
    (finding,) = findings("from keras.utils import np_utils\nnp_utils.probas_to_classes(p)\n")
    assert finding.fix is None
    assert "np_utils.probas_to_classes: use np.argmax" in finding.message


def test_module_object_passed_around_is_reported():
    (finding,) = findings("import keras.layers.core as core\nregister(core)\n")
    assert finding.fix is None and "module object" in finding.message


def test_dotted_use_of_a_removed_name_is_reported():
    (finding,) = findings("import keras\nkeras.layers.core.MaxoutDense(3)\n")
    assert finding.fix is None and "MaxoutDense: no Keras 3 layer" in finding.message


def test_a_statement_with_a_comment_split_over_modules_is_not_fixed():
    source = "from keras.engine import (Layer,  # base\n    Model)\n"
    (finding,) = findings(source)
    assert finding.fix is None and "comment" in finding.message


def test_merge_is_left_to_the_merge_rules_then_the_module_is_rewritten():
    source = "from keras.layers.core import Dense, merge\ns = merge([a, b], mode=mode)\n"
    (finding,) = findings(source)
    assert finding.fix is None and "merge rules" in finding.message
    fixed, _ = harness.fix_bytes(b"from keras.layers.core import Dense, merge\ns = merge([a, b])\n", [])
    assert fixed == b"from keras.layers import Dense\nfrom keras.layers import Add\ns = Add()([a, b])\n"


def test_legacy_module_longest_match():
    assert legacy_module("keras.engine.topology.Layer") == "keras.engine.topology"
    assert legacy_module("keras.engine.Layer") == "keras.engine"
    assert legacy_module("keras.layers.Dense") is None


# -- the tables against the installed Keras 3 -----------------------------------------------------

def _keras():
    return importlib.import_module("keras")


def test_every_removed_module_fails_to_import_in_keras3():
    _keras()
    for module in [*table.MODULES, *table.MODULES_WITHOUT_EQUIVALENT]:
        with pytest.raises(ImportError):
            importlib.import_module(module)


def test_every_target_name_exists_in_keras3():
    _keras()
    for module, names in table.KERAS3_NAMES.items():
        loaded = importlib.import_module(module)
        missing = sorted(n for n in names if not hasattr(loaded, n))
        assert not missing, f"{module} lacks {missing}"
    for (legacy, name), (module, target) in table.MOVED.items():
        assert hasattr(importlib.import_module(module), target), f"{legacy}.{name} -> {module}.{target}"
    for target in table.MODULES.values():
        importlib.import_module(target)


def test_names_without_equivalent_are_absent_from_keras3_layers():
    keras = _keras()
    for name in table.NO_EQUIVALENT:
        if name[:1].isupper():
            assert not hasattr(keras.layers, name), name


def test_target_of_uses_moves_then_same_names():
    assert target_of("keras.engine", "Model") == ("keras.models", "Model")
    assert target_of("keras.layers.core", "Dense") == ("keras.layers", "Dense")
    assert target_of("keras.layers.core", "MaxoutDense") is None


def test_keras1_merge_function_is_not_the_keras2_module():
    assert not findings("from keras.layers import merge\ns = merge([a, b], mode=m)\n")
    assert not findings("import keras\ns = keras.layers.merge([a, b], mode=m)\n")
    (finding,) = findings("from keras.layers.merge import add\n")
    assert finding.fix is not None


def test_private_application_helpers_are_reported_with_what_to_do():
    source = (harness.FIXTURES / "km401" / "application_helpers.clean.py").read_text()
    helper, audio, kernels = findings(source)
    assert helper.fix is None and helper.message.startswith(
        "Keras 3's `keras.applications.imagenet_utils` lacks names imported; _obtain_input_shape: private Keras 1 "
        "helper that Keras 3 does not export: copy its code from Keras 1.2.2")
    assert audio.fix is None and "copy preprocess_input" in audio.message
    assert "convert_all_kernels_in_model: Keras 3 has no Theano kernels: remove the call" in kernels.message


def test_removed_names_are_absent_from_their_keras3_module_and_the_others_present():
    _keras()
    for module, name in table.REMOVED_NAMES:
        loaded = importlib.import_module(module)
        assert not hasattr(loaded, name), f"{module}.{name}"
    from keras.applications import imagenet_utils

    assert callable(imagenet_utils.decode_predictions) and callable(imagenet_utils.preprocess_input)


def test_names_of_the_same_reason_are_listed_once():
    (finding,) = findings("from keras.applications.audio_conv_utils import decode_predictions, preprocess_input\n")
    assert finding.message.count("Keras 3 has no audio_conv_utils") == 1
    assert "decode_predictions, preprocess_input: Keras 3 has no audio_conv_utils" in finding.message
