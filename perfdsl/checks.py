"""Static checks on a resolved `Model`: each is a small function returning diagnostics.

They encode what the published schemes got wrong — a group whose parts do
not add up to it, weight moved that does not add up to the weight freed,
grade bands that overlap — so a ruleset that passes cannot repeat it.
"""

from __future__ import annotations

import sys
from decimal import Decimal

from . import forms, intervals, nodes, reach
from .decimals import ROUNDING_MODES, money, percent_as_given, plain, quantum, round_score
from .errors import error, warning
from .intervals import INF, Interval, Ranges
from .model import Model
from .typecheck import literal_kind
from .unparse import expression


def check_group_weights(model: Model):
    """A group's declared weight is the sum of its children's; a scorecard's max is the sum of its top."""
    for card in model.scorecards:
        for node in card.nodes:
            if node.is_leaf or node.bonus or not node.children:
                continue
            parts = [card.nodes[i].declared for i in node.children]
            total = sum(parts, Decimal(0))
            if total != node.declared:
                terms = " + ".join(plain(p) for p in parts)
                span, notes, after = _edited_at(node.group, node.span)
                yield error("P310", f"分组 {node.name} 的分值为 {plain(node.declared)}，"
                                    f"但{after}下级指标合计 {terms} = {plain(total)}", span,
                            hint=f"声明 {plain(node.declared)}，下级合计 {plain(total)}", notes=notes)
        top = [card.nodes[i] for i in card.top if not card.nodes[i].bonus]
        total = sum((n.declared for n in top), Decimal(0))
        if total != card.max:
            terms = " + ".join(plain(n.declared) for n in top)
            declared = model.module_card(card.name)
            span, notes, after = _edited_at(declared, card.span)
            yield error("P311", f"计分卡 {card.name} 满分为 {plain(card.max)}，但{after}一级指标合计 {terms} = "
                                f"{plain(total)}", span, hint=f"max {plain(card.max)}，一级合计 {plain(total)}",
                        notes=notes)


def _edited_at(declared, span):
    """Where to report a sum that does not add up: the last `override` edit that changed it, if any.

    A group of a base ruleset that an edit changed is the edit's doing, so the
    message points there and notes the base's declaration.
    """
    edited = getattr(declared, "edited", ()) if declared is not None else ()
    if not edited:
        return span, (), ""
    return edited[-1], (("基础规则集中的声明", span),), "覆盖（override）后"


def check_empty_groups(model: Model):
    """A group with no indicators in it scores nothing and hides a mistake."""
    for card in model.scorecards:
        for node in card.nodes:
            if node.group is not None and not node.children and node.each is None and node.declared != 0:
                # an empty group as published (weight 0) is a placeholder and scores 0 (language.md §3)
                yield error("P310", f"分组 {node.name} 没有下级指标，但分值为 {plain(node.declared)}", node.span,
                            hint="没有指标的占位分组分值须为 0")


def check_reallocation(model: Model):
    """Weight moved away when an indicator does not apply adds up to exactly its weight.

    This is what keeps every sum right after reallocation: targets are leaves
    that always apply (P306), so weight moves once; a group's effective weight
    is the sum of its children's, so groups whose weight moves across them
    change (预算编制 9 → 7 in Chao'an, as published) but the scorecard's total
    is its max in every combination of indicators that apply.  What can
    still go wrong is a target that cannot earn what it receives (P315).
    """
    for card in model.scorecards:
        for node in card.leaves():
            applies = node.indicator.applies
            if applies is None or applies.full:
                continue
            moved = sum((m.amount for m in applies.moves), Decimal(0))
            if moved != node.declared:
                terms = " + ".join(plain(m.amount) for m in applies.moves)
                yield error("P312", f"指标 {node.name} 不适用时调出 {terms} = {plain(moved)}，"
                                    f"但其分值为 {plain(node.declared)}：总分值不守恒", applies.span,
                            hint=f"调出合计 {plain(moved)}，分值 {plain(node.declared)}")


