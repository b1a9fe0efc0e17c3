"""Text as a terminal shows it: widths in columns, lines wrapped where Chinese allows, bounded excerpts.

A CJK character takes two columns, so padding and wrapping by ``len`` go
wrong.  Lines break at spaces, between two CJK characters, after closing and
before opening punctuation — never inside a number, a formula token or a
word (``6440687.91元`` stays whole), never before ``，。；：）`` and the like
(the rule of Chinese typesetting, 避头尾), never after ``（「《``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Full-width closing punctuation: a line may break after it, never before it.
_CLOSING = "，。、；：！？）》」』】〕〉”’…"
#: May not begin a line: closing punctuation (full-width and ASCII) and marks glued to what precedes them.
NO_LINE_START = frozenset(_CLOSING + ",.;:!?)]}%‰·ー々")
#: Full-width opening brackets and quotes: a line may break before one, never after it.
NO_LINE_END = frozenset("（《「『【〔〈“‘")
#: Operators written between spaces (``6 - 3 = 3``): they end a line rather than begin one.
OPERATORS = frozenset({"=", "-", "+", "×", "÷", "/", "≤", "≥", "<", ">", "≈", "≠", "→"})


class _Columns(dict):
    """Each character's terminal columns (2 for East Asian wide and full-width), looked up once per character."""

    def __missing__(self, ch: str) -> int:
        columns = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if ch <= "\uffff":  # kept for the 65,536 characters of the BMP at most: hostile text cannot grow it further
            self[ch] = columns
        return columns


_COLUMNS = _Columns()


def width(text: str) -> int:
    """Terminal columns of `text` (CJK and full-width characters count two): `source.display_width`, faster —
    a dict lookup per character, made in C by `map` (the writers ask it of every basis line)."""
    return len(text) if text.isascii() else sum(map(_COLUMNS.__getitem__, text))


def pad(text: str, columns: int, right: bool = False) -> str:
    """`text` padded with spaces to `columns` terminal columns (left-aligned unless `right`)."""
    fill = " " * max(columns - width(text), 0)
    return fill + text if right else text + fill


@lru_cache(maxsize=4096)
def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" and ch not in NO_LINE_START and ch not in NO_LINE_END


def _breakable(before: str, after: str) -> bool:
    """May a line break fall between two adjacent, non-space characters?"""
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return before in _CLOSING or after in NO_LINE_END or (_wide(before) and _wide(after))


def _pieces(text: str) -> list[list]:
    """[separated from the one before by a space, piece] for each unbreakable piece of `text`.

    A piece that may not begin a line (``，`` after a space, an operator) joins the one before it.
    """
    out: list[list] = []
    for spaced, piece in _split(text):
        if out and (piece[0] in NO_LINE_START or (spaced and piece in OPERATORS)):
            out[-1][1] += (" " if spaced else "") + piece
        else:
            out.append([spaced, piece])
    return out


def _split(text: str):
    spaced = False
    start = None
    for index, ch in enumerate(text):
        if ch == " ":
            if start is not None:
                yield spaced, text[start:index]
                start = None
            spaced = True
            continue
        if start is None:
            start = index
        elif _breakable(text[index - 1], ch):
            yield spaced, text[start:index]
            spaced = False
            start = index
    if start is not None:
        yield spaced, text[start:]


def wrap(text: str, columns: int) -> list[str]:
    """`text` as lines of at most `columns` terminal columns (one piece wider than that is folded)."""
    columns = max(columns, 2)
    if width(text) <= columns:
        return [text]
    lines: list[str] = []
    line, used = "", 0
    for spaced, piece in _pieces(text):
        size = width(piece)
        gap = 1 if spaced and line else 0
        if used + gap + size <= columns:
            line, used = line + " " * gap + piece, used + gap + size
            continue
        if line:
            lines.append(line)
        line, used = "", 0
        while size > columns:  # a piece wider than the line: fold it, keeping 避头尾 where it can
            head = _fold(piece, columns)
            lines.append(head)
            piece = piece[len(head):]
            size = width(piece)
        line, used = piece, size
    if line:
        lines.append(line)
    return lines


def unwrap(text: str) -> str:
    """The lines of a paragraph joined into one: with a space between Latin words, none between Chinese."""
    out = ""
    for line in filter(None, (line.strip() for line in text.split("\n"))):
        if out and not (width(out[-1]) == 2 or width(line[0]) == 2):
            out += " "
        out += line
    return out


def _fold(piece: str, columns: int) -> str:
    """The longest head of `piece` within `columns` that does not leave a line-start mark at the cut."""
    used = cut = 0
    for ch in piece:
        used += width(ch)
        if used > columns:
            break
        cut += 1
    cut = max(cut, 1)
    while 1 < cut < len(piece) and piece[cut] in NO_LINE_START:
        cut -= 1
    return piece[:cut]


def excerpt(text: str, columns: int = 60) -> str:
    """`text` cut to about `columns` terminal columns with ``…`` — for quoting a value in a message."""
    if len(text) <= columns // 2 or width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        used += width(ch)
        if used > columns - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def window(line: str, column: int, columns: int = 100) -> tuple[str, int]:
    """A part of a long `line` around 1-based `column`, and where that column falls in it.

    Lines within `columns` come back whole; a longer one is cut to about
    `columns` columns with ``…`` on the cut sides, so a 5 KB line is never echoed.
    """
    if width(line) <= columns:
        return line, column
    start = max(column - 1 - columns // 3, 0)
    part = line[start:]
    kept, used = [], 0
    for ch in part:
        used += width(ch)
        if used > columns:
            break
        kept.append(ch)
    text = "".join(kept)
    shift = start
    if start > 0:
        text, shift = "…" + text, start - 1
    if len(kept) < len(part):
        text += "…"
    return text, column - shift
