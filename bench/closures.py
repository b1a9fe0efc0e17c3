"""The road not taken: compile a perfdsl model to nested closures instead of Python source.

Kept for the benchmark only, so the choice of generated source in
`perfdsl/codegen.py` rests on a measurement of this ruleset rather than on
folklore.  Same semantics as `perfdsl.interp` (the benchmark checks every
record against the shipped evaluator before timing).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from perfdsl import nodes
from perfdsl.decimals import ROUNDING_MODES, SNAP, quantum
from perfdsl.runtime import UNDEFINED

ZERO = Decimal(0)
ONE = Decimal(1)


def compile_model(model):
    """A function (slots tuple) → the same flat tuple the generated evaluator returns."""
    step = quantum(model.precision)
    mode = ROUNDING_MODES[model.rounding]
    let_index = {spec.name: i for i, spec in enumerate(model.lets)}
    card_index = {card.name: card.index for card in model.scorecards}
    # state: [lets..., totals...]; lets are filled lazily (None = not yet)
    n_lets = len(model.lets)

    def name(text):
        spec = model.input(text)
        if spec is not None:
            slot = spec.slot
            return lambda v, s, w: v[slot]
        if text in let_index:
            i = let_index[text]
            body = expr(model.lets[i].expr)

            def let(v, s, w):
                value = s[i]
                if value is None:
                    try:
                        value = body(v, s, w)
                    except Exception:
                        value = UNDEFINED
                    s[i] = value
                return value

            return let
        i = n_lets + card_index[text]
        return lambda v, s, w: s[i]

    def expr(e):
        if isinstance(e, nodes.Num):
            value = e.value
            return lambda v, s, w: value
        if isinstance(e, (nodes.Bool, nodes.Str)):
            value = e.value
            return lambda v, s, w: value
        if isinstance(e, nodes.Name):
            return name(e.name)
        if isinstance(e, nodes.Full):
            return lambda v, s, w: w
        if isinstance(e, nodes.Neg):
            f = expr(e.operand)
            return lambda v, s, w: -f(v, s, w)
        if isinstance(e, nodes.Binary):
            a, b = expr(e.left), expr(e.right)
            return {
                "+": lambda v, s, w: a(v, s, w) + b(v, s, w),
                "-": lambda v, s, w: a(v, s, w) - b(v, s, w),
                "*": lambda v, s, w: a(v, s, w) * b(v, s, w),
                "/": lambda v, s, w: a(v, s, w) / b(v, s, w),
            }[e.op]
        if isinstance(e, nodes.Compare):
            a, b = expr(e.left), expr(e.right)
            return {
                "==": lambda v, s, w: a(v, s, w) == b(v, s, w),
                "!=": lambda v, s, w: a(v, s, w) != b(v, s, w),
                "<": lambda v, s, w: a(v, s, w) < b(v, s, w),
                "<=": lambda v, s, w: a(v, s, w) <= b(v, s, w),
                ">": lambda v, s, w: a(v, s, w) > b(v, s, w),
                ">=": lambda v, s, w: a(v, s, w) >= b(v, s, w),
            }[e.op]
        if isinstance(e, nodes.Logic):
            a, b = expr(e.left), expr(e.right)
            if e.op == "and":
                return lambda v, s, w: a(v, s, w) and b(v, s, w)
            return lambda v, s, w: a(v, s, w) or b(v, s, w)
        if isinstance(e, nodes.Not):
            a = expr(e.operand)
            return lambda v, s, w: not a(v, s, w)
        if isinstance(e, nodes.If):
            t, a, b = expr(e.test), expr(e.then), expr(e.otherwise)
            return lambda v, s, w: a(v, s, w) if t(v, s, w) else b(v, s, w)
        if isinstance(e, nodes.Call):
            args = [expr(a) for a in e.args]
            if e.func in ("min", "max"):
                pick = (lambda x, y: min(x, y)) if e.func == "min" else (lambda x, y: max(x, y))

                def fold(v, s, w):
                    result = args[0](v, s, w)
                    for f in args[1:]:
                        result = pick(result, f(v, s, w))
                    return result

                return fold
            a = args[0]
            if e.func == "abs":
                return lambda v, s, w: abs(a(v, s, w))
            rounding = ROUND_CEILING if e.func == "ceil" else ROUND_FLOOR
            return lambda v, s, w: a(v, s, w).to_integral_value(rounding)
        raise AssertionError(e)

    def rule(r, node):
        if isinstance(r, nodes.ScoreRule):
            return expr(r.expr)
        if isinstance(r, nodes.RatioRule):
            n, d = expr(r.numerator), expr(r.denominator)
            return lambda v, s, w: w * n(v, s, w) / d(v, s, w)
        if isinstance(r, nodes.BandsRule):
            subject = expr(r.subject)
            arms = [(a.op, expr(a.threshold) if a.threshold is not None else None, expr(a.value)) for a in r.arms]
            tests = {">=": lambda x, y: x >= y, ">": lambda x, y: x > y, "<=": lambda x, y: x <= y,
                     "<": lambda x, y: x < y, "==": lambda x, y: x == y, "!=": lambda x, y: x != y}
            share = r.share

            def bands(v, s, w):
                x = subject(v, s, w)
                for op, threshold, value in arms:
                    if op is None or tests[op](x, threshold(v, s, w)):
                        return w * value(v, s, w) if share else value(v, s, w)
                return ZERO

            return bands
        if isinstance(r, nodes.ChecklistRule):
            conds = [expr(i.condition) for i in r.items]
            if r.items[0].points is None:
                count = Decimal(len(conds))
                return lambda v, s, w: w * sum((ONE if c(v, s, w) else ZERO for c in conds), ZERO) / count
            pts = [expr(i.points) for i in r.items]
            return lambda v, s, w: sum((p(v, s, w) if c(v, s, w) else ZERO for c, p in zip(conds, pts)), ZERO)
        if isinstance(r, nodes.ManualRule):
            slot = model.input(node.manual_input).slot

            judged_score = r.mode == "score"

            def manual(v, s, w):
                d = v[slot]
                if d > w:
                    raise ValueError("judgement above weight")
                return d if judged_score else w - d

            return manual
        if isinstance(r, nodes.DeductionRule):
            adds = all(line.kind == "add" for line in r.lines)
            from_zero = node.bonus or adds
            lines = [deduction(line) for line in r.lines]

            def deductions(v, s, w):
                total = ZERO if from_zero else w
                for sign, f in lines:
                    total = total + f(v, s, w) if sign else total - f(v, s, w)
                return total

            return deductions
        raise AssertionError(r)

    def deduction(line):
        amount = expr(line.amount)
        cap = expr(line.up_to) if line.up_to is not None else None
        if line.when is not None:
            cond = expr(line.when)
            value = lambda v, s, w: (lambda a: a if cond(v, s, w) else ZERO)(amount(v, s, w))
        else:
            per = line.per
            subject = expr(per.subject)
            if per.step is None:
                def value(v, s, w):
                    a = amount(v, s, w)
                    n = subject(v, s, w)
                    return a * (max(ZERO, n))
            else:
                step = expr(per.step)
                threshold = expr(per.threshold) if per.threshold is not None else None
                above = per.direction == "above"
                rounding = {"started": ROUND_CEILING, "whole": ROUND_FLOOR}.get(per.mode)

                def value(v, s, w):
                    a = amount(v, s, w)
                    x = subject(v, s, w)
                    st = step(v, s, w)
                    if threshold is None:
                        excess = x
                    else:
                        t = threshold(v, s, w)
                        excess = x - t if above else t - x
                    if excess <= ZERO:
                        return ZERO
                    count = excess / st
                    return a * (count.to_integral_value(rounding) if rounding else count)

        def capped(v, s, w):
            x = value(v, s, w)
            if cap is not None:
                c = cap(v, s, w)
                if x > c:
                    return c
            return x

        return (line.kind == "add", capped)

    cards = []
    for index in model.order:
        card = model.scorecards[index]
        leaves = []
        for node in card.leaves():
            ind = node.indicator
            applies = expr(ind.applies.condition) if ind.applies else None
            guards = [(expr(g.condition), expr(g.score)) for g in ind.guards]
            leaves.append((node, applies, ind.applies.full if ind.applies else False, guards, rule(ind.rule, node)))
        groups = [node for node in reversed(card.nodes) if not node.is_leaf]
        if any(node.each is not None for node in card.nodes):
            raise NotImplementedError("the closure backend is a benchmark baseline; it has no `each` groups")
        cards.append((card, leaves, groups))

    def evaluate(values):
        s = [None] * n_lets + [None] * len(model.scorecards)
        flat = {}
        for card, leaves, groups in cards:
            size = len(card.nodes)
            weights = [node.declared for node in card.nodes]
            scores = [ZERO] * size
            applicable = {}
            for node, applies, _, _, _ in leaves:
                if applies is not None:
                    applicable[node.index] = applies(values, s, None)
            for node, applies, full, _, _ in leaves:
                if applies is not None and not applicable[node.index] and not full:
                    weights[node.index] = ZERO
                for move in node.moves_in:
                    if not applicable[move.source]:
                        weights[node.index] += move.amount
            for node, applies, full, guards, compiled in leaves:
                w = weights[node.index]
                if applies is not None and not applicable[node.index]:
                    raw = w if full else ZERO
                else:
                    for cond, score in guards:
                        if cond(values, s, w):
                            raw = score(values, s, w)
                            break
                    else:
                        raw = compiled(values, s, w)
                high = node.declared if node.bonus else w
                low = -node.declared if node.bonus else ZERO
                raw = high if raw > high else (max(raw, low))
                scores[node.index] = raw.quantize(SNAP, ROUND_HALF_EVEN).quantize(step, mode)
            for node in groups:
                total = ZERO + sum((scores[i] for i in node.children), ZERO)
                if node.bonus:
                    total = min(max(total, -node.declared), node.declared)
                    weights[node.index] = node.declared
                else:
                    weights[node.index] = sum((weights[i] for i in node.children), ZERO)
                scores[node.index] = total
            total = ZERO + sum((scores[i] for i in card.top), ZERO)
            if card.cap is not None:
                total = min(max(total, card.cap[0]), card.cap[1])
            grade = None
            for arm in card.grades or ():
                if arm.op is None or (total >= arm.threshold.value if arm.op == ">=" else total > arm.threshold.value):
                    grade = arm.name
                    break
            s[n_lets + card.index] = total
            block = []
            for i in range(size):
                block += [weights[i], scores[i]]
            flat[card.index] = block + [total, grade, ()]
        return tuple(x for index in range(len(model.scorecards)) for x in flat[index])

    return evaluate
