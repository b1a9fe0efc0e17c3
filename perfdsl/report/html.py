"""HTML: one self-contained page (inline CSS and SVG, nothing fetched) with every record's 评分表.

For each record: the 评分表 title, its 单位 and 年度, its totals and grades;
on screen a bar chart of each group's score against its weight, with a
legend; per scorecard the table in the official layout (`scoresheet.Layout`:
a column block per level, groups spanning their leaves, 评分标准, 得分,
扣分原因/依据, then 合计 and the grade rule); and the closing block
(评价结论, 存在问题, 改进建议, 评价人 / 复核人 / 日期).  Column widths are fixed
by the ruleset, so every department's table looks the same.

Printed (Chromium, Edge, Firefox): A4 landscape, each department from a new
page, table headers repeated on every page, rows never split, the chart left
out, ``第 N 页 共 M 页`` at the foot.  Records are written as they come, so
a batch of any size streams.
"""

from __future__ import annotations

from decimal import Decimal

from ..decimals import plain
from ..errors import RecordError
from ..neutralise import html as escape  # data and ruleset text, escaped (neutralise)
from ..source import display_width
from . import scoresheet
from .summary import WARNINGS_HEADING, warning_lines

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
  div.closing { break-inside: avoid; }
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


def text(value) -> str:
    """The one door for data text (names, basis, criteria, notes) into the page: escaped, line breaks kept."""
    return escape(str(value)).replace("\n", "<br>")


def write(handle, results, model, scorecards=None):
    layout = scoresheet.Layout(model, scorecards)
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
        handle.write(_record(layout, model, item, position))
    handle.write("</body>\n</html>\n")


def _record(layout: scoresheet.Layout, model, result, position) -> str:
    wanted = {spec.name: spec for spec in layout.cards}
    cards = [card for card in result.scorecards if card.name in wanted]
    parts = [f'<section class="record" id="record-{position}">\n'
             f'<h2 class="sheet-title">{text(scoresheet.sheet_title(model))}</h2>\n<p class="facts">']
    parts += [f"<span>{text(label)}：{text(value)}</span>" for label, value in scoresheet.identity(model, result)]
    parts.append('</p>\n<ul class="totals">\n')
    for card in cards:
        grade = f'<span class="grade">{text(card.grade)}</span>' if card.grade else ""
        parts.append(f'<li>{text(card.name)} <b class="total">{plain(card.score)}</b> / '
                     f"{plain(card.max)}{grade}</li>\n")
    parts.append("</ul>\n")
    parts.append(_warnings(result.warnings))
    parts.append(_chart(cards))
    for number, card in enumerate(cards):
        parts.append(f"<h3>{text(scoresheet.card_heading(number, card))}</h3>\n")
        parts.append(_table(layout, card, wanted[card.name]))
    parts.append(_closing(result))
    parts.append("</section>\n")
    return "".join(parts)


def _warnings(warnings) -> str:
    """A record's warnings above its tables, on screen and on paper: figures that look like a slip."""
    if not warnings:
        return ""
    items = "".join(f"<li>{text(line)}</li>" for line in warning_lines(warnings))
    return f'<div class="warnings" role="note"><p>{text(WARNINGS_HEADING)}</p><ul>{items}</ul></div>\n'


def _chart(cards) -> str:
    """Per scorecard, a horizontal bar per group: the track is its weight, the bar its score (one scale)."""
    parts = []
    for card in cards:
        groups = [node for node in card.nodes if not node.is_leaf]
        if groups:
            parts.append(_bars(card, groups))
    if not parts:
        return ""
    legend = "".join(f'<li><i style="background:{colour}"></i>{label}</li>' for _, colour, label in _BANDS)
    legend += f'<li><i style="background:{_TRACK}"></i>分值（条长按分值比例）</li>'
    return (f'<figure class="chart">{"".join(parts)}<figcaption>各分组得分与分值'
            f'<ul class="legend">{legend}</ul></figcaption></figure>\n')


