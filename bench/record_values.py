"""Reading a record's values as the data contract (DESIGN §6) writes them, for the hand-written scorers.

Keys starting with `_` are metadata; an annotated value {"value": …, "note": …}
is its value; a money input may be a string with its unit ("4300元",
"0.43万元") and a rate input a percent string ("97.6%").
"""

from __future__ import annotations

import re
from decimal import Decimal

D = Decimal
_MONEY_RE = re.compile(r"^\s*([+-]?[\d,]+(?:\.\d+)?)\s*(万元|元)\s*$")
_PERCENT_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")


def plain(raw: dict, money, rates) -> dict:
    """A raw record → its values: money in 元, rates as fractions, numbers as Decimal (no defaults)."""
    values = {}
    for key, value in raw.items():
        if key.startswith("_"):
            continue
        if isinstance(value, dict):
            value = value["value"]
        if key in money and isinstance(value, str):
            match = _MONEY_RE.match(value)
            value = D(match.group(1).replace(",", "")) * (10000 if match.group(2) == "万元" else 1)
        elif key in rates and isinstance(value, str):
            value = D(_PERCENT_RE.match(value).group(1)) / 100
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = D(str(value))  # a JSON float is read back by its shortest decimal text
        values[key] = value
    return values
