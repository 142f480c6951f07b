"""KM401: imports from Keras 1/2 module paths that Keras 3 removed."""

from __future__ import annotations

import dataclasses

import libcst as cst

from kmigrate.engine.context import FileContext
from kmigrate.engine.imports import attribute_chain
from kmigrate.engine.resolve import dotted_name
from kmigrate.engine.rule import SAFE, UNSAFE, Edit, Finding, Fix, Rule
from kmigrate.keras1 import modules as table
from kmigrate.rules import _api, _merge

LEGACY = frozenset(table.MODULES) | frozenset(table.MODULES_WITHOUT_EQUIVALENT)


def legacy_module(qualname: str) -> str | None:
    """The removed module ``qualname`` is or lies in (the longest match), else None."""
    best = None
    for module in LEGACY:
        if (qualname == module or qualname.startswith(module + ".")) and (best is None or len(module) > len(best)):
            best = module
    return best


def target_of(module: str, name: str) -> tuple[str, str] | None:
    """Where Keras 3 holds ``module.name`` exactly: (Keras 3 module, name), or None."""
    moved = table.MOVED.get((module, name))
    if moved is not None:
        return moved
    target = table.MODULES.get(module)
    if target is not None and name in table.KERAS3_NAMES.get(target, ()):
        return target, name
    return None


def why_not(module: str, name: str) -> str:
    if name in table.NO_EQUIVALENT:
        return f"{name}: {table.NO_EQUIVALENT[name]}"
    if module in table.MODULES_WITHOUT_EQUIVALENT:
        return f"{name}: {table.MODULES_WITHOUT_EQUIVALENT[module]}"
    target = table.MODULES.get(module)
    where = f" in {target}" if target else ""
    return f"{name}: not known to exist{where} in Keras 3"


def split_module(dotted: str) -> tuple[str, str]:
    parent, _, last = dotted.rpartition(".")
    return parent, last


@dataclasses.dataclass
class Planned:
    """One imported name and its Keras 3 import: ``from module import name as bound``."""

    original: str  # the name as imported
    module: str
    name: str
    bound: str


