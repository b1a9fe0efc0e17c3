"""CSV and Excel data files → records, one row at a time.

The layout is the one `perfdsl template` writes: row 1 names the inputs; a
second row of type hints (``金额（元）``, ``是/否`` …) is recognised and
skipped; a column ``<input>备注`` holds the note of that input's value (an
annotated value, DESIGN §6); a column whose header starts with ``_`` is
metadata.  Every later row that is not blank is one record.

A list input's items go in ``列表名.字段名`` columns, one item a row; a row
whose other cells are blank adds its item to the record above it.

The header is read when the file is opened, so a misspelt column is one
error naming the column and the nearest input, before anything is scored.
A bad row becomes an error in its place; the rows stream (the csv module,
openpyxl's read-only mode), so memory does not grow with the file.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import zlib
from decimal import Decimal

from . import limits
from .decimals import plain
from .errors import DataFileError, DataValueError
from .files import open_binary, open_text
from .nearest import nearest
from .neutralise import unprefixed

#: A column ``<input>备注`` holds the note of that input's value.
NOTE_SUFFIX = "备注"

#: The first word of every hint `perfdsl template` writes in row 2 (see `template.hint`).
HINT_WORDS = ("文本", "计数", "数值", "比率", "金额", "是/否", "扣分", "得分", "备注")

#: The metadata key of a raw record that holds its row number (for messages; never an input).
ROW_KEY = "_row"
#: A column ``列表名.字段名`` holds one field of a list input's items, one item a row.
ITEM_SEPARATOR = "."
#: The metadata key of the rows each list's items came from: {list name: [row numbers]}.
ITEM_ROWS = "_item_rows"


def column_letter(index: int) -> str:
    """0 → ``A``, 26 → ``AA``: how Excel (and WPS) name a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class Columns:
    """What each column of a table holds, decided once from its header."""

    def __init__(self, header: list, path: str, model=None, delimited: bool = False):
        known = None if model is None else [spec.name for spec in model.inputs]
        names = [_header_text(cell, known) for cell in header]
        present = set(names)
        self.values: list[tuple[int, str]] = []  # (column, input)
        self.notes: list[tuple[int, str]] = []  # (column, input whose note it holds)
        self.items: list[tuple[int, str, str, bool]] = []  # (column, list input, field, holds the field's note)
        self.ignored: set[int] = set()  # metadata columns (``_…``): never inputs
        self.meta: list[tuple[int, str]] = []  # (column, key): their text rides along (``_存在问题`` for the 评分表)
        self.width = len(names)
        self.name_key = model.record if model is not None else None
        self.delimited = delimited  # CSV, where a stray cell is usually a stray comma
        self.letters: dict[str, str] = {}  # input → its column letter
        seen: dict[str, int] = {}
        unknown = []
        for index, name in enumerate(names):
            if not name:
                continue
            if name in seen:
                raise DataFileError(f"{path}: 表头 `{name}` 出现了两次（{column_letter(seen[name])} 列和 "
                                    f"{column_letter(index)} 列）")
            seen[name] = index
            stem = name[: -len(NOTE_SUFFIX)]
            item = _item_column(model, name)
            if name.startswith("_"):
                self.ignored.add(index)
                self.meta.append((index, name))
            elif item is not None:
                self.items.append((index, *item))
                self.letters[name] = column_letter(index)
            elif known is None and name.endswith(NOTE_SUFFIX) and stem in present:
                self.notes.append((index, stem))
            elif known is None or name in known:
                self.values.append((index, name))
                self.letters[name] = column_letter(index)
            elif name.endswith(NOTE_SUFFIX) and stem in known:
                self.notes.append((index, stem))
            else:
                close = nearest(name, known)
                hint = f"，是否为 `{close}`？" if close else ""
                unknown.append(f"{column_letter(index)} 列 `{name}` 不是规则集的输入{hint}")
        if not self.values:  # no header at all, most likely: say so rather than list every cell
            raise DataFileError(f"{path}: 第 1 行应为表头（输入名），但没有一个单元格是输入名")
        if unknown:
            raise DataFileError(f"{path}: 表头有未知的列：" + "；".join(unknown)
                                + "（以 _ 开头的列视为备用信息，不参与计分）")
        self.used = {index for index, _ in self.values + self.notes} | self.ignored | {i[0] for i in self.items}

    def record(self, row, number: int) -> dict | DataValueError:
        """The raw record of one row (`number` is its row in the sheet), or the error that spoils it."""
        raw: dict = {ROW_KEY: number}
        width = len(row)
        if UNCOMPUTED in row:
            spoilt = self._uncomputed(row, number)
            if isinstance(spoilt, DataValueError):
                return spoilt
            row = spoilt
        for index, name in self.values:
            if index < width and not _blank(row[index]):
                raw[name] = _cell(row[index])
        for index, name in self.notes:
            if index < width and not _blank(row[index]):
                raw[name] = {"value": raw.get(name), "note": _note(row[index])}
        items: dict[str, dict] = {}
        for index, name, field, note in sorted(self.items, key=lambda entry: entry[3]):
            if index < width and not _blank(row[index]):
                item = items.setdefault(name, {})
                item[field] = {"value": item.get(field), "note": _note(row[index])} if note else _cell(row[index])
        for name, item in items.items():
            raw[name] = [item]
            raw.setdefault(ITEM_ROWS, {})[name] = [number]
        for index, name in self.meta:
            if index < width and not _blank(row[index]) and name != ROW_KEY:
                raw[name] = _note(row[index])
        stray = [column_letter(i) for i, cell in enumerate(row) if i not in self.used and not _blank(cell)]
        if stray:
            more = len(row) - self.width
            why = "有值，但这一列没有表头"
            if more > 0 and self.delimited:  # the usual cause in CSV: 6,400,981.42 written without quotes
                why = f"比表头多 {more} 个单元格（数字中的千位逗号须加引号？）"
            name = raw.get(self.name_key)
            named = name is not None and not isinstance(name, dict)
            return DataValueError(f"第 {number} 行 {'、'.join(stray)} 列{why}", record=_note(name) if named else None)
        return raw

    def _uncomputed(self, row, number: int):
        """The error of a row whose inputs hold a formula no program computed (`UNCOMPUTED`), naming each cell;
        else the row with such cells of other columns blank."""
        read = {index: name for index, name in self.values + self.notes}
        read.update((entry[0], f"{entry[1]}{ITEM_SEPARATOR}{entry[2]}") for entry in self.items)
        keys = [(index, read[index]) for index, cell in enumerate(row) if cell is UNCOMPUTED and index in read]
        cells = [f"{column_letter(index)} 列（{key}）" for index, key in keys]
        if not cells:
            return tuple(None if cell is UNCOMPUTED else cell for cell in row)
        where = next((index for index, key in self.values if key == self.name_key), None)
        name = row[where] if where is not None and where < len(row) else None
        named = name is not None and name is not UNCOMPUTED and not _blank(name)
        return DataValueError(f"第 {number} 行 {'、'.join(cells)}是公式，但工作簿里没有保存它的计算结果（文件由程序"
                              "生成，未在 Excel 或 WPS 中计算、保存过），按空白读会得出错误的分数：请用 Excel 或 WPS "
                              "打开并保存后再读取", key=keys[0][1], record=_note(name) if named else None)

    def locate(self, raw, key) -> str | None:
        """Where a record's value sits: ``第 7 行 AH 列``, a list item's field on the item's row (for messages)."""
        number = raw.get(ROW_KEY) if isinstance(raw, dict) else None
        if number is None:
            return None
        name, position, field = _item_key(key) if key else (None, None, None)
        rows = (raw.get(ITEM_ROWS) or {}).get(name) if name is not None else None
        if rows and 0 < position <= len(rows):
            number = rows[position - 1]
            key = f"{name}{ITEM_SEPARATOR}{field}" if field else None
        letter = self.letters.get(key)
        return f"第 {number} 行 {letter} 列" if letter else f"第 {number} 行"

    def continues(self, raw) -> bool:
        """Whether a row only adds list items to the record above it (every other cell blank)."""
        return isinstance(raw, dict) and ITEM_ROWS in raw and all(
            key in (ROW_KEY, ITEM_ROWS) or key in raw[ITEM_ROWS] for key in raw)


