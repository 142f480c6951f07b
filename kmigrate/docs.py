"""Rule documentation: one source for ``--explain`` and the generated ``docs/rules/``."""

from __future__ import annotations

import inspect
from pathlib import Path

from kmigrate.engine.rule import Rule, all_rules


def render_rule(rule: Rule) -> str:
    return f"# {rule.code} {rule.name}\n\n{rule.summary}\n\n{inspect.cleandoc(rule.doc)}\n"


def render_index(rules: list[Rule]) -> str:
    lines = ["# kmigrate rules", "", "Generated from the rule modules (`python -m kmigrate.docs`).", "",
             "| code | name | what |", "| --- | --- | --- |"]
    for rule in rules:
        lines.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.summary} |")
    return "\n".join(lines) + "\n"


def generated_files() -> dict[str, str]:
    """File name under ``docs/rules/`` → content."""
    rules = all_rules().rules
    files = {f"{rule.code}.md": render_rule(rule) for rule in rules}
    files["README.md"] = render_index(rules)
    return files


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("KM*.md"):
        if stale.name not in generated_files():
            stale.unlink()
    for name, content in generated_files().items():
        (folder / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent / "docs" / "rules")
