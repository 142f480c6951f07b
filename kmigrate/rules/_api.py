"""What the KM4xx/KM5xx rules share: uses of imported names as attribute chains, and argument edits."""

from __future__ import annotations

import ast
import dataclasses
import re
import string
from collections.abc import Callable, Iterator

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.keras1 import layers

_NO_SPACE = cst.SimpleWhitespace("")
_SPACE = cst.SimpleWhitespace(" ")


@dataclasses.dataclass
class Use:
    """A use of a Keras import: the base ``Name`` and the longest attribute chain built on it."""

    name: cst.Name
    base: str  # what the name is bound to, e.g. "keras" or "keras.layers.core"
    chain: list[cst.BaseExpression]  # chain[0] is the name, chain[i] the Attribute with i attributes
    attrs: list[str]  # the attribute names, in order

    def qualname(self, depth: int) -> str:
        """The qualified name of ``chain[depth]``."""
        return ".".join([self.base, *self.attrs[:depth]])


def _is_reference(ctx: FileContext, name: cst.Name) -> bool:
    parent = ctx.parent(name)
    if isinstance(parent, cst.Attribute) and parent.attr is name:
        return False
    if isinstance(parent, cst.Arg) and parent.keyword is name:
        return False
    return True


def uses(ctx: FileContext) -> list[Use]:
    """Every reference to a name bound by a Keras import (computed once per file)."""
    key = ("_api.uses",)
    if key not in ctx.cache:
        found = []
        for name in ctx.resolver.name_scopes:
            if not _is_reference(ctx, name):
                continue
            base = ctx.resolver.resolve_name(name)
            if base is None:
                continue
            chain: list[cst.BaseExpression] = [name]
            attrs: list[str] = []
            node: cst.BaseExpression = name
            parent = ctx.parent(node)
            while isinstance(parent, cst.Attribute) and parent.value is node:
                chain.append(parent)
                attrs.append(parent.attr.value)
                node = parent
                parent = ctx.parent(node)
            found.append(Use(name, base, chain, attrs))
        ctx.cache[key] = found
    return ctx.cache[key]


def uses_of(ctx: FileContext, base: str) -> Iterator[Use]:
    return (use for use in uses(ctx) if use.base == base)


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE))


def join_commas(items: list, trailing: bool = True) -> list:
    """Commas between arguments or import names (kept where they were, ``, `` where new); the last
    item keeps its trailing comma only with ``trailing``."""
    joined = []
    for index, item in enumerate(items):
        if index < len(items) - 1:
            if not isinstance(item.comma, cst.Comma):
                item = item.with_changes(comma=cst.Comma(whitespace_after=_SPACE))
        elif not trailing:
            item = item.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        joined.append(item)
    return joined


def code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


# -- Keras 1 layer calls (KM402, KM403) ---------------------------------------------------------

#: Keyword arguments only Keras 1 spelled so (on Keras calls): a file passing one is Keras 1 code.
KERAS1_KEYWORDS = frozenset({
    *(k for k in layers.COMMON_ARGUMENTS if k not in ("init",)), "nb_epoch", "samples_per_epoch",
    "nb_val_samples", "consume_less", "forget_bias_init", "input_dtype", "lr",
})
#: Classes where one of those keywords is Keras 3's too (``Embedding(output_dim=...)``): what is left.
_KERAS1_KEYWORDS_OF = {c: KERAS1_KEYWORDS - {k for k, v in renames.items() if k == v}
                       for c, renames in layers.CLASS_ARGUMENTS.items() if any(k == v for k, v in renames.items())}
#: Names only Keras 1 had (their calls are Keras 1 evidence).
KERAS1_CALLS = frozenset({"Convolution1D", "Convolution2D", "Convolution3D", "AtrousConvolution1D",
                          "AtrousConvolution2D", "Deconvolution2D", "SeparableConvolution2D", "Merge",
                          "image_dim_ordering", "set_image_dim_ordering"})
_KERAS1_MODULE = re.compile(r"keras\.(?:layers\.(?:core|convolutional|recurrent|embeddings|normalization|"
                            r"advanced_activations|wrappers|noise|pooling|local)|engine|utils\.np_utils|"
                            r"utils\.visualize_util|objectives|initializations)\b")


def keras1_file(ctx: FileContext) -> bool:
    """The file shows Keras 1 code: an import from a removed Keras 1 module, a Keras call with a
    keyword only Keras 1 had (``nb_epoch=``, ``output_dim=``, ``border_mode=``, ...), or a call of a
    Keras 1-only name.  Only then are Keras 1 defaults made explicit (kind D): the same call in Keras 3
    code means Keras 3's defaults."""
    key = ("_api.keras1_file",)
    if key not in ctx.cache:
        ctx.cache[key] = _keras1_evidence(ctx)
    return ctx.cache[key]


