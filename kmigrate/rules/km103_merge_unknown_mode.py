"""KM103: ``merge(...)`` whose mode is not known statically (report only)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.keras1 import merge as table
from kmigrate.rules import _merge

INSTEAD = (
    "write the Keras 3 layer for the mode: 'sum' Add(), 'mul' Multiply(), 'ave' Average(), 'max' Maximum(), "
    "'concat' Concatenate(axis=concat_axis), 'dot' Dot(axes=dot_axes), 'cos' Dot(axes=dot_axes, normalize=True), "
    "a function Lambda(function, output_shape=...)"
)


class MergeUnknownMode(Rule):
    code = "KM103"
    name = "merge-unknown-mode"
    summary = "`merge(...)` whose mode or arguments are not known statically"
    calls = table.MERGE_FUNCTIONS
    trigger_names = frozenset({"merge"})
    doc = f"""
## What it does
Reports calls of Keras 1's `merge` that kmigrate cannot rewrite because the mode is held in a
variable, computed, passed through `*args`/`**kwargs`, or is not a mode Keras 1 knew; and calls
that do not fit `merge`'s signature.

## Why is this bad?
`merge` does not exist in Keras 3. Which layer replaces it depends on the mode, which only the
running program knows.

## Example
```python
MODE = 'concat' if use_concat else 'sum'
x = merge([a, b], mode=MODE)
```

## Use instead
```python
x = Concatenate()([a, b]) if use_concat else Add()([a, b])
```
In general: {INSTEAD}.

## Fix safety
Report only: there is no fix.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        bound = _merge.bind(call, table.MERGE_FUNCTION_PARAMS)
        if bound is None:
            yield Finding(self.code, f"merge(...) call that does not fit merge's Keras 1 signature; {INSTEAD}", call)
            return
        if "inputs" not in bound.args and not bound.dynamic:
            yield Finding(self.code, f"merge(...) without inputs; {INSTEAD}", call)
            return
        mode = _merge.classify_mode(ctx, bound)
        if mode.kind == _merge.UNKNOWN or bound.dynamic:
            what = cst.Module([]).code_for_node(mode.node) if mode.node is not None else "**kwargs"
            if bound.dynamic and mode.kind != _merge.UNKNOWN:
                what = "arguments passed through *args/**kwargs"
            yield Finding(self.code, f"merge(mode={what}): mode not known statically; {INSTEAD}", call)
