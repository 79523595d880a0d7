"""`{{ amount|rupiah }}` → "Rp 41.800": Indonesian grouping (dot for thousands, comma for cents)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

CENT = Decimal("0.01")


def format_rupiah(amount: Decimal | int | str) -> str:
    """Whole rupiah without decimals; cents only when there are some (rare, but never hidden)."""
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):,.2f}".split(".")
    whole = whole.replace(",", ".")
    return f"{sign}Rp {whole}" if cents == "00" else f"{sign}Rp {whole},{cents}"


@register.filter
def rupiah(amount: Decimal | int | str | None) -> str:
    if amount is None or amount == "":
        return ""
    try:
        return format_rupiah(amount)
    except (InvalidOperation, ValueError):
        # A template must not crash on a bad value; show it as it is rather than a wrong amount.
        return str(amount)
