"""Hypothesis strategies for records, derived from a ruleset's input declarations alone.

Every generated record is one the declarations allow: each input of its
type, within its range (bounds that name other inputs are evaluated on the
values drawn before them), a manual 扣分 within its indicator's weight.  It
is written in every form the data contract allows: money as a number in the
declared unit or as ``"…元"``/``"…万元"``, rates as ratios or ``"97.6%"``,
any value annotated (``{"value": …, "note": …}``), an input with a default
sometimes left out.

Figures are aimed at the ruleset's own edges: the literals each input is
compared with (band thresholds, ``when`` tests, ``per … above`` thresholds
and steps), and for money the ruleset's percentages as shares of one amount
per record, so that ratios of amounts (支出率, 结转结余率) land on band edges.
"""

from __future__ import annotations

import functools
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

import attrs
from hypothesis import strategies as st

from .. import nodes
from ..decimals import CONTEXT, MONEY_UNITS, plain
from ..errors import RecordError
from ..interp import constant_bound
from ..model import InputSpec, Model

ZERO, ONE = Decimal(0), Decimal(1)
#: The finest step drawn for each kind (money in 元).
STEPS = {"count": ONE, "number": Decimal("0.01"), "rate": Decimal("0.0001"), "money": Decimal("0.01")}
#: Where an input without a range is drawn most of the time (as multiples of its step).
SPANS = {"count": Decimal(60), "number": Decimal(100), "rate": Decimal("1.5")}
SCALES = tuple(Decimal(10) ** n for n in (2, 4, 6, 8))  # 元: the amounts of one record are shares of one of these
NOTES = ("依据评审记录", "见佐证材料第 3 页")
TEXTS = ("某单位", "潮州市潮安区政务服务数据管理局")


@attrs.frozen
class Plan:
    """What the strategies need to know about a model, worked out once."""

    order: tuple[InputSpec, ...]  # an input comes after those its bounds and denominators name
    edges: dict  # input name → figures its rules compare it with
    shares: tuple[Decimal, ...]  # percentages the ruleset states (and 1 + the small ones), for amounts and ratios
    ratios: dict  # input name → denominators it is divided by (``支出 / (收入 + 结转)``)
    texts: dict  # text input → strings the ruleset compares it with
    caps: dict  # manual deduction input → the weight it may take away at most


@functools.lru_cache(maxsize=32)
def plan(model: Model) -> Plan:
    edges: dict[str, set] = {}
    ratios: dict[str, list] = {}
    texts: dict[str, set] = {}
    shares = {ZERO, ONE}

    def edge(name, value):
        spec = model.input(name)
        if spec is not None and spec.type.kind in STEPS:
            step = STEPS[spec.type.kind]
            edges.setdefault(name, set()).update({value - step, value, value + step})

    def ratio(numerator, denominator):
        if isinstance(numerator, nodes.Name) and model.input(numerator.name) and not _literal(denominator):
            ratios.setdefault(numerator.name, []).append(denominator)

    for node in nodes.walk(model.module):
        if isinstance(node, nodes.Num) and node.kind == "percent":
            shares.add(node.value)
            if 0 < node.value < Decimal("0.5"):
                shares.add(ONE + node.value)  # a change rate's steps: +5%, +10% …
        if isinstance(node, nodes.Binary) and node.op == "/":
            ratio(node.left, node.right)
        elif isinstance(node, nodes.RatioRule):
            ratio(node.numerator, node.denominator)
        elif isinstance(node, nodes.Compare):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(side, nodes.Name) and isinstance(other, nodes.Num):
                    edge(side.name, other.value)
                if isinstance(side, nodes.Name) and isinstance(other, nodes.Str):
                    texts.setdefault(side.name, set()).add(other.value)
        elif isinstance(node, nodes.BandsRule) and isinstance(node.subject, nodes.Name):
            for arm in node.arms:
                if isinstance(arm.threshold, nodes.Num):
                    edge(node.subject.name, arm.threshold.value)
        elif isinstance(node, nodes.PerSpec) and isinstance(node.subject, nodes.Name):
            start = node.threshold.value if isinstance(node.threshold, nodes.Num) else ZERO
            step = node.step.value if isinstance(node.step, nodes.Num) else ONE
            sign = -1 if node.direction == "below" else 1
            for k in range(4):
                edge(node.subject.name, start + sign * k * step)
    caps: dict[str, Decimal] = {}
    for card in model.scorecards:
        for leaf in card.leaves():
            if leaf.manual_input is not None:
                caps[leaf.manual_input] = min(caps.get(leaf.manual_input, leaf.declared), leaf.declared)
    return Plan(_ordered(model, ratios), {k: tuple(sorted(v)) for k, v in edges.items()}, tuple(sorted(shares)),
                {k: tuple(v) for k, v in ratios.items()}, {k: tuple(sorted(v)) for k, v in texts.items()}, caps)


