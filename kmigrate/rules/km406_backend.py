"""KM406: Keras 1 backend functions ``K.*`` that Keras 3 spells ``keras.ops.*`` (and a few others)."""

from __future__ import annotations

import string

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import backend as table
from kmigrate.rules import _api

BACKEND = "keras.backend"


class BackendFunctions(Rule):
    code = "KM406"
    name = "backend-function"
    summary = "Keras 1 `K.*` backend function that Keras 3 moved to `keras.ops` (or renamed)"
    calls = frozenset(f"{BACKEND}.{name}" for name in (*table.OPS, *table.TEMPLATES,
                                                        *table.IMAGE_DIM_ORDERING_FUNCTIONS, *table.KEPT_KEYWORDS))
    trigger_names = frozenset((*table.OPS, *table.TEMPLATES, *table.IMAGE_DIM_ORDERING_FUNCTIONS,
                               *table.KEPT_KEYWORDS))
    doc = """
## What it does
Rewrites calls of Keras 1 backend functions (`from keras import backend as K`; `K.sum(...)`) that
Keras 3's `keras.backend` no longer has to their Keras 3 spelling: `K.sum` → `ops.sum`,
`K.lesser` → `ops.less`, `K.pow` → `ops.power`, `K.permute_dimensions(x, p)` → `ops.transpose(x, p)`,
`K.clip(x, min_value=, max_value=)` → `x_min=`/`x_max=`, `K.relu(x, alpha=)` →
`activations.relu(x, negative_slope=)`, `K.dropout` → `keras.random.dropout`, … Where Keras 3 changed a
default, Keras 1's is written (T18): `K.concatenate(xs)` → `ops.concatenate(xs, axis=-1)`,
`K.argmax(x)` → `ops.argmax(x, axis=-1)`, `K.gather(r, i)` → `ops.take(r, i, axis=0)`,
`K.expand_dims(x)` → `ops.expand_dims(x, axis=-1)`, `K.arange` gets `dtype='int32'`,
`K.pool2d(x, (2, 2))` → `ops.max_pool(x, (2, 2), strides=(1, 1), ...)`. Where Keras 3 reordered the
parameters, every argument is written by keyword: the cross-entropies (T19), `K.in_top_k`,
`K.batch_normalization` (whose fourth Keras 3 parameter is `axis`).

Functions Keras 3's `keras.backend` still has (`K.epsilon()`, `K.set_floatx(...)`, ...) stay as written,
except a keyword Keras 3 names otherwise: `K.set_epsilon(e=...)` → `K.set_epsilon(value=...)`.

Functions Keras 3 has under the same name with another meaning, or not at all, become the expression
that computes what Keras 1 did: `K.sqrt(x)` → `ops.sqrt(ops.maximum(x, 0.0))` (Keras 1 clipped
negatives), `K.hard_sigmoid(x)` → `ops.clip(0.2 * x + 0.5, 0.0, 1.0)`, `K.repeat(x, n)` →
`ops.repeat(ops.expand_dims(x, 1), n, axis=1)` (T20), `K.switch` → `ops.where` (T21), `K.flatten`,
`K.batch_flatten`, the paddings and `K.resize_images` (for a literal `dim_ordering`), … A call that
cannot be rewritten so (`dim_ordering='default'`, Theano's `'same'` pooling, an argument the expression
would evaluate twice) is reported with the expression to write.

`K.image_dim_ordering()` compared with a literal becomes a comparison of
`keras.config.image_data_format()` with the mapped value (`== 'tf'` → `== 'channels_last'`,
`'th'` → `'channels_first'`); anywhere else it becomes an expression with Keras 1's value,
`('tf' if config.image_data_format() == 'channels_last' else 'th')`, for the code that consumes it.
`K.set_image_dim_ordering('tf')` becomes `config.set_image_data_format('channels_last')`, an ordering
held in a variable is mapped where it is set (`{'tf': 'channels_last', 'th': 'channels_first'}[o]`).

`K.epsilon`, `K.floatx`, `K.set_epsilon`, `K.set_floatx`, `K.clear_session`, `K.get_uid` and
`K.is_keras_tensor` are left alone: Keras 3's `keras.backend` still has them.

## Why is this bad?
`AttributeError: module 'keras.backend' has no attribute 'sum'`; and a name-for-name port is silently
wrong where defaults or argument orders changed (`ops.concatenate` joins on axis 0, `ops.argmax`
returns a flat index, `ops.take` flattens, `ops.categorical_crossentropy(a, b)` swaps target and
output, `ops.repeat` is numpy's repeat).

## Example
```python
from keras import backend as K

y = K.concatenate([K.mean(a, axis=1), K.max(b, axis=1)])
bn_axis = 3 if K.image_dim_ordering() == 'tf' else 1
r = K.repeat(K.sqrt(v), 3)
```

## Use instead
```python
from keras import backend as K
from keras import ops

y = ops.concatenate([ops.mean(a, axis=1), ops.max(b, axis=1)], axis=-1)
bn_axis = 3 if config.image_data_format() == 'channels_last' else 1
r = ops.repeat(ops.expand_dims(ops.sqrt(ops.maximum(v, 0.0)), 1), 3, axis=1)
```
Functions without a Keras 3 rewrite (`K.batch_dot`, `K.function`, `K.learning_phase`, `K.conv2d`, …)
are reported by KM503 with what to write.

## Fix safety
Safe where the Keras 3 expression computes what Keras 1 (Theano) did, proven against Keras 1.2.2 by
the fixtures: Keras 1's defaults written, keywords where the order changed; `image_data_format()` has
exactly two values, one for each of Keras 1's orderings (kind V). Unsafe, with the reason in the
message, where Keras 3 differs in a corner: the cross-entropies (Keras 3 reads the logits of a
softmax/sigmoid output, Keras 1 clipped the probabilities), `K.switch` (Keras 1 took callables),
`K.l2_normalize` (an epsilon), `K.in_top_k` (ties), `K.shape`/`K.int_shape` (a tuple), the variable
functions (`K.variable`, `K.eval`, `K.set_value`, …), and `K.set_image_dim_ordering` with `'th'` or a
variable: Keras 3's 1D layers and `Flatten` then follow `channels_first` too (T16).
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        if name == "image_dim_ordering":
            yield from _image_dim_ordering(ctx, call)
        elif name == "set_image_dim_ordering":
            yield from _set_image_dim_ordering(ctx, call)
        elif name in table.TEMPLATES:
            yield from _template(ctx, call, name)
        elif name in table.KEPT_KEYWORDS:
            yield from _kept_keywords(call, name)
        else:
            yield from _op(ctx, call, name)


def _kept_keywords(call: cst.Call, name: str):
    """``K.set_epsilon(e=...)``: the function is still Keras 3's, its parameter is named ``value``."""
    renames = table.KEPT_KEYWORDS[name]
    renamed = [a.keyword.value for a in call.args if a.keyword is not None and a.keyword.value in renames]
    if not renamed:
        return

    def build(updated: cst.Call) -> cst.Call:
        return updated.with_changes(args=[
            a.with_changes(keyword=cst.Name(renames[a.keyword.value]))
            if a.keyword is not None and a.keyword.value in renames else a for a in updated.args])

    changes = ", ".join(f"{k}= -> {renames[k]}=" for k in renamed)
    yield Finding(BackendFunctions.code, f"K.{name}(...): {changes} (Keras 3's keras.backend.{name} names it so)", call,
                  Fix(SAFE, "Rename the keyword", [Edit(call, build)]))


