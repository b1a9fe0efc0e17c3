"""The relations of amounts a model scores: every division of one amount by another, and every comparison
of two, in a rule that decides a score or in a derived value such a rule reads.

Each is compiled once into a function of a record's values (arithmetic on inputs, derived values and
literals), so that `plausibility` can value it — and value it again with one amount changed — at the
cost of a few Decimal operations a record.
"""

from __future__ import annotations

import weakref
from decimal import Decimal, localcontext

from . import nodes
from .decimals import CONTEXT, percent, plain
from .frozen import evolve, frozen
from .unparse import expression
from .values import MISSING

PROPORTION_LIMIT = Decimal(20)
CHANGE_LIMIT = Decimal(1000)


class Skip(Exception):
    """A relation that cannot be valued for this record (a value missing, a zero divisor)."""


_Skip = Skip


class _Unsupported(Exception):
    """An expression outside the arithmetic subset relations are valued with."""


@frozen
class Relation:
    """A division of amounts that decides a score, valued by `value` (a function of the record's values)."""

    name: str  # the derived value or indicator it belongs to
    kind: str  # "proportion" | "change"
    value: object  # values → the division's value
    shown: object  # values → what the message shows (the derived value, or the division)
    shown_rate: bool
    inputs: tuple[str, ...]  # money inputs it reads, numerator first
    scale: Decimal
    low: Decimal = Decimal(1)  # the smallest threshold its rules compare it with (its scale when none)
    top: Decimal | None = None  # the largest threshold its rules compare it with (None when none)
    readers: tuple[tuple[int, int], ...] = ()  # (scorecard, node index) of the indicators it decides

    @property
    def limit(self) -> Decimal:
        return (CHANGE_LIMIT if self.kind == "change" else PROPORTION_LIMIT) * self.scale

    def evaluate(self, values):
        try:
            with localcontext(CONTEXT):
                return self.value(values)
        except (_Skip, ArithmeticError):
            return None

    def display(self, values) -> str | None:
        try:
            with localcontext(CONTEXT):
                value = self.shown(values)
        except (_Skip, ArithmeticError):
            return None
        return percent(value) if self.shown_rate else plain(value)


@frozen
class Comparison:
    """A comparison of amounts that decides a score (``决算 <= 预算``): judged only with evidence of a slip."""

    text: str  # as the ruleset writes it
    left: object
    right: object
    op: str
    inputs: tuple[str, ...]

    def sides(self, values):
        try:
            with localcontext(CONTEXT):
                return self.left(values), self.right(values)
        except (_Skip, ArithmeticError):
            return None

    def apart(self, values) -> Decimal | None:
        """How many times the larger side is the smaller (None when a side is 0 or cannot be valued)."""
        sides = self.sides(values)
        if sides is None or sides[0] <= 0 or sides[1] <= 0:
            return None
        return max(sides) / min(sides)

    def holds(self, values) -> bool | None:
        sides = self.sides(values)
        return None if sides is None else _COMPARE[self.op](*sides)


_COMPARE = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


# ── the relations a model scores ─────────────────────────────────────────────


def rule_roots(indicator):
    """The expressions that decide an indicator's score (its `show` lines do not)."""
    roots = []
    if indicator.applies is not None:
        roots.append(indicator.applies.condition)
    for guard in indicator.guards:
        roots += [guard.condition, guard.score]
    if indicator.rule is not None:
        roots.append(indicator.rule)
    return roots


def indicators(model):
    for _, node, indicator in deciding(model):
        yield node.name, indicator


def deciding(model):
    """(scorecard index, node, indicator) for every leaf and every `each` group's template."""
    for card in model.scorecards:
        for node in card.nodes:
            if node.indicator is not None:
                yield card.index, node, node.indicator
            if node.each is not None:
                yield card.index, node, node.each.template


def readers(model, names) -> tuple[tuple[int, int], ...]:
    """(scorecard, node index) of the indicators whose rules read any of `names` (directly or through a
    derived value); a list field's name is read by the `each` groups whose template names it."""
    index = _readers_index(model)
    if len(names) == 1:
        return index.get(names[0], ())
    order = {where: i for i, where in enumerate(_deciders(model))}
    found = {where for name in names for where in index.get(name, ())}
    return tuple(sorted(found, key=order.__getitem__))


def _per_model(build):
    """`build(model)` made once per model and kept beside it (a `WeakKeyDictionary`: it goes with the model);
    a model that cannot be referred to weakly is built for every call."""
    memo: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def once(model):
        try:
            return memo[model]
        except (KeyError, TypeError):
            pass
        built = build(model)
        try:
            memo[model] = built
        except TypeError:
            pass
        return built

    once.memo = memo
    return once


