"""Basis (依据) text rendered from the compiled evaluator's facts, with no second evaluation.

`codegen` with ``explain`` builds `evaluate_facts`: the same straight-line evaluator, which also returns
every derived value and, for each leaf, the arm it took (``-1`` not applicable, ``k`` the k-th `when`,
``0`` its rule), its raw score (before clamping and rounding) and the figures its rule form computed on
the way (a ratio's numerator and denominator, the band that held and its value, each checklist item's
truth, each deduction line's amount, count and cap …).  `Renderer` turns those facts into the text the
reference interpreter (`interp`) writes for the same record, byte for byte (tests/test_basis_core.py
holds every shipped ruleset and generated records to it).

Everything that depends on the ruleset alone is worked out once, when the renderer is built: which
form renders each node, every condition's own text and the names whose values it shows, each
expression's text around its names (`basis.substituted`), which inputs a node reads for certain.  Per
record only values are formatted and joined.

Every rule form, `when`, `applies … else move`, clamps, groups, `each` groups and their items, ``show …
vs``, notes and scorecard rules render here.  A node whose text would need what the facts do not say,
for one record (notes on several inputs it may read, whose order is the interpreter's reading order; a
derived value that could not be computed, shown in it) gets `None`, and its text comes from the
reference interpreter (`Result` asks it, once per record, only then).  `FALLBACK` names what always
does (tests/test_basis_core.py holds it): only a form the checker refuses anyway.
"""

from __future__ import annotations

from decimal import Decimal, DivisionUndefined, localcontext
from functools import partial

from . import basisgen, cardrules, forms, nodes, printed
from .basis import (
    CLAUSE,
    PLACEHOLDER,
    blank_shown,
    group_line,
    is_literal,
    pretty,
    show_value,
    split_text,
    stepped_clause,
    substituted,
    template,
)
from .decimals import (
    CONTEXT,
    ROUNDING_MODES,
    ZERO,
    money,
    normal_text,
    percent,
    percent_as_given,
    plain,
    plains,
    quantum,
    round_score,
)
from .layout import with_facts
from .model import NodeSpec
from .types import RATE
from .unparse import expression
from .values import MISSING, UNDEFINED, Undefined, UndefinedUse, item_names

points = plain  # `basis.points`: a score is shown as its plain decimal (one call, not two)

#: What the renderer leaves to the reference interpreter, whatever the record (tests/test_basis_core.py).
FALLBACK = frozenset({
    "each ManualRule",  # the template of an `each` group's items, judged by the assessor
})


#: The forms whose leaves' texts are kept by a key (`Renderer._keyer`): each form's `KEYED`.
_KEYED = frozenset(cls.__name__ for cls, form in forms.BY_CLASS.items() if form.KEYED)
#: The kinds of input whose values a flat key holds by their `str` (`_flat_key`): decimals and booleans.
_STRINGED = frozenset({"count", "number", "rate", "money", "bool"})
#: `_leaf`'s note not given: it asks the leaf's `_Reads`.
_ASK = object()


class _Memo:
    """Texts kept by a key that is their whole input, for one node of one ruleset: two generations of at most
    `SIZE` (what the batch repeats stays, bounded), and switched off for a node whose keys hardly repeat
    (amounts that differ in every record) once `TRIAL` records were rendered, so that it costs nothing but
    a flag.  A lookup is ``texts.get(key)``, then `miss` (the older generation, the trial's count)."""

    __slots__ = ("texts", "older", "misses", "decided", "off")

    SIZE = 128  # a key holds its facts (a deduction's: ~2 KB): a ruleset's nodes keep a few MB at most
    TRIAL = 256

    def __init__(self):
        self.texts: dict = {}
        self.older: dict = {}
        self.misses = 0
        self.decided = self.off = False

    def miss(self, key, rendered: int):
        """The older generation's text for `key` (moved up), or None; `rendered`: the renderer's records so far."""
        text = self.older.get(key)
        if text is not None:
            self.put(key, text)
            return text
        self.misses += 1
        if not self.decided and rendered >= self.TRIAL:  # found in fewer than one record in four: off
            self.decided = True
            if (rendered - self.misses) * 4 < rendered:
                self.off = True
                self.texts = self.older = {}
        return None

    def put(self, key, text):
        if self.off:
            return
        texts = self.texts
        if len(texts) >= self.SIZE:
            self.older, self.texts = texts, {}
            texts = self.texts
        texts[key] = text


class _CardFacts:
    """A scorecard's facts by node index, looked up when asked: a leaf asks only its moves' sources'."""

    __slots__ = ("facts", "positions")

    def __init__(self, facts, positions):
        self.facts, self.positions = facts, positions

    def __getitem__(self, index: int):
        at = self.positions[index]
        return self.facts[at] if at is not None else None


class Fallback(Exception):
    """This node's text needs the reference interpreter (for this record)."""


class _Condition:
    """A condition's own text and the names whose values `interp._facts` would show, worked out once."""

    __slots__ = ("expr", "text", "names", "bare")

    def __init__(self, expr, bound):
        self.expr = expr
        self.text = pretty(expr)
        seen = []
        for node in nodes.walk(expr):
            if isinstance(node, nodes.Name) and node.name not in seen and bound(node.name):
                seen.append(node.name)
        self.names = tuple(seen)
        self.bare = isinstance(expr, nodes.Name) or (isinstance(expr, nodes.Call) and expr.func == "given")


class _Record:
    """One record's values as the text shows them: inputs in the unit the record wrote them, derived
    values, scorecard totals."""

    __slots__ = ("renderer", "values", "units", "notes", "lets", "totals", "noted", "bases", "scope", "prefix", "memo")

    def __init__(self, renderer, record, lets, totals):
        self.renderer = renderer
        self.values = record.values
        self.units = record.units
        self.notes = record.notes
        self.lets = lets
        self.totals = totals
        # (data key, the input it belongs to) of every note the record gives
        self.noted, self.bases = renderer.noted(record.notes)
        self.scope = None  # an item's fields while an `each` group's item is rendered: name → (value, type, key)
        self.prefix = None  # that item's data key (``绩效指标[2]``)
        # name → its text (`shown`) outside an item: a name's text depends on the record alone (its values,
        # units, derived values, totals), so it is complete as a key for one record; a Fallback is never kept
        self.memo = {}

    def value(self, name):
        """A name's value (an input's, a derived value's, a total's), or Fallback where the facts cannot say."""
        if self.scope is not None and name in self.scope:
            value = self.scope[name][0]
            if value is MISSING:
                raise Fallback(name)
            return value
        if name in self.totals:
            return self.totals[name]
        r = self.renderer
        if name in r.input_types:
            value = self.values.get(name, MISSING)
        else:
            value = self.lets[r.let_slots[name]]
        if value is MISSING or value is UNDEFINED:
            raise Fallback(name)
        return value

    def shown(self, name: str) -> str | None:
        """`interp.Evaluation._shown`: an item's field in the unit the record wrote it, else as at the top."""
        scope = self.scope
        if scope is None or name not in scope:
            text = self.memo.get(name, _ASK)  # (`get`: a name's first text in a record misses, and a KeyError costs)
            if text is _ASK:  # (raises Fallback before anything is kept)
                shown_of = self.renderer.shown_of.get(name)
                text = self.memo[name] = shown_of(self) if shown_of is not None else self._shown(name)
            return text
        value, vtype, key = scope[name]
        if value is MISSING:
            return None
        return _show_in(value, vtype, self.units.get(key))

    def _shown(self, name: str) -> str | None:
        """A name's text outside an item's scope (`shown` keeps it for the record)."""
        if name in self.totals:
            return show_value(self.totals[name], None)
        r = self.renderer
        vtype = r.input_types.get(name)
        if vtype is not None:
            if vtype.kind == "list":
                return None
            value = self.values.get(name, MISSING)
            if value is MISSING:
                return None  # the interpreter's read raises MissingInput: the name stays
            return _show_in(value, vtype, self.units.get(name))
        let = r.let_specs.get(name)
        if let is None:
            return None
        value = self.lets[r.let_slots[name]]
        if value is UNDEFINED:
            raise Fallback(name)  # the interpreter tells an error it shows by name from one that fails the record
        vtype = let.type
        if vtype is not None and vtype.kind == "money":
            return _show_in(value, vtype, self.unit_of_let(name) or vtype.unit)
        return show_value(value, vtype)

    def unit_of_let(self, name: str) -> str | None:
        """`unit_of` a derived value's formula, from what it names laid out once (`Renderer.unit_parts`)."""
        parts = self.renderer.unit_parts.get(name)
        if parts is None:
            return self.unit_of(self.renderer.let_specs[name].expr)
        inputs, lets = parts
        units = {self.units.get(input_name, unit) for input_name, unit in inputs}
        for inner in lets:
            units.add(self.unit_of_let(inner))
        return units.pop() if len(units) == 1 else None

    def unit_of(self, expr) -> str | None:
        """`interp.Evaluation._unit_of`: the one unit the record wrote every amount of `expr` in."""
        r = self.renderer
        units = set()
        for node in nodes.walk(expr):
            if isinstance(node, nodes.Name):
                vtype = r.input_types.get(node.name)
                if vtype is not None and vtype.kind == "money":
                    units.add(self.units.get(node.name, vtype.unit))
                elif vtype is None and node.name in r.let_specs:
                    inner = r.let_specs[node.name]
                    if inner.type.kind == "money":
                        units.add(self.unit_of(inner.expr))
        return units.pop() if len(units) == 1 else None

    def show(self, expr, full: Decimal | None = None) -> str:
        return substituted(expr, self.shown, points(full) if full is not None else None)


