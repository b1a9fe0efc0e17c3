"""Markdown: each record's 评分表 as tables (一级/二级/三级指标, 权重, 评分标准, 得分, 依据), for reports and wikis.

The 评分标准 column (the ruleset's ``criteria``) is there when the ruleset
states any.  Data text goes through `_cell`, which keeps it from breaking a
table.
"""

from __future__ import annotations

from functools import lru_cache

from ..decimals import plain, plains
from ..errors import RecordError
from ..fill import Fill
from ..layout import getter as _getter
from ..neutralise import markdown
from . import jsonout, scoresheet, utf8
from .cells import Cells
from .summary import WARNINGS_HEADING
from .table import _figure, weight_pair_text


def write(handle, results, model, scorecards=None):
    handle = jsonout.Sink(handle)  # a worker's text may come as UTF-8 bytes (`preparer`)
    record = _records(model, scorecards, handle.bytes_errors())  # and so is one made here, where they can be
    key = _key(scorecards)
    handle.write(f"# {_cell(model.title)}\n")
    for _, item in results:
        if isinstance(item, RecordError):
            handle.write(f"\n## {_cell(str(item.record))}\n\n> **未能计分**：{_cell(item.message)}\n"
                         + _warnings(item.warnings))
            continue
        text = getattr(item, "rendered", {}).get(key)
        handle.write(text if text is not None else record(item))


def preparer(model, scorecards=None, errors=None):
    """`prepare(position, result)` for `parallel.scored`: the record's text, made where it is scored (UTF-8
    bytes when `errors` says the output takes them, `jsonout.Sink`)."""
    record = _records(model, scorecards, errors)
    key = _key(scorecards)

    def prepare(position, result):
        result.rendered[key] = record(result)

    return prepare


def _records(model, scorecards, errors):
    """`record(result)`: a scored record's part of the document, as UTF-8 bytes with `errors` (`utf8`)."""
    return utf8.record_of(lambda encoding: _Sheets(model, scorecards, encoding).record, errors)


def _key(scorecards) -> tuple:
    return ("md", frozenset(scorecards) if scorecards is not None else None)


def _warnings(warnings) -> str:
    """A record's warnings, under its heading: figures that look like a slip, scored as written."""
    if not warnings:
        return ""
    # the code is perfdsl's own (P520), the message holds data: only the message is escaped
    return f"\n> **{WARNINGS_HEADING}**\n>\n" + "".join(f"> - [{w.code}] {_cell(w.message)}\n" for w in warnings)


