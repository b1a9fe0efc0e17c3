"""``bands SUBJECT [share] { >= 95% => 8; … else => 0 }``: the first arm whose test holds gives the score.

The arms are `nodes.BandArm`s, which a scorecard's ``cap by`` shares.
"""

from __future__ import annotations

import operator
from decimal import Decimal

from .. import nodes
from ..basis import CLAUSE, comparison, is_literal, points
from ..decimals import ZERO, percent, plain
from ..errors import error, warning
from ..frozen import frozen
from ..unparse import expression

_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
            ">=": operator.ge}
_CMP = {op: op for op in _COMPARE}  # generated code writes only these (a forged cache entry's op is a KeyError)


@frozen
class BandsRule(nodes.Rule):
    """``bands SUBJECT [share] { arms }``: the first arm whose test holds gives the score.

    With ``share`` an arm's value is a share of the effective weight (80% of 8
    is 6.4); without, it is points.
    """

    subject: nodes.Expr
    share: bool
    arms: tuple[nodes.BandArm, ...]


NODES = (BandsRule,)


def bands_rule(builder, meta, subject, share, *arms):
    return BandsRule(subject, bool(share), tuple(arms), span=builder._span(meta))


def share(builder, meta, token):
    return True


BUILD = {"bands_rule": bands_rule, "share": share}

KEYED = True
ASSESSOR = False
IN_EACH = None
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    subject = res.checker.need_numeric(check(rule.subject), rule.subject, "bands")
    for arm in rule.arms:
        res._threshold(subject, arm, check, "分档界限")
        value = check(arm.value)
        if rule.share:
            res.checker.need_numeric(value, arm.value, "share 分档的得分比例")
        else:
            res.checker.points(value, arm.value)


def emit(gen, rule, node, w, s):
    out = gen.out
    t = gen.held(gen.expr(rule.subject, w))
    arm_taken = gen.temp()  # explain: (the arm's number, its value); (0, None) when none holds
    keyword = "if"
    has_else = False
    for number, arm in enumerate(rule.arms, start=1):
        value = gen.expr(arm.value, w)
        if gen.explain:
            out_value, value = value, f"{arm_taken}[1]"
        if rule.share:
            value = f"{w} * {value}"
        if arm.op is None:
            out.line("else:" if keyword == "elif" else "if True:")
            has_else = True
        else:
            out.line(f"{keyword} {t} {_CMP[arm.op]} {gen.expr(arm.threshold, w)}:")
        if gen.explain:
            out.line(f"    {arm_taken} = ({number}, {out_value})")
        out.line(f"    {s} = {value}")
        keyword = "elif"
        if arm.op is None:
            break
    if not has_else:
        out.line("else:")
        if gen.explain:
            out.line(f"    {arm_taken} = (0, None)")
        out.line(f"    {s} = {gen.zero}")
    gen.facts = [t, arm_taken]


def evaluate(ev, rule, leaf, weight):
    subject = ev.eval(rule.subject, weight)
    described = ev.describe(rule.subject, weight)
    for number, arm in enumerate(rule.arms, start=1):
        if arm.op is None:
            leaf.arm = "else"
            value = ev.eval(arm.value, weight)
            head = "不在以上各档"
            break
        threshold = ev.eval(arm.threshold, weight)
        if _COMPARE[arm.op](subject, threshold):
            leaf.arm = f"band#{number}"
            value = ev.eval(arm.value, weight)
            head = f"{comparison(arm.op)} {ev._show(arm.threshold)}"
            break
    else:
        leaf.clauses.append(f"{described}{CLAUSE}不在任何一档，得 0")
        leaf.arm = "none"
        return ZERO
    if rule.share:
        raw = weight * value
        shown = ev._show(arm.value, weight) if is_literal(arm.value) else percent(value)
        tail = f"得分值的 {shown}{CLAUSE}{points(weight)} × {shown} = {points(ev._round(raw))}"
    else:
        raw = value
        tail = f"得 {points(ev._round(raw))} 分"
    leaf.clauses.append(f"{described}{CLAUSE}{head}{CLAUSE}{tail}")
    return raw


def plan(r, rule, node, bound):
    """Each arm's head and literal share are the ruleset's text when they name nothing."""
    return {"subject": r.model.type_of(rule.subject),
            "heads": [("不在以上各档" if arm.op is None else r.constant(arm.threshold, comparison(arm.op) + " "))
                      for arm in rule.arms],
            "shares": [r.constant(arm.value) if is_literal(arm.value) else None for arm in rule.arms]}


