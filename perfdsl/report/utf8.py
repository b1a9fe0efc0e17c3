"""A 评分表 writer's record made as the UTF-8 bytes its output takes, or as text where it takes none.

A record's Markdown, HTML or table text is mostly the ruleset's (template pieces, headings, a table's head)
and texts a batch repeats (basis cells, figures); encoding the whole of it for every record cost more than
any other step of the writer (a Chao'an HTML section is 18.8 KB: ~190,000 instructions in the UTF-8
encoder, its join into one text widened every ASCII piece to two bytes a character first).  Here each
template's pieces are encoded once, each value through a cache of its bytes (a function of the text), and a
record is one join of bytes.  Encoding piece by piece gives the bytes of the whole text under every error
handler: each handles a character alone (UTF-8 never pairs two code points of a Python `str`).

`Encoding(None)` makes text, the same way, for an output that takes no bytes (an ``io.StringIO``).
"""

from __future__ import annotations


class Encoding:
    """How a writer's record is made: UTF-8 bytes with error handler `errors`, or text for None."""

    __slots__ = ("errors", "kept", "fills")

    SIZE = 8192  # texts whose bytes are kept (a batch of ever new texts: dropped, the common ones found again)

    def __init__(self, errors: str | None):
        self.errors = errors
        self.kept: dict = {}  # a text → its bytes
        self.fills: dict = {}  # a `Fill` → its pieces as bytes

    def texts(self, texts) -> list:
        """Each of `texts` (a sequence of str) as this output's bytes, kept; the texts themselves for text."""
        if self.errors is None:
            return texts
        kept = self.kept
        out = list(map(kept.get, texts))
        if None in out:  # the few new texts (a record's own amounts), found by `index` in C, not a loop over all
            if len(kept) >= self.SIZE:
                kept.clear()
            errors = self.errors
            position = out.index(None)
            while True:
                text = texts[position]
                out[position] = kept[text] = text.encode("utf-8", errors)
                try:
                    position = out.index(None, position + 1)
                except ValueError:
                    return out
        return out

    def text(self, text: str):
        """One text of the ruleset's or that a batch repeats (a table's head, a kept bar), as `texts`."""
        if self.errors is None:
            return text
        data = self.kept.get(text)
        if data is None:
            if len(self.kept) >= self.SIZE:
                self.kept.clear()
            data = self.kept[text] = text.encode("utf-8", self.errors)
        return data

    def escape(self, escape):
        """`escape` (text → text), its result in this output's kind (for `cells.Cells`: the bytes kept too)."""
        if self.errors is None:
            return escape
        errors = self.errors
        return lambda text: escape(text).encode("utf-8", errors)

    def fill(self, fill, values):
        """`fill(values)` (a `fill.Fill`), `values` already in this output's kind (`texts`)."""
        if self.errors is None or len(values) != fill.holes:  # (the wrong count fails as `Fill` says)
            return fill(values)
        pieces = self.fills.get(fill)
        if pieces is None:
            pieces = self.fills[fill] = [None if piece is None else piece.encode("utf-8", self.errors)
                                         for piece in fill.pieces]
        pieces = pieces[:]
        pieces[1::2] = values
        return b"".join(pieces)

    def join(self, parts: list):
        """The record: `parts` (texts, and bytes this made) joined; a text is encoded here, not kept (a record's
        own)."""
        if self.errors is None:
            return "".join(parts)
        errors = self.errors
        return b"".join([part if part.__class__ is bytes else part.encode("utf-8", errors) for part in parts])


def record_of(make, errors: str | None):
    """`record(item, *args)`: `make(encoding)`'s record as bytes with `errors`, or as text where `errors` is None or
    a text will not encode with it (a lone surrogate under ``strict``: the output then refuses it as it did)."""
    made = make(Encoding(errors))
    if errors is None:
        return made
    as_text = None

    def record(*args):
        nonlocal as_text
        try:
            return made(*args)
        except UnicodeEncodeError:
            if as_text is None:
                as_text = make(Encoding(None))
            return as_text(*args)

    return record
