"""`textDocument/documentSymbol`: the indicator tree as an outline, scorecard → group → indicator.

Each entry's `detail` is its weight (a scorecard's: its full marks).  Only
the document's own scorecards are listed; its inputs, lets and grade tables
follow them, so that the outline also leads to the declarations.
"""

from __future__ import annotations

from lsprotocol import types

from ..decimals import plain
from ..model import ScorecardSpec
from .diagnostics import span_range
from .document import Analysis
from .index import name_span


def outline(analysis: Analysis) -> list[types.DocumentSymbol]:
    model = analysis.model
    if model is None or analysis.index is None:
        return []
    own = [card for card in model.scorecards if card.span is not None and card.span.source.path == analysis.path]
    out = [_card(card) for card in own]
    for symbol in analysis.index.symbols:
        if symbol.kind in ("input", "let", "grades") and symbol.span.source.path == analysis.path:
            kind = {"input": types.SymbolKind.Variable, "let": types.SymbolKind.Function,
                    "grades": types.SymbolKind.Enum}[symbol.kind]
            where = span_range(symbol.span)
            out.append(types.DocumentSymbol(name=symbol.name, kind=kind, range=where, selection_range=where,
                                            detail={"input": "输入", "let": "派生值", "grades": "等级表"}[symbol.kind]))
    return out


def _card(card: ScorecardSpec) -> types.DocumentSymbol:
    def entry(index: int) -> types.DocumentSymbol:
        node = card.nodes[index]
        selection = span_range(name_span(node.span, node.name))
        return types.DocumentSymbol(
            name=node.name, detail=plain(node.declared),
            kind=types.SymbolKind.Field if node.is_leaf else types.SymbolKind.Namespace,
            range=span_range(node.span), selection_range=selection,
            children=[entry(child) for child in node.children] or None,
        )

    selection = span_range(name_span(card.span, card.name))
    return types.DocumentSymbol(name=card.name, detail=f"满分 {plain(card.max)}", kind=types.SymbolKind.Module,
                                range=span_range(card.span), selection_range=selection,
                                children=[entry(i) for i in card.top] or None)
