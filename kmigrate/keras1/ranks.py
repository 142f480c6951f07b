"""Rank data for the evidence of design.md §3: which Keras 1 layers fix the rank of their output,
and which keep the rank of their input.  Ranks count the batch axis (``Input(shape=(d,))`` is 2)."""

#: Layers whose output rank does not depend on their input.
OUTPUT_RANK = {
    "Flatten": 2,
    "GlobalMaxPooling1D": 2,
    "GlobalAveragePooling1D": 2,
    "GlobalMaxPooling2D": 2,
    "GlobalAveragePooling2D": 2,
    "GlobalMaxPooling3D": 2,
    "GlobalAveragePooling3D": 2,
    "Embedding": 3,
}

#: Layers whose output has the rank of their input (Keras 1.2.2: ``Dense`` takes ``ndim='2+'``).
RANK_PRESERVING = frozenset({
    "Dense", "Activation", "Dropout", "BatchNormalization", "GaussianNoise", "GaussianDropout",
    "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "SReLU", "ActivityRegularization", "Masking",
})

#: Layers that absorb the extra singleton axis of Keras 1's ``cos`` output when applied right after it.
ABSORBING = frozenset({"Flatten"})
#: ``Reshape(target)`` absorbs it when the target is one of these literal shapes.
ABSORBING_RESHAPES = frozenset({(1,)})

#: Recurrent layers: rank 2 unless ``return_sequences=True`` (then 3).
RECURRENT = frozenset({"LSTM", "GRU", "SimpleRNN"})
