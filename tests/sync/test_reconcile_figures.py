"""The comparison alone (no database, no Accurate): document by document, and each side's figures."""

from __future__ import annotations

from decimal import Decimal as D

from sync.reconcile.figures import Doc, Figures, compare, quantity_gaps

INVOICE, RECEIPT, TRANSFER, ADJUSTMENT = "sales-invoice", "sales-receipt", "item-transfer", "item-adjustment"


def sale(number: str, amount: str, **extra: object) -> Doc:
    return Doc(INVOICE, number, "sale", amount=D(amount), **extra)  # type: ignore[arg-type]


def receipt(number: str, method: str, amount: str) -> Doc:
    return Doc(RECEIPT, number, "receipt", method=method, amount=D(amount))


def test_the_same_documents_on_both_sides_match_with_the_same_figures():
    docs = [sale("JKT01-1", "41800"), receipt("JKT01-1-CASH", "cash", "41800")]

    outcome = compare(docs, docs)

    assert (outcome.differences, outcome.accurate_only) == ([], [])
    assert outcome.pos.as_json() == outcome.accurate.as_json()
    assert outcome.pos.as_json()["receipts"] == {"cash": {"count": 1, "total": "41800.00"}}


def test_amounts_are_compared_at_the_pos_cent_not_at_accurates_six_decimals():
    pos = [Doc("sales-return", "JKT01-R-1", "return", amount=D("3086.42"))]
    found = [Doc("sales-return", "JKT01-R-1", "return", amount=D("3086.4175"))]

    assert compare(pos, found).differences == []
    assert [
        d.kind
        for d in compare(pos, [Doc("sales-return", "JKT01-R-1", "return", amount=D("3086.43"))]).differences
    ] == ["amount_differs"]


def test_each_side_missing_a_document_is_told_apart_with_its_links():
    pos = [sale("JKT01-1", "100", pos_number="1", activity_id=7), sale("JKT01-2", "200", pos_number="2")]
    found = [sale("JKT01-2", "200", accurate_id=52), sale("JKT01-3", "300", accurate_id=53, activity_id=9)]

    outcome = compare(pos, found)

    assert [
        (d.kind, d.number, d.pos_number, d.activity_id, d.accurate_id, d.pos_amount, d.accurate_amount)
        for d in outcome.differences
    ] == [
        ("missing_in_accurate", "JKT01-1", "1", 7, None, D("100"), None),
        ("missing_at_pos", "JKT01-3", "", 9, 53, None, D("300")),
    ]
    assert (outcome.pos.sales.total, outcome.accurate.sales.total) == (D("300"), D("500"))


def test_quantities_differ_item_by_item_and_zero_moves_are_no_difference():
    pos = [
        Doc(TRANSFER, "JKT01-T-1-OUT", "transfer_out", quantities={"A": D("5"), "B": D("2.5"), "C": D("0")})
    ]
    found = [Doc(TRANSFER, "JKT01-T-1-OUT", "transfer_out", quantities={"A": D("5.000"), "B": D("2")})]

    [difference] = compare(pos, found).differences

    assert (difference.kind, difference.quantities) == ("quantity_differs", {"B": ["2.5", "2"]})
    assert quantity_gaps({"A": D("1")}, {}) == {"A": ["1", "0"]}


def test_a_stock_take_is_compared_by_presence_only():
    take = Doc(ADJUSTMENT, "JKT01-ST-1-ST", "stock_take")
    found = Doc(ADJUSTMENT, "JKT01-ST-1-ST", "stock_take", accurate_id=3)

    outcome = compare([take], [found])

    assert outcome.differences == []
    assert (outcome.pos.stock_takes, outcome.accurate.stock_takes) == (1, 1)
    assert [d.kind for d in compare([take], []).differences] == ["missing_in_accurate"]


def test_adjustments_net_per_item_across_documents_and_round_trip_through_json():
    docs = [
        Doc(ADJUSTMENT, "A-1", "adjustment", quantities={"A": D("-2"), "B": D("3")}),
        Doc(ADJUSTMENT, "A-2", "adjustment", quantities={"A": D("2")}),
    ]

    figures = compare(docs, docs).pos

    assert figures.adjustments == {"B": D("3")}
    assert Figures.of_json(figures.as_json()).as_json() == figures.as_json()


def test_documents_in_accurate_only_are_listed_apart_and_left_out_of_the_figures():
    only = Doc("other-deposit", "JKT01-KAS-9", "deposit", amount=D("1000"), accurate_id=4)

    outcome = compare([], [], [only])

    assert outcome.differences == []
    assert [(d.kind, d.number, d.accurate_amount) for d in outcome.accurate_only] == [
        ("accurate_only", "JKT01-KAS-9", D("1000"))
    ]
    assert outcome.accurate.deposits.count == 0
