""" "Sync now": held rows and rows waiting out a retry go now, for one outlet or all; pushes are
enqueued after commit; owner and staff may press it; another store's outlet is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mapping.models import AddOn, SyncSettings
from sync.models import SyncActivity
from sync.schedule import activities_release, activities_release_due
from sync.selectors import SALES_KINDS, TRANSFER_KINDS
from tests.sync.test_schedule import adjustment, held_numbers, sale, shift, transfer, wib

pytestmark = pytest.mark.django_db

Kind = SyncActivity.Kind
Status = SyncActivity.Status
PAGE = "/apps/accurate/sync-now/"


@pytest.fixture
def enqueued(monkeypatch):
    """The store ids pushes were enqueued for (the dispatcher is tested on its own)."""
    calls: list[int] = []
    monkeypatch.setattr(
        "sync.dispatch.pushes_enqueue_for_store", lambda store_id, now=None: calls.append(store_id)
    )
    return calls


def manual_transfers(tenant) -> None:
    SyncSettings.objects.create(store=tenant.store, transfers_auto=False)


def states(store) -> dict[tuple[str, str, str], object]:
    """(outlet code, kind, POS number) → due_at, for the store's Pending rows."""
    return {
        (row.outlet.code if row.outlet else "", row.kind, row.pos_number): row.due_at
        for row in SyncActivity.objects.filter(store=store, status=Status.PENDING).select_related("outlet")
    }


# --- the service ---


def test_sync_now_sends_manual_transfers_the_schedule_never_releases(
    tenant, enqueued, django_capture_on_commit_callbacks
):
    manual_transfers(tenant)
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(10, 9))
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_IN, created=wib(10, 15))
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    assert activities_release_due(store=tenant.store, now=wib(20, 23)) == 0

    with django_capture_on_commit_callbacks(execute=True):
        released = activities_release(store=tenant.store, kinds=TRANSFER_KINDS, now=wib(20, 23, 5))

    assert released == 2
    assert states(tenant.store) == {
        ("JKT01", Kind.TRANSFER_OUT, "T-1"): wib(20, 23, 5),
        ("BALI1", Kind.TRANSFER_IN, "T-1"): wib(20, 23, 5),
        ("JKT01", Kind.ORDER, "O-1"): None,
    }
    assert enqueued == [tenant.store.pk]


def test_sync_now_for_one_outlet_leaves_the_other_outlets_held(
    tenant, enqueued, django_capture_on_commit_callbacks
):
    open_shift = shift(tenant.outlet, "S-1", closed=False)
    sale(tenant.outlet, "O-1", on=open_shift)
    sale(tenant.outlet, "O-2", on=open_shift)
    sale(tenant.other_outlet, "O-1", on=shift(tenant.other_outlet, "S-1", closed=False))

    with django_capture_on_commit_callbacks(execute=True):
        released = activities_release(
            store=tenant.store, kinds=SALES_KINDS, outlet=tenant.outlet, now=wib(20, 12)
        )

    assert released == 2
    assert states(tenant.store) == {
        ("JKT01", Kind.ORDER, "O-1"): wib(20, 12),
        ("JKT01", Kind.ORDER, "O-2"): wib(20, 12),
        ("BALI1", Kind.ORDER, "O-1"): None,
    }


def test_sync_now_brings_a_retry_forward_and_leaves_other_kinds_and_statuses(
    tenant, enqueued, django_capture_on_commit_callbacks
):
    backoff = sale(tenant.outlet, "O-BACKOFF")
    failed = sale(tenant.outlet, "O-FAILED")
    already_due = sale(tenant.outlet, "O-DUE")
    now = wib(20, 12)
    SyncActivity.objects.filter(pk=backoff.pk).update(due_at=now + timedelta(minutes=4))
    SyncActivity.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    SyncActivity.objects.filter(pk=already_due.pk).update(due_at=now - timedelta(minutes=1))
    stock = adjustment(tenant.outlet, "A-1")
    arrived = SyncActivity.objects.get(pk=stock.pk).due_at
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))

    with django_capture_on_commit_callbacks(execute=True):
        released = activities_release(store=tenant.store, kinds=SALES_KINDS, now=now)

    assert released == 1
    assert states(tenant.store) == {
        ("JKT01", Kind.ORDER, "O-BACKOFF"): now,
        ("JKT01", Kind.ORDER, "O-DUE"): now - timedelta(minutes=1),
        ("JKT01", Kind.ADJUSTMENT, "A-1"): arrived,
        ("JKT01", Kind.TRANSFER_OUT, "T-1"): None,
    }
    assert SyncActivity.objects.get(pk=failed.pk).due_at is None
    # Nothing was held, yet rows already due are pushed now too.
    assert enqueued == [tenant.store.pk]


