"""KM408: Keras 1 callbacks: ``patience`` counted one epoch more, ``epsilon`` → ``min_delta``, ``period``."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import callbacks as table
from kmigrate.rules import _api, _training

_NAMES = (*table.PATIENCE, table.CHECKPOINT)


def _plus_one(value: cst.BaseExpression) -> cst.BinaryOperation:
    if not isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer)):
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.BinaryOperation(value, cst.Add(whitespace_before=cst.SimpleWhitespace(" "),
                                              whitespace_after=cst.SimpleWhitespace(" ")), cst.Integer("1"))


def _migrated(value: cst.BaseExpression) -> bool:
    """``p + 1``: the form this rule writes, so a second run leaves it alone."""
    return (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add)
            and isinstance(value.right, cst.Integer) and value.right.value == "1")


def _keras1_mode(name: str, monitor: str) -> str:
    return "max" if any(part in monitor for part in table.AUTO_MAX[name]) or (
        name in table.AUTO_MAX_FMEASURE and monitor.startswith("fmeasure")) else "min"


class Callbacks(Rule):
    code = "KM408"
    name = "callbacks"
    summary = "Keras 1 `EarlyStopping`/`ReduceLROnPlateau` patience and mode, `epsilon=`, `ModelCheckpoint(period=)`"
    calls = frozenset(f"{module}.{name}" for module in table.CALLBACK_MODULES for name in _NAMES)
    trigger_names = frozenset(_NAMES)
    doc = """
## What it does
In a file that shows Keras 1 code, writes `patience=p + 1` on `EarlyStopping` and `ReduceLROnPlateau`
(`patience=0 + 1` and `patience=10 + 1` where Keras 1's default was relied on), and, where
`mode='auto'` was relied on for a monitor other than `'loss'`/`'val_loss'`, the mode Keras 1 chose
(`'max'` when the name contains `'acc'`, for EarlyStopping also when it starts with `'fmeasure'`;
`'min'` otherwise). Renames `ReduceLROnPlateau(epsilon=)` to `min_delta=` (Keras 3 swallows `epsilon`
without a warning, T13). Drops `ModelCheckpoint(period=1)` (Keras 3 saves every epoch), writes Keras
1's mode on a `ModelCheckpoint` whose monitor is not `'loss'`/`'val_loss'` (`'max'` when it contains
`'acc'` or starts with `'fmeasure'`), and reports `period=N`, weights-only checkpoints whose file name
does not end in `.weights.h5` and whole-model checkpoints whose name does not end in `.keras` or `.h5`.

## Why is this bad?
Keras 1 checked `wait >= patience` before counting the current epoch, so for the same `patience` it
stopped (or reduced the learning rate) one epoch later than Keras 3 (T12). Keras 3's `mode='auto'`
looks the monitor up among the compiled metrics and raises when it finds none (ModelCheckpoint does so
at the end of every epoch, even without `save_best_only`; measured). `period=` raises
`TypeError`; passed positionally it lands in `save_freq`, which counts batches.

## Example
```python
stop = EarlyStopping(monitor='val_acc', patience=2)
reduce = ReduceLROnPlateau(patience=5, epsilon=0.01, cooldown=1)
```

## Use instead
```python
stop = EarlyStopping(monitor='val_acc', patience=2 + 1, mode='max')
reduce = ReduceLROnPlateau(patience=5 + 1, min_delta=0.01, cooldown=1)
```
The `+ 1` keeps Keras 1's number visible and tells a second run that the value is already converted.

