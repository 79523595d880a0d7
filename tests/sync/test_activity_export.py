"""The CSV export of the filtered list: exact columns, the store's clock, plain amounts, streamed."""

from __future__ import annotations

from django.http import StreamingHttpResponse

from tests.sync.activity_rows import URL, at, login, make


def content(response: StreamingHttpResponse) -> str:
    return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]


def test_the_export_has_the_filtered_rows_exactly(client, tenant, outsider, order_body):
    make(tenant, order_body, "ORD-1", created=at(20, 23, 50), started=at(20, 23, 59), completed=at(21, 0, 1))
    make(
        tenant,
        order_body,
        "ORD-2",
        outlet="BALI1",
        status="failed",
        created=at(21, 10),
        started=at(21, 10, 1),
        completed=at(21, 10, 2),
        reason='Item SKU-9 is not in Accurate, "Kue".',
        attempts=3,
    )
    make(tenant, order_body, "ORD-3", status="pending", created=at(21, 11), attempts=0)
    make(outsider, order_body, "ORD-9", created=at(21, 9), completed=at(21, 9, 1))
    response = login(client, tenant.staff).get(f"{URL}export.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sync-activity-kopi-')
    assert content(response) == (
        "Type,POS reference,Outlet code,Outlet,Accurate number,Status,Started,Completed,Attempts,"
        "Amount,Reason\r\n"
        "Sale,ORD-3,JKT01,Jakarta Pusat,,Pending,,,0,41800.00,\r\n"
        "Sale,ORD-2,BALI1,Denpasar,BALI1-ORD-2,Failed,2026-11-21 10:01:00,2026-11-21 10:02:00,3,41800.00,"
        '"Item SKU-9 is not in Accurate, ""Kue""."\r\n'
        "Sale,ORD-1,JKT01,Jakarta Pusat,JKT01-ORD-1,Success,2026-11-20 23:59:00,2026-11-21 00:01:00,1,"
        "41800.00,\r\n"
    )


def test_the_export_follows_the_filters(client, tenant, order_body):
    make(tenant, order_body, "ORD-1", completed=at(21, 9))
    make(tenant, order_body, "ORD-2", outlet="BALI1", status="failed", completed=at(21, 9), reason="x")
    response = login(client, tenant.owner).get(
        f"{URL}export.csv?status=failed&outlet={tenant.other_outlet.pk}"
    )
    lines = content(response).splitlines()
    assert [line.split(",")[1] for line in lines] == ["POS reference", "ORD-2"]


def test_an_invalid_filter_exports_only_the_header(client, tenant, outsider, order_body):
    make(tenant, order_body, "ORD-1", completed=at(21, 9))
    response = login(client, tenant.owner).get(f"{URL}export.csv?outlet={outsider.outlet.pk}")
    assert content(response).count("\r\n") == 1


def test_a_payout_is_exported_with_what_reached_the_bank(client, tenant):
    body = {
        "number": "PO-1",
        "paid_at": "2026-11-20T10:00:00+07:00",
        "gross": "1000000",
        "fee": "7000",
        "net": "993000",
    }
    assert tenant.api().post("/api/v1/outlets/JKT01/payouts/", body, format="json").status_code == 201

    response = login(client, tenant.owner).get(f"{URL}export.csv?kind=payout")

    assert (
        content(response).splitlines()[1]
        == "iSellerPay payout,PO-1,JKT01,Jakarta Pusat,,Pending,,,0,993000.00,"
    )


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(client, tenant, order_body):
    from outlets.models import Outlet

    Outlet.objects.filter(pk=tenant.outlet.pk).update(name='=HYPERLINK("http://evil.example","x")')
    make(tenant, order_body, "ORD-1", status="failed", created=at(21, 10), reason="@SUM(A1:A9)")
    make(tenant, order_body, "ORD-2", created=at(21, 9), accurate_number="\tJKT01-ORD-2")
    make(tenant, order_body, "ORD-3", status="failed", created=at(21, 8), reason="-2+3 Kue")

    lines = content(login(client, tenant.owner).get(f"{URL}export.csv")).splitlines()

    name = '"\'=HYPERLINK(""http://evil.example"",""x"")"'
    assert lines[1].startswith(f"Sale,ORD-1,JKT01,{name},JKT01-ORD-1,Failed,")
    assert lines[1].endswith(",'@SUM(A1:A9)")
    assert f"Sale,ORD-2,JKT01,{name},'\tJKT01-ORD-2,Success," in lines[2]
    assert lines[3].endswith(",'-2+3 Kue")
