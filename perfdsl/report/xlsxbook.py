"""An xlsx workbook written as its XML text, part by part: the parts openpyxl's write-only mode writes, without it.

openpyxl's import alone (~0.16 s of CPU) cost about as much as writing a
3,000-record batch as CSV, and its write-only sheets still make objects per
sheet and per row dimension.  The workbooks perfdsl writes use a handful of
its features — inline text, numbers, a fixed set of styles, merged ranges,
frozen panes, internal hyperlinks, print titles and setup, headers and
footers — so each part is written here as the text openpyxl would write for
it: the same elements, attributes in the same order, the same escaping,
style ids given in the order cells first use them, the theme openpyxl
ships (`xlsxtheme`).  tests/test_xlsxbook.py holds every part byte-identical to
openpyxl's own output for the same content (but docProps, which name the
writer and the time).

A cell is (value, `Styles.id` of its style): a Decimal is a number written as
its exact text, a str is inline text (never a formula: ``t="inlineStr"``),
an int a number, a bool a boolean, None an empty cell (kept if styled).
What openpyxl checks of a text is checked alike (cut to 32,767 characters; a
control character Excel forbids is an error) — the writers have made every
text inert before (`neutralise.spreadsheet`).

A sheet written whole (a 评分表) goes into the archive as soon as it is
finished; a sheet that grows with the batch (汇总) is kept in memory up to
`SPILL` bytes, then in a temporary file, and written when the book is closed:
memory stays flat for a batch of any size.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from decimal import Decimal
from functools import lru_cache

from ..decimals import plain

#: Bytes of a streamed sheet kept in memory before it moves to a temporary file.
SPILL = 32 * 1024 * 1024
_MAX_TEXT = 32767  # characters of a cell (openpyxl cuts a longer text there)
#: What openpyxl refuses in a cell (`openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE`).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
#: What a header or footer writes as ``_xHHHH_`` (`openpyxl.utils.escape.escape`: \001 to \031).
_HEADER_CONTROL = re.compile(r"[\001-\031]")
#: The long forms of header codes openpyxl writes in their short form (`HeaderFooterItem.__str__`).
_HEADER_CODES = {"&[Tab]": "&A", "&[Pages]": "&N", "&[Date]": "&D", "&[Path]": "&Z", "&[Page]": "&P",
                 "&[Time]": "&T", "&[File]": "&F", "&[Picture]": "&G"}
_HEADER_CODE = re.compile("|".join(f"({re.escape(code)})" for code in _HEADER_CODES))

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument"


class IllegalCharacterError(ValueError):
    """A text with a control character Excel does not allow (as openpyxl's error of that name)."""


def column_letter(number: int) -> str:
    """The letters of a column from 1 (1 → A, 27 → AA)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


#: Column letters by 0-based column, asked for every cell (`Sheet.row` adds more for a wider row).
_LETTERS = [column_letter(number) for number in range(1, 257)]


def escape(text: str) -> str:
    """ElementTree's escaping of element text (`xml.etree.ElementTree._escape_cdata`)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def attribute(text: str) -> str:
    """ElementTree's escaping of an attribute value (`xml.etree.ElementTree._escape_attrib`)."""
    text = escape(text)
    for character, entity in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
        if character in text:
            text = text.replace(character, entity)
    return text


def decimal_text(value) -> str:
    """A number as openpyxl writes a float or int attribute (`openpyxl.compat.safe_string`)."""
    return "%.16g" % value


@lru_cache(maxsize=8192)
def _inline(value: str) -> str:
    """What follows ``t="inlineStr"`` for a text: names, criteria and headings recur on every sheet (kept
    here, a function of the text alone); a basis line seldom."""
    value = _checked(value)
    if not value:
        return " />"
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    return f"><is><t{space}>{escape(value)}</t></is></c>"


def _checked(text: str) -> str:
    text = text[:_MAX_TEXT]
    if _ILLEGAL.search(text) is not None:
        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
    return text


# ── styles ──────────────────────────────────────────────────────────────────


class Font:
    """A cell font: always with the Chinese character set (134), as every font of perfdsl's workbooks."""

    __slots__ = ("xml",)

    def __init__(self, name: str, size: int, bold: bool = False, color: str | None = None,
                 underline: str | None = None):
        self.xml = (f'<font><name val="{attribute(name)}" /><charset val="134" />'
                    + ('<b val="1" />' if bold else "")
                    + (f'<color rgb="00{color}" />' if color else "")
                    + f'<sz val="{size}" />'
                    + (f'<u val="{underline}" />' if underline else "") + "</font>")


class Alignment:
    __slots__ = ("xml",)

    def __init__(self, horizontal: str, vertical: str, wrap: bool = False):
        self.xml = (f'<alignment horizontal="{horizontal}" vertical="{vertical}"'
                    + (' wrapText="1"' if wrap else "") + " />")


def fill(rgb: str) -> str:
    """A solid fill of colour `rgb`."""
    return f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}" /></patternFill></fill>'


