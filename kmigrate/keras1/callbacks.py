"""Keras 1.2.2 callbacks and their Keras 3 spelling (spec §4.0 T12, T13, §4.6).

Read from ``keras/callbacks.py`` of both versions; the stopping and reducing epochs are measured
against Keras 1.2.2 by ``tests/test_km408_callbacks.py``.
"""

CALLBACK_MODULES = ("keras.callbacks",)

#: Callbacks that wait ``patience`` epochs without improvement.  Keras 1 checked ``wait >= patience``
#: before counting the current epoch, so it stopped/reduced one epoch later than Keras 3 (T12):
#: Keras 1 parameters in positional order (the same in Keras 3 up to the renames below), Keras 1's
#: default patience, and when ``patience + 1`` is not exact (None: always exact).
PATIENCE = {
    "EarlyStopping": {
        "params": ("monitor", "min_delta", "patience", "verbose", "mode"),
        "patience": "0",
        "inexact": None,
    },
    "ReduceLROnPlateau": {
        "params": ("monitor", "factor", "patience", "verbose", "mode", "epsilon", "cooldown", "min_lr"),
        "patience": "10",
        # Keras 1 set wait = 0 after a reduction and then counted the epoch (wait = 1); a cooldown of at
        # least one epoch resets wait to 0 in both versions, and with patience 0 both reduce every epoch.
        "inexact": ("cooldown", ("with cooldown=0 Keras 1 counted the reducing epoch itself, so after the first "
                    "reduction it reduced again every `patience` epochs where Keras 3 waits `patience + 1`; "
                    "exact when cooldown >= 1 or patience=0")),
    },
}

#: Argument renames (T13: Keras 3 swallows ``epsilon`` in **kwargs without a warning).
ARGUMENTS = {"ReduceLROnPlateau": {"epsilon": "min_delta"}}

#: Keras 1's default monitor, and how ``mode='auto'`` chose the direction (a monitor name containing
#: these → 'max', else 'min').  Keras 3's 'auto' agrees only for 'loss'/'val_loss'; for other names it
#: asks the compiled metrics and raises when none matches, so Keras 1's choice is written.
DEFAULT_MONITOR = "val_loss"
AUTO_MAX = {"EarlyStopping": ("acc", "fmeasure"), "ReduceLROnPlateau": ("acc",), "ModelCheckpoint": ("acc",)}
#: Callbacks whose Keras 1 'auto' also chose 'max' for a monitor starting with 'fmeasure'.
AUTO_MAX_FMEASURE = frozenset({"EarlyStopping", "ModelCheckpoint"})
KERAS3_AUTO_AGREES = frozenset({"loss", "val_loss"})

#: ModelCheckpoint: Keras 1 parameters in positional order; ``period`` (epochs between saves) has no
#: Keras 3 counterpart (``save_freq=<int>`` counts batches), ``period=1`` is Keras 3's default.
CHECKPOINT = "ModelCheckpoint"
CHECKPOINT_PARAMS = ("filepath", "monitor", "verbose", "save_best_only", "save_weights_only", "mode", "period")
CHECKPOINT_PERIOD = ("period", 1, ("Keras 3 has no epoch count between saves (save_freq=<int> counts batches): "
                                   "save in a callback's on_epoch_end when (epoch + 1) % period == 0"))
#: Keras 3 checks at construction that weights-only checkpoints go to a ``.weights.h5`` file and whole
#: models to a ``.keras`` or ``.h5`` file (ValueError; measured); Keras 1 took any name.
CHECKPOINT_WEIGHTS_SUFFIX = ".weights.h5"
CHECKPOINT_MODEL_SUFFIXES = (".keras", ".h5")
#: ModelCheckpoint's monitor and mode: Keras 3 resolves mode='auto' at the end of every epoch, with or
#: without save_best_only, and raises for a monitor it cannot place (measured), so Keras 1's choice is written.
CHECKPOINT_MODE = ("monitor", "mode")

#: Keras 1 callbacks whose Keras 3 class has the same name, positional order and defaults that matter
#: (read from both sources; ``LearningRateScheduler`` calls ``schedule(epoch)`` when it takes one argument).
UNCHANGED = frozenset({"LearningRateScheduler", "TensorBoard", "CSVLogger", "RemoteMonitor", "LambdaCallback",
                       "History", "Callback", "CallbackList", "ProgbarLogger"})
