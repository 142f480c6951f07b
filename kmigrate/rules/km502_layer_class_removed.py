"""KM502: Keras 1 layer classes that Keras 3 removed (report only)."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import Finding, Rule
from kmigrate.keras1 import layers as layer_table
from kmigrate.keras1 import modules as table

#: Removed layer classes (capitalised names of the removed-names table that no rule rewrites).
REMOVED = frozenset(name for name in table.NO_EQUIVALENT
                    if name[:1].isupper() and name not in layer_table.ALIASES and name not in layer_table.CLASSES
                    and name not in layer_table.REPLACED_CLASSES and name not in ("Merge",))
#: Where Keras 0.x had its containers (``from keras.models import Graph``).
CONTAINER_MODULES = ("keras.models", "keras.legacy.models")


class LayerClassRemoved(Rule):
    code = "KM502"
    name = "layer-class-removed"
    summary = "Keras 1 layer class that Keras 3 removed"
    calls = frozenset(f"{module}.{name}" for module in (*layer_table.LAYER_MODULES, *CONTAINER_MODULES)
                      for name in REMOVED)
    trigger_names = REMOVED
    node_types = (cst.ClassDef,)
    doc = """
## What it does
Reports uses of Keras 1 layers that Keras 3 does not have and that no rule rewrites exactly:
`MaxoutDense`, `Highway`, `TimeDistributedDense`, `LocallyConnected1D/2D`, `ParametricSoftplus`,
`SReLU`, `Recurrent`, `ConvRecurrent2D`, Keras 0.x's `Graph` and `Siamese`; the message says what to
write. Classes deriving from one of them (`class MyRNN(Recurrent)`) are reported at the base.

## Why is this bad?
`AttributeError: module 'keras.layers' has no attribute ...` in Keras 3.

## Example
```python
y = TimeDistributedDense(10)(x)
```

## Use instead
```python
y = TimeDistributed(Dense(10))(x)
```

## Fix safety
Report only: the replacements change the layer's weights (`TimeDistributedDense`), or need a custom
layer or a functional model. (`ThresholdedReLU` and `Container` are rewritten by KM402.)
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        name = qualname.rsplit(".", 1)[1]
        yield Finding(self.code, f"{name} does not exist in Keras 3: {table.NO_EQUIVALENT[name]}", call)

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        # ``class MyRNN(Recurrent)``: the abstract bases are used by subclassing, not by calls.
        for base in node.bases:
            qualname = ctx.qualified_name(base.value)
            if qualname in self.calls:
                name = qualname.rsplit(".", 1)[1]
                yield Finding(self.code, f"{name} does not exist in Keras 3: {table.NO_EQUIVALENT[name]}", base)