def _literal(expr) -> bool:
    return isinstance(expr, nodes.Num) or (isinstance(expr, nodes.Neg) and _literal(expr.operand))


def _ordered(model: Model, ratios: dict) -> tuple[InputSpec, ...]:
    """Inputs in declaration order, except that an input comes after the inputs its bounds and denominators name."""
    done: dict[str, InputSpec] = {}

    def visit(spec, trail):
        if spec.name in done or spec.name in trail:
            return
        for expr in (spec.low, spec.high, *ratios.get(spec.name, ())):
            for node in nodes.walk(expr) if expr is not None else ():
                if isinstance(node, nodes.Name) and model.input(node.name) is not None:
                    visit(model.input(node.name), trail | {spec.name})
        done[spec.name] = spec

    for spec in model.inputs:
        visit(spec, frozenset())
    return tuple(done.values())


# ── bounds ──────────────────────────────────────────────────────────────────


def bounds(model: Model, spec: InputSpec, values: dict) -> tuple[Decimal | None, Decimal | None]:
    """The range `spec` allows given the other values; a bound that cannot be computed is no bound."""
    low = _bound(model, spec.low, values)
    high = _bound(model, spec.high, values)
    cap = plan(model).caps.get(spec.name)
    if cap is not None:
        low = ZERO if low is None else max(low, ZERO)
        high = cap if high is None else min(high, cap)
    if spec.type.kind == "count":
        low = ZERO if low is None else max(low.to_integral_value(ROUND_CEILING), ZERO)
        high = None if high is None else high.to_integral_value(ROUND_FLOOR)
    return low, high


def _bound(model, expr, values):
    if expr is None:
        return None
    try:
        value = constant_bound(model, expr, values)
    except RecordError:
        return None
    return value if isinstance(value, Decimal) else None


def _clamped(value: Decimal, low, high) -> Decimal:
    if high is not None and value > high:
        value = high
    if low is not None and value < low:
        value = low
    return value


# ── drawing ─────────────────────────────────────────────────────────────────
# Hypothesis charges about 50 µs a draw, so a record of 60 inputs drawn value
# by value costs 15 ms before it is even scored.  A record is therefore decoded
# from one byte string: a slot of `SLOT` bytes per input.  Hypothesis still
# generates, mutates and shrinks it, and shrinking goes the right way — an
# all-zero slot is the simplest value: the input left out when it has a
# default, else its lowest value, written as a plain number without a note.

SLOT = 8


class _Slot:
    """The bytes of one input, read front to back (zeros past the end)."""

    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def below(self, n: int, size: int = 1) -> int:
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return int.from_bytes(chunk, "big") % n if n > 1 else 0


def _slots(data: bytes, count: int):
    return [_Slot(data[1 + SLOT * i : 1 + SLOT * (i + 1)]) for i in range(count)]


