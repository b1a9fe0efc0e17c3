"""What values a rule can take over the records a ruleset allows, and where it may divide by zero.

An input ranges over its type — a count over 0, 1, 2 …; a number, rate or
amount over all numbers unless declared — narrowed by its declared range
(``in a .. b``, ``>= a``, ``<= b``; a bound that names another input takes
that input's range).  Inside a leaf, what has been decided before narrows
it further: the `when` cases before the rule (``when 项目总数 == 0 => full``
leaves 项目总数 ≥ 1 for the rule), ``applies``, an ``if`` test, the left
side of ``and``/``or``, the arm of a band.

A `Value` is an interval holding every value, and says whether it is
*exact*: whether its ends are approached by some allowed record.  It is
exact when every input occurs once (so the ends of the parts can be reached
together) and the conditions that narrowed them were understood exactly.
A warning that a score *can* leave its range is only given on an exact
value; an error that a score can *never* reach full marks needs only the
interval.  Anything not understood makes a value inexact, never wrong.
"""

from __future__ import annotations

from decimal import Decimal

from . import intervals, nodes
from .frozen import evolve, field, frozen
from .intervals import INF, ZERO, Interval
from .model import Model

ONE = Decimal(1)


@frozen
class Value:
    interval: Interval
    exact: bool
    names: frozenset  # the inputs (and list fields) it depends on


@frozen
class Env:
    """What is known at a point of a rule: narrowed intervals and the list fields in scope."""

    narrowed: dict = field(factory=dict)  # name → Interval
    holes: dict = field(factory=dict)  # name → values ruled out inside its interval (`x != 0`)
    fields: dict = field(factory=dict)  # field name → InputSpec
    precise: bool = True  # every condition that led here was understood exactly

    def narrow(self, name: str, interval: Interval) -> Env:
        return evolve(self, narrowed={**self.narrowed, name: interval})


@frozen
class Division:
    """A division, or a ratio, whose divisor is an input that may be 0 at the point it is evaluated."""

    node: nodes.Expr  # the division (a `Binary`), or a ratio's denominator
    divisor: str
    interval: Interval