class ModulePaths(Rule):
    code = "KM401"
    name = "removed-module-path"
    summary = "import from a Keras 1/2 module path that Keras 3 removed"
    node_types = (cst.Import, cst.ImportFrom)
    # The last part of each removed module's path: a file that mentions none of them imports none.
    trigger_names = frozenset(m.rsplit(".", 1)[1] for m in LEGACY | {m for m, _ in table.REMOVED_NAMES})
    doc = """
## What it does
Finds imports from Keras 1/2 modules that Keras 3 removed — `keras.layers.core`,
`keras.layers.convolutional`, `keras.layers.recurrent`, `keras.layers.embeddings`,
`keras.layers.normalization`, `keras.layers.advanced_activations`, `keras.layers.wrappers`,
`keras.layers.noise`, `keras.layers.pooling`, `keras.layers.merge`, `keras.engine.topology`,
`keras.engine.training`, `keras.utils.np_utils`, `keras.utils.visualize_util`, `keras.objectives`, … —
and rewrites them to the public Keras 3 module that holds the same names: `from X import a, b`,
`import keras.layers.core as core` (with `core.Dense(...)`), `from keras.layers import core`,
`from keras.utils import np_utils`, `import keras.layers.core` and uses such as
`keras.layers.core.Dense(...)`.

## Why is this bad?
Keras 3 has none of these modules: the import fails with `ModuleNotFoundError`.

## Example
```python
from keras.layers.core import Dense, Flatten
from keras.layers.convolutional import MaxPooling2D
from keras.utils import np_utils
from keras.objectives import kld

y = np_utils.to_categorical(labels, 10)
```

## Use instead
```python
from keras.layers import Dense, Flatten
from keras.layers import MaxPooling2D
from keras import utils as np_utils
from keras.losses import kl_divergence as kld

y = np_utils.to_categorical(labels, 10)
```
Local names stay as they were (`kld`, `np_utils`), so the rest of the file is untouched. Names that
go to different Keras 3 modules split the statement (`from keras.engine import Layer, Model` →
`from keras.layers import Layer` and `from keras.models import Model`).

Private Keras 1 helpers that Keras 3 modules of the same path no longer hold
(`from keras.applications.imagenet_utils import _obtain_input_shape`) are reported the same way.

Names without an exact Keras 3 counterpart (`MaxoutDense`, `Highway`, `TimeDistributedDense`,
`LocallyConnected2D`, `np_utils.probas_to_classes`, `visualize_util.plot`, …) are reported with what
to write instead, and the statement is left alone. `merge`/`Merge` and Keras 1 class names such as
`AtrousConvolution2D` are rewritten at their calls by the merge rules and KM402; once their import is
unused it is removed and KM401 rewrites the rest of the statement in the same `--fix` run.

## Fix safety
Safe: every name imported keeps its binding and now refers to the Keras 3 object of the same name
(spec §4.1b, checked against Keras 3 by the test suite). What the *calls* of a layer mean in Keras 3
(positional arguments, changed defaults) is the business of the other KM4xx rules, which run in the
same pass; a name that stays importable in Keras 3 but whose calls differ (`Convolution2D(64, 3, 3)`)
keeps its own finding until its call is rewritten.
Unsafe: a star import (`from keras.layers.core import *` → `from keras.layers import *`), since
Keras 3's module exports other names than the Keras 1 module (which re-exported `K`, `np`, …).
"""

    def check_node(self, ctx: FileContext, node: cst.CSTNode):
        if isinstance(node, cst.ImportFrom):
            yield from self._import_from(ctx, node)
        else:
            yield from self._import(ctx, node)

    def finish(self, ctx: FileContext):
        # ``keras.layers.core.Dense`` reached through a binding that still exists (``import keras``).
        for use in _api.uses(ctx):
            if legacy_module(use.base) is not None:
                continue  # the import statement's finding covers it
            for depth in range(1, len(use.attrs) + 1):
                module = use.qualname(depth)
                if module in table.ALSO_FUNCTIONS and depth == len(use.attrs):
                    break  # the Keras 1 function, e.g. ``keras.layers.merge(...)``
                if module in LEGACY:
                    yield self._legacy_use(ctx, use, depth, module)
                    break

    # -- from X import a, b ----------------------------------------------------------------------
    def _import_from(self, ctx: FileContext, node: cst.ImportFrom):
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module)
        if module is None:
            return
        if isinstance(node.names, cst.ImportStar):
            if module in table.MODULES:
                target = table.MODULES[module]
                fix = Fix(UNSAFE, f"Import * from {target}",
                          [Edit(node, lambda updated: updated.with_changes(module=attribute_chain(target)))])
                yield Finding(self.code, f"`{module}` does not exist in Keras 3: import * from {target} "
                                         f"(it exports other names than the Keras 1 module)", node, fix)
            elif module in LEGACY:
                yield Finding(self.code, f"`{module}` does not exist in Keras 3: "
                                         f"{table.MODULES_WITHOUT_EQUIVALENT[module]}", node)
            return
        plans: dict[str, Planned] = {}
        problems: list[str] = []
        touched = False
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else dotted_name(alias.name)
            bound = alias.asname.name.value if alias.asname is not None else name
            qualname = f"{module}.{name}"
            if qualname in LEGACY and qualname not in table.ALSO_FUNCTIONS:
                touched = True
                plan, problem = self._module_object(ctx, qualname, bound, alias)
            elif module in LEGACY:
                touched = True
                target = target_of(module, name)
                plan = Planned(name, *target, bound) if target is not None else None
                problem = None if target is not None else why_not(module, name)
            elif (module, name) in table.REMOVED_NAMES:
                touched = True
                plan, problem = None, f"{name}: {table.REMOVED_NAMES[module, name]}"
            else:
                plan, problem = Planned(name, module, name, bound), None
            if plan is not None:
                plans[name] = plan
            if problem is not None:
                problems.append(problem)
        if not touched:
            return
        gone = [module] if module in LEGACY else [f"{module}.{p.original}" for p in plans.values()
                                                  if f"{module}.{p.original}" in LEGACY]
        where = ", ".join(f"`{m}`" for m in gone)
        if problems:
            head = f"{where} does not exist in Keras 3" if where else f"Keras 3's `{module}` lacks names imported"
            yield Finding(self.code, f"{head}; " + _join_problems(problems), node)
            return
        groups = _group(plans.values())
        description = "Import " + "; ".join(f"{', '.join(_alias_text(p) for p in group)} from {mod}"
                                            for mod, group in groups.items())
        message = f"{where or f'`{module}`'} does not exist in Keras 3: " + description[0].lower() + description[1:]
        if len(groups) == 1:
            (target_module,) = groups
            edit = Edit(node, lambda updated: _rebuild_from(updated, target_module, plans))
            yield Finding(self.code, message, node, Fix(SAFE, description, [edit]))
            return
        line = ctx.parent(node)
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            yield Finding(self.code, message + " (not fixed: the names go to several modules; split the "
                                               "statement by hand)", node)
            return

        def build_line(updated: cst.SimpleStatementLine):
            if not updated.body:
                return cst.RemovalSentinel.REMOVE
            statement = updated.body[0]
            live = {alias.name.value: plans[alias.name.value] for alias in statement.names}
            lines = []
            for index, (target_module, group) in enumerate(_group(live.values()).items()):
                names = {p.original: p for p in group}
                new = _rebuild_from(statement.with_changes(
                    names=[a for a in statement.names if a.name.value in names],
                    lpar=None, rpar=None), target_module, names, fresh=True)
                if index == 0:
                    lines.append(updated.with_changes(body=[new]))
                else:
                    lines.append(cst.SimpleStatementLine([new]))
            return lines

        built = build_line(line)
        if _merge.loses_comments(line, cst.Module(built) if isinstance(built, list) else line):
            yield Finding(self.code, message + " (not fixed: a comment inside the import would be lost)", node)
            return
        yield Finding(self.code, message, node, Fix(SAFE, description, [Edit(line, build_line)]))

    def _module_object(self, ctx: FileContext, qualname: str, bound: str, alias: cst.CSTNode):
        """``from keras.layers import core`` (or ``from keras.utils import np_utils``): the module object."""
        target = table.MODULES.get(qualname)
        if target is None:
            return None, f"{qualname.rsplit('.', 1)[1]}: {table.MODULES_WITHOUT_EQUIVALENT[qualname]}"
        problem = self._attribute_problems(ctx, qualname, target)
        parent, last = split_module(target)
        return Planned(qualname.rsplit(".", 1)[1], parent, last, bound), problem

    def _attribute_problems(self, ctx: FileContext, qualname: str, target: str) -> str | None:
        """Why the uses of a binding of module ``qualname`` would break if it were ``target``, else None."""
        problems = []
        for use in _api.uses_of(ctx, qualname):
            if not use.attrs:
                problems.append(f"`{_api.code(use.name)}` is used as a module object: check what it needs")
                continue
            attr = use.attrs[0]
            if target_of(qualname, attr) != (target, attr):
                problems.append(f"{_api.code(use.chain[1])}: " + why_not(qualname, attr).split(": ", 1)[-1])
        return "; ".join(dict.fromkeys(problems)) or None

    # -- import X [as y] ---------------------------------------------------------------------------
    def _import(self, ctx: FileContext, node: cst.Import):
        renames: dict[str, str] = {}
        problems: list[str] = []
        for alias in node.names:
            qualname = dotted_name(alias.name)
            module = legacy_module(qualname) if qualname else None
            if module is None:
                continue
            target = table.MODULES.get(qualname)
            if target is None:
                problems.append(f"`{qualname}`: " + (table.MODULES_WITHOUT_EQUIVALENT.get(qualname)
                                                     or "not a module in Keras 3"))
                continue
            if alias.asname is not None:
                problem = self._attribute_problems(ctx, qualname, target)
                if problem is not None:
                    problems.append(problem)
                    continue
            renames[qualname] = target
        if problems:
            yield Finding(self.code, "a module that does not exist in Keras 3; " + "; ".join(problems), node)
            return
        if not renames:
            return

        def build(updated: cst.Import):
            return updated.with_changes(names=[
                alias.with_changes(name=attribute_chain(renames[dotted_name(alias.name)]))
                if dotted_name(alias.name) in renames else alias
                for alias in updated.names
            ])

        description = "; ".join(f"import {target} instead of {module}" for module, target in renames.items())
        description = description[0].upper() + description[1:]
        yield Finding(self.code, f"{', '.join(f'`{m}`' for m in renames)} does not exist in Keras 3: "
                                 f"{description[0].lower() + description[1:]}",
                      node, Fix(SAFE, description, [Edit(node, build)]))

    # -- keras.layers.core.Dense through ``import keras`` -----------------------------------------
    def _legacy_use(self, ctx: FileContext, use: _api.Use, depth: int, module: str) -> Finding:
        text = _api.code(use.chain[depth])
        if depth == len(use.attrs):
            return Finding(self.code, f"`{text}` does not exist in Keras 3: use the Keras 3 module of its names",
                           use.chain[depth])
        attr = use.attrs[depth]
        target = target_of(module, attr)
        if target is None or not (target[0] == use.base or target[0].startswith(use.base + ".")):
            return Finding(self.code, f"`{text}` does not exist in Keras 3; " + why_not(module, attr),
                           use.chain[depth + 1])
        new = f"{use.name.value}{target[0][len(use.base):]}.{target[1]}"
        node = use.chain[depth + 1]

        def build(updated: cst.Attribute):
            replacement = attribute_chain(new)
            return replacement.with_changes(lpar=updated.lpar, rpar=updated.rpar)

        return Finding(self.code, f"`{text}` does not exist in Keras 3: write `{new}`", node,
                       Fix(SAFE, f"Write {new}", [Edit(node, build)]))


