"""Keras 1.2.2 training API and optimizers, and their Keras 3 spelling (spec §4.0 T5–T8, §4.5)."""

#: Model constructors whose Keras 1 keywords ``input``/``output`` Keras 3 calls ``inputs``/``outputs``.
MODEL_CLASSES = frozenset({
    "keras.models.Model", "keras.Model", "keras.engine.Model", "keras.engine.training.Model",
    "keras.engine.topology.Container",
})
MODEL_ARGUMENTS = {"input": "inputs", "output": "outputs"}

#: Classes whose instances have ``fit`` (a receiver assigned from one of them is a Keras model).
SEQUENTIAL_CLASSES = frozenset({"keras.models.Sequential", "keras.Sequential"})
MODEL_FACTORIES = MODEL_CLASSES | SEQUENTIAL_CLASSES

#: Model methods: Keras 1 parameters in positional order, argument renames, Keras 1 defaults that
#: Keras 3 changed (written when the call leaves them out and the receiver is a Keras model).
METHODS = {
    "fit": {
        "params": ("x", "y", "batch_size", "nb_epoch", "verbose", "callbacks", "validation_split",
                   "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch"),
        "renames": {"nb_epoch": "epochs"},
        "defaults": [("nb_epoch", "epochs", "10")],
    },
    # Keras 1 printed nothing; Keras 3's verbose='auto' draws a progress bar (spec §4.5 S).  batch_size:
    # Keras 3's None means 32 for arrays, as Keras 1's 32 (measured).
    "predict": {"params": ("x", "batch_size", "verbose"), "renames": {}, "defaults": [("verbose", "verbose", "0")]},
    # Sequential.predict_proba printed a progress bar (verbose=1): written when it becomes predict, so that a
    # second run does not take the call for Keras 1's quiet predict.
    "predict_proba": {"params": ("x", "batch_size", "verbose"), "renames": {},
                      "defaults": [("verbose", "verbose", "1")]},
}

#: ``Sequential.train_on_batch(x, y, class_weight, sample_weight)`` in Keras 1 (``keras/models.py``); Keras 3
#: (and Keras 1's functional ``Model``) take ``(x, y, sample_weight, class_weight)``: on a Sequential,
#: positionals after ``y`` are written by keyword.
SEQUENTIAL_POSITIONALS = {"train_on_batch": ("x", "y", "class_weight", "sample_weight")}

#: Optimizers: Keras 1 parameters in positional order (``keras/optimizers.py``), Keras 1 defaults that
#: differ from Keras 3's, and why a Keras 3 optimizer's update is not Keras 1's (None when it is exactly;
#: reported beside the rewrite, which writes Keras 1's arguments either way).
OPTIMIZERS = {
    "SGD": {"params": ("lr", "momentum", "decay", "nesterov"), "defaults": {}, "differs": None},
    "Adam": {"params": ("lr", "beta_1", "beta_2", "epsilon", "decay"), "defaults": {"epsilon": "1e-08"},
             "differs": None},
    "Adadelta": {"params": ("lr", "rho", "epsilon", "decay"),
                 "defaults": {"lr": "1.0", "epsilon": "1e-08"}, "differs": None},
    "Adamax": {"params": ("lr", "beta_1", "beta_2", "epsilon", "decay"),
               "defaults": {"lr": "0.002", "epsilon": "1e-08"}, "differs": None},
    "RMSprop": {"params": ("lr", "rho", "epsilon", "decay"), "defaults": {"epsilon": "1e-08"},
                "differs": "Keras 3 divides by sqrt(average + epsilon), Keras 1 by sqrt(average) + epsilon"},
    "Adagrad": {"params": ("lr", "epsilon", "decay"),
                "defaults": {"lr": "0.01", "epsilon": "1e-08", "initial_accumulator_value": "0.0"},
                "differs": "Keras 3 divides by sqrt(accumulator + epsilon), Keras 1 by sqrt(accumulator) + epsilon"},
    "Nadam": {"params": ("lr", "beta_1", "beta_2", "epsilon", "schedule_decay"),
              "defaults": {"lr": "0.002", "epsilon": "1e-08"},
              "differs": "Keras 3's momentum schedule is 0.96 ** t, Keras 1's 0.96 ** (t * schedule_decay) with "
              "schedule_decay=0.004 (Keras 3's momentum warms up 250 times faster)"},
}
OPTIMIZER_MODULES = ("keras.optimizers",)
OPTIMIZER_ARGUMENTS = {"lr": "learning_rate"}
#: Optimizer arguments Keras 3 spells and computes as Keras 1 did (left alone).
OPTIMIZER_ARGUMENTS_KEPT = ("clipvalue",)
#: Keras 1 optimizer arguments whose Keras 3 namesake computes something else → the Keras 3 argument that
#: computes Keras 1's (written in a Keras 1 file), and why.  Keras 1 scaled every gradient by
#: clipnorm / (norm of all the gradients together) (Optimizer.get_gradients); Keras 3's clipnorm clips each
#: variable's gradient by its own norm (measured: the same step as Keras 1 with global_clipnorm).
OPTIMIZER_ARGUMENTS_KERAS1 = {
    "clipnorm": ("global_clipnorm", ("Keras 1 clipped by the norm of all the gradients together, Keras 3's "
                                     "clipnorm clips each variable's gradient by its own norm")),
}
#: Gradient clipping arguments of which Keras 3 accepts one per optimizer (ValueError); Keras 1 took
#: clipnorm and clipvalue together and applied the norm first, then the value.
CLIP_ARGUMENTS = ("clipnorm", "clipvalue", "global_clipnorm")
CLIP_BOTH = ("Keras 3 accepts only one of clipnorm, clipvalue and global_clipnorm (ValueError); Keras 1 scaled the "
             "gradients to their global norm clipnorm (Keras 3's global_clipnorm), then clipped each value to "
             "[-clipvalue, clipvalue]: keep global_clipnorm= or clipvalue= (Keras 1's update only while the other "
             "never clips), or subclass the optimizer and override _clip_gradients to apply both in that order")
