"""KM404: Keras 1 training API: ``Model(input=, output=)``, ``fit(nb_epoch=)`` and fit's default epochs."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import training as table
from kmigrate.rules import _api, _training


def receiver_classes(ctx: FileContext, node: cst.BaseExpression) -> set[str] | None:
    """The classes ``node`` is built from when it is a name the file binds only to ``Sequential(...)``/
    ``Model(...)`` calls; None otherwise."""
    if not isinstance(node, cst.Name):
        return None
    bindings = ctx.resolver.bindings_of(node.value)
    if not bindings:
        return None
    found = set()
    for binding in bindings:
        parent = ctx.parent(binding.node)
        if not (isinstance(binding.node, cst.AssignTarget) and isinstance(parent, cst.Assign)
                and isinstance(parent.value, cst.Call)
                and ctx.qualified_name(parent.value.func) in table.MODEL_FACTORIES):
            return None
        found.add(ctx.qualified_name(parent.value.func))
    return found


def keras_model_receiver(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """``node`` is a name the file binds only to ``Sequential(...)``/``Model(...)`` calls."""
    return receiver_classes(ctx, node) is not None


def _given(call: cst.Call, params: tuple[str, ...]) -> tuple[set[str], bool]:
    """The parameters a call passes (positionally per ``params``, or by keyword), and whether it has ``*``/``**``."""
    given, star = set(), False
    for index, arg in enumerate(call.args):
        if arg.star:
            star = True
        elif arg.keyword is None:
            if index < len(params):
                given.add(params[index])
        else:
            given.add(arg.keyword.value)
    return given, star


class TrainingApi(Rule):
    code = "KM404"
    name = "training-api"
    summary = "Keras 1 `Model(input=, output=)`, `fit(nb_epoch=)`, fit's default of 10 epochs, arguments Keras 1 " \
              "ignored, `predict_proba`, `predict`'s verbose, `Sequential.train_on_batch` positionals"
    calls = table.MODEL_CLASSES
    node_types = (cst.Call,)
    trigger_names = frozenset({"Model", "Container", *table.METHODS, *table.IGNORED_ARGUMENTS, *table.RENAMED_METHODS,
                               "sample_weight_mode"})
    doc = """
