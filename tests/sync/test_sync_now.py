""" "Sync now": held rows and rows waiting out a retry go now, for one outlet or all; pushes are
enqueued after commit; owner and staff may press it; another store's outlet is a 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mapping.models import AddOn, SyncSettings
from sync.models import SyncActivity
from sync.schedule import activities_release, activities_release_due
from sync.selectors import SALES_KINDS, TRANSFER_KINDS
from tests.sync.test_schedule import adjustment, held_numbers, sale, shift, transfer, wib
from tests.sync.test_sync_health import activate, connect, due

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


@pytest.fixture
def sendable(tenant):
    """The store connected and both outlets active in Accurate."""
    connect(tenant)
    activate(tenant.outlet, tenant.other_outlet)
    return tenant


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
    tenant, sendable, enqueued, django_capture_on_commit_callbacks
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
    tenant, sendable, enqueued, django_capture_on_commit_callbacks
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
    tenant, sendable, enqueued, django_capture_on_commit_callbacks
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


def test_sync_now_leaves_another_store_alone(
    tenant, sendable, outsider, enqueued, django_capture_on_commit_callbacks
):
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
    tenant, sendable, enqueued, django_capture_on_commit_callbacks
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


def test_the_page_shows_held_and_pending_per_outlet_and_for_all(tenant, sendable, outsider):
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
def test_owner_and_staff_may_sync_an_outlet_now(
    tenant, sendable, enqueued, who, django_capture_on_commit_callbacks
):
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


def test_sync_all_outlets_now_sends_every_held_sale(tenant, sendable, enqueued):
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    sale(tenant.other_outlet, "O-2", on=shift(tenant.other_outlet, "S-2", closed=False))

    response = client_for(tenant.owner).post(f"{PAGE}sales/", follow=True)

    assert "Sending the sales, voids and refunds of all outlets to Accurate: 2 held documents released." in (
        response.content.decode()
    )
    assert held_numbers(tenant.store) == set()


def test_sync_now_for_another_stores_outlet_is_not_found(tenant, sendable, outsider, enqueued):
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
    AddOn.objects.get_or_create(store=tenant.store, defaults={"activated_by": tenant.owner})

    response = client_for(tenant.staff).get("/apps/accurate/")

    assert f'<a href="{PAGE}">Sync now</a>' in response.content.decode()


# --- only what can go is offered ---


def test_an_outlet_not_active_in_accurate_is_not_released(
    tenant, enqueued, django_capture_on_commit_callbacks
):
    connect(tenant)
    activate(tenant.outlet)  # BALI1 is not active
    manual_transfers(tenant)
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    sale(tenant.other_outlet, "O-2", on=shift(tenant.other_outlet, "S-2", closed=False))
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_IN, created=wib(20, 10))
    transfer(tenant.other_outlet, tenant.outlet, "T-2", Kind.TRANSFER_IN, created=wib(20, 10))

    with django_capture_on_commit_callbacks(execute=True):
        sales = activities_release(store=tenant.store, kinds=SALES_KINDS, now=wib(20, 12))
        transfers = activities_release(store=tenant.store, kinds=TRANSFER_KINDS, now=wib(20, 12))

    assert (sales, transfers) == (1, 1)
    # A transfer received goes only when both ends are active: T-2 was sent by BALI1, T-1 lands there.
    assert states(tenant.store) == {
        ("JKT01", Kind.ORDER, "O-1"): wib(20, 12),
        ("BALI1", Kind.ORDER, "O-2"): None,
        ("JKT01", Kind.TRANSFER_OUT, "T-1"): wib(20, 12),
        ("BALI1", Kind.TRANSFER_IN, "T-1"): None,
        ("JKT01", Kind.TRANSFER_IN, "T-2"): None,
    }


def test_the_page_offers_no_button_for_an_outlet_not_active_and_counts_only_active_ones(tenant):
    connect(tenant)
    activate(tenant.outlet)
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    sale(tenant.other_outlet, "O-2", on=shift(tenant.other_outlet, "S-2", closed=False))

    response = client_for(tenant.staff).get(PAGE)

    rows = {row.outlet.code if row.outlet else "all": row for row in response.context["rows"]}
    assert {code: (row.active, row.queue.held_sales) for code, row in rows.items()} == {
        "BALI1": (False, 1),
        "JKT01": (True, 1),
        "all": (True, 1),
    }
    body = response.content.decode()
    bali = body[body.index('<tr data-outlet="BALI1">') :]
    bali = bali[: bali.index("</tr>")]
    assert " ".join(re.sub(r"<[^>]+>", " ", bali[bali.index('class="actions"') :]).split()) == (
        'class="actions"> Not active in Accurate — activate it in Outlet mapping'
    )
    assert f'href="/apps/accurate/outlets/{tenant.other_outlet.pk}/"' in bali
    assert f'action="{PAGE}sales/{tenant.other_outlet.pk}/"' not in body
    assert f'action="{PAGE}sales/{tenant.outlet.pk}/"' in body
    assert "“All outlets” counts and sends only the outlets active in Accurate" in body


def test_sync_now_for_an_outlet_not_active_is_refused_and_releases_nothing(tenant, enqueued):
    connect(tenant)
    activate(tenant.outlet)
    sale(tenant.other_outlet, "O-2", on=shift(tenant.other_outlet, "S-2", closed=False))

    response = client_for(tenant.owner).post(f"{PAGE}sales/{tenant.other_outlet.pk}/", follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert (
        "Denpasar is not active in Accurate — activate it in Outlet mapping first. Nothing was sent."
        in response.content.decode()
    )
    assert held_numbers(tenant.store) == {"O-2"}
    assert enqueued == []


def test_sync_all_outlets_sends_and_counts_only_the_active_outlets(tenant, enqueued):
    connect(tenant)
    activate(tenant.outlet)
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    sale(tenant.other_outlet, "O-2", on=shift(tenant.other_outlet, "S-2", closed=False))

    response = client_for(tenant.owner).post(f"{PAGE}sales/", follow=True)

    assert "Sending the sales, voids and refunds of all outlets to Accurate: 1 held document released." in (
        response.content.decode()
    )
    assert held_numbers(tenant.store) == {"O-2"}


@pytest.mark.parametrize("status", [None, "disconnected", "choosing_database"])
def test_a_store_that_is_not_connected_is_told_to_connect_first(tenant, enqueued, status):
    if status is not None:
        connect(tenant, status)
    activate(tenant.outlet, tenant.other_outlet)
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))
    client = client_for(tenant.owner)

    page = client.get(PAGE).content.decode()
    posted = client.post(f"{PAGE}sales/{tenant.outlet.pk}/", follow=True).content.decode()

    assert (
        "The store is not connected to Accurate: connect it first on the Accurate page (Apps → Accurate). "
        "Until then nothing can be sent."
    ) in page
    assert "<button" not in page[page.index('data-testid="sync-now"') :]
    assert (
        "The store is not connected to Accurate: connect it first on the Accurate page (Apps → Accurate). "
        "Nothing was sent."
    ) in posted
    assert held_numbers(tenant.store) == {"O-1"}
    assert enqueued == []


def test_a_store_that_needs_reconnecting_is_told_so(tenant, enqueued):
    connect(tenant, "needs_reconnect")
    activate(tenant.outlet)
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))

    posted = client_for(tenant.owner).post(f"{PAGE}sales/", follow=True).content.decode()

    assert (
        "Accurate needs the store to reconnect first: the owner presses Reconnect on the Accurate page "
        "(Apps → Accurate). Nothing was sent."
    ) in posted
    assert held_numbers(tenant.store) == {"O-1"}
    assert enqueued == []


def test_while_syncing_has_stopped_sync_now_says_they_go_once_the_worker_runs(
    tenant, sendable, order_body, enqueued
):
    due(tenant, order_body, "ORD-STUCK", ago=timedelta(hours=1))
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=False))

    posted = client_for(tenant.owner).post(f"{PAGE}sales/{tenant.outlet.pk}/", follow=True).content.decode()

    assert (
        "Sending the sales, voids and refunds of Jakarta Pusat to Accurate: 1 held document released. "
        "Syncing has stopped, though: they go once the background worker runs again."
    ) in posted
