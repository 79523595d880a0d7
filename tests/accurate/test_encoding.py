import datetime as dt
from decimal import Decimal

import pytest

from accurate.encoding import Filter, bulk_body, filter_params, flatten, scalar


def test_it_flattens_a_document_with_lines_into_indexed_keys():
    record = {
        "number": "JKT01-ORD-0001",
        "transDate": dt.date(2026, 11, 5),
        "taxable": True,
        "inclusiveTax": False,
        "detailItem": [
            {"itemNo": "SKU-1", "quantity": Decimal("2"), "unitPrice": Decimal("10000.00")},
            {"itemNo": "SKU-2", "quantity": 1, "unitPrice": Decimal("12345.678901")},
        ],
    }

    assert flatten(record) == [
        ("number", "JKT01-ORD-0001"),
        ("transDate", "05/11/2026"),
        ("taxable", "true"),
        ("inclusiveTax", "false"),
        ("detailItem[0].itemNo", "SKU-1"),
        ("detailItem[0].quantity", "2"),
        ("detailItem[0].unitPrice", "10000.00"),
        ("detailItem[1].itemNo", "SKU-2"),
        ("detailItem[1].quantity", "1"),
        ("detailItem[1].unitPrice", "12345.678901"),
    ]


def test_it_prefixes_every_record_of_a_bulk_body_with_its_index():
    records = [{"number": f"N{i}", "detailItem": [{"itemNo": "A", "quantity": i}]} for i in range(4)]

    pairs = bulk_body(records)

    assert ("data[3].detailItem[0].quantity", "3") in pairs
    assert pairs[:3] == [
        ("data[0].number", "N0"),
        ("data[0].detailItem[0].itemNo", "A"),
        ("data[0].detailItem[0].quantity", "0"),
    ]
    assert len(pairs) == 12


def test_it_keeps_nested_objects_as_dotted_keys_and_leaves_out_none():
    assert flatten({"customer": {"no": "C1", "name": None}, "note": None}) == [("customer.no", "C1")]


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (Decimal("12345.678901"), "12345.678901"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0.50"), "-0.50"),
        (Decimal("99999999999999.999999"), "99999999999999.999999"),
        (Decimal("1.50000000"), "1.500000"),
    ],
)
def test_it_sends_decimals_exactly(value, sent):
    assert scalar(value) == sent


def test_it_refuses_what_would_lose_money_or_be_ambiguous():
    with pytest.raises(ValueError, match="more than 6 decimals"):
        scalar(Decimal("0.1234567"))
    with pytest.raises(ValueError, match="finite"):
        scalar(Decimal("NaN"))
    with pytest.raises(TypeError, match="Decimal"):
        scalar(0.1)
    with pytest.raises(TypeError, match="date"):
        scalar(dt.datetime(2026, 11, 5, 10, 0))


def test_it_encodes_filters_as_op_and_indexed_values():
    filters = {
        "number": "JKT01-ORD-0001",
        "transDate": Filter.between(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    }

    assert filter_params(filters) == [
        ("filter.number.op", "EQUAL"),
        ("filter.number.val[0]", "JKT01-ORD-0001"),
        ("filter.transDate.op", "BETWEEN"),
        ("filter.transDate.val[0]", "01/11/2026"),
        ("filter.transDate.val[1]", "30/11/2026"),
    ]
