"""Identities the document's own arithmetic implies, checked on its printed figures (no rules needed).

``sum`` (parts, ``less`` parts taken away, = a total: 年初 + 收入 − 支出 = 年末), ``ratio`` (a printed rate
= its printed numerator / denominator), ``change`` ((本期 − 上期) / 上期), ``product``, ``same`` (two
printings of one figure, or two figures that must agree: a year, a name, a date), ``bands`` (grade bands
that neither overlap nor leave a gap).  ``relation`` ``<=``/``>=`` turns an equality into a bound
(采购支出 ≤ 本年支出).  Printed figures are compared at the precision of the printed result.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from .. import printed
from ..decimals import ONE, ZERO, plain
from . import diagnose
from .claims import RELATIONS
from .figures import Figure, OperandError
from .findings import Finding

_HOLDS = {"=": None, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
_SYMBOL = {"=": "=", "<=": "≤", ">=": "≥"}


def check(audit) -> list[Finding]:
    findings = []
    for claim in audit.claims:
        if claim.where[0] != "identities":
            continue
        try:
            findings += _CHECKS[claim.kind](audit, claim)
        except OperandError as exc:
            audit.problem(claim, str(exc))
    return findings


def used_names(claims) -> set[str]:
    """Every name an identity mentions (so that a figure only identities use is not reported as unknown)."""
    names: set[str] = set()

    def visit(raw, depth=0):
        if isinstance(raw, str):
            names.add(raw.strip())
        elif isinstance(raw, list) and depth < 2:  # operands, and the summed parts of one
            for item in raw:
                visit(item, depth + 1)

    for claim in claims:
        if claim.where[0] == "identities" and claim.kind != "bands":
            for key in (claim.kind, "less", "equals"):
                visit(claim.value.get(key))
    return names


# ── operands ─────────────────────────────────────────────────────────────────


def _operands(audit, raw) -> list[Figure]:
    return [_summed(audit, item) if isinstance(item, list) else audit.figures.operand(item) for item in raw]


def _summed(audit, items) -> Figure:
    """``["成交额", "节约资金"]`` inside a ratio: the sum of the two, as one operand."""
    parts = [audit.figures.operand(item) for item in items]
    total = sum((p.printed.value for p in parts), ZERO)
    like = parts[0].printed
    text = "(" + " + ".join(p.text for p in parts) + ")"
    quantum = max((p.printed.quantum for p in parts if p.printed.quantum is not None), default=None)
    return Figure(text, printed.Printed(total, like.kind, like.unit, quantum, text), "printed",
                  reads=frozenset(p.label for p in parts))


def _unitless(claim, figures: list[Figure]) -> tuple[list[Figure], list[Finding]]:
    """Bare numbers among amounts are read in the amounts' unit — and reported (a missing 万元 is a slip)."""
    money = [f for f in figures if f.printed.kind == "money"]
    if not money:
        return figures, []
    units = [f.printed.unit for f in money]
    unit = max(set(units), key=units.count)
    out, findings = [], []
    for figure in figures:
        if figure.printed.kind == "number" and figure.printed.unit is None:
            read = printed.parse(f"{figure.text}{unit}")
            findings.append(Finding("A303", claim, f"{figure.label} = {figure.text}", read.text,
                                    f"与之相加或比较的都是金额（{unit}），按 {unit} 读为 {read.text}",
                                    f"金额须写明单位，如 {read.text}"))
            figure = attrs.evolve(figure, printed=read)
        out.append(figure)
    return out, findings


def _relation(claim) -> str:
    return RELATIONS[claim.value.get("relation", "=")]


def _holds(value: Decimal, target: Figure, relation: str, parts: list[Figure]) -> bool:
    if not isinstance(value, Decimal) or not isinstance(target.printed.value, Decimal):
        return str(value) == str(target.printed.value)
    if relation != "=":
        return _HOLDS[relation](value, target.printed.value)
    if target.printed.quantum is None and target.source == "let":  # an exact derived value: at the parts' digits
        steps = [p.printed.quantum for p in parts if p.printed.quantum is not None]
        if steps:
            return printed.agrees(target.printed.value, attrs.evolve(printed.exact(value, target.printed.kind),
                                                                     quantum=max(steps)))
    return printed.agrees(value, target.printed)


def _reads(figures: list[Figure]) -> frozenset:
    return frozenset().union(*(f.reads or {f.label} for f in figures))


def _at(figures: list[Figure]) -> str:
    places = []
    for figure in figures:
        for at in figure.at:
            if at not in places:
                places.append(at)
    return f"（{'、'.join(places)}）" if places else ""


# ── kinds ────────────────────────────────────────────────────────────────────


