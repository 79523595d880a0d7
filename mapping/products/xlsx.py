"""A streaming .xlsx writer for one sheet of text and numbers: the Export Product file.

openpyxl's write-only mode keeps memory flat but builds a cell object and an lxml element for every
value: 100,000 products took about 9 s of the export's 15 s budget there. The sheet of an import file
needs none of that (no styles, no formulas, no widths), so the rows are written here as XML text
straight into the zip entry, a few thousand rows at a time. The package has exactly the parts Excel
and openpyxl require (content types, relationships, workbook, styles, one worksheet); tests read the
file back with openpyxl.

Text goes as inline strings: never a formula (a product named "=Promo" stays text) and no shared
string table to hold in memory. Numbers go as their exact decimal digits.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape, quoteattr

Value = str | Decimal | None

# Characters XML 1.0 cannot hold (the C0 controls but tab, newline and carriage return).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ROWS_PER_WRITE = 2000

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>\
</Relationships>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets></workbook>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
</Relationships>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"""
SHEET_END = "</sheetData></worksheet>"


def column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def clean_text(value: str) -> str:
    """Text as a sheet can hold it: without the control characters XML cannot carry."""
    return ILLEGAL_CHARACTERS.sub("", value)


def cell_xml(ref: str, value: Value) -> str:
    if value is None or value == "":
        return ""  # no cell at all: Excel reads it as empty, and the file is smaller
    if isinstance(value, Decimal):
        return f'<c r="{ref}" t="n"><v>{value.normalize():f}</v></c>'  # 3.000 as 3, 1E+2 as 100
    # xml:space keeps leading or trailing spaces a product name may have.
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(clean_text(value))}</t></is></c>'


class SheetWriter:
    """Writes an .xlsx of one sheet into `file`, row by row. Use as a context manager: leaving it
    finishes the sheet and the package (or, on an error, just closes the zip)."""

    def __init__(self, file: IO[bytes], sheet_name: str, *, columns: int = 26) -> None:
        self._zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._zip.writestr("[Content_Types].xml", CONTENT_TYPES)
        self._zip.writestr("_rels/.rels", PACKAGE_RELS)
        self._zip.writestr("xl/workbook.xml", WORKBOOK.format(name=quoteattr(sheet_name)))
        self._zip.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        self._zip.writestr("xl/styles.xml", STYLES)
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._sheet.write(SHEET_START.encode())
        self._letters = column_letters(columns)
        self._pending: list[str] = []
        self.rows = 0

    def append(self, values: Sequence[Value]) -> None:
        if len(values) > len(self._letters):
            raise ValueError(f"A row of {len(values)} values; this sheet has {len(self._letters)} columns.")
        self.rows += 1
        row = self.rows
        letters = self._letters[: len(values)]
        pairs = zip(letters, values, strict=True)
        cells = "".join(cell_xml(f"{letter}{row}", value) for letter, value in pairs)
        self._pending.append(f'<row r="{row}">{cells}</row>')
        if len(self._pending) >= ROWS_PER_WRITE:
            self._flush()

    def _flush(self) -> None:
        self._sheet.write("".join(self._pending).encode())
        self._pending.clear()

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self._flush()
            self._sheet.write(SHEET_END.encode())
        self._sheet.close()
        self._zip.close()