def check_grades(model: Model):
    """Grade bands share out every total a scorecard can reach: each grade reachable, none left over.

    Arms are tried in order and the first whose bound the total reaches
    decides, so bands cannot overlap; a grade whose region earlier arms
    already hold can never be given, and without a catch-all last grade the
    totals below the lowest bound get none.
    """
    for card in model.scorecards:
        if not card.grades:
            continue
        totals = Interval(*card.cap) if card.cap else _totals(card)
        covered = Ranges()
        previous = None
        names = set()
        for position, arm in enumerate(card.grades):
            if arm.name in names:
                yield error("P313", f"等级 {arm.name} 重复", arm.span)
            names.add(arm.name)
            last = position == len(card.grades) - 1
            if arm.op is None:
                if not last:
                    yield error("P313", f"无条件的等级 {arm.name} 只能放在最后", arm.span)
                elif Ranges.of(totals).minus(covered).empty:
                    yield warning("P313", f"等级 {arm.name} 永远评不到：总分在 {_text(totals)} 内都已落入前面的等级",
                                  arm.span)
                continue
            value = _literal(arm.threshold)
            if value is None or literal_kind(arm.threshold) != "plain":  # 90%, 90万元: P307 says so, nothing to order
                continue
            region = intervals.region(arm.op, value)
            if value > card.max or value < 0:
                yield warning("P313", f"等级界限 {plain(value)} 在 [0, {plain(card.max)}] 之外", arm.span)
            elif previous is not None and Ranges.of(region.intersect(totals)).minus(covered).empty:
                yield error("P313", f"等级界限须从高到低排列：{plain(value)} 不低于上一档的 {plain(previous)}",
                            arm.span)
            covered = covered.union(region)
            previous = value
            if last:
                yield error("P313", f"最后一个等级须无条件（兜底），如 `差`；否则低于 {plain(value)} 的总分没有等级",
                            arm.span)


def _totals(card) -> Interval:
    """The totals a scorecard without a cap can reach: 0 to its max, widened by its bonus groups."""
    bonus = sum((card.nodes[i].declared for i in card.top if card.nodes[i].bonus), Decimal(0))
    return Interval(-bonus, card.max + bonus)


def check_reached(model: Model, analysis: reach.Analysis | None = None):
    """Each rule form's own check of the values its leaf meets where it applies (its `check_reached`: a band's
    arms, P401–P403), here among the checks."""
    analysis = analysis or reach.Analysis(model)
    for where, leaf, env in _leaves(model, analysis):
        if leaf.rule is not None:
            yield from forms.of(leaf.rule).check_reached(_CHECKS, analysis, model, where, leaf, env)


def check_bonus(model: Model):
    """A scorecard whose bonus can push the total past its maximum should say where it stops."""
    for card in model.scorecards:
        if card.cap is None and any(card.nodes[i].bonus for i in card.top):
            yield warning("P314", f"计分卡 {card.name} 有加减分项但没有 cap：总分可能超过 {plain(card.max)}",
                          card.span, hint=f"cap 0 .. {plain(card.max)}")


def check_full_marks(model: Model, analysis: reach.Analysis | None = None):
    """A leaf whose rule can never give its (effective) weight: points that cannot be earned.

    Checked for the declared weight and for every weight reallocation can give
    the leaf — weight moved to a leaf scored in fixed points (a checklist with
    ``=> 1`` items, bands without ``share``) is lost, and the scorecard's total
    can no longer be reached.  The bound is sound: what a rule can give is at
    most the interval found.
    """
    analysis = analysis or reach.Analysis(model)
    for card in model.scorecards:
        weights = _weights(card)
        for node, leaf, env in _scored_leaves(card, analysis):
            for weight, sources in weights[node.index]:
                most = _most(analysis, leaf, env, weight)
                if most is None or not intervals.above(weight, most):
                    continue
                if not sources:
                    yield warning("P315", f"指标 {node.name} 的分值为 {plain(weight)}，"
                                          f"但其规则最多得 {plain(most)} 分：满分永远得不到", node.span,
                                  hint=f"分值 {plain(weight)}，规则最多 {plain(most)}")
                else:
                    moved = " + ".join(plain(m.amount) for m in node.moves_in if m.source in sources)
                    names = "、".join(card.nodes[i].name for i in sorted(sources))
                    yield warning("P315", f"指标 {node.name} 在 {names} 不适用时分值为 {plain(node.declared)} + {moved}"
                                        f" = {plain(weight)}，但其规则最多得 {plain(most)} 分：调入的分值得不到",
                                node.span, hint="按分值比例计分（full、share）的指标才能接收调入的分值")
                break


