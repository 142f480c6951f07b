"""``--output-format github``: GitHub Actions workflow commands, one annotation per finding."""

from __future__ import annotations

from collections.abc import Sequence

from kmigrate.engine.runner import Diagnostic
from kmigrate.report.formats import MARKS, level


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    mark = MARKS.get(d.fix["applicability"]) if d.fix else None
    properties = ",".join([
        f"file={_property(d.path)}", f"line={d.line}", f"col={d.column}", f"endLine={d.end_line}",
        f"endColumn={d.end_column}", f"title={_property(d.code)}",
    ])
    message = f"{d.code} {mark} {d.message}" if mark else f"{d.code} {d.message}"
    return f"::{level(d)} {properties}::{_data(message)}"


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(annotation(d) + "\n" for d in diagnostics)
