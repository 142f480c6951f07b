"""KM506: downloads of the Keras 1 applications' pretrained weight files (report only)."""

from __future__ import annotations

import re

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.keras1 import modules as table
from kmigrate.rules import _api

_WEIGHT_FILE = re.compile(table.KERAS1_WEIGHT_FILE)


class Keras1WeightFiles(Rule):
    code = "KM506"
    name = "keras1-weight-file"
    summary = "`get_file` of a Keras 1 pretrained weight file, which Keras 3 cannot load as it is"
    calls = frozenset(table.GET_FILE)
    trigger_names = frozenset({"get_file"})
    doc = """
## What it does
Reports `get_file(...)` calls that download the Keras 1 applications' pretrained weights — file names
such as `resnet50_weights_th_dim_ordering_th_kernels.h5` or
`vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5` (the `fname` or `origin` given as a literal).

## Why is this bad?
The files hold Keras 1 layer names and kernel layouts (Theano kernels are flipped and ordered
(out, in, rows, cols)); Keras 3's `model.load_weights(path)` does not convert them, so the model either
fails to load them or computes with wrongly laid-out kernels. `get_file` itself still exists
(`keras.utils.get_file`, KM401 rewrites its import).

## Example
```python
weights_path = get_file('resnet50_weights_tf_dim_ordering_tf_kernels.h5', TF_WEIGHTS_PATH,
                        cache_subdir='models')
model.load_weights(weights_path)
```

## Use instead
```python
model = keras.applications.ResNet50(weights='imagenet')  # Keras 3 weights (and its own preprocessing)
```
or read the Keras 1 file with `h5py`, convert the arrays (flip Theano kernels over their spatial axes)
and `set_weights()` them layer by layer.

## Fix safety
Report only: the replacement is a different model object or a conversion kmigrate does not write.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        for index, arg in enumerate(call.args):
            if arg.star or (arg.keyword is None and index > 1) or (
                    arg.keyword is not None and arg.keyword.value not in ("fname", "origin")):
                continue
            value = _api.literal_value(arg.value)
            if isinstance(value, str) and _WEIGHT_FILE.search(value):
                yield Finding(self.code, f"get_file({_api.code(arg.value)}, ...) downloads a Keras 1 weight file: "
                              f"{table.KERAS1_WEIGHT_FILE_ADVICE}", call)
                return
