"""The 评分表 as text: fitted to the terminal's width on a terminal; plain lines into a file or a pipe.

One layout for both: the record's title, then for each scorecard its total,
a header, one row per indicator — the name indented by depth, 分值, 得分,
依据 — and a 合计 row.  Widths are terminal columns (a CJK character takes
two) and are decided once per scorecard from the ruleset, so every record of
a batch lines up alike.  On a terminal the basis column takes the width that
is left and wraps where Chinese text may break (`textwidth.wrap`), or goes
under its row when the terminal is too narrow for a column; into a file each
indicator is one line, with nothing after its last character.

No library lays this out: it is string joins per row, so that writing a
batch's table into a file costs little more than writing its CSV.  Every text
that comes from a ruleset or a record passes through `shown`, the one place
where what could steer a terminal is made visible instead.
"""

from __future__ import annotations

import os
import shutil
from functools import lru_cache

from ..decimals import plain, plains
from ..fill import Fill
from ..layout import getter as _getter
from ..neutralise import terminal
from ..textwidth import pad, width, wrap
from . import scoresheet
from .cells import Cells

#: Spaces between columns, and the indent of each level of the indicator tree.
_GAP = "  "
_INDENT = "  "
#: The narrowest basis column worth having beside the others; narrower, the basis goes under its row.
_MIN_BASIS = 24


#: A figure's text on a 评分表: `plain`, which keeps the texts a batch repeats by the decimal's `str` (an
#: `lru_cache` here hashed each fresh score, ~4,000 instructions a decimal, more than its text costs).
_figure = plain


def weight_text(node) -> str:
    return weight_pair_text(node.weight, node.declared)


def weight_pair_text(weight, declared) -> str:
    """A weight as a 评分表 shows it: with the declared one when reallocation moved it."""
    if weight != declared:
        return f"{_figure(weight)}（原 {_figure(declared)}）"
    return _figure(weight)


def shown(text: str) -> str:
    """Text from a ruleset or a record as the terminal may show it (`neutralise.terminal`, the one hook):
    any control character (ESC …) an escape such as ``\\x1b``; tabs and line breaks become spaces."""
    if text.isprintable():
        return text
    return terminal(text).replace("\t", " ").replace("\n", " ")


@lru_cache(maxsize=4096)
def _right(text: str, columns: int) -> str:
    """`text` right-aligned in `columns` (numbers: ASCII but for ``（原 9）``); kept, as a batch repeats them."""
    return text.rjust(columns) if text.isascii() else pad(text, columns, True)


class _Columns:
    """The widths of one scorecard's columns, from the ruleset (the same for every record)."""

    def __init__(self, spec, precision: int):
        self.names = {node.path: shown(node.name) for node in spec.nodes}
        from ..cardrules import label

        rules = [width(shown(label(rule))) for rule in spec.rules] + ([width("指标小计")] if spec.rules else [])
        self.name = max([width(_INDENT * node.depth + self.names[node.path]) for node in spec.nodes] + [width("合计")]
                        + rules)
        digits = max(width(plain(node.declared)) for node in spec.nodes) if spec.nodes else 1
        total = width(plain(spec.max))
        moved = any(node.moves_in or node.moves_out for node in spec.nodes)
        self.weight = max(width("分值"), total, 2 * digits + 7 if moved else digits)  # 7（原 9）
        signed = any(node.bonus for node in spec.nodes)
        self.score = max(width("得分"), total + (precision + 1 if precision else 0) + signed)
        self.cells: dict[int, dict] = {}  # name column's width → (name, depth) → the name cell's lines
        self.leads: dict[int, dict] = {}  # name column's width → a node's path → its plain line up to 分值
        self.figures: dict[tuple, str] = {}  # (weight, declared, score) → the 分值 and 得分 columns
        # everything before the basis column, but the name column
        self.others = width(_INDENT) + len(_GAP) + self.weight + len(_GAP) + self.score + len(_GAP)
        self.plan = None  # `_flat_plan`, once (False: the scorecard's lines are written one by one)
        # (weight, declared, the score's text) → the 分值 and 得分 columns of a line (a function of the values, kept;
        # the weights are mostly the ruleset's own decimals, whose hash is kept, a score is new in every record)
        self.middle = lru_cache(maxsize=4096)(
            lambda weight, declared, score: f"{_right(weight_pair_text(weight, declared), self.weight)}"
                                            f"{_GAP}{_right(score, self.score)}")

    def fitted(self, columns: int | None, name: int | None = None) -> tuple[int, int | None, bool]:
        """(name column, basis column or None for unwrapped, basis under its row) for a terminal `columns` wide
        (None: a file's plain lines), the names `name` wide (the ruleset's, or a record's wider item names)."""
        name = self.name if name is None else name
        if columns is None:
            return name, None, False
        if columns - self.others - name >= _MIN_BASIS:
            return name, columns - self.others - name, False
        return max(min(name, columns - self.others + len(_GAP)), 8), columns, True