def _keras1_evidence(ctx: FileContext) -> bool:
    from kmigrate.engine.resolve import dotted_name

    for statement, _ in ctx.resolver.imports:
        if isinstance(statement, cst.ImportFrom) and statement.module is not None and not statement.relative:
            if _KERAS1_MODULE.match(dotted_name(statement.module) or ""):
                return True
        elif isinstance(statement, cst.Import):
            if any(_KERAS1_MODULE.match(dotted_name(a.name) or "") for a in statement.names):
                return True
    for call in ctx.resolver.calls:
        qualname = ctx.qualified_name(call.func)
        if qualname is None or not qualname.startswith("keras"):
            continue
        if qualname.rsplit(".", 1)[1] in KERAS1_CALLS:
            return True
        if qualname in ("keras.models.Model", "keras.Model", "keras.engine.training.Model") and any(
                a.keyword is not None and a.keyword.value in ("input", "output") for a in call.args):
            return True
        name = qualname.rsplit(".", 1)[1]
        keywords = _KERAS1_KEYWORDS_OF.get(layers.ALIASES.get(name, name), KERAS1_KEYWORDS)
        if any(a.keyword is not None and a.keyword.value in keywords for a in call.args):
            return True
        if layers.ALIASES.get(name, name) in layers.SEQUENCE_INPUT and any(
                a.keyword is not None and a.keyword.value == "input_length" for a in call.args):
            return True  # Keras 3 raises on a recurrent or 1D convolution's input_length
    return bool(re.search(r"\bnb_epoch\s*=", ctx.text))


#: The placeholders of ``layers.REFERENCES`` as messages and the reference show them.
SHOWN = {field: field for field in layers.REFERENCES}


def _placeholders(codes: list[str]) -> set[str]:
    return {field for text in codes for _, field, _, _ in string.Formatter().parse(text) if field}


def channels_first_file(ctx: FileContext) -> bool:
    """The file sets Keras' global image format to channels first (``set_image_dim_ordering('th')``,
    ``set_image_data_format('channels_first')``)."""
    key = ("_api.channels_first_file",)
    if key not in ctx.cache:
        ctx.cache[key] = False
        for call in ctx.resolver.calls:
            qualname = ctx.qualified_name(call.func) or ""
            value = layers.CHANNELS_FIRST_CALLS.get(qualname.rsplit(".", 1)[-1])
            if value is not None and qualname.startswith("keras") and call.args \
                    and literal_value(call.args[0].value) == value:
                ctx.cache[key] = True
    return ctx.cache[key]


def literal_value(node: cst.BaseExpression):
    """The Python value of a literal, or the ``NOT_LITERAL`` marker."""
    try:
        return ast.literal_eval(code(node))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return NOT_LITERAL


NOT_LITERAL = object()


@dataclasses.dataclass
class Conversion:
    """The Keras 3 spelling of a Keras 1 call: what changes, and a builder for the fix."""

    changes: list[str]
    problems: list[str]  # reasons the call cannot be rewritten exactly (no fix)
    unsafe: list[str]  # reasons the rewrite may compute something else (an unsafe fix)
    renamed: bool  # the class name changes or positional arguments are merged (KM402)
    build: Callable[[cst.Call], cst.Call]
    imports: tuple = ()
    edits: tuple = ()  # edits besides the call's own (e.g. an Input inserted before a Sequential's first layer)


SEQUENTIAL = frozenset({"keras.models.Sequential", "keras.Sequential"})


def first_layer_input(ctx: FileContext, call: cst.Call, k1: str):
    """For the first layer of a ``Sequential`` whose Keras 1 argument describes the model's input
    (``FIRST_LAYER_INPUT``): (the argument's name, the Edit inserting ``Input(...)`` before the layer, the
    import it needs, its code).  None elsewhere: as an element 0 of ``Sequential([...])``, or in
    ``model.add(...)`` right after ``model = Sequential()``."""
    row = layers.FIRST_LAYER_INPUT.get(k1)
    if row is None:
        return None
    key = ("_api.first_layer_input", id(call))
    if key in ctx.cache:
        return ctx.cache[key]
    param, template = row
    bound = _bind(call, layers.SIGNATURES[k1], positional=True)
    arg = None if bound is None else bound[1].get(param) or next((a for p, a in bound[0] if p == param), None)
    found = None
    if arg is not None and not any(a.star for a in call.args):
        input_ref, request = ctx.reference("keras.layers", "Input")
        text = f"{code(input_ref)}({template.format(value=code(arg.value))})"
        edit = _sequential_list_edit(ctx, call, text) or _sequential_add_edit(ctx, call, text)
        if edit is not None:
            found = (param, edit, request, text)
    ctx.cache[key] = found
    return found


