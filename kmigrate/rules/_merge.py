"""What the merge rules share: binding a ``merge``/``Merge`` call's arguments to Keras 1's signature,
classifying its mode, and building the Keras 3 layer that replaces it (spec §1.4)."""

from __future__ import annotations

import ast
import dataclasses
import re

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import ImportRequest
from kmigrate.keras1 import merge as table

STRING, CALLABLE, UNKNOWN = "string", "callable", "unknown"
LAYERS = "keras.layers"

_SPACE = cst.SimpleWhitespace(" ")
_NO_SPACE = cst.SimpleWhitespace("")


@dataclasses.dataclass
class BoundCall:
    """A call's arguments by Keras 1 parameter name; ``dynamic`` when ``*args``/``**kwargs`` hide some."""

    args: dict[str, cst.Arg]
    dynamic: bool

    def value(self, name: str) -> cst.BaseExpression | None:
        arg = self.args.get(name)
        return arg.value if arg is not None else None


def bind(call: cst.Call, params: tuple[str, ...]) -> BoundCall | None:
    """Map each argument to its parameter; None when the call does not fit the signature."""
    args: dict[str, cst.Arg] = {}
    dynamic = False
    position = 0
    for arg in call.args:
        if arg.star:
            dynamic = True
            continue
        if arg.keyword is None:
            if position >= len(params):
                return None
            args[params[position]] = arg
            position += 1
        else:
            if arg.keyword.value not in params or arg.keyword.value in args:
                return None
            args[arg.keyword.value] = arg
    return BoundCall(args, dynamic)


_CONSTANTS = {"True": True, "False": False, "None": None}


def literal(node: cst.BaseExpression | None):
    """The Python value of a literal expression, or raise ValueError.

    Common shapes are read from the tree (this runs for most arguments of most calls); anything
    else goes through ``ast.literal_eval``, which needs code generation and a compile.
    """
    if node is None:
        raise ValueError("no expression")
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float)) and not node.lpar:
        return node.evaluated_value
    if isinstance(node, cst.Name) and node.value in _CONSTANTS:
        return _CONSTANTS[node.value]
    if isinstance(node, (cst.Tuple, cst.List)) and not any(isinstance(e, cst.StarredElement) for e in node.elements):
        values = [literal(e.value) for e in node.elements]
        return tuple(values) if isinstance(node, cst.Tuple) else values
    if (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus))
            and isinstance(node.expression, (cst.Integer, cst.Float))):
        value = node.expression.evaluated_value
        return -value if isinstance(node.operator, cst.Minus) else value
    return ast.literal_eval(cst.Module([]).code_for_node(node))


def is_literal(node: cst.BaseExpression | None) -> bool:
    try:
        literal(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def callable_binding(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """An inline lambda, or a name the file binds only to ``def``s or lambdas."""
    if isinstance(node, cst.Lambda):
        return True
    if not isinstance(node, cst.Name):
        return False
    bindings = ctx.resolver.bindings_of(node.value)
    if not bindings:
        return False
    for binding in bindings:
        if isinstance(binding.node, cst.FunctionDef):
            continue
        parent = ctx.parent(binding.node)
        if isinstance(binding.node, cst.AssignTarget) and isinstance(parent, cst.Assign) and isinstance(parent.value, cst.Lambda):
            continue
        return False
    return True


@dataclasses.dataclass
class Mode:
    kind: str  # STRING, CALLABLE or UNKNOWN
    name: str | None = None  # the string mode
    node: cst.BaseExpression | None = None


def classify_mode(ctx: FileContext, bound: BoundCall) -> Mode:
    node = bound.value("mode")
    if node is None:
        if bound.dynamic:
            return Mode(UNKNOWN)
        return Mode(STRING, table.DEFAULT_MODE)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = literal(node)
        except (ValueError, SyntaxError):
            return Mode(UNKNOWN, node=node)
        if isinstance(value, str) and value in table.KNOWN_MODES:
            return Mode(STRING, value, node)
        return Mode(UNKNOWN, node=node)
    if callable_binding(ctx, node):
        return Mode(CALLABLE, node=node)
    return Mode(UNKNOWN, node=node)


def file_creates_masks(ctx: FileContext) -> bool:
    """``Embedding(mask_zero=True)`` or a ``Masking`` layer anywhere in the file."""
    key = "creates_masks"
    if key not in ctx.cache:
        ctx.cache[key] = bool(re.search(r"mask_zero\s*=\s*True|\bMasking\s*\(", ctx.text))
    return ctx.cache[key]


def keyword_arg(name: str, value: cst.BaseExpression, template: cst.Arg | None = None) -> cst.Arg:
    """``name=value``, keeping a template argument's comma and whitespace (and so its comments)."""
    if template is not None:
        return template.with_changes(
            keyword=cst.Name(name), value=value,
            equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE)
            if template.keyword is None else template.equal,
        )
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE))


