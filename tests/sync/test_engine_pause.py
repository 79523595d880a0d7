"""A connection Accurate refuses a permission to pauses: the rows wait, the owner is told once, and
the engine does not keep claiming the same rows against a refusal."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail

from accurate.oauth import SCOPES
from mapping.models import Connection
from mapping.services.connection import database_choose
from sync.models import SyncActivity, SyncAttempt
from tests.mapping.conftest import DB_ID, authorize, callback
from tests.sync.engine_helpers import make_ready, post, push, release


def test_a_permission_the_merchant_did_not_grant_pauses_the_connection_once(tenant, accurate_at, order_body):
    User.objects.filter(pk=tenant.owner.pk).update(email="owner@kopi.example")
    session = SessionStore()
    granted = [scope for scope in SCOPES if scope != "sales_invoice_save"]
    params = authorize(accurate_at, session, tenant.store, scopes=granted)
    connection = database_choose(connection=callback(tenant, session, params), database_id=DB_ID)
    make_ready(tenant, connection)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-2"))
    release(tenant)

    result = push(connection)

    assert result.batches == 1  # one try, not a loop of them until the time is up
    connection.refresh_from_db()
    assert connection.status == Connection.Status.NEEDS_RECONNECT
    rows = SyncActivity.objects.order_by("pos_number")
    assert list(rows.values_list("pos_number", "status", "attempts")) == [
        ("ORD-1", "pending", 1),
        ("ORD-2", "pending", 1),
    ]
    assert all(
        row.status_reason.startswith("Paused: the connection to Accurate needs reconnecting.") for row in rows
    )
    assert SyncAttempt.objects.count() == 2
    assert accurate_at.documents("sales-invoice") == []
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["owner@kopi.example"], "Reconnect Toko Kopi to Accurate")
    ]
    # Nothing is pushed for it until the owner reconnects.
    assert push(connection).batches == 0
