"""What the training-side rules (KM404, KM405, KM407-KM412, KM504, KM505) share: what the file shows
about a name (its one assignment), a generator's batch size, and binding a call to a signature."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.keras1 import training as table
from kmigrate.rules import _api


def bindings(ctx: FileContext, name: str) -> list:
    return ctx.resolver.bindings_of(name)


def assigned_value(ctx: FileContext, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The value of ``name = value`` when that is the only binding of the name ``node`` in the file."""
    if not isinstance(node, cst.Name):
        return None
    found = bindings(ctx, node.value)
    if len(found) != 1 or not isinstance(found[0].node, cst.AssignTarget):
        return None
    assign = ctx.parent(found[0].node)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or not isinstance(found[0].node.target, cst.Name):
        return None
    return assign.value


def is_constant(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """An int literal, or a name the file binds once, at module level, to an int literal: an expression
    that means the same wherever it is written in the file."""
    if isinstance(_api.literal_value(node), int) and not isinstance(_api.literal_value(node), bool):
        return True
    if not isinstance(node, cst.Name):
        return False
    module = ctx.resolver.module_scope
    value = assigned_value(ctx, node)
    return (value is not None and module is not None and node.value in module.bindings
            and isinstance(_api.literal_value(value), int))


def batch_size_of(ctx: FileContext, generator: cst.BaseExpression, seen: int = 0) -> cst.BaseExpression | None:
    """The batch size of the generator ``generator`` when the file shows it: a call written with
    ``batch_size=<constant>`` (``datagen.flow(x, y, batch_size=32)``, ``batches(x, batch_size=32)``),
    an ``ImageDataGenerator`` iterator left at its default of 32, or a name assigned once to either."""
    if seen > 3:
        return None
    if isinstance(generator, cst.Name):
        value = assigned_value(ctx, generator)
        return batch_size_of(ctx, value, seen + 1) if value is not None else None
    if not isinstance(generator, cst.Call):
        return None
    for arg in generator.args:
        if arg.star == "**":
            return None
        if arg.keyword is not None and arg.keyword.value == table.BATCH_SIZE_KEYWORD:
            return arg.value if is_constant(ctx, arg.value) else None
    func = generator.func
    if isinstance(func, cst.Attribute) and func.attr.value in table.DEFAULT_BATCH_SIZES:
        receiver = func.value
        value = assigned_value(ctx, receiver) if isinstance(receiver, cst.Name) else receiver
        if isinstance(value, cst.Call) and ctx.qualified_name(value.func) in table.IMAGE_DATA_GENERATOR:
            positional = [a for a in generator.args if a.keyword is None]
            # flow(X, y, batch_size, ...): a third positional is the batch size
            if func.attr.value == "flow" and len(positional) >= 3 or any(a.star for a in generator.args):
                return None
            return cst.Integer(str(table.DEFAULT_BATCH_SIZES[func.attr.value]))
    return None


def bind(call: cst.Call, params: tuple[str, ...]):
    """[(parameter or None, arg)] for a call of a method with Keras 1 signature ``params``; None when an
    argument is ``*args``/``**kwargs`` or there are too many positionals."""
    bound, count = [], 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if count >= len(params):
                return None
            bound.append((params[count], arg))
            count += 1
        else:
            bound.append((arg.keyword.value, arg))
    return bound


def finish_args(updated: cst.Call, args: list[cst.Arg]) -> list[cst.Arg]:
    """Commas between ``args``; the last keeps the call's own ending (a trailing comma or none)."""
    if not args:
        return args
    last_comma = updated.args[-1].comma if updated.args else cst.MaybeSentinel.DEFAULT
    return [*_api.join_commas(args[:-1]), args[-1].with_changes(comma=last_comma)] if len(args) > 1 \
        else [args[-1].with_changes(comma=last_comma)]