def _shown_of(name: str, vtype):
    """`_Record._shown` of input `name` (of type `vtype`, not a list), laid out once: its value in the unit the
    record wrote it, None when left out."""
    kind, declared = vtype.kind, vtype.unit

    if kind == "money":
        default = declared or "元"

        def shown(rec):
            value = rec.values.get(name, MISSING)
            if value is MISSING:
                return None  # the interpreter's read raises MissingInput: the name stays
            unit = rec.units.get(name)
            if value.__class__ is Decimal:  # (`_money_in`, inline: every amount of a basis line comes here)
                if unit is None:
                    unit = default
                if unit == "元" and value.is_finite():
                    text = str(value)  # `normal_text`'s usual case (a point, no exponent, at most 40 characters)
                    if value and "." in text and len(text) <= 40 and "E" not in text:
                        return text.rstrip("0").rstrip(".") + "元"
                return _money_in(value, unit)
            return _show_in(value, vtype, unit)
    elif kind == "rate" or kind == "count" or kind == "number":
        formatter = percent if kind == "rate" else plain

        def shown(rec):
            value = rec.values.get(name, MISSING)
            if value is MISSING:
                return None
            if value.__class__ is Decimal:
                return formatter(value)
            return _show_in(value, vtype, rec.units.get(name))
    else:
        def shown(rec):
            value = rec.values.get(name, MISSING)
            if value is MISSING:
                return None
            return _show_in(value, vtype, rec.units.get(name))
    return shown


def _let_shown_of(name: str, vtype, slot: int):
    """`_Record._shown` of derived value `name` (of type `vtype`, at `slot` of the record's derived values),
    laid out once; Fallback where it could not be computed (the interpreter tells how it failed)."""
    if vtype.kind == "money":
        def shown(rec):
            value = rec.lets[slot]
            if value is UNDEFINED:
                raise Fallback(name)
            return _show_in(value, vtype, rec.unit_of_let(name) or vtype.unit)
    else:
        formatter = percent if vtype.kind == "rate" else plain

        def shown(rec):
            value = rec.lets[slot]
            if value.__class__ is Decimal:
                return formatter(value)
            if value is UNDEFINED:
                raise Fallback(name)
            return show_value(value, vtype)
    return shown


def _formula_of(expr, shown_of: dict):
    """``rec.show(expr)`` of a derived value's formula, its template laid out once (`basis.template`).

    Outside an `each` item each name's text is asked of its own `shown_of` function, bound here, rather than of
    `_Record.shown`: the same text (`shown` asks the same function), without its memo, which a formula's
    amounts — shown once a record — only fill."""
    laid = template(expr)
    if laid is None or any(name is None for name, _ in laid[1]):  # (no ``full`` in a formula; the long way else)
        return lambda rec: rec.show(expr)
    form, slots = laid
    if not slots:
        return lambda rec: form
    bound = tuple((name, default, shown_of.get(name)) for name, default in slots)

    def formula(rec):
        if rec.scope is not None:  # an item's field may stand for a name: `shown` knows
            shown = rec.shown
            return form % tuple([default if (text := shown(name)) is None else blank_shown(text)
                                 for name, default in slots])
        texts = []
        for name, default, shown in bound:
            text = shown(rec) if shown is not None else rec.shown(name)
            texts.append(default if text is None else blank_shown(text))
        return form % tuple(texts)
    return formula


def _money_in(value: Decimal, unit: str) -> str:
    """`money(value, unit)` under `CONTEXT` (the renderer's, always: `Renderer.render`), without dividing by one
    for 元: ``value / 1`` rounds to the context's 40 digits, as `normalize(CONTEXT)` does once anyway, so the
    text is the same; anything else (万元, an infinity, a NaN) is `money`'s."""
    if unit == "元" and value.is_finite():
        return ("0" if not value else normal_text(value)) + "元"
    return money(value, unit)


def _show_in(value, vtype, unit: str | None) -> str:
    """`show_value(value, vtype with its unit replaced by unit)` (None: as declared), without making the type:
    only money shows its unit.  A decimal (most figures) goes straight to its formatter."""
    if value.__class__ is Decimal and vtype is not None:
        kind = vtype.kind
        if kind == "money":
            return _money_in(value, unit if unit is not None else vtype.unit or "元")
        return percent(value) if kind == "rate" else plain(value)
    if unit is not None and isinstance(value, Decimal) and vtype is not None and vtype.kind == "money":
        return money(value, unit)
    return show_value(value, vtype)


class _Leaf:
    """The text of one leaf for one record: its clauses and the names already described."""

    __slots__ = ("rec", "clauses", "described", "shows")

    def __init__(self, rec):
        self.rec = rec
        self.shows = None
        self.clauses: list[str] = []
        self.described: set[str] = set()

    def condition(self, cond: _Condition, holds: bool) -> str:
        shown = []
        described = self.described
        rec = self.rec
        for name in cond.names:
            if name in described:
                continue
            value = rec.shown(name)
            if value is not None and value != "":
                shown.append(f"{name} = {value}")
        facts = "、".join(shown)
        if cond.bare:
            return facts or cond.text + ("" if holds else " 不成立")
        if holds:
            return f"{cond.text}（{facts}）" if facts else cond.text
        return f"{cond.text} 不成立：{facts}" if facts else f"{cond.text} 不成立"

    def value_text(self, expr, value, vtype) -> str:
        if isinstance(expr, nodes.Name):
            shown = self.rec.shown(expr.name)
            if shown is not None:
                return shown
        return show_value(value, vtype)

    def describe(self, expr, value, vtype, full: Decimal | None = None) -> str:
        """`interp.Evaluation.describe` with the value the compiled evaluator found."""
        if isinstance(expr, nodes.Name):
            self.described.add(expr.name)
            return named(expr.name, vtype, self.rec.renderer.formula_of.get(expr.name), self.rec, value)
        shown = self.value_text(expr, value, vtype)
        if isinstance(expr, nodes.Num):
            return expr.text
        formula = self.rec.show(expr, full)
        return f"{formula} = {shown}" if formula != shown else shown


