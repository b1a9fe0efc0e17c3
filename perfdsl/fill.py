"""A ``%s`` template filled by one join: ``Fill(template)(values) == template % tuple(values)``.

The writers lay a record's text out once per ruleset as a ``%`` template (md, html and the table's lines, a JSON
object) and fill it per record.  ``%`` scans the whole template for its holes every time — a Chao'an 评分表 is
~6,000 characters, ~80,000 instructions a record in `PyUnicode_Format` — though where they are is known once:
the literal pieces between them are cut out here, and a record's text is one `str.join` of those pieces with
its values put between (a copy of each, nothing scanned).  A value that is not a `str` (``%`` would take its
`str`) goes the ``%`` way, so the text is the same whatever the values.
"""

from __future__ import annotations

import re

_HOLE = re.compile(r"%%|%s")


class Fill:
    __slots__ = ("template", "pieces", "holes", "_bytes")

    def __init__(self, template: str):
        self.template = template
        pieces, literal, at = [], [], 0
        for match in _HOLE.finditer(template):
            literal.append(template[at:match.start()])
            at = match.end()
            if match.group() == "%%":
                literal.append("%")
            else:
                pieces.append("".join(literal))
                pieces.append(None)
                literal = []
        literal.append(template[at:])
        pieces.append("".join(literal))
        if "%" in _HOLE.sub("", template):  # a conversion other than %s, or a lone %
            raise ValueError("only %s and %% in a Fill template")
        self.pieces = pieces
        self.holes = len(pieces) // 2
        self._bytes: dict = {}  # an error handler → the literal pieces in UTF-8 (`encoded`)

    def __call__(self, values) -> str:
        if len(values) != self.holes:  # (``%`` says what is wrong)
            return self.template % tuple(values)
        pieces = self.pieces[:]
        pieces[1::2] = values
        try:
            return "".join(pieces)
        except TypeError:  # a value that is not a str: ``%`` shows its `str`
            return self.template % tuple(values)

    def encoded(self, values, errors: str) -> bytes:
        """``self(values).encode("utf-8", errors)``, the template's own text encoded once: only the values are
        encoded per record (one call for them all, joined by NULs and split after; UTF-8 encodes each character
        alone, so the pieces put together are the whole text's bytes).  A UnicodeError is the caller's."""
        literal = self._bytes.get(errors)
        if literal is None:
            literal = self._bytes[errors] = [piece.encode("utf-8", errors) for piece in self.pieces[0::2]]
        if not self.holes:
            return literal[0]
        try:
            joined = "\0".join(values)
        except TypeError:  # a value that is not a str
            return self(values).encode("utf-8", errors)
        data = joined.encode("utf-8", errors).split(b"\0")
        if len(data) != self.holes:  # a value holding a NUL itself, or the wrong count
            return self(values).encode("utf-8", errors)
        out = literal + data
        out[0::2], out[1::2] = literal, data
        return b"".join(out)
