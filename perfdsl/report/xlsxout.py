"""Excel: a 汇总 sheet with one row per record, and a 评分表 sheet for each of the first `sheets` records.

The 汇总 row holds the record's position, name, each scorecard's total and
grade, the error of a record that could not be scored, and the warnings of
figures that look like a slip.  A 评分表 sheet is
the official layout of seed 001 (see `scoresheet.Layout`): a title, the
record's 单位 and 年度, its totals and grades; per scorecard the table with a
column block per level, every group merged down its leaves, 调整前分值,
评分标准, 得分 and 扣分原因/依据, its 合计 and grade rule; then 评价结论,
存在问题, 改进建议 and the 评价人 / 复核人 / 日期 lines.  Both sheets print
on A4 landscape, one page wide, the header rows repeated on every page and
``第 N 页 共 M 页`` at the foot.

Scores are numbers in the General format, so they show as the documents
print them (7, 6.4, 5.14), written as their exact decimal text: openpyxl
itself would print a Decimal through a float (``89.04000000000001``).
The workbook is written by `xlsxbook` as the XML text openpyxl's write-only
mode would write, without importing openpyxl; the 汇总 sheet streams (memory
stays flat for a batch of any size), a 评分表 is laid out whole (row heights
and merged ranges) and goes into the file as soon as it is written.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache

from ..decimals import plain
from ..errors import RecordError
from ..neutralise import spreadsheet, visible
from ..source import display_width
from ..textwidth import width as text_width
from . import scoresheet
from .summary import Summary
from .xlsxbook import Alignment, Book, Font, Page, Sheet, fill, held_inline, merged_cells, row_text, thin_box

SUMMARY_SHEET = "汇总"
#: Characters Excel does not allow in a sheet name, and its length limit.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31
#: The fonts every Chinese Windows, Excel and WPS have (LibreOffice substitutes a CJK font of its own).
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
_SIZE = 9  # points, body text
_LINE = 12  # points a wrapped line of 9-point text takes in a row
_PAD = 6  # points above and below the text of a row, together
#: A column of width w (Excel's units, 7 pixels each) holds about 1.16 w display columns (a CJK character
#: is two, 12 pixels at 9 points) of 9-point text; a little less, so that Excel's, WPS's and LibreOffice's
#: line breaking (no line may start with ，。；) fit in the height set.
_FILL = 1.08
PAGE_FOOTER = "第 &P 页 共 &N 页"
_FOOTER = ("C", 9, PAGE_FOOTER)


def text(value) -> str:
    """The one door for data text (names, basis, criteria, notes) into a cell: never a formula, control
    characters shown (`neutralise.spreadsheet`)."""
    return spreadsheet(str(value))


def write(handle, results, model, scorecards=None, sheets: int = 100):
    book = Book(handle)
    try:
        _write(book, results, model, scorecards, sheets)
        book.close()
    except BaseException:  # a failure leaves no zip half-open behind: `files.atomic_output` removes the file
        book.abandon()
        raise


def _write(book: Book, results, model, scorecards, sheets):
    styles = _Styles(book)
    summary = Summary(model, scorecards)
    layout = scoresheet.Layout(model, scorecards)
    index = _summary_sheet(book, summary, model)
    index.row([styles.cell(value, "head") for value in summary.header()])
    names = {SUMMARY_SHEET}
    written = 0
    key = _key(scorecards)
    holes = {}  # a hole of a worker's template (`_Held`) → its style's id, and "r" → the 汇总 row's number
    name_column = summary.kinds().index("name")
    for position, item in results:
        target = None
        failed = isinstance(item, RecordError)
        if not failed and written < sheets:
            target = _sheet_name(item.name, position, names)
            written += 1
        held = None if failed else item.rendered.get(key)
        if held is not None and (target is None or held[2] is not None):  # laid out where it was scored
            row, used, sheet = held
            _fill(holes, used, styles, "link" if target is not None else None)
            index.rows += 1
            holes["r"] = str(index.rows)
            link = None
            if target is not None:
                quoted = target.replace("'", "''")
                link = (name_column, f"'{quoted}'!A1", text(item.name))
            index.row_text(row % holes, link)
            if target is not None:
                title_rows, header, body, used = sheet
                _fill(holes, used, styles)
                book.written(target, Page(title_rows, header, _FOOTER), (body % holes).encode("utf-8"))
            continue
        index.row(*_summary_cells(styles, summary, summary.row(position, item), target))
        if target is not None:
            _record_sheet(book, target, styles, layout, model, item)
    index.finish()


def _fill(holes: dict, used, styles, name_font=None):
    """Give the styles a template uses (`_Held`: in the order its cells first ask for them) their ids, as
    cells written here would have, in `holes`; the hole ``name`` is the 汇总 name's style, a link or not."""
    for hole in used:
        if hole == "name":
            holes[hole] = styles.style("text", name_font)
        elif hole not in holes:
            style, _, font = hole.partition(".")
            holes[hole] = styles.style(style, font or None)


