"""KM504: Keras 1 training-side names Keras 3 removed (report only, with what to write)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.keras1 import training
from kmigrate.keras1 import utils as table
from kmigrate.rules import _api


class RemovedTrainingApi(Rule):
    code = "KM504"
    name = "removed-training-api"
    summary = "Keras 1 `ImageDataGenerator`, `Tokenizer`, `HDF5Matrix`, `KerasClassifier`, `BaseLogger`, " \
              "`TFOptimizer`, `predict_classes` (no Keras 3 drop-in)"
    node_types = (cst.Call,)
    trigger_names = frozenset({*(q.rsplit(".", 1)[1] for q in (*table.REMOVED, *training.REMOVED_NAMES)),
                               *training.REMOVED_METHODS})
    doc = """
## What it does
Reports uses of Keras 1 names that Keras 3 removed without a drop-in, with what to write:
`ImageDataGenerator` (→ `keras.utils.image_dataset_from_directory` + `RandomRotation`/
`RandomTranslation`/`RandomZoom`/`RandomFlip`/`Rescaling` layers), `Tokenizer` (→
`keras.layers.TextVectorization`), `HDF5Matrix` (→ h5py + `keras.utils.PyDataset`),
`KerasClassifier`/`KerasRegressor(build_fn=...)` (→ `keras.wrappers.SKLearnClassifier(model=...,
model_kwargs=..., fit_kwargs=...)`, whose model function Keras 3 calls with `X=` and `y=`), `BaseLogger`
(remove it), `TFOptimizer` (a Keras 3 optimizer), `np_utils.probas_to_classes` and
`Sequential.predict_classes` (→ the formula Keras 1 used), `layer_utils.print_summary` (→ `model.summary()`).

## Why is this bad?
Each raises in Keras 3 (`ModuleNotFoundError`, `ImportError`, `AttributeError` or `TypeError`), and the
replacements take other arguments or number things differently (`TextVectorization` reserves index 1
for out-of-vocabulary tokens), so no rewrite is exact.

## Example
```python
from keras.wrappers.scikit_learn import KerasClassifier

clf = KerasClassifier(build_fn=make_model, nb_epoch=10, batch_size=32)
classes = model.predict_classes(x)
```

## Use instead
```python
from keras.wrappers import SKLearnClassifier

clf = SKLearnClassifier(model=lambda X, y, **kwargs: make_model(**kwargs),
                        fit_kwargs={"epochs": 10, "batch_size": 32})
classes = np.argmax(model.predict(x), axis=-1)
```

## Fix safety
Report only.
"""

    def finish(self, ctx: FileContext):
        removed = {**table.REMOVED, **training.REMOVED_NAMES}
        for use in _api.uses(ctx):
            for depth in range(len(use.attrs) + 1):
                qualname = use.qualname(depth)
                if qualname in removed:
                    yield Finding(self.code, f"{qualname.rsplit('.', 1)[1]}: {removed[qualname]}", use.chain[depth])
                    break

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in training.REMOVED_METHODS:
            return
        if not _api.uses(ctx):
            return  # a file that imports nothing of Keras: another library's predict_classes
        yield Finding(self.code, f"{func.attr.value}() is not in Keras 3: write "
                                 f"{training.REMOVED_METHODS[func.attr.value]}", node)
