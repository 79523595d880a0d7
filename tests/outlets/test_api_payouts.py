"""iSellerPay payouts through the API: stored with their outbox row, adding up, idempotent, per store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from outlets.models import Payout
from sync.models import SyncActivity

BASE = "/api/v1/outlets/JKT01/payouts/"

pytestmark = pytest.mark.django_db


def payout_body(**changes: Any) -> dict[str, Any]:
    body = {
        "number": "PO-0001",
        "paid_at": "2026-11-20T09:30:00+07:00",
        "gross": "1000000",
        "fee": "7000.50",
        "net": "992999.50",
        "period_start": "2026-11-17",
        "period_end": "2026-11-19",
        "reference": "BCA 7788",
        "note": "Pencairan Jumat",
    }
    return {**body, **changes}


def test_a_payout_is_stored_with_its_outbox_row_due_at_once(tenant):
    before = timezone.now()

    response = tenant.api().post(BASE, payout_body(), format="json")

    assert response.status_code == 201
    assert response.json() == {
        "id": Payout.objects.get().pk,
        "outlet": "JKT01",
        "number": "PO-0001",
        "paid_at": "2026-11-20T02:30:00Z",
        "gross": "1000000",
        "fee": "7000.5",
        "net": "992999.5",
        "period_start": "2026-11-17",
        "period_end": "2026-11-19",
        "reference": "BCA 7788",
        "note": "Pencairan Jumat",
    }
    payout = Payout.objects.get()
    assert (payout.gross, payout.fee, payout.net) == (
        Decimal("1000000"),
        Decimal("7000.50"),
        Decimal("992999.50"),
    )
    assert (payout.period_start, payout.period_end) == (date(2026, 11, 17), date(2026, 11, 19))
    activity = SyncActivity.objects.get()
    assert (activity.kind, activity.payout_id, activity.pos_number, activity.status) == (
        "payout",
        payout.pk,
        "PO-0001",
        "pending",
    )
    assert activity.due_at is not None and activity.due_at >= before


def test_the_optional_fields_default_and_a_payout_is_read_back_by_number(tenant):
    body = {key: payout_body()[key] for key in ("number", "paid_at", "gross", "fee", "net")}

    created = tenant.api().post(BASE, body, format="json")
    fetched = tenant.api().get(BASE + "PO-0001/")

    assert created.status_code == 201
    assert fetched.status_code == 200
    assert fetched.json() == created.json()
    assert {key: created.json()[key] for key in ("period_start", "period_end", "reference", "note")} == {
        "period_start": None,
        "period_end": None,
        "reference": "",
        "note": "",
    }


def test_net_must_be_gross_less_the_fee(tenant):
    response = tenant.api().post(BASE, payout_body(net="993000"), format="json")

    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid",
        "message": "The payout does not add up.",
        "errors": [
            {
                "path": "net",
                "message": "net must be gross − fee: 1,000,000.00 − 7,000.50 = 992,999.50, "
                "but net is 993,000.00.",
            }
        ],
    }
    assert (Payout.objects.count(), SyncActivity.objects.count()) == (0, 0)


def test_the_period_cannot_end_before_it_starts(tenant):
    response = tenant.api().post(BASE, payout_body(period_start="2026-11-20"), format="json")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "period_end", "message": "The period ends (2026-11-19) before it starts (2026-11-20)."}
    ]


def test_the_fields_are_checked_with_their_paths(tenant):
    body = payout_body(
        number="", paid_at="2026-11-20T09:30:00", gross="0", fee="-1", net="abc", period_end="20/11/2026"
    )

    response = tenant.api().post(BASE, body, format="json")

    assert response.status_code == 400
    assert {error["path"]: error["message"] for error in response.json()["errors"]} == {
        "number": "This field may not be blank.",
        "paid_at": "Give the time as RFC 3339 with its UTC offset, e.g. 2026-11-20T10:15:00+07:00.",
        "gross": "The gross amount must be more than 0.",
        "fee": "Must be 0 or more.",
        "net": 'Write it as plain digits, e.g. "41800" or "-1.5": no spaces, exponent or leading zeros.',
        "period_end": "Give the day as YYYY-MM-DD, e.g. 2026-11-20.",
    }


def test_posting_the_same_payout_again_replays_it_and_another_body_is_a_conflict(tenant):
    api = tenant.api()
    first = api.post(BASE, payout_body(), format="json")

    # The same payout written otherwise (another offset, trailing zeros) is the same document.
    again = api.post(BASE, payout_body(paid_at="2026-11-20T02:30:00Z", gross="1000000.00"), format="json")
    other = api.post(BASE, payout_body(fee="7500", net="992500", reference="BCA 7789"), format="json")

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json() == first.json()
    assert other.json()["fields"] == ["fee", "net", "reference"]
    assert other.json()["message"].startswith("Payout 'PO-0001' at outlet 'JKT01' already exists")
    assert (Payout.objects.count(), SyncActivity.objects.count()) == (1, 1)


def test_an_unknown_outlet_or_payout_is_a_404(tenant):
    api = tenant.api()

    unknown_outlet = api.post("/api/v1/outlets/NOPE/payouts/", payout_body(), format="json")
    unknown_payout = api.get(BASE + "PO-9/")

    assert unknown_outlet.status_code == 404
    assert unknown_outlet.json()["message"].startswith("Outlet 'NOPE' does not exist in this store.")
    assert (unknown_payout.status_code, unknown_payout.json()["message"]) == (
        404,
        "No document 'PO-9' at outlet 'JKT01'.",
    )


def test_another_stores_payout_is_a_404(tenant, outsider):
    tenant.api().post(BASE, payout_body(), format="json")
    tenant.api().post(BASE, payout_body(number="PO-0002"), format="json")
    # The outsider has outlets of the same codes, and a payout PO-0001 of its own.
    outsider.api().post(BASE, payout_body(gross="500000", fee="0", net="500000"), format="json")

    theirs = outsider.api().get(BASE + "PO-0002/")
    own = outsider.api().get(BASE + "PO-0001/")

    assert (theirs.status_code, theirs.json()["message"]) == (404, "No document 'PO-0002' at outlet 'JKT01'.")
    assert (own.status_code, own.json()["gross"]) == (200, "500000")
    assert sorted(Payout.objects.values_list("outlet__store__slug", "number", "net")) == [
        ("kopi", "PO-0001", Decimal("992999.50")),
        ("kopi", "PO-0002", Decimal("992999.50")),
        ("roti", "PO-0001", Decimal("500000.00")),
    ]
