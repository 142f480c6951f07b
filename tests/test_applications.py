"""Issue 7 item 4: real Keras 1 programs nobody here wrote — the Keras 1.2.2 applications.

The modules of ``keras/applications/`` (from the PyPI sdist, see ``k1_applications.py``) go through
``kmigrate --fix --unsafe-fixes``; their model-building functions are then built from the original
text under Keras 1.2.2 and from the migrated text under Keras 3, the Keras 1 weights copied over, and
the outputs compared (``verify``).  What kmigrate leaves is a finding that says what to do; the
Keras 3 side does exactly that and nothing else (``follow_findings``).  Inputs are the smallest the
architectures accept, to keep Theano's time reasonable.
"""

from __future__ import annotations

import ast
import re

import k1_applications as apps
import pytest


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    try:
        sdist = apps.fetch_sdist()
    except (apps.FetchError, OSError) as exc:
        pytest.fail(f"the Keras 1.2.2 sdist could not be fetched: {exc}", pytrace=False)
    folder = tmp_path_factory.mktemp("applications")
    apps.extract(sdist, folder)
    return apps.migrate(folder)


#: Findings kmigrate leaves in the applications, and what each tells the user to do:
#: (code, text the message must contain) → what ``follow_findings`` does about it.
INSTRUCTIONS = {
    ("KM401", "convert_all_kernels_in_model: Keras 3 has no Theano kernels: remove the call"): "remove",
    ("KM401", "_obtain_input_shape: private Keras 1 helper"): "copy",
    ("KM401", "keras.applications.audio_conv_utils` does not exist in Keras 3"): "copy",
    ("KM506", "downloads a Keras 1 weight file"): "unreached",
}


def _instruction(finding: dict) -> str:
    for (code, text), action in INSTRUCTIONS.items():
        if finding["code"] == code and text in finding["message"]:
            return action
    raise AssertionError(f"unexpected finding left: {finding['code']} {finding['message']} (line {finding['line']})")


def follow_findings(migrated: apps.Migrated, module: str) -> tuple[str, str]:
    """The migrated text of ``module`` with the findings' instructions followed, and the definitions
    the instructions say to copy from Keras 1.2.2 (to put before the wrapper's code)."""
    text = migrated.migrated[module]
    lines = text.split("\n")
    copied = []
    for finding in migrated.remaining[module]:
        action = _instruction(finding)
        statement = lines[finding["line"] - 1]
        if action == "remove":  # the import, and the calls (all under ``weights == 'imagenet'``)
            assert statement.startswith("from keras.utils.layer_utils import convert_all_kernels_in_model")
            lines[finding["line"] - 1] = ""
        elif action == "copy" and "_obtain_input_shape" in finding["message"]:
            assert ", _obtain_input_shape" in statement
            lines[finding["line"] - 1] = statement.replace(", _obtain_input_shape", "")
            copied.append(apps.function_source(migrated.original["imagenet_utils"], "_obtain_input_shape"))
        elif action == "copy":  # audio_conv_utils: only its decode_predictions/preprocess_input (unused here)
            lines[finding["line"] - 1] = ""
    text = "\n".join(lines)
    text = re.sub(r"\bconvert_all_kernels_in_model\(model\)", "pass", text)
    return text, "\n\n".join(copied)


def sources(migrated: apps.Migrated, module: str, wrapper: str) -> tuple[str, str]:
    """(Keras 1 source, Keras 3 source): each module text followed by the same wrapper."""
    new_text, copied = follow_findings(migrated, module)
    old = f"{migrated.original[module]}\n\n{wrapper}\n"
    new = f"{new_text}\n\n{copied}\n\n{wrapper}\n"
    return old, new


#: model → (module, wrapper defining build_model()).  Sizes: the smallest inputs the networks take.
MODELS = {
    "ResNet50 identity_block": ("resnet50", """
def build_model():
    x = Input((8, 8, 16))
    return Model(x, identity_block(x, 3, [4, 4, 16], stage=2, block='a'))
"""),
    "ResNet50 conv_block": ("resnet50", """
def build_model():
    x = Input((9, 9, 6))
    return Model(x, conv_block(x, 3, [4, 5, 8], stage=3, block='a'))
"""),
    "InceptionV3 conv2d_bn": ("inception_v3", """
def build_model():
    x = Input((11, 11, 3))
    y = conv2d_bn(x, 6, 3, 3, border_mode='valid', subsample=(2, 2), name='stem')
    return Model(x, conv2d_bn(y, 5, 1, 3))
"""),
    "VGG16": ("vgg16", """
def build_model():
    return VGG16(include_top=False, weights=None, input_tensor=Input((32, 32, 3)))
"""),
    "VGG19": ("vgg19", """
def build_model():
    return VGG19(include_top=False, weights=None, input_tensor=Input((32, 32, 3)))
"""),
    "InceptionV3": ("inception_v3", """
def build_model():
    return InceptionV3(include_top=False, weights=None, input_tensor=Input((75, 75, 3)))
"""),
    "ResNet50": ("resnet50", """
def build_model():
    return ResNet50(include_top=False, weights=None, input_tensor=Input((197, 197, 3)))
"""),
    "MusicTaggerCRNN": ("music_tagger_crnn", """
def build_model():
    return MusicTaggerCRNN(weights=None)
"""),
}


@pytest.mark.parametrize("model", list(MODELS))
def test_migrated_application_computes_what_keras1_computed(model, migrated, verify):
    module, wrapper = MODELS[model]
    old, new = sources(migrated, module, wrapper)
    result = verify(old, new, "build_model", filename=f"{module}.py")
    assert result.ok and not result.singleton, "\n".join(result.lines)


XCEPTION = """
def build_model():
    return Xception(include_top=False, weights=None, input_tensor=Input((71, 71, 3)))
"""


def test_xception_migrates_and_builds_under_keras3(migrated, worker, keras3, tmp_path):
    """Keras 1.2.2 ran Xception only with TensorFlow (no Theano run to compare with): the migrated
    module builds, predicts and trains a step under Keras 3."""
    old, new = sources(migrated, "xception", XCEPTION)
    refused = worker.build(old, "xception.py", "build_model")
    assert not refused["ok"] and "only available with the TensorFlow backend" in refused["error"]
    path = tmp_path / "xception_model.py"
    path.write_text(new, encoding="utf-8")
    answer = keras3.build(path, fit=True)
    assert answer["ok"], answer.get("error")
    assert answer["models"][0]["outputs"][0][0] == [None, 3, 3, 2048]


def test_every_application_module_is_rewritten_and_what_remains_is_an_instruction(migrated):
    for module, findings in migrated.remaining.items():
        for finding in findings:
            _instruction(finding)  # raises on a finding the test does not know how to follow
    for module in ("resnet50", "inception_v3", "vgg16", "vgg19", "xception", "music_tagger_crnn"):
        tree = ast.parse(migrated.migrated[module])
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        layers = [c for c in calls if isinstance(c.func, ast.Name) and c.func.id[:1].isupper()]
        keywords = {k.arg for c in layers for k in c.keywords}  # of layer calls (conv2d_bn keeps its own)
        called = {c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "") for c in calls}
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not keywords & {"border_mode", "subsample", "mode", "nb_filter", "bias", "output_dim"}, module
        assert not called & {"Convolution2D", "merge", "image_dim_ordering"}, module
        assert not {m for m in imported if m.startswith("keras.engine") or m.endswith("data_utils")}, module
