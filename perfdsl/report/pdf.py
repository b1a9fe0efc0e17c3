"""PDF: the 评分表 of every record, as the Excel sheet and the printed page lay it out, with its fonts embedded.

reportlab draws it (pure Python with wheels for Windows, macOS and Linux, no
system libraries; see the README for why not WeasyPrint).  Each department
starts on a new A4 landscape page: the title, its 单位 and 年度, totals and
grades; per scorecard the table in the official layout (`scoresheet.Layout`)
— a long table continues on the next page under its repeated header rows,
a group cut by the page break carrying its name again, marked （续）—; then
评价结论, 存在问题, 改进建议 and the 评价人 / 复核人 / 日期 line, kept together.
Every page says ``第 N 页 共 M 页``, counted within its department, and whose
评分表 it is.

A Chinese TrueType font is found on the machine (`fonts`) and a subset of it
embedded, so the file reads the same everywhere and its text can be
searched and copied.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _paragraph

from ..decimals import plain
from ..errors import RecordError
from ..neutralise import visible  # control characters and lone surrogates shown, never fatal
from ..textwidth import NO_LINE_START
from . import fonts as font_files
from . import scoresheet
from .summary import WARNINGS_HEADING, warning_lines

# reportlab's CJK wrap keeps off a line's start only what its own list names (ASCII ,.;:?! and 、。」 …), not the
# Chinese ，；：！？”’… — a cell could begin a line with ”健全… .  Its two wraps (one text, several fonts) read
# that list from their modules, so the characters the terminal table keeps off a line's start
# (`textwidth.NO_LINE_START`) are added there, once: such a character then hangs at the end of the line before,
# as reportlab hangs its own.
_textsplit.ALL_CANNOT_START = _paragraph.ALL_CANNOT_START = "".join(
    sorted(set(_paragraph.ALL_CANNOT_START) | set(_textsplit.ALL_CANNOT_START) | NO_LINE_START))

_SIZE = 8  # points, table text
_LEADING = 9.6
_GREY = "#F2F2F2"
_CONTINUED = "（续）"
#: A table cell's padding in points: top, bottom, left, right.
_PADDING = (1.5, 2, 2.5, 2.5)


def text(value) -> str:
    """The one door for data text (names, basis, criteria, notes) into a paragraph: markup escaped.

    A paragraph collapses spaces, the full-width one too: that one is kept as two that do not collapse."""
    return escape(visible(str(value))).replace("\n", "<br/>").replace("\u3000", "&nbsp;&nbsp;")


def write(handle, results, model, scorecards=None):
    fonts = font_files.load()
    styles = _Styles(fonts)
    layout = scoresheet.Layout(model, scorecards)
    width, height = landscape(A4)
    margin = 9 * mm
    frame = Frame(margin, 11 * mm, width - 2 * margin, height - 20 * mm, id="sheet",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(handle, pagesize=(width, height), title=f"{model.title} · 评分表",
                          author="perfdsl", creator="perfdsl", leftMargin=margin, rightMargin=margin,
                          initialFontName=fonts.body)  # no page starts in an unembedded Helvetica
    doc.addPageTemplates([PageTemplate("sheet", frames=[frame])])
    story = []
    for position, item in results:
        if story:
            story.append(PageBreak())
        story.append(_Mark(str(item.record if isinstance(item, RecordError) else item.name), position))
        if isinstance(item, RecordError):
            story += _failed(styles, model, item)
        else:
            story += _record(styles, layout, model, item, frame.width, frame.height)
    if not story:  # an empty batch still makes a valid file
        story.append(_Mark("", 0))
    doc.build(story, canvasmaker=_canvas_class(styles, model.title))


class _Styles:
    def __init__(self, fonts):
        self.fonts = fonts
        base = ParagraphStyle("cell", fontName=fonts.body, fontSize=_SIZE, leading=_LEADING, wordWrap="CJK",
                              alignment=TA_LEFT)
        self.cell = base
        self.centre = ParagraphStyle("centre", parent=base, alignment=TA_CENTER)
        self.group = ParagraphStyle("group", parent=self.centre, fontName=fonts.heading)
        self.head = ParagraphStyle("head", parent=self.centre, fontName=fonts.heading)
        self.title = ParagraphStyle("title", parent=base, fontName=fonts.heading, fontSize=15, leading=20,
                                    alignment=TA_CENTER, spaceAfter=4)
        self.info = ParagraphStyle("info", parent=base, fontSize=9.5, leading=13)
        self.heading = ParagraphStyle("heading", parent=base, fontName=fonts.heading, fontSize=10, leading=14,
                                      spaceBefore=3, spaceAfter=2)
        self.sign = ParagraphStyle("sign", parent=base, fontSize=10, leading=14)
        self.error = ParagraphStyle("error", parent=base, fontSize=10, leading=14, textColor="#C00000")
        self.warning = ParagraphStyle("warning", parent=base, fontSize=9, leading=12, textColor="#843C0C",
                                      leftIndent=8, spaceBefore=1)

    def paras(self, values, style):
        """Several texts on one line, an em apart (a paragraph collapses spaces)."""
        return Paragraph(("&nbsp;" * 6).join(text(self.fonts.text(value)) for value in values), style)

    def para(self, value, style=None):
        if value is None:
            return ""
        shown = plain(value) if isinstance(value, Decimal) else self.fonts.text(str(value))
        cell = _Cell(text(shown), style or self.cell)
        cell.raw = shown  # for cutting a text taller than a page (`_ScoreTable._cut`)
        return cell


class _Cell(Paragraph):
    """A paragraph that remembers how it wrapped: a table is measured again for each part it splits into."""

    _memo = None

    def wrap(self, available_width, available_height):
        key = (id(self), available_width)  # the parts a split paragraph becomes are measured afresh
        if self._memo is None or self._memo[0] != key or not hasattr(self, "blPara"):
            self._memo = (key, super().wrap(available_width, available_height))
        return self._memo[1]


def _record(styles: _Styles, layout, model, result, width, page_height) -> list:
    wanted = {spec.name: spec for spec in layout.cards}
    cards = [card for card in result.scorecards if card.name in wanted]
    facts = [f"{label}：{value}" for label, value in scoresheet.identity(model, result)]
    story = [styles.para(scoresheet.sheet_title(model), styles.title), styles.paras(facts, styles.info),
             styles.para(scoresheet.totals_text(result, cards), styles.info), *_warnings(styles, result.warnings)]
    widths = _widths(layout, width)
    closing = _closing(styles, result, widths)
    for number, card in enumerate(cards):
        heading = styles.para(scoresheet.card_heading(number, card), styles.heading)
        table = _ScoreTable(styles, layout, card, wanted[card.name], widths, page_height)
        last = number == len(cards) - 1
        story.append(_Together([heading], table, closing if last else [], page_height))
    if not cards:
        story.append(KeepTogether(closing))
    return story


def _failed(styles: _Styles, model, error: RecordError) -> list:
    return [styles.para(scoresheet.sheet_title(model), styles.title),
            styles.para(f"{model.record or '记录'}：{error.record}", styles.info),
            styles.para(f"未能计分：{error.message}", styles.error), *_warnings(styles, error.warnings)]


def _warnings(styles: _Styles, warnings) -> list:
    """A record's warnings under its totals, kept together: figures that look like a slip, scored as written."""
    if not warnings:
        return []
    lines = [styles.para(WARNINGS_HEADING, styles.warning.clone("warning-heading", fontName=styles.fonts.heading,
                                                                  leftIndent=0, spaceBefore=3))]
    lines += [styles.para(f"• {line}", styles.warning) for line in warning_lines(warnings)]
    return [KeepTogether(lines)]