def named(name: str, vtype, formula, rec, value) -> str:
    """`_Leaf.describe` of a name: ``name = its value``, a derived value's with its formula (`formula`: its
    `formula_of`, None for an input or a total) between (``部门预算支出率 = 548800.53元 / (…) = 89.99%``).
    The record and the value last: a form's subject binds the rest once (`Renderer._subject_text`)."""
    shown = rec.shown(name)
    if shown is None:
        shown = show_value(value, vtype)
    return _equation(name, shown, formula(rec) if formula is not None and name in rec.renderer.let_specs else None)


def _equation(name: str, shown: str, written: str | None) -> str:
    """``name = written = shown``, or ``name = shown`` where there is no formula or it reads as the value."""
    return f"{name} = {written} = {shown}" if written is not None and written != shown else f"{name} = {shown}"


class Renderer:
    """Every node's basis text for one ruleset, from `evaluate_facts`' results."""

    # what a form's `plan` lays out with (it is handed the renderer, and imports no phase module): a constant's
    # text, an expression's chain of `when`/`if` arms, a condition's text and facts
    constant = staticmethod(lambda expr, before="": _constant(expr, before))
    chain = staticmethod(lambda expr, bound: _chain(expr, bound))
    condition = staticmethod(lambda expr, bound: _Condition(expr, bound))

    def __init__(self, model, layout):
        self.model = model
        self.layout = layout
        self.step = quantum(model.precision)
        self.mode = ROUNDING_MODES[model.rounding]
        self.input_types = {spec.name: spec.type for spec in model.inputs}
        self.let_specs = {let.name: let for let in model.lets}
        self.let_slots = {let.name: index for index, let in enumerate(model.lets)}
        # per derived value: (its money inputs with their declared units, its money derived values), which
        # `_Record.unit_of_let` asks for the record's units (`unit_of`, without walking the formula per record)
        self.unit_parts: dict[str, tuple] = {}
        for let in model.lets:
            inputs, inner, known = [], [], True
            for node in nodes.walk(let.expr):
                if isinstance(node, nodes.Name):
                    vtype = self.input_types.get(node.name)
                    if vtype is not None and vtype.kind == "money":
                        inputs.append((node.name, vtype.unit))
                    elif vtype is None and node.name in self.let_specs:
                        other = self.let_specs[node.name].type
                        if other is None:
                            known = False  # (`unit_of` asks it per record, as it did)
                        elif other.kind == "money":
                            inner.append(node.name)
            if known:
                self.unit_parts[let.name] = (tuple(inputs), tuple(inner))
        self.fact_of: dict[tuple[int, int], int] = {}
        for card in model.scorecards:
            for node in with_facts(card):
                self.fact_of[(card.index, node.index)] = len(self.fact_of)
        self.card_fact_of = {}  # a scorecard with scorecard rules → where their figures are in the facts
        for card in model.scorecards:
            if card.rules:
                self.card_fact_of[card.index] = len(self.fact_of) + len(self.card_fact_of)
        earlier: set[str] = set()
        self.plans = []
        for index in model.order:  # a scorecard's total is a value in the cards scored after it
            card = model.scorecards[index]
            bound = lambda name, earlier=frozenset(earlier): (  # `interp._facts`: shown in a condition's facts
                (name in earlier or name in self.let_specs or name in self.input_types)
                and not (name in self.input_types and self.input_types[name].kind == "list"))
            self.plans.append((card, [self._plan(card, node, bound) for node in card.nodes], self._rules(card, bound)))
            earlier.add(card.name)
        self.plans.sort(key=lambda plan: plan[0].index)
        # per scorecard: the leaves rendered here with their plans, the groups, each node's place in the facts
        self.order = [([(n.index, n, p, *self._keyer(card, n, p)) for n, p in zip(card.nodes, plans)
                        if p is not None and p[0] == "leaf"],
                       [(n.index, n, layout.scores_of(n.children), _Memo()) for n, p in zip(card.nodes, plans)
                        if p is not None and p[0] == "group"],
                       [self.fact_of.get((card.index, n.index)) for n in card.nodes],
                       [(n, p) for n, p in zip(card.nodes, plans) if p is not None and p[0] == "each"])
                      for card, plans, _ in self.plans]
        # an input's text in a record (`_Record.shown`), by name: what it is looked up as is the ruleset's
        cards = {card.name for card in model.scorecards}  # (a total is looked up first, as `_shown` does)
        self.shown_of = {name: _shown_of(name, vtype) for name, vtype in self.input_types.items()
                         if vtype.kind != "list" and name not in cards}
        for let in model.lets:  # (a derived value of no known type, or one a list's is named after, asks `_shown`)
            if let.type is not None and let.name not in cards and let.name not in self.input_types:
                self.shown_of[let.name] = _let_shown_of(let.name, let.type, self.let_slots[let.name])
        self.formula_of = {let.name: _formula_of(let.expr, self.shown_of) for let in model.lets}  # (`_Leaf.describe`)
        # a leaf's text of its rule's arm laid out once by its form (`arm_text`), where it can be: a leaf written in
        # every record (amounts that never repeat) then formats its figures and joins; a ``show`` line and a
        # bonus's bounds take the long way
        for card, plans, _ in self.plans:
            for node, plan in zip(card.nodes, plans):
                if plan is not None and plan[0] == "leaf" and not plan[6] and not node.bonus:
                    rule = node.indicator.rule
                    fast = forms.of(rule).arm_text(self, rule, plan[4])
                    if fast is not None:
                        plan[4]["fast"] = fast
        # per scorecard rendered, by node index: (node, plan, key, memo, where its facts are) of each leaf
        # rendered here, (node, its parts' scores, memo) of each group
        self.leaf_at = [{index: (node, plan, key_of, memo, positions[index])
                         for index, node, plan, key_of, memo in leaves} for leaves, _, positions, _ in self.order]
        self.group_at = [{index: (node, scores, memo) for index, node, scores, memo in groups}
                         for _, groups, _, _ in self.order]
        # per scorecard, for `_loop`: each leaf rendered here, its key function None unless it is flat
        self.flat_leaves = [[(index, node, plan, key_of if getattr(key_of, "flat", None) is not None else None,
                              memo, positions[index], plan[5]) for index, node, plan, key_of, memo in leaves]
                            for leaves, _, positions, _ in self.order]
        self.top = [layout.scores_of(card.top) for card in model.scorecards]  # the scores a total adds
        # each scorecard's name and where its total is in the flat tuple: `layout.total` of the places themselves
        places = range(sum(size for _, size in layout))
        self.total_at = [(card.name, layout.total(places, card.index)) for card in model.scorecards]
        self.forms = {cls.__name__: form.render for cls, form in forms.BY_CLASS.items()}  # a leaf's form → its text
        self.rounded: dict = {}  # a raw score → its rounded score's text (`_score_text`)
        self.rendered = 0  # records rendered (`_Memo.miss` decides by it)
        self._noted: dict = {}  # a record's note keys → `noted`'s answer
        self._asks: dict = {}  # the inputs a record notes → `asks_notes`'s answer
        self.asked: tuple = ()  # (set by `basisgen`)
        # every node's text, found or written (`render`): by `_loop` for the first records, then by the function
        # `basisgen` generates — compiling it costs ~20 µs a line of its source (≈ 3 ms for Chao'an, 1.5 s for
        # 6,000 indicators), which a cold start of one record or a short batch would not earn back
        self._cards = None

    # ── plans, once per ruleset ─────────────────────────────────────────────

    #: Records rendered by `_loop` before the loop is generated (`basisgen`); a test sets it to 0.
    GENERATE_AFTER = 64

    def _keyer(self, card, node, plan):
        """(key, `_Memo`) for a leaf whose whole text is a function of a key made cheaply per record, or None.

        The key holds everything such a leaf's text is made of: its weight, its facts, its note (``依据：…``)
        and the record's own note on its manual input, and the value (and unit) of every name its indicator
        names — through derived values' formulas, whose figures its text may show — and of every scorecard
        total it names.  Only for forms whose text shows a value by `show_value` (equal decimals alike:
        6.40 and 6.4 show as one), at the top level (an `each` item's fields are not in the key), without
        ``show … vs`` whose figures are in the key as their exact text too (a reported rate keeps its digits:
        98.0% is not 98%), and with moves in, whose sources' arms are in it (a source not applicable adds
        its points).

        A leaf whose facts are a function of values the key can hold — every input it names, through derived
        values' formulas and its moves' sources' conditions, the manual input (and its note) it judges by, the
        totals it names; no list, query or unknown name — is kept by the flat key of `_flat_key`: (note,
        those values, their units …), each decimal by its exact `str`.  Its facts and its weight are what the
        evaluator made of those values (the same digits give the same decimals, and the same arithmetic), so they add
        nothing to the key; and the `str` keeps a reported figure's digits (``show … vs``).  Any other keyed
        leaf holds its facts too (the general key below)."""
        form = plan[1]
        if form not in _KEYED:
            return None, None
        shows = bool(plan[6])
        model = self.model
        inputs, lets, totals = [], [], []
        seen = set()
        # a move's source takes its arm by its own condition: what it names is in the key too
        todo = [node.indicator] + [card.nodes[m.source].indicator.applies.condition for m in node.moves_in]
        # whether the leaf's facts are a function of the values the key holds (the flat key below)
        determined = True
        while todo:
            for found in nodes.walk(todo.pop()):
                if isinstance(found, nodes.Query):
                    determined = False
                if not isinstance(found, nodes.Name) or found.name in seen:
                    continue
                name = found.name
                seen.add(name)
                if name in self.input_types:
                    if self.input_types[name].kind != "list":  # a list's items are shown through the facts
                        inputs.append(name)
                    else:
                        determined = False
                elif name in self.let_specs:
                    lets.append(self.let_slots[name])
                    todo.append(self.let_specs[name].expr)
                elif any(other.name == name for other in model.scorecards):
                    totals.append(name)
                else:
                    determined = False
        manual = node.manual_input if forms.of(node.indicator.rule).NOTED else None
        if manual is not None:  # its judgement is the manual input's, which the indicator does not name
            if manual in self.input_types and self.input_types[manual].kind != "list":
                if manual not in seen:
                    inputs.append(manual)
            else:
                determined = False
        # the units that can show: a money value's (a reported figure's of any kind, `_Show`)
        units = tuple(name for name in inputs if shows or self.input_types[name].kind == "money")
        if determined:  # one flat tuple of the values that matter, each decimal by its `str` (`_keyed`)
            return _flat_key(inputs, {name for name in inputs if self.input_types[name].kind in _STRINGED},
                             units, manual, tuple(totals)), _Memo()

        sources = tuple(move.source for move in node.moves_in)
        inputs, lets, totals = tuple(inputs), tuple(lets), tuple(totals)
        absent = (MISSING,) * len(inputs)
        rare = bool(manual or lets or totals or sources or shows)

        def key(rec, weight, fact, note, card_facts):
            out = (weight, fact, note, tuple(map(rec.values.get, inputs, absent)))
            if units:
                out += tuple(map(rec.units.get, units))
            if rare:
                out += (rec.notes.get(manual) if manual is not None else None,
                        tuple(map(rec.lets.__getitem__, lets)), tuple(map(rec.totals.get, totals)))
                if sources:
                    out += tuple(card_facts[source][0] for source in sources)
                if shows:
                    out += tuple(map(_exact, fact[-1]))
            return out

        return key, _Memo()

    def fallbacks(self) -> dict:
        """{(scorecard, node path): the `FALLBACK` entry} of every node whose text (an `each` group: its items')
        is always the interpreter's."""
        out = {}
        for card, plans, _ in self.plans:
            for node, plan in zip(card.nodes, plans):
                if plan is None or (plan[0] == "each" and plan[1] is None):
                    out[(card.name, node.path)] = self._reason(card, node)
        return out

    def _reason(self, card, node) -> str | None:
        """Why `node` is left to the interpreter (a `FALLBACK` entry), or None: it is rendered here (an `each`
        group's items: why they are)."""
        indicator = node.indicator if node.each is None else node.each.template
        if indicator is None:
            return None
        form = type(indicator.rule).__name__
        if forms.of(indicator.rule).NOTED and node.each is not None:
            return "each " + form  # a template's judgement input is an item's field: not ported
        return form if form in FALLBACK else None

    def _plan(self, card, node, bound, item=None):
        """What rendering `node` needs that depends on the ruleset alone; None: always the interpreter's."""
        if node.each is not None:
            each = node.each
            spec = self.model.input(each.list_name)
            fields = {field.name: field for field in spec.fields}
            template = NodeSpec(-1, node.name, node.path, Decimal(0), node.index, (), False, each.template, None)
            in_item = lambda name: name in fields or bound(name)  # noqa: E731
            items = None if self._reason(card, node) else self._plan(card, template, in_item, (each.list_name, fields))
            weighed = None
            if each.weights:
                weighed = "分值"
            elif each.weight is not None:
                weighed = each.weight.name if isinstance(each.weight, nodes.Name) else expression(each.weight)
            return ("each", items, weighed, spec)
        if self._reason(card, node) is not None:
            return None
        if not node.is_leaf:
            return ("group",)
        indicator = node.indicator
        form = type(indicator.rule).__name__
        model = self.model
        applies = _Condition(indicator.applies.condition, bound) if indicator.applies is not None else None
        guards = [(_Condition(g.condition, bound), _chain(g.score, bound)) for g in indicator.guards]
        rule = indicator.rule
        extra = forms.of(rule).plan(self, rule, node, bound)  # what its text needs of the ruleset
        reads = _Reads(model, card, node, item)
        shows = [_Show(model, show) for show in indicator.shows]
        return ("leaf", form, applies, guards, extra, reads, shows)

    # ── per record ──────────────────────────────────────────────────────────

    def render(self, record, flat, lets, facts) -> list[tuple[list, str | None, dict, list]]:
        """(each node's text or None, the total's text, {each group's index: its items' texts or None},
        each scorecard rule's text) per scorecard, in declaration order."""
        totals = {name: flat[at] for name, at in self.total_at}
        rec = _Record(self, record, lets, totals)
        self.rendered = rendered = self.rendered + 1
        cards = self._cards
        if cards is None:
            if rendered < self.GENERATE_AFTER:
                cards = self._loop
            else:  # a batch long enough to pay for it: the loop generated (`basisgen`), compiled once
                cards = self._cards = basisgen.generate(self)[0]
        with localcontext(CONTEXT):
            return cards(rec, flat, facts, rendered)

    def _loop(self, rec, flat, facts, rendered: int) -> list:
        """The first records' texts: what `basisgen`'s function does, by one loop over the nodes (the same keys,
        by each leaf's key function; the same methods), so that a command scoring a few records compiles nothing."""
        out = []
        layout = self.layout
        leaf = self._leaf
        noted, bases = rec.noted, rec.bases
        for number, ((card, _, plan_rules), (_leaves, groups, positions, eaches)) in enumerate(
                zip(self.plans, self.order)):
            block = layout.block(flat, card.index)
            card_facts = _CardFacts(facts, positions)
            texts: list[str | None] = [None] * len(card.nodes)
            for index, node, plan, key_of, memo, at, reads in self.flat_leaves[number]:
                if key_of is None or memo.off:
                    try:
                        texts[index] = self._one(rec, number, index, block, facts, rendered)
                    except Fallback:
                        pass
                    continue
                try:
                    fact = facts[at]
                    note = reads.note(rec, fact[0]) if noted and not reads.bases.isdisjoint(bases) else None
                    key = key_of(rec, None, fact, note, card_facts)  # (a flat key: what `basisgen` builds in place)
                    text = memo.texts.get(key)
                    if text is None:
                        text = memo.miss(key, rendered)
                        if text is None:
                            text = leaf(rec, card, node, plan, block[2 * index], fact,
                                        card_facts if node.moves_in else None, note)
                            memo.put(key, text)
                    texts[index] = text
                except Fallback:
                    pass
            for index, _node, scores, memo in groups:
                if memo.off:
                    texts[index] = self._group_at(number, index, block)
                    continue
                key = tuple(map(str, scores(block)))  # (the generated function's key: its parts' scores' `str`s)
                text = memo.texts.get(key)
                texts[index] = text if text is not None else self._group_fill(number, index, block, key, rendered)
            items = self._items_of(rec, number, block, facts, texts) if eaches else {}
            total, adjustments = self._total(rec, card, block, plan_rules, facts)
            out.append((texts, total, items, adjustments))
        return out

    def noted(self, notes: dict) -> tuple[tuple, frozenset]:
        """((data key, the input it belongs to) of every note a record gives, the inputs), kept by the keys:
        a batch's records give notes on the same keys (the manual judgements'), so they are split once."""
        if not notes:
            return (), frozenset()
        keys = tuple(notes)
        given = all(notes.values())  # (a key whose note is empty gives none)
        found = self._noted.get(keys) if given else None
        if found is None:
            noted = tuple((key, key.split("[", 1)[0]) for key, text in notes.items() if text)
            found = noted, frozenset(base for _, base in noted)
            if given:
                if len(self._noted) >= 256:
                    self._noted.clear()
                self._noted[keys] = found
        return found

    def asks_notes(self, bases: frozenset) -> tuple:
        """Per kept leaf of `basisgen` (`self.asked`), whether a record giving notes on the inputs `bases` may
        have one for it (`_Reads.note`'s first test), kept by `bases`: a batch's records note the same inputs."""
        flags = self._asks.get(bases)
        if flags is None:
            flags = tuple(not reads.bases.isdisjoint(bases) for reads in self.asked)
            if len(self._asks) >= 256:
                self._asks.clear()
            self._asks[bases] = flags
        return flags

    def _card_facts(self, number: int, facts) -> _CardFacts:
        """Each node's facts of the `number`-th scorecard rendered, by node index (None for a group)."""
        return _CardFacts(facts, self.order[number][2])

    def _one(self, rec, number: int, index: int, block, facts, rendered: int):
        """Leaf `index` of the `number`-th scorecard rendered: its text, kept by its key where it has one."""
        card = self.plans[number][0]
        node, plan, key_of, memo, at = self.leaf_at[number][index]
        weight, fact = block[2 * index], facts[at]  # (`layout.weight_in`)
        card_facts = self._card_facts(number, facts) if node.moves_in or (key_of is not None and
                                                                        getattr(key_of, "flat", None) is None) else None
        leaf = self._leaf
        if memo is None or memo.off:
            return leaf(rec, card, node, plan, weight, fact, card_facts)
        # the text is a function of the key (`_keyer`): a batch's repeats are rendered once
        reads = plan[5]  # (`_Reads.note`'s first test, without the call: most leaves read no noted input)
        note = reads.note(rec, fact[0]) if rec.noted and not reads.bases.isdisjoint(rec.bases) else None
        key = key_of(rec, weight, fact, note, card_facts)
        try:
            text = memo.texts.get(key)
        except TypeError:  # a value left out (MISSING has no hash): by its stand-in
            key = _hashable(key)
            try:
                text = memo.texts.get(key)
            except TypeError:  # a figure without a hash (a signalling NaN): not kept
                return leaf(rec, card, node, plan, weight, fact, card_facts, note)
        if text is None:
            text = memo.miss(key, rendered)
        if text is None:
            text = leaf(rec, card, node, plan, weight, fact, card_facts, note)
            memo.put(key, text)
        return text

    def _fill(self, rec, number: int, index: int, block, facts, rendered: int, key):
        """A kept leaf's text its flat key (its note first) did not find (`basisgen`): the older generation's, or
        written and kept."""
        node, plan, key_of, memo, at = self.leaf_at[number][index]
        note = key[0]
        text = memo.miss(key, rendered)
        if text is None:
            card_facts = self._card_facts(number, facts) if node.moves_in else None
            text = self._leaf(rec, self.plans[number][0], node, plan, block[2 * index], facts[at], card_facts, note)
            memo.put(key, text)
        return text

    def _group_at(self, number: int, index: int, block) -> str:
        node, scores, _ = self.group_at[number][index]
        return self._group(node, scores(block))

    def _group_fill(self, number: int, index: int, block, key, rendered: int) -> str:
        """A group's line its key (its parts' scores' `str`s) did not find: the older generation's, or written."""
        node, scores, memo = self.group_at[number][index]
        text = memo.miss(key, rendered)
        if text is None:
            text = self._group(node, scores(block))
            memo.put(key, text)
        return text

    def _items_of(self, rec, number: int, block, facts, texts) -> dict:
        """The `each` groups of the `number`-th scorecard: each one's line (into `texts`) and its items' texts."""
        card = self.plans[number][0]
        card_facts = self._card_facts(number, facts)
        items = {}
        rows = iter(self.layout.rows_in(block))
        for node, plan in self.order[number][3]:
            rows_of = next(rows)
            texts[node.index] = self._each(node, plan, rows_of)
            items[node.index] = self._items(rec, card, node, plan, rows_of, card_facts[node.index])
        return items

    def _each(self, group, plan, rows) -> str:
        """`interp.score_each`'s line for the group, from its items' rows (name, share, score)."""
        _, _, weighed, _ = plan
        score = sum((row[2] for row in rows), ZERO)
        if not rows:
            return f"没有符合条件的{group.each.list_name}项，得 0 分"
        if len(rows) == 1:
            return f"共 1 项{CLAUSE}得 {points(score)}"
        scores = " + ".join(points(row[2]) for row in rows)
        if weighed is not None:
            return (f"{points(group.declared)} 分按各项{weighed}（{' + '.join(points(row[1]) for row in rows)}）"
                    f"{CLAUSE}下级指标合计 {scores} = {points(score)}")
        return (f"{points(group.declared)} 分由 {len(rows)} 项均分（{split_text(row[1] for row in rows)}）{CLAUSE}"
                f"下级指标合计 {scores} = {points(score)}")

    def _items(self, rec, card, group, plan, rows, facts) -> list:
        """Each item's text (None: the interpreter's), with the item's fields in scope."""
        item_plan, spec = plan[1], plan[3]
        if item_plan is None:
            return [None] * len(rows)
        out = []
        names = item_names([row[0] for row in rows])
        template = group.each.template
        items = rec.values.get(spec.name, ())
        for name, (_, share, _), (number, fact) in zip(names, rows, facts):
            key = f"{spec.name}[{number}]"
            item = items[number - 1]
            rec.scope = {f.name: (item[f.slot], f.type, f"{key}.{f.name}") for f in spec.fields}
            rec.prefix = key
            node = NodeSpec(-1, name, group.path + (name,), share, group.index, (), False, template, None)
            try:
                out.append(self._leaf(rec, card, node, item_plan, share, fact, None))
            except Fallback:
                out.append(None)
            finally:
                rec.scope = rec.prefix = None
        return out

    def _group(self, node, scores) -> str:
        if not scores:
            return PLACEHOLDER
        return group_line(scores, node.declared, node.bonus)[1]

    def _rules(self, card, bound) -> list:
        """Per scorecard rule, in the order they apply: what its text needs of the ruleset."""
        out = []
        for rule in cardrules.before_cap(card.rules) + cardrules.after_cap(card.rules):
            if isinstance(rule, nodes.Deduction):
                out.append((rule, _Condition(rule.when, bound) if rule.when is not None else None,
                            self.model.type_of(rule.per.subject) if rule.per is not None else None))
            elif isinstance(rule, nodes.CapBy):
                out.append((rule, None, self.model.type_of(rule.subject)))
            else:
                out.append((rule, _Condition(rule.condition, bound), None))
        return out

    def _total(self, rec, card, block, plan_rules, facts) -> tuple[str, list]:
        """The total's line and each scorecard rule's (`cardrules.interpret_*`)."""
        top = self.top[card.index](block)
        total = sum(top, ZERO)
        text = " + ".join(plains(top)) + f" = {points(total)}"
        lines = []
        if card.rules:
            try:
                return self._with_rules(rec, card, block, plan_rules, facts, total, text)
            except Fallback:
                return None, None
        text += self._cap(card, total)[1]
        return text, lines

    def _with_rules(self, rec, card, block, plan_rules, facts, total, text):
        """The total's line and each rule's, for a scorecard with scorecard rules."""
        lines = []
        pairs = self.layout.rows_in(block)[-1]
        figures = facts[self.card_fact_of[card.index]]
        deductions = len(cardrules.before_cap(card.rules))
        for position, ((rule, when, vtype), fact, (_, after)) in enumerate(zip(plan_rules, figures, pairs)):
            if position == deductions:  # the constant cap comes between the deductions and the limits
                total, capped = self._cap(card, total)
                text += capped
            lines.append(self._rule(rec, rule, when, vtype, fact, total))
            total = after
        if deductions == len(plan_rules):
            text += self._cap(card, total)[1]
        text += "".join(f"{CLAUSE}{cardrules.label(rule)} 计 {points(after)}"
                        for (rule, _, _), (applied, after) in zip(plan_rules, pairs) if applied)
        return text, lines

    @staticmethod
    def _cap(card, total):
        if card.cap is None:
            return total, ""
        low, high = card.cap
        capped = min(max(total, low), high)
        return capped, (f"{CLAUSE}按 {points(low)}–{points(high)} 封顶，计 {points(capped)}" if capped != total else "")

    def _rule(self, rec, rule, when, vtype, fact, total) -> str:
        """One scorecard rule's text, the total before it being `total`."""
        leaf = _Leaf(rec)
        if isinstance(rule, nodes.Deduction):
            value, text = self._line(leaf, rule, fact, when, vtype, None)
            return text + cardrules.deducted(total, self._round(value))[1]
        if isinstance(rule, nodes.CapBy):
            value, limit, number = fact
            subject = leaf.describe(rule.subject, value, vtype)
            if not number:
                return f"{subject}{CLAUSE}不封顶"
            arm = rule.arms[number - 1]
            where = "其余情形" if arm.op is None else f"{cardrules._op(arm.op)} {rec.show(arm.threshold)}"
            after = min(total, limit)
            text = f"{subject}{CLAUSE}{where}{CLAUSE}总分最高 {points(limit)}"
            return text + (f"{CLAUSE}{points(total)} 封顶为 {points(after)}" if after != total
                           else f"{CLAUSE}总分 {points(total)} 未超过，不变")
        holds, limit = fact
        why = leaf.condition(when, holds)
        if not holds:
            return f"{why}{CLAUSE}不否决"
        parts = [why]
        if rule.cap is not None:
            parts.append(f"总分最高 {points(limit)}，计 {points(min(total, limit))}")
        if rule.grade is not None:
            parts.append(f"等级定为 {rule.grade}")
        return CLAUSE.join(parts)

    def _round(self, value: Decimal) -> Decimal:
        return round_score(value, self.step, self.mode)

    def _score_text(self, raw: Decimal) -> str:
        """``points(self._round(raw))``, kept by the raw score's `str` (exact, and cheaper than its hash): equal
        decimals round to the same step (the step and mode are the ruleset's); the texts of a batch repeat."""
        if raw.__class__ is not Decimal:  # (anything else fails in `_round` as it did)
            return points(self._round(raw))
        key = str(raw)
        text = self.rounded.get(key)
        if text is None:
            text = points(self._round(raw))
            if len(self.rounded) > 8192:
                self.rounded.clear()
            self.rounded[key] = text
        return text

    def _leaf(self, rec, card, node, plan, weight, fact, card_facts, note=_ASK) -> str:
        _, form, applies, guards, extra, reads, shows = plan
        arm, raw = fact[0], fact[1]
        if note is _ASK:  # Fallback when the notes cannot be told without the interpreter
            note = reads.note(rec, arm) if rec.noted else None
        if arm == 0:  # its rule's arm by a text laid out once, where its form has one (`arm_text`)
            fast = extra.get("fast")
            if fast is not None:
                text = fast(rec, card, node, weight, fact, card_facts, note)
                if text is not None:
                    return text
        leaf = _Leaf(rec)
        if shows:
            leaf.shows = [(show, fact[-1][2 * k], fact[-1][2 * k + 1]) for k, show in enumerate(shows)]
        received = self._received(card, node, weight, card_facts) if node.moves_in else None
        if received:
            leaf.clauses.append(received)
        indicator = node.indicator
        if arm == -1:
            why = leaf.condition(applies, False)
            if indicator.applies.full:
                leaf.clauses.append(f"不适用（{why}），按分值得分 {points(weight)}")
                return self._finish(leaf, node, weight, weight, note)
            moved = "、".join(f"{m.target} +{points(m.amount)}" for m in indicator.applies.moves)
            leaf.clauses.append(f"不适用（{why}），分值 {points(node.declared)} 调整至 {moved}")
            return self._finish(leaf, node, ZERO, ZERO, note)
        if arm > 0:
            cond, score = guards[arm - 1]
            scored = self._points_text(leaf, score, raw, weight, fact[2])
            leaf.clauses.append(f"{leaf.condition(cond, True)}{CLAUSE}{scored}")
            return self._finish(leaf, node, weight, raw, note)
        self.forms[form](self, leaf, node, indicator.rule, weight, raw, fact, extra)
        return self._finish(leaf, node, weight, raw, note)

    def _points_text(self, leaf, chain, raw, weight, path) -> str:
        """`interp._points_text`: `chain` is the score's `_chain`, `path` the branches its ``if``s took."""
        expr = chain[0]
        if isinstance(expr, nodes.Full):
            return f"得满分 {points(weight)}"
        if is_literal(expr):
            return f"得 {self._score_text(raw)} 分"
        if isinstance(expr, nodes.If):
            holds, inner = path
            branch = chain[2] if holds else chain[3]
            return f"{leaf.condition(chain[1], holds)}{CLAUSE}{self._points_text(leaf, branch, raw, weight, inner)}"
        if isinstance(expr, nodes.Name):
            return f"{expr.name} = {self._score_text(raw)}"
        return f"{leaf.rec.show(expr, weight)} = {self._score_text(raw)}"

    @staticmethod
    def _received(card, node, weight, card_facts) -> str | None:
        """The clause of the points a leaf received from its moves' sources that did not apply, or None."""
        received = [m for m in node.moves_in if card_facts[m.source][0] == -1]
        if not received:
            return None
        added = " + ".join(points(m.amount) for m in received)
        sources = "、".join(card.nodes[m.source].name for m in received)
        return f"分值 {points(node.declared)} + {added}（{sources}不适用调入）= {points(weight)}"

    def _subject_text(self, expr, vtype):
        """``text(rec, value)``: `named` of a rule's subject that is a name, bound once (a form's `arm_text`);
        None for any other subject."""
        if not isinstance(expr, nodes.Name):
            return None
        name = expr.name
        formula = self.formula_of.get(name)
        shown_of = self.shown_of.get(name)
        if shown_of is None:  # (a total, or a name `_shown` looks up the long way)
            return partial(named, name, vtype, formula)  # (no frame of its own, as a lambda)
        if name not in self.let_specs:
            formula = None

        def text(rec, value):
            """`named`, its name's text asked of its own `shown_of` (what `rec.shown` asks outside an item, without
            its memo: a subject is shown once a record) and its formula bound: two calls fewer a leaf."""
            if rec.scope is not None:  # an item's field may stand for the name: `shown` knows
                return named(name, vtype, formula, rec, value)
            shown = shown_of(rec)
            if shown is None:
                shown = show_value(value, vtype)
            return _equation(name, shown, formula(rec) if formula is not None else None)
        return text

    def _finished_text(self, text, card, node, weight, raw, card_facts, note) -> str:
        """`_finish` of a leaf whose clauses are `text` (no ``show``; a form's `arm_text`): the points moved in
        before it, the clamp after, then its note."""
        if not (node.moves_in or note or node.bonus) and ZERO <= raw <= weight:  # the usual case: nothing to add
            return text
        clauses = [text]
        if node.moves_in:
            received = self._received(card, node, weight, card_facts)
            if received:
                clauses.insert(0, received)
        self._clamped(clauses, node, weight, raw)
        if note:
            clauses.append("依据：" + note)
        return CLAUSE.join(clauses) if len(clauses) > 1 else text

    @staticmethod
    def _clamped(clauses: list, node, weight, raw):
        """The clause of a raw score beyond the leaf's bounds, added to `clauses` (`_finish`)."""
        if node.bonus:
            low, high = -node.declared, node.declared
        else:
            low, high = ZERO, weight
        if raw > high:
            clauses.append(f"超过分值，按 {points(high)} 计" if not node.bonus else f"最多 {points(high)}")
        elif raw < low:
            clauses.append("扣完为止，得 0" if not node.bonus else f"最多扣 {points(-low)}")

    def _finish(self, leaf, node, weight, raw, note) -> str:
        self._clamped(leaf.clauses, node, weight, raw)
        if leaf.shows:
            for show, computed, reported in leaf.shows:
                leaf.clauses.append(show.clause(leaf, computed, reported))
        if note:
            leaf.clauses.append("依据：" + note)
        return CLAUSE.join(leaf.clauses)

    # each rule form's text is its `perfdsl.forms` module's `render` (the clauses its `evaluate` adds); what they share:

    def _line(self, leaf, line, figures, when, subject_type, weight, step_text=None, threshold_text=None):
        """(what a deduct/add line takes, its clause): `interp._deduction` and `_capped` from its figures;
        `step_text`, `threshold_text`: their texts when they name nothing (`_constant`), else None."""
        amount, holds, subject, step, threshold, excess, count, value, cap = figures
        verb = "扣" if line.kind == "deduct" else "加"
        rec = leaf.rec
        if when is not None:
            text = (f"{leaf.condition(when, True)}{CLAUSE}{verb} {points(amount)}" if holds
                    else f"{leaf.condition(when, False)}{CLAUSE}不{verb}")
        else:
            per = line.per
            described = leaf.describe(per.subject, subject, subject_type, weight)
            if per.step is None:
                text = f"{described}{CLAUSE}每次{verb} {points(amount)}"
                text += f"{CLAUSE}{verb} {points(value)}" if count else f"{CLAUSE}不{verb}"
            else:
                if step_text is None:
                    step_text = rec.show(per.step)
                if per.threshold is not None:
                    if threshold_text is None:
                        threshold_text = rec.show(per.threshold)
                    where = f"超过 {threshold_text}" if per.direction == "above" else f"低于 {threshold_text}"
                    excess_text = show_value(excess, subject_type) if excess > 0 else None
                    quiet = f"{described}{CLAUSE}{'未超过' if per.direction == 'above' else '不低于'} {threshold_text}"
                else:
                    where = ""
                    excess_text = leaf.value_text(per.subject, excess, subject_type) if excess > 0 else None
                    quiet = described
                if excess_text is None:  # nothing beyond the threshold: the line takes 0
                    text = f"{quiet}{CLAUSE}不{verb}"
                else:
                    count_text = plain(count) if per.mode in ("started", "whole") else plain(self._round(count))
                    text = stepped_clause(described, where, per.mode, excess_text, step_text, count_text, verb,
                                          amount, value)
        if cap is not None and value > cap:
            return cap, f"{text}（最多{verb} {points(cap)}，计 {points(cap)}）"
        return value, text


