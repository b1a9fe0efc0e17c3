"""``ratio A / B``: full × A / B (proportional score)."""

from __future__ import annotations

from decimal import Decimal

from .. import nodes
from ..basis import CLAUSE, points
from ..decimals import percent, plain
from ..errors import EvaluationError, warning
from ..frozen import frozen
from ..unparse import expression
from . import _shared


@frozen
class RatioRule(nodes.Rule):
    """``ratio A / B``: full × A / B (proportional score)."""

    numerator: nodes.Expr
    denominator: nodes.Expr


NODES = (RatioRule,)


def ratio_rule(builder, meta, expr):
    if not (isinstance(expr, nodes.Binary) and expr.op == "/"):
        raise builder.Error("P107", "ratio 后须写成「分子 / 分母」", expr.span, hint="例如 ratio 项目完成数 / 项目总数")
    return RatioRule(expr.left, expr.right, span=builder._span(meta))


BUILD = {"ratio_rule": ratio_rule}

KEYED = True
ASSESSOR = False
IN_EACH = None
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    num, den = check(rule.numerator), check(rule.denominator)
    res.checker.need_numeric(num, rule.numerator, "ratio")
    res.checker.need_numeric(den, rule.denominator, "ratio")
    if num.numeric and den.numeric and (num.kind == "money") != (den.kind == "money"):
        res.err("P203", "ratio 的分子分母须同为金额或同为非金额", rule.span)


def emit(gen, rule, node, w, s):
    n = gen.held(gen.expr(rule.numerator, w))
    d = gen.held(gen.expr(rule.denominator, w))
    gen.out.line(f"{s} = {w} * {n} / {d}")
    gen.facts = [n, d]


def evaluate(ev, rule, leaf, weight):
    numerator = ev.eval(rule.numerator, weight)
    denominator = ev.eval(rule.denominator, weight)
    if denominator == 0:
        key = rule.denominator.name if isinstance(rule.denominator, nodes.Name) else None
        raise EvaluationError(
            f"比率的分母 `{expression(rule.denominator)}` 为 0，规则没有说明此时如何计分",
            key=key if key and ev.model.input(key) else None,
        )
    raw = weight * numerator / denominator
    rate = numerator / denominator
    name = leaf.node.name
    num_text = ev._value_text(rule.numerator, numerator)
    den_text = ev._value_text(rule.denominator, denominator)
    leaf.clauses.append(f"{name} = {num_text} / {den_text} = {percent(rate)}"
                        f"{CLAUSE}{points(weight)} × {percent(rate)} = {points(ev._round(raw))}")
    return raw


def plan(r, rule, node, bound):
    return {"types": (r.model.type_of(rule.numerator), r.model.type_of(rule.denominator))}


def render(r, leaf, node, rule, weight, raw, fact, extra):
    numerator, denominator = fact[2], fact[3]
    rate = numerator / denominator
    num_type, den_type = extra["types"]
    leaf.clauses.append(f"{node.name} = {leaf.value_text(rule.numerator, numerator, num_type)} / "
                        f"{leaf.value_text(rule.denominator, denominator, den_type)} = {percent(rate)}"
                        f"{CLAUSE}{plain(weight)} × {percent(rate)} = {r._score_text(raw)}")


def reads(model, rule, certain, shown):
    return certain([rule.numerator, rule.denominator])


# checks (`checks`: P410–P412, the most a leaf can score)


def divisions(analysis, rule, env):
    yield from analysis.divisions(rule.numerator, env)
    yield from analysis.divisions(rule.denominator, env)
    found = analysis.zero_divisor(rule.denominator, rule.denominator, env)
    if found is not None:
        yield found


scored = _shared.scores_no_expression


def _ratio(analysis, rule, env, full):
    return analysis.value(nodes.Binary("/", rule.numerator, rule.denominator), env, full)


def most(analysis, rule, env, weight, full):
    from ..intervals import times

    value = _ratio(analysis, rule, env, full)
    return times(value.interval.hi, weight) if value is not None else None


def out_of_range(analysis, name, rule, branch, weight, full):
    """P410/P411: a ratio that may pass 100 % or fall below 0, so that only the clamp keeps its score."""
    from ..intervals import above

    value = _ratio(analysis, rule, branch.env, full)
    if value is None or not branch.exact(value):
        return ()
    found = []
    shown = plain(weight)
    ratio = f"{expression(rule.numerator)} / {expression(rule.denominator)}"
    if above(value.interval.hi, Decimal(1)):
        hint = "本应封顶就改写为 score min(…, full)；数据不会如此就声明输入的范围"
        if isinstance(rule.numerator, nodes.Name) and isinstance(rule.denominator, nodes.Name):
            hint = (f"若 {rule.numerator.name} 不会超过 {rule.denominator.name}，声明 <= {rule.denominator.name}；"
                    f"方案规定超过按满分计的，写 score full * min({ratio}, 1)")
        found.append(("P410", warning("P410", f"指标 {name} 的比率 `{ratio}` 可能超过 100%，得分只靠截断为 {shown}",
                                      rule.span, hint=hint)))
    if above(Decimal(0), value.interval.lo):
        found.append(("P411", warning("P411", f"指标 {name} 的比率 `{ratio}` 可能为负，得分只靠截断为 0", rule.span,
                                      hint="声明分子、分母的范围（如 >= 0元）")))
    return found


def format(fmt, rule):
    return [fmt.unit(rule, "ratio " + fmt.expr(nodes.Binary("/", rule.numerator, rule.denominator)))]


def arbitrary(st, parts):
    return st.builds(RatioRule, parts.exprs, parts.exprs)
