"""``checklist { COND => 2; … }``: items met earn their points, or an equal share of the weight when no
points are given."""

from __future__ import annotations

from decimal import Decimal

from .. import nodes
from ..basis import CLAUSE, points, pretty
from ..decimals import ZERO, plain
from ..errors import warning
from ..frozen import frozen
from ..unparse import expression
from . import _shared


@frozen
class CheckItem(nodes.Node):
    """One line of a checklist: a condition and, optionally, the points it earns."""

    condition: nodes.Expr
    points: nodes.Expr | None


@frozen
class ChecklistRule(nodes.Rule):
    """Items met earn their points, or an equal share of the weight when no points are given."""

    items: tuple[CheckItem, ...]


NODES = (ChecklistRule, CheckItem)


def checklist_rule(builder, meta, *items):
    return ChecklistRule(tuple(items), span=builder._span(meta))


def check_item(builder, meta, condition, points):
    return CheckItem(condition, points, span=builder._span(meta))


BUILD = {"checklist_rule": checklist_rule, "check_item": check_item}

KEYED = True
ASSESSOR = False
IN_EACH = None
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    with_points = [item.points is not None for item in rule.items]
    if any(with_points) and not all(with_points):
        res.err("P304", "清单项要么都写分值（=> 1），要么都不写（按项数均分）", rule.span)
    for item in rule.items:
        res.checker.need_bool(check(item.condition), item.condition, "清单项")
        if item.points is not None:
            res.checker.points(check(item.points), item.points)
    if not rule.items:
        res.err("P304", "checklist 不能为空", rule.span)


def emit(gen, rule, node, w, s):
    met = [gen.expr(item.condition, w) for item in rule.items]
    if gen.explain:  # each item's truth, then (points) each met item's points, kept for the basis
        held, given = gen.temp(), gen.temp()
        gen.out.line(f"{held} = (" + "".join(f"bool({m}), " for m in met) + ")")
        met = [f"{held}[{k}]" for k in range(len(met))]
        gen.facts = [held]
    if rule.items[0].points is None:
        count = " + ".join(f"({gen.one} if {m} else {gen.zero})" for m in met)
        gen.out.line(f"{s} = {w} * ({count}) / {gen.const(Decimal(len(rule.items)))}")
        return
    points = [gen.expr(item.points, w) for item in rule.items]
    if gen.explain:
        gen.out.line(f"{given} = (" + "".join(f"{p} if {m} else None, " for p, m in zip(points, met)) + ")")
        points = [f"{given}[{k}]" for k in range(len(points))]
        gen.facts.append(given)
    terms = [f"({p} if {m} else {gen.zero})" for p, m in zip(points, met)]
    gen.out.line(f"{s} = {gen.zero} + " + " + ".join(terms))


def evaluate(ev, rule, leaf, weight):
    met = [bool(ev.eval(item.condition, weight)) for item in rule.items]
    count = sum(met)
    total = len(rule.items)
    if rule.items and rule.items[0].points is None:
        raw = weight * count / total
        text = f"符合 {count}/{total} 项"
        missed = [pretty(item.condition) for item, ok in zip(rule.items, met) if not ok]
        if missed:
            text += f"（不符合：{'、'.join(missed)}）"
        leaf.clauses.append(f"{text}{CLAUSE}{points(weight)} × {count}/{total} = {points(ev._round(raw))}")
        return raw
    raw = ZERO
    shown = []
    for item, ok in zip(rule.items, met):
        if ok:
            value = ev.eval(item.points, weight)
            raw += value
            shown.append(f"{pretty(item.condition)} ✓ +{points(value)}")
        else:
            shown.append(f"{pretty(item.condition)} ✗")
    leaf.clauses.append("；".join(shown) + f"{CLAUSE}得 {points(ev._round(raw))} 分")
    return raw


def plan(r, rule, node, bound):
    return {"items": [pretty(item.condition) for item in rule.items]}