def check_score_range(model: Model, analysis: reach.Analysis | None = None):
    """A leaf whose rule can give more than its weight, or less than 0, so that only the clamp saves it.

    A warning, and only when some allowed record gets there (an exact
    interval): the ruleset should say so — ``min(3 * 采购意向公开率, 3)``
    where the scheme caps it, a declared range (``rate in 0% .. 100%``,
    ``count <= 项目总数``) where the data cannot go there.  Deductions are
    left alone: 扣完为止 is what ``deduct`` means.
    """
    analysis = analysis or reach.Analysis(model)
    for card in model.scorecards:
        weights = _weights(card)
        for node, leaf, env in _scored_leaves(card, analysis):
            found = {}
            for weight, _ in weights[node.index]:
                for branch in reach.branches(analysis, leaf, env):
                    for code, diagnostic in _out_of_range(analysis, node.name, branch, weight):
                        found.setdefault(code, diagnostic)
            yield from found.values()


def _out_of_range(analysis, name, branch, weight):
    full = Interval.point(weight)
    node = branch.node
    shown = plain(weight)
    if not isinstance(node, nodes.Guard):  # a rule: its form may judge its own range (a ratio, a checklist's sum)
        own = forms.of(node).out_of_range(analysis, name, node, branch, weight, full)
        if own is not None:
            yield from own
            return
    for expr, value, share in _scored(analysis, branch, full):
        if value is None or not branch.exact(value):
            continue
        limit = Decimal(1) if share else weight
        if intervals.above(value.interval.hi, limit):
            what = f"分档比例 `{expression(expr)}` 超过 100%" if share else \
                f"`{expression(expr)}` 最高可达 {_end(value.interval.hi)}"
            yield "P410", warning("P410", f"指标 {name} 的得分可能超过其分值 {shown}：{what}，只靠截断",
                                  expr.span, hint=f"本应封顶就写 min(…, {shown})；数据不会如此就声明输入的范围")
        if intervals.above(Decimal(0), value.interval.lo):
            yield "P411", warning("P411", f"指标 {name} 的得分可能为负：`{expression(expr)}` 最低可达 "
                                          f"{_end(value.interval.lo)}，只靠截断为 0", expr.span,
                                  hint="数据不会为负就声明输入的范围（如 >= 0%）；本应扣完为止就写 max(…, 0)")


def _scored(analysis, branch, full):
    """(expression, value, is a share) for what a branch scores with: a case, a formula, band arms."""
    node = branch.node
    if isinstance(node, nodes.Guard):
        yield node.score, analysis.value(node.score, branch.env, full), False
    else:  # a rule: a formula, band arms (its form's `scored`)
        yield from forms.of(node).scored(analysis, node, branch.env, full)


def _most(analysis, leaf, env, weight) -> Decimal | None:
    """The most `leaf` can score with full marks `weight` (an upper bound), or None if that cannot be told."""
    full = Interval.point(weight)
    most = -INF
    for branch in reach.branches(analysis, leaf, env):
        node = branch.node
        if isinstance(node, nodes.Guard):
            scored = [value for _, value, _ in _scored(analysis, branch, full)]
            if any(value is None for value in scored):
                return None
            high = max(intervals.times(value.interval.hi, Decimal(1)) for value in scored)
        else:  # a rule: its form says (full marks are possible for most)
            high = forms.of(node).most(analysis, node, branch.env, weight, full)
        if high is None:
            return None
        most = max(most, high)
    return most if most != -INF else None