def _item_column(model, header: str):
    """(list input, field, is a note column) for a ``列表名.字段名[备注]`` header, else None."""
    if model is None or ITEM_SEPARATOR not in header:
        return None
    name, _, field = header.partition(ITEM_SEPARATOR)
    spec = model.input(name)
    if spec is None or spec.type.kind != "list":
        return None
    if spec.field(field) is not None:
        return name, field, False
    if field.endswith(NOTE_SUFFIX) and spec.field(field[: -len(NOTE_SUFFIX)]) is not None:
        return name, field[: -len(NOTE_SUFFIX)], True
    return None


def _item_key(key: str):
    """``绩效指标[3].目标值`` → (``绩效指标``, 3, ``目标值``); anything else → (None, None, None)."""
    head, bracket, rest = str(key).partition("[")
    number, close, tail = rest.partition("]")
    if not bracket or not close or not number.isdigit():
        return None, None, None
    return head, int(number), tail[len(ITEM_SEPARATOR):] if tail.startswith(ITEM_SEPARATOR) else None


def _header_text(cell, known=None) -> str:
    """A header cell's text, trimmed; an input's name broken over lines (Alt+Enter in Excel: ``表彰\n次数``) or with
    spaces inside is that input's name."""
    if cell is None:
        return ""
    text = unprefixed((plain(_cell(cell)) if isinstance(cell, float) else str(cell)).strip())  # (2022 → "2022")
    # (a template's `'=…` header is the input `=…`: neutralise.spreadsheet)
    if known is not None and text not in known:
        squeezed = _SPACES.sub("", text)
        if squeezed in known:
            return squeezed
    return text


