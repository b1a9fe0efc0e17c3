"""``target 目标值 actual 实际值 [unit 度量单位] [levels { … }]``: full marks when the target is met, else the
share attained (`perfdsl.targets` reads the target's text)."""

from __future__ import annotations

from .. import nodes, targets
from ..basis import points, target_clause
from ..decimals import ZERO
from ..errors import DataValueError, error
from ..frozen import frozen
from . import _shared


@frozen
class TargetRule(nodes.Rule):
    """``target 目标值 actual 实际值``: full marks when the target is met, else the share attained."""

    target: nodes.Expr
    actual: nodes.Expr
    unit: nodes.Expr | None = None  # ``unit 度量单位``: the unit column, for targets written as bare numbers
    levels: tuple[nodes.LevelArm, ...] | None = None  # the shares of qualitative results (达成 …)


NODES = (TargetRule,)


def target_rule(builder, meta, target, actual, unit, levels):
    return TargetRule(target, actual, unit, levels, span=builder._span(meta))


BUILD = {"target_rule": target_rule}

KEYED = False
ASSESSOR = False
IN_EACH = None
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    from ..typecheck import text as _text

    target = check(rule.target)
    if target.kind not in ("text", "error"):
        res.err("P204", f"target 后须是目标值的文本（如 \"30条\"、\"6%以内\"），`{_text(rule.target)}` 是"
                        f"{target.describe()}", rule.target.span)
    actual = check(rule.actual)
    if actual.kind == "list":
        res.err("P204", f"actual 后须是实际值（文本或数值），`{_text(rule.actual)}` 是{actual.describe()}",
                rule.actual.span)
    if rule.unit is not None:
        unit = check(rule.unit)
        if unit.kind not in ("text", "error"):
            res.err("P204", f"unit 后须是度量单位的文本（如 \"百分比\"、\"个\"），`{_text(rule.unit)}` 是"
                            f"{unit.describe()}", rule.unit.span)
    res._levels(rule.levels, check)


def emit(gen, rule, node, w, s):
    actual = gen.model.type_of(rule.actual)
    kind, unit = (actual.kind, actual.unit) if actual is not None else (None, None)
    column = gen.expr(rule.unit, w) if rule.unit is not None else "None"
    if gen.explain:  # the judgement itself: its kind, level, text, and a quantity's target and actual
        judged = gen.temp()
        gen.out.line(f"{judged} = JUDGE({gen.expr(rule.target, w)}, {gen.expr(rule.actual, w)}, "
                     f"{gen.const(kind)}, {gen.const(unit)}, {column}, {gen._levels(rule.levels, w)})")
        gen.out.line(f"{s} = {w} * {judged}.share")
        gen.facts = [judged]
        return
    gen.out.line(f"{s} = {w} * ATTAIN({gen.expr(rule.target, w)}, {gen.expr(rule.actual, w)}, "
                 f"{gen.const(kind)}, {gen.const(unit)}, {column}, {gen._levels(rule.levels, w)})")


def _field_name(expr) -> str:
    return expr.name if isinstance(expr, nodes.Name) else ""


def evaluate(ev, rule, leaf, weight):
    text = ev.eval(rule.target, weight)
    raw = ev.eval(rule.actual, weight)
    column = ev.eval(rule.unit, weight) if rule.unit is not None else None
    levels = ev._levels(rule.levels, weight)
    try:
        declared = ev.model.type_of(rule.actual)
        kind, unit = (declared.kind, declared.unit) if declared else (None, None)
        judged = targets.judge(text, raw, kind, unit, column, levels)
        if judged.kind == "quantity":
            text, raw = targets.in_column_unit(str(text), raw, column)
            target = targets.parse_target(text)
            actual = targets.parse_actual(raw, kind, unit)
            met, rate = targets.attainment(target, actual)
    except targets.TargetError as exc:
        key = next((k for k in reversed(leaf.inputs) if k.endswith("." + _field_name(rule.target))), None)
        if ("实际" in str(exc) or "单位" in str(exc)) and not str(exc).startswith("无法读取目标值"):
            key = next((k for k in reversed(leaf.inputs) if k.endswith("." + _field_name(rule.actual))), key)
        message = str(exc)
        if "目标为空" in message:
            message += "（请填写指标值，或由评审给出得分：`when 指标值 == \"\" => 评审得分`）"
        elif message.startswith("定性目标"):
            message += "（定性指标请由评审给出得分）"
        raise DataValueError(message, key=key) from None
    if judged.kind != "quantity":
        leaf.arm = f"level:{judged.level}" if judged.level is not None and rule.levels is not None \
            else f"target:{judged.kind}"
        raw_score = weight * judged.share
        leaf.clauses.append(target_clause(judged.kind, judged.text, judged.share, judged.met, None, None,
                                          weight, points(ev._round(raw_score))))
        return raw_score
    leaf.arm = "target:met" if met else "target:short"
    raw_score = weight if met else ZERO if targets.unmeasurable(target, actual) else weight * rate
    leaf.clauses.append(target_clause("quantity", None, rate, met, target, actual, weight,
                                      points(ev._round(raw_score))))
    return raw_score


