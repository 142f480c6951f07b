"""KM411: Keras 1 weight regularizers and constraints that Keras 3 renamed (or whose defaults changed)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import layers as table
from kmigrate.rules import _api


class RegularizersConstraints(Rule):
    code = "KM411"
    name = "regularizers-constraints"
    summary = "Keras 1 `l1l2`, `activity_l2`, `maxnorm(m=)`, `l2(l=)`, ... renamed in Keras 3"
    calls = frozenset(table.WEIGHT_CALLABLES)
    trigger_names = frozenset(q.rsplit(".", 1)[1] for q in table.WEIGHT_CALLABLES)
    replaced_imports = frozenset(q.rsplit(".", 1)[1] for q, row in table.WEIGHT_CALLABLES.items()
                                 if row[0] != q.rsplit(".", 1)[1])
    doc = """
## What it does
Rewrites Keras 1 regularizers and constraints to their Keras 3 names and arguments (spec §4.6):
`l1l2(...)` / `activity_l1l2(...)` → `l1_l2(...)` with Keras 1's defaults `l1=0.01, l2=0.01` written
where left out, `activity_l1`/`activity_l2` → `l1`/`l2`, `l1(l=...)`/`l2(l=...)` → `l1=`/`l2=`,
`WeightRegularizer`/`ActivityRegularizer`/`L1L2Regularizer` → `L1L2`, `maxnorm(m=...)` /
`MaxNorm(m=...)` → `max_norm(max_value=...)` / `MaxNorm(max_value=...)`, `nonneg` → `non_neg`,
`unitnorm` → `unit_norm`, `MinMaxNorm(low=, high=)` → `min_value=`/`max_value=`.

## Why is this bad?
Keras 3 has no `l1l2`, `activity_*`, `maxnorm`, `nonneg`, `unitnorm` (`AttributeError`), rejects `l=`
and `m=` (`TypeError`), and its `l1_l2()` defaults to 0.0 where Keras 1's `l1l2()` used 0.01: a
name-for-name port would silently drop the regularization.

## Example
```python
from keras.regularizers import l1l2, activity_l2
from keras.constraints import maxnorm

d = Dense(64, W_regularizer=l1l2(), activity_regularizer=activity_l2(0.1), W_constraint=maxnorm(m=3))
```

## Use instead
```python
from keras.regularizers import l1_l2, l2
from keras.constraints import max_norm

d = Dense(64, kernel_regularizer=l1_l2(l1=0.01, l2=0.01), activity_regularizer=l2(0.1),
          kernel_constraint=max_norm(max_value=3))
```

## Fix safety
Safe: the same functions (same formulas, Keras 1's defaults written). What changed around them is
reported elsewhere: Keras 3 divides an `activity_regularizer`'s loss by the batch size (Keras 1 did not),
and a constraint's `axis` refers to Keras 3's kernel layout (rows, cols, in, out), which differs from a
Keras 1 `dim_ordering='th'` kernel's.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        module, written = qualname.rsplit(".", 1)
        target, params, renames, defaults = table.WEIGHT_CALLABLES[qualname]
        func, imports = None, ()
        if target != written:
            if isinstance(call.func, cst.Attribute):  # regularizers.l1l2: the module object stays
                func = call.func.with_changes(attr=cst.Name(target))
            else:
                func, request = ctx.reference(module, target)
                imports = (request,)
        rewrite = _api.rewrite_call(call, func, params, renames, defaults)
        if rewrite is None:
            return
        changes, build = rewrite
        if target != written:
            changes.insert(0, f"{written} -> {target}")
        if not changes:
            return
        yield Finding(self.code, f"{written}(...): " + "; ".join(changes), call,
                      Fix(SAFE, f"Write {target}(...)", [Edit(call, build)], imports))
