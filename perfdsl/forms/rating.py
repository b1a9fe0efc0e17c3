"""``rating 得分系数``: weight × a coefficient in [0, 1]; ``rating 评价等级 levels { 优 => 100%; … }``: weight ×
the share of the level the record names.  (The compiled code's `RATING` is `judgements.rating_share`.)"""

from __future__ import annotations

from decimal import Decimal

from .. import nodes
from ..basis import CLAUSE, points, show_value
from ..decimals import plain
from ..errors import DataValueError
from ..frozen import frozen
from . import _shared


@frozen
class RatingRule(nodes.Rule):
    """``rating 得分系数``: weight × a coefficient in [0, 1]; with `levels`, weight × the share of a level."""

    subject: nodes.Expr
    levels: tuple[nodes.LevelArm, ...] | None = None


NODES = (RatingRule,)


def rating_rule(builder, meta, subject, levels):
    return RatingRule(subject, levels, span=builder._span(meta))


BUILD = {"rating_rule": rating_rule}

KEYED = False
ASSESSOR = False
IN_EACH = None
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    from ..typecheck import text as _text

    subject = check(rule.subject)
    if rule.levels is None:
        res.checker.need_numeric(subject, rule.subject, "rating（得分系数）")
        if subject.kind == "money":
            res.err("P203", "rating 的得分系数须是 0 到 1 之间的数或比率，不能是金额", rule.subject.span)
    elif subject.kind not in ("text", "error"):
        res.err("P204", f"rating … levels 须读一个文本（等级，如 \"良\"），`{_text(rule.subject)}` 是"
                        f"{subject.describe()}", rule.subject.span)
    res._levels(rule.levels, check)


def emit(gen, rule, node, w, s):
    levels = gen._levels(rule.levels, w)
    if gen.explain:  # the rating and the levels' shares, for the basis (`render`)
        value, shares = gen.temp(), gen.temp()
        gen.out.line(f"{value} = {gen.expr(rule.subject, w)}")
        gen.out.line(f"{shares} = {levels}")
        gen.out.line(f"{s} = {w} * RATING({value}, {shares})")
        gen.facts = [value, shares]
        return
    gen.out.line(f"{s} = {w} * RATING({gen.expr(rule.subject, w)}, {levels})")


def evaluate(ev, rule, leaf, weight):
    from ..judgements import level_names

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


def plan(r, rule, node, bound):
    return {"subject": r.model.type_of(rule.subject)}


def render(r, leaf, node, rule, weight, raw, fact, extra):
    value, levels = fact[2], fact[3]
    if levels is None:
        shown = leaf.describe(rule.subject, value, extra["subject"], weight)
        leaf.clauses.append(f"{shown}{CLAUSE}{plain(weight)} × {plain(value)} = {r._score_text(raw)}")
        return
    level = str(value).strip()
    share = levels[level]
    leaf.clauses.append(f"{_name(rule.subject)}评为 {level}（得分值的 {plain(share * 100)}%）{CLAUSE}"
                        f"{plain(weight)} × {plain(share * 100)}% = {r._score_text(raw)}")


# checks (`checks`: P410–P412, the most a leaf can score)

scored = _shared.scores_no_expression
most = _shared.full_marks_possible


def format(fmt, rule):
    return [fmt.unit(rule, f"rating {fmt.expr(rule.subject)}" + (" levels" if rule.levels is not None else ""),
                     children=fmt.levels(rule.levels))]


def branches(rule, with_conditions):
    for arm in rule.levels or ():
        yield f"level:{arm.name}", f"评为 {arm.name}", arm


def arbitrary(st, parts):
    return st.builds(RatingRule, parts.exprs, st.none() | parts.levels)
