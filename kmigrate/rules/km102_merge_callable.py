"""KM102: ``merge(..., mode=<function>)`` → ``Lambda`` applied to the list of inputs."""

from __future__ import annotations

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Rule
from kmigrate.keras1 import merge as table
from kmigrate.rules import _merge
from kmigrate.rules.km101_merge_modes import split_merge_function


class MergeCallable(Rule):
    code = "KM102"
    name = "merge-callable-mode"
    summary = "`merge(..., mode=<function>)` → `Lambda(function, output_shape=..., mask=..., arguments=...)`"
    calls = table.MERGE_FUNCTIONS
    trigger_names = frozenset({"merge"})
    replaced_imports = frozenset({"merge"})
    doc = """
## What it does
Finds `merge(inputs, mode=f)` where `f` is a lambda or a function of the file, and rewrites it to a
Keras 3 `Lambda` layer applied to the list of inputs.

## Why is this bad?
`merge` no longer exists in Keras 2 or 3. Keras 3's `Lambda` takes the same function, the same
`output_shape` conventions (a tuple without the batch axis, or a function of the input shapes that
returns the full shape) and the same `arguments=`.

## Example
```python
def diff(tensors):
    return tensors[0] - tensors[1]

d = merge([a, b], mode=diff, output_shape=lambda shapes: shapes[0],
          output_mask=lambda masks: masks[0])
```

## Use instead
```python
d = Lambda(diff, output_shape=lambda shapes: shapes[0],
           mask=lambda inputs, masks: (lambda masks: masks[0])(masks))([a, b])
```
Keras 1 called a callable `output_mask` with one argument (the list of masks); Keras 3 calls
`mask(inputs, masks)`, so the mask function is wrapped (spec §1.1). A non-callable `output_mask`
is passed as it is; one that cannot be told apart is wrapped in a lambda that checks `callable()`
at run time, as Keras 1 did.

## Fix safety
Safe: the function receives the same list of tensors with the same keyword arguments.
"""

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str):
        bound = _merge.bind(call, table.MERGE_FUNCTION_PARAMS)
        if bound is None or bound.dynamic or "inputs" not in bound.args:
            return
        mode = _merge.classify_mode(ctx, bound)
        if mode.kind != _merge.CALLABLE:
            return
        replacement = _merge.callable_replacement()
        function = cst.Module([]).code_for_node(mode.node)
        shown = function if len(function) <= 40 else "<function>"
        message = f"merge(mode={shown}) -> Lambda({shown}, ...) applied to the list of inputs"
        yield _merge.merge_finding(ctx, self.code, call, split_merge_function, replacement, message, SAFE,
                                   "Replace merge with a Lambda layer")
