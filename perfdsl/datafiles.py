"""Data files → records, one at a time: JSON (an object or an array), JSON Lines, CSV, Excel.

A file that cannot be read at all is a `DataFileError` with its location;
a bad line of a JSON Lines file or a bad row of a table is an error *for that
record only*, reported in its place, so a batch never loses a record silently.
Tables are read by `tabular`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import stat
import sys
from pathlib import Path

from . import jsonlbytes, jsonstream, limits, shortfigures, stdindata, tabular
from .errors import DataFileError, DataValueError, UsageError
from .files import STDIN, open_binary, open_text
from .frozen import evolve, frozen
from .source import SourceFile, Span
from .textwidth import excerpt, window

#: Formats a data file may have, by extension.
FORMATS = (".json", ".jsonl", ".csv", ".xlsx", ".xlsm")
#: Extensions read as another's format: a macro-enabled workbook is an xlsx with macros (never run: cells are read).
WORKBOOKS = {".xlsm": "xlsx"}


@frozen
class Batch:
    """The records of a data file: `single` when it held one object (results print as one object)."""

    records: object  # an iterable of (position, raw record or DataValueError)
    single: bool
    lenient: bool = False  # values came as text (CSV, spreadsheets)
    locate: object = None  # (raw record, key) → where the value sits in the file, e.g. "第 7 行 AH 列"

    def located(self, error, raw):
        """`error` of record `raw` with where each bad value sits in a table (``第 7 行 AH 列``) in its message, and
        in its warnings' (`located_warnings`)."""
        if self.locate is not None:
            error.locate(lambda key: self.locate(raw, key))
            error.warnings = self.located_warnings(error.warnings, raw)
        return error

    def located_warnings(self, warnings, raw) -> tuple:
        """`warnings` of record `raw`, each with where its value sits in a table, as a record's errors say it."""
        if self.locate is None:
            return tuple(warnings)
        out = []
        for warning in warnings:
            where = self.locate(raw, warning.key)
            out.append(evolve(warning, message=f"{warning.message}（{where}）") if where else warning)
        return tuple(out)


_DECODER = jsonstream.DECODER
_Duplicate = jsonstream.Duplicate
_json_reason = jsonstream.reason


@contextlib.contextmanager
def _json_errors(text: str, path: str):
    """A JSON syntax error or a repeated key in `text` as a located `DataFileError`."""
    try:
        yield
    except json.JSONDecodeError as exc:
        message = f"不是有效的 JSON：{_json_reason(exc.msg)}"
        raise DataFileError(_located(path, text, exc.lineno, exc.colno, message)) from None
    except _Duplicate as exc:
        raise DataFileError(f"{path}: 键 `{excerpt(str(exc.key))}` 在同一条记录中出现了两次") from None
    except RecursionError:
        raise DataFileError(f"{path}: JSON 嵌套过深（一条记录最多 {limits.JSON_DEPTH} 层）") from None


def loads(text: str, path: str = "<string>"):
    """Parse JSON with exact decimals; a syntax error becomes a located `DataFileError`."""
    with _json_errors(text, path):
        return _DECODER.decode(text)


def _located(path: str, text: str, line: int, column: int, message: str) -> str:
    source = SourceFile(path, text)
    span = Span(source, line, column, line, column + 1)
    from .errors import error

    return error("D101", message, span).render().replace("error[D101]: ", "error: ")


def read(path: str, model=None, form: str | None = None) -> Batch:
    """Open a data file (``-`` is standard input) and return its records.

    `form` (``json``, ``jsonl``, ``csv``, ``xlsx``) overrides the extension, or what
    standard input is sniffed to hold (`stdindata`).  With the ruleset's `model`,
    a table's header is checked against its inputs at once.  A file that holds
    no record at all is a `DataFileError`, like an empty file.
    """
    if path == "-":
        form, handle = stdindata.open_stream(sys.stdin.buffer, form)
        if form is None:
            raise DataFileError(f"{STDIN}: 没有数据（标准输入是空的）")
        return _nonempty(_read(form, handle, STDIN, model), STDIN, form)
    if form is None:
        suffix = Path(path).suffix.lower()
        if suffix not in FORMATS:
            raise UsageError(f"{path}: 不支持的数据文件格式 `{suffix or '(无扩展名)'}`{OTHER_FORMATS.get(suffix, '')}"
                             f"（可用：{'、'.join(FORMATS)}；或用 --input-format 指定）")
        form = WORKBOOKS.get(suffix, suffix[1:])
    return _nonempty(_read(form, None, path, model), path, form)


