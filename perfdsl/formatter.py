"""`perfdsl fmt`: one canonical layout for a ruleset, comments kept.

The text is printed from its syntax tree — so formatting cannot change what a
ruleset means — and the comments are put back by line (`comments.attach`).
The layout: two spaces of indentation per block, one statement per line,
one space around operators and after commas, only the brackets precedence
needs, numbers as written (``95%`` stays ``95%``, ``0.43万元`` stays
``0.43万元``), statements in the order written, at most one blank line where
the author left blank lines, trailing comments of consecutive lines aligned.
A block with a single one-line statement and no comments inside stays on one
line (``indicator 项目监管 4 { manual }``).  A `let` or `score` line longer
than `WIDTH` columns is broken before its outermost operators, the rest
indented four more spaces.
"""

from __future__ import annotations

from decimal import Decimal

from . import forms, nodes, parser, unparse
from .comments import Layout, Unit, attach
from .decimals import MONEY_UNITS
from .errors import PerfSyntaxError
from .source import display_width

INDENT = "  "
CONTINUATION = "    "
#: Display columns (a Chinese character counts two) beyond which a formula is broken.
WIDTH = 100
#: Operators a continuation line may start with (a line starting with `-` would be a new statement).
_LEADING_OPERATORS = frozenset(["+", "*", "/", "and", "or"])


def format_text(text: str, path: str = "<string>") -> str:
    """The canonical text of a ruleset; raises `PerfSyntaxError` if it does not parse.

    The result is parsed again before it is returned: it must mean the same
    and hold the same comments, or this is a defect of the formatter
    (`AssertionError`), and no file may be written with it.
    """
    layout = Layout()
    module = parser.parse(text, path, layout)
    formatted = format_module(module, layout)
    again = Layout()
    try:
        same = parser.parse(formatted, path, again) == module
    except PerfSyntaxError as exc:
        raise AssertionError(f"fmt 的结果无法解析：{exc.render()}") from None
    if not same or sorted(c.text for c in again.comments) != sorted(c.text for c in layout.comments):
        raise AssertionError(f"fmt 改变了 {path} 的含义或注释")
    return formatted


def format_module(module: nodes.Module, layout: Layout | None = None) -> str:
    """Print `module`; with the `layout` of its parse, in its order and with its comments."""
    printer = _Printer(layout or Layout())
    root = printer.module(module)
    attach(root, printer.layout.comments)
    lines = printer.block_body(root, 0)
    return "\n".join(_aligned(lines)) + "\n" if lines else ""