def _widths(layout, width) -> list[float]:
    total = sum(column.width for column in layout.columns)
    return [width * column.width / total for column in layout.columns]


class _ScoreTable(Flowable):
    """One scorecard's table as a flowable that splits between lines of its own choosing.

    reportlab cannot break a table inside a cell merged down several rows;
    this builds a `Table` of the lines that fit and carries the rest to the
    next page, under the header rows again, the cut groups' names marked （续）.
    Every cell is made (and measured) once; the parts share them.
    """

    def __init__(self, styles, layout, card, spec, widths, page_height, part=None):
        super().__init__()
        self.styles, self.layout, self.card, self.spec, self.widths = styles, layout, card, spec, widths
        self.page_height = page_height
        if part is None:
            block = scoresheet.lines(card)
            part = (block, [_line_cells(styles, layout, line) for line in block], frozenset(), True)
        # the lines, their cells, the paths of the groups begun on an earlier page, whether 合计 comes last
        self.block, self.cells, self.continued, self.total = part
        self._table = None
        self._wrapped = None

    def _built(self):
        if self._table is None:
            self._table = _table(self.styles, self.layout, self.card, self.spec, self.widths, self.block,
                                 self._rows(), self.total)
        return self._table

    def _rows(self) -> list[list]:
        """The cells of the lines; on the first, a group begun on an earlier page says （续）."""
        rows = [list(row) for row in self.cells]
        if self.continued and rows:
            line = self.block[0]
            for level, group in enumerate(line.groups):
                if group.path in self.continued:
                    label = f"{scoresheet.group_label(group)}\n{_CONTINUED}"
                    rows[0][self.layout.index("name", level)] = self.styles.para(label, self.styles.group)
        return rows

    def wrap(self, available_width, available_height):
        if self._wrapped is None or self._wrapped[0] != available_width:
            self._wrapped = (available_width, self._built().wrap(available_width, available_height))
        self.width, self.height = self._wrapped[1]
        return self._wrapped[1]

    def draw(self):
        self._table.drawOn(self.canv, 0, 0)

    def split(self, available_width, available_height):
        table = self._built()
        self.wrap(available_width, available_height)
        heights = table._rowHeights
        used = heights[0] + heights[1]
        fits = 0
        for height in heights[2 : 2 + len(self.block)]:
            if used + height > available_height:
                break
            used += height
            fits += 1
        if fits == len(self.block):  # the lines fit but 合计 does not: the last line goes over with it
            fits -= 1
        if fits <= 0:
            if available_height < self.page_height - 1:
                return []  # start on the next page
            # the first line alone is taller than a page: its text goes on in a line of its own below
            room = available_height - heights[0] - heights[1] - _PADDING[0] - _PADDING[1] - 1
            first, carried = self._cut(self.cells[0], room)
            line = self.block[0]
            return [self._part(([line], [first], self.continued, False)),
                    self._part(([line, *self.block[1:]], [carried, *self.cells[1:]],
                                frozenset(group.path for group in line.groups), self.total))]
        return list(self._parts(fits))

    def _cut(self, cells: list, room: float) -> tuple[list, list]:
        """A line's cells as what fits in `room` points and what goes on below (the leaf's name again,（续）)."""
        first, rest = list(cells), [""] * len(cells)
        for column, cell in enumerate(cells):
            if not isinstance(cell, _Cell):
                continue
            width = self._cell_width(column) - _PADDING[2] - _PADDING[3]
            if cell.wrap(width, room)[1] <= room:
                continue
            # the longest beginning of its text that fits (reportlab's own paragraph split can lose a line)
            fits, beyond = 0, len(cell.raw)
            while beyond - fits > 1:
                middle = (fits + beyond) // 2
                if self.styles.para(cell.raw[:middle], cell.style).wrap(width, room)[1] <= room:
                    fits = middle
                else:
                    beyond = middle
            first[column] = self.styles.para(cell.raw[:fits], cell.style)
            rest[column] = self.styles.para(cell.raw[fits:], cell.style)
        line = self.block[0]
        if line.leaf is not None:
            name = self.layout.index("name", line.level)
            rest[name] = self.styles.para(f"{line.leaf.name}\n{_CONTINUED}")
        return first, rest

    def _cell_width(self, column: int) -> float:
        line = self.block[0]
        if line.leaf is not None and column == self.layout.index("name", line.level):
            return sum(self.widths[i] for i in self.layout.leaf_name_columns(line))
        return self.widths[column]

    def _parts(self, fits: int):
        """This table as two: its first `fits` lines, and the rest with the groups they continue."""
        head, rest = self.block[:fits], self.block[fits:]
        carried = frozenset(group.path for group in rest[0].groups
                            if any(group.path == other.path for other in head[-1].groups))
        return (self._part((head, self.cells[:fits], self.continued, False)),
                self._part((rest, self.cells[fits:], carried, self.total)))

    def _part(self, part):
        return _ScoreTable(self.styles, self.layout, self.card, self.spec, self.widths, self.page_height, part)