_SPACES = re.compile(r"\s+")


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell(cell):
    """A cell as the record reader takes it: text trimmed, floats exact, dates as ISO text."""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float):
        return _shown_figure(cell)
    if isinstance(cell, (datetime.date, datetime.time)):
        return cell.isoformat()
    return cell


#: The significant digits a number has in Excel and WPS: what they show and compute with (a typed figure has no more).
EXCEL_DIGITS = 15


def _shown_figure(cell: float) -> Decimal:
    """A number cell's figure as Excel and WPS hold it: its shortest exact text, cut to `EXCEL_DIGITS` significant
    digits when it has more.  A formula's result is a binary float, saved with up to 17 digits (``=828343.06+0.15`` is
    828343.2100000001): Excel and WPS show and compare it as 828343.21; read as the float, it was 1E-10 over a budget
    of 828343.21 and a rule comparing the two took a point off.  A figure typed into a cell has at most 15 digits
    and reads as typed."""
    value = Decimal(repr(cell))
    if len(value.as_tuple().digits) > EXCEL_DIGITS and value.is_finite():
        value = Decimal(format(cell, f".{EXCEL_DIGITS}g"))
    return value


def _note(cell) -> str:
    value = _cell(cell)
    return plain(value) if isinstance(value, Decimal) else str(value)


def is_hint_row(row) -> bool:
    """Row 2 of a template: every filled cell is a type hint (``金额（元）``, ``是/否`` …)."""
    filled = [cell for cell in row if not _blank(cell)]
    return bool(filled) and all(isinstance(cell, str) and cell.strip().startswith(HINT_WORDS) for cell in filled)


