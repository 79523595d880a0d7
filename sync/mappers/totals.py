"""Accurate's total of a sales invoice, predicted from the payload exactly as Accurate computes it.

The invoice total in Accurate must equal the POS total to the rupiah, so the order mapper puts the
difference between the two on a rounding line. The arithmetic follows accurate_sandbox/data/invoices.py:
per line qty × price − qty × price × disc% − cash discount, less the invoice's cash discount, PPN at
the store's rate rounded half up to the cent (added unless the prices include it), plus expenses.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)


def _amount(row: Mapping[str, Any], field: str) -> Decimal:
    return Decimal(row.get(field) or 0)


def line_total(line: Mapping[str, Any]) -> Decimal:
    gross = _amount(line, "quantity") * _amount(line, "unitPrice")
    return gross - gross * _amount(line, "itemDiscPercent") / 100 - _amount(line, "itemCashDiscount")


def invoice_tax(payload: Mapping[str, Any], tax_rate: Decimal) -> Decimal:
    """PPN Accurate computes: `tax_rate` is a percent (11.00)."""
    if not payload.get("taxable"):
        return ZERO
    rate = tax_rate / 100
    base = sum((line_total(line) for line in payload.get("detailItem", [])), ZERO)
    base -= _amount(payload, "cashDiscount")
    if payload.get("inclusiveTax"):
        return (base - base / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
    return (base * rate).quantize(CENT, ROUND_HALF_UP)


def invoice_total(payload: Mapping[str, Any], tax_rate: Decimal) -> Decimal:
    """The totalAmount Accurate will give this sales invoice payload."""
    base = sum((line_total(line) for line in payload.get("detailItem", [])), ZERO)
    base -= _amount(payload, "cashDiscount")
    expenses = sum((_amount(line, "expenseAmount") for line in payload.get("detailExpense", [])), ZERO)
    added_tax = ZERO if payload.get("inclusiveTax") else invoice_tax(payload, tax_rate)
    return base + added_tax + expenses
