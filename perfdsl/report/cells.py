"""A writer's escaped form of each basis text, kept by the text: most of a batch's texts are the renderer's kept
texts (the same string objects, their hashes cached), so one dictionary lookup each finds their cells.

The 评分表 writers had asked one question of every record's texts at once — a scan of all of them joined
(`neutralise`'s ``*_ANY`` pattern, `str.isprintable`) before escaping each where one needed it.  The scan
runs a character at a time through a class of ranges, ~20 ns a character, and a Chao'an record's leaves hold
~1,600 characters: ~30 µs a record, as much as the rest of the writer.  The cell of a text is a function of
the text alone (the escaping is), so it is kept; only a text not seen before (the few written every record)
is scanned, alone.
"""

from __future__ import annotations


class Cells:
    """``cells(texts) -> list``: `escape` of each text, kept (at most `SIZE` texts: memory stays bounded)."""

    __slots__ = ("escape", "kept")

    SIZE = 4096

    def __init__(self, escape):
        self.escape = escape
        self.kept: dict = {}

    def __call__(self, texts) -> list:
        kept = self.kept
        cells = list(map(kept.get, texts))
        if None in cells:
            if len(kept) >= self.SIZE:  # a batch of ever new texts: dropped, the common ones found again
                kept.clear()
            escape = self.escape
            for position, cell in enumerate(cells):
                if cell is None:
                    text = texts[position]
                    cell = kept.get(text)  # (a text twice in one call: escaped once)
                    if cell is None:
                        cell = kept[text] = escape(text)
                    cells[position] = cell
        return cells
