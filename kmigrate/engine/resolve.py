"""One pass over a module: scopes, import bindings, parents, and the nodes the rules asked for.

Names are resolved only through the module's own import statements (design.md §3).  A name is a
Keras name when every binding of it in the scope that binds it is an import of the same thing; any
other binding there (a parameter, an assignment, a ``def``) shadows the import, and the name resolves
to nothing.  This replaces LibCST's scope and qualified-name metadata, which cost several parses.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from kmigrate.engine.tree import walk

MODULE, FUNCTION, CLASS, LAMBDA, COMPREHENSION = "module", "function", "class", "lambda", "comprehension"


@dataclasses.dataclass
class Binding:
    qualname: str | None  # what an import binds; None for any other binding
    node: cst.CSTNode  # the ImportAlias, or the binding statement / node
    statement: cst.CSTNode | None = None  # the Import / ImportFrom statement of an import binding


class Scope:
    __slots__ = ("kind", "parent", "node", "bindings", "star_modules", "globals")

    def __init__(self, kind: str, parent: Scope | None, node: cst.CSTNode):
        self.kind = kind
        self.parent = parent
        self.node = node
        self.bindings: dict[str, list[Binding]] = {}
        self.star_modules: list[str] = []
        self.globals: set[str] = set()

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def module_scope(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _import_module_name(node: cst.ImportFrom) -> str | None:
    if node.relative:
        return None
    return dotted_name(node.module) if node.module is not None else None


def _target_names(target: cst.BaseExpression):
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


class Resolver:
    """Collects everything in one traversal; see the module docstring.

    ``watched`` are the bare names worth recording uses of (the names Keras imports bind, and the
    rules' trigger names when a star import is present); ``node_types`` the node types rules want.
    """

    def __init__(self, watched: frozenset[str], node_types: tuple[type, ...], star_names: frozenset[str]):
        self.watched = watched
        self.node_types = node_types
        self.star_names = star_names
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.name_scopes: dict[cst.Name, Scope] = {}
        self.calls: list[cst.Call] = []
        self.names: dict[str, list[cst.Name]] = {}  # every Name node by spelling (rules look up uses)
        self.nodes: list[cst.CSTNode] = []
        self.imports: list[tuple[cst.CSTNode, Scope]] = []
        self.module_scope: Scope | None = None
        self._scope: Scope | None = None
        self._in_import = 0
        self._scope_of_node: dict[cst.CSTNode, Scope] = {}
        self.scopes: list[Scope] = []
        self._all_bindings: dict[str, list[Binding]] | None = None

    # -- generic traversal -------------------------------------------------------------------
    def run(self, module: cst.Module) -> Resolver:
        walk(module, self._visit, self._leave)
        return self

    def _visit(self, node: cst.CSTNode, parent: cst.CSTNode | None) -> None:
        if parent is not None:
            self.parents[node] = parent
        handler = _VISIT.get(type(node))
        if handler is not None:
            handler(self, node)
        if isinstance(node, self.node_types):
            self.nodes.append(node)

    def _leave(self, original_node: cst.CSTNode) -> None:
        if original_node in self._scope_of_node:
            self._scope = self._scope.parent
        elif isinstance(original_node, (cst.Import, cst.ImportFrom)):
            self._in_import -= 1

    def _push(self, kind: str, node: cst.CSTNode) -> None:
        self._scope = Scope(kind, self._scope, node)
        self._scope_of_node[node] = self._scope
        self.scopes.append(self._scope)

    # -- handlers ----------------------------------------------------------------------------
    def _module(self, node: cst.Module) -> None:
        self._push(MODULE, node)
        self.module_scope = self._scope

    def _function(self, node: cst.FunctionDef) -> None:
        self._scope.bind(node.name.value, Binding(None, node))
        self._push(FUNCTION, node)

    def _class(self, node: cst.ClassDef) -> None:
        self._scope.bind(node.name.value, Binding(None, node))
        self._push(CLASS, node)

    def _lambda(self, node: cst.Lambda) -> None:
        self._push(LAMBDA, node)

    def _comprehension(self, node: cst.CSTNode) -> None:
        self._push(COMPREHENSION, node)

    def _param(self, node: cst.Param) -> None:
        self._scope.bind(node.name.value, Binding(None, node))

    def _bind_target(self, target: cst.BaseExpression, node: cst.CSTNode) -> None:
        for name in _target_names(target):
            self._scope.bind(name, Binding(None, node))

    def _assign_target(self, node: cst.AssignTarget) -> None:
        self._bind_target(node.target, node)

    def _ann_assign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node)

    def _aug_assign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, node)

    def _for(self, node: cst.For) -> None:
        self._bind_target(node.target, node)

    def _comp_for(self, node: cst.CompFor) -> None:
        self._bind_target(node.target, node)

    def _as_name(self, node: cst.AsName) -> None:
        if not self._in_import:
            self._bind_target(node.name, node)

    def _named_expr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node)

    def _global(self, node: cst.Global) -> None:
        for item in node.names:
            self._scope.globals.add(item.name.value)

    def _import(self, node: cst.Import) -> None:
        self._in_import += 1
        self.imports.append((node, self._scope))
        for alias in node.names:
            full = dotted_name(alias.name)
            if alias.asname is not None:
                self._scope.bind(alias.asname.name.value, Binding(full, alias, node))
            else:
                top = full.split(".", 1)[0]
                self._scope.bind(top, Binding(top, alias, node))

    def _import_from(self, node: cst.ImportFrom) -> None:
        self._in_import += 1
        self.imports.append((node, self._scope))
        module = _import_module_name(node)
        if isinstance(node.names, cst.ImportStar):
            if module is not None:
                self._scope.star_modules.append(module)
            return
        for alias in node.names:
            name = alias.name.value
            bound = alias.asname.name.value if alias.asname is not None else name
            self._scope.bind(bound, Binding(f"{module}.{name}" if module else None, alias, node))

    def _name(self, node: cst.Name) -> None:
        self.names.setdefault(node.value, []).append(node)
        if node.value in self.watched and not self._in_import:
            self.name_scopes[node] = self._scope

    def _call(self, node: cst.Call) -> None:
        func = node.func
        while isinstance(func, cst.Attribute):
            func = func.value
        if isinstance(func, cst.Name) and func.value in self.watched:
            self.calls.append(node)

    # -- queries (after the pass) ------------------------------------------------------------
    @staticmethod
    def lookup(scope: Scope | None, name: str) -> tuple[Scope | None, list[Binding]]:
        """The scope that binds ``name`` as seen from ``scope``, and its bindings there (Python's
        rules: ``global`` goes to the module, class bodies do not enclose their methods)."""
        first = True
        while scope is not None:
            if name in scope.globals:
                scope = scope.module_scope()
            if first or scope.kind != CLASS:
                bindings = scope.bindings.get(name)
                if bindings:
                    return scope, bindings
            first = False
            scope = scope.parent
        return None, []

    def scope_at(self, node: cst.CSTNode) -> Scope | None:
        """The innermost scope the names of ``node`` are looked up in."""
        while node is not None:
            node = self.parents.get(node)
            scope = self._scope_of_node.get(node) if node is not None else None
            if scope is not None:
                return scope
        return self.module_scope

    def bindings_of(self, name: str) -> list[Binding]:
        """Every binding of ``name`` in any scope of the file."""
        if self._all_bindings is None:
            self._all_bindings = {}
            for scope in self.scopes:
                for bound, bindings in scope.bindings.items():
                    self._all_bindings.setdefault(bound, []).extend(bindings)
        return self._all_bindings.get(name, [])

    def resolve_name(self, node: cst.Name) -> str | None:
        scope = self.name_scopes.get(node)
        if scope is None:
            return None
        found, bindings = self.lookup(scope, node.value)
        if found is not None:
            return bindings[0].qualname if all(b.qualname is not None for b in bindings) else None
        if node.value in self.star_names and scope.module_scope().star_modules:
            return f"{scope.module_scope().star_modules[0]}.{node.value}"
        return None

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        parts = []
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        base = self.resolve_name(node)
        if base is None:
            return None
        parts.append(base)
        return ".".join(reversed(parts))


_VISIT = {
    cst.Module: Resolver._module,
    cst.FunctionDef: Resolver._function,
    cst.ClassDef: Resolver._class,
    cst.Lambda: Resolver._lambda,
    cst.ListComp: Resolver._comprehension,
    cst.SetComp: Resolver._comprehension,
    cst.DictComp: Resolver._comprehension,
    cst.GeneratorExp: Resolver._comprehension,
    cst.Param: Resolver._param,
    cst.AssignTarget: Resolver._assign_target,
    cst.AnnAssign: Resolver._ann_assign,
    cst.AugAssign: Resolver._aug_assign,
    cst.For: Resolver._for,
    cst.CompFor: Resolver._comp_for,
    cst.AsName: Resolver._as_name,
    cst.NamedExpr: Resolver._named_expr,
    cst.Global: Resolver._global,
    cst.Import: Resolver._import,
    cst.ImportFrom: Resolver._import_from,
    cst.Name: Resolver._name,
    cst.Call: Resolver._call,
}