def render(r, leaf, node, rule, weight, raw, fact, extra):
    met, texts = fact[2], extra["items"]
    if rule.items[0].points is None:
        count, total = sum(met), len(met)
        text = f"符合 {count}/{total} 项"
        missed = [t for t, ok in zip(texts, met) if not ok]
        if missed:
            text += f"（不符合：{'、'.join(missed)}）"
        leaf.clauses.append(f"{text}{CLAUSE}{plain(weight)} × {count}/{total} = {r._score_text(raw)}")
        return
    shown = [f"{t} ✓ +{plain(value)}" if ok else f"{t} ✗" for t, ok, value in zip(texts, met, fact[3])]
    leaf.clauses.append("；".join(shown) + f"{CLAUSE}得 {r._score_text(raw)} 分")


def reads(model, rule, certain, shown):
    return certain([item.condition for item in rule.items])


# checks (`checks`: P410–P412, the most a leaf can score)


def divisions(analysis, rule, env):
    for item in rule.items:
        yield from analysis.divisions(item.condition, env)
        here = analysis.refine(env, item.condition, True)
        if here is not None and item.points is not None:
            yield from analysis.divisions(item.points, here)


scored = _shared.scores_no_expression


def _total(analysis, rule, env, full):
    """What a checklist with points can give: any sum of its items' points (exact if the items are independent)."""
    from ..intervals import Interval
    from ..reach import Value

    values = [analysis.value(item.points, env, full) for item in rule.items]
    if any(v is None for v in values):
        return None
    low = sum((min(v.interval.lo, 0) for v in values), Decimal(0))
    high = sum((max(v.interval.hi, 0) for v in values), Decimal(0))
    names = [frozenset(n.name for n in nodes.walk(item.condition) if isinstance(n, nodes.Name)) for item in rule.items]
    independent = all(not (a & b) for i, a in enumerate(names) for b in names[i + 1:])
    exact = independent and all(v.exact and not v.names for v in values)
    return Value(Interval(low, high), exact, frozenset())


def most(analysis, rule, env, weight, full):
    if not (rule.items and rule.items[0].points is not None):
        return weight  # shares of the weight: full marks are possible
    total = _total(analysis, rule, env, full)
    return total.interval.hi if total is not None else None


def out_of_range(analysis, name, rule, branch, weight, full):
    """P410: items whose points add up to more than the weight."""
    from ..intervals import above

    if not (rule.items and rule.items[0].points is not None):
        return None
    total = _total(analysis, rule, branch.env, full)
    if total is not None and total.exact and above(total.interval.hi, weight):
        shown = plain(weight)
        return [("P410", warning("P410", f"指标 {name} 的清单各项分值合计 {plain(total.interval.hi)}，超过其分值 "
                                         f"{shown}：全部符合时只靠截断", rule.span,
                                 hint=f"清单合计 {plain(total.interval.hi)}，分值 {shown}"))]
    return ()


def format(fmt, rule):
    items = [fmt.unit(item, fmt.expr(item.condition)
                      + (f" => {fmt.expr(item.points)}" if item.points is not None else "")) for item in rule.items]
    return [fmt.unit(rule, "checklist", children=items)]


def branches(rule, with_conditions):
    """Each item true and false — found by evaluating its condition afterwards, so not for an `each`
    group's items (`with_conditions` false), whose fields are in scope only while they are scored."""
    if not with_conditions:
        return
    for number, item in enumerate(rule.items, start=1):
        shown = expression(item.condition)
        yield f"item#{number}+", f"清单项 {shown} 成立", item
        yield f"item#{number}-", f"清单项 {shown} 不成立", item


def reached(rule, trace, truth):
    """Each item's condition, true or false for the record (`_shared.conditions_reached`)."""
    return _shared.conditions_reached(((f"item#{number}", item.condition)
                                       for number, item in enumerate(rule.items, start=1)), truth)


def arbitrary(st, parts):
    items = st.builds(CheckItem, parts.exprs, st.none() | parts.exprs)
    return st.builds(ChecklistRule, st.lists(items, max_size=3).map(tuple))
