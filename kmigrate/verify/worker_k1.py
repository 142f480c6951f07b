"""Keras 1.2.2 worker: runs in the legacy runtime's Python, executed by path.

It must not import kmigrate (it runs standalone on CPython 3.10/3.11 + Keras 1.2.2 + Theano).

Protocol: one JSON object per line on stdin, one JSON object per line on the original stdout
(everything the model code prints goes to stderr).  Arrays travel as ``{"__npy__": base64}``
of ``numpy.save`` bytes.

Requests (every one may carry an ``id`` that is echoed back):

* ``{"op": "ping"}`` -> ``{"ok": true, "versions": {...}}``
* ``{"op": "build", "source": str, "filename": str, "func": str}``
  executes the source as a module whose ``__name__`` is not ``'__main__'`` and takes ``func``
  from it: a function called without arguments, or a module-level model object.  Answers
  ``{"ok": true, "model_id": int, "inputs": [...], "outputs": [...], "layers": [...]}``:
  inputs ``{"name", "shape", "dtype", "input_dim"}`` (``input_dim`` when the input feeds an
  Embedding), outputs ``{"name", "shape"}`` (declared shapes), layers in creation order
  ``{"class", "name", "explicit_name", "index", "config", "weights": [arrays], "inner"}``.
* ``{"op": "predict", "model_id": int, "inputs": [arrays]}`` -> ``{"ok": true, "outputs": [arrays]}``
  (real tensor shapes, not the declared ones).
* ``{"op": "quit"}``

Errors: ``{"ok": false, "error": "one line", "traceback": str}``.
"""
import base64
import io
import json
import linecache
import os
import sys
import traceback
import types

# The protocol channel is a private copy of stdout; fd 1 then goes to stderr so that prints of
# the model code (and of Theano) cannot corrupt it.
_PROTO = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)
sys.stdout = sys.stderr

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "theano")
import keras
from keras import backend as K
from keras.engine import topology

_MODELS = {}
_NEXT_ID = [0]
_CREATED = []  # [(layer, explicit_name)] in creation order, reset per build
_RECORDING = [False]
_INITIAL_LEARNING_PHASE = getattr(K, "_LEARNING_PHASE", None)
_DEFAULT_IMAGE_ORDERING = K.image_dim_ordering()
_DEFAULT_FLOATX = K.floatx()
_DEFAULT_EPSILON = K.epsilon()


def _encode(arr):
    buf = io.BytesIO()
    np.save(buf, np.asarray(arr), allow_pickle=False)
    return {"__npy__": base64.b64encode(buf.getvalue()).decode("ascii")}


def _decode(obj):
    return np.load(io.BytesIO(base64.b64decode(obj["__npy__"])), allow_pickle=False)


# Record every layer at creation (base Layer.__init__), with whether name= was given. ---------
_original_layer_init = topology.Layer.__init__


def _recording_init(self, **kwargs):
    if _RECORDING[0] and not getattr(self, "_kmigrate_recorded", False):
        self._kmigrate_recorded = True
        _CREATED.append((self, kwargs.get("name") is not None))
    return _original_layer_init(self, **kwargs)


topology.Layer.__init__ = _recording_init


def _reset_backend_state():
    K.set_image_dim_ordering(_DEFAULT_IMAGE_ORDERING)
    K.set_floatx(_DEFAULT_FLOATX)
    K.set_epsilon(_DEFAULT_EPSILON)
    if _INITIAL_LEARNING_PHASE is not None and hasattr(K, "_LEARNING_PHASE"):
        import keras.backend.theano_backend as tb

        tb._LEARNING_PHASE = _INITIAL_LEARNING_PHASE
    if hasattr(K, "reset_uids"):
        K.reset_uids()
    np.random.seed(0)


def _is_container(obj):
    return isinstance(obj, topology.Container)


