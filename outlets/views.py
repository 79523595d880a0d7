"""Back office pages. Every page needs a logged-in member of a store; only owners manage API keys.

Views parse the request, read through store-scoped selectors or call one service, and render.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from outlets import selectors
from outlets.forms import ApiKeyCreateForm
from outlets.models import Membership, Outlet
from outlets.services.stores import api_key_create, api_key_revoke
from sync import outbox

P = ParamSpec("P")
StorePage = Callable[Concatenate[HttpRequest, Membership, P], HttpResponse]
Page = Callable[Concatenate[HttpRequest, P], HttpResponse]


def store_member_required(view: StorePage[P]) -> Page[P]:
    """Log in first; then the user must belong to a store (403 if not). The view gets the membership.

    Pages render in the store's time zone, so every time shown is the merchant's local time.
    """

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        membership = selectors.membership_for_user(request.user)
        if membership is None:
            raise PermissionDenied(_("This account does not belong to a store."))
        with timezone.override(ZoneInfo(membership.store.time_zone)):
            return view(request, membership, *args, **kwargs)

    return wrapper


def require_owner(membership: Membership) -> None:
    if not membership.is_owner:
        raise PermissionDenied(_("Only the store owner can do this."))


def page(
    request: HttpRequest, membership: Membership, template: str, context: dict[str, Any]
) -> HttpResponse:
    """Render a page with what the layout needs: the store, the member and the active nav item."""
    return render(request, template, {"membership": membership, "store": membership.store, **context})


@dataclass(frozen=True)
class OutletRow:
    outlet: Outlet
    orders: int
    sales: Decimal
    sync: outbox.StatusCounts


@require_GET
@store_member_required
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    store = membership.store
    sales = selectors.sales_by_outlet(store)
    counts = outbox.activity_counts_by_outlet(store)
    no_sales = selectors.OutletSales(orders=0, sales=Decimal(0))
    rows = [
        OutletRow(
            outlet=outlet,
            orders=sales.get(outlet.pk, no_sales).orders,
            sales=sales.get(outlet.pk, no_sales).sales,
            sync=counts.get(outlet.pk, outbox.StatusCounts()),
        )
        for outlet in selectors.outlets_for_store(store)
    ]
    activities = outbox.activities_recent(store, limit=20)
    return page(
        request,
        membership,
        "outlets/dashboard.html",
        {"nav": "dashboard", "rows": rows, "activities": activities},
    )


@require_GET
@store_member_required
def api_keys(request: HttpRequest, membership: Membership) -> HttpResponse:
    return api_keys_page(request, membership, ApiKeyCreateForm())


def api_keys_page(request: HttpRequest, membership: Membership, form: ApiKeyCreateForm) -> HttpResponse:
    keys = selectors.api_keys_for_store(membership.store)
    return page(
        request,
        membership,
        "outlets/api_keys.html",
        {"nav": "api_keys", "keys": keys, "form": form, "can_manage": membership.is_owner},
    )


# The raw key is on this page and nowhere else: no browser or proxy may keep a copy of it.
@never_cache
@require_POST
@store_member_required
def api_key_create_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    form = ApiKeyCreateForm(request.POST)
    if not form.is_valid():
        return api_keys_page(request, membership, form)
    key, raw = api_key_create(
        store=membership.store, name=form.cleaned_data["name"], created_by=membership.user
    )
    return page(
        request,
        membership,
        "outlets/api_key_created.html",
        {"nav": "api_keys", "key": key, "raw_key": raw},
    )


@require_POST
@store_member_required
def api_key_revoke_view(request: HttpRequest, membership: Membership, key_id: int) -> HttpResponse:
    require_owner(membership)
    # Through the store's selector: another store's key id is a 404, as if it did not exist.
    key = get_object_or_404(selectors.api_keys_for_store(membership.store), pk=key_id)
    api_key_revoke(key=key)
    messages.success(
        request, _("The key “%(name)s” (%(prefix)s…) is revoked.") % {"name": key.name, "prefix": key.prefix}
    )
    return redirect("outlets:api_keys")