#: Formats a user may have in hand instead, and what to do about them.
OTHER_FORMATS = {".xls": "：请在 Excel 或 WPS 中另存为 .xlsx", ".et": "：请在 WPS 中另存为 .xlsx",
                  ".txt": "：若是 CSV 或 Excel 的“Unicode 文本”，请改扩展名为 .csv"}


def _read(form: str, handle, path: str, model) -> Batch:
    """The records in `form` of `handle` (open text; binary for a workbook), or of the file at `path`."""
    if form == "jsonl":
        if handle is None and _regular(path):  # read as text here, or as bytes for workers (`JsonLinesFile`)
            return Batch(JsonLinesFile(path), single=False)
        if handle is None:  # a named pipe or `<(…)`: it can be read only once, so it is streamed as text
            handle = open_text(path, "数据文件")
        return Batch(_jsonl_records(_lines(handle), path, handle), single=False)
    if form == "json?":  # standard input beginning with `{`: JSON Lines if its first line is a record by itself
        try:
            first = handle.readline()
            second = next((line for line in handle if line.strip()), "") if _is_object(first) else None
        except UnicodeDecodeError as exc:  # in the first lines, or the chunk read ahead of them
            handle.close()
            raise jsonlbytes.not_utf8(path, exc, 1) from None
        if second is not None:
            if second:  # more lines follow: JSON Lines, streamed (a bad line is its record's error)
                lines = itertools.chain([first, second], _lines(handle))
                return Batch(_jsonl_records(lines, path, handle), single=False)
            handle.close()
            return _json_batch(first, path)  # one object on one line: one record, as from a .json file
        try:
            text = first + handle.read()
        except UnicodeDecodeError as exc:
            handle.close()
            raise jsonlbytes.not_utf8(path, exc, 1) from None
        try:
            return _json_batch(text, path, several=True)
        except DataFileError:
            lines = [line for line in text.split("\n") if line.strip()]  # not `splitlines`: U+2028 may be in a string
            if _jsonl_with_a_bad_line(lines):  # its first line cut off or mistyped: that line is its record's error
                return Batch(_jsonl_records(iter(text.split("\n")), path, handle), single=False)
            raise
    if form in ("csv", "xlsx"):
        if form == "xlsx":
            rows = tabular.xlsx_rows(path, handle)
        elif handle is None:
            rows = tabular.csv_rows(path)
        else:
            try:
                rows = tabular.csv_stream_rows(handle, path)
            except UnicodeDecodeError:
                raise DataFileError(f"{path}: 既不是 UTF-8 也不是 GB18030 编码的文本") from None
        columns, records = tabular.records(rows, path, model, delimited=form == "csv")
        return Batch(records, single=False, lenient=True, locate=columns.locate)
    return _json_stream(handle if handle is not None else open_text(path, "数据文件"), path)