def full_padding(ctx: FileContext, call: cst.Call, k1: str):
    """For ``border_mode='full'`` on a layer applied at once (``Conv(...)(x)``) or added to a model
    (``model.add(Conv(...))``): (the padding layer's code, the Edit putting it in front, its import).
    None when the layer is used otherwise or its window or ``dim_ordering`` is not known."""
    row = layers.FULL_PADDING.get(k1)
    if row is None:
        return None
    key = ("_api.full_padding", id(call))
    if key in ctx.cache:
        return ctx.cache[key]
    ctx.cache[key] = None
    bound = _bind(call, layers.SIGNATURES[k1], positional=True)
    if bound is None or bound[2]:
        return None
    given = {**{p: a for p, a in bound[0] if p}, **bound[1]}
    mode = given.get("border_mode")
    if mode is None or mode.keyword is None or literal_value(mode.value) != "full":
        return None
    if {"input_shape", "input_dim", "batch_input_shape", "input_length"} & set(given):
        return None  # the padding layer would have to take over the model's input
    ordering = literal_value(given["dim_ordering"].value) if "dim_ordering" in given else "default"
    if ordering not in layers.VALUES["dim_ordering"]:
        return None
    windows, padding_layer = row
    if any(w not in given for w in windows):
        return None
    sizes = []
    for w in windows:
        value = literal_value(given[w].value)
        sizes.append(str(value - 1) if isinstance(value, int) else f"{code(given[w].value)} - 1")
    layer_ref, request = ctx.reference("keras.layers", padding_layer)
    data_format = layers.VALUES["dim_ordering"][ordering]
    text = f"{code(layer_ref)}({sizes[0] if len(sizes) == 1 else '(' + ', '.join(sizes) + ')'}" + (
        f", data_format={data_format})" if data_format else ")")
    edit = _apply_first_edit(ctx, call, text) or _add_before_edit(ctx, call, text)
    ctx.cache[key] = (text, edit, request) if edit is not None else None
    return ctx.cache[key]


def _apply_first_edit(ctx: FileContext, call: cst.Call, text: str):
    """``Layer(...)(x)`` → ``Layer(...)(<text>(x))``."""
    from kmigrate.engine.rule import Edit

    applied = ctx.parent(call)
    if not (isinstance(applied, cst.Call) and applied.func is call and len(applied.args) == 1
            and applied.args[0].keyword is None and not applied.args[0].star):
        return None

    def build(updated: cst.Call) -> cst.Call:
        first = updated.args[0]
        return updated.with_changes(args=[first.with_changes(value=cst.Call(
            func=cst.parse_expression(text), args=[cst.Arg(first.value)]))])

    return Edit(applied, build)


def _model_add_line(ctx: FileContext, call: cst.Call):
    """(the statement ``model.add(call)``, the model's name) when ``call`` is added to a model, else None."""
    arg = ctx.parent(call)
    add = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
    if not (isinstance(add, cst.Call) and len(add.args) == 1 and isinstance(add.func, cst.Attribute)
            and add.func.attr.value == "add" and isinstance(add.func.value, cst.Name)):
        return None
    line = ctx.parent(ctx.parent(add))
    if not (isinstance(ctx.parent(add), cst.Expr) and isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1 and isinstance(ctx.parent(line), (cst.Module, cst.IndentedBlock))):
        return None
    return line, add.func.value.value


def _add_before_edit(ctx: FileContext, call: cst.Call, text: str):
    """``model.add(Layer(...))`` → ``model.add(<text>)`` then the original statement."""
    from kmigrate.engine.rule import Edit

    found = _model_add_line(ctx, call)
    if found is None:
        return None
    line, model = found

    def build(updated: cst.SimpleStatementLine):
        added = cst.parse_statement(f"{model}.add({text})\n")
        return [added.with_changes(leading_lines=updated.leading_lines), updated.with_changes(leading_lines=[])]

    return Edit(line, build, keeps_node=True)


def _sequential_list_edit(ctx: FileContext, call: cst.Call, text: str):
    from kmigrate.engine.rule import Edit

    element, listed, arg, sequential = (ctx.parent(call), *[None] * 3)
    if isinstance(element, cst.Element):
        listed = ctx.parent(element)
    if isinstance(listed, cst.List) and listed.elements and listed.elements[0] is element:
        arg = ctx.parent(listed)
    if isinstance(arg, cst.Arg) and arg.keyword is None:
        sequential = ctx.parent(arg)
    if not (isinstance(sequential, cst.Call) and sequential.args[0] is arg
            and ctx.qualified_name(sequential.func) in SEQUENTIAL):
        return None

    def build(updated: cst.List) -> cst.List:
        first = updated.elements[0]
        comma = first.comma if isinstance(first.comma, cst.Comma) else cst.Comma(whitespace_after=_SPACE)
        return updated.with_changes(elements=[cst.Element(cst.parse_expression(text), comma=comma), *updated.elements])

    return Edit(listed, build)