def render(r, leaf, node, rule, weight, raw, fact, extra):
    subject, (number, value) = fact[2], fact[3]
    described = leaf.describe(rule.subject, subject, extra["subject"], weight)
    if number == 0:
        leaf.clauses.append(f"{described}{CLAUSE}不在任何一档，得 0")
        return
    arm = rule.arms[number - 1]
    head = extra["heads"][number - 1]
    if head is None:
        head = f"{comparison(arm.op)} {leaf.rec.show(arm.threshold)}"
    if rule.share:
        shown = extra["shares"][number - 1]
        if shown is None:
            shown = leaf.rec.show(arm.value, weight) if is_literal(arm.value) else percent(value)
        tail = f"得分值的 {shown}{CLAUSE}{plain(weight)} × {shown} = {r._score_text(raw)}"
    else:
        tail = f"得 {r._score_text(raw)} 分"
    leaf.clauses.append(f"{described}{CLAUSE}{head}{CLAUSE}{tail}")


def reads(model, rule, certain, shown):
    return certain([rule.subject]) + shown(rule.subject)


# checks (`checks`: P410–P412, the most a leaf can score)


def divisions(analysis, rule, env):
    yield from analysis.divisions(rule.subject, env)
    for arm in rule.arms:
        if arm.op is None:
            yield from analysis.divisions(arm.value, env)
            continue
        yield from analysis.divisions(arm.threshold, env)
        here = analysis.refine(env, nodes.Compare(arm.op, rule.subject, arm.threshold), True)
        if here is not None:
            yield from analysis.divisions(arm.value, here)


def scored(analysis, rule, env, full):
    for arm in rule.arms:
        yield arm.value, analysis.value(arm.value, env, full), rule.share


def most(analysis, rule, env, weight, full):
    from ..intervals import times

    values = [analysis.value(arm.value, env, full) for arm in rule.arms]
    if any(value is None for value in values):
        return None
    return max([times(value.interval.hi, weight if rule.share else Decimal(1)) for value in values] + [Decimal(0)])


# its own check (`checks.check_reached`, given the checks module `chk` for its message helpers)


def check_reached(chk, analysis, model, where, leaf, env):
    """Every arm of a band can be reached, and ``else`` — or the arms — catch every value of the subject.

    An arm is tried only where the arms before it failed: one whose region
    they already cover is never hit (P401, as with thresholds out of order);
    an ``else`` where they cover everything the subject can be is dead
    (P403); without ``else``, the values no arm covers score 0 (P402).  The
    subject ranges over what its inputs' types and declared ranges allow.
    """
    from ..intervals import Interval, Ranges

    rule = leaf.rule
    subject = analysis.value(rule.subject, env)
    domain = subject.interval if subject is not None else Interval()
    shown = chk._shower(model, rule.subject)
    covered, known = Ranges(), True
    for position, arm in enumerate(rule.arms):
        if arm.op is None:
            if position != len(rule.arms) - 1:
                yield error("P401", "else 分档只能放在最后", rule.span)
            elif known and Ranges.of(domain).minus(covered).empty:
                yield warning("P403", f"else 分档永远不会命中：`{expression(rule.subject)}` 可取的值"
                                      f" {chk._text(domain, shown)} 都已落入前面各档", arm.span)
            break
        value = analysis.value(arm.threshold, env)
        if value is None or value.names or value.interval.lo != value.interval.hi:
            known = False
            continue
        region = _region(arm.op, value.interval.lo)
        reached = region.intersect(domain).minus(covered)
        if known and reached.empty:
            why = _why_unreached(chk, rule, arm, region, domain, shown)
            yield error("P401", f"分档 `{_arm(arm)}` 永远不会命中：{why}",
                        arm.span)
        covered = covered.union(region)
    else:
        gap = Ranges.of(domain).minus(covered)
        if known and not gap.empty:
            yield warning("P402", f"指标 {where} 的分档没有 else：`{expression(rule.subject)}` "
                                  f"{_gaps(gap, shown)}不落入任何一档，得 0 分", rule.span)


def _region(op: str, value):
    from .. import intervals
    from ..intervals import Ranges

    if op == "!=":
        return Ranges.of(intervals.region("<", value), intervals.region(">", value))
    return Ranges.of(intervals.region(op, value))


