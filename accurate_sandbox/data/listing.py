"""list.do and detail.do: fields, filters, paging and sorting over one module's stored records."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from accurate_sandbox.data.context import Context
from accurate_sandbox.data.saving import NOT_FOUND
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, parse_date
from accurate_sandbox.storage import documents_numbered, documents_of

DEFAULT_PAGE_SIZE = 20
_FILTER_VALUE = re.compile(r"^filter\.(.+?)\.val(?:\[(\d+)\])?$")
Comparable = tuple[int, Any]


def comparable(value: Any) -> Comparable:
    """Numbers compare as numbers, dd/MM/yyyy as dates, the rest as text."""
    if isinstance(value, bool):
        return (2, str(value).lower())
    if isinstance(value, int | Decimal):
        return (0, Decimal(value))
    raw = "" if value is None else str(value)
    try:
        return (0, Decimal(raw))
    except InvalidOperation:
        pass
    parsed: date | None = parse_date(raw) if raw.count("/") == 2 else None
    return (1, parsed) if parsed else (2, raw)


def _ordered(check: Callable[[Comparable, Comparable], bool]) -> Callable[[Any, list[str]], bool]:
    def test(value: Any, wanted: list[str]) -> bool:
        if not wanted:
            return False
        left, right = comparable(value), comparable(wanted[0])
        return left[0] == right[0] and check(left, right)

    return test


def _between(value: Any, wanted: list[str]) -> bool:
    if len(wanted) < 2:
        return False
    left, low, high = comparable(value), comparable(wanted[0]), comparable(wanted[1])
    return left[0] == low[0] == high[0] and low <= left <= high


OPERATORS: dict[str, Callable[[Any, list[str]], bool]] = {
    "EQUAL": lambda value, wanted: any(comparable(value) == comparable(w) for w in wanted),
    "NOT_EQUAL": lambda value, wanted: all(comparable(value) != comparable(w) for w in wanted),
    "GREATER_THAN": _ordered(lambda a, b: a > b),
    "GREATER_EQUAL_THAN": _ordered(lambda a, b: a >= b),
    "LESS_THAN": _ordered(lambda a, b: a < b),
    "LESS_EQUAL_THAN": _ordered(lambda a, b: a <= b),
    "BETWEEN": _between,
    "CONTAIN": lambda value, wanted: any(w.lower() in str(value or "").lower() for w in wanted),
    "EMPTY": lambda value, wanted: value in (None, ""),
    "NOT_EMPTY": lambda value, wanted: value not in (None, ""),
}


def parse_filters(query: dict[str, list[str]]) -> dict[str, tuple[str, list[str]]]:
    """field → (operator, values) from filter.<field>.op and filter.<field>.val[n] (or filter.<field>)."""
    ops: dict[str, str] = {}
    values: dict[str, list[tuple[int, str]]] = {}
    for key, given in query.items():
        if not key.startswith("filter."):
            continue
        if key.endswith(".op"):
            ops[key[7:-3]] = given[0].strip().upper()
            continue
        match = _FILTER_VALUE.match(key)
        field, index = (match.group(1), int(match.group(2) or 0)) if match else (key[7:], 0)
        values.setdefault(field, []).extend((index, value) for value in given)
    filters = {}
    for field in ops.keys() | values.keys():
        op = ops.get(field, "EQUAL")
        if op not in OPERATORS:
            raise Invalid(f"Operator filter {op} tidak dikenal")
        filters[field] = (op, [value for _, value in sorted(values.get(field, []))])
    return filters


def positive_int(query: dict[str, list[str]], name: str, default: int) -> int:
    raw = (query.get(name) or [str(default)])[0].strip()
    if not raw.isdigit() or int(raw) < 1:
        raise Invalid(f"Invalid field value for field {name}")
    return int(raw)


def list_records(ctx: Context, spec: ModuleSpec, query: dict[str, list[str]]) -> dict[str, Any]:
    """The list.do reply: only `id` unless `fields` names more (unknown names are ignored)."""
    page = positive_int(query, "sp.page", 1)
    size = positive_int(query, "sp.pageSize", DEFAULT_PAGE_SIZE)
    filters = parse_filters(query)
    by_number = filters.get("number")
    if by_number is not None and by_number[0] == "EQUAL" and all(comparable(w)[0] == 2 for w in by_number[1]):
        # A lookup by numbers (text ones, which compare exactly) reads those documents alone,
        # through the number index, as a real database would.
        records = documents_numbered(ctx.conn, ctx.db_id, spec.name, by_number[1])
    else:
        records = documents_of(ctx.conn, ctx.db_id, spec.name)
    for field, (op, wanted) in filters.items():
        records = [record for record in records if OPERATORS[op](record.get(field), wanted)]
    sort = (query.get("sp.sort") or [""])[0]
    if sort:
        field, _, direction = sort.partition("|")
        records.sort(key=lambda record: comparable(record.get(field)), reverse=direction.lower() == "desc")
    # `id` always comes back, with or without `fields` [U].
    names = ["id"] + [name.strip() for name in (query.get("fields") or [""])[0].split(",") if name.strip()]
    chosen = records[(page - 1) * size : page * size]
    rows = [{name: record[name] for name in names if name in record} for record in chosen]
    paging = {
        "page": page,
        "pageSize": size,
        "pageCount": math.ceil(len(records) / size),
        "rowCount": len(records),
    }
    return {"s": True, "d": rows, "sp": paging}


def detail_record(ctx: Context, spec: ModuleSpec, query: dict[str, list[str]]) -> dict[str, Any]:
    """The detail.do reply, by `id` or by the key (`number`, `no`, or the module's own key name)."""
    raw_id = (query.get("id") or [""])[0].strip()
    record = None
    if raw_id:
        record = ctx.get(spec.name, int(raw_id)) if raw_id.isdigit() else None
    else:
        for name in (spec.key_field, *spec.key_aliases, "number", "no"):
            key = (query.get(name) or [""])[0].strip()
            if key:
                record = ctx.find(spec.name, key)
                break
    if record is None:
        return {"s": False, "d": [NOT_FOUND]}
    return {"s": True, "d": record}
