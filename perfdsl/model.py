"""The resolved ruleset: what `resolve` makes of a syntax tree, and what every later phase reads.

Names are bound, types known, every input has a slot, the scorecards are
flattened into node lists (pre-order, the order of the JSON result) with
parent/child indices, and reallocation is spelled out as moves between leaf
indices.  Expressions stay `nodes.Expr`; their types are asked of `Model.type_of`.
"""

from __future__ import annotations

from decimal import Decimal

from . import nodes
from .frozen import field, frozen
from .source import Span
from .types import Type


@frozen
class InputSpec:
    """A value the record supplies.  `manual_for` names the indicator of an implicit ``…扣分`` input."""

    name: str
    slot: int
    type: Type
    default: object | None  # a converted value, or None when the input is required
    low: nodes.Expr | None
    high: nodes.Expr | None
    span: Span | None = field(eq=False)
    manual_for: str | None = None
    choices: tuple[str, ...] = ()  # allowed texts (``one of``)
    fields: tuple[InputSpec, ...] = ()  # a list input's item fields; `slot` is the field's position
    low_open: bool = False  # ``> 0万元``: the bound itself is outside the range
    high_open: bool = False
    informational: bool = False  # kept for the record; no rule may read it (P211)

    def field(self, name: str) -> InputSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None


@frozen
class LetSpec:
    name: str
    slot: int
    expr: nodes.Expr
    type: Type
    deps: frozenset[str]
    span: Span | None = field(eq=False)


@frozen
class Move:
    """`amount` points of leaf `source` go to leaf `target` when `source` does not apply."""

    source: int
    target: int
    amount: Decimal


@frozen
class NodeSpec:
    """One indicator (group or leaf) of a scorecard, at position `index` in pre-order."""

    index: int
    name: str
    path: tuple[str, ...]
    declared: Decimal
    parent: int | None
    children: tuple[int, ...]
    bonus: bool  # a bonus group, or a leaf inside one (scores in [-weight, weight])
    indicator: nodes.Indicator | None  # None for a group
    group: nodes.Group | None
    manual_input: str | None = None
    each: nodes.Each | None = None  # a group whose indicators are the items of a list input
    moves_in: tuple[Move, ...] = ()
    moves_out: tuple[Move, ...] = ()
    span: Span | None = field(default=None, eq=False)

    @property
    def is_leaf(self) -> bool:
        return self.indicator is not None

    @property
    def depth(self) -> int:
        return len(self.path) - 1


@frozen
class ScorecardSpec:
    name: str
    index: int
    max: Decimal
    grades: tuple[nodes.GradeArm, ...] | None
    cap: tuple[Decimal, Decimal] | None
    nodes: tuple[NodeSpec, ...]
    top: tuple[int, ...]
    deps: frozenset[str]
    span: Span | None = field(eq=False)
    rules: tuple = ()  # scorecard rules (`nodes.CapBy`, `nodes.Deduction`, `nodes.Veto`), in order

    def leaves(self):
        return (node for node in self.nodes if node.is_leaf)

    def find(self, path) -> NodeSpec | None:
        path = tuple(path)
        for node in self.nodes:
            if node.path == path:
                return node
        return None


@frozen
class PropertySpec:
    """An author's claim about every record (``property …``); `perfdsl test` checks it.

    `refs` maps the serial of each `nodes.IndicatorRef` in the property to the
    (scorecard name, node index) it reads; ask `ref(expr)`.
    """

    kind: str  # "always" | "monotone"
    expr: nodes.Expr
    input: str | None  # monotone: the input raised
    never: str | None  # monotone: "decreases" | "increases"
    when: nodes.Expr | None
    text: str  # as written, on one line
    refs: dict = field(eq=False, repr=False)  # IndicatorRef.serial → (scorecard name, node index)
    span: Span | None = field(default=None, eq=False)

    def ref(self, expr: nodes.IndicatorRef) -> tuple[str, int]:
        """The (scorecard name, node index) that ``score of …``/``weight of …`` `expr` of this property reads."""
        return self.refs[expr.serial]


@frozen(eq=False)
class Model:
    """A checked ruleset, ready to compile or interpret."""

    title: str
    source: str | None
    precision: int
    rounding: str
    record: str | None
    inputs: tuple[InputSpec, ...]
    lets: tuple[LetSpec, ...]  # in dependency order
    scorecards: tuple[ScorecardSpec, ...]  # in declaration order
    order: tuple[int, ...]  # scorecard indices in evaluation order
    types: dict  # Expr.serial → Type: ask `type_of`
    module: nodes.Module
    path: str
    properties: tuple[PropertySpec, ...] = ()

    input_index: dict = field(init=False, repr=False, factory=lambda model: {s.name: s for s in model.inputs},
                              takes_self=True)
    let_index: dict = field(init=False, repr=False, factory=lambda model: {s.name: s for s in model.lets},
                            takes_self=True)

    def input(self, name: str) -> InputSpec | None:
        return self.input_index.get(name)

    def let(self, name: str) -> LetSpec | None:
        return self.let_index.get(name)

    def scorecard(self, name: str) -> ScorecardSpec | None:
        for card in self.scorecards:
            if card.name == name:
                return card
        return None

    def module_card(self, name: str) -> nodes.Scorecard | None:
        """The syntax of the scorecard `name` (after any `extends` merge)."""
        return next((d for d in self.module.decls if isinstance(d, nodes.Scorecard) and d.name == name), None)

    def type_of(self, expr: nodes.Expr) -> Type | None:
        """The type resolve gave `expr` (None for an expression it did not type).  Every reader asks here,
        never `types` itself, so how types are kept is this class's business alone.  Keyed by the node's
        serial, not its `id()`: a copied, pickled or deep-copied model still answers (docs/architecture.md)."""
        return self.types.get(expr.serial)