def _flat_key(inputs, stringed, units, manual, totals):
    """A flat key's function (`Renderer._keyer`): (note, the inputs' values, their units, the manual input's
    note, the totals).  A decimal goes in by its `str` — exact (sign, digits and exponent: equal texts are
    equal decimals, and ``6.40`` keeps its digits, as a reported figure shows them) and several times cheaper
    than a fresh Decimal's hash, which was a third of render.  `stringed`: the inputs whose values are
    decimals, booleans or `MISSING` (no text: ``<missing>`` is no decimal's or boolean's text); a text input's
    value goes in as it is.  The weight is not in it: a leaf's weight is its declared one, taken away by its own
    ``applies`` and added to by its moves' sources' (`codegen`), whose conditions' inputs the key holds."""
    text = tuple(name for name in inputs if name not in stringed)
    stringed = tuple(name for name in inputs if name in stringed)
    absent, absent_text = (MISSING,) * len(stringed), (MISSING,) * len(text)
    if not (text or units or manual or totals):
        def key(rec, weight, fact, note, card_facts):
            return (note, *map(str, map(rec.values.get, stringed, absent)))
        key.flat = (stringed, units, manual, totals)  # (what `basisgen` builds the same tuple in place from)
        return key

    def key(rec, weight, fact, note, card_facts):
        get = rec.values.get
        out = (note, *map(str, map(get, stringed, absent)), *map(get, text, absent_text),
               *map(rec.units.get, units))
        if manual is not None:
            out += (rec.notes.get(manual),)
        if totals:
            out += tuple(map(str, map(rec.totals.get, totals)))
        return out
    if not text:  # (a text input's value left out has no hash: `Renderer._one` looks it up by its stand-in)
        key.flat = (stringed, units, manual, totals)
    return key


