"""`report/xlsxbook` writes a workbook as its XML text: every part the bytes openpyxl writes for the same content.

The reference is openpyxl's write-only mode, as xlsxout used it before: a
`WriteOnlyCell` per value (a Decimal as its exact text typed as a number, a
str typed as text), the style's font, border, alignment and fill assigned to
it, heights on `row_dimensions`, merged ranges through `merged_cells.add`,
frozen panes, print titles, setup, header and footer on the sheet — every part
of the workbook but docProps (which name the writer and the time) must be the
same, a 汇总-like sheet streamed (spilled to a temporary file too) and sheets
written whole.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from perfdsl.decimals import plain
from perfdsl.report import xlsxbook, xlsxout

VALUES = ["", " lead", "trail ", "  ", "\u3000全角空格", "a&b<c>\"'", "=1+1", "#N/A", Decimal("89.04"),
          Decimal("-0.5"), Decimal("1E+3"), 7, None, True, "x" * 40000, "中文\n两行", "普通"]
#: (style name, font name or None) of xlsxout's styles, in the order cells use them.
STYLES = [("plain", None), ("text", None), ("number", None), ("head", None), ("long", None), ("total", None),
          ("title", None), ("text", "link"), ("text", "error"), ("sign", None), ("text", "warning")]
#: (first row, first column, last row, last column) from 1: a range inside another, and a repeat, add nothing.
MERGES = [(1, 1, 1, 4), (2, 1, 4, 1), (3, 1, 3, 1), (1, 2, 1, 3), (5, 2, 6, 3), (5, 2, 6, 3), (2, 2, 2, 6)]
HEIGHTS = [30.0, None, 20.5, 12.3, None, 18.0, None]
#: (name, widths, frozen at, print title rows, header (position, size, text), rows streamed)
SHEETS = [("汇总", [6, 34, 10, 14.5], "C2", "1:1", ("C", 10, "标题 · 汇总 &&[Page] a\tb"), True),
          ("甲'单位", [12, 5.5, 5.5, 10], "A6", "4:5", ("L", 9, "标题 · 甲&&乙 <x>"), False),
          ("列", [8], "B1", None, ("R", 9, "右"), False)]


def _cells(sheet_number):
    """Rows of (value, style key) cells, None for a cell left out, with a link on the first row's second."""
    out = []
    for number in range(len(HEIGHTS)):
        cells = []
        for column, value in enumerate(VALUES):
            if (number + column + sheet_number) % 5 == 4:
                cells.append(None)
                continue
            cells.append((value, STYLES[(number + column + sheet_number) % len(STYLES)]))
        link = (1, "'甲''单位'!A1", "甲 & \"乙\"") if number == 0 else None
        out.append((cells, HEIGHTS[number], link))
    return out


def _openpyxl_style(styles: xlsxout._Styles, key):
    """xlsxout's named style as openpyxl's objects, from the same description."""
    name, font = key
    font_spec = {"link": dict(color="0563C1", underline="single"), "error": dict(color="C00000"),
                 "warning": dict(color="C65911")}.get(font, {})
    base = {"title": dict(name="黑体", size=16, bold=True), "info": dict(name="宋体", size=11),
            "heading": dict(name="宋体", size=11, bold=True), "sign": dict(name="宋体", size=11),
            "head": dict(name="宋体", size=9, bold=True), "group": dict(name="宋体", size=9, bold=True),
            "total": dict(name="宋体", size=9, bold=True), "total_text": dict(name="宋体", size=9, bold=True),
            "label": dict(name="宋体", size=9, bold=True)}.get(name, dict(name="宋体", size=9))
    thin = Side(style="thin", color="000000")
    box = name not in ("title", "info", "heading", "sign", "plain")
    alignment = {"title": ("center", "center", False), "info": ("left", "center", False),
                 "heading": ("left", "center", False), "sign": ("left", "bottom", False),
                 "head": ("center", "center", True), "group": ("center", "center", True),
                 "number": ("center", "center", True), "total": ("center", "center", True),
                 "label": ("center", "center", True), "long": ("left", "top", True)}.get(
        name, None if name == "plain" else ("left", "center", True))
    grey = name in ("head", "total", "total_text")
    return (Font(charset=134, **{**base, **font_spec}),
            Border(left=thin, right=thin, top=thin, bottom=thin) if box else None,
            Alignment(horizontal=alignment[0], vertical=alignment[1], wrap_text=alignment[2] or None)
            if alignment else None,
            PatternFill("solid", fgColor="F2F2F2") if grey else None)


