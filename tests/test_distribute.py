"""Distribution through a real SMTP server (aiosmtpd on 127.0.0.1), the ledger and verify."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from sectornotes.api import check
from sectornotes.commands.cli import cli
from sectornotes.distribute import DistributionRefused, SmtpSettings, SmtpUnavailable, distribute
from sectornotes.distribute.approve import approve
from sectornotes.distribute.records import Records
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project

from .conftest import edit_file, replaced

pytestmark = pytest.mark.slow
TODAY = dt.date(2025, 6, 1)
CLIENTS = """\
clients:
  - id: alpha-capital
    name: Alpha Capital
    emails: [desk@alpha.example.invalid]
    entitlements: {sectors: [tech]}
  - id: beta-partners
    name: Beta Partners
    emails: [a@beta.example.invalid, b@beta.example.invalid]
    entitlements: {notes: [capex-note]}
  - id: gamma-lapsed
    name: Gamma Lapsed
    emails: [c@gamma.example.invalid]
    entitlements: {sectors: [tech], expires: 2025-01-31}
  - id: delta-autos
    name: Delta Autos
    emails: [d@delta.example.invalid]
    entitlements: {sectors: [autos]}
"""
ENTITLED = {"desk@alpha.example.invalid", "a@beta.example.invalid", "b@beta.example.invalid"}


class Mailbox:
    """An aiosmtpd handler that stores messages and can answer from a script."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.script: list[str] = []
        self.kill_pid_at: tuple[int, int] | None = None  # (message number, pid)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.kill_pid_at and len(self.messages) + 1 == self.kill_pid_at[0]:
            os.kill(self.kill_pid_at[1], signal.SIGKILL)  # the sender dies mid-conversation
            return "451 sender killed"
        if self.script:
            answer = self.script.pop(0)
            if not answer.startswith("250"):
                return answer
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 2.0.0 queued"

    def recipients(self) -> list[str]:
        return sorted(email.utils.parseaddr(m["To"])[1] for m in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(handler: Mailbox) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 answering through `handler` (its port set on it)."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


# pypdf's incremental writer leaves its cross-reference stream out of its own /Index and
# counts it in /Size (ISO 32000-1 7.5.8.2 allows this); qpdf warns that /Size is then not
# one more than the highest object it indexes. That warning alone is not a fault.
_PYPDF_SIZE_WARNING = re.compile(r"WARNING: .*: reported number of objects \((\d+)\) is not "
                                 r"one plus the highest object number \((\d+)\)")


def qpdf_problems(path) -> list[str]:
    """What `qpdf --check` finds wrong with a PDF (exit 0 clean, 3 warnings only), but the
    warning above."""
    qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    output = (qpdf.stdout + qpdf.stderr).splitlines()
    problems = [line for line in output if line.startswith(("WARNING", "ERROR"))
                and not ((m := _PYPDF_SIZE_WARNING.match(line)) and int(m[1]) == int(m[2]) + 2)]
    if qpdf.returncode not in (0, 3):
        problems.append(f"qpdf exit {qpdf.returncode}: {' / '.join(output)}")
    return problems


@pytest.fixture
def mailbox():
    with running(Mailbox()) as handler:
        yield handler


@pytest.fixture
def project(sample_project):
    (sample_project / "clients.yaml").write_text(CLIENTS)
    result = build(Project(sample_project), ("capex-note",))
    assert result.ok, result.failed
    approve(Project(sample_project), "capex-note", "Supervisory Analyst")
    return sample_project


def no_deliveries(project) -> bool:
    from sectornotes.distribute import read_records

    return read_records(Project(project)) == []


def settings(mailbox) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=mailbox.port, sender="research@house.example.invalid")


def run(project, mailbox, **kwargs):
    return distribute(Project(project), ("capex-note",), settings(mailbox), TODAY,
                      retry_delays=(0.01, 0.01, 0.01), log=lambda line: None, **kwargs)


def attachment(message) -> bytes:
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    return part.get_payload(decode=True)


def pdf_text(pdf_bytes: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf_bytes)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_each_entitled_address_gets_one_watermarked_copy(project, mailbox, tmp_path):
    result = run(project, mailbox)
    assert result.ok and len(result.sent) == 3
    assert mailbox.recipients() == sorted(ENTITLED)
    for message in mailbox.messages:
        name = email.utils.parseaddr(message["To"])[0]
        assert message["Subject"] == "Capex note — Outperform"
        assert message["List-Id"].endswith("<sector-notes.house.example.invalid>")
        assert message["List-Unsubscribe"] == \
            "<mailto:research@house.example.invalid?subject=unsubscribe>"
        assert '<html lang="en"><head><meta charset="utf-8">' in \
            message.get_body(("html",)).get_content()
        assert "Capex grew 59.1%." in message.get_body(("plain",)).get_content()
        text = pdf_text(attachment(message), tmp_path)
        assert f"Prepared for {name} · 2025-06-01 · ref" in text
        assert "Capex note" in text
        copy_path = tmp_path / "copy.pdf"
        base = (project / "build/pdf/capex-note.pdf").read_bytes()
        assert copy_path.read_bytes().startswith(base)  # derived, not re-rendered
        assert qpdf_problems(copy_path) == []
    again = run(project, mailbox)
    assert again.sent == [] and len(again.skipped) == 3
    assert len(mailbox.messages) == 3


