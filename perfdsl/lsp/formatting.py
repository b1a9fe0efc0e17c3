"""`textDocument/formatting`: what `perfdsl fmt` would write, as one edit of the whole document."""

from __future__ import annotations

from lsprotocol import types

from ..errors import PerfSyntaxError
from ..formatter import format_text
from .positions import lines_of, whole


def format_document(text: str, path: str) -> list[types.TextEdit]:
    """No edit when the text is already canonical or does not parse (the diagnostics say why)."""
    try:
        formatted = format_text(text, path)
    except PerfSyntaxError:
        return []
    if formatted == text:
        return []
    return [types.TextEdit(range=whole(lines_of(text)), new_text=formatted)]
