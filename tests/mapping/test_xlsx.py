from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from mapping.products.xlsx import SheetWriter, column_letters


def written(rows, *, columns=3, name="Barang dan Jasa"):
    file = BytesIO()
    with SheetWriter(file, name, columns=columns) as sheet:
        for row in rows:
            sheet.append(row)
    return load_workbook(BytesIO(file.getvalue()))


def test_text_numbers_and_gaps_read_back_as_written():
    book = written(
        [["Kode", "Nama", "Harga"], ["A&B <1>", None, Decimal("1500.50")], ["", "  Teh  ", Decimal("2E+3")]]
    )

    assert book.sheetnames == ["Barang dan Jasa"]
    assert [tuple(row) for row in book.active.iter_rows(values_only=True)] == [
        ("Kode", "Nama", "Harga"),
        ("A&B <1>", None, 1500.5),
        (None, "  Teh  ", 2000),
    ]


def test_text_that_looks_like_a_formula_stays_text_and_control_characters_go():
    book = written([["=SUM(A1)", "Kopi\x00\x1f Susu\tDingin"]])

    cell = book.active["A1"]
    assert (cell.value, cell.data_type) == ("=SUM(A1)", "s")
    assert book.active["B1"].value == "Kopi Susu\tDingin"


def test_a_sheet_name_with_markup_characters_is_kept():
    assert written([["x"]], name='Stok "A" & <B>').sheetnames == ['Stok "A" & <B>']


def test_a_row_wider_than_the_sheet_is_refused():
    with pytest.raises(ValueError, match=r"A row of 4 values; this sheet has 3 columns\."):
        written([["a", "b", "c", "d"]])


def test_columns_are_lettered_as_excel_does():
    assert column_letters(28)[:3] + column_letters(28)[-3:] == ["A", "B", "C", "Z", "AA", "AB"]