def _sum(audit, claim) -> list[Finding]:
    parts = _operands(audit, claim.value["sum"])
    less = _operands(audit, claim.value.get("less", []))
    total = audit.figures.operand(claim.value["equals"])
    everything, findings = _unitless(claim, parts + less + [total])
    parts, less, total = everything[: len(parts)], everything[len(parts): len(parts) + len(less)], everything[-1]
    relation = _relation(claim)

    def computed_from(amounts):
        return sum(amounts[: len(parts)], ZERO) - sum(amounts[len(parts):], ZERO)

    value = computed_from([f.printed.value for f in parts + less])
    if _holds(value, total, relation, parts + less):
        return findings
    terms = " + ".join(f.text for f in parts) + "".join(f" - {f.text}" for f in less)
    shown = printed.show(value, total.printed)
    working = f"{terms} = {shown}"
    code, hint = ("A211" if relation == "=" else "A216"), "核对各分项与合计，找出抄错或漏列的一项"
    if relation != "=":
        hint = f"分项之和 {shown} {'超过' if relation == '<=' else '不足'} {total.text}：这几个数字不可能都对"
    slip = diagnose.money_slip(parts + less + [total], lambda amounts: _holds(
        computed_from(amounts[:-1]), attrs.evolve(total, printed=attrs.evolve(total.printed, value=amounts[-1])),
        relation, parts + less))
    if slip is not None:
        index, factor = slip
        figure = (parts + less + [total])[index]
        code = "A301"
        hint = f"{figure.label} 公布为 {figure.text}；按 {diagnose.slipped(figure, factor)} 计则相符：单位有误"
    elif relation == "=":
        exclude = frozenset(f.label for f in parts + less + [total])
        other = diagnose.equal_figure(value, total.printed, audit.figures, exclude, _reads(parts + less))
        if other is not None:
            hint = (f"分项之和 {shown} 正是 {other.named()}{_at([other])}：合计处写的不是这些分项之和" if not less
                    else f"算得的 {shown} 正是 {other.named()}{_at([other])}")
        else:
            gap = total.printed.value - value
            other = diagnose.equal_figure(abs(gap), total.printed, audit.figures, exclude, _reads(parts + less))
            if other is not None:
                hint = f"差额 {printed.show(abs(gap), total.printed)} 正是 {other.named()}{_at([other])}"
    findings.append(Finding(code, claim, f"{total.named()}{_at([total])}", shown,
                            f"{working}{'' if relation == '=' else f'，应 {_SYMBOL[relation]} {total.text}'}",
                            hint))
    return findings


def _rate_check(audit, claim, value: Decimal, operands: list[Figure], working: str, code: str,
                base: str | None = None) -> list[Finding]:
    target = audit.figures.operand(claim.value["equals"])
    relation = _relation(claim)
    if _holds(value, target, relation, operands):
        return []
    shown = printed.show(value, target.printed)
    hint = "核对分子、分母与结果"
    found = diagnose.boundary(target.printed, value)
    if found:
        code, hint = "A304", found
    else:
        prefer = frozenset().union(*(f.reads or {f.label} for f in operands))
        diagnosis = diagnose.rate(target.printed, value, audit.figures, prefer, frozenset({target.label}), base)
        if diagnosis:
            code, hint = diagnosis
    return [Finding(code, claim, f"{target.named()}{_at([target])}", shown, f"{working} = {shown}", hint)]


def _ratio(audit, claim) -> list[Finding]:
    numerator, denominator = _operands(audit, claim.value["ratio"])
    if denominator.printed.value == 0:
        raise OperandError(f"分母 {denominator.named()} 为 0")
    value = numerator.printed.value / denominator.printed.value
    return _rate_check(audit, claim, value, [numerator, denominator], f"{numerator.text} / {denominator.text}", "A212",
                       denominator.label)


def _change(audit, claim) -> list[Finding]:
    new, old = _operands(audit, claim.value["change"])
    if old.printed.value == 0:
        raise OperandError(f"上期 {old.named()} 为 0")
    value = (new.printed.value - old.printed.value) / old.printed.value
    return _rate_check(audit, claim, value, [new, old], f"({new.text} - {old.text}) / {old.text}", "A213")


def _product(audit, claim) -> list[Finding]:
    factors = _operands(audit, claim.value["product"])
    value = ONE
    for factor in factors:
        value *= factor.printed.value
    target = audit.figures.operand(claim.value["equals"])
    relation = _relation(claim)
    if _holds(value, target, relation, []):
        return []
    shown = printed.show(value, target.printed)
    return [Finding("A214", claim, f"{target.named()}{_at([target])}", shown,
                    f"{' × '.join(f.text for f in factors)} = {shown}", "核对各因数与结果")]


