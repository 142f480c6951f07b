"""The Keras 3 side of the comparison: build the new model, set the converted Keras 1 weights.

Keras (and so TensorFlow) is imported only inside the functions of this module, never at
import time of ``kmigrate.verify``.  Layouts and conversions: keras1-to-keras3.md §6.
"""
from __future__ import annotations

import linecache
import os
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "NewModel",
    "WeightsMismatch",
    "build_new_model",
    "convert_layer_weights",
    "predict_new",
    "transfer_weights",
]


class WeightsMismatch(Exception):
    """The two models' weights do not correspond (a verdict, not a crash)."""


@dataclass
class NewModel:
    model: Any
    layers: list[dict]  # creation order: {"layer", "class", "name", "explicit_name", "index"}
    inputs: list[dict] = field(default_factory=list)  # {"name", "shape", "dtype"}
    outputs: list[dict] = field(default_factory=list)  # {"name", "shape"}


def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


# --------------------------------------------------------------------------- building


def _resolve_model(keras, module, func):
    if func not in module.__dict__:
        raise LookupError(f"{func!r} is not defined at module level of the file")
    obj = module.__dict__[func]
    if isinstance(obj, keras.Model):
        return obj
    if not callable(obj):
        raise TypeError(f"{func!r} is neither a function nor a model (it is a {type(obj).__name__})")
    result = obj()
    if isinstance(result, (tuple, list)):
        models = [r for r in result if isinstance(r, keras.Model)]
        if not models:
            raise TypeError(f"{func}() returned a {type(result).__name__} without a model")
        result = models[0]
    if not isinstance(result, keras.Model):
        raise TypeError(f"{func}() returned {type(result).__name__}, not a Keras model")
    return result


def _leaf_layers(keras, model, seen=None) -> list:
    seen = set() if seen is None else seen
    out = []
    for layer in model.layers:
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, keras.Model):
            out.extend(_leaf_layers(keras, layer, seen))
        else:
            out.append(layer)
    return out


def _shape(tensor) -> list | None:
    shape = getattr(tensor, "shape", None)
    if shape is None:
        return None
    return [None if d is None else int(d) for d in shape]


def build_new_model(source: str, filename: str, func: str) -> NewModel:
    """Execute ``source`` as a module (``__name__`` not ``'__main__'``) and build FUNC under Keras 3."""
    keras = _keras()
    from keras.src.layers.layer import Layer

    created: list = []
    original_new = Layer.__dict__["__new__"]
    original_fn = original_new.__func__ if isinstance(original_new, staticmethod) else original_new

    def recording_new(cls, *args, **kwargs):
        obj = original_fn(cls, *args, **kwargs)
        if not any(o is obj for o, _ in created):
            created.append((obj, kwargs.get("name") is not None))
        return obj

    module = types.ModuleType("kmigrate_verify_new")
    module.__file__ = filename
    folder = os.path.dirname(os.path.abspath(filename)) if filename else ""
    added = bool(folder) and os.path.isdir(folder) and folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    previous = sys.modules.get(module.__name__)
    sys.modules[module.__name__] = module
    keras.backend.clear_session()  # fresh auto-names, memory of earlier verifications freed
    keras.utils.set_random_seed(0)
    saved = (keras.config.image_data_format(), keras.config.floatx(), keras.config.epsilon())
    Layer.__new__ = staticmethod(recording_new)
    try:
        name = filename or "<kmigrate-new>"
        # inspect.getsource must find the source (Keras 3 serializes lambdas when it clones a layer,
        # e.g. in Bidirectional): the text verified, not the file on disk, which may be the old one.
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        code = compile(source, name, "exec")
        exec(code, module.__dict__)  # noqa: S102
        model = _resolve_model(keras, module, func)
    finally:
        Layer.__new__ = original_new
        # the file may change global settings: keep them out of kmigrate's process
        keras.config.set_image_data_format(saved[0])
        keras.config.set_floatx(saved[1])
        keras.config.set_epsilon(saved[2])
        if added:
            sys.path.remove(folder)
        if previous is not None:
            sys.modules[module.__name__] = previous
        else:
            sys.modules.pop(module.__name__, None)
    order = {id(obj): (i, explicit) for i, (obj, explicit) in enumerate(created)}
    leaves = _leaf_layers(keras, model)
    leaves.sort(key=lambda l: order.get(id(l), (len(order), False))[0])
    layers = [
        {
            "layer": layer,
            "class": type(layer).__name__,
            "name": layer.name,
            "explicit_name": order.get(id(layer), (0, False))[1],
            "index": i,
        }
        for i, layer in enumerate(leaves)
    ]
    inputs = []
    try:
        model_inputs = list(model.inputs or [])
    except (AttributeError, ValueError):
        model_inputs = []
    for tensor in model_inputs:
        inputs.append(
            {
                "name": getattr(tensor, "name", "?"),
                "shape": _shape(tensor),
                "dtype": str(getattr(tensor, "dtype", "float32")),
            }
        )
    outputs = []
    try:
        model_outputs = list(model.outputs or [])
    except (AttributeError, ValueError):
        model_outputs = []
    for tensor in model_outputs:
        outputs.append({"name": getattr(tensor, "name", "?"), "shape": _shape(tensor)})
    return NewModel(model=model, layers=layers, inputs=inputs, outputs=outputs)