class Writer:
    """Writes results to `handle` as 评分表 text; `columns` is the terminal's width, None for plain lines."""

    def __init__(self, handle, model, scorecards=None, columns: int | None = None, styled: bool = False):
        self.handle = handle
        self.model = model
        self.scorecards = scorecards
        self.columns = columns
        self.styled = styled
        self.layouts: dict[int, _Columns] = {}
        self.flat = None  # `scoresheet.flat_scorecards`, once

    def _bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.styled else text

    def _warnings(self, lines: list, warnings):
        """A record's warnings under its title (or its error), one a line, wrapped on a terminal."""
        if not warnings:
            return
        from .summary import WARNINGS_HEADING, warning_lines

        texts = [WARNINGS_HEADING] + [f"{_INDENT}{shown(line)}" for line in warning_lines(warnings)]
        for text in texts:
            for part in wrap(text, self.columns) if self.columns else [text]:
                lines.append(f"\x1b[33m{part}\x1b[0m" if self.styled else part)

    def result(self, result):
        rendered = getattr(result, "rendered", {}).get(_key(self.scorecards))
        self.handle.write(rendered if rendered is not None and self.columns is None else self.text(result))

    def text(self, result) -> str:
        """A scored record's 评分表: its title, warnings, information and one table per scorecard."""
        title = f"{shown(result.title)} · {shown(str(result.name))}"
        lines = [self._bold(line) for line in (wrap(title, self.columns) if self.columns else [title])]
        self._warnings(lines, result.warnings)  # right under the title (the shared decision)
        information = result.information
        if information:  # ``informational`` inputs: what the record says about itself, not scored
            text = "信息（不计分）：" + "，".join(f"{shown(k)} {shown(v)}" for k, v in information.items())
            lines.extend(wrap(text, self.columns) if self.columns else [text])
        flat = self.flat
        if flat is None:
            flat = self.flat = scoresheet.flat_scorecards(self.model)
        for number, card in enumerate(scoresheet.cards(result, flat)):
            if self.scorecards is not None and card.name not in self.scorecards:
                continue
            spec = self.model.scorecards[number]
            columns = self.layouts.get(number)
            if columns is None:
                columns = self.layouts[number] = _Columns(spec, self.model.precision)
            grade = f"  {shown(card.grade)}" if card.grade else ""
            lines.append(self._bold(f"{shown(card.name)}：{plain(card.score)} / {plain(card.max)}{grade}"))
            lines.append("")
            if scoresheet.is_flat(card):
                self._card(lines, card, None, columns)
            else:
                self._card(lines, card, scoresheet.tree_nodes(card, items=True), columns)
            lines.append("")
        return "\n".join(lines) + "\n"

    def _card(self, lines, card, nodes, columns: _Columns):
        names = columns.names
        wanted = columns.name
        for node in nodes or ():  # an `each` group's items are named by the record: the column fits them too
            if node.path not in names:
                wanted = max(wanted, width(_INDENT * (len(node.path) - 1) + shown(node.name)))
        name_width, basis_width, under = columns.fitted(self.columns, wanted)

        cells = columns.cells.setdefault(name_width, {})  # the ruleset's name → its cell's lines, made once a run

        def name_cell(name: str, depth: int, keep: bool = True) -> list[str]:
            """A name's cell, padded to its column: a name wider than it (on a narrow terminal) continues below.
            The ruleset's names are kept; a record's (an `each` group's items) are made each time."""
            key = (name, depth)
            parts = cells.get(key)
            if parts is None:
                lead = _INDENT * depth
                parts = wrap(name, name_width - len(lead)) if width(lead + name) > name_width else [name]
                parts = [pad(lead + parts[0], name_width)] + [f"{_INDENT}{lead}{p}" for p in parts[1:]]
                if keep:
                    cells[key] = parts
            return parts

        def row(name: str, weight: str, score: str, depth: int = 0, keep: bool = True) -> list[str]:
            """The row's lines."""
            parts = name_cell(name, depth, keep)
            first = f"{_INDENT}{parts[0]}{_GAP}{_right(weight, columns.weight)}{_GAP}{_right(score, columns.score)}"
            return [first, *parts[1:]] if len(parts) > 1 else [first]

        start = width(_INDENT) + name_width + columns.others - width(_INDENT)  # where the basis column begins
        header = row("指标", "分值", "得分")[0] + ("" if under else _GAP + "依据")
        rule = _INDENT + "-" * (width(header) - len(_INDENT))
        lines.append(header)
        lines.append(rule)
        plain_lines = basis_width is None and not self.styled  # into a file or a pipe: one line an indicator
        weight_width, score_width = columns.weight, columns.score
        leads = columns.leads.get(name_width) if plain_lines else None
        if plain_lines and leads is None:  # each ruleset node's line up to its 分值 (its name cell fits), made once
            leads = columns.leads[name_width] = {}
            for path, name in names.items():
                cell = name_cell(name, len(path) - 1)
                if len(cell) == 1:
                    leads[path] = f"{_INDENT}{cell[0]}{_GAP}"
        if nodes is None:  # a scorecard read by column (`scoresheet.is_flat`)
            plan = _flat_plan(columns, card.spec, leads) if plain_lines else None
            if plan is not None:
                lines.append(_flat_lines(plan, columns, card))
                nodes = ()
            else:
                nodes = card.nodes
        figures = columns.figures  # (weight, declared, score) → the line's 分值 and 得分 columns
        for node in nodes:
            lead = leads.get(node.path) if plain_lines else None
            if lead is not None:  # the ruleset's indicator on a plain line (its column fits every such name)
                key = (node.weight, node.declared, node.score)
                middle = figures.get(key)
                if middle is None:
                    if len(figures) >= 4096:  # a batch of ever new scores: memory stays bounded
                        figures.clear()
                    middle = figures[key] = (f"{_right(weight_text(node), weight_width)}"
                                             f"{_GAP}{_right(_figure(node.score), score_width)}")
                if node.is_leaf:
                    basis = node.basis
                    if not basis.isprintable():
                        basis = shown(basis)
                    if basis:
                        lines.append(f"{lead}{middle}{_GAP}{basis}")
                        continue
                lines.append(f"{lead}{middle}".rstrip())
                continue
            depth = len(node.path) - 1
            name = names.get(node.path)
            if name is None:  # an item of an `each` group: its name comes from the record
                head, *more = row(shown(node.name), weight_text(node), _figure(node.score), depth, keep=False)
            else:
                head, *more = row(name, weight_text(node), _figure(node.score), depth)
            basis = shown(node.basis) if node.is_leaf else ""
            if depth == 0:
                head = self._bold(head)
            if not basis:
                lines.append(head.rstrip())
                lines.extend(more)
            elif basis_width is None:  # (a name wider than its column — an item's, from the record — goes on below)
                lines.append(f"{head}{_GAP}{basis}")
                lines.extend(more)
            elif under:  # the basis goes below the row, indented under the name
                lines.append(head.rstrip())
                lines.extend(more)
                lead = _INDENT * (depth + 2)
                lines.extend(lead + line for line in wrap(basis, max(basis_width - len(lead), 16)))
            else:  # the basis continues on the lines below, beside what is left of a name wider than its column
                first, *rest = wrap(basis, basis_width)
                lines.append(f"{head}{_GAP}{first}")
                lines.extend(_beside(more, rest, start))
        lines.append(rule)
        adjustments = scoresheet.adjustment_rows(card)
        if adjustments:  # scorecard rules (封顶、扣分、一票否决): each its own line between 小计 and 合计
            lines.append(row("指标小计", plain(card.max), plain(scoresheet.subtotal(card)))[0].rstrip())
            for line in adjustments:
                head = row(shown(line.name), "", line.change)[0]
                lines.append(f"{head}{_GAP}{shown(line.basis)}" if line.basis else head.rstrip())
            lines.append(rule)
        total = row("合计", plain(card.max), plain(card.score))[0]
        if card.grade:
            total += "\n" + _INDENT * 3 if under else _GAP  # the narrow layout: below the 合计 row
            total += f"等级：{shown(card.grade)}"
        lines.append(total)

    def error(self, error):
        text = "\n".join(wrap(shown(error.render()), self.columns)) if self.columns else shown(error.render())
        warned: list[str] = []
        self._warnings(warned, error.warnings)
        self.handle.write((f"\x1b[31m{text}\x1b[0m" if self.styled else text) + "\n"
                          + "".join(line + "\n" for line in warned) + "\n")