def records(rows, path: str, model=None, delimited: bool = False):
    """Read the header of `rows` (an iterator of (row number, cells)) now; return the records' iterator."""
    path = getattr(rows, "where", path)  # a workbook of several sheets: the file and the sheet read
    title, others = getattr(rows, "title", None), getattr(rows, "others", ())
    try:
        _, header = next(rows)
    except StopIteration:
        raise DataFileError(f"{path}: 文件是空的") from None
    if model is not None and not _names_inputs(header, model, 2):
        rows = itertools.chain(_no_header(header, rows, path, model), rows)
    columns = Columns(list(header), path, model, delimited)
    others = [name for name, first in others if model is not None and _names_inputs(first, model, 2)]
    if others:
        named = "、".join(f"「{name}」" for name in others)
        raise DataFileError(f"{path}: 工作簿中还有工作表{named}的第 1 行也是输入名，但只读第一张可见的工作表"
                            f"「{title}」：请把记录合并到这一张表，或把其他表另存为单独的文件")
    return columns, _rows_to_records(rows, columns)


def _names_inputs(cells, model, least: int = 1) -> bool:
    """Whether at least `least` of `cells` are `model`'s input names (as a header names them)."""
    known = {spec.name for spec in model.inputs}
    return sum(_header_text(cell, known) in known for cell in cells if cell is not None) >= least


#: How far below row 1 a header is looked for, to say where it is (a title row above it).
HEADER_SEARCH = 10


def _no_header(first, rows, path: str, model) -> list:
    """For a table whose row 1 names fewer than two inputs: raise its error when its header is lower down (a title
    row above it) or column A names the inputs (one record laid out downwards), saying so; else the rows read."""
    column, read = [first[0] if first else None], []
    for number, row in itertools.islice(rows, HEADER_SEARCH - 1):
        read.append((number, row))
        if _names_inputs(row, model, 2):
            above = "它上面的一行" if number == 2 else f"它上面的 {number - 1} 行"
            raise DataFileError(f"{path}: 第 1 行应为表头（输入名），表头却在第 {number} 行：请删去{above}（标题等）")
        column.append(row[0] if row else None)
    if _names_inputs(column, model, 2):
        raise DataFileError(f"{path}: 第 1 行应为表头（输入名），但输入名都在 A 列（一个输入一行）：请转置为"
                            "一个输入一列、一条记录一行（复制后“选择性粘贴 → 转置”）")
    return read  # no better header: these rows are the table's, and `Columns` says what is wrong with row 1


def _rows_to_records(rows, columns: Columns):
    """Records in order; a row that only holds list items belongs to the record above it, which is
    therefore held back until the next record starts (one record of lookahead)."""
    position = 0
    pending = None
    for number, row in rows:
        if number == 2 and is_hint_row(row):
            continue
        if all(_blank(cell) for cell in row):
            continue
        raw = columns.record(row, number)
        if pending is not None and isinstance(pending[1], dict) and columns.continues(raw):
            _add_items(pending[1], raw)
            continue
        if pending is not None:
            yield pending
        position += 1
        if isinstance(raw, DataValueError) and raw.record is None:
            raw.record = position
        pending = (position, raw)
    if pending is not None:
        yield pending


def _add_items(record: dict, row: dict):
    for name, rows in row[ITEM_ROWS].items():
        record.setdefault(name, []).extend(row[name])
        record.setdefault(ITEM_ROWS, {}).setdefault(name, []).extend(rows)


# ── the two kinds of table ──────────────────────────────────────────────────


#: The byte-order marks of UTF-16, which Excel's "Unicode 文本" (TAB-separated) begins with.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def csv_rows(path: str):
    """Rows of a CSV file, numbered from 1: UTF-8 (with or without BOM), else GB18030 (Excel's 中文 CSV), or
    UTF-16 when it begins with its BOM (Excel's "Unicode 文本")."""
    for encoding in ("utf-8-sig", "gb18030"):
        handle = open_text(path, "数据文件", encoding=encoding, newline="")
        if handle.buffer.peek(2)[:2] in UTF16_BOMS:  # (peeked, not read: a named pipe is read once)
            handle = io.TextIOWrapper(handle.detach(), encoding="utf-16", newline="")
        try:
            return csv_stream_rows(handle, path)
        except UnicodeDecodeError:
            handle.close()
    raise DataFileError(f"{path}: 既不是 UTF-8 也不是 GB18030 编码的文本")