# --------------------------------------------------------------------------- weights

# Keras 1 class name -> Keras 3 class name (the "kind" used to match layers).
K1_TO_K3_CLASS = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Conv1D": "Conv1D",
    "Conv2D": "Conv2D",
    "AtrousConvolution2D": "Conv2D",
    "AtrousConv2D": "Conv2D",
    "AtrousConvolution1D": "Conv1D",
    "Deconvolution2D": "Conv2DTranspose",
    "SeparableConvolution2D": "SeparableConv2D",
}


def k3_kind(k1_class: str) -> str:
    return K1_TO_K3_CLASS.get(k1_class, k1_class)


def _dim_ordering(config: dict) -> str:
    order = (config or {}).get("dim_ordering", "default")
    return order if order in ("th", "tf") else "tf"


def _lstm(ws: Sequence[np.ndarray]) -> list[np.ndarray]:
    if len(ws) == 3:  # consume_less='gpu': W, U, b already fused in Keras 3's gate order (i, f, c, o)
        return list(ws)
    if len(ws) != 12:
        raise WeightsMismatch(f"LSTM: expected 12 Keras 1 arrays (3 with consume_less='gpu'), got {len(ws)}")
    W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o = ws
    return [
        np.concatenate([W_i, W_f, W_c, W_o], axis=-1),
        np.concatenate([U_i, U_f, U_c, U_o], axis=-1),
        np.concatenate([b_i, b_f, b_c, b_o], axis=-1),
    ]


def _gru(ws: Sequence[np.ndarray]) -> list[np.ndarray]:
    if len(ws) == 3:  # consume_less='gpu': W, U, b already fused in Keras 3's gate order (z, r, h)
        return list(ws)
    if len(ws) != 9:
        raise WeightsMismatch(f"GRU: expected 9 Keras 1 arrays (3 with consume_less='gpu'), got {len(ws)}")
    W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h = ws
    return [
        np.concatenate([W_z, W_r, W_h], axis=-1),
        np.concatenate([U_z, U_r, U_h], axis=-1),
        np.concatenate([b_z, b_r, b_h], axis=-1),
    ]


def _conv2d(ws: Sequence[np.ndarray], config: dict) -> list[np.ndarray]:
    W, rest = ws[0], list(ws[1:])
    if W.ndim != 4:
        raise WeightsMismatch(f"Convolution2D: kernel of rank {W.ndim}, expected 4")
    if _dim_ordering(config) == "th":  # (out, in, rows, cols) -> (rows, cols, in, out)
        W = W.transpose(2, 3, 1, 0)
    # The Theano backend computes a true convolution: flip the kernel for K3's cross-correlation.
    return [np.ascontiguousarray(W[::-1, ::-1])] + rest