def _deciders(model) -> list:
    return [(card, node.index) for card, node, _ in deciding(model)]


@_per_model
def _readers_index(model) -> dict:
    """{name: readers}, once per model (checks, plausibility and the cache all ask, per input)."""
    index: dict[str, list] = {}
    for card, node, indicator in deciding(model):
        lets: list[str] = []
        read: set = set()
        for root in rule_roots(indicator):
            _collect_lets(model, root, lets)
            read.update(n.name for n in nodes.walk(root) if isinstance(n, nodes.Name))
        read.update(lets)
        for let in lets:
            read.update(n.name for n in nodes.walk(model.let(let).expr) if isinstance(n, nodes.Name))
        for name in read:
            index.setdefault(name, []).append((card, node.index))
    return {name: tuple(wheres) for name, wheres in index.items()}


def relations(model):
    """Every division of amounts that decides a score, once each: in derived values the rules read, in rules."""
    lets_scored: list[str] = []
    seen_lets: set = set()
    roots = []
    for card, node, indicator in deciding(model):
        for root in rule_roots(indicator):
            roots.append((node.name, (card, node.index), root))
            _collect_lets(model, root, lets_scored, seen_lets)
    seen = set()
    for let_name in lets_scored:
        let = model.let(let_name)
        deciders = readers(model, [let_name])
        for relation in _divisions(model, let.expr, let_name, let.expr):
            if relation is not None and id(relation[0]) not in seen:
                seen.add(id(relation[0]))
                yield evolve(relation[1], readers=deciders)
    for name, where, root in roots:
        for node in nodes.walk(root):
            if isinstance(node, nodes.RatioRule) and _money(model, node.numerator) and _money(model, node.denominator):
                division = nodes.Binary(op="/", left=node.numerator, right=node.denominator)
                built = _relation(model, division, None, name, division, parent=None)
                if built is not None:
                    yield evolve(built, readers=(where,))
        for relation in _divisions(model, root, None, None, label=name):
            if relation is not None and id(relation[0]) not in seen:
                seen.add(id(relation[0]))
                yield evolve(relation[1], readers=(where,))


def comparisons(model):
    """Every comparison of two amounts (neither a literal) in the rules, or in derived values they read."""
    roots = [root for _, indicator in indicators(model) for root in rule_roots(indicator)]
    lets: list[str] = []
    seen_lets: set = set()
    for root in roots:
        _collect_lets(model, root, lets, seen_lets)
    roots += [model.let(name).expr for name in lets]
    seen = set()
    for root in roots:
        for node in nodes.walk(root):
            if (isinstance(node, nodes.Compare) and id(node) not in seen and _money(model, node.left)
                    and _money(model, node.right) and not isinstance(node.left, nodes.Num)
                    and not isinstance(node.right, nodes.Num)):
                seen.add(id(node))
                try:
                    left, right = _compile(model, node.left), _compile(model, node.right)
                except _Unsupported:
                    continue
                inputs = tuple(dict.fromkeys(_money_inputs(model, node.left) + _money_inputs(model, node.right)))
                yield Comparison(expression(node), left, right, node.op, inputs)


def _collect_lets(model, root, out: list, seen: set | None = None):
    """Append to `out` every derived value `root` reads, directly or through another, once, in first-read
    order (`seen` mirrors `out`, so that a long chain costs its length, not its square)."""
    seen = set(out) if seen is None else seen
    for node in nodes.walk(root):
        if isinstance(node, nodes.Name) and node.name not in seen and model.let(node.name) is not None:
            out.append(node.name)
            seen.add(node.name)
            _collect_lets(model, model.let(node.name).expr, out, seen)


def _divisions(model, expr, let_name, let_expr, label=None, parent=None):
    """(division, Relation) for every division of amounts in `expr` (a let's body or a rule)."""
    if isinstance(expr, nodes.Binary) and expr.op == "/" and _money(model, expr.left) and _money(model, expr.right):
        yield expr, _relation(model, expr, let_name, let_name or label, let_expr, parent)
    for child in nodes.children(expr):
        yield from _divisions(model, child, let_name, let_expr, label, expr)


def _relation(model, division, let_name, name, let_expr, parent):
    try:
        value = _compile(model, division)
        shown = _compile(model, let_expr) if let_name is not None and _single_division(model, let_expr) else value
    except _Unsupported:
        return None
    change = (isinstance(division.left, nodes.Binary) and division.left.op == "-") or (
        isinstance(parent, nodes.Binary) and parent.op in "+-" and parent.left is division
        and isinstance(parent.right, nodes.Num))
    shown_type = model.type_of(let_expr) if shown is not value else None
    inputs = _money_inputs(model, division.left) + [n for n in _money_inputs(model, division.right)]
    ordered = tuple(dict.fromkeys(inputs))
    factor, low = (scale(model, let_name), lowest(model, let_name)) if let_name is not None else (Decimal(1),) * 2
    top = max(thresholds(model, let_name), default=None) if let_name is not None else None
    shown_rate = shown is value or (shown_type is not None and shown_type.kind == "rate")  # 元 / 元 is a rate
    return Relation(name, "change" if change else "proportion", value, shown, shown_rate, ordered, factor, low, top)


