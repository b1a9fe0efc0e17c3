"""Plausibility at the door: figures whose size says they were typed in the wrong unit.

Two slips change a score and raise no error by themselves:

* an amount typed in 元 where the ruleset reads 万元, or the reverse — 10⁴ times too large or
  too small (`P520`);
* a rate typed as a percent number, ``95`` for ``95%``, read as 9500% (`P521`).

The rules read the model, never input names: the *relations* of amounts the rules score
(`relations`: ``支出 / (收入 + 结转)``, ``(本年 - 上年) / 上年``, ``ratio 在用 / 总额``, ``决算 <= 预算``).
A warning needs evidence that no real record has — not even the records the spec oracles
generate at every boundary, which have rates over 100%, parts over wholes, zero totals, ratios
of 0.01%, changes of 200000% and amounts hundreds of times their record's others:

* a *proportion* (a division whose numerator is not a difference) beyond 20 times its scale
  (2000%, or 20 times the largest threshold its rules compare it with) that one amount's ×10⁴ or
  ÷10⁴ brings within 10 times — spending against a budget, a part of its whole, carry-over against
  income never get there, while 10⁴ too much puts a 2.4% carry-over rate at 240::

    疑似 元/万元 混用：预算支出决算数 6440687.91万元 使 部门预算支出率 = 976021.23%；若为 6440687.91元 则为 97.60%

* or an amount written unlike every other amount of its record (at least five, all one way:
  all ``"…万元"``, all plain numbers …) whose reading in the other unit leaves each relation it
  decides at an ordinary size and changes one.

A change alone (``(本年 - 上年) / 上年``) is no evidence — a base of 100 元 makes any change
real —, nor is a ratio far below its ordinary size, nor the digits of an amount: each is a real
record as often as a slip, and a warning that cries wolf is ignored.  docs/data.md lists what
the corpus of typing slips shows is caught and what is not.

For `P521` a rate written as a plain number (not ``"95%"``, not a percent-formatted cell) is
suspect when it exceeds 5 times its scale and reads as an ordinary rate once divided by 100.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from . import nodes
from .decimals import MONEY_UNITS, money, percent_as_given, plain
from .relations import Comparison, Relation, comparisons, relations, scale

WAN = Decimal(10000)
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


class Plausibility:
    """The plausibility rules of one model, decided once; `check` applies them to a record."""

    def __init__(self, model):
        self.model = model
        self.relations = tuple(relations(model))
        self.comparisons = tuple(comparisons(model))
        self.by_input: dict[str, list] = {}
        for relation in self.relations + self.comparisons:
            for name in relation.inputs:
                self.by_input.setdefault(name, []).append(relation)
        self.amounts = tuple(spec.name for spec in model.inputs if spec.type.kind == "money")
        self.rates = tuple((spec, scale(model, spec.name)) for spec in model.inputs if spec.type.kind == "rate")
        self.rate_fields = tuple((spec, field) for spec in model.inputs for field in spec.fields
                                 if field.type.kind == "rate")

    def check(self, raw: dict, values: dict, record=None, skip=frozenset()) -> tuple[DataWarning, ...]:
        """The warnings for one converted record (`raw` as written, `values` as read); `skip`: keys already in error."""
        found = []
        if self.by_input:
            found += self._too_large(raw, values, skip)
            warned = {w.key for w in found}
            found += self._odd_amounts(raw, values, skip | warned)
        for spec, size in self.rates:
            if spec.name not in skip:
                warning = _percent_number(spec, size, raw.get(spec.name), spec.name)
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
        forms = _forms(raw, self.amounts)
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
        odd = any(f == factor for f, _ in _evidence(name, forms, self.model))
        return (-(len(fixed) - broken), -int(odd), -_odd_unit(name, factor, fixed, forms, self.model),
                self.model.input(name).slot)

    # ── 元 / 万元: an amount written unlike the others, that moves what it is compared with ──

    def _odd_amounts(self, raw, values, skip):
        """Amounts written unlike every other amount of the record that, read in the other unit, leave each
        relation and comparison they decide at an ordinary size (and change one)."""
        forms = None
        out = []
        for name in self.amounts:
            if name in skip or name not in self.by_input or type(values.get(name)) is not Decimal \
                    or values[name] == 0:
                continue
            if forms is None:
                forms = _forms(raw, self.amounts)
            for factor, why in _evidence(name, forms, self.model):
                moved = _settled(self.by_input[name], values, _with(values, name, values[name] * factor))
                if moved:
                    out.append(self._warning(name, factor, moved, raw, values, why=why))
                    break
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


def _forms(raw: dict, amounts) -> dict:
    """How `raw` writes each of its amounts (``plain``, ``元``, ``万元``)."""
    out = {}
    for name in amounts:
        if name in raw:
            out[name] = _written_unit(raw[name]) or PLAIN
    return out


def _evidence(name, forms, model):
    """(factor, why) readings of amount `name` when the record writes every other amount (at least
    `CONVENTION` of them) in one unit and this one in the other: the digits are in the others' unit."""
    spec = model.input(name)
    form = forms.get(name)
    others = [f for other, f in forms.items() if other != name]
    if len(others) < CONVENTION or len(set(others)) != 1 or others[0] == form:
        return
    usual = others[0]
    why = "其余 {} 个金额都写作{}".format(len(others), "不带单位的数字" if usual == PLAIN else f"“…{usual}”")
    mine = form if form != PLAIN else spec.type.unit
    theirs = usual if usual != PLAIN else spec.type.unit
    if mine != theirs:  # the same unit written another way ("510元" among plain 元 numbers) is no evidence
        yield (WAN if mine == "元" else TEN_THOUSANDTH), why


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