#: Keras 1 optimizer arguments Keras 3 has no counterpart for: dropped by an unsafe fix, with why.
OPTIMIZER_ARGUMENTS_DROPPED = {
    "schedule_decay": "Keras 3's Nadam has no schedule_decay: its momentum schedule is 0.96 ** t where Keras 1's "
    "was 0.96 ** (t * schedule_decay)",
}
#: ``decay=d`` (Keras 1: lr / (1 + d * iterations)) is this Keras 3 schedule (spec T7).
DECAY_SCHEDULE = ("keras.optimizers.schedules", "InverseTimeDecay")

#: Keras 1 keyword arguments that Keras 1.2.2 itself popped and ignored (with a deprecation warning),
#: per model method: dropping them is exact (``keras/models.py``).  Keras 3 raises on each.
IGNORED_ARGUMENTS = {
    "fit": ("show_accuracy",),
    "evaluate": ("show_accuracy",),
    "train_on_batch": ("accuracy",),
    "test_on_batch": ("accuracy",),
    "compile": ("class_mode",),
}

#: ``compile(sample_weight_mode=...)``: Keras 3 has no such argument.  ``None`` (Keras 1's default)
#: drops exactly; ``'temporal'`` does not (value → why).
SAMPLE_WEIGHT_MODE = {
    None: None,
    "temporal": ("Keras 3 takes (samples, timesteps) sample weights without it, but averages the weighted "
                 "loss over all timesteps, where Keras 1 divided by the number of non-zero weights (masked "
                 "timesteps weigh differently)"),
}

#: Keras 1 generator methods → the Keras 3 method, Keras 1 parameters in positional order, and how
#: each parameter is written in Keras 3: a keyword name, ``("steps", k3)`` for a sample count that
#: becomes a step count, or ``("drop", why)`` for an argument Keras 3's method does not take.
_WORKERS = ("drop", ("Keras 3 fit/evaluate/predict take no worker arguments: to load in parallel, wrap the "
                     "data in a keras.utils.PyDataset(workers=, use_multiprocessing=, max_queue_size=)"))
#: The last item: Keras 1 behaviour Keras 3 changed, written out (Keras 1's evaluate_generator and
#: predict_generator printed nothing; Keras 3's evaluate/predict default to a progress bar).
GENERATOR_METHODS = {
    "fit_generator": ("fit", ("generator", "samples_per_epoch", "nb_epoch", "verbose", "callbacks",
                              "validation_data", "nb_val_samples", "class_weight", "max_q_size", "nb_worker",
                              "pickle_safe", "initial_epoch"), ()),
    "evaluate_generator": ("evaluate", ("generator", "val_samples", "max_q_size", "nb_worker", "pickle_safe"),
                           (("verbose", "0"),)),
    "predict_generator": ("predict", ("generator", "val_samples", "max_q_size", "nb_worker", "pickle_safe"),
                          (("verbose", "0"),)),
}
GENERATOR_ARGUMENTS = {
    "generator": "x",
    "samples_per_epoch": ("steps", "steps_per_epoch"),
    "nb_val_samples": ("steps", "validation_steps"),
    "val_samples": ("steps", "steps"),
    "nb_epoch": "epochs",
    "max_q_size": _WORKERS,
    "nb_worker": _WORKERS,
    "pickle_safe": _WORKERS,
    "nb_val_worker": _WORKERS,
    "show_accuracy": ("drop", "Keras 1 ignored it"),
}
#: Where a generator's batch size shows: calls with this keyword (``datagen.flow(x, y, batch_size=32)``).
BATCH_SIZE_KEYWORD = "batch_size"
#: Keras 1 ``ImageDataGenerator`` iterators and their default batch size (``keras/preprocessing/image.py``).
DEFAULT_BATCH_SIZES = {"flow": 32, "flow_from_directory": 32}
IMAGE_DATA_GENERATOR = frozenset({"keras.preprocessing.image.ImageDataGenerator"})

#: Optimizer names ``compile`` accepts as strings (Keras 1 ``optimizers.get``: the lower-case aliases
#: and the class names) → the class; Keras 3 instantiates them with its own defaults (spec §4.5 D).
OPTIMIZER_STRINGS = {
    **{name.lower(): name for name in ("SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam")},
    **{name: name for name in ("SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam")},
}

#: Keras 1 ``Sequential`` methods Keras 3 removed → what to write (spec §4.5 X).
REMOVED_METHODS = {
    "predict_classes": "np.argmax(model.predict(x), axis=-1) when the last layer has more than one unit, "
    "else (model.predict(x) > 0.5).astype('int32') (Keras 1's Sequential.predict_classes)",
}
#: Keras 1 training-side classes Keras 3 removed → what to write (spec §4.5 X).
REMOVED_NAMES = {
    "keras.optimizers.TFOptimizer": "not in Keras 3: use a Keras 3 optimizer (keras.optimizers.SGD, Adam, ...) "
    "with the same hyperparameters instead of wrapping a tf.train optimizer",
}
#: Renamed methods, exact on a Keras model (Keras 1 predict_proba returned predict's output).
RENAMED_METHODS = {"predict_proba": "predict"}

#: ``model.optimizer.lr`` (the optimizer's learning-rate variable) is ``.learning_rate`` in Keras 3.
OPTIMIZER_ATTRIBUTES = {"lr": "learning_rate"}
