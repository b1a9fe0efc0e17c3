"""The rows of an openpyxl write-only sheet, written as their XML text: openpyxl's own bytes, no Cell per value.

openpyxl makes a `WriteOnlyCell`, an ElementTree element and a serialiser
pass of every cell — about 20 µs a cell, most of an xlsx file's time (a
评分表 sheet has some 470 cells).  `Rows` writes the same ``<row>`` and
``<c>`` elements as text straight into the sheet's stream, through the
protocol of `WriteOnlyWorksheet._write_rows` (the sheet's ``_rows``
generator, which `close` ends), so openpyxl still writes the sheet's head
and tail (widths, merged ranges, hyperlinks, print setup) and the workbook.

A cell is (value, style array): a Decimal is a number written as its exact
text, a str is text (never a formula: ``t="inlineStr"``), an int a number,
None an empty cell.  What openpyxl checks of a text is checked alike (cut
to 32,767 characters; a control character Excel forbids is an error) — the
writers have made every text inert before (`neutralise.spreadsheet`).
Style ids are taken from the workbook on first use, in cell order, as
openpyxl does, so styles.xml is the same too.  Where the stream is not
openpyxl's standard-library one (lxml installed), `Rows` appends cells the
ordinary way.
"""

from __future__ import annotations

import io
import time
import zipfile
from copy import copy
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from ..decimals import plain

_MAX_TEXT = 32767  # characters of a cell (openpyxl cuts a longer text there)
#: Column letters by 0-based column, asked for every cell (`Rows.append` adds more for a wider row).
_LETTERS = [get_column_letter(number) for number in range(1, 257)]


def _escape(text: str) -> str:
    """ElementTree's escaping of element text (`xml.etree.ElementTree._escape_cdata`)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _checked(text: str) -> str:
    text = text[:_MAX_TEXT]
    if ILLEGAL_CHARACTERS_RE.search(text) is not None:
        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
    return text


def style_id(sheet, array) -> str:
    """A cell's ` s="N"` for a style array (nothing for no style): the index openpyxl's `Cell.style_id` adds it at
    in the workbook's list of cell styles — the same for every cell of the same array."""
    return f' s="{sheet.parent._cell_styles.add(copy(array))}"' if any(array) else ""


