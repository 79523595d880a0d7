"""The total checks alone, against a fake Accurate that totals documents its own way: what cannot be
corrected is flagged with both totals, a correction Accurate refuses or ignores is flagged, one that
times out is tried again, and totals missing from the answers are read with one list.do per module
and 100 numbers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

import pytest

from accurate import AccurateClient, AccurateError, ErrorKind, RecordResult
from sync.engine.plans import RowPlan
from sync.engine.progress import RowProgress
from sync.engine.push import Pusher
from sync.mappers import Planned
from sync.models import SyncActivity

D = Decimal


class FakeAccurate:
    """Totals each document as the sum of its amounts plus `bias[number]` (a tax of its own); it
    ignores expense lines when `ignores_expenses`, answers without totals unless `answers_totals`,
    and refuses updates (`id` sent) with `refuse_updates`."""

    def __init__(
        self,
        bias: Mapping[str, Decimal] | None = None,
        *,
        answers_totals: bool = True,
        ignores_expenses: bool = False,
        refuse_updates: AccurateError | None = None,
    ) -> None:
        self.bias = dict(bias or {})
        self.answers_totals = answers_totals
        self.ignores_expenses = ignores_expenses
        self.refuse_updates = refuse_updates
        self.held: dict[tuple[str, str], dict[str, Any]] = {}
        self.saves: list[tuple[str, list[str]]] = []
        self.lists: list[tuple[str, list[str]]] = []

    def total(self, module: str, record: Mapping[str, Any]) -> Decimal:
        lines = sum((D(x["quantity"]) * D(x["unitPrice"]) for x in record.get("detailItem", [])), D(0))
        expenses = sum((D(x["expenseAmount"]) for x in record.get("detailExpense", [])), D(0))
        paid = D(record.get("chequeAmount", 0)) + sum(
            (D(x["amount"]) for x in record.get("detailAccount", [])), D(0)
        )
        own = lines + paid + (D(0) if self.ignores_expenses else expenses)
        return own + self.bias.get(record["number"], D(0))

    def bulk_save(self, module: str, records: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
        self.saves.append((module, [r["number"] for r in records]))
        if self.refuse_updates is not None and all("id" in r for r in records):
            if self.refuse_updates.retryable or self.refuse_updates.kind is ErrorKind.unclear:
                raise self.refuse_updates
            return [RecordResult(False, None, r["number"], self.refuse_updates) for r in records]
        results = []
        for record in records:
            key = (module, record["number"])
            saved = {"id": 1000 + len(self.held), **self.held.get(key, {}), "number": record["number"]}
            saved["totalAmount"] = self.total(module, record)
            self.held[key] = saved
            answer = saved["totalAmount"] if self.answers_totals else None
            results.append(RecordResult(True, saved["id"], record["number"], None, saved, answer))
        return results

    def list(
        self, module: str, fields: Sequence[str], filters: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        numbers = list(filters["number"].values)
        self.lists.append((module, numbers))
        for (held_module, number), record in self.held.items():
            if held_module == module and number in numbers:
                yield {name: record[name] for name in fields}


def sale(number: str, *documents: Planned) -> RowPlan:
    activity = SyncActivity(kind="order", pos_number=number, needs_lookup=False)
    return RowPlan(activity, documents=list(documents))


def invoice(number: str, price: str, *, rounding_account: str = "6102") -> Planned:
    payload = {"number": number, "detailItem": [{"quantity": "1", "unitPrice": price}], "detailExpense": []}
    return Planned("sales-invoice", "bulk-save", number, payload, 1, D(price), rounding_account)


def receipt(number: str, amount: str) -> Planned:
    payload = {"number": number, "chequeAmount": amount}
    return Planned("sales-receipt", "bulk-save", number, payload, 2, D(amount))


def run(fake: FakeAccurate, *plans: RowPlan) -> list[RowProgress]:
    return Pusher(cast(AccurateClient, fake), plans, {}).run()


def test_a_receipt_with_another_total_is_flagged_with_both_totals_and_not_sent_again():
    fake = FakeAccurate({"S-1-CASH": D("1000")})

    [row] = run(fake, sale("S-1", invoice("S-1", "10000"), receipt("S-1-CASH", "10000")))

    assert (row.outcome, row.notes) == ("success", [])
    assert row.differences == [
        "Accurate's total Rp 11.000 differs from the POS total Rp 10.000 by Rp 1.000: sales receipt "
        "S-1-CASH. Correct it in Accurate, then sync it again to check it."
    ]
    assert fake.saves == [("sales-invoice", ["S-1"]), ("sales-receipt", ["S-1-CASH"])]
    assert [(a["number"], a["accurate_total"], a["pos_total"]) for a in row.answered] == [
        ("S-1", "10000", "10000"),
        ("S-1-CASH", "11000", "10000"),
    ]


@pytest.mark.parametrize(
    ("module", "payload", "label"),
    [
        ("sales-return", {"detailItem": [{"quantity": "1", "unitPrice": "5000"}]}, "sales return"),
        ("other-deposit", {"detailAccount": [{"amount": "5000"}]}, "other deposit"),
    ],
)
def test_a_return_or_a_deposit_with_another_total_is_flagged(module, payload, label):
    fake = FakeAccurate({"D-1": D("-0.50")})
    planned = Planned(module, "bulk-save", "D-1", {"number": "D-1", **payload}, 1, D("5000"))

    [row] = run(fake, sale("D-1", planned))

    assert row.differences == [
        f"Accurate's total Rp 4.999,50 differs from the POS total Rp 5.000 by Rp 0,50: {label} D-1. "
        "Correct it in Accurate, then sync it again to check it."
    ]


def test_an_invoice_is_corrected_once_and_its_receipt_goes_after():
    fake = FakeAccurate({"S-2": D("1100")})

    [row] = run(fake, sale("S-2", invoice("S-2", "10000"), receipt("S-2-CASH", "10000")))

    assert (row.outcome, row.differences) == ("success", [])
    assert row.notes == [
        "Accurate's total of sales invoice S-2 was Rp 11.100, not the POS total Rp 10.000: sent again "
        "with -Rp 1.100 on its rounding line, it now matches."
    ]
    assert fake.saves == [
        ("sales-invoice", ["S-2"]),
        ("sales-invoice", ["S-2"]),
        ("sales-receipt", ["S-2-CASH"]),
    ]
    correction = row.sent[1]["payload"]
    assert (correction["id"], correction["detailExpense"]) == (
        1000,
        [{"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": D("-1100")}],
    )


def test_a_correction_accurate_ignores_lands_with_both_totals():
    fake = FakeAccurate({"S-3": D("1100")}, ignores_expenses=True)

    [row] = run(fake, sale("S-3", invoice("S-3", "10000"), receipt("S-3-CASH", "10000")))

    assert (row.outcome, row.notes) == ("success", [])
    assert row.differences == [
        "Accurate's total Rp 11.100 differs from the POS total Rp 10.000 by Rp 1.100: sales invoice S-3, "
        "even after it was sent again with the difference on its rounding line. Check the tax settings "
        "of its items in Accurate, then sync it again."
    ]
    assert [s[0] for s in fake.saves] == ["sales-invoice", "sales-invoice", "sales-receipt"]  # once


def test_a_correction_accurate_refuses_lands_with_both_totals_and_its_words():
    refusal = AccurateError(ErrorKind.validation, ["Akun dengan No 6102 tidak ditemukan"])
    fake = FakeAccurate({"S-4": D("200")}, refuse_updates=refusal)

    [row] = run(fake, sale("S-4", invoice("S-4", "10000")))

    assert row.outcome == "success"
    assert row.differences == [
        "Accurate's total Rp 10.200 differs from the POS total Rp 10.000 by Rp 200: sales invoice S-4. "
        "Accurate refused it sent again with the difference on its rounding line: Akun dengan No 6102 "
        "tidak ditemukan"
    ]


def test_a_correction_without_an_answer_is_tried_again_at_the_next_try():
    fake = FakeAccurate({"S-5": D("200")}, refuse_updates=AccurateError(ErrorKind.unclear))

    [row] = run(fake, sale("S-5", invoice("S-5", "10000"), receipt("S-5-CASH", "10000")))

    assert (row.outcome, row.lookup, row.differences) == ("retry", True, [])
    assert [s[0] for s in fake.saves] == ["sales-invoice", "sales-invoice"]  # the receipt waits


def test_an_invoice_without_a_rounding_account_is_flagged_not_corrected():
    fake = FakeAccurate({"S-6": D("200")})

    [row] = run(fake, sale("S-6", invoice("S-6", "10000", rounding_account="")))

    assert row.differences == [
        "Accurate's total Rp 10.200 differs from the POS total Rp 10.000 by Rp 200: sales invoice S-6. "
        "Set the rounding difference account in Apps → Accurate → Outlet mapping, then sync it again to "
        "correct it."
    ]
    assert fake.saves == [("sales-invoice", ["S-6"])]


def test_totals_missing_from_the_answers_are_read_with_one_list_per_module_and_100_numbers():
    fake = FakeAccurate(answers_totals=False)
    plans = [sale(f"S-{n}", invoice(f"S-{n}", "1000")) for n in range(150)]

    rows = run(fake, *plans)

    assert {(t.outcome, tuple(t.differences)) for t in rows} == {("success", ())}
    assert [(module, len(numbers)) for module, numbers in fake.lists] == [
        ("sales-invoice", 100),
        ("sales-invoice", 50),
    ]


def test_a_total_that_cannot_be_read_is_checked_again_at_the_next_try():
    fake = FakeAccurate(answers_totals=False)
    fake.list = lambda module, fields, filters: iter(())  # type: ignore[method-assign]

    [row] = run(fake, sale("S-7", invoice("S-7", "1000")))

    assert (row.outcome, row.message) == (
        "retry",
        "Could not read Accurate's total of sales invoice S-7; it is checked again at the next try.",
    )