class _Together(Flowable):
    """A scorecard's heading, its table and (after the last one) the closing block, never parted from it.

    A heading is not left at the foot of a page without a line of its table under it, and the closing
    block — 评价结论 … and the 评价人 / 复核人 / 日期 line that is signed — is not left alone on a page:
    when it does not fit under the table's end, the table's last lines (and 合计) go over with it.
    Like `KeepTogether`, it is always split: into its parts, once it knows where the page ends.
    """

    def __init__(self, before: list, table: _ScoreTable, after: list, page_height: float):
        super().__init__()
        self.before, self.table, self.after, self.page_height = before, table, after, page_height

    def wrap(self, available_width, available_height):
        return available_width, 0xFFFFFF  # never drawn whole: `split` hands the frame its parts

    @staticmethod
    def _height(flowables, width, height) -> float:
        """An upper bound of their height in a frame: every space before and after counted."""
        return sum(f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)

    def split(self, available_width, available_height):
        before = self._height(self.before, available_width, available_height)
        after = self._height(self.after, available_width, available_height)
        room = available_height - before
        height = self.table.wrap(available_width, room)[1]
        if height + after <= room:
            return [*self.before, self.table, *self.after]
        # the table's first part here (its last lines kept for the closing block when all of it fits)
        parts = self.table.split(available_width, room - after if height <= room else room)
        if len(parts) == 2:
            return [*self.before, parts[0], _Together([], parts[1], self.after, self.page_height)]
        if available_height < self.page_height - 1:
            return []  # start on the next page
        # taller than a page even at its top: laid out as before, the closing block kept together
        return [*self.before, self.table, *([KeepTogether(self.after)] if self.after else [])]


