"""KM301: ``merge(..., mode='cos')`` → ``Dot(axes=..., normalize=True)``, or with ``--cos-style
legacy`` a ``Lambda`` that reproduces Keras 1.2.2 exactly."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine import tree
from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import merge as table
from kmigrate.rules import _cosine, _evidence, _merge
from kmigrate.rules.km101_merge_modes import _input_ranks, split_merge_function

SHAPE_CHANGE = "output shape (batch, 1, 1) becomes (batch, 1)"
LOSS_TRAP = "a loss on the old (batch, 1, 1) output broadcast against (batch, 1) targets over all pairs (spec §1.5)"
NORMS = "Keras 1 clamped |x|*|y| at 1e-7 (norms below ~3e-4 differ) and overflowed to 0 above ~1e9"
HIGHER_RANK = "on inputs of rank 3 or more Keras 1's values off the diagonal are not cosines"
LEGACY_HINT = "--cos-style legacy keeps Keras 1's values and shape"


class MergeCos(Rule):
    code = "KM301"
    name = "merge-cos"
    summary = "`merge(..., mode='cos')` → `Dot(axes=dot_axes, normalize=True)` (or Keras 1's exact layer)"
    calls = table.MERGE_FUNCTIONS
    trigger_names = frozenset({"merge"})
    replaced_imports = frozenset({"merge"})
    doc = """
## What it does
Finds `merge([x, y], mode='cos', dot_axes=...)` and rewrites it to Keras 3's
`Dot(axes=dot_axes, normalize=True)([x, y])`, or, with `--cos-style legacy`, to a `Lambda` that
computes exactly what Keras 1.2.2 computed.

## Why is this bad?
`merge` no longer exists. And `mode='cos'` did not compute quite what its name says. Keras 1.2.2
computes (`batch_dot` over `dot_axes`)

    den = sqrt(max(batch_dot(x, x) * batch_dot(y, y), 0))
    cos = batch_dot(x, y) / max(den, 1e-7)
    out = expand_dims(cos, 1)

On two `(batch, d)` inputs that is `x·y / max(|x|·|y|, 1e-7)`, declared `(None, 1)` but really
`(batch, 1, 1)`. Keras 3's `Dot(normalize=True)` returns `(batch, 1)` and clamps each vector's
norm separately (`x * min(1/|x|, 1e7)`). On `(batch, n, d)` inputs Keras 1 returns
`(batch, 1, n, n)` whose entry (i, j) is `x_i·y_j / max(sqrt(max((x_i·x_j)(y_i·y_j), 0)), 1e-7)`:
only the diagonal is a cosine (off it, values near 1e7 where the product of Gram entries is
negative); `Dot` returns the true cosines `(batch, n, n)`.

Worked example, u = (.6, .8, 0, 0), v = (.8, .6, 0, 0), true cosine 0.96 (float32):

| norm n | Keras 1 cos(n·u, n·v) | Keras 3 Dot(normalize=True) |
| --- | --- | --- |
| 0 | 0.0 | 0.0 |
| 1e-5 | 0.00096 | 0.96 |
| 1e-4 | 0.096 | 0.96 |
| 3e-4 | 0.864 | 0.96 |
| 1e-3 … 1e9 | 0.96 | 0.96 |
| 1e10, 1e19 | 0.0 (overflow of (x·x)(y·y)) | 0.96 |

A model compiled with `(batch, 1)` targets on the `(batch, 1, 1)` output trained on a loss
broadcast over all pairs of the batch (measured mse 0.2494 where the per-sample mse is 0.0752):
after the rewrite, training changes, not only shapes.

## Example
```python
from keras.layers import Input, Flatten, merge

a = Input(shape=(128,))
b = Input(shape=(128,))
similarity = Flatten()(merge([a, b], mode='cos', dot_axes=1))
```

## Use instead
```python
from keras.layers import Input, Flatten, Dot

a = Input(shape=(128,))
b = Input(shape=(128,))
similarity = Flatten()(Dot(axes=1, normalize=True)([a, b]))
```
With `--cos-style legacy` (or `cos-style = "legacy"` in `[tool.kmigrate]`):
```python
from keras import ops
from keras.layers import Input, Flatten, Lambda

def keras1_cos(tensors, axes=-1):
    ...  # Keras 1.2.2's formula with keras.ops: clamp, extra axis, Gram-based values on 3-D inputs

similarity = Flatten()(Lambda(keras1_cos, arguments={"axes": 1})([a, b]))
```
The helper is written once per file, above the first statement that needs it.

## Fix safety
`dot` style: safe when the file proves both inputs are rank 2 (traced through assignments to
`Input(shape=(d,))`, `Dense`, `Flatten`, global pooling, a Sequential or Model built by a function
of the file, ...) and the output goes into `Flatten()` or `Reshape((1,))` (straight, or through a
variable read only there), which absorb the extra axis. Inputs whose product of norms is below
1e-7 or above ~1.8e19 are outside the promise: Keras 1 itself degenerated there (the table above).
Otherwise unsafe, and the message says what differs; code that indexes the rank-3 output
(`s[:, 0, 0]`, a `Lambda` slicing it) is named in the message.

