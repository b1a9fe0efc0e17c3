"""The scores of one record, shaped as the JSON contract (DESIGN §5) describes.

Figures come from the compiled evaluator; the basis text, which only output
needs, is rendered on first use from the compiled evaluator's facts
(`Program.basis`, `rendering`).  A node whose text the renderer leaves to the
reference interpreter gets it from `trace()`, run once for the record only then.
"""

from __future__ import annotations

from decimal import Decimal

from . import cardrules
from .frozen import field, frozen
from .runtime import Undefined
from .values import item_names


class NodeResult:
    """One indicator's figures, and its basis text on demand.  A plain slotted class, not attrs: a record
    with basis builds one per node (48 for Chao'an), and attrs' frozen `__init__` was most of `_build`.
    Equal, hashed and shown as the attrs class was (path, declared, weight, score, is_leaf)."""

    __slots__ = ("path", "declared", "weight", "score", "is_leaf", "criteria", "_result", "_card", "_index", "_item")

    def __init__(self, path, declared, weight, score, is_leaf, result, card, index, item=None, criteria=None):
        self.path = path
        self.declared = declared
        self.weight = weight  # effective, after reallocation
        self.score = score
        self.is_leaf = is_leaf
        #: The ruleset's 评分标准 text (``criteria "…"``) for this indicator, or None (groups, none given);
        #: an item of an `each` group has its template's.  Depends on the ruleset alone: `Result` passes it.
        self.criteria = criteria
        self._result = result
        self._card = card
        self._index = index
        self._item = item  # an item of an `each` group

    def _key(self):
        return (self.path, self.declared, self.weight, self.score, self.is_leaf)

    def __eq__(self, other):
        return self._key() == other._key() if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self):
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"NodeResult(path={self.path!r}, declared={self.declared!r}, weight={self.weight!r}, "
                f"score={self.score!r}, is_leaf={self.is_leaf!r})")

    @property
    def basis(self) -> str:
        result = self._result
        texts = result._texts
        if texts is None:
            texts = result.texts()
        texts = texts[self._card]
        text = texts[0][self._index] if self._item is None else texts[2][self._index][self._item]
        if text is not None:
            return text
        card = result.trace().cards[result.program.model.scorecards[self._card].name]
        if self._item is not None:
            return card.items[self._index][self._item].basis
        return card.nodes[self._index].basis

    @property
    def name(self) -> str:
        return self.path[-1]

    def to_json(self, basis: bool = True) -> dict:
        out = {"path": list(self.path), "weight": self.weight, "declared": self.declared, "score": self.score}
        if basis:  # ``--no-basis`` leaves the key out (docs/output.md)
            out["basis"] = self.basis
        criteria = self.criteria
        if criteria is not None:  # present only when the ruleset gives one (TEAM: shared decision)
            out["criteria"] = criteria
        return out


def adjustments_json(lines, basis: bool = True) -> list[dict]:
    """The scorecard rules' lines as JSON; without their basis text for ``--no-basis``."""
    if basis:
        return [line.to_json() for line in lines]
    return [{k: v for k, v in line.to_json().items() if k != "basis"} for line in lines]


def criteria_of(node) -> str | None:
    """The criteria of a `NodeSpec` (a leaf's ``criteria "…"``); a group has none."""
    return node.indicator.criteria if node.indicator is not None else None


@frozen
class CardResult:
    """One scorecard's figures.  `nodes` is every indicator in output order (an `each` group followed by
    its items); `fixed` has one entry per node of the ruleset (aligned with `ScorecardSpec.nodes`) and
    `items` the item rows of each `each` group, by the group's node index."""

    name: str
    max: Decimal
    score: Decimal
    grade: str | None
    nodes: tuple[NodeResult, ...]
    _result: Result = field(repr=False, eq=False)
    fixed: tuple[NodeResult, ...] = ()
    items: dict = field(factory=dict)
    adjustments: tuple = ()  # `cardrules.AdjustmentResult`: the scorecard rules' lines (cap by, deduct, veto)

    @property
    def basis(self) -> str:
        number = next(i for i, card in enumerate(self._result.program.model.scorecards) if card.name == self.name)
        text = self._result.texts()[number][1]
        return text if text is not None else self._result.trace().cards[self.name].basis

    def indicators(self) -> dict:
        """Scores by path joined with ``/`` (the `_expected` form)."""
        return {"/".join(node.path): node.score for node in self.nodes}

    def to_json(self, basis: bool = True) -> dict:
        out = {"name": self.name, "max": self.max, "score": self.score, "grade": self.grade,
               "indicators": [node.to_json(basis) for node in self.nodes]}
        if self.adjustments:  # only for scorecards with scorecard rules: other outputs stay as they were
            out["adjustments"] = adjustments_json(self.adjustments, basis)
        return out


