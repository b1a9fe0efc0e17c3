"""`textDocument/hover`: what a name is, as the resolved model knows it (Markdown)."""

from __future__ import annotations

import os
from decimal import Decimal

from lsprotocol import types

from .. import nodes, unparse
from ..decimals import plain
from ..model import NodeSpec, ScorecardSpec
from ..types import DESCRIPTIONS
from .document import Analysis
from .index import Symbol
from .positions import contains, lines_of, to_range


def hover(analysis: Analysis, line: int, column: int) -> types.Hover | None:
    for ref in analysis.includes:
        if contains(ref.span, line, column):
            text = _included(analysis, ref)
            return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                               range=to_range(analysis.lines, ref.span))
    if analysis.index is None:
        return None
    item = analysis.index.at(analysis.path, line, column)
    if item is None:
        return None
    symbols = analysis.index.targets(item)
    if not symbols:
        return None
    text = "\n\n---\n\n".join(describe(analysis, symbol) for symbol in symbols)
    span = item.span
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=to_range(lines_of(span.source.text), span))


def _included(analysis: Analysis, ref) -> str:
    verb = "基于" if ref.written_as == "extends" else "包含"
    if ref.target is None:
        return f"**{verb}** `{ref.written}`：找不到这个文件"
    lines = [f"**{verb}** `{ref.written}`", "", f"文件：{ref.target}"]
    if analysis.index is not None:
        names = {}
        for symbol in analysis.index.symbols:
            if os.path.abspath(symbol.span.source.path) == ref.target:
                names.setdefault(symbol.kind, []).append(symbol.name)
        for kind, title in (("input", "输入"), ("let", "派生值"), ("grades", "等级表")):
            if names.get(kind):
                lines.append(f"- {title}：" + "、".join(names[kind]))
    return "\n".join(lines)


def describe(analysis: Analysis, symbol: Symbol) -> str:
    kind = symbol.kind
    if kind in ("input", "field"):
        return _input(symbol.decl, kind)
    if kind == "let":
        return _let(analysis, symbol.decl)
    if kind == "scorecard":
        return _scorecard(symbol.decl)
    if kind == "grades":
        return f"**等级表** `{symbol.name}`\n\n" + "\n".join(f"- {_arm(arm)}" for arm in symbol.decl.arms)
    card = analysis.model.scorecard(symbol.card)
    return _indicator(card, symbol.decl) if symbol.decl.is_leaf else _group(card, symbol.decl)


def _code(text: str) -> str:
    return f"```perf\n{text}\n```"


def _input(decl: nodes.InputDecl, kind: str) -> str:
    type_ref = decl.type
    written = type_ref.kind + (f"({type_ref.unit})" if type_ref.unit else "")
    lines = [f"**{'输入' if kind == 'input' else '列表字段'}** `{decl.name}`", "",
             f"- 类型：`{written}`（{_type_text(type_ref)}）"]
    if type_ref.unit:
        lines.append(f"- 单位：{type_ref.unit}")
    if decl.low is not None and decl.high is not None:
        lines.append(f"- 范围：{unparse.expression(decl.low)} 到 {unparse.expression(decl.high)}")
    elif decl.low is not None:
        lines.append(f"- 范围：>= {unparse.expression(decl.low)}")
    elif decl.high is not None:
        lines.append(f"- 范围：<= {unparse.expression(decl.high)}")
    if decl.choices:
        lines.append("- 可选值：" + "、".join(unparse.expression(c) for c in decl.choices))
    if decl.default is not None:
        lines.append(f"- 默认值：{unparse.expression(decl.default)}")
    elif kind == "input" and type_ref.kind != "list":
        lines.append("- 默认值：无（每条记录必须给出）")
    if type_ref.fields:
        lines.append("- 字段：" + "、".join(f"`{f.name}`" for f in type_ref.fields))
    lines.append(f"\n定义于 {_where(decl.span)}")
    return "\n".join(lines)


def _type_text(type_ref: nodes.TypeRef) -> str:
    return DESCRIPTIONS.get(type_ref.kind, type_ref.kind)


def _let(analysis: Analysis, decl: nodes.LetDecl) -> str:
    spec = analysis.model.let(decl.name) if analysis.model else None
    kind = f"（{spec.type.describe()}）" if spec is not None else ""
    return (f"**派生值** `{decl.name}`{kind}\n\n"
            + _code(f"let {unparse.name(decl.name)} = {unparse.expression(decl.expr)}")
            + f"\n\n定义于 {_where(decl.span)}")


def _where(span) -> str:
    return f"{span.source.path}:{span.line}:{span.column}" if span is not None else "（未知位置）"


def _scorecard(card: ScorecardSpec) -> str:
    lines = [f"**计分卡** `{card.name}`：满分 {plain(card.max)}", ""]
    lines += [f"- {card.nodes[i].name} {plain(card.nodes[i].declared)}" for i in card.top]
    return "\n".join(lines)


def _group(card: ScorecardSpec, node: NodeSpec) -> str:
    kind = "加减分项" if node.bonus and node.parent is None else "分组"
    lines = [f"**{kind}** {' / '.join(node.path)}（计分卡 {card.name}）", "",
             f"- 分值：{plain(node.declared)}（下级合计 "
             f"{plain(sum((card.nodes[i].declared for i in node.children), Decimal(0)))}）"]
    if node.each is not None:
        lines.append(f"- 各项：列表 `{node.each.list_name}` 的每一项，分值均分")
    lines += [f"  - {card.nodes[i].name} {plain(card.nodes[i].declared)}" for i in node.children]
    return "\n".join(lines)


def _indicator(card: ScorecardSpec, node: NodeSpec) -> str:
    leaf = node.indicator
    lines = [f"**指标** {' / '.join(node.path)}（计分卡 {card.name}）", "", f"- 分值：{plain(node.declared)}"]
    if node.moves_in:
        effective = node.declared + sum(m.amount for m in node.moves_in)
        sources = "、".join(f"{card.nodes[m.source].name} +{plain(m.amount)}" for m in node.moves_in)
        lines.append(f"- 实际分值：{plain(node.declared)} 至 {plain(effective)}（不适用时调入：{sources}）")
    else:
        lines.append(f"- 实际分值：{plain(node.declared)}")
    if leaf.applies is not None:
        otherwise = "得满分" if leaf.applies.full else "分值调出：" + "、".join(
            f"{plain(m.amount)} 给 {m.target}" for m in leaf.applies.moves)
        lines.append(f"- 适用条件：{unparse.expression(leaf.applies.condition)}；不适用时{otherwise}")
    if leaf.criteria:
        lines.append(f"- 评分标准：{leaf.criteria}")
    rule = _written(leaf)
    if rule:
        lines += ["", "评分规则：", _code(rule)]
    return "\n".join(lines)


def _written(leaf: nodes.Indicator) -> str:
    """The indicator's cases and rule as the author wrote them (their lines of the file)."""
    parts = [g.span for g in leaf.guards if g.span is not None]
    if leaf.rule is not None and leaf.rule.span is not None:
        parts.append(leaf.rule.span)
    if not parts:
        return ""
    source = parts[0].source
    first, last = min(s.line for s in parts), max(s.end_line for s in parts)
    rows = [source.line(n) for n in range(first, last + 1)]
    indent = min((len(r) - len(r.lstrip()) for r in rows if r.strip()), default=0)
    return "\n".join(r[indent:].rstrip() for r in rows)


def _arm(arm: nodes.GradeArm) -> str:
    if arm.op is None:
        return f"{arm.name}（其余）"
    return f"{arm.name} {arm.op} {unparse.expression(arm.threshold)}"
