"""Evidence from the same file (design.md §3): the rank of a tensor traced through assignments to
the layers of ``keras1.ranks``; whether a merge output goes straight into an absorbing layer."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.keras1 import ranks
from kmigrate.rules._merge import is_literal, literal

_MAX_DEPTH = 32


def keras_class(ctx: FileContext, func: cst.BaseExpression) -> str | None:
    """``Dense`` for a callee that resolves to a Keras class (any Keras 1 module path)."""
    qualname = ctx.qualified_name(func)
    if qualname is None or not qualname.startswith("keras."):
        return None
    return qualname.rsplit(".", 1)[-1]


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _single_assignment(ctx: FileContext, name: str) -> cst.BaseExpression | None:
    """The value of the only binding of ``name`` in the file, when it is a plain ``name = value``."""
    bindings = [b for scope in ctx.resolver.scopes for b in scope.bindings.get(name, ())]
    if len(bindings) != 1 or not isinstance(bindings[0].node, cst.AssignTarget):
        return None
    assign = ctx.parent(bindings[0].node)
    if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
        return assign.value
    return None


def _input_rank(call: cst.Call) -> int | None:
    for keyword, extra in (("shape", 1), ("batch_shape", 0)):
        value = _keyword(call, keyword)
        if value is None and keyword == "shape" and call.args and call.args[0].keyword is None:
            value = call.args[0].value
        if value is not None and is_literal(value):
            shape = literal(value)
            if isinstance(shape, tuple):
                return len(shape) + extra
    return None


def _first_layer_input_rank(call: cst.Call) -> int | None:
    """Rank of the input a Keras 1 layer creates from ``input_dim``/``input_shape``."""
    if _keyword(call, "input_dim") is not None and _keyword(call, "input_length") is None:
        return 2
    value = _keyword(call, "input_shape")
    if value is not None and is_literal(value) and isinstance(literal(value), tuple):
        return len(literal(value)) + 1
    return None


def _layer_output_rank(ctx: FileContext, layer: cst.Call, input_rank, depth: int) -> int | None:
    name = keras_class(ctx, layer.func)
    if name is None:
        return None
    if name in ranks.OUTPUT_RANK:
        if name == "Embedding":
            return 3
        return ranks.OUTPUT_RANK[name]
    if name in ranks.RECURRENT:
        value = _keyword(layer, "return_sequences")
        if value is None or (isinstance(value, cst.Name) and value.value == "False"):
            return 2
        return 3 if isinstance(value, cst.Name) and value.value == "True" else None
    if name in ranks.RANK_PRESERVING:
        return input_rank() if callable(input_rank) else input_rank
    return None


def sequential_output_rank(ctx: FileContext, layers: list[cst.Call], depth: int = 0) -> int | None:
    """Rank of a Sequential's output from its layers in order (the first declares its input)."""
    if not layers:
        return None
    rank = _first_layer_input_rank(layers[0])
    for layer in layers:
        rank = _layer_output_rank(ctx, layer, rank, depth)
        if rank is None:
            return None
    return rank


def rank_of(ctx: FileContext, node: cst.BaseExpression, depth: int = 0) -> int | None:
    """The rank of the tensor ``node`` evaluates to, when the file proves it; else None."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, cst.Name):
        value = _single_assignment(ctx, node.value)
        return rank_of(ctx, value, depth + 1) if value is not None else None
    if not isinstance(node, cst.Call):
        return None
    if isinstance(node.func, cst.Call):  # Layer(...)(tensor)
        inputs = node.args[0].value if node.args and node.args[0].keyword is None else None
        return _layer_output_rank(
            ctx, node.func, (lambda: rank_of(ctx, inputs, depth + 1)) if inputs is not None else None, depth
        )
    if keras_class(ctx, node.func) == "Input":
        return _input_rank(node)
    return None


def absorbed(ctx: FileContext, call: cst.Call) -> bool:
    """The call's value goes straight into ``Flatten()`` or ``Reshape((1,))``."""
    arg = ctx.parent(call)
    outer = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
    if not isinstance(outer, cst.Call) or not isinstance(outer.func, cst.Call) or outer.args[0] is not arg:
        return False
    layer = outer.func
    name = keras_class(ctx, layer.func)
    if name in ranks.ABSORBING:
        return True
    if name == "Reshape" and layer.args and is_literal(layer.args[0].value):
        return literal(layer.args[0].value) in ranks.ABSORBING_RESHAPES
    return False
