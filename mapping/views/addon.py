"""The Apps page and the add-on page: activating the add-on, connecting to Accurate, refreshing lists,
saving the synchronization schedule.

Anyone of the store can look; only the owner changes the connection or the schedule (403 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import accurate
from mapping import selectors
from mapping.forms import SyncSettingsForm
from mapping.models import Connection, OutletMapping
from mapping.services.connection import (
    addon_activate,
    connect_callback,
    connect_start,
    database_choose,
    databases_for,
    disconnect,
    missing_scopes,
)
from mapping.services.errors import ConnectError
from mapping.services.lists import accurate_lists_refresh
from mapping.services.outlets import activation_fee, mapping_problems, store_monthly_fee
from mapping.services.sync_settings import SyncSettingsInvalid, sync_settings_update
from mapping.views import products, schedule
from mapping.views.common import Lists, addon_required, connected, lists_or_empty
from outlets.models import Membership, Outlet
from outlets.views import page, require_owner, store_member_required


@require_GET
@store_member_required
def apps(request: HttpRequest, membership: Membership) -> HttpResponse:
    addon = selectors.addon_for_store(membership.store)
    return page(
        request,
        membership,
        "mapping/apps.html",
        {"nav": "apps", "addon": addon, "can_manage": membership.is_owner},
    )


@require_POST
@store_member_required
def activate(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    addon_activate(store=membership.store, user=membership.user)
    return redirect("mapping:addon")


@dataclass(frozen=True)
class OutletRow:
    outlet: Outlet
    mapping: OutletMapping | None
    state: str  # not_integrated, incomplete, ready, active


def outlet_rows(membership: Membership, lists: Lists) -> list[OutletRow]:
    rows = []
    for row in selectors.outlet_mappings_for_store(membership.store):
        outlet, mapping = row.outlet, row.mapping
        if mapping is None:
            state = "not_integrated"
        elif mapping.active:
            state = "active"
        else:
            state = "incomplete" if mapping_problems(mapping=mapping, **lists.as_kwargs()) else "ready"
        rows.append(OutletRow(outlet, mapping, state))
    return rows


def databases_or_error(request: HttpRequest, connection: Connection) -> list[accurate.Database]:
    try:
        return databases_for(connection=connection)
    except accurate.AccurateError as error:
        messages.error(request, str(error))
        return []


@require_GET
@store_member_required
@addon_required
def addon(request: HttpRequest, membership: Membership) -> HttpResponse:
    return addon_page(request, membership)


def addon_page(
    request: HttpRequest, membership: Membership, *, schedule_form: SyncSettingsForm | None = None
) -> HttpResponse:
    """The add-on page; `schedule_form` is a refused schedule form to show with its errors."""
    store = membership.store
    connection = selectors.connection_for_store(store)
    context: dict[str, Any] = {
        "nav": "accurate",
        "connection": connection,
        "can_manage": membership.is_owner,
        "databases": [],
        "missing_scopes": [],
        "rows": [],
        **products.panel_context(store),
        **schedule.panel_context(store, connected(store), schedule_form),
    }
    if connection is not None and connection.status == Connection.Status.CHOOSING_DATABASE:
        context["databases"] = databases_or_error(request, connection)
    mapped = connected(store)
    if mapped is not None:
        fee, total = activation_fee(store)
        context |= {
            "missing_scopes": missing_scopes(mapped),
            "rows": outlet_rows(membership, lists_or_empty(request, store, mapped)),
            "monthly_fee": store_monthly_fee(store),
            "extra_outlet_fee": settings.ACCURATE_EXTRA_OUTLET_FEE,
            "next_fee": fee,
            "next_total": total,
        }
    return page(request, membership, "mapping/addon.html", context)


def callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("mapping:callback"))


@require_POST
@store_member_required
@addon_required
def connect(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Connect, or Reconnect: off to Accurate's login and consent, back at the callback."""
    require_owner(membership)
    try:
        url = connect_start(
            store=membership.store, session=request.session, redirect_uri=callback_uri(request)
        )
    except ConnectError as error:
        messages.error(request, str(error))
        return redirect("mapping:addon")
    return redirect(url)


@require_GET
@store_member_required
@addon_required
def callback(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    try:
        connect_callback(
            store=membership.store,
            user=membership.user,
            session=request.session,
            redirect_uri=callback_uri(request),
            params=request.GET.dict(),
        )
    except ConnectError as error:
        messages.error(request, str(error))
    return redirect("mapping:addon")


def store_connection(membership: Membership) -> Connection:
    connection = selectors.connection_for_store(membership.store)
    if connection is None:
        raise ConnectError(_("Connect to Accurate first."))
    return connection


@require_POST
@store_member_required
@addon_required
def database(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    try:
        database_id = int(request.POST.get("database_id", ""))
        connection = database_choose(connection=store_connection(membership), database_id=database_id)
        messages.success(
            request,
            _("Connected to the Accurate database “%(alias)s”.") % {"alias": connection.database_alias},
        )
    except ValueError:
        messages.error(request, _("Choose one of your Accurate databases."))
    except (ConnectError, accurate.AccurateError) as error:
        messages.error(request, str(error))
    return redirect("mapping:addon")


@require_POST
@store_member_required
@addon_required
def disconnect_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    connection = selectors.connection_for_store(membership.store)
    if connection is not None:
        disconnect(connection=connection)
        messages.success(
            request, _("Disconnected from Accurate. Pending documents wait until you reconnect.")
        )
    return redirect("mapping:addon")


@require_POST
@store_member_required
@addon_required
def refresh(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    connection = connected(membership.store)
    if connection is None:
        messages.error(request, _("Connect to an Accurate database first."))
        return redirect("mapping:addon")
    try:
        accurate_lists_refresh(connection=connection)
        messages.success(
            request, _("Branches, warehouses, accounts and customers are refreshed from Accurate.")
        )
    except accurate.AccurateError as error:
        messages.error(request, str(error))
    return redirect("mapping:addon")


@require_http_methods(["GET", "POST"])
@store_member_required
@addon_required
def schedule_save(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Panel 4's Save. A refused value shows on the add-on page, next to its field, at this address
    with the panel's anchor (the form posts to `…/schedule/#schedule`). A GET here (the language
    picker or a reload after a refused save) goes back to the panel."""
    if request.method == "GET":
        return redirect(schedule_panel_url())
    require_owner(membership)
    store = membership.store
    form = schedule.schedule_form(store, connected(store), request.POST)
    if not form.is_valid():
        return addon_page(request, membership, schedule_form=form)
    try:
        sync_settings_update(store=store, data=form.settings_data())
    except SyncSettingsInvalid as refused:
        for field, problem in refused.problems.items():
            form.add_error(field, problem)
        return addon_page(request, membership, schedule_form=form)
    messages.success(request, _("The synchronization schedule is saved."))
    return redirect(schedule_panel_url())


def schedule_panel_url() -> str:
    """The add-on page scrolled to panel 4."""
    return reverse("mapping:addon") + "#schedule"