def _leaf_layers(model, seen=None):
    """The model's layers, nested containers flattened (each layer once)."""
    seen = set() if seen is None else seen
    out = []
    for layer in model.layers:
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if _is_container(layer):
            out.extend(_leaf_layers(layer, seen))
        else:
            out.append(layer)
            subs = getattr(layer, "layers", None)  # a Merge of models inside a Sequential
            if type(layer).__name__ == "Merge" and subs:
                for sub in subs:
                    if id(sub) in seen:
                        continue
                    if _is_container(sub):
                        seen.add(id(sub))
                        out.extend(_leaf_layers(sub, seen))
                    elif isinstance(sub, topology.Layer):
                        seen.add(id(sub))
                        out.append(sub)
    return out


def _shape(tensor):
    shape = getattr(tensor, "_keras_shape", None)
    if shape is None:
        try:
            shape = K.int_shape(tensor)
        except Exception:  # noqa: BLE001
            shape = None
    return None if shape is None else [None if d is None else int(d) for d in shape]


def _embedding_dims(tensor, seen=None):
    """input_dim of every Embedding that consumes ``tensor`` (through nested containers)."""
    seen = set() if seen is None else seen
    if id(tensor) in seen:
        return []
    seen.add(id(tensor))
    history = getattr(tensor, "_keras_history", None)
    if not history:
        return []
    layer = history[0]
    dims = []
    for node in getattr(layer, "outbound_nodes", []):
        consumer = node.outbound_layer
        if type(consumer).__name__ == "Embedding":
            dims.append(int(consumer.input_dim))
        elif _is_container(consumer):
            for i, t in enumerate(node.input_tensors):
                if t is tensor and i < len(consumer.inputs):
                    dims.extend(_embedding_dims(consumer.inputs[i], seen))
    return dims


def _jsonable(value):
    try:
        return json.loads(json.dumps(value, default=lambda o: repr(o)))
    except Exception:  # noqa: BLE001
        return repr(value)


def _config(layer):
    try:
        return _jsonable(layer.get_config())
    except Exception as exc:  # a config is informative only  # noqa: BLE001
        return {"error": repr(exc)}


def _describe_layer(layer, explicit, index):
    entry = {
        "class": type(layer).__name__,
        "name": layer.name,
        "explicit_name": bool(explicit),
        "index": index,
        "config": _config(layer),
        "weights": [_encode(w) for w in layer.get_weights()],
    }
    inner = getattr(layer, "layer", None)
    if inner is not None and isinstance(inner, topology.Layer):  # TimeDistributed / Bidirectional
        entry["inner"] = {"class": type(inner).__name__, "config": _config(inner)}
        if type(layer).__name__ == "Bidirectional":
            entry["inner"]["n_forward"] = len(layer.forward_layer.get_weights())
    return entry


def _resolve_model(module, func):
    if func not in module.__dict__:
        raise LookupError(f"{func!r} is not defined at module level of the file")
    obj = module.__dict__[func]
    if _is_container(obj):
        return obj
    if not callable(obj):
        raise TypeError(f"{func!r} is neither a function nor a model (it is a {type(obj).__name__})")
    result = obj()
    if isinstance(result, (tuple, list)):
        models = [r for r in result if _is_container(r)]
        if not models:
            raise TypeError(f"{func}() returned a {type(result).__name__} without a model")
        result = models[0]
    if not _is_container(result):
        raise TypeError(f"{func}() returned {type(result).__name__}, not a Keras model")
    return result