`legacy` style: safe. The `Lambda` reproduces Keras 1.2.2 value for value, NaN included (Theano's
`sqrt` clips negatives to 0 and its `maximum` keeps NaN; the helper writes both with `ops.where`),
and keeps the `(batch, 1, 1)` shape, so the loss is computed as before. Only the epsilon is fixed
at 1e-7 (Keras 1's default; a `keras.json` that changed it is not read).
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        bound = _merge.bind(call, table.MERGE_FUNCTION_PARAMS)
        if bound is None or bound.dynamic or "inputs" not in bound.args:
            return
        mode = _merge.classify_mode(ctx, bound)
        if mode.kind != _merge.STRING or mode.name != "cos":
            return
        if ctx.option("cos_style", "dot") == "legacy":
            yield self.legacy(ctx, call)
            return
        replacement = _merge.cos_replacement()
        target = _merge.describe_call(ctx, replacement, bound)
        differences = cos_differences(ctx, call, _input_ranks(ctx, bound.value("inputs")), _evidence.absorbed(ctx, call))
        safe = not differences
        message = f"merge(mode='cos') -> {target}"
        if not safe:
            message += "; " + "; ".join([*differences, NORMS, LEGACY_HINT])
        yield _merge.merge_finding(ctx, self.code, call, split_merge_function, replacement, message,
                                   SAFE if safe else UNSAFE, f"Replace merge(mode='cos') with {target}")

    def legacy(self, ctx: FileContext, call: cst.Call, split=split_merge_function, code: str | None = None,
               shown: str = "merge(mode='cos')") -> Finding:
        """The legacy-style finding; the Merge layer rules (KM201) pass their own ``split``, code and label."""
        helper, helper_edits, helper_imports = _cosine.legacy_helper(ctx, call)
        lambda_ref, request = ctx.reference(_merge.LAYERS, "Lambda")

        def build(updated: cst.CSTNode) -> cst.CSTNode:
            bound, inputs = split(updated)
            args = [cst.Arg(cst.Name(helper))]
            for keyword, value in _cosine.legacy_arguments(bound):
                args.append(_merge.keyword_arg(keyword, value, bound.args["dot_axes"]))
            name = bound.args.get("name")
            if name is not None:
                args.append(_merge.keyword_arg("name", name.value, name))
            layer = cst.Call(lambda_ref, _merge.join_args(args))
            applied = cst.Call(layer, [_merge.positional_arg(inputs).with_changes(comma=cst.MaybeSentinel.DEFAULT)])
            return applied.with_changes(lpar=updated.lpar, rpar=updated.rpar)

        target = f"Lambda({helper}, ...)"
        code = code or self.code
        message = f"{shown} -> {target}, Keras 1.2.2's exact cosine written with keras.ops (--cos-style legacy)"
        if _merge.loses_comments(call, build(call)):
            return Finding(code, message + " (not fixed: a comment inside the call would be lost; rewrite it by hand)", call)
        fix = Fix(SAFE, f"Replace {shown} with {target}", [Edit(call, build), *helper_edits],
                  (request, *helper_imports))
        return Finding(code, message, call, fix)


def cos_differences(ctx: FileContext, call: cst.Call | None, ranks: list[int | None] | None, absorbed: bool) -> list[str]:
    """What differs from Keras 1 when ``Dot(normalize=True)`` replaces a cos merge (empty: exact).

    Shared with the ``Merge`` layer rules (KM201, KM202): ``ranks`` are the inputs' proven ranks,
    ``absorbed`` whether the output goes straight into a layer that absorbs the extra axis, ``call``
    the expression whose later reads are checked for indexing (None inside a Sequential).
    """
    rank2 = bool(ranks) and all(r == 2 for r in ranks)
    differences = []
    if not absorbed:
        differences.append(SHAPE_CHANGE)
        differences.append(LOSS_TRAP)
        if call is not None:
            differences.extend(indexing(ctx, call))
    if not rank2:
        differences.append(HIGHER_RANK + (" (input rank not proven in this file)" if not ranks or None in ranks else ""))
    return differences


def _indexes(ctx: FileContext, function: cst.BaseExpression) -> bool:
    """A lambda or def that slices its argument with two or more indices or squeezes it."""
    function = _cosine.function_of(ctx, function)
    if function is None:
        return False
    return any(
        (isinstance(node, cst.Subscript) and len(node.slice) >= 2)
        or (isinstance(node, cst.Attribute) and node.attr.value in ("squeeze", "reshape", "batch_flatten"))
        for node in tree.descendants(function)
    )


def indexing(ctx: FileContext, call: cst.Call) -> list[str]:
    """Places that read the merge's output as the (batch, 1, 1) tensor Keras 1 really returned."""
    places = _evidence.destinations(ctx, call) or []
    notes = []
    for place in places:
        parent = ctx.parent(place)
        if isinstance(parent, cst.Subscript) and parent.value is place and len(parent.slice) >= 2:
            notes.append(f"`{ctx.code(parent)}` indexes the rank-3 output")
            continue
        outer = _evidence.consumer(ctx, place)
        if outer is not None and isinstance(outer.func, cst.Call):
            layer = outer.func
            if _evidence.keras_class(ctx, layer.func) == "Lambda" and layer.args and _indexes(ctx, layer.args[0].value):
                notes.append(f"`{ctx.code(layer)}` indexes the rank-3 output")
    return notes
