"""The likely slip behind a disagreement, looked for among the record's own figures.

Each search tries a handful of readings a person makes when copying a
report — 元 for 万元, a ratio for a change, a complement, a part left out,
another figure's value — and returns the first that makes the claim hold,
as a code and a hint.  A reading is only offered when it reproduces the
printed figure at its printed precision.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

from .. import printed
from .figures import Figure, Figures

TEN_THOUSAND = Decimal(10000)
ONE = Decimal(1)


def boundary(claim: printed.Printed, computed: Decimal) -> str | None:
    """A rate printed as 100% (0%) that the figures make only nearly so (100.0027%)."""
    if not claim.boundary or not isinstance(computed, Decimal) or computed == claim.value:
        return None
    if claim.quantum is None or computed.quantize(claim.quantum.normalize(), rounding=ROUND_HALF_UP) != claim.value:
        return None
    side = "超过" if computed > claim.value else "不足"
    return (f"按公布的数字为 {printed.show(computed, claim)}，{side} {claim.text}；"
            f"取整为 {claim.text} 掩盖了差额（100% 与 0% 表示完成或为零，须准确）")


def rate(claim: printed.Printed, computed: Decimal, figures: Figures, prefer: frozenset,
         exclude: frozenset = frozenset(), base: str | None = None) -> tuple[str, str] | None:
    """Why a printed rate differs from the recomputed one: another figure, a ratio of two, a sign or complement."""
    if claim.kind != "rate" or not isinstance(claim.value, Decimal) or claim.boundary:
        return None
    pool = figures.pool()
    for let in figures.model.lets:  # the value of another derived rate of the record
        figure = figures.recomputed(let.name)
        if figure is not None and figure.label not in exclude and figure.printed.kind == "rate" \
                and printed.agrees(figure.printed.value, claim):
            return "A302", f"公布的 {claim.text} 正是 {figure.working or figure.named()}，与此处的算法不同"
    found = _pair(claim, pool, prefer, base, figures, exclude)
    if found:
        return "A302", found
    for value, reading in ((-computed, "符号相反"), (ONE - computed, "是 1 减重算值（互补的比率）"),
                           (ONE + computed, "是 1 加重算值：本期与上期之比，而不是变动率")):
        if printed.agrees(value, claim):
            return "A302", f"公布的 {claim.text} {reading}（重算为 {printed.show(computed, claim)}）"
    return None


def _pair(claim: printed.Printed, pool: list[Figure], prefer: frozenset, base: str | None,
          figures: Figures, exclude: frozenset) -> str | None:
    """``公布的 46.38% 等于 本年三公经费 / 上年三公经费（1.41万元 / 3.04万元）``.

    Pairs are tried closest first: both figures among the claim's own, then any figure over the claim's own
    denominator (a sibling share, or its complement), then one of the claim's figures with any other — the
    last only for a figure of three digits or more, which a chance pair rarely matches.  Every pair has one
    of the claim's own figures in it, and the other is looked up by the value it must have, so the search
    grows with the log of the record's size."""
    digits = len(claim.value.normalize().as_tuple().digits)
    position = figures.position
    own = [f for f in pool if f.label in prefer and f.label not in exclude]
    half = claim.quantum / 2
    readings = ((claim.value, "{a} / {b}", lambda r: r), (claim.value + ONE, "{a} / {b} − 1", lambda r: r - ONE),
                (ONE - claim.value, "1 − {a} / {b}", lambda r: ONE - r))
    tiers = [("own", own)]
    if base is not None:
        tiers.append(("over", [f for f in pool if f.label == base and f.label not in exclude]))
    if digits >= 3:
        tiers += [("over", own), ("under", own)]
    for side, fixed in tiers:
        found = []
        for known in fixed:
            for target, form, reading in readings:
                for a, b in _partners(side, known, target, half, own, figures):
                    if a.label not in exclude and b.label not in exclude and _fits(a, b, reading, claim):
                        found.append((position[id(a)], position[id(b)], form))
        if found:
            first, second, form = min(found)
            a, b = pool[first], pool[second]
            return (f"公布的 {claim.text} 等于 {form.format(a=a.label, b=b.label)}（{a.text} / {b.text}），"
                    f"是另一种算法的结果")
    return None


