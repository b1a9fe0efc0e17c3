"""A read-only index of a resolved model: where every name is defined and where it is used.

Built from `Model.module` (the document with its includes spliced in, every
node's span naming its own file) and the scorecards' node lists; resolve is
not asked for anything it does not already produce.  Names live in three
namespaces, as the language has them: values (inputs, list fields, lets, a
scorecard's total), indicators (groups and indicators, which `move … to` and
`score of …` name) and grade tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import nodes
from ..model import Model, NodeSpec
from ..source import Span
from .positions import contains

VALUE, INDICATOR, GRADES = "value", "indicator", "grades"


@dataclass(frozen=True, eq=False)
class Symbol:
    """A definition: `kind` is input, field, let, scorecard, group, indicator or grades."""

    name: str
    kind: str
    span: Span  # the name as written (backticks included)
    decl: object  # the InputDecl / LetDecl / NodeSpec / ScorecardSpec / GradesDecl
    card: str | None = None  # the scorecard a group or indicator belongs to

    @property
    def namespace(self) -> str:
        return {"group": INDICATOR, "indicator": INDICATOR, "grades": GRADES}.get(self.kind, VALUE)


@dataclass(frozen=True, eq=False)
class Use:
    name: str
    namespace: str
    span: Span


@dataclass
class Index:
    symbols: list[Symbol] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)

    def defined(self, name: str, namespace: str | None = None) -> list[Symbol]:
        return [s for s in self.symbols if s.name == name and (namespace is None or s.namespace == namespace)]

    def at(self, path: str, line: int, column: int) -> Symbol | Use | None:
        """The definition or use whose name covers (line, column) of the file at `path`."""
        for item in [*self.symbols, *self.uses]:
            if item.span.source.path == path and contains(item.span, line, column):
                return item
        return None

    def targets(self, item: Symbol | Use) -> list[Symbol]:
        """The definitions `item` stands for (itself, when it is one)."""
        if isinstance(item, Symbol):
            return [item]
        return self.defined(item.name, item.namespace)

    def uses_of(self, symbols: list[Symbol]) -> list[Use]:
        wanted = {(s.name, s.namespace) for s in symbols}
        return [u for u in self.uses if (u.name, u.namespace) in wanted]


def name_span(span: Span, name: str) -> Span:
    """The span of `name` written at the start of `span` (a declaration's span runs on to its weight)."""
    line = span.source.line(span.line)
    width = len(name) + 2 if line[span.column - 1 : span.column] == "`" else len(name)
    return Span(span.source, span.line, span.column, span.line, span.column + width)


def _tail_span(span: Span, name: str) -> Span | None:
    """Where `name` is written last inside a one-line `span` (``score of `效率性/项目完成率```)."""
    if span.end_line != span.line:
        return None
    text = span.source.line(span.line)[span.column - 1 : span.end_column - 1]
    at = text.rfind(name)
    if at < 0:
        return None
    column = span.column + at
    return Span(span.source, span.line, column, span.line, column + len(name))


def build_index(model: Model) -> Index:
    index = Index()
    add = index.symbols.append
    for decl in model.module.decls:
        if isinstance(decl, nodes.InputDecl) and decl.span is not None:
            add(Symbol(decl.name, "input", decl.span, decl))
            for item in decl.type.fields:
                if item.span is not None:
                    add(Symbol(item.name, "field", item.span, item))
        elif isinstance(decl, nodes.LetDecl) and decl.span is not None:
            add(Symbol(decl.name, "let", decl.span, decl))
        elif isinstance(decl, nodes.GradesDecl) and decl.span is not None:
            add(Symbol(decl.name, "grades", decl.span, decl))
    for card in model.scorecards:
        if card.span is not None:
            add(Symbol(card.name, "scorecard", name_span(card.span, card.name), card))
        for node in card.nodes:
            if node.span is not None:
                add(Symbol(node.name, "indicator" if node.is_leaf else "group", name_span(node.span, node.name),
                           node, card.name))
    for item in nodes.walk(model.module):
        _use(index, item)
    return index


def _use(index: Index, item) -> None:
    uses = index.uses
    if isinstance(item, nodes.Name) and item.span is not None:
        uses.append(Use(item.name, VALUE, item.span))
    elif isinstance(item, nodes.Each) and item.span is not None:
        uses.append(Use(item.list_name, VALUE, item.span))
    elif isinstance(item, nodes.MoveTarget) and item.span is not None:
        uses.append(Use(item.target, INDICATOR, item.span))
    elif isinstance(item, nodes.GradesRef) and item.span is not None:
        uses.append(Use(item.name, GRADES, item.span))
    elif isinstance(item, nodes.IndicatorRef) and item.span is not None and item.path:
        where = _tail_span(item.span, item.path[-1])
        if where is not None:
            uses.append(Use(item.path[-1], INDICATOR, where))


def node_of(symbol: Symbol) -> NodeSpec | None:
    return symbol.decl if isinstance(symbol.decl, NodeSpec) else None
