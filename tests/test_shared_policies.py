"""The one payload hash and the one retry policy, shared by the POS side and the sync."""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps

from iseller_accurate.hashing import payload_hash
from iseller_accurate.retry import RetryPolicy, document_retry, product_push_retry
from outlets.models import Order

pytestmark = pytest.mark.embedded


def pos_hash_before(body: object) -> str:
    """How a POS body was hashed before the one hash (outlets/services/payloads.py)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_an_ascii_body_hashes_as_the_pos_side_always_hashed_it():
    body = {"number": "ORD-1", "total": "41800", "lines": [{"quantity": "2"}], "void": False, "shift": None}
    assert payload_hash(body) == pos_hash_before(body)
    assert payload_hash({"b": 1, "a": 2}) == payload_hash({"a": 2, "b": 1})


def test_decimals_hash_as_their_digits_and_other_characters_as_escapes():
    assert payload_hash({"amount": Decimal("41800.00")}) == payload_hash({"amount": "41800.00"})
    assert payload_hash({"name": "Kopi ☕"}) == hashlib.sha256(b'{"name":"Kopi \\u2615"}').hexdigest()


def test_the_wait_doubles_up_to_the_maximum_with_up_to_a_quarter_more():
    policy = RetryPolicy(base=timedelta(seconds=30), maximum=timedelta(minutes=30))
    assert [policy.ceiling(n).total_seconds() for n in (0, 1, 2, 3, 7)] == [30, 30, 60, 120, 1800]
    assert policy.ceiling(5000) == timedelta(minutes=30)  # no overflow, however many tries
    for attempts in (1, 4, 60):
        wait = policy.delay(attempts)
        assert policy.ceiling(attempts) <= wait <= policy.ceiling(attempts) * 1.25


def test_documents_and_product_pushes_take_their_bounds_from_settings(settings):
    assert document_retry() == RetryPolicy(timedelta(seconds=30), timedelta(minutes=30))
    assert product_push_retry() == RetryPolicy(timedelta(seconds=5), timedelta(minutes=5))
    settings.SYNC_RETRY_BASE_SECONDS, settings.SYNC_RETRY_MAX_SECONDS = 1, 4
    assert [document_retry().ceiling(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 4]


@pytest.mark.django_db
def test_the_migration_rehashes_only_bodies_with_other_characters(tenant, order_body):
    for number in ("ORD-1", "ORD-2"):
        tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(number), format="json")
    plain = Order.objects.get(number="ORD-1")
    named = Order.objects.get(number="ORD-2")
    assert plain.payload_hash == payload_hash(plain.payload)
    named.payload = {**named.payload, "note": "Kopi ☕ untuk Bu Ani"}
    named.payload_hash = pos_hash_before(named.payload)
    named.save(update_fields=["payload", "payload_hash"])
    migration = importlib.import_module("outlets.migrations.0003_payload_hash_one_encoding")

    migration.forwards(apps, None)

    named.refresh_from_db()
    assert named.payload_hash == payload_hash(named.payload) != pos_hash_before(named.payload)
    assert Order.objects.get(number="ORD-1").payload_hash == plain.payload_hash

    migration.backwards(apps, None)

    named.refresh_from_db()
    assert named.payload_hash == pos_hash_before(named.payload)


def test_a_failed_reconciliation_waits_5_minutes_doubling_to_6_hours_without_jitter():
    from sync.reconcile.services import RETRY

    waits = [RETRY.delay(attempts) for attempts in (1, 2, 3, 7, 8, 20)]

    assert waits == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
        timedelta(minutes=320),
        timedelta(hours=6),
        timedelta(hours=6),
    ]
