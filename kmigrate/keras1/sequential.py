"""Keras 1.2.2 models and how the first layer of a ``Sequential`` declares its input (spec §2.1, §2.2).

Read from ``keras/engine/topology.py`` (``Layer.__init__``: ``batch_input_shape`` wins over
``input_shape``; ``input_dtype`` defaults to floatx) and from the layers that turn ``input_dim`` /
``input_length`` into ``input_shape`` in their constructors.
"""

SEQUENTIAL_CLASSES = frozenset({"keras.models.Sequential"})

#: ``Model(input, output, name=None)`` (K1 ``keras/engine/training.py``), also ``Container``.
MODEL_CLASSES = frozenset({
    "keras.models.Model",
    "keras.engine.Model",
    "keras.engine.training.Model",
    "keras.engine.topology.Container",
})
#: K1 ``Model``'s parameters, and the Keras 2/3 spellings of the first two.
MODEL_PARAMS = ("input", "output", "name")
MODEL_KEYWORDS_K3 = {"inputs": "input", "outputs": "output"}

INPUT_FUNCTIONS = frozenset({"keras.layers.Input", "keras.engine.Input", "keras.engine.topology.Input"})

#: Layers whose ``input_dim=d`` declares the input shape ``(d,)``.
INPUT_DIM_LAYERS = frozenset({"Dense", "MaxoutDense", "Highway"})
#: Layers whose ``input_dim=d, input_length=t`` declare ``(t, d)`` (``t`` None when absent).
INPUT_DIM_LENGTH_LAYERS = frozenset({
    "TimeDistributedDense", "SimpleRNN", "GRU", "LSTM", "Convolution1D", "AtrousConvolution1D",
    "LocallyConnected1D",
})
#: ``Embedding`` always declares ``(input_length,)`` with dtype int32, whatever else is passed
#: (only ``batch_input_shape`` still wins); ``input_length`` is its 4th parameter.
EMBEDDING = "Embedding"
EMBEDDING_PARAMS = ("input_dim", "output_dim", "init", "input_length")
EMBEDDING_DTYPE = "int32"

#: ``Sequential(layers=None, name=None)``.
SEQUENTIAL_PARAMS = ("layers", "name")

#: Methods of a K1 ``Sequential`` that a K3 functional ``Model`` does not have.
SEQUENTIAL_ONLY_METHODS = frozenset({"add", "pop"})
