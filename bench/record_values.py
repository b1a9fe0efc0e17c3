"""What the hand-written scorers share: reading a raw record as the data contract allows, and leaf rounding.

Written from shared/DESIGN.md §2 and §6 (not from perfdsl): money is a number in 元
or a string with its unit (`"0.43万元"`, `"4300元"`), a rate is a fraction or a
percent string (`"97.6%"`), any value may be annotated (`{"value": …, "note": …}`),
keys starting with `_` are metadata.  Leaf scores round half-up to 2 places.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
SNAP = Decimal("1e-24")  # a quotient like 2/3 × 3 lands a hair off its true value: snap before rounding

MONEY_RE = re.compile(r"^\s*([+-]?[\d,]+(?:\.\d+)?)\s*(万元|元)\s*$")
PERCENT_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")
WAN = Decimal(10000)  # 元 in a 万元


def plain_values(raw: dict, money, rates, unit: Decimal = Decimal(1)) -> dict:
    """A raw record → plain values: money in 元, rates as fractions, numbers as Decimal, notes dropped.

    `unit` is the size in 元 of the money inputs' declared unit: a plain number is in that unit.
    """
    values = {}
    for key, value in raw.items():
        if key.startswith("_"):
            continue
        if isinstance(value, dict):
            value = value["value"]
        if key in money and isinstance(value, str):
            match = MONEY_RE.match(value)
            value = Decimal(match.group(1).replace(",", "")) * (WAN if match.group(2) == "万元" else 1)
        elif key in rates and isinstance(value, str):
            value = Decimal(PERCENT_RE.match(value).group(1)) / 100
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = Decimal(str(value)) * (unit if key in money else 1)
        values[key] = value
    return values


def leaf(x):
    """A leaf score rounded half-up to cents."""
    return x.quantize(SNAP, ROUND_HALF_EVEN).quantize(CENT, ROUND_HALF_UP)


def clip(x, top):
    """扣完为止 and no more than the weight."""
    return ZERO if x < ZERO else min(x, top)


class ManualOutOfRange(ValueError):
    """An assessor's 扣分 outside [0, the indicator's weight]: the record is rejected, not clamped."""


def judged(deduction, weight, key: str):
    """An assessor-judged leaf: its weight less the 扣分 read from `key`, which must lie within [0, weight]."""
    if deduction < ZERO or deduction > weight:
        raise ManualOutOfRange(key)
    return leaf(weight - deduction)