def check_divisions(model: Model, analysis: reach.Analysis | None = None):
    """A division by an input that may be 0 where it is evaluated: the record would fail there.

    A ``when 项目总数 == 0 => …`` case before the rule, ``applies``, an ``if``
    or an ``and`` that rules 0 out is a guard.  Only a divisor that is one
    input (or list field) is judged; a division by a total of several figures
    is zero only when all are, which a declared range cannot say.  Figures
    shown with ``show`` never fail a record and are not judged.
    """
    analysis = analysis or reach.Analysis(model)
    seen = set()
    for where, leaf, env in _leaves(model, analysis, applying=False):
        for division in _leaf_divisions(analysis, leaf, env):
            if id(division.node) in seen:
                continue
            seen.add(id(division.node))
            notes = ()
            span = division.node.span
            if span is not None and leaf.span is not None and (span.source is not leaf.span.source
                                                               or not leaf.span.line <= span.line):
                notes = ((f"指标 {where} 用到它时没有排除 0", leaf.span),)
            shown = _shower(model, division.node.right if isinstance(division.node, nodes.Binary) else division.node)
            yield warning("P412", f"除数 `{division.divisor}` 可能为 0（取值 {_text(division.interval, shown)}），"
                                  "规则没有先处理：这样的记录无法计分", span,
                          hint=f"先写 when {division.divisor} == 0 => …，或声明它的范围", notes=notes)


def _leaf_divisions(analysis, leaf, env):
    if leaf.applies is not None:
        yield from analysis.divisions(leaf.applies.condition, env)
        env = analysis.refine(env, leaf.applies.condition, True)
        if env is None:
            return
    for guard in leaf.guards:
        yield from analysis.divisions(guard.condition, env)
        here = analysis.refine(env, guard.condition, True)
        if here is not None:
            yield from analysis.divisions(guard.score, here)
        env = analysis.refine(env, guard.condition, False)
        if env is None:
            return
    rule = leaf.rule
    if rule is not None:
        yield from forms.of(rule).divisions(analysis, rule, env)


def check_unused(model: Model):
    """Inputs and derived values nothing reads: a leftover, or a figure a rule forgot.

    Read means named by a scorecard (rules, cases, ``applies``, ``show``), by
    a property, by a derived value that is read, by an input's range, or as
    the header's ``record``.  A library (a file without scorecards) offers its definitions
    to others and is not judged, nor are the definitions a ruleset includes.
    """
    module = model.module
    cards = [decl for decl in module.decls if isinstance(decl, nodes.Scorecard)]
    if not cards:
        return
    read = set()
    roots = list(cards) + [decl for decl in module.decls if isinstance(decl, (nodes.InputDecl, nodes.PropertyDecl))]
    for root in roots:
        if isinstance(root, nodes.InputDecl):
            bounds = [root.low, root.high] + [b for f in root.type.fields for b in (f.low, f.high)]
            read |= {n.name for b in bounds if b is not None for n in nodes.walk(b) if isinstance(n, nodes.Name)}
            continue
        for node in nodes.walk(root):
            if isinstance(node, nodes.Name):
                read.add(node.name)
            elif isinstance(node, nodes.Each):
                read.add(node.list_name)
            elif node.__class__ in forms.BY_CLASS and forms.of(node).ASSESSOR and node.input_name is not None:
                read.add(node.input_name)
    if model.record is not None:
        read.add(model.record)
    todo = [name for name in read if model.let(name) is not None]
    while todo:
        for name in model.let(todo.pop()).deps:
            if name not in read:
                read.add(name)
                if model.let(name) is not None:
                    todo.append(name)
    for decl in module.decls:
        if isinstance(decl, nodes.InputDecl) and decl.informational:
            continue  # kept for the record on purpose (check_informational: no rule reads it)
        if not isinstance(decl, (nodes.InputDecl, nodes.LetDecl)) or decl.name in read:
            continue
        if decl.span is None or decl.span.source.path != model.path:
            continue
        kind = "输入" if isinstance(decl, nodes.InputDecl) else "派生值"
        yield warning("P210", f"{kind} {decl.name} 没有被使用", decl.span,
                      hint="删除它，或在规则、show 中用到它")


