"""Build fixtures' models under Keras 3, in a process of its own (JSON lines on stdin/stdout).

Request: {"path": ..., "fit": bool}.  The file is executed as a module that is not ``__main__``;
``build_model()`` is called when defined, otherwise models bound at module level are used.  With
``fit``, each model runs ``predict`` and one ``train_on_batch`` step on random data of its input
shapes.  Answer: {"ok": bool, "error": str, "models": [{"inputs": [[shape, dtype], ...], "outputs": [...]}]}.
"""

import json
import os
import sys
import traceback

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def describe(model):
    return {
        "inputs": [[list(t.shape), str(t.dtype)] for t in model.inputs],
        "outputs": [[list(t.shape), str(t.dtype)] for t in model.outputs],
    }


def exercise(model, np):
    rng = np.random.default_rng(0)
    arrays = []
    for tensor in model.inputs:
        shape = [4 if d is None else d for d in tensor.shape]
        if "int" in str(tensor.dtype):
            arrays.append(rng.integers(0, 2, size=shape).astype(str(tensor.dtype)))
        else:
            arrays.append(rng.standard_normal(shape).astype("float32"))
    feed = arrays if len(arrays) > 1 else arrays[0]
    outputs = model.predict(feed, verbose=0)
    if not getattr(model, "compiled", False):
        model.compile(optimizer="sgd", loss="mse")
    targets = outputs if isinstance(outputs, list) else [outputs]
    model.train_on_batch(feed, targets if len(targets) > 1 else targets[0])


def build(path, fit):
    import keras
    import numpy as np

    keras.utils.clear_session()
    namespace = {"__name__": "kmigrate_fixture", "__file__": path}
    with open(path, "rb") as handle:
        code = compile(handle.read(), path, "exec")
    exec(code, namespace)
    if callable(namespace.get("build_model")):
        models = [namespace["build_model"]()]
    else:
        models = [v for v in namespace.values() if isinstance(v, keras.Model)]
    if not models:
        raise RuntimeError("no model built (define build_model() or mark the fixture no-build)")
    described = []
    for model in models:
        if fit:
            exercise(model, np)
        described.append(describe(model))
    return described


def main():
    # Answers go to the real stdout; whatever a fixture or Keras prints goes to stderr instead.
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import keras  # noqa: F401  (once, before the first request)

    def answer(message):
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    answer({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer({"ok": True, "models": build(request["path"], request.get("fit", False))})
        except BaseException as exc:  # noqa: BLE001 - every failure is an answer
            answer({"ok": False, "error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"})


if __name__ == "__main__":
    main()
