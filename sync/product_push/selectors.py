"""Reads of product pushes, always scoped to one store."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from outlets.models import Store
from sync.models import ProductPush


def product_push_latest(store: Store) -> ProductPush | None:
    return ProductPush.objects.filter(store=store).order_by("-created_at", "-id").first()


def product_push_for_store(store: Store, push_id: int) -> ProductPush:
    """The store's push; Http404 for another store's push, or none."""
    push = ProductPush.objects.filter(store=store, pk=push_id).first()
    if push is None:
        raise Http404("No such push.")
    return push


def product_push_progress(push: ProductPush) -> dict[str, Any]:
    """What the page's progress bar shows, as JSON-ready values."""
    batches = list(push.batches.order_by("position"))
    done = sum(1 for batch in batches if batch.status in ("success", "failed"))
    return {
        "id": push.pk,
        "status": push.status,
        "products": push.products_total,
        "batches_total": push.batches_total,
        "batches_done": done,
        "percent": round(100 * done / push.batches_total) if push.batches_total else 100,
        "created": push.created,
        "existing": push.existing,
        "failed": push.failed,
        "messages": [f"Batch {batch.position}: {message}" for batch in batches for message in batch.messages][
            :200
        ],
        "started_at": push.created_at.isoformat(),
        "finished_at": push.finished_at.isoformat() if push.finished_at else None,
    }