def test_verify_names_the_client_and_detects_alteration(project, mailbox, tmp_path):
    run(project, mailbox)
    runner = CliRunner()
    for message in mailbox.messages:
        address = email.utils.parseaddr(message["To"])[1]
        copy = tmp_path / f"{address}.pdf"
        copy.write_bytes(attachment(message))
        result = runner.invoke(cli, ["-C", str(project), "verify", str(copy)])
        assert result.exit_code == 0, result.output
        assert f"<{address}>" in result.output and result.output.rstrip().endswith("intact")
    altered = tmp_path / "altered.pdf"
    original = attachment(mailbox.messages[0])
    assert b"Capex note" in original
    altered.write_bytes(original.replace(b"Capex note", b"Capex n0te", 1))
    result = runner.invoke(cli, ["-C", str(project), "verify", str(altered)])
    assert result.exit_code == 1 and "ALTERED since it was sent" in result.output
    # The base build only ever went out stamped: a file of exactly its bytes is a copy whose
    # stamp was cut off (tests/test_hostile_distribution.py has the attacks).
    base = runner.invoke(cli, ["-C", str(project), "verify",
                               str(project / "build/pdf/capex-note.pdf")])
    assert base.exit_code == 1 and "a truncated or stripped copy of a delivered note: its " \
        "bytes are exactly build/pdf/capex-note.pdf" in base.output
    (project / "records/sectornotes.sqlite").unlink()  # the records are lost: still traceable
    orphan_copy = tmp_path / "desk@alpha.example.invalid.pdf"
    orphan = runner.invoke(cli, ["-C", str(project), "verify", str(orphan_copy)])
    assert orphan.exit_code == 1
    assert "a copy derived from build/pdf/capex-note.pdf, watermark" in orphan.output


def test_temporary_failure_is_retried_and_permanent_failure_recorded(project, mailbox):
    mailbox.script = ["451 4.3.0 try again later", "250 ok", "550 5.1.1 no such mailbox"]
    result = run(project, mailbox)
    assert len(result.sent) == 2 and len(result.failed) == 1
    failed = result.failed[0]
    assert failed.status == "permanent-failure" and failed.smtp_response.startswith("550")
    assert len(mailbox.messages) == 2
    with Records(Project(project)) as records:
        rows = {row.address: row for row in records.all()}
    assert rows[failed.address].status == "permanent-failure"
    assert rows[failed.address].smtp_response == "550 5.1.1 no such mailbox"
    second = run(project, mailbox)  # a permanent failure is not retried
    assert second.sent == [] and len(mailbox.messages) == 2


def test_a_relay_that_is_down_fails_the_run_at_once_and_records_nothing(project):
    port = free_port()
    dead = SmtpSettings(host="127.0.0.1", port=port, sender="research@house.example.invalid")
    with pytest.raises(SmtpUnavailable, match=rf"cannot deliver through 127\.0\.0\.1:{port} "
                       r"\(none\): connection refused .*; nothing was sent"):
        distribute(Project(project), ("capex-note",), dead, TODAY, retry_delays=(5.0,),
                   log=lambda line: None)
    with Records(Project(project)) as records:
        assert records.all() == []


def test_a_killed_run_resumes_without_sending_twice(project, mailbox):
    code = ("import datetime, sys\nfrom sectornotes.distribute import SmtpSettings, distribute\n"
            "from sectornotes.inputs.project import Project\n"
            f"distribute(Project('.'), ('capex-note',), SmtpSettings(host='127.0.0.1', "
            f"port={mailbox.port}, sender='r@house.example.invalid'), "
            "datetime.date(2025, 6, 1), retry_delays=(5,))\n")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mailbox.kill_pid_at = (2, process.pid)
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert len(mailbox.messages) == 1
    mailbox.kill_pid_at = None
    # The copy in flight when the sender died may or may not have arrived: it is reported
    # for reconciliation, never silently resent; the one never attempted is sent.
    result = run(project, mailbox)
    assert len(result.sent) == 1 and len(result.skipped) == 1 and len(result.unknown) == 1
    assert not result.ok and len(mailbox.messages) == 2
    assert result.unknown[0].status == "in-flight" and result.unknown[0].copy_sha256
    again = run(project, mailbox)
    assert again.sent == [] and len(again.unknown) == 1 and len(mailbox.messages) == 2
    resent = run(project, mailbox, resend_unknown=True)
    assert len(resent.sent) == 1 and resent.ok
    assert mailbox.recipients() == sorted(ENTITLED)


