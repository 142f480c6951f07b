"""``kmigrate -``: one source on standard input, for editors and pipelines.

Without ``--fix`` the findings go to stdout as for a file; with ``--fix`` the fixed source (or the
source unchanged) goes to stdout and the findings to stderr, so that an editor can replace its buffer
with what it reads.  ``--stdin-filename`` names the source for configuration matching and messages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def run_stdin(stdin_filename: str | None, settings, view) -> int:
    from kmigrate import cli
    from kmigrate.engine import isolate, runner

    data = sys.stdin.buffer.read()
    shown = runner.display_path(Path(stdin_filename)) if stdin_filename else "-"
    try:
        with isolate.time_limit(settings.timeout and settings.timeout + len(data) / 10_000):
            outcome = runner.analyse_data(data, shown, settings, explicit=True)
    except isolate.TaskTimeout:
        outcome = runner.FileOutcome(shown, error=f"{shown}: analysing the source took too long; it was skipped")
    except Exception as exc:  # a bug in kmigrate: one clear line
        outcome = runner.FileOutcome(shown, error=f"{shown}: internal error while analysing ({isolate.describe(exc)}); "
                                                  f"please report it")
    result = runner.RunResult([outcome], files_seen=1)
    colour = "NO_COLOR" not in os.environ
    if settings.mode == runner.FIX:
        sys.stdout.buffer.write(outcome.new_data if outcome.new_data is not None else data)
        sys.stdout.buffer.flush()
        click.echo(cli.render_findings(result, settings, view, colour and sys.stderr.isatty()), nl=False, err=True)
        if view.show_fixes:
            click.echo(cli.render_fixed(result, settings.mode), nl=False, err=True)
    elif settings.mode == runner.DIFF:
        if outcome.diff:
            click.echo(outcome.diff, nl=False)
        if view.show_fixes:
            click.echo(cli.render_fixed(result, settings.mode), nl=False, err=True)
    else:
        click.echo(cli.render_findings(result, settings, view, colour and sys.stdout.isatty()), nl=False)
    for error in result.errors:
        click.echo(f"kmigrate: error: {error}", err=True)
    cli.report_summary(result, settings, view)
    return cli.exit_code(result, settings.mode)
