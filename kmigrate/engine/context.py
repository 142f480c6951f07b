"""What a rule sees of a file: its tree, name resolution, parents, and Keras 3 references."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst

from kmigrate.engine.imports import ImportPlanner
from kmigrate.engine.resolve import Resolver
from kmigrate.engine.rule import ImportRequest


class FileContext:
    def __init__(self, path: str, text: str, module: cst.Module, resolver: Resolver, options: dict[str, Any]):
        self.path = path
        self.text = text  # the source as analysed (for cheap textual facts)
        self.module = module
        self.resolver = resolver
        self.options = options
        self.imports = ImportPlanner(module, resolver)
        #: Per-file memo for rules (facts computed once, e.g. "the file creates masks").
        self.cache: dict[Any, Any] = {}

    # -- names -------------------------------------------------------------------------------
    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        return self.resolver.qualified_name(node)

    def reference(self, module: str, name: str) -> tuple[cst.BaseExpression, ImportRequest]:
        """An expression naming Keras 3's ``module.name`` in the file's style, and the import it needs."""
        request = ImportRequest(module, name)
        return self.imports.reference(request), request

    # -- tree --------------------------------------------------------------------------------
    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.resolver.parents.get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parents = self.resolver.parents
        node = parents.get(node)
        while node is not None:
            yield node
            node = parents.get(node)

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The statement (simple line or compound statement) that contains ``node``."""
        for ancestor in (node, *self.ancestors(node)):
            if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return ancestor
        return None

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)
