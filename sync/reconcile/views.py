"""Apps → Accurate → Reconciliation: outlet × day with both sides' figures, one day's differences with
links to both sides, and "Check now" (owner and staff: it reads Accurate and changes nothing there).
Another store's outlet is a 404. The check runs in a Celery task, never in the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mapping.views.common import addon_required
from outlets.models import Membership
from outlets.views import page, store_member_required
from sync.reconcile.models import Reconciliation, ReconciliationDifference
from sync.selectors import active_outlet_ids, connection_status, outlet_of_store

from . import labels, selectors
from .services import CheckRefused, reconciliation_request


@dataclass(frozen=True)
class Shown:
    """A day of the table with what the template cannot look up itself."""

    row: selectors.DayRow
    label: str
    badge: str
    receipts_pos: Decimal | None
    receipts_accurate: Decimal | None


def shown(row: selectors.DayRow) -> Shown:
    return Shown(
        row=row,
        label=str(labels.status_label(row.status)),
        badge=labels.STATUS_BADGES.get(row.status, ""),
        receipts_pos=labels.receipts_total(row.pos) if row.pos else None,
        receipts_accurate=labels.receipts_total(row.accurate) if row.accurate else None,
    )


@dataclass(frozen=True)
class ShownDifference:
    difference: ReconciliationDifference
    document: str
    note: str


def shown_difference(difference: ReconciliationDifference) -> ShownDifference:
    note = labels.NOTE_LABELS.get(difference.note)
    return ShownDifference(difference, labels.role_label(difference.role), str(note) if note else "")


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def store_today(membership: Membership) -> date:
    return timezone.now().astimezone(ZoneInfo(membership.store.time_zone)).date()


@require_GET
@store_member_required
@addon_required
def reconcile_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    store = membership.store
    today = store_today(membership)
    last = min(parse_day(request.GET.get("end")) or today, today)
    days = selectors.DAYS_SHOWN
    rows = [shown(row) for row in selectors.reconciliation_table(store, last=last, days=days)]
    context = {
        "nav": "accurate",
        "rows": rows,
        "checking": any(row.row.status == Reconciliation.Status.CHECKING for row in rows),
        "first": last - timedelta(days=days - 1),
        "last": last,
        "earlier": (last - timedelta(days=days)).isoformat(),
        "later": (last + timedelta(days=days)).isoformat() if last < today else "",
        "connected": connection_status(store) == "connected",
        "active": active_outlet_ids(store),
    }
    return page(request, membership, "sync/reconcile.html", context)


def day_of(text: str) -> date:
    day = parse_day(text)
    if day is None:
        raise Http404("No such day.")
    return day


@require_GET
@store_member_required
@addon_required
def reconcile_detail(request: HttpRequest, membership: Membership, outlet_id: int, day: str) -> HttpResponse:
    store = membership.store
    row = selectors.reconciliation_day(store, outlet_id, day_of(day))
    found = selectors.differences_of(row.check) if row.check is not None else []
    context = {
        "nav": "accurate",
        "row": row,
        "lines": labels.figure_lines(row.pos, row.accurate) if row.pos and row.accurate else [],
        "differences": [shown_difference(d) for d in found if d.kind != d.Kind.ACCURATE_ONLY],
        "accurate_only": [shown_difference(d) for d in found if d.kind == d.Kind.ACCURATE_ONLY],
        "connected": connection_status(store) == "connected",
        "active": row.outlet.pk in active_outlet_ids(store),
        "shown": shown(row),
    }
    return page(request, membership, "sync/reconcile_detail.html", context)


@require_POST
@store_member_required
@addon_required
def reconcile_check(request: HttpRequest, membership: Membership, outlet_id: int, day: str) -> HttpResponse:
    store = membership.store
    outlet = outlet_of_store(store, outlet_id)
    checked = day_of(day)
    try:
        reconciliation_request(
            store=store, outlet=outlet, day=checked, user_id=request.user.pk, now=timezone.now()
        )
    except CheckRefused as refused:
        messages.error(request, str(labels.REFUSALS[refused.code]))
    else:
        messages.success(
            request,
            _("Checking %(outlet)s on %(day)s against Accurate: the result appears here in a moment.")
            % {"outlet": outlet.name, "day": checked.isoformat()},
        )
    target = request.POST.get("next", "")
    if not (target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())):
        target = reverse("sync:reconcile_detail", args=[outlet.pk, checked.isoformat()])
    return redirect(target)
