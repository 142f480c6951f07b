"""KM405: Keras 1 optimizer arguments: ``lr``, ``decay``, positional arguments, Keras 1 defaults."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import training as table
from kmigrate.rules import _api

_ZERO = (0, 0.0)


class Optimizers(Rule):
    code = "KM405"
    name = "optimizer-arguments"
    summary = "Keras 1 optimizer `lr=`, `decay=`, positional arguments and defaults"
    calls = frozenset(f"{module}.{name}" for module in table.OPTIMIZER_MODULES for name in table.OPTIMIZERS)
    node_types = (cst.Call, cst.Attribute)
    trigger_names = frozenset({*table.OPTIMIZERS, "compile", *table.OPTIMIZER_ATTRIBUTES})
    doc = """
## What it does
Rewrites Keras 1 optimizer constructors: `lr=` → `learning_rate=`; every positional argument to a
keyword (Keras 3's positional order differs: `SGD(0.1, 0.9, 1e-6, True)` would set
`nesterov=1e-06, weight_decay=True`, spec T5/T6); `decay=d` →
`learning_rate=InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`, which is Keras 1's
`lr / (1 + d * iterations)` (Keras 3 ignores `decay` with a warning, T7); and, in a file that shows
Keras 1 spellings, the Keras 1 defaults Keras 3 changed: `epsilon=1e-08` (Adam, Adadelta, Adamax,
RMSprop, Adagrad, Nadam), `learning_rate=1.0` (Adadelta), `0.002` (Adamax, Nadam), `0.01` and
`initial_accumulator_value=0.0` (Adagrad).

A string optimizer in a Keras 1 file's `compile` (`'adam'`, `'adadelta'`, `'adagrad'`, `'adamax'`,
`'nadam'`, `'rmsprop'`) gets Keras 3's defaults, so it becomes the class with Keras 1's defaults:
`compile(optimizer='adadelta')` → `compile(optimizer=Adadelta(learning_rate=1.0, epsilon=1e-08))`.

`model.optimizer.lr` becomes `model.optimizer.learning_rate`.

## Why is this bad?
`lr=` raises in Keras 3; positional arguments and `decay` are accepted and silently mean something
else; Keras 3's defaults train differently (Adadelta's learning rate is 1000× smaller).

## Example
```python
sgd = SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)
adam = Adam(0.001)
```

## Use instead
```python
sgd = SGD(learning_rate=InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-6), momentum=0.9, nesterov=True)
adam = Adam(learning_rate=0.001, epsilon=1e-08)
```

