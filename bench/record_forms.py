"""The data contract's written forms, read independently of perfdsl (shared/DESIGN.md §6), for the hand-written oracles.

Keys starting with `_` are metadata; a value may be annotated
(`{"value": 3, "note": "…"}`); a money input accepts a plain number in its
declared unit or "0.43万元" / "4300元" / "6,400,981.42元"; a rate input a percent
string "97.6%".  Kept apart from perfdsl.decimals on purpose: the oracles check
the language's reading of these forms too.
"""

from __future__ import annotations

import re
from decimal import Decimal

_MONEY_RE = re.compile(r"^\s*([+-]?[\d,]+(?:\.\d+)?)\s*(万元|元)\s*$")
_PERCENT_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")
WAN = Decimal(10000)


def yuan(text: str) -> Decimal:
    """A money string → its amount in 元."""
    match = _MONEY_RE.match(text)
    return Decimal(match.group(1).replace(",", "")) * (WAN if match.group(2) == "万元" else 1)


def fraction(text: str) -> Decimal:
    """A percent string → the rate as a fraction."""
    return Decimal(_PERCENT_RE.match(text).group(1)) / 100


def read(raw: dict, money, rates, unit: Decimal = Decimal(1)) -> dict:
    """A raw record → plain values: money in 元 (`unit` is the declared unit's size in 元), rates as fractions."""
    values = {}
    for key, value in raw.items():
        if key.startswith("_"):
            continue
        if isinstance(value, dict):
            value = value["value"]
        if isinstance(value, str):
            if key in money:
                value = yuan(value)
            elif key in rates:
                value = fraction(value)
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = Decimal(str(value)) * (unit if key in money else 1)
        values[key] = value
    return values