## Fix safety
Safe for `EarlyStopping` (the same stopping epoch, measured against Keras 1.2.2) and for
`ReduceLROnPlateau` with `cooldown >= 1` or `patience=0` (measured against Keras 1.2.2). Unsafe for `ReduceLROnPlateau` with `cooldown=0` (the
default): Keras 1 set its counter to 0 after a reduction and then counted that epoch, so the first
reduction comes on the same epoch but later ones came every `patience` epochs, where Keras 3 waits
`patience + 1`. Unsafe when the monitor is not a literal and the mode is left to 'auto'. The `epsilon`
rename is always safe; `period=N > 1` is reported.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        if name == table.CHECKPOINT:
            yield from self._checkpoint(ctx, call)
            return
        spec = table.PATIENCE[name]
        bound = _training.bind(call, spec["params"])
        if bound is None:
            return
        values = dict(bound)
        for old, new in table.ARGUMENTS.get(name, {}).items():
            arg = values.get(old)
            if arg is not None and arg.keyword is not None:
                yield Finding(self.code, f"{name}(...): {old}= -> {new}= (Keras 3 ignores {old}= silently)", arg,
                              Fix(SAFE, f"Write {new}=", [Edit(arg, lambda a, new=new: a.with_changes(keyword=cst.Name(new)))]))
        if not _api.keras1_file(ctx):
            return
        patience = values.get("patience")
        if patience is not None and _migrated(patience.value):
            return
        changes, unsafe = [], []
        if patience is None:
            changes.append(f"patience={spec['patience']} + 1 (Keras 1's default {spec['patience']}, counted as Keras 3 counts)")
        else:
            changes.append(f"patience={_api.code(patience.value)} -> patience={_api.code(_plus_one(patience.value))}")
        mode_arg, monitor_arg = values.get("mode"), values.get("monitor")
        mode = _api.literal_value(mode_arg.value) if mode_arg is not None else "auto"
        new_mode = None
        if mode == "auto":
            monitor = _api.literal_value(monitor_arg.value) if monitor_arg is not None else table.DEFAULT_MONITOR
            if not isinstance(monitor, str):
                unsafe.append("the monitor is not a literal: Keras 1's mode='auto' chose 'max' when its name contains "
                              f"{' or '.join(repr(p) for p in table.AUTO_MAX[name])}, else 'min'; write mode= yourself")
            elif monitor not in table.KERAS3_AUTO_AGREES:
                new_mode = _keras1_mode(name, monitor)
                changes.append(f"mode='{new_mode}' (Keras 1's 'auto' for {monitor!r})")
        inexact = spec["inexact"]
        if inexact is not None:
            cooldown = values.get(inexact[0])
            value = _api.literal_value(cooldown.value) if cooldown is not None else 0
            wait = _api.literal_value(patience.value) if patience is not None else int(spec["patience"])
            if not (isinstance(value, int) and value >= 1) and wait != 0:
                unsafe.append(inexact[1])

        def build(updated: cst.Call) -> cst.Call:
            args = []
            for param, arg in _training.bind(updated, spec["params"]):
                if param == "patience":
                    arg = arg.with_changes(value=_plus_one(arg.value))
                elif param == "mode" and new_mode is not None:
                    arg = arg.with_changes(value=cst.SimpleString(f"'{new_mode}'"))
                args.append(arg)
            new = []
            if patience is None:
                new.append(_api.keyword("patience", _plus_one(cst.Integer(spec["patience"]))))
            if new_mode is not None and mode_arg is None:
                new.append(_api.keyword("mode", cst.SimpleString(f"'{new_mode}'")))
            return updated.with_changes(args=_api.append_args(args, new))

        message = f"{name}(...): " + "; ".join(changes)
        if unsafe:
            message += "; " + "; ".join(unsafe)
        yield Finding(self.code, message, call, Fix(UNSAFE if unsafe else SAFE, "Count patience as Keras 1 did",
                                                     [Edit(call, build)]))

    def _checkpoint(self, ctx: FileContext, call: cst.Call):
        bound = _training.bind(call, table.CHECKPOINT_PARAMS)
        if bound is None:
            return
        values = dict(bound)
        problems = []
        param, default, why = table.CHECKPOINT_PERIOD
        period = values.get(param)
        drop = period is not None and _api.literal_value(period.value) == default
        if period is not None and not drop:
            problems.append(f"{param}={_api.code(period.value)}: {why}")
        weights_only, path = values.get("save_weights_only"), values.get("filepath")
        text = _api.literal_value(path.value) if path is not None else None
        flag = _api.literal_value(weights_only.value) if weights_only is not None else False
        if isinstance(text, str) and flag is True and not text.endswith(table.CHECKPOINT_WEIGHTS_SUFFIX):
            problems.append(f"save_weights_only=True needs a file name ending in {table.CHECKPOINT_WEIGHTS_SUFFIX} "
                            f"in Keras 3 (ValueError otherwise)")
        elif isinstance(text, str) and flag is False and not text.endswith(table.CHECKPOINT_MODEL_SUFFIXES):
            problems.append(f"Keras 3 saves whole models only to a file name ending in "
                            f"{' or '.join(table.CHECKPOINT_MODEL_SUFFIXES)} (ValueError otherwise): rename the file")
        changes, new_mode = [], None
        monitor_param, mode_param = table.CHECKPOINT_MODE
        mode_arg = values.get(mode_param)
        if (mode_arg is None or _api.literal_value(mode_arg.value) == "auto") and _api.keras1_file(ctx):
            monitor_arg = values.get(monitor_param)
            monitor = _api.literal_value(monitor_arg.value) if monitor_arg is not None else table.DEFAULT_MONITOR
            if not isinstance(monitor, str):
                problems.append("the monitor is not a literal: Keras 1's mode='auto' chose 'max' when its name "
                                "contains 'acc' or starts with 'fmeasure', else 'min'; write mode= yourself (Keras 3 "
                                "raises when it cannot place the monitor)")
            elif monitor not in table.KERAS3_AUTO_AGREES:
                new_mode = _keras1_mode(table.CHECKPOINT, monitor)
                changes.append(f"mode='{new_mode}' (Keras 1's 'auto' for {monitor!r}; Keras 3's raises unless a "
                               f"compiled metric has that name)")
        if drop:
            changes.append(f"{param}={default} dropped (Keras 3 saves every epoch; {param}= raises)")
        if problems:
            yield Finding(self.code, f"{table.CHECKPOINT}(...): " + "; ".join(problems + changes), call)
        elif changes:
            def build(updated: cst.Call) -> cst.Call:
                args = []
                for p, arg in _training.bind(updated, table.CHECKPOINT_PARAMS):
                    if p == mode_param and new_mode is not None:
                        arg = arg.with_changes(value=cst.SimpleString(f"'{new_mode}'"))
                    if p != param or not drop:
                        args.append(arg)
                args = _training.finish_args(updated, args)
                if new_mode is not None and mode_arg is None:
                    args = _api.append_args(args, [_api.keyword(mode_param, cst.SimpleString(f"'{new_mode}'"))])
                return updated.with_changes(args=args)

            yield Finding(self.code, f"{table.CHECKPOINT}(...): " + "; ".join(changes), call,
                          Fix(SAFE, "Write Keras 1's checkpoint behaviour", [Edit(call, build)]))
