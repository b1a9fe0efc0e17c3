"""HTML: one self-contained page (inline CSS and SVG, nothing fetched) with every record's 评分表.

For each record: the 评分表 title, its 单位 and 年度, its totals and grades;
on screen a bar chart of each group's score against its weight, with a
legend; per scorecard the table in the official layout (`scoresheet.Layout`:
a column block per level, groups spanning their leaves, 评分标准, 得分,
扣分原因/依据, then 合计 and the grade rule); and the closing block
(评价结论, 存在问题, 改进建议, 评价人 / 复核人 / 日期).  Column widths are fixed
by the ruleset, so every department's table looks the same.

Printed (Chromium, Edge, Firefox): A4 landscape, each department from a new
page, table headers repeated on every page, a leaf's row never split, the chart left
out, ``第 N 页 共 M 页`` at the foot.  Records are written as they come, so
a batch of any size streams.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from itertools import compress
from operator import itemgetter, ne

from ..decimals import plain, plains
from ..errors import RecordError
from ..fill import Fill
from ..neutralise import html_text  # data and ruleset text, escaped (neutralise)
from ..textwidth import width
from . import jsonout, scoresheet, utf8
from .cells import Cells
from .summary import WARNINGS_HEADING, warning_lines
from .table import _figure

_CSS = """
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
       "Microsoft YaHei", sans-serif; margin: 2em auto; max-width: 1180px; color: #111; padding: 0 1em;
       font-size: 14px; }
