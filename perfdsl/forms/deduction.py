"""``deduct 0.5 per …`` / ``add 1 per … up to 3`` / ``deduct 1 when …`` lines of one indicator, applied
together (扣完为止).  A line is a `nodes.Deduction`, which a scorecard's rules share, and so are its helpers
in each phase (`resolve._deduction_line`, `codegen.line_amount`, `interp._deduction`, `rendering._line`);
the parser's `indicator` gathers an indicator's lines into a `DeductionRule` (it has no grammar rule)."""

from __future__ import annotations

from decimal import Decimal

from .. import nodes
from ..basis import CLAUSE, SENTENCE, points, show_value, stepped_clause
from ..decimals import ZERO, plain
from ..frozen import frozen
from ..unparse import expression
from . import _shared


@frozen
class DeductionRule(nodes.Rule):
    """The deduction lines of one indicator, applied together (扣完为止)."""

    lines: tuple[nodes.Deduction, ...]


NODES = (DeductionRule,)
BUILD: dict = {}  # made by `parser._Builder.indicator` from the indicator's `deduction` lines

KEYED = True
ASSESSOR = False
IN_EACH = None
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    kinds = {line.kind for line in rule.lines}
    if len(kinds) > 1 and not entry["bonus"]:
        res.err("P304", f"指标 {leaf.name} 混用了 add 与 deduct；加减分请放在 bonus 分组里", rule.span)
    for line in rule.lines:
        res._deduction_line(line, check)


def emit(gen, rule, node, w, s):
    out = gen.out
    adds = all(line.kind == "add" for line in rule.lines)
    base = gen.zero if (node.bonus or adds) else w
    out.line(f"{s} = {base}")
    lines = []
    for line in rule.lines:
        value = gen.line_amount(line, w)
        lines.append(gen.line_facts)
        out.line(f"{s} = {s} {'+' if line.kind == 'add' else '-'} {value}")
    gen.facts = lines


def evaluate(ev, rule, leaf, weight):
    adds = all(line.kind == "add" for line in rule.lines)
    base = ZERO if (leaf.node.bonus or adds) else weight
    raw = base
    amounts = []
    texts = []
    for line in rule.lines:
        amount = ev.eval(line.amount, weight)
        value, text = ev._capped(line, *ev._deduction(line, amount, weight), weight)
        amounts.append((line.kind, value))
        raw = raw + value if line.kind == "add" else raw - value
        texts.append(text)
    changed = [(kind, value) for kind, value in amounts if value != 0]
    if not changed or (base == 0 and len(changed) == 1 and changed[0][0] == "add"):
        tail = f"得 {points(ev._round(raw))} 分"
    else:
        terms = "".join(f" {'+' if kind == 'add' else '-'} {points(value)}" for kind, value in changed)
        tail = f"{points(base)}{terms} = {points(ev._round(raw))}"
    leaf.clauses.append(SENTENCE.join(texts) + CLAUSE + tail)
    return raw


def plan(r, rule, node, bound):
    model = r.model
    return {"lines": [(r.condition(line.when, bound) if line.when is not None else None,
                       model.type_of(line.per.subject) if line.per is not None else None,
                       r.constant(line.per.step) if line.per is not None and line.per.step is not None else None,
                       r.constant(line.per.threshold) if line.per is not None and line.per.threshold is not None
                       else None)
                      for line in rule.lines]}


def render(r, leaf, node, rule, weight, raw, fact, extra):
    adds = all(line.kind == "add" for line in rule.lines)
    base = ZERO if (node.bonus or adds) else weight
    changed, texts = [], []
    for line, figures, (when, subject_type, step_text, threshold_text) in zip(rule.lines, fact[2:], extra["lines"]):
        value, text = r._line(leaf, line, figures, when, subject_type, weight, step_text, threshold_text)
        if value != 0:
            changed.append((line.kind, value))
        texts.append(text)
    if not changed or (base == 0 and len(changed) == 1 and changed[0][0] == "add"):
        tail = f"得 {r._score_text(raw)} 分"
    else:
        terms = "".join(f" {'+' if kind == 'add' else '-'} {plain(value)}" for kind, value in changed)
        tail = f"{plain(base)}{terms} = {r._score_text(raw)}"
    leaf.clauses.append(SENTENCE.join(texts) + CLAUSE + tail)


