"""A run over many files: discovery, a process pool (largest files first), writes, and interrupts."""

from __future__ import annotations

import dataclasses
import difflib
import os
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from kmigrate.engine import isolate, pipeline
from kmigrate.engine.discover import Candidate, discover
from kmigrate.engine.rule import Finding, all_rules
from kmigrate.engine.write import WriteError, atomic_write

CHECK, FIX, DIFF = "check", "fix", "diff"
#: From this many candidate files on, analysis runs in worker processes: a worker costs 3-5 ms to start,
#: and only a worker protects the run from a file that crashes or hangs the parser.
POOL_THRESHOLD = 1


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
    new_data: bytes | None = None  # the fixed file, on its way from a worker to the write
    note: str | None = None  # informational (RunSettings.probe), e.g. Keras code no rule could see


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
    py2: bool = False  # convert Python 2 syntax first (kmigrate.py2)
    timeout: float | None = 60.0  # seconds per file (plus 1 s per 10 KB) before it is given up as KM001
    review: Callable | None = None  # pipeline.Options.review (--interactive: in-process only)
    probe: Callable | None = None  # pipeline.Options.probe (a module-level function: it goes to the workers)
    locate_fixed: bool = False  # pipeline.Options.locate_fixed (--show-fixes)


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


def codes_for(path: str, settings: RunSettings) -> tuple[str, ...]:
    import fnmatch

    codes = settings.codes
    posix = Path(path).as_posix()
    # A pattern matches the path as shown, the absolute path (patterns anchored at a configuration
    # file's folder), or, without a '/', the file name (as in ruff).
    candidates = (path, posix, Path(os.path.abspath(path)).as_posix())
    for pattern, ignored in settings.per_file_ignores:
        names = candidates if "/" in pattern else (*candidates, Path(path).name)
        if any(fnmatch.fnmatch(name, pattern) for name in names):
            codes = tuple(c for c in codes if not any(c.startswith(i) for i in ignored))
    return codes


def analyse_file(candidate: Candidate, settings: RunSettings) -> FileOutcome:
    """Read and analyse one file; in FIX mode the outcome carries the new bytes, which :func:`commit` writes.

    Runs in a worker process: it never writes, so a worker can be killed at any moment.
    """
    shown = display_path(candidate.path)
    outcome = FileOutcome(shown)
    if candidate.error:
        outcome.error = f"{shown}: {candidate.error}"
        return outcome
    try:
        data = candidate.path.read_bytes()
    except OSError as exc:
        outcome.error = f"{shown}: cannot read: {exc.strerror or exc}"
        return outcome
    return analyse_data(data, shown, settings, candidate.explicit)


def analyse_data(data: bytes, shown: str, settings: RunSettings, explicit: bool = True) -> FileOutcome:
    """Analyse source bytes named ``shown`` (a file's contents, or standard input)."""
    outcome = FileOutcome(shown)
    codes = codes_for(shown, settings)
    registry = all_rules().selected(codes)
    options = pipeline.Options(fix=settings.mode in (FIX, DIFF), unsafe_fixes=settings.unsafe_fixes,
                               rule_options=settings.rule_options, py2=settings.py2, review=settings.review,
                               probe=settings.probe, locate_fixed=settings.locate_fixed)
    result = pipeline.analyse(data, shown, registry, options, explicit=explicit)
    if result is None:
        return outcome
    outcome.analysed = result.analysed
    outcome.note = result.note
    outcome.diagnostics = [Diagnostic.from_finding(f, shown) for f in result.findings
                           if f.code in codes or f.code == pipeline.UNANALYSABLE and _km001_selected(codes)]
    outcome.fixed = [Diagnostic.from_finding(f, shown) for f in result.fixed]
    if result.new_data is not None:
        if settings.mode == DIFF:
            outcome.diff = unified_diff(data, result.new_data, shown)
        elif settings.mode == FIX:
            outcome.new_data = result.new_data
    return outcome


