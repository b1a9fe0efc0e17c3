"""Target and actual values written as text in 项目绩效目标表: ``30条``, ``6%以内``, ``>95%``, ``3.3万余次``.

A target is a comparator, a number and a unit; an actual value is a number
and a unit.  Both may carry a leading label (``服务水平>95%``) and a trailing
remark in brackets (``137个（其中3个停用退出）``).  Units of one family
convert (元/万元, 秒/分钟/小时/天, % is a ratio); counted units (条 次 件 个 …)
must match.  Anything else is a `TargetError` with a message that says what
was expected — never a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from .decimals import HUNDRED, money, percent_as_given, plain

#: Comparator words → the comparison they mean (达到 and a bare number: at least).
_BEFORE = {
    ">=": ">=", "≥": ">=", "＞＝": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "达到": ">=", "至少": ">=",
    ">": ">", "＞": ">", "大于": ">", "高于": ">", "超过": ">",
    "<=": "<=", "≤": "<=", "＜＝": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "最多": "<=",
    "<": "<", "＜": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "==", "＝": "==", "等于": "==",
}
_AFTER = {"以内": "<=", "以下": "<=", "及以下": "<=", "以上": ">=", "及以上": ">="}

#: Unit → (family, factor to the family's base unit).
UNITS = {
    "%": ("ratio", Decimal("0.01")), "％": ("ratio", Decimal("0.01")),
    "元": ("money", Decimal(1)),
    "秒": ("time", Decimal(1)), "分钟": ("time", Decimal(60)), "分": ("time", Decimal(60)),
    "小时": ("time", Decimal(3600)), "天": ("time", Decimal(86400)), "日": ("time", Decimal(86400)),
}
COUNTED = ("条", "次", "件", "个", "项", "人次", "人", "户", "家", "份", "篇", "台", "套", "所", "批", "场", "万人次")
_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}

_COMPARATORS = "|".join(sorted(map(re.escape, _BEFORE), key=len, reverse=True))
_UNITS = "|".join(sorted(map(re.escape, list(UNITS) + list(COUNTED)), key=len, reverse=True))
_PATTERN = re.compile(
    rf"""^\s*
    (?P<label>[^\d<>≤≥=＜＞＝%％]*?)\s*
    (?P<before>{_COMPARATORS})?\s*
    (?P<number>\d+(?:\.\d+)?)\s*
    (?P<multiplier>[万亿](?!元))?
    (?P<approx>[余多])?\s*
    (?P<unit>万元|{_UNITS})?\s*
    (?P<after>以内|及以下|以下|及以上|以上)?\s*
    (?:[（(][^）)]*[)）])?\s*[。.；;]?\s*$""",
    re.VERBOSE,
)

EXPECTED = "可写作 `30条`、`≥95%`、`6%以内`、`3.3万余次`、`<10分钟`"


class TargetError(ValueError):
    """Text that is not a target or an amount perfdsl can read."""


@attrs.frozen
class Quantity:
    """A number in its family's base unit (元, seconds, a ratio for %), and how it was written."""

    value: Decimal
    family: str | None  # ratio | money | time | count | None (a bare number)
    unit: str | None  # the unit as written (万元 shows as 元 with its value in 元)
    text: str

    def shown(self) -> str:
        return self.text.strip()


@attrs.frozen
class Target:
    op: str  # >= > <= < ==
    amount: Quantity

    @property
    def lower_is_better(self) -> bool:
        return self.op in ("<=", "<")

    def shown(self) -> str:
        return self.amount.text.strip()


def _quantity(text: str, what: str) -> tuple[Quantity, str | None]:
    match = _PATTERN.match(text)
    if not match:
        raise TargetError(f"无法读取{what} `{text.strip()}`（{EXPECTED}）")
    number = Decimal(match.group("number"))
    if match.group("multiplier"):
        number *= _MULTIPLIERS[match.group("multiplier")]
    unit = match.group("unit")
    if unit == "万元":
        unit, number = "元", number * 10000
    family = None
    if unit in UNITS:
        family, factor = UNITS[unit]
        number *= factor
    elif unit is not None:
        family = "count"
    op = _BEFORE.get(match.group("before") or "") or _AFTER.get(match.group("after") or "")
    if op is None and match.group("approx"):
        op = ">="  # 3.3万余次: more than 33000
    return Quantity(number, family, unit, text), op


