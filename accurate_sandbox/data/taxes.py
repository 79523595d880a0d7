"""PPN on a sales document, the way the sandbox reads Accurate: line by line [U].

Public integrations flag each taxed line (`detailItem[n].useTax1`) besides the header's `taxable`
and `inclusiveTax`; nobody has shown what Accurate does with the header flags alone. The sandbox
takes the cautious reading (mode "lines"): PPN only on the flagged lines of a taxable document — no
flagged line, no tax, whatever the header says. The header's cash discount is spread over the lines
in proportion to their amounts [U], and the tax is rounded half up to the cent once for the whole
document [U]. Inclusive prices carry their tax inside; exclusive ones get it added.

`/_sandbox/faults` can make it disagree with the product on purpose (tests only): `tax_mode` "header"
taxes every line of a taxable document, flags or not; `tax_rate` sets another rate (a percent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from accurate_sandbox.config import TAX_RATE

CENT = Decimal("0.01")
ZERO = Decimal(0)
MODES = ("lines", "header")


@dataclass(frozen=True)
class TaxRule:
    mode: str = "lines"
    rate: Decimal = TAX_RATE  # a fraction: 0.11 for 11 %


def taxed_amount(lines: Sequence[dict[str, Any]], cash_discount: Decimal, rule: TaxRule) -> Decimal:
    """What PPN is computed on: the taxed lines' `totalPrice`, less their share of the cash discount."""
    sub_total = sum((line["totalPrice"] for line in lines), ZERO)
    taxed = sum((line["totalPrice"] for line in lines if rule.mode == "header" or line["useTax1"]), ZERO)
    if not taxed or not sub_total:
        return taxed
    return taxed - cash_discount * taxed / sub_total


def tax_of(base: Decimal, *, inclusive: bool, rule: TaxRule) -> Decimal:
    if inclusive:
        return (base - base / (1 + rule.rate)).quantize(CENT, ROUND_HALF_UP)
    return (base * rule.rate).quantize(CENT, ROUND_HALF_UP)


def document_totals(
    lines: Sequence[dict[str, Any]],
    *,
    cash_discount: Decimal,
    expenses: Decimal,
    taxable: bool,
    inclusive: bool,
    rule: TaxRule,
) -> dict[str, Any]:
    """Cash discount off the lines, then PPN (added, or carved out when inclusive), then expenses."""
    sub_total = sum((line["totalPrice"] for line in lines), ZERO)
    base = taxed_amount(lines, cash_discount, rule) if taxable else ZERO
    tax = tax_of(base, inclusive=inclusive, rule=rule) if base else ZERO
    total = sub_total - cash_discount + (ZERO if inclusive else tax) + expenses
    return {
        "taxable": taxable,
        "inclusiveTax": inclusive,
        "cashDiscount": cash_discount,
        "subTotal": sub_total,
        "taxableAmount": base,
        "taxAmount": tax,
        "totalExpense": expenses,
        "totalAmount": total,
    }
