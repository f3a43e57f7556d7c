"""The `sectornotes` command line: a thin layer over the package's functions.

Exit codes: 0 ok, 1 check or build failed, 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_FAILED, ProjectError, SectornotesError
from ..inputs.project import Project
from ..version import __version__

if TYPE_CHECKING:
    from ..engine.engine import BuildResult
    from .diff import NoteDiff

FORMATS = click.Choice(["text", "json"])


class LibraryError(click.ClickException):
    """A library error as click shows it: its message and its exit code, no traceback."""

    def __init__(self, error: SectornotesError):
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance


class SectornotesGroup(click.Group):
    """The command group: library errors become click errors here, and only here."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SectornotesError as error:
            raise LibraryError(error) from error
        except OSError as error:
            if not error.filename:
                raise
            # A file the system refused (read-only, not a folder, disk full): say which.
            raise click.ClickException(
                f"{error.filename}: {error.strerror or error}; check that the folder exists, "
                "is writable and has space") from error


@click.group(cls=SectornotesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sectornotes")
@click.option("-C", "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (default: the one containing the working directory).")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.pass_context
def cli(context: click.Context, project_dir: Path | None, debug: bool) -> None:
    """Build equity-research sector notes from verified claims.

    Claims live in seeds/*.yaml beside their source texts; `check` proves each
    one against its source. Exit codes: 0 ok, 1 check/build failed, 2 usage.
    """
    context.obj = {"project_dir": project_dir, "debug": debug}


def _project(context: click.Context) -> Project:
    return Project.find(context.obj["project_dir"])


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Create a new project in DIRECTORY with an example source, claims, figure and note.

    Also writes house.yaml, clients.yaml, JSON Schemas in .schemas/ and
    .vscode/settings.json so editors autocomplete the YAML files.
    """
    from .scaffold import init_project

    made = init_project(directory)
    click.echo(f"created {len(made)} files in {directory}")
    click.echo(f"next: cd {directory} && sectornotes build")


@cli.command("check")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True,
              help="text for people (path:line:col: error: …), json for tools.")
@click.option("--strict", is_flag=True,
              help="Also fail on numbers typed into note prose without a citation.")
@click.pass_context
def check_command(context: click.Context, output_format: str, strict: bool) -> None:
    """Validate every file and prove every claim against its source.

    Each quote must occur in its source text. Each number must be written in
    its quote with its unit, at one place, and mean what its data point says
    there: the entity of its place in a list, the sign written at it, its
    qualifier ("over", 约 …), the metric the nearby words state (year-on-year,
    sequential, share …), a period the quote, its context or the source's
    as_of states. Derived values are recomputed. No two claims may state the
    same metric, entity and period with different values. docs/claims.md
    explains every rule.
    """
    from ..api import check

    report = check(_project(context), strict=strict)
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(finding.format(), err=True)
        counts = report.counts
        summary = (f"{counts['claims']} claims from {counts['sources']} sources, "
                   f"{counts['data_points']} numbers, {counts['figures']} figures, "
                   f"{counts['notes']} notes")
        if report.ok:
            click.echo(f"ok: {summary} verified")
        else:
            click.echo(f"{len(report.errors)} error(s); {summary} checked", err=True)
    if not report.ok:
        sys.exit(EXIT_FAILED)


@cli.command("claims")
@click.argument("query", required=False)
@click.option("--source", "source_ids", multiple=True, help="Only claims from this source id.")
@click.option("--tag", "tags", multiple=True, help="Only claims with this tag (repeatable: all).")
@click.option("--metric", help="Only claims with a data point of this metric.")
@click.option("--kind", type=click.Choice(["fact", "estimate", "forecast", "opinion"]),
              help="Only claims of this kind.")
@click.option("--unused", is_flag=True, help="Only claims no note cites and no figure plots.")
@click.option("--cited-by", "cited_by", metavar="NOTE", help="Only claims this note cites.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "ids"]),
              default="text", show_default=True, help="Output format.")
@click.pass_context
def claims_command(context: click.Context, query: str | None, source_ids: tuple[str, ...],
                   tags: tuple[str, ...], metric: str | None, kind: str | None, unused: bool,
                   cited_by: str | None, output_format: str) -> None:
    """List and search claims. QUERY matches id, text and quote (case-insensitive)."""
    from ..loaded.listing import ClaimFilter, format_claims, query_claims
    from ..loaded.project import load_project

    model = load_project(_project(context))
    claim_filter = ClaimFilter(query, source_ids, tags, metric, kind)
    selected = query_claims(model, claim_filter, cited_by=cited_by, unused=unused)
    click.echo(format_claims(model.registry, selected, output_format))


@cli.command("find")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Most matches to show.")
@click.pass_context
def find_command(context: click.Context, text: str, limit: int) -> None:
    """Search the sources for TEXT and print a ready-to-paste claim skeleton per match.

    The skeleton quotes the whole sentence verbatim and proposes a data point
    (value and unit) for every number in it; fill in the TODOs.
    """
    from ..loaded.finder import find_in_sources, skeleton
    from ..loaded.project import load_project

    matches = find_in_sources(load_project(_project(context)).registry, text, limit)
    for match in matches:
        click.echo(skeleton(match) + "\n")
    click.echo(f"{len(matches)} match(es) for '{text}'", err=True)
    if not matches:
        sys.exit(EXIT_FAILED)


@cli.command("diff")
@click.argument("old")
@click.argument("new", required=False, default="WORKTREE")
@click.argument("notes", nargs=-1)
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True,
              help="text for a correction notice, json for tools.")
@click.pass_context
def diff_command(context: click.Context, old: str, new: str, notes: tuple[str, ...],
                 output_format: str) -> None:
    """What changed in notes between git revisions OLD and NEW (default: the files on disk).

    Shows rating and title changes, claims added and removed, numbers changed
    (old → new, with sources), figures changed, and a word diff of the prose.
    With no NOTES, every note present in NEW is compared. OLD and NEW may
    also be two build manifests (manifest.json files): those record hashes,
    so the diff then says which claims and inputs changed, not to what.
    """
    from .diff import diff_manifests, diff_note

    project = _project(context)
    if old.endswith(".json") and new.endswith(".json"):
        if not notes:
            raise click.UsageError("name the notes to compare between two manifests")
        diffs = [diff_manifests(Path(old), Path(new), note_id) for note_id in notes]
        _print_diffs(diffs, output_format)
        return
    if new != "WORKTREE" and (project.notes_dir / f"{new}.yaml").exists() and \
            not _is_git_revision(project, new):
        notes, new = (new, *notes), "WORKTREE"  # `diff HEAD my-note`: compare with the files
    note_ids = notes or tuple(sorted(p.stem for p in project.note_files()))
    _print_diffs([diff_note(project, old, new, note_id) for note_id in note_ids], output_format)


def _print_diffs(diffs: list[NoteDiff], output_format: str) -> None:
    from .diff import format_diff

    if output_format == "json":
        click.echo(json.dumps([d.as_dict() for d in diffs], ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(format_diff(d) for d in diffs))


def _is_git_revision(project: Project, name: str) -> bool:
    import subprocess

    result = subprocess.run(["git", "-C", str(project.root), "rev-parse", "--verify", "--quiet",
                             f"{name}^{{commit}}"], capture_output=True)
    return result.returncode == 0


@cli.command("schema")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write <kind>.schema.json files and yaml.schemas.json (which files each "
              "applies to) into this folder instead of printing.")
@click.pass_context
def schema_command(context: click.Context, out_dir: Path | None) -> None:
    """JSON Schema of every YAML file kind, for editor autocompletion.

    Metric names come from the vocabulary and house.yaml; yaml.schemas.json is the
    value of VS Code's `yaml.schemas` setting for this project's files.
    """
    from .editorschemas import project_schemas, write_schemas

    try:
        root: Path | None = _project(context).root
    except ProjectError:
        root = None  # outside a project: the built-in vocabulary, one glob per kind
    if out_dir is None:
        click.echo(json.dumps(project_schemas(root), indent=2, ensure_ascii=False))
        return
    for target in write_schemas(root, out_dir):
        click.echo(f"wrote {target}")


@cli.command("build")
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
    from ..engine.engine import FORMATS
    from ..engine.run import build
    from .progress import make_reporter

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    for fmt in chosen:
        if fmt not in FORMATS:
            raise click.BadParameter(f"unknown format '{fmt}' (use html, pdf)",
                                     param_hint="--format")
    reporter = make_reporter(explain=explain or dry_run)
    result = build(_project(context), notes, jobs=jobs, dry_run=dry_run, formats=chosen,
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


@cli.command("serve")
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

    from .serve import PreviewServer

    server = PreviewServer(_project(context), port=port, jobs=jobs,
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


@cli.command("distribute")
@click.argument("notes", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Print who would receive what, who is excluded "
              "and why; send nothing.")
@click.option("--log", "show_log", is_flag=True,
              help="Print the delivery records and exit (same as 'sectornotes records').")
@click.option("--format", "log_format", type=click.Choice(["table", "csv"]), default="table",
              show_default=True, help="Format of --log.")
@click.option("--date", "today", type=click.DateTime(["%Y-%m-%d"]),
              help="Date for entitlement expiry and the footer (default: today); a past date "
                   "needs --backdate.")
@click.option("--backdate", is_flag=True,
              help="Allow a --date before today: clients whose entitlement lapsed since are "
                   "included (a warning says so).")
@click.option("--smtp-host", help="SMTP server (or SECTORNOTES_SMTP_HOST); required to send.")
@click.option("--smtp-port", type=int, help="SMTP port (or SECTORNOTES_SMTP_PORT; default 25, "
              "465 with ssl).")
@click.option("--smtp-security", type=click.Choice(["none", "starttls", "ssl"]),
              help="Transport security (or SECTORNOTES_SMTP_SECURITY; default none).")
@click.option("--smtp-user", help="SMTP login (or SECTORNOTES_SMTP_USER); the password comes "
              "only from SECTORNOTES_SMTP_PASSWORD.")
@click.option("--smtp-from", "smtp_from",
              help="Sender address (or SECTORNOTES_SMTP_FROM); required to send.")
@click.option("--smtp-cafile", type=click.Path(exists=True, dir_okay=False),
              help="CA certificate for a relay with a private certificate "
                   "(or SECTORNOTES_SMTP_CAFILE).")
@click.option("--smtp-timeout", metavar="SECONDS",
              help="Seconds to wait for each reply of the relay (or SECTORNOTES_SMTP_TIMEOUT; "
                   "default 30).")
@click.option("--retry-delay", type=float, default=1.0, show_default=True,
              help="Wait before retrying temporary failures (then x4, x15); other recipients "
                   "are sent meanwhile.")
@click.option("--resend-unknown", is_flag=True,
              help="Also resend deliveries a killed run left in flight (check the relay's "
                   "log first: they may have been delivered).")
@click.pass_context
def distribute_command(context: click.Context, notes: tuple[str, ...], dry_run: bool,
                       show_log: bool, log_format: str, today: dt.datetime | None,
                       backdate: bool, smtp_host: str | None, smtp_port: int | None,
                       smtp_security: str | None, smtp_user: str | None, smtp_from: str | None,
                       smtp_cafile: str | None, smtp_timeout: str | None, retry_delay: float,
                       resend_unknown: bool) -> None:
    """Send NOTES to entitled clients by SMTP, exactly one watermarked copy per address.

    Refuses drafts, notes that fail check, stale PDFs and notes whose release
    time has not come. Checks the relay (connect, TLS, login) before sending
    anything. Every delivery is recorded in records/sectornotes.sqlite
    (outside build/, never removed by clean); running again sends nothing
    twice, a second run at the same time waits for the first, and an
    interrupted run resumes. A delivery that was in flight when a run died
    is reported for reconciliation, not resent (see --resend-unknown).
    """
    from ..distribute import SmtpSettings, distribute
    from ..distribute.plan import entitlement_date

    project = _project(context)
    if show_log:
        _print_records(project, log_format)
        return
    if not notes:
        raise click.UsageError("name at least one note to distribute")
    settings = SmtpSettings.from_environment(host=smtp_host, port=smtp_port,
                                             security=smtp_security, user=smtp_user,
                                             sender=smtp_from, cafile=smtp_cafile,
                                             timeout=smtp_timeout)
    # A dry run sends nothing: it may look at a past day (with the warning).
    date = entitlement_date(today.date() if today else None, dt.date.today(),
                            backdate or dry_run, lambda line: click.echo(line, err=True))
    delays = (retry_delay, retry_delay * 4, retry_delay * 15)
    result = distribute(project, notes, settings, date, dry_run=dry_run, retry_delays=delays,
                        log=lambda line: click.echo(line, err=True),
                        resend_unknown=resend_unknown)
    if dry_run:
        for plan in result.plans:
            click.echo(f"{plan.note_id} (build {plan.build_sha256[:12]}): "
                       f"{len(plan.recipients)} address(es)")
            for recipient in plan.recipients:
                click.echo(f"  send to {recipient.client_name} <{recipient.address}>")
            for name, reason in plan.excluded:
                click.echo(f"  exclude {name}: {reason}")
        return
    unknown = f", in flight when a run stopped {len(result.unknown)}" if result.unknown else ""
    click.echo(f"sent {len(result.sent)}, already sent {len(result.skipped)}, "
               f"failed {len(result.failed)}{unknown}", err=not result.ok)
    if not result.ok:
        sys.exit(EXIT_FAILED)


def _print_records(project: Project, output_format: str) -> None:
    from ..distribute import deliveries_csv, deliveries_table, read_records

    deliveries = read_records(project)
    if output_format == "csv":
        click.echo(deliveries_csv(deliveries), nl=False)
    else:
        click.echo(deliveries_table(deliveries))


@cli.command("approve")
@click.argument("note", required=False)
@click.option("--by", "approver", metavar="NAME",
              help="Who signs off: the supervisory analyst approving this exact PDF.")
@click.option("--list", "show_list", is_flag=True,
              help="Print the approval trail (of NOTE, or of every note) and exit.")
@click.pass_context
def approve_command(context: click.Context, note: str | None, approver: str | None,
                    show_list: bool) -> None:
    """Record the supervisory approval of exactly the PDF NOTE has now.

    The approval names the PDF's sha256; distribute sends only a PDF whose
    exact bytes were approved, so a rebuild after any edit needs a new
    approval. Approvals are kept in records/sectornotes.sqlite.
    """
    from ..distribute.approve import approval_trail, approve

    project = _project(context)
    if show_list:
        for approval in approval_trail(project, note):
            click.echo(f"{approval.approved_at}  {approval.note}  build "
                       f"{approval.build_sha256[:12]}  approved by {approval.approver}")
        return
    if not note or not approver:
        raise click.UsageError("name the note and who approves it: approve NOTE --by NAME")
    approval = approve(project, note, approver)
    click.echo(f"approved {note} (build {approval.build_sha256[:12]}) by {approval.approver}")


@cli.group("records")
def records_group() -> None:
    """The delivery records (records/sectornotes.sqlite): who received which build, when.

    They live outside build/ and no command removes them.
    """


@records_group.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table",
              show_default=True, help="An aligned table, or CSV with every column.")
@click.pass_context
def records_list_command(context: click.Context, output_format: str) -> None:
    """Print every delivery."""
    _print_records(_project(context), output_format)


@records_group.command("export")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def records_export_command(context: click.Context, destination: Path) -> None:
    """Write every delivery, every column, as CSV to DESTINATION (for the compliance archive)."""
    from ..distribute import deliveries_csv, read_records
    from ..inputs.atomic import write_text_atomic

    deliveries = read_records(_project(context))
    write_text_atomic(destination, deliveries_csv(deliveries))
    click.echo(f"wrote {len(deliveries)} deliveries to {destination}")


@cli.command("verify")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def verify_command(context: click.Context, pdf: Path) -> None:
    """Tell which note, build and client a PDF came from, and whether it was altered.

    Exit code 0 when the PDF is an intact copy or build of this project, 1 otherwise.
    """
    from ..distribute import verify_pdf

    verification = verify_pdf(_project(context), pdf.read_bytes())
    click.echo(f"{pdf}: {verification.message}")
    if not verification.intact:
        sys.exit(EXIT_FAILED)


@cli.command("doctor")
@click.pass_context
def doctor_command(context: click.Context) -> None:
    """Show the environment builds will use and compare it with the last build.

    Prints Python, the libraries that shape outputs, Pango and HarfBuzz (and whether
    HarfBuzz can subset fonts), and the font file found for each house font and for
    Chinese text; then what changed since build/manifest.json was written. Exits 1
    when something `make notes` installs is missing, naming its Debian package.
    """
    from .doctor import doctor

    report = doctor(_project(context))
    for line in report.lines:
        click.echo(line)
    if report.drift:
        click.echo("changed since the last build (those outputs rebuild):")
        for line in report.drift:
            click.echo(f"  {line}")
    elif (_project(context).build_dir / "manifest.json").exists():
        click.echo("same as the last build")
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    if not report.ok:
        sys.exit(EXIT_FAILED)


@cli.command("clean")
@click.pass_context
def clean_command(context: click.Context) -> None:
    """Remove build/ (outputs only; nothing in it is edited by hand).

    Waits for nothing: while a build is running, clean refuses (exit 1).
    Delivery and approval records live outside build/ and are never removed.
    """
    from ..engine.run import clean

    project = _project(context)
    if clean(project):
        click.echo(f"removed {project.build_dir}")
    else:
        click.echo("nothing to clean")


def main() -> None:
    """Console entry point: user errors without tracebacks unless --debug."""
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_FAILED)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)

    except SystemExit:
        raise
    except Exception as error:  # a bug: keep the message short unless asked
        if debug:
            raise
        click.echo(f"internal error: {error!r} (run with --debug for the traceback)", err=True)
        sys.exit(EXIT_FAILED)


__all__ = ["cli", "main"]
