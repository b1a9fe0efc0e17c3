"""Chinese basis (依据) text: values shown by type, formulas with the figures put in.

``项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14`` — rates as percentages,
money in its declared unit, scores without trailing zeros, ``×`` for
multiplication, full-width ``，``/``；`` between clauses.
"""

from __future__ import annotations

from decimal import Decimal

from . import nodes
from .decimals import money, percent, plain
from .types import Type
from .unparse import expression

CLAUSE = "，"
#: The basis of a placeholder group (weight 0, no indicators), as published.
PLACEHOLDER = "占位分组：没有下级指标，分值 0，得 0 分"
SENTENCE = "；"


def show_value(value, vtype: Type | None) -> str:
    """A value as a reader of the 评分表 expects to see it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return value
    if not isinstance(value, Decimal):
        return str(value)
    if vtype is not None:
        if vtype.kind == "rate":
            return percent(value)
        if vtype.kind == "money":
            return money(value, vtype.unit or "元")
    return plain(value)


def points(value: Decimal) -> str:
    return plain(value)


def substituted(expr, lookup, full_text: str | None = None) -> str:
    """`expr` with each name replaced by its value: ``6440687.91元 / (6400981.42元 + 197940.5元)``.

    `lookup(name)` returns the shown value of a name (or None to keep the name).
    """

    def show_name(node):
        if isinstance(node, nodes.Full):
            return full_text
        return lookup(node.name)

    return expression(expr, show_name=show_name, times="×")


def symbolic(expr) -> str:
    return expression(expr, times="×")


def comparison(op: str) -> str:
    return {">=": "≥", "<=": "≤", "!=": "≠", "==": "="}.get(op, op)
