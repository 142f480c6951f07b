"""KM302: a hand-written cosine-similarity ``Lambda`` → ``Dot(axes=..., normalize=True)``."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.rules import _cosine, _evidence, _merge

ZERO = "zero vectors: Keras 1 gave NaN, Dot gives 0"
TINY = "a vector norm below 1e-7: Dot clamps it (values scaled by |x|/1e-7)"
PRODUCT_CLAMP = "the function clamps |x|*|y| at epsilon: products below 1e-7 differ (spec §1.5)"


class CosineLambda(Rule):
    code = "KM302"
    name = "cosine-lambda"
    summary = "hand-written cosine-similarity `Lambda` → `Dot(axes=..., normalize=True)`"
    calls = _cosine.LAMBDA_CALLS
    trigger_names = frozenset({"Lambda"})
    doc = """
## What it does
Finds a `Lambda` applied to two tensors whose function (a `def` or a lambda of the file) computes
their cosine similarity with Keras 1's backend, and rewrites it to Keras 3's
`Dot(axes=axis, normalize=True)`. Recognised (spec §5, either argument order, with or without
intermediate variables, `x, y = vects` or `vects[0]`):

    K.sum(K.l2_normalize(x, axis=a) * K.l2_normalize(y, axis=a), axis=a, keepdims=True)
    K.batch_dot(x, y, axes=a) / (K.sqrt(K.sum(K.square(x), axis=a, keepdims=True))
                                 * K.sqrt(K.sum(K.square(y), axis=a, keepdims=True)))

and the second with `K.maximum(..., K.epsilon())` around the product or around each norm. A
cosine *distance* `1 - cos` keeps its meaning: `Lambda(lambda c: 1 - c)` after the `Dot`. The
function and its `output_shape` function are removed when nothing else uses them.

## Why is this bad?
`K.l2_normalize`, `K.sum`, `K.batch_dot`, `K.sqrt` no longer exist in Keras 3's `keras.backend`:
the function fails when the model is built. `Dot(normalize=True)` computes the same cosine.

Worked example, x = (.6, .8), y = (.8, .6):

| x, y | Keras 1 function | `Dot(axes=1, normalize=True)` |
| --- | --- | --- |
| 1·(x, y) | 0.96 | 0.96 |
| 1e-3·(x, y) | 0.96 | 0.96 |
| zero vectors | NaN (0/0) | 0.0 |
| norms 1e-8 | 0.96 | 0.0096 (each norm clamped at 1e-7) |
| norms 1e20 | 0.0 (x² overflows) | 0.0 |

## Example
```python
from keras import backend as K
from keras.layers import Input, Lambda

def cosine_similarity(vests):
    x, y = vests
    x = K.l2_normalize(x, axis=-1)
    y = K.l2_normalize(y, axis=-1)
    return K.sum(x * y, axis=-1, keepdims=True)

def cos_output_shape(shapes):
    return (shapes[0][0], 1)

a = Input(shape=(128,))
b = Input(shape=(128,))
similarity = Lambda(cosine_similarity, output_shape=cos_output_shape)([a, b])
```

## Use instead
```python
from keras import backend as K
from keras.layers import Input, Lambda, Dot

a = Input(shape=(128,))
b = Input(shape=(128,))
similarity = Dot(axes=-1, normalize=True)([a, b])
```

## Fix safety
Safe when the file proves both inputs are rank 2 (on rank-3 inputs the function gives one cosine
per position, `(batch, n, 1)`, while `Dot` gives `(batch, n, n)`). The values are the same except
where Keras 1 itself degenerated or the inputs are not usable vectors: zero vectors (Keras 1 NaN,
Dot 0), vector norms below 1e-7 (Dot clamps each norm), norms of 1e20 and more (both overflow).
When the function clamps the *product* of the norms with `K.maximum(..., K.epsilon())`, products
below 1e-7 differ as in `mode='cos'` (spec §1.5), an exclusion stated in the message. Unsafe when
the rank is not proven; the message says so.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        use = _cosine.lambda_use(ctx, call)
        if use is None or use.cosine.kind != "cos":
            return
        elements = _cosine.input_elements(use)
        ranks = [_evidence.rank_of(ctx, e) for e in elements]
        rank2 = all(r == 2 for r in ranks)
        axis = use.cosine.axis
        axes_code = repr(list(axis)) if isinstance(axis, tuple) else repr(axis)
        reasons = []
        if not rank2:
            reasons.append("input rank not proven to be 2 in this file: on rank-3 inputs the function gives "
                           "(batch, n, 1) per-position cosines, Dot gives (batch, n, n)")
        notes = [ZERO, TINY]
        if use.cosine.clamp == "product":
            notes.append(PRODUCT_CLAMP)
        shown = ctx.code(use.function_node) if not isinstance(use.function, cst.Lambda) else "lambda"
        kind = "distance 1 - cos" if use.cosine.distance else "similarity"
        target = f"Dot(axes={axes_code}, normalize=True)"
        if use.cosine.distance:
            target = f"Lambda(lambda c: 1 - c)({target}(...))"
        message = f"Lambda({shown}) computes the cosine {kind} with Keras 1's backend -> {target}; " + "; ".join([*reasons, *notes])
        yield self.finding(ctx, use, axes_code, message, UNSAFE if reasons else SAFE, f"Replace the cosine Lambda with {target}")

    def finding(self, ctx: FileContext, use: _cosine.LambdaUse, axes_code: str, message: str, applicability: str,
                description: str) -> Finding:
        dot_ref, dot_request = ctx.reference(_merge.LAYERS, "Dot")
        requests = [dot_request]
        lambda_ref = None
        if use.cosine.distance:
            lambda_ref, lambda_request = ctx.reference(_merge.LAYERS, "Lambda")
            requests.append(lambda_request)

        def build(updated: cst.CSTNode) -> cst.CSTNode:
            layer = updated.func
            bound = _merge.bind(layer, _cosine.LAMBDA_PARAMS + ("mask", "name"))
            name = bound.args.get("name")
            dot_args = [_merge.keyword_arg("axes", cst.parse_expression(axes_code)),
                        _merge.keyword_arg("normalize", cst.Name("True"))]
            if name is not None and lambda_ref is None:
                dot_args.append(_merge.keyword_arg("name", name.value, name))
            result = cst.Call(cst.Call(dot_ref, _merge.join_args(dot_args)), updated.args)
            if lambda_ref is not None:
                args = [cst.Arg(cst.parse_expression("lambda c: 1 - c"))]
                if name is not None:
                    args.append(_merge.keyword_arg("name", name.value, name))
                result = cst.Call(cst.Call(lambda_ref, _merge.join_args(args)), [cst.Arg(result)])
            return result.with_changes(lpar=updated.lpar, rpar=updated.rpar)

        if _merge.loses_comments(use.outer, build(use.outer)):
            return Finding(self.code, message + " (not fixed: a comment inside the call would be lost)", use.layer)
        edits = [Edit(use.outer, build)]
        for node in (use.function_node, use.bound.value("output_shape")):
            statement = _cosine.definition_statement(ctx, node) if node is not None else None
            if statement is not None:
                edits.append(_cosine.removal(statement))
        return Finding(self.code, message, use.layer, Fix(applicability, description, edits, tuple(requests)))
