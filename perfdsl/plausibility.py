"""Plausibility at the door: figures whose size says they were typed in the wrong unit.

Three slips change a score and raise no error by themselves:

* an amount typed in 元 where the ruleset reads 万元, or the reverse — 10⁴ times too large or
  too small (`P520`);
* a rate typed as a percent number, ``95`` for ``95%``, read as 9500% (`P521`);
* a fraction typed with a percent sign, ``"1%"`` for 100% (`P522`);
* an amount 100 times off, its decimal point lost or moved two places (``640098142`` for 6400981.42, `P523`).

The rules read the model, never input names: the *relations* of amounts the rules score
(`relations`: ``支出 / (收入 + 结转)``, ``(本年 - 上年) / 上年``, ``ratio 在用 / 总额``, ``决算 <= 预算``),
the thresholds the rules compare each with (bands at 80%–100%, ``above 5%``, ``/ 90%``), and — to tell
which way a rule pays — the scores themselves, as read and as corrected (reference interpreter).
A warning needs evidence that no real record has — not the records the spec oracles generate at
every boundary, which have rates over 100%, parts over wholes, zero totals, a carry-over of 0.0027%,
amounts hundreds of times their record's others:

* a relation far off the size its rules are about, that one amount's ×10⁴ or ÷10⁴ brings back:
  a *proportion* beyond 20 times its scale (2000%, or 20 times the largest threshold its rules
  compare it with), a *change* beyond a thousandfold, a proportion 50 times below the smallest
  threshold its rules compare it with (0.0098% spent where the bands start at 80%) or 10 times past
  the largest (a carry-over of 79.68% where the rule deducts from 5%) whose corrected reading scores
  more, two amounts compared (``决算 <= 预算``) a thousand times apart::

    疑似 元/万元 混用：预算支出决算数 6440687.91万元 使 部门预算支出率 = 976021.23%；若为 6440687.91元 则为 97.60%

* or an amount written unlike every other amount of its record (at least five, all one way: all
  ``"…万元"``, all plain numbers …), or with digits below a 分 that are whole 分 as 万元
  (``640.098119``), whose reading in the other unit leaves each relation it decides at an ordinary
  size and changes one.

Far below is no evidence where less is better — a carry-over of 0.0027% is as ordinary as 0 —, nor
a summand too small beside a larger one that leaves its ratio among real sizes, nor the size of an
amount alone: each is a real record as often as a slip, and a warning that cries wolf is ignored.
docs/data.md lists what the corpus of typing slips shows is caught and what is not.

`P523` is the first rule with ×100 and ÷100 in place of ×10⁴ and ÷10⁴, on the strongest evidence only — a
proportion beyond 20 times its scale or 50 times below where its rules start to pay, a change beyond a
thousandfold —, never a proportion only 10 times past its largest threshold (a budget adjustment of 100% is
a budget doubled) nor two compared amounts 100 times apart, and only to a reading in whole 分.

For `P521` a rate written as a plain number (not ``"95%"``, not a percent-formatted cell) is
suspect when it exceeds 5 times its scale and reads as an ordinary rate once divided by 100; for
`P522` a rate written ``"x%"`` with x at most 1.5, 50 times below where its rules start to pay,
whose reading as the fraction x is an ordinary rate there and scores more.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from . import nodes
from .decimals import CONTEXT, HUNDRED, MONEY_UNITS, ONE, ZERO, money, percent_as_given, plain
from .frozen import evolve, field, frozen
from .relations import Comparison, Skip, comparisons, lowest, readers, relations, scale

WAN = Decimal(10000)
ORDINARY = Decimal(10)
RATE_LIMIT = Decimal(5)


@frozen
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
        self.scorer = None  # values → scores by (scorecard, node index), or None: set by the compiled program
        self.relations = tuple(relations(model))
        self.comparisons = tuple(comparisons(model))
        self.by_input: dict[str, list] = {}
        for relation in self.relations + self.comparisons:
            for name in relation.inputs:
                self.by_input.setdefault(name, []).append(relation)
        self.amounts = tuple(spec.name for spec in model.inputs if spec.type.kind == "money")
        self.rates = tuple(_Rate(spec, None, scale(model, spec.name), lowest(model, spec.name),
                                 readers(model, [spec.name]))
                           for spec in model.inputs if spec.type.kind == "rate")
        self.rate_fields = tuple(_Rate(field, spec, scale(model, field.name), lowest(model, field.name),
                                       readers(model, [field.name]))
                                 for spec in model.inputs for field in spec.fields if field.type.kind == "rate")
        # decided once, not per record: the amounts `_odd_amounts` looks at, whether any panel has a spread
        self.related_amounts = tuple(name for name in self.amounts if name in self.by_input)
        self.units = {spec.name: spec.type.unit for spec in model.inputs if spec.type.kind == "money"}
        self.panels = any(isinstance(node.indicator.rule, nodes.PanelRule) and node.indicator.rule.spread is not None
                          for card in model.scorecards for node in card.leaves())
        # each relation's limit (a property: a product per call) with the relation, and each rate's key and its
        # P521 sizes, for the look at every record (`_off_relations`, `check`)
        self.limited = tuple((relation, relation.limit, relation.kind == "proportion") for relation in self.relations)
        self.rate_keys = tuple((rate, rate.spec.name, rate.suspect[0]) for rate in self.rates)

    def check(self, raw: dict, values: dict, record=None, skip=frozenset()) -> tuple[DataWarning, ...]:
        """The warnings for one converted record (`raw` as written, `values` as read); `skip`: keys already in error."""
        found = []
        scores = _Scores(self.model, values, self.scorer)
        if self.by_input:
            found += self._off_scale(raw, values, skip, scores)
            found += self._odd_amounts(raw, values, skip | {w.key for w in found} if found else skip)
        for rate, name, above in self.rate_keys:
            if name not in skip:
                given = raw.get(name)
                written = _unwrap(given) if given.__class__ is dict else given
                if written is None or (written.__class__ is Decimal and abs(written) <= above):
                    continue  # neither a percent number (P521: not above its size) nor "x%" (P522)
                corrected = lambda fraction, name=name: _with(values, name, fraction)  # noqa: E731
                if written.__class__ is str and written.strip().endswith(("%", "％")):
                    # "97.6%" is no number (P521 would try it, and raise): only P522, if its rules read it
                    warning = self._fraction_percent(rate, given, name, scores, corrected) if rate.readers else None
                    if warning is not None:
                        found.append(warning)
                    continue
                found += self._rate(rate, given, name, scores, corrected)
        for rate in self.rate_fields:
            spec, field = rate.within, rate.spec
            items, read = _unwrap(raw.get(spec.name)), values.get(spec.name)
            if not isinstance(items, list) or not isinstance(read, tuple):
                continue
            for number, item in enumerate(items[: len(read)], start=1):
                key = f"{spec.name}[{number}].{field.name}"
                if isinstance(item, dict) and key not in skip:
                    found += self._rate(rate, item.get(field.name), key, scores, lambda fraction, n=number: _with(
                        values, spec.name, _with_item(read, n, field.slot, fraction)))
        if self.panels:
            from .judgements import spread_warnings  # assessor panels whose scores lie too far apart (P530)

            found += spread_warnings(self.model, values, skip)
        return tuple([evolve(w, record=record) for w in found]) if found else ()

    # ── rates: 95 for 95%, "1%" for 100% ─────────────────────────────────────

    def _rate(self, rate, raw, key, scores, corrected) -> list:
        warning = _percent_number(rate.spec, rate.scale if rate.within is None else Decimal(1), raw, key,
                                  rate.suspect)
        if warning is None and rate.readers:
            warning = self._fraction_percent(rate, raw, key, scores, corrected)
        return [] if warning is None else [warning]

    def _fraction_percent(self, rate, raw, key, scores, corrected) -> DataWarning | None:
        """`P522` for a rate written ``"x%"`` with x a fraction (0 < x ≤ 1.5) — 50 times below where its rules
        start to pay — whose reading as that fraction is an ordinary rate of its rules and scores more."""
        raw = _unwrap(raw)
        if not isinstance(raw, str) or not raw.strip().endswith(("%", "％")):
            return None
        try:
            number = Decimal(raw.strip()[:-1].strip())
        except ArithmeticError:
            return None
        if not number.is_finite() or not 0 < number <= FRACTION_MOST:
            return None
        read = number / 100
        if read * FAR > rate.low or not rate.low / ORDINARY <= number <= ORDINARY * rate.scale:
            return None
        if _outside_range(rate.spec, number) or scores.gain(rate.readers, corrected(number)) <= 0:
            return None
        shown = plain(number)
        return DataWarning("P522", f"{key} = {shown}%：是否应为 {plain(number * 100)}%（小数 {shown} 多写了 %）？", key)

    # ── 元 / 万元: a relation far off the size its rules are about ───────────

    def _off_scale(self, raw, values, skip, scores):
        """Relations no real record has, and the one amount whose ×10⁴ or ÷10⁴ brings each back:

        * a proportion beyond 20 times its scale, a change beyond 1000 times (a growth of ×1000);
        * a proportion 50 times below the smallest threshold its rules compare it with (0.0098% spent
          where the bands start at 80%), or 10 times past the largest (a carry-over of 79.68% where the
          rule deducts from 5%) — when the corrected reading also scores more: far below is ordinary where
          less is better (a carry-over of 0.0027%), never where more is;
        * two amounts compared (``决算 <= 预算``) 1000 times apart.
        """
        off = self._off_relations(values)
        if not off:
            return []
        # every single-amount correction that brings some relation back, with what it fixes
        fixes: dict[tuple[str, Decimal], list] = {}
        for problem in off:
            # a decimal point out of place answers a proportion far above its scale or far below where its
            # rules start to pay, never one only past its largest threshold (an adjustment of 100% where the
            # rule deducts from 10% is a budget doubled), nor two compared amounts (100 times apart is real)
            factors = FACTORS if _point_evidence(problem, values) else UNIT
            for name in problem.inputs:
                amount = values.get(name)
                if name in skip or type(amount) is not Decimal or amount == 0:
                    continue
                for factor in factors:
                    if factor in POINT and (amount * factor * HUNDRED) % ONE:
                        continue  # a decimal point out of place moves whole 分: its reading has no digits below one
                    corrected = _with(values, name, amount * factor)
                    if _restored(problem, values, corrected, scores):
                        fixes.setdefault((name, factor), []).append(problem)
        forms = _forms(raw, self.amounts)
        ranks = {candidate: self._rank(candidate, fixes[candidate], values, forms) for candidate in fixes}
        ranked = sorted(fixes, key=ranks.get)
        explained: dict = {}
        for candidate in ranked:
            for problem in fixes[candidate]:
                explained.setdefault(problem, candidate)
        out = []
        for candidate in ranked:
            mine = [r for r in fixes[candidate] if explained.get(r) == candidate]
            if mine:  # an equally likely reading of the same figures is named too
                name, factor = candidate
                point = factor in POINT  # a unit reading names other unit readings, a point reading point readings
                others = sorted({c[0] for r in mine for c in fixes if r in fixes[c] and c[0] != name
                                 and ranks[c][:3] == ranks[candidate][:3] and (c[1] in POINT) == point})
                why = next((why for f, why in (*_evidence(name, forms, self.model),
                                               *_digits(name, raw, values, self.model)) if f == factor), "")
                slip = "的小数点有误" if point else "的单位有误"
                out.append(self._warning(name, factor, mine, raw, values,
                                         f"（也可能是 {'、'.join(others)} {slip}）" if others else "", why))
        return out

    def _off_relations(self, values) -> list:
        """The relations off their scale and the comparisons `APART` (`_off_scale`): every relation and comparison
        valued in one decimal context (as `Relation.evaluate` and `Comparison.sides` value each in its own), each
        then judged as those are, in the caller's context."""
        relations, comparisons = self.limited, self.comparisons
        valued, sides = [], []
        with localcontext(CONTEXT):
            for relation, _, _ in relations:
                try:
                    valued.append(relation.value(values))
                except (Skip, ArithmeticError):
                    valued.append(None)
            for comparison in comparisons:
                try:
                    sides.append((comparison.left(values), comparison.right(values)))
                except (Skip, ArithmeticError):
                    sides.append(None)
        off = []
        for (relation, limit, proportion), value in zip(relations, valued):
            if value is None:
                continue
            size = abs(value)  # `_far_below` and `_far_past`, inline: they run for every relation of every record
            if size > limit or (proportion and ((value != 0 and size * FAR <= relation.low)
                                                or (relation.top is not None and size > ORDINARY * relation.top))):
                off.append(relation)
        for comparison, pair in zip(comparisons, sides):  # `Comparison.apart`
            if pair is not None and pair[0] > ZERO and pair[1] > ZERO and max(pair) / min(pair) >= APART:
                off.append(comparison)
        return off

    def _rank(self, candidate, fixed, values, forms):
        """Best first: fixes the most relations, breaks none, written unlike the record's other amounts, in order."""
        name, factor = candidate
        corrected = _with(values, name, values[name] * factor)
        broken = 0
        for relation in self.by_input.get(name, ()):
            if isinstance(relation, Comparison):
                before, after = relation.apart(values), relation.apart(corrected)
                broken += after is not None and after >= APART and (before is None or before < APART)
                continue
            before, after = relation.evaluate(values), relation.evaluate(corrected)
            if after is not None and abs(after) > relation.limit and (before is None or abs(before) <= relation.limit):
                broken += 1
        if factor in POINT:  # a decimal point out of place: no unit, written or declared, says anything of it
            return (-(len(fixed) - broken), 0, 0, 0, -_closer(name, factor, values, self.amounts), 1,
                    self.model.input(name).slot)
        odd = any(f == factor for f, _ in _evidence(name, forms, self.model))
        return (-(len(fixed) - broken), -int(odd), -_odd_unit(name, factor, fixed, forms, self.model),
                -_undeclared(name, factor, forms, self.model), -_closer(name, factor, values, self.amounts), 0,
                self.model.input(name).slot)

    # ── 元 / 万元: an amount written unlike the others, that moves what it is compared with ──

    def _odd_amounts(self, raw, values, skip):
        """Amounts written unlike every other amount of the record, or read in 元 with digits below a 分 that are
        whole 分 as 万元 (``640.098119``), that, read in the other unit, leave each relation and comparison they
        decide at an ordinary size (and change one)."""
        forms = counts = odd = None
        conventional = False
        evidence: dict = {}
        out = []
        for name in self.related_amounts:
            amount = values.get(name)
            if amount.__class__ is not Decimal or not amount or name in skip:
                continue
            if forms is None:
                forms, counts = _forms_counted(raw, self.amounts)
                # Every other amount written one way needs that many amounts, and one way for all of them but
                # the odd one: written one way alone (`odd`), or — all amounts written alike — left out (None).
                conventional = len(forms) >= CONVENTION and (
                    len(counts) == 1 or (len(counts) == 2 and 1 in counts.values()))
                if conventional and len(counts) == 2:
                    odd = next(form for form, count in counts.items() if count == 1)
            if conventional and forms.get(name) == odd:  # what the others say depends on its form and unit only
                unit = self.units[name]
                known = evidence.get((forms.get(name), unit))
                if known is None:
                    known = evidence[forms.get(name), unit] = list(_evidence(name, forms, self.model, counts))
                readings = [*known, *_SUB_FEN_READING] \
                    if (amount * HUNDRED) % ONE and not (amount * WAN * HUNDRED) % ONE else known
            elif (amount * HUNDRED) % ONE and not (amount * WAN * HUNDRED) % ONE:
                readings = _SUB_FEN_READING  # `_digits`, inline: it runs for every amount
            else:  # the usual amount: nothing to read otherwise, and no list made for it
                continue
            for factor, why in readings:
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
        if factor in POINT:  # the unit is right, the digits are 100 times off: a decimal point lost or moved
            now = "、".join(_shown(r, values) for r in relations)
            then = "、".join(_shown(r, corrected, value_only=True) for r in relations)
            both = "分别" if len(relations) > 1 else ""
            return DataWarning("P523", f"疑似 小数点错位：{name} {written} 使 {now}；若为 "
                                       f"{money(corrected[name], written_unit)} 则{both}为 {then}{tail}", name)
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
#: 100 times off: a decimal point lost (6400981.19 typed 640098119) or moved two places (`P523`).
POINT = (Decimal("0.01"), HUNDRED)
#: The corrections `_off_scale` tries: an amount in the other unit (`P520`), then a decimal point out of place.
UNIT = (TEN_THOUSANDTH, WAN)
FACTORS = UNIT + POINT
#: A proportion this many times below the smallest threshold its rules compare it with is far below them.
FAR = Decimal(50)
#: Two amounts compared this many times apart are not of one size.
APART = Decimal(1000)
#: A rate written "x%" whose x is at most this reads as a fraction with a percent sign ("1%" for 100%).
FRACTION_MOST = Decimal("1.5")


