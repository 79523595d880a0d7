"""The engine's log lines name what they are about: a document that failed carries its activity,
store and connection ids (the connection bound for the whole push), and nothing secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from iseller_accurate.logs import JsonFormatter, RedactSecrets
from mapping import crypto
from mapping.models import Connection
from sync.models import SyncActivity
from tests.sync.engine_helpers import make_ready, post, push, release


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The `sync` loggers' records as LOG_FORMAT=json writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("sync")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_failed_document_is_logged_with_its_ids(tenant, connected, accurate_at, order_body, json_lines):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-7", payments=[{"method": "e_wallet", "amount": "41800"}]))
    release(tenant)

    push(connected)

    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    failed = SyncActivity.objects.get(pos_number="ORD-7")
    ids = {"store_id": tenant.store.pk, "connection_id": connected.pk}
    assert [{k: v for k, v in line.items() if k != "time"} for line in lines] == [
        {
            "level": "INFO",
            "logger": "sync.ops.counters",
            "message": f"order ORD-7 failed: {failed.status_reason}",
            **ids,
            "activity_id": failed.pk,
        },
        {
            "level": "INFO",
            "logger": "sync.engine.run",
            "message": f"pushed 2 order rows of store {tenant.store.pk} in 2 calls",
            **ids,
        },
    ]
    connection = Connection.objects.get(pk=connected.pk)
    for secret in (
        crypto.decrypt(connection.access_token_encrypted),
        crypto.decrypt(connection.session_encrypted),
    ):
        assert secret not in json_lines.getvalue()
