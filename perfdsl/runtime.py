"""What generated evaluators may use: the stand-in for a value that is not there.

An input the record leaves out (and that has no default) is `MISSING`; a
derived value whose computation failed is `UNDEFINED`.  Neither is an error
by itself — an indicator that does not apply may need neither — but any use
(arithmetic, a comparison, a truth test, rounding) raises `UndefinedUse`, and
the program then asks the reference interpreter for the precise message.
"""

from __future__ import annotations

from decimal import Decimal


class UndefinedUse(Exception):
    """A missing or undefined value was used."""


class Undefined:
    """A value that is not there; every operation on it raises `UndefinedUse`."""

    __slots__ = ("what",)

    def __init__(self, what: str):
        self.what = what

    def __repr__(self):
        return f"<{self.what}>"

    def _use(self, *args, **kwargs):
        raise UndefinedUse(self.what)

    __add__ = __radd__ = __sub__ = __rsub__ = _use
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _use
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _use
    __neg__ = __abs__ = __bool__ = _use
    quantize = to_integral_value = _use
    __hash__ = None


MISSING = Undefined("missing")
UNDEFINED = Undefined("undefined")


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


def _split(total, count, step):
    from .interp import split

    return split(total, count, step)


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
    "ATTAIN": _attain, "SPLIT": _split, "WEIGHTS": _weights, "ROUND": _round,
    "RATING": _rating, "PANEL": _panel, "DEVIATION": _deviation,
}
