"""The KM4xx/KM5xx rule reference is generated from the tables, and the committed copy is current."""

from pathlib import Path

from kmigrate import docs
from kmigrate.keras1 import layers, modules, training

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "rules" / "reference.md"


def test_every_table_row_is_in_the_reference():
    text = docs.render_reference()
    for module in [*modules.MODULES, *modules.MODULES_WITHOUT_EQUIVALENT]:
        assert f"`{module}`" in text
    for name in [*modules.NO_EQUIVALENT, *layers.CLASSES, *layers.COMMON_ARGUMENTS, *training.OPTIMIZERS]:
        assert f"`{name}`" in text, name
    for argument in layers.COMMON_ARGUMENTS.values():
        assert f"`{argument}`" in text


def test_committed_reference_is_current():
    assert REFERENCE.read_text(encoding="utf-8") == docs.render_reference(), "run python -m kmigrate.docs"


def test_the_rules_index_links_the_reference():
    assert "(reference.md)" in docs.generated_files()["README.md"]