def thin_box(rgb: str) -> str:
    """A thin border on all four sides in colour `rgb`."""
    side = "".join(f'<{edge} style="thin"><color rgb="00{rgb}" /></{edge}>'
                   for edge in ("left", "right", "top", "bottom"))
    return f"<border>{side}</border>"


class Styles:
    """The workbook's cell styles, each given its id at its first use — the order openpyxl gives them in, so
    styles.xml is openpyxl's too."""

    def __init__(self):
        self.fonts = ['<font><name val="Calibri" /><family val="2" /><color theme="1" /><sz val="11" />'
                      '<scheme val="minor" /></font>']
        self.fills = ["<fill><patternFill /></fill>", '<fill><patternFill patternType="gray125" /></fill>']
        self.borders = ["<border><left /><right /><top /><bottom /><diagonal /></border>"]
        self.alignments = [None]
        self.xfs = [(0, 0, 0, 0)]  # (font, fill, border, alignment) ids

    @staticmethod
    def _index(items: list, item) -> int:
        if item in items:
            return items.index(item)
        items.append(item)
        return len(items) - 1

    def id(self, font: Font, border: str | None = None, alignment: Alignment | None = None,
           fill: str | None = None) -> str:
        """A cell's `` s="N"`` for this style (asked once per style: `xlsxout._Styles` keeps it)."""
        xf = (self._index(self.fonts, font.xml), 0 if fill is None else self._index(self.fills, fill),
              0 if border is None else self._index(self.borders, border),
              0 if alignment is None else self._index(self.alignments, alignment.xml))
        return f' s="{self._index(self.xfs, xf)}"' if any(xf) else ""

    def xml(self) -> str:
        """xl/styles.xml."""
        xfs = []
        for font, fill_id, border, alignment in self.xfs:
            head = f'<xf numFmtId="0" fontId="{font}" fillId="{fill_id}" borderId="{border}"'
            tail = ' pivotButton="0" quotePrefix="0" xfId="0"'
            xfs.append(f'{head} applyAlignment="1"{tail}>{self.alignments[alignment]}</xf>' if alignment
                       else f"{head}{tail} />")
        return (f'<styleSheet xmlns="{_MAIN}"><numFmts count="0" />'
                f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
                f'<fills count="{len(self.fills)}">{"".join(self.fills)}</fills>'
                f'<borders count="{len(self.borders)}">{"".join(self.borders)}</borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" /></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0" /></cellStyles>'
                '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16" />'
                f"<colors><indexedColors>{_INDEXED_COLOURS}</indexedColors></colors></styleSheet>")


#: openpyxl's `COLOR_INDEX`, which it writes into every styles.xml.
_INDEXED_COLOURS = "".join(f'<rgbColor rgb="{rgb}" />' for rgb in (
    "00000000 00FFFFFF 00FF0000 0000FF00 000000FF 00FFFF00 00FF00FF 0000FFFF "
    "00000000 00FFFFFF 00FF0000 0000FF00 000000FF 00FFFF00 00FF00FF 0000FFFF "
    "00800000 00008000 00000080 00808000 00800080 00008080 00C0C0C0 00808080 "
    "009999FF 00993366 00FFFFCC 00CCFFFF 00660066 00FF8080 000066CC 00CCCCFF "
    "00000080 00FF00FF 00FFFF00 0000FFFF 00800080 00800000 00008080 000000FF "
    "0000CCFF 00CCFFFF 00CCFFCC 00FFFF99 0099CCFF 00FF99CC 00CC99FF 00FFCC99 "
    "003366FF 0033CCCC 0099CC00 00FFCC00 00FF9900 00FF6600 00666699 00969696 "
    "00003366 00339966 00003300 00333300 00993300 00993366 00333399 00333333").split())


# ── sheets ──────────────────────────────────────────────────────────────────