def check_informational(model: Model):
    """An input declared ``informational`` is shown, never scored: a rule that reads it is an error.

    Reading means what the score depends on — a rule, a case, ``applies``, a
    bound of another input, a derived value those read; ``show`` and
    properties may name it (they do not score).  Declared so, a changed 年度
    cannot silently change a score.
    """
    informational = {spec.name for spec in model.inputs if spec.informational}
    if not informational:
        return
    lets = {spec.name: spec for spec in model.lets}

    def through(name, trail=()):
        if name in informational:
            return trail + (name,)
        spec = lets.get(name)
        if spec is None or name in trail:
            return None
        for dep in sorted(spec.deps):
            found = through(dep, trail + (name,))
            if found:
                return found
        return None

    reported = set()
    for decl in model.module.decls:
        roots = []
        if isinstance(decl, nodes.Scorecard):
            roots = [decl]
        elif isinstance(decl, nodes.InputDecl):
            roots = [b for b in (decl.low, decl.high) if b is not None]
        for root in roots:
            todo = [root]
            while todo:
                node = todo.pop()
                if isinstance(node, nodes.Show):
                    continue
                if isinstance(node, nodes.Name):
                    chain = through(node.name)
                    if chain and (chain[-1], id(node)) not in reported:
                        reported.add((chain[-1], id(node)))
                        via = f"（经由 {' → '.join(chain[:-1])}）" if len(chain) > 1 else ""
                        yield error("P211", f"输入 {chain[-1]} 声明为 informational（仅供参考、不计分），"
                                            f"但这里的评分用到了它{via}", node.span,
                                    hint=f"要计分就去掉 {chain[-1]} 的 informational；只想显示就写 show {chain[-1]}")
                    continue
                todo.extend(nodes.children(node))


# ── helpers ─────────────────────────────────────────────────────────────────


def _scored_leaves(card, analysis):
    """(node, indicator, what is known where it applies) for every leaf scored against its weight."""
    for node in card.leaves():
        if node.bonus:
            continue
        env = reach.applicable(analysis, node.indicator)
        if env is not None:
            yield node, node.indicator, env


def _leaves(model, analysis, applying=True):
    """(name, indicator, env) for every leaf of every scorecard and every ``each`` group's item rule.

    `applying`: start from where the leaf applies (else from nothing known; the caller reads ``applies``).
    """
    for card in model.scorecards:
        for node in card.nodes:
            if node.is_leaf:
                env = reach.applicable(analysis, node.indicator) if applying else reach.Env()
                if env is not None:
                    yield node.name, node.indicator, env
            elif node.each is not None:
                spec = model.input(node.each.list_name)
                if spec is None or spec.type.kind != "list":
                    continue
                env = reach.Env(fields={f.name: f for f in spec.fields})
                if node.each.where is not None:
                    env = analysis.refine(env, node.each.where, True)
                if env is not None:
                    yield f"{node.name} 的各项", node.each.template, env


def _weights(card) -> dict:
    """For each leaf: (effective weight, the leaves whose not applying gives it), the declared one first."""
    out = {node.index: [(node.declared, frozenset())] for node in card.nodes}
    for absent in reach.combinations(card):
        for node in card.leaves():
            moved = [m for m in node.moves_in if m.source in absent]
            if moved:
                weight = node.declared + sum((m.amount for m in moved), Decimal(0))
                sources = frozenset(m.source for m in moved)
                if all(weight != w for w, _ in out[node.index]):
                    out[node.index].append((weight, sources))
    return out


