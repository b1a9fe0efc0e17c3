"""Claims recomputed from the record's inputs and the ruleset's rules: scores, grades, weights, levels, figures."""

from __future__ import annotations

from decimal import Decimal

from .. import printed
from ..decimals import plain
from ..errors import RecordError
from ..inputs import _show  # a claimed value as written: null, true, "好", [1, 2.50]
from ..nearest import nearest
from . import claims, diagnose
from .claims import number, number_problem
from .figures import OperandError
from .findings import Finding

_LEVELS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "五级": 5}


def scorecards(audit) -> list[Finding]:
    findings = []
    for claim in audit.claims:
        card = audit.result.scorecard(claim.where[0]) if claim.where[0] not in ("figures", "identities") else None
        if card is None:
            continue
        check = _CARD_CHECKS[claim.kind]
        try:
            finding = check(audit, card, claim)
        except OperandError as exc:
            audit.problem(claim, str(exc))
            continue
        if finding is not None:
            findings.append(finding)
    return findings


def _number(claim) -> Decimal:
    value = number(claim.value)
    if value is None:
        raise OperandError(number_problem(claim.value) or f"须是数字，得到 {_show(claim.value)}")
    return value


def _node(audit, card, claim):
    path = claim.where[2]
    nodes = {"/".join(node.path): node for node in card.nodes}
    node = nodes.get(path)
    if node is None:
        close = nearest(path, nodes)
        raise OperandError(f"计分卡 {card.name} 没有指标 `{path}`" + (f"，是否为 `{close}`？" if close else ""))
    return node


def _score(audit, card, claim):
    published = _number(claim)
    if published == card.score:
        return None
    return Finding("A102", claim, plain(published), plain(card.score),
                   f"下级指标合计 {card.basis}" if not card.basis.startswith("下级") else card.basis,
                   "逐项核对各指标得分（perfdsl explain）；总分是各指标得分之和")


def _grade(audit, card, claim):
    published = claim.value
    if published is None and card.grade is None:
        return None
    if not isinstance(published, str):
        raise OperandError(f"等级须是文本（如 “优秀”），得到 {_show(published)}")
    published = published.strip()  # " 良好 " as a table cell holds it
    if published == card.grade or (published == "" and card.grade is None):
        return None
    return Finding("A103", claim, str(published), str(card.grade),
                   f"总分 {plain(card.score)} 按规则集的等级为 {card.grade}",
                   "等级由总分按规则集的分档得出；核对总分与分档界限")


def _max(audit, card, claim):
    published = _number(claim)
    if published == card.max:
        return None
    return Finding("A104", claim, plain(published), plain(card.max),
                   f"规则集的 {card.name} 满分为 {plain(card.max)}", "总分值应为各一级指标权重之和")


def _indicator(audit, card, claim):
    node = _node(audit, card, claim)
    published = _number(claim)
    if published == node.score:
        return None
    return Finding("A101", claim, plain(published), plain(node.score),
                   node.basis, f"perfdsl explain --indicator {'/'.join(node.path)} 逐步给出得分的来历")


def _weight(audit, card, claim):
    node = _node(audit, card, claim)
    published = _number(claim)
    if published == node.weight:
        return None
    working = f"规则集中 {'/'.join(node.path)} 的权重为 {plain(node.weight)}"
    if node.declared != node.weight:
        working += f"（调整前 {plain(node.declared)}）"
    hint = ("公布的是调整前的权重；不适用指标的分值调整后应公布调整后的权重" if published == node.declared
            else "核对权重表：上级权重应为下级之和")
    return Finding("A104", claim, plain(published), plain(node.weight), working, hint)


def _level(audit, card, claim):
    node = _node(audit, card, claim)
    value = claim.value
    level = _LEVELS.get(value.strip()) if isinstance(value, str) else \
        value if isinstance(value, (int, Decimal)) else None
    if level is None or isinstance(level, bool) or level != int(level) or not 1 <= level <= 6:  # (1.5, 0, 7: no level)
        raise OperandError(f"层级须是 1、2、3 或 “一级”“二级”“三级”，得到 {_show(value)}")
    depth = len(node.path)
    if level == depth:
        return None
    names = "一二三四五六"
    return Finding("A105", claim, f"{names[int(level) - 1] if 0 < level <= 6 else level}级",
                   f"{names[depth - 1]}级", f"{'/'.join(node.path)} 在指标体系中是第 {depth} 级",
                   "核对标题中的指标层级")


_CARD_CHECKS = {"score": _score, "grade": _grade, "max": _max, "indicator": _indicator, "weight": _weight,
                "level": _level}