class Page:
    """A sheet's print setup: A4, one page wide, `title_rows` (``"4:5"``) on every page, a header and a
    footer — each (position ``L``/``C``/``R``, size in points, text in Excel's header codes) or None."""

    __slots__ = ("title_rows", "header", "footer", "landscape")

    def __init__(self, title_rows: str | None, header=None, footer=None, landscape: bool = True):
        self.title_rows, self.header, self.footer, self.landscape = title_rows, header, footer, landscape

    def xml(self) -> str:
        orientation = "landscape" if self.landscape else "portrait"
        return ('<printOptions horizontalCentered="1" />'
                '<pageMargins left="0.4" right="0.4" top="0.55" bottom="0.55" header="0.25" footer="0.25" />'
                f'<pageSetup orientation="{orientation}" paperSize="9" fitToHeight="0" fitToWidth="1" />'
                f"<headerFooter>{_header_part('oddHeader', self.header)}{_header_part('oddFooter', self.footer)}"
                "<evenHeader /><evenFooter /><firstHeader /><firstFooter /></headerFooter>")


def _header_part(tag: str, part) -> str:
    """`HeaderFooterItem.to_tree`: ``&L&9 text``, long codes shortened, controls as ``_xHHHH_``, escaped."""
    if part is None:
        return f"<{tag} />"
    position, size, text = part
    packed = _HEADER_CODE.sub(lambda match: _HEADER_CODES[match.group(0)], f"&{position}&{size} {text}")
    packed = _HEADER_CONTROL.sub(lambda match: f"_x{ord(match.group(0)):0>4x}_", packed)
    return f"<{tag}>{escape(packed)}</{tag}>"


