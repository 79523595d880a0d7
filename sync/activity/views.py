"""The activity pages: the filtered list (keyset pages), one activity's details, Sync and Sync all
failed (owner and staff: it sends what the POS recorded and changes no setting), the statuses the
page polls, and the CSV export. Another store's activity is a 404.

Every Pending row says why it has not landed (sync.activity.reasons, read once per page); a Sync that
cannot go says why and what to do, and one that went says so when syncing has stopped meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from mapping.views.common import addon_required
from outlets.models import Membership, Store
from outlets.views import page, store_member_required
from sync.models import SyncActivity
from sync.preview import activity_preview

from . import selectors, summary
from .documents import document_of
from .export import csv_lines
from .filters import STATUS_CHOICES, ActivityFilter
from .health import with_stall_note
from .labels import KIND_LABELS, merchant_status, status_label
from .reasons import row_reason
from .services import RetryRefused, activities_retry_failed, activity_retry
from .totals import totals_checked

POLL_MS = 2000
POLL_MAX_IDS = 100


@dataclass(frozen=True)
class Shown:
    """A row as the list shows it: the activity and why it failed or has not landed yet."""

    activity: SyncActivity
    reason: str


def shown_rows(store: Store, rows: list[SyncActivity]) -> list[Shown]:
    facts = selectors.pending_facts(store, rows)
    return [Shown(row, row_reason(row, facts)) for row in rows]


def filtered(request: HttpRequest, membership: Membership) -> tuple[ActivityFilter, QuerySet[SyncActivity]]:
    """The filters of the URL and the store's rows they keep; nothing when a filter is invalid (an
    outlet of another store, a bad date), rather than silently everything."""
    filterset = ActivityFilter(
        request.GET or None,
        queryset=selectors.activities_for_store(membership.store),
        store=membership.store,
    )
    valid = not filterset.is_bound or filterset.is_valid()
    rows = filterset.qs if valid else filterset.queryset.none()
    if not (valid and filterset.is_bound and filterset.form.cleaned_data.get("q")):
        # A sale in a sales summary is listed on its summary's page; a search by number finds it.
        rows = rows.filter(summary__isnull=True)
    return filterset, rows


@require_GET
@store_member_required
@addon_required
def activity_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    filterset, rows = filtered(request, membership)
    found = selectors.activities_page(
        rows,
        older=request.GET.get("older"),
        newer=request.GET.get("newer"),
        by_match=bool(filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data.get("q")),
    )
    context = {
        "nav": "accurate",
        "filterset": filterset,
        "active_filters": filters_set(request),
        "page": found,
        "rows": shown_rows(membership.store, list(found.rows)),
        "chart": summary.chart(summary.chart_days_cached(membership.store)),
        "poll_ms": POLL_MS,
        "filter_query": filter_query(request),
        # Sync all failed is offered only when there is something to send (a stale page is told).
        "any_failed": selectors.activities_failed(rows).exists(),
        "status_choices": STATUS_CHOICES,
        "kind_choices": list(KIND_LABELS.items()),
        "outlets": filterset.filters["outlet"].queryset,
    }
    return page(request, membership, "sync/activity.html", context)


def filters_set(request: HttpRequest) -> int:
    """How many of the filters have a value in the URL."""
    return sum(1 for name in ActivityFilter.Meta.fields if request.GET.get(name))


def filter_query(request: HttpRequest) -> str:
    """The URL's filters without the cursor: what Export and Sync all failed act on."""
    query = request.GET.copy()
    for cursor in ("older", "newer"):
        query.pop(cursor, None)
    return query.urlencode()


@require_GET
@store_member_required
@addon_required
def activity_detail(request: HttpRequest, membership: Membership, activity_id: int) -> HttpResponse:
    activity = selectors.activity_for_store(membership.store, activity_id)
    attempts = selectors.activity_attempts(activity)
    context = {
        "nav": "accurate",
        "activity": activity,
        "reason": shown_rows(membership.store, [activity])[0].reason,
        "document": document_of(activity),
        "attempts": attempts,
        "totals": totals_checked(attempts),  # Accurate's total beside the POS's, per document
        # Not in Accurate yet: the documents it will be sent as, with the mapping as it is now.
        "preview": activity_preview(membership.store, activity),
        "poll_ms": POLL_MS,
        # Posting per shift or per day: the summary a sale (refund) goes in, the sales (refunds) a
        # summary covers, the sales summary a refunds summary returns against.
        "summary": selectors.summary_of(membership.store, activity),
        "covered": selectors.covered_by(membership.store, activity),
        "against": selectors.against_of(membership.store, activity),
    }
    return page(request, membership, "sync/activity_detail.html", context)