def _conv3d(ws: Sequence[np.ndarray], config: dict) -> list[np.ndarray]:
    W, rest = ws[0], list(ws[1:])
    if W.ndim != 5:
        raise WeightsMismatch(f"Convolution3D: kernel of rank {W.ndim}, expected 5")
    if _dim_ordering(config) == "th":  # (out, in, d1, d2, d3) -> (d1, d2, d3, in, out)
        W = W.transpose(2, 3, 4, 1, 0)
    # Theano's conv3d flips the kernel too (filter_flip=True).
    return [np.ascontiguousarray(W[::-1, ::-1, ::-1])] + rest


def _deconv2d(ws: Sequence[np.ndarray], config: dict) -> list[np.ndarray]:
    W, rest = ws[0], list(ws[1:])
    if W.ndim != 4:
        raise WeightsMismatch(f"Deconvolution2D: kernel of rank {W.ndim}, expected 4")
    # K1 keeps Convolution2D's layout (th (filters, in, rows, cols), tf (rows, cols, in, filters));
    # Conv2DTranspose wants (rows, cols, filters, in).  Theano's gradInputs op flips the kernel.
    W = W.transpose(2, 3, 0, 1) if _dim_ordering(config) == "th" else W.transpose(0, 1, 3, 2)
    return [np.ascontiguousarray(W[::-1, ::-1])] + rest


def _conv1d(ws: Sequence[np.ndarray], config: dict) -> list[np.ndarray]:
    W, rest = ws[0], list(ws[1:])
    if W.ndim == 4:  # K1: (filter_length, 1, input_dim, nb_filter), run as a 'tf' conv2d
        W = W[:, 0, :, :]
    if W.ndim != 3:
        raise WeightsMismatch(f"Convolution1D: kernel of rank {W.ndim}, expected 3 or 4")
    return [np.ascontiguousarray(W[::-1])] + rest


