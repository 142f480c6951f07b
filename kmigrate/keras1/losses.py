"""Keras 1.2.2 loss and metric strings in ``compile`` and their Keras 3 spelling (spec §4.5, T22, T23)."""

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
}
METRICS_KERAS3_VALID = frozenset({"precision", "recall"})