def _partners(side: str, known: Figure, target: Decimal, half: Decimal, own, figures: Figures):
    """Pairs (numerator, denominator) with `known` on one side whose ratio may be `target` ± `half`."""
    value = known.printed.value
    if side == "own":
        return [(known, b) for b in own]
    low, high = target - half, target + half
    if side == "over":  # known is the denominator: the numerator lies in [low, high] × known
        if value == 0:
            return []
        ends = sorted((low * value, high * value))
        return [(a, known) for _, a in figures.between(*ends)]
    if low <= 0 <= high or value == 0:  # known is the numerator: the denominator is known / ratio
        return []
    ends = sorted((value / low, value / high))
    return [(known, b) for _, b in figures.between(*ends)]


def _fits(a: Figure, b: Figure, reading, claim: printed.Printed) -> bool:
    if a is b or a.label == b.label or not _comparable(a, b) or b.printed.value == 0:
        return False
    try:
        return printed.agrees(reading(a.printed.value / b.printed.value), claim)
    except (InvalidOperation, DivisionByZero):
        return False


def _comparable(a: Figure, b: Figure) -> bool:
    """Two figures whose ratio is a rate: both money, or both plain numbers (counts)."""
    kinds = {a.printed.kind, b.printed.kind}
    return kinds == {"money"} or kinds == {"number"}


def money_slip(values: list[Figure], holds) -> tuple[int, Decimal] | None:
    """(position, factor) of the one amount that, read ×10⁴ or ÷10⁴, makes `holds(amounts)` true."""
    amounts = [f.printed.value for f in values]
    for index, figure in enumerate(values):
        if figure.printed.kind != "money" or not isinstance(figure.printed.value, Decimal):
            continue
        for factor in (TEN_THOUSAND, ONE / TEN_THOUSAND):
            trial = list(amounts)
            trial[index] = amounts[index] * factor
            if holds(trial):
                return index, factor
    return None


def slipped(figure: Figure, factor: Decimal) -> str:
    """``282.74万元`` for a figure printed ``282.74元`` read ×10⁴."""
    unit = figure.printed.unit or "元"
    other = "万元" if factor > 1 and unit == "元" else "元" if factor < 1 and unit == "万元" else None
    if other is None:
        return printed.show(figure.printed.value * factor, figure.printed)
    shown = figure.text.replace(unit, "").strip()
    return f"{shown}{other}"


def equal_figure(value: Decimal, like: printed.Printed, figures: Figures, exclude: frozenset,
                 made_of: frozenset = frozenset()) -> Figure | None:
    """Another figure of the record with this value (at its own precision), of the same kind — not a derived
    value made of the figures `made_of` (that one equals them by construction)."""
    if not isinstance(value, Decimal) or value == 0:
        return None
    # a figure of two digits or more is within a twentieth of its value of anything it agrees with
    window = abs(value) * Decimal("0.06")
    for _, figure in figures.between(value - window, value + window):
        step = figure.printed.quantum
        if figure.label in exclude or figure.printed.kind != like.kind or figure.printed.value == 0 \
                or (step is not None and abs(figure.printed.value) < 10 * step) \
                or (figure.source == "let" and figure.reads & made_of) or not _alike(figure, like):
            continue
        if figure.printed.quantum is None and figure.source == "let":
            if figure.printed.value == value:
                return figure
        elif printed.agrees(value, figure.printed):
            return figure
    return None


def _alike(figure: Figure, like: printed.Printed) -> bool:
    """Whether `figure` counts the same kind of thing: a plain number must be a count (not a score) in the same
    unit, when both say one."""
    if like.kind != "number":
        return True
    if figure.declared == "number":  # a score or a judgement, not a count of things
        return False
    return figure.printed.unit is None or like.unit is None or figure.printed.unit == like.unit
