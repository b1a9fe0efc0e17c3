"""Static checks on a resolved `Model`: each is a small function returning diagnostics.

They encode what the published schemes got wrong — a group whose parts do
not add up to it, weight moved that does not add up to the weight freed,
grade bands that overlap — so a ruleset that passes cannot repeat it.
"""

from __future__ import annotations

from decimal import Decimal

from . import nodes
from .decimals import plain
from .errors import error, warning
from .model import Model
from .unparse import expression


def check_group_weights(model: Model):
    """A group's declared weight is the sum of its children's; a scorecard's max is the sum of its top."""
    for card in model.scorecards:
        for node in card.nodes:
            if node.is_leaf or node.bonus or not node.children:
                continue
            parts = [card.nodes[i].declared for i in node.children]
            total = sum(parts, Decimal(0))
            if total != node.declared:
                terms = " + ".join(plain(p) for p in parts)
                yield error("P310", f"分组 {node.name} 的分值为 {plain(node.declared)}，"
                                    f"但下级指标合计 {terms} = {plain(total)}", node.span,
                            hint=f"声明 {plain(node.declared)}，下级合计 {plain(total)}")
        top = [card.nodes[i] for i in card.top if not card.nodes[i].bonus]
        total = sum((n.declared for n in top), Decimal(0))
        if total != card.max:
            terms = " + ".join(plain(n.declared) for n in top)
            yield error("P311", f"计分卡 {card.name} 满分为 {plain(card.max)}，但一级指标合计 {terms} = {plain(total)}",
                        card.span, hint=f"max {plain(card.max)}，一级合计 {plain(total)}")


def check_empty_groups(model: Model):
    """A group with no indicators in it scores nothing and hides a mistake."""
    for card in model.scorecards:
        for node in card.nodes:
            if node.group is not None and not node.children and node.each is None:
                yield error("P310", f"分组 {node.name} 没有下级指标", node.span)


def check_reallocation(model: Model):
    """Weight moved away when an indicator does not apply adds up to exactly its weight."""
    for card in model.scorecards:
        for node in card.leaves():
            applies = node.indicator.applies
            if applies is None or applies.full:
                continue
            moved = sum((m.amount for m in applies.moves), Decimal(0))
            if moved != node.declared:
                terms = " + ".join(plain(m.amount) for m in applies.moves)
                yield error("P312", f"指标 {node.name} 不适用时调出 {terms} = {plain(moved)}，"
                                    f"但其分值为 {plain(node.declared)}：总分值不守恒", applies.span,
                            hint=f"调出合计 {plain(moved)}，分值 {plain(node.declared)}")


def check_grades(model: Model):
    """Grade bands cover [0, max] once each: thresholds strictly decreasing, a catch-all last."""
    for card in model.scorecards:
        if not card.grades:
            continue
        previous = None
        names = set()
        for position, arm in enumerate(card.grades):
            if arm.name in names:
                yield error("P313", f"等级 {arm.name} 重复", arm.span)
            names.add(arm.name)
            last = position == len(card.grades) - 1
            if arm.op is None:
                if not last:
                    yield error("P313", f"无条件的等级 {arm.name} 只能放在最后", arm.span)
                continue
            value = _literal(arm.threshold)
            if value is None:
                continue
            if previous is not None and value >= previous:
                yield error("P313", f"等级界限须从高到低排列：{plain(value)} 不低于上一档的 {plain(previous)}",
                            arm.span)
            if value > card.max or value < 0:
                yield warning("P313", f"等级界限 {plain(value)} 在 [0, {plain(card.max)}] 之外", arm.span)
            previous = value
            if last:
                yield error("P313", f"最后一个等级须无条件（兜底），如 `差`；否则低于 {plain(value)} 的总分没有等级",
                            arm.span)


def check_bands(model: Model):
    """Band thresholds run in one direction so that every arm can be reached, and end with ``else``."""
    for card in model.scorecards:
        for node in card.leaves():
            rule = node.indicator.rule
            if not isinstance(rule, nodes.BandsRule):
                continue
            arms = [arm for arm in rule.arms if arm.op is not None]
            if any(arm.op is None for arm in rule.arms[:-1]):
                yield error("P401", "else 分档只能放在最后", rule.span)
            ops = {arm.op for arm in arms}
            values = [_literal(arm.threshold) for arm in arms]
            if ops <= {">=", ">"} and None not in values:
                for previous, arm, before, after in zip(arms, arms[1:], values, values[1:]):
                    if after >= before:
                        yield error("P401", f"分档 `{_arm(arm)}` 永远不会命中：上一档 `{_arm(previous)}` 已包含它"
                                            "（下限须从高到低）", arm.span)
            elif ops <= {"<=", "<"} and None not in values:
                for previous, arm, before, after in zip(arms, arms[1:], values, values[1:]):
                    if after <= before:
                        yield error("P401", f"分档 `{_arm(arm)}` 永远不会命中：上一档 `{_arm(previous)}` 已包含它"
                                            "（上限须从低到高）", arm.span)
            if not rule.arms or rule.arms[-1].op is not None:
                yield warning("P402", f"指标 {node.name} 的分档没有 else：不落入任何一档时得 0 分", rule.span)


def check_bonus(model: Model):
    """A scorecard whose bonus can push the total past its maximum should say where it stops."""
    for card in model.scorecards:
        if card.cap is None and any(card.nodes[i].bonus for i in card.top):
            yield warning("P314", f"计分卡 {card.name} 有加减分项但没有 cap：总分可能超过 {plain(card.max)}",
                          card.span, hint=f"cap 0 .. {plain(card.max)}")


def _arm(arm) -> str:
    return f"{arm.op} {expression(arm.threshold)}"


def _literal(expr):
    if isinstance(expr, nodes.Num):
        return expr.value
    if isinstance(expr, nodes.Neg) and isinstance(expr.operand, nodes.Num):
        return -expr.operand.value
    return None


CHECKS = (
    check_group_weights,
    check_empty_groups,
    check_reallocation,
    check_grades,
    check_bands,
    check_bonus,
)


def run_checks(model: Model):
    for check in CHECKS:
        yield from check(model)
