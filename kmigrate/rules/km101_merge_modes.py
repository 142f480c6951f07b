"""KM101: ``merge(..., mode=...)`` with a mode that has an exact Keras 3 layer."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Rule
from kmigrate.keras1 import merge as table
from kmigrate.rules import _evidence, _merge


def split_merge_function(call: cst.Call):
    bound = _merge.bind(call, table.MERGE_FUNCTION_PARAMS)
    return bound, bound.args.get("inputs")


def mode_label(mode: _merge.Mode) -> str:
    return f"mode='{mode.name}'" if mode.node is not None else "no mode (sum)"


class MergeModes(Rule):
    code = "KM101"
    name = "merge-mode"
    summary = "`merge(..., mode=...)` with a mode that has an exact Keras 3 layer"
    calls = table.MERGE_FUNCTIONS
    trigger_names = frozenset({"merge"})
    replaced_imports = frozenset({"merge"})
    doc = """
## What it does
Finds calls of Keras 1's `merge(inputs, mode=...)` function whose mode has an exact Keras 3 layer:
`'sum'` (also no mode) → `Add`, `'mul'` → `Multiply`, `'ave'` → `Average`, `'max'` → `Maximum`,
`'concat'` → `Concatenate(axis=concat_axis)`, `'dot'` → `Dot(axes=dot_axes)`.

## Why is this bad?
Keras 2 removed `merge`, and Keras 3 has no `keras.legacy`: the import fails with
`ImportError: cannot import name 'merge'`.

## Example
```python
from keras.layers import Input, merge

a = Input(shape=(16,))
b = Input(shape=(16,))
s = merge([a, b], mode='sum')
c = merge([a, b], mode='concat', concat_axis=1, name='joined')
```

## Use instead
```python
from keras.layers import Input, Add, Concatenate

a = Input(shape=(16,))
b = Input(shape=(16,))
s = Add()([a, b])
c = Concatenate(axis=1, name='joined')([a, b])
```
`name=` is kept; arguments the mode ignores (`concat_axis` on `'max'`, `dot_axes` on `'sum'`) are
dropped; the mode may be given positionally (`merge([a, b], 'concat')`).

## Fix safety
Safe: each layer computes what Keras 1.2.2 computed (spec §1.4). Unsafe when:
- the file creates masks (`mask_zero=True`, `Masking`) and the mode is `sum`, `mul`, `ave` or
  `concat`: Keras 1 combined the input masks with AND, Keras 3 with OR (no mask at all when one
  input is unmasked);
- `mode='dot'` with a list `dot_axes` holding a negative axis (Keras 1 did not normalise it; on
  inputs of rank 3 or more such code never ran), unless the file proves the inputs are rank 2;
- `mode='dot'` on inputs the file shows are rank 4 or more.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        bound = _merge.bind(call, table.MERGE_FUNCTION_PARAMS)
        if bound is None or bound.dynamic or "inputs" not in bound.args:
            return
        mode = _merge.classify_mode(ctx, bound)
        if mode.kind != _merge.STRING or mode.name not in table.EXACT_MODES:
            return
        replacement = _merge.exact_replacement(mode.name)
        target = _merge.describe_call(ctx, replacement, bound)
        reasons = self.unsafe_reasons(ctx, mode.name, bound)
        message = f"merge({mode_label(mode)}) -> {target}"
        if reasons:
            message += "; " + "; ".join(reasons)
        yield _merge.merge_finding(
            ctx, self.code, call, split_merge_function, replacement, message,
            UNSAFE if reasons else SAFE, f"Replace merge with {target}",
        )

    @staticmethod
    def unsafe_reasons(ctx: FileContext, mode: str, bound: _merge.BoundCall) -> list[str]:
        reasons = []
        if mode in table.MASK_COMBINING_MODES and _merge.file_creates_masks(ctx):
            reasons.append("the file creates masks: Keras 3 combines input masks with OR, Keras 1 with AND")
        if mode == "dot":
            axes = bound.value("dot_axes")
            ranks = _input_ranks(ctx, bound.value("inputs"))
            negative_list = False
            if axes is not None and _merge.is_literal(axes):
                value = _merge.literal(axes)
                negative_list = isinstance(value, (list, tuple)) and any(isinstance(a, int) and a < 0 for a in value)
            elif axes is not None:
                reasons.append("dot_axes is not a literal: Keras 1 normalised an int but not a list")
            if negative_list and ranks != [2] * len(ranks or [0, 0]):
                reasons.append("a negative axis in a dot_axes list: Keras 1 did not normalise it, and on inputs of rank 3 or more such code never ran")
            if ranks and any(r is not None and r >= 4 for r in ranks):
                reasons.append("inputs of rank 4 or more: Keras 1's batch_dot differs from Dot there")
        return reasons


def _input_ranks(ctx: FileContext, inputs: cst.BaseExpression | None) -> list[int | None] | None:
    if not isinstance(inputs, (cst.List, cst.Tuple)):
        return None
    return [_evidence.rank_of(ctx, element.value) for element in inputs.elements]
