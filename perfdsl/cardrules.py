"""Scorecard rules: what happens to a total after its indicators are added up, both evaluation paths.

``deduct 2 per 偏差过大指标数`` (a deduction from the total), ``cap by 预算执行率 { < 50% => 59; … }``
(the 预算管理一体化 platform's cap by execution rate) and ``veto 重大违纪 when … => grade 差, cap 59``
(一票否决).  The order is fixed, whatever the order of the lines: the total of the top-level groups
(bonus included) → each `deduct` (the total never below 0) → the constant ``cap LOW .. HIGH`` →
each ``cap by`` → each ``veto``.  The grade is the first holding veto's grade, else the total's.

`interpret_*` run inside the reference interpreter (and write the basis of each line);
`emit_*` write the same arithmetic into the compiled evaluator.  Each rule gives one
`Adjustment`: its own line in every 评分表.
"""

from __future__ import annotations

from decimal import Decimal

from . import nodes
from .basis import CLAUSE, points, pretty
from .decimals import ZERO
from .errors import EvaluationError, RecordError
from .frozen import frozen
from .unparse import expression


@frozen
class Adjustment:
    """One scorecard rule's effect on one record's total."""

    kind: str  # "deduct" | "cap" | "veto"
    name: str  # the line's label in a 评分表
    applied: bool
    before: Decimal
    after: Decimal
    basis: str
    grade: str | None = None  # a holding veto's forced grade
    arm: str | None = None  # which branch decided (rule coverage): ``arm#2``, ``none``, ``+``, ``-``


def label(rule) -> str:
    """How a rule is named in a 评分表: ``扣分：偏差过大指标数``, ``封顶：预算执行率``, ``一票否决：重大违纪``."""
    if isinstance(rule, nodes.CapBy):
        return f"封顶：{_pretty(rule.subject)}"
    if isinstance(rule, nodes.Veto):
        return f"一票否决：{rule.name}"
    what = rule.when if rule.when is not None else rule.per.subject
    return f"扣分：{_pretty(what)}"


def _pretty(expr) -> str:
    return pretty(expr)


def branches(rule):
    """(tag, label) of each way a scorecard rule can go, for rule coverage."""
    if isinstance(rule, nodes.CapBy):
        for number, arm in enumerate(rule.arms, start=1):
            test = "其余" if arm.op is None else f"{arm.op} {expression(arm.threshold)}"
            yield f"arm#{number}", f"封顶 {test} => {expression(arm.value)}"
        if all(arm.op is not None for arm in rule.arms):
            yield "none", "不封顶"
    elif isinstance(rule, nodes.Veto):
        yield "+", f"一票否决 {rule.name} 成立"
        yield "-", f"一票否决 {rule.name} 不成立"
    else:
        yield "+", "扣分"
        yield "-", "不扣分"


def before_cap(rules) -> list:
    return [rule for rule in rules if isinstance(rule, nodes.Deduction)]


def after_cap(rules) -> list:
    return ([rule for rule in rules if isinstance(rule, nodes.CapBy)]
            + [rule for rule in rules if isinstance(rule, nodes.Veto)])


def deducted(total: Decimal, value: Decimal) -> tuple[Decimal, str]:
    """A scorecard deduction of `value` (rounded) from `total`: the total after it, never below 0, and the
    basis's tail (``，总分 95 - 2 = 93``, ``（扣完为止）`` when it stopped at 0); nothing for no deduction."""
    if value <= 0:
        return total, ""
    after = max(total - value, ZERO)
    return after, (f"{CLAUSE}总分 {points(total)} - {points(value)} = {points(after)}"
                   + ("（扣完为止）" if after != total - value else ""))


# ── the reference interpreter ───────────────────────────────────────────────


def interpret_deductions(ev, card, total: Decimal) -> tuple[Decimal, list[Adjustment]]:
    out = []
    for rule in before_cap(card.rules):
        def work(rule=rule, total=total):
            amount = ev.eval(rule.amount)
            value, text = ev._capped(rule, *ev._deduction(rule, amount, None), None)
            value = ev._round(value)
            after, tail = deducted(total, value)
            text += tail
            return Adjustment("deduct", label(rule), value > 0, total, after, text, arm="+" if value > 0 else "-")
        adjustment = _guarded(ev, card, rule, work, total)
        total = adjustment.after
        out.append(adjustment)
    return total, out


