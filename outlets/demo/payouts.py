"""iSellerPay payouts: what iSellerPay collected for an outlet over a few days, paid into the outlet's
bank less its MDR fee (iSeller pays out on Tuesdays and Fridays)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from .common import Body, iso, money, rupiah

ISELLER_PAY = "iseller_pay"
# The demo's MDR: 0.7 %, QRIS's rate in Indonesia, rounded to the rupiah.
MDR_RATE = Decimal("0.007")


def paid_by(order: Body, method: str) -> Decimal:
    """What an order (or a refund, by its refund method) moved by one payment method."""
    if "payments" not in order:
        return Decimal(order["total"]) if order["refund_method"] == method else Decimal(0)
    return sum((Decimal(p["amount"]) for p in order["payments"] if p["method"] == method), Decimal(0))


def payout_body(
    *, number: str, paid_at: datetime, gross: Decimal, period_start: date, period_end: date, reference: str
) -> Body:
    """A payout of `gross` less the MDR fee; net + fee is exactly gross."""
    fee = rupiah(gross * MDR_RATE)
    return {
        "number": number,
        "paid_at": iso(paid_at),
        "gross": money(gross),
        "fee": money(fee),
        "net": money(gross - fee),
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "reference": reference,
        "note": "Pencairan iSellerPay",
    }
