"""Model → the Python source of one straight-line evaluator function, compiled once per ruleset.

The function takes a record's input values as a tuple (slot order) and
returns a flat tuple: for each scorecard, (effective weight, score) of every
node in pre-order, then the total and the grade.  Inputs are unpacked into
locals once; constants are default arguments; min/max/clamps are inline
conditionals; each leaf is rounded where it is scored.  It computes exactly
what `interp` computes (the differential tests hold it to that) and nothing
else — no basis text, no error messages: any failure raises, and `program`
asks the interpreter what went wrong.

With ``explain`` the same emitters build `evaluate_facts`, which also returns
every derived value and each leaf's facts (the arm taken, its raw score, the
figures its form computed): `rendering` writes the basis text from them.

Safety: no user text reaches the source.  Names become slot variables
(``i3``, ``l2``), numbers and strings become constants passed in by value.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from . import cardrules, forms, layout, nodes
from .decimals import ROUNDING_MODES, SNAP, quantum
from .model import Model, NodeSpec, ScorecardSpec

#: The generated names assigned once before any rule reads them: constants, inputs, derived values (`held`).
_ONCE = re.compile(r"[kil]\d+")
_CMP = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _Source:
    def __init__(self):
        self.lines: list[str] = []
        self.level = 1

    def line(self, text: str):
        self.lines.append("    " * self.level + text)

    def indent(self):
        self.level += 1

    def dedent(self):
        self.level -= 1


class Generator:
    """Builds the source and the constants it needs."""

    def __init__(self, model: Model, explain: bool = False):
        self.model = model
        # explain: the same evaluator that also returns the facts a basis line is rendered from
        # (`rendering`): every derived value, and per leaf the arm taken, its raw score and its form's figures
        self.explain = explain
        self.facts: list[str] = []  # what the rule form just emitted records (explain only)
        self.card_facts: list[str] = []  # explain: each scorecard rule's figures, as `cardrules` emits them
        self.out = _Source()
        self.constants: list[object] = []
        self._constant_names: dict[tuple, str] = {}
        self._temp = 0
        self.computed_lets: set[str] = set()
        self.item_vars: list[tuple[object, str]] = []  # (list input spec, loop variable), innermost last
        self.totals: dict[str, str] = {}
        self.zero = self.const(Decimal(0))
        self.one = self.const(Decimal(1))

    # ── names ───────────────────────────────────────────────────────────────

    def const(self, value) -> str:
        key = (type(value).__name__, str(value))
        if key not in self._constant_names:
            self._constant_names[key] = f"k{len(self.constants)}"
            self.constants.append(value)
        return self._constant_names[key]

    def temp(self) -> str:
        self._temp += 1
        return f"_x{self._temp}"

    def held(self, code: str) -> str:
        """`code`'s value by a name: `code` itself when it is a constant, an input or a derived value (names
        assigned once, before any rule, and read without effect), else a new variable assigned it here.
        Copying a name costs nothing per record but a line to compile (a third of a large evaluator's)."""
        if _ONCE.fullmatch(code):
            return code
        var = self.temp()
        self.out.line(f"{var} = {code}")
        return var

    def name(self, name: str) -> str:
        for spec, var in reversed(self.item_vars):
            field = spec.field(name)
            if field is not None:
                return f"{var}[{field.slot}]"
        if name in self.totals:
            return self.totals[name]
        spec = self.model.input(name)
        if spec is not None:
            return f"i{spec.slot}"
        let = self.model.let(name)
        return f"l{let.slot}"

    # ── expressions ─────────────────────────────────────────────────────────

    def expr(self, expr, full: str | None = None) -> str:
        e = lambda sub: self.expr(sub, full)
        if isinstance(expr, nodes.Num):
            return self.const(expr.value)
        if isinstance(expr, nodes.Bool):
            return "True" if expr.value else "False"
        if isinstance(expr, nodes.Str):
            return self.const(expr.value)
        if isinstance(expr, nodes.Name):
            return self.name(expr.name)
        if isinstance(expr, nodes.Full):
            assert full is not None
            return full
        if isinstance(expr, nodes.Neg):
            return f"(-{e(expr.operand)})"
        if isinstance(expr, nodes.Binary):
            return f"({e(expr.left)} {expr.op} {e(expr.right)})"
        if isinstance(expr, nodes.Compare):
            return f"({e(expr.left)} {_CMP[expr.op]} {e(expr.right)})"
        if isinstance(expr, nodes.Logic):
            return f"({e(expr.left)} {expr.op} {e(expr.right)})"
        if isinstance(expr, nodes.Not):
            return f"(not {e(expr.operand)})"
        if isinstance(expr, nodes.If):
            return f"({e(expr.then)} if {e(expr.test)} else {e(expr.otherwise)})"
        if isinstance(expr, nodes.Call):
            if expr.args and isinstance(expr.args[0], nodes.Query):
                return self._aggregate(expr.func, expr.args[0], full)
            if expr.func == "given":
                return f"({self.name(expr.args[0].name)} is not MISSING)"
            args = [e(arg) for arg in expr.args]
            if expr.func in ("min", "max"):
                op = "<=" if expr.func == "min" else ">="
                result = args[0]
                for arg in args[1:]:
                    a, b = self.temp(), self.temp()
                    result = f"({a} if ({a} := {result}) {op} ({b} := {arg}) else {b})"
                return result
            if expr.func == "abs":
                return f"abs({args[0]})"
            if expr.func == "deviation":
                declared = self.model.type_of(expr.args[1])
                kind, unit = (declared.kind, declared.unit) if declared else (None, None)
                column = args[2] if len(args) > 2 else "None"
                return f"DEVIATION({args[0]}, {args[1]}, {self.const(kind)}, {self.const(unit)}, {column})"
            if expr.func == "round":
                places = expr.args[1].value if len(expr.args) > 1 else Decimal(0)
                return f"ROUND({args[0]}, {self.const(places)}, k_mode)"
            mode = self.const(ROUND_CEILING if expr.func == "ceil" else ROUND_FLOOR)
            return f"{args[0]}.to_integral_value({mode})"
        raise AssertionError(f"cannot compile {expr!r}")  # pragma: no cover

    def _aggregate(self, func: str, query, full) -> str:
        """A generator expression over the list's items (Python scopes keep the loop variable private)."""
        spec = self.model.input(query.source.name)
        var = self.temp()
        self.item_vars.append((spec, var))
        try:
            value = self.expr(query.value, full) if query.value is not None else "True"
            where = f" if {self.expr(query.where, full)}" if query.where is not None else ""
        finally:
            self.item_vars.pop()
        items = f"({value} for {var} in {self.name(query.source.name)}{where})"
        return {"count": f"AGG_COUNT{items}", "sum": f"AGG_SUM{items}", "mean": f"AGG_MEAN{items}",
                "min": f"AGG_MIN{items}", "max": f"AGG_MAX{items}", "all": f"all{items}", "any": f"any{items}"}[func]

    # ── derived values ──────────────────────────────────────────────────────

    def need(self, *exprs):
        """Emit, at function level, every derived value `exprs` use that is not computed yet (in the order a
        walk of each meets them; an `exprs` item may also be a rule, for every expression it holds).

        A derived value that cannot be computed (a missing input, a zero
        divisor) becomes UNDEFINED: that is an error only if it is used.
        """
        wanted = []
        let = self.model.let
        for expr in exprs:
            if expr is None:
                continue
            for node in nodes.walk(expr):
                if node.__class__ is nodes.Name and node.name not in self.computed_lets and let(node.name) is not None:
                    wanted.append(node.name)
        for name in wanted:
            self._emit_let(name)

    def _emit_let(self, name: str):
        if name in self.computed_lets:
            return
        let = self.model.let(name)
        for dep in sorted(let.deps):
            if self.model.let(dep) is not None:
                self._emit_let(dep)
        self.computed_lets.add(name)
        var = f"l{let.slot}"
        level = self.out.level
        self.out.level = 1
        self.out.line("try:")
        self.out.line(f"    {var} = {self.expr(let.expr)}")
        self.out.line("except Exception:")
        self.out.line(f"    {var} = UNDEFINED")
        self.out.level = level

    # ── scorecards ──────────────────────────────────────────────────────────

    def scorecard(self, card: ScorecardSpec) -> list[str]:
        c = card.index
        w = lambda i: f"w{c}_{i}"
        s = lambda i: f"s{c}_{i}"
        a = lambda i: f"a{c}_{i}"
        out = self.out
        out.line(f"# scorecard {c}")
        leaves = list(card.leaves())
        for node in leaves:
            if node.indicator.applies is not None:
                self.need(node.indicator.applies.condition)
                out.line(f"{a(node.index)} = {self.expr(node.indicator.applies.condition)}")
        for node in leaves:
            declared = self.const(node.declared)
            applies = node.indicator.applies
            if applies is not None and not applies.full:
                weight = f"({declared} if {a(node.index)} else {self.zero})"
            else:
                weight = declared
            for move in node.moves_in:
                weight += f" + ({self.zero} if {a(move.source)} else {self.const(move.amount)})"
            out.line(f"{w(node.index)} = {weight}")
        for node in leaves:
            self.leaf(card, node, w(node.index), s(node.index), a(node.index))
        rows = []
        for node in card.nodes:
            if node.each is not None:
                rows.append(self.each(card, node, w(node.index), s(node.index)))
        for node in reversed(card.nodes):
            if node.is_leaf or node.each is not None:
                continue
            score = " + ".join(s(i) for i in node.children) or self.zero  # a placeholder group scores 0
            if node.bonus:
                bound = self.const(node.declared)
                neg = self.const(-node.declared)
                out.line(f"{s(node.index)} = {self.zero} + {score}")
                out.line(f"if {s(node.index)} > {bound}: {s(node.index)} = {bound}")
                out.line(f"elif {s(node.index)} < {neg}: {s(node.index)} = {neg}")
                out.line(f"{w(node.index)} = {bound}")
            else:
                out.line(f"{s(node.index)} = {self.zero} + {score}")
                out.line(f"{w(node.index)} = {self.zero} + " + (" + ".join(w(i) for i in node.children) or self.zero))
        total = f"t{c}"
        out.line(f"{total} = {self.zero} + " + " + ".join(s(i) for i in card.top))
        self.card_facts = []
        adjusted = cardrules.emit_deductions(self, card, total)
        if card.cap is not None:
            low, high = (self.const(v) for v in card.cap)
            out.line(f"if {total} < {low}: {total} = {low}")
            out.line(f"if {total} > {high}: {total} = {high}")
        grade = f"g{c}"
        forced = f"v{c}"
        adjusted += cardrules.emit_limits(self, card, total, forced)
        if card.rules:
            rows.append("(" + "".join(f"{pair}, " for pair in adjusted) + ")")
            if self.explain:
                out.line(f"fc{c} = (" + "".join(f"{fact}, " for fact in self.card_facts) + ")")
        if card.grades:
            keyword = "if"
            for arm in card.grades:
                if arm.op is None:
                    out.line("else:" if keyword == "elif" else "if True:")
                else:
                    out.line(f"{keyword} {total} {arm.op} {self.expr(arm.threshold)}:")
                out.indent()
                out.line(f"{grade} = {self.const(arm.name)}")
                out.dedent()
                keyword = "elif"
                if arm.op is None:
                    break
            else:
                out.line("else:")
                out.line(f"    {grade} = None")
        else:
            out.line(f"{grade} = None")
        out.line(f"if {forced} is not None: {grade} = {forced}")
        self.totals[card.name] = total
        return layout.values(card, w, s, total, grade, "(" + "".join(f"{r}, " for r in rows) + ")")

    def each(self, card: ScorecardSpec, group: NodeSpec, w: str, s: str) -> str:
        """A loop over the chosen items of a list: each scored by the template leaf with its share."""
        out = self.out
        each = group.each
        spec = self.model.input(each.list_name)
        source = self.name(each.list_name)
        item, rows, share, score = self.temp(), f"r{card.index}_{group.index}", self.temp(), self.temp()
        template = NodeSpec(-1, group.name, group.path, Decimal(0), None, (), False, each.template, None)
        self.need(each.where, each.named, each.weight, *(g.condition for g in each.template.guards),
                  *(g.score for g in each.template.guards), each.template.rule)
        self.item_vars.append((spec, item))
        where = f" if {self.expr(each.where)}" if each.where is not None else ""
        chosen = self.temp()
        # explain: each chosen item with its place in the list (its data keys), and the item's leaf facts
        number = self.temp() if self.explain else None
        picked = f"({number}, {item})" if number else item
        listed = f"enumerate({source}, 1)" if number else source
        out.line(f"{chosen} = [{picked} for {picked} in {listed}{where}]")
        out.line(f"{w} = {self.const(group.declared)}")
        out.line(f"{rows} = []")
        if each.weights:
            shares = f"WEIGHTS({w}, len({chosen}), {self.const(each.weights)})"
        elif each.weight is not None:
            shares = f"WEIGHTS({w}, len({chosen}), [{self.expr(each.weight)} for {picked} in {chosen}], k_step, k_mode)"
        else:
            shares = f"SPLIT({w}, len({chosen}), k_step)"
        if number:
            items = f"f{card.index}_{group.index}"
            out.line(f"{items} = []")
        out.line(f"for {picked}, {share} in zip({chosen}, {shares}):")
        out.indent()
        self.leaf(card, template, share, score, None, fact=f"{items}_item" if number else None)
        out.line(f"{rows}.append((str({self.expr(each.named)}), {share}, {score}))")
        if number:
            out.line(f"{items}.append(({number}, {items}_item))")
        out.dedent()
        self.item_vars.pop()
        out.line(f"{s} = {self.zero} + sum(row[2] for row in {rows})")
        return f"tuple({rows})"

    def leaf(self, card: ScorecardSpec, node: NodeSpec, w: str, s: str, a: str, fact: str | None = None):
        out = self.out
        indicator = node.indicator
        self.need(*(g.condition for g in indicator.guards), *(g.score for g in indicator.guards))
        self.need(indicator.rule)  # the rule's every expression, in one walk
        if self.explain:
            self.need(*(e for show in indicator.shows for e in (show.expr, show.reported)))
        out.line(f"# {card.index}/{node.index}")
        applies = indicator.applies
        f = (fact or f"f{card.index}_{node.index}") if self.explain and (node.index >= 0 or fact) else None
        if applies is not None:
            out.line(f"if not {a}:")
            out.line(f"    {s} = {w}" if applies.full else f"    {s} = {self.zero}")
            if f:
                out.line(f"    {f} = (-1, {s})")
            out.line("else:")
            out.indent()
        keyword = "if"
        for number, guard in enumerate(indicator.guards, start=1):
            out.line(f"{keyword} {self.expr(guard.condition, w)}:")
            out.line(f"    {s} = {self.expr(guard.score, w)}")
            if f:
                out.line(f"    {f} = ({number}, {s}, {self.path(guard.score, w)})")
            keyword = "elif"
        if indicator.guards:
            out.line("else:")
            out.indent()
        self.facts = []
        forms.of(indicator.rule).emit(self, indicator.rule, node, w, s)
        if f:
            out.line(f"{f} = (0, {s}, " + "".join(f"{figure}, " for figure in self.facts) + ")")
        if indicator.guards:
            out.dedent()
        if applies is not None:
            out.dedent()
        if f and indicator.shows:  # each ``show … vs``: its value and the reported one, or what stopped them
            shown = []
            for show in indicator.shows:
                for expr in (show.expr, show.reported):
                    if expr is None:
                        shown.append("None")
                        continue
                    value = self.temp()
                    out.line("try:")
                    out.line(f"    {value} = {self.expr(expr)}")
                    out.line("except Exception as _failed:")
                    out.line(f"    {value} = _failed")
                    shown.append(value)
            out.line(f"{f} = {f} + ((" + "".join(f"{v}, " for v in shown) + "),)")
        high = self.const(node.declared) if node.bonus else w
        low = self.const(-node.declared) if node.bonus else self.zero
        out.line(f"if {s} > {high}: {s} = {high}")
        out.line(f"elif {s} < {low}: {s} = {low}")
        out.line(f"{s} = {s}.quantize(k_snap, k_even).quantize(k_step, k_mode)")

    def path(self, expr, w) -> str:
        """Explain: the branches an ``if … then … else`` score took, outermost first (None: not an `if`)."""
        if not isinstance(expr, nodes.If):
            return "None"
        return (f"((True, {self.path(expr.then, w)}) if {self.expr(expr.test, w)} "
                f"else (False, {self.path(expr.otherwise, w)}))")

    def _levels(self, arms, w) -> str:
        """A ``levels { … }`` block as a dict display (None: the document's tiers)."""
        if arms is None:
            return "None"
        return "{" + ", ".join(f"{self.const(arm.name)}: {self.expr(arm.share, w)}" for arm in arms) + "}"

    def line_amount(self, line, w) -> str:
        """The variable holding what one `deduct`/`add` line takes: when its condition holds, or per
        occurrence or step, at most `up to`; an indicator's line and a scorecard's deduction alike.

        Explain: `line_facts` is then a tuple display of the line's figures, (amount, whether its `when`
        holds, subject, step, threshold, excess, count, the amount before its cap, the cap), None where
        the line has no such figure."""
        out = self.out
        figures = {name: "None" for name in ("holds", "subject", "step", "threshold", "excess", "count", "cap")}
        if self.explain:
            figures.update((name, self.temp()) for name in ("count",))
            out.line(f"{figures['count']} = None")
        amount = self.held(self.expr(line.amount, w))
        value = self.temp()
        if line.when is not None:
            if self.explain:
                figures["holds"] = self.temp()
                out.line(f"{figures['holds']} = bool({self.expr(line.when, w)})")
                out.line(f"{value} = {amount} if {figures['holds']} else {self.zero}")
            else:
                out.line(f"{value} = {amount} if {self.expr(line.when, w)} else {self.zero}")
        else:
            self._per(line.per, amount, value, w, figures)
        before = value
        if line.up_to is not None:
            cap = figures["cap"] = self.temp()
            if self.explain:
                before = self.temp()
                out.line(f"{before} = {value}")
            out.line(f"{cap} = {self.expr(line.up_to, w)}")
            out.line(f"if {value} > {cap}: {value} = {cap}")
        self.line_facts = (f"({amount}, {figures['holds']}, {figures['subject']}, {figures['step']}, "
                           f"{figures['threshold']}, {figures['excess']}, {figures['count']}, {before}, "
                           f"{figures['cap']})")
        return value

    def _per(self, per, amount, value, w, figures):
        out = self.out
        subject = figures["subject"] = self.held(self.expr(per.subject, w))
        if per.step is None:
            count = f"({subject} if {subject} > {self.zero} else {self.zero})"
            if self.explain:
                out.line(f"{figures['count']} = {count}")
                count = figures["count"]
            out.line(f"{value} = {amount} * {count}")
            return
        step = figures["step"] = self.held(self.expr(per.step, w))
        if per.threshold is not None:
            threshold = figures["threshold"] = self.held(self.expr(per.threshold, w))
            excess = figures["excess"] = self.temp()
            if per.direction == "above":
                out.line(f"{excess} = {subject} - {threshold}")
            else:
                out.line(f"{excess} = {threshold} - {subject}")
        else:
            excess = figures["excess"] = subject  # `subject` is assigned once, as `held` says
        out.line(f"if {excess} <= {self.zero}:")
        out.line(f"    {value} = {self.zero}")
        out.line("else:")
        if per.mode == "started":
            count = f"({excess} / {step}).to_integral_value({self.const(ROUND_CEILING)})"
        elif per.mode == "whole":
            count = f"({excess} / {step}).to_integral_value({self.const(ROUND_FLOOR)})"
        else:
            count = f"({excess} / {step})"
        if self.explain:
            out.line(f"    {figures['count']} = {count}")
            count = figures["count"]
        out.line(f"    {value} = {amount} * {count}")

    # ── the function ────────────────────────────────────────────────────────

    def function(self) -> str:
        model = self.model
        results = {}
        for index in model.order:
            results[index] = self.scorecard(model.scorecards[index])
        flat = [name for index in range(len(model.scorecards)) for name in results[index]]
        body = self.out.lines
        inputs = ", ".join(f"i{spec.slot}" for spec in model.inputs)
        self.const(SNAP)
        special = {
            "k_snap": SNAP,
            "k_even": ROUND_HALF_EVEN,
            "k_step": quantum(model.precision),
            "k_mode": ROUNDING_MODES[model.rounding],
        }
        defaults = [f"{name}={name}" for name in [f"k{i}" for i in range(len(self.constants))] + list(special)]
        self.special = special
        head = [f"def {'evaluate_facts' if self.explain else 'evaluate'}(_values, {', '.join(defaults)}):"]
        if inputs:
            head.append(f"    ({inputs},) = _values")
        tail = ["    return (" + "".join(f"{name}, " for name in flat) + ")"]
        if self.explain:  # the figures, every derived value (UNDEFINED: not computed), every leaf's facts
            lets = [f"l{let.slot}" for let in model.lets]
            if lets:
                head.append("    " + " = ".join(lets) + " = UNDEFINED")
            leaves = [f"f{card.index}_{node.index}" for card in model.scorecards for node in layout.with_facts(card)]
            leaves += [f"fc{card.index}" for card in model.scorecards if card.rules]
            if leaves:
                head.append("    " + " = ".join(leaves) + " = None")
            tail = ["    return ((" + "".join(f"{name}, " for name in flat) + "), ("
                    + "".join(f"{name}, " for name in lets) + "), (" + "".join(f"{name}, " for name in leaves) + "))"]
        return "\n".join(head + body + tail) + "\n"


def generate(model: Model, explain: bool = False) -> tuple[str, dict]:
    """The evaluator's source and the namespace (constants, helpers) to execute it in; with `explain`,
    `evaluate_facts`, which also returns what the basis text is rendered from (`rendering`)."""
    generator = Generator(model, explain)
    source = generator.function()
    from .runtime import EXPORTED, UndefinedUse

    namespace = dict(EXPORTED)
    namespace["UndefinedUse"] = UndefinedUse
    namespace.update({f"k{i}": value for i, value in enumerate(generator.constants)})
    namespace.update(generator.special)
    return source, namespace
