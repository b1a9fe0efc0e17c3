"""Chinese basis (依据) text: values shown by type, formulas with the figures put in.

``项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14`` — rates as percentages,
money in its declared unit, scores without trailing zeros, ``×`` for
multiplication, full-width ``，``/``；`` between clauses.
"""

from __future__ import annotations

import weakref
from decimal import Decimal

from . import nodes, targets
from .decimals import money, percent, plain
from .types import Type
from .unparse import expression, name

CLAUSE = "，"
#: The basis of a placeholder group (weight 0, no indicators), as published.
PLACEHOLDER = "占位分组：没有下级指标，分值 0，得 0 分"
SENTENCE = "；"
_ZERO = Decimal(0)


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


def target_clause(kind: str, text: str | None, share: Decimal, met: bool, target, actual, weight: Decimal,
                  scored: str) -> str:
    """A target rule's basis: a deadline's or a level's fragment with its points, or a quantity's target and
    actual (``目标 ≥95%，实际 97.6%，达成，得满分 10``; short of it, pro-rated at `share`).  `scored` is the
    pro-rated score's text.  One text for the renderer and the interpreter (the figures are each's own)."""
    if kind != "quantity":
        if share >= 1:
            return f"{text}{CLAUSE}得满分 {plain(weight)}"
        if share == 0:
            return f"{text}{CLAUSE}得 0 分"
        return f"{text}{CLAUSE}{plain(weight)} × {percent(share)} = {scored}"
    shown = f"目标 {target.shown()}{CLAUSE}实际 {actual.shown()}"
    if met:
        return f"{shown}{CLAUSE}达成{CLAUSE}得满分 {plain(weight)}"
    if targets.unmeasurable(target, actual):  # actual / target would divide by 0: nothing to pro-rate
        return f"{shown}{CLAUSE}未达成：{targets.ratio_text(target, actual)} 除数为 0，不能按比例折算{CLAUSE}得 0"
    return (f"{shown}{CLAUSE}未达成：{targets.ratio_text(target, actual)} = {percent(share)}"
            f"{CLAUSE}{plain(weight)} × {percent(share)} = {scored}")


#: How a stepped deduction counts its steps: the brackets around the division and the words before the step.
_STEPS = {"started": ("⌈", "⌉", "每起"), "whole": ("⌊", "⌋", "每满")}


def stepped_clause(described: str, where: str, mode: str | None, excess_text: str, step_text: str, count_text: str,
                   verb: str, amount: Decimal, value: Decimal) -> str:
    """A stepped deduct/add line's basis: ``… 超过 90% 的部分每满 1% 扣 0.5，⌊3.2% / 1%⌋ = 3，扣 1.5``.
    One text for the renderer and the interpreter (the figures are each's own)."""
    opening, closing, each = _STEPS.get(mode, ("", "", "每"))
    lead = f"{where} 的部分" if where else ""
    return (f"{described}{CLAUSE}{lead}{each} {step_text} {verb} {plain(amount)}{CLAUSE}"
            f"{opening}{excess_text} / {step_text}{closing} = {count_text}{CLAUSE}{verb} {plain(value)}")


def group_line(scores, declared: Decimal, bonus: bool) -> tuple[Decimal, str]:
    """A group's score from its parts' and its basis: ``下级指标合计 4 + 3.5 = 7.5``; a bonus group's sum
    bounded by ±its weight.  One text for the renderer and the interpreter (the figures are each's own)."""
    score = sum(scores, _ZERO)
    text = " + ".join(map(plain, scores)) + f" = {plain(score)}"
    if bonus:
        bounded = min(max(score, -declared), declared)
        if bounded != score:
            text += f"{CLAUSE}加减分以 ±{plain(declared)} 为限，计 {plain(bounded)}"
        score = bounded
    if len(scores) == 1:
        text = f"= {plain(score)}"
    return score, f"下级指标合计 {text}"


