"""Reads of the outbox, always scoped to one store: nothing here returns another store's rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from outlets.models import Outlet, Store

from .models import SyncActivity

Status = SyncActivity.Status


@dataclass(frozen=True)
class StatusCounts:
    """The three states a merchant sees. Running is still Pending to them: it has not landed yet."""

    pending: int = 0
    failed: int = 0
    success: int = 0


def activities_for_store(store: Store) -> QuerySet[SyncActivity]:
    return SyncActivity.objects.filter(store=store).select_related("outlet")


def activities_recent(store: Store, *, limit: int = 20) -> list[SyncActivity]:
    """The store's newest outbox rows, newest first (id breaks ties within one bulk insert)."""
    return list(activities_for_store(store).order_by("-created_at", "-id")[:limit])


def activity_counts_by_outlet(store: Store) -> dict[int, StatusCounts]:
    """Per outlet id of the store, its activities by status. Outlets with none are absent."""
    rows = (
        SyncActivity.objects.filter(store=store)
        .values("outlet_id")
        .annotate(
            pending=Count("id", filter=Q(status__in=[Status.PENDING, Status.RUNNING])),
            failed=Count("id", filter=Q(status=Status.FAILED)),
            success=Count("id", filter=Q(status=Status.SUCCESS)),
        )
        .order_by()
    )
    return {row["outlet_id"]: StatusCounts(row["pending"], row["failed"], row["success"]) for row in rows}


@dataclass(frozen=True)
class OutletQueue:
    """What an outlet has not sent yet: held by the schedule (sales, transfers), and on its way
    (Pending and due, waiting out a retry, or Running)."""

    held_sales: int = 0
    held_transfers: int = 0
    pending: int = 0


SALES_KINDS = (SyncActivity.Kind.ORDER, SyncActivity.Kind.ORDER_VOID, SyncActivity.Kind.REFUND)
TRANSFER_KINDS = (SyncActivity.Kind.TRANSFER_OUT, SyncActivity.Kind.TRANSFER_IN)


def outbox_queue_by_outlet(store: Store) -> dict[int | None, OutletQueue]:
    """Per outlet id of the store (None: store-level rows), its held and pending rows. Outlets with
    nothing waiting are absent."""
    held = Q(status=Status.PENDING, due_at__isnull=True)
    rows = (
        SyncActivity.objects.filter(store=store, status__in=[Status.PENDING, Status.RUNNING])
        .values("outlet_id")
        .annotate(
            held_sales=Count("id", filter=held & Q(kind__in=SALES_KINDS)),
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