def _bars(card, groups) -> str:
    heaviest = max(node.weight for node in groups) or Decimal(1)
    label = max(_INDENT * (len(n.path) - 1) + _PER_COLUMN * display_width(n.name) for n in groups) + 10
    height = _ROW * len(groups) + 8
    width = label + _BAR + 90
    parts = [f'<div class="bars"><p>{text(card.name)}</p>'
             f'<svg xmlns="http://www.w3.org/2000/svg" width="{_px(width)}" height="{height}" '
             f'role="img" aria-label="{text(card.name)}各分组得分与分值">']
    for row, node in enumerate(groups):
        top = row * _ROW + 4
        track = _BAR * node.weight / heaviest
        filled = _BAR * min(max(node.score, Decimal(0)), node.weight) / heaviest
        share = node.score / node.weight if node.weight else Decimal(0)
        colour = next(colour for floor, colour, _ in _BANDS if share >= floor or floor == 0)
        indent = _INDENT * (len(node.path) - 1)
        weight = "bold" if len(node.path) == 1 else "normal"
        parts.append(
            f'<text x="{_px(indent)}" y="{top + 15}" font-weight="{weight}">{text(node.name)}</text>'
            f'<rect x="{_px(label)}" y="{top + 3}" width="{_px(track)}" height="16" fill="{_TRACK}"/>'
            f'<rect x="{_px(label)}" y="{top + 3}" width="{_px(filled)}" height="16" fill="{colour}"/>'
            f'<text x="{_px(label + track + 6)}" y="{top + 15}">{plain(node.score)} / {plain(node.weight)}</text>')
    parts.append("</svg></div>")
    return "".join(parts)


def _px(value: Decimal) -> str:
    return plain(value.quantize(Decimal("0.1")))


def _table(layout: scoresheet.Layout, card, spec) -> str:
    total = sum(column.width for column in layout.columns)
    cols = "".join(f'<col style="width:{column.width * 100 / total:.2f}%">' for column in layout.columns)
    first, second = layout.header_rows()
    top = "".join(f'<th colspan="{end - start + 1}">{text(heading)}</th>' if end > start
                  else f'<th rowspan="2">{text(heading)}</th>' for heading, start, end in first)
    below = "".join(f"<th>{text(heading)}</th>" for _, heading in second)
    out = [f'<table class="sheet">\n<colgroup>{cols}</colgroup>\n'
           f"<thead><tr>{top}</tr><tr>{below}</tr></thead>\n<tbody>\n"]
    block = scoresheet.lines(card)
    spans = [scoresheet.spans(block, level) for level in range(layout.levels - 1)]
    for number, line in enumerate(block):
        values = layout.line_cells(line)
        cells = []
        skip = set()
        for level in range(layout.levels - 1):
            count = spans[level][number]
            if count == 0:  # covered by the group's cell above
                skip |= set(layout.level_columns(level))
            elif count:
                for column in layout.level_columns(level):
                    css = "group" if layout.columns[column].kind == "name" else "num"
                    cells.append((column, f'<td class="{css}" rowspan="{count}">{_value(values[column])}</td>'))
                    skip.add(column)
        if line.leaf is not None:
            names = layout.leaf_name_columns(line)
            colspan = f' colspan="{len(names)}"' if len(names) > 1 else ""
            cells.append((names.start, f"<td{colspan}>{_value(values[names.start])}</td>"))
            skip |= set(names)
        for column, value in enumerate(values):
            if column not in skip:
                css = ' class="num"' if layout.columns[column].numeric else ""
                cells.append((column, f"<td{css}>{_value(value)}</td>"))
        out.append("<tr>" + "".join(cell for _, cell in sorted(cells)) + "</tr>\n")
    out.append(_totals(layout, card, spec))
    out.append("</tbody>\n</table>\n")
    return "".join(out)


def _value(value) -> str:
    if value is None:
        return ""
    return plain(value) if isinstance(value, Decimal) else text(value)


def _totals(layout: scoresheet.Layout, card, spec) -> str:
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
            + f'<td colspan="{len(layout.columns) - score - 1}">{text(scoresheet.grade_line(card, spec))}</td></tr>\n')


def _closing(result) -> str:
    rows = "".join(f"<tr><th>{text(field)}</th><td>{text(value)}</td></tr>"
                   for field, value in scoresheet.closing(result))
    signed = "".join(f"<span>{text(field)}：{text(value)}</span>" for field, value in scoresheet.signatures(result))
    return f'<div class="closing"><table class="closing">{rows}</table>\n<p class="signatures">{signed}</p></div>\n'
