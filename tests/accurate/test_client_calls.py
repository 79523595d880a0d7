"""What the client sends for each call, and what it makes of the answers."""

import datetime as dt
from decimal import Decimal

import pytest

from accurate import AccurateClient, AccurateError, ErrorKind, Filter

from .fakes import CountingProvider, RecordingLimiter, StubSeam, answer, ok, refused


def client_for(*answers):
    seam = StubSeam(list(answers))
    limiter = RecordingLimiter()
    return AccurateClient(CountingProvider(), seam, limiter), seam, limiter


def page(rows, number, count):
    return ok(rows, sp={"page": number, "pageSize": 2, "pageCount": count, "rowCount": 5})


def test_list_pages_through_every_page_and_stops_at_the_page_count():
    client, seam, limiter = client_for(
        page([{"id": 1}, {"id": 2}], 1, 3),
        page([{"id": 3}, {"id": 4}], 2, 3),
        page([{"id": 5}], 3, 3),
    )

    rows = list(client.list("warehouse", fields=["id", "name"], filters={"suspended": False}, page_size=2))

    assert rows == [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 5}]
    assert [r.params for r in seam.requests] == [
        [
            ("fields", "id,name"),
            ("filter.suspended.op", "EQUAL"),
            ("filter.suspended.val[0]", "false"),
            ("sp.page", str(n)),
            ("sp.pageSize", "2"),
        ]
        for n in (1, 2, 3)
    ]
    assert {(r.method, r.url) for r in seam.requests} == {
        ("GET", "https://zeus.example/accurate/api/warehouse/list.do")
    }
    assert limiter.slots == ["conn-1"] * 3


def test_list_stops_on_an_empty_page_even_if_the_count_says_more():
    client, seam, _ = client_for(page([], 1, 9))

    assert list(client.list("branch")) == []
    assert len(seam.requests) == 1


def test_every_data_call_sends_the_token_and_the_session():
    client, seam, _ = client_for(ok({"id": 5, "number": "X"}))

    client.detail("sales-invoice", id=5)

    assert seam.requests[0].headers == {"Authorization": "Bearer token-0", "X-Session-ID": "session-0"}
    assert seam.requests[0].url == "https://zeus.example/accurate/api/sales-invoice/detail.do"
    assert seam.requests[0].params == {"id": "5"}


def test_detail_returns_the_record():
    client, _, _ = client_for(ok({"id": 5, "number": "JKT01-ORD-0001", "totalAmount": 41800}))

    assert client.detail("sales-invoice", number="JKT01-ORD-0001") == {
        "id": 5,
        "number": "JKT01-ORD-0001",
        "totalAmount": 41800,
    }


def test_detail_wants_exactly_one_of_id_and_number():
    client, seam, _ = client_for()

    with pytest.raises(ValueError):
        client.detail("item")
    with pytest.raises(ValueError):
        client.detail("item", id=1, number="A")
    assert seam.requests == []


def test_save_posts_flat_keys_and_returns_the_saved_record():
    client, seam, _ = client_for(ok(["Data berhasil disimpan"], r={"id": 321, "number": "JKT01-ORD-0001"}))

    result = client.save(
        "sales-invoice",
        {
            "number": "JKT01-ORD-0001",
            "transDate": dt.date(2026, 11, 20),
            "detailItem": [{"itemNo": "SKU-1", "quantity": 2, "unitPrice": Decimal("12345.678901")}],
        },
    )

    assert (result.id, result.number, result.record) == (
        321,
        "JKT01-ORD-0001",
        {"id": 321, "number": "JKT01-ORD-0001"},
    )
    assert (seam.requests[0].method, seam.requests[0].url) == (
        "POST",
        "https://zeus.example/accurate/api/sales-invoice/save.do",
    )
    assert seam.requests[0].data == [
        ("number", "JKT01-ORD-0001"),
        ("transDate", "20/11/2026"),
        ("detailItem[0].itemNo", "SKU-1"),
        ("detailItem[0].quantity", "2"),
        ("detailItem[0].unitPrice", "12345.678901"),
    ]


def test_save_of_an_item_reads_its_code_from_no():
    client, _, _ = client_for(ok(r={"id": 9, "no": "SKU-1"}))

    assert client.save("item", {"no": "SKU-1", "name": "Kopi"}).number == "SKU-1"


