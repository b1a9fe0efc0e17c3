"""HTML: one self-contained page (inline CSS and SVG, nothing fetched) with every record's 评分表.

For each record: its totals and grades, and per scorecard a bar chart of
each group's score against its weight, then the 评分表 (一级/二级/三级指标,
权重, 得分, 依据).  Records are written as they come, so a batch of any size
streams.  The page prints one record per sheet of paper.
"""

from __future__ import annotations

from decimal import Decimal

from ..decimals import plain
from ..errors import RecordError
from ..neutralise import html as escape  # data and ruleset text, escaped (neutralise)
from ..source import display_width
from . import scoresheet
from .table import weight_text

_CSS = """
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { border-bottom: 2px solid #2f5597; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 1.1em; margin-bottom: .4em; }
ul.totals { list-style: none; padding: 0; display: flex; gap: 2em; font-size: 1.1em; }
.grade { background: #2f5597; color: #fff; border-radius: 3px; padding: 0 .4em; margin-left: .3em; }
table.sheet { border-collapse: collapse; width: 100%; font-size: .9em; }
table.sheet th, table.sheet td { border: 1px solid #bbb; padding: .25em .5em; vertical-align: top; }
table.sheet th { background: #ddebf7; }
table.sheet tr.group td { background: #f2f2f2; font-weight: bold; }
table.sheet tr.sum td { font-weight: bold; border-top: 2px solid #555; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
p.error { color: #c00000; }
svg text { font-size: 13px; }
@media print { section.record { page-break-before: always; } }
"""

#: Chart geometry in px: label space per display column, indent per level, bar length, row height.
_PER_COLUMN = Decimal(7)
_INDENT = Decimal(14)
_BAR = Decimal(360)
_ROW = 24


def write(handle, results, model, scorecards=None):
    title = escape(model.title)
    handle.write(f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
                 f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                 f"<title>{title} · 评分表</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
                 f"<h1>{title}</h1>\n")
    for position, item in results:
        if isinstance(item, RecordError):
            handle.write(f'<section class="record error" id="record-{position}">\n'
                         f"<h2>{escape(str(item.record))}</h2>\n"
                         f'<p class="error">未能计分：{escape(item.message)}</p>\n</section>\n')
            continue
        cards = [card for card in item.scorecards if scorecards is None or card.name in scorecards]
        handle.write(f'<section class="record" id="record-{position}">\n<h2>{escape(str(item.name))}</h2>\n')
        handle.write('<ul class="totals">\n')
        for card in cards:
            grade = f'<span class="grade">{escape(card.grade)}</span>' if card.grade else ""
            handle.write(f'<li>{escape(card.name)} <b class="total">{plain(card.score)}</b> / '
                         f"{plain(card.max)}{grade}</li>\n")
        handle.write("</ul>\n")
        for card in cards:
            handle.write(f"<h3>{escape(scoresheet.title(card))}</h3>\n")
            handle.write(_chart(card))
            handle.write(_table(card))
        handle.write("</section>\n")
    handle.write("</body>\n</html>\n")


def _chart(card) -> str:
    """A horizontal bar per group: the track is its weight, the bar its score (both to one scale)."""
    groups = [node for node in card.nodes if not node.is_leaf]
    if not groups:
        return ""
    heaviest = max(node.weight for node in groups) or Decimal(1)
    label = max(_INDENT * (len(n.path) - 1) + _PER_COLUMN * display_width(n.name) for n in groups) + 10
    height = _ROW * len(groups) + 8
    width = label + _BAR + 90
    parts = [f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{_px(width)}" height="{height}" '
             f'role="img" aria-label="{escape(card.name)}各分组得分与权重">']
    for row, node in enumerate(groups):
        top = row * _ROW + 4
        track = _BAR * node.weight / heaviest
        filled = _BAR * min(max(node.score, Decimal(0)), node.weight) / heaviest
        share = node.score / node.weight if node.weight else Decimal(0)
        colour = "#548235" if share >= Decimal("0.9") else "#2f5597" if share >= Decimal("0.6") else "#c55a11"
        indent = _INDENT * (len(node.path) - 1)
        weight = "bold" if len(node.path) == 1 else "normal"
        parts.append(
            f'<text x="{_px(indent)}" y="{top + 15}" font-weight="{weight}">{escape(node.name)}</text>'
            f'<rect x="{_px(label)}" y="{top + 3}" width="{_px(track)}" height="16" fill="#e4e4e4"/>'
            f'<rect x="{_px(label)}" y="{top + 3}" width="{_px(filled)}" height="16" fill="{colour}"/>'
            f'<text x="{_px(label + track + 6)}" y="{top + 15}">{plain(node.score)} / {plain(node.weight)}</text>')
    parts.append(f"</svg><figcaption>{escape(card.name)}：各分组得分（深色）与权重（浅色）</figcaption></figure>\n")
    return "".join(parts)


def _px(value: Decimal) -> str:
    return plain(value.quantize(Decimal("0.1")))


def _table(card) -> str:
    levels = scoresheet.depth(card)
    head = "".join(f"<th>{text}</th>" for text in scoresheet.level_headers(levels) + ["权重", "得分", "依据"])
    lines = [f'<table class="sheet">\n<thead><tr>{head}</tr></thead>\n<tbody>']
    for row in scoresheet.rows(card):
        names = ["<td></td>"] * levels
        names[row.level] = f"<td>{escape(row.name)}</td>"
        css = "" if row.is_leaf else ' class="group"'
        lines.append(f"<tr{css}>{''.join(names)}<td class=\"num\">{escape(weight_text(row))}</td>"
                     f'<td class="num">{plain(row.score)}</td><td>{escape(row.basis)}</td></tr>')
    lines.append(f'</tbody>\n<tfoot><tr class="sum"><td colspan="{levels}">合计</td>'
                 f'<td class="num">{plain(card.max)}</td><td class="num">{plain(card.score)}</td>'
                 f"<td>{escape(scoresheet.grade_text(card))}</td></tr></tfoot>\n</table>\n")
    return "\n".join(lines)