def test_sync_now_leaves_another_store_alone(tenant, outsider, enqueued, django_capture_on_commit_callbacks):
    manual_transfers(tenant)
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))
    transfer(outsider.outlet, outsider.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))

    with django_capture_on_commit_callbacks(execute=True):
        assert activities_release(store=tenant.store, kinds=TRANSFER_KINDS, now=wib(20, 12)) == 1

    assert held_numbers(outsider.store) == {"T-1"}
    assert enqueued == [tenant.store.pk]


def test_sync_now_refuses_an_outlet_of_another_store(tenant, outsider, enqueued):
    transfer(outsider.outlet, outsider.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))

    with pytest.raises(ValueError):
        activities_release(store=tenant.store, kinds=TRANSFER_KINDS, outlet=outsider.outlet, now=wib(20, 12))

    assert held_numbers(outsider.store) == {"T-1"}


def test_nothing_is_enqueued_when_the_transaction_rolls_back(
    tenant, enqueued, django_capture_on_commit_callbacks
):
    sale(tenant.outlet, "O-1")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        activities_release(store=tenant.store, kinds=SALES_KINDS, now=wib(20, 12))

    assert len(callbacks) == 1
    assert enqueued == []


# --- the page ---


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_held_and_pending_per_outlet_and_for_all(tenant, outsider):
    manual_transfers(tenant)
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    due = sale(tenant.outlet, "O-2")
    SyncActivity.objects.filter(pk=due.pk).update(due_at=timezone.now())
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_IN, created=wib(20, 9))
    adjustment(tenant.other_outlet, "A-1")
    sale(outsider.outlet, "O-9")

    response = client_for(tenant.staff).get(PAGE)

    assert response.status_code == 200
    rows = {row.outlet.code if row.outlet else "all": row.queue for row in response.context["rows"]}
    assert {code: (q.held_sales, q.held_transfers, q.pending) for code, q in rows.items()} == {
        "BALI1": (0, 1, 1),
        "JKT01": (1, 0, 1),
        "all": (1, 1, 2),
    }
    body = response.content.decode()
    assert "transfers only when you press “Sync transfers now”" in body
    assert f'action="{PAGE}sales/{tenant.outlet.pk}/"' in body
    assert f'action="{PAGE}transfers/"' in body


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_owner_and_staff_may_sync_an_outlet_now(tenant, enqueued, who, django_capture_on_commit_callbacks):
    manual_transfers(tenant)
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))
    transfer(tenant.other_outlet, tenant.outlet, "T-2", Kind.TRANSFER_OUT, created=wib(20, 9))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(getattr(tenant, who)).post(f"{PAGE}transfers/{tenant.outlet.pk}/", follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Sending the transfers of Jakarta Pusat to Accurate: 1 held document released." in (
        response.content.decode()
    )
    assert held_numbers(tenant.store) == {"T-2"}
    assert enqueued == [tenant.store.pk]


def test_sync_all_outlets_now_sends_every_held_sale(tenant, enqueued):
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    sale(tenant.other_outlet, "O-2", on=shift(tenant.other_outlet, "S-2", closed=False))

    response = client_for(tenant.owner).post(f"{PAGE}sales/", follow=True)

    assert "Sending the sales, voids and refunds of all outlets to Accurate: 2 held documents released." in (
        response.content.decode()
    )
    assert held_numbers(tenant.store) == set()


def test_sync_now_for_another_stores_outlet_is_not_found(tenant, outsider, enqueued):
    transfer(outsider.outlet, outsider.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))

    response = client_for(tenant.owner).post(f"{PAGE}transfers/{outsider.outlet.pk}/")

    assert response.status_code == 404
    assert held_numbers(outsider.store) == {"T-1"}
    assert enqueued == []


def test_an_unknown_kind_is_not_found_and_a_get_is_refused(tenant, enqueued):
    sale(tenant.outlet, "O-1")
    client = client_for(tenant.owner)

    assert client.post(f"{PAGE}deposits/").status_code == 404
    assert client.get(f"{PAGE}sales/").status_code == 405
    assert held_numbers(tenant.store) == {"O-1"}


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login(tenant, enqueued):
    sale(tenant.outlet, "O-1")

    response = Client().post(f"{PAGE}sales/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert held_numbers(tenant.store) == {"O-1"}


def test_the_add_on_schedule_panel_links_to_sync_now(tenant):
    AddOn.objects.create(store=tenant.store, activated_by=tenant.owner)

    response = client_for(tenant.staff).get("/apps/accurate/")

    assert f'<a href="{PAGE}">Sync now</a>' in response.content.decode()