def test_dry_run_lists_recipients_and_exclusions(project, mailbox):
    result = CliRunner().invoke(cli, ["-C", str(project), "distribute", "capex-note",
                                      "--dry-run", "--date", "2025-06-01"])
    assert result.exit_code == 0, result.output
    assert "  send to Beta Partners <b@beta.example.invalid>" in result.stdout
    assert "  exclude Gamma Lapsed: entitlement expired on 2025-01-31" in result.stdout
    assert "  exclude Delta Autos: not entitled to sector 'tech' or note 'capex-note'" in \
        result.stdout
    assert mailbox.messages == [] and no_deliveries(project)


def test_dry_run_after_a_delivery_says_already_sent(project, mailbox):
    mailbox.script = ["250 ok", "550 5.1.1 no such user"]  # b@beta is refused for good
    first = run(project, mailbox)
    assert len(first.sent) == 2 and len(first.failed) == 1
    refused = first.failed[0].address
    result = CliRunner().invoke(cli, ["-C", str(project), "distribute", "capex-note",
                                      "--dry-run", "--date", "2025-06-01"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for address in ENTITLED - {refused}:
        assert any(line.startswith("  already sent to ") and f"<{address}>" in line
                   for line in lines), result.stdout
    assert not any(line.startswith("  send to ") for line in lines), result.stdout
    assert any(f"<{refused}>" in line and "refused for good" in line for line in lines)
    assert len(mailbox.messages) == 2


@pytest.mark.parametrize(("edit", "expected"), [
    (("notes/capex-note.yaml", "status: approved", "status: draft"), "the note is a draft"),
    (("seeds/capex-review.yaml", "value: 59.1,", "value: 59.2,"), "check fails with 1 error(s)"),
    (("seeds/capex-review.yaml", "Big-4 capex reached", "The Big-4 capex reached"),
     "build/pdf/capex-note.pdf is stale (claim big4-capex-q3-2024 changed); run "
     "'sectornotes build capex-note' first"),
])
def test_refused_notes_send_nothing(project, mailbox, edit, expected):
    path, old, new = edit
    edit_file(project / path, old, new)
    with pytest.raises(DistributionRefused, match=re.escape(expected)):
        run(project, mailbox)
    assert mailbox.messages == [] and no_deliveries(project)
    result = CliRunner().invoke(cli, ["-C", str(project), "distribute", "capex-note",
                                      "--smtp-port", str(mailbox.port)])
    assert result.exit_code == 1 and expected in result.output


def test_ledger_log_as_table_and_csv(project, mailbox):
    run(project, mailbox)
    runner = CliRunner()
    table = runner.invoke(cli, ["-C", str(project), "distribute", "--log"]).stdout
    assert table.splitlines()[0].split() == ["note", "client_id", "address", "status",
                                             "attempts", "smtp_response", "updated_at"]
    assert table.count(" sent ") == 3
    csv_text = runner.invoke(cli, ["-C", str(project), "distribute", "--log", "--format",
                                   "csv"]).stdout
    assert csv_text.splitlines()[0].startswith("id,note,build_sha256,client_id")
    assert len(csv_text.splitlines()) == 4


def test_bad_clients_file_fails_check(project):
    bad = replaced(replaced(CLIENTS, "id: beta-partners", "id: alpha-capital"),
                   "notes: [capex-note]", "notes: [capex-notes]")
    (project / "clients.yaml").write_text(bad)
    found = [f.format() for f in check(Project(project)).findings]
    assert ("clients.yaml:6:9: error: clients[1].id: duplicate client id 'alpha-capital' "
            "(also clients[0])") in found
    assert ("clients.yaml:9:28: error: clients[1].entitlements.notes[0]: unknown note "
            "'capex-notes' (did you mean 'capex-note'?)") in found
    (project / "clients.yaml").write_text(replaced(CLIENTS, "c@gamma.example.invalid", "nobody"))
    found = [f.format() for f in check(Project(project)).findings]
    assert found == ["clients.yaml:12:14: error: clients[2].emails[0]: 'nobody' is not an "
                     "email address"]


def test_starttls_with_login_and_a_private_ca(project, tmp_path, monkeypatch):
    import ssl

    from aiosmtpd.smtp import AuthResult

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_require_tls=True)
    controller.start()
    try:
        monkeypatch.setenv("SECTORNOTES_SMTP_PASSWORD", "s3cret")
        secure = SmtpSettings.from_environment(
            host="127.0.0.1", port=controller.port, security="starttls", user="desk",
            cafile=str(cert), sender="research@house.example.invalid")
        result = distribute(Project(project), ("capex-note",), secure, TODAY,
                            retry_delays=(), log=lambda line: None)
    finally:
        controller.stop()
    assert result.ok and len(handler.messages) == 3
    assert set(logins) == {(b"desk", b"s3cret")}