def _applicability(name: str) -> tuple[str, list[str]]:
    reason = table.UNSAFE.get(name)
    return (UNSAFE, [f"unsafe: {reason}"]) if reason else (SAFE, [])


def _op(ctx: FileContext, call: cst.Call, name: str):
    module, target, params, renames, defaults, keywords_only = table.OPS[name]
    if "." in module:  # a function of a Keras 3 module: name the module as the file does
        module_ref, request = ctx.reference(*module.rsplit(".", 1))
        func = cst.Attribute(module_ref, cst.Name(target))
    else:  # a name at the top of the package (keras.Variable)
        func, request = ctx.reference(module, target)
    spelled = _api.code(func)
    rewrite = _api.rewrite_call(call, func, params, renames, defaults, keywords_only)
    if rewrite is None:
        return
    changes, build = rewrite
    dropped = table.DROPPED.get(name)
    index = _argument_index(call, params, dropped) if dropped else None
    if index is not None:
        changes = [*changes, f"{dropped}= dropped (it only named the graph op)"]
        build = _dropping(index, build)
    applicability, notes = _applicability(name)
    yield Finding("KM406", "; ".join([f"K.{name} -> {spelled}", *changes, *notes]), call,
                  Fix(applicability, f"Write {spelled}", [Edit(call, build)], (request,)))


