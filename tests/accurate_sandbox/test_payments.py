"""Bank transfers and other payments: money between cash/bank accounts, and out of one to accounts."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.accurate_sandbox.conftest import TIMEOUT, Api
from tests.sandbox_fixture import SandboxProcess


def transfer(number: str = "JKT01-PO-1-TRF", **changes: Any) -> dict[str, Any]:
    body = {
        "number": number,
        "transDate": "20/11/2026",
        "fromBankNo": "1103",
        "toBankNo": "1102",
        "fromBankAmount": "992999.50",
        "branchName": "Pusat",
        "description": "iSellerPay payout JKT01 PO-1",
    }
    return {**body, **changes}


def payment(number: str = "JKT01-PO-1-MDR", **changes: Any) -> dict[str, Any]:
    body = {
        "number": number,
        "transDate": "20/11/2026",
        "bankNo": "1103",
        "payee": "iSellerPay",
        "branchName": "Pusat",
        "description": "iSellerPay MDR fee JKT01 PO-1",
        "detailAccount": [
            {"accountNo": "6101", "amount": "7000.25", "expenseName": "MDR", "detailNotes": "PO-1"},
            {"accountNo": "6102", "amount": "0.25"},
        ],
    }
    return {**body, **changes}


def test_a_bank_transfer_moves_its_amount_between_two_cash_or_bank_accounts(api: Api) -> None:
    record = api.saved("bank-transfer", transfer())

    assert {key: record[key] for key in ("number", "fromBankNo", "toBankNo", "branchName", "transDate")} == {
        "number": "JKT01-PO-1-TRF",
        "fromBankNo": "1103",
        "toBankNo": "1102",
        "branchName": "Pusat",
        "transDate": "20/11/2026",
    }
    assert (record["fromBankAmount"], record["totalAmount"]) == (992999.5, 992999.5)
    assert api.sandbox.documents("bank-transfer") == [record]
    assert api.detail("bank-transfer", number="JKT01-PO-1-TRF")["d"]["id"] == record["id"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fromBankNo": "6101"}, "Akun 6101 bukan akun Kas/Bank"),
        ({"toBankNo": "1201"}, "Akun 1201 bukan akun Kas/Bank"),
        ({"toBankNo": "9999"}, "Akun dengan No 9999 tidak ditemukan"),
        ({"toBankNo": "1103"}, "Akun asal dan akun tujuan tidak boleh sama"),
        ({"fromBankAmount": "0"}, "Nilai transfer harus lebih dari 0"),
        ({"fromBankNo": ""}, "Dari Akun Kas/Bank harus diisi"),
        ({"transDate": "2026-11-20"}, "Invalid field value for field transDate"),
        ({"branchName": "Cabang Hilang"}, "Cabang Cabang Hilang tidak ditemukan"),
    ],
)
def test_a_bank_transfer_is_refused_as_accurate_words_it(
    api: Api, changes: dict[str, Any], message: str
) -> None:
    assert api.save("bank-transfer", transfer(**changes)) == {"s": False, "d": [message]}
    assert api.sandbox.documents("bank-transfer") == []


def test_an_other_payment_takes_its_lines_total_out_of_a_cash_or_bank_account(api: Api) -> None:
    record = api.saved("other-payment", payment())

    assert (record["bankNo"], record["payee"], record["totalAmount"]) == ("1103", "iSellerPay", 7000.5)
    assert [(line["accountNo"], line["amount"], line["expenseName"]) for line in record["detailAccount"]] == [
        ("6101", 7000.25, "MDR"),
        ("6102", 0.25, ""),
    ]
    assert api.sandbox.documents("other-payment") == [record]


def test_an_other_payment_may_debit_a_receivable_but_must_leave_a_cash_or_bank_account(api: Api) -> None:
    refund = payment(
        "JKT01-RF-1-OUT", bankNo="1101", detailAccount=[{"accountNo": "1201", "amount": "28000"}]
    )

    record = api.saved("other-payment", refund)
    wrong_bank = api.save("other-payment", payment("X-1", bankNo="1201"))
    no_lines = api.save("other-payment", payment("X-2", detailAccount=[]))
    zero = api.save("other-payment", payment("X-3", detailAccount=[{"accountNo": "6101", "amount": "0"}]))

    assert (record["bankNo"], record["totalAmount"]) == ("1101", 28000)
    assert wrong_bank == {"s": False, "d": ["Akun 1201 bukan akun Kas/Bank"]}
    assert no_lines == {"s": False, "d": ["Rincian detailAccount harus diisi"]}
    assert zero == {"s": False, "d": ["Nilai untuk akun 6101 harus lebih dari 0"]}


@pytest.mark.parametrize(("module", "body"), [("bank-transfer", transfer()), ("other-payment", payment())])
def test_a_number_is_used_once_and_bulk_save_and_delete_work_like_every_module(
    api: Api, module: str, body: dict[str, Any]
) -> None:
    first = api.saved(module, body)

    again = api.save(module, body)
    bulk = api.post(module, "bulk-save", json={"data": [{**body, "number": "B-1"}, body]}).json()
    unnumbered = api.saved(module, {**body, "number": ""})
    deleted = api.post(module, "delete", json={"id": first["id"]}).json()

    assert again == {"s": False, "d": [f"Sudah ada data lain dengan No {body['number']}"]}
    assert bulk["s"] is False
    assert [(reply["s"], reply.get("r", {}).get("number")) for reply in bulk["d"]] == [
        (True, "B-1"),
        (False, None),
    ]
    assert unnumbered["number"].endswith(".00001")
    assert deleted == {"s": True, "d": ["Data berhasil dihapus"]}
    listed = api.get(module, "list", fields="number").json()["d"]
    assert sorted(row["number"] for row in listed) == sorted(["B-1", unnumbered["number"]])


@pytest.mark.parametrize(
    ("module", "body", "scope"),
    [("bank-transfer", transfer(), "bank_transfer_save"), ("other-payment", payment(), "other_payment_save")],
)
def test_each_module_needs_its_own_save_scope(
    sandbox_fast: SandboxProcess, module: str, body: dict[str, Any], scope: str
) -> None:
    sandbox_fast.reset()
    token = sandbox_fast.token(scope=f"{module.replace('-', '_')}_view")
    host, session = sandbox_fast.open_db(token["access_token"])
    headers = {"Authorization": f"Bearer {token['access_token']}", "X-Session-ID": session}

    listed = requests.get(f"{host}/accurate/api/{module}/list.do", headers=headers, timeout=TIMEOUT)
    refused = requests.post(
        f"{host}/accurate/api/{module}/save.do", json=body, headers=headers, timeout=TIMEOUT
    )

    assert listed.status_code == 200
    assert refused.status_code == 403
    assert f"<scope>{scope}</scope>" in refused.text
    assert sandbox_fast.documents(module) == []