def _key(scorecards) -> tuple:
    return ("xlsx", frozenset(scorecards) if scorecards is not None else None)


def preparer(model, scorecards=None):
    """`prepare(position, result)` for `parallel.scored`: the record's 汇总 row and, when its basis was built
    (it is one of the first `sheets` records: `cli._evaluate`), its 评分表 sheet, laid out and written where it
    is scored as templates whose holes are the style ids and the row number, which only the writer knows
    (ids are given in the order cells first use them, `xlsxbook.Styles`)."""
    summary = Summary(model, scorecards)
    layout = scoresheet.Layout(model, scorecards)
    key = _key(scorecards)

    def prepare(position, result):
        held = _Held()
        row = held.summary_row(summary, summary.row(position, result))
        used = held.used_by()
        sheet = held.record_sheet(layout, model, result) if result.materialised else None
        result.rendered[key] = (row, used, sheet)

    return prepare


class _Held:
    """`_Styles` for a worker: a style is a hole named by it (``%(text.link)s``), and a sheet or row is a
    template (`xlsxbook.held_inline`: its text's ``%`` doubled) that `_write` fills with the ids."""

    def __init__(self):
        self.used: dict = {}  # the holes asked for since `used_by`, in the order of first use

    def cell(self, value, style: str = "plain", font: str | None = None) -> tuple:
        if isinstance(value, str):
            value = text(value)
        return (value, self.style(style, font))

    def style(self, style: str, font: str | None = None) -> str:
        hole = f"{style}.{font}" if font else style
        if hole not in self.used:
            self.used[hole] = None
        return f"%({hole})s"

    def used_by(self) -> tuple:
        """The holes asked for since the last call, in order (and none since)."""
        used = tuple(self.used)
        self.used = {}
        return used

    def summary_row(self, summary: Summary, row: list) -> str:
        """A 汇总 row's template: its number is the hole ``r``, its name's style ``name`` (a link or not)."""
        cells, height, _ = _summary_cells(self, summary, row, None, name="name")
        return row_text(cells, "%(r)s", height, held_inline)

    def record_sheet(self, layout, model, result) -> tuple:
        """A 评分表's (print title rows, header, template of the part, holes it uses)."""
        self.used_by()
        sheet, page = _record_sheet(None, None, self, layout, model, result)
        return page.title_rows, page.header, sheet.text(), self.used_by()


