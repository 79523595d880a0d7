"""End to end: 1,000 orders at the POS become 1,000 sales invoices and their receipts in Accurate,
and the refunds of 100 of them a sales return each and the money paid back.

A real worker and beat on Redis push them to the live sandbox; the beat's dispatcher releases
them (no shift: due at once) and enqueues a push per free lane. Tax added on top or included in the
prices; and once with a sandbox that charges 12 % where the product predicts 11 %: every invoice's
total is checked after the save and corrected on its rounding line, so none differs in the end.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sync.models import AccurateBinding, SyncActivity, SyncAttempt
from tests.e2e.sync_support import (
    assert_exactly,
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
)

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ORDERS = 1000
REFUNDED_EVERY = 10  # ORD-00010, ORD-00020, …: one unit of P1 back, in cash
REFUNDS = ORDERS // REFUNDED_EVERY
CORRECTED = "on its rounding line, it now matches"


def refund_body(n: int) -> dict[str, object]:
    return {
        "number": f"R-{n:05d}",
        "order": f"ORD-{n:05d}",
        "refunded_at": "2026-11-20T16:00:00+07:00",
        "refund_method": "cash",
        "total": "10000",
        "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
    }


def refunds_post(tenant, numbers: range) -> dict[str, Decimal]:
    """Each refund through the POS API; what Accurate must hold for each: its return (the refund's
    total, tax inside) and the money paid back (an other payment of the same amount)."""
    client = tenant.api()
    for n in numbers:
        reply = client.post(f"/api/v1/outlets/{tenant.outlet.code}/refunds/", refund_body(n), format="json")
        assert reply.status_code == 201, reply.content
    return {f"JKT01-R-{n:05d}": Decimal("10000") for n in numbers}


def differing(documents: list[dict], expected: dict[str, Decimal]) -> int:
    """How many of Accurate's documents have another total than the POS's."""
    return sum(1 for d in documents if Decimal(str(d["totalAmount"])) != expected.get(str(d["number"])))


@pytest.mark.parametrize(
    ("tax_inclusive", "faults", "corrected"),
    [
        pytest.param(False, {}, 0, id="tax-exclusive"),
        pytest.param(True, {}, 0, id="tax-inclusive"),
        # 12 % on every order's taxable lines: each invoice is off by 1 % of its lines until corrected.
        pytest.param(False, {"tax_rate": "12"}, ORDERS, id="tax-exclusive-accurate-at-12-percent"),
        # The same, its save answers without totals: read back once the backlog is in, then corrected.
        pytest.param(
            False,
            {"tax_rate": "12", "answer_totals": False},
            ORDERS,
            id="accurate-at-12-percent-answering-without-totals",
        ),
    ],
)
def test_a_thousand_orders_become_a_thousand_invoices_and_their_receipts(
    stack, tenant, tax_inclusive, faults, corrected
):
    if faults:
        stack.sandbox.faults(**faults)
    bodies = [
        order_body(n, two_methods=n % 3 == 0, tax_inclusive=tax_inclusive) for n in range(1, ORDERS + 1)
    ]
    orders_post(tenant, bodies)
    expected = expected_of(bodies)
    returns = refunds_post(tenant, range(REFUNDED_EVERY, ORDERS + 1, REFUNDED_EVERY))

    stack.worker()
    stack.beat()
    stack.wait_settled(ORDERS + REFUNDS, timeout=240)
    # Totals a backlog left for later are read back, and the rows whose total differs pushed again.
    stack.wait_until(
        "every total read back and every row settled again",
        lambda: (
            not AccurateBinding.objects.exclude(unchecked_total=None).exists()
            and SyncActivity.objects.filter(status__in=["success", "difference"]).count() == ORDERS + REFUNDS
        ),
        timeout=240,
    )

    figures = {
        "invoices_differing": differing(stack.sandbox.documents("sales-invoice"), expected.invoices),
        "receipts_differing": differing(stack.sandbox.documents("sales-receipt"), expected.receipts),
        "returns_differing": differing(stack.sandbox.documents("sales-return"), returns),
        "invoices_corrected": SyncAttempt.objects.filter(message__contains=CORRECTED).count(),
        "rows_with_a_difference": SyncActivity.objects.filter(status="difference").count(),
    }
    print(
        json.dumps({"figure": "thousand_orders_totals", "tax_inclusive": tax_inclusive, **faults, **figures})
    )
    assert figures == {
        "invoices_differing": 0,
        "receipts_differing": 0,
        "returns_differing": 0,
        "invoices_corrected": corrected,
        "rows_with_a_difference": 0,
    }
    assert_landed_once(stack, expected)
    assert len(expected.receipts) == 1333  # 333 orders paid two ways
    assert_exactly("sales-return", stack.sandbox.documents("sales-return"), returns)
    paid_back = {f"{number}-OUT": amount for number, amount in returns.items()}
    assert_exactly("other-payment", stack.sandbox.documents("other-payment"), paid_back)
    assert SyncActivity.objects.filter(status="success").count() == ORDERS + REFUNDS
    assert AccurateBinding.objects.filter(module="sales-invoice").count() == ORDERS
    assert AccurateBinding.objects.filter(module="sales-receipt").count() == len(expected.receipts)
