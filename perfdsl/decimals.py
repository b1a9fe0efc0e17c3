"""Exact numbers: money units, percent and money strings, rounding and display.

Money is held in 元 everywhere; 万元 converts exactly (× 10000).  Nothing in
perfdsl ever goes through a float.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

#: How many 元 one unit is worth.
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000)}

#: Rounding modes a ruleset may name (``rounding half-up``).
ROUNDING_MODES = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN}

#: The arithmetic context of every evaluation.  40 significant digits keep a
#: non-terminating rate's representation error far below any rounding step.
CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)

#: Scores are first snapped to this many places so that, e.g., 6 × (1/1200)
#: (0.00499…9 in 40 digits) rounds like the exact 0.005 it stands for.
SNAP = Decimal("1e-24")

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

#: A money string (its figure, its unit) and a percent string (its figure), as `parse_money_string` and
#: `parse_percent_string` read them (`inputs` matches them in its reading loop).
MONEY = _MONEY_RE = re.compile(r"^\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(万元|元)\s*$")
PERCENT = _PERCENT_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")
#: An amount in 元 as a spreadsheet's currency or accounting format writes it into a CSV: ``¥828,343.21``, ``-¥5``.
_YUAN_RE = re.compile(r"^\s*([+-]?)\s*[¥￥]\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*元?\s*$")
_NUMBER_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*$")
#: The one grouping a number in a table may use: commas between groups of three digits before the point.
_GROUPED_RE = re.compile(r"^\s*([+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?)\s*$")


def quantum(places: int) -> Decimal:
    """The step of rounding to `places` decimals (``Decimal('0.01')`` for 2)."""
    return Decimal(1).scaleb(-places)


def round_score(value: Decimal, step: Decimal, mode: str = ROUND_HALF_UP) -> Decimal:
    """Round a score to the ruleset's precision (snapping representation error first)."""
    return value.quantize(SNAP, ROUND_HALF_EVEN, CONTEXT).quantize(step, mode)  # (positional: half the cost)


def parse_money_string(text: str) -> Decimal | None:
    """``"0.43万元"`` → 4300 (元); ``"6,400,981.42元"`` → 6400981.42, as ``"¥6,400,981.42"``; None if not money."""
    match = _MONEY_RE.match(text)
    if not match:
        return _yuan(text)
    amount = Decimal(match.group(1).replace(",", ""))
    return amount * MONEY_UNITS[match.group(2)]


def _yuan(text: str) -> Decimal | None:
    """``"¥828,343.21"`` → 828343.21 (元), one sign at most; None if not so written."""
    match = _YUAN_RE.match(text)
    if not match or (match.group(1) and match.group(2)[:1] in "+-"):
        return None
    amount = Decimal(match.group(2).replace(",", ""))
    return -amount if match.group(1) == "-" else amount


def money_unit(text: str) -> str | None:
    """The unit a money string is written in (``"0.43万元"`` → ``万元``)."""
    match = _MONEY_RE.match(text)
    return match.group(2) if match else "元" if _yuan(text) is not None else None


def parse_percent_string(text: str) -> Decimal | None:
    """``"97.6%"`` → 0.976, ``"100%"`` → 1.00: the digits as printed are kept (they say its precision)."""
    match = _PERCENT_RE.match(text)
    if not match:
        return None
    return Decimal(match.group(1)).scaleb(-2)


def parse_number_string(text: str, grouped: bool = False) -> Decimal | None:
    """``"14"`` → 14; None for anything but a plain decimal number.

    With `grouped` (table cells), thousands may be separated by commas in the one
    unambiguous way — ``"1,234.5"``, ``"6,400,981.42"`` — while ``"1,5"`` (a decimal
    comma?) and ``"1,2,3,4"`` are not numbers: they must not be read as 15 and 1234.
    """
    match = _NUMBER_RE.match(text)
    if match:
        return Decimal(match.group(1))
    match = _GROUPED_RE.match(text) if grouped and "," in text else None
    return Decimal(match.group(1).replace(",", "")) if match else None


def fixed_text(value: Decimal) -> str:
    """``format(value, "f")`` of a finite decimal: its `str` where that has no exponent (then they are the same
    digits: `str` writes an exponent only when it is above 0 or the number below 1E-6), five times cheaper
    than `format`'s parsing of its spec."""
    text = str(value)
    return format(value, "f") if "E" in text or "e" in text else text