def _shower(model, expr):
    """How a value of `expr` is written in a message: a rate as a percentage, money in its unit."""
    kind = model.type_of(expr)
    if kind is not None and kind.kind == "rate":
        return lambda value: percent_as_given(value) if value.is_finite() else plain(value)
    if kind is not None and kind.kind == "money":
        return lambda value: money(value, kind.unit or "元") if value.is_finite() else plain(value)
    return plain


def _end(value) -> str:
    return plain(value) if value.is_finite() else ("+∞" if value > 0 else "-∞")


def _text(interval: Interval, shown=plain) -> str:
    return interval.describe(shown)


def _literal(expr):
    if isinstance(expr, nodes.Num):
        return expr.value
    if isinstance(expr, nodes.Neg) and isinstance(expr.operand, nodes.Num):
        return -expr.operand.value
    return None


#: The precisions a ruleset may name: whole points to a millionth of one.
PRECISIONS = range(0, 7)


def check_precision(model: Model):
    """Every weight, moved amount, scorecard maximum and cap is a multiple of the rounding step.

    A leaf's score is kept within its weight and then rounded; at ``precision 0`` a weight of 50.5
    rounds (half-up) to 51, so 50.5 + 49.5 totals 101 of 100 — or (``down``) to 50, so full marks
    are out of reach.  A precision beyond what any scheme writes (or than exact decimals hold)
    fails every record: it is refused here.
    """
    header = model.module.header
    span = header.field_span("precision") if header is not None else None
    if model.precision not in PRECISIONS:
        yield error("P316", f"precision {model.precision} 不合理：得分的小数位数须在 {PRECISIONS.start} 到 "
                            f"{PRECISIONS.stop - 1} 之间", span, hint="评分表通常保留 2 位小数：precision 2")
        return
    step = quantum(model.precision)
    places = f" {model.precision} 位小数" if model.precision else "整数"
    for card in model.scorecards:
        # (figure, what it is — a function, so that the text is made only for a figure that is reported —, where)
        figures = [(node.declared,
                    lambda node=node: f"{'分组' if node.group is not None else '指标'} {node.name} 的分值", node.span)
                   for node in card.nodes]
        figures.append((card.max, lambda: f"计分卡 {card.name} 的满分", card.span))
        for node in card.leaves():
            applies = node.indicator.applies
            for move in applies.moves if applies is not None else ():
                figures.append((move.amount,
                                lambda node=node, move=move: f"指标 {node.name} 调出给 {move.target} 的分值",
                                move.span))
        if card.cap is not None:
            figures += [(bound, lambda: f"计分卡 {card.name} 的 cap 界限", None) for bound in card.cap]
        for value, what, where in figures:
            if value % step:
                what = what()
                rounded = round_score(value, step, ROUNDING_MODES[model.rounding])
                effect = (f"得满分时四舍五入为 {plain(rounded)}，超过分值" if rounded > value
                          else f"最高只能得 {plain(rounded)}，得不到满分")
                yield error("P317", f"精度为{places}（precision {model.precision}）时，{what} {plain(value)} 无法表示："
                                    f"{effect}", where or span, hint=f"分值须是 {plain(step)} 的整数倍")
        leaves = [node.declared for node in card.leaves() if not node.bonus]
        reach = _rounded_top(card, step, ROUNDING_MODES[model.rounding])
        if reach > card.max and reach != sum(leaves, Decimal(0)):  # the excess is rounding's (P310/P311 the rest)
            yield error("P317", f"精度为{places}时，计分卡 {card.name} 各指标得满分后合计 {plain(reach)}，"
                                f"超过满分 {plain(card.max)}", span or card.span,
                        hint="改用能表示全部分值的精度（如 precision 2），或调整分值")


def _rounded_top(card, step, mode) -> Decimal:
    """The total of a scorecard whose every leaf (not a bonus) scores its declared weight, rounded."""
    return sum((round_score(node.declared, step, mode) for node in card.leaves() if not node.bonus), Decimal(0))


