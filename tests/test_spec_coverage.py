"""Every row of spec §4.2–§4.7 has a table entry and a fixture line that shows what kmigrate does with it.

The rows are ``tests/spec/section_4_*.tsv`` (written from the spec by ``tests/spec/extract_rows.py``).
Their ``table`` column names the ``kmigrate.keras1`` entry that implements the row, as
``module.NAME`` or ``module.NAME[key]`` (a dict key, or a member of a set or sequence).  A fixture
line carries ``# spec: <row id> [<row id> ...]`` in a before (or clean) file.  On that line:

* a row whose Keras 3 spelling is the Keras 1 one (kind R, "same") gets no finding;
* any other row gets a finding, and an R, V or D row's finding has a safe fix, in a before/after
  pair whose after file builds under Keras 3 (the folder's catalogue test builds it).
"""

from __future__ import annotations

import csv
import importlib
import re
from functools import cache
from pathlib import Path

import harness
import pytest

from kmigrate.engine.rule import SAFE

SPEC = Path(__file__).parent / "spec"
TAG = re.compile(r"#.*?\bspec: ([0-9. ]+)")
KEY = re.compile(r"\[([^\]]+)\]")
#: Rows whose Keras 3 cell differs from the Keras 1 cell only by an elision or a comment.
UNCHANGED = {"4.2.85": "the Keras 3 cell elides the weights list as [...]",
             "4.2.10": "Keras 3 reads Dense(input_dim=d) as input_shape=(d,) (spec note, measured): the same model, "
                       "and Keras 3 warns about input_shape too",
             "4.2.133": "the Keras 3 cell is the preferred form; the Keras 1 one builds the same model in Keras 3 "
                        "(spec note: input_shape on the first layer still works, with a warning)",
             **{row: "K1 name still in keras.backend (spec note), same meaning: left as written" for row in (
                 "4.4.19", "4.4.40", "4.4.47", "4.4.53", "4.4.66", "4.4.112", "4.4.113")},
             "4.5.5": "Keras 3's batch_size=None is 32 for arrays (measured), Keras 1's default",
             "4.6.15": "keras.preprocessing.sequence.pad_sequences is still Keras 3's, same signature (measured)"}


def rows() -> list[dict]:
    found = []
    for path in sorted(SPEC.glob("section_4_*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            found += list(csv.DictReader(handle, delimiter="\t"))
    return found


def unchanged(row: dict) -> bool:
    keras3 = row["keras3"]
    return row["id"] in UNCHANGED or row["kind"] == "R" and (keras3 == row["keras1"] or keras3.startswith("same"))


@cache
def tagged_lines() -> dict[str, list[tuple[harness.Case, int]]]:
    """Row id → the fixture lines (case, 1-based line) tagged with it."""
    found: dict[str, list] = {}
    for case in harness.cases():
        for number, line in enumerate(case.before.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            match = TAG.search(line)
            if match:
                for row_id in match.group(1).split():
                    found.setdefault(row_id, []).append((case, number))
    return found


@cache
def findings(case: harness.Case) -> list:
    return harness.check_findings(case.before.read_bytes(), case.options())


def resolve(reference: str):
    module_name, _, rest = reference.partition(".")
    attribute = rest.split("[", 1)[0]
    value = getattr(importlib.import_module(f"kmigrate.keras1.{module_name}"), attribute)
    for key in KEY.findall(rest):
        if isinstance(value, dict):
            value = value[key]
        else:
            assert key in value, f"{key!r} is not in {reference.split('[', 1)[0]}"
    return value


ROWS = rows()


def test_the_rows_are_the_specs():
    counts = {}
    for row in ROWS:
        counts[row["id"].rsplit(".", 1)[0]] = counts.get(row["id"].rsplit(".", 1)[0], 0) + 1
    assert counts == {"4.2": 133, "4.3": 27, "4.4": 148, "4.5": 41, "4.6": 33, "4.7": 9}


def test_tags_name_real_rows():
    known = {row["id"] for row in ROWS}
    assert sorted(set(tagged_lines()) - known) == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_has_a_table_entry(row):
    assert row["table"], f"spec {row['id']} {row['keras1']}: no table entry"
    resolve(row["table"])


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_has_a_fixture(row):
    places = tagged_lines().get(row["id"])
    assert places, f"spec {row['id']} {row['keras1']}: no fixture line tagged '# spec: {row['id']}'"
    for case, line in places:
        here = [f for f in findings(case) if f.line <= line <= (f.end_line or f.line)]
        where = f"{case.id} line {line} (spec {row['id']} {row['keras1']})"
        if unchanged(row):
            assert not here, f"{where}: unchanged in Keras 3, yet {[f.code for f in here]}"
            continue
        assert here, f"{where}: no finding"
        if row["kind"] in ("R", "V", "D"):
            assert any(f.fix is not None and f.fix.applicability == SAFE for f in here), \
                f"{where}: kind {row['kind']} needs a safe fix, got {[(f.code, f.fix and f.fix.applicability) for f in here]}"
            assert case.builds, f"{where}: kind {row['kind']} needs a before/after pair whose after builds"