class _Styles:
    """The cell styles of the workbook by name (fonts, borders, alignment, fill), each id found once."""

    def __init__(self, book: Book):
        box = thin_box("000000")
        body = Font(BODY_FONT, _SIZE)
        bold = Font(BODY_FONT, _SIZE, bold=True)
        centre = Alignment("center", "center", wrap=True)
        left = Alignment("left", "center", wrap=True)
        top = Alignment("left", "top", wrap=True)
        grey = fill("F2F2F2")
        self.link = Font(BODY_FONT, _SIZE, color="0563C1", underline="single")
        self.error = Font(BODY_FONT, _SIZE, color="C00000")
        self.warning = Font(BODY_FONT, _SIZE, color="C65911")
        self.styles = {  # name → (font, border, alignment, fill)
            "title": (Font(TITLE_FONT, 16, bold=True), None, Alignment("center", "center"), None),
            "info": (Font(BODY_FONT, 11), None, Alignment("left", "center"), None),
            "heading": (Font(BODY_FONT, 11, bold=True), None, Alignment("left", "center"), None),
            "head": (bold, box, centre, grey),
            "group": (bold, box, centre, None),
            "leaf": (body, box, left, None),
            "number": (body, box, centre, None),
            "text": (body, box, left, None),
            "total": (bold, box, centre, grey),
            "total_text": (bold, box, left, grey),
            "label": (bold, box, centre, None),
            "long": (body, box, top, None),
            "sign": (Font(BODY_FONT, 11), None, Alignment("left", "bottom"), None),
            "plain": (body, None, None, None),
        }
        self._book = book
        self._ids: dict = {}

    def cell(self, value, style: str = "plain", font: str | None = None) -> tuple:
        """(value, style id) for `xlsxbook.Sheet.row`: a Decimal is written as a number in its exact text, a
        str as text made inert (`text`; never a formula, even when it starts with =). `font` names one of
        this object's fonts (``link``) in place of the style's own."""
        if isinstance(value, str):
            value = text(value)
        return (value, self.style(style, font))

    def style(self, style: str, font: str | None = None) -> str:
        """The `` s="N"`` of a named style, found once.  A workbook's cells ask for styles in the order they
        are written, so each style's id is the one openpyxl would give it at its first cell."""
        key = (style, font)
        found = self._ids.get(key)
        if found is None:
            style_font, border, alignment, fill_ = self.styles[style]
            found = self._ids[key] = self._book.styles.id(getattr(self, font) if font else style_font,
                                                         border, alignment, fill_)
        return found


def _header_text(value: str) -> str:
    """Text for a page header: ``&`` starts a code there, so it is doubled."""
    return text(value).replace("&", "&&")


# ── 汇总 ────────────────────────────────────────────────────────────────────


def _summary_sheet(book: Book, summary: Summary, model):
    """The 汇总 sheet: widths, the frozen header row and print setup (they precede the first row)."""
    widths = _summary_widths(summary)
    page = Page("1:1", ("C", 10, _header_text(f"{model.title} · 汇总")), _FOOTER)
    return book.sheet(SUMMARY_SHEET, widths, "C2", page, streamed=True)


@lru_cache(maxsize=16)  # per run: a row asks for them
def _summary_widths(summary: Summary) -> list[int]:
    defaults = {"position": 6, "name": 34, "grade": 8, "error": 60, "warning": 60}
    return [max(defaults.get(kind, 10), display_width(heading) + 2)
            for kind, heading in zip(summary.kinds(), summary.header())]


def _summary_height(summary: Summary, row: list) -> float | None:
    """The height of a 汇总 row whose name, error or warnings wrap (None: one line, the sheet's default)."""
    height = max(_height(value, width) for value, width in zip(row, _summary_widths(summary)))
    return height if height > _LINE + _PAD else None


def _summary_cells(styles: _Styles, summary: Summary, row: list, target: str | None, name: str | None = None):
    """The cells of a 汇总 row, its height, and the hyperlink of its name to the record's 评分表 sheet.
    `name`: the hole of the name's style (`_Held.summary_row`; the writer knows whether it links)."""
    cells = []
    link = None
    for kind, value in zip(summary.kinds(), row):
        if kind in ("score", "position", "grade"):
            cells.append(styles.cell(value, "number"))
        elif kind == "name" and name is not None:
            styles.used[name] = None
            cells.append((text(value), f"%({name})s"))
        elif kind == "name" and target is not None:
            quoted = target.replace("'", "''")
            link = (len(cells), f"'{quoted}'!A1", text(value))
            cells.append(styles.cell(value, "text", font="link"))
        elif kind == "error" and value:
            cells.append(styles.cell(value, "text", font="error"))
        elif kind == "warning" and value:
            cells.append(styles.cell(value, "text", font="warning"))
        else:
            cells.append(styles.cell(value, "text"))
    return cells, _summary_height(summary, row), link


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


# ── 评分表 ──────────────────────────────────────────────────────────────────


