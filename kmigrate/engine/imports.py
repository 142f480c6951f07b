"""How a fix refers to a Keras 3 name, in the file's own import style (design.md §3).

Preference: a name already bound to the target; a name added to an existing ``from <module> import``;
an attribute of a module the file already binds (``layers.Dot``, ``keras.layers.Dot``); otherwise a
new ``from <module> import <name>`` right after the file's last Keras import.  A name bound to
something else gets an alias (``Dot as KerasDot``).
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from kmigrate.engine.resolve import Resolver, dotted_name
from kmigrate.engine.rule import ImportRequest


def attribute_chain(dotted: str) -> cst.BaseExpression:
    parts = dotted.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return node


@dataclasses.dataclass
class Plan:
    """How one ImportRequest is satisfied."""

    expression: str  # dotted text used in code: "Dot", "KerasDot", "layers.Dot"
    add_to: cst.ImportFrom | None = None  # statement the name is added to
    new_statement: bool = False  # a new ``from module import`` statement is needed
    alias: str | None = None  # ``name as alias`` when the name is taken


class ImportPlanner:
    def __init__(self, module: cst.Module, resolver: Resolver):
        self.module = module
        self.resolver = resolver
        scope = resolver.module_scope
        self.module_bindings = scope.bindings if scope is not None else {}
        self.module_imports = [node for node, s in resolver.imports if s is scope]
        self._plans: dict[ImportRequest, Plan] = {}
        self._taken = self._bound_names()

    def _bound_names(self) -> dict[str, set]:
        taken: dict[str, set] = {}
        for scope in self.resolver.scopes:
            for name, bindings in scope.bindings.items():
                taken.setdefault(name, set()).update(b.qualname for b in bindings)
        return taken

    def _free(self, name: str, qualname: str) -> bool:
        owners = self._taken.get(name)
        return owners is None or owners == {qualname}

    def plan(self, request: ImportRequest) -> Plan:
        plan = self._plans.get(request)
        if plan is None:
            plan = self._plans[request] = self._make_plan(request)
        return plan

    def reference(self, request: ImportRequest) -> cst.BaseExpression:
        return attribute_chain(self.plan(request).expression)

    def _make_plan(self, request: ImportRequest) -> Plan:
        target = f"{request.module}.{request.name}"
        for bound, bindings in self.module_bindings.items():
            if len(bindings) == 1 and bindings[0].qualname == target and self._free(bound, target):
                return Plan(bound)
        alias = None if self._free(request.name, target) else self._alias_for(request.name, target)
        local = alias or request.name
        for node in self.module_imports:
            if (
                isinstance(node, cst.ImportFrom)
                and not node.relative
                and node.module is not None
                and dotted_name(node.module) == request.module
                and not isinstance(node.names, cst.ImportStar)
            ):
                return Plan(local, add_to=node, alias=alias)
        # An attribute of a module object the file binds: ``from keras import layers`` / ``import keras``.
        best: str | None = None
        for bound, bindings in self.module_bindings.items():
            if len(bindings) != 1 or bindings[0].qualname is None:
                continue
            qual = bindings[0].qualname
            if (request.module == qual or request.module.startswith(qual + ".")) and self._free(bound, qual):
                candidate = bound + request.module[len(qual):]
                if best is None or len(candidate) < len(best):
                    best = candidate
        if best is not None:
            return Plan(f"{best}.{request.name}")
        return Plan(local, new_statement=True, alias=alias)

    def _alias_for(self, name: str, target: str) -> str:
        candidate = f"Keras{name}" if name[:1].isupper() else f"keras_{name}"
        n = 2
        while not self._free(candidate, target):
            candidate = f"Keras{name}{n}" if name[:1].isupper() else f"keras_{name}{n}"
            n += 1
        self._taken[candidate] = {target}
        return candidate

    def last_keras_import(self) -> cst.CSTNode | None:
        last = None
        for node in self.module_imports:
            if isinstance(node, cst.ImportFrom):
                name = dotted_name(node.module) if node.module is not None and not node.relative else ""
                if name and (name == "keras" or name.startswith("keras.")):
                    last = node
            else:
                for alias in node.names:
                    name = dotted_name(alias.name) or ""
                    if name == "keras" or name.startswith("keras."):
                        last = node
        return last
