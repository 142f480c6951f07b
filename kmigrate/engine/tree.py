"""Traversal and rebuilding of LibCST trees without LibCST's visitor machinery.

``CSTNode.visit`` reconstructs every node of the tree even for a read-only visitor (measured: the
traversal cost four times the parse of the same file); a fix touches a handful of nodes.  Here a
walk reads the dataclass fields directly, and a rebuild copies only the path from an edited node up
to the module root.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import libcst as cst

# Fields that hold only whitespace, punctuation or comments: nothing a rule or a resolver looks at.
_SKIPPED_FIELDS = frozenset({
    "lpar", "rpar", "comma", "leading_lines", "lines_after_decorators", "header", "footer", "semicolon",
    "equal", "colon", "newline", "first_line", "empty_lines", "indent", "last_line", "trailing_whitespace",
    "lbracket", "rbracket", "lbrace", "rbrace", "whitespace_before", "whitespace_after", "between",
})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(kind)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
    return names


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node's syntactic children (whitespace and punctuation left out), in field order."""
    for name in _fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


def descendants(root: cst.CSTNode, prune: Callable[[cst.CSTNode], bool] | None = None) -> Iterator[cst.CSTNode]:
    """Every syntactic node below ``root`` in source order; ``prune(node)`` true skips its subtree."""
    stack = list(reversed(list(children(root))))
    while stack:
        node = stack.pop()
        yield node
        if prune is None or not prune(node):
            stack.extend(reversed(list(children(node))))


def walk(root: cst.CSTNode, visit: Callable[[cst.CSTNode, cst.CSTNode | None], None],
         leave: Callable[[cst.CSTNode], None]) -> None:
    """Depth-first: ``visit(node, parent)`` before the children, ``leave(node)`` after them."""
    stack: list[tuple[cst.CSTNode, cst.CSTNode | None, bool]] = [(root, None, False)]
    while stack:
        node, parent, leaving = stack.pop()
        if leaving:
            leave(node)
            continue
        visit(node, parent)
        stack.append((node, parent, True))
        kids = list(children(node))
        for child in reversed(kids):
            stack.append((child, node, False))


Rewrite = Callable[[cst.CSTNode, cst.CSTNode], "cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel"]


def rebuild(root: cst.CSTNode, targets: set[cst.CSTNode], parents: dict[cst.CSTNode, cst.CSTNode],
            rewrite: Rewrite) -> cst.CSTNode:
    """A copy of ``root`` where each target node becomes ``rewrite(original, updated)``.

    ``updated`` is the original with its own descendants already rewritten; ``rewrite`` is also
    called for every ancestor of a target (it returns ``updated`` unchanged for those it does not
    handle), so a statement can notice that its body became empty.  Untouched subtrees are shared.
    """
    on_path: set[cst.CSTNode] = set()
    for target in targets:
        node = target
        while node is not None and node not in on_path:
            on_path.add(node)
            node = parents.get(node)

    def copy(node: cst.CSTNode):
        if node not in on_path:
            return node
        changes = {}
        for name in _fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                if value in on_path:
                    new = copy(value)
                    if isinstance(new, cst.FlattenSentinel):
                        raise ValueError(f"{type(value).__name__} cannot be replaced by several nodes")
                    changes[name] = new
            elif isinstance(value, (list, tuple)) and any(v in on_path for v in value if isinstance(v, cst.CSTNode)):
                items = []
                for item in value:
                    new = copy(item) if isinstance(item, cst.CSTNode) else item
                    if isinstance(new, cst.FlattenSentinel):
                        items.extend(new.nodes)
                    elif new is not cst.RemovalSentinel.REMOVE:
                        items.append(new)
                changes[name] = type(value)(items)
        updated = node.with_changes(**changes) if changes else node
        return rewrite(node, updated)

    return copy(root)