def render(r, leaf, node, rule, weight, raw, fact, extra):
    judged = fact[2]
    leaf.clauses.append(target_clause(judged.kind, judged.text, judged.share, judged.met, judged.target,
                                      judged.actual, weight, r._score_text(raw)))


# checks (`checks`: P410–P412, the most a leaf can score)

scored = _shared.scores_no_expression
most = _shared.full_marks_possible


# its own check (`checks.check_written`)


def check_written(chk, model, node, rule):
    """Every target (and actual) the ruleset writes as text is read now, not first when a record needs it;
    an actual declared as a rate or an amount must meet a target in percent or in 元/万元."""
    from ..targets import TargetError, aligned, parse_actual, parse_target, validate, with_unit

    target = _written_target(model, rule.target)
    if target is None:
        return
    text, where = target
    if isinstance(rule.unit, nodes.Str) and rule.unit.value.strip():
        text = with_unit(text, rule.unit.value)
    actual = model.type_of(rule.actual)
    try:
        kind = validate(text)
    except TargetError as exc:
        yield error("P420", f"指标 {node.name} 的目标值无法读取：{exc}", where)
        return
    if kind != "quantity":
        if actual is not None and actual.numeric and not (kind == "deadline" and actual.kind in ("count", "number")):
            what = "时限" if kind == "deadline" else "定性"
            yield error("P421", f"指标 {node.name} 的目标 `{text}` 是{what}目标，实际值却是{actual.describe()}",
                        where, hint="实际值须为完成日期、按时完成/未按时完成" if kind == "deadline"
                        else "实际值须为 达成 / 基本达成 / 部分达成 / 未达成 或 levels 中的等级")
        return
    parsed = parse_target(text)
    family = parsed.amount.family
    wanted = {"rate": "ratio", "money": "money"}.get(actual.kind) if actual is not None else None
    if wanted is not None and family not in (wanted, None):
        said = {"ratio": "百分数（如 95%）", "money": "金额（如 30万元）"}[wanted]
        yield error("P421", f"指标 {node.name} 的实际值是{actual.describe()}，目标 `{text}` 却不是{said}",
                    where, hint=f"目标须写成{said}")
    if isinstance(rule.actual, nodes.Str):
        try:
            aligned(parsed, parse_actual(rule.actual.value))
        except TargetError as exc:
            yield error("P420", f"指标 {node.name} 的实际值无法与目标比较：{exc}", rule.actual.span)


def _written_target(model, expr):
    """(text, span) of a target the ruleset itself writes: a string, or the text default of the input it names."""
    if isinstance(expr, nodes.Str):
        return expr.value, expr.span
    if isinstance(expr, nodes.Name):
        for spec in model.inputs:
            for candidate in (spec, *spec.fields):
                if candidate.name == expr.name and isinstance(candidate.default, str) and candidate.default.strip():
                    return candidate.default, candidate.span
    return None


def format(fmt, rule):
    text = f"target {fmt.expr(rule.target)} actual {fmt.expr(rule.actual)}"
    if rule.unit is not None:
        text += f" unit {fmt.expr(rule.unit)}"
    return [fmt.unit(rule, text + (" levels" if rule.levels is not None else ""), children=fmt.levels(rule.levels))]


def branches(rule, with_conditions):
    yield "target:met", "目标达成", rule
    yield "target:short", "目标未达成", rule
    for arm in rule.levels or ():
        yield f"level:{arm.name}", f"评为 {arm.name}", arm


def reached(rule, trace, truth):
    """Met or short: as the trace says, or judged by the raw score against the weight (a level's arm)."""
    if trace.arm is not None and trace.arm.startswith("target"):
        yield trace.arm if trace.arm in ("target:met", "target:short") else (
            "target:met" if trace.raw is not None and trace.raw >= trace.weight else "target:short")


def arbitrary(st, parts):
    return st.builds(TargetRule, parts.exprs, parts.exprs) | st.builds(
        TargetRule, parts.exprs, parts.exprs, st.none() | parts.exprs, st.none() | parts.levels)
