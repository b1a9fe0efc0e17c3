"""The 评分表 of one scorecard as rows, in the official layout shared by the Markdown, Excel and HTML reports.

One row per indicator, depth-first: its name in the column of its level
(一级/二级/三级指标), its effective and declared weight, its score and, for a
leaf, its basis; then a 合计 row.  Groups carry the sum of their children.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ..decimals import plain

_NUMERALS = "一二三四五六七八九十"


@attrs.frozen
class Row:
    level: int  # 0 for a top-level group
    name: str
    weight: Decimal  # effective, after reallocation
    declared: Decimal
    score: Decimal
    basis: str  # empty for a group
    is_leaf: bool

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
                node.basis if node.is_leaf else "", node.is_leaf) for node in card.nodes]


def title(card) -> str:
    """``复核得分：89.04 / 100（良好）``."""
    grade = f"（{card.grade}）" if card.grade else ""
    return f"{card.name}：{plain(card.score)} / {plain(card.max)}{grade}"


def grade_text(card) -> str:
    return f"等级：{card.grade}" if card.grade else ""


def score_format(precision: int) -> str:
    """The Excel number format of a score at the ruleset's precision: 2 → ``0.00``."""
    return "0." + "0" * precision if precision > 0 else "0"
