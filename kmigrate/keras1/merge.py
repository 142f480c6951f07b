"""The ``merge(...)`` function and the ``Merge`` layer of Keras 1.2.2 (spec §1)."""

#: Modules where Keras 1.x/2.x made ``merge`` and ``Merge`` importable (design.md §3).
MERGE_MODULES = (
    "keras.layers",
    "keras.models",  # re-exports Merge (``from .engine.topology import ... Merge``)
    "keras.layers.core",
    "keras.engine",
    "keras.engine.topology",
    "keras.legacy.layers",
)

MERGE_FUNCTIONS = frozenset(f"{module}.merge" for module in MERGE_MODULES)
MERGE_LAYERS = frozenset(f"{module}.Merge" for module in MERGE_MODULES)

#: ``merge(inputs, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None, output_mask=None,
#: arguments=None, name=None)`` (K1 ``keras/engine/topology.py``).
MERGE_FUNCTION_PARAMS = (
    "inputs", "mode", "concat_axis", "dot_axes", "output_shape", "output_mask", "arguments", "name",
)
#: ``Merge(layers=None, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None, output_mask=None,
#: arguments=None, node_indices=None, tensor_indices=None, name=None)``.
MERGE_LAYER_PARAMS = (
    "layers", "mode", "concat_axis", "dot_axes", "output_shape", "output_mask", "arguments",
    "node_indices", "tensor_indices", "name",
)

DEFAULT_MODE = "sum"

#: Mode → (Keras 3 layer in ``keras.layers``, [(Keras 1 argument, Keras 3 argument, Keras 1 default)]).
#: Arguments a mode ignores are dropped (spec §1.4).
EXACT_MODES = {
    "sum": ("Add", ()),
    "mul": ("Multiply", ()),
    "ave": ("Average", ()),
    "max": ("Maximum", ()),
    "concat": ("Concatenate", (("concat_axis", "axis", None),)),
    "dot": ("Dot", (("dot_axes", "axes", "-1"),)),
}

#: ``mode='cos'``: ``Dot(axes=dot_axes, normalize=True)``; ``axes`` is required in Keras 3.
COS_LAYER = ("Dot", (("dot_axes", "axes", "-1"),))

#: Modes whose Keras 1 mask is the AND of the input masks, where Keras 3 takes the OR (spec §1.6).
MASK_COMBINING_MODES = frozenset({"sum", "mul", "ave", "concat"})

#: Constructs that create masks in a file (``Embedding(mask_zero=True)``, ``Masking``).
MASK_SOURCES = ("mask_zero", "Masking")

#: Every string mode Keras 1.2.2 accepts.
KNOWN_MODES = frozenset(EXACT_MODES) | {"cos"}
