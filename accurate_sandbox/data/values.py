"""Field parsing shared by the data modules: dates, money, flags, required fields, Indonesian messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from accurate_sandbox.config import COMPANY_START_DATE

MAX_DECIMALS = 6


class Invalid(Exception):
    """A record the sandbox refuses; the message goes to the caller as Accurate would word it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def invalid_value(field: str) -> Invalid:
    return Invalid(f"Invalid field value for field {field}")


def text(body: dict[str, Any], field: str, *, required: bool = False, label: str = "") -> str:
    value = body.get(field)
    result = "" if value is None else str(value).strip()
    if required and not result:
        raise Invalid(f"{label or field} harus diisi")
    return result


def money(body: dict[str, Any], field: str, *, default: Decimal = Decimal(0)) -> Decimal:
    """A Decimal from a form string or a JSON number; at most 6 decimals; never through float."""
    value = body.get(field)
    if value is None or value == "":
        return default
    if isinstance(value, bool | float):
        # JSON is parsed with parse_float=Decimal, so a float here is a caller bug, not data.
        raise invalid_value(field)
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise invalid_value(field) from error
    if not result.is_finite() or -result.as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        raise invalid_value(field)
    return result


def flag(body: dict[str, Any], field: str, *, default: bool = False) -> bool:
    value = body.get(field)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise invalid_value(field)


def parse_date(value: str) -> date | None:
    """dd/MM/yyyy (one-digit day and month accepted), else None. Faster than strptime."""
    parts = value.split("/")
    if len(parts) != 3 or len(parts[2]) != 4 or not all(part.isdigit() for part in parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


START_DATE = parse_date(COMPANY_START_DATE)


def trans_date(body: dict[str, Any], field: str = "transDate") -> str:
    """dd/MM/yyyy, on or after the company start date; returned normalised (zero padded)."""
    raw = text(body, field, required=True)
    parsed = parse_date(raw) if len(raw) <= 10 and raw.count("/") == 2 else None
    if parsed is None:
        raise invalid_value(field)
    assert START_DATE is not None
    if parsed < START_DATE:
        raise Invalid(f"Tanggal transaksi tidak boleh sebelum tanggal mulai pembukuan {COMPANY_START_DATE}")
    return parsed.strftime("%d/%m/%Y")


def lines(body: dict[str, Any], field: str, *, required: bool = True) -> list[dict[str, Any]]:
    value = body.get(field)
    if value in (None, ""):
        value = []
    if isinstance(value, dict):
        # A form body with one line may come without an index; accept it as one line.
        value = [value]
    if not isinstance(value, list) or not all(isinstance(line, dict) for line in value):
        raise invalid_value(field)
    if required and not value:
        raise Invalid(f"Rincian {field} harus diisi")
    return value