class _Sheets:
    """The tables of a model's scorecards: what is the ruleset's — headers, each indicator's name cells and
    评分标准, escaped — made once per ruleset; a record adds its weights, scores and basis (escaped)."""

    def __init__(self, model, scorecards, encoding=None):
        self.encoding = encoding or utf8.Encoding(None)  # the record made as text or as bytes (`utf8`)
        self.specs = model.scorecards
        self.scorecards = scorecards
        self.criteria = scoresheet.Layout(model, scorecards).has_criteria
        self.depths = [max((len(node.path) for node in card.nodes), default=1) for card in model.scorecards]
        self.made: dict[tuple[int, int], tuple] = {}  # (scorecard, levels) → (head, each node's name cells)
        self.escaped: dict[str, str] = {}  # a basis text → its cell (`_cell`)
        self.cells = Cells(self.encoding.escape(_cell))  # the same, for a scorecard read by column (as its kind)
        self.flat = scoresheet.flat_scorecards(model)
        self.plans: dict[int, tuple] = {}  # a plain scorecard's number → its `_flat_plan`

    def _made(self, number: int, levels: int) -> tuple:
        """The table head at `levels`, each node's (cells before 权重, 评分标准 cell) by node index, and the
        rows made at `levels` so far."""
        criteria = self.criteria
        headers = scoresheet.level_headers(levels) + ["权重"] + ["评分标准"] * criteria + ["得分", "依据"]
        head = ("| " + " | ".join(headers) + " |\n"
                + "|" + "---|" * levels + "---:|" + "---|" * criteria + "---:|---|\n")
        nodes = []
        for node in self.specs[number].nodes:
            level = len(node.path) - 1
            nodes.append((_lead(levels, level, node.name, node.is_leaf),
                          f" | {_cell(_criteria(node) or '')}" if criteria else ""))
        return head, nodes, {}  # and (node, weight, declared, score, basis) → its row, kept

    def record(self, item):
        """A scored record's part of the document: its heading, warnings, information and tables."""
        out = [f"\n## {_cell(str(item.name))}\n", _warnings(item.warnings)]
        information = item.information
        if information:  # ``informational`` inputs: what the record says about itself, not scored
            out.append(_information(tuple(information.items())))
        for number, card in enumerate(scoresheet.cards(item, self.flat)):
            if self.scorecards is None or card.name in self.scorecards:
                out.append(f"\n### {_cell(scoresheet.title(card))}\n\n")
                if scoresheet.is_flat(card):
                    out.append(self.flat_table(number, card))
                    out.append(self.total(self.depths[number], card))
                else:
                    out.append(self.table(number, card, scoresheet.tree_nodes(card)))
        return self.encoding.join(out)

    def flat_table(self, number: int, card):
        """`table` of a scorecard read by column (`scoresheet.is_flat`) but its 合计 line: its lines are one ``%``
        template, made once, whose holes are each node's weight and score and each leaf's basis (`_flat_plan`)."""
        plan = self.plans.get(number)
        if plan is None:
            plan = self.plans[number] = self._flat_plan(number)
        template, declared, declared_texts, leaves, holes = plan
        weights = card.weights
        texts = self.encoding.texts
        # the declared weights' texts are the ruleset's: made once (most records move no weight)
        shown = list(declared_texts) if weights == declared else texts(list(map(_pair, weights, declared)))
        every = shown + texts(plains(card.scores)) + self.cells(leaves(card.lines))  # (each cell kept: `Cells`)
        return self.encoding.fill(template, holes(every))

    def _flat_plan(self, number: int) -> tuple:
        """(the template of a plain scorecard's head and lines, its declared weights and their texts, the getter
        of its leaves' basis texts, the getter of the holes' values in order from (weights, scores, bases))."""
        levels = self.depths[number]
        head, leads, _ = self._made(number, levels)
        nodes = self.specs[number].nodes
        count = len(nodes)
        template = [head.replace("%", "%%")]
        order = []
        leaves = []
        for index, node in enumerate(nodes):
            lead, criteria = leads[index]
            order += [index, count + index]
            if node.is_leaf:
                order.append(2 * count + len(leaves))
                leaves.append(index)
            template.append(f"{lead.replace('%', '%%')}%s{criteria.replace('%', '%%')} | %s | "
                            + ("%s" if node.is_leaf else "") + " |\n")
        declared = tuple(node.declared for node in nodes)
        return (Fill("".join(template)), declared, self.encoding.texts(list(map(_figure, declared))), _getter(leaves),
                _getter(order))

    def total(self, levels: int, card) -> str:
        """The 合计 line (`table`'s last)."""
        total = ["**合计**"] + [""] * (levels - 1) + [plain(card.max)] + [""] * self.criteria
        total += [f"**{plain(card.score)}**", _cell(scoresheet.grade_text(card))]  # a grade is the ruleset's text
        return "| " + " | ".join(total) + " |\n"

    def table(self, number: int, card, nodes) -> str:
        """`nodes`: the scorecard's `scoresheet.Node`s, its `each` groups' items aside (`tree_nodes`)."""
        items = card.items
        levels = self.depths[number]
        for index, rows in items.items():  # an `each` group's items sit a level below it (`scoresheet.depth`)
            if rows:
                levels = max(levels, len(card.fixed[index].path) + 1)
        made = self.made.get((number, levels))
        if made is None:
            made = self.made[number, levels] = self._made(number, levels)
        head, leads, lines = made
        spec = self.specs[number]
        out = [head]
        escaped = self.escaped
        if len(lines) >= 8192:  # a batch of ever new figures: memory stays bounded
            lines.clear()
        for index, (weight, declared, score, basis, *_) in enumerate(nodes):
            key = (index, weight, declared, score, basis)
            line = lines.get(key)  # a row is a function of these (and the ruleset): a batch's rows repeat
            if line is None:
                lead, criteria = leads[index]
                cell = escaped.get(basis)  # each text escaped once (a function of the text)
                if cell is None:
                    if len(escaped) >= 4096:
                        escaped.clear()
                    cell = escaped[basis] = _cell(basis)
                line = lines[key] = (f"{lead}{weight_pair_text(weight, declared)}{criteria} | {_figure(score)} | "
                                     f"{cell} |\n")
            out.append(line)
            rows = items.get(index)
            if rows:  # the group's items, named by the record
                template = spec.nodes[index].each.template.criteria
                criteria = f" | {_cell(template or '')}" if self.criteria else ""
                level = len(spec.nodes[index].path)
                for item in rows:
                    out.append(f"{_lead(levels, level, item.name, True)}{weight_pair_text(item.weight, item.declared)}"
                               f"{criteria} | {_figure(item.score)} | {_cell(item.basis)} |\n")
        levels_blank = [""] * (levels - 1)
        crit_blank = [""] * self.criteria
        adjustments = scoresheet.adjustment_rows(card)
        if adjustments:  # scorecard rules (封顶、扣分、一票否决): each its own row between 指标小计 and 合计
            sub = ["指标小计"] + levels_blank + [plain(card.max)] + crit_blank
            out.append("| " + " | ".join(sub + [plain(scoresheet.subtotal(card)), ""]) + " |\n")
            for line in adjustments:
                cells = [_cell(line.name)] + levels_blank + [""] + crit_blank + [line.change, _cell(line.basis)]
                out.append("| " + " | ".join(cells) + " |\n")
        out.append(self.total(levels, card))
        return "".join(out)


@lru_cache(maxsize=1024)
def _information(items: tuple) -> str:
    """The line of a record's ``informational`` inputs (kept: a batch's records mostly give the same, 年度 2022)."""
    return "\n信息（不计分）：" + "，".join(f"{_cell(k)} {_cell(v)}" for k, v in items) + "\n"


def _lead(levels: int, level: int, name: str, leaf: bool) -> str:
    """A row's cells up to its 权重: the name in its level's column (a group's in bold), the others empty."""
    names = [""] * levels
    names[level] = _cell(name) if leaf else f"**{_cell(name)}**"
    return "| " + " | ".join(names) + " | "


def _criteria(node) -> str | None:
    """The 评分标准 of a scorecard node (a `NodeSpec`): its indicator's, or for an `each` group none."""
    return node.indicator.criteria if node.indicator is not None else None


#: Text that cannot break a Markdown table or become markup: escaped, line breaks as <br> (neutralise).
_cell = markdown
#: `weight_pair_text` of the pairs a batch repeats (a function of the values: equal decimals have one text).
_pair = lru_cache(maxsize=4096)(weight_pair_text)