def convert_layer_weights(k1_class: str, weights: Sequence[np.ndarray], config: dict | None = None,
                          inner: dict | None = None) -> list[np.ndarray]:
    """Keras 1 weight arrays of one layer -> the Keras 3 layer's ``set_weights`` list (spec §6)."""
    config = config or {}
    weights = [np.asarray(w) for w in weights]
    if k1_class == "LSTM":
        return _lstm(weights)
    if k1_class == "GRU":
        return _gru(weights)
    if k3_kind(k1_class) == "Conv2D":
        return _conv2d(weights, config)
    if k3_kind(k1_class) == "Conv1D":
        return _conv1d(weights, config)
    if k3_kind(k1_class) == "Conv3D":
        return _conv3d(weights, config)
    if k3_kind(k1_class) == "Conv2DTranspose":
        return _deconv2d(weights, config)
    if k1_class == "TimeDistributed" and inner:
        return convert_layer_weights(inner["class"], weights, inner.get("config"))
    if k1_class == "Bidirectional" and inner:
        n = int(inner.get("n_forward", len(weights) // 2))
        fwd = convert_layer_weights(inner["class"], weights[:n], inner.get("config"))
        bwd = convert_layer_weights(inner["class"], weights[n:], inner.get("config"))
        return fwd + bwd
    # Dense, Embedding, BatchNormalization (running_std holds the variance), SimpleRNN, ...: as is
    return list(weights)


def _describe(side: str, cls: str, name: str, shapes: Sequence) -> str:
    return f"{side} {cls} {name!r} [{', '.join(str(tuple(s)) for s in shapes)}]"


def _weighted_k3(layers: list[dict]) -> list[dict]:
    return [entry for entry in layers if len(entry["layer"].weights) > 0]


def _kind_k3(entry: dict) -> str:
    return entry["class"]


def match_layers(k1_layers: list[dict], k3_layers: list[dict]) -> list:
    """Pairs (k1 entry, k3 entry): by explicit name on both sides, else by creation order per class."""
    k1_weighted = [e for e in k1_layers if e.get("weights")]
    k3_weighted = _weighted_k3(k3_layers)
    pairs = []
    k3_named = {e["name"]: e for e in k3_weighted if e["explicit_name"]}
    used_k1, used_k3 = set(), set()
    for e1 in k1_weighted:
        if e1.get("explicit_name") and e1["name"] in k3_named:
            e3 = k3_named[e1["name"]]
            if k3_kind(e1["class"]) != _kind_k3(e3):
                raise WeightsMismatch(
                    f"layer {e1['name']!r} is a {e1['class']} in Keras 1 but a {e3['class']} in Keras 3"
                )
            pairs.append((e1, e3))
            used_k1.add(id(e1))
            used_k3.add(id(e3))
    rest1: dict[str, list] = {}
    rest3: dict[str, list] = {}
    for e1 in k1_weighted:
        if id(e1) not in used_k1:
            rest1.setdefault(k3_kind(e1["class"]), []).append(e1)
    for e3 in k3_weighted:
        if id(e3) not in used_k3:
            rest3.setdefault(_kind_k3(e3), []).append(e3)
    problems = []
    for kind in sorted(set(rest1) | set(rest3)):
        a, b = rest1.get(kind, []), rest3.get(kind, [])
        if len(a) != len(b):
            names1 = ", ".join(e["name"] for e in a) or "none"
            names3 = ", ".join(e["name"] for e in b) or "none"
            problems.append(
                f"{len(a)} {kind} layer(s) with weights in Keras 1 ({names1}) but {len(b)} in Keras 3 ({names3})"
            )
            continue
        pairs.extend(zip(a, b))
    if problems:
        raise WeightsMismatch("; ".join(problems))
    return pairs


def transfer_weights(k1_layers: list[dict], new: NewModel) -> list[str]:
    """Set the converted Keras 1 weights on the Keras 3 model; returns one note per matched pair.

    ``k1_layers`` entries carry decoded numpy arrays in ``"weights"``.  Raises WeightsMismatch.
    """
    notes = []
    pairs = match_layers(k1_layers, new.layers)
    planned = []
    for e1, e3 in pairs:
        layer = e3["layer"]
        k1_shapes = [np.shape(w) for w in e1["weights"]]
        target = [tuple(int(d) for d in w.shape) for w in layer.weights]
        try:
            converted = convert_layer_weights(e1["class"], e1["weights"], e1.get("config"), e1.get("inner"))
        except WeightsMismatch as exc:
            raise WeightsMismatch(f"{exc} ({_describe('Keras 1', e1['class'], e1['name'], k1_shapes)})") from None
        got = [tuple(np.shape(w)) for w in converted]
        if got != target:
            hint = ""
            if e1["class"] == "GRU" and len(target) == 3 and len(target[2]) == 2:
                hint = " (a Keras 1 GRU is a Keras 3 GRU with reset_after=False)"
            raise WeightsMismatch(
                f"{_describe('Keras 1', e1['class'], e1['name'], k1_shapes)} converts to "
                f"[{', '.join(str(s) for s in got)}] but {_describe('Keras 3', e3['class'], e3['name'], target)}{hint}"
            )
        planned.append((layer, converted))
        notes.append(f"{e1['class']} {e1['name']!r} -> {e3['class']} {e3['name']!r}")
    for layer, converted in planned:
        layer.set_weights(converted)
    return notes


# --------------------------------------------------------------------------- running


def predict_new(new: NewModel, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    keras = _keras()
    arrays = list(inputs)
    x: Any = arrays[0] if len(arrays) == 1 else arrays
    out = new.model(x, training=False)
    if isinstance(out, dict):
        out = list(out.values())
    if not isinstance(out, (list, tuple)):
        out = [out]
    return [np.asarray(keras.ops.convert_to_numpy(o)) for o in out]
