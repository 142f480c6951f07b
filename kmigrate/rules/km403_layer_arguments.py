"""KM403: Keras 1 layer arguments: renames, value maps, and Keras 1 defaults made explicit."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import layers as table
from kmigrate.rules import _api


class LayerArguments(Rule):
    code = "KM403"
    name = "layer-arguments"
    summary = "Keras 1 layer argument names, values and defaults that Keras 3 changed"
    calls = _api.LAYER_CALLS
    trigger_names = _api.LAYER_NAMES | {"add_weight", "supports_masking"}
    doc = """
## What it does
Rewrites the Keras 1 arguments of layers that Keras 3 still has under the same name (spec §4.2):
`output_dim` → `units`, `init` → `kernel_initializer`, `W_regularizer`/`b_regularizer` →
`kernel_regularizer`/`bias_regularizer`, `W_constraint`/`b_constraint`, `bias` → `use_bias`,
`border_mode` → `padding`, `subsample(_length)` → `strides`, `nb_filter` → `filters`,
`filter_length` → `kernel_size`, `p` → `rate` (dropouts), `sigma` → `stddev`, `pool_length`/`stride`
(1D pooling), `length` → `size` (UpSampling1D), `inner_init`/`inner_activation`/`U_regularizer`/
`dropout_W`/`dropout_U` (recurrent), `beta_init`/`gamma_init`, Embedding's `init`/`W_*` →
`embeddings_*`, PReLU `init` → `alpha_initializer`, LeakyReLU `alpha` → `negative_slope`,
SeparableConv2D `init` → `depthwise_initializer` and `pointwise_initializer` (Keras 1 initialised both
kernels with it); value maps:
`dim_ordering` → `data_format` (`'th'` → `'channels_first'`, `'tf'` → `'channels_last'`,
`'default'` dropped; Keras 2's `data_format='th'`/`'tf'` too), `consume_less` dropped, `forget_bias_init='one'` → `unit_forget_bias=True`,
`'hard_sigmoid'` → Keras 1's function, `BatchNormalization(mode=0)` (the default) dropped,
`'orthogonal'` (as `init` or `inner_init`) → `keras.initializers.Orthogonal(gain=1.1)` (Keras 1's scale),
Keras 2's `implementation=0` and Keras 1's `weights=None` dropped; Keras 1 positionals Keras 3 reads
otherwise → keywords (`BatchNormalization(1e-3)` → `epsilon=`, `PReLU('zero', None)`'s `weights`,
`Embedding(100, 8, 'uniform', 6)`'s `input_length`, `Input((8,), (None, 8))` → `Input(batch_shape=(None, 8))`:
Keras 1 ignored `shape` once `batch_shape` was given, as `InputLayer` ignored `input_shape`);
recurrent `input_dim`/`input_length` →
`input_shape=(input_length, input_dim)`, Dense `input_dim` → `input_shape=(input_dim,)`; `Embedding(input_length=n)` as the first layer of a `Sequential`
(`Sequential([Embedding(...), ...])`, or `model.add(...)` right after `model = Sequential()`) →
`Input(shape=(n,), dtype='int32')` added before it (Keras 1 built that input; Keras 3 ignores
`input_length`); `ZeroPadding2D`'s per-side forms `(top, bottom, left, right)` and
`{'top_pad': ..., ...}` → `((top, bottom), (left, right))`, `ZeroPadding1D`'s `{'left_pad': ...,
'right_pad': ...}` → `(left, right)`; `InputLayer(input_shape=, batch_input_shape=,
input_dtype=)` → `shape=`, `batch_shape=`, `dtype=`; in custom layers, `self.add_weight(shape, init,
name, ...)` with more than two positional arguments → keywords (Keras 3's third parameter is `dtype`);
`layer = Lambda(...)` followed by `layer.supports_masking = True` → `Lambda(..., mask=lambda inputs, mask: mask)`
(Keras 1 then passed the input mask through; Keras 3's Lambda returns its `mask` argument).

In a file that shows Keras 1 spellings, it also writes the Keras 1 defaults that Keras 3 changed
(kind D): `LSTM`/`GRU`/`ConvLSTM2D` get `recurrent_activation=lambda x: ops.clip(0.2 * x + 0.5, 0.0, 1.0)`
(Keras 1's `hard_sigmoid`), `GRU` gets `reset_after=False`, `LSTM`/`GRU`/`SimpleRNN`/`ConvLSTM2D` get
`recurrent_initializer=keras.initializers.Orthogonal(gain=1.1)` (Keras 1's default `inner_init='orthogonal'`
had scale 1.1; it matters when training from scratch, not for loaded weights), `AveragePooling*D` get
`pool_size`. In a file that sets the global image format to channels first
(`K.set_image_dim_ordering('th')`, `set_image_data_format('channels_first')`), `Flatten()` gets
`data_format='channels_last'`: Keras 3's Flatten follows the global format and would transpose to
channels-last order first, Keras 1's never did (T16); so do the 1D layers (`Conv1D`, `MaxPooling1D`,
`AveragePooling1D`, `GlobalMaxPooling1D`, `GlobalAveragePooling1D`, `ZeroPadding1D`), which Keras 1
always fed (batch, steps, features). Elsewhere the global format is channels last, where
both flatten alike, so `Flatten()` is left alone.

## Why is this bad?
Keras 3 rejects the Keras 1 names (`ValueError: Unrecognized keyword arguments`, or `TypeError:
missing 1 required positional argument: 'units'`), and where it accepts the Keras 1 spelling it
computes something else: an `LSTM` relying on Keras 1's default gate activation gets `sigmoid`
(outputs differ by up to 0.0084 with the same weights), a `GRU` gets `reset_after=True`, and Keras 3's
own `'hard_sigmoid'` is relu6(x + 3) / 6, not Keras 1's clip(0.2 x + 0.5, 0, 1) (spec T9–T11). The
issue's wording suggested `recurrent_activation='hard_sigmoid'`; the measured spec shows that string is
not Keras 1's function, so the exact function is written.

## Example
```python
model.add(Dense(output_dim=64, init='he_normal', W_regularizer=l2(0.01)))
model.add(MaxPooling2D((2, 2), border_mode='same', dim_ordering='th'))
model.add(LSTM(32, dropout_W=0.2, return_sequences=True))
```

## Use instead
```python
from keras import ops

model.add(Dense(units=64, kernel_initializer='he_normal', kernel_regularizer=l2(0.01)))
model.add(MaxPooling2D((2, 2), padding='same', data_format='channels_first'))
model.add(LSTM(32, dropout=0.2, return_sequences=True,
               recurrent_activation=lambda x: ops.clip(0.2 * x + 0.5, 0.0, 1.0)))
```

## Fix safety
Safe: each rename and value map is exact (spec §4.2, kinds R and V), and the written defaults are
Keras 1's (kind D). Unsafe: `border_mode='same'` on a pooling or convolution layer whose window is
even or not a literal, or whose strides are > 1 (pooling strides default to the pool size): Keras 1's
reference backend (Theano) pads 'same' on both sides and crops, Keras 3 pads the bottom/right, and the
outputs differ on some input sizes (measured); the message says so. A lambda as activation keeps the model from being saved in the `.keras` format
with `safe_mode`; replace it by a registered function if you save models. Not fixed (reported): a
`dim_ordering` or `consume_less` that is not a literal. Arguments without an exact equivalent
(`weights=`, `border_mode='full'`, `BatchNormalization(mode=...)`, `Embedding(dropout=...)`, …) stay
and are reported by KM501. Initializer distributions are not part of the promise: Keras 3's
`'glorot_normal'`/`'he_normal'` are truncated normals of Keras 1's variance, Keras 1's were plain
normals; the string is kept (no trained model depends on one draw) and the finding says so — no finding
of its own, so Keras 3 code using these strings is not flagged.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        conversion = _api.layer_conversion(ctx, call, qualname)
        if conversion is not None and not conversion.renamed:
            yield _api.layer_finding(self.code, ctx, call, qualname, conversion)

    def finish(self, ctx: FileContext):
        yield from self._mask_passed_through(ctx)
        # ``self.add_weight(shape, initializer, name, ...)`` in a custom Keras layer: Keras 3 reads the
        # third positional argument as dtype.
        for name in ctx.resolver.names.get("add_weight", ()):
            func, call = ctx.parent(name), ctx.parent(ctx.parent(name))
            if not (isinstance(func, cst.Attribute) and func.attr is name and isinstance(call, cst.Call)
                    and call.func is func and isinstance(func.value, cst.Name) and func.value.value == "self"):
                continue
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if len(positional) <= table.ADD_WEIGHT_SAME_POSITIONAL or not _in_keras_layer(ctx, call):
                continue
            rewrite = _api.rewrite_call(call, None, table.ADD_WEIGHT, {}, (), keywords_only=True)
            if rewrite is None:
                continue
            _, build = rewrite
            yield Finding(self.code, "add_weight(...): positional " + ", ".join(table.ADD_WEIGHT[:len(positional)])
                          + " by keyword (Keras 3's third parameter is dtype)", call,
                          Fix(SAFE, "Pass add_weight's arguments by keyword", [Edit(call, build)]))


    def _mask_passed_through(self, ctx: FileContext):
        """``layer = Lambda(...)`` then ``layer.supports_masking = True``: Keras 1 passed the input mask through,
        Keras 3's Lambda returns its ``mask`` argument (None) unless told."""
        for name in ctx.resolver.names.get("supports_masking", ()):
            attribute, target = ctx.parent(name), ctx.parent(ctx.parent(name))
            assign = ctx.parent(target)
            if not (isinstance(attribute, cst.Attribute) and attribute.attr is name
                    and isinstance(attribute.value, cst.Name) and isinstance(target, cst.AssignTarget)
                    and isinstance(assign, cst.Assign) and _api.literal_value(assign.value) is True):
                continue
            _, bindings = ctx.resolver.lookup(ctx.resolver.scope_at(attribute), attribute.value.value)
            values = [ctx.parent(b.node).value for b in bindings if isinstance(b.node, cst.AssignTarget)
                      and isinstance(ctx.parent(b.node), cst.Assign)]
            if len(values) != len(bindings) or len(values) != 1 or not isinstance(values[0], cst.Call):
                continue
            call = values[0]
            qualname = ctx.qualified_name(call.func) or ""
            row = table.MASK_PASSED_THROUGH.get(qualname.rsplit(".", 1)[-1])
            if row is None or qualname not in _api.LAYER_CALLS or any(
                    a.star or (a.keyword is not None and a.keyword.value == row[0]) for a in call.args):
                continue
            argument, value = row

            def build(updated: cst.Call, argument=argument, value=value) -> cst.Call:
                return updated.with_changes(args=_api.append_args(list(updated.args), [
                    _api.keyword(argument, cst.parse_expression(value))]))

            yield Finding(self.code, f"{attribute.value.value}.supports_masking = True: Keras 1 passed the input "
                          f"mask through this {qualname.rsplit('.', 1)[-1]}; Keras 3 needs {argument}={value}",
                          assign, Fix(SAFE, f"Pass {argument}={value}", [Edit(call, build)]))


def _in_keras_layer(ctx: FileContext, node: cst.CSTNode) -> bool:
    """``node`` is in a method of a class deriving from Keras' Layer."""
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, cst.ClassDef):
            return any(ctx.qualified_name(base.value) in table.LAYER_BASES for base in ancestor.bases)
    return False