class Analysis:
    def __init__(self, model: Model):
        self.model = model
        self._declared: dict[int, Interval | None] = {}
        self._computing: set[str] = set()
        self._lets: dict[tuple[str, bool], Value | None] = {}  # (let, precise) → its value where nothing is narrowed
        self._cycles = 0  # lets met again while being computed (P207): a value found then is not kept
        self.related: dict[str, set[str]] = {}
        top = {s.name for s in model.inputs}  # once, not per input
        for spec in model.inputs:
            fields = {s.name for s in spec.fields}
            for member in spec.fields:
                self._relate(member, fields)
            self._relate(spec, top)

    def _relate(self, spec, names: set):
        for bound in (spec.low, spec.high):
            for node in nodes.walk(bound) if bound is not None else ():
                if isinstance(node, nodes.Name) and node.name in names and node.name != spec.name:
                    self.related.setdefault(spec.name, set()).add(node.name)
                    self.related.setdefault(node.name, set()).add(spec.name)

    # ── inputs ──────────────────────────────────────────────────────────────

    def declared(self, spec, fields=None) -> Interval | None:
        """An input's (or field's) values: its type's, within its declared range.

        `fields`: the fields of the list item a field belongs to (its range may name them).
        """
        key = id(spec)
        if key not in self._declared:
            self._declared[key] = None  # a range that names itself, through others, adds nothing
            kind = spec.type.kind
            if kind not in ("count", "number", "rate", "money"):
                return None
            interval = Interval(ZERO, INF, whole=True) if kind == "count" else Interval()
            scope = Env(fields=fields or {})
            for bound, lower in ((spec.low, True), (spec.high, False)):
                value = self.value(bound, scope) if bound is not None else None
                if value is not None:
                    limit = value.interval.lo if lower else value.interval.hi
                    # ``> 0万元`` is open at its bound: a division by it is never by zero
                    closed = not (getattr(spec, "low_open" if lower else "high_open", False))
                    interval = interval.intersect(Interval(limit, INF, lo_closed=closed) if lower
                                                  else Interval(-INF, limit, hi_closed=closed))
            self._declared[key] = interval
        return self._declared[key]

    # ── expressions ─────────────────────────────────────────────────────────

    def value(self, expr, env: Env, full: Interval | None = None) -> Value | None:
        """The values `expr` can take at `env`; None for what is not a number."""
        if isinstance(expr, nodes.Num):
            return Value(Interval.point(expr.value), True, frozenset())
        if isinstance(expr, nodes.Full):
            return Value(full, True, frozenset()) if full is not None else None
        if isinstance(expr, nodes.Name):
            return self._name(expr.name, env)
        if isinstance(expr, nodes.Neg):
            inner = self.value(expr.operand, env, full)
            return inner and evolve(inner, interval=intervals.neg(inner.interval))
        if isinstance(expr, nodes.Binary):
            share = self._share(expr, env, full)
            if share is not None:
                return share
            parts = [self.value(expr.left, env, full), self.value(expr.right, env, full)]
            operation = {"+": intervals.add, "-": intervals.sub, "*": intervals.mul, "/": intervals.div}[expr.op]
            return self._combine(lambda items: operation(*items), parts)
        if isinstance(expr, nodes.If):
            return self._if(expr, env, full)
        if isinstance(expr, nodes.Call):
            return self._call(expr, env, full)
        return None

    def _combine(self, operation, parts) -> Value | None:
        if any(part is None for part in parts):
            return None
        interval = operation([p.interval for p in parts])
        if interval.empty:  # e.g. a division by a constant 0: it has no value at all
            return None
        names = frozenset().union(*(p.names for p in parts))
        return Value(interval, all(p.exact for p in parts) and self._independent(parts), names)

    def _independent(self, parts) -> bool:
        """No input in two parts, nor two inputs one of which bounds the other."""
        for index, part in enumerate(parts):
            for other in parts[index + 1:]:
                if part.names & other.names:
                    return False
                if any(self.related.get(name, set()) & other.names for name in part.names):
                    return False
        return True

    def _name(self, name: str, env: Env) -> Value | None:
        narrowed = env.narrowed.get(name)
        spec = env.fields.get(name) or self.model.input(name)
        if spec is not None:
            declared = self.declared(spec, env.fields)
            if declared is None:
                return None
            interval = declared if narrowed is None else declared.intersect(narrowed)
            return Value(interval, True, frozenset([name]))
        let = self.model.let(name)
        if let is not None:
            # where nothing is narrowed, nor any list field in scope, a let's value is its own: worked out once
            plain = not env.narrowed and not env.holes and not env.fields
            key = (name, env.precise)
            if plain and key in self._lets:
                return self._lets[key]
            if name in self._computing:  # a cycle, already an error (P207)
                self._cycles += 1
                return None
            self._computing.add(name)
            cycles = self._cycles
            try:
                inner = self.value(let.expr, env)
            finally:
                self._computing.discard(name)
            if plain and cycles == self._cycles:
                self._lets[key] = inner
            if inner is None or narrowed is None:
                return inner
            return evolve(inner, interval=inner.interval.intersect(narrowed))
        card = self.model.scorecard(name)
        if card is not None:  # another scorecard's total: within its cap, if it has one
            interval = Interval(*card.cap) if card.cap else Interval()
            return Value(interval if narrowed is None else interval.intersect(narrowed), False, frozenset())
        return None

    def _share(self, expr, env: Env, full) -> Value | None:
        """``k * 完成数 / 总数`` where 完成数 is declared ``<= 总数`` (a part of a whole) lies in ``0 .. k``."""
        if expr.op != "/" or not isinstance(expr.right, nodes.Name):
            return None
        part, factor = expr.left, None
        if isinstance(part, nodes.Binary) and part.op == "*":
            for one, other in ((part.left, part.right), (part.right, part.left)):
                if isinstance(other, nodes.Name):
                    factor, part = self.value(one, env, full), other
                    break
        if not isinstance(part, nodes.Name) or not self._within(part.name, expr.right.name, env):
            return None
        if factor is not None and (not factor.exact or factor.interval.lo < 0 or factor.names):
            return None
        whole = Interval(ZERO, ONE)
        interval = intervals.mul(whole, factor.interval) if factor is not None else whole
        return Value(interval, True, frozenset([part.name, expr.right.name]))

    def _within(self, part: str, whole: str, env: Env) -> bool:
        """Whether input `part` is declared ≥ 0 and ≤ input `whole`, directly or through other inputs."""
        seen = set()
        spec = env.fields.get(part) or self.model.input(part)
        declared = self.declared(spec, env.fields) if spec is not None else None
        if declared is None or declared.lo < 0:
            return False
        while spec is not None and spec.name not in seen:
            seen.add(spec.name)
            if not isinstance(spec.high, nodes.Name):
                return False
            if spec.high.name == whole:
                return True
            spec = env.fields.get(spec.high.name) or self.model.input(spec.high.name)
        return False

    def _if(self, expr, env: Env, full) -> Value | None:
        branches = []
        for truth, branch in ((True, expr.then), (False, expr.otherwise)):
            narrowed = self.refine(env, expr.test, truth)
            if narrowed is None:
                continue
            value = self.value(branch, narrowed, full)
            if value is None:
                return None
            branches.append((value, narrowed.precise))
        if not branches:
            return None
        interval = branches[0][0].interval
        for value, _ in branches[1:]:
            interval = interval.hull(value.interval)
        names = frozenset().union(*(v.names for v, _ in branches))
        tested = _names(expr.test)
        exact = all(v.exact and (precise or not (tested & v.names)) for v, precise in branches)
        return Value(interval, exact, names | tested)

    def _call(self, expr, env: Env, full) -> Value | None:
        if expr.args and isinstance(expr.args[0], nodes.Query):
            return self._aggregate(expr.func, expr.args[0], env, full)
        parts = [self.value(arg, env, full) for arg in expr.args]
        if not parts or any(p is None for p in parts):
            return None
        if expr.func in ("min", "max"):
            return self._combine(intervals.minimum if expr.func == "min" else intervals.maximum, parts)
        if expr.func == "abs":
            return evolve(parts[0], interval=intervals.absolute(parts[0].interval))
        if expr.func in ("ceil", "floor"):
            return evolve(parts[0], interval=intervals.rounded(parts[0].interval, expr.func == "ceil"))
        return None

    def _aggregate(self, func: str, query, env: Env, full) -> Value | None:
        """An aggregate over a list: its items are not known, so the value is never exact."""
        spec = self.model.input(query.source.name) if isinstance(query.source, nodes.Name) else None
        if spec is None:
            return None
        if func == "count":
            return Value(Interval(ZERO, INF, whole=True), False, frozenset())
        scope = evolve(env, fields={**env.fields, **{f.name: f for f in spec.fields}})
        item = self.value(query.value, scope, full) if query.value is not None else None
        if item is None:
            return None
        interval = item.interval
        if func == "sum":  # any number of items, none included
            interval = Interval(ZERO if interval.lo >= 0 else -INF, ZERO if interval.hi <= 0 else INF)
        return Value(interval, False, item.names)

    # ── conditions ──────────────────────────────────────────────────────────

    def refine(self, env: Env, condition, truth: bool) -> Env | None:
        """What is known where `condition` is `truth`; None where that cannot happen."""
        if isinstance(condition, nodes.Not):
            return self.refine(env, condition.operand, not truth)
        if isinstance(condition, nodes.Logic):
            if (condition.op == "and") == truth:  # both sides hold (and), or neither does (or)
                left = self.refine(env, condition.left, truth)
                return left and self.refine(left, condition.right, truth)
            return evolve(env, precise=False)
        if isinstance(condition, nodes.Bool):
            return env if condition.value == truth else None
        if isinstance(condition, nodes.Compare):
            found = self._compared(condition, env, truth)
            if found is not None:
                return found
        return evolve(env, precise=False)

    def _compared(self, condition, env: Env, truth: bool):
        """``名称 op 常数`` (either way round): the name's interval narrowed, or None if it cannot hold."""
        for subject, other, op in ((condition.left, condition.right, condition.op),
                                   (condition.right, condition.left, intervals.MIRROR[condition.op])):
            if not isinstance(subject, nodes.Name):
                continue
            current = self._name(subject.name, env)
            constant = self.value(other, env)
            if current is None or constant is None or constant.names or constant.interval.lo != constant.interval.hi:
                continue
            op = op if truth else intervals.NEGATION[op]
            point = constant.interval.lo
            whole = current.interval.whole
            if op == "!=":
                narrowed, precise = current.interval.without(point), True
                if narrowed == current.interval and point in narrowed:  # a hole inside: kept aside
                    holes = env.holes.get(subject.name, frozenset()) | {point}
                    env = evolve(env, holes={**env.holes, subject.name: holes})
            else:
                narrowed, precise = current.interval.intersect(intervals.region(op, point, whole)), True
            if narrowed.empty:
                return None
            return evolve(env.narrow(subject.name, narrowed), precise=env.precise and precise)
        return None

    # ── divisions ───────────────────────────────────────────────────────────

    def divisions(self, expr, env: Env, full: Interval | None = None, seen=None):
        """Every division by an input that may be 0 where `expr` is evaluated, lets included."""
        seen = set() if seen is None else seen
        if expr is None:
            return
        if isinstance(expr, nodes.Binary):
            yield from self.divisions(expr.left, env, full, seen)
            yield from self.divisions(expr.right, env, full, seen)
            if expr.op == "/":
                found = self.zero_divisor(expr, expr.right, env)
                if found is not None:
                    yield found
        elif isinstance(expr, nodes.Logic):  # the right side is evaluated only when the left leaves it open
            yield from self.divisions(expr.left, env, full, seen)
            right = self.refine(env, expr.left, expr.op == "and")
            if right is not None:
                yield from self.divisions(expr.right, right, full, seen)
        elif isinstance(expr, nodes.If):
            yield from self.divisions(expr.test, env, full, seen)
            for truth, branch in ((True, expr.then), (False, expr.otherwise)):
                narrowed = self.refine(env, expr.test, truth)
                if narrowed is not None:
                    yield from self.divisions(branch, narrowed, full, seen)
        elif isinstance(expr, nodes.Name):
            let = self.model.let(expr.name)
            if let is not None and expr.name not in env.fields and expr.name not in seen:
                yield from self.divisions(let.expr, env, full, seen | {expr.name})
        elif isinstance(expr, nodes.Call) and expr.args and isinstance(expr.args[0], nodes.Query):
            query = expr.args[0]
            spec = self.model.input(query.source.name) if isinstance(query.source, nodes.Name) else None
            scope = evolve(env, fields={**env.fields, **{f.name: f for f in spec.fields}}) if spec else env
            for part in (query.where, query.value):
                yield from self.divisions(part, scope, full, seen)
        else:
            for child in _children(expr):
                yield from self.divisions(child, env, full, seen)

    def zero_divisor(self, node, divisor, env: Env) -> Division | None:
        """`node` divides by `divisor`: a `Division` if that is an input that may be 0 here."""
        if not isinstance(divisor, nodes.Name) or self.model.let(divisor.name) and divisor.name not in env.fields:
            return None
        value = self._name(divisor.name, env)
        if value is None or not value.names or ZERO not in value.interval or ZERO in env.holes.get(divisor.name, ()):
            return None
        return Division(node, divisor.name, value.interval)


