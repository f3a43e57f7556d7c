"""Distribution under faults: an interrupted ledger migration never resends, and a client
copy cut back to the base build is traced to who received it (real SMTP on 127.0.0.1)."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.distribute.records import RecordsError
from sectornotes.inputs.project import Project

from .conftest import fill, small_disk
from .test_delivery import attachment, mailbox, project, run  # noqa: F401 - fixtures
from .test_distribute import Mailbox, running

pytestmark = pytest.mark.slow  # real SMTP servers, full builds

LEGACY_SCHEMA = (
    "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, note TEXT, build_sha256 TEXT, "
    "client_id TEXT, client_name TEXT, address TEXT, watermark_id TEXT, copy_sha256 TEXT, "
    "status TEXT, smtp_response TEXT, attempts INTEGER, created_at TEXT, updated_at TEXT)")


def _legacy_ledger(root) -> sqlite3.Connection:
    legacy = root / "build/distribution.sqlite"
    connection = sqlite3.connect(legacy, isolation_level=None)
    connection.execute(LEGACY_SCHEMA)
    build_sha = hashlib.sha256((root / "build/pdf/capex-note.pdf").read_bytes()).hexdigest()
    connection.execute("INSERT INTO deliveries VALUES (1, 'capex-note', ?, 'alpha-capital', "
                       "'Alpha Capital', 'desk@alpha.example.invalid', 'aa11', 'ff', 'sent', "
                       "'250 ok', 1, '2025-05-01', '2025-05-01')", (build_sha,))
    return connection


def test_a_migration_that_fails_once_sends_nothing_and_is_retried(project, mailbox):  # noqa: F811
    from sectornotes.distribute.approve import approve

    shutil.rmtree(project / "records", ignore_errors=True)
    approve(Project(project), "capex-note", "Supervisory Analyst")
    holder = _legacy_ledger(project)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the old ledger
    try:
        run(project, mailbox)
        raise AssertionError("distribute sent while the old ledger could not be migrated")
    except RecordsError as refused:
        assert "the old delivery ledger could not be read" in str(refused)
        assert "nothing was sent" in str(refused)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert mailbox.messages == []
    result = run(project, mailbox)  # retried: Alpha, served before, is not sent again
    assert len(result.skipped) == 1 and len(result.sent) == 2
    received = {m["To"] for m in mailbox.messages}
    assert "desk@alpha.example.invalid" not in received


def test_a_copy_cut_back_to_the_base_is_traced_to_its_recipients(project, mailbox, tmp_path):  # noqa: F811
    run(project, mailbox)
    base = (project / "build/pdf/capex-note.pdf").read_bytes()
    copy = attachment(mailbox.messages[0])
    assert copy.startswith(base) and len(copy) > len(base)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(copy[:len(base)])  # the stamp's incremental update removed
    result = CliRunner().invoke(cli, ["-C", str(project), "verify", str(cut)])
    assert "a truncated or stripped copy of a delivered note" in result.output
    assert "intact" not in result.output.split("a truncated")[0]
    assert result.exit_code == 1
    for message in mailbox.messages:
        assert message["To"] in result.output or message["To"].split("@")[0] in result.output


def test_verify_of_an_unreadable_file_is_a_message(project, tmp_path):  # noqa: F811
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    result = CliRunner().invoke(cli, ["-C", str(project), "verify", str(junk)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert Project(project).root.exists() and threading.active_count() >= 1


def _distribute(root, *options: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["-C", str(root), "distribute", "capex-note", *options],
                              env=env or {})


def test_a_line_break_in_the_sender_refuses_at_once_and_records_nothing(project, mailbox):  # noqa: F811
    before = (project / "records").exists() and sorted(p.name for p in
                                                      (project / "records").iterdir())
    result = _distribute(project, "--smtp-host", "127.0.0.1", "--smtp-port",
                         str(mailbox.port), "--smtp-from", "desk@house.example\r\nBcc: x@evil")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert mailbox.messages == []
    after = (project / "records").exists() and sorted(p.name for p in
                                                     (project / "records").iterdir())
    assert before == after


def test_a_bad_smtp_timeout_is_a_usage_error(project, mailbox):  # noqa: F811
    for value in ("soon", "-1", "1e9", "nan"):
        result = _distribute(project, "--smtp-host", "127.0.0.1", "--smtp-port",
                             str(mailbox.port), "--smtp-from", "desk@house.example",
                             "--smtp-timeout", value)
        assert result.exit_code == 2, (value, result.output)
        assert "is not a number of seconds" in result.output
    assert mailbox.messages == []


def test_a_past_date_needs_backdate(project, mailbox):  # noqa: F811
    # A lapsed client must not be re-entitled silently by a past --date.
    result = _distribute(project, "--smtp-host", "127.0.0.1", "--smtp-port", str(mailbox.port),
                         "--smtp-from", "desk@house.example", "--date", "2020-01-01")
    assert result.exit_code == 2 and "--backdate" in result.output
    assert mailbox.messages == []
    looked = _distribute(project, "--dry-run", "--date", "2020-01-01")  # looking is allowed
    assert "warning: --backdate: entitlements are judged as of 2020-01-01" in looked.output


class _Vanishing:
    """A relay that takes the whole message, then drops the connection without a reply."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received += 1
        server.transport.close()  # the reply never reaches the sender
        return "250 2.0.0 queued"


