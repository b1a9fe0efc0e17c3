"""``panel [mean|trimmed] [from INPUT] [spread N]``: several assessors' scores, read from ``<indicator>评分`` (a
list, one item per expert: ``得分``, optionally ``专家`` and ``说明``); the score is their mean, or with
``trimmed`` the mean without one highest and one lowest (at least 3 experts).  A spread (highest − lowest)
above N is a warning on the record (P530, `judgements.spread_warnings`); the compiled code's `PANEL` and the
arithmetic both paths share are `judgements`'."""

from __future__ import annotations

from decimal import Decimal

from .. import nodes, types
from ..basis import CLAUSE, SENTENCE, points
from ..decimals import plain
from ..errors import DataValueError
from ..frozen import frozen
from . import _shared


@frozen
class PanelRule(nodes.Rule):
    """``panel trimmed spread 3``: the mean (or the mean without the highest and lowest) of several assessors'
    scores, read from ``<indicator>评分`` (or `input_name`); `spread` is the largest max − min not warned of."""

    mode: str  # "mean" | "trimmed"
    input_name: str | None
    spread: nodes.Expr | None

    suffix = "评分"


NODES = (PanelRule,)


def panel_rule(builder, meta, mode, ident, spread):
    return PanelRule(mode or "mean", str(ident) if ident is not None else None, spread, span=builder._span(meta))


def panel_mode(builder, meta, token):
    return str(token)


BUILD = {"panel_rule": panel_rule, "panel_mode": panel_mode}

KEYED = False
ASSESSOR = True
# P309 (`each` items may not)
IN_EACH = "each 的各项不能用 panel；专家评分请作为列表字段给出，如 score full * 评审得分率"
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    from ..model import InputSpec
    from ..typecheck import literal_value as _literal_value

    name, kind, decl = _shared.assessor_input(res, rule, leaf, entry, deps)
    if kind == "input" and decl.type.kind != "list":
        res.err("P220", f"评审组输入 `{name}` 须为 list（每位专家一项：得分、说明）", decl.span)
    elif kind == "manual" and decl is leaf and res.list_input(name) is None:
        fields = (InputSpec("得分", 0, types.NUMBER, None, None, None, leaf.span),
                  InputSpec("专家", 1, types.TEXT, "", None, None, leaf.span),
                  InputSpec("说明", 2, types.TEXT, "", None, None, leaf.span))
        res.inputs.append(InputSpec(name, len(res.inputs), types.LIST, None, None, None, leaf.span,
                                    leaf.name, fields=fields))
    if rule.spread is not None:
        res.checker.points(check(rule.spread), rule.spread)
        if _literal_value(rule.spread) is None or _literal_value(rule.spread) < 0:
            res.err("P220", "spread 后须是一个不小于 0 的分数常量（最高分与最低分允许相差多少）", rule.spread.span)
    if kind == "input" and decl.type.kind == "list":
        names = {field.name for field in decl.type.fields}
        if "得分" not in names:
            res.err("P220", f"评审组输入 `{name}` 须有字段 `得分: number`（可另有 专家、说明: text）", decl.span)


def emit(gen, rule, node, w, s):
    spec = gen.model.input(node.manual_input)
    gen.out.line(f"{s} = PANEL({gen.name(node.manual_input)}, {spec.field('得分').slot}, {w}, "
                 f"{gen.const(rule.mode)})")
    if gen.explain:  # the spread allowed (the experts' scores are the record's own)
        gen.facts = [gen.expr(rule.spread, w) if rule.spread is not None else "None"]


def evaluate(ev, rule, leaf, weight):
    from ..judgements import panel_score

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


def plan(r, rule, node, bound):
    return {"spec": r.model.input(node.manual_input)}


def render(r, leaf, node, rule, weight, raw, fact, extra):
    """`evaluate`'s text: the experts' scores and notes are the record's list."""
    from ..judgements import panel_score

    spec = extra["spec"]
    score_slot = spec.field("得分").slot
    expert, note = spec.field("专家"), spec.field("说明")
    scores, lines = [], []
    for number, item in enumerate(leaf.rec.value(node.manual_input), start=1):
        score = item[score_slot]
        scores.append(score)
        who = str(item[expert.slot]).strip() if expert is not None and isinstance(item[expert.slot], str) else ""
        said = str(item[note.slot]).strip() if note is not None and isinstance(item[note.slot], str) else ""
        lines.append(f"{who or f'专家{number}'} {plain(score)}" + (f"（{said}）" if said else ""))
    _, how = panel_score(rule.mode, scores)
    text = "评审组：" + SENTENCE.join(lines) + CLAUSE + how + f" = {r._score_text(raw)}"
    allowed = fact[2]
    if allowed is not None:
        spread = max(scores) - min(scores)
        if spread > allowed:
            text += f"{CLAUSE}最高与最低相差 {plain(spread)}，超过允许的 {plain(allowed)}"
    leaf.clauses.append(text)


# checks (`checks`: P410–P412, the most a leaf can score)

scored = _shared.scores_no_expression
most = _shared.full_marks_possible


def format(fmt, rule):
    text = f"panel {rule.mode}"
    if rule.input_name is not None:
        text += f" from {fmt.name(rule.input_name)}"
    if rule.spread is not None:
        text += f" spread {fmt.expr(rule.spread)}"
    return [fmt.unit(rule, text)]


def arbitrary(st, parts):
    return st.builds(PanelRule, st.sampled_from(["mean", "trimmed"]), st.none() | parts.names, st.none() | parts.exprs)