def _sequential_add_edit(ctx: FileContext, call: cst.Call, text: str):
    """``model.add(call)`` right after ``model = Sequential()`` → ``model.add(<text>)`` inserted before."""
    found = _model_add_line(ctx, call)
    if found is None:
        return None
    line, model = found
    body = list(ctx.parent(line).body)
    index = next(i for i, s in enumerate(body) if s is line)
    previous = body[index - 1] if index else None
    if not (isinstance(previous, cst.SimpleStatementLine) and len(previous.body) == 1
            and isinstance(previous.body[0], cst.Assign) and len(previous.body[0].targets) == 1
            and isinstance(previous.body[0].targets[0].target, cst.Name)
            and previous.body[0].targets[0].target.value == model
            and isinstance(previous.body[0].value, cst.Call) and not previous.body[0].value.args
            and ctx.qualified_name(previous.body[0].value.func) in SEQUENTIAL):
        return None
    return _add_before_edit(ctx, call, text)


def _bind(call: cst.Call, params: tuple[str, ...], positional: bool):
    """(positional [(param, arg)], keywords {name: arg}, has_star_kwargs) or None when it does not fit."""
    pos, kws, star = [], {}, False
    for arg in call.args:
        if arg.star == "*":
            return None
        if arg.star == "**":
            star = True
        elif arg.keyword is None:
            if not positional or len(pos) >= len(params):
                pos.append((None, arg))
            else:
                pos.append((params[len(pos)], arg))
        else:
            kws[arg.keyword.value] = arg
    return pos, kws, star


def _k3_form(k1: str, call: cst.Call) -> bool:
    """A convolution already written the Keras 2/3 way (``Conv2D(64, (3, 3))``, ``kernel_size=``)."""
    if k1 not in layers.KERNEL_PARTS and k1 not in ("Convolution1D", "AtrousConvolution1D"):
        return False
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if any(a.keyword is not None and a.keyword.value in ("kernel_size", "filters") for a in call.args):
        return True
    return len(positional) >= 2 and isinstance(positional[1].value, (cst.Tuple, cst.List))


