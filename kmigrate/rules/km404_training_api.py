"""KM404: Keras 1 training API: ``Model(input=, output=)``, ``fit(nb_epoch=)`` and fit's default epochs."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import training as table
from kmigrate.rules import _api


def keras_model_receiver(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """``node`` is a name the file binds only to ``Sequential(...)``/``Model(...)`` calls."""
    if not isinstance(node, cst.Name):
        return False
    bindings = [b for scope in ctx.resolver.scopes for b in scope.bindings.get(node.value, ())]
    if not bindings:
        return False
    for binding in bindings:
        parent = ctx.parent(binding.node)
        if not (isinstance(binding.node, cst.AssignTarget) and isinstance(parent, cst.Assign)
                and isinstance(parent.value, cst.Call)
                and ctx.qualified_name(parent.value.func) in table.MODEL_FACTORIES):
            return False
    return True


class TrainingApi(Rule):
    code = "KM404"
    name = "training-api"
    summary = "Keras 1 `Model(input=, output=)`, `fit(nb_epoch=)` and fit's Keras 1 default of 10 epochs"
    calls = table.MODEL_CLASSES
    node_types = (cst.Call,)
    trigger_names = frozenset({"Model", "Container", "fit"})
    doc = """
## What it does
Rewrites `Model(input=a, output=b)` (and Keras 1's `Container`) to `Model(inputs=a, outputs=b)`,
`model.fit(..., nb_epoch=n)` to `model.fit(..., epochs=n)`, and writes `epochs=10` on a `fit` call
that relied on Keras 1's default when the receiver is a model the file builds with `Sequential(...)` or
`Model(...)`.

## Why is this bad?
Keras 3 raises on `input=`/`output=` (`Unrecognized keyword arguments passed to Model`) and on
`nb_epoch=` (`TypeError`). A `fit(x, y)` without epochs runs: Keras 1 trained 10 epochs, Keras 3
trains 1 (spec T8).

## Example
```python
model = Model(input=a, output=b)
model.fit(x, y, nb_epoch=20)
model.fit(x, y)
```

## Use instead
```python
model = Model(inputs=a, outputs=b)
model.fit(x, y, epochs=20)
model.fit(x, y, epochs=10)
```

## Fix safety
Safe: the renames are exact and the written epoch count is Keras 1's default (spec §4.5). A `fit` whose
receiver the file does not show to be a Keras model (a parameter, `self.model`, a scikit-learn estimator)
gets no `epochs=10`; its `nb_epoch=` is still renamed, since only Keras 1 spelled it so.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        renames = {arg.keyword.value: table.MODEL_ARGUMENTS[arg.keyword.value] for arg in call.args
                   if arg.keyword is not None and arg.keyword.value in table.MODEL_ARGUMENTS}
        if not renames:
            return
        changes = "; ".join(f"{k1}= -> {k3}=" for k1, k3 in renames.items())

        def build(updated: cst.Call) -> cst.Call:
            return updated.with_changes(args=[
                arg.with_changes(keyword=cst.Name(table.MODEL_ARGUMENTS[arg.keyword.value]))
                if arg.keyword is not None and arg.keyword.value in table.MODEL_ARGUMENTS else arg
                for arg in updated.args])

        written = qualname.rsplit(".", 1)[1]
        yield Finding(self.code, f"{written}(...): {changes}", call, Fix(SAFE, "Write inputs=/outputs=", [Edit(call, build)]))

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in table.METHODS:
            return
        method = table.METHODS[func.attr.value]
        params = method["params"]
        given, star = set(), False
        for index, arg in enumerate(node.args):
            if arg.star:
                star = True
            elif arg.keyword is None:
                if index < len(params):
                    given.add(params[index])
            else:
                given.add(arg.keyword.value)
        renames = {k1: k3 for k1, k3 in method["renames"].items() if k1 in given}
        renamed_keywords = {arg.keyword.value for arg in node.args if arg.keyword is not None} & set(renames)
        if not renamed_keywords and not _api.keras1_file(ctx):
            return  # a ``fit`` that shows nothing of Keras 1
        defaults = []
        if not star and keras_model_receiver(ctx, func.value):
            defaults = [(k3, code) for k1, k3, code in method["defaults"] if k1 not in given and k3 not in given]
        changes = [f"{k1}= -> {renames[k1]}=" for k1 in renamed_keywords]
        changes += [f"{k3}={code} (the Keras 1 default)" for k3, code in defaults]
        if not changes:
            return

        def build(updated: cst.Call) -> cst.Call:
            args = [arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
                    if arg.keyword is not None and arg.keyword.value in renamed_keywords else arg
                    for arg in updated.args]
            return updated.with_changes(args=_api.append_args(args, [_api.keyword(k3, cst.parse_expression(code))
                                                                     for k3, code in defaults]))

        yield Finding(self.code, f"{func.attr.value}(...): " + "; ".join(changes), node,
                      Fix(SAFE, "Write the Keras 3 spelling", [Edit(node, build)]))
