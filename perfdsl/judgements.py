"""What the rules that score an assessor's judgement share between the evaluation paths: ``rating`` (a
coefficient or a level × the weight) and ``panel`` (several assessors' scores, their mean or trimmed mean).
Each form's own code is its module, perfdsl/forms/rating.py and panel.py; here are the arithmetic the
interpreter, the renderer and the generated code (`runtime`'s RATING and PANEL) all use, and P530.

``rating 得分系数``: the record gives a coefficient in [0, 1]; the score is weight × coefficient.
``rating 评价等级 levels { 优 => 100%; 良 => 80%; 中 => 60%; 差 => 0 }``: the record names a level.
``panel [mean|trimmed] [from INPUT] [spread N]``: ``<indicator>评分`` is a list, one item per expert
(``得分``, optionally ``专家`` and ``说明``); the score is their mean, or with ``trimmed`` the mean
without one highest and one lowest (at least 3 experts); each expert's note goes into the basis, and
a spread (highest − lowest) above N is a warning on the record (P530).
"""

from __future__ import annotations

from decimal import Decimal

from . import nodes
from .decimals import ZERO, plain
from .plausibility import DataWarning
from .runtime import UndefinedUse


def level_names(levels: dict) -> str:
    return " / ".join(levels)


def panel_score(mode: str, scores: list) -> tuple[Decimal, str]:
    """The panel's score and how it is made: ``(18 + 17 + 19) / 3`` or, trimmed, without 20 and 15."""
    if mode == "trimmed":
        ordered = sorted(scores)
        kept = list(scores)
        kept.remove(ordered[-1])
        kept.remove(ordered[0])
        how = f"去掉最高 {plain(ordered[-1])} 和最低 {plain(ordered[0])}，"
    else:
        kept, how = list(scores), ""
    total = sum(kept, ZERO)
    return total / len(kept), how + f"平均 ({' + '.join(plain(s) for s in kept)}) / {len(kept)}"


# ── the compiled evaluator ──────────────────────────────────────────────────


def rating_share(value, levels):
    if levels is None:
        if not isinstance(value, Decimal) or not 0 <= value <= 1:
            raise UndefinedUse("coefficient")
        return value
    level = str(value).strip()
    if level not in levels:
        raise UndefinedUse("level")
    return levels[level]


def panel(items, slot, weight, mode):
    scores = [item[slot] for item in items]
    if not scores or any(not isinstance(s, Decimal) or not 0 <= s <= weight for s in scores) \
            or (mode == "trimmed" and len(scores) < 3):
        raise UndefinedUse("panel")
    return panel_score(mode, scores)[0]


# ── warnings ────────────────────────────────────────────────────────────────


def spread_warnings(model, values: dict, skip=frozenset()) -> list:
    """P530 for each panel whose highest and lowest scores differ by more than its `spread` allows."""
    found = []
    for card in model.scorecards:
        for node in card.leaves():
            rule = node.indicator.rule
            if not isinstance(rule, nodes.PanelRule) or rule.spread is None:
                continue
            allowed = rule.spread.value if isinstance(rule.spread, nodes.Num) else None
            items = values.get(node.manual_input)
            spec = model.input(node.manual_input)
            if allowed is None or not isinstance(items, tuple) or spec is None or node.manual_input in skip:
                continue
            slot = spec.field("得分").slot
            scores = [item[slot] for item in items if isinstance(item[slot], Decimal)]
            if len(scores) >= 2 and max(scores) - min(scores) > allowed:
                found.append(DataWarning(
                    "P530", f"指标 {'/'.join(node.path)} 的专家评分最高 {plain(max(scores))}、最低 "
                            f"{plain(min(scores))}，相差 {plain(max(scores) - min(scores))}，"
                            f"超过允许的 {plain(allowed)}；请评审组复核", node.manual_input))
    return found
