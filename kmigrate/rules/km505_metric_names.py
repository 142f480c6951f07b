"""KM505: Keras 1 metric strings without an exact Keras 3 meaning, or logged under another name."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import losses as table
from kmigrate.rules import _api
from kmigrate.rules.km410_loss_names import (
    compile_argument,
    compile_items,
    compile_strings,
    is_compile,
)


class MetricNames(Rule):
    code = "KM505"
    name = "metric-names"
    summary = ("Keras 1 metric strings `'fmeasure'`, `'precision'`, `'recall'`, `'cosine_proximity'`, `'hinge'` in `compile`, "
               "and metrics read under Keras 1's logged name (`'acc'`)")
    # Subscripts and comparisons too: the keys the file reads are gathered in the shared walk.
    node_types = (cst.Call, cst.Subscript, cst.Comparison)
    trigger_names = frozenset({"compile"})
    doc = """
## What it does
Reports Keras 1 metric strings in `compile(metrics=[...])` whose Keras 3 meaning differs:
`'fmeasure'`, `'fscore'`, `'f1score'`, `'fbeta_score'` (Keras 3 raises; `keras.metrics.F1Score()` is
stateful), `'cosine_proximity'` (Keras 3 raises; `keras.metrics.CosineSimilarity()` has the opposite
sign), and, in a file that shows Keras 1 code, `'precision'` and `'recall'`, and `'hinge'` and
`'squared_hinge'` (Keras 3 turns 0/1 labels into -1/1 first, see KM410).

Rewrites a metric string that Keras 1 logged under another name when the file reads that name
(`history.history['acc']`, `logs.get('val_acc')`, `'acc' in logs`, `monitor='val_acc'`, or an output's
`'out_acc'`): `'accuracy'` → `'acc'`, `'mse'` → `'mean_squared_error'` (also `'mae'`, `'mape'`,
`'msle'`), in every `compile` of the file. Where the metrics are a variable or an expression, reports
the name to write instead.

## Why is this bad?
Keras 1's metrics were functions averaged over batches; Keras 3's `Precision`, `Recall` and `F1Score`
accumulate counts over the epoch, so the reported numbers differ (T23) even where the string is accepted.

Keras 1 logged `metrics=['accuracy']` as `'acc'`/`'val_acc'` and `'mse'` as `'mean_squared_error'`;
Keras 3 logs a metric under the string given (`'accuracy'`, `'mse'`). After migration
`history.history['acc']` raises `KeyError`; `EarlyStopping`, `ModelCheckpoint` and `ReduceLROnPlateau`
with `monitor='val_acc'` raise `ValueError` in `mode='auto'`, and with `mode='max'` EarlyStopping never
stops and `ModelCheckpoint(save_best_only=True)` saves every epoch (measured, Keras 3.15).

## Example
```python
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy', 'precision'])
history = model.fit(x, y, epochs=5, validation_split=0.2)
plot(history.history['val_acc'])
```

## Use instead
```python
model.compile(optimizer='adam', loss='binary_crossentropy',
              metrics=['acc', keras.metrics.Precision()])  # epoch-level precision
history = model.fit(x, y, epochs=5, validation_split=0.2)
plot(history.history['val_acc'])
```
or a batch-wise function metric to keep Keras 1's numbers.

