"""The activity page's filters, alone and together, on the store's clock (Asia/Jakarta).

The rows: a sale started at 23:59 on the 20th and completed at 00:01 on the 21st (both Jakarta time;
in UTC both are on the 20th), a sale of the 21st, a failed one at Bali, a pending one, a running one.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.sync.activity_rows import URL, at, login, make, shown


@pytest.fixture
def rows(tenant: Any, order_body: Any) -> dict[str, Any]:
    return {
        "midnight": make(
            tenant,
            order_body,
            "ORD-MID",
            created=at(20, 23, 50),
            started=at(20, 23, 59),
            completed=at(21, 0, 1),
        ),
        "day21": make(
            tenant, order_body, "ORD-21", created=at(21, 9), started=at(21, 9, 5), completed=at(21, 9, 6)
        ),
        "failed_bali": make(
            tenant,
            order_body,
            "ORD-BALI",
            outlet="BALI1",
            status="failed",
            created=at(21, 10),
            started=at(21, 10, 1),
            completed=at(21, 10, 2),
            reason="Item SKU-9 is not in Accurate.",
        ),
        "failed_jkt": make(
            tenant,
            order_body,
            "ORD-FJKT",
            status="failed",
            created=at(21, 11),
            started=at(21, 11, 1),
            completed=at(21, 11, 2),
            reason="Map payment method QRIS.",
        ),
        "pending": make(tenant, order_body, "ORD-PEND", status="pending", created=at(22, 8), attempts=0),
        "running": make(
            tenant,
            order_body,
            "ORD-RUN",
            outlet="BALI1",
            status="running",
            created=at(22, 9),
            started=at(22, 9, 1),
        ),
    }


def page(client: Any, tenant: Any, query: str = "") -> list[str]:
    return shown(login(client, tenant.owner).get(URL + query))


def test_without_filters_every_row_shows_newest_first(client, tenant, rows):
    assert page(client, tenant) == ["ORD-RUN", "ORD-PEND", "ORD-FJKT", "ORD-BALI", "ORD-21", "ORD-MID"]


def test_status_success(client, tenant, rows):
    assert page(client, tenant, "?status=success") == ["ORD-21", "ORD-MID"]


def test_status_failed(client, tenant, rows):
    assert page(client, tenant, "?status=failed") == ["ORD-FJKT", "ORD-BALI"]


def test_status_pending_includes_running(client, tenant, rows):
    assert page(client, tenant, "?status=pending") == ["ORD-RUN", "ORD-PEND"]


def test_the_outlet_filter_shows_only_that_outlets_rows(client, tenant, rows):
    assert page(client, tenant, f"?outlet={tenant.other_outlet.pk}") == ["ORD-RUN", "ORD-BALI"]


def test_another_stores_outlet_is_an_invalid_choice_and_shows_nothing(client, tenant, outsider, rows):
    response = login(client, tenant.owner).get(f"{URL}?outlet={outsider.outlet.pk}")
    assert shown(response) == []
    assert b'data-testid="filter-errors"' in response.content


def test_start_date_counts_the_local_day_of_the_start(client, tenant, rows):
    # Started 23:59 on the 20th in Jakarta (16:59 UTC): on the 20th, not the 21st.
    assert page(client, tenant, "?start=2026-11-20") == [
        "ORD-RUN",
        "ORD-FJKT",
        "ORD-BALI",
        "ORD-21",
        "ORD-MID",
    ]
    assert page(client, tenant, "?start=2026-11-21") == ["ORD-RUN", "ORD-FJKT", "ORD-BALI", "ORD-21"]
    assert page(client, tenant, "?start=2026-11-22") == ["ORD-RUN"]


def test_end_date_counts_the_local_day_of_the_completion(client, tenant, rows):
    # Completed 00:01 on the 21st in Jakarta (17:01 UTC on the 20th): not on or before the 20th.
    assert page(client, tenant, "?end=2026-11-20") == []
    assert page(client, tenant, "?end=2026-11-21") == ["ORD-FJKT", "ORD-BALI", "ORD-21", "ORD-MID"]


def test_start_and_end_on_the_same_day(client, tenant, rows):
    # The midnight sale started on the 20th and completed on the 21st: in neither single day.
    assert page(client, tenant, "?start=2026-11-21&end=2026-11-21") == ["ORD-FJKT", "ORD-BALI", "ORD-21"]
    assert page(client, tenant, "?start=2026-11-20&end=2026-11-20") == []
    assert page(client, tenant, "?start=2026-11-20&end=2026-11-21") == [
        "ORD-FJKT",
        "ORD-BALI",
        "ORD-21",
        "ORD-MID",
    ]


def test_status_outlet_and_dates_together(client, tenant, rows):
    query = f"?status=failed&outlet={tenant.other_outlet.pk}&start=2026-11-21&end=2026-11-21"
    assert page(client, tenant, query) == ["ORD-BALI"]
    query = f"?status=success&outlet={tenant.outlet.pk}&start=2026-11-21"
    assert page(client, tenant, query) == ["ORD-21"]


def test_an_empty_result_says_so(client, tenant, rows):
    response = login(client, tenant.owner).get(
        f"{URL}?status=failed&outlet={tenant.outlet.pk}&end=2026-11-20"
    )
    assert shown(response) == []
    assert b'data-testid="no-activities"' in response.content
    assert b'data-testid="older"' not in response.content


def test_the_type_filter_shows_only_that_kind_of_document(client, tenant, rows):
    assert page(client, tenant, "?kind=order") == [
        "ORD-RUN",
        "ORD-PEND",
        "ORD-FJKT",
        "ORD-BALI",
        "ORD-21",
        "ORD-MID",
    ]
    assert page(client, tenant, "?kind=deposit") == []


def test_search_by_pos_number_exact_or_prefix(client, tenant, rows):
    assert page(client, tenant, "?q=ORD-21") == ["ORD-21"]
    assert page(client, tenant, "?q=ORD-B") == ["ORD-BALI"]
    assert page(client, tenant, "?q=ORD-F&status=failed") == ["ORD-FJKT"]


def test_search_by_accurate_number_exact_or_prefix(client, tenant, rows):
    assert page(client, tenant, "?q=BALI1-ORD-BALI") == ["ORD-BALI"]
    assert page(client, tenant, "?q=JKT01-") == ["ORD-FJKT", "ORD-21", "ORD-MID"]


def test_search_never_reaches_another_store(client, tenant, outsider, order_body, rows):
    make(outsider, order_body, "ORD-21", created=at(21, 9), started=at(21, 9), completed=at(21, 9, 1))
    assert page(client, tenant, "?q=ORD-21") == ["ORD-21"]
    assert page(client, outsider, "?q=ORD-2") == ["ORD-21"]
