"""Taxes as Accurate computes them, and Accurate's own total checked after every save, against the live
sandbox: per-line PPN flags, the tax named, a total computed otherwise detected and corrected on the
rounding line — or the sale synced with a difference when it cannot be — and synced again by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iseller_accurate.hashing import payload_hash
from mapping.models import OutletMapping, SyncSettings
from outlets.models import Product
from sync.activity.services import activity_retry
from sync.models import AccurateBinding, SyncActivity, SyncAttempt
from tests.sync.engine_helpers import make_ready, post, push, release, total


def by_number(sandbox: Any, module: str) -> dict[str, dict[str, Any]]:
    return {doc["number"]: doc for doc in sandbox.documents(module)}


def sale(number: str, lines: list[dict[str, str]], tax: str, total_: str, **fields: Any) -> dict[str, Any]:
    return {
        "number": number,
        "ordered_at": "2026-11-20T10:15:00+07:00",
        "lines": lines,
        "tax": tax,
        "total": total_,
        "payments": [{"method": "cash", "amount": total_}],
        **fields,
    }


# P1 at 10,000 and P2 at 20,000 bear PPN; P3 at 30,000 is rice, a basic necessity without it.
COFFEE = {"product": "P1", "quantity": "2", "unit_price": "10000"}
RICE = {"product": "P3", "quantity": "1", "unit_price": "30000"}


def rice_untaxed(tenant: Any) -> None:
    Product.objects.filter(pk=tenant.products[2].pk).update(taxable=False)


def rows() -> dict[str, SyncActivity]:
    return {row.pos_number: row for row in SyncActivity.objects.all()}


def last_attempt(row: SyncActivity) -> SyncAttempt:
    return SyncAttempt.objects.filter(activity=row).order_by("-started_at", "-id").first()  # type: ignore[return-value]


def test_a_taxed_sale_flags_its_taxable_lines_names_the_tax_and_lands_with_the_pos_total(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    rice_untaxed(tenant)
    SyncSettings.objects.filter(store=tenant.store).update(tax_name="PPN")
    # PPN 11% of the coffee's 20,000: 2,200; none on the rice.
    post(tenant, "orders/", sale("ORD-T1", [COFFEE, RICE], "2200", "52200"))
    release(tenant)
    requests_before = accurate_at.inspect()["counters"]["requests"]

    push(connected)

    row = SyncActivity.objects.get()
    assert (row.status, row.status_reason) == ("success", "")
    attempt = last_attempt(row)
    invoice_id = by_number(accurate_at, "sales-invoice")["JKT01-ORD-T1"]["id"]
    receipt_id = by_number(accurate_at, "sales-receipt")["JKT01-ORD-T1-CASH"]["id"]
    assert attempt.sent[0] == {
        "module": "sales-invoice",
        "action": "bulk-save",
        "number": "JKT01-ORD-T1",
        "payload": {
            "number": "JKT01-ORD-T1",
            "transDate": "20/11/2026",
            "customerNo": "C-WALKIN",
            "branchName": "Pusat",
            "description": "iSeller JKT01 ORD-T1",
            "taxable": True,
            "inclusiveTax": False,
            "tax1Name": "PPN",
            "cashDiscount": "0.00",
            "detailItem": [
                {
                    "itemNo": "SKU-1",
                    "quantity": "2.000",
                    "unitPrice": "10000.00",
                    "itemCashDiscount": "0.00",
                    "warehouseName": "Gudang Utama",
                    "detailNotes": "",
                    "useTax1": True,
                },
                {
                    "itemNo": "SKU-3",
                    "quantity": "1.000",
                    "unitPrice": "30000.00",
                    "itemCashDiscount": "0.00",
                    "warehouseName": "Gudang Utama",
                    "detailNotes": "",
                    "useTax1": False,
                },
            ],
            "detailExpense": [],
        },
    }
    # Accurate's own total, read from each save's answer, beside the POS's: no extra call.
    assert attempt.answered == [
        {
            "module": "sales-invoice",
            "number": "JKT01-ORD-T1",
            "ok": True,
            "id": invoice_id,
            "messages": [],
            "accurate_total": "52200",
            "pos_total": "52200.00",
        },
        {
            "module": "sales-receipt",
            "number": "JKT01-ORD-T1-CASH",
            "ok": True,
            "id": receipt_id,
            "messages": [],
            "accurate_total": "52200",
            "pos_total": "52200.00",
        },
    ]
    assert (attempt.outcome, attempt.message) == ("success", "")
    invoice = by_number(accurate_at, "sales-invoice")["JKT01-ORD-T1"]
    assert (invoice["taxAmount"], total(invoice)) == (2200, Decimal("52200"))
    assert accurate_at.inspect()["counters"]["requests"] - requests_before == 2  # the two saves


def test_a_tax_accurate_computes_otherwise_is_corrected_on_the_rounding_line_of_every_affected_invoice(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    rice_untaxed(tenant)
    # This Accurate taxes every line of a taxable invoice, flagged or not.
    accurate_at.faults(tax_mode="header")
    coffee_and_tea = [COFFEE, {"product": "P2", "quantity": "1", "unit_price": "20000", "discount": "2000"}]
    post(tenant, "orders/", sale("ORD-A", [COFFEE, RICE], "2200", "52200"))  # rice taxed: +3,300
    inclusive = {"product": "P1", "quantity": "1", "unit_price": "11100"}
    post(tenant, "orders/", sale("ORD-B", [inclusive, RICE], "1100", "41100", tax_inclusive=True))
    post(tenant, "orders/", sale("ORD-C", [RICE], "0", "30000"))  # no tax at all
    post(tenant, "orders/", sale("ORD-D", coffee_and_tea, "4180", "42180"))  # every line taxable
    release(tenant)

    push(connected)

    found = rows()
    assert {number: (row.status, row.status_reason) for number, row in found.items()} == {
        "ORD-A": ("success", ""),
        "ORD-B": ("success", ""),
        "ORD-C": ("success", ""),
        "ORD-D": ("success", ""),
    }
    invoices = by_number(accurate_at, "sales-invoice")
    assert {number: total(doc) for number, doc in invoices.items()} == {
        "JKT01-ORD-A": Decimal("52200"),
        "JKT01-ORD-B": Decimal("41100"),
        "JKT01-ORD-C": Decimal("30000"),
        "JKT01-ORD-D": Decimal("42180"),
    }
    corrected = invoices["JKT01-ORD-A"]
    assert (
        corrected["taxAmount"],
        [(e["expenseName"], e["expenseAmount"]) for e in corrected["detailExpense"]],
    ) == (
        5500,
        [("Rounding", -3300)],
    )
    attempt = last_attempt(found["ORD-A"])
    assert attempt.message == (
        "Accurate's total of sales invoice JKT01-ORD-A was Rp 55.500, not the POS total Rp 52.200: sent "
        "again with -Rp 3.300 on its rounding line, it now matches."
    )
    first, again, receipt = attempt.sent
    assert (first["number"], "id" in first["payload"], first["payload"]["detailExpense"]) == (
        "JKT01-ORD-A",
        False,
        [],
    )
    assert (again["number"], again["payload"]["id"]) == ("JKT01-ORD-A", corrected["id"])
    assert again["payload"]["detailExpense"] == [
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": "-3300.00"}
    ]
    assert {k: v for k, v in again["payload"].items() if k not in ("id", "detailExpense")} == {
        k: v for k, v in first["payload"].items() if k != "detailExpense"
    }
    assert receipt["number"] == "JKT01-ORD-A-CASH"
    assert [(a["number"], a["accurate_total"], a["pos_total"]) for a in attempt.answered] == [
        ("JKT01-ORD-A", "55500", "52200.00"),
        ("JKT01-ORD-A", "52200", "52200.00"),
        ("JKT01-ORD-A-CASH", "52200", "52200.00"),
    ]
    for number in ("ORD-B", "ORD-C", "ORD-D"):
        assert last_attempt(found[number]).message == ""
    # The binding keeps the mapper's payload, not the corrected one: the sale is not sent again.
    binding = AccurateBinding.objects.get(module="sales-invoice", number="JKT01-ORD-A")
    assert binding.payload_hash == payload_hash(first["payload"])
    saved_before = accurate_at.inspect()["counters"]["records_saved"]
    SyncActivity.objects.filter(pk=found["ORD-A"].pk).update(status="pending")
    release(tenant)

    push(connected)

    assert accurate_at.inspect()["counters"]["records_saved"] == saved_before
    row = SyncActivity.objects.get(pk=found["ORD-A"].pk)
    recheck = last_attempt(row)
    assert (row.status, recheck.sent, recheck.message) == ("success", [], "")
    assert [(a["number"], a["accurate_total"]) for a in recheck.answered] == [
        ("JKT01-ORD-A", "52200"),
        ("JKT01-ORD-A-CASH", "52200"),
    ]


def test_without_a_rounding_account_a_difference_lands_flagged_and_is_corrected_when_synced_again(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    OutletMapping.objects.filter(outlet=tenant.outlet).update(rounding_account_no="")
    accurate_at.faults(tax_rate="12")  # this Accurate charges 12%: 2,400 on 20,000, not 2,200
    post(tenant, "orders/", sale("ORD-R1", [COFFEE], "2200", "22200"))
    release(tenant)

    push(connected)

    row = SyncActivity.objects.get()
    reason = (
        "Accurate's total Rp 22.400 differs from the POS total Rp 22.200 by Rp 200: sales invoice "
        "JKT01-ORD-R1. Set the rounding difference account in Apps → Accurate → Outlet mapping, then "
        "sync it again to correct it."
    )
    assert (row.status, row.status_reason, row.accurate_number) == ("difference", reason, "JKT01-ORD-R1")
    assert row.completed_at is not None and row.due_at is None
    attempt = last_attempt(row)
    assert (attempt.outcome, attempt.message) == ("success", reason)
    # In Accurate all the same: the money was received.
    assert total(by_number(accurate_at, "sales-receipt")["JKT01-ORD-R1-CASH"]) == Decimal("22200")
    assert total(by_number(accurate_at, "sales-invoice")["JKT01-ORD-R1"]) == Decimal("22400")

    OutletMapping.objects.filter(outlet=tenant.outlet).update(rounding_account_no="6102")
    assert activity_retry(store=tenant.store, activity_id=row.pk).queued

    push(connected)

    row.refresh_from_db()
    assert (row.status, row.status_reason, row.attempts) == ("success", "", 2)
    assert last_attempt(row).message == (
        "Accurate's total of sales invoice JKT01-ORD-R1 was Rp 22.400, not the POS total Rp 22.200: sent "
        "again with -Rp 200 on its rounding line, it now matches."
    )
    assert total(by_number(accurate_at, "sales-invoice")["JKT01-ORD-R1"]) == Decimal("22200")