class Result:
    """One record's scores: every scorecard, every indicator, with basis on demand."""

    def __init__(self, program, record, flat: tuple):
        self.program = program
        self.record = record
        self.flat = flat
        self.warnings = record.warnings  # `plausibility.DataWarning`s (the CLI adds their place in a sheet)
        self._trace = None
        self._texts = None  # the basis texts rendered from the compiled facts (`Program.basis`)
        self.facts = None  # (derived values, facts) of the evaluation that scored it, until its texts are made
        self._cards = None
        self.materialised = False  # basis built and the evaluators compared (`isolation.materialise`)
        self.rendered: dict = {}  # a writer's text of this result, made where it was scored (`parallel`)

    def __reduce__(self):
        """What a worker process sends back: the figures, and the basis unless the text is written already;
        the receiver sets `program` (the same ruleset, compiled there too).  A result whose text is written
        travels as that text, its name, its warnings and whether its basis was built — all the receiver
        reads of it (a few µs to pickle, not the result's whole state)."""
        if self.rendered:
            record = self.record
            return _rendered, (record.name, record.warnings, self.warnings, self.materialised, self.rendered)
        return _restored, (dict(self.__dict__, program=None, _cards=None),)

    @property
    def scorecards(self) -> tuple[CardResult, ...]:
        if self._cards is None:
            self._cards = self._build()
        return self._cards

    def _build(self):
        program = self.program
        model = program.model
        flat = self.flat
        cards = []
        layout = program.layout
        criterias = program.criteria()
        for number, card in enumerate(model.scorecards):
            block = layout.block(flat, number)
            rows = iter(layout.rows_in(block))
            node_results, fixed, items = [], [], {}
            pairs = layout.pairs_in(block, len(card.nodes))
            for i, (node, criteria, (weight, score)) in enumerate(zip(card.nodes, criterias[number], pairs)):
                result = NodeResult(node.path, node.declared, weight, score, node.is_leaf, self, number, i, None,
                                    criteria)
                fixed.append(result)
                node_results.append(result)
                if node.each is not None:  # the group's items follow it, in the list's order
                    rows_of = next(rows)
                    names = item_names([name for name, _, _ in rows_of])
                    criteria = node.each.template.criteria
                    items[i] = tuple(NodeResult(node.path + (name,), share, share, score, True, self, number, i, k,
                                                criteria)
                                     for k, (name, (_, share, score)) in enumerate(zip(names, rows_of)))
                    node_results.extend(items[i])
            adjustments = ()
            if card.rules:
                raw = sum((layout.score_in(block, i) for i in card.top), Decimal(0))
                adjustments = cardrules.results(card, raw, layout.rows_in(block)[-1],
                                                lambda position, number=number: self._rule_basis(number, position))
            cards.append(CardResult(card.name, card.max, layout.total_in(block), layout.grade_in(block),
                                    tuple(node_results), self, tuple(fixed), items, adjustments))
        return tuple(cards)

    def totals(self) -> list[tuple[str, object, object]]:
        """(scorecard, total, grade) without building the indicator tree (for summaries)."""
        layout = self.program.layout
        return [(card.name, layout.total(self.flat, number), layout.grade(self.flat, number))
                for number, card in enumerate(self.program.model.scorecards)]

    def node_scores(self, name: str) -> tuple:
        """The scores of scorecard `name`'s indicators in pre-order, without building the tree (for CSV)."""
        for number, card in enumerate(self.program.model.scorecards):
            if card.name == name:
                return self.program.layout.node_scores(self.flat, number)
        raise KeyError(name)

    @property
    def title(self) -> str:
        return self.program.model.title

    @property
    def name(self):
        return self.record.name

    def scorecard(self, name: str) -> CardResult | None:
        for card in self.scorecards:
            if card.name == name:
                return card
        return None

    def _rule_basis(self, number: int, position: int) -> str:
        """The text of scorecard `number`'s rule at `position` (in the order the rules apply)."""
        lines = self.texts()[number][3]
        if lines is not None:
            return lines[position]
        return self.trace().cards[self.program.model.scorecards[number].name].adjustments[position].basis

    def texts(self) -> list:
        """Per scorecard, (each node's basis text, the total's, {each group's index: its items' texts}, each
        scorecard rule's text), None where `trace()` must say it."""
        if self._texts is None:
            facts, self.facts = self.facts, None  # (used once: a result sent on carries its texts, not its facts)
            self._texts = self.program.basis(self.record, self.flat, facts)
        return self._texts

    def trace(self):
        if self._trace is None:
            self._trace = self.program.trace(self.record)
        return self._trace

    def to_json(self, scorecards=None, basis: bool = True) -> dict:
        cards = [c for c in self.scorecards if scorecards is None or c.name in scorecards]
        out = {"ruleset": self.title, "record": self.name, "scorecards": [c.to_json(basis) for c in cards]}
        if self.warnings:  # only when there are some: outputs without warnings stay as they were
            out["warnings"] = [warning.to_json() for warning in self.warnings]
        information = self.information
        if information:  # the ``informational`` inputs the record gave (年度): shown, never scored
            out["information"] = information
        return out

    @property
    def information(self) -> dict:
        """Each ``informational`` input the record gave, as text (``{"年度": "2022"}``), in declaration order."""
        from .basis import show_value

        out = {}
        specs = self.program.informational
        if specs:
            values = self.record.values
            for spec in specs:
                value = values.get(spec.name)
                if value is not None and not isinstance(value, (tuple, Undefined)):
                    out[spec.name] = show_value(value, spec.type)
        return out


def _rendered(name, record_warnings, warnings, materialised, rendered) -> Result:
    """A result a worker wrote the text of (`Result.__reduce__`): no figures, no record's values."""
    from .values import Record

    result = Result(None, Record((), {}, {}, name, warnings=record_warnings), ())
    result.warnings, result.materialised, result.rendered = warnings, materialised, rendered
    return result


def _restored(state: dict) -> Result:
    result = Result.__new__(Result)
    result.__dict__.update(state)
    return result
