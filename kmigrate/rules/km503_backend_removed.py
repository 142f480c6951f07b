"""KM503: Keras 1 backend functions without an exact Keras 3 drop-in (report only)."""

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
Reports Keras 1 backend functions that Keras 3 removed or changed in meaning, with what to write:
`K.batch_dot`, `K.l2_normalize`, `K.sqrt` (Keras 1 clipped negatives), `K.hard_sigmoid` (another
formula in Keras 3), `K.repeat` (not `ops.repeat`), `K.switch` (not `ops.switch`), `K.shape`,
`K.int_shape`, `K.image_dim_ordering`, `K.variable`, `K.eval`, `K.get_value`/`K.set_value`,
`K.function`, `K.gradients`, `K.learning_phase`, `K.placeholder`, `K.rnn`, `K.conv2d`, `K.pool2d`, …

## Why is this bad?
`keras.backend` in Keras 3 keeps only `epsilon`, `floatx`, `clear_session`, `image_data_format` and a
few others; the rest raise `AttributeError`, and the same-named `keras.ops` functions differ
(spec §4.4, T20, T21).

## Example
```python
from keras import backend as K

r = K.repeat(x, 3)
```

## Use instead
```python
from keras import ops

r = ops.repeat(ops.expand_dims(x, 1), 3, axis=1)
```

## Fix safety
Report only: the replacement depends on shapes or context that kmigrate does not see.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        yield Finding(self.code, f"K.{name} is not in Keras 3: {table.REPORT[name]}", call)
