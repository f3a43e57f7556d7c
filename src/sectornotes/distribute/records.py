"""The delivery records: records/sectornotes.sqlite, outside build/.

Every delivery is a row, created as `pending`, marked `in-flight` before the
message's DATA is sent and `sent` once the server accepted it, so that no
crash can make a copy go out twice: an `in-flight` row left by a killed run
means "maybe delivered" and is reported for reconciliation, not resent.
`clean` never touches this folder; the records are kept for years.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import astuple, fields
from pathlib import Path

from ..inputs.project import Project
from .lock import DistributionLock, require_writable
from .rows import (
    COLUMNS,
    Approval,
    Delivery,
    RecordsError,
    deliveries_csv,
    deliveries_table,
    normalized_address,
    now_utc,
)

# The rows and the lock live beside this module; their old import path still works.
__all__ = ["COLUMNS", "Approval", "Delivery", "DistributionLock", "Records", "RecordsError",
           "deliveries_csv", "deliveries_table", "legacy_rows", "normalized_address", "now_utc",
           "read_records", "records_path", "require_writable"]

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


def records_path(project: Project) -> Path:
    """records/sectornotes.sqlite: outside build/, so `clean` never removes it."""
    return project.records_dir / RECORDS_FILE


META = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

TABLES = {"deliveries": set(COLUMNS), "approvals": {f.name for f in fields(Approval)},
          "disseminations": {"note", "first_at"}, "meta": {"key", "value"}}
LEGACY_COLUMNS = ("note", "build_sha256", "client_id", "client_name", "address", "watermark_id",
                  "copy_sha256", "status", "smtp_response", "attempts", "created_at",
                  "updated_at")
LEGACY_TIMEOUT = 5.0  # seconds to wait for an old ledger another program holds locked


class Records:
    """The records database; every change is committed at once (a crash loses nothing).

    `read_only=True` (list, export, verify) opens the file read-only and creates
    nothing, so the records can be read from a read-only folder or backup, and
    shows the rows of an old ledger not migrated yet. Opened for writing, an old
    ledger in build/ is migrated first, in one transaction marked complete in
    the records; until that succeeds nothing can be recorded (or sent).
    """

    def __init__(self, project: Project, read_only: bool = False):
        self.path = records_path(project)
        self.display = project.relative(self.path)
        self.legacy = project.build_dir / LEGACY_LEDGER
        self.read_only = read_only
        self.connection: sqlite3.Connection | None = None
        try:
            self.connection = (self._open_read_only() if read_only else self._open_writable())
        except sqlite3.DatabaseError as error:
            self.close()
            raise self._error("cannot open", error) from None
        except RecordsError:
            self.close()
            raise
        except OSError as error:
            self.close()
            raise RecordsError(
                f"cannot open the delivery records {self.display}: {error.strerror or error}; "
                "check that the folder exists, is writable and has space") from None

    @property
    def db(self) -> sqlite3.Connection:
        """The open connection (an error once closed)."""
        if self.connection is None:
            raise RecordsError(f"the delivery records {self.display} are closed")
        return self.connection

    def _error(self, doing: str, error: BaseException) -> RecordsError:
        if isinstance(error, sqlite3.DatabaseError) and "not a database" in str(error):
            return RecordsError(
                f"cannot open the delivery records {self.display}: it is not an SQLite "
                "database; move it aside and restore the records from your backup (they are "
                "the record of who received what)")
        if "full" in str(error) or getattr(error, "sqlite_errorname", "") == "SQLITE_FULL":
            return RecordsError(
                f"{self.display}: the disk is full; nothing half-written was recorded, and "
                "nothing more was sent: free space, then run distribute again (a copy that "
                "was being sent is reported for reconciliation)")
        if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY":
            return RecordsError(
                f"{self.display}: read-only ({error}); distribute and approve record every "
                "change before acting: make the records folder writable")
        return RecordsError(
            f"{doing} the delivery records {self.display}: {error}; check the file's "
            "permissions, or restore it from your backup (it is the record of who received "
            "what)")

    def _open_read_only(self) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None  # never distributed: no rows, and nothing is created
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A read-only folder: SQLite cannot make the shared-memory file WAL readers
            # use, so the file is read as it stands (no other run can be writing there).
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        self._check_schema(connection)
        return connection

    def _open_writable(self) -> sqlite3.Connection:
        require_writable(self.path.parent, self.display)
        fresh = not self.path.exists()
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        if fresh:  # client names and addresses: the owner's alone (outputs are 0644)
            os.chmod(self.path, 0o600)
            os.chmod(self.path.parent, 0o700)
        self.connection = connection
        self._check_schema(connection)
        # A rollback journal, not WAL: a WAL file can only be read by a process that can
        # write beside it (its shared-memory index), and read-only commands (list, export,
        # verify) must create nothing and work from a read-only folder or backup.
        # Distributions are serialised by their lock, so WAL's concurrency buys nothing.
        connection.execute("PRAGMA journal_mode=DELETE")
        for table in (SCHEMA, APPROVALS, DISSEMINATIONS, META):
            connection.execute(table)
        if self.legacy.is_file():
            self._migrate()
        return connection

    def _check_schema(self, connection: sqlite3.Connection) -> None:
        """Refuse a file that is not ours: never add tables to someone else's database."""
        tables = {str(row[0]) for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        foreign = sorted(t for t in tables if t not in TABLES and not t.startswith("sqlite_"))
        missing = {}
        for table in tables & set(TABLES):
            columns = {str(row[1]) for row in connection.execute(f"PRAGMA table_info({table})")}
            if TABLES[table] - columns:
                missing[table] = sorted(TABLES[table] - columns)
        if foreign or missing:
            what = (f"it holds other tables ({', '.join(foreign[:5])})" if foreign else
                    "its tables lack columns (" + "; ".join(
                        f"{t}: {', '.join(c)}" for t, c in sorted(missing.items())) + ")")
            raise RecordsError(
                f"cannot open the delivery records {self.display}: it is not a sectornotes "
                f"records file: {what}; move it aside and restore the records from your "
                "backup (nothing was written to it)")

    def close(self) -> None:
        """Close the database (every change is already committed)."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self) -> None:
        """Move the deliveries of build/distribution.sqlite (its old home) into the records.

        All rows and the mark "migrated" go in one transaction: a migration that
        fails (the old file locked, damaged) leaves the records as they were and
        is tried again by the next command, which refuses to send until it works.
        Rows already there are kept (migrating twice changes nothing), except that
        what the old ledger knew was sent or in flight wins over a later pending or
        failed row, so a copy is never sent twice.
        """
        display = f"build/{LEGACY_LEDGER}"
        try:
            rows = legacy_rows(self.legacy)
        except sqlite3.Error as error:
            raise RecordsError(
                f"{display}: the old delivery ledger could not be read ({error}), so it "
                f"was not migrated into {self.display}; nothing was sent: close the program "
                "holding it (or restore it) and run again, the migration is retried") from None
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                self._insert_legacy(db, row)
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                       ("legacy-ledger-migrated", now_utc()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        try:
            self.legacy.rename(self.legacy.with_suffix(".sqlite.migrated"))
        except OSError:
            pass  # migrated and marked: the next command migrates it again, changing nothing

    @staticmethod
    def _insert_legacy(db: sqlite3.Connection, row: Delivery) -> None:
        db.execute(
            "INSERT OR IGNORE INTO deliveries (note, build_sha256, client_id, client_name, "
            "address, address_key, watermark_id, message_id, copy_sha256, status, "
            "smtp_response, attempts, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", astuple(row)[1:])
        if row.status in ("sent", "in-flight"):
            db.execute("UPDATE deliveries SET status = ?, copy_sha256 = ?, smtp_response = ? "
                       "WHERE note = ? AND build_sha256 = ? AND address_key = ? "
                       "AND status IN ('pending', 'failed')",
                       (row.status, row.copy_sha256, row.smtp_response, row.note,
                        row.build_sha256, row.address_key))

    def _run(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """One statement, committed at once; a database error names the file (disk full …)."""
        if self.connection is None:  # read-only, and the project never distributed
            return []
        if self.read_only and not sql.lstrip().upper().startswith("SELECT"):
            raise RecordsError(f"the delivery records {self.display} are open read-only")
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._error("cannot write to" if not self.read_only else "cannot read",
                              error) from None

    def reserve(self, note: str, build_sha256: str, client_id: str, client_name: str,
                address: str, watermark_id: str, message_id: str) -> Delivery:
        """The row for this delivery, created as pending if new (ids of an old row are kept)."""
        now = now_utc()
        self._run(
            "INSERT OR IGNORE INTO deliveries (note, build_sha256, client_id, client_name, "
            "address, address_key, watermark_id, message_id, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (note, build_sha256, client_id, client_name, address, normalized_address(address),
             watermark_id, message_id, now, now))
        found = self.find(note, build_sha256, address)
        assert found is not None  # inserted or already there
        return found

    def find(self, note: str, build_sha256: str, address: str) -> Delivery | None:
        """The row of an earlier attempt at this delivery, if any."""
        found = self._select("note = ? AND build_sha256 = ? AND address_key = ?",
                             (note, build_sha256, normalized_address(address)))
        return found[0] if found else None

    def mark_in_flight(self, delivery: Delivery, copy_sha256: str) -> None:
        """Recorded before DATA: from here on, a crash means 'maybe delivered'."""
        self._set(delivery, "in-flight", None, copy_sha256, attempt=True)

    def mark(self, delivery: Delivery, status: str, response: str) -> None:
        """The outcome of the attempt in flight (or of a refusal before it)."""
        self._set(delivery, status, response, None, attempt=False)

    def _set(self, delivery: Delivery, status: str, response: str | None,
             copy_sha256: str | None, attempt: bool) -> None:
        now = now_utc()
        self._run(
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
        at = now_utc()
        self._run("INSERT INTO approvals (note, build_sha256, approver, approved_at) "
                  "VALUES (?, ?, ?, ?)", (note, build_sha256, approver, at))
        row = self._run("SELECT max(id) FROM approvals")
        return Approval(int(str(row[0][0] or 0)), note, build_sha256, approver, at)

    def approvals(self, note: str | None = None) -> list[Approval]:
        """The approval trail, oldest first (of one note, or of all)."""
        query = "SELECT id, note, build_sha256, approver, approved_at FROM approvals"
        rows = (self._run(query + " WHERE note = ? ORDER BY id", (note,))
                if note else self._run(query + " ORDER BY id"))
        return [Approval(*row) for row in rows]  # type: ignore[arg-type]  # the columns above

    def first_dissemination(self, note: str) -> str | None:
        """When the note first went to a client (UTC, ISO 8601), if it has."""
        rows = self._run("SELECT first_at FROM disseminations WHERE note = ?", (note,))
        return str(rows[0][0]) if rows else None

    def record_dissemination(self, note: str, first_at: str) -> None:
        """Keep `first_at` as the note's first dissemination unless one is recorded."""
        self._run("INSERT OR IGNORE INTO disseminations (note, first_at) VALUES (?, ?)",
                  (note, first_at))

    def by_watermark(self, watermark_id: str) -> Delivery | None:
        """The delivery a copy's watermark id belongs to, if any (for `verify`)."""
        found = [d for d in self._with_legacy(self._select("watermark_id = ?", (watermark_id,)))
                 if d.watermark_id == watermark_id]
        return found[0] if found else None

    def of_build(self, build_sha256: str) -> list[Delivery]:
        """Every delivery of one build of a note (who received that PDF), oldest first."""
        return [d for d in self._with_legacy(self._select("build_sha256 = ?", (build_sha256,)))
                if d.build_sha256 == build_sha256]

    def all(self) -> list[Delivery]:
        """Every delivery, oldest first (and, read-only, an old ledger's not migrated yet)."""
        return self._with_legacy(self._select("1 = 1", ()))

    def _select(self, where: str, parameters: tuple[object, ...]) -> list[Delivery]:
        rows = self._run(f"SELECT {', '.join(COLUMNS)} FROM deliveries WHERE {where} "
                         "ORDER BY id", parameters)
        return [Delivery(*row) for row in rows]  # type: ignore[arg-type]  # COLUMNS

    def _with_legacy(self, rows: list[Delivery]) -> list[Delivery]:
        """Read-only, an old ledger not migrated yet still counts: its rows come after."""
        if not self.read_only or not self.legacy.is_file():
            return rows
        try:
            old = legacy_rows(self.legacy)
        except sqlite3.Error as error:
            raise RecordsError(f"build/{LEGACY_LEDGER}: the old delivery ledger (not migrated "
                               f"yet) cannot be read: {error}") from None
        known = {d.watermark_id for d in rows}
        return rows + [d for d in old if d.watermark_id not in known]


def legacy_rows(ledger: Path) -> list[Delivery]:
    """The deliveries of an old build/distribution.sqlite, read-only, as records rows."""
    connection = sqlite3.connect(f"{ledger.resolve().as_uri()}?mode=ro", uri=True,
                                 timeout=LEGACY_TIMEOUT)
    try:
        rows = connection.execute(f"SELECT {', '.join(LEGACY_COLUMNS)} FROM deliveries "
                                  "ORDER BY id").fetchall()
    finally:
        connection.close()
    return [Delivery(0, note, build, client_id, name, address, normalized_address(address),
                     watermark, "", *rest)
            for note, build, client_id, name, address, watermark, *rest in rows]


def read_records(project: Project) -> list[Delivery]:
    """Every delivery recorded (none when the project never distributed); opened read-only."""
    with Records(project, read_only=True) as records:
        return records.all()
