"""Master data from Accurate (branches, warehouses, accounts, customers), fetched once per connection
and kept, so opening a page spends none of the merchant's rate limit. Refreshed on demand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from mapping.models import AccurateList, Connection
from mapping.services.credentials import accurate_client_for

Row = dict[str, Any]
Kind = AccurateList.Kind


def _branch(row: Row) -> Row:
    return {"id": row["id"], "name": row.get("name") or "", "suspended": bool(row.get("suspended"))}


def _warehouse(row: Row) -> Row:
    return {
        "id": row["id"],
        "name": row.get("name") or "",
        "suspended": bool(row.get("suspended")),
        "transit": bool(row.get("transit")),
    }


def _account(row: Row) -> Row:
    return {
        "id": row["id"],
        "no": str(row.get("no") or ""),
        "name": row.get("name") or "",
        "accountType": row.get("accountType") or "",
        "suspended": bool(row.get("suspended")),
    }


def _customer(row: Row) -> Row:
    # Customers carry their code in `customerNo`; `no` is read too [U].
    number = row.get("customerNo") or row.get("no") or ""
    return {"id": row["id"], "no": str(number), "name": row.get("name") or ""}


# kind → (Accurate module, fields asked for, how a row is kept)
SOURCES: dict[str, tuple[str, tuple[str, ...], Callable[[Row], Row]]] = {
    Kind.BRANCH: ("branch", ("id", "name", "suspended"), _branch),
    Kind.WAREHOUSE: ("warehouse", ("id", "name", "suspended", "transit"), _warehouse),
    Kind.GLACCOUNT: ("glaccount", ("id", "no", "name", "accountType", "suspended"), _account),
    Kind.CUSTOMER: ("customer", ("id", "customerNo", "no", "name"), _customer),
}


def accurate_lists_refresh(*, connection: Connection) -> None:
    """Fetch every list from Accurate and replace the kept ones. Raises AccurateError (nothing is
    replaced then); the fetching happens before the transaction that stores the lists."""
    client = accurate_client_for(connection)
    fetched: dict[str, list[Row]] = {}
    for kind, (module, fields, keep) in SOURCES.items():
        fetched[kind] = [keep(row) for row in client.list(module, fields=fields)]
    now = timezone.now()
    with transaction.atomic():
        for kind, rows in fetched.items():
            AccurateList.objects.update_or_create(
                connection=connection, kind=kind, defaults={"rows": rows, "fetched_at": now}
            )


def branch_create(*, connection: Connection, name: str) -> Row:
    """Create a branch in Accurate, add it to the kept list and return its row."""
    return _create(connection, Kind.BRANCH, {"name": _name(name)})


def warehouse_create(*, connection: Connection, name: str) -> Row:
    """Create a warehouse in Accurate, add it to the kept list and return its row."""
    return _create(connection, Kind.WAREHOUSE, {"name": _name(name)})


def clearing_account_create(*, connection: Connection, no: str, name: str) -> Row:
    """Create a cash/bank account in Accurate (iSellerPay's clearing account), add it to the kept
    list and return its row. [U] `currencyCode` is asked for by some sources when an account is
    created; a store's money is rupiah."""
    record = {"no": _name(no), "name": _name(name), "accountType": "CASH_BANK", "currencyCode": "IDR"}
    return _create(connection, Kind.GLACCOUNT, record)


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValueError("a name is required")
    return name


def _create(connection: Connection, kind: str, record: Row) -> Row:
    module, _, keep = SOURCES[kind]
    saved = accurate_client_for(connection).save(module, record)
    row = keep({**record, **saved.record, "id": saved.id})
    with transaction.atomic():
        kept = AccurateList.objects.select_for_update().filter(connection=connection, kind=kind).first()
        # Never fetched: the first read fetches the whole list, the new row with it.
        if kept is not None and not _has_id(kept.rows, row["id"]):
            kept.rows = [*kept.rows, row]
            kept.save(update_fields=["rows"])
    return row


def _has_id(rows: Iterable[Row], id: Any) -> bool:
    return any(existing.get("id") == id for existing in rows)