## Fix safety
Safe for `SGD`, `Adam`, `Adadelta`, `Adamax`: the update is Keras 1's. Unsafe for `RMSprop` and
`Adagrad`, whose Keras 3 update puts epsilon inside the square root (read from the Keras 3 sources;
the difference matters when the accumulated squares are near epsilon), and for `Nadam`, whose Keras 1
momentum schedule (`schedule_decay`) Keras 3 does not have; `schedule_decay` itself is left for you to
remove. `optimizer.lr` → `.learning_rate` is unsafe: with a schedule Keras 3 reads the current,
decayed rate (and refuses assignment), where Keras 1's `lr` was the initial rate. A `decay` that is not a literal is moved into the schedule all the same (`decay=0` gives the
constant rate).
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        """``compile(optimizer='adadelta')``: the string means Keras 3's defaults."""
        if isinstance(node, cst.Attribute):
            yield from self._attribute(node)
            return
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "compile" or not _api.keras1_file(ctx):
            return
        arg = next((a for a in node.args if a.keyword is not None and a.keyword.value == "optimizer"), None)
        if arg is None and node.args and node.args[0].keyword is None and not node.args[0].star:
            arg = node.args[0]
        value = _api.literal_value(arg.value) if arg is not None else None
        name = table.OPTIMIZER_STRINGS.get(value) if isinstance(value, str) else None
        if name is None or not table.OPTIMIZERS[name]["defaults"]:
            return
        spec = table.OPTIMIZERS[name]
        reference, request = ctx.reference("keras.optimizers", name)
        keywords = [_api.keyword(table.OPTIMIZER_ARGUMENTS.get(k1, k1), cst.parse_expression(code))
                    for k1, code in spec["defaults"].items()]
        replacement = cst.Call(reference, _api.join_commas(keywords, trailing=False))
        message = (f"compile(optimizer={_api.code(arg.value)}): the string gets Keras 3's defaults; Keras 1's are "
                   f"{_api.code(replacement)}")
        applicability = SAFE
        if spec["differs"]:
            message += f"; {spec['differs']}"
            applicability = UNSAFE
        yield Finding(self.code, message, arg.value,
                      Fix(applicability, f"Write {name} with Keras 1's defaults",
                          [Edit(arg.value, lambda _: replacement)], (request,)))

    def _attribute(self, node: cst.Attribute):
        """``model.optimizer.lr``: Keras 3 optimizers have no ``lr``."""
        new = table.OPTIMIZER_ATTRIBUTES.get(node.attr.value)
        if new is None or not (isinstance(node.value, cst.Attribute) and node.value.attr.value == "optimizer"):
            return
        yield Finding(self.code, f"{_api.code(node)} -> .{new}: the same variable, unless the optimizer has a "
                                 f"learning-rate schedule (as decay= becomes): Keras 3 then reads the decayed rate "
                                 f"and cannot assign it, Keras 1's lr stayed the initial rate", node,
                      Fix(UNSAFE, f"Write .{new}", [Edit(node, lambda n: n.with_changes(attr=cst.Name(new)))]))

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        spec = table.OPTIMIZERS[name]
        params = spec["params"]
        positional, keywords, star = [], {}, False
        for arg in call.args:
            if arg.star == "*":
                return
            if arg.star == "**":
                star = True
            elif arg.keyword is None:
                if len(positional) >= len(params):
                    return
                positional.append((params[len(positional)], arg))
            else:
                keywords[arg.keyword.value] = arg
        bound = dict(positional) | keywords
        changes = []
        if positional:
            changes.append("positional arguments -> keywords")
        if "lr" in keywords:
            changes.append("lr= -> learning_rate=")
        decay = bound.get("decay")
        decay_value = _api.literal_value(decay.value) if decay is not None else None
        schedule = decay is not None and decay_value not in _ZERO
        if decay is not None:
            changes.append("decay -> InverseTimeDecay schedule" if schedule else "decay=0 dropped")
        defaults = []
        if not star and _api.keras1_file(ctx):
            defaults = [(k1, code) for k1, code in spec["defaults"].items()
                        if k1 not in bound and table.OPTIMIZER_ARGUMENTS.get(k1, k1) not in bound]
        changes += [f"{table.OPTIMIZER_ARGUMENTS.get(k1, k1)}={code} (the Keras 1 default)" for k1, code in defaults]
        if not changes:
            return
        imports = ()
        schedule_ref = None
        if schedule:
            schedule_ref, request = ctx.reference(*table.DECAY_SCHEDULE)
            imports = (request,)
        default_lr = dict(defaults).get("lr") or _default_lr(name)

        def build(updated: cst.Call) -> cst.Call:
            args, lr_arg, decay_arg = [], None, None
            count = 0
            for arg in updated.args:
                param = arg.keyword.value if arg.keyword is not None else (params[count] if not arg.star else None)
                if arg.keyword is None and not arg.star:
                    count += 1
                if param == "lr":
                    lr_arg = arg
                    args.append(_api.keyword_arg("learning_rate", arg.value, arg))
                elif param == "decay":
                    decay_arg = arg
                elif param is not None and arg.keyword is None:
                    args.append(_api.keyword_arg(param, arg.value, arg))
                else:
                    args.append(arg)
            for k1, code in defaults:
                if k1 == "lr" and schedule:
                    continue  # the schedule carries the learning rate
                args.append(_api.keyword(table.OPTIMIZER_ARGUMENTS.get(k1, k1), cst.parse_expression(code)))
            if schedule:
                rate = lr_arg.value if lr_arg is not None else cst.parse_expression(default_lr)
                value = cst.Call(schedule_ref, _api.join_commas([
                    cst.Arg(rate), _api.keyword("decay_steps", cst.Integer("1")),
                    _api.keyword("decay_rate", decay_arg.value)], trailing=False))
                if lr_arg is not None:
                    args = [_api.keyword_arg("learning_rate", value, a) if a.keyword is not None
                            and a.keyword.value == "learning_rate" and a.value is lr_arg.value else a for a in args]
                else:
                    args.insert(0, _api.keyword("learning_rate", value))
            last_comma = updated.args[-1].comma if updated.args else cst.MaybeSentinel.DEFAULT
            args = _api.join_commas(args)
            if args:
                args[-1] = args[-1].with_changes(comma=last_comma)
            return updated.with_changes(args=args)

        message = f"{name}(...): " + "; ".join(changes)
        applicability = SAFE
        if spec["differs"]:
            message += f"; {spec['differs']}"
            applicability = UNSAFE
        yield Finding(self.code, message, call, Fix(applicability, "Write the Keras 3 spelling", [Edit(call, build)], imports))


def _default_lr(name: str) -> str:
    return {"SGD": "0.01", "Adam": "0.001", "RMSprop": "0.001", "Adagrad": "0.01", "Adadelta": "1.0",
            "Adamax": "0.002", "Nadam": "0.002"}[name]