@frozen
class _Rate:
    """A rate input (or a list's rate field, `within` that list) with what its rules compare it with."""

    spec: object
    within: object
    scale: Decimal
    low: Decimal
    readers: tuple
    # (above, at most): `_percent_number`'s sizes, worked out once
    suspect: tuple = field(init=False, takes_self=True, factory=lambda rate: _suspect(rate))


def _suspect(rate) -> tuple:
    scale = rate.scale if rate.within is None else Decimal(1)
    return RATE_LIMIT * scale, 100 * ORDINARY * scale


class _Scores:
    """The scores of one record's indicators as read and with one value corrected, computed only when a
    reading needs them: by the compiled program when it can score them, else by the reference interpreter."""

    def __init__(self, model, values, scorer=None):
        self.model = model
        self.values = values
        self.scorer = scorer
        self._read = None

    def gain(self, readers, corrected) -> Decimal:
        """How much more the indicators `readers` score with `corrected` values than as read."""
        if self._read is None:
            self._read = self._scores(self.values)
        after = self._scores(corrected)
        return sum((after[r] - self._read[r] for r in readers), Decimal(0))

    def _scores(self, values) -> dict:
        scores = self.scorer(values) if self.scorer is not None else None
        if scores is not None:
            return scores
        from .inputs import Record
        from .interp import Evaluation

        evaluation = Evaluation(self.model, Record((), values, {}, None))
        evaluation.collected = []  # an indicator that cannot be scored scores 0 here; the record says why
        trace = evaluation.run()
        return {(card.index, node.index): trace.cards[card.name].nodes[node.index].score
                for card in self.model.scorecards for node in card.nodes}


