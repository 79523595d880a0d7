"""Panel 3, Product mapping: the SKU problems in detail and Export Product.

Anyone of the store can see the problems; only the owner exports (403 otherwise).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from mapping.products.checks import sku_problem_counts, sku_problem_details
from mapping.products.export import ExportOptions, ProductsNotReady, last_product_export, products_export
from mapping.views.common import addon_required
from outlets.models import Membership, Store
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
        {"nav": "accurate", "groups": sku_problem_details(membership.store)},
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
    # FileResponse streams the temporary file in blocks and closes (deletes) it when done.
    response = FileResponse(built.file, as_attachment=True, filename=built.filename, content_type=XLSX)
    # The store pages are typed as returning HttpResponse; a streamed file is served the same way.
    return cast(HttpResponse, response)


def panel_context(store: Store) -> dict[str, Any]:
    """What panel 3 of the add-on page shows: the SKU problem counts and the last export."""
    return {"sku": sku_problem_counts(store), "last_export": last_product_export(store)}
