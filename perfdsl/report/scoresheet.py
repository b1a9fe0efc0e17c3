"""The 评分表 of one scorecard in the official layout, shared by the Markdown, Excel, HTML and PDF reports.

Two shapes of the same table:

* `rows`: one row per indicator, depth-first (groups and leaves), with its
  level, effective and declared weight, score, 评分标准 (the ruleset's
  ``criteria``) and, for a leaf, its basis — what Markdown lists;
* `Layout` and `lines`: the printed form of seed 001's review table — a
  column block per level (名称, 分值 and, for a group level, 得分), a line
  per leaf, every group's cells merged down the lines of its leaves, then
  调整前分值 (when the ruleset can move weight), 评分标准 (when it states
  any), 得分 and 扣分原因/依据.  Excel, HTML and PDF draw it.

The layout is decided by the ruleset, not the record, so every department's
sheet has the same columns and widths.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import attrs

from ..decimals import plain
from ..source import display_width
from ..unparse import expression

_NUMERALS = "一二三四五六七八九十"
#: The report fields a record may carry as metadata (``"_存在问题": "…"``), in the closing block's order.
CLOSING_FIELDS = ("评价结论", "存在问题", "改进建议")
SIGNATURE_FIELDS = ("评价人", "复核人", "日期")


@attrs.frozen
class Row:
    level: int  # 0 for a top-level group
    name: str
    weight: Decimal  # effective, after reallocation
    declared: Decimal
    score: Decimal
    basis: str  # empty for a group
    is_leaf: bool
    criteria: str | None = None
    path: tuple[str, ...] = ()

    @property
    def reallocated(self) -> bool:
        return self.weight != self.declared


def depth(card) -> int:
    """How many indicator levels a scorecard (a `ScorecardSpec` or `CardResult`) has.

    The items of an `each` group (list data) sit one level below the group.
    """
    return max((len(node.path) + (getattr(node, "each", None) is not None) for node in card.nodes), default=1)


def level_headers(levels: int) -> list[str]:
    return [f"{_NUMERALS[i]}级指标" for i in range(levels)]


def rows(card) -> list[Row]:
    """The rows of a `CardResult` (basis text comes from the reference evaluator, once per record)."""
    return [Row(len(node.path) - 1, node.name, node.weight, node.declared, node.score,
                node.basis if node.is_leaf else "", node.is_leaf, node.criteria, node.path) for node in card.nodes]


@attrs.frozen
class AdjustmentRow:
    """A scorecard rule's line under the indicators (封顶、扣分、一票否决): its change to the total, its basis."""

    name: str
    change: str  # ``-6``, ``0``
    total: str  # the total after it
    basis: str
    applied: bool
    delta: Decimal = Decimal(0)  # the change as a number (Excel cells)


class Node(NamedTuple):
    """What a writer reads of one indicator of a record (`tree_nodes`, `_FlatCard.nodes`)."""

    weight: Decimal
    declared: Decimal
    score: Decimal
    basis: str  # "" for a group
    is_leaf: bool
    path: tuple
    criteria: str | None = None

    @property
    def name(self) -> str:
        return self.path[-1]


class _FlatCard:
    """What a writer asks of a scorecard with no `each` group and no scorecard rule, read from the flat tuple:
    by column — `weights`, `scores`, `lines` (each node's basis text; a group's is not shown) — for writers
    that lay a scorecard's table out once (`number` is its place in the model), or `nodes` (made when asked)."""

    __slots__ = ("name", "max", "score", "grade", "number", "spec", "weights", "scores", "lines", "criteria",
                 "_nodes")
    items: dict = {}
    adjustments: tuple = ()

    def __init__(self, number, spec, score, grade, weights, scores, lines, criteria):
        self.name, self.max, self.score, self.grade = spec.name, spec.max, score, grade
        self.number, self.spec, self.weights, self.scores = number, spec, weights, scores
        self.lines, self.criteria = lines, criteria
        self._nodes = None

    @property
    def nodes(self) -> list:
        if self._nodes is None:
            self._nodes = [Node(weight, node.declared, score, basis if node.is_leaf else "", node.is_leaf, node.path,
                                shown)
                           for node, weight, score, basis, shown in zip(self.spec.nodes, self.weights, self.scores,
                                                                        self.lines, self.criteria)]
        return self._nodes

    fixed = nodes


