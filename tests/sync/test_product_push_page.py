"""The Push products page: the owner starts a push, staff only watch, the progress is the store's own."""

from __future__ import annotations

from django.test import Client

from mapping.services.connection import addon_activate
from sync.models import ProductPush
from sync.product_push.services import product_push_next, product_push_start

PAGE = "/apps/accurate/products/push/"
START = "/apps/accurate/products/push/start/"


def progress_url(push: ProductPush) -> str:
    return f"/apps/accurate/products/push/{push.pk}/progress/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_owner_starts_a_push_from_the_page(tenant, connected, django_capture_on_commit_callbacks):
    client = logged_in(tenant.owner)
    assert b'data-testid="push-start"' in client.get(PAGE).content

    with django_capture_on_commit_callbacks() as enqueued:
        answer = client.post(START)

    assert (answer.status_code, answer["Location"]) == (302, PAGE)
    assert len(enqueued) == 1
    push = ProductPush.objects.get()
    assert (push.store, push.started_by, push.products_total, push.batches_total) == (
        tenant.store,
        tenant.owner,
        3,
        1,
    )
    assert b"Pushing 3 products to Accurate in the background." in client.get(PAGE).content


def test_the_page_shows_why_a_push_is_refused(tenant):
    client = logged_in(tenant.owner)
    answer = client.post(START, follow=True)
    assert b"Connect the store to an Accurate database first." in answer.content
    assert not ProductPush.objects.exists()


def test_staff_see_the_progress_but_cannot_start(tenant, connected):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    client = logged_in(tenant.staff)

    page = client.get(PAGE)
    assert page.status_code == 200
    assert b'data-testid="push-progress"' in page.content
    assert b'data-testid="push-start"' not in page.content
    assert client.post(START).status_code == 403
    assert ProductPush.objects.count() == 1
    assert client.get(progress_url(push)).status_code == 200


def test_the_progress_endpoint_answers_the_counts(tenant, connected):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    client = logged_in(tenant.owner)
    before = client.get(progress_url(push)).json()
    assert {k: before[k] for k in ("status", "batches_done", "batches_total", "percent", "created")} == {
        "status": "running",
        "batches_done": 0,
        "batches_total": 1,
        "percent": 0,
        "created": 0,
    }

    product_push_next(push_id=push.pk)

    after = client.get(progress_url(push)).json()
    assert {k: after[k] for k in ("status", "batches_done", "percent", "created", "existing", "failed")} == {
        "status": "done",
        "batches_done": 1,
        "percent": 100,
        "created": 3,
        "existing": 0,
        "failed": 0,
    }
    assert after["messages"] == []


def test_another_stores_push_is_not_found(tenant, outsider, connected):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    assert logged_in(outsider.owner).get(progress_url(push)).status_code == 404
    assert logged_in(outsider.owner).get(PAGE).content.count(b'data-testid="push-progress"') == 0


def test_the_add_on_page_links_to_the_push(tenant, connected):
    addon_activate(store=tenant.store, user=tenant.owner)
    page = logged_in(tenant.owner).get("/apps/accurate/")
    assert b'href="/apps/accurate/products/push/"' in page.content