#: The stand-ins of `MISSING` and `UNDEFINED` in a key (`_hashable`): neither has a hash, by design.
_STAND_INS = {MISSING.what: object(), UNDEFINED.what: object()}


def _hashable(key: tuple) -> tuple:
    """`key` with each missing or undefined value in it, or in a tuple in it (the inputs' values, the derived
    values'), as its stand-in, which has a hash: equal keys are still equal inputs (an indicator that does
    not apply, its inputs left out, is the usual case)."""
    return tuple(_STAND_INS[part.what] if part.__class__ is Undefined else
                 tuple(_STAND_INS[p.what] if p.__class__ is Undefined else p for p in part)
                 if part.__class__ is tuple else part for part in key)


def _exact(value):
    """A figure as the key of a text that may show its digits as given: a decimal by its exact text."""
    return str(value) if value.__class__ is Decimal else value


def _quiet(failure: Exception) -> bool:
    """Whether the interpreter meets `failure` as a record error (a missing input, a zero divisor), which a
    ``show`` line states as 无法计算; any other failure is the interpreter's to report."""
    if isinstance(failure, UndefinedUse):
        return failure.args == ("missing",)  # "undefined": a derived value that failed, for whatever reason
    if isinstance(failure, ZeroDivisionError):
        return True
    return isinstance(failure, ArithmeticError) and bool(failure.args) and failure.args[0] == [DivisionUndefined]


