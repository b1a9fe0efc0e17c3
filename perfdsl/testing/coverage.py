"""Rule coverage: which branches of the rules the examples and the generated records reached.

A branch is one way an indicator can be decided: applies / does not apply,
each ``when`` case and the rule after them, each band arm, each checklist
item met and not met, each ``deduct … when`` line holding and not.  What no
record reached is listed — a report for the author, not a failure.
"""

from __future__ import annotations

import attrs

from .. import cardrules, forms, nodes
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
    yield from forms.of(rule).branches(rule, with_conditions)


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
    rule = indicator.rule

    def truth(condition):
        try:
            return bool(scored.value(condition, trace.weight))
        except RecordError:
            return None

    yield from forms.of(rule).reached(rule, trace, truth if with_conditions else None)
