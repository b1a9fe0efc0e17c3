"""What generated evaluators may use: the stand-ins for a value that is not there (`values`), the
aggregates over a list's items, a target's attainment and the equal split of a group's points.

The reference interpreter uses the same `split`; nothing here imports an evaluator.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from .values import MISSING, UNDEFINED, Undefined, UndefinedUse  # noqa: F401 (re-exported)


def _count(items) -> Decimal:
    return Decimal(sum(1 for _ in items))


def _sum(items) -> Decimal:
    return sum(items, Decimal(0))


def _mean(items) -> Decimal:
    values = list(items)
    if not values:
        raise UndefinedUse("mean of no items")
    return _sum(values) / len(values)


def _fold(better):
    def pick(items):
        values = list(items)
        if not values:
            raise UndefinedUse("min/max of no items")
        best = values[0]
        for value in values[1:]:
            best = best if better(best, value) else value
        return best

    return pick


def _attain(target, actual, kind=None, unit=None, column=None, levels=None) -> Decimal:
    """The share of an item's points a target-vs-actual pair earns (see `targets.judge`); the actual is
    read in its declared type (`kind`, money's `unit`), figures without a unit in the `column` unit."""
    from .targets import judge

    return judge(target, actual, kind, unit, column, levels).share


def _judge(target, actual, kind=None, unit=None, column=None, levels=None):
    """`_attain`'s whole `targets.Judgement`, for the basis (`rendering`)."""
    from .targets import judge

    return judge(target, actual, kind, unit, column, levels)


def split(total: Decimal, count: int, step: Decimal) -> list[Decimal]:
    """`total` shared by `count` items to the ruleset's precision, the odd cents to the first items.

    50 among 9 → 5.56 × 5 + 5.55 × 4: every share within a cent of equal, and
    the shares add up to exactly 50, so full marks on every item is full marks.
    """
    if count == 0:
        return []
    base = (total / count).quantize(step, rounding=ROUND_DOWN)
    extra = int((total - base * count) / step)
    return [base + step if i < extra else base for i in range(count)]


def _weights(total, count, shares, step=None, mode=None):
    """Items' own weights, when they add up to the group's (see `interp.Evaluation._item_weights`); else the
    interpreter says what is wrong with them."""
    from .decimals import round_score

    shares = list(shares)
    if count == 0:
        return []
    if len(shares) != count or sum(shares, Decimal(0)) != total:
        raise UndefinedUse("item weights")
    for share in shares:
        if share < 0 or (step is not None and share != round_score(share, step, mode)):
            raise UndefinedUse("item weight")
    return shares


def _round(value, places, mode):
    from .decimals import quantum, round_score

    return round_score(value, quantum(int(places)), mode)


def _rating(value, levels):
    from .judgements import rating_share

    return rating_share(value, levels)


def _panel(items, slot, weight, mode):
    from .judgements import panel

    return panel(items, slot, weight, mode)


def _deviation(target, actual, kind=None, unit=None, column=None):
    from .targets import deviation

    if target is MISSING or actual is MISSING or target is UNDEFINED or actual is UNDEFINED:
        raise UndefinedUse("deviation")
    return deviation(target, actual, kind, unit, column)


#: The names generated code may see, besides its own constants.
EXPORTED = {
    "UNDEFINED": UNDEFINED, "MISSING": MISSING,
    "AGG_COUNT": _count, "AGG_SUM": _sum, "AGG_MEAN": _mean,
    "AGG_MIN": _fold(lambda a, b: a <= b), "AGG_MAX": _fold(lambda a, b: a >= b),
    "ATTAIN": _attain, "JUDGE": _judge, "SPLIT": split, "WEIGHTS": _weights, "ROUND": _round,
    "RATING": _rating, "PANEL": _panel, "DEVIATION": _deviation,
}