def _failure(value):
    """A bare name's stand-in as the failure the interpreter meets reading it (UNDEFINED: not to be told)."""
    if value is MISSING:
        return UndefinedUse("missing")
    if value is UNDEFINED:
        raise Fallback("show")
    return value


class _Show:
    """``show EXPR vs REPORTED``: `interp._show_clause` from the two values the compiled evaluator found."""

    def __init__(self, model, show):
        self.show = show
        self.named = show.expr.name if isinstance(show.expr, nodes.Name) else None
        self.failed = f"参考：{pretty(show.expr)} 无法计算"
        self.type = model.type_of(show.expr)
        reported = show.reported
        if reported is not None:
            self.reported_type = model.type_of(reported)
            self.rate = self.reported_type == RATE
            self.literal = printed.parse(reported.text) if isinstance(reported, nodes.Num) and reported.text else None
            spec = model.input(reported.name) if isinstance(reported, nodes.Name) else None
            self.input = (reported.name, spec.type.kind, spec.type.unit) if spec is not None else None

    def clause(self, leaf, computed, reported) -> str:
        show = self.show
        computed, reported = _failure(computed), _failure(reported)
        if isinstance(computed, Exception):
            if not _quiet(computed):
                raise Fallback("show")
            return self.failed
        if self.named is not None and self.named in leaf.described and show.reported is not None:
            text = f"参考：{self.named}"  # its derivation is already in the basis
        else:
            text = "参考：" + leaf.describe(show.expr, computed, self.type)
        if show.reported is None:
            return text
        if isinstance(reported, Exception):
            if not _quiet(reported):
                raise Fallback("show")
            return text
        shown = leaf.value_text(show.reported, reported, self.reported_type)
        if self.rate and isinstance(reported, Decimal):
            shown = percent_as_given(reported)
        if self.literal is not None:
            as_printed = self.literal
        elif self.input is not None:
            name, kind, unit = self.input
            as_printed = printed.of_input(reported, kind, leaf.rec.units.get(name, unit))
        else:
            vtype = self.reported_type
            as_printed = printed.of_input(reported, vtype.kind if vtype is not None else "number",
                                          vtype.unit if vtype is not None else None)
        agrees = printed.agrees(computed, as_printed)
        return f"{text}（报告为 {shown}{'' if agrees else '，与重算不一致'}）"