def _reference() -> dict:
    book = Workbook(write_only=True)
    styles = xlsxout._Styles(xlsxbook.Book(io.BytesIO()))
    for sheet_number, (name, widths, frozen, titles, header, _) in enumerate(SHEETS):
        sheet = book.create_sheet(name)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
        sheet.freeze_panes = frozen
        sheet.page_setup.paperSize = "9"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.55, bottom=0.55, header=0.25, footer=0.25)
        sheet.print_options.horizontalCentered = True
        if titles:
            sheet.print_title_rows = titles
        sheet.oddFooter.center.text = xlsxout.PAGE_FOOTER
        sheet.oddFooter.center.size = 9
        part = {"L": sheet.oddHeader.left, "C": sheet.oddHeader.center, "R": sheet.oddHeader.right}[header[0]]
        part.text, part.size = header[2], header[1]
        for first_row, first, last_row, last in MERGES:
            sheet.merged_cells.add(CellRange(min_col=first, min_row=first_row, max_col=last, max_row=last_row))
        rows = _cells(sheet_number)
        for number, (_, height, _) in enumerate(rows, start=1):
            if height is not None:
                sheet.row_dimensions[number].height = height
        for cells, _, link in rows:
            written = []
            for column, cell in enumerate(cells):
                if cell is None:
                    written.append(None)
                    continue
                value, key = cell
                value = value[:32767] if isinstance(value, str) else value
                made = WriteOnlyCell(sheet, plain(value) if isinstance(value, Decimal) else value)
                if isinstance(value, Decimal):
                    made.data_type = "n"
                elif isinstance(value, str):
                    made.data_type = "s"
                font, border, alignment, fill = _openpyxl_style(styles, key)
                made.font = font
                if border is not None:
                    made.border = border
                if alignment is not None:
                    made.alignment = alignment
                if fill is not None:
                    made.fill = fill
                if link is not None and column == link[0]:
                    made.hyperlink = Hyperlink(ref="", location=link[1], display=link[2])
                written.append(made)
            sheet.append(written)
    handle = io.BytesIO()
    book.save(handle)
    return _parts(handle)


def _ours(spill=None) -> dict:
    handle = io.BytesIO()
    book = xlsxbook.Book(handle)
    styles = xlsxout._Styles(book)
    streamed = []
    for sheet_number, (name, widths, frozen, titles, header, stream) in enumerate(SHEETS):
        sheet = book.sheet(name, widths, frozen, xlsxbook.Page(titles, header, ("C", 9, xlsxout.PAGE_FOOTER)),
                           streamed=stream)
        for cells, height, link in _cells(sheet_number):
            sheet.row([None if cell is None else (cell[0], styles.style(*cell[1])) for cell in cells], height, link)
        merged = xlsxbook.merged_cells(tuple(MERGES))
        if stream:
            streamed.append((sheet, merged))
        else:
            sheet.finish(merged)
    for sheet, merged in streamed:  # the 汇总 sheet is finished last, after the sheets written whole
        if spill is not None:
            spill(sheet)
        sheet.finish(merged)
    book.close()
    return _parts(handle)


def _parts(handle) -> dict:
    with zipfile.ZipFile(handle) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()
                if not info.filename.startswith("docProps/")}


def test_every_part_is_the_bytes_openpyxl_writes():
    reference = _reference()
    sheet = reference["xl/worksheets/sheet1.xml"]
    assert b'xml:space="preserve"> lead</t>' in sheet and b"<v>89.04</v>" in sheet and b'ht="20.5"' in sheet
    assert sheet.count(b"<mergeCell ") == 4  # the ranges inside another and the repeat added nothing
    assert b'<pane xSplit="2" ySplit="1" topLeftCell="C2"' in sheet and b"&amp;C&amp;10 " in sheet
    assert b"_x0009_" in sheet  # a tab in a header, as openpyxl escapes it
    ours = _ours()
    assert sorted(ours) == sorted(reference)
    for name in reference:
        assert ours[name] == reference[name], name


def test_a_streamed_sheet_spilled_to_a_temporary_file_is_the_same(monkeypatch):
    reference = _reference()
    monkeypatch.setattr(xlsxbook, "SPILL", 10)
    spilled = []
    assert _ours(spill=lambda sheet: spilled.append(sheet._flush() or type(sheet._spill).__name__)) == reference
    assert spilled and spilled[0] != "BytesIO"


def test_a_control_character_is_refused_as_openpyxl_refuses_it():
    book = xlsxbook.Book(io.BytesIO())
    sheet = book.sheet("x", [8], None, xlsxbook.Page(None))
    with pytest.raises(xlsxbook.IllegalCharacterError):
        sheet.row([("a\x0bb", "")])
    book.abandon()
    assert xlsxout.text("a\x0bb") == "a\\x0bb"  # what the writers give it: the character shown, never raw


def test_a_formula_from_a_record_is_text_in_its_cell():
    handle = io.BytesIO()
    book = xlsxbook.Book(handle)
    styles = xlsxout._Styles(book)
    sheet = book.sheet("x", [8], None, xlsxbook.Page(None))
    sheet.row([styles.cell("=HYPERLINK(\"http://x\")", "text"), styles.cell(Decimal("5.14"), "number")])
    sheet.finish()
    book.close()
    cells = list(openpyxl.load_workbook(handle).active.iter_rows(values_only=True))
    assert cells == [("'=HYPERLINK(\"http://x\")", 5.14)]
