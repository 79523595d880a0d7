"""Pure encoding of records and filters into Accurate's form-encoded flat keys.

`{"detailItem": [{"itemNo": "A"}]}` becomes `[("detailItem[0].itemNo", "A")]`. Money stays exact:
a `Decimal` is sent as its own digits, never through float.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

# Accurate accepts up to 6 decimals in money fields [S]. More is refused here rather than left to
# Accurate to round or reject.
MAX_DECIMALS = 6

Pairs = list[tuple[str, str]]


@dataclass(frozen=True)
class Filter:
    """`filter.<field>.op=<op>` and `filter.<field>.val[n]=<value>` on list.do."""

    op: str
    values: Sequence[Any]

    @classmethod
    def equal(cls, value: Any) -> Filter:
        return cls("EQUAL", [value])

    @classmethod
    def between(cls, low: Any, high: Any) -> Filter:
        return cls("BETWEEN", [low, high])


def scalar(value: Any) -> str:
    """One value as Accurate reads it: Decimal exact, date dd/MM/yyyy, bool true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise TypeError("floats are not sent to Accurate; use Decimal")
    if isinstance(value, dt.datetime):
        raise TypeError(
            "pass a date, not a datetime: Accurate dates are dd/MM/yyyy in the outlet's time zone"
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot encode {type(value).__name__} for Accurate")


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if exponent < -MAX_DECIMALS:
        # Trailing zeros may go ("1.50000000" is "1.500000"); a digit that would be rounded may not.
        shortened = value.quantize(Decimal(1).scaleb(-MAX_DECIMALS))
        if shortened != value:
            raise ValueError(f"{value} has more than {MAX_DECIMALS} decimals")
        value = shortened
    # "f" never switches to exponent notation (str(Decimal("1E+3")) would be "1E+3").
    return format(value, "f")


def flatten(record: Mapping[str, Any], prefix: str = "") -> Pairs:
    """A nested record as flat form keys, in the record's order. None values are left out."""
    pairs: Pairs = []
    for key, value in record.items():
        _flatten_into(pairs, f"{prefix}.{key}" if prefix else str(key), value)
    return pairs


def _flatten_into(pairs: Pairs, key: str, value: Any) -> None:
    if value is None:
        # [U] Leaving a key out keeps Accurate's value; sending "" might clear it.
        return
    if isinstance(value, Mapping):
        pairs.extend(flatten(value, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _flatten_into(pairs, f"{key}[{index}]", item)
    else:
        pairs.append((key, scalar(value)))


def bulk_body(records: Iterable[Mapping[str, Any]]) -> Pairs:
    """bulk-save.do's form body: `data[n].<field>` for each record in order."""
    return _indexed("data", records)


def _indexed(name: str, records: Iterable[Mapping[str, Any]]) -> Pairs:
    pairs: Pairs = []
    for index, record in enumerate(records):
        pairs.extend(flatten(record, f"{name}[{index}]"))
    return pairs


def filter_params(filters: Mapping[str, Filter | Any]) -> Pairs:
    """list.do filter parameters; a bare value means EQUAL."""
    pairs: Pairs = []
    for field_name, condition in filters.items():
        if not isinstance(condition, Filter):
            condition = Filter.equal(condition)
        pairs.append((f"filter.{field_name}.op", condition.op))
        for index, value in enumerate(condition.values):
            pairs.append((f"filter.{field_name}.val[{index}]", scalar(value)))
    return pairs
