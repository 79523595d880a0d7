"""Helpers of the product push tests: a catalogue of N products, and running a push to its end."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from outlets.models import Product
from sync.models import ProductPush
from sync.product_push.services import product_push_next


def add_products(tenant: Any, upto: int) -> None:
    """Products P4…P<upto> next to the tenant's P1–P3: SKU-n, "Teh n", price n × 1,500.25."""
    Product.objects.bulk_create(
        Product(
            store=tenant.store,
            pos_id=f"P{n}",
            sku=f"SKU-{n}",
            name=f"Teh {n}",
            price=Decimal("1500.25") * n,
            barcode=f"899{n:010d}",
        )
        for n in range(4, upto + 1)
    )


def run_to_the_end(push: ProductPush, limit: int = 20) -> list[int]:
    """Run the push's batches the way the task does, one after the other; the batch ids run."""
    done: list[int] = []
    for _ in range(limit):
        outcome = product_push_next(push_id=push.pk)
        if outcome.batch_id is None:
            return done
        done.append(outcome.batch_id)
    raise AssertionError("the push did not end")
