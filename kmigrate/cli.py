"""The ``kmigrate`` command: options → settings, exit codes, the terminal.

Start-up stays light: the engine, LibCST and the rules are imported only when a run needs them, and
TensorFlow/Keras only inside ``--verify`` and ``--prepare-legacy-env``.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import click

from kmigrate import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def _fail(message: str) -> None:
    click.echo(f"kmigrate: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _codes_option(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def resolve_codes(all_codes: list[str], select: list[str] | None, extend_select: list[str], ignore: list[str]) -> tuple[str, ...]:
    def matching(selectors: list[str]) -> set[str]:
        chosen: set[str] = set()
        for selector in selectors:
            if selector == "ALL":
                chosen.update(all_codes)
                continue
            hits = {c for c in all_codes if c.startswith(selector)}
            if not hits:
                raise click.UsageError(f"unknown rule code or prefix '{selector}' (known: {', '.join(all_codes)})")
            chosen |= hits
        return chosen

    chosen = matching(select if select is not None else ["ALL"]) | matching(extend_select)
    chosen -= matching(ignore) if ignore else set()
    return tuple(c for c in all_codes if c in chosen)


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable: reported, the rest processed
@click.option("--check", "mode", flag_value="check", default=True, help="Report findings, write nothing (default).")
@click.option("--fix", "mode", flag_value="fix", help="Apply safe fixes in place; report what is left.")
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff of what --fix would do; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="With --fix or --diff: also apply unsafe fixes.")
@click.option("--select", help="Comma-separated rule codes or prefixes (KM1, KM30, KM301) or ALL.")
@click.option("--extend-select", help="Codes or prefixes to add to the selection.")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to leave out.")
@click.option("--output-format", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="Format of the findings on stdout (github: Actions annotations; sarif: 2.1.0).")
@click.option("--statistics", is_flag=True, help="Print a count per rule code instead of the findings.")
@click.option("--show-fixes", is_flag=True, help="List the fixes: what --fix changed (or --diff would change).")
@click.option("--interactive", "-i", is_flag=True,
              help="With --fix: show each fix and its diff and ask before applying it.")
@click.option("--stdin-filename", metavar="PATH",
              help="With PATH '-': the name of the source read on stdin (configuration, messages).")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count; 1 runs in-process).")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.option("--cos-style", type=click.Choice(["dot", "legacy"]), help="How mode='cos' is rewritten (default dot).")
@click.option("--py2", is_flag=True, help="Convert Python 2 syntax first (needs the py2 extra: fissix).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Read settings from this file.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--verify", "verify_func", metavar="FUNC",
              help="With --fix/--diff on one FILE: prove the rewrite numerically before writing.")
@click.option("--against", metavar="OLD", help="With --verify: compare FILE with OLD (a path, or git:REV).")
@click.option("--prepare-legacy-env", is_flag=True, help="Create or repair the Keras 1.2.2 runtime, print its path.")
@click.option("--legacy-env", type=click.Path(), envvar="KMIGRATE_LEGACY_ENV",
              help="Where the Keras 1.2.2 runtime lives (default: the user cache folder).")
@click.option("--legacy-python", type=click.Path(), help="With --prepare-legacy-env: a CPython 3.10/3.11 to build it with.")
@click.option("--rtol", type=float, default=1e-5, show_default=True, help="Relative tolerance for --verify.")
@click.option("--atol", type=float, default=1e-6, show_default=True, help="Absolute tolerance for --verify.")
@click.option("--quiet", "-q", is_flag=True, help="Less on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="More on stderr.")
@click.version_option(__version__, "--version", prog_name="kmigrate")
def command(paths, mode, unsafe_fixes, select, extend_select, ignore, output_format, statistics, show_fixes,
            interactive, stdin_filename, jobs, explain, cos_style, py2, config_file, isolated, verify_func, against, prepare_legacy_env, legacy_env, legacy_python, rtol, atol,
            quiet, verbose):
    """Find Keras 1 code, rewrite it to Keras 3, and prove the rewrite.

    PATHS are files or folders (default: the current folder); '-' reads source on stdin and, with --fix,
    writes the fixed source to stdout and the findings to stderr.
    """
    if explain:
        _explain(explain)
        return
    from kmigrate import config as config_module

    try:
        if isolated:
            file_config = config_module.FileConfig()
        elif config_file:
            file_config = config_module.load(Path(config_file), explicit=True)
        else:
            file_config = config_module.load(config_module.find_pyproject(_config_start(paths, stdin_filename)))
    except config_module.ConfigError as exc:
        _fail(str(exc))

    if prepare_legacy_env:
        _prepare_legacy_env(legacy_env or file_config.legacy_env, legacy_python)
        return
    if unsafe_fixes is None:
        unsafe_fixes = bool(file_config.unsafe_fixes)
    if verify_func:
        if mode not in ("fix", "diff") or len(paths) != 1 or not Path(paths[0]).is_file():
            raise click.UsageError("--verify needs --fix or --diff and exactly one FILE")
    elif against:
        raise click.UsageError("--against goes with --verify")
    reading_stdin = "-" in paths
    if reading_stdin and len(paths) > 1:
        raise click.UsageError("'-' (standard input) cannot be combined with other PATHs")
    if stdin_filename and not reading_stdin:
        raise click.UsageError("--stdin-filename goes with the PATH '-' (source on standard input)")
    if interactive:
        if mode != "fix":
            raise click.UsageError("--interactive goes with --fix")
        if reading_stdin or not sys.stdin.isatty():
            raise click.UsageError("--interactive asks on a terminal: standard input must be a terminal")

    if py2:
        from kmigrate import py2 as py2_module

        if not py2_module.available():
            _fail("--py2 needs fissix, which is not installed: pip install 'kmigrate[py2]'")
    from kmigrate.engine.rule import all_rules
    from kmigrate.engine.runner import RunSettings
    from kmigrate.engine.write import allowed_roots
    from kmigrate import blindspots

    all_codes = [rule.code for rule in all_rules().rules]
    try:
        config_module.check_codes(file_config, all_codes)
    except config_module.ConfigError as exc:
        _fail(str(exc))
    codes = resolve_codes(
        all_codes,
        _codes_option(select) if select is not None else file_config.select and [c.upper() for c in file_config.select],
        (_codes_option(extend_select) or []) + [c.upper() for c in file_config.extend_select],
        (_codes_option(ignore) or []) + ([c.upper() for c in file_config.ignore] if select is None else []),
    )
    targets = list(paths) or ["."]
    settings = RunSettings(
        mode=mode,
        unsafe_fixes=unsafe_fixes,
        codes=codes,
        rule_options={"cos_style": cos_style or file_config.cos_style or "dot"},
        jobs=jobs or 0,
        excludes=tuple(file_config.exclude + file_config.extend_exclude),
        allowed_roots=allowed_roots(targets),
        py2=py2,
        per_file_ignores=config_module.per_file_patterns(file_config),
        probe=blindspots.probe,
        locate_fixed=show_fixes,
    )
    if interactive:
        from kmigrate.interactive import Reviewer

        # In this process (the prompt needs the terminal) and without the per-file time limit.
        settings.review = Reviewer(colour="NO_COLOR" not in os.environ and sys.stderr.isatty())
        settings.jobs, settings.timeout = 1, None
    if verify_func:
        from kmigrate.verify_cli import run_verify

        sys.exit(run_verify(Path(targets[0]), verify_func, against, settings,
                            legacy_env or file_config.legacy_env, rtol, atol, quiet))
    view = View(output_format, statistics, show_fixes, quiet, verbose)
    if reading_stdin:
        from kmigrate.stdin import run_stdin

        sys.exit(run_stdin(stdin_filename, settings, view))
    sys.exit(_lint(targets, settings, view))


@dataclasses.dataclass
class View:
    """How the results are shown."""

    output_format: str = "text"
    statistics: bool = False
    show_fixes: bool = False
    quiet: bool = False
    verbose: bool = False


def _config_start(paths, stdin_filename) -> Path:
    """Where the search for ``pyproject.toml`` starts: the first PATH (or the file named for stdin)."""
    if paths and paths[0] == "-":
        return Path(stdin_filename).absolute().parent if stdin_filename else Path.cwd()
    start = Path(paths[0]) if paths else Path.cwd()
    return start if start.exists() else Path.cwd()


def render_findings(result, settings, view: View, colour: bool) -> str:
    """The findings (or statistics) in the chosen format."""
    from kmigrate.report import formats

    diagnostics = result.diagnostics
    if view.statistics:
        rows = formats.statistics(diagnostics, settings.unsafe_fixes)
        if view.output_format == "json":
            import json

            return json.dumps(rows, indent=2) + "\n"
        return formats.render_statistics(rows)
    if view.output_format == "json":
        return formats.render_json(result, settings.unsafe_fixes)
    if view.output_format == "github":
        from kmigrate.report.github import render_github

        return render_github(diagnostics)
    if view.output_format == "sarif":
        from kmigrate.report.sarif import render_sarif

        return render_sarif(result, settings)
    text = formats.render_text(diagnostics, colour)
    if view.show_fixes and settings.mode == "check":  # what --fix would do with each
        lines = []
        for d in diagnostics:
            lines.append(formats.text_line(d, colour))
            if d.fix:
                lines.append(f"    fix ({d.fix['applicability']}): {d.fix['description']}")
        text = "".join(line + "\n" for line in lines)
    return text


def render_fixed(result, mode: str) -> str:
    """``--show-fixes`` in --fix/--diff: each fixed finding, where it was."""
    from kmigrate.report import formats

    fixed = sorted(result.fixed, key=lambda d: d.sort_key)
    if not fixed:
        return ""
    verb = "Would fix" if mode == "diff" else "Fixed"
    lines = [f"{verb} {len(fixed)} finding{'s' if len(fixed) != 1 else ''}:"]
    lines += [f"  {formats.text_line(d)}  ({d.fix['description']})" if d.fix else f"  {formats.text_line(d)}"
              for d in fixed]
    return "".join(line + "\n" for line in lines)


def report_summary(result, settings, view: View) -> None:
    """The summary line and, with --verbose, the informational notes (stderr)."""
    from kmigrate.engine import runner
    from kmigrate.report import formats

    if view.quiet:
        return
    if view.verbose:
        for path, note in formats.notes(result):
            click.echo(f"{path}: info: {note}", err=True)
    if settings.mode == runner.DIFF:
        would = sum(len(o.fixed) for o in result.outcomes)
        files = sum(1 for o in result.outcomes if o.diff)
        click.echo(f"Would fix {would} finding{'s' if would != 1 else ''} in {files} file{'s' if files != 1 else ''}"
                   f"; {len(result.diagnostics)} would remain.", err=True)
    else:
        click.echo(formats.summary_line(result, settings.mode, settings.unsafe_fixes), err=True)
    if view.verbose:
        analysed = sum(1 for o in result.outcomes if o.analysed)
        click.echo(f"{result.files_seen} files seen, {analysed} analysed with LibCST.", err=True)


def exit_code(result, mode: str) -> int:
    from kmigrate.engine import runner

    if result.interrupted:
        return EXIT_INTERRUPTED
    if result.errors:
        return EXIT_ERROR
    if mode == runner.DIFF:
        return EXIT_FINDINGS if result.diagnostics or any(o.diff for o in result.outcomes) else EXIT_CLEAN
    return EXIT_FINDINGS if result.diagnostics else EXIT_CLEAN


def _lint(targets, settings, view: View) -> int:
    from kmigrate.engine import runner

    for target in targets:
        if not os.path.lexists(target):
            click.echo(f"kmigrate: error: {target}: no such file or folder", err=True)
            return EXIT_ERROR
    progress = Progress() if Progress.wanted(view.quiet) and settings.review is None else None
    result = runner.run(targets, settings, progress)
    if progress:
        progress.clear()
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    if settings.mode == runner.DIFF:
        for outcome in sorted(result.outcomes, key=lambda o: o.path):
            if outcome.diff:
                click.echo(outcome.diff, nl=False)
        if view.show_fixes:
            click.echo(render_fixed(result, settings.mode), nl=False, err=True)
    else:
        click.echo(render_findings(result, settings, view, colour), nl=False)
        if view.show_fixes and settings.mode == runner.FIX:
            click.echo(render_fixed(result, settings.mode), nl=False)
    for error in result.errors:
        click.echo(f"kmigrate: error: {error}", err=True)
    report_summary(result, settings, view)
    if result.interrupted:
        click.echo("kmigrate: interrupted; every file is either original or completely rewritten.", err=True)
    return exit_code(result, settings.mode)


class Progress:
    """Files done / total and findings so far, redrawn on one stderr line at most ten times a second."""

    #: Fewer candidate files than this finish before a bar would help.
    THRESHOLD = 200

    def __init__(self):
        import time

        self.clock = time.monotonic
        self.last = 0.0
        self.findings = 0
        self.shown = False

    @staticmethod
    def wanted(quiet: bool) -> bool:
        """Only for a person watching: stderr is a terminal, not CI, not --quiet."""
        return (not quiet and sys.stderr.isatty() and not os.environ.get("CI")
                and os.environ.get("TERM") != "dumb")

    def __call__(self, done: int, total: int, outcome=None) -> None:
        if outcome is not None:
            self.findings += len(outcome.diagnostics) + len(outcome.fixed)
        if total <= self.THRESHOLD:
            return
        now = self.clock()
        if done != total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total} files, {self.findings} finding{'s' if self.findings != 1 else ''}",
                   nl=False, err=True)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)


def _explain(code: str) -> None:
    from kmigrate.engine.rule import all_rules
    from kmigrate.docs import render_rule

    rule = all_rules().by_code.get(code.upper())
    if rule is None:
        _fail(f"unknown rule code '{code}'")
    click.echo(render_rule(rule))


def _prepare_legacy_env(path: str | None, python: str | None) -> None:
    from kmigrate.verify import legacy_env

    target = Path(path) if path else legacy_env.default_legacy_env_path()
    try:
        click.echo(str(legacy_env.prepare_legacy_env(target, python)))
    except legacy_env.LegacyEnvError as exc:
        _fail(str(exc))


def main() -> None:
    try:
        command(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - a signal outside the run loop
        sys.exit(EXIT_INTERRUPTED)