def csv_stream_rows(handle, path: str):
    """Rows of CSV text already open (a file, standard input); its header is read now.

    A header that is not text in the handle's encoding raises `UnicodeDecodeError` (try another encoding).
    """
    import csv  # here, as `zipfile` below: only a table needs it, and every `perfdsl eval` imports this module

    try:
        first = handle.readline()
        reader = csv.reader(itertools.chain([first] if first else [], handle), delimiter=_delimiter(first))
        header = next(reader, None)
    except csv.Error as exc:
        handle.close()
        raise DataFileError(f"{path}: 第 1 行不是有效的 CSV（{_csv_reason(exc)}）") from None
    return _csv_rest(handle, reader, header, path, handle.encoding)


def _delimiter(line: str) -> str:
    """The delimiter of a table whose header is `line`: the comma, or a TAB or semicolon when the header has more of
    them (Excel's "Unicode 文本" separates by TAB; a CSV saved where the list separator is ``;``, by semicolons).  No
    input name holds one of them."""
    counts = {mark: line.count(mark) for mark in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _csv_reason(exc) -> str:
    """The csv module's complaint in Chinese (it has few: a NUL byte, an unclosed quote, a huge field)."""
    text = str(exc)
    if "NUL" in text:
        return "含有 NUL 字节：这可能不是文本文件"
    if "field larger than field limit" in text:
        return "单元格太长"
    if "EOF" in text or "quot" in text or "new-line" in text:
        return "引号没有成对"
    return "格式错误"


def _csv_rest(handle, reader, header, path, encoding):
    import csv

    with handle:
        if header is None:
            return
        yield 1, header
        number = 1
        try:
            for row in reader:
                number += 1
                yield number, row
        except UnicodeDecodeError:
            raise DataFileError(f"{path}: 第 {number + 1} 行附近不是 {_ENCODINGS.get(encoding, encoding)} 编码的文本") \
                from None
        except csv.Error as exc:
            raise DataFileError(f"{path}: 第 {number + 1} 行不是有效的 CSV（{_csv_reason(exc)}）") from None


_ENCODINGS = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GB18030", "utf-16": "UTF-16"}


def xlsx_rows(path: str, handle=None):
    """Rows of the first visible sheet of a workbook (`handle` open in binary, or the file at `path`), numbered
    as Excel numbers them (cached values of formulas).

    A workbook is a zip of XML parts from outside: it is opened only when its
    parts are within `limits` (number, uncompressed size, shared strings — a
    zip or cell bomb is refused before it is inflated), and its XML is parsed by
    defusedxml, which refuses entity declarations (billion laughs) and external
    entities (XXE).  Rows are cut to the sheet's width (at most `limits.COLUMNS`).
    """
    import zipfile  # here, not at the top: reading JSON or CSV never needs it (5 ms of a cold start)

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _require_defused_xml()
    handle = _seekable(handle if handle is not None else open_binary(path, "数据文件"), path)
    magic = handle.read(4)
    handle.seek(0)
    try:
        _check_parts(handle, path)
        handle.seek(0)
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        visible = visible_sheets(workbook)
        sheet = visible[0] if visible else None
        # formulas are read by their saved values: one saved with none is told from a blank cell (`_uncomputed_cells`)
        uncomputed = _uncomputed_cells(handle, sheet) if sheet is not None else {}
        others = [(other.title, next(other.iter_rows(values_only=True, max_row=1, max_col=limits.COLUMNS), ()))
                  for other in visible[1:]]
    except DataFileError:
        handle.close()
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, SyntaxError, TypeError,
            AttributeError, IndexError, EOFError, zlib.error) as exc:
        if magic == OLE_MAGIC:
            magic = _ole_kind(handle)
        handle.close()
        raise DataFileError(f"{path}: {_unreadable(exc, magic)}") from None
    rows = SheetRows(_sheet_rows(workbook, sheet, handle, path, uncomputed))
    if len(workbook.worksheets) > 1:
        rows.where, rows.title, rows.others = f"{path}（工作表「{sheet.title}」）", sheet.title, others
    return rows


