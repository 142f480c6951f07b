"""``--verify FUNC``: prove a rewrite numerically before writing it (design.md §5).

The original source runs in the Keras 1.2.2 worker, the rewritten one (or, with ``--against OLD``,
the file as it is against an older version) under Keras 3.  The file is written only when every
output is equal; otherwise it is left as it was and the verdict says what differs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from kmigrate.engine import pipeline, runner
from kmigrate.engine.rule import all_rules
from kmigrate.engine.write import WriteError, atomic_write

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class AgainstError(Exception):
    pass


def read_against(path: Path, against: str) -> str:
    """The older version: a path, or ``git:REV`` for FILE as it was at REV."""
    if against.startswith("git:"):
        revision = against[4:] or "HEAD"
        result = subprocess.run(["git", "show", f"{revision}:./{path.name}"], cwd=path.parent or ".",
                                capture_output=True)
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise AgainstError(f"--against {against}: {message[-1] if message else 'git show failed'}")
        return result.stdout.decode("utf-8", errors="replace")
    try:
        return Path(against).read_text(encoding="utf-8")
    except OSError as exc:
        raise AgainstError(f"--against {against}: cannot read: {exc.strerror}") from None


def run_verify(path: Path, func: str, against: str | None, settings: runner.RunSettings, legacy_env: str | None,
               rtol: float, atol: float, quiet: bool) -> int:
    from kmigrate.verify import legacy_env as env_module

    env_path = Path(legacy_env) if legacy_env else env_module.default_legacy_env_path()
    try:
        env_module.check_legacy_env(env_path)
    except env_module.LegacyEnvError as exc:
        click.echo(f"kmigrate: error: {exc}", err=True)
        return EXIT_ERROR
    try:
        data = path.read_bytes()
    except OSError as exc:
        click.echo(f"kmigrate: error: {path}: cannot read: {exc.strerror}", err=True)
        return EXIT_ERROR
    shown = runner.display_path(path)
    registry = all_rules().selected(settings.codes)
    options = pipeline.Options(fix=True, unsafe_fixes=settings.unsafe_fixes, rule_options=settings.rule_options)
    result = pipeline.analyse(data, shown, registry, options, explicit=True)
    text = data.decode("utf-8", errors="replace")

    if against is not None:
        try:
            old_source = read_against(path, against)
        except AgainstError as exc:
            click.echo(f"kmigrate: error: {exc}", err=True)
            return EXIT_ERROR
        new_source, new_data, label = text, None, f"{shown} against {against}"
    else:
        if result.new_data is None:
            click.echo(f"{shown}: nothing to rewrite, nothing to verify.", err=True)
            return EXIT_FINDINGS if result.findings else EXIT_CLEAN
        old_source, new_data, label = text, result.new_data, f"{shown} and its rewrite"
        new_source = new_data.decode("utf-8", errors="replace")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up chatter is not a verdict
    from kmigrate.verify.compare import verify_sources

    click.echo(f"Verifying {func}() of {label}: Keras 1.2.2 vs Keras 3 ...", err=True)
    try:
        verdict = verify_sources(old_source, new_source, func, filename=str(path), env_path=env_path,
                                 rtol=rtol, atol=atol)
    except env_module.LegacyEnvError as exc:
        click.echo(f"kmigrate: error: {exc}", err=True)
        return EXIT_ERROR
    for line in verdict.lines:
        click.echo(f"  {line}", err=True)
    singleton_said = any(f.fix is not None and f.fix.singleton_axes for f in result.fixed)
    proven = verdict.ok and (not verdict.singleton or singleton_said or against is not None)
    if not proven:
        reasons = {"different": "the outputs differ", "weights": "the weights do not correspond",
                   "inputs": "the inputs do not correspond", "error": "a model could not be built or run"}
        reason = reasons.get(verdict.status, verdict.status) if not verdict.ok else \
            "an output changed shape (singleton axes) without the finding saying so"
        click.echo(f"{shown}: not written: {reason}.", err=True)
        return EXIT_FINDINGS
    click.echo(f"{shown}: equal under Keras 1.2.2 and Keras 3.", err=True)
    if new_data is not None:
        if settings.mode == runner.DIFF:
            sys.stdout.write(runner.unified_diff(data, new_data, shown))
        else:
            try:
                atomic_write(path, new_data, settings.allowed_roots)
            except WriteError as exc:
                click.echo(f"kmigrate: error: {exc}", err=True)
                return EXIT_ERROR
            click.echo(f"Fixed {len(result.fixed)} finding{'s' if len(result.fixed) != 1 else ''} in {shown}.", err=True)
    remaining = result.findings if against is None else []
    for finding in remaining:
        click.echo(f"{shown}:{finding.line}:{finding.column}: {finding.code} {finding.message}")
    return EXIT_FINDINGS if remaining else EXIT_CLEAN
