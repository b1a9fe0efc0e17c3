"""The value types of the language and how operators combine them.

Numeric values are ``count`` (a whole number of things), ``number``,
``rate`` (a ratio, shown as a percentage) and ``money`` (held in 元, shown in
its declared unit).  Money only meets money: adding a unitless number to an
amount, or comparing them, is a type error — the mistake behind 元 written
as 万元.  A bare numeric literal adapts to the other operand (``x - 1``,
``支出率 >= 0.95``) except next to money, where it must carry a unit.
"""

from __future__ import annotations

from .frozen import frozen


@frozen
class Type:
    kind: str  # count | number | rate | money | bool | text | error
    unit: str | None = None  # display unit of money

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    def describe(self) -> str:
        return DESCRIPTIONS.get(self.kind, self.kind) + (f"({self.unit})" if self.unit else "")


NUMERIC = frozenset({"count", "number", "rate", "money"})
DESCRIPTIONS = {
    "count": "计数", "number": "数值", "rate": "比率", "money": "金额",
    "bool": "布尔值（是/否）", "text": "文本", "list": "列表", "error": "错误",
}

COUNT = Type("count")
NUMBER = Type("number")
RATE = Type("rate")
BOOL = Type("bool")
TEXT = Type("text")
LIST = Type("list")
ERROR = Type("error")  # already reported; silences follow-up errors
MONEY = Type("money", "元")


def join(a: Type, b: Type) -> Type:
    """The type of a value that may be either `a` or `b` (branches, min/max) — both numeric."""
    if a.kind == "error" or b.kind == "error":
        return ERROR
    if a.kind == "money":
        return a
    if b.kind == "money":
        return b
    if "rate" in (a.kind, b.kind):
        return RATE
    if a.kind == b.kind == "count":
        return COUNT
    return NUMBER


def arithmetic(op: str, a: Type, b: Type, a_literal: bool, b_literal: bool) -> Type | str:
    """The result type of ``a op b``, or a message saying why it is not allowed."""
    if a.kind == "error" or b.kind == "error":
        return ERROR
    money_a, money_b = a.kind == "money", b.kind == "money"
    if op in "+-":
        if money_a and money_b:
            return a
        if money_a or money_b:
            return "金额只能与金额相加减；数字请带单位（如 25.2万元）"
        return join(a, b)
    if op == "*":
        if money_a and money_b:
            return "两个金额不能相乘"
        if money_a:
            return a
        if money_b:
            return b
        if a.kind == b.kind == "rate":
            return RATE
        if a.kind == b.kind == "count":
            return COUNT
        if "rate" in (a.kind, b.kind) and (a_literal or b_literal):
            return RATE if (a_literal and b.kind == "rate") or (b_literal and a.kind == "rate") else NUMBER
        return NUMBER
    # division
    if money_a and money_b:
        return RATE
    if money_b:
        return "不能用数字除以金额"
    if money_a:
        return a
    if b_literal:
        return a
    return RATE


def comparable(a: Type, b: Type, a_literal: bool, b_literal: bool, a_zero: bool, b_zero: bool) -> str | None:
    """None if ``a`` and ``b`` may be compared, else the reason they may not."""
    if a.kind == "error" or b.kind == "error":
        return None
    if a.numeric and b.numeric:
        if (a.kind == "money") != (b.kind == "money"):
            other_literal = b_literal if a.kind == "money" else a_literal
            other_zero = b_zero if a.kind == "money" else a_zero
            if other_zero:
                return None
            if other_literal:
                return "金额不能与无单位的数字比较；请写明单位（如 25.2万元）"
            return "金额不能与非金额比较"
        return None
    if a.kind == b.kind:
        return None
    return f"{a.describe()}不能与{b.describe()}比较"