def _names(expr) -> frozenset:
    return frozenset(n.name for n in nodes.walk(expr) if isinstance(n, nodes.Name))


def _children(expr):
    return [child for child in nodes.children(expr) if isinstance(child, nodes.Expr)]


# ── leaves ──────────────────────────────────────────────────────────────────


@frozen
class Branch:
    """One way a leaf is scored — a `when` case or its rule — and what is known when it is taken."""

    node: nodes.Node  # a Guard, or the rule
    env: Env
    tested: frozenset  # the names the conditions that led here looked at

    def exact(self, value: Value) -> bool:
        """Whether `value`, computed here, is reached by some record that takes this branch."""
        return value.exact and (self.env.precise or not (self.tested & value.names))


def branches(analysis: Analysis, leaf: nodes.Indicator, env: Env) -> list[Branch]:
    """The `when` cases that can hold, in order, and the rule if it can be reached."""
    found = []
    tested = frozenset()
    for guard in leaf.guards:
        tested |= _names(guard.condition)
        here = analysis.refine(env, guard.condition, True)
        if here is not None:
            found.append(Branch(guard, here, tested))
        env = analysis.refine(env, guard.condition, False)
        if env is None:
            return found
    if leaf.rule is not None:
        found.append(Branch(leaf.rule, env, tested))
    return found