def interpret_limits(ev, card, total: Decimal) -> tuple[Decimal, str | None, list[Adjustment]]:
    out = []
    forced = None
    for rule in after_cap(card.rules):
        if isinstance(rule, nodes.CapBy):
            def work(rule=rule, total=total):
                subject = ev.describe(rule.subject)
                value = ev.eval(rule.subject)
                for number, arm in enumerate(rule.arms, start=1):
                    if arm.op is None or _holds(arm.op, value, ev.eval(arm.threshold)):
                        limit = ev.eval(arm.value)
                        where = "其余情形" if arm.op is None else f"{_op(arm.op)} {ev._show(arm.threshold)}"
                        after = min(total, limit)
                        text = f"{subject}{CLAUSE}{where}{CLAUSE}总分最高 {points(limit)}"
                        text += (f"{CLAUSE}{points(total)} 封顶为 {points(after)}" if after != total
                                 else f"{CLAUSE}总分 {points(total)} 未超过，不变")
                        return Adjustment("cap", label(rule), after != total, total, after, text, arm=f"arm#{number}")
                return Adjustment("cap", label(rule), False, total, total, f"{subject}{CLAUSE}不封顶", arm="none")
        else:
            def work(rule=rule, total=total):
                holds = ev._truth(rule.condition)
                why = ev._condition(rule.condition, holds)
                if not holds:
                    return Adjustment("veto", label(rule), False, total, total, f"{why}{CLAUSE}不否决", arm="-")
                parts, after = [why], total
                if rule.cap is not None:
                    limit = ev.eval(rule.cap)
                    after = min(total, limit)
                    parts.append(f"总分最高 {points(limit)}，计 {points(after)}")
                if rule.grade is not None:
                    parts.append(f"等级定为 {rule.grade}")
                return Adjustment("veto", label(rule), True, total, after, CLAUSE.join(parts), rule.grade, arm="+")
        adjustment = _guarded(ev, card, rule, work, total)
        total = adjustment.after
        if adjustment.grade is not None and forced is None:
            forced = adjustment.grade
        out.append(adjustment)
    return total, forced, out


def _guarded(ev, card, rule, work, total):
    """Run one rule, naming it in any error; when collecting, the total stands unchanged."""
    try:
        return work()
    except RecordError as exc:
        new = EvaluationError(f"计分卡 {card.name} 的{label(rule)}: {exc.message}", key=exc.key)
        if ev.collected is None:
            raise new from None
        ev.collected.append(new)
        return Adjustment(_kind(rule), label(rule), False, total, total, "")
    except ArithmeticError as exc:
        new = EvaluationError(f"计分卡 {card.name} 的{label(rule)}: 无法计算（{type(exc).__name__}）")
        if ev.collected is None:
            raise new from None
        ev.collected.append(new)
        return Adjustment(_kind(rule), label(rule), False, total, total, "")


def _kind(rule) -> str:
    return "cap" if isinstance(rule, nodes.CapBy) else "veto" if isinstance(rule, nodes.Veto) else "deduct"


def _holds(op, left, right) -> bool:
    return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
            ">": left > right, ">=": left >= right, "≤": left <= right, "≥": left >= right, "≠": left != right}[op]


def _op(op) -> str:
    return {">=": "≥", "<=": "≤", "!=": "≠", "==": "="}.get(op, op)


# ── the compiled evaluator ──────────────────────────────────────────────────


def emit_deductions(gen, card, total: str) -> list[str]:
    """Lines that deduct from `total`; returns the (applied, after) pairs' expressions."""
    out = gen.out
    pairs = []
    for rule in before_cap(card.rules):
        gen.need(*[n for n in nodes.walk(rule) if isinstance(n, nodes.Expr)])
        value = gen.line_amount(rule, None)
        if gen.explain:  # the line's figures, for its basis (`rendering`)
            gen.card_facts.append(gen.line_facts)
        out.line(f"{value} = {value}.quantize(k_snap, k_even).quantize(k_step, k_mode)")
        applied = gen.temp()
        out.line(f"{applied} = {value} > {gen.zero}")
        out.line(f"if {applied}: {total} = {total} - {value} if {total} - {value} > {gen.zero} else {gen.zero}")
        after = gen.temp()
        out.line(f"{after} = {total}")
        pairs.append(f"({applied}, {after})")
    return pairs