def test_no_reply_after_data_is_left_for_reconciliation_not_resent(project):  # noqa: F811
    from sectornotes.distribute import SmtpSettings, distribute

    from .test_delivery import TODAY
    from .test_distribute import running

    with running(_Vanishing()) as relay:
        settings = SmtpSettings(host="127.0.0.1", port=relay.port, sender="desk@house.example")
        first = distribute(Project(project), ("capex-note",), settings, TODAY,
                           retry_delays=(0.01, 0.01), log=lambda line: None)
        assert first.unknown and not first.sent
        received = relay.received
        assert received == len(first.unknown)  # each tried once: never resent in the run
        again = distribute(Project(project), ("capex-note",), settings, TODAY,
                           retry_delays=(0.01, 0.01), log=lambda line: None)
        assert relay.received == received  # a second run sends none of them again
        assert not again.sent


def test_verify_of_an_encrypted_pdf_is_a_message(project, tmp_path):  # noqa: F811
    import pikepdf

    locked = tmp_path / "locked.pdf"
    with pikepdf.open(project / "build/pdf/capex-note.pdf") as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    result = CliRunner().invoke(cli, ["-C", str(project), "verify", str(locked)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "internal error" not in result.output


def test_a_records_file_of_another_kind_is_named_not_a_crash(project):  # noqa: F811
    records = project / "records/sectornotes.sqlite"
    records.parent.mkdir(exist_ok=True)
    for foreign in (b"not a database at all" * 10, None):
        if foreign is None:
            records.unlink()
            other = sqlite3.connect(records)
            other.execute("CREATE TABLE deliveries (x TEXT)")
            other.commit()
            other.close()
        else:
            records.write_bytes(foreign)
        before = records.read_bytes()
        for command in (["records", "list"], ["distribute", "capex-note", "--dry-run"]):
            result = CliRunner().invoke(cli, ["-C", str(project), *command])
            assert result.exit_code != 0 and "Traceback" not in result.output, command
            assert "records/sectornotes.sqlite" in result.output, (command, result.output)
        assert records.read_bytes() == before  # never overwritten


def test_read_only_records_still_list_and_verify_and_distribute_refuses(project, mailbox,  # noqa: F811
                                                                         tmp_path):
    import subprocess

    import pytest

    run(project, mailbox)
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(attachment(mailbox.messages[0]))
    folder = project / "records"
    # Root ignores file modes, so the folder is made read-only as a backup mount would be.
    bound = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip("a read-only bind mount needs root")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        listed = CliRunner().invoke(cli, ["-C", str(project), "records", "list"])
        assert listed.exit_code == 0 and "alpha-capital" in listed.output.lower() or \
            "Alpha Capital" in listed.output
        verified = CliRunner().invoke(cli, ["-C", str(project), "verify", str(copy)])
        assert verified.exit_code == 0 and "Traceback" not in verified.output
        sent = len(mailbox.messages)
        refused = _distribute(project, "--smtp-host", "127.0.0.1", "--smtp-port",
                              str(mailbox.port), "--smtp-from", "desk@house.example")
        assert refused.exit_code == 1 and "records folder records/ cannot be written" in \
            refused.output
        assert len(mailbox.messages) == sent
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_records_export_cannot_run_as_a_formula(project, mailbox, tmp_path):  # noqa: F811
    import csv

    from .conftest import edit_file

    edit_file(project / "clients.yaml", "name: Alpha Capital", 'name: "=HYPERLINK(\\"x\\")"')
    run(project, mailbox)
    exported = tmp_path / "records.csv"
    result = CliRunner().invoke(cli, ["-C", str(project), "records", "export", str(exported)])
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(exported.open(encoding="utf-8")) for cell in row]
    assert "'=HYPERLINK(\"x\")" in cells and '=HYPERLINK("x")' not in cells



@contextlib.contextmanager
def _records_on_a_small_disk(root, tmp_path):
    records = root / "records"
    kept = tmp_path / "records-before"
    shutil.move(records, kept)
    with small_disk(records, "2m"):
        records.chmod(0o700)
        shutil.copytree(kept, records, dirs_exist_ok=True)
        yield records


def _distribute_cli(project, mailbox):  # noqa: F811
    return CliRunner().invoke(cli, ["-C", str(project), "distribute", "capex-note",
                                    "--smtp-host", "127.0.0.1", "--smtp-port", str(mailbox.port),
                                    "--smtp-from", "research@house.example.invalid",
                                    "--date", "2025-06-01", "--backdate", "--retry-delay", "0"])


def test_a_full_records_disk_sends_nothing_and_a_rerun_sends_each_once(
        project, mailbox, tmp_path):  # noqa: F811
    with _records_on_a_small_disk(project, tmp_path) as records:
        filler = fill(records)
        before = {p.name: p.read_bytes() for p in records.iterdir() if p != filler}
        result = _distribute_cli(project, mailbox)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert ("records/distribute.lock: cannot take the distribution lock (No space left on "
                "device); nothing was sent") in result.output
        assert mailbox.messages == []
        after = {p.name: p.read_bytes() for p in records.iterdir() if p != filler}
        assert {name: after.get(name) for name in before} == before  # nothing lost
        filler.unlink()  # space again: each client gets exactly one copy
        again = run(project, mailbox)
        assert len(again.sent) == 3 and len(mailbox.messages) == 3
        assert len({m["To"] for m in mailbox.messages}) == 3


class _FillingMailbox(Mailbox):
    """Accepts the first message, then fills the records disk: the disk fills mid-run."""

    def __init__(self, disk):
        super().__init__()
        self.disk = disk
        self.filler = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        answer = await super().handle_DATA(server, session, envelope)
        if self.filler is None:
            self.filler = fill(self.disk)
        return answer


def test_a_disk_that_fills_mid_run_loses_no_delivery_and_sends_none_twice(
        project, tmp_path):  # noqa: F811 - the fixture
    with _records_on_a_small_disk(project, tmp_path) as records, \
            running(_FillingMailbox(records)) as filling:
        result = _distribute_cli(project, filling)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert ("records/sectornotes.sqlite: the disk is full; nothing half-written was recorded, "
                "and nothing more was sent") in result.output
        assert len(filling.messages) == 1  # the rest waited for their records
        first = filling.messages[0]["To"]
        filling.filler.unlink()
        again = run(project, filling)
        # The first copy, accepted but perhaps not recorded as sent, is never sent again.
        received = [m["To"] for m in filling.messages]
        assert received.count(first) == 1 and len(received) == len(set(received)) == 3
        assert first not in {d.address for d in again.sent}
