"""perfdsl positions (1-based lines, code-point columns) ↔ LSP positions (0-based, UTF-16 code units).

Lines are broken where the lexer breaks them, at ``\\n`` only (`source.split_lines`
says why); a column counts Python characters, so a character beyond the BMP
(𠀀) is one column to perfdsl and two code units to the editor.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ..source import Span

#: Where a client ends a line when it counts the lines of an edit's range (LSP's rule, not the lexer's).
_CLIENT_BREAK = re.compile(r"\r\n|\r|\n")


def lines_of(text: str) -> list[str]:
    """Every line, the last one too when the text ends with ``\\n`` (an editor can put its cursor there)."""
    return text.split("\n")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_lsp(lines: list[str], line: int, column: int) -> types.Position:
    """The LSP position of perfdsl's (line, column); positions past a line's end are clamped to it."""
    index = min(max(line, 1), len(lines)) - 1
    text = lines[index]
    return types.Position(line=index, character=_units(text[: max(column - 1, 0)]))


def from_lsp(lines: list[str], position: types.Position) -> tuple[int, int]:
    """perfdsl's (line, column) of an LSP position; a position inside a surrogate pair counts as its character."""
    index = min(max(position.line, 0), len(lines) - 1)
    text = lines[index]
    units = 0
    for offset, char in enumerate(text):
        if units >= position.character:
            return index + 1, offset + 1
        units += 2 if ord(char) > 0xFFFF else 1
    return index + 1, len(text) + 1


def to_range(lines: list[str], span: Span) -> types.Range:
    return types.Range(start=to_lsp(lines, span.line, span.column), end=to_lsp(lines, span.end_line, span.end_column))


def whole(lines: list[str]) -> types.Range:
    """The range of the whole text (what a full-document edit replaces)."""
    return types.Range(start=types.Position(line=0, character=0),
                       end=types.Position(line=len(lines) - 1, character=_units(lines[-1])))


def contains(span: Span, line: int, column: int) -> bool:
    """Whether perfdsl's (line, column) lies in `span` (its end included: a cursor just after a name is on it)."""
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def offset_in(text: str, position: types.Position) -> int:
    """The index in `text` of a position as the client counts it: lines end at ``\\n``, ``\\r\\n`` or ``\\r``
    (LSP's rule), columns are UTF-16 units; past a line's end is its end, past the last line the text's end."""
    start = 0
    for _ in range(position.line):
        found = _CLIENT_BREAK.search(text, start)
        if found is None:
            return len(text)
        start = found.end()
    found = _CLIENT_BREAK.search(text, start)
    end = found.start() if found is not None else len(text)
    units = 0
    for index in range(start, end):
        if units >= position.character:
            return index
        units += 2 if ord(text[index]) > 0xFFFF else 1
    return end


def apply_change(text: str, change) -> str:
    """`text` once a didChange content change is applied: the whole new text, or new text in place of a range."""
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return change.text
    start, end = offset_in(text, change.range.start), offset_in(text, change.range.end)
    return text[:start] + change.text + text[max(start, end):]