h1.doc { font-size: 1.4em; color: #2f5597; }
section.record { margin-top: 2.5em; }
h2.sheet-title { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
                 text-align: center; font-size: 1.45em; margin: 0 0 .5em; }
p.facts { margin: .2em 0; }
p.facts span + span { margin-left: 2em; }
ul.totals { list-style: none; padding: 0; margin: .3em 0 .6em; display: flex; gap: 2em; }
.grade { border: 1px solid #111; border-radius: 2px; padding: 0 .3em; margin-left: .3em; }
h3 { font-size: 1.05em; margin: .8em 0 .3em; }
table.sheet, table.closing { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: .86em; }
table.sheet th, table.sheet td, table.closing th, table.closing td {
    border: 1px solid #222; padding: .2em .3em; vertical-align: middle; overflow-wrap: anywhere; }
table.sheet th { background: #f2f2f2; font-weight: bold; text-align: center; }
table.sheet td.group { font-weight: bold; text-align: center; }
table.sheet td.num { text-align: center; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.sheet tr.sum td { font-weight: bold; background: #f2f2f2; }
table.sheet tr.sum td:first-child { text-align: center; }
table.sheet tr.closing > td { border: none; padding: 0; }
table.sheet table.closing { font-size: 1em; }
table.sheet table.closing th { background: none; }
table.closing { margin-top: .8em; }
table.closing th { width: 8em; text-align: center; }
table.closing td { height: 2.4em; vertical-align: top; white-space: pre-wrap; }
p.signatures { margin: 1.6em 0 0; display: flex; gap: 5em; }
p.error { color: #c00000; }
div.warnings { border: 1px solid #c65911; border-left-width: 4px; padding: .3em .6em; margin: .4em 0 .6em;
               color: #843c0c; background: #fff8f0; break-inside: avoid; }
div.warnings p { margin: 0; font-weight: bold; }
div.warnings ul { margin: .2em 0 0; padding-left: 1.4em; }
figure.chart { margin: .5em 0 1em; }
figure.chart figcaption { font-size: .9em; color: #444; }
div.bars { display: inline-block; vertical-align: top; margin-right: 2em; }
div.bars p { margin: 0 0 .2em; font-weight: bold; }
ul.legend { list-style: none; padding: 0; margin: .3em 0 0; display: flex; flex-wrap: wrap; gap: 1.5em;
            font-size: .9em; }
ul.legend i { display: inline-block; width: 1.6em; height: .8em; margin-right: .35em; vertical-align: -.05em; }
svg text { font-size: 13px; }
@page { size: A4 landscape; margin: 8mm 8mm 10mm;
        @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; } }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h1.doc, figure.chart { display: none; }
  section.record { margin-top: 0; }
  section.record + section.record { break-before: page; }
  table.sheet, table.closing { font-size: 8pt; line-height: 1.3; }
  table.sheet th, table.sheet td { padding: 1pt 2.5pt; }
  h2.sheet-title { font-size: 15pt; margin-bottom: 3pt; }
  p.facts, ul.totals { margin: 1pt 0; }
  h3 { margin: 3pt 0 2pt; break-after: avoid; }
  table.closing td { height: 1.7em; }
  p.signatures { margin-top: 9pt; }
  table.sheet tr:not(:has(> td[rowspan])) { break-inside: avoid; }  /* a leaf's row whole */
  table.sheet tr.sum { break-before: avoid; }
  table.sheet tr.closing, div.closing { break-inside: avoid; break-before: avoid; }  /* under the table */
}
"""

#: Chart geometry in px: label space per display column, indent per level, bar length, row height.
_PER_COLUMN = Decimal(7)
_INDENT = Decimal(14)
_BAR = Decimal(360)
_ROW = 24
#: Bar colours by the share of its weight a group scored, and the legend that explains them.
_BANDS = ((Decimal("0.9"), "#548235", "得分率 ≥ 90%"), (Decimal("0.6"), "#2f5597", "60% ≤ 得分率 < 90%"),
          (Decimal(0), "#c55a11", "得分率 < 60%"))
_TRACK = "#e4e4e4"


#: The one door for data text (names, basis, criteria, notes) into the page: escaped, line breaks kept (as <br>).
text = html_text
#: `text` of the ruleset's labels, scorecard names and grades, which every record repeats (a function of the text).
_kept = lru_cache(maxsize=1024)(html_text)


def write(handle, results, model, scorecards=None):
    handle = jsonout.Sink(handle)  # a worker's text may come as UTF-8 bytes (`preparer`)
    record = _records(model, scorecards, handle.bytes_errors())  # and so is one made here, where they can be
    key = _key(scorecards)
    title = text(model.title)
    handle.write(f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
                 f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                 f"<title>{title} · 评分表</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
                 f'<h1 class="doc">{title}</h1>\n')
    for position, item in results:
        if isinstance(item, RecordError):
            handle.write(f'<section class="record error" id="record-{position}">\n'
                         f"<h2>{text(item.record)}</h2>\n"
                         f'<p class="error">未能计分：{text(item.message)}</p>\n{_warnings(item.warnings)}</section>\n')
            continue
        rendered = getattr(item, "rendered", {}).get(key)
        handle.write(rendered if rendered is not None else record(item, position))
    handle.write("</body>\n</html>\n")


def preparer(model, scorecards=None, errors=None):
    """`prepare(position, result)` for `parallel.scored`: the record's section, made where it is scored (UTF-8
    bytes when `errors` says the output takes them, `jsonout.Sink`)."""
    record = _records(model, scorecards, errors)
    key = _key(scorecards)

    def prepare(position, result):
        result.rendered[key] = record(result, position)

    return prepare


def _records(model, scorecards, errors):
    """`record(result, position)`: a scored record's section, as UTF-8 bytes with `errors` (`utf8`)."""
    return utf8.record_of(lambda encoding: _Page(model, scorecards, encoding).record, errors)


def _key(scorecards) -> tuple:
    return ("html", frozenset(scorecards) if scorecards is not None else None)


class _Page:
    """What a model's page repeats for every record, made once: the sheet title, each table's head, and per
    shape of a scorecard (its `each` groups' item counts) its body as a format string whose holes are the
    record's figures, names and basis (`_plan`)."""

    def __init__(self, model, scorecards, encoding=None):
        self.encoding = encoding = encoding or utf8.Encoding(None)  # the record made as text or as bytes (`utf8`)
        self.model = model
        self.layout = layout = scoresheet.Layout(model, scorecards)
        self.wanted = {spec.name: spec for spec in layout.cards}
        self.numbers = {card.name: number for number, card in enumerate(model.scorecards)}
        self.rules = {spec.name: scoresheet.grade_rule(spec) for spec in layout.cards}
        self.flat = scoresheet.flat_scorecards(model)
        self.sheet_title = f'<h2 class="sheet-title">{text(scoresheet.sheet_title(model))}</h2>\n<p class="facts">'
        total = sum(column.width for column in layout.columns)
        cols = "".join(f'<col style="width:{column.width * 100 / total:.2f}%">' for column in layout.columns)
        first, second = layout.header_rows()
        top = "".join(f'<th colspan="{end - start + 1}">{text(heading)}</th>' if end > start
                      else f'<th rowspan="2">{text(heading)}</th>' for heading, start, end in first)
        below = "".join(f"<th>{text(heading)}</th>" for _, heading in second)
        self.head = (f'<table class="sheet">\n<colgroup>{cols}</colgroup>\n'
                     f"<thead><tr>{top}</tr><tr>{below}</tr></thead>\n<tbody>\n")
        self.plans: dict[tuple, tuple[str, list]] = {}
        self.escaped: dict[str, str] = {}  # a basis text → its escaped text (`text`)
        self.cells = Cells(text)  # the same, for a scorecard read by column
        self.kept: dict[tuple, str] = {}  # a scorecard's heading, its 合计 line, a closing block, by what makes it
        self.charts: dict[str, _Bars] = {}
        self.shapes: dict[int, tuple] = {}  # a plain scorecard's number → what `_flat_holes` reads its columns by

    def bars(self, card) -> _Bars:
        found = self.charts.get(card.name)
        if found is None:
            found = self.charts[card.name] = _Bars(card)
        return found

    def record(self, result, position):
        layout, wanted = self.layout, self.wanted
        cards = [card for card in scoresheet.cards(result, self.flat) if card.name in wanted]
        parts = [f'<section class="record" id="record-{position}">\n', self.sheet_title]
        parts += [f"<span>{_kept(label)}：{text(value)}</span>"
                  for label, value in scoresheet.identity(self.model, result)]
        parts.append('</p>\n<ul class="totals">\n')
        for card in cards:
            grade = f'<span class="grade">{_kept(card.grade)}</span>' if card.grade else ""
            parts.append(f'<li>{_kept(card.name)} <b class="total">{plain(card.score)}</b> / '
                         f"{plain(card.max)}{grade}</li>\n")
        parts.append("</ul>\n")
        parts.append(_warnings(result.warnings))
        parts += self.encoding.texts(_chart(cards, self.bars))  # (its pieces are kept: their bytes are too)
        kept = self.kept
        if len(kept) >= 4096:  # a batch of ever new totals: memory stays bounded
            kept.clear()
        for number, card in enumerate(cards):
            key = ("head", number, card.name, card.max)
            head = kept.get(key)
            if head is None:
                head = kept[key] = f"<h3>{text(scoresheet.card_heading(number, card))}</h3>\n"
            parts.append(head)
            parts.append(self.encoding.text(self.head))
            parts.append(self.table(card))
            if card.adjustments:
                parts.append(_totals(layout, card, wanted[card.name], self.rules[card.name]))
            else:  # 合计 is a function of these (and the ruleset) when no scorecard rule adds a row
                key = ("total", card.name, str(card.max), str(card.score), card.grade)  # (`str`: exact, no hash)
                total = kept.get(key)
                if total is None:
                    total = kept[key] = _totals(layout, card, wanted[card.name], self.rules[card.name])
                parts.append(total)
            if number < len(cards) - 1:
                parts.append("</tbody>\n</table>\n")
        key = ("closing", tuple(scoresheet.closing(result)), tuple(scoresheet.signatures(result)))
        try:
            closing = kept.get(key)  # the record's own closing block: most batches leave it to the pen
        except TypeError:  # a record's value that has no hash (a list where a text was meant): not kept
            closing = _closing(result)
        else:
            if closing is None:
                closing = kept[key] = _closing(result)
        if cards:  # the last table's last row: Chromium kept a block after the table from its end only at times
            parts.append(f'<tr class="closing"><td colspan="{len(layout.columns)}">{closing}</td></tr>\n'
                         "</tbody>\n</table>\n")
        else:
            parts.append(closing)
        parts.append("</section>\n")
        return self.encoding.join(parts)

    def table(self, card):
        """The indicator lines of one scorecard's table (its head before them, 合计 after)."""
        number = self.numbers[card.name]
        shape = (number, tuple(len(rows) for _, rows in sorted(card.items.items())))
        plan = self.plans.get(shape)
        if plan is None:
            if len(self.plans) >= _PLANS:  # a batch of ever new shapes (list data) keeps memory bounded
                self.plans.clear()
            plan = self.plans[shape] = _filled(*_plan(self.layout, card), len(card.nodes))
        body, holes, labels, named = plan
        if scoresheet.is_flat(card):
            return self.encoding.fill(body, self.encoding.texts(holes(self._flat_holes(card, labels, named))))
        nodes = card.nodes
        # what the holes of `body` take, by kind and then position: each a list over the scorecard's nodes
        weights = [_figure(node.weight) for node in nodes]
        scores = [_figure(node.score) for node in nodes]
        escaped = self.escaped
        bases = []
        for node in nodes:
            if node.is_leaf:
                basis = node.basis
                cell = escaped.get(basis)  # a batch's texts repeat: each escaped once (a function of the text)
                if cell is None:
                    if len(escaped) >= 4096:
                        escaped.clear()
                    cell = escaped[basis] = text(basis)
                bases.append(cell)
            else:
                bases.append("")
        declared = ([_figure(node.declared) if node.weight != node.declared else "" for node in nodes]
                    if self.layout.has_moves else ())
        names = [text(node.name) for node in nodes] if named else ()
        # a group's name, escaped once, with its weight before reallocation when that changed
        labels = [label if node.is_leaf or node.weight == node.declared  # a leaf's is not asked for
                  else text(f"{node.name}\n（调整前 {plain(node.declared)}）")  # `scoresheet.group_label`
                  for node, label in zip(nodes, labels)]
        count = len(nodes)
        blank = [""] * count
        every = weights + scores + bases + (declared or blank) + (names or blank) + labels  # by `_filled`'s offsets
        return self.encoding.fill(body, self.encoding.texts(holes(every)))

    def _flat_holes(self, card, labels: list, named: bool) -> list:
        """`table`'s six lists for a scorecard read by column (`scoresheet.is_flat`), from its columns."""
        spec = card.spec
        count = len(spec.nodes)
        shape = self.shapes.get(card.number)
        if shape is None:
            shape = self.shapes[card.number] = _flat_shape(spec)
        declared, declared_texts, pick, moved_labels = shape
        weights = card.weights
        bases = pick((*card.lines, "")) if pick is not None else (card.lines[0] if spec.nodes[0].is_leaf else "",)
        bases = self.cells(bases)  # each text escaped once (`Cells`: a scan of them all joined cost ~30 µs a record)
        same = weights == declared  # most records move no weight: the declared weights' texts are made once
        every = (list(declared_texts) if same else plains(weights)) + plains(card.scores)
        every += bases
        if same:
            every += [""] * (2 * count) if not named else [""] * count + list(map(text, (n.name for n in spec.nodes)))
            every += labels
            return every
        # reallocation moved some weights: a leaf shows its declared one, a group's label says it
        changed = list(compress(range(count), map(ne, weights, declared)))
        before = [""] * count
        if self.layout.has_moves:
            for index in changed:
                before[index] = _figure(declared[index])
        every += before
        every += map(text, (node.name for node in spec.nodes)) if named else [""] * count
        labels = list(labels)
        for index in changed:
            label = moved_labels[index]
            if label is not None:
                labels[index] = label
        every += labels
        return every


def _flat_shape(spec) -> tuple:
    """(the declared weights, their texts, the getter of each node's basis text — a group's is "" —, each group's
    label when reallocation changed its weight — `scoresheet.group_label` — or None) of a plain scorecard."""
    nodes = spec.nodes
    count = len(nodes)
    declared = tuple(node.declared for node in nodes)
    pick = itemgetter(*[index if node.is_leaf else count for index, node in enumerate(nodes)]) if count > 1 else None
    moved = [None if node.is_leaf else text(f"{node.name}\n（调整前 {plain(node.declared)}）") for node in nodes]
    return declared, tuple(map(_figure, declared)), pick, moved


def _declared(weight, declared) -> str:
    """A leaf's 调整前分值 cell: its declared weight when reallocation changed it (kept: a function of the values)."""
    return _figure(declared) if weight != declared else ""


def _filled(body: str, labels: list, named: bool, count: int) -> tuple:
    """A plan's format string as a ``%s`` template and the getter of its holes' values, in order, from the six
    lists of `_Page.table` one after the other (each `count` long): ``str.format`` parsed every ``{2[7]}`` of
    the page's table again for each record."""
    from string import Formatter

    template, holes = [], []
    for literal, field, _, _ in Formatter().parse(body):
        template.append(literal.replace("%", "%%"))
        if field is not None:
            kind, position = field.rstrip("]").split("[")
            holes.append(int(kind) * count + int(position))
            template.append("%s")
    if len(holes) != 1:
        getter = itemgetter(*holes) if holes else (lambda every: ())
    else:
        single = itemgetter(holes[0])
        getter = lambda every: (single(every),)  # noqa: E731 - one hole: still a tuple for ``%``
    return Fill("".join(template)), getter, labels, named


#: How many table plans a page keeps (a ruleset's scorecards times the item counts its records come in).
_PLANS = 256
#: The holes of a plan: what a record fills in — a figure, its basis, the weight before reallocation, an item's
#: name, a group's label; a hole ``{2[7]}`` is the basis of node 7 (`_Page.table`).
_WEIGHT, _SCORE, _BASIS, _DECLARED, _NAME, _LABEL = range(6)


def _plan(layout: scoresheet.Layout, card) -> tuple[str, list, bool]:
    """The lines of `card`'s table as a format string whose holes name a kind and a position in `card.nodes`,
    each group's name escaped (by position), and whether any hole is an item's name: `scoresheet.lines`,
    `spans` and `Layout.line_cells` on positions, with the ruleset's text escaped here."""
    nodes = card.nodes
    block = []  # (group positions top first, leaf position or None): `scoresheet.lines`
    stack: list[int] = []
    for number, node in enumerate(nodes):
        level = len(node.path) - 1
        del stack[level:]
        if node.is_leaf:
            block.append((tuple(stack), number))
            continue
        stack.append(number)
        following = nodes[number + 1] if number + 1 < len(nodes) else None
        if following is None or len(following.path) - 1 <= level:  # an empty group (an `each` over no items)
            block.append((tuple(stack), None))
    spans = [_spans(block, level) for level in range(layout.levels - 1)]
    labels = [""] * len(nodes)
    named = False

    def hole(kind: int, position: int) -> str:
        nonlocal named
        named = named or kind == _NAME
        return f"{{{kind}[{position}]}}"

    def static(value: str) -> str:
        return text(value).replace("{", "{{").replace("}", "}}")

    columns = layout.columns
    items = set()  # the positions of the items of `each` groups: named by the record
    position = 0
    for index in range(len(card.fixed)):
        position += 1 + len(card.items.get(index, ()))
        items.update(range(position - len(card.items.get(index, ())), position))
    out = []
    for number, (groups, leaf) in enumerate(block):
        values: list = [""] * len(columns)  # each column's cell content: static text or a hole
        for level, group in enumerate(groups):
            labels[group] = text(nodes[group].name)
            values[layout.index("name", level)] = hole(_LABEL, group)
            values[layout.index("weight", level)] = hole(_WEIGHT, group)
            values[layout.index("group_score", level)] = hole(_SCORE, group)
        if leaf is not None:
            node = nodes[leaf]
            values[layout.index("name", len(groups))] = hole(_NAME, leaf) if leaf in items else static(node.name)
            values[layout.index("weight", layout.levels - 1)] = hole(_WEIGHT, leaf)
            if layout.has_moves:
                values[layout.index("declared")] = hole(_DECLARED, leaf)
            if layout.has_criteria:
                values[layout.index("criteria")] = static(node.criteria or "")
            values[layout.index("score")] = hole(_SCORE, leaf)
            values[layout.index("basis")] = hole(_BASIS, leaf)
        cells = []
        skip = set()
        for level in range(layout.levels - 1):
            count = spans[level][number]
            if count == 0:  # covered by the group's cell above
                skip |= set(layout.level_columns(level))
            elif count:
                for column in layout.level_columns(level):
                    css = "group" if columns[column].kind == "name" else "num"
                    cells.append((column, f'<td class="{css}" rowspan="{count}">{values[column]}</td>'))
                    skip.add(column)
        if leaf is not None:
            names = range(layout.index("name", len(groups)), layout.index("name", layout.levels - 1) + 1)
            colspan = f' colspan="{len(names)}"' if len(names) > 1 else ""
            cells.append((names.start, f"<td{colspan}>{values[names.start]}</td>"))
            skip |= set(names)
        for column, value in enumerate(values):
            if column not in skip:
                css = ' class="num"' if columns[column].numeric else ""
                cells.append((column, f"<td{css}>{value}</td>"))
        out.append("<tr>" + "".join(cell for _, cell in sorted(cells, key=lambda cell: cell[0])) + "</tr>\n")
    return "".join(out), labels, named


def _spans(block: list, level: int) -> list[int | None]:
    """`scoresheet.spans` on the lines of `_plan` (a group is its position in the scorecard's nodes)."""
    out: list[int | None] = []
    start = 0
    for number, (groups, _) in enumerate(block):
        if len(groups) <= level:
            out.append(None)
            continue
        previous = block[number - 1][0] if number else None
        if previous is not None and len(previous) > level and previous[level] == groups[level]:
            out.append(0)
            out[start] += 1
        else:
            start = number
            out.append(1)
    return out
def _warnings(warnings) -> str:
    """A record's warnings above its tables, on screen and on paper: figures that look like a slip."""
    if not warnings:
        return ""
    items = "".join(f"<li>{text(line)}</li>" for line in warning_lines(warnings))
    return f'<div class="warnings" role="note"><p>{text(WARNINGS_HEADING)}</p><ul>{items}</ul></div>\n'


#: Below the chart: what a bar's colour says, and what its track is.
_LEGEND = ("".join(f'<li><i style="background:{colour}"></i>{label}</li>' for _, colour, label in _BANDS)
           + f'<li><i style="background:{_TRACK}"></i>分值（条长按分值比例）</li>')


def _chart(cards, bars) -> list:
    """Per scorecard, a horizontal bar per group: the track is its weight, the bar its score (one scale).
    `bars(card)` is the scorecard's `_Bars` (made once per ruleset).  The chart's pieces, not joined: each is
    the ruleset's or a kept bar."""
    parts = [_FIGURE]
    for card in cards:
        parts += bars(card).svg(card)
    if len(parts) == 1:
        return []
    parts.append(_CAPTION)
    return parts


_FIGURE = '<figure class="chart">'
_CAPTION = f'<figcaption>各分组得分与分值<ul class="legend">{_LEGEND}</ul></figcaption></figure>\n'


class _Bars:
    """One scorecard's chart: its groups are the ruleset's (an `each` group's items are leaves), so their
    names, the label width and every fixed coordinate are laid out once; a record adds the bars."""

    def __init__(self, card):
        groups = [node for node in card.fixed if not node.is_leaf]
        self.indices = [index for index, node in enumerate(card.fixed) if not node.is_leaf]
        self.label = label = max((_INDENT * (len(n.path) - 1) + _PER_COLUMN * width(n.name) for n in groups),
                                 default=Decimal(0)) + 10
        height = _ROW * len(groups) + 8
        self.head = (f'<div class="bars"><p>{text(card.name)}</p>'
                     f'<svg xmlns="http://www.w3.org/2000/svg" width="{_px(label + _BAR + 90)}" height="{height}" '
                     f'role="img" aria-label="{text(card.name)}各分组得分与分值">')
        self.rows = []  # per group: its name and the bar's fixed coordinates, around the holes
        for row, node in enumerate(groups):
            top = row * _ROW + 4
            indent = _INDENT * (len(node.path) - 1)
            weight = "bold" if len(node.path) == 1 else "normal"
            self.rows.append((
                f'<text x="{_px(indent)}" y="{top + 15}" font-weight="{weight}">{text(node.name)}</text>'
                f'<rect x="{_px(label)}" y="{top + 3}" width="',
                f'" height="16" fill="{_TRACK}"/><rect x="{_px(label)}" y="{top + 3}" width="',
                f'" y="{top + 15}">'))
        self.drawn = {row: {} for row in self.rows}  # per row: (weight, score, heaviest) → the bar's text

    def svg(self, card) -> list:
        """The chart's pieces (`_chart`)."""
        if not self.indices:
            return []
        if scoresheet.is_flat(card):  # by column
            weights = [card.weights[index] for index in self.indices]
            scores = [card.scores[index] for index in self.indices]
        else:
            fixed = card.fixed
            weights = [fixed[index].weight for index in self.indices]
            scores = [fixed[index].score for index in self.indices]
        heaviest = max(weights) or Decimal(1)
        parts = [self.head]
        drawn = self.drawn
        top = str(heaviest)
        for row, weight, score in zip(self.rows, weights, scores):
            # a bar is drawn from these values alone (its row's the ruleset's), kept by their `str`s: exact, and
            # several times cheaper than a fresh score's hash
            key = (str(weight), str(score), top)
            bar = drawn[row].get(key)
            if bar is None:
                bar = self._bar(row, weight, score, heaviest)
                if len(drawn[row]) >= _PLANS * 16:  # a batch of ever new scores: memory stays bounded
                    drawn[row].clear()
                drawn[row][key] = bar
            parts.append(bar)
        parts.append("</svg></div>")
        return parts

    def _bar(self, row, weight, score, heaviest) -> str:
        first, second, third = row
        label = self.label
        track = _BAR * weight / heaviest
        filled = _BAR * min(max(score, _ZERO), weight) / heaviest
        share = score / weight if weight else _ZERO
        colour = next(colour for floor, colour, _ in _BANDS if share >= floor or floor == 0)
        return (f'{first}{_px(track)}{second}{_px(filled)}" height="16" fill="{colour}"/><text x="'
                f"{_px(label + track + 6)}{third}{_figure(score)} / {_figure(weight)}</text>")


_ZERO = Decimal(0)
_TENTH = Decimal("0.1")


def _px(value: Decimal) -> str:
    return plain(value.quantize(_TENTH))


def _totals(layout: scoresheet.Layout, card, spec, rule: str | None = None) -> str:
    """合计 with the grade and its rule, in the body so that a printed page does not repeat it at its foot."""
    names = layout.index("name", layout.levels - 1) + 1
    weight = layout.index("weight", layout.levels - 1)
    score = layout.index("score")
    between = score - weight - 1
    lines = ""
    for line in scoresheet.adjustment_rows(card):  # scorecard rules (封顶、扣分、一票否决): a row each, above 合计
        lines += (f'<tr class="adjustment"><td colspan="{names}">{text(line.name)}</td><td class="num"></td>'
                  + (f'<td colspan="{between}"></td>' if between else "")
                  + f'<td class="num">{text(line.change)}</td>'
                  + f'<td colspan="{len(layout.columns) - score - 1}">{text(line.basis)}</td></tr>\n')
    return lines + (f'<tr class="sum"><td colspan="{names}">合计</td><td class="num">{plain(card.max)}</td>'
            + (f'<td colspan="{between}"></td>' if between else "")
            + f'<td class="num total">{plain(card.score)}</td>'
            + f'<td colspan="{len(layout.columns) - score - 1}">'
              f'{text(scoresheet.grade_line(card, spec, rule))}</td></tr>\n')


def _closing(result) -> str:
    rows = "".join(f"<tr><th>{text(field)}</th><td>{text(value)}</td></tr>"
                   for field, value in scoresheet.closing(result))
    signed = "".join(f"<span>{text(field)}：{text(value)}</span>" for field, value in scoresheet.signatures(result))
    return f'<div class="closing"><table class="closing">{rows}</table>\n<p class="signatures">{signed}</p></div>\n'
