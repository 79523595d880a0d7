"""What a data module sees while it validates and saves one record: the database and its references."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accurate_sandbox.data.taxes import TaxRule
from accurate_sandbox.data.values import Invalid
from accurate_sandbox.storage import Storage, document_by_id, document_by_number, next_value

# A stock movement: item no, warehouse name, signed quantity.
Move = tuple[str, str, Decimal]


@dataclass
class Built:
    """A validated record ready to store, and the stock it moves."""

    record: dict[str, Any]
    moves: list[Move] = field(default_factory=list)


@dataclass
class Context:
    storage: Storage
    db_id: int
    tax: TaxRule = field(default_factory=TaxRule)  # how PPN is computed (another rule by a fault)
    # Reference lookups repeat a lot inside one bulk call (the same items, the same warehouse).
    cache: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)

    def find(self, module: str, number: str) -> dict[str, Any] | None:
        key = (module, number)
        if key not in self.cache:
            self.cache[key] = document_by_number(self.conn, self.db_id, module, number)
        return self.cache[key]

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """One record's writes, undone alone when it is refused (the rest of a bulk call goes on)."""
        self.conn.execute("SAVEPOINT record")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO record")
            self.conn.execute("RELEASE record")
            raise
        self.conn.execute("RELEASE record")

    def forget(self, module: str, number: str) -> None:
        self.cache.pop((module, number), None)

    def get(self, module: str, doc_id: int) -> dict[str, Any] | None:
        return document_by_id(self.conn, self.db_id, module, doc_id)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.storage.conn

    def next_line_id(self) -> int:
        return self.storage.next_id("line")

    def next_record_id(self) -> int:
        return self.storage.next_id("document")

    def next_number(self, module: str) -> int:
        return next_value(self.conn, f"number:{self.db_id}:{module}")

    # --- references, each refusing with Accurate's kind of message ---

    def item(self, no: str) -> dict[str, Any]:
        found = self.find("item", no)
        if found is None:
            raise Invalid(f"Barang dengan kode {no} tidak ditemukan")
        return found

    def customer(self, no: str) -> dict[str, Any]:
        found = self.find("customer", no)
        if found is None:
            raise Invalid(f"Pelanggan dengan No {no} tidak ditemukan")
        return found

    def account(self, no: str, *, cash_bank: bool = False) -> dict[str, Any]:
        found = self.find("glaccount", no)
        if found is None:
            raise Invalid(f"Akun dengan No {no} tidak ditemukan")
        if cash_bank and found.get("accountType") != "CASH_BANK":
            raise Invalid(f"Akun {no} bukan akun Kas/Bank")
        return found

    def warehouse(self, name: str) -> str:
        """The warehouse name; empty means the default one (the first non-transit warehouse) [U]."""
        if not name:
            row = self.conn.execute(
                "SELECT number FROM documents WHERE db_id = ? AND module = 'warehouse' "
                "AND json_extract(data, '$.transit') = 0 ORDER BY id LIMIT 1",
                (self.db_id,),
            ).fetchone()
            return str(row[0]) if row else ""
        if self.find("warehouse", name) is None:
            raise Invalid(f"Gudang {name} tidak ditemukan")
        return name

    def branch(self, body: dict[str, Any]) -> dict[str, Any]:
        """The branch by branchName or branchId; required when the database has more than one branch."""
        name = str(body.get("branchName") or "").strip()
        branch_id = str(body.get("branchId") or "").strip()
        if name:
            found = self.find("branch", name)
            if found is None:
                raise Invalid(f"Cabang {name} tidak ditemukan")
            return {"branchName": name, "branchId": found["id"]}
        if branch_id:
            found = self.get("branch", int(branch_id)) if branch_id.isdigit() else None
            if found is None:
                raise Invalid(f"Cabang dengan id {branch_id} tidak ditemukan")
            return {"branchName": found["name"], "branchId": found["id"]}
        rows = self.conn.execute(
            "SELECT number FROM documents WHERE db_id = ? AND module = 'branch' LIMIT 2", (self.db_id,)
        ).fetchall()
        if len(rows) != 1:
            raise Invalid("Cabang harus diisi")
        only = self.find("branch", str(rows[0][0]))
        assert only is not None
        return {"branchName": only["name"], "branchId": only["id"]}
