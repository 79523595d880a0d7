"""The sandbox's own SQLite file (standard library sqlite3, not the project's database).

One connection, one lock: every request that reads or writes holds the lock for one transaction.
That keeps writes simple and fast (WAL, synchronous=NORMAL), and the HTTP threads still overlap on
everything else (parsing, latency, the network).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from accurate_sandbox.http import dumps

SCHEMA = """
CREATE TABLE IF NOT EXISTS databases (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    db_id INTEGER NOT NULL,
    module TEXT NOT NULL,
    number TEXT NOT NULL,
    seed INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS documents_number ON documents (db_id, module, number);
CREATE INDEX IF NOT EXISTS documents_module ON documents (db_id, module, id);
CREATE TABLE IF NOT EXISTS movements (
    doc_id INTEGER NOT NULL,
    db_id INTEGER NOT NULL,
    item_no TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    quantity TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS movements_doc ON movements (doc_id);
CREATE INDEX IF NOT EXISTS movements_stock ON movements (db_id, item_no, warehouse);
CREATE TABLE IF NOT EXISTS tokens (
    access TEXT PRIMARY KEY,
    refresh TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS codes (
    code TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    session TEXT PRIMARY KEY,
    db_id INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


ID_SEQUENCES = ("document", "line")


def loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


class Storage:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly by transaction().
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)
        self.lock = threading.Lock()
        # Record and line ids are handed out in memory and saved with each commit: a bulk call of
        # 100 invoices would otherwise spend 400 statements on counters. A rollback leaves a gap.
        self.ids = {name: 0 for name in ID_SEQUENCES}
        for name, value in self.conn.execute("SELECT name, value FROM sequences"):
            if name in self.ids:
                self.ids[name] = int(value)
        self.ids_saved = dict(self.ids)

    def next_id(self, name: str) -> int:
        """The next record ("document") or line ("line") id; call only inside transaction()."""
        self.ids[name] += 1
        return self.ids[name]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock; rolled back if the block raises."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            if self.ids != self.ids_saved:
                self.conn.executemany(
                    "INSERT INTO sequences (name, value) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    list(self.ids.items()),
                )
                self.ids_saved = dict(self.ids)
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def next_value(conn: sqlite3.Connection, name: str) -> int:
    """The next number of a named sequence (document numbers, line ids), starting at 1."""
    row = conn.execute(
        "INSERT INTO sequences (name, value) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
        (name,),
    ).fetchone()
    return int(row[0])


def document_store(
    conn: sqlite3.Connection,
    *,
    db_id: int,
    module: str,
    number: str,
    data: dict[str, Any],
    seed: bool = False,
) -> str:
    """Insert a document, or replace the one with the same id; returns the stored JSON text."""
    text = dumps(data)
    conn.execute(
        "INSERT INTO documents (id, db_id, module, number, seed, data) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET number = excluded.number, data = excluded.data",
        (int(data["id"]), db_id, module, number, int(seed), text),
    )
    return text


def document_delete(conn: sqlite3.Connection, doc_id: int) -> None:
    conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    conn.execute("DELETE FROM movements WHERE doc_id = ?", (doc_id,))


def document_by_number(
    conn: sqlite3.Connection, db_id: int, module: str, number: str
) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT data FROM documents WHERE db_id = ? AND module = ? AND number = ?", (db_id, module, number)
    ).fetchone()
    return loads(row[0]) if row else None


def document_by_id(conn: sqlite3.Connection, db_id: int, module: str, doc_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT data FROM documents WHERE db_id = ? AND module = ? AND id = ?", (db_id, module, doc_id)
    ).fetchone()
    return loads(row[0]) if row else None


def documents_mentioning(
    conn: sqlite3.Connection, db_id: int, module: str, text: str
) -> list[dict[str, Any]]:
    """The module's documents whose stored JSON contains `text` (a narrowing: callers check fields)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        "SELECT data FROM documents WHERE db_id = ? AND module = ? AND data LIKE ? ESCAPE '\\' ORDER BY id",
        (db_id, module, f"%{escaped}%"),
    ).fetchall()
    return [loads(row[0]) for row in rows]


def documents_numbered(
    conn: sqlite3.Connection, db_id: int, module: str, numbers: list[str]
) -> list[dict[str, Any]]:
    """The documents of `module` with one of `numbers` (through the number index), by id."""
    found: list[tuple[int, str]] = []
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found += conn.execute(
            f"SELECT id, data FROM documents WHERE db_id = ? AND module = ? AND number IN ({marks})",
            (db_id, module, *chunk),
        ).fetchall()
    return [loads(data) for _, data in sorted(found)]


def documents_of(conn: sqlite3.Connection, db_id: int, module: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT data FROM documents WHERE db_id = ? AND module = ? ORDER BY id", (db_id, module)
    ).fetchall()
    return [loads(row[0]) for row in rows]


def movements_replace(
    conn: sqlite3.Connection,
    *,
    db_id: int,
    doc_id: int,
    moves: list[tuple[str, str, Decimal]],
    new: bool = False,
) -> None:
    if not new:
        conn.execute("DELETE FROM movements WHERE doc_id = ?", (doc_id,))
    conn.executemany(
        "INSERT INTO movements (doc_id, db_id, item_no, warehouse, quantity) VALUES (?, ?, ?, ?, ?)",
        [(doc_id, db_id, item, warehouse, str(quantity)) for item, warehouse, quantity in moves],
    )


def stock_of(conn: sqlite3.Connection, db_id: int, item_no: str, warehouse: str) -> Decimal:
    rows = conn.execute(
        "SELECT quantity FROM movements WHERE db_id = ? AND item_no = ? AND warehouse = ?",
        (db_id, item_no, warehouse),
    ).fetchall()
    return sum((Decimal(row[0]) for row in rows), Decimal(0))


def stock_all(conn: sqlite3.Connection) -> dict[int, dict[str, dict[str, Decimal]]]:
    """db id → item no → warehouse → quantity (Decimal sums, never SQLite's float SUM)."""
    result: dict[int, dict[str, dict[str, Decimal]]] = {}
    for db_id, item, warehouse, quantity in conn.execute(
        "SELECT db_id, item_no, warehouse, quantity FROM movements ORDER BY db_id, item_no, warehouse"
    ):
        per_item = result.setdefault(db_id, {}).setdefault(item, {})
        per_item[warehouse] = per_item.get(warehouse, Decimal(0)) + Decimal(quantity)
    return result