def _far_below(relation, value) -> bool:
    """A proportion 50 times below the smallest threshold its rules compare it with (0 is no size)."""
    return relation.kind == "proportion" and value != 0 and abs(value) * FAR <= relation.low


def _far_past(relation, value) -> bool:
    """A proportion more than 10 times past the largest threshold its rules compare it with (a carry-over of
    79.68% where the rules start deducting at 5% and have nothing left to deduct at 11%)."""
    return relation.kind == "proportion" and relation.top is not None and abs(value) > ORDINARY * relation.top


def _point_evidence(problem, values) -> bool:
    """Whether `problem` is off enough for a decimal point out of place (`P523`): a relation beyond its limit (a
    proportion past 20 times its scale, a change past a thousandfold) or a proportion far below its thresholds."""
    if isinstance(problem, Comparison):
        return False
    value = problem.evaluate(values)
    return value is not None and (abs(value) > problem.limit or _far_below(problem, value))


def _restored(problem, values, corrected, scores) -> bool:
    """Whether `corrected` brings `problem` (an off-scale relation or comparison) back to an ordinary size."""
    if isinstance(problem, Comparison):
        after = problem.apart(corrected)
        return after is not None and after <= ORDINARY
    before, after = problem.evaluate(values), problem.evaluate(corrected)
    if after is None:
        return False
    if abs(before) > problem.limit:  # far above: back within 10 times its scale (and not far below instead)
        return abs(after) <= ORDINARY * problem.scale and not _far_below(problem, after)
    # Far below, or far past: back among its thresholds, and scoring more there. Which way a rule pays
    # decides: far below is ordinary where less is better (a carry-over of 0.0027%), never where more is;
    # far past is ordinary where more is better (spending at 10 times a band's edge is rare, but it pays).
    if _far_below(problem, before):
        among = problem.low / ORDINARY <= abs(after) <= ORDINARY * problem.scale
    else:
        among = problem.low / ORDINARY <= abs(after) <= problem.top
    return among and scores.gain(problem.readers, corrected) > 0