def _regular(path: str) -> bool:
    """Whether `path` is a regular file, which `JsonLinesFile` may open more than once."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # missing or unreadable: `JsonLinesFile` says so when it opens it
        return True


def _jsonl_with_a_bad_line(lines: list) -> bool:
    """Whether `lines` (not blank), no JSON document, are JSON Lines: each begins an object, and one of the
    first few after the first is a whole object by itself (a pretty-printed document's inner lines begin
    with a key, and its closing lines with ``}``)."""
    return len(lines) > 1 and all(line.lstrip()[:1] == "{" for line in lines) \
        and any(_is_object(line) for line in lines[1:4])


def _is_object(line: str) -> bool:
    try:
        return isinstance(loads(line), dict)
    except DataFileError:
        return False


def _nonempty(batch: Batch, path: str, form: str) -> Batch:
    """`batch` as it was, unless it holds no record: that is an error (exit 2), said before any output."""
    if isinstance(batch.records, JsonLinesFile):
        records = batch.records.lines()
        first = next(records, None)
        records.close()  # read again from its start, as text or as bytes
        batch.records.forget()
    else:
        records = iter(batch.records.lines() if isinstance(batch.records, JsonLines) else batch.records)
        first = next(records, None)
    if first is None:
        why = "表头之后没有数据行（模板还没有填写？）" if form in ("csv", "xlsx") else \
            "JSON 数组是空的" if form == "json" else "没有一行记录"
        raise DataFileError(f"{path}: 没有可以计分的记录：{why}")
    if isinstance(batch.records, JsonLinesFile):
        return batch
    records = itertools.chain([first], records)
    return evolve(batch, records=JsonLines(records) if isinstance(batch.records, JsonLines) else records)


def _json_batch(text: str, path: str, several: bool = False) -> Batch:
    """One record (an object) or a batch (an array); with `several`, also objects one after another."""
    if not text.strip():
        raise DataFileError(f"{path}: 文件是空的")
    if several:
        values = _json_values(text, path)
        if len(values) > 1:
            return Batch(iter(enumerate(values, start=1)), single=False)
        data = values[0]
    else:
        data = loads(text, path)
    if isinstance(data, dict):
        return Batch(iter([(1, data)]), single=True)
    if isinstance(data, list):
        return Batch(iter(enumerate(data, start=1)), single=False)
    raise DataFileError(f"{path}: 须是一条记录（JSON 对象）或一批记录（JSON 数组）")


def _json_stream(handle, path: str) -> Batch:
    """A JSON file's records, streamed: an array is decoded element by element (jsonstream), so memory
    holds one record however large the file."""
    try:
        single, values = jsonstream.values(handle, path)
    except BaseException:
        handle.close()
        raise
    return Batch(_bounded(values), single=single)


def _bounded(values):
    """Each record, or its error in its place when it nests deeper than `limits.JSON_DEPTH`."""
    for position, value in values:
        if jsonstream.depth(value) > limits.JSON_DEPTH:
            value = DataValueError(f"记录嵌套过深（数组和对象最多 {limits.JSON_DEPTH} 层）", record=position)
        yield position, value


class _TooLong(str):
    """A line of JSON Lines longer than `limits.RECORD_CHARS`, read no further than that."""


def _lines(handle):
    """The lines of `handle`, none read past `limits.RECORD_CHARS` (a longer one is a `_TooLong`)."""
    while True:
        line = handle.readline(limits.RECORD_CHARS + 1)
        if not line:
            return
        if len(line) > limits.RECORD_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # skip the rest of the line, a chunk at a time
                line = handle.readline(jsonstream.CHUNK)
            yield _TooLong("x")
            continue
        yield line


def _json_values(text: str, path: str) -> list:
    """The JSON values in `text` one after another (``cat a.json b.json``), each a record."""
    values, at = [], 0
    with _json_errors(text, path):
        while True:
            while at < len(text) and text[at] in " \t\r\n":
                at += 1
            if at == len(text):
                return values
            value, at = _DECODER.raw_decode(text, at)
            values.append(value)


class JsonLines:
    """The records of a JSON Lines file, each decoded (`line_record`) as it is reached.

    `lines()` hands out the lines instead — (position, line number, text), the blank ones left out — for
    another process to decode where the record is scored (`parallel`): reading them is all that is left
    here.  Either is the same single pass over the file; use one of them.
    """

    def __init__(self, lines):
        self._lines = lines

    def __iter__(self):
        for position, number, line in self._lines:
            yield position, line_record(position, number, line)

    def lines(self):
        return self._lines


class JsonLinesFile(JsonLines):
    """The records of a JSON Lines file on disk: read as text (`JsonLines`), or as blocks of bytes for worker
    processes to decode (`blocks`, `jsonlbytes`: this process only moves the bytes).  The file is opened
    when first read."""

    def __init__(self, path: str):
        super().__init__(None)
        self.path = path

    def lines(self):
        if self._lines is None:
            handle = open_text(self.path, "数据文件")
            self._lines = _jsonl_lines(_lines(handle), self.path, handle)
        return self._lines

    def __iter__(self):
        for position, number, line in self.lines():
            yield position, line_record(position, number, line)

    def forget(self):
        """Read from the start again next time."""
        self._lines = None

    def blocks(self, per_block: int, offsets: bool = False):
        """(line number, position, records, bytes of whole lines[, their offset in the file]) for `per_block`
        records at a time (`jsonlbytes.blocks`)."""
        from . import jsonlbytes

        return jsonlbytes.blocks(open_binary(self.path, "数据文件"), self.path, per_block, offsets)

    def size(self) -> int:
        try:
            return os.stat(self.path).st_size
        except OSError:
            return 0


def too_long() -> str:
    """What `JsonLinesFile.blocks` hands on for a line longer than `limits.RECORD_CHARS` (`line_record` says so)."""
    return _TooLong("x")


def _jsonl_records(lines, path, handle=None) -> JsonLines:
    """A record per non-blank line of `lines`; a bad line is an error for its record only.

    `handle` (by default `lines` itself) is closed at the end.
    """
    return JsonLines(_jsonl_lines(lines, path, handle))


def _jsonl_lines(lines, path, handle=None):
    """(position, line number, text) of every non-blank line; text not UTF-8 is a `DataFileError`."""
    position = number = 0
    try:
        for number, line in enumerate(lines, start=1):
            if not line or line.isspace():  # blank, as `not line.strip()` says, without a stripped copy of each line
                continue
            position += 1
            yield position, number, line
    except UnicodeDecodeError as exc:
        raise jsonlbytes.not_utf8(path, exc, number + 1) from None
    finally:
        (handle or lines).close()


_SCAN = json.JSONDecoder(parse_float=shortfigures.read, parse_int=shortfigures.read).scan_once


def _flat_record(line: str):
    """The record of a JSON Lines `line` when it is an object whose values nest no object deeper than one more
    object (no array) and no key repeats in either, or None: then `_DECODER.decode` reads it, and says what is
    wrong.  Decoded by the C scanner alone — no duplicate-key hook called for each object, no whitespace
    matched around it (`decode` would match none: the line starts with its ``{`` and the scan ends at its end).
    No key repeats when the line's colons are as many as the objects' entries: each pair has a colon of its
    own, a colon in a string only adds one, and a repeated key leaves an object fewer entries than pairs; its
    objects are all counted when its ``{`` are as many (one in a string only adds one).  Its figures are read
    by `shortfigures.read` (at most `shortfigures.DIGITS` digits each, else None), and the record marked so."""
    if line[:1] != "{" or "[" in line:
        return None
    try:
        value, end = _SCAN(line, 0)
    except Exception:  # noqa: BLE001 - `decode` reads it again and words what is wrong
        return None
    if end != len(line):
        return None
    entries, objects = len(value), 1
    braces = line.count("{")
    if braces > 1:
        for item in value.values():
            if item.__class__ is dict:
                entries += len(item)
                objects += 1
    if objects != braces or line.count(":") != entries:
        return None
    return value


def line_record(position: int, number: int, line: str):
    """The record on line `number` of a JSON Lines file (the `position`-th record), or its `DataValueError`."""
    if isinstance(line, _TooLong):
        return DataValueError(f"第 {number} 行超过 {limits.RECORD_CHARS} 个字符", record=position)
    line = line.rstrip("\r\n")
    value = _flat_record(line)
    if value is not None:
        shortfigures.mark(value)
        return value
    try:
        value = _DECODER.decode(line)
        if not jsonstream.shallow(line) and jsonstream.depth(value) > limits.JSON_DEPTH:
            value = DataValueError(f"第 {number} 行嵌套过深（数组和对象最多 {limits.JSON_DEPTH} 层）",
                                   record=position)
        return value
    except json.JSONDecodeError as exc:
        near, _ = window(line, exc.colno, 40)
        return DataValueError(f"第 {number} 行第 {exc.colno} 列不是有效的 JSON："
                              f"{_json_reason(exc.msg)}（附近：{near}）", record=position)
    except _Duplicate as exc:
        return DataValueError(f"第 {number} 行：键 `{excerpt(str(exc.key))}` 出现了两次", record=position)
    except RecursionError:
        return DataValueError(f"第 {number} 行嵌套过深（数组和对象最多 {limits.JSON_DEPTH} 层）", record=position)
