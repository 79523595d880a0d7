"""Reads of the outbox, always scoped to one store: nothing here returns another store's rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from outlets.models import Store

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
