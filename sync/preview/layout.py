"""A planned Accurate document laid out for a merchant: its kind and number, the header's facts
(date, branch, customer, accounts…), its lines and its totals. Pure: the payload the mappers built
and the names of accounts and customers in, a `ShownDocument` out; nothing is computed here that the
mappers or their total prediction (sync/mappers/totals.py) do not compute themselves."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sync.mappers import Planned
from sync.mappers.totals import invoice_tax, line_total
from sync.mappers.types import (
    BANK_TRANSFER,
    CUSTOMER,
    DELETE,
    ITEM_ADJUSTMENT,
    ITEM_TRANSFER,
    OTHER_DEPOSIT,
    OTHER_PAYMENT,
    SALES_INVOICE,
    SALES_RECEIPT,
    SALES_RETURN,
    SAVE_TARGET_QUANTITY,
)

MODULE_LABELS: dict[str, Promise] = {
    CUSTOMER: gettext_lazy("Customer"),
    SALES_INVOICE: gettext_lazy("Sales invoice"),
    SALES_RECEIPT: gettext_lazy("Sales receipt"),
    SALES_RETURN: gettext_lazy("Sales return"),
    ITEM_TRANSFER: gettext_lazy("Item transfer"),
    ITEM_ADJUSTMENT: gettext_lazy("Item adjustment"),
    OTHER_DEPOSIT: gettext_lazy("Other deposit"),
    OTHER_PAYMENT: gettext_lazy("Other payment"),
    BANK_TRANSFER: gettext_lazy("Bank transfer"),
}


@dataclass(frozen=True)
class Names:
    """Accurate's names for the numbers a payload carries, from the lists kept from Accurate."""

    accounts: Mapping[str, str] = field(default_factory=dict)  # account no → name
    customers: Mapping[str, str] = field(default_factory=dict)  # customer no → name

    def account(self, number: str) -> str:
        name = self.accounts.get(number, "")
        return f"{number} · {name}" if name else number

    def customer(self, number: str) -> str:
        name = self.customers.get(number, "")
        return f"{number} · {name}" if name else number


