"""``score EXPR``: the score is the expression (clamped to the weight)."""

from __future__ import annotations

from decimal import Decimal

from .. import nodes
from ..basis import lets_in
from ..frozen import frozen


@frozen
class ScoreRule(nodes.Rule):
    """``score EXPR``: the score is the expression (clamped to the weight)."""

    expr: nodes.Expr


NODES = (ScoreRule,)


def score_rule(builder, meta, expr):
    return ScoreRule(expr, span=builder._span(meta))


BUILD = {"score_rule": score_rule}

KEYED = True
ASSESSOR = False
IN_EACH = None
NOTED = False


def resolve(res, rule, leaf, entry, deps, check):
    res.checker.points(check(rule.expr), rule.expr)


def emit(gen, rule, node, w, s):
    gen.out.line(f"{s} = {gen.expr(rule.expr, w)}")
    gen.facts = [gen.path(rule.expr, w)]


def evaluate(ev, rule, leaf, weight):
    raw = ev.eval(rule.expr, weight)
    for name in lets_in(ev.model, rule.expr):  # how each derived value it uses came about
        leaf.clauses.append(ev.describe(nodes.Name(name)))
    leaf.clauses.append(ev._points_text(rule.expr, raw, weight))
    return raw


def plan(r, rule, node, bound):
    return {"lets": lets_in(r.model, rule.expr), "chain": r.chain(rule.expr, bound)}


def render(r, leaf, node, rule, weight, raw, fact, extra):
    rec = leaf.rec
    for name in extra["lets"]:
        leaf.clauses.append(leaf.describe(nodes.Name(name), rec.value(name), None))
    leaf.clauses.append(r._points_text(leaf, extra["chain"], raw, weight, fact[2]))


def reads(model, rule, certain, shown):
    """The inputs it reads for certain (`rendering._Reads`), and each derived value it names is described."""
    return certain([rule.expr]) + [name for let in lets_in(model, rule.expr) for name in shown(nodes.Name(let))]


# checks (`checks`: P410–P412, the most a leaf can score)


def scored(analysis, rule, env, full):
    yield rule.expr, analysis.value(rule.expr, env, full), False


def most(analysis, rule, env, weight, full):
    from ..intervals import times

    value = analysis.value(rule.expr, env, full)
    return times(value.interval.hi, Decimal(1)) if value is not None else None


def format(fmt, rule):
    return [fmt.formula(rule, "score ", rule.expr)]


def arbitrary(st, parts):
    return st.builds(ScoreRule, parts.exprs)