def _beside(names: list[str], bases: list[str], start: int) -> list[str]:
    """The lines below a row: a name's continued parts under its column, the basis's under its own (from `start`)."""
    lines = []
    for k in range(max(len(names), len(bases))):
        name = names[k] if k < len(names) else ""
        basis = bases[k] if k < len(bases) else ""
        lines.append(pad(name, start) + basis if basis else name)
    return lines


def _flat_plan(columns: _Columns, spec, leads: dict):
    """A plain scorecard's indicator lines as one ``%`` template (its names' cells made once), whose holes are
    each line's 分值 and 得分 columns and each leaf's basis after its gap; None if a name's cell does not fit."""
    if columns.plan is None:
        count = len(spec.nodes)
        template, order, picked = [], [], []
        for index, node in enumerate(spec.nodes):
            lead = leads.get(node.path)
            if lead is None:
                columns.plan = False
                return None
            order.append(index)
            if node.is_leaf:
                order.append(count + len(picked))
                picked.append(index)
            template.append(lead.replace("%", "%%") + ("%s%s" if node.is_leaf else "%s"))
        columns.plan = (Fill("\n".join(template)), tuple(node.declared for node in spec.nodes), _getter(picked),
                        _getter(order))
    return columns.plan or None


def _flat_lines(plan, columns: _Columns, card) -> str:
    """The indicator lines of a scorecard read by column, as `Writer._card` writes them into a file."""
    template, declared, picked, holes = plan
    every = list(map(columns.middle, card.weights, declared, plains(card.scores)))
    every += _TAILS(picked(card.lines))
    return template(holes(every))


