"""``--output-format sarif``: SARIF 2.1.0, one run, read by code-scanning services and SARIF viewers.

The run lists the selected rules (short and full descriptions, help URI and text); each finding is a
result with its region and, when ``--fix`` (with these options) would apply its fix, a ``fixes`` entry
holding the replacements that fix makes on its own (``report/edits.py``).
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from urllib.parse import quote

from kmigrate import __version__
from kmigrate.engine.rule import DOCS_URL, all_rules
from kmigrate.engine.runner import RunResult, RunSettings
from kmigrate.report.formats import level

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kmigrate/kmigrate"
BASE = "%SRCROOT%"


def _location(path: str) -> dict:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(path).as_posix()), "uriBaseId": BASE}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _rule(rule) -> dict:
    from kmigrate.docs import render_rule

    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary.replace("`", "")},
        "fullDescription": {"text": inspect.cleandoc(rule.doc)},
        "helpUri": DOCS_URL.format(code=rule.code),
        "help": {"text": f"{rule.summary}\n\n{DOCS_URL.format(code=rule.code)}", "markdown": render_rule(rule)},
        "defaultConfiguration": {"level": "warning" if rule.code == "KM001" else "error"},
    }


def render_sarif(result: RunResult, settings: RunSettings) -> str:
    from kmigrate.report.edits import fix_replacements

    registry = all_rules()
    diagnostics = result.diagnostics
    codes = list(dict.fromkeys([*settings.codes, *sorted({d.code for d in diagnostics})]))
    rules = [registry.by_code[c] for c in codes if c in registry.by_code]
    index = {rule.code: i for i, rule in enumerate(rules)}
    replacements_by_path: dict[str, dict] = {}
    results = []
    for d in diagnostics:
        entry = {
            "ruleId": d.code,
            "level": level(d),
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": _location(d.path),
                "region": _region(d.line, d.column, d.end_line, d.end_column),
            }}],
        }
        if d.code in index:
            entry["ruleIndex"] = index[d.code]
        if d.fix:
            entry["properties"] = {"fix": d.fix}
            if d.fix["applicability"] == "safe" or settings.unsafe_fixes:
                if d.path not in replacements_by_path:
                    replacements_by_path[d.path] = fix_replacements(d.path, settings)
                changes = replacements_by_path[d.path].get((d.code, d.line, d.column))
                if changes:
                    entry["fixes"] = [{
                        "description": {"text": f"{d.fix['description']} ({d.fix['applicability']} fix)"},
                        "artifactChanges": [{
                            "artifactLocation": _location(d.path),
                            "replacements": [{
                                "deletedRegion": _region(r.start_line, r.start_column, r.end_line, r.end_column),
                                "insertedContent": {"text": r.text},
                            } for r in changes],
                        }],
                    }]
        results.append(entry)
    run = {
        "tool": {"driver": {
            "name": "kmigrate",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_rule(rule) for rule in rules],
        }},
        "originalUriBaseIds": {BASE: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": not result.errors and not result.interrupted,
            "toolExecutionNotifications": [{"level": "error", "message": {"text": e}} for e in result.errors],
        }],
        "results": results,
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
