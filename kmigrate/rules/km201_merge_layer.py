"""KM201: the ``Merge`` layer applied functionally, ``Merge(mode=...)([a, b])``."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Finding, Rule
from kmigrate.keras1 import merge as table
from kmigrate.rules import _evidence, _merge, _sequential
from kmigrate.rules.km101_merge_modes import mode_label
from kmigrate.rules.km103_merge_unknown_mode import INSTEAD
from kmigrate.rules.km301_merge_cos import MergeCos


def split_applied_merge(call: cst.Call):
    """``Merge(args)(inputs)``: the Merge's bound arguments, and the inputs argument."""
    return _merge.bind(call.func, table.MERGE_LAYER_PARAMS), call.args[0]


class MergeLayer(Rule):
    code = "KM201"
    name = "merge-layer-call"
    summary = "`Merge(mode=...)([a, b])` → the Keras 3 merge layer that `merge()` would get"
    calls = table.MERGE_LAYERS
    trigger_names = frozenset({"Merge"})
    replaced_imports = frozenset({"Merge"})
    doc = """
## What it does
Finds Keras 1's `Merge` layer created and applied to a list of tensors in one expression,
`Merge(mode=...)([a, b])`, and rewrites it like `merge([a, b], mode=...)`: `'sum'` (also no mode)
→ `Add`, `'mul'` → `Multiply`, `'ave'` → `Average`, `'max'` → `Maximum`, `'concat'` →
`Concatenate(axis=concat_axis)`, `'dot'` → `Dot(axes=dot_axes)`, `'cos'` →
`Dot(axes=dot_axes, normalize=True)`, a function → `Lambda(function, output_shape=...)`.

## Why is this bad?
Keras 3 has no `Merge` layer: `from keras.layers import Merge` fails with `ImportError`.

## Example
```python
from keras.layers import Input, Merge

a = Input(shape=(16,))
b = Input(shape=(16,))
joined = Merge(mode='concat', concat_axis=1, name='joined')([a, b])
```

## Use instead
```python
from keras.layers import Input, Concatenate

a = Input(shape=(16,))
b = Input(shape=(16,))
joined = Concatenate(axis=1, name='joined')([a, b])
```
A `Merge([...])` given models, as the first layer of a `Sequential`, is KM202's.

## Fix safety
As for `merge()`: safe where KM101, KM102 and KM301 are safe, and unsafe for the same reasons —
masks in the file (`sum`, `mul`, `ave`, `concat`: Keras 3 combines them with OR, Keras 1 with AND),
a negative axis in a `dot_axes` list, `dot` on inputs of rank 4 or more, and `cos` unless the file
proves rank-2 inputs and the output goes straight into `Flatten()` or `Reshape((1,))` (shape
`(batch, 1, 1)` becomes `(batch, 1)`; norms below ~3e-4). With `--cos-style legacy`, `'cos'` gets
KM301's `Lambda` that reproduces Keras 1.2.2 exactly (safe). A mode not known statically, a `Merge`
that also gets `layers=`, `node_indices=`, `tensor_indices=` or a call with `mask=` is reported
without a fix.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        applied = ctx.parent(call)
        if not isinstance(applied, cst.Call) or applied.func is not call:
            return  # a Merge of models: KM202 / KM203
        bound = _merge.bind(call, table.MERGE_LAYER_PARAMS)
        problem = self.problem(bound, applied)
        if problem is None:
            mode = _merge.classify_mode(ctx, bound)
            if mode.kind == _merge.UNKNOWN:
                problem = _sequential.unknown_mode(mode)
        if problem is not None:
            yield Finding(self.code, f"Merge(...)(...) not rewritten: {problem}; {INSTEAD}", applied)
            return
        if mode.kind == _merge.STRING and mode.name == "cos" and ctx.option("cos_style", "dot") == "legacy":
            yield MergeCos().legacy(ctx, applied, split_applied_merge, self.code, "Merge(mode='cos')([...])")
            return
        inputs = applied.args[0]
        with_inputs = _merge.BoundCall({**bound.args, "inputs": inputs}, False)
        replacement, reasons = _sequential.merge_layer(ctx, mode, with_inputs, None, _evidence.absorbed(ctx, applied),
                                                       applied)
        target = _merge.describe_call(ctx, replacement, bound)
        shown = mode_label(mode) if mode.kind == _merge.STRING else "mode=<function>"
        message = f"Merge({shown})([...]) -> {target}([...])"
        if reasons:
            message += "; " + "; ".join(reasons)
        yield _merge.merge_finding(ctx, self.code, applied, split_applied_merge, replacement, message,
                                   UNSAFE if reasons else SAFE, f"Replace the Merge layer with {target}")

    @staticmethod
    def problem(bound: _merge.BoundCall | None, applied: cst.Call) -> str | None:
        if bound is None or bound.dynamic:
            return "its arguments do not fit Keras 1's Merge signature or go through *args/**kwargs"
        for name in ("layers", "node_indices", "tensor_indices"):
            value = bound.value(name)
            if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):
                return f"Merge(..., {name}=...) applied to tensors"
        if len(applied.args) != 1 or applied.args[0].keyword is not None or applied.args[0].star:
            return "the layer is called with other arguments than the list of inputs"
        return None
