"""The reference evaluator: walks the model for one record, with a basis line for every indicator.

It is the meaning of the language.  The compiled evaluator (`codegen`) must
agree with it to the last digit (the differential tests check this), and the
basis text `rendering` writes from the compiled evaluator's facts must equal
its own byte for byte (tests/test_basis_core.py); it supplies `explain` traces
and the text of what `rendering` leaves to it; and when a compiled run fails,
it is asked again so that the message can name the indicator, the input and
the figures.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation, localcontext

from . import basis, cardrules, forms, nodes, printed, targets
from .basis import CLAUSE, PLACEHOLDER, SENTENCE, points, show_value
from .basis import pretty as _pretty
from .basis import split_text as _split_text
from .decimals import CONTEXT, ROUNDING_MODES, ZERO, percent_as_given, plain, quantum, round_score
from .errors import DataValueError, EvaluationError, MissingInput, RecordError
from .frozen import evolve, field, frozen
from .model import Model, NodeSpec, ScorecardSpec
from .runtime import split  # noqa: F401 (interp.split: the same equal split as generated code)
from .types import RATE
from .unparse import expression
from .values import MISSING, Record, item_names  # noqa: F401 (item_names re-exported)


@frozen
class NodeTrace:
    """How one indicator (group or leaf) was scored."""

    weight: Decimal  # effective weight
    score: Decimal
    basis: str
    applicable: bool = True
    inputs: tuple[str, ...] = ()  # inputs read, in order
    lets: tuple[str, ...] = ()  # derived values used, in order
    arm: str | None = None  # the rule arm that decided the score
    raw: Decimal | None = None  # a leaf's score as its rule computed it, before clamping and rounding
    name: str | None = None  # an item of an `each` group: its name


@frozen
class CardTrace:
    name: str
    max: Decimal
    nodes: tuple[NodeTrace, ...]
    total: Decimal
    grade: str | None
    basis: str
    items: dict = field(factory=dict)  # node index of an `each` group → its items' NodeTraces
    adjustments: tuple = ()  # `cardrules.Adjustment` of each scorecard rule, in the order they apply


@frozen
class Trace:
    cards: dict  # name → CardTrace, in declaration order
    lets: dict  # derived values computed, name → value


class _Leaf:
    """Bookkeeping while one leaf is scored: what it read and the basis clauses."""

    def __init__(self, node: NodeSpec, weight: Decimal):
        self.node = node
        self.weight = weight
        self.inputs: list[str] = []
        self.lets: list[str] = []
        self.clauses: list[str] = []
        self.arm: str | None = None
        self.described: set[str] = set()  # figures whose derivation the basis already gives


class Evaluation:
    """Scores one record against a model."""

    def __init__(self, model: Model, record: Record):
        self.model = model
        self.values = record.values
        self.notes = record.notes
        self.units = record.units
        self.lets: dict[str, object] = {}
        self.totals: dict[str, Decimal] = {}
        self.step = quantum(model.precision)
        self.mode = ROUNDING_MODES[model.rounding]
        self.leaf: _Leaf | None = None
        self._computing: list[str] = []
        # list items in scope: field name → (value, field spec, data key), innermost last
        self.scopes: list[dict[str, tuple]] = []
        # when a list, every indicator's error is kept here and scoring goes on (see `problems`)
        self.collected: list[RecordError] | None = None

    # ── values ──────────────────────────────────────────────────────────────

    def read(self, name: str):
        for scope in reversed(self.scopes):
            if name in scope:
                value, _, key = scope[name]
                if self.leaf is not None and key not in self.leaf.inputs:
                    self.leaf.inputs.append(key)
                if value is MISSING:
                    raise MissingInput(f"缺少 `{key}`", key=key)
                return value
        if name in self.totals:
            return self.totals[name]
        spec = self.model.input(name)
        if spec is not None:
            value = self.values.get(name, MISSING)
            if self.leaf is not None and name not in self.leaf.inputs:
                self.leaf.inputs.append(name)
            if value is MISSING:
                raise MissingInput(f"缺少输入 `{name}`", key=name)
            return value
        let = self.model.let(name)
        if let is not None:
            if self.leaf is not None and name not in self.leaf.lets:
                self.leaf.lets.append(name)
            if name not in self.lets:
                self._computing.append(name)
                try:
                    self.lets[name] = self.eval(let.expr)
                finally:
                    self._computing.pop()
            return self.lets[name]
        raise AssertionError(f"unbound name {name}")  # resolve guarantees every name is bound

    def eval(self, expr, full: Decimal | None = None):
        if isinstance(expr, nodes.Num):
            return expr.value
        if isinstance(expr, (nodes.Bool, nodes.Str)):
            return expr.value
        if isinstance(expr, nodes.Name):
            return self.read(expr.name)
        if isinstance(expr, nodes.Full):
            return full
        if isinstance(expr, nodes.Neg):
            return -self.eval(expr.operand, full)
        if isinstance(expr, nodes.Binary):
            left = self.eval(expr.left, full)
            right = self.eval(expr.right, full)
            if expr.op == "+":
                return left + right
            if expr.op == "-":
                return left - right
            if expr.op == "*":
                return left * right
            if right == 0:
                raise self._division_by_zero(expr)
            return left / right
        if isinstance(expr, nodes.Compare):
            left = self.eval(expr.left, full)
            right = self.eval(expr.right, full)
            return _COMPARE[expr.op](left, right)
        if isinstance(expr, nodes.Logic):
            left = self.eval(expr.left, full)
            if expr.op == "and":
                return self.eval(expr.right, full) if left else False
            return True if left else self.eval(expr.right, full)
        if isinstance(expr, nodes.Not):
            return not self.eval(expr.operand, full)
        if isinstance(expr, nodes.If):
            return self.eval(expr.then if self.eval(expr.test, full) else expr.otherwise, full)
        if isinstance(expr, nodes.Call):
            if expr.args and isinstance(expr.args[0], nodes.Query):
                return self._aggregate(expr.func, expr.args[0], full)
            if expr.func == "given":
                return self._given(expr.args[0].name)
            args = [self.eval(arg, full) for arg in expr.args]
            if expr.func == "deviation":
                return self._deviation(expr, args)
            if expr.func == "min":
                result = args[0]
                for arg in args[1:]:
                    result = min(result, arg)
                return result
            if expr.func == "max":
                result = args[0]
                for arg in args[1:]:
                    result = max(result, arg)
                return result
            if expr.func == "abs":
                return abs(args[0])
            if expr.func == "round":
                places = int(args[1]) if len(args) > 1 else 0
                return round_score(args[0], quantum(places), self.mode)
            if expr.func == "ceil":
                return args[0].to_integral_value(rounding=ROUND_CEILING)
            return args[0].to_integral_value(rounding=ROUND_FLOOR)
        raise AssertionError(f"cannot evaluate {expr!r}")  # pragma: no cover

    def _deviation(self, expr, args):
        """``deviation(目标值, 实际值)``: how far an actual lies beyond its target (`targets.deviation`)."""
        declared = self.model.type_of(expr.args[1])
        kind, unit = (declared.kind, declared.unit) if declared else (None, None)
        try:
            return targets.deviation(args[0], args[1], kind, unit, args[2] if len(args) > 2 else None)
        except targets.TargetError as exc:
            keys = [self.read_key(arg) for arg in expr.args[:2]]
            raise DataValueError(str(exc), key=keys[1] if "实际" in str(exc) else keys[0]) from None

    def read_key(self, expr) -> str | None:
        """The data key a name reads in the current scope (``绩效指标[2].目标值``), if it is one."""
        if not isinstance(expr, nodes.Name):
            return None
        for scope in reversed(self.scopes):
            if expr.name in scope:
                return scope[expr.name][2]
        return expr.name if self.model.input(expr.name) is not None else None

    def _given(self, name: str) -> bool:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name][0] is not MISSING
        return self.values.get(name, MISSING) is not MISSING

    def items(self, list_name: str):
        """Yield each item of a list input with its fields in scope (the scope is popped after)."""
        spec = self.model.input(list_name)
        for number, item in enumerate(self.read(list_name), start=1):
            key = f"{list_name}[{number}]"
            self.scopes.append({f.name: (item[f.slot], f, f"{key}.{f.name}") for f in spec.fields})
            try:
                yield number, item
            finally:
                self.scopes.pop()

    def _aggregate(self, func: str, query, full):
        """sum, mean, count, all, any, min or max over the items that pass `where`, in order."""
        results = []
        for _ in self.items(query.source.name):
            if query.where is not None and not self.eval(query.where, full):
                continue
            results.append(True if query.value is None else self.eval(query.value, full))
        if func == "count":
            return Decimal(len(results))
        if func == "all":
            return all(results)
        if func == "any":
            return any(results)
        if func == "sum":
            total = ZERO
            for value in results:
                total = total + value
            return total
        if not results:
            raise EvaluationError(f"{func}：{query.source.name} 中没有符合条件的项", key=query.source.name)
        if func == "mean":
            total = ZERO
            for value in results:
                total = total + value
            return total / len(results)
        best = results[0]
        for value in results[1:]:
            best = best if (best <= value if func == "min" else best >= value) else value
        return best

    def _division_by_zero(self, expr) -> EvaluationError:
        divisor = expression(expr.right)
        where = f"派生值 {self._computing[-1]}" if self._computing else "公式"
        key = None
        names = [n.name for n in nodes.walk(expr.right) if isinstance(n, nodes.Name)]
        for name in names:
            if self.model.input(name) is not None:
                key = name
                break
        shown = self._show(expr.right)
        detail = f"`{divisor}` = {shown}" if shown != divisor else f"`{divisor}`"
        return EvaluationError(f"除数为 0：{where} `{expression(expr)}` 中 {detail} = 0",
                               key=key)

    # ── text ────────────────────────────────────────────────────────────────

    def _bound(self, name: str) -> bool:
        """Whether `name` has a value here (a list field only while one of its items is in scope)."""
        return (any(name in scope for scope in self.scopes) or name in self.totals
                or self.model.input(name) is not None or self.model.let(name) is not None)

    def _shown(self, name: str) -> str | None:
        if not self._bound(name):
            return None
        spec = self.model.input(name)
        if spec is not None and spec.type.kind == "list" and not any(name in scope for scope in self.scopes):
            return None  # a list is shown by name; its items show in their own rows
        try:
            value = self.read(name)
        except RecordError:
            return None
        for scope in reversed(self.scopes):
            if name in scope:
                _, spec, key = scope[name]
                vtype = spec.type
                if key in self.units:
                    vtype = evolve(vtype, unit=self.units[key])
                return show_value(value, vtype)
        spec = self.model.input(name)
        if spec is not None:
            vtype = spec.type
            if name in self.units:
                vtype = evolve(vtype, unit=self.units[name])
        else:
            let = self.model.let(name)
            vtype = let.type if let is not None else None
            if vtype is not None and vtype.kind == "money":
                vtype = evolve(vtype, unit=self._unit_of(let.expr) or vtype.unit)
        return show_value(value, vtype)

    def _unit_of(self, expr) -> str | None:
        """The unit the record wrote every amount of `expr` in, if it used one unit throughout."""
        units = set()
        for node in nodes.walk(expr):
            if isinstance(node, nodes.Name):
                spec = self.model.input(node.name)
                if spec is not None and spec.type.kind == "money":
                    units.add(self.units.get(node.name, spec.type.unit))
                elif spec is None and self.model.let(node.name) is not None:
                    inner = self.model.let(node.name)
                    if inner.type.kind == "money":
                        units.add(self._unit_of(inner.expr))
        return units.pop() if len(units) == 1 else None

    def _show(self, expr, full: Decimal | None = None) -> str:
        return basis.substituted(expr, self._shown, points(full) if full is not None else None)

    def _value_text(self, expr, value) -> str:
        if isinstance(expr, nodes.Name):
            shown = self._shown(expr.name)
            if shown is not None:
                return shown
        return show_value(value, self.model.type_of(expr))

    def describe(self, expr, full: Decimal | None = None) -> str:
        """``部门预算支出率 = 6440687.91元 / (…) = 97.60%``: a figure, how it is made, and its value."""
        value = self.eval(expr, full)
        shown = self._value_text(expr, value)
        if isinstance(expr, nodes.Name) and self.leaf is not None:
            self.leaf.described.add(expr.name)
        if isinstance(expr, nodes.Name):
            let = self.model.let(expr.name)
            if let is not None:
                formula = self._show(let.expr)
                return f"{expr.name} = {formula} = {shown}" if formula != shown else f"{expr.name} = {shown}"
            return f"{expr.name} = {shown}"
        if isinstance(expr, nodes.Num):
            return expr.text
        formula = self._show(expr, full)
        return f"{formula} = {shown}" if formula != shown else shown

    def _facts(self, expr) -> str:
        """The values a condition looked at (``有转移支付 = 否``), except those the basis already gave."""
        seen = []
        described = self.leaf.described if self.leaf is not None else set()
        for node in nodes.walk(expr):
            if (isinstance(node, nodes.Name) and node.name not in seen and node.name not in described
                    and self._bound(node.name) and (self.model.input(node.name) is None
                                                    or self.model.input(node.name).type.kind != "list")):
                seen.append(node.name)
        shown = []
        for name in seen:
            value = self._shown(name)
            if value is not None and value != "":  # a blank cell: the condition (`== ""`) already says so
                shown.append(f"{name} = {value}")
        return "、".join(shown)

    def _condition(self, expr, holds: bool) -> str:
        facts = self._facts(expr)
        if isinstance(expr, nodes.Name) or (isinstance(expr, nodes.Call) and expr.func == "given"):
            return facts or _pretty(expr) + ("" if holds else " 不成立")
        if holds:
            return f"{_pretty(expr)}（{facts}）" if facts else _pretty(expr)
        return f"{_pretty(expr)} 不成立：{facts}" if facts else f"{_pretty(expr)} 不成立"

    # ── scorecards ──────────────────────────────────────────────────────────

    def run(self) -> Trace:
        with localcontext(CONTEXT):
            cards = {}
            for index in self.model.order:
                card = self.model.scorecards[index]
                cards[card.name] = self.scorecard(card)
            ordered = {card.name: cards[card.name] for card in self.model.scorecards}
            return Trace(ordered, dict(self.lets))

    def scorecard(self, card: ScorecardSpec) -> CardTrace:
        applicable: dict[int, bool] = {}
        for node in card.leaves():
            applies = node.indicator.applies
            if applies is not None:
                applicable[node.index] = self._guarded(node, lambda: self._truth(applies.condition), True)
        weights: list[Decimal] = [node.declared for node in card.nodes]
        for node in card.leaves():
            if not applicable.get(node.index, True) and not node.indicator.applies.full:
                weights[node.index] = ZERO
            for move in node.moves_in:
                if not applicable[move.source]:
                    weights[node.index] += move.amount
        traces: list[NodeTrace | None] = [None] * len(card.nodes)
        for node in card.leaves():
            traces[node.index] = self._guarded(
                node, lambda: self.score_leaf(card, node, weights[node.index], applicable.get(node.index, True)),
                NodeTrace(weights[node.index], ZERO, ""),
            )
        items: dict[int, tuple[NodeTrace, ...]] = {}
        for node in card.nodes:
            if node.each is not None:
                traces[node.index], items[node.index] = self._guarded(
                    node, lambda: self.score_each(node), (NodeTrace(node.declared, ZERO, ""), ()))
        for node in reversed(card.nodes):
            if node.is_leaf or node.each is not None:
                continue
            parts = [traces[i] for i in node.children]
            weight = sum((p.weight for p in parts), ZERO) if not node.bonus else node.declared
            if not parts:  # a placeholder group as published (weight 0, no indicators): language.md §3
                traces[node.index] = NodeTrace(ZERO, ZERO, PLACEHOLDER)
                continue
            score, text = basis.group_line([p.score for p in parts], node.declared, node.bonus)
            traces[node.index] = NodeTrace(weight, score, text)
        top = [traces[i] for i in card.top]
        raw = sum((t.score for t in top), ZERO)
        text = " + ".join(points(t.score) for t in top) + f" = {points(raw)}"
        total, adjustments = cardrules.interpret_deductions(self, card, raw)
        if card.cap is not None:
            low, high = card.cap
            capped = min(max(total, low), high)
            if capped != total:
                text += f"{CLAUSE}按 {points(low)}–{points(high)} 封顶，计 {points(capped)}"
            total = capped
        total, forced, limits = cardrules.interpret_limits(self, card, total)
        adjustments += limits
        if adjustments:
            text += "".join(f"{CLAUSE}{a.name} 计 {points(a.after)}" for a in adjustments if a.applied)
        grade = forced if forced is not None else self.grade(card, total)
        self.totals[card.name] = total
        return CardTrace(card.name, card.max, tuple(traces), total, grade, text, items, tuple(adjustments))

    def score_each(self, group: NodeSpec) -> tuple[NodeTrace, tuple[NodeTrace, ...]]:
        """One indicator per item that passes `where`; the group's weight split equally among them."""
        each = group.each
        chosen = [number for number, _ in self.items(each.list_name)
                  if each.where is None or self._truth(each.where)]
        if each.weight is not None or each.weights:
            shares, weighed = self._item_weights(group, chosen)
        else:
            shares, weighed = split(group.declared, len(chosen), self.step), None
        share_of = dict(zip(chosen, shares))
        traces = []
        names = iter(item_names([str(self.eval(each.named)) for number, _ in self.items(each.list_name)
                                 if number in share_of]))
        for number, _ in self.items(each.list_name):
            if number not in share_of:
                continue
            share = share_of[number]
            name = next(names)
            node = NodeSpec(-1, name, group.path + (name,), share, group.index, (), False, each.template, None)
            trace = self._guarded(node, lambda: self.score_leaf(None, node, share, True), NodeTrace(share, ZERO, ""))
            traces.append(evolve(trace, name=name))
        score = sum((t.score for t in traces), ZERO)
        if not traces:
            text = f"没有符合条件的{each.list_name}项，得 0 分"
        elif len(traces) == 1:
            text = f"共 1 项{CLAUSE}得 {points(score)}"
        elif weighed is not None:
            text = (f"{points(group.declared)} 分按各项{weighed}（{' + '.join(points(s) for s in shares)}）{CLAUSE}"
                    f"下级指标合计 {' + '.join(points(t.score) for t in traces)} = {points(score)}")
        else:
            split_text = _split_text(shares)
            text = (f"{points(group.declared)} 分由 {len(traces)} 项均分（{split_text}）{CLAUSE}"
                    f"下级指标合计 {' + '.join(points(t.score) for t in traces)} = {points(score)}")
        return NodeTrace(group.declared, score, text), tuple(traces)

    def _item_weights(self, group: NodeSpec, chosen) -> tuple[list[Decimal], str]:
        """The chosen items' own weights (``weight 分值`` from the data, ``weights 8, 8, 10`` from the ruleset);
        they must add up to the group's weight."""
        each = group.each
        if not chosen:  # no items: the group scores 0 and says so, as with equal shares
            return [], "分值"
        if each.weights:
            if len(each.weights) != len(chosen):
                raise DataValueError(f"分组 {group.name} 按规则集给出 {len(each.weights)} 项的分值"
                                     f"（{' + '.join(points(w) for w in each.weights)}），数据中却有 {len(chosen)} 项",
                                     key=each.list_name)
            return list(each.weights), "分值"
        shares, keys = [], []
        weighed = _field_name(each.weight) or expression(each.weight)
        for number, _ in self.items(each.list_name):
            if number not in chosen:
                continue
            key = f"{each.list_name}[{number}].{weighed}" if _field_name(each.weight) else f"{each.list_name}[{number}]"
            value = self.eval(each.weight)
            if not isinstance(value, Decimal) or value < 0:
                raise DataValueError(f"{group.name} 的各项分值不能为负，得到 {plain(value)}", key=key)
            if value != round_score(value, self.step, self.mode):
                raise DataValueError(f"{group.name} 的各项分值须为 {self.model.precision} 位小数以内，得到 "
                                     f"{plain(value)}", key=key)
            shares.append(value)
            keys.append(key)
        total = sum(shares, ZERO)
        if total != group.declared:
            terms = " + ".join(points(v) for v in shares) or "0"
            raise DataValueError(f"分组 {group.name} 的分值为 {points(group.declared)}，但各项 {weighed} 合计 "
                                 f"{terms} = {points(total)}", key=keys[-1] if keys else each.list_name)
        return shares, weighed

    def grade(self, card: ScorecardSpec, total: Decimal) -> str | None:
        if not card.grades:
            return None
        for arm in card.grades:
            if arm.op is None:
                return arm.name
            threshold = self.eval(arm.threshold)
            if (total >= threshold) if arm.op == ">=" else (total > threshold):
                return arm.name
        return None

    def _guarded(self, node: NodeSpec, work, fallback=None):
        """Run `work` for `node`, naming the indicator in any error it raises.

        When collecting (`problems`), the error is kept and `fallback` stands in for the result.
        """
        try:
            return work()
        except RecordError as exc:
            if getattr(exc, "indicator", None) is None:
                prefix = f"指标 {'/'.join(node.path)}: "
                if isinstance(exc, DataValueError):
                    new = type(exc)(prefix + exc.message, key=exc.key)
                else:
                    new = EvaluationError(prefix + exc.message, key=exc.key, indicator=node.path)
                new.indicator = node.path
                exc = new
            if self.collected is None:
                raise exc from None
            self.collected.append(exc)
            return fallback
        except (InvalidOperation, ArithmeticError) as exc:
            new = EvaluationError(f"指标 {'/'.join(node.path)}: 无法计算（{type(exc).__name__}）", indicator=node.path)
            if self.collected is None:
                raise new from None
            self.collected.append(new)
            return fallback
        finally:
            self.leaf = None

    def _truth(self, expr) -> bool:
        return bool(self.eval(expr))

    # ── leaves ──────────────────────────────────────────────────────────────

    def score_leaf(self, card: ScorecardSpec, node: NodeSpec, weight: Decimal, applicable: bool) -> NodeTrace:
        leaf = self.leaf = _Leaf(node, weight)
        indicator = node.indicator
        received = [m for m in node.moves_in if not self._applies(card, m.source)] if card is not None else []
        if received:
            added = " + ".join(points(m.amount) for m in received)
            sources = "、".join(card.nodes[m.source].name for m in received)
            leaf.clauses.append(f"分值 {points(node.declared)} + {added}（{sources}不适用调入）= {points(weight)}")
        if not applicable:
            applies = indicator.applies
            why = self._condition(applies.condition, False)
            if applies.full:
                leaf.clauses.append(f"不适用（{why}），按分值得分 {points(weight)}")
                return self._finish(leaf, weight, weight, applicable=False, rounded=True)
            targets = "、".join(f"{m.target} +{points(m.amount)}" for m in applies.moves)
            leaf.clauses.append(f"不适用（{why}），分值 {points(node.declared)} 调整至 {targets}")
            return self._finish(leaf, ZERO, ZERO, applicable=False, rounded=True)
        for number, guard in enumerate(indicator.guards, start=1):
            if self._truth(guard.condition):
                raw = self.eval(guard.score, weight)
                leaf.arm = f"when#{number}"
                scored = self._points_text(guard.score, raw, weight)
                leaf.clauses.append(f"{self._condition(guard.condition, True)}{CLAUSE}{scored}")
                return self._finish(leaf, weight, raw)
        rule = indicator.rule
        raw = forms.of(rule).evaluate(self, rule, leaf, weight)
        return self._finish(leaf, weight, raw)

    def _applies(self, card, index) -> bool:
        return self._truth(card.nodes[index].indicator.applies.condition)

    def _points_text(self, expr, raw, weight) -> str:
        if isinstance(expr, nodes.Full):
            return f"得满分 {points(weight)}"
        if isinstance(expr, nodes.Num) or (isinstance(expr, nodes.Neg) and isinstance(expr.operand, nodes.Num)):
            return f"得 {points(self._round(raw))} 分"
        if isinstance(expr, nodes.If):
            holds = self._truth(expr.test)
            branch = expr.then if holds else expr.otherwise
            return f"{self._condition(expr.test, holds)}{CLAUSE}{self._points_text(branch, raw, weight)}"
        if isinstance(expr, nodes.Name):  # `=> 自评得分`: say whose figure it is, not `10 = 10`
            return f"{expr.name} = {points(self._round(raw))}"
        return f"{self._show(expr, weight)} = {points(self._round(raw))}"

    def _round(self, value: Decimal) -> Decimal:
        return round_score(value, self.step, self.mode)

    def _finish(self, leaf: _Leaf, weight, raw, applicable=True, rounded=False) -> NodeTrace:
        node = leaf.node
        if node.bonus:
            low, high = -node.declared, node.declared
        else:
            low, high = ZERO, weight
        score = raw
        if score > high:
            score = high
            leaf.clauses.append(f"超过分值，按 {points(high)} 计" if not node.bonus else f"最多 {points(high)}")
        elif score < low:
            score = low
            leaf.clauses.append("扣完为止，得 0" if not node.bonus else f"最多扣 {points(-low)}")
        score = self._round(score)
        for show in node.indicator.shows:
            leaf.clauses.append(self._show_clause(show))
        notes = [self.notes[name] for name in leaf.inputs if self.notes.get(name)
                 and not (name == node.manual_input and forms.of(node.indicator.rule).NOTED)]
        if notes:
            leaf.clauses.append("依据：" + SENTENCE.join(notes))
        text = CLAUSE.join(leaf.clauses)
        return NodeTrace(weight, score, text, applicable, tuple(leaf.inputs), tuple(leaf.lets), leaf.arm, raw)

    def _show_clause(self, show) -> str:
        """``参考：三公经费变动率 = … = -53.62%（报告为 46.38%，不一致）``; never fails the record."""
        named = show.expr.name if isinstance(show.expr, nodes.Name) else None
        try:
            if named is not None and named in self.leaf.described and show.reported is not None:
                self.eval(show.expr)
                text = f"参考：{named}"  # its derivation is already in the basis
            else:
                text = "参考：" + self.describe(show.expr)
        except RecordError:
            return f"参考：{_pretty(show.expr)} 无法计算"
        if show.reported is None:
            return text
        try:
            reported = self.eval(show.reported)
        except RecordError:
            return text
        computed = self.eval(show.expr)
        shown = self._value_text(show.reported, reported)
        if self.model.type_of(show.reported) == RATE and isinstance(reported, Decimal):
            shown = percent_as_given(reported)
        agrees = printed.agrees(computed, self._as_printed(show.reported, reported))
        return f"{text}（报告为 {shown}{'' if agrees else '，与重算不一致'}）"

    def _as_printed(self, expr, value) -> printed.Printed:
        """The reported side of ``show … vs``: at the digits and in the unit the record (or ruleset) wrote it."""
        if isinstance(expr, nodes.Num) and expr.text:
            return printed.parse(expr.text)
        if isinstance(expr, nodes.Name) and not any(expr.name in scope for scope in self.scopes):
            spec = self.model.input(expr.name)
            if spec is not None:
                return printed.of_input(value, spec.type.kind, self.units.get(expr.name, spec.type.unit))
        vtype = self.model.type_of(expr)
        return printed.of_input(value, vtype.kind if vtype is not None else "number",
                                vtype.unit if vtype is not None else None)

    # each rule form's meaning is its `perfdsl.forms` module's `evaluate`; what they share:

    def _levels(self, arms, weight) -> dict | None:
        """A ``levels { … }`` block's shares by name (None: the document's tiers, `targets.DEFAULT_LEVELS`)."""
        if arms is None:
            return None
        return {arm.name: self.eval(arm.share, weight) for arm in arms}

    def _deduction(self, line, amount, weight):
        """The points one line deducts (or adds) before its cap, and the clause saying why."""
        verb = "扣" if line.kind == "deduct" else "加"
        if line.when is not None:
            holds = self._truth(line.when)
            value = amount if holds else ZERO
            text = (f"{self._condition(line.when, True)}{CLAUSE}{verb} {points(amount)}" if holds
                    else f"{self._condition(line.when, False)}{CLAUSE}不{verb}")
            return value, text
        per = line.per
        described = self.describe(per.subject, weight)
        subject = self.eval(per.subject, weight)
        if per.step is None:
            count = max(subject, ZERO)
            value = amount * count
            text = f"{described}{CLAUSE}每次{verb} {points(amount)}"
            text += f"{CLAUSE}{verb} {points(value)}" if count else f"{CLAUSE}不{verb}"
            return value, text
        step = self.eval(per.step, weight)
        step_text = self._show(per.step)
        if per.threshold is not None:
            threshold = self.eval(per.threshold, weight)
            threshold_text = self._show(per.threshold)
            excess = subject - threshold if per.direction == "above" else threshold - subject
            where = f"超过 {threshold_text}" if per.direction == "above" else f"低于 {threshold_text}"
            if excess <= 0:
                not_where = "未超过" if per.direction == "above" else "不低于"
                return ZERO, f"{described}{CLAUSE}{not_where} {threshold_text}{CLAUSE}不{verb}"
            excess_text = show_value(excess, self.model.type_of(per.subject))
        else:
            excess = max(subject, ZERO)
            where = ""
            excess_text = self._value_text(per.subject, excess)
            if excess == 0:
                return ZERO, f"{described}{CLAUSE}不{verb}"
        steps = excess / step
        if per.mode == "started":
            count = steps.to_integral_value(rounding=ROUND_CEILING)
        elif per.mode == "whole":
            count = steps.to_integral_value(rounding=ROUND_FLOOR)
        else:
            count = steps
        value = amount * count
        count_text = plain(count) if per.mode in ("started", "whole") else plain(self._round(count))
        text = basis.stepped_clause(described, where, per.mode, excess_text, step_text, count_text, verb, amount,
                                    value)
        return value, text

    def _capped(self, line, value, text, weight):
        if line.up_to is None:
            return value, text
        cap = self.eval(line.up_to, weight)
        if value > cap:
            verb = "扣" if line.kind == "deduct" else "加"
            return cap, f"{text}（最多{verb} {points(cap)}，计 {points(cap)}）"
        return value, text


