"""Syntax tree → `Model`: bind names, infer and check types and units, flatten scorecards.

Everything found wrong is collected as diagnostics rather than raised, so
`perfdsl check` can report every problem of a file at once; the loader
decides whether they are fatal.
"""

from __future__ import annotations

from decimal import Decimal

from . import nodes, types, unparse
from .errors import Diagnostic, error, warning
from .model import InputSpec, LetSpec, Model, Move, NodeSpec, PropertySpec, ScorecardSpec
from .nearest import nearest  # noqa: F401 (resolve.nearest: kept for callers)
from .types import Type

FUNCTIONS = {"min": (2, None), "max": (2, None), "abs": (1, 1), "ceil": (1, 1), "floor": (1, 1), "given": (1, 1),
             "round": (1, 2)}
#: Functions over the items of a list input (`sum(绩效指标 where … of …)`).
AGGREGATES = ("sum", "mean", "count", "all", "any", "min", "max")

_TYPE_OF_DECL = {
    "number": types.NUMBER, "count": types.COUNT, "rate": types.RATE,
    "bool": types.BOOL, "text": types.TEXT,
}


def _is_literal(expr) -> bool:
    return isinstance(expr, nodes.Num) or (isinstance(expr, nodes.Neg) and _is_literal(expr.operand))


def _literal_value(expr) -> Decimal | None:
    if isinstance(expr, nodes.Num):
        return expr.value
    if isinstance(expr, nodes.Neg):
        inner = _literal_value(expr.operand)
        return -inner if inner is not None else None
    return None


def _is_zero(expr) -> bool:
    return _literal_value(expr) == 0