class _Grid:
    """A sheet laid out before it is written: rows of (value, style) cells, their heights, merged ranges."""

    def __init__(self, widths: list[int]):
        self.widths = widths
        self.rows: list[list[tuple]] = []
        self.heights: list[float] = []
        self.merges: list[tuple[int, int, int, int]] = []  # 0-based first row, first column, last row, last column

    @property
    def width(self) -> int:
        return len(self.widths)

    def add(self, cells: list[tuple], height: float | None = None) -> int:
        """Append a row of (value, style) cells (None for an empty one); returns its 0-based number."""
        self.rows.append(cells + [None] * (self.width - len(cells)))
        self.heights.append(height)
        return len(self.rows) - 1

    def merge(self, row: int, first: int, last: int, last_row: int | None = None):
        last_row = row if last_row is None else last_row
        if last > first or last_row > row:
            self.merges.append((row, first, last_row, last))

    def fit_heights(self, minimum: float = _LINE + _PAD):
        """Each row tall enough for its wrapped text; a range merged down spreads what it needs over its rows."""
        covered, across, down = _spans(tuple(self.merges), tuple(self.widths))
        for number, cells in enumerate(self.rows):
            if self.heights[number] is None:
                self.heights[number] = max([minimum] + [
                    _height(cell[0], across.get((number, column), self.widths[column]))
                    for column, cell in enumerate(cells) if cell is not None and (number, column) not in covered])
        for row, first, last_row, last in down:
            cell = self.rows[row][first]
            need = _height(cell[0], sum(self.widths[first:last + 1])) if cell is not None else 0
            have = sum(self.heights[row:last_row + 1])
            if need > have:
                self.heights[last_row] += need - have

    def emit(self, sheet, styles: _Styles):
        """Write the sheet's rows and tail into the book."""
        cell = styles.cell
        for cells, height in zip(self.rows, self.heights):
            sheet.row([None if c is None else cell(*c) for c in cells], None if height is None else round(height, 1))
        sheet.finish(merged_cells(tuple((row + 1, first + 1, last_row + 1, last + 1)
                                        for row, first, last_row, last in self.merges)))


@lru_cache(maxsize=256)
def _spans(merges: tuple, widths: tuple):
    """(the cells inside a merged range other than its first, each one-row range's first cell → its width, the
    ranges merged down): the same for every 评分表 of a ruleset whose lists have the same lengths, so kept."""
    covered = set()
    across = {}
    down = []
    for row, first, last_row, last in merges:
        covered |= {(r, c) for r in range(row, last_row + 1) for c in range(first, last + 1)} - {(row, first)}
        if last_row == row:
            across[(row, first)] = sum(widths[first:last + 1])
        else:
            down.append((row, first, last_row, last))
            covered.add((row, first))
    return frozenset(covered), across, tuple(down)


def _height(value, width: float) -> float:
    """The points a cell of `width` needs for `value` wrapped at 9 points."""
    if value is None:
        return 0
    return _text_height(plain(value) if isinstance(value, Decimal) else str(value), width)


@lru_cache(maxsize=4096)
def _text_height(shown: str, width: float) -> float:
    """`_height` of a text: names, criteria and figures recur on every sheet (kept here); a basis line seldom."""
    capacity = max(width * _FILL, 2)
    lines = sum(max(1, math.ceil(text_width(part) / capacity)) for part in shown.split("\n"))
    return lines * _LINE + _PAD


