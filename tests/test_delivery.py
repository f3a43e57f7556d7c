"""Exactly one copy per address, durable records, a relay checked first (real SMTP server)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.distribute import DistributionRefused, SmtpSettings, distribute
from sectornotes.distribute.approve import approve
from sectornotes.distribute.records import Records
from sectornotes.engine.run import build
from sectornotes.errors import UsageError
from sectornotes.inputs.project import Project

from .conftest import edit_file, snapshot
from .test_distribute import CLIENTS, ENTITLED, TODAY, Mailbox, attachment, pdf_text, running

pytestmark = pytest.mark.slow
SENDER = "research@house.example.invalid"


class CountingMailbox(Mailbox):
    """Also counts SMTP sessions (EHLO) and keeps the order of recipients."""

    def __init__(self):
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses


@pytest.fixture
def mailbox():
    with running(CountingMailbox()) as handler:
        yield handler


def settings(mailbox) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=mailbox.port, sender=SENDER)


def make_clients(count: int) -> str:
    rows = [f"  - id: client-{i:03d}\n    name: Client {i:03d}\n"
            f"    emails: [desk{i:03d}@clients.example.invalid]\n"
            "    entitlements: {sectors: [tech]}\n" for i in range(count)]
    return "clients:\n" + "".join(rows)


@pytest.fixture
def project(sample_project):
    (sample_project / "clients.yaml").write_text(CLIENTS)
    assert build(Project(sample_project), ("capex-note",)).ok
    approve(Project(sample_project), "capex-note", "Supervisory Analyst")
    return sample_project


def run(project, mailbox, **kwargs):
    options = {"retry_delays": (0.01, 0.01), "log": lambda line: None, **kwargs}
    return distribute(Project(project), ("capex-note",), settings(mailbox), TODAY, **options)


def test_two_runs_at_once_send_each_address_exactly_one_copy(sample_project, mailbox):
    (sample_project / "clients.yaml").write_text(make_clients(30))
    assert build(Project(sample_project), ("capex-note",)).ok
    approve(Project(sample_project), "capex-note", "Supervisory Analyst")
    code = textwrap.dedent(f"""\
        import datetime
        from sectornotes.distribute import SmtpSettings, distribute
        from sectornotes.inputs.project import Project
        result = distribute(Project('.'), ('capex-note',), SmtpSettings(host='127.0.0.1',
                            port={mailbox.port}, sender='{SENDER}'), datetime.date(2025, 6, 1),
                            log=lambda line: None)
        print(len(result.sent), len(result.skipped))
    """)
    runs = [subprocess.Popen([sys.executable, "-c", code], cwd=sample_project,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outcomes = sorted(tuple(map(int, r.communicate(timeout=180)[0].split())) for r in runs)
    assert [r.returncode for r in runs] == [0, 0]
    assert outcomes == [(0, 30), (30, 0)]
    recipients = [email.utils.parseaddr(m["To"])[1] for m in mailbox.messages]
    assert len(recipients) == 30 and len(set(recipients)) == 30
    with Records(Project(sample_project)) as records:
        assert len(records.all()) == 30


def test_clean_never_forgets_who_received_what(project, mailbox, tmp_path):
    run(project, mailbox)
    copy = tmp_path / "copy.pdf"
    part = next(mailbox.messages[0].iter_attachments())
    copy.write_bytes(part.get_payload(decode=True))
    assert CliRunner().invoke(cli, ["-C", str(project), "clean"]).exit_code == 0
    assert (project / "records/sectornotes.sqlite").is_file()
    # The records name clients and addresses: private to their owner, unlike build/.
    assert (project / "records/sectornotes.sqlite").stat().st_mode & 0o777 == 0o600
    assert (project / "records").stat().st_mode & 0o777 == 0o700
    assert build(Project(project), ("capex-note",)).ok  # the same bytes again
    again = run(project, mailbox)
    assert again.sent == [] and len(again.skipped) == 3 and len(mailbox.messages) == 3
    verified = CliRunner().invoke(cli, ["-C", str(project), "verify", str(copy)])
    assert verified.exit_code == 0 and "intact" in verified.output


def test_a_ledger_in_build_is_migrated_to_the_records(project, mailbox):
    import sqlite3

    legacy = project / "build/distribution.sqlite"
    connection = sqlite3.connect(legacy)
    connection.execute(
        "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, note TEXT, build_sha256 TEXT, "
        "client_id TEXT, client_name TEXT, address TEXT, watermark_id TEXT, copy_sha256 TEXT, "
        "status TEXT, smtp_response TEXT, attempts INTEGER, created_at TEXT, updated_at TEXT)")
    build_sha = __import__("hashlib").sha256(
        (project / "build/pdf/capex-note.pdf").read_bytes()).hexdigest()
    connection.execute("INSERT INTO deliveries VALUES (1, 'capex-note', ?, 'alpha-capital', "
                       "'Alpha Capital', 'desk@alpha.example.invalid', 'aa11', 'ff', 'sent', "
                       "'250 ok', 1, '2025-05-01', '2025-05-01')", (build_sha,))
    connection.commit()
    connection.close()
    import shutil

    shutil.rmtree(project / "records")  # as before records/ existed: the first use migrates
    approve(Project(project), "capex-note", "Supervisory Analyst")
    result = run(project, mailbox)
    assert len(result.sent) == 2 and len(result.skipped) == 1  # Alpha was served before
    assert not legacy.exists() and (project / "build/distribution.sqlite.migrated").exists()


def test_one_address_written_twice_gets_one_copy(project, mailbox):
    edit_file(project / "clients.yaml", "emails: [desk@alpha.example.invalid]",
              "emails: [desk@alpha.example.invalid, DESK@Alpha.example.invalid]")
    found = CliRunner().invoke(cli, ["-C", str(project), "check"])
    assert found.exit_code == 1
    assert ("clients.yaml:4:42: error: clients[0].emails[1]: DESK@Alpha.example.invalid "
            "repeats clients[0].emails[0] (addresses ignore case); list each address once"
            ) in found.output
    # Even were check bypassed, planning keeps one copy per address.
    from dataclasses import replace

    from sectornotes.distribute.plan import plan_note
    from sectornotes.loaded.project import load_project

    unchecked = replace(load_project(Project(project)), findings=[])
    plan = plan_note(unchecked, "capex-note", TODAY)
    assert [r.address for r in plan.recipients].count("desk@alpha.example.invalid") == 1
    assert ("Alpha Capital", "DESK@Alpha.example.invalid already receives this note (for "
            "Alpha Capital): one copy per address") in plan.excluded


def test_without_a_relay_distribute_refuses_and_names_the_settings(project, monkeypatch):
    for name in ("HOST", "PORT", "FROM", "USER", "SECURITY"):
        monkeypatch.delenv(f"SECTORNOTES_SMTP_{name}", raising=False)
    before = snapshot(project)
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["-C", str(project), "distribute", "capex-note",
                                      "--date", "2025-06-01", "--backdate"])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 2
    assert ("cannot send: set the SMTP server (--smtp-host or SECTORNOTES_SMTP_HOST) and the "
            "sender address (--smtp-from or SECTORNOTES_SMTP_FROM)") in result.output
    assert snapshot(project) == before
    with pytest.raises(UsageError):
        distribute(Project(project), ("capex-note",), SmtpSettings(), TODAY)


def test_one_session_carries_every_message_with_date_and_message_id(project, mailbox):
    result = run(project, mailbox)
    assert result.ok and result.connections == 1 and mailbox.sessions == 1
    with Records(Project(project)) as records:
        recorded = {d.address: d for d in records.all()}
    for message in mailbox.messages:
        address = email.utils.parseaddr(message["To"])[1]
        assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
        assert message["Message-ID"].strip() == recorded[address].message_id
        assert message["Message-ID"].strip().endswith("@house.example.invalid>")
        html = message.get_body(("html",)).get_content()
        assert "<h1>Capex note</h1>" in html and "<li>Capex grew 59.1%.</li>" in html
        assert "disclosures" in html
        assert recorded[address].attempts == 1 and recorded[address].status == "sent"


def test_a_temporary_failure_waits_for_a_later_round_and_counts_attempts(project, mailbox):
    mailbox.script = ["451 4.3.0 try again later"]
    result = run(project, mailbox)
    assert result.ok and len(result.sent) == 3
    order = [email.utils.parseaddr(m["To"])[1] for m in mailbox.messages]
    first = sorted(ENTITLED)[0]
    with Records(Project(project)) as records:
        rows = {d.address: d for d in records.all()}
    retried = [a for a, d in rows.items() if d.attempts == 2]
    assert len(retried) == 1 and order[-1] == retried[0]  # the others did not wait for it
    assert {d.attempts for a, d in rows.items() if a != retried[0]} == {1}
    assert first in order


def test_exhausted_retries_are_failed_with_true_attempt_counts(project, mailbox):
    mailbox.script = ["451 busy"] * 20
    result = run(project, mailbox, retry_delays=(0.01, 0.01))
    assert not result.ok and len(result.failed) == 3
    with Records(Project(project)) as records:
        assert {(d.status, d.attempts) for d in records.all()} == {("failed", 3)}
    mailbox.script = []
    assert len(run(project, mailbox).sent) == 3  # failed deliveries are retried by a new run


def test_an_embargoed_note_is_refused_until_its_release_time(project, mailbox):
    edit_file(project / "notes/capex-note.yaml", "status: approved",
              "status: approved\nrelease: 2025-06-01T09:00:00+08:00")
    assert build(Project(project), ("capex-note",)).ok
    approve(Project(project), "capex-note", "Supervisory Analyst")
    before = dt.datetime(2025, 6, 1, 0, 59, tzinfo=dt.UTC)
    with pytest.raises(DistributionRefused, match=r"capex-note: embargoed until "
                       r"2025-06-01T09:00:00\+08:00 \(2025-06-01 01:00 UTC\)"):
        run(project, mailbox, now=before)
    assert mailbox.messages == []
    assert len(run(project, mailbox, now=before + dt.timedelta(minutes=2)).sent) == 3


def test_a_release_time_without_offset_fails_check(project):
    edit_file(project / "notes/capex-note.yaml", "status: approved",
              "status: approved\nrelease: 2025-06-01T09:00:00")
    result = CliRunner().invoke(cli, ["-C", str(project), "check"])
    assert result.exit_code == 1
    assert "release: write the release time with its UTC offset" in result.output


def test_damaged_records_are_a_clear_error_naming_the_file(project, mailbox):
    records = project / "records/sectornotes.sqlite"
    records.parent.mkdir(exist_ok=True)
    records.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(cli, ["-C", str(project), "distribute", "capex-note",
                                      "--smtp-host", "127.0.0.1", "--smtp-port",
                                      str(mailbox.port), "--smtp-from", SENDER,
                                      "--date", "2025-06-01", "--backdate"])
    assert result.exit_code == 1
    assert "cannot open the delivery records records/sectornotes.sqlite" in result.output
    assert "internal error" not in result.output and mailbox.messages == []


def test_records_list_and_export(project, mailbox, tmp_path):
    run(project, mailbox)
    runner = CliRunner()
    listing = runner.invoke(cli, ["-C", str(project), "records", "list"])
    assert listing.exit_code == 0 and listing.output.count(" sent ") == 3
    target = tmp_path / "archive.csv"
    exported = runner.invoke(cli, ["-C", str(project), "records", "export", str(target)])
    assert exported.exit_code == 0 and "wrote 3 deliveries" in exported.output
    lines = target.read_text().splitlines()
    assert lines[0].startswith("id,note,build_sha256,client_id,client_name,address,")
    assert len(lines) == 4


def test_verify_survives_a_damaged_manifest_and_missing_records(project, tmp_path):
    (project / "build/manifest.json").write_text('{"outputs": [1, 2]}')
    copy = tmp_path / "some.pdf"
    copy.write_bytes((project / "build/pdf/capex-note.pdf").read_bytes())
    result = CliRunner().invoke(cli, ["-C", str(project), "verify", str(copy)])
    assert result.exit_code == 1
    assert "is not in this project's delivery records" in result.output
    assert build(Project(project), ("capex-note",)).ok  # the next build repairs the manifest
    result = CliRunner().invoke(cli, ["-C", str(project), "verify", str(copy)])
    assert result.exit_code == 0 and "the base build build/pdf/capex-note.pdf" in result.output


def test_only_the_exact_approved_pdf_goes_out(sample_project, mailbox):
    (sample_project / "clients.yaml").write_text(CLIENTS)
    assert build(Project(sample_project), ("capex-note",)).ok
    runner = CliRunner()
    with pytest.raises(DistributionRefused, match="has no supervisory approval"):
        run(sample_project, mailbox)
    approved = runner.invoke(cli, ["-C", str(sample_project), "approve", "capex-note",
                                   "--by", "Grace Supervisor"])
    assert approved.exit_code == 0 and "by Grace Supervisor" in approved.output
    first = approved.output.split("build ")[1][:12]
    # A claim changes after approval: the rebuilt PDF is not the approved one.
    edit_file(sample_project / "seeds/capex-review.yaml", "Big-4 capex reached",
              "The Big-4 capex reached")
    assert build(Project(sample_project), ("capex-note",)).ok
    with pytest.raises(DistributionRefused, match=rf"the approved build is {first} "
                       r"\(Grace Supervisor, .*\), and the PDF has changed since"):
        run(sample_project, mailbox)
    assert mailbox.messages == []
    assert runner.invoke(cli, ["-C", str(sample_project), "approve", "capex-note", "--by",
                               "Grace Supervisor"]).exit_code == 0
    assert len(run(sample_project, mailbox).sent) == 3
    trail = runner.invoke(cli, ["-C", str(sample_project), "approve", "--list"]).output
    assert trail.count("capex-note  build") == 2 and trail.count("approved by Grace") == 2
    assert runner.invoke(cli, ["-C", str(sample_project), "clean"]).exit_code == 0
    assert "approved by Grace" in runner.invoke(
        cli, ["-C", str(sample_project), "approve", "--list", "capex-note"]).output


def test_approving_a_stale_pdf_or_a_failing_project_is_refused(sample_project):
    result = CliRunner().invoke(cli, ["-C", str(sample_project), "approve", "capex-note",
                                      "--by", "Grace"])
    assert result.exit_code == 1 and "build/pdf/capex-note.pdf is stale (output missing)" in \
        result.output
    usage = CliRunner().invoke(cli, ["-C", str(sample_project), "approve", "capex-note"])
    assert usage.exit_code == 2 and "approve NOTE --by NAME" in usage.output


def test_every_copy_states_when_the_note_was_first_disseminated(project, mailbox, tmp_path):
    assert run(project, mailbox).ok
    with Records(Project(project)) as records:
        first = records.first_dissemination("capex-note")
    assert first is not None
    stamp = f"first disseminated {dt.datetime.fromisoformat(first):%Y-%m-%d %H:%M} UTC"
    for message in mailbox.messages:
        assert stamp in pdf_text(attachment(message), tmp_path)
    # A client added a month later gets the time the note first went out, from the records.
    with Records(Project(project)) as records:
        records.connection.execute("UPDATE disseminations SET first_at = ?",
                                   ("2025-02-06T01:00:00+00:00",))
    edit_file(project / "clients.yaml", "clients:\n", "clients:\n  - id: delta-late\n"
              "    name: Delta Late\n    emails: [late@delta.example.invalid]\n"
              "    entitlements: {sectors: [tech]}\n")
    before = len(mailbox.messages)
    assert run(project, mailbox).ok
    late = mailbox.messages[before:]
    assert len(late) == 1
    assert "first disseminated 2025-02-06 01:00 UTC" in pdf_text(attachment(late[0]), tmp_path)
