"""What every sandbox starts with: two databases, each with branches, warehouses, accounts and a customer."""

from __future__ import annotations

from typing import Any

from accurate_sandbox.http import dumps
from accurate_sandbox.storage import Storage, document_store

DATABASES: list[dict[str, Any]] = [
    {"id": 101, "alias": "Kopi Nusantara", "expired": False, "trial": False, "admin": True},
    {"id": 102, "alias": "Kopi Nusantara (Trial)", "expired": False, "trial": True, "admin": True},
]

BRANCHES = ["Pusat", "Cabang Bali"]
# (name, transit): transfers between outlets go out to the transit warehouse and in from it.
WAREHOUSES = [("Gudang Utama", False), ("Gudang Bali", False), ("Transit", True)]
ACCOUNTS = [
    ("1101", "Kas", "CASH_BANK"),
    ("1102", "Bank BCA", "CASH_BANK"),
    ("1103", "Kas iSellerPay (clearing)", "CASH_BANK"),
    ("1201", "Piutang Usaha", "ACCOUNT_RECEIVABLE"),
    ("1301", "Persediaan", "INVENTORY"),
    ("2103", "PPN Keluaran", "OTHER_CURRENT_LIABILITY"),
    ("2104", "Uang Muka Pelanggan", "OTHER_CURRENT_LIABILITY"),
    ("4101", "Penjualan", "REVENUE"),
    ("4102", "Pendapatan Jasa/Service", "REVENUE"),
    ("4103", "Diskon Penjualan", "REVENUE"),
    ("5101", "Penyesuaian Persediaan", "COGS"),
    ("6101", "Biaya MDR", "EXPENSE"),
    ("6102", "Selisih Pembulatan", "EXPENSE"),
]
WALK_IN = ("C-WALKIN", "Pelanggan Umum")


def seed_if_empty(storage: Storage) -> None:
    with storage.transaction():
        seed_all(storage)


def seed_all(storage: Storage) -> None:
    conn = storage.conn
    if conn.execute("SELECT 1 FROM databases LIMIT 1").fetchone():
        return
    for database in DATABASES:
        conn.execute("INSERT INTO databases (id, data) VALUES (?, ?)", (database["id"], dumps(database)))
        seed_database(storage, int(database["id"]))


def seed_database(storage: Storage, db_id: int) -> None:
    def add(module: str, number: str, data: dict[str, Any]) -> None:
        record = {"id": storage.next_id("document"), **data}
        document_store(storage.conn, db_id=db_id, module=module, number=number, data=record, seed=True)

    for name in BRANCHES:
        add("branch", name, {"name": name, "suspended": False})
    for name, transit in WAREHOUSES:
        add("warehouse", name, {"name": name, "description": "", "suspended": False, "transit": transit})
    for no, name, account_type in ACCOUNTS:
        add("glaccount", no, {"no": no, "name": name, "accountType": account_type, "suspended": False})
    no, name = WALK_IN
    add("customer", no, {"customerNo": no, "name": name, "suspended": False})
