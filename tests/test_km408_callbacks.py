"""KM408: EarlyStopping/ReduceLROnPlateau patience (T12) and mode, epsilon -> min_delta (T13), period."""

import json
import subprocess

import harness
import pytest
from fixture_tests import catalogue

test_fixture, test_after_builds_under_keras3 = catalogue("km408")
# The fixture asserts the stopping epochs (also proven under Keras 1.2.2 by test_fixture_equivalence).


def findings(source: str):
    return [f for f in harness.check_findings(source.encode()) if f.code == "KM408"]


def test_patience_needs_keras1_evidence_but_epsilon_is_always_renamed():
    source = "from keras.callbacks import ReduceLROnPlateau\nr = ReduceLROnPlateau(patience=3, epsilon=0.1)\n"
    (finding,) = findings(source)
    assert finding.message == "ReduceLROnPlateau(...): epsilon= -> min_delta= (Keras 3 ignores epsilon= silently)"
    assert finding.fix.applicability == "safe"


def test_reduce_lr_safety_depends_on_cooldown():
    head = "from keras.callbacks import ReduceLROnPlateau\nmodel.fit(x, y, nb_epoch=3)\n"
    (cold,) = findings(head + "r = ReduceLROnPlateau(patience=3)\n")
    (warm,) = findings(head + "r = ReduceLROnPlateau(patience=3, cooldown=2)\n")
    assert cold.fix.applicability == "unsafe" and "exact when cooldown >= 1 or patience=0" in cold.message
    assert warm.fix.applicability == "safe"


def test_a_monitor_that_is_not_a_literal_makes_auto_mode_unsafe():
    source = "from keras.callbacks import EarlyStopping\nmodel.fit(x, y, nb_epoch=3)\ns = EarlyStopping(monitor=m)\n"
    (finding,) = findings(source)
    assert finding.fix.applicability == "unsafe"
    assert "write mode= yourself" in finding.message


# -- the safety decisions, measured: Keras 1.2.2's callbacks against Keras 3's on the same monitor values --

_SEQUENCE = [1.0, 2.0, 2.0, 2.0, 2.0, 0.5, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
_SCENARIOS = [("EarlyStopping", p, 0) for p in (0, 1, 2, 3)] + \
             [("ReduceLROnPlateau", p, c) for p in (0, 1, 2, 3) for c in (0, 1, 2)]
_PROGRAM = r"""
import json, sys
from keras import backend as K
from keras import callbacks

class Stub(object):
    pass

out = []
for name, patience, cooldown in json.loads(sys.argv[1]):
    model, model.optimizer = Stub(), Stub()
    model.stop_training = False
    model.optimizer.lr = K.variable(1.0)
    if name == 'EarlyStopping':
        cb = callbacks.EarlyStopping(monitor='loss', patience=patience)
    else:
        cb = callbacks.ReduceLROnPlateau(monitor='loss', patience=patience, cooldown=cooldown, factor=0.5)
    cb.set_model(model)
    cb.on_train_begin({})
    trace = []
    for epoch, value in enumerate(json.loads(sys.argv[2])):
        cb.on_epoch_end(epoch, {'loss': value})
        trace.append(True if model.stop_training else float(K.get_value(model.optimizer.lr)))
        if model.stop_training:
            break
    out.append(trace)
print(json.dumps(out))
"""


def _keras3_traces():
    keras = pytest.importorskip("keras")

    class Stub:
        pass

    out = []
    for name, patience, cooldown in _SCENARIOS:
        model, model.optimizer = Stub(), Stub()
        model.stop_training = False
        model.optimizer.learning_rate = 1.0
        if name == "EarlyStopping":
            cb = keras.callbacks.EarlyStopping(monitor="loss", patience=patience + 1)
        else:
            cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=patience + 1, cooldown=cooldown,
                                                   factor=0.5)
        cb.set_model(model)
        cb.on_train_begin({})
        trace = []
        for epoch, value in enumerate(_SEQUENCE):
            cb.on_epoch_end(epoch, {"loss": value})
            trace.append(True if model.stop_training else float(model.optimizer.learning_rate))
            if model.stop_training:
                break
        out.append(trace)
    return out


def test_patience_plus_one_is_keras1_exactly_where_the_fix_is_safe(legacy_env):
    from kmigrate.verify.legacy_env import legacy_environ, legacy_python

    run = subprocess.run([str(legacy_python(legacy_env)), "-c", _PROGRAM, json.dumps(_SCENARIOS), json.dumps(_SEQUENCE)],
                         env=legacy_environ(legacy_env), capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    keras1 = json.loads(run.stdout.strip().splitlines()[-1])
    keras3 = _keras3_traces()
    for (name, patience, cooldown), old, new in zip(_SCENARIOS, keras1, keras3):
        if name == "EarlyStopping" or cooldown >= 1 or patience == 0:
            assert old == new, (name, patience, cooldown, old, new)
        else:
            # cooldown=0, patience >= 1: the first reduction agrees, later ones differ (the unsafe case)
            first = next(i for i, lr in enumerate(old) if lr != 1.0)
            assert old[:first + 1] == new[:first + 1], (patience, old, new)
            assert old != new, (patience, old, new)


def test_checkpoint_mode_is_keras1s_in_a_keras1_file_and_file_names_keras3_refuses_are_reported():
    head = "from keras.callbacks import ModelCheckpoint\nmodel.fit(x, y, nb_epoch=3)\n"
    (finding,) = findings(head + "c = ModelCheckpoint('m.h5', monitor='val_acc', save_best_only=True)\n")
    assert finding.fix.applicability == "safe" and "mode='max'" in finding.message
    assert not findings("from keras.callbacks import ModelCheckpoint\nc = ModelCheckpoint('m.keras', monitor='val_acc')\n")
    (report,) = findings(head + "c = ModelCheckpoint('m.hdf5')\n")
    assert report.fix is None and "ending in .keras or .h5" in report.message