def _tail(basis: str) -> str:
    """What follows a leaf's 得分 on its line: its basis after a gap, if it has one."""
    if not basis.isprintable():
        basis = shown(basis)
    return _GAP + basis if basis else ""


#: `_tail` of each basis text, kept by the text (`Cells`: testing them all joined cost ~20 µs a record).
_TAILS = Cells(_tail)


def preparer(model, scorecards=None, errors=None):
    """`prepare(position, result)` for `parallel.scored`: a record's plain 评分表 (not for a terminal, whose
    width this process knows), made where it is scored (UTF-8 bytes when `errors` says the output takes them,
    `jsonout.Sink`)."""
    from .jsonout import encoded

    writer = Writer(None, model, scorecards)
    key = _key(scorecards)

    def prepare(position, result):
        result.rendered[key] = encoded(writer.text(result), errors)

    return prepare


def _key(scorecards) -> tuple:
    return ("table", frozenset(scorecards) if scorecards is not None else None)


def write(handle, results, model, scorecards=None, terminal: bool = False, errors: bool = True):
    """Write each (position, Result or RecordError) of `results`: fitted to the terminal, or as plain lines.

    A record's error is written in its place, unless `errors` is false (it is said elsewhere).
    """
    columns = max(shutil.get_terminal_size().columns, 40) if terminal else None
    styled = terminal and os.name != "nt" and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    if not terminal:  # a worker's text may come as UTF-8 bytes (`preparer`)
        from .jsonout import Sink

        handle = Sink(handle)
    writer = Writer(handle, model, scorecards, columns, styled)
    from ..errors import RecordError

    for _, item in results:
        if isinstance(item, RecordError):
            if errors:
                writer.error(item)
        else:
            writer.result(item)
