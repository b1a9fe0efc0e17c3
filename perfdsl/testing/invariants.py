"""What holds for every record any ruleset scores (DESIGN §2), checked on one scored record.

Each function yields messages naming the indicator and the figures.  The
evaluator clamps every leaf into its weight, so "a leaf within its weight"
is checked twice: on the figures (a broken clamp or evaluator), and on the
rule itself — a band arm, a ``when`` case or a checklist that gives more
points than the indicator has is a mistake of the ruleset that only the
clamp hides.  (A formula, a ratio or a deduction that runs past the weight
is what 扣完为止 and 超过分值按满分计 mean, and is not reported.)
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .. import nodes
from ..decimals import ZERO, plain, quantum
from ..interp import constant_bound
from ..unparse import expression
from .scoring import Scored


def violations(program, scored: Scored) -> list[str]:
    model = program.model
    found: list[str] = []
    for spec, card in zip(model.scorecards, scored.result.scorecards):
        reference = scored.trace.cards[card.name]
        found += _agreement(spec, card, reference)
        found += _leaves(model, spec, card, reference)
        found += _groups(spec, card)
        found += _total(model, spec, card)
    return found


def _where(card, node) -> str:
    return f"指标 {card.name}/{'/'.join(node.path)}"


def _agreement(spec, card, reference):
    """The compiled evaluator computes exactly what the reference interpreter computes."""
    if (card.score, card.grade) != (reference.total, reference.grade):
        yield (f"计分卡 {card.name}：编译求值得 {plain(card.score)}（{card.grade}），参考求值得 "
               f"{plain(reference.total)}（{reference.grade}）——两个求值器不一致，是 perfdsl 的缺陷")
    pairs = list(zip(card.fixed, reference.nodes))
    for index, items in card.items.items():
        pairs += list(zip(items, reference.items.get(index, ())))
        if len(items) != len(reference.items.get(index, ())):
            yield f"{_where(card, card.fixed[index])}：编译求值与参考求值的项数不同——是 perfdsl 的缺陷"
    for node, ref in pairs:
        if (node.weight, node.score) != (ref.weight, ref.score):
            yield (f"{_where(card, node)}：编译求值得 分值 {plain(node.weight)}、得分 {plain(node.score)}，参考求值得 "
                   f"分值 {plain(ref.weight)}、得分 {plain(ref.score)}——两个求值器不一致，是 perfdsl 的缺陷")


def _leaves(model, spec, card, reference):
    step = quantum(model.precision)
    leaves = [(s, n, r) for s, n, r in zip(spec.nodes, card.fixed, reference.nodes) if s.is_leaf]
    for index, items in card.items.items():  # an `each` group's items are leaves following its template
        template = attrs.evolve(spec.nodes[index], indicator=spec.nodes[index].each.template, bonus=False)
        leaves += list(zip([template] * len(items), items, reference.items.get(index, ())))
    for node_spec, node, ref in leaves:
        low, high = (-node.declared, node.declared) if node_spec.bonus else (ZERO, node.weight)
        if not low <= node.score <= high:
            yield f"{_where(card, node)}：得分 {plain(node.score)} 不在 [{plain(low)}, {plain(high)}] 之内"
        if node.score != node.score.quantize(step):
            yield f"{_where(card, node)}：得分 {plain(node.score)} 没有取整到 {model.precision} 位小数"
        rule = _points_rule(node_spec.indicator, ref.arm)
        if rule is not None and ref.raw is not None and not ZERO <= ref.raw <= ref.weight and not node_spec.bonus:
            text, where = rule
            yield (f"{_where(card, node)}：{text} 给出 {plain(ref.raw)} 分，超出有效分值 [0, {plain(ref.weight)}]，"
                   f"得分 {plain(ref.score)} 只是被截断才没有超出（{where}）\n  依据：{ref.basis}")


def _points_rule(indicator, arm) -> tuple[str, str] | None:
    """(text, location) of the rule that decided, when the author chose its points (a band arm, a
    ``when`` case, a checklist), else None."""
    rule = indicator.rule
    if arm and arm.startswith("when#"):
        guard = indicator.guards[int(arm[5:]) - 1]
        return f"`when {expression(guard.condition)} => {expression(guard.score)}`", _at(guard)
    if arm and (arm.startswith("band#") or arm == "else"):
        band = rule.arms[int(arm[5:]) - 1] if arm != "else" else rule.arms[-1]
        test = "else" if band.op is None else f"{band.op} {expression(band.threshold)}"
        return f"分档 `{test} => {expression(band.value)}`", _at(band)
    if isinstance(rule, nodes.ChecklistRule) and arm is None:
        return "清单", _at(rule)
    return None


def _at(node) -> str:
    return node.span.location() if node.span is not None else "?"


def _groups(spec, card):
    for node_spec, node in zip(spec.nodes, card.fixed):
        if node_spec.is_leaf:
            continue
        if node_spec.each is not None:
            parts = card.items.get(node_spec.index, ())
            shares = sum((p.weight for p in parts), ZERO)
            if parts and shares != node.weight:
                yield f"{_where(card, node)}：各项分值合计 {plain(shares)}，分组分值 {plain(node.weight)}——均分不守恒"
        else:
            parts = [card.fixed[i] for i in node_spec.children]
            weights = sum((p.weight for p in parts), ZERO)
            if not node_spec.bonus and node.weight != weights:
                yield f"{_where(card, node)}：有效分值 {plain(node.weight)}，下级有效分值合计 {plain(weights)}"
        total = sum((p.score for p in parts), ZERO)
        if node_spec.bonus:
            total = max(-node.declared, min(node.declared, total))
        if node.score != total:
            yield f"{_where(card, node)}：得分 {plain(node.score)}，下级合计 {plain(total)}"


def _total(model, spec, card):
    top = [card.fixed[i] for i in spec.top]
    kept = sum((n.weight for n, i in zip(top, spec.top) if not spec.nodes[i].bonus), ZERO)
    if kept != spec.max:
        yield f"计分卡 {card.name}：一级指标有效分值合计 {plain(kept)}，满分 {plain(spec.max)}——调整分值后总分值不守恒"
    raw = sum((n.score for n in top), ZERO)
    low, high = spec.cap if spec.cap is not None else (ZERO, spec.max)
    expected = min(max(raw, low), high) if spec.cap is not None else raw
    forced = None
    if spec.rules:  # scorecard rules: each line lowers the total (never below 0) or leaves it; the last is the total
        lines = card.adjustments
        total = raw
        for position, line in enumerate(lines):
            if line.kind != "deduct" and spec.cap is not None \
                    and (position == 0 or lines[position - 1].kind == "deduct"):
                total = min(max(total, low), high)
            if line.before != total or line.after > line.before or line.after < min(ZERO, line.before) \
                    or (line.kind == "cap" and line.applied != (line.after != line.before)):
                yield (f"计分卡 {card.name}：{line.name} 由 {plain(line.before)} 计为 {plain(line.after)}，"
                       f"前一步合计 {plain(total)}")
            total = line.after
            if line.grade is not None and forced is None:
                forced = line.grade
        if all(line.kind == "deduct" for line in lines) and spec.cap is not None:
            total = min(max(total, low), high)
        expected = total
        low = min(low, ZERO)
    if card.score != expected:
        yield f"计分卡 {card.name}：总分 {plain(card.score)}，一级指标合计 {plain(raw)}，按 cap 应为 {plain(expected)}"
    if not low <= card.score <= high:
        why = "" if spec.cap is not None else "（有加减分项却没有 cap）"
        yield f"计分卡 {card.name}：总分 {plain(card.score)} 超出 [{plain(low)}, {plain(high)}]{why}"
    grade = forced if forced is not None else _grade(model, spec, card.score)
    if grade != card.grade:
        yield f"计分卡 {card.name}：总分 {plain(card.score)} 应为等级 {grade}，得到 {card.grade}"


def _grade(model, spec, total: Decimal):
    for arm in spec.grades or ():
        if arm.op is None:
            return arm.name
        threshold = constant_bound(model, arm.threshold, {})
        if (total >= threshold) if arm.op == ">=" else (total > threshold):
            return arm.name
    return None