def _join_problems(problems: list[str]) -> str:
    """``name: reason`` problems, names with the same reason joined (``a, b: reason``)."""
    reasons: dict[str, list[str]] = {}
    for problem in problems:
        name, _, reason = problem.partition(": ")
        reasons.setdefault(reason, []).append(name)
    return "; ".join(f"{', '.join(names)}: {reason}" if reason else names[0] for reason, names in reasons.items())


def _group(plans) -> dict[str, list[Planned]]:
    groups: dict[str, list[Planned]] = {}
    for plan in plans:
        groups.setdefault(plan.module, []).append(plan)
    return groups


def _alias_text(plan: Planned) -> str:
    return plan.name if plan.name == plan.bound else f"{plan.name} as {plan.bound}"


def _rebuild_from(updated: cst.ImportFrom, module: str, plans: dict[str, Planned], fresh: bool = False) -> cst.ImportFrom:
    aliases = []
    for alias in updated.names:
        plan = plans[alias.name.value]
        asname = None
        if plan.bound != plan.name:
            asname = alias.asname if alias.asname is not None else cst.AsName(name=cst.Name(plan.bound))
        new = alias.with_changes(name=cst.Name(plan.name), asname=asname)
        if fresh:
            new = new.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        aliases.append(new)
    if fresh:
        aliases = _api.join_commas(aliases, trailing=False)
    return updated.with_changes(module=attribute_chain(module), names=aliases)
