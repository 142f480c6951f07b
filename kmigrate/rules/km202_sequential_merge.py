"""KM202: a ``Sequential`` whose first layer is ``Merge([...])`` → a functional ``Model``."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.rules import _merge, _sequential

WEIGHT_ORDER = ("the layer order differs from Keras 1 (the Inputs come first, the Merge layer is gone), so positional "
                "weights (get_weights/set_weights, save_weights/load_weights without by_name) do not line up with "
                "files written by Keras 1")


class SequentialMerge(Rule):
    code = "KM202"
    name = "sequential-merge"
    summary = "A `Sequential` that starts with `Merge([...])` → a functional `Model` with the same inputs"
    node_types = (cst.Module,)
    trigger_names = frozenset({"Merge"})
    replaced_imports = frozenset({"Merge"})
    doc = """
## What it does
Finds a `Sequential` whose first layer is `Merge([model_a, model_b, ...], mode=...)` (added with
`.add`, given in `Sequential([...])`, or bound to a name first) and rewrites it to the functional
API: an explicit `Input` per sub-model, the Keras 3 merge layer that `merge()` would get
(`Concatenate`, `Add`, `Dot`, ...), every later layer applied in order, and
`model = Model(inputs=[...], outputs=...)` bound to the same name, so `compile`, `fit`, `predict`
and `summary` keep working.

## Why is this bad?
Keras 3 has no `Merge` layer and its `Sequential` takes a single input. Keras 1 fed such a model
the inputs of its sub-models depth-first, in the order of the Merge list, each model once (a
model in two Merges, or `Merge([m, m])`, takes one array) — exactly the list your `fit` and
`predict` calls pass. The new `Model` takes the same list in the same order, with the shapes and
dtypes of each sub-model's first layer (`input_dim=d` → `(d,)`, `input_shape=s` → `s`,
`Embedding(input_length=T)` → `(T,)` int32).

## Example
```python
from keras.models import Sequential
from keras.layers import Dense, Merge

left = Sequential()
left.add(Dense(32, input_dim=16))
right = Sequential()
right.add(Dense(32, input_dim=8))

model = Sequential()
model.add(Merge([left, right], mode='concat'))
model.add(Dense(10, activation='softmax'))
model.compile(optimizer='sgd', loss='categorical_crossentropy')
model.fit([x_left, x_right], y)
```

## Use instead
```python
from keras.models import Sequential, Model
from keras.layers import Dense, Input, Concatenate

left = Sequential()
left.add(Dense(32, input_dim=16))
right = Sequential()
right.add(Dense(32, input_dim=8))

left_input = Input(shape=(16,))
right_input = Input(shape=(8,))
model_output = Concatenate()([left(left_input), right(right_input)])
model_output = Dense(10, activation='softmax')(model_output)
model = Model(inputs=[left_input, right_input], outputs=model_output)
model.compile(optimizer='sgd', loss='categorical_crossentropy')
model.fit([x_left, x_right], y)
```
The new statements start where the first `.add` after the Merge stood; other statements keep
their place. Nested Merges (a sub-model that itself starts with a Merge) are rewritten together and
used through `.output`; a sub-model merged twice is called once and its output shared, as Keras 1
shared it (so a `Dropout` in it draws one mask, as before); a functional sub-model contributes its
own inputs (`*encoder.inputs`) and `encoder.output`. `name=` of the Sequential and of the Merge is
kept.

## Fix safety
Safe: the same computation on the same input list. The layer order is not the same (the finding
says so): weight files written by position no longer line up. Unsafe, with the reason, when:
- the file calls `load_weights(..., by_name=True)` and a sub-model is a `Sequential`: Keras 3 loads
  by name only into top-level layers, and the sub-models stay nested;
- the file loads positional weights into the rewritten model (`set_weights`, `load_weights`
  without `by_name`);
- the merge mode's own rewrite is unsafe (masks, `dot_axes`, `cos`: see KM101, KM301; with
  `--cos-style legacy` the `cos` merge becomes KM301's exact `Lambda`, and the helper function is
  defined above the rebuilt model);
- a sub-model's input shape is an expression whose names are assigned more than once (it is now
  evaluated where the model is built).
Code whose shape rules out an exact restructure is reported by KM203 instead.
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        for component in _sequential.analyse(ctx).components:
            yield from self.component_findings(ctx, component)

    def component_findings(self, ctx: FileContext, component: _sequential.Component):
        rewrite = _sequential.Rewrite(ctx, component)
        edits = rewrite.edits()
        reasons = component.unsafe(ctx)
        lost = self.loses_comments(edits)
        fix = None
        if not lost:
            names = ", ".join(f"`{m.name}`" for m in component.models)
            fix = Fix(UNSAFE if reasons else SAFE, f"Rebuild {names} with the functional API",
                      [*(Edit(statement, build) for statement, build in edits), *rewrite.helper_edits],
                      tuple(rewrite.requests))
        for model in component.models:
            inputs = ", ".join(self.input_label(rewrite, key) for key in _sequential.model_inputs(component, model))
            layer = _merge.describe_call(ctx, model.replacement, model.bound)
            message = (f"Sequential `{model.name}` starts with a Merge layer -> Model(inputs=[{inputs}], outputs=...) "
                       f"merging with {layer}; {WEIGHT_ORDER}")
            if reasons:
                message += "; " + "; ".join(reasons)
            if lost:
                message += " (not fixed: a comment inside the rewritten statements would be lost; rewrite it by hand)"
            yield Finding(self.code, message, model.merge, fix)

    @staticmethod
    def input_label(rewrite: _sequential.Rewrite, key: str) -> str:
        leaf = rewrite.component.leaves[key]
        return f"*{leaf.name}.inputs" if leaf.functional else rewrite.input_names[key]

    @staticmethod
    def loses_comments(edits) -> bool:
        """Run the builds on the original statements, in order, and compare the comments of all of
        them at once (a removed statement hands its comments to the next statement built)."""
        before, after = [], []
        for statement, build in edits:
            before.append(statement)
            result = build(statement)
            if isinstance(result, list):
                after += result
        return _merge.loses_comments(cst.Module(body=before), cst.Module(body=after))
