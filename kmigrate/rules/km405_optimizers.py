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
    summary = ("Keras 1 optimizer `lr=`, `decay=`, positional arguments, defaults, `schedule_decay=` and "
               "`clipnorm=`")
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
`'sgd'` and `SGD()` are left alone (the same defaults), as is `clipvalue=`. In a Keras 1 file
`clipnorm=c` → `global_clipnorm=c`. Two clip arguments on one optimizer (`clipnorm=` with `clipvalue=`)
are reported.

`model.optimizer.lr` becomes `model.optimizer.learning_rate`.

## Why is this bad?
`lr=` raises in Keras 3; positional arguments and `decay` are accepted and silently mean something
else; Keras 3's defaults train differently (Adadelta's learning rate is 1000× smaller).

Keras 1's `clipnorm=c` scaled every gradient by `c / norm` where `norm` is the norm of all the
gradients together (`Optimizer.get_gradients`); Keras 3's `clipnorm` clips each variable's gradient by
its own norm, and `global_clipnorm` is Keras 1's (measured: the same step). Keras 1 also took `clipnorm`
and `clipvalue` together (the norm first, then the values); Keras 3 raises `ValueError` for any two of
`clipnorm`, `clipvalue`, `global_clipnorm`.

## Example
```python
sgd = SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)
adam = Adam(0.001, clipnorm=1.0)
```

## Use instead
```python
sgd = SGD(learning_rate=InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-6), momentum=0.9, nesterov=True)
adam = Adam(learning_rate=0.001, global_clipnorm=1.0, epsilon=1e-08)
```

## Fix safety
Safe: the arguments and defaults written are Keras 1's. `RMSprop` and `Adagrad` put epsilon inside
the square root in Keras 3 (Keras 1: `sqrt(a) + epsilon`), and Keras 3's `Nadam` warms its momentum
up with `0.96 ** t` where Keras 1 used `0.96 ** (t * schedule_decay)`: no argument restores Keras 1's
update, so those optimizers get a second, report-only finding (in a file that shows Keras 1 code)
beside the rewrite. Unsafe: dropping `Nadam(schedule_decay=)`, which Keras 3 rejects and cannot
express. `optimizer.lr` → `.learning_rate` is unsafe: with a schedule Keras 3 reads the current,
decayed rate (and refuses assignment), where Keras 1's `lr` was the initial rate. A `decay` that is not
a literal is moved into the schedule all the same (`decay=0` gives the constant rate).
`clipnorm=` → `global_clipnorm=` is safe (Keras 1's computation); it is left alone in code that does not
show Keras 1 spellings (there `clipnorm` is Keras 3's). `clipnorm=` with `clipvalue=` is report only:
no Keras 3 argument applies both, so keep one or subclass the optimizer's `_clip_gradients`.
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
        yield Finding(self.code, message, arg.value,
                      Fix(SAFE, f"Write {name} with Keras 1's defaults", [Edit(arg.value, lambda _: replacement)],
                          (request,)))
        yield from self._update_differs(name, arg.value)

    def _update_differs(self, name: str, node: cst.CSTNode):
        """The optimizers whose Keras 3 update is not Keras 1's: no argument makes it so (report)."""
        if table.OPTIMIZERS[name]["differs"]:
            yield Finding(self.code, f"{name}: {table.OPTIMIZERS[name]['differs']}; no Keras 3 argument restores "
                                     f"Keras 1's update (subclass the optimizer to keep it)", node)

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
        dropped = {k1: why for k1, why in table.OPTIMIZER_ARGUMENTS_DROPPED.items() if k1 in bound}
        changes += [f"{k1}= dropped ({why})" for k1, why in dropped.items()]
        clips = [k for k in table.CLIP_ARGUMENTS if k in keywords]
        if len(clips) > 1:
            yield Finding(self.code, f"{name}({', '.join(f'{k}=' for k in clips)}): {table.CLIP_BOTH}", call)
        # Keras 3 spells these arguments as Keras 1 did but computes something else; in Keras 3 code they mean
        # Keras 3's, and beside another clip argument Keras 3 raises whatever they are called.
        meaning = {k1: k3 for k1, (k3, _) in table.OPTIMIZER_ARGUMENTS_KERAS1.items()
                   if k1 in keywords and len(clips) == 1} if _api.keras1_file(ctx) else {}
        changes += [f"{k1}= -> {k3}= ({table.OPTIMIZER_ARGUMENTS_KERAS1[k1][1]})" for k1, k3 in meaning.items()]
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
            if _api.keras1_file(ctx):
                yield from self._update_differs(name, call)
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
                elif param in dropped:
                    continue
                elif param in meaning:
                    args.append(_api.keyword_arg(meaning[param], arg.value, arg))
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

        yield Finding(self.code, f"{name}(...): " + "; ".join(changes), call,
                      Fix(UNSAFE if dropped else SAFE, "Write the Keras 3 spelling", [Edit(call, build)], imports))
        yield from self._update_differs(name, call)


def _default_lr(name: str) -> str:
    return {"SGD": "0.01", "Adam": "0.001", "RMSprop": "0.001", "Adagrad": "0.01", "Adadelta": "1.0",
            "Adamax": "0.002", "Nadam": "0.002"}[name]
