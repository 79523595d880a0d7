"""Accurate's side of one outlet's day, read with list.do: every page of each module's documents of
that date and branch, with the fields the comparison needs.

Calls go through the connection's client (its rate limiter, token and session renewals); the seam is
wrapped to count what a check costs. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import accurate
from accurate import Filter
from accurate.http import HttpAnswer, Seam
from sync.mappers.numbers import METHOD_CODES
from sync.mappers.types import (
    ITEM_ADJUSTMENT,
    ITEM_TRANSFER,
    OTHER_DEPOSIT,
    OTHER_PAYMENT,
    SALES_INVOICE,
    SALES_RECEIPT,
    SALES_RETURN,
)

from . import figures
from .figures import Doc, moved

MODULES = (
    SALES_INVOICE,
    SALES_RECEIPT,
    SALES_RETURN,
    OTHER_DEPOSIT,
    OTHER_PAYMENT,
    ITEM_TRANSFER,
    ITEM_ADJUSTMENT,
)
# [S] filter.<field>.op / val[n] on list.do, dates dd/MM/yyyy. [U] Whether Accurate filters on
# branchName: every row is checked again here, so a filter it ignores costs pages, never a wrong count.
DATE_FILTER = "transDate"
BRANCH_FILTER = "branchName"
COMMON_FIELDS = ("id", "number", "transDate", "branchName")
# [U] The amount of each module as list.do names it. `totalAmount` of an invoice is [S]; the others
# are the fields the sandbox returns. Several are asked for and the first present is read; a row with
# none of them stops the check (a misspelt field is dropped silently [S]: never read it as zero).
AMOUNT_FIELDS: dict[str, tuple[str, ...]] = {
    SALES_INVOICE: ("totalAmount",),
    SALES_RECEIPT: ("chequeAmount", "totalAmount"),
    SALES_RETURN: ("totalAmount",),
    OTHER_DEPOSIT: ("totalAmount",),
    # [U] An other payment's total: `totalAmount` as the engine reads it after a save (and the
    # sandbox answers), else `amount`, the name of its lines' figure, should Accurate use it there too.
    OTHER_PAYMENT: ("totalAmount", "amount"),
}
# [U] Whether list.do returns a document's lines when asked for `detailItem`: when a row comes back
# without them, its lines are read with detail.do (one more call per stock document of the outlet).
LINES_FIELD = "detailItem"
STOCK_FIELDS = {
    ITEM_TRANSFER: ("itemTransferType", "warehouseName", LINES_FIELD),
    ITEM_ADJUSTMENT: (LINES_FIELD,),
}
ROLE_OF_MODULE = {
    SALES_INVOICE: figures.SALE,
    SALES_RECEIPT: figures.RECEIPT,
    SALES_RETURN: figures.RETURN,
    OTHER_DEPOSIT: figures.DEPOSIT,
    OTHER_PAYMENT: figures.MONEY_OUT,
}
# Modules whose number ends with the payment method's code (`…-CASH`): a receipt, money paid back.
METHOD_SUFFIXED = (SALES_RECEIPT, OTHER_PAYMENT)
STOCK_TAKE_SUFFIX = "-ST"  # sync/mappers/numbers.py stock_take_number
# Other payments not compared yet: an iSellerPay payout's MDR fee (numbers.payout_fee_number).
# They are read with the module and left out, neither the outlet's nor "in Accurate only".
NOT_COMPARED_SUFFIXES = {OTHER_PAYMENT: ("-MDR",)}
METHOD_OF_CODE = {f"-{code}": method for method, code in METHOD_CODES.items()}

Row = dict[str, Any]


class Unreadable(Exception):
    """Accurate answered, but not with what the comparison needs (a field missing): permanent."""


class CountingSeam:
    """The client's seam, counting the requests a check sends (retries after a renewal included)."""

    def __init__(self, inner: Seam) -> None:
        self.inner = inner
        self.sent = 0

    def send(self, method: str, url: str, **kwargs: Any) -> HttpAnswer:
        self.sent += 1
        return self.inner.send(method, url, **kwargs)


def fields_of(module: str) -> tuple[str, ...]:
    return (*COMMON_FIELDS, *AMOUNT_FIELDS.get(module, ()), *STOCK_FIELDS.get(module, ()))


def parse_date(text: str) -> date | None:
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def on_day(row: Row, day: date, branch: str) -> bool:
    """Whether a row is of the day and branch asked for, as far as it says (a field Accurate did not
    return is not held against it)."""
    trans = row.get("transDate")
    if trans not in (None, "") and parse_date(str(trans)) != day:
        return False
    name = row.get("branchName")
    return name in (None, "") or str(name).strip() == branch


def compared(module: str, row: Row) -> bool:
    """Whether the reconciliation compares this document (see NOT_COMPARED_SUFFIXES)."""
    return not str(row.get("number") or "").endswith(NOT_COMPARED_SUFFIXES.get(module, ()))