class _Printer:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.reserved = parser.keywords()

    # ── text of names, numbers and expressions ──────────────────────────────

    def name(self, text: str) -> str:
        return unparse.name(text, self.reserved)

    def _show_name(self, node):
        return self.name(node.name) if isinstance(node, nodes.Name) else None

    def expr(self, expr) -> str:
        return unparse.expression(expr, show_name=self._show_name, show_literal=_literal)

    def unit(self, node, text: str, field: str | None = None, children=None, suffix: str = "") -> Unit:
        lines = self.layout.lines(node, field)
        first, last = lines if lines else (None, None)
        return Unit([text], first, last, children, suffix=suffix)

    def formula(self, node, head: str, expr) -> Unit:
        """A statement ending in a formula that may be broken over lines (let, score)."""
        unit = self.unit(node, head + self.expr(expr))
        unit.formula = (head, expr)
        return unit

    # ── statements ──────────────────────────────────────────────────────────

    def module(self, module: nodes.Module) -> Unit:
        items = [self.header(module.header)] if module.header is not None else []
        items += [self.declaration(decl) for decl in module.decls]
        return Unit([], None, None, _in_order(items))

    def header(self, header: nodes.Header) -> Unit:
        shown = {"source": f'"{header.source}"', "precision": str(header.precision), "rounding": header.rounding,
                 "record": self.name(header.record) if header.record is not None else None, "framework": None}
        lines = [self.unit(header, f"{key} {shown[key]}" if shown[key] is not None else key, key)
                 for key in shown if getattr(header, key) is not None]
        return self.unit(header, f'ruleset "{header.title}"', children=_in_order(lines))

    def declaration(self, decl) -> Unit:
        if isinstance(decl, nodes.Include):
            return self.unit(decl, f'include "{decl.path}"')
        if isinstance(decl, nodes.Extends):
            return self.unit(decl, f'extends "{decl.path}"')
        if isinstance(decl, nodes.Override):
            return self.override(decl)
        if isinstance(decl, nodes.InputDecl):
            return self.field(decl, "input ")
        if isinstance(decl, nodes.LetDecl):
            return self.formula(decl, f"let {self.name(decl.name)} = ", decl.expr)
        if isinstance(decl, nodes.GradesDecl):
            return self.unit(decl, f"grades {self.name(decl.name)}", children=[self.grade(a) for a in decl.arms])
        if isinstance(decl, nodes.Scorecard):
            return self.scorecard(decl)
        if isinstance(decl, nodes.PropertyDecl):
            return self.property(decl)
        raise AssertionError(f"cannot format {decl!r}")  # pragma: no cover

    def property(self, decl: nodes.PropertyDecl) -> Unit:
        if decl.kind == "always":
            text = f"property always {self.expr(decl.expr)}"
        else:
            text = f"property {self.expr(decl.expr)} never {decl.never} in {self.name(decl.input.name)}"
        unit = self.unit(decl, text)
        if decl.when is not None:
            when = f"when {self.expr(decl.when)}"
            # a property is top-level; too wide, its condition goes on a continued line
            one_line = f"{text} {when}"
            unit.lines = [one_line] if _width(0, one_line) <= WIDTH else [f"{text} \\", CONTINUATION + when]
        return unit

    def field(self, decl: nodes.InputDecl, keyword: str = "") -> Unit:
        """An input (`keyword` "input ") or a field of a list input's items."""
        head = f"{keyword}{self.name(decl.name)}: {decl.type.kind}"
        if decl.type.kind == "money":
            head += f"({decl.type.unit})"
        tail = ""
        if decl.low is not None and decl.high is not None:
            tail += f" in {self.expr(decl.low)} .. {self.expr(decl.high)}"
        elif decl.low is not None:
            tail += f" {'>' if decl.low_open else '>='} {self.expr(decl.low)}"
        elif decl.high is not None:
            tail += f" {'<' if decl.high_open else '<='} {self.expr(decl.high)}"
        if decl.choices:
            tail += " one of " + ", ".join(self.expr(choice) for choice in decl.choices)
        if decl.default is not None:
            tail += f" = {self.expr(decl.default)}"
        if decl.informational:
            tail += " informational"
        if decl.type.kind == "list":
            return self.unit(decl, head, children=[self.field(f) for f in decl.type.fields], suffix=tail)
        return self.unit(decl, head + tail)

    def grade(self, arm: nodes.GradeArm) -> Unit:
        text = self.name(arm.name)
        if arm.op is not None:
            text += f" {arm.op} {self.expr(arm.threshold)}"
        return self.unit(arm, text)

    def _grades_and_cap(self, card) -> list[Unit]:
        """The `grades` and `cap` lines of a scorecard or an override."""
        items = []
        if isinstance(card.grades, nodes.GradesRef):
            items.append(self.unit(card, f"grades {self.name(card.grades.name)}", "grades"))
        elif card.grades is not None:
            items.append(self.unit(card, "grades", "grades", [self.grade(arm) for arm in card.grades]))
        if card.cap is not None:
            items.append(self.unit(card.cap, f"cap {self.expr(card.cap.low)} .. {self.expr(card.cap.high)}"))
        return items

    def scorecard(self, card: nodes.Scorecard) -> Unit:
        items = self._grades_and_cap(card)
        items += [self.card_rule(rule) for rule in card.rules]
        items += [self.node(child) for child in card.children]
        return self.unit(card, f"scorecard {self.name(card.name)} max {_decimal(card.max)}", children=_in_order(items))

    def override(self, override: nodes.Override) -> Unit:
        items = self._grades_and_cap(override)
        items += [self.edit(edit) for edit in override.edits]
        head = f"override scorecard {self.name(override.name)}"
        if override.max is not None:
            head += f" max {_decimal(override.max)}"
        return self.unit(override, head, children=_in_order(items))

    def edit(self, edit: nodes.Edit) -> Unit:
        place = ""
        if edit.place is not None:
            place = " first" if edit.place.how == "first" else f" {edit.place.how} {self.name(edit.place.anchor)}"
        if edit.kind == "weight":
            return self.unit(edit, f"weight {self.name(edit.target)} {_decimal(edit.weight)}")
        if edit.kind == "drop":
            return self.unit(edit, f"drop {self.name(edit.target)}")
        if edit.kind == "move":
            return self.unit(edit, f"move {self.name(edit.target)} to {self.name(edit.into)}{place}")
        inner = self.node(edit.node)
        inner.lines[0] = f"{edit.kind} {inner.lines[0]}"
        if edit.kind == "add":
            into = f" in {self.name(edit.into)}" if edit.into is not None else ""
            inner.suffix = (inner.suffix or "") + into + place
        return inner

    def node(self, node) -> Unit:
        if isinstance(node, nodes.Group):
            keyword = "bonus" if node.bonus else "group"
            return self.unit(node, f"{keyword} {self.name(node.name)} {_decimal(node.weight)}",
                             children=[self.node(child) for child in node.children])
        if isinstance(node, nodes.Each):
            head = f"each {self.name(node.list_name)}"
            if node.where is not None:
                head += f" where {self.expr(node.where)}"
            head += f" named {self.expr(node.named)}"
            if node.weight is not None:
                head += f" weight {self.expr(node.weight)}"
            elif node.weights:
                head += " weights " + ", ".join(_decimal(w) for w in node.weights)
            return self.unit(node, head, children=self.leaf_items(node.template))
        return self.unit(node, f"indicator {self.name(node.name)} {_decimal(node.weight)}",
                         children=self.leaf_items(node))

    def leaf_items(self, leaf: nodes.Indicator) -> list[Unit]:
        items = []
        if leaf.criteria is not None:
            items.append(self.unit(leaf, f'criteria "{leaf.criteria}"', "criteria"))
        if leaf.applies is not None:
            items.append(self.applies(leaf.applies))
        items += [self.unit(guard, f"when {self.expr(guard.condition)} => {self.expr(guard.score)}")
                  for guard in leaf.guards]
        if leaf.rule is not None:
            items += forms.of(leaf.rule).format(self, leaf.rule)
        for show in leaf.shows:
            text = f"show {self.expr(show.expr)}"
            if show.reported is not None:
                text += f" vs {self.expr(show.reported)}"
            items.append(self.unit(show, text))
        return _in_order(items)

    def applies(self, applies: nodes.Applies) -> Unit:
        if applies.full:
            otherwise = "full"
        else:
            otherwise = "move " + ", ".join(f"{_decimal(m.amount)} to {self.name(m.target)}" for m in applies.moves)
        return self.unit(applies, f"applies when {self.expr(applies.condition)} else {otherwise}")

    def levels(self, arms) -> list[Unit] | None:
        """A ``levels { … }`` block, printed as the last part of its rule's line (None: there is none)."""
        if arms is None:
            return None
        return [self.unit(arm, f"{self.name(arm.name)} => {self.expr(arm.share)}") for arm in arms]

    def card_rule(self, rule) -> Unit:
        """A scorecard rule: ``cap by …``, a ``deduct`` line, a ``veto``."""
        if isinstance(rule, nodes.CapBy):
            arms = [self.unit(arm, (f"{arm.op} {self.expr(arm.threshold)}" if arm.op else "else")
                              + f" => {self.expr(arm.value)}") for arm in rule.arms]
            return self.unit(rule, f"cap by {self.expr(rule.subject)}", children=arms)
        if isinstance(rule, nodes.Veto):
            effects = []
            if rule.grade is not None:
                effects.append(f"grade {self.name(rule.grade)}")
            if rule.cap is not None:
                effects.append(f"cap {self.expr(rule.cap)}")
            return self.unit(rule, f"veto {self.name(rule.name)} when {self.expr(rule.condition)} => "
                                   + ", ".join(effects))
        return self.deduction(rule)

    def deduction(self, line: nodes.Deduction) -> Unit:
        text = f"{line.kind} {self.expr(line.amount)}"
        if line.when is not None:
            return self.unit(line, f"{text} when {self.expr(line.when)}")
        per = line.per
        text += " per"
        if per.mode is not None:
            text += f" {per.mode}"
        if per.step is None:
            text += f" {self.expr(per.subject)}"
        else:
            text += f" {self.expr(per.step)} of {self.expr(per.subject)}"
            if per.direction is not None:
                text += f" {per.direction} {self.expr(per.threshold)}"
        if line.up_to is not None:
            text += f" up to {self.expr(line.up_to)}"
        return self.unit(line, text)

    # ── lines ───────────────────────────────────────────────────────────────

    def block_body(self, block: Unit, depth: int) -> list:
        """The lines of a block's statements and comments (see `_aligned` for what a line is)."""
        out: list = []
        previous = None  # the last source line of what was printed before, for blank lines

        def gap(line):
            if previous is not None and line is not None and _blank_between(self.layout, previous, line):
                out.append(None)

        for child in block.children:
            before = sorted(child.leading + (child.trailing if len(child.trailing) > 1 else []), key=_line)
            for comment in before:
                gap(comment.line)
                out.append((depth, comment.text, None))
                previous = max(previous or 0, comment.line)
            gap(child.first)
            out.extend(self.statement(child, depth))
            previous = child.last if child.last is not None else previous
        for comment in block.inner:
            gap(comment.line)
            out.append((depth, comment.text, None))
            previous = comment.line
        return out

    def statement(self, unit: Unit, depth: int) -> list:
        trailing = unit.trailing[0].text if len(unit.trailing) == 1 else None
        if unit.children is None:
            lines = self.broken(unit, depth)
            out = [(depth, line, None) for line in lines]
            out[-1] = (out[-1][0], out[-1][1], trailing)
            return out
        head, suffix = unit.lines[0], unit.suffix
        one_line = not unit.inner and not (trailing and unit.closing)
        if not unit.children and one_line:
            return [(depth, f"{head} {{}}{suffix}", _one_of(trailing, unit.closing))]
        only = unit.children[0] if len(unit.children) == 1 else None
        if one_line and only is not None and only.children is None and not only.leading and not only.trailing:
            line = f"{head} {{ {only.lines[0]} }}{suffix}"
            if _width(depth, line) <= WIDTH:
                return [(depth, line, _one_of(trailing, unit.closing))]
        out = [(depth, f"{head} {{", trailing)]
        out += self.block_body(unit, depth + 1)
        out.append((depth, "}" + suffix, unit.closing.text if unit.closing else None))
        return out

    def broken(self, unit: Unit, depth: int) -> list[str]:
        """A statement's line, or a formula too wide for one line broken before its outermost operators."""
        line = unit.lines[0]
        if unit.formula is None or _width(depth, line) <= WIDTH:
            return unit.lines
        head, expr = unit.formula
        pieces = unparse.chain(expr, show_name=self._show_name, show_literal=_literal)
        if len(pieces) == 1:
            return [line]
        # `-` cannot start a line: in a chain with one, every operator ends the line before instead
        leading = all(op in _LEADING_OPERATORS for op, _ in pieces[1:])
        lines = [head + pieces[0][1]]
        for op, text in pieces[1:]:
            if _width(depth, f"{lines[-1]} {op} {text}") <= WIDTH:
                lines[-1] += f" {op} {text}"
            elif leading:
                lines.append(f"{CONTINUATION}{op} {text}")
            else:
                lines[-1] += f" {op}"
                lines.append(CONTINUATION + text)
        return lines


