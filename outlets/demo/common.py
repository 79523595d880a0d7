"""Shared pieces of the demo data: how amounts and times are written, and the people."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Body = dict[str, Any]

RUPIAH = Decimal("1")
CENT = Decimal("0.01")

_FIRST_NAMES = [
    "Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu", "Fajar", "Intan",
    "Wayan", "Made", "Ketut", "Nyoman", "Rina", "Dimas", "Yusuf", "Nur", "Citra", "Bayu",
]  # fmt: skip
_LAST_NAMES = [
    "Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Kusuma", "Pratama", "Sari",
    "Gunawan", "Nugroho", "Siregar", "Simanjuntak", "Wibowo", "Setiawan", "Halim",
]  # fmt: skip


def money(value: Decimal) -> str:
    """A decimal as the API takes it: plain digits, no trailing zeros, never an exponent."""
    return format(value.normalize(), "f") if value else "0"


def cents(value: Decimal) -> Decimal:
    """Rounded half-up to the cent, as the server rounds a line (quantity × price − discount)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def iso(moment: datetime) -> str:
    """An aware time as ISO 8601 with its offset, to the second (e.g. 2026-11-20T10:15:00+07:00)."""
    if moment.tzinfo is None:
        raise ValueError("Demo times must be aware: the outlet's zone decides the day.")
    return moment.replace(microsecond=0).isoformat()


def rupiah(value: Decimal) -> Decimal:
    return value.quantize(RUPIAH, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).quantize(RUPIAH, rounding=ROUND_HALF_UP) * step


def customer(number: int) -> Body:
    """Member `number`: always the same person, whichever order they appear on."""
    rng = random.Random(number)
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    return {
        "code": f"CUST-{number:04d}",
        "name": f"{first} {last}",
        "phone": f"+628{rng.choice(['11', '12', '13', '21', '52', '57', '77', '95'])}"
        f"{rng.randrange(10**7, 10**8)}",
        "email": f"{first}.{last}{number}@example.com".lower(),
    }


def cashier(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
