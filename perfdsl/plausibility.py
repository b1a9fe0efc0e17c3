"""Plausibility at the door: figures whose size says they were typed in the wrong unit.

Two slips change a score and raise no error by themselves:

* an amount typed in 元 where the ruleset reads 万元, or the reverse — the figure is 10⁴ times
  too large or too small (`P520`);
* a rate typed as a percent number, ``95`` for ``95%``, read as 9500% (`P521`).

The rules are read from the model, never from input names.  For `P520` they are the
*relations* the rules score: every division of one amount by another in a derived value or a
rule that decides a score (``支出 / (收入 + 结转)``, ``(本年 - 上年) / 上年``, ``ratio 在用 / 总额``).
A relation is implausible when its value is far beyond any value such a ratio takes — a part
of its whole, an execution rate, a change from one year to the next — and the warning names
the one amount whose ×10⁴ or ÷10⁴ brings it back to an ordinary size::

    疑似 元/万元 混用：预算支出决算数 6440687.91万元 使 部门预算支出率 = 976021.23%；若为 6440687.91元 则为 97.60%

Only the *high* side is judged.  A ratio far below its ordinary size is a real record as often
as a slip (a carry-over of 0.0027% of the budget, a department that spent almost nothing), and a
comparison of two amounts (决算 ≤ 预算) says nothing about their sizes; warning on them would
raise false alarms on records that are simply extreme, and a warning that cries wolf is
ignored.  docs/data.md says what is and is not caught, and why.

Thresholds, in units of the relation's scale `u` (1, or the largest threshold the rules compare
it with, if larger):

* a proportion (a division whose numerator is not a difference) is implausible above 20u
  (2000%): parts of a whole, spending against a budget and carry-over against income do not get
  there, while an amount 10⁴ too large puts a 2.4% carry-over rate at 240;
* a change (``(A - B) / B``, ``A / B - 1``) above 1000u: a small base makes large changes real
  (a carry-over that grew from 100 元 to 1000 万元), but not 10⁴ times the ordinary ones;
* the correction must bring the relation to at most 10u.

For `P521` a rate written as a plain number (not ``"95%"``, not a percent-formatted cell) is
suspect when it exceeds 5u and reads as an ordinary rate once divided by 100.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import attrs

from . import nodes
from .decimals import CONTEXT, MONEY_UNITS, money, percent, percent_as_given, plain
from .runtime import MISSING
from .unparse import expression

WAN = Decimal(10000)
PROPORTION_LIMIT = Decimal(20)
CHANGE_LIMIT = Decimal(1000)
ORDINARY = Decimal(10)
RATE_LIMIT = Decimal(5)


@attrs.frozen
class DataWarning:
    """A figure of one record that looks like a slip: what it is, and the likely fix."""

    code: str
    message: str
    key: str
    record: object = None

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "key": self.key}

    def render(self) -> str:
        where = f"记录 {self.record}" if self.record is not None else "记录"
        return f"{where}，键 `{self.key}`: 警告[{self.code}]: {self.message}"


class _Skip(Exception):
    """A relation that cannot be valued for this record (a value missing, a zero divisor)."""


class _Unsupported(Exception):
    """An expression outside the arithmetic subset relations are valued with."""


@attrs.frozen
class Relation:
    """A division of amounts that decides a score, valued by `value` (a function of the record's values)."""

    name: str  # the derived value or indicator it belongs to
    kind: str  # "proportion" | "change"
    value: object  # values → the division's value
    shown: object  # values → what the message shows (the derived value, or the division)
    shown_rate: bool
    inputs: tuple[str, ...]  # money inputs it reads, numerator first
    scale: Decimal

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


@attrs.frozen
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


class Plausibility:
    """The plausibility rules of one model, decided once; `check` applies them to a record."""

    def __init__(self, model):
        self.model = model
        self.relations = tuple(_relations(model))
        self.comparisons = tuple(_comparisons(model))
        self.by_input: dict[str, list] = {}
        for relation in self.relations + self.comparisons:
            for name in relation.inputs:
                self.by_input.setdefault(name, []).append(relation)
        self.amounts = tuple(spec.name for spec in model.inputs if spec.type.kind == "money")
        self.rates = tuple((spec, _scale(model, spec.name)) for spec in model.inputs if spec.type.kind == "rate")
        self.rate_fields = tuple((spec, field) for spec in model.inputs for field in spec.fields
                                 if field.type.kind == "rate")

    def check(self, raw: dict, values: dict, record=None, skip=frozenset()) -> tuple[DataWarning, ...]:
        """The warnings for one converted record (`raw` as written, `values` as read); `skip`: keys already in error."""
        found = []
        if self.by_input:
            found += self._too_large(raw, values, skip)
            warned = {w.key for w in found}
            found += self._odd_amounts(raw, values, skip | warned)
        for spec, scale in self.rates:
            if spec.name not in skip:
                warning = _percent_number(spec, scale, raw.get(spec.name), spec.name)
                if warning is not None:
                    found.append(warning)
        for spec, field in self.rate_fields:
            items = _unwrap(raw.get(spec.name))
            if not isinstance(items, list):
                continue
            for number, item in enumerate(items, start=1):
                key = f"{spec.name}[{number}].{field.name}"
                if isinstance(item, dict) and key not in skip:
                    warning = _percent_number(field, Decimal(1), item.get(field.name), key)
                    if warning is not None:
                        found.append(warning)
        return tuple(attrs.evolve(w, record=record) for w in found)

    # ── 元 / 万元: a relation far too large ──────────────────────────────────

    def _too_large(self, raw, values, skip):
        wrong = []
        for relation in self.relations:
            value = relation.evaluate(values)
            if value is not None and abs(value) > relation.limit:
                wrong.append(relation)
        if not any(relation.kind == "proportion" for relation in wrong):
            return []  # a change alone can be that large: from a base of 100 元 to 1000 万元
        # every single-amount correction that brings some implausible relation back, with what it fixes
        fixes: dict[tuple[str, Decimal], list[Relation]] = {}
        for relation in wrong:
            for name in relation.inputs:
                amount = values.get(name)
                if name in skip or type(amount) is not Decimal or amount == 0:
                    continue
                for factor in (TEN_THOUSANDTH, WAN):
                    value = relation.evaluate(_with(values, name, amount * factor))
                    if value is not None and abs(value) <= ORDINARY * relation.scale:
                        fixes.setdefault((name, factor), []).append(relation)
        forms = _forms(raw, self.amounts, self.model)
        ranks = {candidate: self._rank(candidate, fixes[candidate], values, forms) for candidate in fixes}
        ranked = sorted(fixes, key=ranks.get)
        explained: dict[Relation, tuple[str, Decimal]] = {}
        for candidate in ranked:
            for relation in fixes[candidate]:
                explained.setdefault(relation, candidate)
        out = []
        for candidate in ranked:
            mine = [r for r in fixes[candidate] if explained.get(r) == candidate]
            if any(r.kind == "proportion" for r in mine):  # an equally likely reading of the same figures is named too
                others = sorted({c[0] for r in mine for c in fixes if r in fixes[c] and c[0] != candidate[0]
                                 and ranks[c][:3] == ranks[candidate][:3]})
                name, factor = candidate
                out.append(self._warning(name, factor, mine, raw, values,
                                         f"（也可能是 {'、'.join(others)} 的单位有误）" if others else ""))
        return out

    def _rank(self, candidate, fixed, values, forms):
        """Best first: fixes the most relations, breaks none, written unlike the record's other amounts, in order."""
        name, factor = candidate
        corrected = _with(values, name, values[name] * factor)
        broken = 0
        for relation in self.by_input.get(name, ()):
            if isinstance(relation, Comparison):
                continue
            before, after = relation.evaluate(values), relation.evaluate(corrected)
            if after is not None and abs(after) > relation.limit and (before is None or abs(before) <= relation.limit):
                broken += 1
        odd = any(f == factor for f, _, _ in _evidence(name, values, forms, self.model, self))
        return (-(len(fixed) - broken), -int(odd), -_odd_unit(name, factor, fixed, forms, self.model),
                self.model.input(name).slot)

    # ── 元 / 万元: an amount written unlike the others, that moves what it is compared with ──

    def _odd_amounts(self, raw, values, skip):
        """Amounts written unlike the record's other amounts that, read in the other unit, leave every relation
        and comparison they decide at an ordinary size.

        Of two amounts that explain the same relations (the two sides of one ratio, each written its own
        way), the one whose way of writing is rarer in the record is named, and the other mentioned."""
        forms = None
        found = []  # (strength, rarity, slot, name, factor, why, moved)
        for name in self.amounts:
            if name in skip or name not in self.by_input or type(values.get(name)) is not Decimal \
                    or values[name] == 0:
                continue
            if forms is None:
                forms = _forms(raw, self.amounts, self.model)
            for factor, why, strength in _evidence(name, values, forms, self.model, self):
                moved = _settled(self.by_input[name], values, _with(values, name, values[name] * factor))
                if moved:
                    rarity = list(forms.values()).count(forms.get(name))
                    found.append((-strength, rarity, self.model.input(name).slot, name, factor, why, moved))
                    break
        found.sort(key=lambda entry: entry[:3])
        out, explained = [], []
        for strength, _, _, name, factor, why, moved in found:
            if all(relation in explained for relation in moved):
                continue
            explained += moved
            others = [] if -strength > 1 else [entry[3] for entry in found
                                               if entry[3] != name and set(map(id, entry[6])) == set(map(id, moved))]
            tail = f"（也可能是 {'、'.join(others)} 的单位有误）" if others else ""
            out.append(self._warning(name, factor, moved, raw, values, tail, why))
        return out

    def _warning(self, name, factor, relations, raw, values, tail="", why="") -> DataWarning:
        spec = self.model.input(name)
        written_unit = _written_unit(raw.get(name)) or spec.type.unit or "元"
        written = money(values[name], written_unit)
        corrected = _with(values, name, values[name] * factor)
        other_unit = "元" if written_unit == "万元" else "万元"
        if (factor < 1) == (written_unit == "万元"):  # the digits are right, the unit is not
            alternative = plain(values[name] / MONEY_UNITS[written_unit]) + other_unit
        else:
            alternative = money(corrected[name], written_unit)
        now = "、".join(_shown(r, values) for r in relations)
        then = "、".join(_shown(r, corrected, value_only=True) for r in relations)
        both = "分别" if len(relations) > 1 else ""
        reason = f"（{why}）" if why else ""
        message = f"疑似 元/万元 混用：{name} {written}{reason} 使 {now}；若为 {alternative} 则{both}为 {then}{tail}"
        return DataWarning("P520", message, name)


TEN_THOUSANDTH = Decimal("0.0001")


def _with(values: dict, name: str, value) -> dict:
    out = dict(values)
    out[name] = value
    return out


def _settled(relations, values, corrected) -> list | None:
    """The relations a correction changes, if it leaves every one at an ordinary size (else None): a ratio 0
    or between 0.1% and 10 times its scale, two compared amounts within 10 times of each other."""
    moved = []
    for relation in relations:
        if isinstance(relation, Comparison):
            before, after = relation.apart(values), relation.apart(corrected)
            if after is not None and after > ORDINARY:
                return None
            if before is not None and after is not None and before >= ORDINARY ** 3:
                moved.append(relation)
            continue
        before, after = relation.evaluate(values), relation.evaluate(corrected)
        if after is None:
            continue
        if after != 0 and not SMALLEST <= abs(after) <= ORDINARY * relation.scale:
            return None
        if before != after:
            moved.append(relation)
    return moved or None


SMALLEST = Decimal("0.001")


def _shown(relation, values, value_only=False) -> str:
    if isinstance(relation, Comparison):
        holds = relation.holds(values)
        outcome = "成立" if holds else "不成立"
        return outcome if value_only else f"{relation.text} {outcome}"
    shown = relation.display(values)
    return shown if value_only else f"{relation.name} = {shown}"


#: How a record writes an amount: a plain number (in the declared unit) or a string in 元 or 万元.
PLAIN = "plain"
#: A record keeps to one way of writing its amounts when at least this many others all share it.
CONVENTION = 5


def _forms(raw: dict, amounts, model) -> dict:
    """How `raw` writes each of its amounts (``plain``, ``元``, ``万元``)."""
    out = {}
    for name in amounts:
        if name in raw:
            out[name] = _written_unit(raw[name]) or PLAIN
    return out


def _evidence(name, values, forms, model, rules):
    """(factor, why) readings of amount `name` that the way the record writes it suggests.

    * the record writes every other amount one way (at least five of them), this one another;
    * every relation of the record is written in one unit throughout — each its own — except this
      amount's, where only it differs from the rest (at least three other relations agree with themselves).

    Neither the size of an amount nor its digits are evidence: records generated at the specs'
    boundaries have amounts hundreds of times the record's others and shares with fractions of a
    分 (a carry-over of 0.0027%), so a warning on them would be a false alarm.
    """
    spec = model.input(name)
    form = forms.get(name)
    others = [f for other, f in forms.items() if other != name]
    if len(others) >= CONVENTION and len(set(others)) == 1 and others[0] != form:
        said = "不带单位的数字" if others[0] == PLAIN else f"“…{others[0]}”"
        yield from _readings(spec, form, others[0], f"其余 {len(others)} 个金额都写作{said}", 2)
        return


def _readings(spec, form, usual, why, strength):
    mine = form if form != PLAIN else spec.type.unit
    theirs = usual if usual != PLAIN else spec.type.unit
    if mine != theirs:
        yield (WAN if mine == "元" else TEN_THOUSANDTH), why, strength
    else:  # the same unit written another way: the digits may be of either unit
        yield WAN, why, strength
        yield TEN_THOUSANDTH, why, strength


def _odd_unit(name, factor, relations, forms, model) -> int:
    """1 if `name` is written in a unit its relations' other amounts are not, and `factor` undoes it (for
    ranking readings only: the relations of a record generated at random are written every which way)."""
    def unit(other):
        form = forms.get(other, PLAIN)
        return model.input(other).type.unit if form == PLAIN else form

    mine = unit(name)
    if (factor < 1) != (mine == "万元"):
        return 0
    neighbours = {unit(other) for relation in relations for other in relation.inputs if other != name}
    return int(bool(neighbours) and mine not in neighbours)


def _percent_number(spec, scale: Decimal, raw, key: str) -> DataWarning | None:
    """`P521` for a rate written as a plain number 5× its scale or more that is an ordinary rate as a percentage."""
    raw = _unwrap(raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
        return None
    if isinstance(raw, str):
        text = raw.strip().replace(",", "")
        try:
            number = Decimal(text)
        except ArithmeticError:
            return None
    else:
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if not number.is_finite() or not RATE_LIMIT * scale < abs(number) <= 100 * ORDINARY * scale:
        return None
    if _outside_range(spec, number):
        return None  # the range check rejects it, with the same hint
    shown = plain(number)
    return DataWarning("P521", f"{key} = {shown}（读作 {percent_as_given(number)}）：是否应为 {shown}%？", key)


def percent_hint(spec, raw) -> str:
    """``：是否应为 95%？`` when a rate out of its range was written as a plain number that fits as a percentage."""
    raw = _unwrap(raw)
    if spec.type.kind != "rate" or isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
        return ""
    if isinstance(raw, str) and raw.strip().endswith(("%", "％")):
        return ""
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except ArithmeticError:
        return ""
    if number.is_finite() and number != 0 and not _outside_range(spec, number / 100):
        return f"：是否应为 {plain(number)}%？"
    return ""


def _outside_range(spec, value: Decimal) -> bool:
    """Whether `value` breaks a constant bound of `spec` (bounds naming other inputs are not judged here)."""
    for bound, beyond in ((spec.low, lambda b: value < b), (spec.high, lambda b: value > b)):
        if isinstance(bound, nodes.Num) and beyond(bound.value):
            return True
    return False


def _unwrap(raw):
    if isinstance(raw, dict) and "value" in raw:
        return raw["value"]
    return raw


def _written_unit(raw) -> str | None:
    raw = _unwrap(raw)
    if isinstance(raw, str):
        text = raw.strip()
        for unit in ("万元", "元"):
            if text.endswith(unit):
                return unit
    return None


# ── the relations a model scores ─────────────────────────────────────────────


def _rule_roots(indicator):
    """The expressions that decide an indicator's score (its `show` lines do not)."""
    roots = []
    if indicator.applies is not None:
        roots.append(indicator.applies.condition)
    for guard in indicator.guards:
        roots += [guard.condition, guard.score]
    if indicator.rule is not None:
        roots.append(indicator.rule)
    return roots


def _indicators(model):
    for card in model.scorecards:
        for node in card.nodes:
            if node.indicator is not None:
                yield node.name, node.indicator
            if node.each is not None:
                yield node.name, node.each.template


def _relations(model):
    lets_scored: list[str] = []
    rule_roots = []
    for name, indicator in _indicators(model):
        for root in _rule_roots(indicator):
            rule_roots.append((name, root))
            _collect_lets(model, root, lets_scored)
    seen = set()
    for let_name in lets_scored:
        let = model.let(let_name)
        for relation in _divisions(model, let.expr, let_name, let.expr):
            if relation is not None and id(relation[0]) not in seen:
                seen.add(id(relation[0]))
                yield relation[1]
    for name, root in rule_roots:
        for node in nodes.walk(root):
            if isinstance(node, nodes.RatioRule) and _money(model, node.numerator) and _money(model, node.denominator):
                division = nodes.Binary(op="/", left=node.numerator, right=node.denominator)
                built = _relation(model, division, None, name, division, parent=None)
                if built is not None:
                    yield built
        for relation in _divisions(model, root, None, None, label=name):
            if relation is not None and id(relation[0]) not in seen:
                seen.add(id(relation[0]))
                yield relation[1]


def _comparisons(model):
    """Every comparison of two amounts (neither a literal) in the rules, or in derived values they read."""
    roots = [root for _, indicator in _indicators(model) for root in _rule_roots(indicator)]
    lets: list[str] = []
    for root in roots:
        _collect_lets(model, root, lets)
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


def _collect_lets(model, root, out: list):
    for node in nodes.walk(root):
        if isinstance(node, nodes.Name) and model.let(node.name) is not None and node.name not in out:
            out.append(node.name)
            _collect_lets(model, model.let(node.name).expr, out)


def _divisions(model, expr, let_name, let_expr, label=None, parent=None):
    """(division, Relation) for every division of amounts in `expr` (a let's body or a rule)."""
    if isinstance(expr, nodes.Binary) and expr.op == "/" and _money(model, expr.left) and _money(model, expr.right):
        yield expr, _relation(model, expr, let_name, let_name or label, let_expr, parent)
    for field in attrs.fields(type(expr)):
        value = getattr(expr, field.name)
        children = value if isinstance(value, tuple) else (value,)
        for child in children:
            if isinstance(child, nodes.Node):
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
    shown_type = model.types.get(id(let_expr)) if shown is not value else None
    inputs = _money_inputs(model, division.left) + [n for n in _money_inputs(model, division.right)]
    ordered = tuple(dict.fromkeys(inputs))
    scale = _scale(model, let_name) if let_name is not None else Decimal(1)
    shown_rate = shown is value or (shown_type is not None and shown_type.kind == "rate")  # 元 / 元 is a rate
    return Relation(name, "change" if change else "proportion", value, shown, shown_rate, ordered, scale)


def _single_division(model, expr) -> bool:
    count = sum(1 for node in nodes.walk(expr) if isinstance(node, nodes.Binary) and node.op == "/"
                and _money(model, node.left) and _money(model, node.right))
    return count == 1


def _money(model, expr) -> bool:
    vtype = model.types.get(id(expr))
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


def _scale(model, name: str) -> Decimal:
    """1, or the largest literal the rules compare `name` with (band thresholds, `above`, `>=`, `/ 90%`)."""
    found = [Decimal(1)]

    def literal(expr):
        if isinstance(expr, nodes.Num):
            found.append(abs(expr.value))

    def named(expr) -> bool:
        return isinstance(expr, nodes.Name) and expr.name == name

    for _, indicator in _indicators(model):
        for root in _rule_roots(indicator):
            for node in nodes.walk(root):
                if isinstance(node, nodes.BandsRule) and named(node.subject):
                    for arm in node.arms:
                        if arm.threshold is not None:
                            literal(arm.threshold)
                elif isinstance(node, nodes.PerSpec) and named(node.subject) and node.threshold is not None:
                    literal(node.threshold)
                elif isinstance(node, nodes.Compare) and (named(node.left) or named(node.right)):
                    literal(node.right if named(node.left) else node.left)
                elif isinstance(node, nodes.Binary) and node.op == "/" and named(node.left):
                    literal(node.right)
    return max(found)


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
