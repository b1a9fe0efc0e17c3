"""Rule coverage: which branches of the rules the examples and the generated records reached.

A branch is one way an indicator can be decided: applies / does not apply,
each ``when`` case and the rule after them, each band arm, each checklist
item met and not met, each ``deduct … when`` line holding and not.  What no
record reached is listed — a report for the author, not a failure.
"""

from __future__ import annotations

import attrs

from .. import cardrules, nodes
from ..errors import RecordError
from ..unparse import expression
from .scoring import Scored


@attrs.frozen
class Branch:
    card: str
    path: tuple[str, ...]
    label: str
    node: nodes.Node  # where it is written

    def describe(self) -> str:
        where = f"{self.node.span.location()}: " if self.node.span is not None else ""
        return f"{where}{self.card}/{'/'.join(self.path)}：{self.label}"


class Coverage:
    def __init__(self, model):
        self.model = model
        self.branches: dict[tuple, Branch] = {}
        self.reached: set[tuple] = set()
        self.records = 0
        for card in model.scorecards:
            for leaf in card.leaves():
                for tag, label, node in _branches(leaf.indicator):
                    self.branches[(card.name, leaf.index, tag)] = Branch(card.name, leaf.path, label, node)
            for number, rule in enumerate(cardrules.before_cap(card.rules) + cardrules.after_cap(card.rules)):
                for tag, label in cardrules.branches(rule):  # scorecard rules: keyed below every node index
                    self.branches[(card.name, -1 - number, tag)] = Branch(card.name, (cardrules.label(rule),), label,
                                                                          rule)
            for group in card.nodes:
                if group.each is not None:  # the items' rule: a branch is reached if any item reaches it
                    for tag, label, node in _branches(group.each.template, with_conditions=False):
                        self.branches[(card.name, group.index, tag)] = Branch(card.name, group.path + ("（各项）",),
                                                                              label, node)

    def observe(self, scored: Scored):
        self.records += 1
        for card in self.model.scorecards:
            traces = scored.trace.cards[card.name].nodes
            for leaf in card.leaves():
                for tag in _reached(scored, leaf.indicator, traces[leaf.index]):
                    self.reached.add((card.name, leaf.index, tag))
            for number, line in enumerate(scored.trace.cards[card.name].adjustments):
                if line.arm is not None:
                    self.reached.add((card.name, -1 - number, line.arm))
            for index, items in scored.trace.cards[card.name].items.items():
                template = card.nodes[index].each.template
                for trace in items:
                    for tag in _reached(scored, template, trace, with_conditions=False):
                        self.reached.add((card.name, index, tag))

    def missed(self) -> list[Branch]:
        return [branch for key, branch in self.branches.items() if key not in self.reached]

    def summary(self) -> str:
        return f"规则分支覆盖 {len(self.branches) - len(self.missed())}/{len(self.branches)}（{self.records} 条记录）"


def _branches(indicator: nodes.Indicator, with_conditions: bool = True):
    """(tag, label, node) of every branch of one leaf, in source order.

    `with_conditions=False` leaves out the branches found by evaluating a
    condition afterwards (checklist items, ``deduct … when``): for the items
    of an `each` group, whose fields are only in scope while they are scored.
    """
    if indicator.applies is not None:
        yield "applies", "适用", indicator.applies
        yield "not-applies", "不适用", indicator.applies
    for number, guard in enumerate(indicator.guards, start=1):
        yield f"when#{number}", f"when {expression(guard.condition)}", guard
    rule = indicator.rule
    if indicator.guards:
        yield "rule", "when 之后的规则", rule
    if isinstance(rule, nodes.BandsRule):
        for number, arm in enumerate(rule.arms, start=1):
            test = "else" if arm.op is None else f"{arm.op} {expression(arm.threshold)}"
            yield ("else" if arm.op is None else f"band#{number}"), f"分档 {test}", arm
    elif isinstance(rule, nodes.TargetRule):
        yield "target:met", "目标达成", rule
        yield "target:short", "目标未达成", rule
        for arm in rule.levels or ():
            yield f"level:{arm.name}", f"评为 {arm.name}", arm
    elif isinstance(rule, nodes.RatingRule):
        for arm in rule.levels or ():
            yield f"level:{arm.name}", f"评为 {arm.name}", arm
    elif not with_conditions:
        return
    elif isinstance(rule, nodes.ChecklistRule):
        for number, item in enumerate(rule.items, start=1):
            shown = expression(item.condition)
            yield f"item#{number}+", f"清单项 {shown} 成立", item
            yield f"item#{number}-", f"清单项 {shown} 不成立", item
    elif isinstance(rule, nodes.DeductionRule):
        for number, line in enumerate(rule.lines, start=1):
            if line.when is not None:
                yield f"line#{number}+", f"{line.kind} … when {expression(line.when)} 成立", line
                yield f"line#{number}-", f"{line.kind} … when {expression(line.when)} 不成立", line


def _reached(scored: Scored, indicator: nodes.Indicator, trace, with_conditions: bool = True):
    if indicator.applies is not None:
        yield "applies" if trace.applicable else "not-applies"
    if not trace.applicable:
        return
    if trace.arm and trace.arm.startswith("when#"):
        yield trace.arm
        return
    if indicator.guards:
        yield "rule"
    if trace.arm in ("else",) or (trace.arm or "").startswith(("band#", "level:")):
        yield trace.arm
    if isinstance(indicator.rule, nodes.TargetRule) and trace.arm is not None and trace.arm.startswith("target"):
        yield trace.arm if trace.arm in ("target:met", "target:short") else (
            "target:met" if trace.raw is not None and trace.raw >= trace.weight else "target:short")
    rule = indicator.rule
    if not with_conditions:
        return
    if isinstance(rule, nodes.ChecklistRule):
        conditions = [(f"item#{n}", item.condition) for n, item in enumerate(rule.items, start=1)]
    elif isinstance(rule, nodes.DeductionRule):
        conditions = [(f"line#{n}", line.when) for n, line in enumerate(rule.lines, start=1) if line.when]
    else:
        return
    for tag, condition in conditions:
        try:
            yield tag + ("+" if scored.value(condition, trace.weight) else "-")
        except RecordError:
            continue