def value(model: Model, spec: InputSpec, slot: _Slot, low, high, values: dict, scale: Decimal, negative: bool):
    """A converted value of `spec` (money in 元, rates as ratios) within [low, high].

    One of several sources, equally likely: the lowest values (zero totals, no
    deductions), the figures the rules compare the input with, a stated
    percentage of what the input is divided by (so that 支出率 lands on 95%),
    for money a stated percentage of the record's scale, or anything in range.
    """
    kind = spec.type.kind
    if kind == "bool":
        return slot.below(2) == 1
    if kind == "text":
        targets, actuals, _ = _list_roles(model)
        if spec.name in targets or spec.name in actuals:  # a target or actual text, in the unit of its pair
            unit = _actual_units(model).get(spec.name, "%")
            goal = Decimal(slot.below(2001)) / (100 if unit == "%" else 1)
            if spec.name in targets:
                return TARGET_FORMS[slot.below(len(TARGET_FORMS))][0].format(f"{plain(goal)}{unit}")
            return f"{plain(goal)}{unit}"
        if spec.choices:  # ``one of``: only what the declaration allows
            return spec.choices[slot.below(len(spec.choices))]
        levels = _rating_levels(model).get(spec.name)
        if levels and slot.below(8):  # a level a rating reads, now and then a text that is not one
            return levels[slot.below(len(levels))]
        choices = plan(model).texts.get(spec.name, ()) + TEXTS
        return choices[slot.below(len(choices))]
    step = Decimal("0.5") if spec.name in plan(model).caps else STEPS[kind]
    edges = [e for e in plan(model).edges.get(spec.name, ()) if _clamped(e, low, high) == e]
    denominators = plan(model).ratios.get(spec.name, ())
    shares = plan(model).shares
    sources = ["low"] + ["edge"] * bool(edges) + ["ratio", "ratio"] * bool(denominators) + ["scale"] * (kind == "money")
    source = (sources + ["any"])[slot.below(len(sources) + 1)]
    floor = low if low is not None else ZERO
    drawn = None
    with localcontext(CONTEXT):
        if source == "low":
            drawn = floor + step * slot.below(6)
        elif source == "edge":
            drawn = edges[slot.below(len(edges), 2)]
        elif source == "ratio":
            whole = _bound(model, denominators[slot.below(len(denominators))], values)
            if whole is not None and whole > 0:
                nudge = step * (slot.below(3) - 1)  # on the percentage, or a step either side of it
                drawn = (whole * shares[slot.below(len(shares), 2)]).quantize(step) + nudge
        elif source == "scale":
            drawn = (scale * shares[slot.below(len(shares), 2)]).quantize(step)
        if drawn is None and kind == "money":
            drawn = (scale * slot.below(15001, 3) / 10000).quantize(step)
        elif drawn is None:
            top = high if high is not None else floor + SPANS[kind]
            drawn = floor + step * slot.below(int(max(top - floor, ZERO) / step) + 1, 3)
    if negative and low is None and drawn > 0:
        drawn = -drawn  # the declaration allows negatives: try them now and then
    drawn = _clamped(drawn, low, high)
    if spec.low_open and low is not None and drawn <= low:  # ``> 0万元``: the bound itself is outside the range
        drawn = low + step
    if spec.high_open and high is not None and drawn >= high:
        drawn = high - step
    return drawn


@functools.lru_cache(maxsize=32)
def _rating_levels(model: Model) -> dict:
    """Text inputs a ``rating … levels { … }`` reads → the level names."""
    return {node.subject.name: tuple(arm.name for arm in node.levels) for node in nodes.walk(model.module)
            if isinstance(node, nodes.RatingRule) and node.levels and isinstance(node.subject, nodes.Name)}