def convert_layer(ctx: FileContext, call: cst.Call, written: str) -> Conversion | None:
    """The Keras 3 spelling of a call of Keras 1 layer ``written`` (a class name), or None when it is one."""
    k1 = layers.ALIASES.get(written, written)
    params = layers.SIGNATURES.get(k1)
    if params is None:
        return None
    k3_form = _k3_form(k1, call)
    bound = _bind(call, params, positional=not k3_form)
    if bound is None:
        return None
    positional, keywords, star = bound
    renames = {k: v for k, v in {**layers.COMMON_ARGUMENTS, **layers.CLASS_ARGUMENTS.get(k1, {})}.items() if k != v}
    changes: list[str] = []
    problems: list[str] = []
    target = layers.CLASSES.get(k1, k1)
    renamed = target != written
    if renamed:
        changes.append(f"{written} -> {target}")
    parts, kernel_arg = layers.KERNEL_PARTS.get(k1, ((), None))
    limit = layers.SAME_POSITIONAL.get(k1, 0) + max(len(parts) - 1, 0)
    given = {p for p, _ in positional if p} | set(keywords)

    # Positional arguments: kept while they mean the same in Keras 3, merged kernel parts, else keywords.
    kernel_positional = [arg for p, arg in positional if p in parts]
    if kernel_positional and len(kernel_positional) != len(parts):
        problems.append(f"{', '.join(parts)} only partly given: write {kernel_arg}=(...) by hand")
    kernel_keywords = [keywords[p] for p in parts if p in keywords]
    if kernel_keywords and len(kernel_keywords) + len(kernel_positional) != len(parts):
        problems.append(f"{', '.join(parts)} only partly given: write {kernel_arg}=(...) by hand")
    kernel_unsafe = []
    if kernel_positional and len(kernel_positional) == len(parts):
        renamed = True
        changes.append(f"positional {', '.join(parts)} -> {kernel_arg} tuple (Keras 3 reads the third "
                       f"positional argument as strides)")
        if not keras1_file(ctx):
            # ``Conv2D(4, 3, 3)`` is also valid Keras 3 code (a 3x3 kernel with strides 3).
            kernel_unsafe.append(f"the file shows no other Keras 1 code, and in Keras 3 code {written}"
                                 f"({', '.join(code(a.value) for _, a in positional[:len(parts) + 1])}, ...) "
                                 f"means strides: apply only if this is Keras 1 or 2 code")
    elif kernel_keywords and len(kernel_keywords) == len(parts):
        changes.append(f"{', '.join(parts)} -> {kernel_arg}")
    for index, (param, arg) in enumerate(positional):
        if param is None or param in parts or (k1, param) in layers.DROPPED_ARGUMENTS:
            continue
        if index >= limit and keras1_file(ctx):
            changes.append(f"positional {param} -> {renames.get(param, param)}=")
        elif index >= limit:
            # Valid Keras 3 code (``Dense(10, 'relu')``): without Keras 1 evidence it is read as such.
            return None
    for name, arg in [*keywords.items(), *((p, a) for p, a in positional if p and p not in parts)]:
        problems.extend(_value_problem(name, arg))

    defaults = []
    written_defaults = [*((row, "the Keras 1 default") for row in layers.DEFAULTS.get(k1, ()) if keras1_file(ctx)),
                        *((row, "Keras 1 ignored the global channels-first format") for row in
                          layers.CHANNELS_FIRST_DEFAULTS.get(k1, ()) if channels_first_file(ctx))]
    why_written = {}
    if not star:
        for (k1_param, k3_arg, default), why in written_defaults:
            if (k1_param is None or k1_param not in given) and k3_arg not in given:
                defaults.append((k3_arg, default))
                why_written[k3_arg] = why
    imports = []
    mapped_codes = [_mapped(name, arg) for name, arg in [*keywords.items(), *((p, a) for p, a in positional if p)]]
    refs = {}
    for field in sorted(_placeholders([d for _, d in defaults] + [m for m in mapped_codes if isinstance(m, str)])):
        ref, request = ctx.reference(*layers.REFERENCES[field])
        refs[field] = code(ref)
        imports.append(request)
    class_ref = None
    if renamed and target != written:
        class_ref, request = ctx.reference("keras.layers", target)
        imports.append(request)

    for name, arg in keywords.items():
        if name in renames and _mapped(name, arg) is _UNMAPPED and not no_equivalent(k1, name, arg):
            copied = layers.COPIED_ARGUMENTS.get((k1, name))
            changes.append(f"{name} -> {renames[name]}" + (f" and {copied}" if copied else ""))
    for name, arg in [*keywords.items(), *((p, a) for p, a in positional if p)]:
        if name in layers.VALUES and not no_equivalent(k1, name, arg):
            mapped = _mapped(name, arg)
            if mapped is not _UNMAPPED:
                changes.append(f"{name}={code(arg.value)} -> " + (
                    f"{renames.get(name, name)}={mapped.format(**SHOWN)}" if mapped is not None else "dropped"))
        if name in layers.VALUE_RENAMES:
            value = literal_value(arg.value)
            if value in layers.VALUE_RENAMES[name]:
                new_name, new_code = layers.VALUE_RENAMES[name][value]
                changes.append(f"{name}={code(arg.value)} -> {new_name}={new_code}")
    full = full_padding(ctx, call, k1)
    if full is not None:
        changes.append(f"border_mode='full' -> {full[0]} before it, then padding='valid'")
        imports.append(full[2])
    first_input = first_layer_input(ctx, call, k1)
    if first_input is not None:
        changes.append(f"{first_input[0]} -> {first_input[3]} before it (the Sequential's first layer)")
        imports.append(first_input[2])
    sides = _padding_sides(k1, keywords, positional)
    if sides is not None:
        changes.append(f"{layers.PADDING_SIDES[k1][0]}={code(sides[0].value)} (Keras 1's per-side form) -> "
                       f"{code(sides[1])}")
    dropped = [name for name in sorted(given) if (k1, name) in layers.DROPPED_ARGUMENTS]
    for name in dropped:
        changes.append(f"{name} dropped (Keras 3 infers it)")
    if k1 in layers.SEQUENCE_INPUT and "input_dim" in keywords:
        changes.append("input_dim, input_length -> input_shape=(input_length, input_dim)")
    elif k1 in layers.SEQUENCE_INPUT and "input_length" in keywords:
        changes.append("input_length without input_dim (Keras 1 ignored it) -> dropped")
    for k3_arg, default in defaults:
        changes.append(f"{k3_arg}={default.format(**SHOWN)} ({why_written[k3_arg]})")
    for name, arg in [*keywords.items(), *((p, a) for p, a in positional if p)]:
        if name in ("init", "inner_init") and literal_value(arg.value) in layers.OTHER_DISTRIBUTION:
            changes.append(f"note: {layers.OTHER_DISTRIBUTION[literal_value(arg.value)]}")
    override = layers.OVERRIDES.get(k1)
    overridden = False
    if override is not None and override[0] in given and override[1] in given:
        winner = keywords.get(override[0]) or next(a for p, a in positional if p == override[0])
        value = literal_value(winner.value)
        if value is NOT_LITERAL:
            problems.append(f"{override[0]} and {override[1]} both given: Keras 1 used {override[0]} unless it was "
                            f"empty, Keras 3 raises on both: keep one")
        overridden = bool(value) and value is not NOT_LITERAL
    if overridden:
        changes.append(f"{override[1]} dropped (Keras 1 ignored it when {override[0]} is given)")

    def build(updated: cst.Call) -> cst.Call:
        new_bound = _bind(updated, params, positional=not k3_form)
        pos, kws, _ = new_bound
        args: list[cst.Arg] = []
        kernel_values = [arg.value for p, arg in pos if p in parts] or [kws[p].value for p in parts if p in kws]
        for index, (param, arg) in enumerate(pos):
            if param in parts:
                if param == parts[0]:
                    # the merged argument ends where the last part ended (a line break after it stays)
                    last_part = [a for p, a in pos if p == parts[-1]] or [arg]
                    args.append(arg.with_changes(value=_tuple(kernel_values), comma=last_part[0].comma))
                continue
            if param is None or index < limit:
                args.append(_map_positional(param, arg, refs) if param else arg)
            elif first_input is not None and param == first_input[0]:
                continue  # now the Input inserted before the layer
            else:
                args.extend(_keyword_out(k1, param, arg, renames, refs))
        input_dim = input_length = None
        for name, arg in kws.items():
            if first_input is not None and name == first_input[0]:
                continue  # now the Input inserted before the layer
            if name in parts:
                if name == parts[0] and kernel_values and not any(p in parts for p, _ in pos):
                    args.append(keyword_arg(kernel_arg, _tuple(kernel_values), arg))
                continue
            if k1 in layers.SEQUENCE_INPUT and name in ("input_dim", "input_length"):
                input_dim, input_length = (arg, input_length) if name == "input_dim" else (input_dim, arg)
                if name == "input_dim":
                    args.append(arg)  # placeholder, replaced below
                continue
            if full is not None and name == "border_mode":
                args.append(keyword_arg("padding", cst.SimpleString("'valid'"), arg))
                continue
            args.extend(_keyword_out(k1, name, arg, renames, refs))
        if sides is not None:
            padding_param = layers.PADDING_SIDES[k1][0]
            args = [a.with_changes(value=_padding_sides(k1, {padding_param: a}, [])[1])
                    if (a.keyword is not None and a.keyword.value == padding_param)
                    or (a.keyword is None and a is (pos[0][1] if pos else None)) else a for a in args]
        if input_dim is not None:
            length = input_length.value if input_length is not None else cst.Name("None")
            shape = cst.Tuple([cst.Element(length, comma=cst.Comma(whitespace_after=_SPACE)),
                               cst.Element(input_dim.value)])
            args = [keyword_arg("input_shape", shape, a) if a is input_dim else a for a in args]
        if args:  # the last argument keeps the call's own ending (a trailing comma or none)
            last_comma = updated.args[-1].comma if updated.args else cst.MaybeSentinel.DEFAULT
            args = [*join_commas(args[:-1]), args[-1].with_changes(comma=last_comma)] if len(args) > 1 \
                else [args[-1].with_changes(comma=last_comma)]
        if overridden:
            dropped = renames.get(override[1], override[1])
            args = [a for a in args if not (a.keyword is not None and a.keyword.value == dropped)
                    and not (a.keyword is None and any(p == override[1] and x is a for p, x in pos))]
        new_args = [keyword(k3_arg, cst.parse_expression(default.format(**refs))) for k3_arg, default in defaults]
        args = append_args(args, new_args)
        func = class_ref if class_ref is not None else updated.func
        return updated.with_changes(func=func, args=args)

    if not changes and not problems:
        return None
    named = dict([*((p, a) for p, a in positional if p), *keywords.items()])
    unsafe = kernel_unsafe + ([] if k3_form else _same_padding_risk(k1, named))
    for name in dropped:
        stride_param = layers.DROPPED_ARGUMENTS[k1, name]
        stride = named.get(stride_param) or named.get(renames.get(stride_param, stride_param))
        strides = literal_value(stride.value) if stride is not None else 1
        if any(s != 1 for s in (strides if isinstance(strides, tuple) else (strides,))):
            unsafe.append(f"{name} dropped with strides {code(stride.value)}: several output sizes fit the input, "
                          f"Keras 3 computes one, Keras 1 took {name}; pass output_padding= if they differ")
    edits = [found[1] for found in (first_input, full) if found is not None]
    return Conversion(changes, problems, unsafe, renamed, build, tuple(imports), tuple(edits))


