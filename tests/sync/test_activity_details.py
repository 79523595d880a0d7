"""One sync's details: its POS document with amounts in rupiah, what was sent, what Accurate
answered, every attempt with its time (store's clock) and duration, and the Accurate number."""

from __future__ import annotations

import re

from sync.models import ProductPush, ProductPushBatch, SyncActivity, SyncAttempt
from tests.mapping.test_pages import connection_for
from tests.sync.activity_rows import URL, at, login, make


def text(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:section|table|span|dd|pre)>', html, re.S)
    assert found, testid
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_details_show_the_document_and_every_attempt(client, tenant, order_body):
    activity = make(
        tenant,
        order_body,
        "ORD-0001",
        status="success",
        created=at(21, 10),
        started=at(21, 10, 1),
        completed=at(21, 10, 7),
        accurate_number="JKT01-ORD-0001",
        attempts=2,
    )
    SyncAttempt.objects.create(
        activity=activity,
        started_at=at(21, 10, 1),
        duration_ms=1250,
        outcome="retry",
        message="Accurate is busy; it will be tried again.",
        sent=[
            {
                "module": "sales-invoice",
                "action": "bulk-save",
                "number": "JKT01-ORD-0001",
                "payload": {"a": 1},
            }
        ],
        answered=[{"module": "sales-invoice", "number": "JKT01-ORD-0001", "ok": False, "messages": ["503"]}],
    )
    SyncAttempt.objects.create(
        activity=activity,
        started_at=at(21, 10, 7),
        duration_ms=340,
        outcome="success",
        sent=[
            {
                "module": "sales-invoice",
                "action": "bulk-save",
                "number": "JKT01-ORD-0001",
                "payload": {"a": 1},
            }
        ],
        answered=[{"module": "sales-invoice", "number": "JKT01-ORD-0001", "ok": True, "id": 5001}],
    )
    html = login(client, tenant.staff).get(f"{URL}{activity.pk}/").content.decode()

    assert text(html, "status") == "Success"
    assert text(html, "accurate-number") == "JKT01-ORD-0001"
    assert text(html, "document-lines") == (
        "SKU Product Quantity Unit price Discount Amount "
        "SKU-1 Kopi 1 2 Rp 10.000 Rp 0 Rp 20.000 "
        "SKU-2 Kopi 2 1 Rp 20.000 Rp 2.000 Rp 18.000"
    )
    assert text(html, "document-payments") == "Cash Rp 41.800"
    assert text(html, "document-totals") == (
        "Subtotal Rp 38.000 Order discount Rp 0 Tax Rp 3.800 Service charge Rp 0 Rounding Rp 0 "
        "Total Rp 41.800"
    )
    attempts = re.findall(r'<article class="attempt" data-testid="attempt">\s*<h3>(.*?)</h3>', html, re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", a).split()) for a in attempts] == [
        "1. 2026-11-21 10:01:00 · 1250 ms · Will retry",
        "2. 2026-11-21 10:07:00 · 340 ms · Success",
    ]
    assert "Accurate is busy; it will be tried again." in html
    sent = re.findall(r'data-testid="sent">(.*?)</pre>', html, re.S)
    answered = re.findall(r'data-testid="answered">(.*?)</pre>', html, re.S)
    assert len(sent) == 2 and "&quot;action&quot;: &quot;bulk-save&quot;" in sent[0]
    assert "&quot;id&quot;: 5001" in answered[1]
    assert "&quot;messages&quot;: [\n      &quot;503&quot;" in answered[0]
    # A landed row has no Sync button to press.
    assert re.search(r'<form[^>]*data-field="action"\s+hidden', html)


def test_a_failed_rows_details_show_the_reason_and_the_sync_button(client, tenant, order_body):
    activity = make(tenant, order_body, "ORD-0002", status="failed", reason="Map payment method QRIS.")
    html = login(client, tenant.owner).get(f"{URL}{activity.pk}/").content.decode()
    assert text(html, "reason") == "Map payment method QRIS."
    assert f'data-testid="sync-{activity.pk}"' in html
    assert not re.search(r'<form[^>]*data-field="action"\s+hidden', html)
    # Counted as tried once, yet no attempt was recorded (a worker died before recording it).
    assert text(html, "attempts") == (
        "Attempts Its 1 attempt left no record: the worker stopped before Accurate's answer was saved."
    )
    assert "Not tried yet." not in html


def test_a_product_push_batch_shows_its_figures_and_claims_no_stopped_worker(client, tenant):
    # A batch's tries leave no SyncAttempt: its section is the record, not "the worker stopped".
    push = ProductPush.objects.create(store=tenant.store, connection=connection_for(tenant), batches_total=1)
    batch = ProductPushBatch.objects.create(
        push=push, position=1, product_ids=[1, 2], status="success", created=2, attempts=1
    )
    activity = SyncActivity.objects.create(
        store=tenant.store,
        kind="product_push",
        pos_number=f"PUSH-{push.pk}-1/1",
        product_batch=batch,
        status="success",
        attempts=1,
    )
    html = login(client, tenant.owner).get(f"{URL}{activity.pk}/").content.decode()
    section = re.search(r'data-testid="document">(.*?)</section>', html, re.S)
    assert section and " ".join(re.sub(r"<[^>]+>", " ", section.group(1)).split()) == (
        "Products, batch 1 Products 2 Created in Accurate 2 Already in Accurate 0 Failed 0"
    )
    assert 'data-testid="attempts"' not in html and "left no record" not in html


def test_a_row_never_tried_says_so(client, tenant, order_body):
    activity = make(tenant, order_body, "ORD-0004", status="pending", attempts=0)
    html = login(client, tenant.owner).get(f"{URL}{activity.pk}/").content.decode()
    assert text(html, "attempts") == "Attempts Not tried yet."


def test_another_stores_details_are_a_404(client, tenant, outsider, order_body):
    activity = make(tenant, order_body, "ORD-0003")
    assert login(client, outsider.owner).get(f"{URL}{activity.pk}/").status_code == 404
    assert login(client, tenant.owner).get(f"{URL}{activity.pk + 1000}/").status_code == 404
    assert SyncActivity.objects.filter(pk=activity.pk).exists()


def test_a_payouts_details_show_what_it_covers_and_its_gross_fee_and_net(client, tenant):
    body = {
        "number": "PO-1",
        "paid_at": "2026-11-20T10:00:00+07:00",
        "gross": "1000000",
        "fee": "7000",
        "net": "993000",
        "period_start": "2026-11-17",
        "period_end": "2026-11-19",
        "reference": "BCA 7788",
    }
    assert tenant.api().post("/api/v1/outlets/JKT01/payouts/", body, format="json").status_code == 201
    activity = SyncActivity.objects.get(kind="payout")

    html = login(client, tenant.owner).get(f"{URL}{activity.pk}/").content.decode()

    [section] = re.findall(r'data-testid="document">(.*?)</section>', html, re.S)
    assert " ".join(re.sub(r"<[^>]+>", " ", section).split()).startswith(
        "iSellerPay payout PO-1 Paid 2026-11-20 10:00 Payments of 2026-11-17 – 2026-11-19 Reference BCA 7788"
    )
    assert text(html, "document-totals") == "Gross Rp 1.000.000 MDR fee Rp 7.000 Net to the bank Rp 993.000"
