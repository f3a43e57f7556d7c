"""The delivery records: records/sectornotes.sqlite, outside build/.

Every delivery is a row, created as `pending`, marked `in-flight` before the
message's DATA is sent and `sent` once the server accepted it, so that no
crash can make a copy go out twice: an `in-flight` row left by a killed run
means "maybe delivered" and is reported for reconciliation, not resent.
`clean` never touches this folder; the records are kept for years.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
import sqlite3
from collections.abc import Callable
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import TextIO

from ..errors import SectornotesError
from ..project import Project

RECORDS_FILE = "sectornotes.sqlite"
LEGACY_LEDGER = "distribution.sqlite"  # in build/, before the records moved out of it

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    build_sha256 TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_name TEXT NOT NULL,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL,      -- the address normalised: one copy per address_key
    watermark_id TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL,
    copy_sha256 TEXT,
    status TEXT NOT NULL,           -- pending | in-flight | sent | failed | permanent-failure
    smtp_response TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (note, build_sha256, address_key)
)
"""


APPROVALS = """
CREATE TABLE IF NOT EXISTS approvals (
    id INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    build_sha256 TEXT NOT NULL,     -- exactly the PDF approved
    approver TEXT NOT NULL,
    approved_at TEXT NOT NULL
)
"""

DISSEMINATIONS = """
CREATE TABLE IF NOT EXISTS disseminations (
    note TEXT PRIMARY KEY,
    first_at TEXT NOT NULL          -- when the note first went to a client (UTC, ISO 8601)
)
"""


@dataclass
class Approval:
    """A supervisory sign-off of one built PDF of a note."""

    id: int
    note: str
    build_sha256: str
    approver: str
    approved_at: str


class RecordsError(SectornotesError):
    """The records database cannot be opened or written."""


@dataclass
class Delivery:
    """One row: one copy of one build of a note to one address."""

    id: int
    note: str
    build_sha256: str
    client_id: str
    client_name: str
    address: str
    address_key: str
    watermark_id: str
    message_id: str
    copy_sha256: str | None
    status: str
    smtp_response: str | None
    attempts: int
    created_at: str
    updated_at: str


COLUMNS = tuple(f.name for f in fields(Delivery))


def normalized_address(address: str) -> str:
    """The form two spellings of one mailbox share (case and surrounding space ignored)."""
    return address.strip().casefold()


def records_path(project: Project) -> Path:
    """records/sectornotes.sqlite: outside build/, so `clean` never removes it."""
    return project.records_dir / RECORDS_FILE


