"""`report/xlsxrows.Rows` writes a sheet's rows as text: the same bytes as openpyxl's own cells would write.

The reference is the way xlsxout wrote cells before: a `WriteOnlyCell` per
value (a Decimal as its exact text typed as a number, a str typed as text),
its style array copied in, heights on `row_dimensions`, merged ranges through
`merged_cells.add` — every part of the workbook but its creation time must be
the same, through the text path, through the path for an lxml stream, and
with the sheet kept in memory.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from copy import copy
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.hyperlink import Hyperlink

from perfdsl.decimals import plain
from perfdsl.files import save_workbook
from perfdsl.report import xlsxout, xlsxrows

VALUES = ["", " lead", "trail ", "  ", "\u3000全角空格", "a&b<c>\"'", "=1+1", "#N/A", Decimal("89.04"),
          Decimal("-0.5"), Decimal("1E+3"), 7, None, True, "x" * 40000, "中文\n两行", "普通"]
STYLES = ["plain", "text", "number", "head", "long", "total"]
#: (first row, first column, last row, last column) from 1: a range inside another, and a repeat, add nothing.
MERGES = [(1, 1, 1, 4), (2, 1, 4, 1), (3, 1, 3, 1), (1, 2, 1, 3), (5, 2, 6, 3), (5, 2, 6, 3), (2, 2, 2, 6)]
HEIGHTS = [30.0, None, 20.5, 12.3, None, 18.0, None]


def _rows(styles, sheet):
    """Rows of (value, style array) cells, None for a cell left out, with a link on the first row's second."""
    out = []
    for number in range(len(HEIGHTS)):
        cells = []
        for column, value in enumerate(VALUES):
            if (number + column) % 5 == 4:
                cells.append(None)
                continue
            style = STYLES[(number + column) % len(STYLES)]
            cells.append((value, *styles.style(sheet, style, "link" if column == 1 else None)))
        links = {1: Hyperlink(ref="", location="'甲'!A1", display="甲")} if number == 0 else None
        out.append((cells, HEIGHTS[number], links))
    return out


def _reference(sheet, styles):
    from openpyxl.worksheet.cell_range import CellRange

    for first_row, first, last_row, last in MERGES:
        sheet.merged_cells.add(CellRange(min_col=first, min_row=first_row, max_col=last, max_row=last_row))
    rows = _rows(styles, sheet)
    for number, (_, height, _) in enumerate(rows, start=1):
        if height is not None:
            sheet.row_dimensions[number].height = height
    for cells, _, links in rows:
        written = []
        for column, cell in enumerate(cells):
            if cell is None:
                written.append(None)
                continue
            value, array, _ = cell
            if isinstance(value, Decimal):
                made = WriteOnlyCell(sheet, plain(value))
                made.data_type = "n"
            elif isinstance(value, str):
                made = WriteOnlyCell(sheet, value)
                made.data_type = "s"
            else:
                made = WriteOnlyCell(sheet, value)
            made._style = copy(array)
            if links and column in links:
                made.hyperlink = links[column]
            written.append(made)
        sheet.append(written)


def _with_rows(sheet, styles, memory=False):
    rows = xlsxrows.Rows(sheet, MERGES, memory)
    for cells, height, links in _rows(styles, sheet):
        rows.append(cells, height, links)
    return rows


def _parts(write, **save) -> dict:
    book = Workbook(write_only=True)
    styles = xlsxout._Styles()
    write(book.create_sheet("评分表"), styles)
    handle = io.BytesIO()
    save_workbook(book, handle, **save)
    with zipfile.ZipFile(handle) as archive:
        return {info.filename: (archive.read(info), info.external_attr, info.compress_type)
                for info in archive.infolist() if info.filename != "docProps/core.xml"}


def test_rows_as_text_are_the_bytes_openpyxl_writes():
    reference = _parts(_reference)
    sheet = reference["xl/worksheets/sheet1.xml"][0]
    assert b'xml:space="preserve"> lead</t>' in sheet and b"<v>89.04</v>" in sheet and b'ht="20.5"' in sheet
    assert sheet.count(b"<mergeCell ") == 4  # the ranges inside another and the repeat added nothing
    assert _parts(_with_rows) == reference
    kept = _parts(lambda sheet, styles: _with_rows(sheet, styles, memory=True), writer=xlsxrows.excel_writer())
    assert kept == reference  # in memory until saved: the same entry, its mode as the temporary file's


def test_where_the_stream_is_lxml_cells_go_the_ordinary_way(monkeypatch):
    reference = _parts(_reference)
    monkeypatch.setattr(openpyxl, "LXML", True)
    assert _parts(_with_rows) == reference


def test_a_control_character_is_refused_as_openpyxl_refuses_it():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    styles = xlsxout._Styles()
    rows = xlsxrows.Rows(sheet)
    with pytest.raises(IllegalCharacterError):
        rows.append([("a\x0bb", *styles.style(sheet, "text"))])
    for stream in (sheet._rows, sheet._writer.xf):  # as xlsxout.write closes them when a write fails
        with contextlib.suppress(Exception):
            stream.close()
    assert xlsxout.text("a\x0bb") == "a\\x0bb"  # what the writers give it: the character shown, never raw
