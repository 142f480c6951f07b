"""KM407: Keras 1 ``fit_generator``/``evaluate_generator``/``predict_generator`` → ``fit``/``evaluate``/``predict``."""

from __future__ import annotations

import math

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import training as table
from kmigrate.rules import _api, _training

#: Keywords only Keras 1 gave these methods (Keras 2 spelled them steps_per_epoch/epochs/steps).
_KERAS1_KEYWORDS = frozenset({"samples_per_epoch", "nb_epoch", "nb_val_samples", "val_samples", "max_q_size",
                              "nb_worker", "pickle_safe"})
_KERAS2_KEYWORDS = frozenset({"steps_per_epoch", "epochs", "steps", "validation_steps", "workers",
                              "use_multiprocessing", "max_queue_size"})
_SIMPLE = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer)


def _steps(samples: cst.BaseExpression, batch: cst.BaseExpression, ceil_ref) -> cst.BaseExpression:
    """``ceil(samples / batch)``, computed when both are literals."""
    s, b = _api.literal_value(samples), _api.literal_value(batch)
    if isinstance(s, int) and isinstance(b, int) and b > 0:
        return cst.Integer(str(math.ceil(s / b)))
    left = samples if isinstance(samples, _SIMPLE) else samples.with_changes(
        lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Call(ceil_ref, [cst.Arg(cst.BinaryOperation(left, cst.Divide(), batch))])


def _is_arrays(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """``(x, y)`` written out, or a name assigned once to such a tuple: validation arrays, not a generator."""
    value = _training.assigned_value(ctx, node) if isinstance(node, cst.Name) else node
    return isinstance(value, (cst.Tuple, cst.List))


class GeneratorMethods(Rule):
    code = "KM407"
    name = "generator-methods"
    summary = "Keras 1 `fit_generator`/`evaluate_generator`/`predict_generator` counted samples; Keras 3 " \
              "`fit`/`evaluate`/`predict` count steps"
    node_types = (cst.Call,)
    trigger_names = frozenset(table.GENERATOR_METHODS)
    doc = """
## What it does
Rewrites `model.fit_generator(gen, samples_per_epoch, nb_epoch, ...)` to
`model.fit(gen, steps_per_epoch=ceil(samples_per_epoch / batch_size), epochs=nb_epoch, ...)`, and
`evaluate_generator(gen, val_samples)` / `predict_generator(gen, val_samples)` to
`evaluate(gen, steps=...)` / `predict(gen, steps=...)`; `nb_val_samples` becomes `validation_steps`
the same way. Every other argument is written by keyword (Keras 3's positional order differs).
`max_q_size`, `nb_worker`, `pickle_safe` are dropped: Keras 3's methods take no worker arguments
(wrap the data in a `keras.utils.PyDataset(workers=..., use_multiprocessing=..., max_queue_size=...)`
to load in parallel). `show_accuracy`, which Keras 1 ignored, is dropped.

The batch size must be visible in the file: the generator argument is a call written with
`batch_size=<int or module-level constant>` (`datagen.flow(X, Y, batch_size=32)`,
`batches(X, Y, batch_size=BATCH)`), an `ImageDataGenerator().flow(...)`/`flow_from_directory(...)`
iterator at its default of 32, or a name assigned once to one of these. Otherwise the call is reported
with the formula to write.

## Why is this bad?
Keras 3 has no `fit_generator`/`evaluate_generator`/`predict_generator` (`AttributeError`). A Python
generator passed to `fit` without `steps_per_epoch` is drawn until it is exhausted: an endless
generator makes an endless epoch.

## Example
```python
model.fit_generator(datagen.flow(X, Y, batch_size=32), samples_per_epoch=len(X), nb_epoch=5,
                    nb_worker=2)
```

## Use instead
```python
from math import ceil

model.fit(datagen.flow(X, Y, batch_size=32), steps_per_epoch=ceil(len(X) / 32), epochs=5)
```

## Fix safety
Unsafe: Keras 1 counted samples and ended an epoch once `samples_per_epoch` were seen, so a short
batch (the end of a pass over the data) made it draw one more batch than `ceil(samples / batch_size)`.
The rewrite is exact when every batch holds `batch_size` samples or `samples_per_epoch` is the size of
one pass over the data (the common `samples_per_epoch=len(X)`). Dropping the worker arguments keeps the
batches and their order (one loader instead of several).
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in table.GENERATOR_METHODS:
            return
        k1_method = func.attr.value
        k3_method, params, quiet = table.GENERATOR_METHODS[k1_method]
        if any(a.star == "**" for a in node.args):
            yield Finding(self.code, f"{k1_method}(...) is not in Keras 3: write {k3_method}(...) with steps "
                                     f"instead of sample counts (the **kwargs hide the arguments)", node)
            return
        bound = _training.bind(node, params)
        if bound is None:
            return
        keywords = {a.keyword.value for a in node.args if a.keyword is not None}
        if keywords & _KERAS2_KEYWORDS:
            return  # Keras 2 spelling: its second positional is already a step count
        if not keywords & _KERAS1_KEYWORDS and not _api.keras1_file(ctx):
            return
        values = dict(bound)
        changes, problems, dropped = [f"{k1_method} -> {k3_method}"], [], []
        steps: dict[str, cst.BaseExpression] = {}  # Keras 1 parameter → its batch size
        validation = values.get("validation_data")
        ceil_ref = ceil_request = None
        for param, arg in bound:
            how = table.GENERATOR_ARGUMENTS.get(param)
            if not isinstance(how, tuple) or how[0] != "steps":
                continue
            source = validation if param == "nb_val_samples" else values.get("generator")
            if param == "nb_val_samples" and (validation is None or _is_arrays(ctx, validation.value)):
                dropped.append(param)
                changes.append(f"{param} dropped (Keras 1 read it only for a validation generator)")
                continue
            batch = _training.batch_size_of(ctx, source.value) if source is not None else None
            if batch is None:
                what = "validation generator" if param == "nb_val_samples" else "generator"
                problems.append(f"the {what}'s batch size is not visible in this file: write "
                                f"{how[1]}=ceil({_api.code(arg.value)} / batch_size)")
                continue
            steps[param] = batch
            formula = _api.code(_steps(arg.value, batch, cst.Name("ceil")))
            changes.append(f"{param}={_api.code(arg.value)} -> {how[1]}={formula}")
            if not isinstance(_steps(arg.value, batch, cst.Name("ceil")), cst.Integer) and ceil_ref is None:
                ceil_ref, ceil_request = ctx.reference("math", "ceil")
        for param, arg in bound:
            how = table.GENERATOR_ARGUMENTS.get(param)
            if isinstance(how, tuple) and how[0] == "drop":
                dropped.append(param)
                changes.append(f"{param} dropped ({how[1]})")
            elif isinstance(how, tuple):
                continue  # a step count, above
            elif how is None and param not in params:
                problems.append(f"{param}= is not an argument of Keras 1's {k1_method}")
            elif isinstance(how, str) and not (param == "generator" and arg.keyword is None):
                changes.append(f"{param} -> {how}=")
            elif how is None and arg.keyword is None:
                changes.append(f"positional {param} -> {param}=")
        quiet = [(k3, value) for k3, value in quiet if k3 not in values]
        changes += [f"{k3}={value} (Keras 1 printed nothing)" for k3, value in quiet]
        message = f"{k1_method}(...) is not in Keras 3: " + "; ".join(dict.fromkeys(changes))
        if problems:
            yield Finding(self.code, message + "; not fixed: " + "; ".join(problems), node)
            return

        def build(updated: cst.Call) -> cst.Call:
            args = []
            for param, arg in _training.bind(updated, params):
                how = table.GENERATOR_ARGUMENTS.get(param)
                if param in dropped:
                    continue
                if isinstance(how, tuple) and how[0] == "steps":
                    args.append(_api.keyword_arg(how[1], _steps(arg.value, steps[param], ceil_ref), arg))
                elif param == "generator" and arg.keyword is None:
                    args.append(arg)
                else:
                    args.append(_api.keyword_arg(how if isinstance(how, str) else param, arg.value, arg))
            args = _api.append_args(_training.finish_args(updated, args),
                                    [_api.keyword(k3, cst.parse_expression(value)) for k3, value in quiet])
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(k3_method)), args=args)

        yield Finding(self.code, message + "; exact when every batch holds batch_size samples (Keras 1 counted "
                                           "samples: a short batch made it draw one more)", node,
                      Fix(UNSAFE, f"Write {k3_method}(...) with steps", [Edit(node, build)],
                          (ceil_request,) if ceil_request is not None else ()))
