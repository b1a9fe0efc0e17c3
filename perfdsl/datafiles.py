"""Data files → records, one at a time: JSON (an object or an array), JSON Lines, CSV, Excel.

A file that cannot be read at all is a `DataFileError` with its location;
a bad line of a JSON Lines file or a bad row of a table is an error *for that
record only*, reported in its place, so a batch never loses a record silently.
Tables are read by `tabular`.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import attrs

from . import tabular
from .errors import DataFileError, DataValueError, UsageError
from .files import open_text, read_text
from .source import SourceFile, Span

#: Formats a data file may have, by extension.
FORMATS = (".json", ".jsonl", ".csv", ".xlsx")


@attrs.frozen
class Batch:
    """The records of a data file: `single` when it held one object (results print as one object)."""

    records: object  # an iterable of (position, raw record or DataValueError)
    single: bool
    lenient: bool = False  # values came as text (CSV, spreadsheets)
    locate: object = None  # (raw record, key) → where the value sits in the file, e.g. "第 7 行 AH 列"


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


class _Duplicate(ValueError):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def loads(text: str, path: str = "<string>"):
    """Parse JSON with exact decimals; a syntax error becomes a located `DataFileError`."""
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        message = f"不是有效的 JSON：{_json_reason(exc.msg)}"
        raise DataFileError(_located(path, text, exc.lineno, exc.colno, message)) from None
    except _Duplicate as exc:
        raise DataFileError(f"{path}: 键 `{exc.key}` 在同一条记录中出现了两次") from None


_JSON_REASONS = {
    "Expecting value": "此处缺少值",
    "Expecting ',' delimiter": "缺少逗号 `,`",
    "Expecting ':' delimiter": "缺少冒号 `:`",
    "Expecting property name enclosed in double quotes": "键须用双引号括起（或多了一个逗号）",
    "Unterminated string starting at": "字符串没有结尾的引号",
    "Extra data": "数据之后还有多余内容",
    "Invalid control character at": "字符串中有控制字符",
}


def _json_reason(message: str) -> str:
    return _JSON_REASONS.get(message, message)


def _located(path: str, text: str, line: int, column: int, message: str) -> str:
    source = SourceFile(path, text)
    span = Span(source, line, column, line, column + 1)
    from .errors import error

    return error("D101", message, span).render().replace("error[D101]: ", "error: ")


def read(path: str, model=None) -> Batch:
    """Open a data file (``-`` is standard input, as JSON) and return its records.

    With the ruleset's `model`, a table's header is checked against its inputs at once.
    """
    if path == "-":
        return _json_batch(sys.stdin.read(), "<stdin>")
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"{path}: 不支持的数据文件格式 `{suffix or '(无扩展名)'}`（可用：{'、'.join(FORMATS)}）")
    if suffix == ".jsonl":
        return Batch(_jsonl_records(open_text(path, "数据文件"), path), single=False)
    if suffix in (".csv", ".xlsx"):
        rows = tabular.csv_rows(path) if suffix == ".csv" else tabular.xlsx_rows(path)
        columns, records = tabular.records(rows, path, model, delimited=suffix == ".csv")
        return Batch(records, single=False, lenient=True, locate=columns.locate)
    return _json_batch(read_text(path, "数据文件", DataFileError), path)


def _json_batch(text: str, path: str) -> Batch:
    if not text.strip():
        raise DataFileError(f"{path}: 文件是空的")
    data = loads(text, path)
    if isinstance(data, dict):
        return Batch(iter([(1, data)]), single=True)
    if isinstance(data, list):
        return Batch(iter(enumerate(data, start=1)), single=False)
    raise DataFileError(f"{path}: 须是一条记录（JSON 对象）或一批记录（JSON 数组）")


def _jsonl_records(handle, path):
    position = 0
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                position += 1
                try:
                    yield position, loads(line, f"{path}:{number}")
                except DataFileError as exc:
                    yield position, DataValueError(f"第 {number} 行不是有效的 JSON：{exc}", record=position)
        except UnicodeDecodeError as exc:
            raise DataFileError(f"{path}: 不是 UTF-8 文本（第 {exc.start} 字节）") from None
