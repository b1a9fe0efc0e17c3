"""Markdown: each record's 评分表 as tables (一级/二级/三级指标, 权重, 评分标准, 得分, 依据), for reports and wikis.

The 评分标准 column (the ruleset's ``criteria``) is there when the ruleset
states any.  Data text goes through `_cell`, which keeps it from breaking a
table.
"""

from __future__ import annotations

from ..decimals import plain
from ..errors import RecordError
from ..neutralise import markdown
from . import scoresheet
from .summary import WARNINGS_HEADING
from .table import weight_text


def write(handle, results, model, scorecards=None):
    criteria = scoresheet.Layout(model, scorecards).has_criteria
    handle.write(f"# {_cell(model.title)}\n")
    for _, item in results:
        if isinstance(item, RecordError):
            handle.write(f"\n## {_cell(str(item.record))}\n\n> **未能计分**：{_cell(item.message)}\n")
            _warnings(handle, item.warnings)
            continue
        handle.write(f"\n## {_cell(str(item.name))}\n")
        _warnings(handle, item.warnings)
        if item.information:  # ``informational`` inputs: what the record says about itself, not scored
            handle.write("\n信息（不计分）：" + "，".join(f"{_cell(k)} {_cell(v)}" for k, v in item.information.items())
                         + "\n")
        for card in item.scorecards:
            if scorecards is None or card.name in scorecards:
                handle.write(f"\n### {_cell(scoresheet.title(card))}\n\n")
                _table(handle, card, criteria)


def _warnings(handle, warnings):
    """A record's warnings, under its heading: figures that look like a slip, scored as written."""
    if warnings:
        handle.write(f"\n> **{WARNINGS_HEADING}**\n>\n")
        # the code is perfdsl's own (P520), the message holds data: only the message is escaped
        handle.writelines(f"> - [{w.code}] {_cell(w.message)}\n" for w in warnings)


def _table(handle, card, criteria: bool):
    levels = scoresheet.depth(card)
    headers = scoresheet.level_headers(levels) + ["权重"] + ["评分标准"] * criteria + ["得分", "依据"]
    handle.write("| " + " | ".join(headers) + " |\n")
    handle.write("|" + "---|" * levels + "---:|" + "---|" * criteria + "---:|---|\n")
    for row in scoresheet.rows(card):
        names = [""] * levels
        names[row.level] = _cell(row.name) if row.is_leaf else f"**{_cell(row.name)}**"
        cells = names + [_cell(weight_text(row))] + [_cell(row.criteria or "")] * criteria
        cells += [plain(row.score), _cell(row.basis)]
        handle.write("| " + " | ".join(cells) + " |\n")
    adjustments = scoresheet.adjustment_rows(card)
    if adjustments:  # scorecard rules (封顶、扣分、一票否决): each its own row between 指标小计 and 合计
        sub = ["指标小计"] + [""] * (levels - 1) + [plain(card.max)] + [""] * criteria
        handle.write("| " + " | ".join(sub + [plain(scoresheet.subtotal(card)), ""]) + " |\n")
        for line in adjustments:
            cells = [_cell(line.name)] + [""] * (levels - 1) + [""] + [""] * criteria + [line.change, _cell(line.basis)]
            handle.write("| " + " | ".join(cells) + " |\n")
    total = ["**合计**"] + [""] * (levels - 1) + [plain(card.max)] + [""] * criteria
    total += [f"**{plain(card.score)}**", scoresheet.grade_text(card)]
    handle.write("| " + " | ".join(total) + " |\n")


def _cell(text: str) -> str:
    """Text that cannot break a Markdown table or become markup: escaped, line breaks as <br> (neutralise)."""
    return markdown(text)