## What it does
Rewrites `Model(input=a, output=b)` (and Keras 1's `Container`) to `Model(inputs=a, outputs=b)`,
`model.fit(..., nb_epoch=n)` to `model.fit(..., epochs=n)`, and writes `epochs=10` on a `fit` call
that relied on Keras 1's default when the receiver is a model the file builds with `Sequential(...)` or
`Model(...)`. Drops the arguments Keras 1.2.2 accepted and ignored with a deprecation warning
(`fit/evaluate(show_accuracy=)`, `train_on_batch/test_on_batch(accuracy=)`, `compile(class_mode=)`)
and `compile(sample_weight_mode=None)`; rewrites `model.predict_proba(x)` to
`model.predict(x, verbose=1)` on a model the file builds (Keras 1's `Sequential.predict_proba` returned
`predict`'s output, with a progress bar), and writes `verbose=0` on such a model's `predict(x)` (Keras 1
printed nothing; Keras 3's `verbose='auto'` draws a progress bar). On a `Sequential`, positional
arguments of `train_on_batch` after `y` are written by keyword: Keras 1's `Sequential.train_on_batch`
took `(x, y, class_weight, sample_weight)`, Keras 3's takes `(x, y, sample_weight, class_weight)`
(reported where the receiver is not known, in a Keras 1 file).

## Why is this bad?
Keras 3 raises on `input=`/`output=` (`Unrecognized keyword arguments passed to Model`) and on
`nb_epoch=` (`TypeError`). A `fit(x, y)` without epochs runs: Keras 1 trained 10 epochs, Keras 3
trains 1 (spec T8). The dropped arguments and `predict_proba` raise in Keras 3.

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
Safe: the renames are exact and the written epoch count and `verbose` are Keras 1's defaults (spec §4.5). A `fit` whose
receiver the file does not show to be a Keras model (a parameter, `self.model`, a scikit-learn estimator)
gets no `epochs=10`; its `nb_epoch=` is still renamed, since only Keras 1 spelled it so.
Unsafe: `compile(sample_weight_mode='temporal')` dropped: Keras 3 takes (samples, timesteps) weights
without it but divides the weighted loss by the number of timesteps where Keras 1 divided by the
number of non-zero weights. A `sample_weight_mode` that is not a literal is reported.
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
        if not isinstance(func, cst.Attribute):
            return
        method_name = func.attr.value
        if method_name in table.RENAMED_METHODS and keras_model_receiver(ctx, func.value):
            yield from self._renamed(node, method_name)
            return
        if method_name in table.SEQUENTIAL_POSITIONALS:
            yield from self._sequential_positionals(ctx, node, method_name)
        ignored = table.IGNORED_ARGUMENTS.get(method_name, ())
        if method_name not in table.METHODS and not ignored and method_name != "compile":
            return
        method = table.METHODS.get(method_name, {"params": (), "renames": {}, "defaults": []})
        params = method["params"]
        given, star = _given(node, params)
        renames = {k1: k3 for k1, k3 in method["renames"].items() if k1 in given}
        renamed_keywords = {arg.keyword.value for arg in node.args if arg.keyword is not None} & set(renames)
        dropped = {arg.keyword.value for arg in node.args if arg.keyword is not None and arg.keyword.value in ignored}
        unsafe, problems = [], []
        if method_name == "compile":
            mode = next((a for a in node.args if a.keyword is not None and a.keyword.value == "sample_weight_mode"), None)
            if mode is not None:
                value = _api.literal_value(mode.value)
                if value is None or value in table.SAMPLE_WEIGHT_MODE:
                    dropped.add("sample_weight_mode")
                    if table.SAMPLE_WEIGHT_MODE.get(value) is not None:
                        unsafe.append(f"sample_weight_mode={value!r}: {table.SAMPLE_WEIGHT_MODE[value]}")
                else:
                    problems.append(f"sample_weight_mode={_api.code(mode.value)}: Keras 3 has no such argument; "
                                    "drop it (and pass (samples, timesteps) sample weights for 'temporal')")
        if not renamed_keywords and not dropped and not problems and not _api.keras1_file(ctx):
            return  # a ``fit`` that shows nothing of Keras 1
        defaults = []
        if not star and keras_model_receiver(ctx, func.value):
            defaults = [(k3, code) for k1, k3, code in method["defaults"] if k1 not in given and k3 not in given]
        changes = [f"{k1}= -> {renames[k1]}=" for k1 in renamed_keywords]
        changes += [f"{k3}={code} (the Keras 1 default)" for k3, code in defaults]
        changes += [f"{name}= dropped (Keras 1 ignored it)" for name in sorted(dropped) if name in ignored]
        if "sample_weight_mode" in dropped:
            changes.append("sample_weight_mode= dropped (not a Keras 3 argument)")
        if problems:
            yield Finding(self.code, f"{method_name}(...): " + "; ".join(changes + ["not fixed: " + "; ".join(problems)]),
                          node)
            return
        if not changes:
            return

        def build(updated: cst.Call) -> cst.Call:
            args = [arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
                    if arg.keyword is not None and arg.keyword.value in renamed_keywords else arg
                    for arg in updated.args if arg.keyword is None or arg.keyword.value not in dropped]
            if dropped:
                args = _training.finish_args(updated, args)
            return updated.with_changes(args=_api.append_args(args, [_api.keyword(k3, cst.parse_expression(code))
                                                                     for k3, code in defaults]))

        yield Finding(self.code, f"{method_name}(...): " + "; ".join(changes + unsafe), node,
                      Fix(UNSAFE if unsafe else SAFE, "Write the Keras 3 spelling", [Edit(node, build)]))

    def _renamed(self, node: cst.Call, method_name: str):
        """``predict_proba(x)`` → ``predict(x, verbose=1)``: Keras 1's method, its output and its printing."""
        new = table.RENAMED_METHODS[method_name]
        method = table.METHODS.get(method_name, {"params": (), "defaults": []})
        given, star = _given(node, method["params"])
        defaults = [] if star else [(k3, code) for k1, k3, code in method["defaults"] if k1 not in given]
        message = f"{method_name}(...) -> {new}(...) (Keras 1's {method_name} returned {new}'s output)"
        message += "".join(f"; {k3}={code} (Keras 1's default)" for k3, code in defaults)

        def build(updated: cst.Call) -> cst.Call:
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(new)), args=_api.append_args(
                list(updated.args), [_api.keyword(k3, cst.parse_expression(code)) for k3, code in defaults]))

        yield Finding(self.code, message, node, Fix(SAFE, f"Call {new}", [Edit(node, build)]))

    def _sequential_positionals(self, ctx: FileContext, node: cst.Call, method_name: str):
        """Keras 1's ``Sequential.train_on_batch`` took ``class_weight`` third; Keras 3 takes ``sample_weight``."""
        params = table.SEQUENTIAL_POSITIONALS[method_name]
        late = [arg for arg in node.args[2:] if arg.keyword is None and not arg.star]
        if not late or any(arg.star for arg in node.args) or len(node.args) > len(params):
            return
        classes = receiver_classes(ctx, node.func.value)
        order = f"Keras 1's Sequential.{method_name} took ({', '.join(params)}), Keras 3 takes (x, y, sample_weight, class_weight)"
        if classes is None:
            if _api.keras1_file(ctx):
                yield Finding(self.code, f"{method_name}(...): {order}: write the arguments after y by keyword "
                                         f"(a Keras 1 functional Model took Keras 3's order)", node)
            return
        if not classes <= table.SEQUENTIAL_CLASSES:
            return  # a functional Model: Keras 1's order is Keras 3's

        def build(updated: cst.Call) -> cst.Call:
            return updated.with_changes(args=[
                _api.keyword_arg(params[index], arg.value, arg) if index >= 2 and arg.keyword is None else arg
                for index, arg in enumerate(updated.args)])

        yield Finding(self.code, f"{method_name}(...): {order}; positionals after y -> keywords", node,
                      Fix(SAFE, "Write the arguments by keyword", [Edit(node, build)]))