def test_save_answered_without_the_record_is_unclear():
    client, _, _ = client_for(ok(["Data berhasil disimpan"]))

    with pytest.raises(AccurateError) as caught:
        client.save("sales-invoice", {"number": "N1"})

    assert caught.value.kind is ErrorKind.unclear


def test_bulk_save_gives_one_result_per_record_in_order():
    records = [{"number": f"JKT01-ORD-000{i}", "customerNo": "C-POS"} for i in range(1, 5)]
    client, seam, _ = client_for(
        answer(
            200,
            {
                "s": False,
                "d": [
                    {"s": True, "d": ["berhasil disimpan"], "r": {"id": 11, "number": "JKT01-ORD-0001"}},
                    {"s": False, "d": ["Sudah ada data lain dengan No JKT01-ORD-0002"]},
                    {"s": False, "d": ["Barang [SKU-9] tidak ditemukan"]},
                    {"s": True, "d": ["berhasil disimpan"], "r": {"id": 14, "number": "JKT01-ORD-0004"}},
                ],
            },
        )
    )

    results = client.bulk_save("sales-invoice", records)

    assert [(r.ok, r.id, r.number) for r in results] == [
        (True, 11, "JKT01-ORD-0001"),
        (False, None, "JKT01-ORD-0002"),
        (False, None, "JKT01-ORD-0003"),
        (True, 14, "JKT01-ORD-0004"),
    ]
    assert [r.error.kind if r.error else None for r in results] == [
        None,
        ErrorKind.duplicate_number,
        ErrorKind.validation,
        None,
    ]
    assert results[1].error.number == "JKT01-ORD-0002"
    assert results[2].error.messages == ["Barang [SKU-9] tidak ditemukan"]
    assert seam.requests[0].url == "https://zeus.example/accurate/api/sales-invoice/bulk-save.do"
    assert seam.requests[0].data[:2] == [
        ("data[0].number", "JKT01-ORD-0001"),
        ("data[0].customerNo", "C-POS"),
    ]
    assert seam.requests[0].data[-1] == ("data[3].customerNo", "C-POS")


def test_bulk_save_marks_records_without_an_answer_unclear():
    client, _, _ = client_for(ok([{"s": True, "r": {"id": 1, "number": "A"}}]))

    results = client.bulk_save("item", [{"no": "A"}, {"no": "B"}])

    assert [(r.ok, r.number) for r in results] == [(True, "A"), (False, "B")]
    assert results[1].error.kind is ErrorKind.unclear


def test_bulk_save_refuses_more_than_100_records_without_sending():
    client, seam, _ = client_for()

    with pytest.raises(ValueError, match="at most 100"):
        client.bulk_save("item", [{"no": str(i)} for i in range(101)])
    assert seam.requests == []
    assert client.bulk_save("item", []) == []


def test_bulk_save_refused_as_a_whole_raises():
    client, _, _ = client_for(
        refused("Data Session Key tidak tepat"), refused("Data Session Key tidak tepat")
    )

    with pytest.raises(AccurateError) as caught:
        client.bulk_save("item", [{"no": "A"}])

    assert caught.value.kind is ErrorKind.session_expired


def test_delete_sends_the_id():
    client, seam, _ = client_for(ok(["Data berhasil dihapus"]))

    client.delete("item", 77)

    assert (seam.requests[0].method, seam.requests[0].url, seam.requests[0].params) == (
        "DELETE",
        "https://zeus.example/accurate/api/item/delete.do",
        {"id": "77"},
    )


def test_list_filters_between_two_dates():
    client, seam, _ = client_for(page([], 1, 1))

    list(
        client.list(
            "sales-invoice", filters={"transDate": Filter.between(dt.date(2026, 11, 1), dt.date(2026, 11, 2))}
        )
    )

    assert ("filter.transDate.val[1]", "02/11/2026") in seam.requests[0].params


def test_amounts_in_answers_are_read_as_decimals():
    client, _, _ = client_for(answer(200, text='{"s": true, "d": {"id": 5, "totalAmount": 24691.357802}}'))

    record = client.detail("sales-invoice", id=5)

    assert record == {"id": 5, "totalAmount": Decimal("24691.357802")}
    assert isinstance(record["id"], int)
