"""What the cosine rules share (spec §1.3, §5): recognising a hand-written cosine function written
with Keras 1's backend, the faithful Keras 1 ``mode='cos'`` layer for ``--cos-style legacy``, and the
edits that insert or remove module-level functions."""

from __future__ import annotations

import dataclasses
import textwrap

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Edit, ImportRequest
from kmigrate.rules import _evidence, _merge

BACKEND = "keras.backend."
LAMBDA_CALLS = frozenset({"keras.layers.Lambda", "keras.layers.core.Lambda"})

# -- a faithful ``mode='cos'`` for --cos-style legacy (spec §5.4) ----------------------------------

HELPER_NAME = "keras1_cos"
HELPER_MARK = "kmigrate --cos-style legacy"

_HELPER = '''
def {name}(tensors, axes=-1):
    """Keras 1.2.2's merge(mode='cos'), value for value ({mark}).

    x.y / max(sqrt((x.x) * (y.y)), 1e-7) with Keras 1's batch_dot, then a new axis 1: two
    (batch, d) inputs give (batch, 1, 1).  On inputs of rank 3 or more the denominator uses the
    cross products x_i.x_j and y_i.y_j, as Keras 1 did (only the diagonal is a cosine there).
    """
    x, y = tensors
    if isinstance(axes, int):
        axes = [axes % len(x.shape), axes % len(y.shape)]

    def batch_dot(a, b):
        # Keras 1's K.batch_dot: axis axes[0] of a against axis axes[1] of b, sample by sample.
        sa = [chr(98 + i) for i in range(len(a.shape) - 1)]
        sb = [chr(110 + i) for i in range(len(b.shape) - 1)]
        summed = sa[axes[0] - 1]
        sb[axes[1] - 1] = summed
        out = [c for c in sa + sb if c != summed]
        result = {ops}.einsum("a" + "".join(sa) + ",a" + "".join(sb) + "->a" + "".join(out), a, b)
        return {ops}.expand_dims(result, 1) if not out else result

    product = batch_dot(x, x) * batch_dot(y, y)
    # Theano's sqrt clipped negative products (off the diagonal) to 0; NaN stays NaN.
    denominator = {ops}.sqrt({ops}.where(product < 0, 0.0, product))
    # The clamp as Theano's maximum did it: 1e-7 below, NaN kept.
    denominator = {ops}.where(denominator < 1e-7, 1e-7, denominator)
    return {ops}.expand_dims(batch_dot(x, y) / denominator, 1)
'''


def helper_source(name: str, ops: str) -> str:
    return textwrap.dedent(_HELPER).format(name=name, ops=ops, mark=HELPER_MARK).lstrip("\n")


def _module_binding(ctx: FileContext, name: str):
    scope = ctx.resolver.module_scope
    return scope.bindings.get(name, []) if scope is not None else []


def _is_helper(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.FunctionDef) and HELPER_MARK in cst.Module([]).code_for_node(node)


def legacy_helper(ctx: FileContext, anchor: cst.CSTNode) -> tuple[str, list[Edit], tuple[ImportRequest, ...]]:
    """The helper's name, the edit that defines it before the top-level statement holding ``anchor``
    (none when the file already has it) and the imports it needs."""
    key = "cosine.helper"
    if key not in ctx.cache:
        name, existing, n = HELPER_NAME, False, 1
        while True:
            bindings = _module_binding(ctx, name) or ctx.resolver.bindings_of(name)
            if not bindings:
                break
            if len(bindings) == 1 and _is_helper(bindings[0].node):
                existing = True
                break
            n += 1
            name = f"{HELPER_NAME}_{n}"
        ctx.cache[key] = (name, existing)
    name, existing = ctx.cache[key]
    if existing:
        return name, [], ()
    top = top_statement(ctx, anchor)
    if "cosine.helper_edit" not in ctx.cache:
        # One Edit object shared by every fix that needs the helper: the engine applies it once.
        ctx.cache["cosine.helper_edit"] = _helper_edit(ctx, name, top)
    helper = ctx.cache["cosine.helper_edit"]
    edit = helper[1][0]
    if _index(ctx, top) < _index(ctx, edit.node):
        edit.node = top  # above the first statement that needs it (rules do not run in file order)
    return helper


def _index(ctx: FileContext, statement: cst.CSTNode) -> int:
    return next(i for i, s in enumerate(ctx.module.body) if s is statement)