def _with(values: dict, name: str, value) -> dict:
    out = dict(values)
    out[name] = value
    return out


def _with_item(items: tuple, number: int, slot: int, value) -> tuple:
    """A list input's items with field `slot` of item `number` (1-based) replaced."""
    item = list(items[number - 1])
    item[slot] = value
    return items[: number - 1] + (tuple(item),) + items[number:]


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
        outcome = "成立" if relation.holds(values) else "不成立"
        apart = relation.apart(values)
        if apart is not None and apart >= ORDINARY:  # the sides are not of one size: say how far apart
            outcome += f"（两边相差 {plain(apart.quantize(Decimal(1)))} 倍）"
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
            value = raw[name]
            out[name] = PLAIN if value.__class__ is Decimal else _written_unit(value) or PLAIN
    return out


def _forms_counted(raw: dict, amounts) -> tuple[dict, dict]:
    """`_forms` and its `_counts`, in one pass (`_odd_amounts` asks them of every record)."""
    forms: dict = {}
    counts: dict = {}
    get = raw.get
    for name in amounts:
        value = get(name, _ABSENT)
        if value is _ABSENT:
            continue
        if value.__class__ is Decimal:
            form = PLAIN
        elif value.__class__ is str:  # `_written_unit`, inline
            text = value.strip()
            form = "万元" if text.endswith("万元") else "元" if text.endswith("元") else PLAIN
        else:
            form = _written_unit(value) or PLAIN
        forms[name] = form
        counts[form] = counts.get(form, 0) + 1
    return forms, counts


