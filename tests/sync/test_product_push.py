"""Push products straight to Accurate, against the live sandbox: batches of 100, items created,
items Accurate already has reported as such, a whole batch refused and tried again, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mapping.products.checks import product_problems_message
from mapping.services.credentials import accurate_client_for
from outlets.models import Product
from sync.models import ProductPush, ProductPushBatch, SyncActivity
from sync.product_push.services import PushRefused, product_push_next, product_push_start
from tests.sync.push_helpers import add_products, run_to_the_end


def test_it_pushes_250_products_in_three_batches(
    tenant, connected, accurate_at, django_capture_on_commit_callbacks
):
    add_products(tenant, 250)
    with django_capture_on_commit_callbacks() as enqueued:
        push = product_push_start(store=tenant.store, user=tenant.owner)
    assert len(enqueued) == 1  # the first task, after commit
    batches = list(push.batches.order_by("position"))
    assert [len(batch.product_ids) for batch in batches] == [100, 100, 50]
    assert [batch.status for batch in batches] == ["pending"] * 3

    assert len(run_to_the_end(push)) == 3

    items = {item["no"]: item for item in accurate_at.documents("item")}
    assert len(items) == 250
    assert {k: items["SKU-7"][k] for k in ("name", "itemType", "unit1Name", "upcNo")} == {
        "name": "Teh 7",
        "itemType": "INVENTORY",
        "unit1Name": "PCS",
        "upcNo": "8990000000007",
    }
    assert Decimal(str(items["SKU-7"]["unitPrice"])) == Decimal("10501.75")  # 7 × 1,500.25
    push.refresh_from_db()
    assert (push.status, push.products_total, push.batches_total, push.batches_done) == ("done", 250, 3, 3)
    assert (push.created, push.existing, push.failed) == (250, 0, 0)
    assert push.finished_at is not None
    assert list(
        ProductPushBatch.objects.order_by("position").values_list("status", "created", "attempts")
    ) == [
        ("success", 100, 1),
        ("success", 100, 1),
        ("success", 50, 1),
    ]
    activities = SyncActivity.objects.filter(store=tenant.store).order_by("pos_number")
    assert [(a.kind, a.outlet_id, a.status, a.pos_number) for a in activities] == [
        ("product_push", None, "success", f"PUSH-{push.pk}-1/3"),
        ("product_push", None, "success", f"PUSH-{push.pk}-2/3"),
        ("product_push", None, "success", f"PUSH-{push.pk}-3/3"),
    ]
    assert [a.status_reason for a in activities] == [
        "100 created, 0 already in Accurate, 0 failed.",
        "100 created, 0 already in Accurate, 0 failed.",
        "50 created, 0 already in Accurate, 0 failed.",
    ]


def test_it_reports_products_accurate_already_has(tenant, connected, accurate_at):
    client = accurate_client_for(connected)
    client.save("item", {"no": "SKU-1", "name": "Kopi from Accurate", "unitPrice": Decimal("1")})
    client.save("item", {"no": "SKU-2", "name": "Kopi 2 from Accurate", "unitPrice": Decimal("2")})

    push = product_push_start(store=tenant.store, user=tenant.owner)
    run_to_the_end(push)

    push.refresh_from_db()
    assert (push.status, push.created, push.existing, push.failed) == ("done", 1, 2, 0)
    batch = push.batches.get()
    assert (batch.status, batch.created, batch.existing, batch.failed, batch.messages) == (
        "success",
        1,
        2,
        0,
        [],
    )
    items = {item["no"]: item["name"] for item in accurate_at.documents("item")}
    assert items == {"SKU-1": "Kopi from Accurate", "SKU-2": "Kopi 2 from Accurate", "SKU-3": "Kopi 3"}
    assert SyncActivity.objects.get().status_reason == "1 created, 2 already in Accurate, 0 failed."


def test_an_item_refused_for_another_items_barcode_fails_naming_the_barcode(tenant, connected, accurate_at):
    client = accurate_client_for(connected)
    client.save("item", {"no": "OTHER", "name": "Teh", "unitPrice": Decimal("1"), "upcNo": "8990001"})
    Product.objects.filter(pk=tenant.products[1].pk).update(barcode="8990001")

    push = product_push_start(store=tenant.store, user=tenant.owner)
    run_to_the_end(push)

    push.refresh_from_db()
    assert (push.created, push.existing, push.failed) == (2, 0, 1)
    assert push.batches.get().messages == [
        "SKU-2: Accurate already has another item with UPC/Barcode 8990001. Give this product its own "
        "UPC/Barcode at the POS (or change the other item in Accurate), then push again."
    ]
    assert sorted(item["no"] for item in accurate_at.documents("item")) == ["OTHER", "SKU-1", "SKU-3"]


def test_a_batch_accurate_could_not_take_goes_back_to_pending_and_its_retry_completes_it(
    tenant, connected, accurate_at
):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    accurate_at.faults(fail_next=1)  # one HTTP 503

    outcome = product_push_next(push_id=push.pk)

    assert outcome.retry_in is not None and 5 <= outcome.retry_in <= 6.25
    batch = push.batches.get()
    reason = "Accurate could not be reached; the sync will try again. (attempt 1 of 5)"
    assert (batch.status, batch.attempts, batch.messages) == ("pending", 1, [reason])
    activity = SyncActivity.objects.get()
    assert (activity.status, activity.attempts, activity.status_reason) == ("pending", 1, reason)
    assert accurate_at.documents("item") == []

    assert product_push_next(push_id=push.pk).retry_in is None  # the retry

    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.created, batch.messages) == ("success", 2, 3, [])
    assert SyncActivity.objects.get().status == "success"
    assert sorted(item["no"] for item in accurate_at.documents("item")) == ["SKU-1", "SKU-2", "SKU-3"]


def test_a_batch_refused_five_times_fails_with_the_reason(tenant, connected, accurate_at):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    accurate_at.faults(fail_next=5)

    outcomes = [product_push_next(push_id=push.pk) for _ in range(5)]

    assert [outcome.retry_in is not None for outcome in outcomes] == [True, True, True, True, False]
    push.refresh_from_db()
    assert (push.status, push.created, push.failed) == ("done", 0, 3)
    assert push.batches.get().messages == ["Accurate could not be reached; the sync will try again."]
    assert SyncActivity.objects.get().status == "failed"


def test_a_push_is_refused_when_the_store_is_not_connected(tenant):
    with pytest.raises(PushRefused, match=r"^Connect the store to an Accurate database first\.$"):
        product_push_start(store=tenant.store, user=tenant.owner)
    assert not ProductPush.objects.exists()
    assert not SyncActivity.objects.exists()


def test_a_push_is_refused_while_skus_have_problems(tenant, connected):
    Product.objects.create(store=tenant.store, pos_id="P9", sku=" sku-1 ", name="Kopi kembar", price=1)
    expected = product_problems_message(tenant.store)
    assert expected

    with pytest.raises(PushRefused) as refused:
        product_push_start(store=tenant.store, user=tenant.owner)

    assert str(refused.value) == expected
    assert not ProductPush.objects.exists()
    assert not SyncActivity.objects.exists()


def test_a_second_push_is_refused_while_one_runs(tenant, connected):
    product_push_start(store=tenant.store, user=tenant.owner)
    with pytest.raises(PushRefused, match="already running"):
        product_push_start(store=tenant.store, user=tenant.owner)
    assert ProductPush.objects.count() == 1
