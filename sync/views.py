"""Push products straight to Accurate: the page with the latest push's progress, the start button
(owner only) and the small JSON endpoint the page polls."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from mapping.products.checks import product_problems_message
from mapping.views.common import addon_required
from outlets.models import Membership
from outlets.views import page, require_owner, store_member_required
from sync.product_push import selectors
from sync.product_push.services import PushRefused, product_push_start

POLL_MS = 2000


@require_GET
@store_member_required
@addon_required
def push_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    push = selectors.product_push_latest(membership.store)
    context = {
        "nav": "accurate",
        "push": push,
        "progress": selectors.product_push_progress(push) if push is not None else None,
        "can_manage": membership.is_owner,
        # While SKUs need fixing the button is disabled with this reason (linking the problems page).
        "sku_problems": product_problems_message(membership.store),
        "poll_ms": POLL_MS,
    }
    return page(request, membership, "sync/push.html", context)


@require_POST
@store_member_required
@addon_required
def push_start(request: HttpRequest, membership: Membership) -> HttpResponse:
    require_owner(membership)
    try:
        push = product_push_start(store=membership.store, user=membership.user)
    except PushRefused as refused:
        messages.error(request, str(refused))
    else:
        count = push.products_total
        messages.success(
            request,
            ngettext(
                "Pushing %(count)d product to Accurate in the background.",
                "Pushing %(count)d products to Accurate in the background.",
                count,
            )
            % {"count": count},
        )
    return redirect("sync:push")


@require_GET
@store_member_required
@addon_required
def push_progress(request: HttpRequest, membership: Membership, push_id: int) -> JsonResponse:
    push = selectors.product_push_for_store(membership.store, push_id)
    return JsonResponse(selectors.product_push_progress(push))