## Fix safety
The metric-name rewrite is safe: Keras 3 takes `'acc'` as `'accuracy'` (and `'mean_squared_error'` as
`'mse'`), the same metric and values, logged under the name the file reads. It is left as a report when
the file also reads Keras 3's name (`'val_accuracy'`): one of the two reads fails either way. The other
metric strings are report only: which numbers you want (Keras 1's batch averages or Keras 3's epoch
values) is your call.
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        ctx.cache.setdefault((self.code, "keys"), []).extend(_keys_in(node))
        if not (isinstance(node, cst.Call) and is_compile(node)):
            return
        ctx.cache.setdefault((self.code, "compiles"), []).append(node)
        for string, value in compile_strings(node, "metrics", 2):
            if value in table.METRIC_STRINGS and (value not in table.METRICS_KERAS3_VALID or _api.keras1_file(ctx)):
                yield Finding(self.code, f"metric {value!r}: {table.METRIC_STRINGS[value]}", string)

    def finish(self, ctx: FileContext):
        """Metric strings Keras 3 logs under another name than Keras 1 did, in a file that reads Keras 1's."""
        renamed = {m: k1 for m, k1 in table.METRIC_LOGGED_AS.items() if m != k1}
        strings, hidden = [], []
        for node in ctx.cache.get((self.code, "compiles"), ()):
            arg = compile_argument(node, "metrics", 2)
            if arg is None:
                continue
            items = compile_items(arg.value)
            if not isinstance(arg.value, (cst.List, cst.Tuple, cst.Dict, cst.SimpleString)) or items is None or any(
                    not isinstance(i, (cst.SimpleString, cst.Name, cst.Attribute, cst.Call, cst.Lambda)) for i in items):
                hidden.append(arg.value)  # a variable or an expression: it may hold 'accuracy'
            else:
                strings += [i for i in items if isinstance(i, cst.SimpleString) and i.evaluated_value in renamed]
        if not strings and not hidden:
            return
        keys = ctx.cache.get((self.code, "keys"), [])
        read = {k1: next((k for k in keys if _logged(k, k1)), None) for k1 in set(renamed.values())}
        for value in hidden:
            for k1, key in sorted(read.items()):
                if key is not None:
                    names = " or ".join(repr(m) for m, k in renamed.items() if k == k1)
                    yield Finding(self.code, f"metrics={_api.code(value)}: this file reads {key!r}; if the metrics "
                                             f"hold {names}, Keras 3 logs it under that string where Keras 1 logged "
                                             f"{k1!r}: write {k1!r} in metrics", value)
        for item in strings:
            value, k1 = item.evaluated_value, renamed[item.evaluated_value]
            key = read[k1]
            if key is None:
                continue
            message = f"metric {value!r}: Keras 1 logged it as {k1!r}, Keras 3 logs it as {value!r}, and this file reads {key!r}"
            keras3_key = next((k for k in keys if _logged(k, value)), None)
            if keras3_key is not None:
                yield Finding(self.code, f"{message} and {keras3_key!r}: one of them raises KeyError (or leaves a "
                                         f"callback's monitor missing) in Keras 3; read one name", item)
                continue
            text = f"{item.prefix}{item.quote}{k1}{item.quote}"
            yield Finding(self.code, f"{message}: write {k1!r}, the same Keras 3 metric under Keras 1's name", item,
                          Fix(SAFE, f"Write {k1!r}", [Edit(item, lambda s, text=text: s.with_changes(value=text))]))


def _logged(key: str, name: str) -> bool:
    """``key`` is what a metric logged as ``name`` appears as: itself, ``val_`` + it, ``<output>_`` + it."""
    return key == name or key.endswith("_" + name)


def _keys_in(node: cst.CSTNode) -> list[str]:
    """The string literals ``node`` reads as keys: ``x['acc']``, ``x.get('acc')``, ``'acc' in x`` and
    ``monitor='val_acc'`` (history, logs, callbacks)."""
    strings = []
    if isinstance(node, cst.Subscript):
        strings = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
    elif isinstance(node, cst.Call):
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("get", "pop") and node.args:
            strings = [node.args[0].value]
        strings += [a.value for a in node.args if a.keyword is not None and a.keyword.value == "monitor"]
    elif isinstance(node, cst.Comparison) and any(isinstance(c.operator, (cst.In, cst.NotIn)) for c in node.comparisons):
        strings = [node.left]
    return [s.evaluated_value for s in strings if isinstance(s, cst.SimpleString)]
