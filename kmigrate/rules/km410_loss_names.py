"""KM410: Keras 1 loss strings in ``compile``: ``'kullback_leibler_divergence'``, ``'cosine_proximity'``,
``'hinge'``."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import losses as table
from kmigrate.rules import _api


def compile_argument(node: cst.Call, keyword: str, position: int) -> cst.Arg | None:
    """The argument passed as ``keyword`` (or at ``position``) of a ``compile`` call."""
    arg = next((a for a in node.args if a.keyword is not None and a.keyword.value == keyword), None)
    positional = [a for a in node.args if a.keyword is None and not a.star]
    if arg is None and len(positional) > position:
        arg = positional[position]
    return arg


def compile_items(value: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The entries of a ``compile`` loss/metrics value: itself, the elements of a list/tuple, or the dict
    values (a per-output list flattened); None when a ``*``/``**`` entry hides some."""
    if isinstance(value, (cst.List, cst.Tuple)):
        if any(isinstance(e, cst.StarredElement) for e in value.elements):
            return None
        return [e.value for e in value.elements]
    if isinstance(value, cst.Dict):
        items = []
        for element in value.elements:
            if not isinstance(element, cst.DictElement):
                return None
            inner = compile_items(element.value) if isinstance(element.value, (cst.List, cst.Tuple)) else [element.value]
            if inner is None:
                return None
            items += inner
        return items
    return [value]


def compile_strings(node: cst.Call, keyword: str, position: int):
    """The string literals passed as ``keyword`` (or at ``position``) of a ``compile`` call: alone, in a
    list/tuple (one per output) or as dict values."""
    arg = compile_argument(node, keyword, position)
    for item in (compile_items(arg.value) or []) if arg is not None else []:
        if isinstance(item, cst.SimpleString):
            yield item, item.evaluated_value


def is_compile(node: cst.Call) -> bool:
    return isinstance(node.func, cst.Attribute) and node.func.attr.value == "compile"


class LossNames(Rule):
    code = "KM410"
    name = "loss-names"
    summary = ("Keras 1 loss strings `'kullback_leibler_divergence'`, `'cosine_proximity'` and `'hinge'`/"
               "`'squared_hinge'` in `compile`")
    node_types = (cst.Call,)
    trigger_names = frozenset({"compile"})
    doc = """
## What it does
Rewrites Keras 1 loss strings in `compile(loss=...)` (alone, per output in a list, or in a dict):
`'kullback_leibler_divergence'` → `'kl_divergence'` (the same function), and `'cosine_proximity'` /
`'cosine'` → `lambda y_true, y_pred: cosine_similarity(y_true, y_pred) / y_pred.shape[-1]`, which is
Keras 1's `-mean(l2_normalize(y_true) * l2_normalize(y_pred), axis=-1)`.

Reports `'hinge'` and `'squared_hinge'` in a file that shows Keras 1 code, with Keras 1's loss to write
when the labels are 0/1.

## Why is this bad?
Keras 3 raises `Could not interpret loss identifier` for both strings. `keras.losses.cosine_similarity`
sums over the last axis where Keras 1 averaged (T22): with the same learning rate the gradients are
`dim` times larger.

Keras 3's `hinge` and `squared_hinge` turn `y_true` into `2 * y_true - 1` when every label of the batch
is 0 or 1; Keras 1 computed `mean(maximum(1 - y_true * y_pred, 0))` with the labels as given, so a model
trained on 0/1 labels gets another loss and other gradients (measured: 0.85 in Keras 1.2.2, 0.675 in
Keras 3 for the same batch). Labels already in {-1, 1} give the same loss.

## Example
```python
model.compile(optimizer='sgd', loss='cosine_proximity')
```

## Use instead
```python
from keras.losses import cosine_similarity

model.compile(optimizer='sgd', loss=lambda y_true, y_pred: cosine_similarity(y_true, y_pred) / y_pred.shape[-1])
```

## Fix safety
The hinge losses are report only: whether the labels are 0/1 (write Keras 1's loss as a function) or
-1/1 (nothing to do) is in the data. Safe for `'kullback_leibler_divergence'`. Unsafe for the cosine loss: the value is Keras 1's (up to
Keras 3's epsilon for all-zero vectors, where Keras 1/Theano gave nan), but a lambda loss is not saved
with the model like a string (`load_model` needs it in `custom_objects` with `safe_mode=False`).
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        if not is_compile(node):
            return
        for string, value in compile_strings(node, "loss", 1):
            if value in table.LOSS_STRINGS:
                new = table.LOSS_STRINGS[value]
                opening, closing = string.prefix + string.quote, string.quote
                yield Finding(self.code, f"loss {value!r} -> {new!r}", string,
                              Fix(SAFE, f"Write {new!r}", [Edit(string, lambda s, text=f"{opening}{new}{closing}":
                                                                s.with_changes(value=text))]))
            elif value in table.COSINE_LOSSES:
                reference, request = ctx.reference(*table.COSINE_TARGET)
                code = table.COSINE_LAMBDA.format(fn=_api.code(reference))
                yield Finding(self.code, f"loss {value!r} -> {code}; {table.COSINE_INEXACT}", string,
                              Fix(UNSAFE, "Write Keras 1's cosine loss", [Edit(string, lambda s, code=code:
                                                                              cst.parse_expression(code))], (request,)))
            elif value in table.LABEL_CONVERTING_LOSSES and _api.keras1_file(ctx):
                # Report only: the labels decide, and -1/1 labels (the hinge's own convention) are exact as written.
                keras1 = table.LABEL_CONVERTING_LOSSES[value].format(ops="keras.ops")
                yield Finding(self.code, f"loss {value!r}: {table.LABEL_CONVERSION}; with 0/1 labels write Keras 1's "
                                         f"loss: {keras1}", string)