def _line_cells(styles: _Styles, layout, line) -> list:
    """The cells of one line: group names, numbers centred, text wrapped."""
    row = []
    for column, value in zip(layout.columns, layout.line_cells(line)):
        if column.kind == "name" and column.level < line.level:
            row.append(styles.para(value, styles.group))
        elif column.numeric:
            row.append(styles.para(value, styles.centre))
        else:
            row.append(styles.para(value))
    return row


def _table(styles: _Styles, layout, card, spec, widths, block, rows, total):
    """A reportlab `Table`: the two header rows, `block`'s lines with their groups spanning, and 合计."""
    columns = layout.columns
    first, second = layout.header_rows()
    top = [""] * len(columns)
    below = [""] * len(columns)
    commands = [("SPAN", (start, 0), (end, 0 if end > start else 1)) for _, start, end in first]
    for heading, start, _ in first:
        top[start] = styles.para(heading, styles.head)
    for column, heading in second:
        below[column] = styles.para(heading, styles.head)
    data = [top, below] + rows
    spans = [scoresheet.spans(block, level) for level in range(layout.levels - 1)]
    for number, line in enumerate(block):
        at = 2 + number
        if line.leaf is not None:
            names = layout.leaf_name_columns(line)
            if len(names) > 1:
                commands.append(("SPAN", (names.start, at), (names.stop - 1, at)))
        for level in range(layout.levels - 1):
            count = spans[level][number]
            if count and count > 1:
                for column in layout.level_columns(level):
                    commands.append(("SPAN", (column, at), (column, at + count - 1)))
    if total:
        names_end = layout.index("name", layout.levels - 1)
        weight = layout.index("weight", layout.levels - 1)
        score = layout.index("score")
        for line in scoresheet.adjustment_rows(card):  # scorecard rules (封顶、扣分、一票否决): a row each
            row = [""] * len(columns)
            row[0] = styles.para(line.name)
            row[score] = styles.para(line.change, styles.centre)
            row[score + 1] = styles.para(line.basis)
            data.append(row)
            at = len(data) - 1
            commands += [("SPAN", (0, at), (weight, at)), ("SPAN", (score + 1, at), (len(columns) - 1, at))]
            if score - weight > 1:
                commands.append(("SPAN", (weight + 1, at), (score - 1, at)))
        row = [""] * len(columns)
        row[0] = styles.para("合计", styles.group)
        row[weight] = styles.para(card.max, styles.group)
        row[score] = styles.para(card.score, styles.group)
        row[score + 1] = styles.para(scoresheet.grade_line(card, spec), styles.group.clone("total", alignment=0))
        data.append(row)
        at = len(data) - 1
        commands += [("SPAN", (0, at), (names_end, at)), ("SPAN", (score + 1, at), (len(columns) - 1, at)),
                     ("BACKGROUND", (0, at), (-1, at), _GREY)]
        if score - weight > 1:
            commands.append(("SPAN", (weight + 1, at), (score - 1, at)))
    commands += [
        ("FONTNAME", (0, 0), (-1, -1), styles.fonts.body),
        ("GRID", (0, 0), (-1, -1), 0.5, "#000000"),
        ("BACKGROUND", (0, 0), (-1, 1), _GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), _PADDING[0]), ("BOTTOMPADDING", (0, 0), (-1, -1), _PADDING[1]),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING[2]), ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING[3]),
    ]
    return Table(data, colWidths=widths, repeatRows=2, style=TableStyle(commands), splitByRow=1,
                 longTableOptimize=False)  # every row measured: `split` chooses the lines that fit


