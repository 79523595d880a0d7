"""PPN as the sandbox reads Accurate: on the lines flagged useTax1 of a taxable document, the cash
discount spread over the lines by their amounts, half up to the cent; and the faults that make it
compute otherwise (tax_mode, tax_rate)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accurate_sandbox.conftest import Api
from tests.accurate_sandbox.test_sales import invoice

pytestmark = pytest.mark.usefixtures("items")


def flagged(body: dict[str, Any], *flags: bool) -> dict[str, Any]:
    """`body` with useTax1 on its item lines, in order."""
    lines = [{**line, "useTax1": flag} for line, flag in zip(body["detailItem"], flags, strict=True)]
    return {**body, "detailItem": lines}


# invoice(): KOPI-1 2 × 18,000 − 10% = 32,400 and ROTI-1 12,000; cash discount 1,000; expense 5,000.


def test_without_line_flags_a_taxable_invoice_bears_no_tax(api: Api) -> None:
    record = api.saved("sales-invoice", invoice("NOFLAG", taxable=True))
    assert (record["taxableAmount"], record["taxAmount"], record["totalAmount"]) == (0, 0, 48400)


def test_ppn_is_added_on_the_flagged_lines_less_their_share_of_the_cash_discount(api: Api) -> None:
    record = api.saved("sales-invoice", flagged(invoice("EXCL", taxable=True, tax1Name="PPN"), True, False))
    # 32,400 − 1,000 × 32,400 / 44,400 = 31,670.27…; × 11% = 3,483.7297… → 3,483.73
    assert str(record["taxableAmount"]).startswith("31670.27027")
    assert (record["subTotal"], record["taxAmount"], record["totalAmount"]) == (44400, 3483.73, 51883.73)
    assert [line["useTax1"] for line in record["detailItem"]] == [True, False]
    assert record["tax1Name"] == "PPN"


def test_ppn_included_in_the_prices_is_carved_out_and_the_total_stays(api: Api) -> None:
    body = flagged(invoice("INCL", taxable=True, inclusiveTax=True), True, False)
    record = api.saved("sales-invoice", body)
    # 31,670.27… − 31,670.27… / 1.11 = 3,138.495… → 3,138.50
    assert (record["taxAmount"], record["totalAmount"]) == (3138.5, 48400)


def test_line_flags_on_a_document_that_is_not_taxable_bear_no_tax(api: Api) -> None:
    record = api.saved("sales-invoice", flagged(invoice("HDR", taxable=False), True, True))
    assert (record["taxAmount"], record["totalAmount"]) == (0, 48400)


def test_a_sales_return_is_taxed_by_its_line_flags_too(api: Api) -> None:
    api.saved("sales-invoice", invoice())
    body = {
        "number": "RET-1",
        "transDate": "21/11/2026",
        "invoiceNumber": "JKT01-0001",
        "branchName": "Pusat",
        "taxable": True,
        "detailItem": [
            {"itemNo": "KOPI-1", "quantity": 1, "unitPrice": 18000, "useTax1": True},
            {"itemNo": "ROTI-1", "quantity": 1, "unitPrice": 12000, "useTax1": False},
        ],
    }
    added = api.saved("sales-return", body)
    assert (added["taxAmount"], added["totalAmount"]) == (1980, 31980)
    included = api.saved("sales-return", {**body, "number": "RET-2", "inclusiveTax": True})
    # 18,000 − 18,000 / 1.11 = 1,783.78…; the refunded 30,000 holds it
    assert (included["taxAmount"], included["totalAmount"]) == (1783.78, 30000)


@pytest.mark.parametrize(
    ("fault", "tax", "total"),
    [
        ({"tax_mode": "header"}, 4774, 53174),  # 11% of 43,400: the unflagged line taxed too
        ({"tax_rate": "12"}, 3800.43, 52200.43),  # 12% of 31,670.27…
        ({"tax_mode": "header", "tax_rate": "12"}, 5208, 53608),  # 12% of 43,400
    ],
)
def test_a_fault_makes_the_sandbox_compute_tax_otherwise(
    api: Api, fault: dict[str, str], tax: float, total: float
) -> None:
    settings = api.sandbox.faults(**fault)
    assert {name: settings[name] for name in fault} == fault
    record = api.saved("sales-invoice", flagged(invoice("FAULT", taxable=True), True, False))
    assert (record["taxAmount"], record["totalAmount"]) == (tax, total)


def test_reset_brings_back_the_line_flags_rule(api: Api) -> None:
    api.sandbox.faults(tax_mode="header", tax_rate="12")
    api.sandbox.reset()
    assert {k: v for k, v in api.sandbox.inspect()["faults"].items() if k.startswith("tax")} == {
        "tax_mode": "lines",
        "tax_rate": "",
    }
    for item in ({"no": "KOPI-1", "name": "Kopi Susu"}, {"no": "ROTI-1", "name": "Roti Bakar"}):
        api.saved("item", item)  # the reset took the items too
    record = api.saved("sales-invoice", flagged(invoice("AFTER", taxable=True), True, False))
    assert record["taxAmount"] == 3483.73


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"tax_mode": "items"}, "tax_mode must be one of lines, header"),
        ({"tax_rate": "eleven"}, "tax_rate must be a percent, e.g. 12"),
    ],
)
def test_a_tax_fault_it_does_not_know_is_refused(api: Api, fault: dict[str, str], error: str) -> None:
    reply = api.sandbox.http.post(f"{api.sandbox.url}/_sandbox/faults", json=fault, timeout=10)
    assert (reply.status_code, reply.json()) == (400, {"error": error})
    assert api.sandbox.inspect()["faults"]["tax_mode"] == "lines"
