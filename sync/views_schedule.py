""" "Sync now": per outlet (or all), send held sales or transfers without waiting for the schedule.

Owner and staff may press the buttons (it sends what the POS already recorded; it changes no
setting). Another store's outlet is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from mapping.selectors import sync_settings_for
from outlets import selectors as outlet_selectors
from outlets.models import Membership, Outlet
from outlets.views import page, store_member_required
from sync import selectors
from sync.schedule import activities_release

# What each button sends.
WHAT = {"sales": selectors.SALES_KINDS, "transfers": selectors.TRANSFER_KINDS}


@dataclass(frozen=True)
class QueueRow:
    outlet: Outlet | None  # None: all outlets together
    queue: selectors.OutletQueue


def queue_rows(membership: Membership) -> list[QueueRow]:
    """One row per outlet of the store, then the store's total."""
    store = membership.store
    queues = selectors.outbox_queue_by_outlet(store)
    empty = selectors.OutletQueue()
    rows = [
        QueueRow(outlet, queues.get(outlet.pk, empty)) for outlet in outlet_selectors.outlets_for_store(store)
    ]
    total = selectors.OutletQueue(
        held_sales=sum(queue.held_sales for queue in queues.values()),
        held_transfers=sum(queue.held_transfers for queue in queues.values()),
        pending=sum(queue.pending for queue in queues.values()),
    )
    return [*rows, QueueRow(None, total)]


@require_GET
@store_member_required
def sync_now_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = {
        "nav": "accurate",
        "rows": queue_rows(membership),
        "schedule": sync_settings_for(membership.store),
    }
    return page(request, membership, "sync/sync_now.html", context)


@require_POST
@store_member_required
def sync_now_run(
    request: HttpRequest, membership: Membership, what: str, outlet_id: int | None = None
) -> HttpResponse:
    if what not in WHAT:
        raise Http404("Nothing of that kind to sync.")
    outlet = selectors.outlet_of_store(membership.store, outlet_id) if outlet_id is not None else None
    released = activities_release(store=membership.store, kinds=WHAT[what], outlet=outlet, now=timezone.now())
    where = outlet.name if outlet is not None else _("all outlets")
    messages.success(request, released_message(what, where, released))
    return redirect("sync:sync_now")


def released_message(what: str, where: str, released: int) -> str:
    """Whole sentences per button, so each language can word them its own way."""
    values = {"where": where, "count": released}
    if what == "sales":
        if not released:
            return (
                _("No sales, voids or refunds of %(where)s were held; any already due are being sent.")
                % values
            )
        return (
            ngettext(
                "Sending the sales, voids and refunds of %(where)s to Accurate: "
                "%(count)d held document released.",
                "Sending the sales, voids and refunds of %(where)s to Accurate: "
                "%(count)d held documents released.",
                released,
            )
            % values
        )
    if not released:
        return _("No transfers of %(where)s were held; any already due are being sent.") % values
    return (
        ngettext(
            "Sending the transfers of %(where)s to Accurate: %(count)d held document released.",
            "Sending the transfers of %(where)s to Accurate: %(count)d held documents released.",
            released,
        )
        % values
    )
