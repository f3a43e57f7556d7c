"""build/distribution.sqlite: every delivery, so nothing is sent twice."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    build_sha256 TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_name TEXT NOT NULL,
    address TEXT NOT NULL,
    watermark_id TEXT NOT NULL UNIQUE,
    copy_sha256 TEXT,
    status TEXT NOT NULL,           -- pending | sent | failed | permanent-failure
    smtp_response TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (note, build_sha256, client_id, address)
)
"""
COLUMNS = ("id", "note", "build_sha256", "client_id", "client_name", "address", "watermark_id",
           "copy_sha256", "status", "smtp_response", "attempts", "created_at", "updated_at")


@dataclass
class Delivery:
    """One row of the ledger: one copy of one build of a note to one address."""

    id: int
    note: str
    build_sha256: str
    client_id: str
    client_name: str
    address: str
    watermark_id: str
    copy_sha256: str | None
    status: str
    smtp_response: str | None
    attempts: int
    created_at: str
    updated_at: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Ledger:
    """The SQLite ledger; every change is committed at once (a crash loses nothing)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute(SCHEMA)

    def close(self) -> None:
        self.connection.close()

    def reserve(self, note: str, build_sha256: str, client_id: str, client_name: str,
                address: str, watermark_id: str) -> Delivery:
        """The row for this delivery, created as pending if new (its watermark id is kept)."""
        now = _now()
        self.connection.execute(
            "INSERT OR IGNORE INTO deliveries (note, build_sha256, client_id, client_name, "
            "address, watermark_id, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (note, build_sha256, client_id, client_name, address, watermark_id, now, now))
        return self._one("note = ? AND build_sha256 = ? AND client_id = ? AND address = ?",
                         (note, build_sha256, client_id, address))

    def update(self, delivery_id: int, status: str, response: str,
               copy_sha256: str | None = None) -> None:
        self.connection.execute(
            "UPDATE deliveries SET status = ?, smtp_response = ?, attempts = attempts + 1, "
            "copy_sha256 = COALESCE(?, copy_sha256), updated_at = ? WHERE id = ?",
            (status, response, copy_sha256, _now(), delivery_id))

    def by_watermark(self, watermark_id: str) -> Delivery | None:
        return self._one("watermark_id = ?", (watermark_id,))

    def all(self) -> list[Delivery]:
        rows = self.connection.execute(f"SELECT {', '.join(COLUMNS)} FROM deliveries ORDER BY id")
        return [Delivery(*row) for row in rows]

    def _one(self, where: str, parameters: tuple) -> Delivery | None:
        row = self.connection.execute(
            f"SELECT {', '.join(COLUMNS)} FROM deliveries WHERE {where}", parameters).fetchone()
        return Delivery(*row) if row else None
