"""Master data: items, customers, branches, warehouses and GL accounts."""

from __future__ import annotations

from typing import Any

from accurate_sandbox.data.context import Built, Context
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, flag, money, text

ITEM_TYPES = {"INVENTORY", "NON_INVENTORY", "SERVICE", "GROUP"}
ITEM_NO_MAX = 30
ACCOUNT_TYPES = {
    "CASH_BANK", "ACCOUNT_RECEIVABLE", "INVENTORY", "OTHER_CURRENT_ASSET", "FIXED_ASSET",
    "ACCUMULATED_DEPRECIATION", "OTHER_ASSET", "ACCOUNT_PAYABLE", "OTHER_CURRENT_LIABILITY",
    "LONG_TERM_LIABILITY", "EQUITY", "REVENUE", "COGS", "EXPENSE", "OTHER_EXPENSE", "OTHER_INCOME",
}  # fmt: skip


def build_item(ctx: Context, body: dict[str, Any]) -> Built:
    no = text(body, "no")
    if len(no) > ITEM_NO_MAX:
        raise Invalid(f"Kode Barang maksimal {ITEM_NO_MAX} karakter")
    item_type = text(body, "itemType") or "INVENTORY"
    if item_type not in ITEM_TYPES:
        raise Invalid("Invalid field value for field itemType")
    barcode_unique(ctx, no, text(body, "upcNo"))
    record = {
        "no": no,
        "name": text(body, "name", required=True, label="Nama Barang"),
        "itemType": item_type,
        "unit1Name": text(body, "unit1Name") or "PCS",
        "unitPrice": money(body, "unitPrice"),
        "upcNo": text(body, "upcNo"),
        "itemCategoryName": text(body, "itemCategoryName") or "Umum",
        # The item's PPN by the tax's name [U]; kept, not used: a line's tax is its useTax1 flag.
        "tax1Name": text(body, "tax1Name"),
        "suspended": flag(body, "suspended"),
    }
    return Built(record)


def barcode_unique(ctx: Context, no: str, barcode: str) -> None:
    """Accurate keeps barcodes unique among items: another item's barcode is refused, naming the
    field and the value (wording [U])."""
    if not barcode:
        return
    other = ctx.conn.execute(
        "SELECT 1 FROM documents WHERE db_id = ? AND module = 'item' AND number != ? "
        "AND json_extract(data, '$.upcNo') = ? LIMIT 1",
        (ctx.db_id, no, barcode),
    ).fetchone()
    if other is not None:
        raise Invalid(f"Sudah ada data lain dengan UPC/Barcode {barcode}")


def build_customer(ctx: Context, body: dict[str, Any]) -> Built:
    record = {
        "customerNo": text(body, "customerNo"),
        "name": text(body, "name", required=True, label="Nama Pelanggan"),
        "email": text(body, "email"),
        "mobilePhone": text(body, "mobilePhone"),
        "suspended": flag(body, "suspended"),
    }
    return Built(record)


def build_branch(ctx: Context, body: dict[str, Any]) -> Built:
    return Built({"name": text(body, "name"), "suspended": flag(body, "suspended")})


def build_warehouse(ctx: Context, body: dict[str, Any]) -> Built:
    record = {
        "name": text(body, "name"),
        "description": text(body, "description"),
        "suspended": flag(body, "suspended"),
        "transit": flag(body, "transit"),
    }
    return Built(record)


def build_account(ctx: Context, body: dict[str, Any]) -> Built:
    account_type = text(body, "accountType", required=True, label="Tipe Akun")
    if account_type not in ACCOUNT_TYPES:
        raise Invalid("Invalid field value for field accountType")
    record = {
        "no": text(body, "no"),
        "name": text(body, "name", required=True, label="Nama Akun"),
        "accountType": account_type,
        "suspended": flag(body, "suspended"),
    }
    return Built(record)


SPECS = [
    ModuleSpec("item", "item", "no", build_item, key_label="Kode Barang"),
    # Customers are numbered by Accurate when no customerNo is sent; `no` is accepted too [U].
    ModuleSpec("customer", "customer", "customerNo", build_customer, prefix="C", key_aliases=("no",)),
    ModuleSpec("branch", "branch", "name", build_branch, key_label="Nama Cabang"),
    ModuleSpec("warehouse", "warehouse", "name", build_warehouse, key_label="Nama Gudang"),
    ModuleSpec("glaccount", "glaccount", "no", build_account, key_label="No Akun"),
]
