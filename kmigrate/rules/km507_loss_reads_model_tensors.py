"""KM507: a loss function that reads the model's own symbolic tensors (Keras 1's VAE idiom) — report only."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine import tree
from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.rules import _evidence
from kmigrate.rules.km410_loss_names import compile_argument, compile_items, is_compile


class LossReadsModelTensors(Rule):
    code = "KM507"
    name = "loss-reads-model-tensors"
    summary = "a loss function given to `compile` that reads the model's own tensors (a VAE's KL term)"
    node_types = (cst.Call,)
    trigger_names = frozenset({"compile"})
    doc = """
## What it does
Reports a loss function of the file, given to `compile(loss=...)`, that reads tensors of the model from
outside its arguments: names bound to `Input(...)` or to a layer applied to tensors (`z_mean =
Dense(2)(h)`). This is how Keras 1 programs wrote a variational autoencoder's KL term.

## Why is this bad?
Keras 1 built the loss into the same graph as the model, so a loss could use any tensor of it. Keras 3
calls a loss with `(y_true, y_pred)` only, outside the model's graph: the symbolic tensors the function
reads are placeholders there, and `fit` raises (`ValueError: A KerasTensor cannot be used as input to a
TensorFlow function`).

## Example
```python
z_mean = Dense(latent_dim)(h)
z_log_var = Dense(latent_dim)(h)

def vae_loss(x, x_decoded_mean):
    xent = original_dim * objectives.binary_crossentropy(x, x_decoded_mean)
    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
    return xent + kl

vae.compile(optimizer='rmsprop', loss=vae_loss)
```

## Use instead
The term that needs the model's tensors goes into the model, as a layer that adds it with `add_loss`
(Keras 1 averaged `xent + kl` over the batch; the mean of the sum is the sum of the means):
```python
class KLDivergence(keras.layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
        self.add_loss(ops.mean(kl))
        return inputs

z_mean, z_log_var = KLDivergence()([z_mean, z_log_var])

def vae_loss(x, x_decoded_mean):
    return original_dim * keras.losses.binary_crossentropy(x, x_decoded_mean)
```

## Fix safety
Report only: where the term belongs in the model is a design decision.
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        if not is_compile(node):
            return
        arg = compile_argument(node, "loss", 1)
        for item in (compile_items(arg.value) or []) if arg is not None else []:
            function = _evidence.file_function(ctx, item)
            if function is None:
                continue
            read = _model_tensors(ctx, function)
            if read:
                names = ", ".join(f"`{n}`" for n in read)
                yield Finding(self.code, f"loss `{function.name.value}` reads the model's tensors {names}: Keras 3 "
                                         f"calls a loss with (y_true, y_pred) only, outside the model (fit raises); "
                                         f"compute that term in a layer with self.add_loss(...)", item)


def _model_tensors(ctx: FileContext, function: cst.FunctionDef) -> list[str]:
    """Names the function reads from outside whose value there is a model tensor, in reading order."""
    found: list[str] = []
    for name in tree.descendants(function.body):
        if not isinstance(name, cst.Name) or name.value in found or not _evidence.is_load(ctx, name):
            continue
        scope, _ = ctx.resolver.lookup(ctx.resolver.scope_at(name), name.value)
        local = scope is None or any(n is function for n in (scope.node, *ctx.ancestors(scope.node)))
        if not local and _tensor(ctx, _evidence.assigned_value(ctx, name)):
            found.append(name.value)
    return found


def _tensor(ctx: FileContext, value: cst.BaseExpression | None) -> bool:
    """``Input(...)``, ``Dense(2)(h)`` or ``layer(h)`` with ``layer = Dense(2)``."""
    if not isinstance(value, cst.Call):
        return False
    if _evidence.keras_class(ctx, value.func) == "Input":
        return True
    layer = _evidence.assigned_value(ctx, value.func) if isinstance(value.func, cst.Name) else value.func
    return isinstance(layer, cst.Call) and _evidence.keras_class(ctx, layer.func) is not None