def flat_scorecards(model) -> list[bool]:
    """Per scorecard, whether a record's 评分表 can be read from the flat result tuple (`cards`): no `each`
    group (its items are the record's) and no scorecard rule."""
    return [not card.rules and all(node.each is None for node in card.nodes) for card in model.scorecards]


def tree_nodes(card, items: bool = False) -> list:
    """The `Node`s of a scorecard of the `Result` tree (not `is_flat`) — with its `each` groups' items, in order,
    if `items` — as a writer reads them (a group shows no basis)."""
    return [Node(node.weight, node.declared, node.score, node.basis if node.is_leaf else "", node.is_leaf, node.path)
            for node in (card.nodes if items else card.fixed)]


def is_flat(card) -> bool:
    """Whether `card` (of `cards`) is read by column (a `_FlatCard`)."""
    return card.__class__ is _FlatCard


def cards(result, flat: list[bool]) -> list:
    """The scorecards of a `Result` as a writer reads them.  A scorecard marked in `flat` (`flat_scorecards`)
    whose every basis line was rendered from the facts is a `_FlatCard`, read from the flat result tuple
    through `Layout`, as the JSON and CSV plans are (building the `Result` tree cost more than writing the
    table); any other is the tree's `CardResult`."""
    texts = result.texts()
    program = result.program
    layout = program.layout
    criteria = program.criteria()
    values = result.flat
    out = []
    tree = None
    for number, spec in enumerate(program.model.scorecards):
        lines = texts[number][0]
        if flat[number] and None not in lines:
            out.append(_FlatCard(number, spec, layout.total(values, number), layout.grade(values, number),
                                 layout.node_weights(values, number), layout.node_scores(values, number), lines,
                                 criteria[number]))
            continue
        if tree is None:
            tree = result.scorecards
        out.append(tree[number])
    return out


def adjustment_rows(card) -> list[AdjustmentRow]:
    """The lines of a `CardResult`'s scorecard rules, in the order they apply (none: no scorecard rules)."""
    return [AdjustmentRow(line.name, _signed(line.after - line.before), plain(line.after), line.basis, line.applied,
                          line.after - line.before) for line in getattr(card, "adjustments", ())]


def subtotal(card) -> Decimal:
    """The sum of a `CardResult`'s top-level indicators, before its scorecard rules."""
    return sum((node.score for node in card.nodes if len(node.path) == 1), Decimal(0))


def _signed(value: Decimal) -> str:
    return plain(value) if value <= 0 else "+" + plain(value)


def title(card) -> str:
    """``复核得分：89.04 / 100（良好）``."""
    grade = f"（{card.grade}）" if card.grade else ""
    return f"{card.name}：{plain(card.score)} / {plain(card.max)}{grade}"


def grade_text(card) -> str:
    return f"等级：{card.grade}" if card.grade else ""


def score_format(precision: int) -> str:
    """The Excel number format of a score at the ruleset's precision: 2 → ``0.00``."""
    return "0." + "0" * precision if precision > 0 else "0"


# ── the official layout ─────────────────────────────────────────────────────


@attrs.frozen
class Line:
    """One line of the printed table: a leaf under its groups (top first), or a group without leaves."""

    groups: tuple[Row, ...]
    leaf: Row | None

    @property
    def level(self) -> int:
        """The level whose 名称 column the leaf's name starts in (it runs on to the leaf level's)."""
        return len(self.groups)


def lines(card) -> list[Line]:
    """The lines of a `CardResult` in the official layout, in ruleset order."""
    out: list[Line] = []
    stack: list[Row] = []
    every = rows(card)
    for number, row in enumerate(every):
        del stack[row.level:]
        if row.is_leaf:
            out.append(Line(tuple(stack), row))
            continue
        stack.append(row)
        following = every[number + 1] if number + 1 < len(every) else None
        if following is None or following.level <= row.level:  # an empty group (an `each` over no items)
            out.append(Line(tuple(stack), None))
    return out


def spans(block: list[Line], level: int) -> list[int | None]:
    """For each line of `block`, how many lines its group at `level` covers from there: the count on the
    first line of a run, 0 on the lines below it, None where the line has no group at that level."""
    out: list[int | None] = []
    start = 0
    for number, line in enumerate(block):
        if len(line.groups) <= level:
            out.append(None)
            continue
        path = line.groups[level].path
        previous = block[number - 1] if number else None
        if previous is not None and len(previous.groups) > level and previous.groups[level].path == path:
            out.append(0)
            out[start] += 1
        else:
            start = number
            out.append(1)
    return out


