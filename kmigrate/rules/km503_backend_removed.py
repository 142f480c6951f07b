"""KM503: Keras 1 backend functions without a Keras 3 rewrite (report only)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.keras1 import backend as table

BACKEND = "keras.backend"


class BackendRemoved(Rule):
    code = "KM503"
    name = "backend-function-removed"
    summary = "Keras 1 `K.*` backend function without an exact Keras 3 drop-in"
    calls = frozenset(f"{BACKEND}.{name}" for name in table.REPORT)
    trigger_names = frozenset(table.REPORT)
    doc = """
## What it does
Reports Keras 1 backend functions that Keras 3 removed and that have no expression-for-expression
rewrite, with what to write: `K.batch_dot`, `K.function`, `K.gradients`, `K.learning_phase`,
`K.in_train_phase`, `K.placeholder`, `K.rnn`, `K.update`/`K.update_add`, `K.zeros`/`K.ones`/`K.eye`
(Keras 1 returned variables), `K.foldl`/`K.foldr`, the convolutions `K.conv2d`, … (Theano kernel
layout), the CTC functions, … Functions that do have one are rewritten by KM406.

## Why is this bad?
`keras.backend` in Keras 3 keeps only `epsilon`, `floatx`, `clear_session`, `image_data_format` and a
few others; the rest raise `AttributeError`, and the same-named `keras.ops` functions differ
(spec §4.4, T20, T21).

## Example
```python
from keras import backend as K

d = K.batch_dot(a, b, axes=1)
```

## Use instead
```python
from keras import ops

d = ops.einsum('bi,bi->b', a, b)[:, None]
```

## Fix safety
Report only: the replacement depends on shapes, kernels or program structure kmigrate does not see.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        yield Finding(self.code, f"K.{name} is not in Keras 3: {table.REPORT[name]}", call)
