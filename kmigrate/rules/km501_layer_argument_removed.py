"""KM501: Keras 1 layer arguments without an exact Keras 3 spelling (report only)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.keras1 import layers as table
from kmigrate.rules import _api


class LayerArgumentRemoved(Rule):
    code = "KM501"
    name = "layer-argument-removed"
    summary = "Keras 1 layer argument that Keras 3 has no exact spelling for"
    calls = _api.LAYER_CALLS
    trigger_names = _api.LAYER_NAMES
    doc = """
## What it does
Reports Keras 1 layer arguments that no Keras 3 argument replaces exactly, and says what to write:
`weights=` (except on `Embedding`), `input_dtype=`, `batch_input_shape=` on a layer,
`border_mode='full'`, `BatchNormalization(mode=1|2)` (`mode=0`, the default, is dropped by KM403), `Embedding(dropout=...)`,
`Embedding(input_length=...)`, `forget_bias_init` other than
`'one'`, an explicit `Lambda(output_shape=None)` (Keras 1 with Theano then took the input shape as the
output shape; Keras 3 infers it).

## Why is this bad?
Keras 3 rejects them (`ValueError: Unrecognized keyword arguments`) or, for
`Embedding(input_length=...)`, drops them with a warning, leaving a `Sequential` model without an
input shape (spec T14).

## Example
```python
model.add(Embedding(1000, 64, input_length=10))
model.add(Dense(10, weights=[W, b]))
```

## Use instead
```python
model.add(keras.Input(shape=(10,), dtype='int32'))
model.add(Embedding(1000, 64))
dense = Dense(10)
model.add(dense)
dense.set_weights([W, b])  # once the layer is built
```

## Fix safety
Report only: the replacement depends on the model around the layer.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        k1 = table.ALIASES.get(qualname.rsplit(".", 1)[1], qualname.rsplit(".", 1)[1])
        params = table.SIGNATURES.get(k1, ())
        position = 0
        for arg in call.args:
            if arg.star:
                continue
            if arg.keyword is None:
                name = params[position] if position < len(params) else None
                position += 1
            else:
                name = arg.keyword.value
            if name is None:
                continue
            handled = _api.first_layer_input(ctx, call, k1)
            if handled is not None and handled[0] == name:
                continue  # KM403 starts the Sequential with the Input it describes
            if name == "border_mode" and _api.full_padding(ctx, call, k1) is not None:
                continue  # KM402 puts the zero padding in front
            what = _api.no_equivalent(k1, name, arg)
            if what is not None:
                yield Finding(self.code, f"{qualname.rsplit('.', 1)[1]}({name}=...): {what}", arg)
