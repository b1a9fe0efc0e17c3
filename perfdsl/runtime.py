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


def _attain(target, actual, kind=None, unit=None) -> Decimal:
    """The share of an item's points a target-vs-actual pair earns (see `targets.attainment`); the actual is
    read in its declared type (`kind`, money's `unit`)."""
    from .targets import attainment, parse_actual, parse_target

    return attainment(parse_target(str(target)), parse_actual(actual, kind, unit))[1]


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


#: The names generated code may see, besides its own constants.
EXPORTED = {
    "UNDEFINED": UNDEFINED, "MISSING": MISSING,
    "AGG_COUNT": _count, "AGG_SUM": _sum, "AGG_MEAN": _mean,
    "AGG_MIN": _fold(lambda a, b: a <= b), "AGG_MAX": _fold(lambda a, b: a >= b),
    "ATTAIN": _attain, "SPLIT": split,
}