@dataclass(frozen=True)
class Table:
    """Lines of a document: one row of cells per line; amounts at `money_columns` (positions)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    money_columns: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ShownDocument:
    kind: str  # "Sales invoice"
    number: str  # the number it has in Accurate
    deleted: bool = False  # a void: the document is deleted in Accurate
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    totals: list[tuple[str, Decimal]] = field(default_factory=list)


def qty(value: Any) -> str:
    """2.000 → "2", 1.500 → "1.5"."""
    return f"{Decimal(value).normalize():f}"


def module_label(module: str, action: str = "") -> str:
    if action == SAVE_TARGET_QUANTITY:
        return _("Stock take (counted quantities)")
    return str(MODULE_LABELS.get(module, module))


# --- the header ---

Show = Callable[[Any, Names], str]


def _text(value: Any, names: Names) -> str:
    return str(value)


def _account(value: Any, names: Names) -> str:
    return names.account(str(value))


def _customer(value: Any, names: Names) -> str:
    return names.customer(str(value))


# Header fields in the order shown, each with its label and how its value reads.
FACTS: list[tuple[str, Promise, Show]] = [
    ("transDate", gettext_lazy("Date"), _text),
    ("branchName", gettext_lazy("Branch"), _text),
    ("warehouseName", gettext_lazy("Warehouse"), _text),
    ("referenceWarehouseName", gettext_lazy("Transit warehouse"), _text),
    ("fromItemTransferNo", gettext_lazy("Transfer sent"), _text),
    ("customerNo", gettext_lazy("Customer"), _customer),
    ("name", gettext_lazy("Name"), _text),
    ("email", gettext_lazy("Email"), _text),
    ("mobilePhone", gettext_lazy("Phone"), _text),
    ("invoiceNumber", gettext_lazy("Sales invoice"), _text),
    ("bankNo", gettext_lazy("Cash/bank account"), _account),
    ("paymentMethod", gettext_lazy("Payment method"), _text),
    ("fromBankNo", gettext_lazy("From account"), _account),
    ("toBankNo", gettext_lazy("To account"), _account),
    ("adjustmentAccountNo", gettext_lazy("Adjustment account"), _account),
    ("payee", gettext_lazy("Payee"), _text),
    ("description", gettext_lazy("Description"), _text),
]


def tax_fact(payload: Mapping[str, Any]) -> str:
    """How the document carries PPN: not at all, inside the prices, or on top of them."""
    if not payload.get("taxable"):
        return _("No tax")
    words = _("PPN, included in the prices") if payload.get("inclusiveTax") else _("PPN, added to the prices")
    tax = str(payload.get("tax1Name", "")).strip()
    return f"{words} ({tax})" if tax else words


def facts_of(payload: Mapping[str, Any], names: Names) -> list[tuple[str, str]]:
    facts = [
        (str(label), show(payload[key], names))
        for key, label, show in FACTS
        if payload.get(key) not in (None, "")
    ]
    if "taxable" in payload:
        facts.append((_("Tax"), tax_fact(payload)))
    return facts


# --- the lines ---

MONEY = "money"


def _direction(value: Any, names: Names) -> str:
    return _("In") if value == "ADJUSTMENT_IN" else _("Out")


def _quantity(value: Any, names: Names) -> str:
    return qty(value)


def _flag(value: Any, names: Names) -> str:
    return _("Yes") if value else "—"


# Line fields in the order shown; a column appears when some line has a value for it (an empty note
# is left out, a zero discount or an unflagged PPN is not). None: an amount.
ITEM_COLUMNS: list[tuple[str, Promise, Show | None]] = [
    ("itemAdjustmentType", gettext_lazy("In / out"), _direction),
    ("itemNo", gettext_lazy("Item no"), _text),
    ("quantity", gettext_lazy("Quantity"), _quantity),
    ("targetQuantity", gettext_lazy("Counted quantity"), _quantity),
    ("unitPrice", gettext_lazy("Unit price"), None),
    ("itemCashDiscount", gettext_lazy("Discount"), None),
    ("unitCost", gettext_lazy("Unit cost"), None),
    (MONEY, gettext_lazy("Amount"), None),  # the line's amount, as totals.py reckons it
    ("useTax1", gettext_lazy("PPN"), _flag),
    ("warehouseName", gettext_lazy("Warehouse"), _text),
    ("detailNotes", gettext_lazy("Note"), _text),
]


def _cell(line: Mapping[str, Any], key: str, show: Show | None, names: Names) -> Any:
    if key == MONEY:
        return line_total(line)
    value = line.get(key)
    if show is None:
        return Decimal(value or 0)
    return "" if value is None else show(value, names)


def items_table(lines: Sequence[Mapping[str, Any]], names: Names) -> Table:
    priced = any("unitPrice" in line for line in lines)
    columns = [
        (key, label, show)
        for key, label, show in ITEM_COLUMNS
        if (key == MONEY and priced) or any(line.get(key) not in (None, "") for line in lines)
    ]
    return Table(
        _("Items"),
        [str(label) for _key, label, _show in columns],
        [[_cell(line, key, show, names) for key, _label, show in columns] for line in lines],
        frozenset(i for i, (_key, _label, show) in enumerate(columns) if show is None),
    )


def accounts_table(title: str, lines: Sequence[Mapping[str, Any]], amount: str, names: Names) -> Table:
    """Expense lines of an invoice, account lines of an other deposit or payment."""
    rows = [
        [names.account(str(line["accountNo"])), str(line.get("expenseName", "")), Decimal(line[amount])]
        for line in lines
    ]
    return Table(title, [_("Account"), _("Name"), _("Amount")], rows, frozenset({2}))


def invoices_table(lines: Sequence[Mapping[str, Any]]) -> Table:
    rows = [[str(line["invoiceNo"]), Decimal(line["paymentAmount"])] for line in lines]
    return Table(_("Invoices paid"), [_("Sales invoice"), _("Amount paid")], rows, frozenset({1}))


def tables_of(payload: Mapping[str, Any], names: Names) -> list[Table]:
    tables = []
    items = payload.get("detailItem") or payload.get("detail")
    if items:
        tables.append(items_table(items, names))
    if payload.get("detailExpense"):
        tables.append(accounts_table(_("Expenses"), payload["detailExpense"], "expenseAmount", names))
    if payload.get("detailAccount"):
        tables.append(accounts_table(_("Accounts"), payload["detailAccount"], "amount", names))
    if payload.get("detailInvoice"):
        tables.append(invoices_table(payload["detailInvoice"]))
    return tables


# --- the totals ---


def totals_of(planned: Planned, tax_rate: Decimal) -> list[tuple[str, Decimal]]:
    payload = planned.payload
    totals: list[tuple[str, Decimal]] = []
    if payload.get("cashDiscount"):
        totals.append((_("Discount on the whole sale"), Decimal(payload["cashDiscount"])))
    if payload.get("taxable"):
        # The mappers' own prediction; Accurate's total is read back and checked after the save.
        totals.append((_("PPN (expected)"), invoice_tax(payload, tax_rate)))
    total = planned.expected_total
    if total is None:
        total = payload.get("chequeAmount", payload.get("fromBankAmount"))
    if total is not None:
        totals.append((_("Total"), Decimal(total)))
    return totals


def shown_document(planned: Planned, *, names: Names, tax_rate: Decimal) -> ShownDocument:
    """One planned document as the preview shows it; a deletion by its number alone."""
    kind = module_label(planned.module, planned.action)
    if planned.action == DELETE:
        return ShownDocument(kind, planned.number, deleted=True)
    return ShownDocument(
        kind,
        planned.number,
        facts=facts_of(planned.payload, names),
        tables=tables_of(planned.payload, names),
        totals=totals_of(planned, tax_rate),
    )
