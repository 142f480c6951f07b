"""Write the rows of spec §4.2–§4.7 (``keras1-to-keras3.md``) to ``tests/spec/section_4_N.tsv``.

Usage: ``python tests/spec/extract_rows.py ../shared/docs/keras1-to-keras3.md``.  Each row keeps the
spec's Keras 1 spelling, Keras 3 spelling and kind; the ``table`` column (which ``kmigrate.keras1``
entry implements the row) is kept from the existing file, matched by the Keras 1 spelling.
"""

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
SECTIONS = ("4.2", "4.3", "4.4", "4.5", "4.6", "4.7")
FIELDS = ("id", "kind", "keras1", "keras3", "table")


def cells(line: str) -> list[str]:
    # Split on unescaped pipes: the spec writes "\|" inside notes.
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def rows_by_section(text: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    section = None
    for line in text.splitlines():
        heading = re.match(r"#+ §(\d\.\d+)", line)
        if heading:
            section = heading.group(1) if heading.group(1) in SECTIONS else None
            continue
        if section is None or not line.startswith("|"):
            continue
        parts = cells(line)
        if parts[0] in ("Layer", "Keras 1 spelling") or set(parts[0]) <= {"-"}:
            continue
        if section == "4.2":
            parts = parts[1:]  # the Layer column
        rows = found.setdefault(section, [])
        rows.append({"id": f"{section}.{len(rows) + 1}", "keras1": parts[0], "keras3": parts[1],
                     "kind": parts[2], "table": ""})
    return found


def main(spec: str) -> None:
    for section, rows in rows_by_section(Path(spec).read_text(encoding="utf-8")).items():
        path = HERE / f"section_{section.replace('.', '_')}.tsv"
        kept = {}
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                kept = {r["keras1"]: r["table"] for r in csv.DictReader(handle, delimiter="\t")}
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, FIELDS, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "table": kept.get(row["keras1"], "")})
        print(f"{path.name}: {len(rows)} rows")


if __name__ == "__main__":
    main(sys.argv[1])
