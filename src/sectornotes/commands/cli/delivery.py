"""Verbs for sending notes and their records: distribute, approve, records, verify."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ...errors import EXIT_FAILED
from .options import project_of

if TYPE_CHECKING:
    from ...distribute.deliver import DistributionResult
    from ...inputs.project import Project


@click.command("distribute")
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
    from ...distribute import SmtpSettings, distribute
    from ...distribute.plan import entitlement_date

    project = project_of(context)
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
                click.echo(f"  {_dry_run_action(result, plan.note_id, recipient.address)} "
                           f"{recipient.client_name} <{recipient.address}>")
            for name, reason in plan.excluded:
                click.echo(f"  exclude {name}: {reason}")
        return
    unknown = f", in flight when a run stopped {len(result.unknown)}" if result.unknown else ""
    click.echo(f"sent {len(result.sent)}, already sent {len(result.skipped)}, "
               f"failed {len(result.failed)}{unknown}", err=not result.ok)
    if not result.ok:
        sys.exit(EXIT_FAILED)


def _dry_run_action(result: DistributionResult, note_id: str, address: str) -> str:
    """What a run would do for this address, given the records of earlier runs."""
    earlier = result.earlier(note_id, address)
    if earlier is None or earlier.status in ("pending", "failed"):
        return "send to"
    return {"sent": "already sent to",
            "permanent-failure": "not resent (refused for good before):",
            "in-flight": "in flight when a run stopped (see --resend-unknown):"}.get(
                earlier.status, "send to")


def _print_records(project: Project, output_format: str) -> None:
    from ...distribute import deliveries_csv, deliveries_table, read_records

    deliveries = read_records(project)
    if output_format == "csv":
        click.echo(deliveries_csv(deliveries), nl=False)
    else:
        click.echo(deliveries_table(deliveries))


@click.command("approve")
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
    from ...distribute.approve import approval_trail, approve

    project = project_of(context)
    if show_list:
        for approval in approval_trail(project, note):
            click.echo(f"{approval.approved_at}  {approval.note}  build "
                       f"{approval.build_sha256[:12]}  approved by {approval.approver}")
        return
    if not note or not approver:
        raise click.UsageError("name the note and who approves it: approve NOTE --by NAME")
    approval = approve(project, note, approver)
    click.echo(f"approved {note} (build {approval.build_sha256[:12]}) by {approval.approver}")


@click.group("records")
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
    _print_records(project_of(context), output_format)


@records_group.command("export")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def records_export_command(context: click.Context, destination: Path) -> None:
    """Write every delivery, every column, as CSV to DESTINATION (for the compliance archive)."""
    from ...distribute import deliveries_csv, read_records
    from ...inputs.atomic import write_text_atomic

    deliveries = read_records(project_of(context))
    write_text_atomic(destination, deliveries_csv(deliveries))
    click.echo(f"wrote {len(deliveries)} deliveries to {destination}")


@click.command("verify")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def verify_command(context: click.Context, pdf: Path) -> None:
    """Tell which note, build and client a PDF came from, and whether it was altered.

    Exit code 0 when the PDF is an intact copy or build of this project, 1 otherwise.
    """
    from ...distribute import verify_pdf

    verification = verify_pdf(project_of(context), pdf.read_bytes())
    click.echo(f"{pdf}: {verification.message}")
    if not verification.intact:
        sys.exit(EXIT_FAILED)