def _helper_edit(ctx: FileContext, name: str, top: cst.CSTNode):
    ops_ref, request = ctx.reference("keras", "ops")
    source = helper_source(name, cst.Module([]).code_for_node(ops_ref))
    function = cst.parse_statement(source)

    def build(updated: cst.CSTNode):
        lines = list(updated.leading_lines)
        # Comments above the statement stay with it; the helper goes above them, two blank lines apart.
        split = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
        blank = [cst.EmptyLine()] * max(2, split) if split or _index(ctx, edit.node) else []
        helper = function.with_changes(leading_lines=blank)
        kept = updated.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *lines[split:]])
        return [helper, kept]

    edit = Edit(top, build, keeps_node=True)
    return name, [edit], (request,)


def legacy_arguments(bound: _merge.BoundCall) -> list[tuple[str, cst.BaseExpression]]:
    """The legacy ``Lambda``'s keywords: Keras 1's ``dot_axes`` as ``arguments={"axes": ...}``."""
    axes = bound.args.get("dot_axes")
    if axes is None:
        return []
    return [("arguments", cst.Dict([cst.DictElement(cst.SimpleString('"axes"'), axes.value)]))]


def legacy_replacement(bound: _merge.BoundCall) -> _merge.Replacement:
    """``Lambda(<helper>, arguments=...)``; the helper's name is set where the fix is built."""
    return _merge.Replacement("Lambda", [], fixed_args=legacy_arguments(bound), legacy_cos=True)


def top_statement(ctx: FileContext, node: cst.CSTNode) -> cst.CSTNode:
    for ancestor in (node, *ctx.ancestors(node)):
        if isinstance(ctx.parent(ancestor), cst.Module):
            return ancestor
    raise ValueError("node outside the module body")


# -- hand-written cosine functions (spec §5) ------------------------------------------------------

_PARAMS = {
    "l2_normalize": ("x", "axis"),
    "sum": ("x", "axis", "keepdims"),
    "mean": ("x", "axis", "keepdims"),
    "batch_dot": ("x", "y", "axes"),
    "sqrt": ("x",),
    "square": ("x",),
    "maximum": ("x", "y"),
    "epsilon": (),
}
_DEFAULTS = {"keepdims": False, "axis": None, "axes": None}


@dataclasses.dataclass(frozen=True)
class Cosine:
    """A recognised cosine function: ``kind`` is "cos" (sum and norm variants) or "neg_mean"
    (``-K.mean(l2n(x) * l2n(y))``, KM303); ``axis`` the axis it reduces (as written)."""

    kind: str
    axis: object
    distance: bool = False  # ``1 - cos``
    clamp: str | None = None  # where a K.maximum(..., eps) clamps: "product", "each" or None
    variant: str = ""  # "l2_normalize" / "norms", for messages


class _NoMatch(Exception):
    pass


def _axis_value(node: cst.BaseExpression | None, default):
    if node is None:
        return default
    if not _merge.is_literal(node):
        raise _NoMatch
    value = _merge.literal(node)
    return tuple(value) if isinstance(value, list) else value


class _Evaluator:
    """Evaluates the body of a one-parameter function into terms (nested tuples)."""

    def __init__(self, ctx: FileContext, param: str):
        self.ctx = ctx
        self.env: dict[str, tuple] = {param: ("inputs",)}

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.env[target.value] = self.term(value)
            return
        if isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2:
            if self.term(value) != ("inputs",):
                raise _NoMatch
            for index, element in enumerate(target.elements):
                if not isinstance(element.value, cst.Name):
                    raise _NoMatch
                self.env[element.value.value] = ("in", index)
            return
        raise _NoMatch

    def term(self, node: cst.BaseExpression) -> tuple:
        if isinstance(node, cst.Name):
            if node.value in self.env:
                return self.env[node.value]
            raise _NoMatch
        if isinstance(node, (cst.Integer, cst.Float)):
            return ("num", _merge.literal(node))
        if isinstance(node, cst.Subscript):
            if self.term(node.value) != ("inputs",) or len(node.slice) != 1:
                raise _NoMatch
            index = node.slice[0].slice
            if not isinstance(index, cst.Index) or _axis_value(index.value, None) not in (0, 1):
                raise _NoMatch
            return ("in", _merge.literal(index.value))
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            return ("neg", self.term(node.expression))
        if isinstance(node, cst.BinaryOperation):
            op = {cst.Multiply: "mul", cst.Divide: "div", cst.Subtract: "sub"}.get(type(node.operator))
            if op is None:
                raise _NoMatch
            return (op, self.term(node.left), self.term(node.right))
        if isinstance(node, cst.Call):
            return self.call(node)
        raise _NoMatch

    def call(self, node: cst.Call) -> tuple:
        qualname = self.ctx.qualified_name(node.func) or ""
        if not qualname.startswith(BACKEND):
            raise _NoMatch
        name = qualname[len(BACKEND):]
        params = _PARAMS.get(name)
        if params is None:
            raise _NoMatch
        bound = _merge.bind(node, params)
        if bound is None or bound.dynamic:
            raise _NoMatch
        if name == "epsilon":
            return ("eps",)
        if name == "maximum":
            floor = self.term(bound.value("y"))
            if floor != ("eps",) and not (floor[0] == "num" and 0 < floor[1] <= 1e-6):
                raise _NoMatch
            return ("clamp", self.term(bound.value("x")))
        args = [self.term(bound.value("x"))]
        if "y" in params:
            args.append(self.term(bound.value("y")))
        for extra in params[len(args):]:
            args.append(_axis_value(bound.value(extra), _DEFAULTS[extra]))
        return (name, *args)


