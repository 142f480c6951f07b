"""docs/rules/ is generated from the rule modules: a stale or missing page fails here
(regenerate with ``python -m kmigrate.docs``)."""

from __future__ import annotations

from pathlib import Path

from kmigrate.docs import generated_files
from kmigrate.engine.rule import all_rules
from test_cli import kmigrate

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "docs" / "rules"


def test_generated_docs_are_up_to_date():
    expected = generated_files()
    stale = [name for name, text in expected.items()
             if not (FOLDER / name).is_file() or (FOLDER / name).read_text(encoding="utf-8") != text]
    extra = sorted({p.name for p in FOLDER.glob("*.md")} - set(expected))
    assert not stale and not extra, f"stale: {stale}, not generated: {extra}; run: python -m kmigrate.docs"


def test_every_rule_has_a_page_and_an_index_entry():
    index = (FOLDER / "README.md").read_text(encoding="utf-8")
    for rule in all_rules().rules:
        assert f"[{rule.code}]({rule.code}.md)" in index


def test_explain_prints_the_same_text_as_the_page():
    for code in ("KM101", "KM301"):
        result = kmigrate("--explain", code, cwd=ROOT)
        assert result.stdout == (FOLDER / f"{code}.md").read_text(encoding="utf-8") + "\n"
