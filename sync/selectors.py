"""Reads of the outbox, always scoped to one store: nothing here returns another store's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.http import Http404

from mapping.models import Connection, OutletMapping
from outlets.models import Outlet, Store

from .engine.claim import outlets_ready
from .models import SyncActivity

Status = SyncActivity.Status
Kind = SyncActivity.Kind


def connection_status(store: Store) -> str:
    """The store's connection status (mapping.models.Connection.Status); "" when it never connected."""
    return Connection.objects.filter(store=store).values_list("status", flat=True).first() or ""


def active_outlet_ids(store: Store) -> frozenset[int]:
    """The store's outlets that are active in Accurate: only their documents are sent."""
    return frozenset(
        OutletMapping.objects.filter(outlet__store=store, active=True).values_list("outlet_id", flat=True)
    )


def outlets_ready_q() -> Q:
    """Rows whose outlets are active in Accurate (a transfer received: both ends), as the engine's
    claim requires (sync.engine.claim.outlets_ready); subqueries, so an UPDATE may filter on it."""
    transfer_in = Q(kind=Kind.TRANSFER_IN)
    return (transfer_in & outlets_ready(Kind.TRANSFER_IN)) | (~transfer_in & outlets_ready(Kind.ORDER))


@dataclass(frozen=True)
class OutletQueue:
    """What an outlet has not sent yet: held by the schedule (sales, transfers), and on its way
    (Pending and due, waiting out a retry, or Running)."""

    held_sales: int = 0
    held_transfers: int = 0
    pending: int = 0


SALES_KINDS = (
    SyncActivity.Kind.ORDER,
    SyncActivity.Kind.ORDER_VOID,
    SyncActivity.Kind.REFUND,
    SyncActivity.Kind.ORDER_SUMMARY,
    SyncActivity.Kind.REFUND_SUMMARY,
)
TRANSFER_KINDS = (SyncActivity.Kind.TRANSFER_OUT, SyncActivity.Kind.TRANSFER_IN)


def outbox_queue_by_outlet(store: Store) -> dict[int | None, OutletQueue]:
    """Per outlet id of the store (None: store-level rows), its held and pending rows. Outlets with
    nothing waiting are absent."""
    held = Q(status=Status.PENDING, due_at__isnull=True)
    rows = (
        SyncActivity.objects.filter(store=store, status__in=[Status.PENDING, Status.RUNNING])
        .values("outlet_id")
        .annotate(
            # A summary's sales (refunds) are counted, not the summary itself.
            held_sales=Count(
                "id",
                filter=held
                & Q(kind__in=SALES_KINDS)
                & ~Q(kind__in=[Kind.ORDER_SUMMARY, Kind.REFUND_SUMMARY]),
            ),
            held_transfers=Count("id", filter=held & Q(kind__in=TRANSFER_KINDS)),
            pending=Count("id", filter=~held),
        )
        .order_by()
    )
    return {
        row["outlet_id"]: OutletQueue(row["held_sales"], row["held_transfers"], row["pending"])
        for row in rows
    }


def outlet_of_store(store: Store, outlet_id: int) -> Outlet:
    """The store's outlet; Http404 for another store's, or none."""
    outlet = Outlet.objects.filter(store=store, pk=outlet_id).select_related("store").first()
    if outlet is None:
        raise Http404("No such outlet.")
    return outlet


def differences_since(store: Store, since: datetime, until: datetime | None = None) -> list[SyncActivity]:
    """The store's documents that landed in Accurate with another total than the POS's (Synced with a
    difference) from `since` (up to `until`), oldest first, with their outlets: what the owner's
    digest lists beside the failures. Each reason holds both totals. Read through the completed
    rows' index (store, completed_at)."""
    rows = SyncActivity.objects.filter(store=store, status=Status.DIFFERENCE, completed_at__gte=since)
    if until is not None:
        rows = rows.filter(completed_at__lt=until)
    return list(rows.select_related("outlet").order_by("completed_at", "id"))
