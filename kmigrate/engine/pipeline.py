"""One file through the stages: bytes pre-filter → CPython syntax check → ``ast`` import scan →
LibCST parse → one resolving pass → rules → fixes → compile check → positions for findings."""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Callable
from typing import Any

import libcst as cst

from kmigrate.engine import apply, source
from kmigrate.engine.positions import code_and_spans
from kmigrate.engine.context import FileContext
from kmigrate.engine.resolve import Resolver
from kmigrate.engine.rule import SAFE, Finding, Fix, Registry

UNANALYSABLE = "KM001"
MAX_FIX_ROUNDS = 8
#: The position of a finding's node that the fixes removed.
REMOVED = object()
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]*(?:\s*,\s*[A-Za-z]+[0-9]*)*))?", re.I)


@dataclasses.dataclass
class Options:
    fix: bool = False
    unsafe_fixes: bool = False
    rule_options: dict[str, Any] = dataclasses.field(default_factory=dict)
    py2: bool = False  # convert Python 2 syntax first (kmigrate.py2)
    #: Asked before a fix is applied: ``review(finding, code_now, code_with_this_fix_alone)`` → apply it?
    #: (``--interactive``; the two codes are callables, computed only when asked for.)
    review: Callable[[Finding, Callable[[], str], Callable[[], str]], bool] | None = None
    #: Looks at every Keras-importing file's ``ast`` after the rules: ``probe(tree, data, found)`` →
    #: an informational note (e.g. Keras code the rules could not see), or None.
    probe: Callable[[ast.Module, bytes, bool], str | None] | None = None
    #: Fill in where each fixed finding was (``--show-fixes``, ``--interactive``): one more codegen.
    locate_fixed: bool = False

    def applies(self, fix: Fix | None) -> bool:
        return fix is not None and (fix.applicability == SAFE or self.unsafe_fixes)


@dataclasses.dataclass
class FileResult:
    path: str
    findings: list[Finding] = dataclasses.field(default_factory=list)
    fixed: list[Finding] = dataclasses.field(default_factory=list)  # findings whose fix was applied
    new_data: bytes | None = None  # the fixed file, when it differs
    analysed: bool = False  # went through LibCST
    note: str | None = None  # from ``Options.probe``


def code_and_positions(module: cst.Module, nodes=()) -> tuple[str, dict]:
    """Generate the module's code and the positions of ``nodes`` in the same codegen."""
    return code_and_spans(module, nodes)


def _unanalysable(path: str, exc: source.Unanalysable) -> Finding:
    finding = Finding(UNANALYSABLE, exc.message, cst.Module([]), None, path)
    finding.line, finding.column = exc.line, exc.column
    finding.end_line, finding.end_column = exc.line, exc.column
    return finding


def _suppressed(finding: Finding, lines: list[str]) -> bool:
    if not 1 <= finding.line <= len(lines):
        return False
    match = _NOQA.search(lines[finding.line - 1])
    if match is None:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    return any(finding.code.startswith(c.strip().upper()) for c in codes.split(","))


def _place(findings: list[Finding], positions: dict, path: str) -> bool:
    """Fill in positions; False when a finding's node is not in this tree."""
    for finding in findings:
        where = positions.get(finding.node)
        if where is None:
            return False
        finding.path = path
        finding.line, finding.column = where.line, where.column + 1
        finding.end_line, finding.end_column = where.end_line, where.end_column + 1
    return True


def run_rules(module: cst.Module, text: str, path: str, registry: Registry, watched: frozenset[str], star: bool,
              rule_options: dict[str, Any]) -> tuple[FileContext, list[Finding]]:
    star_names = registry.trigger_names if star else frozenset()
    resolver = Resolver(watched | star_names, registry.node_types, star_names)
    resolver.run(module)
    ctx = FileContext(path, text, module, resolver, rule_options)
    findings: list[Finding] = []
    call_index = registry.call_index
    for call in resolver.calls:
        qualname = resolver.qualified_name(call.func)
        if qualname is not None:
            for rule in call_index.get(qualname, ()):
                findings.extend(rule.check_call(ctx, call, qualname))
    node_index = registry.node_index
    for node in resolver.nodes:
        for rule in node_index.get(type(node), ()):
            findings.extend(rule.check_node(ctx, node))
    for rule in registry.rules:
        findings.extend(rule.finish(ctx))
    return ctx, findings