def _field_name(expr) -> str:
    return expr.name if isinstance(expr, nodes.Name) else ""


_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def evaluate(model: Model, record: Record) -> Trace:
    """Score `record` with the reference evaluator."""
    return Evaluation(model, record).run()


def problems(model: Model, record: Record) -> list[RecordError]:
    """Every indicator's error for `record`, one per key: what a failed record must fix, all at once.

    An indicator stops at the first input it lacks; so each input found missing is given a stand-in
    value and the record is scored again, until no indicator asks for another one (at most once per
    input).  Only missing inputs are taken from those later rounds: other errors there could be the
    stand-ins' doing.
    """
    out, keys = [], set()
    values = dict(record.values)
    for round_ in range(len(model.inputs) + 1):
        evaluation = Evaluation(model, evolve(record, values=values))
        evaluation.collected = []
        evaluation.run()
        missing = []
        for exc in evaluation.collected:
            lacking = _lacking(model, values, exc)
            if (exc.key is not None and exc.key in keys) or (round_ and not lacking):
                continue
            keys.add(exc.key)
            out.append(exc)
            if lacking:
                missing.append(exc.key)
        if not missing:
            break
        for key in missing:
            values[key] = _STAND_IN.get(model.input(key).type.kind, Decimal(1))
    return out


#: What a missing input is taken to be while looking for the next one that is missing.
_STAND_IN = {"bool": True, "text": "", "list": ()}


def _lacking(model: Model, values: dict, exc: RecordError) -> bool:
    """Whether `exc` is a top-level input left out (a list item's field gets no stand-in)."""
    return isinstance(exc, MissingInput) and model.input(exc.key) is not None and values.get(exc.key) is MISSING


def constant_bound(model: Model, expr, values: dict, item: dict | None = None):
    """The value of a range bound, or None if it names a value the record leaves out.

    `item` holds the fields of a list item when the bound belongs to one of its fields.
    """
    for node in nodes.walk(expr):
        if isinstance(node, nodes.Name) and values.get(node.name, MISSING) is MISSING:
            return None
    evaluation = Evaluation(model, Record((), {} if item is not None else values, {}, None))
    if item is not None:
        evaluation.scopes.append({name: (value, None, name) for name, value in item.items()})
    with localcontext(CONTEXT):
        return evaluation.eval(expr)