def check_written(model: Model):
    """Each rule form's own check of what the ruleset writes (its `check_written`: a target's text read now,
    P420–P422), here among the checks; an `each` group's items by their template."""
    for card in model.scorecards:
        for node in card.nodes:
            indicator = node.indicator if node.indicator is not None else (node.each.template if node.each else None)
            rule = indicator.rule if indicator is not None else None
            if rule is not None:
                yield from forms.of(rule).check_written(_CHECKS, model, node, rule)


def check_item_weights(model: Model):
    """``weights 8, 8, 10`` must add up to the group's weight, as a group's children must (P332)."""
    for card in model.scorecards:
        for node in card.nodes:
            if node.each is None or not node.each.weights:
                continue
            total = sum(node.each.weights, Decimal(0))
            if total != node.declared:
                terms = " + ".join(plain(w) for w in node.each.weights)
                yield error("P332", f"分组 {node.name} 的分值为 {plain(node.declared)}，但 weights 合计 {terms} = "
                                    f"{plain(total)}", node.each.span,
                            hint=f"声明 {plain(node.declared)}，各项合计 {plain(total)}")


def check_card_rules(model: Model):
    """Scorecard rules reasoned about: a cap outside [0, max] or one that never lowers a total (P333), and
    the grades a cap that always applies leaves out of reach (P334)."""
    for card in model.scorecards:
        top = _totals(card).hi if card.cap is None else card.cap[1]
        reachable = top
        for rule in card.rules:
            values = []
            if isinstance(rule, nodes.CapBy):
                values = [(arm.value, arm) for arm in rule.arms]
                always = any(arm.op is None for arm in rule.arms)
                if always:
                    most = max((_literal(arm.value) for arm in rule.arms if _literal(arm.value) is not None),
                               default=None)
                    if most is not None and all(_literal(arm.value) is not None for arm in rule.arms):
                        reachable = min(reachable, most)
            elif isinstance(rule, nodes.Veto) and rule.cap is not None:
                values = [(rule.cap, rule)]
            for expr, where in values:
                value = _literal(expr)
                if value is None:
                    continue
                if value < 0:
                    yield warning("P333", f"封顶 {plain(value)} 低于 0", where.span)
                elif value >= top:
                    yield warning("P333", f"封顶 {plain(value)} 不低于总分所能达到的 {plain(top)}，永远不起作用",
                                  where.span, hint="不封顶的一档可以不写（没有 else 即不封顶）"
                                  if isinstance(rule, nodes.CapBy) else None)
        if reachable < top and card.grades:
            for arm in card.grades:
                value = _literal(arm.threshold) if arm.threshold is not None else None
                if value is None:
                    continue
                if value > reachable or (arm.op == ">" and value >= reachable):
                    forced = any(isinstance(r, nodes.Veto) and r.grade == arm.name for r in card.rules)
                    if not forced:
                        yield warning("P334", f"等级 {arm.name} 永远评不到：封顶后总分最高 {plain(reachable)}",
                                      arm.span)


CHECKS = (
    check_precision,
    check_item_weights,
    check_card_rules,
    check_written,
    check_group_weights,
    check_empty_groups,
    check_reallocation,
    check_full_marks,
    check_grades,
    check_reached,
    check_bonus,
    check_score_range,
    check_divisions,
    check_unused,
    check_informational,
)


#: The checks that judge values (`reach`): they share one analysis of the model (its inputs' declared
#: intervals and its derived values' are worked out once, not once per check).
_REACHING = frozenset((check_full_marks, check_reached, check_score_range, check_divisions))


_CHECKS = sys.modules[__name__]  # what a form's check hooks are given: this module's helpers (`_shower` …)


def run_checks(model: Model):
    analysis = reach.Analysis(model)
    for check in CHECKS:
        yield from check(model, analysis) if check in _REACHING else check(model)