def back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return redirect(target if target and safe else default)


def queued_message(waits_for: str) -> str:
    """What a Sync that went says: sent again, or queued behind the document it needs first."""
    if waits_for == SyncActivity.Kind.TRANSFER_OUT:
        return _(
            "Queued: it goes to Accurate once its transfer sent is there. If that one failed, sync it too."
        )
    if waits_for == SyncActivity.Kind.ORDER_SUMMARY:
        return _(
            "Queued: it goes to Accurate once its sales summary is there. If that one failed, sync it too."
        )
    if waits_for:
        return _("Queued: it goes to Accurate once its sale is there. If the sale failed, sync it too.")
    return _("Sending it to Accurate again.")


@require_POST
@store_member_required
@addon_required
def activity_sync(request: HttpRequest, membership: Membership, activity_id: int) -> HttpResponse:
    store = membership.store
    try:
        retried = activity_retry(store=store, activity_id=activity_id)
    except RetryRefused as refused:
        (messages.info if refused.level == "info" else messages.error)(request, str(refused))
    else:
        if retried.queued:
            messages.success(request, with_stall_note(queued_message(retried.waits_for), store))
        else:
            messages.info(request, _("It is already on its way or done; nothing was changed."))
    return back(request, reverse("sync:activity_detail", args=[activity_id]))


def retried_all_message(sent: int, left: int, *, filtered: bool = False) -> str:
    """Whole sentences, so each language can word them its own way. `filtered`: the page's filters
    chose the rows, so "nothing failed" holds only for those."""
    if not sent and not left:
        if filtered:
            return _("Nothing among the syncs these filters show has failed: there is nothing to send again.")
        return _("Nothing has failed: there is nothing to send again.")
    parts = []
    if sent:
        parts.append(
            ngettext(
                "Sending %(count)d failed sync to Accurate again.",
                "Sending %(count)d failed syncs to Accurate again.",
                sent,
            )
            % {"count": sent}
        )
    if left:
        parts.append(
            ngettext(
                "%(count)d failed sync was left as it is: its outlet is not active in Accurate. "
                "Activate it in Apps → Accurate → Outlet mapping first.",
                "%(count)d failed syncs were left as they are: their outlets are not active in Accurate. "
                "Activate them in Apps → Accurate → Outlet mapping first.",
                left,
            )
            % {"count": left}
        )
    return " ".join(parts)


@require_POST
@store_member_required
@addon_required
def activity_sync_failed(request: HttpRequest, membership: Membership) -> HttpResponse:
    store = membership.store
    _filterset, rows = filtered(request, membership)
    try:
        done = activities_retry_failed(store=store, filtered_queryset=rows)
    except RetryRefused as refused:
        messages.error(request, str(refused))
    else:
        message = retried_all_message(done.sent, done.left, filtered=bool(filters_set(request)))
        if done.sent:
            messages.success(request, with_stall_note(message, store, many=done.sent > 1))
        elif done.left:
            messages.error(request, message)
        else:
            messages.info(request, message)
    query = filter_query(request)
    return redirect(reverse("sync:activity") + (f"?{query}" if query else ""))


def local_time(value: datetime | None) -> str:
    return "" if value is None else date_format(timezone.localtime(value), "Y-m-d H:i")


def status_of(activity: SyncActivity, reason: str) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "status": merchant_status(activity.status),
        "label": str(status_label(activity.status)),
        "started": local_time(activity.started_at),
        "completed": local_time(activity.completed_at),
        "attempts": activity.attempts,
        "accurate_number": activity.accurate_number,
        "reason": reason,
    }


@require_GET
@store_member_required
@addon_required
def activity_statuses(request: HttpRequest, membership: Membership) -> JsonResponse:
    """The current status of the store's rows among `ids` (comma separated, at most 100)."""
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip().isdigit()]
    rows = selectors.activity_statuses(membership.store, ids[:POLL_MAX_IDS])
    shown = shown_rows(membership.store, rows)
    return JsonResponse({"rows": [status_of(row.activity, row.reason) for row in shown]})


@require_GET
@store_member_required
@addon_required
def activity_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    _filterset, rows = filtered(request, membership)
    zone = ZoneInfo(membership.store.time_zone)
    today = timezone.now().astimezone(zone).date().isoformat()
    response = StreamingHttpResponse(csv_lines(rows, zone), content_type="text/csv; charset=utf-8")
    name = f"sync-activity-{membership.store.slug}-{today}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The page decorator is typed for HttpResponse; a streamed one serves the same way.
    return cast(HttpResponse, response)
