"""Shared machinery for fixture tests.

A fixture is ``tests/fixtures/<folder>/<case>.before.py`` with its expected ``<case>.after.py``; a
``<case>.clean.py`` must come out byte-identical.  The first line of a before file may carry
``# kmigrate: <command-line options>`` (e.g. ``--unsafe-fixes``, ``--cos-style legacy``).  An after
file that builds a model is executed under Keras 3 (``tests/keras3_build.py``): it defines
``build_model()`` or builds its models at module level; ``# kmigrate-fixture: no-build`` on any line
opts a snippet out.
"""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path

from click.testing import CliRunner

from kmigrate.cli import command
from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

FIXTURES = Path(__file__).parent / "fixtures"


@dataclasses.dataclass(frozen=True)
class Case:
    folder: str
    name: str
    before: Path
    after: Path | None  # None for a negative (clean) fixture

    @property
    def id(self) -> str:
        return f"{self.folder}/{self.name}"

    def options(self) -> list[str]:
        first = self.before.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        if first.startswith("# kmigrate:"):
            return shlex.split(first[len("# kmigrate:"):])
        return []

    @property
    def builds(self) -> bool:
        return self.after is not None and "kmigrate-fixture: no-build" not in self.after.read_text(encoding="utf-8", errors="replace")


def cases(folder: str | None = None) -> list[Case]:
    found = []
    for before in sorted(FIXTURES.glob(f"{folder or '*'}/*.py")):
        if before.name.endswith(".before.py"):
            name = before.name[: -len(".before.py")]
            found.append(Case(before.parent.name, name, before, before.with_name(f"{name}.after.py")))
        elif before.name.endswith(".clean.py"):
            found.append(Case(before.parent.name, before.name[: -len(".clean.py")], before, None))
    return found


def fix_bytes(data: bytes, options: list[str], path: str = "case.py") -> tuple[bytes, list]:
    """What ``kmigrate --fix <options>`` makes of ``data`` (in-process, all rules), and what remains."""
    unsafe = "--unsafe-fixes" in options
    cos_style = options[options.index("--cos-style") + 1] if "--cos-style" in options else "dot"
    registry = all_rules()
    result = pipeline.analyse(data, path, registry, pipeline.Options(fix=True, unsafe_fixes=unsafe,
                                                                      rule_options={"cos_style": cos_style}),
                              explicit=True)
    return (result.new_data if result.new_data is not None else data), result.findings


def check_findings(data: bytes, options: list[str] | None = None, path: str = "case.py") -> list:
    cos_style = "dot"
    if options and "--cos-style" in options:
        cos_style = options[options.index("--cos-style") + 1]
    result = pipeline.analyse(data, path, all_rules(), pipeline.Options(rule_options={"cos_style": cos_style}),
                              explicit=True)
    return result.findings if result else []


def run_cli(args: list[str], cwd: Path | None = None, input: str | None = None):
    """The real click command in-process (exit code, stdout, stderr)."""
    runner = CliRunner()
    result = runner.invoke(command, args, input=input, catch_exceptions=False)
    return result


def assert_case(case: Case) -> None:
    """The before file fixes to the after file; the after compiles; a second fix changes nothing."""
    options = case.options()
    before = case.before.read_bytes()
    fixed, remaining = fix_bytes(before, options)
    if case.after is None:
        assert fixed == before, f"{case.id}: a clean fixture was changed"
        return
    expected = case.after.read_bytes()
    assert fixed.decode("utf-8", "replace") == expected.decode("utf-8", "replace"), f"{case.id}: unexpected rewrite"
    assert fixed == expected
    compile(fixed, str(case.after), "exec")
    again, still = fix_bytes(fixed, options)
    assert again == fixed, f"{case.id}: a second --fix changed the file"
    unsafe = "--unsafe-fixes" in options
    assert not [f for f in still if f.fix is not None and (f.fix.applicability == "safe" or unsafe)], \
        f"{case.id}: fixable findings remain after --fix"
