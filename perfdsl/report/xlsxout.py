"""Excel: a 汇总 sheet with one row per record, and a 评分表 sheet for each of the first `sheets` records.

The 汇总 row holds the record's position, name, each scorecard's total and
grade, and the error of a record that could not be scored.  A 评分表 sheet is
the official layout: 一级/二级/三级指标, 权重 (and the weight before
reallocation where it changed), 得分, 依据, one block per scorecard with its
合计.  Scores are numbers, shown with the ruleset's precision.

openpyxl's write-only mode streams rows to disk, so a batch of any size
keeps memory flat.  Numbers are written as their exact decimal text: openpyxl
itself would print a Decimal through a float (``89.04000000000001``).
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal

from ..decimals import plain
from ..errors import RecordError
from ..files import save_workbook
from ..neutralise import spreadsheet, visible
from ..source import display_width
from . import scoresheet
from .summary import Summary

SUMMARY_SHEET = "汇总"
#: Characters Excel does not allow in a sheet name, and its length limit.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31


def write(handle, results, model, scorecards=None, sheets: int = 100):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    try:
        _write(book, handle, results, model, scorecards, sheets)
    except BaseException:
        # openpyxl writes each sheet from a generator; left open, it complains with a traceback when
        # collected.  Close them quietly: the error itself is reported by the caller.
        for sheet in book.worksheets:
            writer = getattr(sheet, "_writer", None)
            for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
                if stream is not None:
                    with contextlib.suppress(Exception):
                        stream.close()
        raise


def _write(book, handle, results, model, scorecards, sheets):
    styles = _Styles(model.precision)
    summary = Summary(model, scorecards)
    index = book.create_sheet(SUMMARY_SHEET)
    _summary_layout(index, summary)
    index.append([styles.header(index, text) for text in summary.header()])
    names = {SUMMARY_SHEET}
    written = 0
    for position, item in results:
        target = None
        if not isinstance(item, RecordError) and written < sheets:
            target = _sheet_name(item.name, position, names)
            written += 1
        index.append(_summary_cells(index, styles, summary, summary.row(position, item), target))
        if target is not None:
            _record_sheet(book.create_sheet(target), styles, model, item, scorecards)
    save_workbook(book, handle)


class _Styles:
    """The few cell styles of the workbook, made once."""

    def __init__(self, precision: int):
        from openpyxl.styles import Alignment, Font, PatternFill

        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=13)
        self.link = Font(color="0563C1", underline="single")
        self.error = Font(color="C00000")
        self.fill = PatternFill("solid", fgColor="DDEBF7")
        self.group = PatternFill("solid", fgColor="F2F2F2")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.centre = Alignment(horizontal="center", vertical="center")
        self.score_format = scoresheet.score_format(precision)

    def cell(self, sheet, value, font=None, fill=None, alignment=None, number_format=None):
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, Decimal):
            cell = WriteOnlyCell(sheet, plain(value))
            cell.data_type = "n"  # the exact decimal text goes into the file as a number
            cell.number_format = number_format or "General"
        elif isinstance(value, str):
            cell = WriteOnlyCell(sheet, spreadsheet(value))  # data and ruleset text: never a formula (neutralise)
            cell.data_type = "s"
        else:
            cell = WriteOnlyCell(sheet, value)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        return cell

    def header(self, sheet, text):
        return self.cell(sheet, text, font=self.bold, fill=self.fill, alignment=self.centre)

    def score(self, sheet, value, font=None, fill=None):
        return self.cell(sheet, value, font=font, fill=fill, number_format=self.score_format)


def _summary_layout(sheet, summary: Summary):
    """Widths and the frozen header row; in write-only mode they must precede the first row."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "C2"
    widths = {"position": 6, "name": 34, "grade": 8, "error": 80}
    for number, (kind, text) in enumerate(zip(summary.kinds(), summary.header()), start=1):
        width = widths.get(kind, 10)
        sheet.column_dimensions[get_column_letter(number)].width = max(width, display_width(text) + 2)


def _summary_cells(sheet, styles: _Styles, summary: Summary, row: list, target: str | None):
    from openpyxl.worksheet.hyperlink import Hyperlink

    cells = []
    for kind, value in zip(summary.kinds(), row):
        if kind == "score":
            cells.append(styles.score(sheet, value))
        elif kind == "name" and target is not None:
            cell = styles.cell(sheet, value, font=styles.link)
            quoted = target.replace("'", "''")
            cell.hyperlink = Hyperlink(ref="", location=f"'{quoted}'!A1", display=spreadsheet(str(value)))
            cells.append(cell)
        elif kind == "error" and value:
            cells.append(styles.cell(sheet, value, font=styles.error))
        else:
            cells.append(styles.cell(sheet, value))
    return cells


def _sheet_name(name, position, taken: set) -> str:
    """A valid, unique sheet name for a record: its name cleaned and cut to 31 characters."""
    base = _NOT_IN_SHEET_NAMES.sub("_", visible(str(name))).strip("'").strip() or f"记录{position}"
    candidate = base[:_SHEET_NAME_LENGTH]
    number = 1
    while candidate.casefold() in taken:  # Excel compares sheet names without case
        number += 1
        suffix = f"({number})"
        candidate = base[: _SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _record_sheet(sheet, styles: _Styles, model, result, scorecards):
    """The 评分表 of one record: every scorecard in one block under one frozen header row."""
    from openpyxl.utils import get_column_letter

    cards = [card for card in model.scorecards if scorecards is None or card.name in scorecards]
    levels = max(scoresheet.depth(card) for card in cards)
    headers = scoresheet.level_headers(levels) + ["权重", "调整前权重", "得分", "依据"]
    for level in range(levels):
        names = [node.name for card in cards for node in card.nodes if len(node.path) == level + 1]
        width = max((display_width(name) for name in names), default=8) + 2
        sheet.column_dimensions[get_column_letter(level + 1)].width = min(max(width, 10), 30)
    for offset, width in enumerate((8, 11, 9, 90)):
        sheet.column_dimensions[get_column_letter(levels + offset + 1)].width = width
    sheet.freeze_panes = "A3"

    sheet.append([styles.cell(sheet, f"{model.title} · {result.name}", font=styles.title)])
    sheet.append([styles.header(sheet, text) for text in headers])
    for card in result.scorecards:
        if scorecards is not None and card.name not in scorecards:
            continue
        sheet.append([styles.cell(sheet, scoresheet.title(card), font=styles.bold)])
        for row in scoresheet.rows(card):
            font = None if row.is_leaf else styles.bold
            fill = None if row.is_leaf else styles.group
            names = [styles.cell(sheet, None, fill=fill) for _ in range(levels)]
            names[row.level] = styles.cell(sheet, row.name, font=font, fill=fill, alignment=styles.wrap)
            declared = row.declared if row.reallocated else None
            sheet.append(names + [
                styles.cell(sheet, row.weight, font=font, fill=fill),
                styles.cell(sheet, declared, fill=fill),
                styles.score(sheet, row.score, font=font, fill=fill),
                styles.cell(sheet, row.basis or None, fill=fill, alignment=styles.wrap),
            ])
        sheet.append([styles.cell(sheet, "合计", font=styles.bold), *[None] * (levels - 1),
                      styles.cell(sheet, card.max, font=styles.bold), None,
                      styles.score(sheet, card.score, font=styles.bold),
                      styles.cell(sheet, scoresheet.grade_text(card) or None, font=styles.bold)])
        sheet.append([])
