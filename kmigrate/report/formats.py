"""Output formats: ``text`` (one finding per line) and ``json`` (validated by ``schema.json``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from kmigrate import __version__
from kmigrate.engine.rule import DOCS_URL
from kmigrate.engine.runner import Diagnostic, RunResult

MARKS = {"safe": "[*]", "unsafe": "[!]"}


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
    }


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