def _same(audit, claim) -> list[Finding]:
    figures = [audit.figures.operand(item, numeric=False) for item in claim.value["same"]]
    figures, findings = _unitless(claim, figures)
    relation = _relation(claim)
    first = figures[0]
    for other in figures[1:]:
        if first.printed.kind != other.printed.kind and "text" not in (first.printed.kind, other.printed.kind):
            raise OperandError(f"{first.named()} 与 {other.named()} 不是同一类数字")
        if relation == "=":
            agree = printed.same(first.printed, other.printed) if first.printed.numeric or \
                first.printed.kind == "date" else str(first.printed.value) == str(other.printed.value)
        elif "text" in (first.printed.kind, other.printed.kind):
            raise OperandError(f"文本不能比较大小：{first.named()}、{other.named()}")
        else:
            agree = isinstance(first.printed.value, Decimal) and isinstance(other.printed.value, Decimal) \
                and _HOLDS[relation](first.printed.value, other.printed.value)
        if agree:
            continue
        code = "A215" if relation == "=" else "A216"
        hint = ("原文前后说法不一" if first.printed.kind == "text" else "同一数字在原文中前后不一；核对以哪一处为准") \
            if relation == "=" else "核对两处数字"
        if relation == "=" and first.printed.kind == "money":
            slip = diagnose.money_slip([first, other], lambda amounts: printed.same(
                attrs.evolve(first.printed, value=amounts[0]), attrs.evolve(other.printed, value=amounts[1])))
            if slip is not None:
                code = "A301"
                hint = f"按 {diagnose.slipped([first, other][slip[0]], slip[1])} 计则相符：单位有误"
            else:
                gap = abs(first.printed.value - other.printed.value)
                found = diagnose.equal_figure(gap, first.printed, audit.figures,
                                              frozenset({first.label, other.label}))
                if found is not None:
                    hint = f"两者之差 {printed.show(gap, first.printed)} 正是 {found.named()}{_at([found])}：口径不同"
        symbol = "≠" if relation == "=" else f"不满足 {_SYMBOL[relation]}"
        findings.append(Finding(code, claim, f"{first.named()}{_at([first])}", f"{other.named()}{_at([other])}",
                                f"{first.text} {symbol} {other.text}", hint))
    return findings


# ── grade bands ──────────────────────────────────────────────────────────────

_BOUND = re.compile(r"^(>=|≥|>|<=|≤|<)\s*(-?\d+(?:\.\d+)?)$")
_INTERVAL = re.compile(r"^([\[(（［])\s*(-?\d+(?:\.\d+)?)\s*[,，、]\s*(-?\d+(?:\.\d+)?)\s*([\])）］])$")
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*[-–~～至]\s*(-?\d+(?:\.\d+)?)$")
INF = Decimal("Infinity")


@attrs.frozen
class _Band:
    """An interval of scores: low/high with whether each end belongs to it."""

    name: str
    text: str
    low: Decimal
    low_in: bool
    high: Decimal
    high_in: bool

    def has(self, x: Decimal) -> bool:
        above = x > self.low or (self.low_in and x == self.low)
        return above and (x < self.high or (self.high_in and x == self.high))


def _band(name: str, text: str) -> _Band:
    flat = text.replace(" ", "").replace("得分", "").replace("分", "")
    match = _BOUND.match(flat)
    if match:
        op, bound = match.group(1), Decimal(match.group(2))
        if op in (">=", "≥", ">"):
            return _Band(name, text, bound, op != ">", INF, False)
        return _Band(name, text, -INF, False, bound, op != "<")
    match = _INTERVAL.match(flat)
    if match:  # each bracket belongs to the bound beside it, whichever way round it is written: (90,80] = [80, 90)
        left, a, b, right = match.group(1) in "[［", Decimal(match.group(2)), Decimal(match.group(3)), \
            match.group(4) in "]］"
        if a <= b:
            return _Band(name, text, a, left, b, right)
        return _Band(name, text, b, right, a, left)
    match = _RANGE.match(flat)
    if match:
        a, b = sorted((Decimal(match.group(1)), Decimal(match.group(2))))
        return _Band(name, text, a, True, b, True)
    raise OperandError(f"等级 {name} 的区间 `{text}` 读不懂（可写 ≥90、<60、[80, 90)、(90,80]、80-89）")


def _bands(audit, claim) -> list[Finding]:
    bands = [_band(name, text) for name, text in claim.value["bands"].items()]
    problems = []
    for i, a in enumerate(bands):
        for b in bands[i + 1:]:
            low, high = max(a.low, b.low), min(a.high, b.high)
            if low < high or (low == high and a.has(low) and b.has(low)):
                where = plain(low) if low == high else f"{plain(low)} 至 {plain(high)}"
                problems.append(f"{where} 同时属于 {a.name}（{a.text}）与 {b.name}（{b.text}）")
    ordered = sorted(bands, key=lambda band: (band.low, not band.low_in))
    for a, b in zip(ordered, ordered[1:]):
        if a.high < b.low or (a.high == b.low and not a.high_in and not b.low_in):
            where = plain(a.high) if a.high == b.low else f"{plain(a.high)} 与 {plain(b.low)} 之间"
            problems.append(f"{where} 不属于任何等级（{a.name} 与 {b.name} 之间）")
    if not problems:
        return []
    says = "、".join(f"{band.name}{band.text}" for band in bands)
    return [Finding("A217", claim, says, problems[0], "；".join(problems),
                    "每个总分须恰属一个等级：写明每档的下限是否含等号，如 良好 [80, 90)")]


_CHECKS = {"sum": _sum, "ratio": _ratio, "change": _change, "product": _product, "same": _same, "bands": _bands}
