"""What an outlet's documents would become in Accurate, read through the engine's own planning.

The rows are planned by `row_plans_for` (sync/engine/plans.py), the very function a push task
calls, with the outlet's mapping as saved, active or not yet (`mapped_destinations_for`). Nothing
is sent and nothing is written. A document that cannot be mapped shows the mapper's message, the
one its sync would fail with.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from mapping.models import AccurateList
from mapping.selectors import accurate_list_kept, connection_for_store, sync_settings_for
from outlets.models import Store
from sync.destinations import mapped_destinations_for
from sync.engine.plans import RowPlan, row_plans_for
from sync.mappers import Destination
from sync.models import SyncActivity

from .layout import Names, ShownDocument, module_label, shown_document
from .summary import last_day_plans

logger = logging.getLogger(__name__)

Kind = SyncActivity.Kind
Status = SyncActivity.Status

# Rows not in Accurate yet: what they "will be sent as". Landed rows show what was sent instead.
NOT_SENT = (Status.PENDING, Status.RUNNING, Status.FAILED)
# The outlet page shows its latest sales, and the latest of each other kind where there is one.
LATEST_SALES = 3
OTHER_KINDS = (
    Kind.REFUND,
    Kind.TRANSFER_OUT,
    Kind.TRANSFER_IN,
    Kind.ADJUSTMENT,
    Kind.STOCK_TAKE,
    Kind.DEPOSIT,
    Kind.PAYOUT,
)


@dataclass(frozen=True)
class RowPreview:
    """One activity row: the Accurate documents it becomes, or why it cannot be sent."""

    activity: SyncActivity
    documents: list[ShownDocument] = field(default_factory=list)
    problem: str = ""  # the mapper's message: the document cannot be mapped as things are
    waits_for: str = ""  # "sales invoice JKT01-ORD-1": sent only once that one is in Accurate


@dataclass(frozen=True)
class OutletPreview:
    mapped: bool  # False: the outlet's mapping was never saved, there is nothing to preview with
    rows: list[RowPreview] = field(default_factory=list)
    # Posting per shift or per day: the outlet's last day of sales as the summaries it makes.
    summaries: list[RowPreview] = field(default_factory=list)


def outlet_preview(store: Store, outlet_id: int) -> OutletPreview:
    """The outlet's latest sales and the latest document of each other kind, as Accurate documents."""
    destinations = mapped_destinations_for(store)
    if outlet_id not in destinations:
        return OutletPreview(mapped=False)
    rows = previews(store, latest_rows(store, outlet_id), destinations)
    names, tax_rate = names_for(store), sync_settings_for(store).tax_rate
    try:
        summaries = [
            row_preview(plan, names, tax_rate) for plan in last_day_plans(store, outlet_id, destinations)
        ]
    except Exception:  # a bug of ours must not take the page down
        logger.exception("summary preview of outlet %s failed", outlet_id)
        summaries = []
    return OutletPreview(mapped=True, rows=rows, summaries=summaries)


def activity_preview(store: Store, activity: SyncActivity) -> RowPreview | None:
    """What a row not yet in Accurate will be sent as; None for a landed or cancelled row and for a
    product push (its items are shown by the push's own page)."""
    if activity.store_id != store.pk or activity.status not in NOT_SENT or activity.kind == Kind.PRODUCT_PUSH:
        return None
    if activity.summary_id is not None:
        return None  # a sale (refund) in a summary: its summary's page shows what it becomes
    return previews(store, [activity], mapped_destinations_for(store))[0]


def latest_rows(store: Store, outlet_id: int) -> list[SyncActivity]:
    """Newest first: the outlet's last sales (not cancelled: a void before syncing sends nothing),
    then the last row of each other kind."""
    rows = SyncActivity.objects.filter(store=store, outlet_id=outlet_id).exclude(status=Status.CANCELLED)
    newest = ("-created_at", "-id")
    found = list(rows.filter(kind=Kind.ORDER).order_by(*newest)[:LATEST_SALES])
    for kind in OTHER_KINDS:
        found.extend(rows.filter(kind=kind).order_by(*newest)[:1])
    return found


def previews(
    store: Store, activities: Sequence[SyncActivity], destinations: Mapping[int, Destination]
) -> list[RowPreview]:
    """The rows planned kind by kind, as the engine plans a batch, in the order given."""
    names = names_for(store)
    tax_rate = sync_settings_for(store).tax_rate
    shown: dict[int, RowPreview] = {}
    for kind in dict.fromkeys(activity.kind for activity in activities):
        batch = [activity for activity in activities if activity.kind == kind]
        for plan in planned(batch, destinations):
            shown[plan.activity.pk] = row_preview(plan, names, tax_rate)
    return [shown[activity.pk] for activity in activities]


def planned(batch: Sequence[SyncActivity], destinations: Mapping[int, Destination]) -> list[RowPlan]:
    try:
        return row_plans_for(batch, destinations)
    except Exception:  # a bug of ours must not take the page down: the preview says it has none
        logger.exception("preview of %s %s rows failed", len(batch), batch[0].kind)
        problem = _("This document could not be previewed.")
        return [RowPlan(activity, problem=problem) for activity in batch]


def row_preview(plan: RowPlan, names: Names, tax_rate: Decimal) -> RowPreview:
    if plan.problem:
        return RowPreview(plan.activity, problem=plan.problem)
    waits_for = ""
    if plan.needs is not None:
        module, number = plan.needs
        label = module_label(module)
        waits_for = f"{label[:1].lower()}{label[1:]} {number}"  # inside a sentence
    documents = [shown_document(p, names=names, tax_rate=tax_rate) for p in plan.documents]
    return RowPreview(plan.activity, documents=documents, waits_for=waits_for)


def names_for(store: Store) -> Names:
    """Accurate's names of accounts and customers, from the lists kept (no call to Accurate)."""
    connection = connection_for_store(store)
    if connection is None:
        return Names()
    accounts = accurate_list_kept(connection, AccurateList.Kind.GLACCOUNT) or []
    customers = accurate_list_kept(connection, AccurateList.Kind.CUSTOMER) or []
    return Names(
        accounts={str(row["no"]): str(row.get("name", "")) for row in accounts if "no" in row},
        customers={
            str(row.get("no") or row.get("customerNo")): str(row.get("name", ""))
            for row in customers
            if row.get("no") or row.get("customerNo")
        },
    )