_ABSENT = object()


def _counts(forms: dict) -> dict:
    """How many amounts each way of writing has (``plain``: 8, ``万元``: 4)."""
    counts: dict = {}
    for form in forms.values():
        counts[form] = counts.get(form, 0) + 1
    return counts


def _evidence(name, forms, model, counts=None):
    """(factor, why) readings of amount `name` when the record writes every other amount (at least
    `CONVENTION` of them) in one unit and this one in the other: the digits are in the others' unit."""
    form = forms.get(name)
    others = len(forms) - (form is not None)  # a form is never None: `name` is among them
    if others < CONVENTION:
        return
    counts = _counts(forms) if counts is None else counts
    kinds = [kind for kind, count in counts.items() if count - (kind == form) > 0]  # the others' ways
    if len(kinds) != 1 or kinds[0] == form:
        return
    spec = model.input(name)
    usual = kinds[0]
    why = "其余 {} 个金额都写作{}".format(others, "不带单位的数字" if usual == PLAIN else f"“…{usual}”")
    mine = form if form != PLAIN else spec.type.unit
    theirs = usual if usual != PLAIN else spec.type.unit
    if mine != theirs:  # the same unit written another way ("510元" among plain 元 numbers) is no evidence
        yield (WAN if mine == "元" else TEN_THOUSANDTH), why


