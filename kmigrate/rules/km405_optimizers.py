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
    trigger_names = frozenset(table.OPTIMIZERS)
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
remove. A `decay` that is not a literal is moved into the schedule all the same (`decay=0` gives the
constant rate).
"""

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