def applicable(analysis: Analysis, leaf: nodes.Indicator, env: Env | None = None) -> Env | None:
    """What is known where `leaf` applies (None if it never does)."""
    env = env or Env()
    if leaf.applies is None:
        return env
    return analysis.refine(env, leaf.applies.condition, True)


def combinations(card, limit: int = 10) -> list[frozenset]:
    """The sets of leaves (indices) that may not apply together, judged by their `applies` conditions.

    Each condition is a formula over atoms (a bool input, a comparison …);
    every assignment of the atoms is tried, so two conditions over the same
    atom are never taken apart (both 有转移支付).  Atoms are taken as
    independent, so a set may be listed that no record produces when two
    different atoms depend on each other.
    """
    sources = [node for node in card.leaves() if node.indicator.applies is not None]
    atoms: list = []
    for node in sources:
        for atom in _atoms(node.indicator.applies.condition):
            if atom not in atoms:
                atoms.append(atom)
    if len(atoms) > limit:
        return [frozenset()]
    found = set()
    for number in range(2 ** len(atoms)):
        truth = {index: bool(number >> index & 1) for index in range(len(atoms))}
        found.add(frozenset(node.index for node in sources
                            if not _holds(node.indicator.applies.condition, atoms, truth)))
    return sorted(found, key=lambda s: (len(s), sorted(s)))


def _atoms(condition):
    if isinstance(condition, nodes.Logic):
        yield from _atoms(condition.left)
        yield from _atoms(condition.right)
    elif isinstance(condition, nodes.Not):
        yield from _atoms(condition.operand)
    elif not isinstance(condition, nodes.Bool):
        yield condition


def _holds(condition, atoms, truth) -> bool:
    if isinstance(condition, nodes.Logic):
        left, right = _holds(condition.left, atoms, truth), _holds(condition.right, atoms, truth)
        return (left and right) if condition.op == "and" else (left or right)
    if isinstance(condition, nodes.Not):
        return not _holds(condition.operand, atoms, truth)
    if isinstance(condition, nodes.Bool):
        return condition.value
    return truth[atoms.index(condition)]
