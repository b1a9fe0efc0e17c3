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
    __slots__ = ("template", "pieces", "holes")

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

    def __call__(self, values) -> str:
        if len(values) != self.holes:  # (``%`` says what is wrong)
            return self.template % tuple(values)
        pieces = self.pieces[:]
        pieces[1::2] = values
        try:
            return "".join(pieces)
        except TypeError:  # a value that is not a str: ``%`` shows its `str`
            return self.template % tuple(values)