@attrs.frozen
class Column:
    kind: str  # name, weight, group_score (with a level); declared, criteria, score, basis
    level: int | None
    header: str  # the second header row; the first names the level (一级指标 …)
    width: float  # in Excel's units (about one Latin digit; a Chinese character takes two)

    @property
    def numeric(self) -> bool:
        return self.kind in ("weight", "group_score", "declared", "score")


class Layout:
    """The columns of the printed 评分表 of a model's scorecards (all, or those named in `scorecards`)."""

    def __init__(self, model, scorecards=None):
        self.model = model
        self.cards = [card for card in model.scorecards if scorecards is None or card.name in scorecards]
        self.levels = max((depth(card) for card in self.cards), default=1)
        specs = [node for card in self.cards for node in card.nodes]
        self.has_criteria = any(_spec_criteria(node) for node in specs)
        self.has_moves = any(node.moves_out or node.moves_in for node in specs)
        columns = []
        for level in range(self.levels):
            leaf_level = level == self.levels - 1
            # a group level fits its groups' names; the leaf level its leaves' (a shallower leaf spans further)
            names = [node.name for node in specs if len(node.path) == level + 1 and node.is_leaf == leaf_level]
            widest = max((display_width(name) for name in names), default=8)
            width = min(max(widest + 2, 9), 15 if leaf_level else 12)
            columns.append(Column("name", level, "名称", width))
            columns.append(Column("weight", level, "分值", 5.5))
            if not leaf_level:
                columns.append(Column("group_score", level, "得分", 5.5))
        if self.has_moves:
            columns.append(Column("declared", None, "调整前\n分值", 6.5))
        # The two text columns share 90 units: 评分标准 gets more the more leaves state one (44 when all do).
        leaves = [node for node in specs if node.is_leaf or node.each is not None]
        stated = sum(1 for node in leaves if _spec_criteria(node)) / max(len(leaves), 1)
        criteria = round(20 + 24 * stated) if self.has_criteria else 0
        if self.has_criteria:
            columns.append(Column("criteria", None, "评分标准", criteria))
        columns.append(Column("score", None, "得分", 5.5))
        columns.append(Column("basis", None, "扣分原因 / 依据", 90 - criteria))
        self.columns = columns

    def index(self, kind: str, level: int | None = None) -> int:
        try:  # asked for every cell of every line: the columns are fixed once laid out
            return self._indices[kind, level]
        except (AttributeError, KeyError):
            pass
        found = next(i for i, c in enumerate(self.columns) if c.kind == kind and c.level == level)
        if getattr(self, "_laid_out", None) is not self.columns:
            self._indices, self._laid_out = {}, self.columns
        self._indices[kind, level] = found
        return found

    def level_columns(self, level: int) -> range:
        """The columns of one level's block (名称, 分值[, 得分])."""
        first = self.index("name", level)
        last = self.index("weight", level) if level == self.levels - 1 else self.index("group_score", level)
        return range(first, last + 1)

    def leaf_name_columns(self, line: Line) -> range:
        """The columns a leaf's name covers: from its own level's 名称 to the leaf level's 名称."""
        return range(self.index("name", line.level), self.index("name", self.levels - 1) + 1)

    def header_rows(self) -> tuple[list[tuple[str, int, int]], list[tuple[int, str]]]:
        """The two header rows: first as (text, first column, last column) spans — a level's name over its
        block, a lone column's name over both rows —, then the second row's (column, text)."""
        first, second = [], []
        for level, text in enumerate(level_headers(self.levels)):
            block = self.level_columns(level)
            first.append((text, block.start, block.stop - 1))
            second += [(i, self.columns[i].header) for i in block]
        for i, column in enumerate(self.columns):
            if column.level is None:
                first.append((column.header, i, i))
        return first, second

    def line_cells(self, line: Line) -> list:
        """The values of one line, by column: a group's cells on every line it covers (writers merge them)."""
        cells: list = [None] * len(self.columns)
        for level, group in enumerate(line.groups):
            cells[self.index("name", level)] = group_label(group)
            cells[self.index("weight", level)] = group.weight
            cells[self.index("group_score", level)] = group.score
        leaf = line.leaf
        if leaf is not None:
            cells[self.index("name", line.level)] = leaf.name
            cells[self.index("weight", self.levels - 1)] = leaf.weight
            if self.has_moves and leaf.reallocated:
                cells[self.index("declared")] = leaf.declared
            if self.has_criteria:
                cells[self.index("criteria")] = leaf.criteria or ""
            cells[self.index("score")] = leaf.score
            cells[self.index("basis")] = leaf.basis
        return cells


