"""Source text and positions: every diagnostic points into a `SourceFile` through a `Span`."""

from __future__ import annotations

import unicodedata

from .frozen import field, frozen


def _lines_of(source: SourceFile) -> tuple[str, ...]:
    return split_lines(source.text)


@frozen(eq=False)
class SourceFile:
    """A ruleset's text and the name it is reported under (a path, or ``<string>``)."""

    path: str
    text: str = field(repr=False)
    lines: tuple[str, ...] = field(init=False, repr=False, factory=_lines_of, takes_self=True)

    def line(self, number: int) -> str:
        """The text of 1-based line `number` ('' past the end)."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return ""

    def end_span(self) -> Span:
        """A zero-width span just after the last character (where EOF errors point)."""
        last = len(self.lines)
        column = len(self.line(last)) + 1
        return Span(self, last, column, last, column)


@frozen(eq=False)
class Span:
    """A 1-based, end-exclusive range of characters in a `SourceFile`.

    Spans never take part in equality: two ASTs parsed from differently laid
    out text compare equal when they mean the same thing.
    """

    source: SourceFile = field(repr=False)
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of_token(cls, source: SourceFile, token) -> Span:
        return cls(source, token.line, token.column, token.end_line, token.end_column)

    def to(self, other: Span) -> Span:
        """The span from the start of `self` to the end of `other`."""
        return Span(self.source, self.line, self.column, other.end_line, other.end_column)

    @property
    def text(self) -> str:
        """The source text the span covers (first line only)."""
        line = self.source.line(self.line)
        end = self.end_column - 1 if self.end_line == self.line else len(line)
        return line[self.column - 1 : end]

    def location(self) -> str:
        return f"{self.source.path}:{self.line}:{self.column}"


def split_lines(text: str) -> tuple[str, ...]:
    """The lines of `text` as Lark numbers them: broken at ``\n`` only.

    `str.splitlines` also breaks at ``\r``, ``\x0c``, ``\u2028`` and others,
    which the lexer takes as ordinary characters, so every line after one of
    them would be shown for the wrong line number.  A ``\r`` just before the
    ``\n`` is not shown (Windows line ends); a final ``\n`` ends the last line
    rather than starting an empty one.
    """
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return tuple(line[:-1] if line.endswith("\r") else line for line in lines)


def display_width(text: str) -> int:
    """Terminal columns `text` occupies: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
