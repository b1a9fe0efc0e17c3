"""A leaf's text of its rule's own arm from pieces laid out once per ruleset, for the forms whose leaves are
written in every record (amounts and rates that never repeat: Chao'an's 支出率, 结转结余率, 变动率, 分差).

`Renderer._leaf` writes such a text through `_Leaf`, the form's `_rule_*` method, `describe`, `_line` and
`_finish`: a dozen calls, most of them deciding again what the ruleset alone decides (which arm's head is
a constant, that the subject is a name, that the line has a threshold).  `template` decides it once, per
leaf: what is left per record is the subject's text (`rendering.named`), the figures' texts and one
concatenation.  Where a record takes a way the template does not cover (a band whose head names a value,
a line at its cap, a rule's guard or ``applies`` arm) it answers None and the renderer writes the text as
before; tests/test_basis_core.py holds every text to the interpreter's with and without the templates.
"""

from __future__ import annotations

from . import nodes
from .basis import CLAUSE, show_value, stepped_clause
from .decimals import plain


def template(renderer, node, plan):
    """``text(rec, card, node, weight, fact, card_facts, note) -> str | None`` of a top-level leaf's arm 0
    (its rule), or None when its form or shape has none."""
    _, form, _, _, extra, _, shows = plan
    rule = node.indicator.rule
    if shows or node.bonus:  # (a ``show`` line and a bonus's bounds: the long way)
        return None
    if form == "BandsRule":
        return _bands(renderer, rule, extra)
    if form == "DeductionRule":
        return _deduction(renderer, rule, extra)
    return None


def _subject(renderer, expr, vtype):
    """``text(rec, value)``: `rendering.named` of a subject that is a name, bound once."""
    from .rendering import named

    if not isinstance(expr, nodes.Name):
        return None
    name = expr.name
    formula = renderer.formula_of.get(name)
    return lambda rec, value: named(rec, name, value, vtype, formula)


def _finished(renderer, text, card, node, weight, raw, card_facts, note) -> str:
    """`Renderer._finish` of a leaf whose clauses are `text` (no ``show``): the points moved in before it, the
    clamp after, then its note."""
    clauses = [text]
    if node.moves_in:
        received = renderer._received(card, node, weight, card_facts)
        if received:
            clauses.insert(0, received)
    renderer._clamped(clauses, node, weight, raw)
    if note:
        clauses.append("依据：" + note)
    return CLAUSE.join(clauses) if len(clauses) > 1 else text


def _bands(renderer, rule, extra):
    """`Renderer._rule_BandsRule`: per arm whose head (and share) name nothing, the text around the subject's."""
    subject = _subject(renderer, rule.subject, extra["subject"])
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
        return _finished(renderer, body, card, node, weight, fact[1], card_facts, note)
    return text


def _deduction(renderer, rule, extra):
    """`Renderer._rule_DeductionRule` and `_line` of a rule of one stepped line beyond a threshold that names
    nothing (``deduct 0.5 per started 1% of 结转结余率 above 5%``)."""
    if len(rule.lines) != 1:
        return None
    line = rule.lines[0]
    when, subject_type, step_text, threshold_text = extra["lines"][0]
    per = line.per
    if when is not None or per is None or per.step is None or per.threshold is None:
        return None
    if step_text is None or threshold_text is None:
        return None
    subject = _subject(renderer, per.subject, subject_type)
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
        return _finished(renderer, body, card, node, weight, raw, card_facts, note)
    return text