def _argument_index(call: cst.Call, params: tuple[str, ...], param: str) -> int | None:
    """The index in ``call.args`` of the argument given for Keras 1 parameter ``param``, else None."""
    position = 0
    for index, arg in enumerate(call.args):
        if arg.keyword is None and not arg.star:
            if params[position] == param:
                return index
            position += 1
        elif arg.keyword is not None and arg.keyword.value == param:
            return index
    return None


def _dropping(index: int, build):
    def drop(updated: cst.Call) -> cst.Call:
        args = list(updated.args)
        removed = args.pop(index)
        if index == len(args) and args:  # the last argument went: its comma (or none) ends the call
            args[-1] = args[-1].with_changes(comma=removed.comma)
        return build(updated.with_changes(args=args))

    return drop


# -- TEMPLATES: calls rewritten to an expression ---------------------------------------------------

_MODULES = {"ops": ("keras", "ops"), "config": ("keras", "config"), "random": ("keras", "random")}
#: Without side effects and cheap: may be written twice.
_SIMPLE = (cst.Name, cst.Integer, cst.Float, cst.SimpleString)
#: Need no parentheses next to an operator, an attribute or a subscript.
_ATOMIC = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.SimpleString, cst.Integer, cst.Float,
           cst.List, cst.Tuple, cst.Dict, cst.ListComp, cst.ConcatenatedString)


class _Code:
    """An argument's code in a template; ``[i]`` is its i-th element."""

    def __init__(self, text: str, atomic: bool, node: cst.BaseExpression | None = None):
        self.text, self.atomic, self.node = text, atomic, node

    @classmethod
    def of(cls, node: cst.BaseExpression) -> _Code:
        return cls(_api.code(node), isinstance(node, _ATOMIC) or bool(node.lpar), node)

    def __getitem__(self, index: int) -> _Code:
        if isinstance(self.node, (cst.Tuple, cst.List)) and index < len(self.node.elements):
            return _Code.of(self.node.elements[index].value)
        return _Code(f"{self.text if self.atomic else f'({self.text})'}[{index}]", True)


