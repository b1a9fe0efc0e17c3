"""Rules that score an assessor's judgement: ``rating`` (a coefficient or a level × the weight) and
``panel`` (several assessors' scores, their mean or trimmed mean) — both evaluation paths.

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
from .basis import CLAUSE, SENTENCE, points, show_value
from .decimals import ZERO, plain
from .errors import DataValueError
from .plausibility import DataWarning
from .runtime import UndefinedUse


def level_names(levels: dict) -> str:
    return " / ".join(levels)


# ── the reference interpreter ───────────────────────────────────────────────


def interpret_rating(ev, rule, leaf, weight):
    value = ev.eval(rule.subject, weight)
    key = rule.subject.name if isinstance(rule.subject, nodes.Name) else None
    if key is not None:
        key = next((k for k in reversed(leaf.inputs) if k == key or k.endswith("." + key)), key)
    if rule.levels is None:
        if not isinstance(value, Decimal) or not 0 <= value <= 1:
            raise DataValueError(f"得分系数须在 0 到 1 之间，得到 {show_value(value, None)}", key=key)
        shown = ev.describe(rule.subject, weight)
        raw = weight * value
        leaf.clauses.append(f"{shown}{CLAUSE}{points(weight)} × {plain(value)} = {points(ev._round(raw))}")
        return raw
    levels = ev._levels(rule.levels, weight)
    level = str(value).strip()
    if level not in levels:
        raise DataValueError(f"等级须为 {level_names(levels)} 之一，得到 `{level}`", key=key)
    share = levels[level]
    leaf.arm = f"level:{level}"
    raw = weight * share
    leaf.clauses.append(f"{_name(rule.subject)}评为 {level}（得分值的 {plain(share * 100)}%）{CLAUSE}"
                        f"{points(weight)} × {plain(share * 100)}% = {points(ev._round(raw))}")
    return raw


def _name(expr) -> str:
    return expr.name + " " if isinstance(expr, nodes.Name) else ""


def interpret_panel(ev, rule, leaf, weight):
    name = leaf.node.manual_input
    items = ev.read(name)
    spec = ev.model.input(name)
    score_slot = spec.field("得分").slot
    expert, note = spec.field("专家"), spec.field("说明")
    scores, lines = [], []
    for number, item in enumerate(items, start=1):
        score = item[score_slot]
        key = f"{name}[{number}].得分"
        if not isinstance(score, Decimal):
            raise DataValueError(f"缺少专家评分 `{key}`", key=key)
        if not 0 <= score <= weight:
            raise DataValueError(f"专家评分 {plain(score)} 不在 0 到分值 {points(weight)} 之间", key=key)
        scores.append(score)
        who = str(item[expert.slot]).strip() if expert is not None and isinstance(item[expert.slot], str) else ""
        said = str(item[note.slot]).strip() if note is not None and isinstance(item[note.slot], str) else ""
        lines.append(f"{who or f'专家{number}'} {plain(score)}" + (f"（{said}）" if said else ""))
    if not scores:
        raise DataValueError("评审组没有给出任何评分", key=name)
    if rule.mode == "trimmed" and len(scores) < 3:
        raise DataValueError(f"去掉最高分和最低分须至少 3 位专家评分，只有 {len(scores)} 位", key=name)
    raw, how = panel_score(rule.mode, scores)
    text = "评审组：" + SENTENCE.join(lines) + CLAUSE + how + f" = {points(ev._round(raw))}"
    if rule.spread is not None:
        spread, allowed = max(scores) - min(scores), ev.eval(rule.spread, weight)
        if spread > allowed:
            text += f"{CLAUSE}最高与最低相差 {plain(spread)}，超过允许的 {plain(allowed)}"
    leaf.clauses.append(text)
    return raw


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


def emit_rating(gen, rule, node, w, s):
    levels = gen._levels(rule.levels, w)
    if gen.explain:  # the rating and the levels' shares, for the basis (`rendering`)
        value, shares = gen.temp(), gen.temp()
        gen.out.line(f"{value} = {gen.expr(rule.subject, w)}")
        gen.out.line(f"{shares} = {levels}")
        gen.out.line(f"{s} = {w} * RATING({value}, {shares})")
        gen.facts = [value, shares]
        return
    gen.out.line(f"{s} = {w} * RATING({gen.expr(rule.subject, w)}, {levels})")


def emit_panel(gen, rule, node, w, s):
    spec = gen.model.input(node.manual_input)
    gen.out.line(f"{s} = PANEL({gen.name(node.manual_input)}, {spec.field('得分').slot}, {w}, "
                 f"{gen.const(rule.mode)})")
    if gen.explain:  # the spread allowed (the experts' scores are the record's own)
        gen.facts = [gen.expr(rule.spread, w) if rule.spread is not None else "None"]


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
                            f"{plain(min(scores))}，相差 {plain(max(scores) - min(scores))}，超过允许的 {plain(allowed)}；"
                            "请评审组复核", node.manual_input))
    return found
