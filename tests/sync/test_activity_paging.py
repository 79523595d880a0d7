"""Keyset pages, newest first: walking Older to the end and Newer back shows every row once, in
order, including rows that share their created_at (one batch from the POS is one timestamp)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sync.activity.selectors import PAGE_SIZE, Cursor
from sync.models import SyncActivity
from tests.sync.activity_rows import URL, at, login, shown


def link(html: str, testid: str) -> str | None:
    """The link's URL; the page writes only its query ("?older=…"), relative to the page itself."""
    found = re.search(rf'href="([^"]*)" data-testid="{testid}"', html)
    return URL + found.group(1).replace("&amp;", "&") if found else None


def post_batch(tenant: Any, order_body: Any, numbers: list[str]) -> None:
    body = {"orders": [order_body(number) for number in numbers]}
    answer = tenant.api().post("/api/v1/outlets/JKT01/orders/batch/", body, format="json")
    assert answer.status_code == 200, answer.content


def expected(tenant: Any, **filters: Any) -> list[str]:
    rows = SyncActivity.objects.filter(store=tenant.store, **filters).order_by("-created_at", "-id")
    return list(rows.values_list("pos_number", flat=True))


def walk(client: Any, start: str) -> tuple[list[list[str]], list[str]]:
    """Follow Older to the end, then Newer back to the start: the pages each way."""
    pages: list[list[str]] = []
    back: list[list[str]] = []
    url: str | None = start
    last = start
    while url:
        html = client.get(url).content.decode()
        pages.append(shown_html(html))
        last, url = url, link(html, "older")
    url = link(client.get(last).content.decode(), "newer")
    while url:
        html = client.get(url).content.decode()
        back.append(shown_html(html))
        url = link(html, "newer")
    return pages, [pos for page in reversed(back) for pos in page]


def shown_html(html: str) -> list[str]:
    return re.findall(r'data-pos="([^"]*)"', html)


def test_older_and_newer_show_every_row_once_in_order(client, tenant, outsider, order_body):
    post_batch(tenant, order_body, [f"ORD-A{n:03d}" for n in range(70)])  # one created_at for all 70
    post_batch(tenant, order_body, [f"ORD-B{n:03d}" for n in range(40)])
    post_batch(outsider, order_body, [f"ORD-X{n:03d}" for n in range(30)])
    # A few rows apart in time, some older than both batches.
    for n, row in enumerate(SyncActivity.objects.filter(store=tenant.store).order_by("id")[:10]):
        SyncActivity.objects.filter(pk=row.pk).update(created_at=at(1, 8) + timedelta(minutes=n))
    everything = expected(tenant)
    assert len(everything) == 110

    pages, back = walk(login(client, tenant.owner), URL)
    assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 10]
    assert [pos for page in pages for pos in page] == everything
    assert back == everything[: 2 * PAGE_SIZE]  # Newer from the last page leads back to the first


def test_paging_keeps_the_filters(client, tenant, order_body):
    post_batch(tenant, order_body, [f"ORD-{n:03d}" for n in range(120)])
    SyncActivity.objects.filter(store=tenant.store, pos_number__endswith="1").update(status="failed")
    failed = expected(tenant, status="failed")
    pages, _back = walk(login(client, tenant.owner), f"{URL}?status=failed&outlet={tenant.outlet.pk}")
    assert [pos for page in pages for pos in page] == failed == [f"ORD-{n:03d}" for n in range(111, 0, -10)]
    assert len(pages) == 1


def test_a_page_deep_down_starts_right_after_its_cursor(client, tenant, order_body):
    post_batch(tenant, order_body, [f"ORD-{n:03d}" for n in range(60)])
    everything = expected(tenant)
    row = SyncActivity.objects.get(store=tenant.store, pos_number=everything[24])
    response = login(client, tenant.owner).get(f"{URL}?older={Cursor.of(row).token()}")
    assert shown(response) == everything[25:]
    assert link(response.content.decode(), "newer") is not None
    assert link(response.content.decode(), "older") is None


def test_a_malformed_cursor_is_the_first_page(client, tenant, order_body):
    post_batch(tenant, order_body, ["ORD-1", "ORD-2"])
    assert shown(login(client, tenant.owner).get(f"{URL}?older=abc-1")) == expected(tenant)


def test_the_cursor_round_trips_to_the_microsecond(tenant, order_body):
    post_batch(tenant, order_body, ["ORD-1"])
    row = SyncActivity.objects.get(store=tenant.store)
    assert Cursor.parse(Cursor.of(row).token()) == Cursor(row.created_at, row.pk)