# ── figures: an input or derived value, as printed ───────────────────────────


#: How many of a record's unused document figures are looked at for a misspelt name (a bound on the work).
TYPO_CHECKS = 100


def figures(audit) -> list[Finding]:
    findings = []
    names = [s.name for s in audit.program.model.inputs] + [let.name for let in audit.program.model.lets]
    checked = 0
    for claim in audit.claims:
        if claim.where[0] != "figures":
            continue
        name = claim.where[1]
        try:
            says = claims.figure(claim.value)
        except ValueError as exc:
            audit.problem(claim, str(exc))
            continue
        if not audit.figures.is_ruleset_name(name):  # a figure of the document alone, for identities and hints
            if name not in audit.used and checked < TYPO_CHECKS:
                checked += 1
                close = nearest(name, names)
                if close:
                    audit.problem(claim, f"不是规则集的输入或派生值，也没有恒等式用到它；是否为 `{close}`？")
            continue
        figure = audit.figures.recomputed(name)
        if figure is None:
            audit.problem(claim, f"`{name}` 在这条记录中没有值（缺少输入，或无法计算）")
            continue
        finding = _figure(audit, claim, says, figure)
        if finding is not None:
            findings.append(finding)
    return findings


def _figure(audit, claim, says: printed.Printed, figure) -> Finding | None:
    value = figure.printed.value
    if says.kind == "text" or figure.printed.kind == "text":
        if str(value) == str(says.value):
            return None
        return Finding("A106", claim, says.text, figure.text,
                       f"记录中 {figure.label} = {figure.text}", "核对原文")
    if says.kind == "number" and says.unit is None and figure.printed.kind == "money":
        return _unitless(claim, says, figure)
    if printed.agrees(value, says):
        return None
    if says.kind == "number" and figure.printed.kind == "rate" and printed.agrees(value * 100, says):
        working = figure.working or f"记录中 {figure.label} = {figure.text}"
        return Finding("A106", claim, says.text, figure.text, working,
                       f"公布的 {says.text} 应是百分数 {says.text}%：比率须写百分号")
    computed = printed.show(value, says)
    working = figure.working or f"记录中 {figure.label} = {figure.text}"
    code, hint = "A106", ("核对原文的算法与数字" if figure.source == "let"
                          else "记录中的数字与公布的不同：核对录入的值")
    slip = diagnose.money_slip([figure], lambda amounts: printed.agrees(amounts[0], says)) \
        if says.kind == "money" else None
    if slip is not None:
        code = "A301"
        hint = (f"公布为 {says.text}，而按其余数字是 {computed}：单位有误" if figure.source == "let" else
                f"公布为 {says.text}，记录中为 {figure.text}（= {computed}）：单位应为 {figure.printed.unit}，"
                f"与报告的其余数字相符")
    else:
        found = diagnose.boundary(says, value)
        if found:
            code, hint = "A304", found
        else:
            diagnosis = diagnose.rate(says, value, audit.figures, figure.reads, frozenset({figure.label}))
            if diagnosis:
                code, hint = diagnosis
    if figure.source == "input":
        working += _rescored(audit, figure.label, claim.value)
    return Finding(code, claim, says.text, computed, working, hint)


def _unitless(claim, says: printed.Printed, figure) -> Finding:
    """A money figure printed as a bare number: read in the unit the record uses, and say so."""
    unit = figure.printed.unit or "元"
    read = printed.parse(f"{says.text}{unit}")
    agrees = printed.agrees(figure.printed.value, read)
    tail = f"，按 {unit} 读为 {read.text}，与记录{'一致' if agrees else '也不一致'}"
    return Finding("A303", claim, says.text, figure.text,
                   f"记录中 {figure.label} = {figure.text}{tail}", f"金额须写明单位（元或万元），如 {read.text}")


def _rescored(audit, name: str, value) -> str:
    """What scoring the record with the printed value would give, where it changes a total or a grade."""
    raw = dict(audit.raw)
    raw[name] = value
    try:
        other = audit.program.evaluate(raw, audit.position)
    except RecordError:
        return ""
    changes = []
    for (card, total, grade), (_, new_total, new_grade) in zip(audit.result.totals(), other.totals()):
        if total != new_total or grade != new_grade:
            grades = f"（{new_grade}）" if new_grade is not None else ""
            was = f"（{grade}）" if grade is not None else ""
            changes.append(f"{card} {plain(new_total)}{grades}，而非 {plain(total)}{was}")
    return f"；若按公布值计分：{'；'.join(changes)}" if changes else ""
