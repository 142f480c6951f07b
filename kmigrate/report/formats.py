"""Output formats: ``text`` (one finding per line) and ``json`` (validated by ``schema.json``); the summary
line and ``--statistics``.  ``github`` and ``sarif`` have their own modules."""

from __future__ import annotations

import json
from collections.abc import Sequence

from kmigrate import __version__
from kmigrate.engine.rule import DOCS_URL
from kmigrate.engine.runner import Diagnostic, RunResult

MARKS = {"safe": "[*]", "unsafe": "[!]"}
UNANALYSABLE = "KM001"


def level(d: Diagnostic) -> str:
    """``error``: code Keras 3 does not run or runs differently; ``warning``: a file kmigrate could not analyse."""
    return "warning" if d.code == UNANALYSABLE else "error"


def _colour(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def text_line(d: Diagnostic, colour: bool = False) -> str:
    mark = MARKS.get(d.fix["applicability"]) if d.fix else None
    location = _colour(f"{d.path}:{d.line}:{d.column}:", "1", colour)
    code = _colour(d.code, "31;1", colour)
    return f"{location} {code} {mark + ' ' if mark else ''}{d.message}"


def render_text(diagnostics: Sequence[Diagnostic], colour: bool = False) -> str:
    return "".join(text_line(d, colour) + "\n" for d in diagnostics)


def summary_counts(result: RunResult, unsafe_enabled: bool) -> dict:
    diagnostics = result.diagnostics
    safe = sum(1 for d in diagnostics if d.fix and d.fix["applicability"] == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix["applicability"] == "unsafe")
    return {
        "findings": len(diagnostics),
        "files_with_findings": len({d.path for d in diagnostics}),
        "fixable": safe + (unsafe if unsafe_enabled else 0),
        "unsafe_fixable": 0 if unsafe_enabled else unsafe,
        "fixed": len(result.fixed),
        "files_fixed": len({d.path for d in result.fixed}),
        "files_seen": result.files_seen,
        "errors": len(result.errors),
        "unanalysed": len(notes(result)),
    }


def notes(result: RunResult) -> list[tuple[str, str]]:
    """(path, note) of the files whose Keras 1 code no rule could see (RunSettings.probe)."""
    return sorted((o.path, o.note) for o in result.outcomes if o.note)


def statistics(diagnostics: Sequence[Diagnostic], unsafe_enabled: bool) -> list[dict]:
    """``--statistics``: one row per code, most frequent first."""
    from kmigrate.engine.rule import all_rules

    rows: dict[str, dict] = {}
    for d in diagnostics:
        rule = all_rules().by_code.get(d.code)
        row = rows.setdefault(d.code, {"code": d.code, "name": rule.name if rule else "", "count": 0, "fixable": 0,
                                       "unsafe_fixable": 0})
        row["count"] += 1
        if d.fix and (d.fix["applicability"] == "safe" or unsafe_enabled):
            row["fixable"] += 1
        elif d.fix:
            row["unsafe_fixable"] += 1
    return sorted(rows.values(), key=lambda r: (-r["count"], r["code"]))


def render_statistics(rows: list[dict]) -> str:
    width = max((len(str(r["count"])) for r in rows), default=1)
    out = []
    for r in rows:
        fixable = []
        if r["fixable"]:
            fixable.append(f"{r['fixable']} fixable")
        if r["unsafe_fixable"]:
            fixable.append(f"{r['unsafe_fixable']} with --unsafe-fixes")
        mark = "[*]" if r["fixable"] == r["count"] else "[!]" if r["fixable"] + r["unsafe_fixable"] else "   "
        line = f"{r['count']:>{width}}  {r['code']}  {mark}  {r['name']}"
        out.append(line + (f"  ({', '.join(fixable)})" if fixable else ""))
    return "".join(line + "\n" for line in out)


def render_json(result: RunResult, unsafe_enabled: bool) -> str:
    findings = [
        {
            "code": d.code,
            "message": d.message,
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "end_line": d.end_line,
            "end_column": d.end_column,
            "fix": d.fix,
            "url": DOCS_URL.format(code=d.code),
        }
        for d in result.diagnostics
    ]
    document = {"version": __version__, "findings": findings, "summary": summary_counts(result, unsafe_enabled)}
    return json.dumps(document, indent=2) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: RunResult, mode: str, unsafe_enabled: bool) -> str:
    line = _summary(result, mode, unsafe_enabled)
    unseen = len(notes(result))
    if unseen:
        line += (f" {_plural(unseen, 'file')} use{'s' if unseen == 1 else ''} Keras 1 APIs that kmigrate did not "
                 f"analyse (--verbose says where).")
    return line


def _summary(result: RunResult, mode: str, unsafe_enabled: bool) -> str:
    counts = summary_counts(result, unsafe_enabled)
    if mode == "fix":
        if counts["fixed"]:
            return (f"Fixed {_plural(counts['fixed'], 'finding')} in {_plural(counts['files_fixed'], 'file')}; "
                    f"{counts['findings']} remain.")
        if not counts["findings"]:
            return "No findings." if result.files_seen else "No Python files found."
    if not counts["findings"]:
        return "All checks passed." if result.files_seen else "No Python files found."
    line = f"Found {_plural(counts['findings'], 'finding')} in {_plural(counts['files_with_findings'], 'file')}"
    extra = []
    if counts["fixable"]:
        extra.append(f"{counts['fixable']} fixable with --fix")
    if counts["unsafe_fixable"]:
        extra.append(f"{counts['unsafe_fixable']} more with --unsafe-fixes")
    return line + (f" ({', '.join(extra)})" if extra else "") + "."