def positional_arg(arg: cst.Arg) -> cst.Arg:
    return arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)


def _has_comment(node: cst.CSTNode) -> bool:
    return "#" in cst.Module([]).code_for_node(node)


def join_args(args: list[cst.Arg]) -> list[cst.Arg]:
    """Commas between arguments on one line; a comma that carries a comment stays as it was."""
    joined = []
    for index, arg in enumerate(args):
        comma = arg.comma
        keep = isinstance(comma, cst.Comma) and _has_comment(comma)
        if index < len(args) - 1:
            if not keep:
                arg = arg.with_changes(comma=cst.Comma(whitespace_after=_SPACE))
        elif not keep:
            arg = arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        joined.append(arg)
    return joined


@dataclasses.dataclass
class Replacement:
    """A Keras 3 layer applied to the merge's inputs: ``Layer(<layer args>)(<inputs>)``."""

    layer: str  # name in keras.layers
    layer_args: list[tuple[str, str]]  # (Keras 1 parameter, Keras 3 keyword) copied from the call
    fixed_args: list[tuple[str, cst.BaseExpression]] = dataclasses.field(default_factory=list)  # new keywords
    defaults: dict[str, str] = dataclasses.field(default_factory=dict)  # Keras 3 keyword -> code when absent
    wrap_mask: bool = False
    singleton_axes: bool = False  # Keras 1's output had an extra axis of size 1 (mode='cos')
    leading: tuple[cst.BaseExpression, ...] = ()  # positional arguments before all others
    legacy_cos: bool = False  # the --cos-style legacy Lambda: needs the helper function in the file

    @property
    def request(self) -> ImportRequest:
        return ImportRequest(LAYERS, self.layer)

    def describe(self) -> str:
        return self.layer


def exact_replacement(mode: str) -> Replacement:
    layer, mapping = table.EXACT_MODES[mode]
    return Replacement(layer, [(k1, k3) for k1, k3, _ in mapping],
                       defaults={k3: default for _, k3, default in mapping if default is not None})


def cos_replacement() -> Replacement:
    layer, mapping = table.COS_LAYER
    return Replacement(layer, [(k1, k3) for k1, k3, _ in mapping],
                       fixed_args=[("normalize", cst.Name("True"))], singleton_axes=True,
                       defaults={k3: default for _, k3, default in mapping if default is not None})


def callable_replacement() -> Replacement:
    return Replacement("Lambda", [("mode", ""), ("output_shape", "output_shape"), ("output_mask", "mask"),
                                  ("arguments", "arguments")], wrap_mask=True)