def parse_target(text: str) -> Target:
    """``6%以内`` → Target('<=', 0.06 %); a bare ``30条`` means at least 30."""
    quantity, op = _quantity(text, "目标值")
    return Target(op or ">=", quantity)


def parse_actual(raw, kind: str | None = None, unit: str | None = None) -> Quantity:
    """An actual value: text such as ``0.295%`` or ``137个（…）``, or a value read in its declared type —
    a `rate` is a ratio (1 is 100%), `money` an amount in 元 (shown in `unit`), a `count` or `number`
    a bare number, in the target's unit."""
    if isinstance(raw, Decimal):
        if kind == "rate":
            return Quantity(raw, "ratio", "%", percent_as_given(raw))
        if kind == "money":
            return Quantity(raw, "money", "元", money(raw, unit or "元"))
        return Quantity(raw, None, None, plain(raw))
    quantity, _ = _quantity(str(raw), "实际值")
    return quantity


def aligned(target: Target, actual: Quantity) -> tuple[Target, Quantity]:
    """The pair in one unit: a bare actual is in the target's unit, a bare target in the actual's (``95``
    beside ``98.77%`` is 95%, ``<10`` beside ``8分钟`` is 10 minutes)."""
    goal = target.amount
    if goal.family is None and actual.family in ("ratio", "time") and actual.unit in UNITS:
        factor = UNITS[actual.unit][1]
        target = Target(target.op, Quantity(goal.value * factor, actual.family, actual.unit, goal.text))
    return target, compatible(target, actual)


def compatible(target: Target, actual: Quantity) -> Quantity:
    """`actual` in the target's unit; a bare number is read in the target's unit."""
    goal = target.amount
    if actual.family is None:
        if goal.family in UNITS_WITH_FACTOR:
            factor = UNITS[goal.unit][1]
            return Quantity(actual.value * factor, goal.family, goal.unit, actual.text + (goal.unit or ""))
        return Quantity(actual.value, goal.family, goal.unit, actual.text)
    if goal.family is None:
        return actual
    if goal.family != actual.family or (goal.family == "count" and goal.unit != actual.unit):
        raise TargetError(f"目标 `{goal.text.strip()}` 与实际 `{actual.text.strip()}` 的单位不一致")
    return actual


UNITS_WITH_FACTOR = ("ratio", "money", "time")


def attainment(target: Target, actual: Quantity) -> tuple[bool, Decimal]:
    """Whether the target is met, and the share of the item's points it earns.

    Met: full.  Not met: actual / target, or target / actual when lower is
    better (``6%以内``); for ``=`` the smaller of the two ratios; nothing when
    the ratio would divide by 0 (`unmeasurable`).
    """
    target, actual = aligned(target, actual)
    goal, value = target.amount.value, actual.value
    op = target.op
    met = {">=": value >= goal, ">": value > goal, "<=": value <= goal, "<": value < goal, "==": value == goal}[op]
    if met:
        return True, Decimal(1)
    if unmeasurable(target, actual):
        return False, Decimal(0)
    if op in (">=", ">"):
        rate = value / goal
    elif op in ("<=", "<"):
        rate = goal / value
    else:
        rate = min(value / goal, goal / value)
    return False, max(min(rate, Decimal(1)), Decimal(0))


def unmeasurable(target: Target, actual: Quantity) -> bool:
    """Whether a missed target has no share to earn: its ratio would divide by 0 or less (``>0次`` missed with 0次)."""
    target, actual = aligned(target, actual)
    goal, value = target.amount.value, actual.value
    if target.op in (">=", ">"):
        return goal <= 0
    if target.op in ("<=", "<"):
        return value <= 0
    return goal <= 0 or value <= 0


def ratio_text(target: Target, actual: Quantity) -> str:
    """How a shortfall was measured, in the target's unit: ``137 / 139``, ``6% / 7.5%``."""
    target, actual = aligned(target, actual)
    numbers = (actual, target.amount) if not target.lower_is_better else (target.amount, actual)
    unit = target.amount.unit
    return " / ".join(_bare(q, unit) for q in numbers)


def _bare(quantity: Quantity, unit: str | None) -> str:
    if quantity.family == "ratio":
        return plain(quantity.value * HUNDRED) + "%"
    if unit in UNITS and quantity.family in UNITS_WITH_FACTOR:
        return plain(quantity.value / UNITS[unit][1])
    return plain(quantity.value)