def _digits(name, raw, values, model):
    """(×10⁴, why) when amount `name` has digits below a 分 (no account has them) that are a whole number of 分
    once multiplied by 10⁴: ``640.098119`` (元) is 6400981.19 元 typed in 万元, and so is ``0.0640098119万元``."""
    amount = values[name]
    if (amount * HUNDRED) % ONE and not (amount * WAN * HUNDRED) % ONE:
        yield WAN, _SUB_FEN


_SUB_FEN = "金额不会有不足一分的位数"
_SUB_FEN_READING = ((WAN, _SUB_FEN),)  # `_odd_amounts`: the reading of digits below a 分, never changed


def _undeclared(name, factor, forms, model) -> int:
    """1 if `name` is written in a unit other than its declared one and `factor` undoes it (ranking only: of
    ``"592.62元"`` beside ``"1000万元"`` in a table declared in 万元, the 元 is the odd one)."""
    written = forms.get(name, PLAIN)
    declared = model.input(name).type.unit or "元"
    return int(written not in (PLAIN, declared) and (factor > 1) == (written == "元"))


def _closer(name, factor, values, amounts) -> Decimal:
    """How many orders of magnitude nearer the record's middle amount `name` comes once corrected (for ranking
    equal readings only: of 25.2万元 beside 230000万元, the one far from the record's other figures is the slip)."""
    others = sorted(abs(values[n]) for n in amounts if n != name and type(values.get(n)) is Decimal and values[n])
    if not others:
        return Decimal(0)
    middle = others[len(others) // 2]
    amount = abs(values[name])
    return abs((amount / middle).log10(CONTEXT)) - abs((amount * factor / middle).log10(CONTEXT))


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


def _percent_number(spec, scale: Decimal, raw, key: str, suspect=None) -> DataWarning | None:
    """`P521` for a rate written as a plain number 5× its scale or more that is an ordinary rate as a percentage
    (`suspect`: the sizes between which it is, worked out from `scale` once)."""
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
    above, most = suspect or (RATE_LIMIT * scale, 100 * ORDINARY * scale)
    if not number.is_finite() or not above < abs(number) <= most:
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


