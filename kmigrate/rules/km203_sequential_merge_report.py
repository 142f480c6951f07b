"""KM203: a ``Sequential`` starting with ``Merge`` whose code rules out an exact restructure (report)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.rules import _sequential

INSTEAD = ("build it with the functional API: one Input per sub-model (depth-first, in Merge-list order, each model "
           "once), the Keras 3 merge layer on the sub-models' outputs, the later layers applied in order, "
           "Model(inputs=[...], outputs=...); see `kmigrate --explain KM203`")


class SequentialMergeReport(Rule):
    code = "KM203"
    name = "sequential-merge-unsafe-shape"
    summary = "A `Merge` layer in a `Sequential` whose code shape rules out an exact restructure (report only)"
    node_types = (cst.Module,)
    trigger_names = frozenset({"Merge"})
    doc = """
## What it does
Reports a `Merge([...])` layer that starts a `Sequential` when kmigrate cannot restructure the
model exactly, and says why:
- `.add` calls inside a loop or a branch (the layers depend on how the code runs);
- the model built across functions or objects (a parameter, `self.model`, a function of the file
  that calls `.add` on a model it is given);
- a class that subclasses `Sequential` and calls `self.add(Merge(...))`;
- the model used before its last `.add` (`summary()`, passed somewhere, `output_shape` read);
- a sub-model that gets more `.add` calls after it was merged (Keras 1 merged it as it was then);
- `model.layers[i]` indexing, `model.pop()` (the functional model's layers differ);
- a mode, sub-model list or first layer that is not known statically.

## Why is this bad?
Keras 3 has no `Merge` layer and a single-input `Sequential`. A faithful rewrite must know the
complete model at one place in the code: which sub-models, in which order, with which input
shapes, and every layer after the Merge.

## Example
```python
class TwoTower(Sequential):
    def __init__(self, left, right):
        super(TwoTower, self).__init__()
        self.add(Merge([left, right], mode='concat'))
        self.add(Dense(1, activation='sigmoid'))
```

## Use instead
```python
from keras.layers import Concatenate, Dense, Input
from keras.models import Model


def two_tower(left, right, left_shape, right_shape):
    left_input = Input(shape=left_shape)
    right_input = Input(shape=right_shape)
    x = Concatenate()([left(left_input), right(right_input)])
    x = Dense(1, activation='sigmoid')(x)
    return Model(inputs=[left_input, right_input], outputs=x)
```
Keep the inputs in Keras 1's order: the sub-models' inputs depth-first, in the order of the Merge
list, each model once (a model merged twice takes one input). Give each `Input` the shape and
dtype of the sub-model's first layer (`input_dim=d` → `(d,)`, `input_shape=s` → `s`,
`Embedding(input_length=T)` → `(T,)` with `dtype='int32'`). Positional weight files of the old
model no longer line up: load by layer name, with every named layer at the top level of the new model.

## Fix safety
Report only: there is no fix.
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        for report in _sequential.analyse(ctx).reports:
            yield Finding(self.code, f"Merge layer in a Sequential that kmigrate cannot restructure exactly: "
                                     f"{report.reason}; {INSTEAD}", report.merge)
