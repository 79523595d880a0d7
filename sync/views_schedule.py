""" "Sync now": per outlet (or all), send held sales or transfers without waiting for the schedule.

Owner and staff may press the buttons (it sends what the POS already recorded; it changes no
setting). Another store's outlet is a 404. Only what can go is offered: an outlet not active in
Accurate has no buttons and its POST is refused, "all outlets" sends the active outlets' documents,
and a store that is not connected is told to connect first. A refusal releases nothing.
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

from mapping.models import Connection
from mapping.selectors import sync_settings_for
from mapping.views.common import addon_required
from outlets import selectors as outlet_selectors
from outlets.models import Membership, Outlet
from outlets.views import page, store_member_required
from sync import selectors
from sync.activity.health import with_stall_note
from sync.schedule import activities_release

# What each button sends.
WHAT = {"sales": selectors.SALES_KINDS, "transfers": selectors.TRANSFER_KINDS}


@dataclass(frozen=True)
class QueueRow:
    outlet: Outlet | None  # None: all active outlets together
    queue: selectors.OutletQueue
    active: bool = True  # the outlet is active in Accurate: its documents can be sent


def queue_rows(membership: Membership) -> list[QueueRow]:
    """One row per outlet of the store, then the total of the outlets active in Accurate (what "all
    outlets" sends)."""
    store = membership.store
    queues = selectors.outbox_queue_by_outlet(store)
    active = selectors.active_outlet_ids(store)
    empty = selectors.OutletQueue()
    rows = [
        QueueRow(outlet, queues.get(outlet.pk, empty), outlet.pk in active)
        for outlet in outlet_selectors.outlets_for_store(store)
    ]
    sending = [row.queue for row in rows if row.active]
    total = selectors.OutletQueue(
        held_sales=sum(queue.held_sales for queue in sending),
        held_transfers=sum(queue.held_transfers for queue in sending),
        pending=sum(queue.pending for queue in sending),
    )
    return [*rows, QueueRow(None, total)]


@require_GET
@store_member_required
@addon_required
def sync_now_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = queue_rows(membership)
    context = {
        "nav": "accurate",
        "rows": rows,
        "schedule": sync_settings_for(membership.store),
        "connection_status": selectors.connection_status(membership.store),
        "any_inactive": any(not row.active for row in rows),
    }
    return page(request, membership, "sync/sync_now.html", context)


def refusal(status: str, outlet: Outlet | None, active: frozenset[int]) -> str:
    """Why nothing can be sent (in merchant words), or "" when it can."""
    if status == Connection.Status.NEEDS_RECONNECT:
        return _(
            "Accurate needs the store to reconnect first: the owner presses Reconnect on the Accurate page "
            "(Apps → Accurate). Nothing was sent."
        )
    if status != Connection.Status.CONNECTED:
        return _(
            "The store is not connected to Accurate: connect it first on the Accurate page "
            "(Apps → Accurate). Nothing was sent."
        )
    if outlet is not None and outlet.pk not in active:
        return _(
            "%(outlet)s is not active in Accurate — activate it in Outlet mapping first. Nothing was sent."
        ) % {"outlet": outlet.name}
    return ""


@require_POST
@store_member_required
@addon_required
def sync_now_run(
    request: HttpRequest, membership: Membership, what: str, outlet_id: int | None = None
) -> HttpResponse:
    if what not in WHAT:
        raise Http404("Nothing of that kind to sync.")
    store = membership.store
    outlet = selectors.outlet_of_store(store, outlet_id) if outlet_id is not None else None
    refused = refusal(selectors.connection_status(store), outlet, selectors.active_outlet_ids(store))
    if refused:
        messages.error(request, refused)
        return redirect("sync:sync_now")
    released = activities_release(store=store, kinds=WHAT[what], outlet=outlet, now=timezone.now())
    where = outlet.name if outlet is not None else _("all outlets")
    messages.success(request, with_stall_note(released_message(what, where, released), store, many=True))
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