def _pane(top_left: str | None) -> str:
    """`Worksheet.freeze_panes` of the cell `top_left` (``"C2"``), as its sheet view writes it."""
    if not top_left or top_left == "A1":
        return '<selection activeCell="A1" sqref="A1" />'
    letters = top_left.rstrip("0123456789")
    row = int(top_left[len(letters):])
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    split = (f' xSplit="{column - 1}"' if column > 1 else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
    active = "bottomRight" if row > 1 and column > 1 else "bottomLeft" if row > 1 else "topRight"
    pane = f'<pane{split} topLeftCell="{top_left}" activePane="{active}" state="frozen" />'
    before = '<selection pane="topRight" /><selection pane="bottomLeft" />' if active == "bottomRight" else ""
    return f'{pane}{before}<selection pane="{active}" activeCell="A1" sqref="A1" />'


def row_text(cells, row: str, height: float | None = None, inline=None) -> str:
    """A ``<row>`` of (value, style) cells as `Sheet.row` writes it, row number `row`; `inline` is how a text
    cell ends (`_inline`; `held_inline` for a template whose holes ``%`` fills, `xlsxout._Held`)."""
    inline = inline or _inline
    while len(cells) > len(_LETTERS):
        _LETTERS.append(column_letter(len(_LETTERS) + 1))
    parts = [f'<row r="{row}" ht="{decimal_text(height)}" customHeight="1">' if height is not None
             else f'<row r="{row}">']
    for column, cell in enumerate(cells):
        if cell is None:
            continue
        value, style = cell
        coordinate = _LETTERS[column] + row
        if isinstance(value, str):
            parts.append(f'<c r="{coordinate}"{style} t="inlineStr"{inline(value)}')
        elif isinstance(value, Decimal):
            parts.append(f'<c r="{coordinate}"{style} t="n"><v>{escape(_checked(plain(value)))}</v></c>')
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
    return "".join(parts)


@lru_cache(maxsize=8192)
def held_inline(value: str) -> str:
    """`_inline` for a template filled by ``%`` (`xlsxout._Held`): its ``%`` doubled."""
    return _inline(value).replace("%", "%%")


class Sheet:
    """One worksheet: its head written when it is made (widths, frozen panes), then rows, then its tail."""

    def __init__(self, book: Book | None, number: int, name: str, widths, freeze: str | None, page: Page,
                 streamed: bool = False):
        """`book` None: the sheet is *held* — a template whose ``%`` is doubled, its text (`text`) filled with
        the style ids elsewhere (`xlsxout._Held`)."""
        self.book, self.number, self.name, self.page = book, number, name, page
        self._inline = held_inline if book is None else _inline
        self.rows = 0
        self.links: list[str] = []
        self._parts: list[str] = []
        self._streamed = streamed
        self._spill = io.BytesIO() if streamed else None
        cols = "".join(f'<col width="{decimal_text(width)}" customWidth="1" min="{column}" max="{column}" />'
                       for column, width in enumerate(widths, start=1))
        self._parts.append(
            f'<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1" />'
            '<pageSetUpPr fitToPage="1" /></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0">{_pane(freeze)}</sheetView></sheetViews>'
            f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15" /><cols>{cols}</cols><sheetData>')

    @property
    def path(self) -> str:
        return f"xl/worksheets/sheet{self.number}.xml"

    def row(self, cells, height: float | None = None, link=None):
        """Append a row of (value, style id) cells, None for one left out; `height` in points (None: as its
        text needs); `link`: (0-based column, location, display text) of an internal hyperlink."""
        self.rows += 1
        self.row_text(row_text(cells, str(self.rows), height, self._inline), link)

    def row_text(self, text: str, link=None):
        """Append the next row as its text (`row_text`, numbered ``self.rows``: `row` counts it first)."""
        if link is not None:
            column, location, display = link
            self.links.append(f'<hyperlink ref="{_LETTERS[column]}{self.rows}" location="{attribute(location)}" '
                              f'display="{attribute(display)}" />')
        self._parts.append(text)
        if self._streamed and len(self._parts) >= 256:
            self._flush()

    def _flush(self):
        self._spill.write("".join(self._parts).encode("utf-8"))
        self._parts.clear()
        if isinstance(self._spill, io.BytesIO) and self._spill.tell() > SPILL:
            import tempfile

            spilled = tempfile.TemporaryFile()
            spilled.write(self._spill.getvalue())
            self._spill = spilled

    def finish(self, merged: str = ""):
        """Write the tail (`merged`: ``<mergeCells>`` as `merged_cells` writes them) and put the sheet in the
        book (a streamed sheet waits for `Book.close`)."""
        links = f"<hyperlinks>{''.join(self.links)}</hyperlinks>" if self.links else ""
        tail = f"</sheetData>{merged}{links}{self.page.xml()}</worksheet>"
        if self.book is None:  # held: a template, its text's ``%`` doubled
            self._parts.append(tail.replace("%", "%%"))
            return
        self._parts.append(tail)
        if not self._streamed:
            self.book.part(self.path, "".join(self._parts).encode("utf-8"))
            self._parts = []
            return
        self._flush()
        self.book.waiting.append(self)

    def text(self) -> str:
        """A held sheet's template, once finished."""
        return "".join(self._parts)

    def copy_into(self, archive: zipfile.ZipFile):
        self._spill.seek(0)
        info = zipfile.ZipInfo(self.path, date_time=time.localtime()[:6])
        info.external_attr = 0o600 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as target:
            while True:
                block = self._spill.read(1 << 20)
                if not block:
                    break
                target.write(block)
        self._spill.close()


@lru_cache(maxsize=256)
def merged_cells(merged: tuple) -> str:
    """``<mergeCells>`` as openpyxl writes a sheet's merged ranges — (first row, first column, last row, last
    column) from 1, in the order given to `MultiCellRange.add`, a tuple: the same for every 评分表 of a ruleset
    whose lists have the same lengths, so kept —: a range inside one kept already adds nothing,
    and they are written in the order of openpyxl's set of `CellRange`s, whose hash is that of the same
    4-tuple (a set of the tuples, filled alike, iterates alike)."""
    kept = set(_kept(merged))
    if not kept:
        return ""
    refs = "".join(f'<mergeCell ref="{_LETTERS[first - 1]}{first_row}:{_LETTERS[last - 1]}{last_row}" />'
                   for first_row, first, last_row, last in kept)
    return f'<mergeCells count="{len(kept)}">{refs}</mergeCells>'


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


# ── the book ────────────────────────────────────────────────────────────────


class Book:
    """A workbook written into the binary file `handle` (a zip archive); `close` writes what is left."""

    def __init__(self, handle):
        self.archive = zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.styles = Styles()
        self.sheets: list[Sheet] = []
        self.waiting: list[Sheet] = []  # streamed sheets, finished, written at `close`
        self.created = time.gmtime()

    def sheet(self, name: str, widths, freeze: str | None, page: Page, streamed: bool = False) -> Sheet:
        sheet = Sheet(self, len(self.sheets) + 1, name, widths, freeze, page, streamed)
        self.sheets.append(sheet)
        return sheet

    def written(self, name: str, page: Page, data: bytes) -> Sheet:
        """A sheet laid out elsewhere (a held sheet, filled: `xlsxout._Held`): `data` is its part, put in the
        book now."""
        sheet = Sheet.__new__(Sheet)
        sheet.book, sheet.number, sheet.name, sheet.page = self, len(self.sheets) + 1, name, page
        sheet._spill = None
        self.sheets.append(sheet)
        self.part(sheet.path, data)
        return sheet

    def part(self, path: str, data: bytes):
        self.archive.writestr(path, data)

    def close(self):
        for sheet in self.waiting:
            sheet.copy_into(self.archive)
        self.waiting = []
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", self.created)
        modified = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.part("docProps/app.xml", _APP.encode())
        self.part("docProps/core.xml", _CORE.format(created=stamp, modified=modified).encode())
        from .xlsxtheme import THEME

        self.part("xl/theme/theme1.xml", THEME.encode())
        self.part("xl/styles.xml", self.styles.xml().encode())
        self.part("_rels/.rels", _ROOT_RELS.encode())
        self.part("xl/workbook.xml", self._workbook().encode())
        self.part("xl/_rels/workbook.xml.rels", self._workbook_rels().encode())
        self.part("[Content_Types].xml", self._content_types().encode())
        self.archive.close()

    def abandon(self):
        """After a failure: nothing more is written to (or closed on) the handle, the temporaries go."""
        self.archive.fp = None
        for sheet in self.sheets:
            if sheet._spill is not None:
                sheet._spill.close()

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{attribute(sheet.name)}" sheetId="{sheet.number}" state="visible" '
                         f'r:id="rId{sheet.number}" />' for sheet in self.sheets)
        names = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{sheet.number - 1}">'
            f"{escape(_quoted(sheet.name))}!{_absolute_rows(sheet.page.title_rows)}</definedName>"
            for sheet in self.sheets if sheet.page.title_rows)
        return (f'<workbook xmlns:r="{_OFFICE_RELS}" xmlns="{_MAIN}"><workbookPr /><workbookProtection />'
                '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
                'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
                f'autoFilterDateGrouping="1" /></bookViews><sheets>{sheets}</sheets>'
                + (f"<definedNames>{names}</definedNames>" if names else "<definedNames />")
                + '<calcPr calcId="124519" fullCalcOnLoad="1" /></workbook>')

    def _workbook_rels(self) -> str:
        rels = [(f"{_OFFICE_RELS}/worksheet", f"/{sheet.path}") for sheet in self.sheets]
        rels += [(f"{_OFFICE_RELS}/styles", "styles.xml"), (f"{_OFFICE_RELS}/theme", "theme/theme1.xml")]
        return _relationships(rels)

    def _content_types(self) -> str:
        sheets = "".join(f'<Override PartName="/{sheet.path}" ContentType="{_TYPES}.spreadsheetml.worksheet+xml" />'
                         for sheet in self.sheets)
        return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />'
                '<Default Extension="xml" ContentType="application/xml" />'
                f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.spreadsheetml.styles+xml" />'
                f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_TYPES}.theme+xml" />'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml" />'
                f'<Override PartName="/docProps/app.xml" ContentType="{_TYPES}.extended-properties+xml" />'
                f"{sheets}"
                f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.spreadsheetml.sheet.main+xml" />'
                "</Types>")


def _quoted(name: str) -> str:
    """`openpyxl.utils.quote_sheetname`."""
    return "'" + name.replace("'", "''") + "'"


def _absolute_rows(rows: str) -> str:
    """``4:5`` → ``$4:$5`` (`absolute_coordinate` of a row range)."""
    first, _, last = rows.partition(":")
    return f"${first}:${last}" if last else f"${first}"


def _relationships(rels) -> str:
    inner = "".join(f'<Relationship Type="{kind}" Target="{target}" Id="rId{number}" />'
                    for number, (kind, target) in enumerate(rels, start=1))
    return f'<Relationships xmlns="{_PACKAGE_RELS}">{inner}</Relationships>'


_ROOT_RELS = _relationships([
    (f"{_OFFICE_RELS}/officeDocument", "xl/workbook.xml"),
    (f"{_PACKAGE_RELS}/metadata/core-properties", "docProps/core.xml"),
    (f"{_OFFICE_RELS}/extended-properties", "docProps/app.xml"),
])
_APP = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>perfdsl</Application></Properties>")
_CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>perfdsl</dc:creator>'
         '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
         '<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified></cp:coreProperties>')