def _record_sheet(book: Book, name: str, styles: _Styles, layout: scoresheet.Layout, model, result):
    """The 评分表 of one record, laid out in a `_Grid`, then written with its print setup."""
    grid = _Grid([column.width for column in layout.columns])
    last = grid.width - 1
    cards = [card for card in result.scorecards if any(card.name == spec.name for spec in layout.cards)]
    specs = {spec.name: spec for spec in layout.cards}

    grid.merge(grid.add([(scoresheet.sheet_title(model), "title")], 30), 0, last)
    facts = "　　".join(f"{label}：{value}" for label, value in scoresheet.identity(model, result))
    grid.merge(grid.add([(facts, "info")], 20), 0, last)
    grid.merge(grid.add([(scoresheet.totals_text(result, cards), "info")], 20), 0, last)

    first, second = layout.header_rows()
    top = grid.add([None] * grid.width, 20)
    below = grid.add([None] * grid.width, 20)
    for heading, start, end in first:
        grid.rows[top][start] = (heading, "head")
        for column in range(start + 1, end + 1):
            grid.rows[top][column] = ("", "head")
        if start == end:  # a lone column: its name stands over both header rows
            grid.rows[below][start] = ("", "head")
            grid.merge(top, start, end, below)
        else:
            grid.merge(top, start, end)
    for column, heading in second:
        grid.rows[below][column] = (heading, "head")
    header_rows = f"{top + 1}:{below + 1}"

    for number, card in enumerate(cards):
        grid.merge(grid.add([(scoresheet.card_heading(number, card), "heading")], 20), 0, last)
        _card_lines(grid, layout, card)
        _total_lines(grid, layout, card, specs[card.name])
    _closing(grid, result)
    grid.fit_heights()

    page = Page(header_rows, ("L", 9, _header_text(f"{model.title} · {result.name}")), _FOOTER)
    if book is None:  # a template (`_Held`)
        sheet = Sheet(None, 0, name, grid.widths, f"A{below + 2}", page)
        grid.emit(sheet, styles)
        return sheet, page
    grid.emit(book.sheet(name, grid.widths, f"A{below + 2}", page), styles)


def _card_lines(grid: _Grid, layout: scoresheet.Layout, card):
    """The table lines of one scorecard: values by column, groups merged down, a short leaf's name across."""
    block = scoresheet.lines(card)
    rows = []
    for line in block:
        values = layout.line_cells(line)
        cells = []
        for column, value in zip(layout.columns, values):
            if column.kind == "name":
                style = "group" if column.level < line.level else "leaf"
            elif column.numeric:
                style = "number"
            else:
                style = "text"
            cells.append((value if value is not None else "", style))
        rows.append(grid.add(cells))
        if line.leaf is not None:
            names = layout.leaf_name_columns(line)
            grid.merge(rows[-1], names.start, names.stop - 1)
            for column in names[1:]:
                grid.rows[rows[-1]][column] = ("", "leaf")
    for level in range(layout.levels - 1):
        for offset, count in enumerate(scoresheet.spans(block, level)):
            if count:
                for column in layout.level_columns(level):
                    grid.merge(rows[offset], column, column, rows[offset + count - 1])


def _total_lines(grid: _Grid, layout: scoresheet.Layout, card, spec):
    """合计: the scorecard's maximum and total, and its grade with the grade rule."""
    names_end = layout.index("name", layout.levels - 1)
    weight = layout.index("weight", layout.levels - 1)
    score = layout.index("score")
    for line in scoresheet.adjustment_rows(card):  # scorecard rules (封顶、扣分、一票否决): a row each, above 合计
        row = [("", "total_text")] * grid.width
        row[0] = (line.name, "total_text")
        row[score] = (line.delta, "total")
        row[score + 1] = (line.basis, "total_text")
        number = grid.add(row)
        grid.merge(number, 0, weight)
        if score - weight > 1:
            grid.merge(number, weight + 1, score - 1)
        grid.merge(number, score + 1, grid.width - 1)
    row = [("", "total")] * grid.width
    row[0] = ("合计", "total")
    row[weight] = (card.max, "total")
    row[score] = (card.score, "total")
    row[score + 1] = (scoresheet.grade_line(card, spec), "total_text")
    number = grid.add(row)
    grid.merge(number, 0, names_end)
    if score - weight > 1:
        grid.merge(number, weight + 1, score - 1)
    grid.merge(number, score + 1, grid.width - 1)


def _closing(grid: _Grid, result):
    """评价结论 / 存在问题 / 改进建议 (the record's text, or room to write it), then the signature line."""
    label_end = 1
    for field, value in scoresheet.closing(result):
        row = [("", "long")] * grid.width
        row[0] = (field, "label")
        row[1] = ("", "label")
        row[label_end + 1] = (value, "long")
        number = grid.add(row, None if value else 2 * _LINE + _PAD)
        grid.merge(number, 0, label_end)
        grid.merge(number, label_end + 1, grid.width - 1)
    signed = "　　　　".join(f"{field}：{value}" for field, value in scoresheet.signatures(result))
    grid.merge(grid.add([(signed, "sign")], 30), 0, grid.width - 1)
