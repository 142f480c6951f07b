"""Apply fixes to a module in one transform: the rules' edits, added imports, removed unused imports."""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst

from kmigrate.engine import tree
from kmigrate.engine.context import FileContext
from kmigrate.engine.rule import SAFE, Edit, Fix, ImportRequest


def select_compatible(fixes: Sequence[Fix]) -> tuple[list[Fix], list[Fix]]:
    """Fixes whose edits do not clash; a later fix replacing a node already replaced waits.

    Fixes may share one Edit object (e.g. a helper function several fixes need): it is applied once.
    An edit that keeps its node (it only adds statements around it) composes with one that replaces it.
    Safe fixes claim their nodes first: where a safe and an unsafe fix rewrite the same code, the safe
    one is applied and the unsafe one is looked at again on the result.
    """
    claimed: dict[int, list[Edit]] = {}
    chosen, deferred = [], []
    for fix in sorted(fixes, key=lambda f: f.applicability != SAFE):
        if any(_clash(edit, claimed.get(id(edit.node), ())) for edit in fix.edits):
            deferred.append(fix)
        else:
            for edit in fix.edits:
                claimed.setdefault(id(edit.node), []).append(edit)
            chosen.append(fix)
    return chosen, deferred


def _clash(edit: Edit, others: Sequence[Edit]) -> bool:
    return any(other is not edit and not (other.keeps_node or edit.keeps_node) for other in others)


def _edits_by_node(fixes: Sequence[Fix]) -> dict[cst.CSTNode, list[Edit]]:
    """Each node's edits, the one that replaces it first (shared Edit objects once)."""
    by_node: dict[cst.CSTNode, list[Edit]] = {}
    for fix in fixes:
        for edit in fix.edits:
            chain = by_node.setdefault(edit.node, [])
            if not any(e is edit for e in chain):
                chain.append(edit)
    return {node: sorted(chain, key=lambda e: e.keeps_node) for node, chain in by_node.items()}


def _build(chain: list[Edit], updated: cst.CSTNode):
    """Run a node's edits: the replacing one on the node, then those that keep it on the first
    statement that stands for it."""
    result = updated
    for edit in chain:
        if isinstance(result, cst.RemovalSentinel):
            break
        if isinstance(result, (list, tuple)):
            first = edit.build(result[0])
            result = [*(first if isinstance(first, (list, tuple)) else [first]), *result[1:]]
        else:
            result = edit.build(result)
    return result


def _import_line(module: str, names: list[tuple[str, str | None]]) -> cst.SimpleStatementLine:
    aliases = [
        cst.ImportAlias(cst.Name(name), asname=cst.AsName(cst.Name(alias)) if alias else None) for name, alias in names
    ]
    parts = module.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return cst.SimpleStatementLine([cst.ImportFrom(module=node, names=aliases)])


class _Applier:
    """The rewrite callback of ``tree.rebuild``: edits, import changes, emptied statements."""

    def __init__(self, edits, remove_aliases, add_aliases, insert_after, insert_at_top, removed):
        self.edits = edits
        self.removed = removed  # original nodes removed whole
        self.remove_aliases = remove_aliases  # set of ImportAlias nodes
        self.add_aliases = add_aliases  # ImportFrom -> [(name, alias)]
        self.insert_after = insert_after  # statement line -> [lines]
        self.insert_at_top = insert_at_top  # [lines] when the module has no import to follow

    def __call__(self, original_node, updated_node):
        result = self._rewrite(original_node, updated_node)
        if result is cst.RemovalSentinel.REMOVE:
            self.removed.add(original_node)
        return result

    def _rewrite(self, original_node, updated_node):
        if isinstance(original_node, (cst.Import, cst.ImportFrom)):
            # Names removed or added first, so that a fix rewriting the statement itself (e.g. its
            # module path) composes with them in the same round.
            updated_node = self._rewrite_import(original_node, updated_node)
            if isinstance(updated_node, cst.RemovalSentinel):
                return updated_node
        chain = self.edits.get(original_node)
        if chain is not None:
            result = _build(chain, updated_node)
            following = self.insert_after.get(original_node) if isinstance(original_node, cst.SimpleStatementLine) else None
            if following:  # new import lines anchored on a line that a fix replaces
                if isinstance(result, cst.RemovalSentinel):
                    result = []
                result = [*(result if isinstance(result, (list, tuple)) else [result]), *following]
            if isinstance(result, (list, tuple)):
                return cst.FlattenSentinel(result)
            return result
        if isinstance(original_node, (cst.Import, cst.ImportFrom)):
            return updated_node
        if isinstance(original_node, cst.SimpleStatementLine):
            if not updated_node.body:
                following = self.insert_after.get(original_node)
                return cst.FlattenSentinel(following) if following else cst.RemovalSentinel.REMOVE
            following = self.insert_after.get(original_node)
            if following:
                return cst.FlattenSentinel([updated_node, *following])
        if isinstance(original_node, cst.IndentedBlock) and not updated_node.body:
            return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        if isinstance(original_node, cst.Module) and self.insert_at_top:
            return _insert_top(updated_node, self.insert_at_top)
        return updated_node

    def _rewrite_import(self, original, updated):
        if isinstance(updated.names, cst.ImportStar):
            return updated
        kept = [a for o, a in zip(original.names, updated.names) if o not in self.remove_aliases]
        added = self.add_aliases.get(original, ())
        if not kept and not added:
            return cst.RemovalSentinel.REMOVE
        if len(kept) == len(updated.names) and not added:
            return updated
        names = list(kept)
        for name, alias in added:
            names.append(cst.ImportAlias(cst.Name(name), asname=cst.AsName(cst.Name(alias)) if alias else None))
        separator = next(
            (a.comma for a in updated.names if isinstance(a.comma, cst.Comma)),
            cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        )
        trailing = updated.names[-1].comma  # a trailing comma of a parenthesised list stays
        fixed = [a if isinstance(a.comma, cst.Comma) else a.with_changes(comma=separator) for a in names[:-1]]
        fixed.append(names[-1].with_changes(comma=trailing))
        return updated.with_changes(names=fixed)