def reads(model, rule, certain, shown):
    parts = []
    for line in rule.lines:
        parts += [line.amount, line.when, line.up_to]
        if line.per is not None:
            parts += [line.per.subject, line.per.step, line.per.threshold]
    return certain([p for p in parts if p is not None]) + [name for line in rule.lines if line.per is not None
                                                           for name in shown(line.per.subject)]


# checks (`checks`: P410–P412, the most a leaf can score)


def divisions(analysis, rule, env):
    for line in rule.lines:
        for part in nodes.walk(line):
            if isinstance(part, nodes.Expr) and _top_level(part, line):
                yield from analysis.divisions(part, env)


def _top_level(expr, line) -> bool:
    """Whether `expr` is one of the expressions a deduction line is made of (not a part of one)."""
    per = line.per
    parts = [line.amount, line.when, line.up_to]
    if per is not None:
        parts += [per.step, per.subject, per.threshold]
    return any(expr is part for part in parts)


scored = _shared.scores_no_expression


def most(analysis, rule, env, weight, full):
    """Bonus points add up to their caps (none: no bound); a deduction from full can keep full marks."""
    if not all(line.kind == "add" for line in rule.lines):
        return weight
    from ..intervals import INF

    ups = [analysis.value(line.up_to, env, full) if line.up_to is not None else None for line in rule.lines]
    return sum((u.interval.hi if u is not None else INF for u in ups), Decimal(0))


def format(fmt, rule):
    return [fmt.deduction(line) for line in rule.lines]  # its lines, each a line of the indicator


def branches(rule, with_conditions):
    """Each ``… when`` line's condition true and false (not for an `each` group's items, as a checklist's)."""
    if not with_conditions:
        return
    for number, line in enumerate(rule.lines, start=1):
        if line.when is not None:
            yield f"line#{number}+", f"{line.kind} … when {expression(line.when)} 成立", line
            yield f"line#{number}-", f"{line.kind} … when {expression(line.when)} 不成立", line


def reached(rule, trace, truth):
    return _shared.conditions_reached(((f"line#{number}", line.when)
                                       for number, line in enumerate(rule.lines, start=1) if line.when is not None),
                                      truth)


def arbitrary(st, parts):
    return st.lists(parts.deductions, min_size=1, max_size=3).map(lambda lines: DeductionRule(tuple(lines)))


def arm_text(renderer, rule, extra):
    """`render` and `_line`'s text, laid out once (`rendering`, *arm_text*), of a rule of one stepped line beyond
    a threshold that names nothing (``deduct 0.5 per started 1% of 结转结余率 above 5%``)."""
    if len(rule.lines) != 1:
        return None
    line = rule.lines[0]
    when, subject_type, step_text, threshold_text = extra["lines"][0]
    per = line.per
    if when is not None or per is None or per.step is None or per.threshold is None:
        return None
    if step_text is None or threshold_text is None:
        return None
    subject = renderer._subject_text( per.subject, subject_type)
    if subject is None:
        return None
    verb = "扣" if line.kind == "deduct" else "加"
    adds = line.kind == "add"
    above = per.direction == "above"
    where = f"超过 {threshold_text}" if above else f"低于 {threshold_text}"
    quiet = f"{CLAUSE}{'未超过' if above else '不低于'} {threshold_text}{CLAUSE}不{verb}"
    mode = per.mode
    whole = mode in ("started", "whole")
    score_text, rounded = renderer._score_text, renderer._round

    def text(rec, card, node, weight, fact, card_facts, note):
        amount, _, value_of, _, _, excess, count, value, cap = fact[2]
        if cap is not None and value > cap:
            return None
        described = subject(rec, value_of)
        if excess > 0:
            count_text = plain(count) if whole else plain(rounded(count))
            body = stepped_clause(described, where, mode, show_value(excess, subject_type), step_text, count_text,
                                  verb, amount, value)
        else:
            body = described + quiet
        raw = fact[1]
        if value == 0 or adds:  # nothing taken, or an add line alone (its base is 0)
            body += f"{CLAUSE}得 {score_text(raw)} 分"
        else:  # a deduction from the weight
            body += f"{CLAUSE}{plain(weight)} - {plain(value)} = {score_text(raw)}"
        return renderer._finished_text(body, card, node, weight, raw, card_facts, note)
    return text
