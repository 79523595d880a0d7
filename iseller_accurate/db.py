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