def wrap_output_mask(ctx: FileContext, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """Keras 1 calls a callable ``output_mask(masks)``; Keras 3 calls ``mask(inputs, masks)`` (spec §1.1)."""
    if isinstance(node, cst.Name) and node.value == "None":
        return None
    if callable_binding(ctx, node):
        code = f"lambda inputs, masks: {cst.Module([]).code_for_node(node)}(masks)"
        if isinstance(node, cst.Lambda):
            code = f"lambda inputs, masks: ({cst.Module([]).code_for_node(node)})(masks)"
        return cst.parse_expression(code)
    if is_literal(node):
        return node
    # Unknown: callable or not is decided at run time, as Keras 1 did.
    code = cst.Module([]).code_for_node(node)
    return cst.parse_expression(f"lambda inputs, masks, output_mask=({code}): output_mask(masks) if callable(output_mask) else output_mask")


def build_layer_call(ctx: FileContext, replacement: Replacement, layer_ref: cst.BaseExpression,
                     bound: BoundCall, inputs: cst.Arg | None, name_param: str = "name",
                     template: cst.Call | None = None) -> cst.Call:
    """``Layer(args)(inputs)`` — or just ``Layer(args)`` when ``inputs`` is None.

    The layer's arguments go on one line; a multi-line call keeps its inputs on their own lines
    (and the comments there) when ``template`` is the call being replaced.
    """
    layer_args: list[cst.Arg] = [cst.Arg(value) for value in replacement.leading]
    for k1, k3 in replacement.layer_args:
        arg = bound.args.get(k1)
        if arg is None:
            if k3 in replacement.defaults:
                layer_args.append(keyword_arg(k3, cst.parse_expression(replacement.defaults[k3])))
            continue
        value = arg.value
        if k1 == "output_mask" and replacement.wrap_mask:
            value = wrap_output_mask(ctx, value)
            if value is None:
                continue
        if k3 == "":
            layer_args.append(positional_arg(arg))
        else:
            layer_args.append(keyword_arg(k3, value, arg))
    for keyword, value in replacement.fixed_args:
        layer_args.append(keyword_arg(keyword, value))
    name = bound.args.get(name_param)
    if name is not None:
        layer_args.append(keyword_arg("name", name.value, name))
    layer = cst.Call(func=layer_ref, args=join_args(layer_args))
    if inputs is None:
        return layer
    comma = inputs.comma
    multiline = isinstance(comma, cst.Comma) and (
        _has_comment(comma) or isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace))
    if multiline and template is not None:
        # The closing parenthesis keeps the indentation it had after the call's last argument.
        last = template.args[-1]
        closing = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
        after = comma.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(closing, cst.ParenthesizedWhitespace):
            comma = comma.with_changes(whitespace_after=after.with_changes(indent=closing.indent, last_line=closing.last_line))
        return cst.Call(func=layer, args=[positional_arg(inputs).with_changes(comma=comma)],
                        whitespace_before_args=template.whitespace_before_args)
    return cst.Call(func=layer, args=[positional_arg(inputs).with_changes(comma=cst.MaybeSentinel.DEFAULT)])


_COMMENT = re.compile(r"#[^\r\n]*")


def loses_comments(before: cst.CSTNode, after: cst.CSTNode) -> bool:
    """Whether a rewrite drops a comment that stood inside the rewritten construct.

    Text-based (a ``#`` inside a string counts too, on both sides alike): cheap, and never misses.
    """
    empty = cst.Module([])
    lost = _COMMENT.findall(empty.code_for_node(before))
    if not lost:
        return False
    kept = _COMMENT.findall(empty.code_for_node(after))
    return any(lost.count(c) > kept.count(c) for c in set(lost))


def merge_finding(ctx: FileContext, code: str, node: cst.Call, split, replacement: Replacement,
                  message: str, applicability: str | None, description: str):
    """A finding whose fix replaces ``node`` by ``replacement`` applied to the merge's inputs.

    ``split(call)`` returns the bound Keras 1 arguments and the inputs argument of ``call`` (the
    original, and at fix time the updated node, whose nested merges are already rewritten).
    ``applicability`` None means report only.
    """
    from kmigrate.engine.rule import Edit, Finding, Fix

    layer_ref, request = ctx.reference(LAYERS, replacement.layer)

    def build(updated: cst.CSTNode) -> cst.CSTNode:
        bound, inputs = split(updated)
        new = build_layer_call(ctx, replacement, layer_ref, bound, inputs, template=updated)
        return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    fix = None
    if applicability is not None:
        if loses_comments(node, build(node)):
            message += " (not fixed: a comment inside the call would be lost; rewrite it by hand)"
        else:
            fix = Fix(applicability, description, [Edit(node, build)], (request,),
                      singleton_axes=replacement.singleton_axes)
    return Finding(code, message, node, fix)


def describe_call(ctx: FileContext, replacement: Replacement, bound: BoundCall) -> str:
    """``Concatenate(axis=1)`` as the fix would write it (for messages)."""
    ref = cst.Name(replacement.layer)
    return cst.Module([]).code_for_node(build_layer_call(ctx, replacement, ref, bound, None))