def read_day(client: accurate.AccurateClient, *, day: date, branch: str) -> dict[str, list[Row]]:
    """Each module's documents of `day` in `branch`, every page."""
    filters = {DATE_FILTER: Filter.equal(day), BRANCH_FILTER: Filter.equal(branch)}
    return {
        module: [
            row
            for row in client.list(module, fields_of(module), filters)
            if on_day(row, day, branch) and compared(module, row)
        ]
        for module in MODULES
    }


def amount_of(module: str, row: Row) -> Decimal:
    for name in AMOUNT_FIELDS[module]:
        value = row.get(name)
        if value not in (None, ""):
            try:
                return Decimal(str(value))
            except InvalidOperation as error:
                raise Unreadable(f"Accurate's {module} {row.get('number')} has {name} {value!r}") from error
    wanted = " or ".join(AMOUNT_FIELDS[module])
    raise Unreadable(f"Accurate's list of {module} did not return {wanted}: the amounts cannot be compared")


def _name(line: Mapping[str, Any], flat: str, nested: str, key: str) -> str:
    # [U] Lines name the item and warehouse flat (itemNo, as sent) or nested (item.no): either is read.
    value = line.get(flat)
    if value in (None, ""):
        inner = line.get(nested)
        value = inner.get(key) if isinstance(inner, Mapping) else None
    return "" if value is None else str(value).strip()


def stock_moved(module: str, record: Mapping[str, Any], warehouse: str) -> dict[str, Decimal]:
    """What a transfer or adjustment moved in the outlet's warehouse, per item (adjustments signed).
    A document in another warehouse moved nothing there: the comparison shows its quantities apart."""
    lines = record.get(LINES_FIELD) or []
    moves: list[tuple[str, Decimal]] = []
    header = str(record.get("warehouseName") or "").strip()
    if module == ITEM_TRANSFER and header and header != warehouse:
        return {}
    for line in lines:
        if not isinstance(line, Mapping):
            continue
        where = _name(line, "warehouseName", "warehouse", "name")
        if module == ITEM_ADJUSTMENT and where and where != warehouse:
            continue
        quantity = Decimal(str(line.get("quantity") or "0"))
        if str(line.get("itemAdjustmentType") or "") == "ADJUSTMENT_OUT":
            quantity = -quantity
        moves.append((_name(line, "itemNo", "item", "no"), quantity))
    return moved(moves)


def role_of(module: str, row: Row, expected: Doc | None) -> tuple[str, str]:
    """(role, payment method) of an Accurate document: the POS's when it expects the number, else
    read from the document (a transfer's type, a stock take's or receipt's number suffix)."""
    if expected is not None:
        return expected.role, expected.method
    number = str(row.get("number") or "")
    if module in ROLE_OF_MODULE:
        method = next((m for suffix, m in METHOD_OF_CODE.items() if number.endswith(suffix)), "")
        return ROLE_OF_MODULE[module], method if module in METHOD_SUFFIXED else ""
    if module == ITEM_TRANSFER:
        kind = str(row.get("itemTransferType") or "")
        return (figures.TRANSFER_IN if kind == "TRANSFER_IN" else figures.TRANSFER_OUT), ""
    return (figures.STOCK_TAKE if number.endswith(STOCK_TAKE_SUFFIX) else figures.ADJUSTMENT), ""


def with_lines(client: accurate.AccurateClient, module: str, row: Row) -> Row:
    """The row with its lines, read with detail.do when list.do did not return them."""
    if module not in STOCK_FIELDS or isinstance(row.get(LINES_FIELD), list) or row.get("id") is None:
        return row
    return {**client.detail(module, id=int(row["id"])), **{k: v for k, v in row.items() if v is not None}}


def doc_of(
    client: accurate.AccurateClient,
    module: str,
    row: Row,
    *,
    expected: Doc | None,
    warehouse: str,
    activity_id: int | None = None,
    note: str = "",
    pos_number: str = "",
) -> Doc:
    """One Accurate document as the comparison reads it."""
    role, method = role_of(module, row, expected)
    amount = amount_of(module, row) if module in AMOUNT_FIELDS else None
    quantities = None
    if module in STOCK_FIELDS and role != figures.STOCK_TAKE:
        quantities = stock_moved(module, with_lines(client, module, row), warehouse)
    return Doc(
        module=module,
        number=str(row.get("number") or ""),
        role=role,
        method=method,
        amount=amount,
        quantities=quantities,
        pos_number=expected.pos_number if expected else pos_number,
        activity_id=expected.activity_id if expected else activity_id,
        accurate_id=int(row["id"]) if row.get("id") is not None else None,
        note=note,
    )


def numbers_of(rows: Mapping[str, Sequence[Row]]) -> Iterable[tuple[str, str]]:
    for module, found in rows.items():
        for row in found:
            yield module, str(row.get("number") or "")
