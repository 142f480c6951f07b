"""The ``kmigrate`` command: options → settings, exit codes, the terminal.

Start-up stays light: the engine, LibCST and the rules are imported only when a run needs them, and
TensorFlow/Keras only inside ``--verify`` and ``--prepare-legacy-env``.
"""

from __future__ import annotations

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
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", "mode", flag_value="check", default=True, help="Report findings, write nothing (default).")
@click.option("--fix", "mode", flag_value="fix", help="Apply safe fixes in place; report what is left.")
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff of what --fix would do; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="With --fix or --diff: also apply unsafe fixes.")
@click.option("--select", help="Comma-separated rule codes or prefixes (KM1, KM30, KM301) or ALL.")
@click.option("--extend-select", help="Codes or prefixes to add to the selection.")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to leave out.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format of the findings on stdout.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count; 1 runs in-process).")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.option("--cos-style", type=click.Choice(["dot", "legacy"]), help="How mode='cos' is rewritten (default dot).")
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
def command(paths, mode, unsafe_fixes, select, extend_select, ignore, output_format, jobs, explain, cos_style,
            config_file, isolated, verify_func, against, prepare_legacy_env, legacy_env, legacy_python, rtol, atol,
            quiet, verbose):
    """Find Keras 1 code, rewrite it to Keras 3, and prove the rewrite.

    PATHS are files or folders (default: the current folder).
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
            start = Path(paths[0]) if paths else Path.cwd()
            file_config = config_module.load(config_module.find_pyproject(start if start.exists() else Path.cwd()))
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

    from kmigrate.engine.rule import all_rules
    from kmigrate.engine.runner import RunSettings

    all_codes = [rule.code for rule in all_rules().rules]
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
        allowed_roots=tuple(Path(os.path.realpath(p)) for p in targets),
        per_file_ignores=tuple((p, tuple(c.upper() for c in cs)) for p, cs in file_config.per_file_ignores.items()),
    )
    if verify_func:
        from kmigrate.verify_cli import run_verify

        sys.exit(run_verify(Path(targets[0]), verify_func, against, settings,
                            legacy_env or file_config.legacy_env, rtol, atol, quiet))
    sys.exit(_lint(targets, settings, output_format, quiet, verbose))


def _lint(targets, settings, output_format, quiet, verbose) -> int:
    from kmigrate.engine import runner
    from kmigrate.report import formats

    for target in targets:
        if not os.path.lexists(target):
            click.echo(f"kmigrate: error: {target}: no such file or folder", err=True)
            return EXIT_ERROR
    progress = _progress_bar() if sys.stderr.isatty() and not quiet else None
    result = runner.run(targets, settings, progress)
    if progress:
        click.echo("\r\x1b[K", nl=False, err=True)
    diagnostics = result.diagnostics
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    if settings.mode == runner.DIFF:
        for outcome in sorted(result.outcomes, key=lambda o: o.path):
            if outcome.diff:
                click.echo(outcome.diff, nl=False)
    elif output_format == "json":
        click.echo(formats.render_json(result, settings.unsafe_fixes), nl=False)
    else:
        click.echo(formats.render_text(diagnostics, colour), nl=False)
    for error in result.errors:
        click.echo(f"kmigrate: error: {error}", err=True)
    if not quiet:
        if settings.mode == runner.DIFF:
            would = sum(len(o.fixed) for o in result.outcomes)
            files = sum(1 for o in result.outcomes if o.diff)
            click.echo(f"Would fix {would} finding{'s' if would != 1 else ''} in {files} file{'s' if files != 1 else ''}"
                       f"; {len(diagnostics)} would remain.", err=True)
        else:
            click.echo(formats.summary_line(result, settings.mode, settings.unsafe_fixes), err=True)
        if verbose:
            analysed = sum(1 for o in result.outcomes if o.analysed)
            click.echo(f"{result.files_seen} files seen, {analysed} analysed with LibCST.", err=True)
    if result.interrupted:
        click.echo("kmigrate: interrupted; every file is either original or completely rewritten.", err=True)
        return EXIT_INTERRUPTED
    if result.errors:
        return EXIT_ERROR
    if settings.mode == runner.DIFF:
        return EXIT_FINDINGS if diagnostics or any(o.diff for o in result.outcomes) else EXIT_CLEAN
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


def _progress_bar():
    def show(done: int, total: int) -> None:
        if total >= 200:
            click.echo(f"\r{done}/{total} files", nl=False, err=True)

    return show


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