def _padding_sides(k1: str, keywords: dict, positional: list):
    """(the Keras 1 argument, Keras 3's ``((top, bottom), (left, right))``) for a per-side padding, or None."""
    row = layers.PADDING_SIDES.get(k1)
    if row is None:
        return None
    param, order = row
    arg = keywords.get(param) or next((a for p, a in positional if p == param), None)
    if arg is None:
        return None
    values: list[cst.BaseExpression]
    if isinstance(arg.value, (cst.Tuple, cst.List)) and len(arg.value.elements) == len(order) == 4 and not any(
            isinstance(e, cst.StarredElement) for e in arg.value.elements):
        values = [e.value for e in arg.value.elements]
    elif isinstance(arg.value, cst.Dict) and all(
            isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) for e in arg.value.elements):
        given = {e.key.evaluated_value: e.value for e in arg.value.elements}
        if not set(given) <= set(order):
            return None  # Keras 1 raised on another key: leave it
        values = [given.get(side, cst.Integer("0")) for side in order]
    else:
        return None
    if len(order) == 2:
        return arg, _tuple(values)
    pair = cst.Tuple([cst.Element(_tuple(values[:2]), comma=cst.Comma(whitespace_after=_SPACE)),
                      cst.Element(_tuple(values[2:]))])
    return arg, pair


