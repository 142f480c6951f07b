"""Keras 1 code no rule could see — so that a run never says "all clean" about code it did not understand.

``probe`` runs in the workers on every file that imports Keras (``RunSettings.probe``); its note shows
in ``--verbose`` and counts in the summary ("3 files use Keras 1 APIs that kmigrate did not analyse").
"""

from __future__ import annotations

import ast
import re

from kmigrate.engine import source
from kmigrate.keras1 import modules

_REMOVED = frozenset({*modules.MODULES, *modules.MODULES_WITHOUT_EQUIVALENT})
#: Worth walking the whole ``ast`` only when the bytes mention a dynamic lookup.
_DYNAMIC = re.compile(rb"\b(?:getattr|import_module|__import__)\b")
_DYNAMIC_IMPORT = re.compile(rb"\b(?:import_module|__import__)\s*\([^)\n]*keras")
_IMPORTERS = frozenset({"import_module", "__import__"})


def _removed(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in _REMOVED)


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _callee(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def dynamic_keras(tree: ast.Module, keras_names: frozenset[str]) -> str | None:
    """The first Keras name chosen at run time: ``getattr(keras.layers, name)``, ``import_module("keras…")``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        callee = _callee(node.func)
        first = node.args[0]
        if (callee == "getattr" and len(node.args) >= 2 and _root(first) in keras_names
                and not isinstance(node.args[1], ast.Constant)):
            return (f"line {node.lineno}: getattr({ast.unparse(first)}, {ast.unparse(node.args[1])}) picks a Keras "
                    f"name at run time; kmigrate cannot tell which")
        if callee in _IMPORTERS and "keras" in ast.unparse(first):
            return f"line {node.lineno}: {callee}({ast.unparse(first)}) imports Keras dynamically; kmigrate cannot see it"
    return None


def removed_module_import(tree: ast.Module) -> str | None:
    for node in source.statements(tree.body):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module and _removed(node.module):
            return f"line {node.lineno}: imports from {node.module}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _removed(alias.name):
                    return f"line {node.lineno}: imports {alias.name}"
    return None


def probe(tree: ast.Module, data: bytes, found: bool) -> str | None:
    """Why this file may hold Keras 1 code the selected rules did not analyse, or None."""
    if _DYNAMIC.search(data):
        names, _ = source.keras_import_names(tree)
        # getattr() can pick a Keras name only in a file that binds one.
        if names or _DYNAMIC_IMPORT.search(data):
            dynamic = dynamic_keras(tree, names | {"keras"})
            if dynamic:
                return dynamic
    if not found:
        removed = removed_module_import(tree)
        if removed:
            return f"{removed}, a Keras 1 module path, but no selected rule found anything in this file"
    return None
