"""The owner's digest lists, beside the failures, the documents that landed in Accurate with another
total and the daily checks' differences, once each, and only the store's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from sync.digest import failure_digests_send
from sync.models import SyncActivity
from sync.reconcile.models import Reconciliation
from tests.sync.activity_rows import make
from tests.sync.test_activity_difference import REASON
from tests.sync.test_reconcile_page import checked, yesterday

pytestmark = pytest.mark.django_db


def test_differences_and_the_daily_checks_reach_the_owner_once(tenant, outsider, order_body):
    User.objects.filter(pk=tenant.owner.pk).update(email="owner@kopi.example")
    User.objects.filter(pk=outsider.owner.pk).update(email="owner@other.example")
    now = timezone.now()
    make(
        tenant, order_body, "ORD-D1", status="difference", completed=now - timedelta(minutes=2), reason=REASON
    )
    day = yesterday()
    check = checked(tenant, order_body, day)
    Reconciliation.objects.filter(pk=check.pk).update(checked_at=now - timedelta(minutes=1))
    outside = checked(outsider, order_body, day)
    Reconciliation.objects.filter(pk=outside.pk).update(checked_at=now + timedelta(minutes=1))

    assert failure_digests_send(now=now) == 1
    assert failure_digests_send(now=now + timedelta(seconds=30)) == 0

    [message] = mail.outbox
    assert message.to == ["owner@kopi.example"]
    assert message.subject == "1 document(s) in Accurate with another total — Toko Kopi"
    assert message.body.splitlines() == [
        "1 document(s) of Toko Kopi landed in Accurate with another total:",
        "",
        f"- Sale ORD-D1 (JKT01): {REASON}",
        "",
        "Activity page: /apps/accurate/activity/?status=difference",
        "",
        "The daily check found 1 difference(s) between the POS and Accurate:",
        "",
        f"- JKT01 {day.isoformat()} · Missing in Accurate: Sales invoice JKT01-ORD-1 (POS ORD-1): "
        "POS Rp 41.800, Accurate —",
        "",
        "Reconciliation page: /apps/accurate/reconciliation/",
    ]


def test_failures_come_first_and_name_the_subject(tenant, order_body):
    User.objects.filter(pk=tenant.owner.pk).update(email="owner@kopi.example")
    now = timezone.now()
    make(
        tenant,
        order_body,
        "ORD-F1",
        status="failed",
        completed=now - timedelta(minutes=2),
        reason="Map QRIS.",
    )
    make(
        tenant, order_body, "ORD-D1", status="difference", completed=now - timedelta(minutes=1), reason=REASON
    )

    assert failure_digests_send(now=now) == 1

    [message] = mail.outbox
    assert message.subject == "1 document(s) failed to sync to Accurate — Toko Kopi"
    lines = message.body.splitlines()
    assert lines[3] == "- Sale ORD-F1 (JKT01): Map QRIS."
    assert lines[5:8] == [
        "Activity page: /apps/accurate/activity/?status=failed",
        "",
        "1 document(s) of Toko Kopi landed in Accurate with another total:",
    ]
    assert SyncActivity.objects.filter(store=tenant.store).count() == 2