def _compiles(data: bytes, path: str) -> bool:
    try:
        compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def analyse(data: bytes, path: str, registry: Registry, options: Options, explicit: bool = False) -> FileResult | None:
    """Findings for one file (and its fixed bytes with ``options.fix``); None when it is not Keras code."""
    result = FileResult(path)
    if not explicit and b"keras" not in data:
        return None
    original = data
    conversion: Finding | None = None
    try:
        text = source.decode(data)
        try:
            tree = source.syntax_check(data, text, path)
        except source.Unanalysable as exc:
            if not (options.py2 and exc.convertible):
                raise
            data, text, tree, conversion = _convert_python2(data, text, path, exc, options)
    except source.Unanalysable as exc:
        result.findings.append(_unanalysable(path, exc))
        return result
    # No Keras 1 name any rule looks for, or no Keras import: nothing to parse with LibCST.
    watched, star = source.keras_import_names(tree) if registry.mentions_trigger(data) else ((), False)
    if watched or star:
        try:
            _analyse_module(result, data, text, path, registry, options, watched, star)
        except (RecursionError, MemoryError) as exc:
            # LibCST and its visitors recurse per nesting level; CPython's own limits are looser.
            cause = "maximum recursion depth exceeded" if isinstance(exc, RecursionError) else "out of memory"
            return FileResult(path, [_unanalysable(path, source.Unanalysable(
                f"too deeply nested or too complex to analyse: LibCST gave up ({cause})"))])
    if options.probe is not None:
        result.note = options.probe(tree, data, bool(result.findings or result.fixed))
    if conversion is not None:
        for finding in result.findings:
            finding.message += " (in the --py2 conversion of this file)"
        if options.fix:
            result.fixed.insert(0, conversion)
            if result.new_data is None:
                result.new_data = data
        else:
            result.findings.insert(0, conversion)
    if result.new_data is not None and result.new_data == original:
        result.new_data = None
    return result


def _convert_python2(data: bytes, text: str, path: str, exc: source.Unanalysable, options: Options):
    """``--py2``: the file converted with fissix (checked with compile()), and the KM001 finding that says so."""
    from kmigrate import py2

    try:
        converted = py2.convert(text, path)
    except py2.ConversionError as error:
        raise source.Unanalysable(f"{exc.message} (--py2 could not convert it: {error})", exc.line, exc.column) from None
    encoding = source.encoding_of(data)
    try:
        new_data = converted.encode(encoding)
    except UnicodeEncodeError:
        raise source.Unanalysable(f"{exc.message} (--py2: the converted code is not encodable as {encoding})",
                                  exc.line, exc.column) from None
    tree = source.syntax_check(new_data, converted, path)
    what = exc.construct or "Python 2 syntax"
    finding = _unanalysable(path, source.Unanalysable(
        f"Python 2 syntax ({what} on line {exc.line}): converted to Python 3 with --py2; the Keras rules ran on"
        f" the converted code", exc.line, exc.column))
    finding.fix = Fix(SAFE, "convert the Python 2 syntax to Python 3 (fissix)", [])
    return new_data, converted, tree, finding