class _Resolver:
    def __init__(self, module: nodes.Module, path: str):
        self.module = module
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.types: dict[int, Type] = {}  # Expr.serial → Type
        self.symbols: dict[str, tuple[str, object]] = {}
        self.let_types: dict[str, Type] = {}
        self.let_deps: dict[str, frozenset[str]] = {}
        self.resolving: list[str] = []
        self.inputs: list[InputSpec] = []
        self.named_grades: dict[str, nodes.GradesDecl] = {}
        self.card_via: dict[str, dict[str, tuple[str, ...]]] = {}  # scorecard → {scorecard it uses: via lets}
        self.scopes: list[dict[str, Type]] = []  # the fields of the list items in scope, innermost last
        self.cards: list[ScorecardSpec] = []
        self.refs: dict | None = None  # while a property is resolved: its indicator references

    # ── diagnostics ─────────────────────────────────────────────────────────

    def err(self, code, message, span, hint=None, notes=(), fix=None):
        self.diagnostics.append(error(code, message, span, hint, notes, fix))

    def warn(self, code, message, span, hint=None, notes=()):
        self.diagnostics.append(warning(code, message, span, hint, notes))

    # ── entry ───────────────────────────────────────────────────────────────

    def run(self) -> Model:
        header = self.module.header
        declared_inputs, lets, cards = self._declare()
        if header is None and cards:
            self.err("P301", "缺少 ruleset 头部（标题、来源、精度）", cards[0].span,
                     hint='在文件开头写 ruleset "标题" { precision 2 }')
        self._implicit_manual_inputs(cards)
        for decl in declared_inputs:
            self._input_spec(decl)
        let_specs = self._lets(lets)
        scorecards = [self._scorecard(index, card) for index, card in enumerate(cards)]
        order = self._scorecard_order(scorecards)
        properties = self._properties(scorecards)
        # a framework (docs/language.md §12.6) has no scorecard by design: what extends it brings them
        if not scorecards and not (header is not None and header.framework) and (header is not None or not self.module.decls):
            self.err("P302", "规则集没有任何计分卡（scorecard）", header.span if header else _start(self.module.span))
        record = header.record if header else None
        if record is not None and record not in {spec.name for spec in self.inputs}:
            self.err("P201", f"record 指定的输入 `{record}` 未声明", header.span,
                     hint=self._did_you_mean(record))
        precision = header.precision if header and header.precision is not None else 2
        return Model(
            title=header.title if header else "",
            source=header.source if header else None,
            precision=precision,
            rounding=(header.rounding if header and header.rounding else "half-up"),
            record=record,
            inputs=tuple(self.inputs),
            lets=tuple(let_specs),
            scorecards=tuple(scorecards),
            order=tuple(order),
            types=self.types,
            module=self.module,
            path=self.path,
            properties=tuple(properties),
        )

    def _declare(self):
        inputs, lets, cards = [], [], []
        for decl in self.module.decls:
            if isinstance(decl, nodes.GradesDecl):
                if decl.name in self.named_grades:
                    first = self.named_grades[decl.name]
                    self.err("P202", f"等级表 `{decl.name}` 重复定义", decl.span, notes=(("首次定义在此", first.span),))
                else:
                    self.named_grades[decl.name] = decl
                continue
            if isinstance(decl, nodes.InputDecl):
                kind, bucket = "input", inputs
            elif isinstance(decl, nodes.LetDecl):
                kind, bucket = "let", lets
            elif isinstance(decl, nodes.Scorecard):
                kind, bucket = "scorecard", cards
            else:  # a property declares no name; `_properties` reads it after the scorecards
                continue
            if self._define(decl.name, kind, decl, decl.span):
                bucket.append(decl)
        return inputs, lets, cards

    def _define(self, name, kind, decl, span) -> bool:
        if name in self.symbols:
            _, first = self.symbols[name]
            first_span = getattr(first, "span", None)
            if first_span is not None and span is not None and first_span.source.path != span.source.path:
                # one of them comes from an included library: the ruleset's own would shadow it
                here, there = (first_span, span) if first_span.source.path == self.path else (span, first_span)
                self.err("P209", f"`{name}` 已在 include 的 {there.source.path} 中定义，这里再定义会遮蔽它", here,
                         hint="换一个名称，或直接用库里的定义", notes=(("库中的定义在此", there),))
                return False
            self.err("P202", f"名称 `{name}` 重复定义", span, notes=(("首次定义在此", first_span),))
            return False
        self.symbols[name] = (kind, decl)
        return True

    def _input_names(self) -> set:
        """The names in `self.inputs`, kept up to date as inputs are appended (asked per manual indicator)."""
        count, names = getattr(self, "_known_inputs", (0, set()))
        if count != len(self.inputs):
            names.update(spec.name for spec in self.inputs[count:])
            self._known_inputs = (len(self.inputs), names)
        return names

    def _did_you_mean(self, name):
        close = nearest(name, self.symbols)
        return f"是否想写 `{close}`？" if close else None

    def _unknown(self, message, ref, candidates):
        """P201 at a misspelt name: the closest candidate is the hint, and the fix (as it must be written)."""
        close = nearest(ref.name, candidates)
        self.err("P201", message, ref.span, hint=f"是否想写 `{close}`？" if close else None,
                 fix=unparse.name(close) if close else None)

    # ── inputs ──────────────────────────────────────────────────────────────

    def _implicit_manual_inputs(self, cards):
        for card in cards:
            for leaf in _leaves(card.children):
                if isinstance(leaf.rule, (nodes.ManualRule, nodes.PanelRule)):
                    name = leaf.rule.input_name or f"{leaf.name}{leaf.rule.suffix}"
                    kind, decl = self.symbols.get(name, (None, None))
                    if kind is None:
                        self.symbols[name] = ("manual", leaf)
                    elif kind == "manual":
                        self.err("P202", f"两个评审指标都读取 `{name}`", leaf.span,
                                 hint=f"用 manual from 另起一个输入名，如 manual from {leaf.name}{leaf.rule.suffix}2",
                                 notes=(("另一个在此", decl.span),))
                    elif kind != "input":
                        self.err("P202", f"评审指标 {leaf.name} 的输入 `{name}` 与{_KIND_TEXT[kind]}重名", leaf.span)

    def _input_spec(self, decl: nodes.InputDecl):
        self.inputs.append(self._spec(decl, len(self.inputs)))

    def _spec(self, decl: nodes.InputDecl, slot: int, scope: dict | None = None) -> InputSpec:
        """The spec of an input, or of a list item's field (`scope`: the item's fields so far)."""
        fields = ()
        if decl.type.kind == "list":
            if scope is not None:
                self.err("P208", "列表的项不能再含列表", decl.type.span)
            fields = self._fields(decl)
        itype = _declared_type(decl.type)
        if scope is not None:
            self.scopes.append(scope)
        for bound in (decl.low, decl.high):
            if bound is not None:
                btype = self.expr(bound, allow_full=False)
                reason = types.comparable(itype, btype, False, _is_literal(bound), False, _is_zero(bound))
                if reason:
                    self.err("P203", f"输入 {decl.name} 的范围：{reason}", bound.span)
        if scope is not None:
            self.scopes.pop()
        choices = ()
        if decl.choices:
            if itype.kind != "text" or not all(isinstance(c, nodes.Str) for c in decl.choices):
                self.err("P204", "`one of` 只用于文本输入，并列出文本，如 one of \"产出指标\", \"效益指标\"",
                         decl.choices[0].span)
            else:
                choices = tuple(c.value for c in decl.choices)
        default = None
        if decl.default is not None:
            default = self._default(decl, itype)
        return InputSpec(decl.name, slot, itype, default, decl.low, decl.high, decl.span, None, choices, fields,
                         low_open=decl.low_open, high_open=decl.high_open, informational=decl.informational)

    def _fields(self, decl) -> tuple[InputSpec, ...]:
        specs: list[InputSpec] = []
        scope: dict[str, Type] = {}
        for field in decl.type.fields:
            if field.name in scope:
                self.err("P202", f"列表 {decl.name} 的字段 `{field.name}` 重复", field.span)
                continue
            if field.name in self.symbols:
                kind, first = self.symbols[field.name]
                self.err("P209", f"列表 {decl.name} 的字段 `{field.name}` 与{_KIND_TEXT[kind]}重名："
                                 f"在 where、of 和 each 里它会遮蔽那个{_KIND_TEXT[kind]}", field.span,
                         notes=(("另一个在此", getattr(first, "span", None)),))
            spec = self._spec(field, len(specs), scope)
            specs.append(spec)
            scope[field.name] = spec.type
        if not specs:
            self.err("P208", f"列表 {decl.name} 至少要有一个字段", decl.type.span)
        return tuple(specs)

    def _default(self, decl, itype):
        expr = decl.default
        kind = itype.kind
        if kind == "bool":
            if isinstance(expr, nodes.Bool):
                return expr.value
        elif kind == "text":
            if isinstance(expr, nodes.Str):
                return expr.value
        else:
            value = _literal_value(expr)
            if value is not None:
                literal = expr
                while isinstance(literal, nodes.Neg):
                    literal = literal.operand
                if kind == "money" and literal.kind != "money" and value != 0:
                    self.err("P203", f"输入 {decl.name} 的默认值须带金额单位", expr.span, hint="如 0元 或 1.5万元")
                    return None
                if kind != "money" and literal.kind == "money":
                    self.err("P203", f"输入 {decl.name} 不是金额，默认值不能带单位", expr.span)
                    return None
                if kind == "count" and (value != value.to_integral_value() or value < 0):
                    self.err("P203", f"输入 {decl.name} 是计数，默认值须为非负整数", expr.span)
                    return None
                return value
        self.err("P204", f"输入 {decl.name} 的默认值须是{itype.describe()}常量", expr.span)
        return None

    # ── derived values ──────────────────────────────────────────────────────

    def _lets(self, lets):
        by_name = {decl.name: decl for decl in lets}
        for decl in lets:
            self._let_type(decl.name, by_name)
        ordered = []
        seen = set()

        def visit(name):
            if name in seen or name not in by_name:
                return
            seen.add(name)
            for dep in sorted(self.let_deps.get(name, ())):
                visit(dep)
            decl = by_name[name]
            ordered.append(LetSpec(name, len(ordered), decl.expr, self.let_types[name],
                                   self.let_deps.get(name, frozenset()), decl.span))

        for decl in lets:
            visit(decl.name)
        return ordered

    def _let_type(self, name, by_name) -> Type:
        if name in self.let_types:
            return self.let_types[name]
        if name in self.resolving:
            cycle = self.resolving[self.resolving.index(name):] + [name]
            self.err("P207", "派生值循环引用：" + " → ".join(cycle), by_name[name].span)
            return types.ERROR
        self.resolving.append(name)
        deps = set()
        ltype = self.expr(by_name[name].expr, allow_full=False, deps=deps, lets=by_name)
        self.resolving.pop()
        self.let_types[name] = ltype
        self.let_deps[name] = frozenset(deps)
        return ltype

    # ── expressions ─────────────────────────────────────────────────────────

    def expr(self, expr, allow_full=True, deps=None, lets=None) -> Type:
        result = self._expr(expr, allow_full, deps, lets)
        self.types[expr.serial] = result
        return result

    def _expr(self, expr, allow_full, deps, lets) -> Type:
        sub = lambda e: self.expr(e, allow_full, deps, lets)
        if isinstance(expr, nodes.Num):
            return {"plain": types.NUMBER, "percent": types.RATE}.get(expr.kind) or Type("money", expr.unit)
        if isinstance(expr, nodes.Bool):
            return types.BOOL
        if isinstance(expr, nodes.Str):
            return types.TEXT
        if isinstance(expr, nodes.Full):
            if not allow_full:
                self.err("P206", "`full`（本指标的分值）只能用在指标的评分规则里", expr.span)
                return types.ERROR
            return types.NUMBER
        if isinstance(expr, nodes.Name):
            return self._name(expr, deps, lets)
        if isinstance(expr, nodes.Neg):
            inner = sub(expr.operand)
            return self._need_numeric(inner, expr.operand, "取负")
        if isinstance(expr, nodes.Binary):
            left, right = sub(expr.left), sub(expr.right)
            left = self._need_numeric(left, expr.left, f"`{expr.op}` 运算")
            right = self._need_numeric(right, expr.right, f"`{expr.op}` 运算")
            if left.kind == "error" or right.kind == "error":
                return types.ERROR
            result = types.arithmetic(expr.op, left, right, _is_literal(expr.left), _is_literal(expr.right))
            if isinstance(result, str):
                if expr.op in "+-" and (_is_zero(expr.left) or _is_zero(expr.right)):
                    return left if left.kind == "money" else right
                self.err("P203", result, expr.span)
                return types.ERROR
            return result
        if isinstance(expr, nodes.Compare):
            left, right = sub(expr.left), sub(expr.right)
            if expr.op not in ("==", "!=") or left.numeric or right.numeric:
                left = self._need_numeric(left, expr.left, "大小比较") if expr.op not in ("==", "!=") else left
                right = self._need_numeric(right, expr.right, "大小比较") if expr.op not in ("==", "!=") else right
            reason = types.comparable(left, right, _is_literal(expr.left), _is_literal(expr.right),
                                      _is_zero(expr.left), _is_zero(expr.right))
            if reason:
                self.err("P203", reason, expr.span)
            return types.BOOL
        if isinstance(expr, nodes.Logic):
            self._need_bool(sub(expr.left), expr.left, expr.op)
            self._need_bool(sub(expr.right), expr.right, expr.op)
            return types.BOOL
        if isinstance(expr, nodes.Not):
            self._need_bool(sub(expr.operand), expr.operand, "not")
            return types.BOOL
        if isinstance(expr, nodes.If):
            self._need_bool(sub(expr.test), expr.test, "if")
            then, otherwise = sub(expr.then), sub(expr.otherwise)
            if then.numeric and otherwise.numeric:
                if (then.kind == "money") != (otherwise.kind == "money") and not (
                    _is_zero(expr.then) or _is_zero(expr.otherwise)
                ):
                    self.err("P203", "if 的两个分支须同为金额或同为非金额", expr.span)
                    return types.ERROR
                return types.join(then, otherwise)
            if then.kind == otherwise.kind or "error" in (then.kind, otherwise.kind):
                return then if then.kind != "error" else otherwise
            self.err("P203", f"if 的两个分支类型不同：{then.describe()} 与 {otherwise.describe()}", expr.span)
            return types.ERROR
        if isinstance(expr, nodes.Call):
            if expr.func in AGGREGATES and len(expr.args) == 1 and isinstance(expr.args[0], nodes.Query):
                return self._aggregate(expr, allow_full, deps, lets)
            return self._call(expr, sub)
        if isinstance(expr, nodes.Query):
            self.err("P208", "列表查询（where / of）只能作为 sum、mean、count、all、any、min、max 的参数", expr.span)
            return types.ERROR
        if isinstance(expr, nodes.IndicatorRef):
            return self._indicator_ref(expr)
        raise AssertionError(f"unknown expression {expr!r}")  # pragma: no cover

    def _name(self, expr, deps, lets) -> Type:
        name = expr.name
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name not in self.symbols:
            self._unknown(f"未定义的名称 `{name}`", expr, self.symbols)
            return types.ERROR
        kind, decl = self.symbols[name]
        if deps is not None:
            deps.add(name)
        if kind == "input":
            return _declared_type(decl.type)
        if kind == "manual":
            return types.LIST if isinstance(decl.rule, nodes.PanelRule) else types.NUMBER
        if kind == "let":
            if name in self.let_types:  # typed already: no need for the table of every let (per reference)
                return self.let_types[name]
            by_name = lets if lets is not None else {n: d for n, (k, d) in self.symbols.items() if k == "let"}
            return self._let_type(name, by_name)
        return types.NUMBER  # a scorecard's total

    def _aggregate(self, expr, allow_full, deps, lets) -> Type:
        """``count(绩效指标 where 一级指标 == "产出指标")``, ``sum(绩效指标 of 分值)`` …"""
        query = expr.args[0]
        fields = self._list_fields(query.source, deps, lets)
        if fields is None:
            return types.ERROR
        self.scopes.append(fields)
        try:
            if query.where is not None:
                self._need_bool(self.expr(query.where, allow_full, deps, lets), query.where, "where")
            if expr.func == "count":
                if query.value is not None:
                    self.err("P208", "count 只数项数，不用 of", query.value.span)
                return types.COUNT
            if query.value is None:
                self.err("P208", f"{expr.func} 需要用 of 指明对每一项取什么值，如 {expr.func}(列表 of 字段)",
                         query.span)
                return types.ERROR
            value = self.expr(query.value, allow_full, deps, lets)
            if expr.func in ("all", "any"):
                self._need_bool(value, query.value, expr.func)
                return types.BOOL
            value = self._need_numeric(value, query.value, expr.func)
            if expr.func == "mean" and value.kind == "count":
                return types.NUMBER
            return value
        finally:
            self.scopes.pop()

    def _list_fields(self, source, deps, lets) -> dict | None:
        if not isinstance(source, nodes.Name):
            self.err("P208", "where / of 之前须是一个列表输入的名称", source.span)
            return None
        spec = next((s for s in self.inputs if s.name == source.name), None)
        if spec is None or spec.type.kind != "list":
            kind, _ = self.symbols.get(source.name, (None, None))
            if kind is None:
                self._unknown(f"未定义的名称 `{source.name}`", source, self.symbols)
            else:
                self.err("P208", f"`{source.name}` 不是列表输入", source.span)
            return None
        if deps is not None:
            deps.add(source.name)
        self.types[source.serial] = types.LIST
        return {field.name: field.type for field in spec.fields}

    def _call(self, expr, sub) -> Type:
        if expr.func == "given":
            arg = expr.args[0] if len(expr.args) == 1 else None
            known = isinstance(arg, nodes.Name) and (
                any(arg.name in scope for scope in self.scopes) or self.symbols.get(arg.name, ("",))[0] == "input")
            if not known:
                self.err("P205", "given(…) 的参数须是一个输入或列表字段的名称", expr.span)
            else:
                sub(arg)
            return types.BOOL
        if expr.func == "deviation":
            if len(expr.args) not in (2, 3):
                self.err("P220", f"deviation 需要 2 个参数（目标值、实际值，可再加度量单位），写了 {len(expr.args)} 个",
                         expr.span)
            for position, arg in enumerate(expr.args):
                t = sub(arg)
                if position != 1 and t.kind not in ("text", "error"):
                    self.err("P204", f"deviation 的目标值和度量单位须是文本，`{_text(arg)}` 是{t.describe()}", arg.span)
                elif position == 1 and t.kind in ("bool", "list"):
                    self.err("P204", f"deviation 的实际值须是文本或数值，`{_text(arg)}` 是{t.describe()}", arg.span)
            return types.RATE
        if expr.func not in FUNCTIONS:
            close = nearest(expr.func, FUNCTIONS)
            self.err("P205", f"未知函数 `{expr.func}`（可用：min、max、abs、ceil、floor、round、given、deviation，"
                             "以及列表的 sum、mean、count、all、any）", expr.span,
                     hint=f"是否想写 `{close}`？" if close else None)
            for arg in expr.args:
                sub(arg)
            return types.ERROR
        low, high = FUNCTIONS[expr.func]
        if expr.func == "round" and len(expr.args) == 2:
            places = _literal_value(expr.args[1])
            if places is None or places != places.to_integral_value() or not 0 <= places <= 12 \
                    or _is_money(expr.args[1]) or expr.args[1].kind != "plain":
                self.err("P220", "round 的第二个参数是保留的小数位数，须是 0 到 12 的整数常量", expr.args[1].span,
                         hint="例如 round(预算执行率, 2)：比率保留两位小数即整百分数（49.88% → 50%）")
            self.types[expr.args[1].serial] = types.NUMBER
            return sub(expr.args[0]) if sub(expr.args[0]).numeric else self._need_numeric(
                sub(expr.args[0]), expr.args[0], "round")
        if len(expr.args) < low or (high is not None and len(expr.args) > high):
            want = f"{low}" if low == high else f"至少 {low}"
            self.err("P205", f"{expr.func} 需要 {want} 个参数，写了 {len(expr.args)} 个", expr.span)
        arg_types = [self._need_numeric(sub(arg), arg, expr.func) for arg in expr.args]
        if not arg_types:
            return types.ERROR
        result = arg_types[0]
        money = [t.kind == "money" for t in arg_types]
        if any(money) and not all(money):
            plain = [a for a, m in zip(expr.args, money) if not m]
            if not all(_is_zero(a) for a in plain):
                self.err("P203", f"{expr.func} 的参数须同为金额或同为非金额；数字请带单位", expr.span)
                return types.ERROR
        for t in arg_types[1:]:
            result = types.join(result, t)
        if expr.func in ("ceil", "floor") and result.kind != "money":
            return types.NUMBER if result.kind == "rate" else result
        return result

    def _need_numeric(self, t: Type, expr, what) -> Type:
        if t.numeric or t.kind == "error":
            return t
        self.err("P204", f"{what}需要数值，`{_text(expr)}` 是{t.describe()}", expr.span)
        return types.ERROR

    def _need_bool(self, t: Type, expr, what):
        if t.kind not in ("bool", "error"):
            self.err("P204", f"{what} 需要是否（条件），`{_text(expr)}` 是{t.describe()}", expr.span,
                     hint="写成比较，如 x > 0" if t.numeric else None)

    # ── scorecards ──────────────────────────────────────────────────────────

    def _scorecard(self, index, card: nodes.Scorecard) -> ScorecardSpec:
        specs: list[dict] = []
        deps: set[str] = set()
        top = []

        def add(node, parent, path, in_bonus):
            if isinstance(node, nodes.Each):
                self.err("P309", "each 须单独放在一个分组里（分组的分值由各项均分）", node.span)
                return
            position = len(specs)
            entry = dict(index=position, name=node.name, path=path + (node.name,), declared=node.weight,
                         parent=parent, children=[], bonus=in_bonus or getattr(node, "bonus", False),
                         indicator=node if isinstance(node, nodes.Indicator) else None,
                         group=node if isinstance(node, nodes.Group) else None, span=node.span)
            specs.append(entry)
            if parent is None:
                top.append(position)
            else:
                specs[parent]["children"].append(position)
            if isinstance(node, nodes.Group) and node.children and isinstance(node.children[0], nodes.Each) \
                    and len(node.children) == 1:
                entry["each"] = node.children[0]
                self._each(node.children[0], entry, deps)
            elif isinstance(node, nodes.Group):
                for child in node.children:
                    add(child, position, entry["path"], entry["bonus"])
            else:
                self._leaf(node, entry, deps)

        for child in card.children:
            add(child, None, (), False)

        self._card_rules(card, deps)
        self._paths(card, specs)
        moves = self._moves(card, specs)
        built = []
        for entry in specs:
            entry["children"] = tuple(entry["children"])
            entry["moves_in"] = tuple(m for m in moves if m.target == entry["index"])
            entry["moves_out"] = tuple(m for m in moves if m.source == entry["index"])
            built.append(NodeSpec(**entry))
        grades = self._grades(card)
        self._veto_grades(card, grades)
        return ScorecardSpec(card.name, index, card.max, grades, self._cap(card), tuple(built),
                             tuple(top), self._scorecard_refs(card.name, deps), card.span, card.rules)

    def _card_rules(self, card: nodes.Scorecard, deps):
        """Scorecard rules (``cap by``, ``deduct``, ``veto``): figures of the record, not of an indicator."""
        check = lambda e: self.expr(e, allow_full=False, deps=deps)
        for rule in card.rules:
            if isinstance(rule, nodes.CapBy):
                subject = self._need_numeric(check(rule.subject), rule.subject, "cap by")
                if not rule.arms:
                    self.err("P330", "cap by 至少须有一档", rule.span)
                for arm in rule.arms:
                    self._threshold(subject, arm, check, "封顶分档界限")
                    self._points(check(arm.value), arm.value)
            elif isinstance(rule, nodes.Deduction):
                if rule.kind != "deduct":
                    self.err("P330", "计分卡一级只能写 deduct（加分请放在 bonus 分组里）", rule.span)
                self._deduction_line(rule, check)
            elif isinstance(rule, nodes.Veto):
                self._need_bool(check(rule.condition), rule.condition, "veto when")
                if rule.cap is not None:
                    self._points(check(rule.cap), rule.cap)

    def _veto_grades(self, card: nodes.Scorecard, grades):
        names = [arm.name for arm in grades or ()]
        for rule in card.rules:
            if isinstance(rule, nodes.Veto) and rule.grade is not None and rule.grade not in names:
                close = nearest(rule.grade, names)
                self.err("P331", f"一票否决 {rule.name} 指定的等级 `{rule.grade}` 不是计分卡 {card.name} 的等级"
                                 + ("（计分卡没有 grades）" if not names else ""),
                         rule.span, hint=f"是否想写 `{close}`？" if close else None)

    def _each(self, each: nodes.Each, entry, deps):
        """Check `each`: a list input, a condition and a name over its items, and the items' rule."""
        if entry["bonus"]:
            self.err("P309", "加减分项中不能用 each", each.span)
        fields = self._list_fields(nodes.Name(each.list_name, span=each.span), deps, None)
        if fields is None:
            return
        template = each.template
        self.scopes.append(fields)
        try:
            if each.where is not None:
                self._need_bool(self.expr(each.where, deps=deps), each.where, "where")
            named = self.expr(each.named, deps=deps)
            if named.kind not in ("text", "error"):
                self.err("P204", f"named 须给出文本（如列表的名称字段），`{_text(each.named)}` 是{named.describe()}",
                         each.named.span)
            if each.weight is not None:
                weight = self.expr(each.weight, allow_full=False, deps=deps)
                self._points(weight, each.weight)
            if template.applies is not None:
                self.err("P309", "each 的各项不能设置 applies", template.applies.span)
            if isinstance(template.rule, nodes.PanelRule):
                self.err("P309", "each 的各项不能用 panel；专家评分请作为列表字段给出，如 score full * 评审得分率",
                         template.rule.span)
                return
            if isinstance(template.rule, nodes.ManualRule):
                self.err("P309", "each 的各项不能用 manual；评审分请作为列表字段给出，如 score full * 评审得分率",
                         template.rule.span)
                return
            self._leaf(template, dict(entry, bonus=False), deps)
        finally:
            self.scopes.pop()

    def _leaf(self, leaf: nodes.Indicator, entry, deps):
        check = lambda e, allow_full=True: self.expr(e, allow_full=allow_full, deps=deps)
        if leaf.applies is not None:
            self._need_bool(check(leaf.applies.condition, False), leaf.applies.condition, "applies when")
        for guard in leaf.guards:
            self._need_bool(check(guard.condition), guard.condition, "when")
            self._points(check(guard.score), guard.score)
        for show in leaf.shows:
            shown = check(show.expr)
            if show.reported is not None:
                reported = check(show.reported)
                reason = types.comparable(shown, reported, _is_literal(show.expr), _is_literal(show.reported),
                                          _is_zero(show.expr), _is_zero(show.reported))
                if reason:
                    self.err("P203", f"show … vs …：{reason}", show.span)
        rule = leaf.rule
        if rule is None:
            self.err("P303", f"指标 {leaf.name} 没有评分规则", leaf.span,
                     hint="写 score、ratio、bands、checklist、manual 或 deduct/add 之一")
        elif isinstance(rule, nodes.ScoreRule):
            self._points(check(rule.expr), rule.expr)
        elif isinstance(rule, nodes.RatioRule):
            num, den = check(rule.numerator), check(rule.denominator)
            self._need_numeric(num, rule.numerator, "ratio")
            self._need_numeric(den, rule.denominator, "ratio")
            if num.numeric and den.numeric and (num.kind == "money") != (den.kind == "money"):
                self.err("P203", "ratio 的分子分母须同为金额或同为非金额", rule.span)
        elif isinstance(rule, nodes.BandsRule):
            subject = self._need_numeric(check(rule.subject), rule.subject, "bands")
            for arm in rule.arms:
                self._threshold(subject, arm, check, "分档界限")
                value = check(arm.value)
                if rule.share:
                    self._need_numeric(value, arm.value, "share 分档的得分比例")
                else:
                    self._points(value, arm.value)
        elif isinstance(rule, nodes.ChecklistRule):
            with_points = [item.points is not None for item in rule.items]
            if any(with_points) and not all(with_points):
                self.err("P304", "清单项要么都写分值（=> 1），要么都不写（按项数均分）", rule.span)
            for item in rule.items:
                self._need_bool(check(item.condition), item.condition, "清单项")
                if item.points is not None:
                    self._points(check(item.points), item.points)
            if not rule.items:
                self.err("P304", "checklist 不能为空", rule.span)
        elif isinstance(rule, nodes.ManualRule):
            name = rule.input_name or f"{leaf.name}{rule.suffix}"
            entry["manual_input"] = name
            deps.add(name)
            kind, decl = self.symbols.get(name, (None, None))
            if kind == "input" and decl.type.kind not in ("number", "count"):
                self.err("P204", f"评审输入 `{name}` 须为 number", decl.span)
            elif kind == "manual" and decl is leaf and name not in self._input_names():
                default = Decimal(0) if rule.mode == "deduction" else None  # a judged score must be given
                self.inputs.append(InputSpec(name, len(self.inputs), types.NUMBER, default, None, None,
                                             leaf.span, leaf.name))
        elif isinstance(rule, nodes.TargetRule):
            target = check(rule.target)
            if target.kind not in ("text", "error"):
                self.err("P204", f"target 后须是目标值的文本（如 \"30条\"、\"6%以内\"），`{_text(rule.target)}` 是"
                                 f"{target.describe()}", rule.target.span)
            actual = check(rule.actual)
            if actual.kind == "list":
                self.err("P204", f"actual 后须是实际值（文本或数值），`{_text(rule.actual)}` 是{actual.describe()}",
                         rule.actual.span)
            if rule.unit is not None:
                unit = check(rule.unit)
                if unit.kind not in ("text", "error"):
                    self.err("P204", f"unit 后须是度量单位的文本（如 \"百分比\"、\"个\"），`{_text(rule.unit)}` 是"
                                     f"{unit.describe()}", rule.unit.span)
            self._levels(rule.levels, check)
        elif isinstance(rule, nodes.RatingRule):
            subject = check(rule.subject)
            if rule.levels is None:
                self._need_numeric(subject, rule.subject, "rating（得分系数）")
                if subject.kind == "money":
                    self.err("P203", "rating 的得分系数须是 0 到 1 之间的数或比率，不能是金额", rule.subject.span)
            elif subject.kind not in ("text", "error"):
                self.err("P204", f"rating … levels 须读一个文本（等级，如 \"良\"），`{_text(rule.subject)}` 是"
                                 f"{subject.describe()}", rule.subject.span)
            self._levels(rule.levels, check)
        elif isinstance(rule, nodes.PanelRule):
            name = rule.input_name or f"{leaf.name}{rule.suffix}"
            entry["manual_input"] = name
            deps.add(name)
            kind, decl = self.symbols.get(name, (None, None))
            if kind == "input" and decl.type.kind != "list":
                self.err("P220", f"评审组输入 `{name}` 须为 list（每位专家一项：得分、说明）", decl.span)
            elif kind == "manual" and decl is leaf and name not in {spec.name for spec in self.inputs}:
                fields = (InputSpec("得分", 0, types.NUMBER, None, None, None, leaf.span),
                          InputSpec("专家", 1, types.TEXT, "", None, None, leaf.span),
                          InputSpec("说明", 2, types.TEXT, "", None, None, leaf.span))
                self.inputs.append(InputSpec(name, len(self.inputs), types.LIST, None, None, None, leaf.span,
                                             leaf.name, fields=fields))
            if rule.spread is not None:
                self._points(check(rule.spread), rule.spread)
                if _literal_value(rule.spread) is None or _literal_value(rule.spread) < 0:
                    self.err("P220", "spread 后须是一个不小于 0 的分数常量（最高分与最低分允许相差多少）",
                             rule.spread.span)
            if kind == "input" and decl.type.kind == "list":
                names = {field.name for field in decl.type.fields}
                if "得分" not in names:
                    self.err("P220", f"评审组输入 `{name}` 须有字段 `得分: number`（可另有 专家、说明: text）", decl.span)
        elif isinstance(rule, nodes.DeductionRule):
            kinds = {line.kind for line in rule.lines}
            if len(kinds) > 1 and not entry["bonus"]:
                self.err("P304", f"指标 {leaf.name} 混用了 add 与 deduct；加减分请放在 bonus 分组里", rule.span)
            for line in rule.lines:
                self._deduction_line(line, check)

    def _threshold(self, subject: Type, arm: nodes.BandArm, check, what: str):
        """A band arm's bound must meet its subject (money with money …)."""
        if arm.threshold is not None:
            t = check(arm.threshold)
            reason = types.comparable(subject, t, False, _is_literal(arm.threshold), False, _is_zero(arm.threshold))
            if reason:
                self.err("P203", f"{what}：{reason}", arm.threshold.span)

    def _deduction_line(self, line: nodes.Deduction, check):
        """One ``deduct``/``add`` line, of an indicator or of a scorecard."""
        self._points(check(line.amount), line.amount)
        if line.when is not None:
            self._need_bool(check(line.when), line.when, "when")
        if line.up_to is not None:
            self._points(check(line.up_to), line.up_to)
        per = line.per
        if per is not None:
            subject = self._need_numeric(check(per.subject), per.subject, "per")
            for extra in (per.step, per.threshold):
                if extra is not None:
                    t = check(extra)
                    reason = types.comparable(subject, t, False, _is_literal(extra), False, _is_zero(extra))
                    if reason:
                        self.err("P203", reason, extra.span)
            if per.step is not None and _literal_value(per.step) is not None and _literal_value(per.step) <= 0:
                self.err("P304", "步长须大于 0", per.step.span)

    def _levels(self, arms, check):
        """Each level's share is a proportion of the weight, 0 to 100%."""
        for arm in arms or ():
            share = check(arm.share)
            self._need_numeric(share, arm.share, "等级的得分比例")
            value = _literal_value(arm.share)
            if value is not None and not 0 <= value <= 1:
                self.err("P330", f"等级 {arm.name} 的得分比例 {_text(arm.share)} 不在 0 到 100% 之间", arm.share.span,
                         hint="写成分值的比例，如 良 => 80%")

    def _points(self, t: Type, expr):
        """A score, an amount deducted, a cap: a plain number of points."""
        if t.kind == "error":
            return
        if t.kind == "money":
            self.err("P203", f"得分须是分值，`{_text(expr)}` 是金额", expr.span)
        elif not t.numeric:
            self.err("P204", f"得分须是数值，`{_text(expr)}` 是{t.describe()}", expr.span)

    def _paths(self, card, specs):
        seen = {}
        for entry in specs:
            if entry["path"] in seen:
                self.err("P305", f"计分卡 {card.name} 中指标路径重复：{'/'.join(entry['path'])}", entry["span"],
                         notes=(("首次出现在此", seen[entry["path"]]),))
            else:
                seen[entry["path"]] = entry["span"]

    def _moves(self, card, specs) -> list[Move]:
        leaves_by_name: dict[str, list[dict]] = {}
        for entry in specs:
            if entry["indicator"] is not None:
                leaves_by_name.setdefault(entry["name"], []).append(entry)
        moves = []
        for entry in specs:
            leaf = entry["indicator"]
            if leaf is None or leaf.applies is None:
                continue
            if entry["bonus"]:
                self.err("P306", "加减分项的指标不能设置 applies", leaf.applies.span)
                continue
            for move in leaf.applies.moves:
                found = leaves_by_name.get(move.target, [])
                if not found:
                    groups = [e for e in specs if e["name"] == move.target]
                    if groups:
                        self.err("P306", f"分值只能调整给指标，`{move.target}` 是分组", move.span)
                    else:
                        close = nearest(move.target, leaves_by_name)
                        self.err("P306", f"调整目标 `{move.target}` 不是本计分卡的指标", move.span,
                                 hint=f"是否想写 `{close}`？" if close else None,
                                 fix=unparse.name(close) if close else None)
                    continue
                if len(found) > 1:
                    self.err("P306", f"调整目标 `{move.target}` 在本计分卡中不唯一", move.span)
                    continue
                target = found[0]
                if target is entry:
                    self.err("P306", "指标不能把分值调整给自己", move.span)
                    continue
                if target["indicator"].applies is not None:
                    self.err("P306", f"调整目标 `{move.target}` 自身也有 applies 条件；分值不能连环调整", move.span)
                    continue
                if target["bonus"]:
                    self.err("P306", "分值不能调整给加减分项", move.span)
                    continue
                moves.append(Move(entry["index"], target["index"], move.amount))
        return moves

    def _grades(self, card):
        if card.grades is None:
            return None
        arms = card.grades
        if isinstance(arms, nodes.GradesRef):
            decl = self.named_grades.get(arms.name)
            if decl is None:
                close = nearest(arms.name, self.named_grades)
                hint = f"是否想写 `{close}`？" if close else "先用 grades 名称 { … } 定义，或 include 定义它的文件"
                self.err("P201", f"未定义的等级表 `{arms.name}`", arms.span, hint=hint,
                         fix=unparse.name(close) if close else None)
                return None
            arms = decl.arms
        for arm in arms:
            if arm.threshold is not None:
                if _literal_value(arm.threshold) is None or _is_money(arm.threshold):
                    self.err("P307", "等级界限须是数字常量", arm.threshold.span)
                else:
                    self.types[arm.threshold.serial] = types.NUMBER
        return arms

    def _cap(self, card):
        if card.cap is None:
            return None
        low, high = _literal_value(card.cap.low), _literal_value(card.cap.high)
        if low is None or high is None or _is_money(card.cap.low) or _is_money(card.cap.high):
            self.err("P307", "cap 的上下限须是数字常量", card.cap.span)
            return None
        if low > high:
            self.err("P307", f"cap 的下限 {low} 大于上限 {high}", card.cap.span)
        return (low, high)

    # ── properties ──────────────────────────────────────────────────────────

    def _properties(self, scorecards) -> list[PropertySpec]:
        self.cards = scorecards
        specs = []
        for decl in self.module.decls:
            if not isinstance(decl, nodes.PropertyDecl):
                continue
            self.refs = {}
            check = lambda e: self.expr(e, allow_full=False)
            if decl.kind == "always":
                self._need_bool(check(decl.expr), decl.expr, "always")
            else:
                self._need_numeric(check(decl.expr), decl.expr, f"never {decl.never} 的对象")
                self._monotone_input(decl.input)
            if decl.when is not None:
                self._need_bool(check(decl.when), decl.when, "when")
            specs.append(PropertySpec(decl.kind, decl.expr, decl.input.name if decl.input else None, decl.never,
                                      decl.when, _claim_text(decl), self.refs, decl.span))
        self.refs = None
        return specs

    def _monotone_input(self, ref: nodes.Name):
        name = ref.name
        spec = next((s for s in self.inputs if s.name == name), None)
        if spec is not None:
            if spec.type.kind == "text":
                self.err("P704", f"输入 `{name}` 是文本，没有大小之分，不能检验单调性", ref.span)
            return
        kind, _ = self.symbols.get(name, (None, None))
        if kind is None:
            self._unknown(f"未定义的输入 `{name}`", ref, [s.name for s in self.inputs])
        else:
            self.err("P704", f"`{name}` 是{_KIND_TEXT[kind]}，不是输入：单调性只能对输入检验", ref.span,
                     hint="改为它所依赖的输入")

    def _indicator_ref(self, expr: nodes.IndicatorRef) -> Type:
        """Bind ``score of …``/``weight of …`` to one indicator: by name, or by the tail of its path."""
        written = "/".join(expr.path)
        if self.refs is None:
            self.err("P703", f"`{expr.what} of {written}`（指标的结果）只能用在 property 里", expr.span)
            return types.ERROR
        cards, path = self.cards, expr.path
        if len(path) > 1 and any(card.name == path[0] for card in cards):
            cards, path = [card for card in cards if card.name == path[0]], path[1:]
        found = [(card, node) for card in cards for node in card.nodes if node.path[-len(path):] == path]
        if not found:
            if any(card.name == written for card in self.cards):
                self.err("P701", f"`{written}` 是计分卡，不是指标：它的总分直接写 `{written}`", expr.span)
            else:
                known = {"/".join(node.path) for card in self.cards for node in card.nodes}
                close = nearest(written, known | {path.rsplit("/", 1)[-1] for path in known})
                self.err("P701", f"没有指标 `{written}`", expr.span, hint=f"是否想写 `{close}`？" if close else None)
            return types.ERROR
        if len(found) > 1:
            paths = ["/".join((card.name,) + node.path) for card, node in found]
            self.err("P702", f"指标 `{written}` 不唯一：{'、'.join(paths)}", expr.span,
                     hint=f"写出路径，如 {expr.what} of `{paths[0]}`")
            return types.ERROR
        card, node = found[0]
        self.refs[expr.serial] = (card.name, node.index)
        return types.NUMBER

    def _scorecard_refs(self, card_name, names):
        """The scorecards `names` reach; remembers the derived values each is reached through (for P207)."""
        found = {}
        todo = [(name, ()) for name in sorted(names)]
        seen = set()
        while todo:
            name, via = todo.pop(0)  # breadth first: the shortest chain of derived values
            if name in seen:
                continue
            seen.add(name)
            kind, _ = self.symbols.get(name, (None, None))
            if kind == "scorecard":
                found.setdefault(name, via)
            elif kind == "let":
                todo.extend((dep, via + (name,)) for dep in sorted(self.let_deps.get(name, ())))
        self.card_via[card_name] = found
        return frozenset(found)

    def _scorecard_order(self, scorecards):
        by_name = {card.name: card for card in scorecards}
        order, state = [], {}

        def visit(card, trail):
            if state.get(card.name) == "done":
                return
            if state.get(card.name) == "visiting":
                cycle = trail[trail.index(card.name):] + [card.name]
                path = cycle[:1]
                for before, after in zip(cycle, cycle[1:]):
                    path += [*self.card_via[before][after], after]
                self.err("P207", "计分卡循环引用：" + " → ".join(path), card.span)
                return
            state[card.name] = "visiting"
            for dep in sorted(card.deps):
                visit(by_name[dep], trail + [card.name])
            state[card.name] = "done"
            order.append(card.index)

        for card in scorecards:
            visit(card, [])
        return order


