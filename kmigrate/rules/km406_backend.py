"""KM406: Keras 1 backend functions ``K.*`` that Keras 3 spells ``keras.ops.*`` (and a few others)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import backend as table
from kmigrate.rules import _api

BACKEND = "keras.backend"


class BackendFunctions(Rule):
    code = "KM406"
    name = "backend-function"
    summary = "Keras 1 `K.*` backend function that Keras 3 moved to `keras.ops` (or renamed)"
    calls = frozenset(f"{BACKEND}.{name}" for name in (*table.OPS, "image_dim_ordering"))
    trigger_names = frozenset((*table.OPS, "image_dim_ordering"))
    doc = """
## What it does
Rewrites calls of Keras 1 backend functions (`from keras import backend as K`; `K.sum(...)`) that
Keras 3's `keras.backend` no longer has to their exact Keras 3 spelling: `K.sum` → `ops.sum`,
`K.lesser` → `ops.less`, `K.pow` → `ops.power`, `K.permute_dimensions(x, p)` → `ops.transpose(x, p)`,
`K.clip(x, min_value=, max_value=)` → `x_min=`/`x_max=`, `K.relu(x, alpha=)` →
`activations.relu(x, negative_slope=)`, `K.dropout` → `keras.random.dropout`, … Where Keras 3 changed a
default, Keras 1's is written (T18): `K.concatenate(xs)` → `ops.concatenate(xs, axis=-1)`,
`K.argmax(x)` → `ops.argmax(x, axis=-1)`, `K.gather(r, i)` → `ops.take(r, i, axis=0)`,
`K.expand_dims(x)` → `ops.expand_dims(x, axis=-1)`, `K.arange` gets `dtype='int32'`. The
cross-entropies, whose argument order Keras 3 swapped (T19), are written with keywords
(`ops.binary_crossentropy(output=out, target=tgt)`).

`K.image_dim_ordering()` compared with a literal becomes a comparison of
`keras.config.image_data_format()` with the mapped value (`== 'tf'` → `== 'channels_last'`,
`'th'` → `'channels_first'`); anywhere else it becomes an expression with Keras 1's value,
`('tf' if config.image_data_format() == 'channels_last' else 'th')`, for the code that consumes it.

## Why is this bad?
`AttributeError: module 'keras.backend' has no attribute 'sum'`; and a name-for-name port is silently
wrong where defaults or argument orders changed (`ops.concatenate` joins on axis 0, `ops.argmax`
returns a flat index, `ops.take` flattens).

## Example
```python
from keras import backend as K

y = K.concatenate([K.mean(a, axis=1), K.max(b, axis=1)])
bn_axis = 3 if K.image_dim_ordering() == 'tf' else 1
```

## Use instead
```python
from keras import backend as K
from keras import ops

y = ops.concatenate([ops.mean(a, axis=1), ops.max(b, axis=1)], axis=-1)
bn_axis = 3 if config.image_data_format() == 'channels_last' else 1
```
Functions without an exact drop-in (`K.batch_dot`, `K.l2_normalize`, `K.sqrt`, `K.repeat`, `K.switch`,
`K.function`, `K.learning_phase`, …) are reported by KM503 with what to write.

## Fix safety
Safe: each rewrite is an R or D row of spec §4.4 (same function, Keras 1's defaults written);
`image_data_format()` has exactly two values, one for each of Keras 1's orderings (kind V).
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        if name == "image_dim_ordering":
            yield from _image_dim_ordering(ctx, call)
            return
        module, target, params, renames, defaults, keywords_only = table.OPS[name]
        parent, last = module.rsplit(".", 1)
        module_ref, request = ctx.reference(parent, last)
        spelled = f"{_api.code(module_ref)}.{target}"
        rewrite = _api.rewrite_call(call, cst.Attribute(module_ref, cst.Name(target)), params, renames, defaults,
                                    keywords_only)
        if rewrite is None:
            return
        changes, build = rewrite
        yield Finding(self.code, "; ".join([f"K.{name} -> {spelled}", *changes]), call,
                      Fix(SAFE, f"Write {spelled}", [Edit(call, build)], (request,)))


def _image_dim_ordering(ctx: FileContext, call: cst.Call):
    if call.args:
        return
    config_ref, request = ctx.reference("keras", "config")
    data_format = cst.Call(func=cst.Attribute(config_ref, cst.Name("image_data_format")))
    parent = ctx.parent(call)
    if isinstance(parent, cst.ComparisonTarget):
        parent = ctx.parent(parent)
    literal = _compared_literal(parent, call)
    if literal is not None:
        value = table.IMAGE_DIM_ORDERING[literal.evaluated_value]
        spelled = f"{_api.code(data_format)} {_api.code(parent.comparisons[0].operator).strip()} " \
                  f"{literal.prefix}{literal.quote}{value}{literal.quote}"

        def build(updated: cst.Comparison) -> cst.Comparison:
            def swap(side: cst.BaseExpression) -> cst.BaseExpression:
                if isinstance(side, cst.SimpleString):
                    return side.with_changes(value=f"{side.prefix}{side.quote}{value}{side.quote}")
                return data_format.with_changes(lpar=side.lpar, rpar=side.rpar)

            target = updated.comparisons[0]
            return updated.with_changes(left=swap(updated.left),
                                        comparisons=[target.with_changes(comparator=swap(target.comparator))])

        yield Finding("KM406", f"K.image_dim_ordering() compared with {_api.code(literal)} -> {spelled}", parent,
                      Fix(SAFE, f"Write {spelled}", [Edit(parent, build)], (request,)))
        return
    names = {v: k for k, v in table.IMAGE_DIM_ORDERING.items()}
    spelled = f"'{names['channels_last']}' if {_api.code(data_format)} == 'channels_last' else " \
              f"'{names['channels_first']}'"

    # a conditional expression needs parentheses except where it stands alone
    alone = isinstance(parent, (cst.Arg, cst.Assign, cst.AnnAssign, cst.Return, cst.Element, cst.Expr))

    def build_value(updated: cst.Call) -> cst.BaseExpression:
        lpar, rpar = (updated.lpar, updated.rpar) if updated.lpar or alone else ([cst.LeftParen()], [cst.RightParen()])
        return cst.parse_expression(spelled).with_changes(lpar=lpar, rpar=rpar)

    yield Finding("KM406", f"K.image_dim_ordering() -> {spelled} (Keras 1's value)", call,
                  Fix(SAFE, f"Write {spelled}", [Edit(call, build_value)], (request,)))


def _compared_literal(parent, call: cst.Call) -> cst.SimpleString | None:
    """The 'tf'/'th' literal that ``call`` is compared with by ``==``/``!=``, else None."""
    if not isinstance(parent, cst.Comparison) or len(parent.comparisons) != 1:
        return None
    target = parent.comparisons[0]
    if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
        return None
    other = target.comparator if parent.left is call else parent.left if target.comparator is call else None
    if other is None:
        return None
    if isinstance(other, cst.SimpleString) and other.evaluated_value in table.IMAGE_DIM_ORDERING:
        return other
    return None