def commit(candidate: Candidate, outcome: FileOutcome, settings: RunSettings) -> None:
    """Write a fixed file (in the parent process; a write is atomic and not interrupted by signals)."""
    if outcome.new_data is None:
        return
    data, outcome.new_data = outcome.new_data, None
    try:
        atomic_write(candidate.path, data, settings.allowed_roots)
    except WriteError as exc:
        outcome.error = str(exc)
        # Nothing was fixed: report what the file still holds, at its positions in the file as it is.
        try:
            outcome.diagnostics = analyse_file(candidate, dataclasses.replace(settings, mode=CHECK)).diagnostics
        except Exception:  # the file changed or vanished meanwhile: the findings without their positions
            outcome.diagnostics = sorted(outcome.diagnostics + outcome.fixed, key=lambda d: d.sort_key)
        outcome.fixed = []


def failed_outcome(candidate: Candidate, failure: isolate.Failed, settings: RunSettings) -> FileOutcome:
    """What a file whose analysis timed out, crashed its worker or raised becomes."""
    shown = display_path(candidate.path)
    outcome = FileOutcome(shown)
    if failure.kind == isolate.ERROR:
        first = failure.detail.split("\n", 1)[0]
        outcome.error = f"{shown}: internal error while analysing this file ({first}); please report it"
        return outcome
    if failure.kind == isolate.TIMEOUT:
        message = f"parser time-out: analysing this file took longer than {failure.detail}; it was skipped"
    else:
        message = f"the parser crashed on this file ({failure.detail}); it was skipped"
    if _km001_selected(codes_for(shown, settings)):
        outcome.diagnostics.append(Diagnostic(pipeline.UNANALYSABLE, message, shown, 1, 1, 1, 1, None))
    return outcome


def time_limit(candidate: Candidate, settings: RunSettings) -> float | None:
    """The time one file may take: a base, and more for big files (LibCST parses some 10-100 KB/s)."""
    if not settings.timeout:
        return None
    try:
        size = candidate.path.stat().st_size
    except OSError:
        size = 0
    return settings.timeout + size / 10_000


def process_file(candidate: Candidate, settings: RunSettings) -> FileOutcome:
    """Analyse one file in this process (with the time limit) and write it."""
    seconds = time_limit(candidate, settings)
    try:
        with isolate.time_limit(seconds):
            outcome = analyse_file(candidate, settings)
    except isolate.TaskTimeout:
        return failed_outcome(candidate, isolate.Failed(isolate.TIMEOUT, f"{seconds:.0f} s"), settings)
    except Exception as exc:  # a bug in kmigrate: one clear line, the run goes on
        return failed_outcome(candidate, isolate.Failed(isolate.ERROR, isolate.describe(exc)), settings)
    commit(candidate, outcome, settings)
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


_settings: RunSettings | None = None


def _init_worker(settings: RunSettings) -> None:
    global _settings
    _settings = settings


def _pool_task(candidate: Candidate) -> FileOutcome:
    return analyse_file(candidate, _settings)


def _pool_limit(candidate: Candidate) -> float | None:
    return time_limit(candidate, _settings)


def run(paths: Sequence[str], settings: RunSettings,
        progress: Callable[[int, int, FileOutcome], None] | None = None) -> RunResult:
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return _run(paths, settings, progress)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(paths, settings, progress) -> RunResult:
    result = RunResult([])
    try:
        candidates = list(discover(paths, settings.excludes))
    except KeyboardInterrupt:
        result.interrupted = True
        return result
    result.files_seen = len(candidates)
    jobs = settings.jobs or os.cpu_count() or 1
    if jobs == 1 or len(candidates) < POOL_THRESHOLD:
        try:
            for index, candidate in enumerate(candidates):
                result.outcomes.append(process_file(candidate, settings))
                if progress:
                    progress(index + 1, len(candidates), result.outcomes[-1])
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
    _init_worker(settings)  # the parent needs the limits too
    pool = isolate.WorkerPool(jobs, _pool_task, _pool_limit, _init_worker, (settings,))
    try:
        chunk = max(1, min(8, len(candidates) // (jobs * 16)))
        for index, (candidate, outcome) in enumerate(pool.imap_unordered(candidates, chunksize=chunk)):
            if isinstance(outcome, isolate.Failed):
                outcome = failed_outcome(candidate, outcome, settings)
            else:
                commit(candidate, outcome, settings)
            result.outcomes.append(outcome)
            if progress:
                progress(index + 1, len(candidates), outcome)
        pool.close()
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        pool.terminate()
    return result


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
