"""KM405: optimizer lr=, decay=, positional arguments and Keras 1 defaults."""

import importlib
import json
import subprocess
import sys

import harness
import numpy as np
import pytest
from fixture_tests import catalogue

CASES = harness.cases("km405")
test_fixture, test_after_builds_under_keras3 = catalogue("km405")


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM405"]


def test_positional_sgd_is_written_with_keywords_and_safe():
    (finding,) = findings("from keras.optimizers import SGD\ns = SGD(0.1, 0.9)\n")
    assert finding.message == "SGD(...): positional arguments -> keywords"
    assert finding.fix.applicability == "safe"


def test_rmsprop_arguments_are_a_safe_fix_and_its_update_is_reported_beside():
    fix, report = findings("from keras.optimizers import RMSprop\ns = RMSprop(lr=0.1)\n")
    assert fix.fix.applicability == "safe"
    assert report.fix is None and "sqrt(average + epsilon)" in report.message


def test_optimizers_whose_update_differs_are_reported_in_a_keras1_file_only():
    written = "a = Adagrad(learning_rate=0.01, epsilon=1e-08, initial_accumulator_value=0.0)\n"
    (report,) = findings("from keras.optimizers import Adagrad\n" + written + "m.fit(x, y, nb_epoch=1)\n")
    assert report.fix is None and report.message.startswith("Adagrad: Keras 3 divides by sqrt(accumulator + epsilon)")
    assert not findings("from keras.optimizers import Adagrad\n" + written)


def test_nadam_schedule_decay_is_dropped_by_an_unsafe_fix():
    fix, report = findings("from keras.optimizers import Nadam\nn = Nadam(0.002, 0.9, 0.999, 1e-08, 0.004)\n")
    assert fix.fix.applicability == "unsafe" and "schedule_decay= dropped" in fix.message
    assert report.fix is None and "0.96 ** (t * schedule_decay)" in report.message
    fixed, _ = harness.fix_bytes(b"from keras.optimizers import Nadam\nn = Nadam(0.002, 0.9, 0.999, 1e-08, 0.004)\n",
                                 ["--unsafe-fixes"])
    assert fixed.endswith(b"n = Nadam(learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-08)\n")


def test_inverse_time_decay_is_keras1_decay():
    """Keras 1: lr / (1 + decay * iterations)."""
    keras = importlib.import_module("keras")
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.01)
    assert float(schedule(10)) == pytest.approx(0.1 / (1 + 0.01 * 10))


def test_keras3_spelling_is_left_alone():
    assert not findings("from keras.optimizers import Adam\nopt = Adam(learning_rate=0.01)\n")


def test_string_optimizer_gets_keras1_defaults_only_in_a_keras1_file():
    keras1 = "import keras\nm.compile(optimizer='adamax', loss='mse')\nm.fit(x, y, nb_epoch=1)\n"
    (finding,) = findings(keras1)
    assert finding.message == ("compile(optimizer='adamax'): the string gets Keras 3's defaults; Keras 1's are "
                               "keras.optimizers.Adamax(learning_rate=0.002, epsilon=1e-08)")
    assert finding.fix.applicability == "safe"
    assert not findings("import keras\nm.compile(optimizer='adamax', loss='mse')\n")


def test_string_rmsprop_gets_a_safe_fix_and_a_report_and_sgd_is_left_alone():
    source = "import keras\nm.compile('rmsprop', 'mse')\nm.compile('sgd', 'mse')\nm.fit(x, y, nb_epoch=1)\n"
    fix, report = findings(source)
    assert fix.fix.applicability == "safe" and report.fix is None and report.line == fix.line == 2


def test_optimizer_lr_attribute_is_an_unsafe_rename():
    (finding,) = findings("import keras\nv = model.optimizer.lr\nw = self.lr\n")
    assert finding.fix.applicability == "unsafe"
    assert finding.message.startswith("model.optimizer.lr -> .learning_rate")


def test_clipnorm_is_global_clipnorm_in_a_keras1_file_only():
    keras1 = "from keras.optimizers import SGD\ns = SGD(clipnorm=1.0)\nm.fit(x, y, nb_epoch=1)\n"
    fixed, remaining = harness.fix_bytes(keras1.encode(), [])
    assert b"s = SGD(global_clipnorm=1.0)\n" in fixed and not remaining
    assert not findings("from keras.optimizers import SGD\ns = SGD(clipnorm=1.0)\n")


def test_clipnorm_with_clipvalue_is_reported_and_left_alone():
    source = "from keras.optimizers import SGD\ns = SGD(clipnorm=1.0, clipvalue=0.5)\nm.fit(x, y, nb_epoch=1)\n"
    (report,) = findings(source)
    assert report.fix is None and report.message.startswith("SGD(clipnorm=, clipvalue=): Keras 3 accepts only one")
    assert harness.fix_bytes(source.encode(), ["--unsafe-fixes"])[0].startswith(b"from keras.optimizers import SGD\n"
                                                                                b"s = SGD(clipnorm=1.0, clipvalue=0.5)\n")


_CLIP_STEP = """
import json, sys
import numpy as np
{imports}
x, y, kernel, bias = (np.array(a, dtype='float32') for a in json.loads(sys.argv[1]))
steps = {{}}
for name, arguments in json.loads(sys.argv[2]).items():
    model = {model}
    model.compile(optimizer=SGD({lr}=1.0, **arguments), loss='mse')
    model.set_weights([kernel, bias])
    model.train_on_batch(x, y)
    steps[name] = [(w - v).tolist() for w, v in zip(model.get_weights(), [kernel, bias])]
print(json.dumps(steps))
"""


def _clip_steps(python, program, clips, env=None):
    rng = np.random.default_rng(1)
    data = [rng.standard_normal((8, 3)) * 5, rng.standard_normal((8, 2)) * 5, rng.standard_normal((3, 2)),
            rng.standard_normal(2)]
    run = subprocess.run([python, "-c", _CLIP_STEP.format(**program), json.dumps([d.tolist() for d in data]),
                          json.dumps(clips)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return {k: [np.array(v) for v in steps] for k, steps in json.loads(run.stdout.strip().splitlines()[-1]).items()}


def test_keras1_clipnorm_is_keras3_global_clipnorm(legacy_env):
    """One SGD step on a two-variable model whose gradients exceed the norm: Keras 1.2.2's clipnorm equals
    Keras 3's global_clipnorm, not Keras 3's clipnorm (per variable)."""
    from kmigrate.verify.legacy_env import legacy_environ, legacy_python

    keras1 = _clip_steps(str(legacy_python(legacy_env)), {
        "imports": "from keras.models import Sequential\nfrom keras.layers import Dense\nfrom keras.optimizers import SGD",
        "model": "Sequential([Dense(2, input_dim=3)])", "lr": "lr"}, {"clipnorm": {"clipnorm": 1.0}},
        legacy_environ(legacy_env))
    keras3 = _clip_steps(sys.executable, {
        "imports": "import keras\nfrom keras.optimizers import SGD",
        "model": "keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])", "lr": "learning_rate"},
        {"global_clipnorm": {"global_clipnorm": 1.0}, "clipnorm": {"clipnorm": 1.0}})
    old = keras1["clipnorm"]
    assert all(np.allclose(a, b, atol=1e-5) for a, b in zip(old, keras3["global_clipnorm"]))
    assert not all(np.allclose(a, b, atol=1e-3) for a, b in zip(old, keras3["clipnorm"]))