def substituted(expr, lookup, full_text: str | None = None) -> str:
    """`expr` with each name replaced by its value: ``6440687.91元 / (6400981.42元 + 197940.5元)``.

    `lookup(name)` returns the shown value of a name (or None to keep the name).  The text around the
    names depends on `expr` alone, so it is laid out once per expression (`_template`) and only the
    names' values are put in for each record.
    """
    entry = _TEMPLATES.get(id(expr))
    if entry is None or entry[0]() is not expr:
        entry = _template(expr)
    _, form, slots = entry
    if form is None:  # the expression's own text holds a NUL: render it the long way
        return expression(expr, show_name=lambda node: full_text if isinstance(node, nodes.Full) else
                          blank_shown(lookup(node.name)), times="×")
    if not slots:
        return form
    shown = []
    for name_of, default in slots:
        text = full_text if name_of is None else lookup(name_of)
        shown.append(default if text is None else blank_shown(text))
    return form % tuple(shown)


def blank_shown(text: str | None) -> str | None:
    """A value's text put into a formula: an empty text (a blank cell) as ``""``, not as nothing
    (``if  != "" then  else 100%``)."""
    return '""' if text == "" else text


#: id(expr) → (a weak reference to expr, the text with a ``%s`` for each name (its own text when it names
#: nothing), (the name, or None for ``full``; the name's own text) per name).  The reference is checked on
#: every use: an id is only ever trusted for the object it was taken from.
_TEMPLATES: dict = {}


def template(expr):
    """(`expr`'s text with a ``%s`` for each name, (the name, or None for ``full``; the name's own text) per
    name), or None when it cannot be laid out so (`substituted` then renders it the long way): laid out now,
    for a caller that keeps it (`rendering`'s derived values' formulas)."""
    entry = _template(expr)
    return None if entry[1] is None else (entry[1], entry[2])


def _template(expr):
    slots: list = []

    def mark(node):
        full = isinstance(node, nodes.Full)
        slots.append((None if full else node.name, "full" if full else name(node.name)))
        return f"\0{len(slots) - 1}\0"

    parts = expression(expr, show_name=mark, times="×").split("\0")
    if len(parts) != 2 * len(slots) + 1:
        entry = (weakref.ref(expr), None, None)
    else:
        pieces = parts[0::2]
        form = pieces[0] if not slots else "%s".join(piece.replace("%", "%%") for piece in pieces)
        entry = (weakref.ref(expr), form, tuple(slots[int(index)] for index in parts[1::2]))
    if len(_TEMPLATES) > 100_000:  # many rulesets in one process (perfdsl serve): start again
        _TEMPLATES.clear()
    _TEMPLATES[id(expr)] = entry
    return entry


def pretty(expr) -> str:
    """A condition or formula as a reader would write it: ``有转移支付``, ``项目总数 = 0``."""
    text = expression(expr, times="×")
    for ascii_op, shown in ((" >= ", " ≥ "), (" <= ", " ≤ "), (" != ", " ≠ "), (" == ", " = ")):
        text = text.replace(ascii_op, shown)
    return text.replace(" and ", " 且 ").replace(" or ", " 或 ").replace("not ", "非 ")


def is_literal(expr) -> bool:
    """A number as written (``5``, ``-2``): a basis line shows it as it is."""
    return isinstance(expr, nodes.Num) or (isinstance(expr, nodes.Neg) and isinstance(expr.operand, nodes.Num))


def lets_in(model, expr) -> list[str]:
    """The derived values `expr` names, in order, each once (a score's basis says how each came about)."""
    names = []
    for node in nodes.walk(expr):
        if isinstance(node, nodes.Name) and model.let(node.name) is not None and node.name not in names:
            names.append(node.name)
    return names


def split_text(shares) -> str:
    """Equal shares as a sum, repeats counted: ``5.56 × 5 + 5.55 × 4``."""
    groups: dict[Decimal, int] = {}
    for share in shares:
        groups[share] = groups.get(share, 0) + 1
    return " + ".join(f"{points(share)} × {n}" if n > 1 else points(share) for share, n in groups.items())


def symbolic(expr) -> str:
    return expression(expr, times="×")


def comparison(op: str) -> str:
    return {">=": "≥", "<=": "≤", "!=": "≠", "==": "="}.get(op, op)
