"""`textDocument/completion`: the names in scope (the includes' too) and the language's keywords.

Names come from the document's last analysis that resolved, so that a line
being typed — which does not parse yet — still offers them.
"""

from __future__ import annotations

from lsprotocol import types

from .. import parser, resolve, unparse
from .index import Index

_KINDS = {
    "input": types.CompletionItemKind.Variable, "field": types.CompletionItemKind.Field,
    "let": types.CompletionItemKind.Function, "scorecard": types.CompletionItemKind.Module,
    "group": types.CompletionItemKind.Class, "indicator": types.CompletionItemKind.Property,
    "grades": types.CompletionItemKind.Enum,
}
_DETAIL = {"input": "输入", "field": "列表字段", "let": "派生值", "scorecard": "计分卡", "group": "分组",
           "indicator": "指标", "grades": "等级表"}
#: Functions a formula may call: resolve's (so a new one is offered at once), the aggregates, deviation.
_FUNCTIONS = tuple(dict.fromkeys([*resolve.FUNCTIONS, *resolve.AGGREGATES, "deviation"]))


def complete(index: Index | None, prefix: str = "") -> list[types.CompletionItem]:
    items: dict[tuple[str, str], types.CompletionItem] = {}
    for symbol in index.symbols if index is not None else ():
        key = (symbol.name, symbol.kind)
        if key in items or not symbol.name.startswith(prefix):
            continue
        written = unparse.name(symbol.name)
        items[key] = types.CompletionItem(
            label=symbol.name, kind=_KINDS[symbol.kind], detail=_DETAIL[symbol.kind],
            insert_text=written if written != symbol.name else None,
            sort_text=f"0{symbol.name}",
        )
    words = sorted(parser.keywords() | set(_FUNCTIONS))
    for word in words:
        if word.startswith(prefix):
            kind = types.CompletionItemKind.Function if word in _FUNCTIONS else types.CompletionItemKind.Keyword
            items[(word, "keyword")] = types.CompletionItem(label=word, kind=kind, sort_text=f"1{word}")
    return list(items.values())


def word_before(line_text: str, column: int) -> str:
    """The part of a name typed just before the cursor (letters, digits, CJK; a leading backtick dropped)."""
    start = column - 1
    while start > 0 and (line_text[start - 1].isalnum() or line_text[start - 1] == "_"):
        start -= 1
    return line_text[start : column - 1]
