"""Fast inserts of many plain rows, for the ingestion hot path.

Django's bulk_create builds a model instance and prepares every field of every row in Python; for a
500-order batch (1,500 lines, 500 payments, 500 outbox rows) that was a large share of the request.
On PostgreSQL, one `INSERT … SELECT FROM unnest(<one array per column>)` hands the rows over as a few
arrays instead. Elsewhere (SQLite, the embedded run) it falls back to bulk_create.

Both paths store the same values: JSON columns are encoded with Django's encoder (a Decimal becomes
its exact digits as a string, a datetime its ISO text) before either path sees them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone


def json_ready(value: Any) -> Any:
    """What a JSON column holds for `value`: plain JSON types, Decimals and datetimes as text."""
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _value(field: models.Field[Any, Any], row: Mapping[str, Any], now: Any) -> Any:
    if field.attname in row:
        value = row[field.attname]
        return json_ready(value) if isinstance(field, models.JSONField) else value
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows given as {attname: value}; missing fields get their default (or now, if auto).

    No ids come back: use it for rows nothing refers to in the same request.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    if connection.vendor != "postgresql":
        # One prepared INSERT run per row: the same values as below (bulk_create would stamp the
        # auto times itself, each a little apart).
        placeholders = ", ".join(["%s"] * len(fields))
        values = [[f.get_db_prep_save(_value(f, row, now), connection) for f in fields] for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)
        return
    columns = [[_value(field, row, now) for row in rows] for field in fields]
    for index, field in enumerate(fields):
        if isinstance(field, models.JSONField):
            # Sent as text and cast by the array's type: jsonb[] takes each element's JSON text.
            columns[index] = [None if v is None else json.dumps(v) for v in columns[index]]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})", columns)


def update_rows(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    match: Sequence[str],
    fields: Sequence[str],
    where: Mapping[str, Any] | None = None,
) -> int:
    """Update many rows, each with its own values, in one statement; returns how many matched.

    Each row is {attname: value} holding the `match` columns (which pick the row: the id, and what
    a claim must still hold) and the `fields` to set. `where` adds conditions every row must meet
    ({attname: value}, equality). On PostgreSQL: `UPDATE … FROM unnest(<arrays>)`; elsewhere one
    UPDATE per row.
    """
    if not rows:
        return 0
    meta = model._meta
    by_name = {f.attname: f for f in meta.concrete_fields}

    def value(row: Mapping[str, Any], name: str) -> Any:
        return json_ready(row[name]) if isinstance(by_name[name], models.JSONField) else row[name]

    if connection.vendor != "postgresql":
        count = 0
        for row in rows:
            queryset = model._default_manager.filter(**(where or {}), **{name: row[name] for name in match})
            count += queryset.update(**{name: value(row, name) for name in fields})
        return count
    quote = connection.ops.quote_name
    names = [*match, *fields]
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        if isinstance(by_name[name], models.JSONField):
            values = [None if v is None else json.dumps(json_ready(v)) for v in values]
        columns.append(values)
    arrays = ", ".join(f"%s::{by_name[name].db_type(connection)}[]" for name in names)
    aliases = ", ".join(f"v_{name}" for name in names)
    sets = ", ".join(f"{quote(by_name[name].column)} = v.v_{name}" for name in fields)
    conditions = [f"t.{quote(by_name[name].column)} = v.v_{name}" for name in match]
    conditions += [f"t.{quote(by_name[name].column)} = %s" for name in (where or {})]
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {sets} FROM unnest({arrays}) AS v({aliases}) "
        f"WHERE {' AND '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*columns, *(where or {}).values()])
        return int(cursor.rowcount)