def _same_padding_risk(k1: str, given: dict[str, cst.Arg]) -> list[str]:
    """Why ``padding='same'`` may not place the padding where Keras 1 (Theano) did, or nothing."""
    row = layers.SAME_PADDING.get(k1)
    if row is None:
        return []
    window_params, window_default, stride_param, stride_is_window = row
    padding = literal_value(given["border_mode"].value) if "border_mode" in given else "valid"
    if padding in ("valid", "full"):
        return []
    windows = [literal_value(given[p].value) if p in given else literal_value(cst.parse_expression(window_default))
               if window_default else NOT_LITERAL for p in window_params]
    sizes = [v for w in windows for v in (w if isinstance(w, tuple) else (w,))]
    if stride_param in given:
        strides = literal_value(given[stride_param].value)
        strides = list(strides) if isinstance(strides, tuple) else [strides]
    else:
        strides = sizes if stride_is_window else [1]
    reasons = []
    if any(not isinstance(v, int) for v in sizes):
        reasons.append("a window size not known to be odd")
    elif any(v % 2 == 0 for v in sizes):
        reasons.append("an even window")
    if any(not isinstance(v, int) for v in strides):
        reasons.append("strides not known to be 1")
    elif any(v != 1 for v in strides):
        reasons.append("strides > 1")
    if not reasons:
        return []
    what = "padding='same'" if padding == "same" else f"padding={code(given['border_mode'].value)} (maybe 'same')"
    return [f"{what} with {' and '.join(reasons)}: Keras 1's reference backend (Theano) pads 'same' on both "
            f"sides and crops, Keras 3 pads the bottom/right, so outputs shift on some input sizes (exact for "
            f"odd windows with stride 1)"]


_UNMAPPED = object()


def _mapped(name: str, arg: cst.Arg):
    """Keras 3 code for the value of ``name`` (None = drop the argument), or _UNMAPPED."""
    table = layers.VALUES.get(name)
    if table is None:
        return _UNMAPPED
    value = literal_value(arg.value)
    if value is NOT_LITERAL or not isinstance(value, (str, int, type(None))) or isinstance(value, bool) \
            or value not in table:
        return _UNMAPPED
    return table[value]


def no_equivalent(k1: str, name: str, arg: cst.Arg) -> str | None:
    """What to do about a Keras 1 argument without an exact Keras 3 spelling (KM501), or None."""
    value = literal_value(arg.value)
    if name in layers.VALUE_RENAMES and value in layers.VALUE_RENAMES[name]:
        return None
    if (k1, name) in layers.HAS_EQUIVALENT or _mapped(name, arg) is not _UNMAPPED:
        return None
    for key in ((k1, name), ("*", name)):
        if key in layers.NO_EQUIVALENT:
            return layers.NO_EQUIVALENT[key]
        if isinstance(value, (str, type(None))) and (*key, value) in layers.NO_EQUIVALENT:
            return layers.NO_EQUIVALENT[(*key, value)]
    return None


def _value_problem(name: str, arg: cst.Arg) -> list[str]:
    if name in layers.VALUES_REQUIRED and not isinstance(literal_value(arg.value), str):
        known = ", ".join(repr(v) for v in layers.VALUES[name])
        return [f"{name}={code(arg.value)} is not a literal: Keras 3 needs the value mapped ({known})"]
    return []


def _keyword_out(k1: str, name: str, arg: cst.Arg, renames: dict, refs: dict) -> list[cst.Arg]:
    """The Keras 3 keyword argument(s) for Keras 1 argument ``name`` (none when dropped)."""
    if (k1, name) in layers.DROPPED_ARGUMENTS:
        return []
    if name in layers.VALUE_RENAMES:
        value = literal_value(arg.value)
        if value in layers.VALUE_RENAMES[name]:
            new_name, new_code = layers.VALUE_RENAMES[name][value]
            return [keyword_arg(new_name, cst.parse_expression(new_code), arg)]
    if no_equivalent(k1, name, arg):
        return [arg if arg.keyword is not None else keyword_arg(name, arg.value, arg)]
    mapped = _mapped(name, arg)
    if mapped is None:
        return []
    value = arg.value if mapped is _UNMAPPED else cst.parse_expression(mapped.format(**refs))
    copied = layers.COPIED_ARGUMENTS.get((k1, name))
    written = [keyword_arg(renames.get(name, name), value, arg)]
    return written + [keyword(copied, value.deep_clone())] if copied else written


def _map_positional(param: str, arg: cst.Arg, refs: dict) -> cst.Arg:
    mapped = _mapped(param, arg)
    if mapped is _UNMAPPED or mapped is None:
        return arg
    return arg.with_changes(value=cst.parse_expression(mapped.format(**refs)))


def _tuple(values: list[cst.BaseExpression]) -> cst.Tuple:
    elements = [cst.Element(v, comma=cst.Comma(whitespace_after=_SPACE)) for v in values[:-1]]
    elements.append(cst.Element(values[-1]))
    return cst.Tuple(elements)


