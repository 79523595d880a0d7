"""Accurate's total of a sales invoice or return, predicted from its payload, PPN line by line.

The invoice total in Accurate must equal the POS total to the rupiah, so the order mapper puts the
difference between the two on a rounding line. This prediction only places that line: the engine
reads Accurate's own total back after every save and corrects or flags any difference
(sync/engine/verify.py), so a wrong guess here is caught, never trusted.

The arithmetic, as public integrations send it and the sandbox computes it (accurate_sandbox/data/
taxes.py) [U: Accurate's own rules are not documented]: per line qty × price − qty × price × disc% −
cash discount; the invoice's cash discount spread over the lines in proportion to their amounts [U];
PPN at the store's rate on the lines flagged `useTax1` only — no flagged line, no tax, whatever the
header says — rounded half up to the cent, added unless the prices include it; plus expenses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)


def _amount(row: Mapping[str, Any], field: str) -> Decimal:
    return Decimal(row.get(field) or 0)


def line_total(line: Mapping[str, Any]) -> Decimal:
    gross = _amount(line, "quantity") * _amount(line, "unitPrice")
    return gross - gross * _amount(line, "itemDiscPercent") / 100 - _amount(line, "itemCashDiscount")


def _lines(payload: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    lines: Sequence[Mapping[str, Any]] = payload.get("detailItem", [])
    return lines


def taxed_base(payload: Mapping[str, Any]) -> Decimal:
    """The amount PPN is computed on: the flagged lines, less their share of the cash discount."""
    sub_total = sum((line_total(line) for line in _lines(payload)), ZERO)
    taxed = sum((line_total(line) for line in _lines(payload) if line.get("useTax1")), ZERO)
    if not taxed or not sub_total:
        return taxed
    # [U] The header's cash discount is spread over the lines in proportion to their amounts.
    return taxed - _amount(payload, "cashDiscount") * taxed / sub_total


def invoice_tax(payload: Mapping[str, Any], tax_rate: Decimal) -> Decimal:
    """PPN Accurate computes: `tax_rate` is a percent (11.00). None unless the header is taxable."""
    if not payload.get("taxable"):
        return ZERO
    rate = tax_rate / 100
    base = taxed_base(payload)
    if payload.get("inclusiveTax"):
        return (base - base / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
    return (base * rate).quantize(CENT, ROUND_HALF_UP)


def invoice_total(payload: Mapping[str, Any], tax_rate: Decimal) -> Decimal:
    """The totalAmount Accurate is expected to give this sales invoice (or sales return) payload."""
    base = sum((line_total(line) for line in _lines(payload)), ZERO)
    base -= _amount(payload, "cashDiscount")
    expenses = sum((_amount(line, "expenseAmount") for line in payload.get("detailExpense", [])), ZERO)
    added_tax = ZERO if payload.get("inclusiveTax") else invoice_tax(payload, tax_rate)
    return base + added_tax + expenses
