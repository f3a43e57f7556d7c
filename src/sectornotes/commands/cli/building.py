"""Verbs for outputs: build, serve, doctor, clean."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ...errors import EXIT_FAILED
from .options import project_of

if TYPE_CHECKING:
    from ...engine.engine import BuildResult


@click.command("build")
@click.argument("notes", nargs=-1)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for figures and PDFs.")
@click.option("--dry-run", is_flag=True, help="Show what would be rebuilt, and why; write nothing.")
@click.option("--explain", is_flag=True, help="Print why each rebuilt output was stale.")
@click.option("--format", "formats", default="html,pdf", show_default=True,
              help="Comma-separated note formats to build: html, pdf.")
@click.option("--force", is_flag=True, help="Rebuild everything, whatever the state says.")
@click.pass_context
def build_command(context: click.Context, notes: tuple[str, ...], jobs: int, dry_run: bool,
                  explain: bool, formats: str, force: bool) -> None:
    """Build HTML and PDF of every note (or of NOTES), rebuilding only what changed.

    Outputs go to build/: html/, pdf/, figures/, data/, sources/ and
    manifest.json. A note that fails is reported and the others still build.
    """
    from ...engine.engine import FORMATS
    from ...engine.run import build
    from ..progress import make_reporter

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    for fmt in chosen:
        if fmt not in FORMATS:
            raise click.BadParameter(f"unknown format '{fmt}' (use html, pdf)",
                                     param_hint="--format")
    reporter = make_reporter(explain=explain or dry_run)
    result = build(project_of(context), notes, jobs=jobs, dry_run=dry_run, formats=chosen,
                   force=force, reporter=reporter)
    for finding in result.findings:
        click.echo(finding.format(), err=True)
    if dry_run:
        for output, reasons in sorted(result.reasons.items()):
            click.echo(f"would build build/{output}: {'; '.join(reasons)}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for output, message in sorted(result.failed.items()):
        click.echo(f"error: build/{output}: {message}", err=True)
    click.echo(_summary(result), err=not result.ok)
    if not result.ok:
        sys.exit(EXIT_FAILED)


def _summary(result: BuildResult) -> str:
    if result.dry_run:
        return f"{len(result.reasons)} output(s) would be rebuilt, {len(result.fresh)} up to date"
    parts = [f"built {len(result.built)}", f"up to date {len(result.fresh)}"]
    if result.removed:
        parts.append(f"removed {len(result.removed)}")
    if result.failed:
        parts.append(f"failed {len(result.failed)}")
    return ", ".join(parts) + f" in {result.seconds:.1f} s"


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for figures and PDFs.")
@click.pass_context
def serve_command(context: click.Context, port: int, jobs: int) -> None:
    """Preview notes in a browser; rebuild on save and reload open pages.

    Serves build/ on 127.0.0.1 with an index of notes. A check or build error
    shows over the page with file:line; fix the file and the note comes back.
    Ctrl-C stops the server.
    """
    import os
    import signal

    from ..serve import PreviewServer

    server = PreviewServer(project_of(context), port=port, jobs=jobs,
                           log=lambda message: click.echo(message, err=True))
    import faulthandler

    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` prints every thread's stack
    # Ctrl-C and SIGTERM stop the server, even when started from a shell or tool that
    # left SIGINT ignored (background jobs inherit that).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        click.echo(f"Serving {server.url} (Ctrl-C to stop)", err=True)
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        sys.stderr.flush()
        sys.stdout.flush()
        # A build may be running in the worker thread; every output is written
        # atomically, so leaving it unfinished loses nothing, and waiting could hang.
        os._exit(0)


@click.command("doctor")
@click.pass_context
def doctor_command(context: click.Context) -> None:
    """Show the environment builds will use and compare it with the last build.

    Prints Python, the libraries that shape outputs, Pango and HarfBuzz (and whether
    HarfBuzz can subset fonts), and the font file found for each house font and for
    Chinese text; then what changed since build/manifest.json was written. Exits 1
    when something `make notes` installs is missing, naming its Debian package.
    """
    from ..doctor import doctor

    report = doctor(project_of(context))
    for line in report.lines:
        click.echo(line)
    if report.drift:
        click.echo("changed since the last build (those outputs rebuild):")
        for line in report.drift:
            click.echo(f"  {line}")
    elif (project_of(context).build_dir / "manifest.json").exists():
        click.echo("same as the last build")
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    if not report.ok:
        sys.exit(EXIT_FAILED)


@click.command("clean")
@click.pass_context
def clean_command(context: click.Context) -> None:
    """Remove build/ (outputs only; nothing in it is edited by hand).

    Waits for nothing: while a build is running, clean refuses (exit 1).
    Delivery and approval records live outside build/ and are never removed.
    """
    from ...engine.run import clean

    project = project_of(context)
    if clean(project):
        click.echo(f"removed {project.build_dir}")
    else:
        click.echo("nothing to clean")