class Rows:
    """Appends rows of (value, style array) cells — None for a cell left out — to a write-only `sheet`."""

    def __init__(self, sheet, merged=(), memory: bool = False):
        """`merged`: the sheet's merged ranges, (first row, first column, last row, last column) from 1, in the
        order they would be given to `MultiCellRange.add`; `memory`: the sheet's XML is kept in memory, not in a
        temporary file, until the workbook is saved (`ExcelWriter`)."""
        from openpyxl import LXML

        self.sheet = sheet
        self.number = 0
        self._fast = not LXML and sheet._rows is None and sheet._writer is None
        if not self._fast:
            _merge(sheet, merged)
            return
        from openpyxl.worksheet._writer import WorksheetWriter

        sheet._writer = WorksheetWriter(sheet, out=io.BytesIO() if memory else None)  # `_get_writer`
        sheet._writer.write_top()
        self._merged = _merged_text(merged)
        sheet._rows = self._stream()
        next(sheet._rows)

    def size(self) -> int:
        """The bytes of the sheet written so far, if they are kept in memory (else 0)."""
        out = self.sheet._writer.out if self.sheet._writer is not None else None
        return out.tell() if isinstance(out, io.BytesIO) else 0

    def _stream(self):
        """`WriteOnlyWorksheet._write_rows`, for rows that come as their XML text."""
        writer = self.sheet._writer
        xf = writer.xf.send(True)
        write = xf._file  # et_xmlfile's writer of text as it is
        with xf.element("sheetData"):
            try:
                while True:
                    write((yield))
            except GeneratorExit:
                pass
        # what `WorksheetWriter.write_tail` writes first of a sheet without protection, scenarios or filter
        write(self._merged)
        writer.xf.send(None)

    def append(self, cells, height: float | None = None, links=None):
        """One row of (value, style array, `style_id` of it) cells, None for one left out; `height` in points
        (None: as its text needs); `links` maps a 0-based column to the `Hyperlink` of its cell."""
        self.number += 1
        dims = self.sheet.row_dimensions.get(self.number)  # what someone set before: openpyxl writes it
        if height is not None and (dims is not None or not self._fast):
            self.sheet.row_dimensions[self.number].height = height
            dims = self.sheet.row_dimensions[self.number]
        if not self._fast:
            self.sheet.append([None if cell is None else _cell(self.sheet, *cell[:2], (links or {}).get(column))
                               for column, cell in enumerate(cells)])
            return
        row = str(self.number)
        while len(cells) > len(_LETTERS):
            _LETTERS.append(get_column_letter(len(_LETTERS) + 1))
        parts = [f'<row r="{row}"']
        if dims is not None:
            parts += [f' {key}="{value}"' for key, value in dims]
        elif height is not None:  # what a `RowDimension` with only a height writes, without making one
            parts.append(f' ht="{"%.16g" % height}" customHeight="1"')
        parts.append(">")
        for column, cell in enumerate(cells):
            if cell is None:
                continue
            value, _, style = cell
            coordinate = _LETTERS[column] + row
            if links is not None and column in links:
                link = links[column]
                link.ref = coordinate
                self.sheet._hyperlinks.append(link)
            if isinstance(value, str):
                value = _checked(value)
                if not value:
                    parts.append(f'<c r="{coordinate}"{style} t="inlineStr" />')
                    continue
                stripped = value.strip()
                space = ' xml:space="preserve"' if stripped and stripped != value else ""
                parts.append(f'<c r="{coordinate}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
            elif isinstance(value, Decimal):
                parts.append(f'<c r="{coordinate}"{style} t="n"><v>{_escape(_checked(plain(value)))}</v></c>')
            elif value is None:
                if style:
                    parts.append(f'<c r="{coordinate}"{style} t="n" />')
            elif isinstance(value, bool):
                parts.append(f'<c r="{coordinate}"{style} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int):
                parts.append(f'<c r="{coordinate}"{style} t="n"><v>{"%.16g" % value}</v></c>')
            else:
                raise ValueError(f"Cannot convert {value!r} to Excel")
        parts.append("</row>")
        self.sheet._rows.send("".join(parts))


def _cell(sheet, value, array, link=None):
    """openpyxl's own cell for (value, style array): the path where the stream is lxml's."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, plain(value))
        cell.data_type = "n"
    elif isinstance(value, str):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(sheet, value)
    cell._style = copy(array)
    if link is not None:
        cell.hyperlink = link
    return cell


def _merge(sheet, merged):
    """The merged ranges as openpyxl keeps them (where `Rows` cannot write them itself)."""
    from openpyxl.worksheet.cell_range import CellRange

    for first_row, first, last_row, last in merged:
        sheet.merged_cells.add(CellRange(min_col=first, min_row=first_row, max_col=last, max_row=last_row))


def _kept(merged) -> list[tuple[int, int, int, int]]:
    """The ranges `MultiCellRange.add` keeps: one inside a range kept already adds nothing (found through the
    ranges that hold its first cell)."""
    kept = []
    holding: dict[tuple[int, int], list] = {}  # a cell → the kept ranges it is in
    for first_row, first, last_row, last in merged:
        if any(last_row <= lr and last <= la for lr, la in holding.get((first_row, first), ())):
            continue
        kept.append((first_row, first, last_row, last))
        for row in range(first_row, last_row + 1):
            for column in range(first, last + 1):
                holding.setdefault((row, column), []).append((last_row, last))
    return kept


def _merged_text(merged) -> str:
    """``<mergeCells>`` as `WorksheetWriter.write_merged_cells` writes them: in the order of openpyxl's set of
    `CellRange`s, whose hash is that of the same 4-tuple — a set of the tuples, filled alike, iterates alike."""
    kept = set(_kept(merged))
    if not kept:
        return ""
    refs = "".join(f'<mergeCell ref="{_LETTERS[first - 1]}{first_row}:{_LETTERS[last - 1]}{last_row}" />'
                   for first_row, first, last_row, last in kept)
    return f'<mergeCells count="{len(kept)}">{refs}</mergeCells>'


def excel_writer():
    """openpyxl's `ExcelWriter`, writing a sheet kept in memory (`Rows(memory=True)`) as it would its file."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.writer.excel import ExcelWriter

    class Writer(ExcelWriter):
        def write_worksheet(self, ws):
            writer = ws._writer
            if not (self.workbook.write_only and writer is not None and isinstance(writer.out, io.BytesIO)):
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            if not ws.closed:
                ws.close()
            ws._rels = writer._rels
            data = writer.out.getvalue()
            # `ZipFile.write` of the temporary file: its time, and its mode (0600, a regular file)
            info = zipfile.ZipInfo(ws.path[1:], date_time=time.localtime()[:6])
            info.external_attr = 0o100600 << 16
            info.compress_type = self._archive.compression
            info._compresslevel = self._archive.compresslevel
            info.file_size = len(data)
            with self._archive.open(info, "w") as target:
                target.write(data)
            self.manifest.append(ws)
            writer.out = None  # what `cleanup` does for a file: the memory is given back

    return Writer