def emit_limits(gen, card, total: str, grade: str) -> list[str]:
    """Lines that cap `total` (``cap by``, ``veto``) and set `grade` to a veto's; the (applied, after) pairs."""
    out = gen.out
    pairs = []
    out.line(f"{grade} = None")
    for rule in after_cap(card.rules):
        gen.need(*[n for n in nodes.walk(rule) if isinstance(n, nodes.Expr)])
        applied = gen.temp()
        out.line(f"{applied} = False")
        if isinstance(rule, nodes.CapBy):
            subject, limit, held = gen.temp(), gen.temp(), gen.temp()
            out.line(f"{subject} = {gen.expr(rule.subject)}")
            out.line(f"{limit} = None")
            if gen.explain:
                out.line(f"{held} = 0")
            keyword = "if"
            for number, arm in enumerate(rule.arms, start=1):
                if arm.op is None:
                    out.line("else:" if keyword == "elif" else "if True:")
                else:
                    op = {"≤": "<=", "≥": ">=", "≠": "!="}.get(arm.op, arm.op)
                    out.line(f"{keyword} {subject} {op} {gen.expr(arm.threshold)}:")
                out.line(f"    {limit} = {gen.expr(arm.value)}")
                if gen.explain:
                    out.line(f"    {held} = {number}")
                keyword = "elif"
                if arm.op is None:
                    break
            out.line(f"if {limit} is not None and {total} > {limit}: {applied} = True; {total} = {limit}")
            if gen.explain:  # the subject's value, the limit its arm set and the arm's number (0: none held)
                gen.card_facts.append(f"({subject}, {limit}, {held})")
        else:
            limit = gen.temp() if rule.cap is not None else None
            if gen.explain and limit:
                out.line(f"{limit} = None")
            out.line(f"if {gen.expr(rule.condition)}:")
            out.indent()
            out.line(f"{applied} = True")
            if rule.cap is not None:
                out.line(f"{limit} = {gen.expr(rule.cap)}")
                out.line(f"if {total} > {limit}: {total} = {limit}")
            if gen.explain:  # whether it held (`applied`) and its cap
                gen.card_facts.append(f"({applied}, {limit})")
            if rule.grade is not None:
                out.line(f"if {grade} is None: {grade} = {gen.const(rule.grade)}")
            out.dedent()
        after = gen.temp()
        out.line(f"{after} = {total}")
        pairs.append(f"({applied}, {after})")
    return pairs


# ── results ─────────────────────────────────────────────────────────────────


class AdjustmentResult:
    """A scorecard rule's line in a result: figures from the compiled evaluator, basis from the interpreter."""

    __slots__ = ("kind", "name", "applied", "before", "after", "grade", "_basis")

    def __init__(self, rule, applied, before, after, basis):
        self.kind = _kind(rule)
        self.name = label(rule)
        self.applied = bool(applied)
        self.before, self.after = before, after
        self.grade = rule.grade if isinstance(rule, nodes.Veto) and applied else None
        self._basis = basis

    @property
    def basis(self) -> str:
        return self._basis()

    def to_json(self) -> dict:
        out = {"kind": self.kind, "name": self.name, "applied": self.applied, "before": self.before,
               "after": self.after, "change": self.after - self.before, "basis": self.basis}
        if self.grade is not None:
            out["grade"] = self.grade
        return out


def results(card, raw: Decimal, pairs, basis) -> tuple[AdjustmentResult, ...]:
    """The lines of `card`'s rules from the compiled (applied, total after) `pairs`, in the order they apply;
    `basis(position)` gives the text of the line at `position` (computed on first use)."""
    ordered = before_cap(card.rules) + after_cap(card.rules)
    out = []
    total = raw
    for position, (rule, (applied, after)) in enumerate(zip(ordered, pairs)):
        if position == len(before_cap(card.rules)) and card.cap is not None:
            total = min(max(total, card.cap[0]), card.cap[1])
        out.append(AdjustmentResult(rule, applied, total, after, lambda position=position: basis(position)))
        total = after
    return tuple(out)
