"""One line per record — position, name, each scorecard's total and grade, error, warnings — for CSV and the
Excel 汇总.

A record that could not be scored keeps its line, in its place, with the
error in its column (DESIGN §5: a batch never loses a record); the last
column holds the figures that look like a slip (`plausibility`), scored or not.
"""

from __future__ import annotations

from ..errors import RecordError


class Summary:
    """The columns of a summary for one model; `indicators` adds every indicator's score (CSV)."""

    def __init__(self, model, scorecards=None, indicators: bool = False):
        self.cards = [card for card in model.scorecards if scorecards is None or card.name in scorecards]
        self.indicators = indicators
        self.name_header = model.record or "记录"
        self.width = len(self.header())

    def header(self) -> list[str]:
        out = ["序号", self.name_header]
        for card in self.cards:
            out.append(card.name)
            if card.grades:
                out.append(f"{card.name}等级")
        if self.indicators:
            for card in self.cards:
                out += [f"{card.name}/{'/'.join(node.path)}" for node in card.nodes]
                out += [f"{card.name}/{name}" for name in _rule_labels(card)]  # each scorecard rule's change
        out += ["错误", "警告"]
        return out

    def kinds(self) -> list[str]:
        """What each column holds: ``position``, ``name``, ``score``, ``grade``, ``error``."""
        out = ["position", "name"]
        for card in self.cards:
            out += ["score", "grade"] if card.grades else ["score"]
        if self.indicators:
            out += ["score"] * sum(len(card.nodes) + len(card.rules) for card in self.cards)
        out += ["error", "warning"]
        return out

    def row(self, position, item) -> list:
        """The cells of one record: Decimals for scores, text for names, grades and the error."""
        if isinstance(item, RecordError):
            return [position, item.record, *([None] * (self.width - 4)), item.message, warnings_text(item.warnings)]
        out = [position, item.name]
        totals = {name: (total, grade) for name, total, grade in item.totals()}
        for card in self.cards:
            total, grade = totals[card.name]
            out += [total, grade] if card.grades else [total]
        if self.indicators:
            for card in self.cards:
                out += item.node_scores(card.name)
                if card.rules:
                    out += [line.after - line.before for line in item.scorecard(card.name).adjustments]
        out += [None, warnings_text(item.warnings)]
        return out


def _rule_labels(card) -> list[str]:
    """A scorecard's rules as they are named in its lines, in the order they apply (`cardrules`)."""
    from ..cardrules import after_cap, before_cap, label

    return [label(rule) for rule in before_cap(card.rules) + after_cap(card.rules)]


#: What the 评分表 outputs (table, Markdown, HTML, PDF) say above a record's warnings.
WARNINGS_HEADING = "数据警告（得分按所填数字计算，请核对）"


def warning_lines(warnings) -> list[str]:
    """A record's warnings, one a line: ``[P520] 疑似 元/万元 混用：…``."""
    return [f"[{w.code}] {w.message}" for w in warnings]


def warnings_text(warnings) -> str | None:
    """A record's warnings in one cell: ``[P520] 疑似 元/万元 混用：…；[P521] …``."""
    return "；".join(warning_lines(warnings)) or None
