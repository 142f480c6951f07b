"""The interface between the engine and the rules.

A rule module defines one subclass of :class:`Rule`; the registry imports every module of
``kmigrate.rules`` and collects them.  The engine knows only this interface: which call targets
(qualified names) and which node types a rule wants to see, and the findings it returns.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

if TYPE_CHECKING:
    from kmigrate.engine.context import FileContext

SAFE = "safe"
UNSAFE = "unsafe"

DOCS_URL = "https://github.com/kmigrate/kmigrate/blob/main/docs/rules/{code}.md"


@dataclasses.dataclass(frozen=True)
class ImportRequest:
    """A Keras 3 name a fix needs: ``module`` is public Keras 3 (``keras.layers``), ``name`` the attribute."""

    module: str
    name: str


#: Builds the replacement from the *updated* node (children already rewritten by nested fixes).
Builder = Callable[[cst.CSTNode], "cst.CSTNode | Sequence[cst.CSTNode] | cst.RemovalSentinel"]


@dataclasses.dataclass
class Edit:
    """Replace ``node`` (an original node of the parsed module) by what ``build`` returns.

    A statement may be replaced by several statements or removed (``cst.RemovalSentinel.REMOVE``).
    """

    node: cst.CSTNode
    build: Builder
    #: The build keeps the updated node whole and only adds statements around it: the names inside
    #: stay in use (the imports they need are not removed).
    keeps_node: bool = False


@dataclasses.dataclass
class Fix:
    applicability: str  # SAFE or UNSAFE
    description: str
    edits: list[Edit]
    imports: tuple[ImportRequest, ...] = ()
    #: The rewrite adds or drops axes of size 1 (and the message says so): ``--verify`` accepts
    #: outputs equal up to singleton axes only for such fixes (design.md §5).
    singleton_axes: bool = False


@dataclasses.dataclass
class Finding:
    code: str
    message: str
    node: cst.CSTNode  # where it is reported (its position), an original node
    fix: Fix | None = None
    # Filled in by the engine once positions are known.
    path: str = ""
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)


class Rule:
    """Base class of a rule.  Subclasses set the class attributes and override ``check_*``."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line, for listings
    doc: ClassVar[str]  # ruff's template: What it does / Why is this bad? / Example / Use instead / Fix safety
    #: Qualified names of callables whose calls the rule examines (``check_call``).
    calls: ClassVar[frozenset[str]] = frozenset()
    #: LibCST node types the rule examines (``check_node``), e.g. ``cst.ImportFrom``.
    node_types: ClassVar[tuple[type[cst.CSTNode], ...]] = ()
    #: Bare identifiers whose presence in a file's bytes makes the file worth parsing.
    trigger_names: ClassVar[frozenset[str]] = frozenset()
    #: Imported names the rule's fixes replace; the engine removes their imports once unused.
    replaced_imports: ClassVar[frozenset[str]] = frozenset()

    def check_call(self, ctx: FileContext, call: cst.Call, qualname: str) -> Iterable[Finding]:
        return ()

    def check_node(self, ctx: FileContext, node: cst.CSTNode) -> Iterable[Finding]:
        return ()

    def finish(self, ctx: FileContext) -> Iterable[Finding]:
        """Called once per file after every node was seen (for rules that look at a whole file)."""
        return ()


class Registry:
    """All rules, indexed for the engine's single pass."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = list(rules)
        self._selected: dict[frozenset[str], Registry] = {}
        self.by_code = {r.code: r for r in self.rules}
        self.call_index: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for q in rule.calls:
                self.call_index.setdefault(q, []).append(rule)
        self.node_index: dict[type, list[Rule]] = {}
        for rule in self.rules:
            for t in rule.node_types:
                self.node_index.setdefault(t, []).append(rule)
        self.node_types = tuple(self.node_index)
        self.trigger_names = frozenset().union(*(r.trigger_names for r in self.rules)) if self.rules else frozenset()
        self.replaced_imports = frozenset().union(*(r.replaced_imports for r in self.rules)) if self.rules else frozenset()
        names = sorted(self.trigger_names, key=len, reverse=True)
        self._trigger = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b") if names else None

    def mentions_trigger(self, data: bytes) -> bool:
        """The bytes pre-filter: does the file mention a name some selected rule looks for?"""
        return self._trigger is not None and self._trigger.search(data) is not None

    def selected(self, codes: Iterable[str]) -> Registry:
        """The registry of these codes (memoised: a run asks once per file, nearly always the same)."""
        key = frozenset(codes)
        registry = self._selected.get(key)
        if registry is None:
            registry = self._selected[key] = Registry([r for r in self.rules if r.code in key])
        return registry


_registry: Registry | None = None


def all_rules() -> Registry:
    """Import every module of ``kmigrate.rules`` (auto-registration) and return the registry."""
    global _registry
    if _registry is None:
        import kmigrate.rules as package

        rules: list[Rule] = []
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.__module__ == module.__name__:
                    rules.append(value())
        rules.sort(key=lambda r: r.code)
        _registry = Registry(rules)
    return _registry
