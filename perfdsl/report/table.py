"""The terminal 评分表: an indented indicator tree with weight, score and basis, then total and grade.

Rich lays it out because it measures CJK characters as two columns wide —
hand-padded tables of Chinese text do not line up.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..decimals import plain
from ..neutralise import terminal


def _text(text, style: str = "") -> Text:
    """Data and ruleset text for rich: plain text, never markup; escapes made visible (neutralise)."""
    return Text(terminal(text), style=style)


def weight_text(node) -> str:
    if node.weight != node.declared:
        return f"{plain(node.weight)}（原 {plain(node.declared)}）"
    return plain(node.weight)


def print_result(console: Console, result, scorecards=None):
    head = _text(result.title, style="bold")
    head.append(_text(f" · {result.name}"))
    console.print(head)
    for card in result.scorecards:
        if scorecards is not None and card.name not in scorecards:
            continue
        grade = f"  {card.grade}" if card.grade else ""
        table = Table(
            title=_text(f"{card.name}：{plain(card.score)} / {plain(card.max)}{grade}"),
            title_justify="left",
            title_style="bold",
            box=box.SIMPLE_HEAD,
            show_footer=True,
            expand=False,
        )
        table.add_column("指标", footer="合计", no_wrap=True)
        table.add_column("分值", justify="right", footer=plain(card.max), no_wrap=True)
        table.add_column("得分", justify="right", footer=plain(card.score), no_wrap=True)
        table.add_column("依据", footer=_text(f"等级：{card.grade}" if card.grade else ""), overflow="fold")
        for node in card.nodes:
            indent = "  " * (len(node.path) - 1)
            style = "bold" if not node.is_leaf and len(node.path) == 1 else None
            name = _text(indent + node.name, style=style or "")
            table.add_row(name, weight_text(node), plain(node.score), _text(node.basis if node.is_leaf else ""),
                          style=None)
        console.print(table)


def print_error(console: Console, error):
    console.print(_text(error.render(), style="red"))