class SheetRows:
    """The rows of the sheet of a workbook that is read (its first visible one); with several sheets, the name
    messages give it (`where`: the file and the sheet), and the first row of each other visible sheet (`others`)."""

    def __init__(self, rows):
        self.rows = rows

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.rows)


class _Uncomputed:
    """A formula cell with no value saved (`UNCOMPUTED`): a workbook a program wrote and no Excel or WPS computed."""

    def __repr__(self):
        return "（未计算的公式）"


UNCOMPUTED = _Uncomputed()
_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")  # a cell's <f>, a namespace prefix or not


def _uncomputed_cells(handle, sheet) -> dict[int, set[int]]:
    """The cells of `sheet` (row number → column indexes) that hold a formula saved with no value: no ``<v>``, or an
    empty one that is not a string's (``t="str"``: a formula that gives "" is blank).  openpyxl reads such a cell
    as blank, as it reads a computed blank; a program that writes formulas (openpyxl itself) leaves them so until
    Excel or WPS computes and saves the workbook.  A sheet without ``<f>`` in its bytes costs one search of them;
    one with formulas is parsed once more (defusedxml, within `limits`: `_check_parts` has looked)."""
    import zipfile

    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import coordinate_to_tuple

    part = getattr(sheet, "_worksheet_path", None)
    if part is None:
        return {}
    handle.seek(0)
    with zipfile.ZipFile(handle) as archive:
        data = archive.read(part.lstrip("/"))
        if _FORMULA_TAG.search(data) is None:
            return {}

    found: dict[int, set[int]] = {}
    for _, element in iterparse(io.BytesIO(data)):
        if element.tag.rpartition("}")[2] != "c":
            continue
        formula = value = None
        for child in element:
            local = child.tag.rpartition("}")[2]
            if local == "f":
                formula = child
            elif local == "v":
                value = child
        if formula is not None and (value is None or not value.text) and element.get("t") not in ("str", "e"):
            where = element.get("r")  # (a cell without one is placed by its position: no program writes one so)
            try:
                row, column = coordinate_to_tuple(where) if where else (None, None)
            except ValueError:
                row = None
            if row is not None:
                found.setdefault(row, set()).add(column - 1)
        element.clear()
    return found


def _seekable(handle, path: str):
    """`handle`, or, for a named pipe or `<(…)` (a zip is read from its end), its bytes in memory."""
    if handle.seekable():
        return handle
    with handle:
        data = handle.read(limits.WORKBOOK_BYTES + 1)
    if len(data) > limits.WORKBOOK_BYTES:
        raise DataFileError(f"{path}: 工作簿超过 {limits.shown_bytes(limits.WORKBOOK_BYTES)}")
    return io.BytesIO(data)


def _require_defused_xml():
    from openpyxl.xml import functions

    if not (functions.iterparse.__module__.startswith("defusedxml")
            and functions.fromstring.__module__.startswith("defusedxml")):
        raise DataFileError("读取工作簿须经 defusedxml 解析 XML（以防 XML 炸弹和外部实体），但它未被启用："
                            "请安装 defusedxml，且不要设置 OPENPYXL_DEFUSEDXML=False")


def _check_parts(handle, path: str):
    """Refuse a workbook whose parts would inflate beyond `limits` (the sizes its zip directory declares,
    which is also as far as the zip module will ever inflate them)."""
    import zipfile

    with zipfile.ZipFile(handle) as archive:
        parts = archive.infolist()
        if len(parts) > limits.WORKBOOK_PARTS:
            raise DataFileError(f"{path}: 工作簿有 {len(parts)} 个部件，超过上限 {limits.WORKBOOK_PARTS}")
        total = sum(part.file_size for part in parts)
        if total > limits.WORKBOOK_BYTES:
            raise DataFileError(f"{path}: 工作簿解压后有 {limits.shown_bytes(total)}（{total} 字节），超过上限 "
                                f"{limits.shown_bytes(limits.WORKBOOK_BYTES)}（可能是压缩炸弹）")
        for part in parts:
            if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > limits.SHARED_STRINGS_BYTES:
                size, most = limits.shown_bytes(part.file_size), limits.shown_bytes(limits.SHARED_STRINGS_BYTES)
                raise DataFileError(f"{path}: 工作簿的共享字符串表解压后有 {size}（{part.file_size} 字节），"
                                    f"超过上限 {most}")


