"""Fast inserts of many plain rows, for the ingestion hot path.

Django's bulk_create builds a model instance and prepares every field of every row in Python; for a
500-order batch (1,500 lines, 500 payments, 500 outbox rows) that was a large share of the request.
On PostgreSQL, one `INSERT … SELECT FROM unnest(<one array per column>)` hands the rows over as a few
arrays instead. Elsewhere (SQLite, the embedded run) it falls back to bulk_create.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone


def _value(field: models.Field[Any, Any], row: Mapping[str, Any], now: Any) -> Any:
    if field.attname in row:
        return row[field.attname]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows given as {attname: value}; missing fields get their default (or now, if auto).

    No ids come back: use it for rows nothing refers to in the same request.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    columns = [[_value(field, row, now) for row in rows] for field in fields]
    for index, field in enumerate(fields):
        if isinstance(field, models.JSONField):
            # Sent as text and cast by the array's type: jsonb[] takes each element's JSON text.
            columns[index] = [
                None if v is None else json.dumps(v, cls=DjangoJSONEncoder) for v in columns[index]
            ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)


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
    if connection.vendor != "postgresql":
        count = 0
        for row in rows:
            queryset = model._default_manager.filter(**(where or {}), **{name: row[name] for name in match})
            count += queryset.update(**{name: row[name] for name in fields})
        return count
    quote = connection.ops.quote_name
    names = [*match, *fields]
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        if isinstance(by_name[name], models.JSONField):
            values = [None if v is None else json.dumps(v, cls=DjangoJSONEncoder) for v in values]
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