_KIND_TEXT = {"input": "输入", "let": "派生值", "scorecard": "计分卡", "manual": "评审输入"}


def _start(span):
    """A zero-width span at the start of the file, for problems of the whole file."""
    return span and type(span)(span.source, 1, 1, 1, 1)


def _declared_type(ref: nodes.TypeRef) -> Type:
    if ref.kind == "money":
        return Type("money", ref.unit)
    if ref.kind == "list":
        return types.LIST
    return _TYPE_OF_DECL[ref.kind]


def _is_money(expr) -> bool:
    inner = expr.operand if isinstance(expr, nodes.Neg) else expr
    return isinstance(inner, nodes.Num) and inner.kind == "money"


def _leaves(children):
    for child in children:
        if isinstance(child, nodes.Group):
            yield from _leaves(child.children)
        elif isinstance(child, nodes.Indicator):
            yield child


def _text(expr) -> str:
    from .unparse import expression

    return expression(expr)


def _claim_text(decl: nodes.PropertyDecl) -> str:
    """A property as one line of canonical text, for reports."""
    from .unparse import expression, name

    if decl.kind == "always":
        text = "always " + expression(decl.expr)
    else:
        text = f"{expression(decl.expr)} never {decl.never} in {name(decl.input.name)}"
    return text + (f" when {expression(decl.when)}" if decl.when is not None else "")


def resolve(module: nodes.Module, path: str = "<string>") -> tuple[Model, list[Diagnostic]]:
    """Bind and type-check `module`; return the model and every diagnostic found."""
    resolver = _Resolver(module, path)
    model = resolver.run()
    return model, resolver.diagnostics