def _single_division(model, expr) -> bool:
    count = sum(1 for node in nodes.walk(expr) if isinstance(node, nodes.Binary) and node.op == "/"
                and _money(model, node.left) and _money(model, node.right))
    return count == 1


def _money(model, expr) -> bool:
    vtype = model.type_of(expr)
    return vtype is not None and vtype.kind == "money"


def _money_inputs(model, expr) -> list[str]:
    out = []
    for node in nodes.walk(expr):
        if isinstance(node, nodes.Name):
            spec = model.input(node.name)
            if spec is not None and spec.type.kind == "money":
                out.append(node.name)
            elif spec is None and model.let(node.name) is not None:
                out += _money_inputs(model, model.let(node.name).expr)
    return out


def scale(model, name: str) -> Decimal:
    """1, or the largest literal the rules compare `name` with (band thresholds, `above`, `>=`, `/ 90%`)."""
    return max([Decimal(1), *thresholds(model, name)])


def lowest(model, name: str) -> Decimal:
    """The smallest nonzero literal the rules compare `name` with — where they start to pay — else its scale."""
    found = [value for value in thresholds(model, name) if value]
    return min(found) if found else scale(model, name)


def thresholds(model, name: str) -> list[Decimal]:
    """Every literal the rules compare `name` with (band thresholds, `above`, `>=`, `/ 90%`), as sizes."""
    return list(_thresholds_index(model).get(name, ()))


@_per_model
def _thresholds_index(model) -> dict:
    """{name: thresholds}: one walk of the rules for every name (plausibility asks per input and derived value)."""
    found: dict[str, list] = {}

    def literal(name, expr):
        if isinstance(expr, nodes.Num):
            found.setdefault(name, []).append(abs(expr.value))

    for _, indicator in indicators(model):
        for root in rule_roots(indicator):
            for node in nodes.walk(root):
                if isinstance(node, nodes.BandsRule) and isinstance(node.subject, nodes.Name):
                    for arm in node.arms:
                        if arm.threshold is not None:
                            literal(node.subject.name, arm.threshold)
                elif isinstance(node, nodes.PerSpec) and isinstance(node.subject, nodes.Name) \
                        and node.threshold is not None:
                    literal(node.subject.name, node.threshold)
                elif isinstance(node, nodes.Compare):  # a name on the left is compared with the right, and back
                    if isinstance(node.left, nodes.Name):
                        literal(node.left.name, node.right)
                    elif isinstance(node.right, nodes.Name):
                        literal(node.right.name, node.left)
                elif isinstance(node, nodes.Binary) and node.op == "/" and isinstance(node.left, nodes.Name):
                    literal(node.left.name, node.right)
    return {name: tuple(values) for name, values in found.items()}


def _compile(model, expr):
    """`expr` (arithmetic on inputs, derived values and literals) as a function of the values dict."""
    if isinstance(expr, nodes.Num):
        constant = expr.value
        return lambda values: constant
    if isinstance(expr, nodes.Name):
        if model.input(expr.name) is not None:
            name = expr.name

            def read(values):
                value = values.get(name, MISSING)
                if type(value) is not Decimal:
                    raise _Skip
                return value

            return read
        let = model.let(expr.name)
        if let is None:
            raise _Unsupported
        return _compile(model, let.expr)
    if isinstance(expr, nodes.Neg):
        inner = _compile(model, expr.operand)
        return lambda values: -inner(values)
    if isinstance(expr, nodes.Binary):
        left, right = _compile(model, expr.left), _compile(model, expr.right)
        if expr.op == "+":
            return lambda values: left(values) + right(values)
        if expr.op == "-":
            return lambda values: left(values) - right(values)
        if expr.op == "*":
            return lambda values: left(values) * right(values)

        def divide(values):
            divisor = right(values)
            if divisor == 0:
                raise _Skip
            return left(values) / divisor

        return divide
    if isinstance(expr, nodes.Call) and expr.func in ("min", "max", "abs") and expr.args \
            and not isinstance(expr.args[0], nodes.Query):
        parts = [_compile(model, arg) for arg in expr.args]
        if expr.func == "abs":
            return lambda values: abs(parts[0](values))
        pick = min if expr.func == "min" else max
        return lambda values: pick(part(values) for part in parts)
    raise _Unsupported