def _pair(a: tuple, b: tuple, f) -> bool:
    """``f(a, b)`` holds for the two inputs in either order."""
    return bool(f(a, b) or f(b, a))


def _inputs(a: tuple, b: tuple) -> bool:
    return {a, b} == {("in", 0), ("in", 1)}


def _rank2_axis(axis) -> bool:
    return axis in (1, -1, (1, 1), (-1, -1))


def _normalized_product(term: tuple):
    """``l2n(x, a) * l2n(y, a)`` → a."""
    if term[0] != "mul":
        return None
    left, right = term[1], term[2]
    if left[0] == right[0] == "l2_normalize" and _inputs(left[1], right[1]) and left[2] == right[2]:
        return left[2]
    return None


def _norm(term: tuple):
    """``sqrt(sum(square(x), a, keepdims=True))`` (optionally clamped) → (input, axis, clamped)."""
    clamped = term[0] == "clamp"
    if clamped:
        term = term[1]
    if term[0] == "sqrt" and term[1][0] == "sum" and term[1][1][0] == "square" and term[1][3] is True:
        return term[1][1][1], term[1][2], clamped
    return None


def _dot(term: tuple):
    """``batch_dot(x, y, a)`` or ``sum(x * y, a, keepdims=True)`` → a."""
    if term[0] == "batch_dot" and _inputs(term[1], term[2]):
        return term[3]
    if term[0] == "sum" and term[1][0] == "mul" and _inputs(term[1][1], term[1][2]) and term[3] is True:
        return term[2]
    return None


def _cos(term: tuple) -> Cosine | None:
    # K.sum(l2n(x) * l2n(y), axis, keepdims=True), or the batch_dot of the normalised inputs.
    if term[0] == "sum" and term[3] is True:
        axis = _normalized_product(term[1])
        if axis is not None and axis == term[2]:
            return Cosine("cos", axis, variant="l2_normalize")
    if term[0] == "batch_dot" and term[1][0] == term[2][0] == "l2_normalize" and _inputs(term[1][1], term[2][1]):
        if _rank2_axis(term[3]) and _rank2_axis(term[1][2]) and _rank2_axis(term[2][2]):
            return Cosine("cos", term[1][2], variant="l2_normalize")
    # dot / (|x| * |y|), clamps on the product or on each norm.
    if term[0] == "div":
        axis = _dot(term[1])
        den = term[2]
        clamp = None
        if den[0] == "clamp":
            clamp, den = "product", den[1]
        if axis is None or den[0] not in ("mul", "sqrt"):
            return None
        if den[0] == "sqrt":  # sqrt(sum(x²) * sum(y²))
            inner = den[1]
            if inner[0] != "mul":
                return None
            squares = [inner[1], inner[2]]
            if not all(s[0] == "sum" and s[1][0] == "square" and s[3] is True for s in squares):
                return None
            norms = [(s[1][1], s[2], False) for s in squares]
        else:
            norms = [_norm(den[1]), _norm(den[2])]
            if None in norms:
                return None
        if not _inputs(norms[0][0], norms[1][0]) or norms[0][1] != norms[1][1]:
            return None
        if any(n[2] for n in norms):
            if not all(n[2] for n in norms) or clamp:
                return None
            clamp = "each"
        if not (axis == norms[0][1] or (_rank2_axis(axis) and _rank2_axis(norms[0][1]))):
            return None
        return Cosine("cos", norms[0][1], clamp=clamp, variant="norms")
    return None


def match_term(term: tuple) -> Cosine | None:
    if term[0] == "neg" and term[1][0] == "mean":
        mean = term[1]
        axis = _normalized_product(mean[1])
        if axis is not None and axis == mean[2] and mean[3] is True:
            return Cosine("neg_mean", axis, variant="l2_normalize")
        return None
    if term[0] == "sub" and term[1] == ("num", 1):
        found = _cos(term[2])
        return dataclasses.replace(found, distance=True) if found else None
    return _cos(term)