def op_build(req):
    source = req["source"]
    filename = req.get("filename") or "<kmigrate-old>"
    func = req["func"]
    _reset_backend_state()
    _MODELS.clear()
    module = types.ModuleType("kmigrate_verify_old")
    module.__file__ = filename
    module.__builtins__ = __builtins__
    folder = os.path.dirname(os.path.abspath(filename))
    added = False
    if os.path.isdir(folder) and folder not in sys.path:
        sys.path.insert(0, folder)
        added = True
    sys.modules[module.__name__] = module
    del _CREATED[:]
    _RECORDING[0] = True
    try:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        code = compile(source, filename, "exec")
        exec(code, module.__dict__)  # noqa: S102
        model = _resolve_model(module, func)
    finally:
        _RECORDING[0] = False
        if added:
            sys.path.remove(folder)
    from keras.models import Sequential

    if isinstance(model, Sequential) and not getattr(model, "built", False):
        model.build()
    order = {id(layer): (i, explicit) for i, (layer, explicit) in enumerate(_CREATED)}
    leaves = _leaf_layers(model)
    # creation order; layers created outside the recording (none expected) go last
    leaves.sort(key=lambda l: order.get(id(l), (len(order), False))[0])
    layers = [
        _describe_layer(layer, order.get(id(layer), (0, False))[1], i) for i, layer in enumerate(leaves)
    ]
    inputs = []
    for tensor, in_layer in zip(model.inputs, model.input_layers):
        dims = _embedding_dims(tensor)
        dtype = getattr(in_layer, "input_dtype", None) or str(getattr(tensor, "dtype", K.floatx()))
        inputs.append(
            {
                "name": in_layer.name,
                "shape": _shape(tensor),
                "dtype": str(dtype),
                "input_dim": min(dims) if dims else None,
            }
        )
    outputs = [{"name": layer.name, "shape": _shape(t)} for t, layer in zip(model.outputs, model.output_layers)]
    _NEXT_ID[0] += 1
    model_id = _NEXT_ID[0]
    _MODELS[model_id] = model
    del _CREATED[:]
    return {"model_id": model_id, "inputs": inputs, "outputs": outputs, "layers": layers}


def op_predict(req):
    model = _MODELS.get(req["model_id"])
    if model is None:
        raise LookupError(f"no model {req['model_id']} in this worker (build it again)")
    arrays = [_decode(a) for a in req["inputs"]]
    batch = int(arrays[0].shape[0]) if arrays else 1
    outs = model.predict(arrays if len(arrays) != 1 else arrays[0], batch_size=max(batch, 1), verbose=0)
    if not isinstance(outs, list):
        outs = [outs]
    return {"outputs": [_encode(np.asarray(o)) for o in outs]}


def op_ping(req):
    import theano

    return {
        "versions": {
            "keras": keras.__version__,
            "theano": theano.__version__,
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "backend": K.backend(),
        },
        "pid": os.getpid(),
    }


OPS = {"build": op_build, "predict": op_predict, "ping": op_ping}


def _one_line(exc, filename=None):
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    # where in the user's file: the innermost frame of that file (or the line of a SyntaxError)
    line = None
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno
    for frame in traceback.extract_tb(exc.__traceback__):
        if filename and frame.filename == filename:
            line = frame.lineno
    if line is not None and f"line {line}" not in text:
        text += f" ({os.path.basename(filename)}:{line})"
    return text if len(text) <= 1000 else text[:997] + "..."


def _send(obj):
    _PROTO.write(json.dumps(obj) + "\n")
    _PROTO.flush()


def main():
    _send({"ok": True, "ready": True, **op_ping({})})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as exc:
            _send({"ok": False, "error": f"bad request: {exc}"})
            continue
        rid = req.get("id")
        op = req.get("op")
        if op == "quit":
            _send({"id": rid, "ok": True})
            break
        handler = OPS.get(op)
        if handler is None:
            _send({"id": rid, "ok": False, "error": f"unknown op {op!r}"})
            continue
        try:
            result = handler(req)
        except BaseException as exc:  # report everything, including SystemExit from the file
            if isinstance(exc, KeyboardInterrupt):
                raise
            error = _one_line(exc, req.get("filename"))
            _send({"id": rid, "ok": False, "error": error, "traceback": traceback.format_exc()})
            continue
        _send({"id": rid, "ok": True, **result})


if __name__ == "__main__":
    main()
