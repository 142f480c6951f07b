"""KM505: metric strings whose Keras 3 meaning differs (T23), reported."""

import json
import subprocess

import harness
from fixture_tests import catalogue

from kmigrate.keras1 import losses

# history_keys builds and fits under Keras 3, reading Keras 1's key names: it fails without the rewrite.
test_fixture, test_after_builds_under_keras3 = catalogue("km505")


def findings(path: str):
    return [f for f in harness.check_findings((harness.FIXTURES / "km505" / path).read_bytes()) if f.code == "KM505"]


def test_keras1_metrics_are_reported_with_the_replacement():
    found = findings("metrics.before.py")
    assert [f.message.split(":")[0] for f in found] == [
        "metric 'fmeasure'", "metric 'precision'", "metric 'recall'", "metric 'cosine_proximity'"]
    assert all(f.fix is None for f in found)


def test_precision_in_keras3_code_is_keras3s():
    assert not findings("keras3_metrics.clean.py")


def test_hinge_metrics_are_reported_in_a_keras1_file_only():
    source = "import keras\nm.compile('sgd', 'mse', metrics=['hinge', 'squared_hinge'])\n"
    found = [f for f in harness.check_findings((source + "m.fit(x, y, nb_epoch=1)\n").encode()) if f.code == "KM505"]
    assert [f.message.split(":")[0] for f in found] == ["metric 'hinge'", "metric 'squared_hinge'"]
    assert not [f for f in harness.check_findings(source.encode()) if f.code == "KM505"]


def test_metric_read_under_keras1s_name_is_a_safe_rename_unless_keras3s_is_read_too():
    source = "import keras\nm.compile('sgd', 'mse', metrics=[\"accuracy\"])\nprint(h.history['{}'])\n"
    fixed, remaining = harness.fix_bytes(source.format("out_acc").encode(), [])
    assert b'metrics=["acc"]' in fixed and not remaining
    (report,) = [f for f in harness.check_findings(
        (source.format("val_acc") + "print(h.history['val_accuracy'])\n").encode()) if f.code == "KM505"]
    assert report.fix is None and "'val_acc' and 'val_accuracy'" in report.message


def test_metrics_in_a_variable_are_reported_when_keras1s_name_is_read():
    (report,) = findings("history_keys_unknown.clean.py")
    assert report.fix is None and report.message.endswith("write 'acc' in metrics")
    assert not findings("history_keys_not_read.clean.py") and not findings("history_keys_acc.clean.py")


_LOGGED = """
import json, sys
import numpy as np
{imports}
x, y = np.random.RandomState(0).rand(16, 4), np.random.RandomState(1).rand(16, 1).round()
found = {{}}
for metric in json.loads(sys.argv[1]):
    {model}
    model.compile(optimizer='sgd', loss='binary_crossentropy', metrics=[metric])
    history = model.fit(x, y, {epochs}=1, batch_size=16, validation_split=0.25, verbose=0)
    found[metric] = {{k: float(v[0]) for k, v in history.history.items()}}
print(json.dumps(found))
"""
_K1 = {"imports": "from keras.models import Sequential\nfrom keras.layers import Dense", "epochs": "nb_epoch",
       "model": "np.random.seed(0); model = Sequential([Dense(1, input_dim=4, activation='sigmoid')])"}
_K3 = {"imports": "import keras", "epochs": "epochs",
       "model": ("keras.utils.set_random_seed(0); model = keras.Sequential([keras.Input((4,)), "
                 "keras.layers.Dense(1, activation='sigmoid')])")}


def _logged_keys(python: str, program: dict, metrics: list[str], env=None) -> dict:
    run = subprocess.run([python, "-c", _LOGGED.format(**program), json.dumps(metrics)], env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_metric_logged_as_is_keras1s_key_and_keras3_logs_the_string(legacy_env):
    """Keras 1.2.2 logs each metric string under METRIC_LOGGED_AS[string]; Keras 3 under the string, and
    takes that name as the same metric (same values), which is what the rewrite relies on."""
    import sys

    from kmigrate.verify.legacy_env import legacy_environ, legacy_python

    keras1 = _logged_keys(str(legacy_python(legacy_env)), _K1, list(losses.METRIC_LOGGED_AS), legacy_environ(legacy_env))
    for metric, name in losses.METRIC_LOGGED_AS.items():
        assert sorted(keras1[metric]) == sorted(["loss", "val_loss", name, "val_" + name]), metric
    renamed = {m: k1 for m, k1 in losses.METRIC_LOGGED_AS.items() if m != k1}
    keras3 = _logged_keys(sys.executable, _K3, [*renamed, *set(renamed.values())])
    for metric, name in renamed.items():
        assert sorted(keras3[metric]) == sorted(["loss", "val_loss", metric, "val_" + metric]), metric
        assert keras3[name][name] == keras3[metric][metric] and keras3[name]["val_" + name] == keras3[metric]["val_" + metric]
