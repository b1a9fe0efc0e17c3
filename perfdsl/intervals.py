"""Intervals of exact decimals with infinite ends, and unions of them: the arithmetic `check` reasons with.

An `Interval` is a set of numbers ``lo .. hi`` (each end open or closed;
``±Infinity`` for no bound).  Arithmetic on intervals gives an interval that
contains every result (the ends of a result are closed unless it is clear
they are not reached; only the input ranges and their refinements need to be
exact about ends).  `Ranges` is a finite union of intervals, for the regions
of band arms and grades.
"""

from __future__ import annotations

import functools
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal

import attrs

from .decimals import plain

INF = Decimal("Infinity")
ZERO = Decimal(0)
#: Interval ends are computed to more digits than evaluation uses (40), and compared with a weight
#: allowing for the last digits: a bound 1e-30 past a weight is the weight, not a warning.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
TOLERANCE = Decimal("1e-30")


def above(value: Decimal, limit: Decimal) -> bool:
    """Whether an interval end lies beyond `limit` by more than rounding can explain."""
    return value > limit + TOLERANCE


@attrs.frozen
class Interval:
    lo: Decimal = -INF
    hi: Decimal = INF
    lo_closed: bool = True
    hi_closed: bool = True
    whole: bool = False  # whole numbers only (counts): a bound moves to the next whole number

    @classmethod
    def point(cls, value: Decimal) -> Interval:
        return cls(value, value)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def __contains__(self, value: Decimal) -> bool:
        above = self.lo < value or (self.lo == value and self.lo_closed)
        below = value < self.hi or (value == self.hi and self.hi_closed)
        return above and below and not self.empty

    def intersect(self, other: Interval) -> Interval:
        lo, lo_closed = max((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_closed = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return _whole(Interval(lo, hi, not lo_closed, hi_closed, self.whole or other.whole))

    def hull(self, other: Interval) -> Interval:
        """The smallest interval holding both."""
        if self.empty:
            return other
        if other.empty:
            return self
        lo, lo_open = min((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_closed = max((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return Interval(lo, hi, not lo_open, hi_closed, self.whole and other.whole)

    def without(self, value: Decimal) -> Interval:
        """The interval less one point — when the point is an end (a point inside leaves a hole we forget)."""
        if value == self.lo:
            return _whole(attrs.evolve(self, lo_closed=False))
        if value == self.hi:
            return _whole(attrs.evolve(self, hi_closed=False))
        return self

    def describe(self, shown=plain) -> str:
        if self.lo == self.hi:
            return shown(self.lo)
        lo = "-∞" if self.lo == -INF else shown(self.lo)
        hi = "+∞" if self.hi == INF else shown(self.hi)
        return ("[" if self.lo_closed and self.lo != -INF else "(") + f"{lo}, {hi}" + (
            "]" if self.hi_closed and self.hi != INF else ")")


def _whole(interval: Interval) -> Interval:
    """A count's interval with its ends moved in to whole numbers (``> 0`` is ``>= 1``)."""
    if not interval.whole:
        return interval
    lo, hi = interval.lo, interval.hi
    if lo.is_finite():
        lo = lo.to_integral_value(ROUND_CEILING) if interval.lo_closed else (lo + 1).to_integral_value(ROUND_FLOOR)
    if hi.is_finite():
        hi = hi.to_integral_value(ROUND_FLOOR) if interval.hi_closed else (hi - 1).to_integral_value(ROUND_CEILING)
    return Interval(lo, hi, True, True, True)


def region(op: str, value: Decimal, whole: bool = False) -> Interval:
    """The numbers x with ``x op value`` (op one of ``== < <= > >=``; ``!=`` has no interval)."""
    result = {
        "==": Interval(value, value),
        "<": Interval(-INF, value, True, False),
        "<=": Interval(-INF, value),
        ">": Interval(value, INF, False, True),
        ">=": Interval(value, INF),
    }[op]
    return _whole(attrs.evolve(result, whole=whole))


NEGATION = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


# ── arithmetic ──────────────────────────────────────────────────────────────


def times(a: Decimal, b: Decimal) -> Decimal:
    """``a × b`` where 0 × ∞ is 0 (a bound times nothing is nothing)."""
    return ZERO if a == 0 or b == 0 else _CONTEXT.multiply(a, b)


def _span(values) -> Interval:
    values = list(values)
    return Interval(min(values), max(values))


def add(a: Interval, b: Interval) -> Interval:
    if a.empty or b.empty:
        return Interval(INF, -INF)
    lo = -INF if -INF in (a.lo, b.lo) else _CONTEXT.add(a.lo, b.lo)
    hi = INF if INF in (a.hi, b.hi) else _CONTEXT.add(a.hi, b.hi)
    return Interval(lo, hi)


def neg(a: Interval) -> Interval:
    return Interval(-a.hi, -a.lo, a.hi_closed, a.lo_closed, a.whole)


def sub(a: Interval, b: Interval) -> Interval:
    return add(a, neg(b))


def mul(a: Interval, b: Interval) -> Interval:
    if a.empty or b.empty:
        return Interval(INF, -INF)
    return _span(times(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi))


def div(a: Interval, b: Interval) -> Interval:
    """``a / b`` where a division by zero is an error, not a value: a divisor's zero end is left out."""
    if a.empty or b.empty or (b.lo == b.hi == 0):
        return Interval(INF, -INF)
    if b.lo < 0 < b.hi:
        return Interval(ZERO, ZERO) if a.lo == a.hi == 0 else Interval()
    lo, hi = b.lo, b.hi
    inverse = []
    for end in (lo, hi):
        if end == 0:
            inverse.append(INF if (lo == 0) else -INF)  # approaching zero from inside the divisor
        elif end.is_infinite():
            inverse.append(ZERO)
        else:
            inverse.append(_CONTEXT.divide(1, end))
    return mul(a, _span(inverse))


def minimum(parts) -> Interval:
    parts = list(parts)
    return Interval(min(p.lo for p in parts), min(p.hi for p in parts))


def maximum(parts) -> Interval:
    parts = list(parts)
    return Interval(max(p.lo for p in parts), max(p.hi for p in parts))


def absolute(a: Interval) -> Interval:
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return neg(a)
    return Interval(ZERO, max(-a.lo, a.hi))


def rounded(a: Interval, up: bool) -> Interval:
    """``ceil`` (`up`) or ``floor`` of every number in `a`."""
    mode = ROUND_CEILING if up else ROUND_FLOOR
    ends = [end if end.is_infinite() else end.to_integral_value(mode) for end in (a.lo, a.hi)]
    return Interval(ends[0], ends[1], whole=True)


# ── unions ──────────────────────────────────────────────────────────────────


@attrs.frozen
class Ranges:
    """A union of disjoint intervals, in order."""

    parts: tuple[Interval, ...] = ()

    @classmethod
    def of(cls, *intervals: Interval) -> Ranges:
        return cls().union(cls(intervals))

    @property
    def empty(self) -> bool:
        return not self.parts

    def union(self, other: Interval | Ranges) -> Ranges:
        if isinstance(other, Ranges):
            return functools.reduce(Ranges.union, other.parts, self)
        if other.empty:
            return self
        merged = []
        for part in self.parts:
            if _touch(part, other):
                other = part.hull(other)
            else:
                merged.append(part)
        merged.append(other)
        return Ranges(tuple(sorted(merged, key=lambda p: (p.lo, not p.lo_closed))))

    def minus(self, other: Interval | Ranges) -> Ranges:
        """What of the union lies outside `other`."""
        if isinstance(other, Ranges):
            return functools.reduce(Ranges.minus, other.parts, self)
        left = Interval(-INF, other.lo, True, not other.lo_closed)
        right = Interval(other.hi, INF, not other.hi_closed, True)
        return Ranges.of(*[part.intersect(side) for part in self.parts for side in (left, right)])

    def intersect(self, other: Interval) -> Ranges:
        return Ranges.of(*[p.intersect(other) for p in self.parts])


def _touch(a: Interval, b: Interval) -> bool:
    """Whether the union of `a` and `b` is one interval."""
    if a.hi < b.lo or b.hi < a.lo:
        return False
    if a.hi == b.lo:
        return a.hi_closed or b.lo_closed
    if b.hi == a.lo:
        return b.hi_closed or a.lo_closed
    return True