def normal_text(value: Decimal) -> str:
    """``fixed_text(value.normalize(CONTEXT))`` of a finite non-zero decimal, from its `str` where that is the same
    digits: no exponent and at most 40 characters (so at most `CONTEXT`'s 40 digits: `normalize` rounds nothing
    and only drops trailing zeros — ``548800.50`` → ``548800.5``, ``5000`` stays).  A third of the cost: every
    amount and one-off figure of a basis line is formatted so."""
    text = str(value)
    if len(text) > 40 or "E" in text or "e" in text:
        return fixed_text(value.normalize(CONTEXT))
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain(value: Decimal) -> str:
    """Exact decimal text without exponent or trailing zeros: 6.40 → ``6.4``, 1E+2 → ``100``."""
    if value.__class__ is Decimal:  # (a float equal to one never gets its text: it must fail as before)
        # kept by its `str`: exact (equal texts are equal decimals) and several times cheaper than a fresh
        # Decimal's hash (its value's, by modular arithmetic), which every figure of a record would pay once
        key = str(value)
        text = _PLAIN.get(key)  # `get`, not `[]`: a batch's amounts miss often, and a KeyError costs
        if text is not None:
            return text
        text = _OLDER.get(key)
        if text is None:
            if not value.is_finite():
                return key
            text = "0" if value == 0 else normal_text(value)
        if len(_PLAIN) >= _GENERATION:
            _next_generation()
        _PLAIN[key] = text
        return text
    if not value.is_finite():
        return str(value)
    return "0" if value == 0 else normal_text(value)


def plains(values) -> list:
    """``list(map(plain, values))``, the kept texts found in C where every value is a decimal (a record's scores:
    a writer's table shows dozens, and a Python call each cost more than its lookup)."""
    if not _DECIMAL.issuperset(map(type, values)):
        return list(map(plain, values))
    texts = list(map(_PLAIN.get, map(str, values)))
    if None in texts:  # (`plain` finds it in the older generation, or writes it, and keeps it)
        texts = [plain(value) if text is None else text for text, value in zip(texts, values)]
    return texts


_DECIMAL = frozenset({Decimal})


def _next_generation():
    """The current texts become the older generation, the older are dropped: what a batch used in the
    last generation is found again (and moved up) and stays, a batch's one-off amounts go.  (Clearing one
    dict when it was full dropped the common scores with the one-off amounts, so they missed again.)"""
    global _PLAIN, _OLDER
    _OLDER = _PLAIN
    _PLAIN = {}


#: `quantum(places)` of the places `fixed` is asked for (`percent`: 2 to 12), made once.
_STEPS = tuple(quantum(places) for places in range(13))

#: `plain`'s texts by the decimal's `str`: every basis line and output figure goes through it, most of them the
#: same few values.
#: Two generations of at most `_GENERATION` texts each (`_next_generation`): memory stays bounded.
_GENERATION = 8192
_PLAIN: dict = {}
_OLDER: dict = {}


def fixed(value: Decimal, places: int) -> str:
    """`value` rounded half-up to `places` decimals, zeros kept (``97.60``)."""
    step = _STEPS[places] if 0 <= places < len(_STEPS) else quantum(places)
    text = fixed_text(value.quantize(step, ROUND_HALF_UP))  # (the rounding positional: no keywords to parse)
    return "0" + text[2:] if text.startswith("-0") and Decimal(text) == 0 else text


def percent(value: Decimal) -> str:
    """A rate as a percentage with 2 decimals: 0.976024 → ``97.60%``.

    A rate that 2 decimals would show as a round figure it is not (1.000027 as
    ``100.00%``, 0.000027 as ``0.00%``) gets the decimals that bring out two
    significant digits of the difference (``100.0027%``, ``0.0027%``): a basis
    line must never hide a deviation.
    """
    scaled = value * HUNDRED
    shown = scaled.quantize(_STEPS[2], ROUND_HALF_UP)  # `fixed(scaled, 2)`, its value kept for the tests
    # `fixed_text(shown)` is its `str`: an exponent of -2 is never written as one (`str` writes an exponent only
    # when it is above 0 or the number below 1E-6), and a NaN has none
    text = str(shown)
    if shown == scaled or shown != shown.to_integral_value():
        return ("0" + text[2:] if text.startswith("-0") and not shown else text) + "%"
    difference = abs(scaled - shown)
    places = max(2, -difference.adjusted() + 1)
    return fixed(scaled, min(places, 12)).rstrip("0").rstrip(".") + "%"


def percent_as_given(value: Decimal) -> str:
    """A rate with exactly the digits it was given with: 0.9877 → ``98.77%``, 1 → ``100%``."""
    places = min(value.as_tuple().exponent + 2, 0)
    return format((value * HUNDRED).quantize(Decimal(1).scaleb(places)), "f") + "%"


def money(value: Decimal, unit: str) -> str:
    """Money (held in 元) shown in `unit`: 4300 → ``0.43万元``.

    Formatted, not kept (`plain`'s texts): amounts hardly repeat from record to record, and hashing each
    one to miss, then keeping it, costs more than the formatting (the text is a function of the value)."""
    shown = value / MONEY_UNITS[unit]
    if shown.__class__ is Decimal and shown.is_finite():
        return ("0" if shown == 0 else normal_text(shown)) + unit
    return plain(shown) + unit