def written(spec: InputSpec, converted, meta: int):
    """`converted` as a record may write it: `meta` picks the form and, 1 time in 8, a note."""
    form = (meta // 3) % 3
    raw = converted
    if spec.type.kind == "money":
        unit = (spec.type.unit, "元", "万元")[form]
        raw = converted / MONEY_UNITS[unit]
        if form:
            raw = f"{plain(raw)}{unit}"
    elif spec.type.kind == "rate" and form:
        raw = f"{plain(converted * 100)}%"
    if (meta // 9) % 8 == 7:
        raw = {"value": raw, "note": NOTES[meta % 2]}
    return raw


def decode(model: Model, data: bytes) -> dict:
    """The record a byte string stands for (see `records`)."""
    order = plan(model).order
    scale = SCALES[data[0] % len(SCALES)] if data else SCALES[0]
    values: dict = {}
    raw: dict = {}
    for spec, slot in zip(order, _slots(data, len(order))):
        if spec.type.kind == "list":
            continue  # drawn by `items`: a list's length is not a fixed slot
        meta = slot.below(256)
        if spec.default is not None and meta % 3 == 0:
            values[spec.name] = spec.default  # left out: the default applies
            continue
        low, high = bounds(model, spec, values)
        values[spec.name] = value(model, spec, slot, low, high, values, scale, meta >= 243)
        raw[spec.name] = written(spec, values[spec.name], meta)
    return {spec.name: raw[spec.name] for spec in model.inputs if spec.name in raw}


def records(model: Model) -> st.SearchStrategy[dict]:
    """Raw records (as a JSON data file holds them) that the ruleset's declarations allow."""
    size = 1 + SLOT * len(model.inputs)
    scalars = st.binary(min_size=size, max_size=size).map(functools.partial(decode, model))
    lists = [spec for spec in model.inputs if spec.type.kind == "list"]
    if not lists:
        return scalars
    drawn = st.tuples(scalars, *(items(model, spec) for spec in lists)).map(
        lambda drawn: dict(drawn[0], **{spec.name: value for spec, value in zip(lists, drawn[1:])}))
    if not _weighed(model):
        return drawn
    return st.tuples(drawn, st.randoms(use_true_random=False)).map(lambda pair: judged(model, *pair))


# ── lists whose items carry their own weight, assessor panels ───────────────


@functools.lru_cache(maxsize=32)
def _weighed(model: Model) -> tuple:
    """(group node, kind) of each `each … weight FIELD` group and each panel: their lists are redrawn so
    that item weights add up to the group's and experts' scores lie within the weight (`judged`)."""
    out = []
    for card in model.scorecards:
        for node in card.nodes:
            if node.each is not None and node.each.weight is not None and isinstance(node.each.weight, nodes.Name):
                out.append((node, "weights"))
            elif node.is_leaf and isinstance(node.indicator.rule, nodes.PanelRule):
                out.append((node, "panel"))
    return tuple(out)


def judged(model: Model, record: dict, rng) -> dict:
    """`record` with each weighed list's weights summing to its group's weight (now and then one cent off,
    a data error the suite must name) and each panel's scores within the indicator's weight."""
    from ..interp import split

    step = Decimal(1).scaleb(-model.precision)
    record = dict(record)
    for node, kind in _weighed(model):
        if kind == "panel":
            experts = [{"得分": step * rng.randint(0, int(node.declared / step)), "专家": f"专家{n}"}
                       for n in range(6 - rng.randint(0, 6))]  # drawn data leans to 0: mostly a full panel
            if experts and rng.random() < 0.3:
                experts[0]["说明"] = NOTES[0]
            record[node.manual_input] = experts
            continue
        each, items = node.each, record.get(node.each.list_name)
        if not isinstance(items, list):
            continue
        chosen = [item for item in items if _passes(model, each.where, item)]
        shares = split(node.declared, len(chosen), step)
        for _ in range(len(shares)):
            i, j = rng.randrange(len(shares)), rng.randrange(len(shares))
            if i == j:
                continue
            moved = step * rng.randint(0, int(shares[i] / step))
            shares[i], shares[j] = shares[i] - moved, shares[j] + moved
        if shares and rng.random() > 0.97:  # (drawn data leans to 0: the slip is the high end)
            shares[-1] += step
        items = [dict(item) for item in items]
        position = 0
        for item in items:
            if _passes(model, each.where, item):
                item[each.weight.name] = shares[position]
                position += 1
        record[each.list_name] = items
    return record


def _passes(model, where, item) -> bool:
    if where is None:
        return True
    from ..inputs import Record
    from ..interp import Evaluation

    plain_item = {k: (v["value"] if isinstance(v, dict) else v) for k, v in item.items()}
    evaluation = Evaluation(model, Record((), {}, {}, None))
    evaluation.scopes.append({name: (value, None, name) for name, value in plain_item.items()})
    try:
        with localcontext(CONTEXT):
            return bool(evaluation.eval(where))
    except Exception:  # a field the item leaves out: the reader will say so, the item counts as not chosen
        return False


# ── lists ───────────────────────────────────────────────────────────────────

#: Comparators and units a target text is written with, and how an actual value of the same unit is.
TARGET_FORMS = (("{}", ""), ("≥{}", ""), (">{}", ""), ("{}以内", ""), ("<{}", ""), ("不低于{}", ""), ("{}以上", ""))
UNITS = ("条", "次", "件", "个", "%", "分钟", "万元")


@functools.lru_cache(maxsize=32)
def _list_roles(model: Model) -> tuple[frozenset, frozenset, frozenset]:
    """Fields read as target text, as actual values, and fields a rule only asks whether `given`."""
    targets, actuals, optional = set(), set(), set()
    for node in nodes.walk(model.module):
        if isinstance(node, nodes.TargetRule):
            if isinstance(node.target, nodes.Name):
                targets.add(node.target.name)
            if isinstance(node.actual, nodes.Name):
                actuals.add(node.actual.name)
        elif isinstance(node, nodes.Call) and node.func == "given" and isinstance(node.args[0], nodes.Name):
            optional.add(node.args[0].name)
    return frozenset(targets), frozenset(actuals), frozenset(optional)


@functools.lru_cache(maxsize=32)
def _actual_units(model: Model) -> dict:
    """Actual inputs whose target is written in the ruleset → the unit of that target (``"≥95%"`` → ``%``)."""
    from ..targets import TargetError, parse_target

    out = {}
    for node in nodes.walk(model.module):
        if isinstance(node, nodes.TargetRule) and isinstance(node.target, nodes.Str) \
                and isinstance(node.actual, nodes.Name):
            try:
                amount = parse_target(node.target.value).amount
            except TargetError:
                continue
            out[node.actual.name] = "%" if amount.family == "ratio" else (amount.unit or "")
    return out


def items(model: Model, spec: InputSpec, max_size: int = 12):
    """Lists of any length (empty included) of items the field declarations allow."""
    return st.lists(item(model, spec), max_size=max_size)


@st.composite
def item(draw, model: Model, spec: InputSpec) -> dict:
    """One item: target and actual texts in one unit, so that most items can be scored; an
    optional field (one a rule asks `given` about) present half the time; now and then a note."""
    targets, actuals, optional = _list_roles(model)
    unit = draw(st.sampled_from(UNITS))
    goal = Decimal(draw(st.integers(0, 2000))) / (100 if unit == "%" else 1)
    out: dict = {}
    for field in spec.fields:
        if (field.name in optional or field.default is not None) and draw(st.booleans()):
            continue
        kind = field.type.kind
        if field.choices:
            value = draw(st.sampled_from(field.choices))
        elif kind == "text" and field.name in targets:
            form, _ = draw(st.sampled_from(TARGET_FORMS))
            value = form.format(f"{plain(goal)}{unit}")
        elif kind == "text" and field.name in actuals:
            shift = Decimal(draw(st.integers(-20, 20))) / 10
            value = f"{plain(max(goal * (1 + shift / 10), ZERO).quantize(Decimal('0.01')))}{unit}"
        elif kind == "text":
            value = draw(st.sampled_from(plan(model).texts.get(field.name, ()) + TEXTS))
        elif kind == "bool":
            value = draw(st.booleans())
        else:
            low = _bound(model, field.low, {}) or ZERO
            high = _bound(model, field.high, {})
            top = high if high is not None else low + SPANS.get(kind, Decimal(100))
            step = STEPS[kind]
            value = low + step * draw(st.integers(0, int((top - low) / step)))
        if draw(st.integers(0, 7)) == 0:
            value = {"value": value, "note": NOTES[0]}
        out[field.name] = value
    return out


#: Thresholds crossed in turn, and random raises, per ladder (see `ladder`).
WINDOW, JUMPS = 5, 2
_LADDER = st.binary(min_size=SLOT * (1 + JUMPS), max_size=SLOT * (1 + JUMPS))


@st.composite
def ladder(draw, model: Model, raw: dict, values: dict, name: str) -> list[dict]:
    """`raw` with input `name` raised, step by step: records in increasing order of `name`.

    Monotonicity breaks where a rule changes its mind, so the rungs are the
    thresholds above the current value — the figures the rules compare the
    input with, and the stated percentages of what it is divided by (from
    92% of the budget to exactly 95%, then 100% …), a window of `WINDOW` of
    them in turn — plus a step and `JUMPS` raises anywhere up to three times
    the value.  Only rungs within the input's range are kept.
    """
    spec = model.input(name)
    head, *jumps = [_Slot(chunk) for chunk in _chunks(draw(_LADDER))]
    current = values[name]
    if spec.type.kind == "bool":
        return [dict(raw, **{name: written(spec, True, head.below(256))})] if not current else []
    _, high = bounds(model, spec, values)
    step = STEPS[spec.type.kind]
    targets = set(plan(model).edges.get(name, ()))
    with localcontext(CONTEXT):
        for denominator in plan(model).ratios.get(name, ()):
            whole = _bound(model, denominator, values)
            if whole is not None and whole > 0:
                targets.update((whole * share).quantize(step) for share in plan(model).shares)
        targets = sorted(t for t in targets if t > current)
        start = head.below(len(targets), 2) if len(targets) > WINDOW else 0
        rungs = set(targets[start : start + WINDOW]) | {current + step}
        size = max(abs(current), step)
        for slot in jumps:
            rungs.add(current + step * (1 + slot.below(int(min(size * 2 / step, Decimal(2**24))), 3)))
    rungs = sorted(rung for rung in rungs if high is None or rung <= high)
    return [dict(raw, **{name: written(spec, rung, (head.below(256)))}) for rung in rungs]


def _chunks(data: bytes):
    return [data[i : i + SLOT] for i in range(0, len(data), SLOT)]
