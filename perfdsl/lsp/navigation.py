"""`textDocument/definition` and `textDocument/references`: names across the document and its includes."""

from __future__ import annotations

from lsprotocol import types

from .diagnostics import location
from .document import Analysis, uri_of
from .positions import contains

_START = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))


def definition(analysis: Analysis, line: int, column: int) -> list[types.Location]:
    """Where the name under the cursor is defined; on an include's path, the file it names."""
    for ref in analysis.includes:
        if ref.span is not None and contains(ref.span, line, column):
            return [types.Location(uri=uri_of(ref.target), range=_START)] if ref.target else []
    if analysis.index is None:
        return []
    item = analysis.index.at(analysis.path, line, column)
    if item is None:
        return []
    return [location(symbol.span) for symbol in analysis.index.targets(item)]


def references(analysis: Analysis, line: int, column: int, declaration: bool) -> list[types.Location]:
    """Every use of the name under the cursor (in this document and its includes), its definition too if asked."""
    if analysis.index is None:
        return []
    item = analysis.index.at(analysis.path, line, column)
    if item is None:
        return []
    symbols = analysis.index.targets(item)
    found = [location(use.span) for use in analysis.index.uses_of(symbols)]
    if declaration:
        found = [location(symbol.span) for symbol in symbols] + found
    return found