class _Reads:
    """Which inputs a leaf reads for certain, by the arm it takes: its basis ends with the notes that came
    with them (``依据：…``) in the order it read them.  The facts say that order only when one of the
    inputs it may read carries a note and that one is read for certain; otherwise the interpreter says."""

    def __init__(self, model, card, node, item=None):
        indicator = node.indicator
        self.manual = node.manual_input if forms.of(indicator.rule).NOTED else None
        fields = item[1] if item is not None else ()  # an item's field is read as ``.field`` (its key's tail)
        exprs = [g.condition for g in indicator.guards] + [g.score for g in indicator.guards]
        exprs += _rule_exprs(indicator.rule)
        exprs += [card.nodes[m.source].indicator.applies.condition for m in node.moves_in]
        exprs += [e for show in indicator.shows for e in (show.expr, show.reported) if e is not None]
        if indicator.applies is not None:
            exprs.append(indicator.applies.condition)
        self.maybe = frozenset(_inputs(model, exprs, fields))  # every input it may read, through derived values too
        self.bases = self.maybe | ({item[0]} if item is not None else set())  # what notes' keys begin with
        certain = forms.of(indicator.rule).reads(model, indicator.rule, lambda exprs: _certain(model, fields, exprs),
                                                 lambda expr: _shown_in(model, fields, expr))
        guards = [g.condition for g in indicator.guards]
        guard_reads = _certain(model, fields, guards)
        self.certain = {0: frozenset(certain) | frozenset(guard_reads)}
        for number, guard in enumerate(indicator.guards, start=1):
            self.certain[number] = frozenset(_certain(model, fields, guards[:number] + [guard.score]))
        if indicator.applies is not None:  # not applicable: its condition's facts read every input it names
            self.certain[-1] = frozenset(
                n.name for n in nodes.walk(indicator.applies.condition)
                if isinstance(n, nodes.Name) and model.input(n.name) is not None
                and model.input(n.name).type.kind != "list")

    def note(self, rec, arm) -> str | None:
        maybe, manual = self.maybe, self.manual
        if self.bases.isdisjoint(rec.bases):
            return None
        prefix = rec.prefix
        noted = []  # (key, how this leaf reads it: an input's name, ``.field`` for the item's field)
        for key, base in rec.noted:
            if key == manual:
                continue
            if base in maybe and base == key:
                noted.append((key, key))
            elif prefix is not None and key.startswith(prefix + ".") and key[len(prefix):] in maybe:
                noted.append((key, key[len(prefix):]))
            elif base in maybe:  # an item of a list it aggregates over
                raise Fallback("notes")
        if not noted:
            return None
        if len(noted) == 1 and noted[0][1] in self.certain.get(arm, ()):
            return rec.notes[noted[0][0]]
        raise Fallback("notes")


