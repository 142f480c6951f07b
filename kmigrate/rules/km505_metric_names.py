"""KM505: Keras 1 metric strings without an exact Keras 3 meaning (report only)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.keras1 import losses as table
from kmigrate.rules import _api
from kmigrate.rules.km410_loss_names import compile_strings, is_compile


class MetricNames(Rule):
    code = "KM505"
    name = "metric-names"
    summary = "Keras 1 metric strings `'fmeasure'`, `'precision'`, `'recall'`, `'cosine_proximity'` in `compile`"
    node_types = (cst.Call,)
    trigger_names = frozenset({"compile"})
    doc = """
## What it does
Reports Keras 1 metric strings in `compile(metrics=[...])` whose Keras 3 meaning differs:
`'fmeasure'`, `'fscore'`, `'f1score'`, `'fbeta_score'` (Keras 3 raises; `keras.metrics.F1Score()` is
stateful), `'cosine_proximity'` (Keras 3 raises; `keras.metrics.CosineSimilarity()` has the opposite
sign), and, in a file that shows Keras 1 code, `'precision'` and `'recall'`.

## Why is this bad?
Keras 1's metrics were functions averaged over batches; Keras 3's `Precision`, `Recall` and `F1Score`
accumulate counts over the epoch, so the reported numbers differ (T23) even where the string is accepted.

## Example
```python
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy', 'precision'])
```

## Use instead
```python
model.compile(optimizer='adam', loss='binary_crossentropy',
              metrics=['accuracy', keras.metrics.Precision()])  # epoch-level precision
```
or a batch-wise function metric to keep Keras 1's numbers.

## Fix safety
Report only: which numbers you want (Keras 1's batch averages or Keras 3's epoch values) is your call.
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        if not is_compile(node):
            return
        for string, value in compile_strings(node, "metrics", 2):
            if value in table.METRIC_STRINGS and (value not in table.METRICS_KERAS3_VALID or _api.keras1_file(ctx)):
                yield Finding(self.code, f"metric {value!r}: {table.METRIC_STRINGS[value]}", string)
