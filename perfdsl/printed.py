"""A figure as a document prints it — value, unit and the step of its last digit — and agreement with it.

A published claim is checked at the precision it is printed with, in the
unit it is printed in: ``"100%"`` stands for anything that rounds (half-up)
to a whole percent, ``"0.43万元"`` for anything within half of 0.01 万元,
``"2.4%"`` for a tenth of a percent.  Two exceptions keep a rounding from
hiding a fact: a rate printed as exactly ``100%`` or ``0%`` (完成、持平、无)
must be exactly that — 100.0027% is not "100%" —, and a count is exact.

`show … vs` in basis text and `perfdsl audit` both compare through `agrees`.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

from .decimals import MONEY_UNITS, fixed, plain
from .frozen import evolve, frozen
from .lazyre import Pattern
from .limits import shown_number

#: Arithmetic of comparisons: wide enough that quantizing a large amount never overflows the context.
_WIDE = Context(prec=80, rounding=ROUND_HALF_UP)

_MINUS = str.maketrans({"−": "-", "－": "-", "＋": "+", "，": ",", "．": "."})
_NUMBER = r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
_PERCENT_RE = Pattern(rf"^{_NUMBER}\s*[%％]$")
_AMOUNT_RE = Pattern(rf"^{_NUMBER}\s*(万|亿)?\s*([^\d\s%％,.+-][^\d%％]*)?$")
_DATE_RE = Pattern(r"^(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?$")
_MULTIPLIERS = {None: Decimal(1), "万": Decimal(10000), "亿": Decimal(100000000)}
_MONEY_WORDS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}

#: The kinds of printed figure.  Money is held in 元, a rate as a ratio, a date as its day number.
KINDS = ("money", "rate", "number", "date", "text")


@frozen
class Printed:
    """A printed figure.  `quantum` is the step of its last digit in the value's own terms (100 元 for
    ``"1.41万元"``, 0.0001 for ``"46.38%"``); None means the figure is exact (a count, a date, a text)."""

    value: Decimal | str
    kind: str
    unit: str | None = None  # 元/万元 for money; a counting word (辆、条、件) for a number
    quantum: Decimal | None = None
    text: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "rate", "number")

    @property
    def boundary(self) -> bool:
        """A rate printed as exactly 100% or 0%: it asserts completion or nil, not a rounding."""
        return self.kind == "rate" and self.value in (0, 1)


def parse(raw) -> Printed:
    """A value as typed from the document: a JSON number, or text such as ``"46.38%"``, ``"6440687.91万元"``,
    ``"4辆"``, ``"20万条"``, ``"2022-05-18"``; any other text is a text figure."""
    if isinstance(raw, bool):
        return Printed("是" if raw else "否", "text", text="是" if raw else "否")
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
        return Printed(value, "number", None, _step(value), plain(value) if value.is_finite() else str(value))
    if not isinstance(raw, str):
        from .inputs import _show  # (only for the message: a null, a list or an object as written)

        raise ValueError(f"不是数字或文本：{_show(raw)}")
    text = raw.strip()
    flat = text.translate(_MINUS).replace(" ", "")
    match = _PERCENT_RE.match(flat)
    if match:
        number = Decimal(match.group(1).replace(",", ""))
        return Printed(number.scaleb(-2), "rate", None, _step(number).scaleb(-2), text)
    match = _DATE_RE.match(flat)
    if match:
        try:
            day = datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            return Printed(text, "text", text=text)
        return Printed(Decimal(day.toordinal()), "date", None, None, text)
    match = _AMOUNT_RE.match(flat)
    if match:
        number = Decimal(match.group(1).replace(",", ""))
        multiplier, word = match.group(2), (match.group(3) or "").strip() or None
        combined = (multiplier or "") + (word or "")
        if combined in _MONEY_WORDS:
            factor = _MONEY_WORDS[combined]
            unit = combined if combined in MONEY_UNITS else "元"
            return Printed(number * factor, "money", unit, _step(number) * factor, text)
        factor = _MULTIPLIERS[multiplier]
        # 20万条 is printed to the 万; 14个 is exact; a bare "0.8904" is printed to its digits, as the number 0.8904 is
        step = _step(number) * factor if multiplier or word is None else None
        return Printed(number * factor, "number", word, step, text)
    return Printed(text, "text", text=text)


def of_input(value, kind: str, unit: str | None = None) -> Printed:
    """A record's converted input value as a printed figure: money in 元 written in `unit` (the unit the
    record wrote it in), a rate as a ratio; its precision is the digits it was written with."""
    if isinstance(value, bool):
        return Printed("是" if value else "否", "text", text="是" if value else "否")
    if isinstance(value, str):
        return Printed(value, "text", text=value)
    if kind == "money":
        unit = unit or "元"
        factor = MONEY_UNITS[unit]
        figure = Printed(value, "money", unit, _step(value) * factor)
        return evolve(figure, text=show(value, figure))
    if kind == "rate":
        return Printed(value, "rate", None, _step(value), _percent_text(value))
    if kind == "count":
        return Printed(value, "number", None, None, plain(value))
    return Printed(value, "number", None, _step(value), plain(value))


def exact(value, kind: str, unit: str | None = None) -> Printed:
    """A computed figure (a derived value): exact, shown in `unit` if it is money."""
    if not isinstance(value, Decimal):
        return of_input(value, kind, unit)
    kind = "number" if kind == "count" else kind if kind in KINDS else "number"
    shown = show_money(value, unit or "元") if kind == "money" else _percent_text(value) if kind == "rate" \
        else plain(value)
    return Printed(value, kind, unit if kind == "money" else None, None, shown)


def _step(value: Decimal) -> Decimal:
    if not value.is_finite():
        return Decimal(1)
    return Decimal(1).scaleb(value.as_tuple().exponent)


def _percent_text(value: Decimal) -> str:
    from .decimals import percent

    return percent(value)


def show_money(value: Decimal, unit: str) -> str:
    return plain(value / MONEY_UNITS[unit]) + unit


# ── agreement ───────────────────────────────────────────────────────────────


def rounded(value: Decimal, printed: Printed) -> Decimal:
    """`value` at `printed`'s precision (half-up), or `value` itself when that figure is exact."""
    if printed.quantum is None or printed.boundary:
        return value
    with localcontext(_WIDE):
        try:
            return value.quantize(printed.quantum.normalize(), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return value


def agrees(value, printed: Printed) -> bool:
    """Whether a figure (computed, or printed more finely) is what `printed` says, at its precision."""
    if not isinstance(value, Decimal) or not isinstance(printed.value, Decimal):
        return str(value).strip() == str(printed.value).strip()
    if printed.quantum is None or printed.boundary:
        return value == printed.value
    return rounded(value, printed) == printed.value


def coarser(a: Printed, b: Printed) -> tuple[Printed, Printed]:
    """(finer, coarser) of two printed figures, for comparing them at the coarser one's precision."""
    if a.quantum is None:
        return a, b
    if b.quantum is None:
        return b, a
    return (a, b) if a.quantum <= b.quantum else (b, a)


def same(a: Printed, b: Printed) -> bool:
    """Two printings of one figure agree when the finer one, rounded as the coarser one is printed, is it."""
    finer, rough = coarser(a, b)
    return agrees(finer.value, rough)


def show(value, like: Printed) -> str:
    """`value` written as `like` is printed: in its unit, with at least its digits (``644.07万元``,
    ``93.94%``, ``1.523万元`` beside a printed ``23万元``); a figure too long for that (a product or ratio
    of claimed figures far beyond any amount) in scientific form."""
    if not isinstance(value, Decimal):
        return str(value)
    try:
        return _show(value, like)
    except (InvalidOperation, OverflowError, ValueError):
        if like.kind == "rate":
            return shown_number(value * 100) + "%"
        unit = (like.unit or "元") if like.kind == "money" else like.unit
        factor = MONEY_UNITS.get(unit, Decimal(1)) if like.kind == "money" else Decimal(1)
        return shown_number(value / factor) + (unit or "")


def _show(value: Decimal, like: Printed) -> str:
    if like.kind == "date":
        return datetime.date.fromordinal(int(value)).isoformat()
    if like.kind == "rate":
        if like.quantum is None or like.boundary:
            return _percent_text(value)
        return fixed(value * 100, _places(like.quantum * 100)) + "%"
    unit = (like.unit or "元") if like.kind == "money" else None
    factor = MONEY_UNITS.get(unit, Decimal(1)) if unit else Decimal(1)
    places = _places(like.quantum / factor) if like.quantum is not None else 0
    return _digits(value / factor, places) + (unit or like.unit or "")


def _digits(amount: Decimal, places: int) -> str:
    """`amount` exactly when it ends within a few places of `places`, else rounded to `places`."""
    exact_places = max(-amount.normalize().as_tuple().exponent, 0) if amount.is_finite() else 0
    if exact_places <= max(places, 2) + 2:
        return fixed(amount, max(places, exact_places))
    return fixed(amount, max(places, 2))


def _places(step: Decimal) -> int:
    return max(-step.normalize().as_tuple().exponent, 0)