def keyword_arg(name: str, value: cst.BaseExpression, template: cst.Arg) -> cst.Arg:
    """``name=value`` in the place (comma, whitespace, comments) of ``template``."""
    equal = template.equal if template.keyword is not None else cst.AssignEqual(
        whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE)
    return template.with_changes(keyword=cst.Name(name), value=value, equal=equal)


def append_args(args: list[cst.Arg], new: list[cst.Arg]) -> list[cst.Arg]:
    """``args`` then ``new``, continuing the call's layout (one per line stays one per line)."""
    if not new:
        return join_commas(args)
    if args and isinstance(args[-1].comma, cst.Comma):
        last_comma = args[-1].comma
        inner = args[0].comma if len(args) > 1 and isinstance(args[0].comma, cst.Comma) else \
            cst.Comma(whitespace_after=_SPACE)
        args = [*args[:-1], args[-1].with_changes(comma=inner)]
        new = [a.with_changes(comma=inner) for a in new[:-1]] + [new[-1].with_changes(comma=last_comma)]
        return join_commas(args + new)
    return join_commas(args + new)


LAYER_NAMES = frozenset({*layers.SIGNATURES, *layers.ALIASES})
LAYER_CALLS = frozenset(f"{module}.{name}" for module in layers.LAYER_MODULES for name in LAYER_NAMES)


def layer_conversion(ctx: FileContext, call: cst.Call, qualname: str) -> Conversion | None:
    """``convert_layer`` once per call (KM402 and KM403 both look at every layer call)."""
    key = ("_api.layer", id(call))
    if key not in ctx.cache:
        ctx.cache[key] = convert_layer(ctx, call, qualname.rsplit(".", 1)[1])
    return ctx.cache[key]


def layer_finding(code_: str, ctx: FileContext, call: cst.Call, qualname: str, conversion: Conversion):
    from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix

    written = qualname.rsplit(".", 1)[1]
    message = f"{written}(...): " + "; ".join(conversion.changes)
    if conversion.problems:
        return Finding(code_, message + ("; " if conversion.changes else "") + "not fixed: "
                       + "; ".join(conversion.problems), call)
    edits = [Edit(call, conversion.build), *conversion.edits]
    if conversion.unsafe:
        return Finding(code_, message + "; unsafe: " + "; ".join(conversion.unsafe), call,
                       Fix(UNSAFE, "Write the Keras 3 spelling", edits, conversion.imports))
    return Finding(code_, message, call, Fix(SAFE, "Write the Keras 3 spelling", edits, conversion.imports))


# -- calls of renamed Keras 1 functions (KM406, KM411) ---------------------------------------------

def rewrite_call(call: cst.Call, func: cst.BaseExpression | None, params: tuple[str, ...], renames: dict,
                 defaults: tuple, keywords_only: bool = False):
    """(changes, build) for a call whose function becomes ``func`` (None: kept as written), whose Keras 1
    keywords ``renames`` maps, and to which the Keras 1 ``defaults`` ((Keras 1 parameter or None, Keras 3
    argument, code), ...) it leaves out are written; positional arguments are written by keyword with
    ``keywords_only``.  None when the call does not fit the signature (``*args``, too many positionals)."""
    positional, given, by_keyword = [], set(), set()
    for arg in call.args:
        if arg.star == "*":
            return None
        if arg.star == "**":
            defaults = ()
            continue
        if arg.keyword is None:
            if len(positional) >= len(params):
                return None
            positional.append(params[len(positional)])
            given.add(params[len(positional) - 1])
        else:
            given.add(arg.keyword.value)
            by_keyword.add(arg.keyword.value)
    missing = [(k3, value) for k1, k3, value in defaults if (k1 is None or k1 not in given) and k3 not in given]

    def build(updated: cst.Call) -> cst.Call:
        args, index = [], 0
        for arg in updated.args:
            if arg.keyword is None and not arg.star:
                param = params[index]
                index += 1
                if keywords_only:
                    arg = keyword_arg(renames.get(param, param), arg.value, arg)
            elif arg.keyword is not None and arg.keyword.value in renames:
                arg = arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
            args.append(arg)
        last_comma = updated.args[-1].comma if updated.args else cst.MaybeSentinel.DEFAULT
        if args:
            args = [*join_commas(args[:-1]), args[-1].with_changes(comma=last_comma)]
        args = append_args(args, [keyword(k3, cst.parse_expression(v)) for k3, v in missing])
        return updated.with_changes(func=func if func is not None else updated.func, args=args)

    changes = [f"{k1}= -> {k3}=" for k1, k3 in renames.items() if k1 in (given if keywords_only else by_keyword)]
    changes += [f"{k3}={v} (the Keras 1 default)" for k3, v in missing]
    if keywords_only:
        changes.append("arguments by keyword (Keras 3 swapped their order)")
    return changes, build