def _insert_top(module: cst.Module, lines: list[cst.SimpleStatementLine]) -> cst.Module:
    body = list(module.body)
    index = 0
    # After a docstring and ``from __future__`` imports.
    while index < len(body) and isinstance(body[index], cst.SimpleStatementLine):
        first = body[index].body[0] if body[index].body else None
        if index == 0 and isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            index += 1
        elif isinstance(first, cst.ImportFrom) and first.module is not None and getattr(first.module, "value", None) == "__future__":
            index += 1
        else:
            break
    return module.with_changes(body=[*body[:index], *lines, *body[index:]])


def _inside(ctx: FileContext, node: cst.CSTNode, replaced: set) -> bool:
    if node in replaced:
        return True
    return any(a in replaced for a in ctx.ancestors(node))


def apply_fixes(ctx: FileContext, fixes: Sequence[Fix], replaced_imports: frozenset[str],
                removed: set | None = None) -> cst.Module:
    """The module with ``fixes`` applied; ``removed`` (when given) receives the original nodes the fixes
    removed whole."""
    removed = set() if removed is None else removed
    edits = _edits_by_node(fixes)
    replaced = {node for node, chain in edits.items() if not chain[0].keeps_node}
    requests: list[ImportRequest] = []
    for fix in fixes:
        for request in fix.imports:
            if request not in requests:
                requests.append(request)
    module = _apply(ctx, edits, replaced, requests, replaced_imports, removed)
    # An edit inside a node another edit rebuilds may be discarded with its imports: keep only the
    # added names the new code uses (checked only when edits nest, which is rare).
    if requests and any(_inside(ctx, ctx.parent(node), replaced) for node in edits if ctx.parent(node) is not None):
        unused = _unused_added(ctx, module.code, requests)
        if unused:
            removed.clear()
            module = _apply(ctx, edits, replaced, [r for r in requests if r not in unused], replaced_imports, removed)
    return module


def _unused_added(ctx: FileContext, code: str, requests: list[ImportRequest]) -> set[ImportRequest]:
    unused = set()
    for request in requests:
        plan = ctx.imports.plan(request)
        if plan.add_to is None and not plan.new_statement:
            continue  # nothing imported: an attribute of a module the file binds
        local = plan.expression.split(".", 1)[0]
        if len(re.findall(rf"(?<![\w.]){re.escape(local)}\b", code)) <= 1:  # the import itself
            unused.add(request)
    return unused


def _apply(ctx: FileContext, edits: dict, replaced: set, requests: list[ImportRequest],
           replaced_imports: frozenset[str], removed: set) -> cst.Module:
    resolver = ctx.resolver
    planner = ctx.imports

    # Imports the applied fixes need.
    add_aliases: dict[cst.ImportFrom, list[tuple[str, str | None]]] = {}
    new_names: dict[str, list[tuple[str, str | None]]] = {}
    for request in requests:
        plan = planner.plan(request)
        entry = (request.name, plan.alias)
        if plan.add_to is not None and plan.add_to not in edits:
            if entry not in add_aliases.setdefault(plan.add_to, []):
                add_aliases[plan.add_to].append(entry)
        elif plan.add_to is not None or plan.new_statement:
            # A statement another fix rewrites (e.g. a module path) cannot take the name: a statement of its own.
            if entry not in new_names.setdefault(request.module, []):
                new_names[request.module].append(entry)

    # Imports the fixes leave unused (only names the rules replace, never others).
    remove_aliases: set[cst.ImportAlias] = set()
    uses_by_name: dict[str, list[cst.Name]] = {}
    for name_node in resolver.name_scopes:
        uses_by_name.setdefault(name_node.value, []).append(name_node)
    for statement, scope in resolver.imports:
        if isinstance(statement, cst.Import) or isinstance(statement.names, cst.ImportStar):
            continue
        for alias in statement.names:
            if alias.name.value not in replaced_imports:
                continue
            bound = alias.asname.name.value if alias.asname is not None else alias.name.value
            binding = next((b for b in scope.bindings.get(bound, ()) if b.node is alias), None)
            if binding is None or binding.qualname is None or not binding.qualname.startswith("keras"):
                continue
            live = [
                n for n in uses_by_name.get(bound, ())
                if resolver.resolve_name(n) == binding.qualname and not _inside(ctx, n, replaced)
            ]
            if not live:
                remove_aliases.add(alias)

    insert_after: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = {}
    insert_at_top: list[cst.SimpleStatementLine] = []
    if new_names:
        lines = [_import_line(module, names) for module, names in new_names.items()]
        anchor = planner.last_keras_import() or (planner.module_imports[-1] if planner.module_imports else None)
        anchor_line = ctx.statement_of(anchor) if anchor is not None else None
        if anchor_line is not None:
            insert_after[anchor_line] = lines
        else:
            insert_at_top = lines

    targets = {*edits, *remove_aliases, *add_aliases, *insert_after, ctx.module}
    targets |= {ctx.parent(alias) for alias in remove_aliases}
    applier = _Applier(edits, remove_aliases, add_aliases, insert_after, insert_at_top, removed)
    return tree.rebuild(ctx.module, targets, ctx.resolver.parents, applier)
