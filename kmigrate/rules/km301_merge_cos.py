"""KM301: ``merge(..., mode='cos')`` → ``Dot(axes=..., normalize=True)``."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Rule
from kmigrate.keras1 import merge as table
from kmigrate.rules import _evidence, _merge
from kmigrate.rules.km101_merge_modes import _input_ranks, split_merge_function

SHAPE_CHANGE = "output shape (batch, 1, 1) becomes (batch, 1)"
LOSS_TRAP = "a loss on the old (batch, 1, 1) output broadcast against (batch, 1) targets over all pairs (spec §1.5)"
NORMS = "Keras 1 clamped |x|*|y| at 1e-7 (norms below ~3e-4 differ) and overflowed to 0 above ~1e9"
HIGHER_RANK = "on inputs of rank 3 or more Keras 1's values off the diagonal are not cosines"


class MergeCos(Rule):
    code = "KM301"
    name = "merge-cos"
    summary = "`merge(..., mode='cos')` → `Dot(axes=dot_axes, normalize=True)`"
    calls = table.MERGE_FUNCTIONS
    trigger_names = frozenset({"merge"})
    replaced_imports = frozenset({"merge"})
    doc = """
## What it does
Finds `merge([x, y], mode='cos', dot_axes=...)` and rewrites it to Keras 3's
`Dot(axes=dot_axes, normalize=True)([x, y])`.

## Why is this bad?
`merge` no longer exists. And `mode='cos'` did not compute quite what its name says. Keras 1.2.2
computes `cos = x·y / max(|x|·|y|, 1e-7)` and then adds an axis: on two `(batch, d)` inputs the
declared shape is `(None, 1)` but the real tensor is `(batch, 1, 1)`. Keras 3's `Dot` returns
`(batch, 1)` and clamps each norm separately.

Worked example, u = (.6, .8, 0, 0), v = (.8, .6, 0, 0), true cosine 0.96 (float32):

| norm n | Keras 1 cos(n·u, n·v) | Keras 3 Dot(normalize=True) |
| --- | --- | --- |
| 0 | 0.0 | 0.0 |
| 1e-5 | 0.00096 | 0.96 |
| 3e-4 | 0.864 | 0.96 |
| 1e-3 … 1e9 | 0.96 | 0.96 |
| 1e10, 1e19 | 0.0 (overflow of (x·x)(y·y)) | 0.96 |

A model compiled with `(batch, 1)` targets on the `(batch, 1, 1)` output trained on a loss
broadcast over all pairs of the batch (measured mse 0.2494 where the per-sample mse is 0.0752):
after the rewrite, training changes, not only shapes.

## Example
```python
from keras.layers import Input, Dense, merge

a = Input(shape=(128,))
b = Input(shape=(128,))
similarity = merge([a, b], mode='cos', dot_axes=1)
```

## Use instead
```python
from keras.layers import Input, Dense, Dot

a = Input(shape=(128,))
b = Input(shape=(128,))
similarity = Dot(axes=1, normalize=True)([a, b])
```
With `--cos-style legacy`, a `Lambda` written with `keras.ops` that reproduces Keras 1.2.2
exactly (formula, clamp, extra axis, values on inputs of rank 3 or more).

## Fix safety
Safe when the file proves both inputs are rank 2 (traced to `Input(shape=(d,))`, `Flatten`,
global pooling, ...) and the output goes straight into `Flatten()` or `Reshape((1,))`, which
absorb the extra axis. Inputs whose product of norms is below 1e-7 or above ~1.8e19 are outside
the promise: Keras 1 itself degenerated there. Otherwise unsafe, and the message says what differs.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        bound = _merge.bind(call, table.MERGE_FUNCTION_PARAMS)
        if bound is None or bound.dynamic or "inputs" not in bound.args:
            return
        mode = _merge.classify_mode(ctx, bound)
        if mode.kind != _merge.STRING or mode.name != "cos":
            return
        replacement = _merge.cos_replacement()
        target = _merge.describe_call(ctx, replacement, bound)
        ranks = _input_ranks(ctx, bound.value("inputs"))
        rank2 = bool(ranks) and all(r == 2 for r in ranks)
        absorbed = _evidence.absorbed(ctx, call)
        differences = []
        if not absorbed:
            differences.append(SHAPE_CHANGE)
            differences.append(LOSS_TRAP)
        if not rank2:
            differences.append(HIGHER_RANK + (" (input rank not proven in this file)" if not ranks or None in ranks else ""))
        safe = rank2 and absorbed
        message = f"merge(mode='cos') -> {target}"
        if not safe:
            message += "; " + "; ".join([*differences, NORMS])
        yield _merge.merge_finding(ctx, self.code, call, split_merge_function, replacement, message,
                                   SAFE if safe else UNSAFE, f"Replace merge(mode='cos') with {target}")