def _simple(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(_simple(e.value) for e in node.elements)
    if isinstance(node, cst.Attribute):
        return _simple(node.value)
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    return isinstance(node, _SIMPLE)


def _fill(template: str, values: dict) -> str:
    """``template`` with each ``{field}`` replaced by its code, in parentheses where an operator binds it."""
    pieces = list(string.Formatter().parse(template))
    out = []
    for number, (text, field, _, _) in enumerate(pieces):
        out.append(text)
        if field is None:
            continue
        root, _, index = field.partition("[")
        value = values[root]
        if index:
            value = value[int(index.rstrip("]"))]
        following = pieces[number + 1][0] if number + 1 < len(pieces) else ""
        argument = text.rstrip().endswith(("(", "[", ",", "=")) and following.lstrip().startswith((")", "]", ","))
        out.append(value.text if argument or value.atomic else f"({value.text})")
    return "".join(out)


def _fields(template: str) -> list[str]:
    return [field.partition("[")[0] for _, field, _, _ in string.Formatter().parse(template) if field]


def _instruction(row: dict, modules: dict) -> str:
    """What to write, in words, for a call that cannot be rewritten."""
    names = {**{p: _Code(p, True) for p in row["params"]}, **modules,
             **{p: _Code(" or ".join(allowed.values()), True) for p, allowed in row.get("values", {}).items()}}
    write = row["write"]
    if isinstance(write, str):
        return _fill(write, names)
    return "; ".join(f"{row['choose']}={value!r}: {_fill(text, names)}" for value, text in write.items())


def _template(ctx: FileContext, call: cst.Call, name: str):
    row = table.TEMPLATES[name]
    params, defaults, values = row["params"], row.get("defaults", {}), row.get("values", {})
    modules = {key: _Code(f"keras.{key}", True) for key in _MODULES}
    problems, bound = [], {}
    position = 0
    for index, arg in enumerate(call.args):
        if arg.star:
            problems.append("its arguments are unpacked")
        elif arg.keyword is None and position < len(params):
            bound[params[position]] = index
            position += 1
        elif arg.keyword is not None and arg.keyword.value in params:
            bound[arg.keyword.value] = index
        else:
            problems.append(f"it does not fit K.{name}({', '.join(params)})")
    given = {p: _api.code(call.args[i].value) for p, i in bound.items()}
    literals = {p: _api.literal_value(cst.parse_expression(code)) for p, code in {**defaults, **given}.items()}
    write = row["write"]
    if not problems and isinstance(write, dict):
        choice = literals.get(row["choose"], _api.NOT_LITERAL)
        if choice is _api.NOT_LITERAL or choice not in write:
            shown = f"{row['choose']}={given.get(row['choose'], defaults.get(row['choose'], 'missing'))}"
            problems.append(f"{shown} is not one of {', '.join(map(repr, write))}"
                            + (" (it follows the global setting)" if choice == "default" else ""))
        else:
            write = write[choice]
    for param, allowed in values.items():
        if literals.get(param, _api.NOT_LITERAL) not in allowed:
            problems.append(f"{param}={given.get(param, defaults.get(param))} is not one of "
                            f"{', '.join(map(repr, allowed))}")
    if not problems:
        fields = _fields(write)
        problems += [f"{p} is missing" for p in params if p in fields and p not in given and p not in defaults]
        problems += [f"its {p} argument would be written twice" for p in params
                     if fields.count(p) > 1 and p in bound and not _simple(call.args[bound[p]].value)]
    if problems:
        why = f" ({row['why']})" if "why" in row else ""
        yield Finding("KM406", f"K.{name} is not in Keras 3 ({'; '.join(dict.fromkeys(problems))}): write "
                               f"{_instruction(row, modules)}{why}", call)
        return
    refs = {key: ctx.reference(*_MODULES[key]) for key in _MODULES if key in _fields(write)}
    modules.update({key: _Code(_api.code(ref), True) for key, (ref, _) in refs.items()})

    def fill(args) -> str:
        codes = {p: _Code.of(cst.parse_expression(code)) for p, code in defaults.items()}
        codes.update({p: _Code.of(args[i].value) for p, i in bound.items()})
        for param, allowed in values.items():
            codes[param] = _Code(allowed[literals[param]], True)
        return _fill(write, {**codes, **modules})

    spelled = fill(call.args)

    def build(updated: cst.Call) -> cst.BaseExpression:
        return cst.parse_expression(fill(updated.args)).with_changes(lpar=updated.lpar, rpar=updated.rpar)

    applicability, notes = _applicability(name)
    why = [row["why"]] if "why" in row else []
    yield Finding("KM406", "; ".join([f"K.{name}(...) -> {spelled}", *why, *notes]), call,
                  Fix(applicability, f"Write {spelled}", [Edit(call, build)],
                      tuple(request for _, request in refs.values())))


def _set_image_dim_ordering(ctx: FileContext, call: cst.Call):
    if len(call.args) != 1 or call.args[0].star:
        yield Finding("KM406", "K.set_image_dim_ordering is not in Keras 3: write keras.config.set_image_data_format"
                               f"({' / '.join(map(repr, table.IMAGE_DIM_ORDERING.values()))}) for "
                               f"{' / '.join(map(repr, table.IMAGE_DIM_ORDERING))}; {table.CHANNELS_FIRST_TRAP}", call)
        return
    value = call.args[0].value
    ordering = value.evaluated_value if isinstance(value, cst.SimpleString) else None
    if ordering in table.IMAGE_DIM_ORDERING:
        mapped = f"{value.prefix}{value.quote}{table.IMAGE_DIM_ORDERING[ordering]}{value.quote}"
    else:  # a variable ordering ('th'/'tf', e.g. saved from K.image_dim_ordering()): map it where it is used
        mapped = f"{table.IMAGE_DIM_ORDERING!r}[{_api.code(value)}]"
    config_ref, request = ctx.reference("keras", "config")
    target = table.IMAGE_DIM_ORDERING_FUNCTIONS["set_image_dim_ordering"]
    spelled = f"{_api.code(config_ref)}.{target}({mapped})"
    safe = table.IMAGE_DIM_ORDERING.get(ordering) == "channels_last"
    notes = [] if safe else [f"unsafe: {table.CHANNELS_FIRST_TRAP}"]

    def build(updated: cst.Call) -> cst.Call:
        arg = updated.args[0]
        new = cst.parse_expression(mapped if ordering in table.IMAGE_DIM_ORDERING
                                   else f"{table.IMAGE_DIM_ORDERING!r}[{_api.code(arg.value)}]")
        return updated.with_changes(func=cst.Attribute(config_ref, cst.Name(target)),
                                    args=[arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, value=new)])

    yield Finding("KM406", "; ".join([f"K.set_image_dim_ordering({_api.code(value)}) -> {spelled}", *notes]), call,
                  Fix(SAFE if safe else UNSAFE, f"Write {spelled}", [Edit(call, build)], (request,)))


