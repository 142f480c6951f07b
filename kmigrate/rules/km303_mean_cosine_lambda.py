"""KM303: the widely copied ``-K.mean(l2n(x) * l2n(y))`` "cosine distance" Lambda, which computes
``-cos/n``: ported to ``keras.ops`` as is, with the ``Dot`` version as a suggestion only."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine import tree
from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Edit, Finding, Fix, Rule
from kmigrate.rules import _cosine, _evidence, _merge


class MeanCosineLambda(Rule):
    code = "KM303"
    name = "mean-cosine-lambda"
    summary = "`-K.mean(l2_normalize(x) * l2_normalize(y))` computes -cos/n: ported to `keras.ops` as is"
    calls = _cosine.LAMBDA_CALLS
    trigger_names = frozenset({"Lambda"})
    doc = """
## What it does
Finds the most copied cosine "distance" of Keras 1/2 code, a `Lambda` whose function computes

    -K.mean(K.l2_normalize(x, axis=-1) * K.l2_normalize(y, axis=-1), axis=-1, keepdims=True)

and says what it really computes: the **mean** of the products, not their sum, so
`-cos(x, y) / n` with n the size of the last axis, in the range `[-1/n, 1/n]` (not a distance in
`[0, 2]`). The fix ports it to `keras.ops` unchanged (spec §5, version 1):

    x / ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True))   # for each K.l2_normalize
    -ops.mean(nx * ny, axis=-1, keepdims=True)                      # for K.mean

## Why is this bad?
`K.l2_normalize` and `K.mean` do not exist in Keras 3's `keras.backend`: the function fails when
the model is built. And the function is not the cosine distance its name says.

Worked example, x = (.6, .8, 0, 0), y = (.8, .6, 0, 0), n = 4: cos = 0.96, the function returns
-0.96 / 4 = **-0.24**; for 128-unit embeddings the whole output range is [-0.0078, 0.0078].
Zero vectors give NaN (0/0, Keras 1 and the port alike).

## Example
```python
from keras import backend as K
from keras.layers import Lambda

def cosine_distance(vests):
    x, y = vests
    x = K.l2_normalize(x, axis=-1)
    y = K.l2_normalize(y, axis=-1)
    return -K.mean(x * y, axis=-1, keepdims=True)

distance = Lambda(cosine_distance, output_shape=cos_dist_output_shape)([processed_a, processed_b])
```

## Use instead
```python
from keras import backend as K
from keras import ops
from keras.layers import Lambda

def cosine_distance(vests):
    x, y = vests
    x = x / ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True))
    y = y / ops.sqrt(ops.sum(ops.square(y), axis=-1, keepdims=True))
    return -ops.mean(x * y, axis=-1, keepdims=True)
```
If the intent was the cosine similarity, `Dot(axes=-1, normalize=True)([a, b])` computes `cos`
(and `Lambda(lambda c: 1 - c)` after it the distance `1 - cos`): the message shows it, but it is
never applied, not even with `--unsafe-fixes`, because it multiplies the values by `-n`: a
threshold, a margin in a contrastive loss or a learning rate tuned on the old scale would
silently change meaning. Make that change by hand, with the thresholds.

## Fix safety
Safe: the port computes the same formula with the same operations (the same values, NaN for zero
vectors included). Not fixed when an argument of `K.l2_normalize` is not a plain name or subscript
(it would be evaluated twice).
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        use = _cosine.lambda_use(ctx, call)
        if use is None or use.cosine.kind != "neg_mean":
            return
        done = ctx.cache.setdefault("km303.functions", set())
        if id(use.function) in done:
            return
        done.add(id(use.function))
        sizes = {_evidence.last_dim_of(ctx, e) for e in _cosine.input_elements(use)}
        n = sizes.pop() if len(sizes) == 1 else None
        axis = use.cosine.axis
        where = f"n = {n}, range [{-1 / n:.3g}, {1 / n:.3g}]" if n else "n = size of the last axis, range [-1/n, 1/n]"
        shown = ctx.code(use.function_node) if not isinstance(use.function, cst.Lambda) else "lambda"
        message = (f"Lambda({shown}) computes -cos/n, not a cosine distance: -K.mean of the normalised product "
                   f"({where}); the fix ports it to keras.ops unchanged; "
                   f"Dot(axes={axis!r}, normalize=True) would give cos (values times -n): change it by hand, "
                   f"with any threshold or margin tuned on the old scale")
        edits, requests = self.port(ctx, use.function)
        if edits is None:
            yield Finding(self.code, message + " (not fixed: an argument of K.l2_normalize is not a plain name)", use.layer)
            return
        yield Finding(self.code, message, use.layer,
                      Fix(SAFE, "Port the function to keras.ops, keeping its values", edits, requests))

    def port(self, ctx: FileContext, function: cst.CSTNode):
        ops_ref, request = ctx.reference("keras", "ops")
        ops = cst.Module([]).code_for_node(ops_ref)
        calls = [node for node in tree.descendants(function) if isinstance(node, cst.Call)]
        edits = []
        for call in calls:
            qualname = ctx.qualified_name(call.func) or ""
            if qualname == "keras.backend.l2_normalize":
                bound = _merge.bind(call, ("x", "axis"))
                x = bound.value("x") if bound else None
                if not _plain(x):
                    return None, ()
                axis = cst.Module([]).code_for_node(bound.value("axis"))
                code = cst.Module([]).code_for_node(x)
                new = f"{code} / {ops}.sqrt({ops}.sum({ops}.square({code}), axis={axis}, keepdims=True))"
                parens = not isinstance(ctx.parent(call), (cst.Assign, cst.Return, cst.Arg))
                edits.append(Edit(call, _replace(new, parens)))
            elif qualname == "keras.backend.mean":
                edits.append(Edit(call.func, lambda updated, ref=ops_ref: cst.Attribute(ref, cst.Name("mean"))))
        return edits, (request,)


def _plain(node: cst.BaseExpression | None) -> bool:
    if isinstance(node, cst.Name):
        return True
    return isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and _merge.is_literal(node.slice[0].slice.value) \
        if isinstance(node, cst.Subscript) and isinstance(node.slice[0].slice, cst.Index) else False


def _replace(code: str, parens: bool):
    expression = cst.parse_expression(f"({code})" if parens else code)

    def build(updated: cst.CSTNode) -> cst.CSTNode:
        return expression

    return build
