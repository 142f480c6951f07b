"""Keras 1.2.2 loss and metric strings in ``compile`` and their Keras 3 spelling (spec §4.5, T22, T23)."""

#: Loss strings Keras 3 accepts as Keras 1 did, for the same function (left alone).  Not 'hinge' and
#: 'squared_hinge': Keras 3 turns all-0/1 labels into -1/1 first, Keras 1 used them as given (read from
#: keras/src/losses/losses.py): the same only for -1/1 labels.
KERAS3_SAME_LOSSES = frozenset({"mse", "mae", "mape", "msle", "kld", "poisson", "categorical_crossentropy",
                                "binary_crossentropy", "sparse_categorical_crossentropy", "mean_squared_error",
                                "mean_absolute_error", "mean_absolute_percentage_error",
                                "mean_squared_logarithmic_error"})
#: Loss strings Keras 3 spells differently, same function (kind R).
LOSS_STRINGS = {"kullback_leibler_divergence": "kl_divergence"}

#: Keras 1's cosine loss: -mean(l2_normalize(y_true) * l2_normalize(y_pred), axis=-1).  Keras 3's
#: ``cosine_similarity`` sums over the last axis, so Keras 1's value is Keras 3's divided by its size (T22).
COSINE_LOSSES = frozenset({"cosine_proximity", "cosine"})
COSINE_TARGET = ("keras.losses", "cosine_similarity")
COSINE_LAMBDA = "lambda y_true, y_pred: {fn}(y_true, y_pred) / y_pred.shape[-1]"
COSINE_INEXACT = ("a lambda loss is not serialised by model.save like a string (load_model needs it in "
                  "custom_objects and safe_mode=False); the value is Keras 1's mean, Keras 3's sum divided by "
                  "the last axis size (T22)")

#: Hinge losses: Keras 3 turns y_true into 2 * y_true - 1 when every label of the batch is 0 or 1
#: (``convert_binary_labels_to_hinge``); Keras 1 used the labels as given (measured: 0/1 labels give
#: another loss, -1/1 labels the same).  Reported in a Keras 1 file with Keras 1's loss (``{ops}`` is
#: keras.ops in the file's spelling).
LABEL_CONVERTING_LOSSES = {
    "hinge": "lambda y_true, y_pred: {ops}.mean({ops}.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)",
    "squared_hinge": "lambda y_true, y_pred: {ops}.mean({ops}.square({ops}.maximum(1.0 - y_true * y_pred, 0.0)), "
                     "axis=-1)",
}
LABEL_CONVERSION = ("Keras 3 turns labels that are all 0 or 1 in a batch into -1/1 before the hinge, Keras 1 used "
                    "them as given (a 0 label added a constant 1 whatever the prediction); labels already in {-1, 1} "
                    "are unaffected")

#: Metric strings without an exact Keras 3 meaning → what to write (T23).  ``keras1_only``: names that
#: are valid Keras 3 metrics too, so they are reported only in a file that shows Keras 1 code.
METRIC_STRINGS = {
    "fmeasure": "keras.metrics.F1Score() (stateful, over the epoch; Keras 1 averaged a batch-wise F1 of rounded "
    "predictions)",
    "fscore": "keras.metrics.F1Score() (stateful, over the epoch)",
    "f1score": "keras.metrics.F1Score() (stateful, over the epoch)",
    "fbeta_score": "keras.metrics.FBetaScore(beta=...) (stateful, over the epoch)",
    "precision": "Keras 3 accepts it but computes Precision over the whole epoch; Keras 1 averaged batch-wise "
    "precision of rounded predictions: write a batch-wise function metric to keep Keras 1's numbers",
    "recall": "Keras 3 accepts it but computes Recall over the whole epoch; Keras 1 averaged batch-wise recall of "
    "rounded predictions: write a batch-wise function metric to keep Keras 1's numbers",
    "cosine_proximity": "keras.metrics.CosineSimilarity() (its sign is flipped: +cos where Keras 1 reported -mean)",
    "hinge": f"{LABEL_CONVERSION}: with 0/1 labels write Keras 1's hinge as a function metric "
    f"({LABEL_CONVERTING_LOSSES['hinge'].format(ops='keras.ops')})",
    "squared_hinge": f"{LABEL_CONVERSION}: with 0/1 labels write Keras 1's squared hinge as a function metric "
    f"({LABEL_CONVERTING_LOSSES['squared_hinge'].format(ops='keras.ops')})",
}
METRICS_KERAS3_VALID = frozenset({"precision", "recall", "hinge", "squared_hinge"})

#: Metric strings and the name Keras 1 logged them under (history keys, callback monitors, ``val_`` + it,
#: ``<output>_`` + it): 'acc' for either accuracy string, the function's ``__name__`` for the others
#: (keras/engine/training.py).  Keras 3 logs a metric under the string given (measured: 'acc' → 'acc',
#: 'accuracy' → 'accuracy', 'mse' → 'mse'), and takes each name on the right as the same metric.
METRIC_LOGGED_AS = {"acc": "acc", "accuracy": "acc", "mse": "mean_squared_error", "mae": "mean_absolute_error",
                    "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error"}
