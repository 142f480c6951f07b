"""KM409: Keras 1 utility functions whose Keras 3 counterparts renamed arguments or changed defaults."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import utils as table
from kmigrate.rules import _api, _training


class UtilityFunctions(Rule):
    code = "KM409"
    name = "utility-functions"
    summary = "Keras 1 `to_categorical`, `plot`, `load_img(grayscale=)`, `img_to_array(dim_ordering=)`, `get_file`, " \
              "`relu(alpha=)`"
    calls = frozenset(table.FUNCTIONS)
    trigger_names = frozenset(q.rsplit(".", 1)[1] for q in table.FUNCTIONS)
    replaced_imports = frozenset(q.rsplit(".", 1)[1] for q, row in table.FUNCTIONS.items()
                                 if row["target"][1] != q.rsplit(".", 1)[1])
    doc = """
## What it does
Rewrites calls of Keras 1 utilities to their Keras 3 spelling: `to_categorical(y, nb_classes=n)` →
`to_categorical(np.ravel(y), num_classes=n)` (Keras 1 flattened labels of any rank; Keras 3 keeps their
shape); `visualize_util.plot(model, ...)` → `keras.utils.plot_model(model, ...,
show_layer_names=True)` (Keras 1's default; Keras 3's is False, T24); `load_img(path, grayscale=True)` →
`color_mode='grayscale'`; `img_to_array(img, dim_ordering='th')` / `array_to_img(x, dim_ordering=...)`
→ `data_format='channels_first'` (`'tf'` → `'channels_last'`, `'default'` dropped);
`activations.relu(x, alpha=a)` → `negative_slope=a`; `imdb.load_data(nb_words=n)` /
`reuters.load_data(nb_words=n)` → `num_words=n`. Positional arguments whose place Keras 3 gave to
another parameter are written by keyword (`model_to_dot(model, True, False)`: Keras 3's third parameter
is `show_dtype`; `get_file(fname, origin, untar, md5_hash, cache_subdir)`: Keras 3's fifth is
`file_hash`).

## Why is this bad?
`nb_classes=`, `grayscale=` and `dim_ordering=` raise `TypeError` in Keras 3; `visualize_util` does not
exist; `plot_model` without `show_layer_names=True` draws boxes without the layer names;
`to_categorical` of (n, t) labels returns (n, t, classes) where Keras 1 returned (n * t, classes); a
fifth positional of `get_file` lands in `file_hash`. Keras 3's `imdb.load_data` swallows unknown keywords:
`nb_words=20000` is ignored without a word, every word of the vocabulary is kept, and the indices run
past the `Embedding(20000, ...)` that expects them (`reuters.load_data` raises).

## Example
```python
from keras.utils.visualize_util import plot
from keras.preprocessing.image import load_img

plot(model, to_file='model.png')
img = load_img('cat.png', grayscale=True)
```

## Use instead
```python
from keras.utils import plot_model
from keras.preprocessing.image import load_img

plot_model(model, to_file='model.png', show_layer_names=True)
img = load_img('cat.png', color_mode='grayscale')
```

## Fix safety
Safe: the same functions with Keras 1's arguments (`to_categorical` of raveled labels is Keras 1's
matrix for every rank, measured). A value outside the value map (`grayscale=flag`) is reported.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        row = table.FUNCTIONS[qualname]
        params = row["params"]
        bound = _training.bind(call, params)
        if bound is None:
            return
        written = qualname.rsplit(".", 1)[1]
        module, target = row["target"]
        changes, problems = [], []
        if target != written:
            changes.append(f"{written} -> {target}")
        out: dict[str, tuple[str, str | None] | None] = {}  # parameter -> (Keras 3 keyword, new code) or None
        for index, (param, arg) in enumerate(bound):
            if param in row["values"]:
                value = _api.literal_value(arg.value)
                mapping = row["values"][param]
                if value is _api.NOT_LITERAL or value not in mapping:
                    known = ", ".join(repr(v) for v in mapping)
                    problems.append(f"{param}={_api.code(arg.value)}: write the Keras 3 value by hand ({known})")
                    continue
                out[param] = mapping[value]
                changes.append(f"{param}={_api.code(arg.value)} -> " + (
                    f"{mapping[value][0]}={mapping[value][1]}" if mapping[value] else "dropped (the default)"))
            elif param in row["renames"] and (arg.keyword is not None or index >= row["same"]):
                out[param] = (row["renames"][param], None)
                changes.append(f"{param}= -> {row['renames'][param]}=")
            elif arg.keyword is None and index >= row["same"]:
                out[param] = (param, None)
                changes.append(f"positional {param} -> {param}=")
        wrapped = {}  # parameter -> the function it is passed through
        for param, arg in bound:
            if param in row["wrap"] and not _wrapped(arg.value, row["wrap"][param][1]):
                module, function, why = row["wrap"][param]
                wrapped[param] = ctx.reference(module, function)
                changes.append(f"{param} -> {_api.code(wrapped[param][0])}({param}) ({why})")
        given = {param for param, _ in bound}
        defaults = [(k3, code) for k1, k3, code in row["defaults"] if k1 not in given and k3 not in given]
        changes += [f"{k3}={code} (Keras 1's default)" for k3, code in defaults]
        if problems:
            yield Finding(self.code, f"{written}(...): " + "; ".join(changes + ["not fixed: " + "; ".join(problems)]),
                          call)
            return
        if not changes:
            return
        imports, func_ref = tuple(request for _, request in wrapped.values()), None
        if target != written:
            func_ref, request = ctx.reference(module, target)
            imports += (request,)

        def build(updated: cst.Call) -> cst.Call:
            args = []
            for param, arg in _training.bind(updated, params):
                if param in wrapped:
                    arg = arg.with_changes(value=cst.Call(wrapped[param][0], [cst.Arg(arg.value)]))
                if param not in out:
                    args.append(arg)
                elif out[param] is not None:
                    name, code = out[param]
                    value = cst.parse_expression(code) if code is not None else arg.value
                    args.append(_api.keyword_arg(name, value, arg))
            args = _api.append_args(_training.finish_args(updated, args),
                                    [_api.keyword(k3, cst.parse_expression(code)) for k3, code in defaults])
            return updated.with_changes(func=func_ref if func_ref is not None else updated.func, args=args)

        message = f"{written}(...): " + "; ".join(changes)
        if row["inexact"]:
            message += f"; {row['inexact']}"
        yield Finding(self.code, message, call, Fix(UNSAFE if row["inexact"] else SAFE, "Write the Keras 3 spelling",
                                                    [Edit(call, build)], imports))


def _wrapped(value: cst.BaseExpression, function: str) -> bool:
    """``value`` is already a call of ``function`` (``np.ravel(y)``, ``ravel(y)``, ``y.ravel()``): a second
    run, or a file that did it itself, is left alone (the resolver names only Keras' own imports)."""
    func = value.func if isinstance(value, cst.Call) else None
    return isinstance(func, cst.Name) and func.value == function or (
        isinstance(func, cst.Attribute) and func.attr.value == function)
