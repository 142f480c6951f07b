"""Evidence from the same file (design.md §3): the rank (and last-axis size) of a tensor traced
through assignments to the layers of ``keras1.ranks``, through layers and models bound to names
(a shared base network built by a function of the file); whether a value goes into an absorbing
layer.  Everything here is conservative: anything not proven is None / False.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import libcst as cst

from kmigrate.engine import tree
from kmigrate.engine.context import FileContext
from kmigrate.engine.resolve import Scope
from kmigrate.keras1 import ranks
from kmigrate.rules._merge import is_literal, literal

_MAX_DEPTH = 32


@dataclasses.dataclass(frozen=True)
class Shape:
    """What the file proves of a tensor: its rank (batch axis included) and last-axis size."""

    rank: int | None = None
    last: int | None = None


UNKNOWN = Shape()


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


def _positional(call: cst.Call, index: int) -> cst.BaseExpression | None:
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[index].value if index < len(positional) else None


def _int(node: cst.BaseExpression | None) -> int | None:
    if node is not None and is_literal(node):
        value = literal(node)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _shape_tuple(node: cst.BaseExpression | None, extra: int) -> Shape:
    """``(d1, ..., dk)`` written as a tuple (elements need not be literals: ``(input_dim,)``)."""
    if not isinstance(node, (cst.Tuple, cst.List)) or any(isinstance(e, cst.StarredElement) for e in node.elements):
        return UNKNOWN
    if not node.elements:
        return UNKNOWN
    return Shape(len(node.elements) + extra, _int(node.elements[-1].value))


# -- names -------------------------------------------------------------------------------------

def scope_at(ctx: FileContext, node: cst.CSTNode) -> Scope | None:
    """The innermost scope containing ``node``."""
    return ctx.resolver.scope_at(node)


def _lookup(ctx: FileContext, name: cst.Name) -> tuple[Scope | None, list]:
    """The scope that binds ``name`` where it is used, and its bindings there (Python's rules)."""
    return ctx.resolver.lookup(ctx.resolver.scope_at(name), name.value)


def _block_index(block: cst.CSTNode) -> dict[int, int]:
    return {id(statement): index for index, statement in enumerate(getattr(block, "body", ()))}


def reaching_assign(ctx: FileContext, name: cst.Name) -> cst.Assign | None:
    """The ``name = value`` statement whose value ``name`` has where it is used, when the file proves it.

    One plain assignment in the binding scope; or several in one straight-line block, where the last
    one before the use counts (``x = Dense(8)(x)`` chains).
    """
    _, bindings = _lookup(ctx, name)
    if not bindings:
        return None
    assigns = []
    for binding in bindings:
        parent = ctx.parent(binding.node)
        if not (isinstance(binding.node, cst.AssignTarget) and isinstance(binding.node.target, cst.Name)
                and isinstance(parent, cst.Assign) and len(parent.targets) == 1):
            return None
        assigns.append(parent)
    if len(assigns) == 1:
        return assigns[0]
    lines = [ctx.parent(a) for a in assigns]
    blocks = {id(ctx.parent(line)) for line in lines}
    if len(blocks) != 1:
        return None
    block = ctx.parent(lines[0])
    index = _block_index(block)
    use_statement = next((a for a in ctx.ancestors(name) if ctx.parent(a) is block), None)
    if use_statement is None or id(use_statement) not in index:
        return None
    before = [(index[id(line)], assign) for line, assign in zip(lines, assigns) if index[id(line)] < index[id(use_statement)]]
    return max(before, key=lambda pair: pair[0])[1] if before else None


def assigned_value(ctx: FileContext, name: cst.Name) -> cst.BaseExpression | None:
    assign = reaching_assign(ctx, name)
    return assign.value if assign is not None else None


def file_function(ctx: FileContext, name: cst.BaseExpression) -> cst.FunctionDef | None:
    """The ``def`` a name refers to, when that is its only binding."""
    if not isinstance(name, cst.Name):
        return None
    _, bindings = _lookup(ctx, name)
    if len(bindings) == 1 and isinstance(bindings[0].node, cst.FunctionDef):
        return bindings[0].node
    return None


def loads_of(ctx: FileContext, value: str) -> list[cst.Name]:
    """Every ``Name`` node spelled ``value`` that reads a variable."""
    return [node for node in ctx.resolver.names.get(value, ()) if is_load(ctx, node)]


def is_load(ctx: FileContext, node: cst.Name) -> bool:
    """``node`` reads a variable (it is not an attribute, keyword, parameter or target)."""
    parent = ctx.parent(node)
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return False
    if isinstance(parent, (cst.Arg, cst.Param)) and (getattr(parent, "keyword", None) is node or getattr(parent, "name", None) is node):
        return False
    return not isinstance(parent, (cst.AssignTarget, cst.FunctionDef, cst.ClassDef, cst.ImportAlias, cst.AsName))


def uses_of_assign(ctx: FileContext, assign: cst.Assign) -> list[cst.Name] | None:
    """The reads of the variable ``assign`` binds that see its value; None when some read is ambiguous."""
    target = assign.targets[0].target
    if not isinstance(target, cst.Name):
        return None
    binding_scope = scope_at(ctx, assign)
    uses = []
    for node in loads_of(ctx, target.value):
        scope, _ = _lookup(ctx, node)
        if scope is not binding_scope:
            continue
        reaching = reaching_assign(ctx, node)
        if reaching is None:
            return None
        if reaching is assign:
            uses.append(node)
    return uses


# -- shapes ------------------------------------------------------------------------------------

def _input_shape(call: cst.Call) -> Shape:
    shape = _keyword(call, "shape")
    if shape is None:
        shape = _positional(call, 0)
    if shape is not None:
        return _shape_tuple(shape, 1)
    return _shape_tuple(_keyword(call, "batch_shape"), 0)


def _declared_input(layer: cst.Call, name: str | None) -> Shape:
    """The input a Keras 1 layer creates from ``input_dim``/``input_shape`` (first layer of a Sequential)."""
    if name == "Embedding":
        return Shape(2) if _keyword(layer, "input_length") is not None else UNKNOWN
    declared = _keyword(layer, "input_shape")
    if declared is not None:
        return _shape_tuple(declared, 1)
    dim = _keyword(layer, "input_dim")
    if dim is not None and _keyword(layer, "input_length") is None:
        return Shape(2, _int(dim))
    return UNKNOWN


def _units(layer: cst.Call) -> int | None:
    """Keras 1 ``Dense(output_dim)`` / Keras 2 ``Dense(units)``: the size of the new last axis."""
    return _int(_keyword(layer, "output_dim") or _keyword(layer, "units") or _positional(layer, 0))


def _layer_output(ctx: FileContext, layer: cst.Call, name: str, given: Callable[[], Shape]) -> Shape:
    if name == "Embedding":
        return Shape(3, _int(_keyword(layer, "output_dim") or _positional(layer, 1)))
    if name in ranks.OUTPUT_RANK:
        return Shape(ranks.OUTPUT_RANK[name])
    if name in ranks.RECURRENT:
        value = _keyword(layer, "return_sequences")
        if value is None or (isinstance(value, cst.Name) and value.value == "False"):
            return Shape(2, _units(layer))
        return Shape(3, _units(layer)) if isinstance(value, cst.Name) and value.value == "True" else UNKNOWN
    if name == "Reshape":
        return _shape_tuple(_keyword(layer, "target_shape") or _positional(layer, 0), 1)
    if name in ranks.RANK_PRESERVING:
        before = given()
        if name == "Dense":
            return Shape(before.rank, _units(layer))
        return before
    return UNKNOWN


def _sequential_layers(ctx: FileContext, call: cst.Call, owner: cst.Assign | None) -> list[cst.Call] | None:
    """Layers of ``Sequential([...])`` and of the ``owner.add(layer)`` lines that follow it, in order."""
    layers: list[cst.BaseExpression] = []
    first = _keyword(call, "layers") or _positional(call, 0)
    if first is not None:
        if not isinstance(first, (cst.List, cst.Tuple)):
            return None
        layers.extend(e.value for e in first.elements)
    if owner is not None and isinstance(owner.targets[0].target, cst.Name):
        name = owner.targets[0].target.value
        line = ctx.parent(owner)
        block = ctx.parent(line)
        body = list(getattr(block, "body", ()))
        index = _block_index(block)
        adds = []
        for statement in body[index.get(id(line), len(body)) + 1:]:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                value = small.value if isinstance(small, cst.Expr) else None
                if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                        and isinstance(value.func.value, cst.Name) and value.func.value.value == name
                        and value.func.attr.value == "add" and len(value.args) == 1):
                    adds.append(value.args[0].value)
        # An ``add`` anywhere else (a loop, a branch) would make the order unknowable.
        every = [n for n in loads_of(ctx, name) if isinstance(ctx.parent(n), cst.Attribute)
                 and ctx.parent(n).attr.value == "add" and scope_at(ctx, n) is scope_at(ctx, owner)]
        if len(every) != len(adds):
            return None
        layers.extend(adds)
    if not layers or not all(isinstance(layer, cst.Call) for layer in layers):
        return None
    return layers  # type: ignore[return-value]