def group_label(group: Row) -> str:
    """A group's name, with its weight before reallocation on a line of its own when that changed."""
    return f"{group.name}\n（调整前 {plain(group.declared)}）" if group.reallocated else group.name


def _spec_criteria(node) -> str | None:
    if node.indicator is not None:
        return node.indicator.criteria
    return node.each.template.criteria if node.each is not None else None


# ── the blocks around the table ─────────────────────────────────────────────


def sheet_title(model) -> str:
    """``潮安区2022年部门整体支出绩效自评复核评分表``."""
    text = model.title
    return text if text.endswith("评分表") else f"{text}评分表"


def identity(model, result) -> list[tuple[str, str]]:
    """The header block's labelled facts: the record's name (``单位``) and, when the ruleset has it, ``年度``."""
    out = [(model.record or "记录", str(result.name))]
    year = result.record.values.get("年度") if hasattr(result.record, "values") else None
    if isinstance(year, (Decimal, int, str)) and str(year).strip():
        out.append(("年度", plain(year) if isinstance(year, Decimal) else str(year)))
    shown = {label for label, _ in out}
    information = getattr(result, "information", None) or {}
    out += [(name, value) for name, value in information.items() if name not in shown]  # ``informational`` inputs
    return out


def totals_text(result, cards) -> str:
    """``复核得分 89.04（满分 100，良好）；自评质量 29（满分 40）``."""
    parts = []
    for card in cards:
        grade = f"，{card.grade}" if card.grade else ""
        parts.append(f"{card.name} {plain(card.score)}（满分 {plain(card.max)}{grade}）")
    return "；".join(parts)


def card_heading(number: int, card) -> str:
    """``一、复核得分（满分 100）``."""
    numeral = _NUMERALS[number] if number < len(_NUMERALS) else str(number + 1)
    return f"{numeral}、{card.name}（满分 {plain(card.max)}）"


def grade_line(card, spec, rule: str | None = None) -> str:
    """What the 合计 line says of the grade: ``等级：良好（优秀 ≥ 90；良好 ≥ 80；…；差 < 60）``, or nothing.
    `rule` is `grade_rule(spec)` where a writer made it once for the ruleset."""
    if card.grade is None:
        return ""
    rule = grade_rule(spec) if rule is None else rule
    return f"等级：{card.grade}" + (f"（{rule}）" if rule else "")


def grade_rule(spec) -> str:
    """The grade bands of a scorecard (a `ScorecardSpec`): ``优秀 ≥ 90；良好 ≥ 80；…；差 < 60``."""
    if not spec.grades:
        return ""
    parts = []
    below = "其余"
    for arm in spec.grades:
        if arm.op is None:
            parts.append(f"{arm.name} {below}")
        else:
            threshold = expression(arm.threshold)
            parts.append(f"{arm.name} {'≥' if arm.op == '>=' else '>'} {threshold}")
            below = f"{'<' if arm.op == '>=' else '≤'} {threshold}"
    return "；".join(parts)


def closing(result) -> list[tuple[str, str]]:
    """评价结论 / 存在问题 / 改进建议 as the record gives them (``_存在问题``), empty where it does not."""
    meta = getattr(result.record, "meta", None) or {}
    return [(field, meta.get(f"_{field}", "")) for field in CLOSING_FIELDS]


#: What a signature line leaves for a pen where the record does not fill it in (full-width spaces).
_BLANKS = {"评价人": "　" * 8, "复核人": "　" * 8, "日期": "　　　　年　　月　　日"}


def signatures(result) -> list[tuple[str, str]]:
    """评价人 / 复核人 / 日期 as the record gives them (``_评价人``), otherwise room left for a pen."""
    meta = getattr(result.record, "meta", None) or {}
    return [(field, meta.get(f"_{field}") or _BLANKS[field]) for field in SIGNATURE_FIELDS]