def _constant(expr, before: str = "") -> str | None:
    """`before` and `expr`'s basis text when it names nothing (a threshold, a step, a literal share: ``95%``),
    which is then the ruleset's alone and made once; None when it names a value (made per record)."""
    if any(isinstance(node, (nodes.Name, nodes.Full)) for node in nodes.walk(expr)):
        return None
    return before + substituted(expr, lambda name: None)


def _chain(expr, bound):
    """A score expression with the condition of each ``if`` it leads with laid out: (expr,) or
    (if-expr, its test's `_Condition`, the then-chain, the else-chain)."""
    if isinstance(expr, nodes.If):
        return (expr, _Condition(expr.test, bound), _chain(expr.then, bound), _chain(expr.otherwise, bound))
    return (expr,)


def _rule_exprs(rule):
    return [n for n in nodes.walk(rule) if isinstance(n, nodes.Expr)] if rule is not None else []


def _inputs(model, exprs, fields=(), seen=None) -> set[str]:
    """Every input `exprs` name, directly or through derived values (an item's field as ``.field``)."""
    seen = set() if seen is None else seen
    out = set()
    for expr in exprs:
        for node in nodes.walk(expr):
            if isinstance(node, nodes.Name):
                if node.name in fields:
                    out.add("." + node.name)
                elif model.input(node.name) is not None:
                    out.add(node.name)
                elif model.let(node.name) is not None and node.name not in seen:
                    seen.add(node.name)
                    out |= _inputs(model, [model.let(node.name).expr], (), seen)
    return out


def _shown_in(model, fields, expr) -> list[str]:
    """The inputs `describe(expr)` shows, and so reads, whatever was computed before: a derived value's
    formula's own inputs, or those the expression names."""
    if isinstance(expr, nodes.Name) and expr.name not in fields and model.let(expr.name) is not None:
        expr = model.let(expr.name).expr
        fields = ()
    out = []
    for node in nodes.walk(expr):
        if isinstance(node, nodes.Name):
            if node.name in fields:
                out.append("." + node.name)
            elif model.input(node.name) is not None and model.input(node.name).type.kind != "list":
                out.append(node.name)
    return out


def _certain(model, fields, exprs) -> list[str]:
    """The inputs evaluating `exprs` reads whatever the values (not behind `and`/`or`/`if`, an aggregate or
    a derived value, which the interpreter computes once per record); an item's field as ``.field``."""
    out = []

    def visit(expr):
        if isinstance(expr, nodes.Name):
            if expr.name in fields:
                out.append("." + expr.name)
            elif model.input(expr.name) is not None:
                out.append(expr.name)
        elif isinstance(expr, (nodes.Binary, nodes.Compare)):
            visit(expr.left)
            visit(expr.right)
        elif isinstance(expr, nodes.Logic):
            visit(expr.left)
        elif isinstance(expr, (nodes.Neg, nodes.Not)):
            visit(expr.operand)
        elif isinstance(expr, nodes.If):
            visit(expr.test)
        elif isinstance(expr, nodes.Call):
            if expr.func != "given" and not (expr.args and isinstance(expr.args[0], nodes.Query)):
                for arg in expr.args:
                    visit(arg)

    for expr in exprs:
        visit(expr)
    return out