def _why_unreached(chk, rule, arm, region, domain, shown=plain) -> str:
    if region.intersect(domain).empty:  # said in the subject's own terms: a rate in percent, [0%, 100%]
        return f"`{expression(rule.subject)}` 只在 {chk._text(domain, shown)} 内取值"
    before = rule.arms[: rule.arms.index(arm)]
    for previous in before:
        threshold = chk._literal(previous.threshold)
        if threshold is None or previous.op is None:
            continue
        if region.intersect(domain).minus(_region(previous.op, threshold)).empty:
            order = ""
            if {arm.op, previous.op} <= {">=", ">"}:
                order = "（下限须从高到低）"
            elif {arm.op, previous.op} <= {"<=", "<"}:
                order = "（上限须从低到高）"
            which = "上一档" if previous is before[-1] else "前面的"
            return f"{which} `{_arm(previous)}` 已包含它{order}"
    return "前面各档合起来已包含它"


def _gaps(ranges, shown) -> str:
    """``> 10 时``, ``在 (5, 10] 内时``, ``< 0 或 > 100 时``: where a value falls between the arms."""
    from ..intervals import INF

    phrases = []
    for part in ranges.parts:
        if part.lo == -INF and part.hi == INF:
            phrases.append("取任何值")
        elif part.lo == -INF:
            phrases.append(f"{'<=' if part.hi_closed else '<'} {shown(part.hi)}")
        elif part.hi == INF:
            phrases.append(f"{'>=' if part.lo_closed else '>'} {shown(part.lo)}")
        else:
            phrases.append(f"在 {part.describe(shown)} 内")
    text = " 或 ".join(phrases)
    return text + ("时" if text.endswith("内") else " 时")


def _arm(arm) -> str:
    return f"{arm.op} {expression(arm.threshold)}"


def format(fmt, rule):
    arms = [fmt.unit(arm, (f"{arm.op} {fmt.expr(arm.threshold)}" if arm.op else "else")
                     + f" => {fmt.expr(arm.value)}") for arm in rule.arms]
    share = " share" if rule.share else ""
    return [fmt.unit(rule, f"bands {fmt.expr(rule.subject)}{share}", children=arms)]


def branches(rule, with_conditions):
    """(tag, label, node) of each band, in source order; the evaluator's trace names the band it took."""
    for number, arm in enumerate(rule.arms, start=1):
        test = "else" if arm.op is None else f"{arm.op} {expression(arm.threshold)}"
        yield ("else" if arm.op is None else f"band#{number}"), f"分档 {test}", arm


def arbitrary(st, parts):
    arms = st.one_of(st.builds(nodes.BandArm, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), parts.exprs,
                               parts.exprs),
                     st.builds(nodes.BandArm, st.none(), st.none(), parts.exprs))
    return st.builds(BandsRule, parts.exprs, st.booleans(), st.lists(arms, max_size=4).map(tuple))


def arm_text(renderer, rule, extra):
    """`render`'s text of its rule's arm laid out once (`rendering`, *arm_text*): per arm whose head (and share)
    name nothing, the text around the subject's."""
    subject = renderer._subject_text( rule.subject, extra["subject"])
    if subject is None:
        return None
    arms = []
    for head, share in zip(extra["heads"], extra["shares"]):
        if head is None or (rule.share and share is None):
            arms.append(None)
        elif rule.share:
            arms.append((f"{CLAUSE}{head}{CLAUSE}得分值的 {share}{CLAUSE}", f" × {share} = "))
        else:
            arms.append((f"{CLAUSE}{head}{CLAUSE}得 ", " 分"))
    share, score_text = rule.share, renderer._score_text

    def text(rec, card, node, weight, fact, card_facts, note):
        number = fact[3][0]
        if number == 0:
            body = subject(rec, fact[2]) + f"{CLAUSE}不在任何一档，得 0"
        else:
            pieces = arms[number - 1]
            if pieces is None:
                return None
            described = subject(rec, fact[2])
            if share:
                body = described + pieces[0] + plain(weight) + pieces[1] + score_text(fact[1])
            else:
                body = described + pieces[0] + score_text(fact[1]) + pieces[1]
        return renderer._finished_text(body, card, node, weight, fact[1], card_facts, note)
    return text