def _image_dim_ordering(ctx: FileContext, call: cst.Call):
    if call.args:
        return
    config_ref, request = ctx.reference("keras", "config")
    data_format = cst.Call(func=cst.Attribute(config_ref, cst.Name("image_data_format")))
    parent = ctx.parent(call)
    if isinstance(parent, cst.ComparisonTarget):
        parent = ctx.parent(parent)
    literal = _compared_literal(parent, call)
    if literal is not None:
        value = table.IMAGE_DIM_ORDERING[literal.evaluated_value]
        spelled = f"{_api.code(data_format)} {_api.code(parent.comparisons[0].operator).strip()} " \
                  f"{literal.prefix}{literal.quote}{value}{literal.quote}"

        def build(updated: cst.Comparison) -> cst.Comparison:
            def swap(side: cst.BaseExpression) -> cst.BaseExpression:
                if isinstance(side, cst.SimpleString):
                    return side.with_changes(value=f"{side.prefix}{side.quote}{value}{side.quote}")
                return data_format.with_changes(lpar=side.lpar, rpar=side.rpar)

            target = updated.comparisons[0]
            return updated.with_changes(left=swap(updated.left),
                                        comparisons=[target.with_changes(comparator=swap(target.comparator))])

        yield Finding("KM406", f"K.image_dim_ordering() compared with {_api.code(literal)} -> {spelled}", parent,
                      Fix(SAFE, f"Write {spelled}", [Edit(parent, build)], (request,)))
        return
    names = {v: k for k, v in table.IMAGE_DIM_ORDERING.items()}
    spelled = f"'{names['channels_last']}' if {_api.code(data_format)} == 'channels_last' else " \
              f"'{names['channels_first']}'"

    # a conditional expression needs parentheses except where it stands alone
    alone = isinstance(parent, (cst.Arg, cst.Assign, cst.AnnAssign, cst.Return, cst.Element, cst.Expr))

    def build_value(updated: cst.Call) -> cst.BaseExpression:
        lpar, rpar = (updated.lpar, updated.rpar) if updated.lpar or alone else ([cst.LeftParen()], [cst.RightParen()])
        return cst.parse_expression(spelled).with_changes(lpar=lpar, rpar=rpar)

    yield Finding("KM406", f"K.image_dim_ordering() -> {spelled} (Keras 1's value)", call,
                  Fix(SAFE, f"Write {spelled}", [Edit(call, build_value)], (request,)))


def _compared_literal(parent, call: cst.Call) -> cst.SimpleString | None:
    """The 'tf'/'th' literal that ``call`` is compared with by ``==``/``!=``, else None."""
    if not isinstance(parent, cst.Comparison) or len(parent.comparisons) != 1:
        return None
    target = parent.comparisons[0]
    if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
        return None
    other = target.comparator if parent.left is call else parent.left if target.comparator is call else None
    if other is None:
        return None
    if isinstance(other, cst.SimpleString) and other.evaluated_value in table.IMAGE_DIM_ORDERING:
        return other
    return None