def _analyse_module(result: FileResult, data: bytes, text: str, path: str, registry: Registry, options: Options,
                    watched: frozenset[str], star: bool) -> None:
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        result.findings.append(_unanalysable(path, source.Unanalysable(f"LibCST cannot parse this file: {message}")))
        return
    result.analysed = True
    lines = text.splitlines() if b"noqa" in data.lower() else None
    original = module
    fixed_code: str | None = None
    findings: list[Finding] = []
    placed = False
    for _ in range(MAX_FIX_ROUNDS):
        ctx, findings = run_rules(module, text, path, registry, watched, star, options.rule_options)
        placed = False
        if lines is not None and findings:
            _, positions = code_and_positions(module, [f.node for f in findings])
            placed = _place(findings, positions, path)
            findings = [f for f in findings if not _suppressed(f, lines)]
        to_apply = [f for f in findings if options.fix and options.applies(f.fix)]
        if to_apply and not placed and (options.locate_fixed or options.review is not None):  # where they were
            _, positions = code_and_positions(module, [f.node for f in to_apply])
            _place(to_apply, positions, path)
        if to_apply and options.review is not None:
            to_apply = _reviewed(ctx, to_apply, registry, options.review)
        if not to_apply:
            break
        chosen, deferred = apply.select_compatible([f.fix for f in to_apply])
        applied = {id(fix) for fix in chosen}
        remaining = [f for f in findings if id(f.fix) not in applied]
        module, chosen, fixed_code, positions = _apply_compiling(ctx, chosen, registry, path,
                                                                 [f.node for f in remaining])
        if not chosen:
            break
        applied = {id(fix) for fix in chosen}
        result.fixed.extend(f for f in to_apply if id(f.fix) in applied)
        # A finding on code the fixes deleted whole is gone with it.
        findings = [f for f in findings if id(f.fix) not in applied and positions.get(f.node) is not REMOVED]
        text = fixed_code
        if lines is not None:
            lines = fixed_code.splitlines()
        placed = _place(findings, positions, path)
        if not deferred and placed:
            break
        # Deferred fixes, or findings whose node the fixes rebuilt: analyse the fixed module again.
    if findings and not placed:
        _, positions = code_and_positions(module, [f.node for f in findings])
        _place(findings, positions, path)
    result.findings = findings
    if module is not original:
        new_data = (fixed_code if fixed_code is not None else module.code).encode(module.encoding)
        if new_data != data:
            result.new_data = new_data


def _reviewed(ctx: FileContext, findings: list[Finding], registry: Registry, review) -> list[Finding]:
    memo: dict[str, str] = {}

    def now() -> str:
        if "code" not in memo:
            memo["code"] = ctx.module.code
        return memo["code"]

    def alone(fix: Fix) -> Callable[[], str]:
        return lambda: apply.apply_fixes(ctx, [fix], registry.replaced_imports).code

    return [f for f in findings if review(f, now, alone(f.fix))]


def _apply_compiling(ctx: FileContext, fixes: list[Fix], registry: Registry, path: str, nodes: list):
    """Apply the fixes; if the result does not compile, keep only the fixes that compile one by one.

    Returns the module, the fixes applied, its code and the positions of ``nodes`` in it (one codegen
    serves the compile check and the positions).
    """
    module, code, positions = _applied(ctx, fixes, registry, nodes)
    if _compiles(code.encode(module.encoding), path):
        return module, fixes, code, positions
    good = [fix for fix in fixes if _compiles(apply.apply_fixes(ctx, [fix], registry.replaced_imports).bytes, path)]
    for fix in fixes:
        if fix not in good:
            fix.description += " (not applied: the rewrite would not compile)"
    if good:
        module, code, positions = _applied(ctx, good, registry, nodes)
        if _compiles(code.encode(module.encoding), path):
            return module, good, code, positions
    return ctx.module, [], None, {}


def _applied(ctx: FileContext, fixes: list[Fix], registry: Registry, nodes: list):
    """The fixed module, its code, and where the (original) ``nodes`` are in it.  A node the fixes rebuilt
    has no position (its rule must look at it again: e.g. an import that lost a name may now be fixable);
    a node they removed whole (e.g. an import left unused) is ``REMOVED``."""
    removed: set = set()
    module = apply.apply_fixes(ctx, fixes, registry.replaced_imports, removed)
    code, positions = code_and_positions(module, nodes)
    positions.update((node, REMOVED) for node in nodes if node in removed)
    return module, code, positions
