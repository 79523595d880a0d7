"""One outlet's mapping: the form (pre-filled with defaults), Save, Save and activate, Deactivate.

Every URL takes the outlet through the store's selector: another store's outlet is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import accurate
from mapping import selectors
from mapping.forms import OutletMappingForm
from mapping.models import Connection, OutletMapping
from mapping.services.account_rules import mapping_defaults
from mapping.services.outlet_submit import outlet_mapping_submit
from mapping.services.outlets import (
    ActivationRefused,
    activation_fee,
    mapping_problems,
    mapping_values,
    outlet_deactivate,
    store_monthly_fee,
)
from mapping.views.common import Lists, addon_required, connected, lists_for, lists_or_empty
from outlets.models import Membership, Outlet
from outlets.views import page, require_owner, store_member_required


def store_outlet(membership: Membership, outlet_id: int) -> tuple[Outlet, OutletMapping | None]:
    """The store's outlet (404 for another store's) and its mapping, None if never saved."""
    mapping = selectors.mapping_for_outlet(membership.store, outlet_id)
    return mapping.outlet, (mapping if mapping.pk is not None else None)


def initial_values(mapping: OutletMapping | None, lists: Lists) -> dict[str, Any]:
    """A new mapping starts from the defaults; a saved one shows what was saved, defaults only for
    payment methods the store started using since."""
    defaults = mapping_defaults(**lists.as_kwargs())
    if mapping is None:
        return defaults
    values = mapping_values(mapping)
    values["payments"] = defaults["payments"] | {k: v for k, v in values["payments"].items() if v}
    return values


def outlet_page(
    request: HttpRequest,
    membership: Membership,
    outlet: Outlet,
    mapping: OutletMapping | None,
    *,
    form: OutletMappingForm,
    lists: Lists,
    problems: dict[str, str] | None = None,
    fee_refused: bool = False,
    fee_again: bool = False,
) -> HttpResponse:
    """`fee_refused`: activation waits for the fee to be confirmed; `fee_again`: it was asked for
    already, so not confirming it now is an error, where the first time it is only asked for."""
    store = membership.store
    if problems is None and mapping is not None and not mapping.active:
        problems = mapping_problems(mapping=mapping, **lists.as_kwargs())
    problems = problems or {}
    fee, total = activation_fee(store)
    sections = [
        (title, [(field, problems.get(field.name, "")) for field in fields])
        for title, fields in (
            (_("Branch and warehouse"), form.place_fields()),
            (_("Payment accounts"), form.payment_fields()),
            ("iSellerPay", form.iseller_pay_fields()),
            (_("Transaction accounts"), form.account_fields()),
            (_("Posting mode"), form.posting_fields()),
        )
    ]
    context = {
        "sections": sections,
        "nav": "accurate",
        "outlet": outlet,
        "mapping": mapping,
        "form": form,
        "problems": problems,
        "can_manage": membership.is_owner,
        "monthly_fee": store_monthly_fee(store),
        "next_fee": fee,
        "next_total": total,
        "fee_refused": fee_refused,
        "fee_again": fee_again,
        # Shown under the warehouse: a warning, saving and activating stay allowed.
        "shared_warehouse": shared_warehouse_notes(membership, outlet, form),
    }
    return page(request, membership, "mapping/outlet.html", context)


def shared_warehouse_notes(membership: Membership, outlet: Outlet, form: OutletMappingForm) -> list[str]:
    """A warning (saving is allowed) for each other outlet already mapped to the warehouse the form
    shows: Accurate would count their stock as one."""
    if str(form["new_warehouse"].value() or "").strip():
        return []  # a new warehouse is nobody's yet
    warehouse = str(form["warehouse_name"].value() or "")
    others = selectors.outlets_sharing_warehouse(membership.store, warehouse, besides=outlet.pk)
    return [
        _(
            "Outlet %(outlet)s (%(code)s) already uses warehouse “%(warehouse)s”: the stock of both "
            "outlets will be counted together in Accurate."
        )
        % {"outlet": other.name, "code": other.code, "warehouse": warehouse}
        for other in others
    ]


@require_http_methods(["GET", "POST"])
@store_member_required
@addon_required
def outlet_mapping(request: HttpRequest, membership: Membership, outlet_id: int) -> HttpResponse:
    outlet, mapping = store_outlet(membership, outlet_id)
    connection = connected(membership.store)
    if connection is None:
        messages.error(request, _("Connect to an Accurate database first."))
        return redirect("mapping:addon")
    lists = lists_or_empty(request, membership.store, connection)
    if request.method == "POST":
        require_owner(membership)
        return outlet_mapping_post(request, membership, outlet, connection, lists)
    form = OutletMappingForm(
        initial=OutletMappingForm.initial_from(initial_values(mapping, lists)), **lists.as_kwargs()
    )
    return outlet_page(request, membership, outlet, mapping, form=form, lists=lists)


def outlet_mapping_post(
    request: HttpRequest, membership: Membership, outlet: Outlet, connection: Connection, lists: Lists
) -> HttpResponse:
    """Save; then, for "Save and activate", activate. Problems and the fee show on the same page."""
    form = OutletMappingForm(request.POST, **lists.as_kwargs())
    if not form.is_valid():
        mapping = store_outlet(membership, outlet.pk)[1]
        return outlet_page(request, membership, outlet, mapping, form=form, lists=lists)
    activate = request.POST.get("action") == "activate"
    created = {
        name: form.cleaned_data[name]
        for name in ("new_branch", "new_warehouse", "new_clearing_no", "new_clearing_name")
    }
    try:
        outlet_mapping_submit(
            connection=connection,
            outlet=outlet,
            data=form.mapping_data(),
            created=created,
            activate=activate,
            confirm_fee=request.POST.get("confirm_fee") == "on",
        )
    except accurate.AccurateError as error:
        form.add_error(None, str(error))
        mapping = store_outlet(membership, outlet.pk)[1]
        return outlet_page(request, membership, outlet, mapping, form=form, lists=lists)
    except ActivationRefused as refused:
        # The page that asked for the fee says so (fee_asked); not confirming it again is an error.
        asked = request.POST.get("fee_asked") == "1"
        return refused_page(request, membership, outlet, connection, refused, fee_asked=asked)
    if not activate:
        messages.success(request, _("The mapping of %(outlet)s is saved.") % {"outlet": outlet.name})
        return redirect("mapping:outlet", outlet_id=outlet.pk)
    messages.success(
        request, _("%(outlet)s is active: its documents now sync to Accurate.") % {"outlet": outlet.name}
    )
    return redirect("mapping:addon")


def refused_page(
    request: HttpRequest,
    membership: Membership,
    outlet: Outlet,
    connection: Connection,
    refused: ActivationRefused,
    *,
    fee_asked: bool = False,
) -> HttpResponse:
    """The saved mapping, not activated: its problems field by field, or the fee to confirm (an
    error when `fee_asked` already), beside Accurate's lists as just read."""
    mapping = store_outlet(membership, outlet.pk)[1]
    assert mapping is not None  # saved before activation was tried
    lists = lists_for(membership.store, connection)
    form = OutletMappingForm(
        initial=OutletMappingForm.initial_from(mapping_values(mapping)), **lists.as_kwargs()
    )
    return outlet_page(
        request,
        membership,
        outlet,
        mapping,
        form=form,
        lists=lists,
        problems=refused.problems,
        fee_refused=refused.fee_refused,
        fee_again=refused.fee_refused and fee_asked,
    )


@require_POST
@store_member_required
@addon_required
def outlet_deactivate_view(request: HttpRequest, membership: Membership, outlet_id: int) -> HttpResponse:
    require_owner(membership)
    outlet, mapping = store_outlet(membership, outlet_id)
    if mapping is not None and mapping.active:
        outlet_deactivate(mapping=mapping)
        messages.success(
            request,
            _("%(outlet)s is deactivated. Its pending documents wait until you activate it again.")
            % {"outlet": outlet.name},
        )
    return redirect("mapping:addon")
