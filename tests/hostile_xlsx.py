"""Hostile XLSX workbooks, built by hand (zipfile and XML), for the importer's tests and
``benchmarks/hostile_xlsx.py``.

Each is a valid workbook that openpyxl opens; what makes it hostile is the work it asks
for, not its size: a declared dimension of 20 million rows, one row numbered 20 million,
95 MB of empty cells packed into half a megabyte, a cell in the last column (XFD), more
rows than the importer takes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable

HEADINGS = ("Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{overrides}</Types>"
)
SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="Uczestnicy" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_row(number: int, values: Iterable[str], *, first_column: int = 1) -> str:
    cells = "".join(
        f'<c r="{_column(first_column + index)}{number}" t="inlineStr"><is><t>'
        f"{_escape(value)}</t></is></c>"
        for index, value in enumerate(values)
        if value
    )
    return f'<row r="{number}">{cells}</row>'


def workbook(
    sheet_data: Iterable[bytes | str],
    *,
    dimension: str | None = "A1:F2",
    worksheet: str = f'<worksheet xmlns="{MAIN}">',
    parts: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook of one sheet whose ``<sheetData>`` holds the given XML, written to the
    archive piece by piece (so 95 MB of cells never sit in memory at once); ``parts`` are
    added as they are (a shared-strings table, styles)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        strings = "xl/sharedStrings.xml" in (parts or {})
        overrides = SHARED_STRINGS_TYPE if strings else ""
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(overrides=overrides))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?>\n{worksheet}'.encode())
            if dimension is not None:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for piece in sheet_data:
                sheet.write(piece.encode() if isinstance(piece, str) else piece)
            closing = worksheet[1:].split(None, 1)[0].rstrip(">")
            sheet.write(f"</sheetData></{closing}>".encode())
    return buffer.getvalue()


def _heading_and_one_person() -> list[str]:
    return [text_row(1, HEADINGS), text_row(2, ("Anna Nowak", "", "", "", "", "1"))]


def declared_dimension() -> bytes:
    """(a) A tiny list whose ``<dimension>`` says it runs to row 20,000,000."""
    return workbook(_heading_and_one_person(), dimension="A1:F20000000")


def far_row() -> bytes:
    """(b) Headings, then the only data row numbered 20,000,000; no ``<dimension>``, so
    openpyxl's reader yields the 19,999,998 empty rows in between."""
    return workbook([text_row(1, HEADINGS), text_row(20_000_000, ("Anna Nowak",))], dimension=None)


def empty_cells(megabytes: int = 95) -> bytes:
    """(c) A sheet that unpacks to ``megabytes`` MB of empty ``<c/>`` cells (about 0.5 MB
    packed for 95 MB), in rows of 16,384 cells without ``r`` attributes."""
    row = b"<row>" + b"<c/>" * 16_384 + b"</row>"
    count = megabytes * 1024 * 1024 // len(row)
    return workbook([text_row(1, HEADINGS), *([row] * count)], dimension=None)


def far_column(dimension: str | None = None) -> bytes:
    """(d) Headings and people, each row with a cell in XFD, the last column (16,384)."""
    rows = [text_row(1, (*HEADINGS, "x"))]
    rows[0] = rows[0].replace('r="G1"', 'r="XFD1"')
    for number in range(2, 1002):
        rows.append(
            text_row(number, (f"Osoba {number}",))[: -len("</row>")]
            + f'<c r="XFD{number}" t="inlineStr"><is><t>x</t></is></c></row>'
        )
    return workbook(rows, dimension=dimension)


def too_many_rows(count: int = 10_001, dimension: str | None = None) -> bytes:
    """(e) ``count`` people: one more than the importer takes."""
    rows = (text_row(number, (f"Osoba {number}",)) for number in range(2, count + 2))
    return workbook([text_row(1, HEADINGS), *rows], dimension=dimension)


def _heading_and_one_person_workbook(parts: dict[str, bytes]) -> bytes:
    return workbook(_heading_and_one_person(), parts=parts)


def shared_strings(count: int = 100_001) -> bytes:
    """A shared-strings table of ``count`` strings (openpyxl builds an object for each)."""
    strings = f'<sst xmlns="{MAIN}">' + "<si><t>x</t></si>" * count + "</sst>"
    return _heading_and_one_person_workbook({"xl/sharedStrings.xml": strings.encode()})


def styles(count: int = 50_001) -> bytes:
    """A stylesheet of ``count`` cell formats (Excel itself stops at 64,000)."""
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * count
    sheet = f'<styleSheet xmlns="{MAIN}"><cellXfs>{xfs}</cellXfs></styleSheet>'
    return _heading_and_one_person_workbook({"xl/styles.xml": sheet.encode()})


KINDS: dict[str, Callable[[], bytes]] = {
    "declared dimension A1:F20000000": declared_dimension,
    "one row numbered 20,000,000": far_row,
    "95 MB of empty cells": empty_cells,
    "a cell in column XFD (16,384)": far_column,
    "10,001 rows": too_many_rows,
    "19 MB of empty cells (under 20 MB)": lambda: empty_cells(megabytes=19),
    "100,001 shared strings": shared_strings,
    "50,001 cell styles": styles,
}