#: How an OLE compound file begins: an Excel 97–2003 .xls, or an xlsx encrypted with a password to open it.
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
#: The stream an encrypted workbook keeps its key's description in, as its OLE directory names it.
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def _ole_kind(handle) -> str:
    """``"encrypted"`` or ``"xls"`` for an OLE file (a workbook with a password to open it holds its package
    encrypted, beside an ``EncryptionInfo`` stream), told from at most `limits.WORKBOOK_BYTES` of it."""
    try:
        handle.seek(0)
        data = handle.read(limits.WORKBOOK_BYTES)
    except OSError:
        return "xls"
    return "encrypted" if _ENCRYPTION_INFO in data else "xls"


_OLE_WHY = {"encrypted": "工作簿设有打开密码（已加密），无法读取：请在 Excel 或 WPS 中打开，删除密码"
                         "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码；WPS：文件 → 文档加密）后保存，再读取",
            "xls": "这是旧版 Excel 97–2003（.xls）格式的工作簿：请在 Excel 或 WPS 中另存为 .xlsx"}


def _unreadable(exc: BaseException, magic: bytes = b"PK\x03\x04") -> str:
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - a declared dependency
        DefusedXmlException = ()  # noqa: N806
    causes = []
    while exc is not None and len(causes) < 10:  # openpyxl wraps the parser's error in a ValueError of its own
        causes.append(exc)
        exc = exc.__cause__ or exc.__context__
    if any(isinstance(cause, DefusedXmlException) for cause in causes):
        return "工作簿的 XML 含有 DTD 或实体声明（XML 炸弹或外部实体的手法），为安全起见不予读取"
    if any(isinstance(cause, SyntaxError) for cause in causes):  # xml.etree's ParseError
        return "工作簿的 XML 已损坏，无法读取"
    if magic in _OLE_WHY:
        return f"不是有效的 xlsx 文件（{_OLE_WHY[magic]}）"
    why = "文件是空的" if not magic else "工作簿已损坏或不完整" if magic == b"PK\x03\x04" else \
        "它不是 Excel 工作簿：是否把 .xls、.csv 或别的文件改成了 .xlsx？"
    return f"不是有效的 xlsx 文件（{why}）"


def _sheet_rows(workbook, sheet, handle, path: str, uncomputed=None):
    """The rows of `sheet` of `workbook`; a cell of `uncomputed` (`_uncomputed_cells`) is `UNCOMPUTED`, not a
    blank (its input would silently take its default)."""
    import zipfile

    number = 0
    try:
        if sheet is None:
            raise IndexError("no sheet")
        declared = sheet.max_column if isinstance(sheet.max_column, int) else None
        if declared is not None and declared > limits.COLUMNS:
            raise DataFileError(f"{path}: 工作表声明了 {declared} 列，超过上限 {limits.COLUMNS} 列")
        width = declared or limits.COLUMNS
        rows = sheet.iter_rows(values_only=True, max_col=width)
        for number, row in enumerate(rows, start=1):
            if uncomputed and number in uncomputed and number > 1:
                row = tuple(UNCOMPUTED if cell is None and index in uncomputed[number] else cell
                            for index, cell in enumerate(row))
            yield number, row
    except DataFileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, TypeError, AttributeError, IndexError,
            EOFError, zlib.error) as exc:
        raise DataFileError(f"{path}: 第 {number + 1} 行附近：{_unreadable(exc)}") from None
    finally:
        workbook.close()
        handle.close()


def visible_sheets(workbook) -> list:
    """A workbook's sheets a user sees, in order (all of them where every one is hidden): the first is the one read."""
    return [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"] or list(workbook.worksheets)
