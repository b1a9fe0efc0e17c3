"""A JSON file read one value at a time: a top-level array streams record by record, in bounded memory.

The standard library's decoder does the parsing (exact `Decimal`s, duplicate
keys refused — the same reading as `datafiles.loads`); this module only feeds
it: the text is read in chunks, each element of the top-level array is decoded
with `raw_decode` where it starts, and the text before it is dropped.  Memory
is one record plus a chunk, however large the file.

(ijson was measured for this job: its C backend crashes the process on an
integer of more than 4,300 digits, and its pure-Python backend is several times
slower than this; see README, *Data*.)

A syntax error is a `DataFileError` located by line and column in the file,
with the line shown when it is short enough to show.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from . import jsonlbytes, limits
from .errors import DataFileError

CHUNK = 1 << 16  # characters read at a time
_SPACE = re.compile(r"[ \t\n\r]*")


class Duplicate(ValueError):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def no_duplicates(pairs):
    """An object's pairs as a dict, refusing a key written twice (the first such key is named)."""
    seen = dict(pairs)  # built in C; only an object with a repeated key is walked again
    if len(seen) != len(pairs):
        found = set()
        for key, _ in pairs:
            if key in found:
                raise Duplicate(key)
            found.add(key)
    return seen


def shallow(text: str) -> bool:
    """Whether the JSON `text` cannot nest deeper than `limits.JSON_DEPTH`: it opens no more arrays and objects
    than that (brackets inside strings counted too, so this only ever errs towards walking it with `depth`)."""
    return text.count("{") + text.count("[") <= limits.JSON_DEPTH


DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal, object_pairs_hook=no_duplicates)

_REASONS = {
    "Expecting value": "此处缺少值",
    "Expecting ',' delimiter": "缺少逗号 `,`",
    "Expecting ':' delimiter": "缺少冒号 `:`",
    "Expecting property name enclosed in double quotes": "键须用双引号括起（或多了一个逗号）",
    "Unterminated string starting at": "字符串没有结尾的引号",
    "Extra data": "数据之后还有多余内容",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义符 `\\`（反斜杠须写成 `\\\\`）",
    "Invalid \\uXXXX escape": "无效的 `\\u` 转义（须是 4 位十六进制数）",
    "Illegal trailing comma before end of object": "对象的最后多了一个逗号",
    "Illegal trailing comma before end of array": "数组的最后多了一个逗号",
}


def reason(message: str) -> str:
    """The decoder's reason for a syntax error, in Chinese."""
    if message.startswith("Invalid control character"):
        message = "Invalid control character at"
    return _REASONS.get(message, "格式错误")


def located(path: str, line_text: str | None, line: int, column: int, message: str) -> str:
    """``path:line:col: error: message`` with the line and a caret, as the ruleset messages look."""
    from .errors import error
    from .source import SourceFile, Span

    if line_text is None or len(line_text) > 300:  # a one-line file of 100 MB: the place, not the line
        return f"{path}:{line}:{column}: error: {message}"
    source = SourceFile(path, "\n" * (line - 1) + line_text)
    span = Span(source, line, column, line, column + 1)
    return error("D101", message, span).render().replace("error[D101]: ", "error: ")


class Reader:
    """The text of a file, consumed from the front; knows the line number of what it still holds."""

    def __init__(self, handle, path: str):
        self.handle = handle
        self.path = path
        self.text = ""
        self.pos = 0
        self.line = 1  # the line of text[0]
        self.eof = False

    def more(self, at_least: int = CHUNK) -> bool:
        """Read on (at least `at_least` characters, unless the file ends); False at the end of the file."""
        if self.eof:
            return False
        if self.pos > len(self.text) // 2:
            self.line += self.text.count("\n", 0, self.pos)
            self.text = self.text[self.pos:]
            self.pos = 0
        try:
            chunk = self.handle.read(max(at_least, CHUNK))
        except UnicodeDecodeError as exc:
            raise jsonlbytes.not_utf8(self.path, exc, self.line) from None
        if not chunk:
            self.eof = True
            return False
        if not self.text and self.line == 1 and chunk.startswith("\ufeff"):
            chunk = chunk[1:]
        self.text += chunk
        return True

    def skip_space(self) -> str:
        """The next character that is not whitespace ('' at the end of the file)."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def error(self, at: int, message: str) -> DataFileError:
        line = self.line + self.text.count("\n", 0, at)
        start = self.text.rfind("\n", 0, at) + 1
        end = self.text.find("\n", at)
        text = self.text[start: end if end >= 0 else len(self.text)]
        return DataFileError(located(self.path, text, line, at - start + 1, message))

    def value(self):
        """Decode the JSON value that starts here, reading on as far as it needs (up to `limits.RECORD_CHARS`)."""
        start = self.pos
        while True:
            try:
                value, end = DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.text) - 8 or exc.msg.startswith("Unterminated string")
                if cut and len(self.text) - self.pos <= limits.RECORD_CHARS and self.more(len(self.text) - self.pos):
                    start = self.pos
                    continue
                if cut and len(self.text) - self.pos > limits.RECORD_CHARS:
                    raise self.error(start, f"一条记录超过 {limits.RECORD_CHARS} 个字符，过大或括号没有闭合") from None
                raise self.error(exc.pos, f"不是有效的 JSON：{reason(exc.msg)}") from None
            except Duplicate as exc:
                raise self.error(start, f"键 `{exc.key}` 在同一条记录中出现了两次") from None
            except RecursionError:
                raise self.error(start, f"JSON 嵌套过深（一条记录最多 {limits.JSON_DEPTH} 层）") from None
            if end == len(self.text) and self.more():  # a number may go on in the next chunk
                continue
            self.pos = end
            return value


def values(handle, path: str):
    """(single, iterator of (position, value)) for a JSON file: one object, or the elements of an array."""
    reader = Reader(handle, path)
    first = reader.skip_space()
    if not first:
        raise DataFileError(f"{path}: 文件是空的")
    if first == "{":
        with handle:
            record = reader.value()
            _only_space_after(reader)
        return True, iter([(1, record)])
    if first != "[":
        raise reader.error(reader.pos, "须是一条记录（JSON 对象）或一批记录（JSON 数组）")
    reader.pos += 1
    return False, _elements(reader)


def _elements(reader: Reader):
    position = 0
    with reader.handle:
        while True:
            char = reader.skip_space()
            if char == "]":
                reader.pos += 1
                _only_space_after(reader)
                return
            if position:
                if char != ",":
                    raise reader.error(reader.pos, "不是有效的 JSON：缺少逗号 `,`" if char
                                       else "不是有效的 JSON：数组没有结尾的 `]`")
                reader.pos += 1
                char = reader.skip_space()
                if char == "]":
                    raise reader.error(reader.pos, "不是有效的 JSON：`]` 之前多了一个逗号")
            if not char:
                raise reader.error(reader.pos, "不是有效的 JSON：数组没有结尾的 `]`")
            position += 1
            yield position, reader.value()


def _only_space_after(reader: Reader):
    if reader.skip_space():
        raise reader.error(reader.pos, f"不是有效的 JSON：{reason('Extra data')}")


def depth(value) -> int:
    """How deeply arrays and objects nest in `value` (0 for a scalar), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > limits.JSON_DEPTH:
            return level
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
