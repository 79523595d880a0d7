"""Backfill or undo a date range: the owner's page (staff: 403), a preview with the counts, then
Confirm. Another store's outlet is a 404; a bad range is a form error and nothing is released or
deleted. Confirm recounts and, when the figures changed since the preview, shows them again instead.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from mapping.views.common import addon_required
from outlets.models import Membership, Outlet, Store
from outlets.views import page, require_owner, store_member_required
from sync.activity.services import connection_refusal
from sync.selectors import connection_status

from .backfill import backfill_preview, range_backfill
from .forms import RangeForm
from .progress import undo_progress
from .selection import GROUP_LABELS, MAX_DAYS, DateRange
from .undo import range_undo_start, store_database, undo_preview

ACTIONS = ("backfill", "undo")
TOKEN = re.compile(r"^[0-9a-f]{12}$")
RANGE_FIELDS = ("outlet", "start", "end", "kinds")


def range_form(data: QueryDict | None, store: Store) -> RangeForm:
    """The form of the range; an outlet id of another store is a 404 (an unknown one, a form error)."""
    outlet = data.get("outlet", "") if data is not None else ""
    if outlet.isdigit() and Outlet.objects.filter(pk=int(outlet)).exclude(store=store).exists():
        raise Http404("No such outlet.")
    return RangeForm(data, store=store)


def range_query(data: QueryDict) -> str:
    """The range's fields alone, for the progress page's address."""
    query = QueryDict(mutable=True)
    for name in RANGE_FIELDS:
        query.setlist(name, data.getlist(name))
    return query.urlencode()


def preview_of(action: str, chosen: DateRange) -> Any:
    """The counts the confirmation shows; None when the store is not connected (undo)."""
    if action == "backfill":
        return backfill_preview(chosen)
    database_id = store_database(chosen)
    return None if database_id is None else undo_preview(chosen, database_id)


def render_page(
    request: HttpRequest, membership: Membership, form: RangeForm, action: str = "", **extra: Any
) -> HttpResponse:
    preview = None
    refused = connection_refusal(connection_status(membership.store))
    if action in ACTIONS and form.is_bound and form.is_valid() and refused is None:
        preview = preview_of(action, form.chosen())
    context = {
        "nav": "accurate",
        "form": form,
        "action": action,
        "preview": preview,
        "chosen": form.chosen() if preview is not None else None,
        "refused": str(refused) if refused is not None and action in ACTIONS else "",
        "labels": GROUP_LABELS,
        "max_days": MAX_DAYS,
        **extra,
    }
    return page(request, membership, "sync/ranges.html", context)


@require_GET
@store_member_required
@addon_required
def ranges_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    action = request.GET.get("action", "")
    form = range_form(request.GET if action in ACTIONS else None, membership.store)
    return render_page(request, membership, form, action)


def _confirmable(
    request: HttpRequest, membership: Membership, action: str
) -> tuple[DateRange | None, HttpResponse | None]:
    """The range to act on, or the page to show instead (errors, a refusal, changed figures)."""
    require_owner(membership)
    form = range_form(request.POST, membership.store)
    if not form.is_valid():
        return None, render_page(request, membership, form)
    refused = connection_refusal(connection_status(membership.store))
    if refused is not None:
        messages.error(request, str(refused))
        return None, render_page(request, membership, form)
    chosen = form.chosen()
    preview = preview_of(action, chosen)
    counted = preview.to_send if action == "backfill" else preview.rows
    if str(counted) != request.POST.get("expected", ""):
        messages.warning(
            request,
            _("The figures changed since you looked: check them and confirm again. Nothing was changed."),
        )
        return None, render_page(request, membership, form, action)
    return chosen, None


@require_POST
@store_member_required
@addon_required
def ranges_backfill(request: HttpRequest, membership: Membership) -> HttpResponse:
    chosen, instead = _confirmable(request, membership, "backfill")
    if chosen is None:
        assert instead is not None
        return instead
    released = range_backfill(chosen=chosen, now=timezone.now())
    messages.success(
        request,
        ngettext(
            "Sending %(count)d document to Accurate. Follow it on the activity page.",
            "Sending %(count)d documents to Accurate. Follow them on the activity page.",
            released,
        )
        % {"count": released},
    )
    return redirect("sync:ranges")


@require_POST
@store_member_required
@addon_required
def ranges_undo(request: HttpRequest, membership: Membership) -> HttpResponse:
    chosen, instead = _confirmable(request, membership, "undo")
    if chosen is None:
        assert instead is not None
        return instead
    token = range_undo_start(chosen=chosen)
    return redirect(reverse("sync:ranges_undo_progress", args=[token]) + "?" + range_query(request.POST))


@require_GET
@store_member_required
@addon_required
def ranges_undo_progress(request: HttpRequest, membership: Membership, token: str) -> HttpResponse:
    require_owner(membership)
    form = range_form(request.GET, membership.store)
    if not TOKEN.match(token) or not form.is_valid():
        raise Http404("No such undo.")
    chosen = form.chosen()
    database_id = store_database(chosen)
    refused = connection_refusal(connection_status(membership.store))
    context = {
        "nav": "accurate",
        "chosen": chosen,
        "labels": [GROUP_LABELS[group] for group in chosen.groups],
        "progress": undo_progress(chosen, database_id, token) if database_id is not None else None,
        "refused": str(refused) if refused is not None else "",
        "again": f"{reverse('sync:ranges')}?action=backfill&{range_query(request.GET)}",
    }
    return page(request, membership, "sync/ranges_undo.html", context)
