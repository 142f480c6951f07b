"""KM402: Keras 1 layer classes renamed in Keras 3, and the positional convolution trap."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import layers as table
from kmigrate.rules import _api

#: Calls of the Keras 1 classes that Keras 3 replaces by a class with other arguments.
REPLACED_CALLS = frozenset(f"{module}.{name}" for module in table.LAYER_MODULES for name in table.REPLACED_CLASSES)


class LayerClasses(Rule):
    code = "KM402"
    name = "layer-class-rename"
    summary = "Keras 1 layer class renamed in Keras 3, or a convolution's kernel given as separate positionals"
    calls = _api.LAYER_CALLS | REPLACED_CALLS
    trigger_names = _api.LAYER_NAMES | frozenset(table.REPLACED_CLASSES)
    # (and the aliases renamed at their calls: Deconv2D, AtrousConv1D/2D)
    replaced_imports = frozenset(table.CLASSES) | frozenset(table.REPLACED_CLASSES) | frozenset(
        alias for alias, k1 in table.ALIASES.items() if table.CLASSES.get(k1, alias) != alias)
    doc = """
## What it does
Rewrites calls of Keras 1 layer classes that Keras 3 renamed — `Convolution1D/2D/3D` → `Conv1D/2D/3D`,
`AtrousConvolution1D/2D` → `Conv1D/2D(dilation_rate=...)`, `Deconvolution2D` → `Conv2DTranspose`,
`SeparableConvolution2D` → `SeparableConv2D` — and every convolution whose kernel size is given as
Keras 1's separate positional arguments (`Convolution2D(64, 3, 3)`, `Conv2D(64, 3, 3)`,
`Convolution3D(8, 3, 3, 3)`, `ConvLSTM2D(32, 3, 3)`, Keras 2's `Conv2DTranspose(32, 3, 3)`), which
Keras 3 merges into one `kernel_size`. `ThresholdedReLU(theta)` becomes `ReLU(threshold=theta)` (theta
defaults to Keras 1's 1.0) and `Container(input, output)` becomes `Model(inputs=..., outputs=...)`.
The same fix renames the call's Keras 1 arguments (see KM403), and writes Theano's
`border_mode='full'` as a zero padding of (kernel - 1) on each side followed by `padding='valid'`
where the layer is applied at once (`Convolution2D(..., border_mode='full')(x)` →
`Conv2D(..., padding='valid')(ZeroPadding2D((r - 1, c - 1))(x))`) or added to a model
(`model.add(ZeroPadding2D(...))` inserted before).

## Why is this bad?
Keras 3 still exports `Convolution2D` as an alias of `Conv2D`, whose third positional argument is
`strides`: `Convolution2D(64, 3, 3)` runs and silently means a 3×3 kernel **with stride 3** (spec T1,
T2); on a (9, 9) image it outputs (3, 3) instead of (7, 7). `AtrousConvolution2D` and `Deconvolution2D`
no longer exist (`AttributeError`).

## Example
```python
from keras.layers import Convolution2D, AtrousConvolution2D

x = Convolution2D(64, 3, 3, border_mode='same', activation='relu')(image)
y = AtrousConvolution2D(32, 3, 3, atrous_rate=(2, 2))(x)
```

## Use instead
```python
from keras.layers import Conv2D

x = Conv2D(64, (3, 3), padding='same', activation='relu')(image)
y = Conv2D(32, (3, 3), dilation_rate=(2, 2))(x)
```
A convolution already written the Keras 2/3 way (`Conv2D(64, (3, 3))`, `kernel_size=...`) keeps its
positional arguments. The old class name's import is removed once unused.

## Fix safety
Safe: the rewritten layer computes what the Keras 1 layer computed (spec §4.2–4.3). Unsafe:
a kernel given positionally (`Conv2D(64, 3, 3)`) in a file that shows no other Keras 1 code: that is
also valid Keras 3 code (a 3×3 kernel with strides 3), so only you know which one the file is;
`ThresholdedReLU` → `ReLU(threshold=theta)`: Keras 1 computed x * (x > theta), ReLU keeps x == theta.
`border_mode='same'` (or a padding that is not a literal) with a kernel that is even or not a literal,
or strides > 1 — Keras 1's reference backend, Theano, pads 'same' on both sides and crops, Keras 3 pads
the bottom/right, so outputs shift on some input sizes (measured: a 2×2 kernel, or 3×3 with stride 2 on
an even input); odd literal kernels with stride 1 agree. Not fixed (reported):
kernel dimensions only partly given, a positional argument past the kernel whose meaning changed in a
file that shows no other Keras 1 spelling, a `dim_ordering` that is not a literal.
`Deconvolution2D(output_shape=...)` is dropped (Keras 3 infers the size): exact with strides 1, unsafe
with larger strides, where several output sizes fit and Keras 3 computes one (`output_padding=` picks
another). Arguments without an exact equivalent stay and are reported by KM501.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        if name in table.REPLACED_CLASSES:
            yield from _replaced(self.code, ctx, call, name)
            return
        conversion = _api.layer_conversion(ctx, call, qualname)
        if conversion is not None and conversion.renamed:
            yield _api.layer_finding(self.code, ctx, call, qualname, conversion)


def _replaced(code: str, ctx: FileContext, call: cst.Call, name: str):
    """``ThresholdedReLU(theta)`` → ``ReLU(threshold=theta)`` and the like (``REPLACED_CLASSES``)."""
    module, target, params, renames, defaults, unsafe = table.REPLACED_CLASSES[name]
    func, request = ctx.reference(module, target)
    rewrite = _api.rewrite_call(call, func, params, renames, defaults, keywords_only=True)
    if rewrite is None:
        yield Finding(code, f"{name} does not exist in Keras 3: write {target}(...) with the arguments "
                            + ", ".join(f"{k} -> {v}" for k, v in renames.items()), call)
        return
    changes, build = rewrite
    message = f"{name}(...) -> {target}(...)" + "".join(f"; {c}" for c in changes[:-1])  # the last: by keyword
    fix = Fix(UNSAFE if unsafe else SAFE, f"Write {target}(...)", [Edit(call, build)], (request,))
    yield Finding(code, f"{message}; unsafe: {unsafe}" if unsafe else message, call, fix)