def _closing(styles: _Styles, result, widths) -> list:
    """评价结论 / 存在问题 / 改进建议 in a box, and the signature line under it (a table: spaces would collapse)."""
    label = widths[0] + widths[1]
    rows = [[styles.para(field, styles.group), styles.para(value)] for field, value in scoresheet.closing(result)]
    box = Table(rows, colWidths=[label, sum(widths) - label], style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.fonts.body), ("GRID", (0, 0), (-1, -1), 0.5, "#000000"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    signed = [styles.para(f"{field}：{value}", styles.sign) for field, value in scoresheet.signatures(result)]
    line = Table([signed], colWidths=[sum(widths) / len(signed)] * len(signed), style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.fonts.body), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 10)]))
    return [Spacer(1, 5), box, line]


class _Mark(Flowable):
    """Zero-size: tells the canvas whose pages follow (for the page numbers and the page header)."""

    def __init__(self, label: str, position):
        super().__init__()
        self.record = (position, label)

    def wrap(self, *args):
        return 0, 0

    def draw(self):
        self.canv._perfdsl_record = self.record


def _fitted(line: str, font: str, size: float, room: float) -> str:
    """`line` as far as it fits in `room` points, ended by …: a long 单位 ran off the page's edge."""
    if stringWidth(line, font, size) <= room:
        return line
    fits, beyond = 0, len(line)
    while beyond - fits > 1:
        middle = (fits + beyond) // 2
        if stringWidth(line[:middle] + "…", font, size) <= room:
            fits = middle
        else:
            beyond = middle
    return line[:fits] + "…"


def _canvas_class(styles: _Styles, title: str):
    """A canvas that holds its pages back until the end, to write ``第 N 页 共 M 页`` per department."""
    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._perfdsl_record = None
            self._perfdsl_pages = []

        def showPage(self):  # noqa: N802 — reportlab's name
            self._perfdsl_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            counts: dict = {}
            for page in self._perfdsl_pages:
                counts[page["_perfdsl_record"]] = counts.get(page["_perfdsl_record"], 0) + 1
            seen: dict = {}
            for page in self._perfdsl_pages:
                self.__dict__.update(page)
                record = page["_perfdsl_record"]
                seen[record] = seen.get(record, 0) + 1
                self._furniture(record, seen[record], counts[record])
                Canvas.showPage(self)
            Canvas.save(self)

        def _furniture(self, record, number, count):
            width, height = self._pagesize
            self.saveState()
            self.setFont(styles.fonts.body, 8)
            self.setFillColor("#555555")
            if record is not None and record[1]:
                line = _fitted(f"{title} · {record[1]}", styles.fonts.body, 8, width - 2 * 25.5)
                self.drawString(25.5, height - 18, styles.fonts.text(line))
            self.setFont(styles.fonts.body, 9)
            self.setFillColor("#000000")
            self.drawCentredString(width / 2, 16, f"第 {number} 页 共 {count} 页")
            self.restoreState()

    return NumberedCanvas