def _sequential_output(ctx: FileContext, layers: list[cst.Call], given: Callable[[], Shape]) -> Shape:
    first = keras_class(ctx, layers[0].func)
    shape = _declared_input(layers[0], first)
    if shape.rank is None:
        shape = given()
    for layer in layers:
        name = keras_class(ctx, layer.func)
        if name is None:
            return UNKNOWN
        before = shape
        shape = _layer_output(ctx, layer, name, lambda: before)
        if shape.rank is None:
            return UNKNOWN
    return shape


def sequential_output_rank(ctx: FileContext, layers: list[cst.Call], depth: int = 0) -> int | None:
    """Rank of a Sequential's output from its layers in order (the first declares its input)."""
    if not layers:
        return None
    return _sequential_output(ctx, layers, lambda: UNKNOWN).rank


def _returned(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The expression of the only ``return`` of a function (nested functions aside)."""
    nested = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
    found = [n for n in tree.descendants(function, prune=lambda n: isinstance(n, nested))
             if isinstance(n, cst.Return)]
    if len(found) != 1 or found[0].value is None:
        return None
    return found[0].value


def _applied(ctx: FileContext, callee: cst.BaseExpression, given: Callable[[], Shape], depth: int,
             owner: cst.Assign | None = None) -> Shape:
    """The output of ``callee(tensor)`` where ``callee`` evaluates to a layer or a model."""
    if depth > _MAX_DEPTH:
        return UNKNOWN
    if isinstance(callee, cst.Name):
        assign = reaching_assign(ctx, callee)
        return _applied(ctx, assign.value, given, depth + 1, assign) if assign is not None else UNKNOWN
    if not isinstance(callee, cst.Call):
        return UNKNOWN
    name = keras_class(ctx, callee.func)
    if name == "Sequential":
        layers = _sequential_layers(ctx, callee, owner)
        return _sequential_output(ctx, layers, given) if layers else UNKNOWN
    if name == "Model":
        outputs = _keyword(callee, "output") or _keyword(callee, "outputs") or _positional(callee, 1)
        return tensor_shape(ctx, outputs, depth + 1) if outputs is not None else UNKNOWN
    if name is not None:
        return _layer_output(ctx, callee, name, given)
    function = file_function(ctx, callee.func)
    if function is not None:
        returned = _returned(function)
        if returned is not None:
            return _applied(ctx, returned, given, depth + 1)
    return UNKNOWN


def tensor_shape(ctx: FileContext, node: cst.BaseExpression | None, depth: int = 0) -> Shape:
    """What the file proves of the tensor ``node`` evaluates to."""
    if node is None or depth > _MAX_DEPTH:
        return UNKNOWN
    if isinstance(node, cst.Name):
        value = assigned_value(ctx, node)
        return tensor_shape(ctx, value, depth + 1) if value is not None else UNKNOWN
    if not isinstance(node, cst.Call):
        return UNKNOWN
    if keras_class(ctx, node.func) == "Input":
        return _input_shape(node)
    argument = _positional(node, 0)
    if argument is None or len(node.args) != 1:
        return UNKNOWN
    return _applied(ctx, node.func, lambda: tensor_shape(ctx, argument, depth + 1), depth + 1)


def rank_of(ctx: FileContext, node: cst.BaseExpression, depth: int = 0) -> int | None:
    """The rank of the tensor ``node`` evaluates to, when the file proves it; else None."""
    return tensor_shape(ctx, node, depth).rank


def last_dim_of(ctx: FileContext, node: cst.BaseExpression) -> int | None:
    """The size of the last axis of the tensor ``node`` evaluates to, when the file proves it."""
    return tensor_shape(ctx, node).last


# -- where a value goes ------------------------------------------------------------------------

def _absorbing_layer(ctx: FileContext, layer: cst.BaseExpression) -> bool:
    if not isinstance(layer, cst.Call):
        return False
    name = keras_class(ctx, layer.func)
    if name in ranks.ABSORBING:
        return True
    if name == "Reshape":
        target = _keyword(layer, "target_shape") or _positional(layer, 0)
        return target is not None and is_literal(target) and literal(target) in ranks.ABSORBING_RESHAPES
    return False


def consumer(ctx: FileContext, value: cst.CSTNode) -> cst.Call | None:
    """``layer(value)``: the call that applies something to ``value`` as its only argument."""
    arg = ctx.parent(value)
    outer = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
    if isinstance(outer, cst.Call) and len(outer.args) == 1 and outer.args[0] is arg and arg.keyword is None and not arg.star:
        return outer
    return None


def destinations(ctx: FileContext, call: cst.Call) -> list[cst.CSTNode] | None:
    """Where the value of ``call`` goes: itself when used in place, or every read of the one
    variable it is assigned to.  None when the file does not show all of them."""
    parent = ctx.parent(call)
    if isinstance(parent, cst.Assign) and parent.value is call:
        if len(parent.targets) != 1 or not isinstance(parent.targets[0].target, cst.Name):
            return None
        return uses_of_assign(ctx, parent)
    return [call]


def absorbed(ctx: FileContext, call: cst.Call) -> bool:
    """The call's value goes into ``Flatten()`` or ``Reshape((1,))``, straight or through a variable
    assigned once and read only there."""
    places = destinations(ctx, call)
    if not places:
        return False
    for place in places:
        outer = consumer(ctx, place)
        if outer is None or not isinstance(outer.func, cst.Call) or not _absorbing_layer(ctx, outer.func):
            return False
    return True
