"""Data files → records, one at a time: JSON (an object or an array), JSON Lines, CSV, Excel.

A file that cannot be read at all is a `DataFileError` with its location;
a bad line of a JSON Lines file or a bad row of a table is an error *for that
record only*, reported in its place, so a batch never loses a record silently.
Tables are read by `tabular`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import attrs

from . import jsonstream, limits, tabular
from .errors import DataFileError, DataValueError, UsageError
from .files import open_text

#: Formats a data file may have, by extension.
FORMATS = (".json", ".jsonl", ".csv", ".xlsx")


@attrs.frozen
class Batch:
    """The records of a data file: `single` when it held one object (results print as one object)."""

    records: object  # an iterable of (position, raw record or DataValueError)
    single: bool
    lenient: bool = False  # values came as text (CSV, spreadsheets)
    locate: object = None  # (raw record, key) → where the value sits in the file, e.g. "第 7 行 AH 列"


def loads(text: str, path: str = "<string>"):
    """Parse JSON with exact decimals; a syntax error becomes a located `DataFileError`."""
    try:
        return jsonstream.DECODER.decode(text)
    except json.JSONDecodeError as exc:
        line_text = text.split("\n")[exc.lineno - 1] if text else ""
        raise DataFileError(jsonstream.located(path, line_text, exc.lineno, exc.colno,
                                               f"不是有效的 JSON：{jsonstream.reason(exc.msg)}")) from None
    except jsonstream.Duplicate as exc:
        raise DataFileError(f"{path}: 键 `{exc.key}` 在同一条记录中出现了两次") from None
    except RecursionError:
        raise DataFileError(f"{path}: JSON 嵌套过深（一条记录最多 {limits.JSON_DEPTH} 层）") from None


def read(path: str, model=None) -> Batch:
    """Open a data file (``-`` is standard input, as JSON) and return its records.

    With the ruleset's `model`, a table's header is checked against its inputs at once.
    """
    if path == "-":
        return _json_batch(sys.stdin, "<stdin>")
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"{path}: 不支持的数据文件格式 `{suffix or '(无扩展名)'}`（可用：{'、'.join(FORMATS)}）")
    if suffix == ".jsonl":
        return Batch(_jsonl_records(open_text(path, "数据文件"), path), single=False)
    if suffix in (".csv", ".xlsx"):
        rows = tabular.csv_rows(path) if suffix == ".csv" else tabular.xlsx_rows(path)
        columns, records = tabular.records(rows, path, model, delimited=suffix == ".csv")
        return Batch(records, single=False, lenient=True, locate=columns.locate)
    return _json_batch(open_text(path, "数据文件"), path)


def _json_batch(handle, path: str) -> Batch:
    """A JSON file's records, streamed: an array is decoded element by element (jsonstream)."""
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


def _jsonl_records(handle, path):
    """One record per line; a bad line (invalid, too long, too deep) is that record's error in its place."""
    position = 0
    number = 0
    with handle:
        try:
            while True:
                line = handle.readline(limits.RECORD_CHARS + 1)
                if not line:
                    return
                number += 1
                if not line.strip():
                    continue
                position += 1
                if len(line) > limits.RECORD_CHARS and not line.endswith("\n"):
                    while line and not line.endswith("\n"):  # skip the rest of the line, a chunk at a time
                        line = handle.readline(jsonstream.CHUNK)
                    yield position, DataValueError(f"第 {number} 行超过 {limits.RECORD_CHARS} 个字符", record=position)
                    continue
                try:
                    value = loads(line, f"{path}:{number}")
                except DataFileError as exc:
                    yield position, DataValueError(f"第 {number} 行不是有效的 JSON：{exc}", record=position)
                    continue
                if jsonstream.depth(value) > limits.JSON_DEPTH:
                    value = DataValueError(f"第 {number} 行嵌套过深（数组和对象最多 {limits.JSON_DEPTH} 层）",
                                           record=position)
                yield position, value
        except UnicodeDecodeError as exc:
            raise DataFileError(f"{path}: 不是 UTF-8 文本（第 {number + 1} 行附近，{exc.reason}）") from None