def function_of(ctx: FileContext, node: cst.BaseExpression) -> cst.FunctionDef | cst.Lambda | None:
    """The function a ``Lambda``'s first argument names: an inline lambda, a ``def`` of the file,
    or a name assigned a lambda once."""
    if isinstance(node, cst.Lambda):
        return node
    function = _evidence.file_function(ctx, node)
    if function is not None:
        return function
    if isinstance(node, cst.Name):
        value = _evidence.assigned_value(ctx, node)
        if isinstance(value, cst.Lambda):
            return value
    return None


def _one_param(params: cst.Parameters) -> str | None:
    if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg or params.posonly_params:
        return None
    plain = params.params
    if not plain or any(p.default is not None for p in plain[:1]):
        return None
    # Extra parameters must have defaults (K1 passed only the list, plus ``mask`` when declared).
    if any(p.default is None for p in plain[1:]):
        return None
    return plain[0].name.value


def match_function(ctx: FileContext, function: cst.FunctionDef | cst.Lambda) -> Cosine | None:
    """The cosine form ``function`` computes, when its body is one of spec §5's families."""
    param = _one_param(function.params)
    if param is None:
        return None
    evaluator = _Evaluator(ctx, param)
    try:
        if isinstance(function, cst.Lambda):
            return match_term(evaluator.term(function.body))
        body = function.body
        if not isinstance(body, cst.IndentedBlock):
            return None
        statements = list(body.body)
        if statements and _is_docstring(statements[0]):
            statements = statements[1:]
        for index, statement in enumerate(statements):
            if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
                return None
            small = statement.body[0]
            last = index == len(statements) - 1
            if isinstance(small, cst.Return) and last and small.value is not None:
                return match_term(evaluator.term(small.value))
            if isinstance(small, cst.Assign) and not last and len(small.targets) == 1:
                evaluator.bind(small.targets[0].target, small.value)
                continue
            return None
    except (_NoMatch, IndexError, TypeError):
        return None
    return None


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


@dataclasses.dataclass
class LambdaUse:
    """``Lambda(function, ...)(inputs)`` with a two-input list: the pieces the cosine rules need."""

    outer: cst.Call  # the application
    layer: cst.Call  # Lambda(...)
    bound: _merge.BoundCall
    function_node: cst.BaseExpression
    function: cst.FunctionDef | cst.Lambda
    inputs: cst.Arg
    cosine: Cosine


LAMBDA_PARAMS = ("function", "output_shape", "arguments")


def lambda_use(ctx: FileContext, layer: cst.Call) -> LambdaUse | None:
    """The cosine Lambda applied in place to ``[a, b]``, or None."""
    outer = ctx.parent(layer)
    if not isinstance(outer, cst.Call) or outer.func is not layer or len(outer.args) != 1:
        return None
    inputs = outer.args[0]
    if inputs.keyword is not None or inputs.star or not isinstance(inputs.value, (cst.List, cst.Tuple)) \
            or len(inputs.value.elements) != 2:
        return None
    bound = _merge.bind(layer, LAMBDA_PARAMS + ("mask", "name"))
    if bound is None or bound.dynamic or "function" not in bound.args:
        return None
    if bound.value("arguments") is not None:
        return None
    function = function_of(ctx, bound.value("function"))
    if function is None:
        return None
    cosine = match_function(ctx, function)
    if cosine is None:
        return None
    return LambdaUse(outer, layer, bound, bound.value("function"), function, inputs, cosine)


def input_elements(use: LambdaUse) -> list[cst.BaseExpression]:
    return [e.value for e in use.inputs.value.elements]


def definition_statement(ctx: FileContext, node: cst.BaseExpression) -> cst.CSTNode | None:
    """The ``def`` (or ``name = lambda``) statement that ``node`` names, when nothing else reads the name."""
    if not isinstance(node, cst.Name):
        return None
    if len(_evidence.loads_of(ctx, node.value)) != 1:
        return None
    function = _evidence.file_function(ctx, node)
    if function is not None:
        return function if not function.decorators else None
    assign = _evidence.reaching_assign(ctx, node)
    if assign is not None and isinstance(assign.value, cst.Lambda):
        line = ctx.parent(assign)
        return line if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None
    return None


def removal(node: cst.CSTNode) -> Edit:
    return Edit(node, lambda updated: cst.RemovalSentinel.REMOVE)
