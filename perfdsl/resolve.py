"""Syntax tree → `Model`: bind names, lay out slots, resolve each rule form, flatten scorecards.

Expressions are typed by `typecheck.TypeChecker`, which asks this resolver what
a name means (`let_type`, `list_input`, `indicator_ref`); each rule form of an
indicator has its own method here, `_rule_<node class>`, as the evaluator has.
Everything found wrong is collected as diagnostics rather than raised, so
`perfdsl check` can report every problem of a file at once; the loader
decides whether they are fatal.
"""

from __future__ import annotations

from collections import deque

from . import forms, nodes, types, unparse
from .errors import Diagnostic, error, warning
from .model import InputSpec, LetSpec, Model, Move, NodeSpec, PropertySpec, ScorecardSpec
from .nearest import nearest  # noqa: F401 (resolve.nearest: kept for callers)
from .typecheck import AGGREGATES, FUNCTIONS, TypeChecker, bare_number_beside_rate  # noqa: F401 (resolve.FUNCTIONS)
from .typecheck import declared_type as _declared_type
from .typecheck import is_literal as _is_literal
from .typecheck import is_money as _is_money
from .typecheck import is_zero as _is_zero
from .typecheck import literal_kind as _literal_kind
from .typecheck import literal_value as _literal_value
from .typecheck import text as _text
from .types import Type


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
        self.cards: list[ScorecardSpec] = []
        self.refs: dict | None = None  # while a property is resolved: its indicator references
        self.checker = TypeChecker(self, self.types, self.err, self.warn)
        self._inputs_by_name: tuple[int, dict[str, InputSpec]] = (0, {})  # see `list_input`

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
        if not scorecards and not (header is not None and header.framework) \
                and (header is not None or not self.module.decls):
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

    def list_input(self, name: str) -> InputSpec | None:
        """The input `name` among `self.inputs` so far (their names are unique: a second is never appended).

        The index follows `self.inputs` as inputs are appended (implicit manual and panel inputs come while
        the scorecards are resolved), so a lookup costs the same however many inputs there are."""
        count, index = self._inputs_by_name
        if count != len(self.inputs):
            for spec in self.inputs[count:]:
                index.setdefault(spec.name, spec)  # the first, as a scan would find
            self._inputs_by_name = (len(self.inputs), index)
        return index.get(name)

    def _did_you_mean(self, name):
        close = nearest(name, self.symbols)
        return f"是否想写 `{close}`？" if close else None

    # ── inputs ──────────────────────────────────────────────────────────────

    def _implicit_manual_inputs(self, cards):
        for card in cards:
            for leaf in _leaves(card.children):
                if leaf.rule is not None and forms.of(leaf.rule).ASSESSOR:
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
            self.checker.scopes.append(scope)
        for bound in (decl.low, decl.high):
            if bound is not None:
                btype = self.checker.expr(bound, allow_full=False)
                reason = types.comparable(itype, btype, False, _is_literal(bound), False, _is_zero(bound))
                if reason:
                    self.err("P203", f"输入 {decl.name} 的范围：{reason}", bound.span)
        if scope is not None:
            self.checker.scopes.pop()
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

    def let_type(self, name: str, lets: dict | None) -> Type:
        """For the checker: the type of derived value `name`, typed now if it is not yet."""
        if name in self.let_types:  # typed already: no need for the table of every let (per reference)
            return self.let_types[name]
        by_name = lets if lets is not None else {n: d for n, (k, d) in self.symbols.items() if k == "let"}
        return self._let_type(name, by_name)

    def _let_type(self, name, by_name) -> Type:
        if name in self.let_types:
            return self.let_types[name]
        if name in self.resolving:
            cycle = self.resolving[self.resolving.index(name):] + [name]
            self.err("P207", "派生值循环引用：" + " → ".join(cycle), by_name[name].span)
            return types.ERROR
        self.resolving.append(name)
        deps = set()
        ltype = self.checker.expr(by_name[name].expr, allow_full=False, deps=deps, lets=by_name)
        self.resolving.pop()
        self.let_types[name] = ltype
        self.let_deps[name] = frozenset(deps)
        return ltype

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
        moves_in: dict[int, list[Move]] = {}
        moves_out: dict[int, list[Move]] = {}
        for move in moves:  # grouped once, in order: scanning every move per node was quadratic
            moves_in.setdefault(move.target, []).append(move)
            moves_out.setdefault(move.source, []).append(move)
        built = []
        for entry in specs:
            entry["children"] = tuple(entry["children"])
            entry["moves_in"] = tuple(moves_in.get(entry["index"], ()))
            entry["moves_out"] = tuple(moves_out.get(entry["index"], ()))
            built.append(NodeSpec(**entry))
        grades = self._grades(card)
        self._veto_grades(card, grades)
        return ScorecardSpec(card.name, index, card.max, grades, self._cap(card), tuple(built),
                             tuple(top), self._scorecard_refs(card.name, deps), card.span, card.rules)

    def _card_rules(self, card: nodes.Scorecard, deps):
        """Scorecard rules (``cap by``, ``deduct``, ``veto``): figures of the record, not of an indicator."""
        check = lambda e: self.checker.expr(e, allow_full=False, deps=deps)
        for rule in card.rules:
            getattr(self, "_card_rule_" + type(rule).__name__)(rule, check)

    def _card_rule_CapBy(self, rule: nodes.CapBy, check):
        subject = self.checker.need_numeric(check(rule.subject), rule.subject, "cap by")
        if not rule.arms:
            self.err("P330", "cap by 至少须有一档", rule.span)
        for arm in rule.arms:
            self._threshold(subject, arm, check, "封顶分档界限")
            self.checker.points(check(arm.value), arm.value)

    def _card_rule_Deduction(self, rule: nodes.Deduction, check):
        if rule.kind != "deduct":
            self.err("P330", "计分卡一级只能写 deduct（加分请放在 bonus 分组里）", rule.span)
        self._deduction_line(rule, check)

    def _card_rule_Veto(self, rule: nodes.Veto, check):
        self.checker.need_bool(check(rule.condition), rule.condition, "veto when")
        if rule.cap is not None:
            self.checker.points(check(rule.cap), rule.cap)

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
        fields = self.checker.list_fields(nodes.Name(each.list_name, span=each.span), deps)
        if fields is None:
            return
        template = each.template
        self.checker.scopes.append(fields)
        try:
            if each.where is not None:
                self.checker.need_bool(self.checker.expr(each.where, deps=deps), each.where, "where")
            named = self.checker.expr(each.named, deps=deps)
            if named.kind not in ("text", "error"):
                self.err("P204", f"named 须给出文本（如列表的名称字段），`{_text(each.named)}` 是{named.describe()}",
                         each.named.span)
            if each.weight is not None:
                weight = self.checker.expr(each.weight, allow_full=False, deps=deps)
                self.checker.points(weight, each.weight)
            if template.applies is not None:
                self.err("P309", "each 的各项不能设置 applies", template.applies.span)
            refused = forms.of(template.rule).IN_EACH if template.rule is not None else None
            if refused is not None:
                self.err("P309", refused, template.rule.span)
                return
            self._leaf(template, dict(entry, bonus=False), deps)
        finally:
            self.checker.scopes.pop()

    def _leaf(self, leaf: nodes.Indicator, entry, deps):
        check = lambda e, allow_full=True: self.checker.expr(e, allow_full=allow_full, deps=deps)
        if leaf.applies is not None:
            self.checker.need_bool(check(leaf.applies.condition, False), leaf.applies.condition, "applies when")
        for guard in leaf.guards:
            self.checker.need_bool(check(guard.condition), guard.condition, "when")
            self.checker.points(check(guard.score), guard.score)
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
        else:
            forms.of(rule).resolve(self, rule, leaf, entry, deps, check)

    # ── what the rule forms of an indicator share (each form's own check is its `perfdsl.forms` module's) ──

    def _threshold(self, subject: Type, arm: nodes.BandArm, check, what: str):
        """A band arm's bound must meet its subject (money with money …)."""
        if arm.threshold is not None:
            t = check(arm.threshold)
            reason = types.comparable(subject, t, False, _is_literal(arm.threshold), False, _is_zero(arm.threshold))
            if reason:
                self.err("P203", f"{what}：{reason}", arm.threshold.span)
            else:
                bare_number_beside_rate(self.warn, subject, arm.threshold)

    def _deduction_line(self, line: nodes.Deduction, check):
        """One ``deduct``/``add`` line, of an indicator or of a scorecard."""
        self.checker.points(check(line.amount), line.amount)
        if line.when is not None:
            self.checker.need_bool(check(line.when), line.when, "when")
        if line.up_to is not None:
            self.checker.points(check(line.up_to), line.up_to)
        per = line.per
        if per is not None:
            subject = self.checker.need_numeric(check(per.subject), per.subject, "per")
            for extra in (per.step, per.threshold):
                if extra is not None:
                    t = check(extra)
                    reason = types.comparable(subject, t, False, _is_literal(extra), False, _is_zero(extra))
                    if reason:
                        self.err("P203", reason, extra.span)
                    else:  # a step of 1 is 100% of a rate: at most one step, never what a scheme means
                        bare_number_beside_rate(self.warn, subject, extra, step=extra is per.step)
            if per.step is not None and _literal_value(per.step) is not None and _literal_value(per.step) <= 0:
                self.err("P304", "步长须大于 0", per.step.span)

    def _levels(self, arms, check):
        """Each level's share is a proportion of the weight, 0 to 100%."""
        for arm in arms or ():
            share = check(arm.share)
            self.checker.need_numeric(share, arm.share, "等级的得分比例")
            value = _literal_value(arm.share)
            if value is not None and not 0 <= value <= 1:
                self.err("P330", f"等级 {arm.name} 的得分比例 {_text(arm.share)} 不在 0 到 100% 之间", arm.share.span,
                         hint="写成分值的比例，如 良 => 80%")

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
                elif _literal_kind(arm.threshold) == "percent":  # `优秀 >= 90%`: a total is in points, 90% is 0.9
                    points = format((_literal_value(arm.threshold) * 100).normalize(), "f")
                    self.err("P307", "等级界限是总分（分），不带 %", arm.threshold.span, hint=f"改为 {points}")
                else:
                    self.checker.record(arm.threshold, types.NUMBER)
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
            check = lambda e: self.checker.expr(e, allow_full=False)
            if decl.kind == "always":
                self.checker.need_bool(check(decl.expr), decl.expr, "always")
            else:
                self.checker.need_numeric(check(decl.expr), decl.expr, f"never {decl.never} 的对象")
                self._monotone_input(decl.input)
            if decl.when is not None:
                self.checker.need_bool(check(decl.when), decl.when, "when")
            specs.append(PropertySpec(decl.kind, decl.expr, decl.input.name if decl.input else None, decl.never,
                                      decl.when, _claim_text(decl), self.refs, decl.span))
        self.refs = None
        return specs

    def _monotone_input(self, ref: nodes.Name):
        name = ref.name
        spec = self.list_input(name)
        if spec is not None:
            if spec.type.kind == "text":
                self.err("P704", f"输入 `{name}` 是文本，没有大小之分，不能检验单调性", ref.span)
            return
        kind, _ = self.symbols.get(name, (None, None))
        if kind is None:
            self.checker.unknown(f"未定义的输入 `{name}`", ref, [s.name for s in self.inputs])
        else:
            self.err("P704", f"`{name}` 是{_KIND_TEXT[kind]}，不是输入：单调性只能对输入检验", ref.span,
                     hint="改为它所依赖的输入")

    def indicator_ref(self, expr: nodes.IndicatorRef) -> Type:
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
        todo = deque((name, ()) for name in sorted(names))
        seen = set()
        while todo:
            name, via = todo.popleft()  # breadth first: the shortest chain of derived values
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


def _leaves(children):
    for child in children:
        if isinstance(child, nodes.Group):
            yield from _leaves(child.children)
        elif isinstance(child, nodes.Indicator):
            yield child


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
