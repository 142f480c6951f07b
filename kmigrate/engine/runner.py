"""A run over many files: discovery, a process pool (largest files first), writes, and interrupts."""

from __future__ import annotations

import dataclasses
import difflib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kmigrate.engine import pipeline
from kmigrate.engine.discover import Candidate, discover
from kmigrate.engine.rule import Finding, all_rules
from kmigrate.engine.write import WriteError, atomic_write

CHECK, FIX, DIFF = "check", "fix", "diff"
#: Below this many candidate files a pool costs more than it saves.
POOL_THRESHOLD = 16


@dataclasses.dataclass
class Diagnostic:
    """A finding as plain data (crosses process boundaries, feeds the reports)."""

    code: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: dict | None  # {"applicability": ..., "description": ...}

    @classmethod
    def from_finding(cls, finding: Finding, path: str) -> Diagnostic:
        fix = None
        if finding.fix is not None:
            fix = {"applicability": finding.fix.applicability, "description": finding.fix.description}
        return cls(finding.code, finding.message, path, finding.line, finding.column, finding.end_line,
                   finding.end_column, fix)

    @property
    def sort_key(self):
        return (self.path, self.line, self.column, self.code)


@dataclasses.dataclass
class FileOutcome:
    path: str
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)
    fixed: list[Diagnostic] = dataclasses.field(default_factory=list)
    diff: str | None = None
    error: str | None = None  # cannot read or write: exit 2
    analysed: bool = False


@dataclasses.dataclass
class RunSettings:
    mode: str = CHECK
    unsafe_fixes: bool = False
    codes: tuple[str, ...] = ()  # the selected rule codes
    rule_options: dict = dataclasses.field(default_factory=dict)
    jobs: int = 0
    excludes: tuple[str, ...] = ()
    allowed_roots: tuple[Path, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclasses.dataclass
class RunResult:
    outcomes: list[FileOutcome]
    interrupted: bool = False
    files_seen: int = 0

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted((d for o in self.outcomes for d in o.diagnostics), key=lambda d: d.sort_key)

    @property
    def fixed(self) -> list[Diagnostic]:
        return [d for o in self.outcomes for d in o.fixed]

    @property
    def errors(self) -> list[str]:
        return [o.error for o in self.outcomes if o.error]


def display_path(path: Path) -> str:
    """Paths relative to the working folder when below it (design.md §1)."""
    if not path.is_absolute():
        return os.path.normpath(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_settings: RunSettings | None = None


def _init_worker(settings: RunSettings) -> None:
    global _settings
    _settings = settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Ending a worker must unwind (so a half-done temporary file is removed), not kill it outright.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))


def _codes_for(path: str, settings: RunSettings) -> tuple[str, ...]:
    import fnmatch

    codes = settings.codes
    for pattern, ignored in settings.per_file_ignores:
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(Path(path).as_posix(), pattern):
            codes = tuple(c for c in codes if not any(c.startswith(i) for i in ignored))
    return codes


def process_file(candidate: Candidate, settings: RunSettings) -> FileOutcome:
    shown = display_path(candidate.path)
    outcome = FileOutcome(shown)
    try:
        data = candidate.path.read_bytes()
    except OSError as exc:
        outcome.error = f"{shown}: cannot read: {exc.strerror or exc}"
        return outcome
    codes = _codes_for(shown, settings)
    registry = all_rules().selected(codes)
    options = pipeline.Options(fix=settings.mode in (FIX, DIFF), unsafe_fixes=settings.unsafe_fixes,
                               rule_options=settings.rule_options)
    result = pipeline.analyse(data, shown, registry, options, explicit=candidate.explicit)
    if result is None:
        return outcome
    outcome.analysed = result.analysed
    outcome.diagnostics = [Diagnostic.from_finding(f, shown) for f in result.findings
                           if f.code in codes or f.code == pipeline.UNANALYSABLE and _km001_selected(codes)]
    outcome.fixed = [Diagnostic.from_finding(f, shown) for f in result.fixed]
    if result.new_data is not None:
        if settings.mode == DIFF:
            outcome.diff = unified_diff(data, result.new_data, shown)
        elif settings.mode == FIX:
            try:
                atomic_write(candidate.path, result.new_data, settings.allowed_roots)
            except WriteError as exc:
                outcome.error = str(exc)
                outcome.diagnostics.extend(outcome.fixed)
                outcome.diagnostics.sort(key=lambda d: d.sort_key)
                outcome.fixed = []
    return outcome


def _km001_selected(codes: Sequence[str]) -> bool:
    return pipeline.UNANALYSABLE in codes


def unified_diff(old: bytes, new: bytes, path: str) -> str:
    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)

    out = []
    for line in difflib.unified_diff(lines(old), lines(new), path, path):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _pool_task(candidate: Candidate) -> FileOutcome:
    return process_file(candidate, _settings)


def run(paths: Sequence[str], settings: RunSettings, progress: Callable[[int, int], None] | None = None) -> RunResult:
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return _run(paths, settings, progress)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(paths, settings, progress) -> RunResult:
    candidates = list(discover(paths, settings.excludes))
    result = RunResult([], files_seen=len(candidates))
    jobs = settings.jobs or os.cpu_count() or 1
    if jobs == 1 or len(candidates) < POOL_THRESHOLD:
        try:
            for index, candidate in enumerate(candidates):
                result.outcomes.append(process_file(candidate, settings))
                if progress:
                    progress(index + 1, len(candidates))
        except KeyboardInterrupt:
            result.interrupted = True
        return result

    def size(c: Candidate) -> int:
        try:
            return c.path.stat().st_size
        except OSError:
            return 0

    candidates.sort(key=size, reverse=True)
    all_rules()  # import the rules once, before forking
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = context.Pool(jobs, initializer=_init_worker, initargs=(settings,))
    try:
        chunk = max(1, min(8, len(candidates) // (jobs * 16)))
        for index, outcome in enumerate(pool.imap_unordered(_pool_task, candidates, chunksize=chunk)):
            result.outcomes.append(outcome)
            if progress:
                progress(index + 1, len(candidates))
        pool.close()
    except KeyboardInterrupt:
        result.interrupted = True
        pool.terminate()
    finally:
        pool.join()
    return result


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