def now_utc() -> str:
    """The time a row changed, to the second, in UTC (ISO 8601)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Records:
    """The records database; every change is committed at once (a crash loses nothing)."""

    def __init__(self, project: Project):
        self.path = records_path(project)
        legacy = project.build_dir / LEGACY_LEDGER
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            self.connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute(SCHEMA)
            self.connection.execute(APPROVALS)
            self.connection.execute(DISSEMINATIONS)
            if fresh and legacy.is_file():
                self._migrate(legacy)
        except (sqlite3.DatabaseError, OSError) as error:
            raise RecordsError(
                f"cannot open the delivery records {project.relative(self.path)}: {error}; "
                "check the file's permissions, or restore it from your backup (it is the "
                "record of who received what)") from None

    def close(self) -> None:
        """Close the database (every change is already committed)."""
        self.connection.close()

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self, legacy: Path) -> None:
        """Copy the deliveries of build/distribution.sqlite (its old home) into the records."""
        old = sqlite3.connect(legacy)
        try:
            rows = old.execute(
                "SELECT note, build_sha256, client_id, client_name, address, watermark_id, "
                "copy_sha256, status, smtp_response, attempts, created_at, updated_at "
                "FROM deliveries ORDER BY id").fetchall()
        finally:
            old.close()
        for row in rows:
            note, build, client_id, name, address, watermark = row[:6]
            self.connection.execute(
                "INSERT OR IGNORE INTO deliveries (note, build_sha256, client_id, client_name, "
                "address, address_key, watermark_id, message_id, copy_sha256, status, "
                "smtp_response, attempts, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (note, build, client_id, name, address, normalized_address(address), watermark,
                 "", *row[6:]))
        legacy.rename(legacy.with_suffix(".sqlite.migrated"))

    def reserve(self, note: str, build_sha256: str, client_id: str, client_name: str,
                address: str, watermark_id: str, message_id: str) -> Delivery:
        """The row for this delivery, created as pending if new (ids of an old row are kept)."""
        now = now_utc()
        self.connection.execute(
            "INSERT OR IGNORE INTO deliveries (note, build_sha256, client_id, client_name, "
            "address, address_key, watermark_id, message_id, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (note, build_sha256, client_id, client_name, address, normalized_address(address),
             watermark_id, message_id, now, now))
        found = self._one("note = ? AND build_sha256 = ? AND address_key = ?",
                          (note, build_sha256, normalized_address(address)))
        assert found is not None  # inserted or already there
        return found

    def find(self, note: str, build_sha256: str, address: str) -> Delivery | None:
        """The row of an earlier attempt at this delivery, if any."""
        return self._one("note = ? AND build_sha256 = ? AND address_key = ?",
                         (note, build_sha256, normalized_address(address)))

    def mark_in_flight(self, delivery: Delivery, copy_sha256: str) -> None:
        """Recorded before DATA: from here on, a crash means 'maybe delivered'."""
        self._set(delivery, "in-flight", None, copy_sha256, attempt=True)

    def mark(self, delivery: Delivery, status: str, response: str) -> None:
        """The outcome of the attempt in flight (or of a refusal before it)."""
        self._set(delivery, status, response, None, attempt=False)

    def _set(self, delivery: Delivery, status: str, response: str | None,
             copy_sha256: str | None, attempt: bool) -> None:
        now = now_utc()
        self.connection.execute(
            "UPDATE deliveries SET status = ?, smtp_response = COALESCE(?, smtp_response), "
            "copy_sha256 = COALESCE(?, copy_sha256), attempts = attempts + ?, updated_at = ? "
            "WHERE id = ?", (status, response, copy_sha256, int(attempt), now, delivery.id))
        delivery.status, delivery.updated_at = status, now
        delivery.attempts += int(attempt)
        if response is not None:
            delivery.smtp_response = response
        if copy_sha256 is not None:
            delivery.copy_sha256 = copy_sha256

    def approve(self, note: str, build_sha256: str, approver: str) -> Approval:
        """Record that `approver` signed off exactly this build of the note."""
        cursor = self.connection.execute(
            "INSERT INTO approvals (note, build_sha256, approver, approved_at) VALUES (?, ?, ?, ?)",
            (note, build_sha256, approver, now_utc()))
        return Approval(int(cursor.lastrowid or 0), note, build_sha256, approver, now_utc())

    def approvals(self, note: str | None = None) -> list[Approval]:
        """The approval trail, oldest first (of one note, or of all)."""
        query = "SELECT id, note, build_sha256, approver, approved_at FROM approvals"
        rows = (self.connection.execute(query + " WHERE note = ? ORDER BY id", (note,))
                if note else self.connection.execute(query + " ORDER BY id"))
        return [Approval(*row) for row in rows]

    def first_dissemination(self, note: str) -> str | None:
        """When the note first went to a client (UTC, ISO 8601), if it has."""
        row = self.connection.execute("SELECT first_at FROM disseminations WHERE note = ?",
                                      (note,)).fetchone()
        return str(row[0]) if row else None

    def record_dissemination(self, note: str, first_at: str) -> None:
        """Keep `first_at` as the note's first dissemination unless one is recorded."""
        self.connection.execute("INSERT OR IGNORE INTO disseminations (note, first_at) "
                                "VALUES (?, ?)", (note, first_at))

    def by_watermark(self, watermark_id: str) -> Delivery | None:
        """The delivery a copy's watermark id belongs to, if any (for `verify`)."""
        return self._one("watermark_id = ?", (watermark_id,))

    def all(self) -> list[Delivery]:
        """Every delivery, oldest first."""
        rows = self.connection.execute(f"SELECT {', '.join(COLUMNS)} FROM deliveries ORDER BY id")
        return [Delivery(*row) for row in rows]

    def _one(self, where: str, parameters: tuple[object, ...]) -> Delivery | None:
        row = self.connection.execute(
            f"SELECT {', '.join(COLUMNS)} FROM deliveries WHERE {where}", parameters).fetchone()
        return Delivery(*row) if row else None


def read_records(project: Project) -> list[Delivery]:
    """Every delivery recorded (none when the project never distributed)."""
    if not records_path(project).exists() and not (project.build_dir / LEGACY_LEDGER).exists():
        return []
    with Records(project) as records:
        return records.all()


def deliveries_csv(deliveries: list[Delivery]) -> str:
    """The records as CSV, every column, for the compliance archive."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(astuple(d) for d in deliveries)
    return buffer.getvalue()


def deliveries_table(deliveries: list[Delivery]) -> str:
    """The records as an aligned table of the columns a person scans."""
    if not deliveries:
        return "no deliveries recorded yet (records/sectornotes.sqlite)"
    shown = ("note", "client_id", "address", "status", "attempts", "smtp_response", "updated_at")
    table = [list(shown)] + [[str(getattr(d, c) or "")[:48] for c in shown] for d in deliveries]
    widths = [max(len(row[i]) for row in table) for i in range(len(shown))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     for row in table)


class DistributionLock:
    """One distribution at a time per project: a second run waits for the first.

    A POSIX record lock on records/distribute.lock: released by the OS when the
    holder dies, never inherited by child processes.
    """

    def __init__(self, project: Project, log: Callable[[str], None]):
        self.path = project.records_dir / "distribute.lock"
        self.log = log
        self.handle: TextIO | None = None

    def __enter__(self) -> DistributionLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            handle.seek(0)
            self.log(f"waiting for another distribution of this project "
                     f"(pid {handle.read().strip() or 'unknown'}) to finish")
            fcntl.lockf(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is not None:
            fcntl.lockf(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
