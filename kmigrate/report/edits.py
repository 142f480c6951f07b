"""What each fix changes on its own: the replacement text of one finding's fix (SARIF ``fixes``).

The file is analysed again in this process and each fix is applied alone to the original module, so
a replacement never depends on which other fixes were chosen.  Only files with fixable findings pay.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import libcst as cst

from kmigrate.engine import apply, pipeline, runner, source
from kmigrate.engine.rule import all_rules

_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")


@dataclasses.dataclass(frozen=True)
class Replacement:
    """Replace the text from (start_line, start_column) up to, not including, (end_line, end_column); 1-based."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str


def _advance(line: int, column: int, text: str) -> tuple[int, int]:
    newlines = text.count("\n")
    if not newlines:
        return line, column + len(text)
    return line + newlines, len(text) - text.rindex("\n")


def replacements(old: str, new: str) -> list[Replacement]:
    """The smallest line blocks that differ, each narrowed to the characters that differ."""
    import difflib

    a, b = _LINES.findall(old), _LINES.findall(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        prefix = 0
        while prefix < min(len(removed), len(added)) and removed[prefix] == added[prefix]:
            prefix += 1
        suffix = 0
        while suffix < min(len(removed), len(added)) - prefix and removed[-1 - suffix] == added[-1 - suffix]:
            suffix += 1
        start = _advance(i1 + 1, 1, removed[:prefix])
        end = _advance(i1 + 1, 1, removed[:len(removed) - suffix])
        out.append(Replacement(*start, *end, added[prefix:len(added) - suffix]))
    return out


def fix_replacements(shown: str, settings: runner.RunSettings) -> dict[tuple[str, int, int], list[Replacement]]:
    """(code, line, column) of each fixable finding in the file → the replacements its fix alone makes."""
    try:
        data = Path(shown).read_bytes()
        text = source.decode(data)
        tree = source.syntax_check(data, text, shown)
        module = cst.parse_module(data)
    except (OSError, source.Unanalysable, cst.ParserSyntaxError, RecursionError):
        return {}  # reported as it is; nothing to replace
    registry = all_rules().selected(runner.codes_for(shown, settings))
    watched, star = source.keras_import_names(tree)
    ctx, findings = pipeline.run_rules(module, text, shown, registry, watched, star, settings.rule_options)
    options = pipeline.Options(unsafe_fixes=settings.unsafe_fixes)
    fixable = [f for f in findings if options.applies(f.fix)]
    _, positions = pipeline.code_and_positions(module, [f.node for f in fixable])
    out = {}
    for finding in fixable:
        where = positions.get(finding.node)
        if where is None:
            continue
        fixed = apply.apply_fixes(ctx, [finding.fix], registry.replaced_imports)
        try:
            compile(fixed.bytes, shown, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue  # --fix would not apply it either
        out[(finding.code, where.line, where.column + 1)] = replacements(module.code, fixed.code)
    return out
