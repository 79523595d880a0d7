"""Panel 3, Product mapping: the SKU problems in detail, fixing them there, and Export Product.

Anyone of the store can see the problems; only the owner fixes a SKU or exports (403 otherwise).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mapping.products.checks import sku_problem_counts, sku_problem_details
from mapping.products.export import (
    ExportOptions,
    NothingToExport,
    ProductsNotReady,
    last_product_export,
    products_export,
)
from mapping.products.fixes import SkuChange, SkuRefused, product_sku_keep, product_sku_set
from mapping.views.common import addon_required
from outlets.models import Membership, Product, Store
from outlets.views import page, require_owner, store_member_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@store_member_required
@addon_required
def problems(request: HttpRequest, membership: Membership) -> HttpResponse:
    return page(
        request,
        membership,
        "mapping/products_problems.html",
        {
            "nav": "accurate",
            "groups": sku_problem_details(membership.store),
            "can_manage": membership.is_owner,
        },
    )


@require_POST
@store_member_required
@addon_required
def sku_set(request: HttpRequest, membership: Membership, product_id: int) -> HttpResponse:
    """Give a product the SKU typed on the problems page."""
    require_owner(membership)
    try:
        change = product_sku_set(
            store=membership.store, product_id=product_id, sku=request.POST.get("sku", "")
        )
    except Product.DoesNotExist as missing:
        raise Http404 from missing
    except SkuRefused as refused:
        messages.error(request, str(refused))
    else:
        if change is None:
            messages.info(request, _("That product already has this SKU; nothing was changed."))
        else:
            said_changed(request, [change])
    return redirect("mapping:product_problems")


@require_POST
@store_member_required
@addon_required
def sku_keep(request: HttpRequest, membership: Membership, product_id: int) -> HttpResponse:
    """Let this product keep the SKU it shares; the others sharing it get distinct ones."""
    require_owner(membership)
    try:
        changes = product_sku_keep(store=membership.store, product_id=product_id)
    except Product.DoesNotExist as missing:
        raise Http404 from missing
    except SkuRefused as refused:
        messages.error(request, str(refused))
    else:
        if changes:
            said_changed(request, changes)
        else:
            messages.info(request, _("No other active product shares this SKU; nothing was changed."))
    return redirect("mapping:product_problems")


def said_changed(request: HttpRequest, changes: list[SkuChange]) -> None:
    for change in changes:
        messages.success(request, change.message)
    messages.info(
        request,
        _(
            "Change the SKU in the POS as well: the next time the POS sends the product, its SKU "
            "replaces the one given here."
        ),
    )


@require_POST
@store_member_required
@addon_required
def export(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    options = ExportOptions(
        only_new=request.POST.get("scope") == "new",
        include_stock=request.POST.get("include_stock") == "on",
    )
    try:
        built = products_export(store=membership.store, user=membership.user, options=options)
    except ProductsNotReady as error:
        messages.error(request, str(error))
        return redirect("mapping:addon")
    except NothingToExport as nothing:
        messages.info(request, str(nothing))
        return redirect("mapping:addon")
    # FileResponse streams the temporary file in blocks and closes (deletes) it when done.
    response = FileResponse(built.file, as_attachment=True, filename=built.filename, content_type=XLSX)
    # The store pages are typed as returning HttpResponse; a streamed file is served the same way.
    return cast(HttpResponse, response)


def panel_context(store: Store) -> dict[str, Any]:
    """What panel 3 of the add-on page shows: the SKU problem counts and the last export."""
    return {"sku": sku_problem_counts(store), "last_export": last_product_export(store)}