def _line(comment) -> int:
    return comment.line


def _one_of(trailing: str | None, closing) -> str | None:
    return trailing if trailing is not None else (closing.text if closing else None)


def _in_order(units: list[Unit]) -> list[Unit]:
    """Statements in the order they were written (a tree without a layout keeps the given order)."""
    if any(unit.first is None for unit in units):
        return units
    return sorted(units, key=lambda unit: unit.first)


def _blank_between(layout: Layout, after: int, before: int) -> bool:
    return any(line in layout.blank_lines for line in range(after + 1, before))


def _width(depth: int, text: str) -> int:
    return display_width(INDENT * depth + text)


def _decimal(value: Decimal) -> str:
    return format(value, "f")


def _literal(node: nodes.Num) -> str:
    """A number as written; one built without text (by a program) in its plainest form."""
    if node.text:
        return node.text
    if node.kind == "percent":
        return _decimal((node.value * 100).normalize()) + "%"
    if node.kind == "money":
        return _decimal((node.value / MONEY_UNITS[node.unit]).normalize()) + node.unit
    return _decimal(node.value)


def _aligned(lines: list) -> list[str]:
    """Lines as text: indentation, code, and trailing comments aligned across consecutive lines.

    `lines` holds (depth, code, comment or None) tuples and None for a blank line.
    """
    out = []
    run: list = []

    def flush():
        if run:
            column = max(_width(depth, code) for depth, code, _ in run) + 2
            for depth, code, comment in run:
                text = INDENT * depth + code
                out.append(text + " " * (column - display_width(text)) + comment)
            run.clear()

    for line in lines:
        if line is not None and line[2] is not None:
            run.append(line)
            continue
        flush()
        out.append("" if line is None else INDENT * line[0] + line[1])
    flush()
    return out
