"""`perfdsl diff A B`: what differs between two rulesets, in the terms of the 评分表.

Both rulesets are read and checked as `eval` would read them (a ruleset that
extends a base is compared as merged), then compared scorecard by scorecard:

* an indicator or group is the same one in A and B when it has the same name
  (the path, where a name occurs twice in a scorecard); its weight, its
  place (`移动`), its rule — the `applies`, the `when` cases and the rule, as
  `fmt` prints them — are compared;
* a scorecard's `max`, grades and cap; the header's precision and rounding;
  each input's declaration (type, range, default) and each derived value's
  formula.

Each change says whether it can change a score (`scoring`).  Title, source,
record, `criteria` and `show` lines cannot: they are listed, and two rulesets
that differ only in them "score alike" (exit 0).  Comments and layout are not
compared at all.
The JSON shape is documented in docs/language.md §12.
"""

from __future__ import annotations

import textwrap

import attrs

from . import nodes
from .comments import Layout, Unit
from .decimals import plain
from .formatter import _aligned, _Printer
from .model import Model
from .neutralise import terminal


@attrs.frozen
class Change:
    """One difference; `text` is the line the text report prints (inside its scorecard's section)."""

    #: weight | added | removed | moved | rule | criteria | show | max | grades | cap | header | input | let | scorecard
    kind: str
    text: str
    scoring: bool
    scorecard: str | None = None
    name: str | None = None
    old: object = None
    new: object = None
    path: tuple[str, ...] | None = None  # in B (in A for a removed one)
    detail: tuple[str, ...] = ()  # further lines (a rule's old and new text)

    def to_json(self) -> dict:
        out = {"kind": self.kind, "scoring": self.scoring, "text": self.text}
        for key in ("scorecard", "name", "old", "new"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        if self.path is not None:
            out["path"] = list(self.path)
        return out


def compare(a: Model, b: Model) -> list[Change]:
    """Every change from `a` to `b`, in B's order (what B lost, after what it has)."""
    printer = _Printer(Layout())
    changes = _header(a, b) + _definitions(a, b, printer)
    cards_a = {card.name: card for card in a.scorecards}
    cards_b = {card.name: card for card in b.scorecards}
    # a scorecard is the same one by name; those left over are paired in order (自评得分 → 复核得分)
    left_a = [card for card in a.scorecards if card.name not in cards_b]
    renamed = {}
    for card in b.scorecards:
        if card.name not in cards_a and left_a:
            renamed[card.name] = left_a.pop(0)
    for card in b.scorecards:
        old = cards_a.get(card.name) or renamed.get(card.name)
        if old is None:
            changes.append(Change("scorecard", f"+ 计分卡 {card.name} 满分 {plain(card.max)}", True, card.name,
                                  card.name, new=card.max))
            continue
        if old.name != card.name:
            changes.append(Change("scorecard", f"计分卡 {old.name} → {card.name}", False, card.name, card.name,
                                  old.name, card.name))
        changes += _scorecard(a, b, old, card, printer)
    for card in left_a:
        changes.append(Change("scorecard", f"- 计分卡 {card.name}", True, card.name, card.name, old=card.max))
    return changes


def _header(a: Model, b: Model) -> list[Change]:
    out = []
    for field, label, scoring in (("precision", "精度（小数位）", True), ("rounding", "舍入", True),
                                  ("title", "标题", False), ("source", "来源", False), ("record", "记录名称", False)):
        old, new = getattr(a, field), getattr(b, field)
        if old != new:
            out.append(Change("header", f"{label} {_shown(old)} → {_shown(new)}", scoring, name=field,
                              old=old, new=new))
    return out


def _shown(value) -> str:
    return "（无）" if value is None else str(value)


def _definitions(a: Model, b: Model, printer) -> list[Change]:
    out = []
    inputs_a = _declared(a, nodes.InputDecl)
    inputs_b = _declared(b, nodes.InputDecl)
    for name, decl in inputs_b.items():
        old = inputs_a.get(name)
        text = _text(printer.field(decl, "input "))
        if old is None:
            block = "\n" in text  # a list input: its declaration under the line, as a rule's is
            out.append(Change("input", f"+ input {name}" if block else f"+ {text}", False, name=name, new=text,
                              detail=tuple(text.splitlines()) if block else ()))
        elif old != decl:
            before = _text(printer.field(old, "input "))
            if "\n" in before + text:  # a list input: old and new each as a block, as a rule's are
                out.append(Change("input", f"输入 {name}：", True, name=name, old=before, new=text,
                                  detail=_lines("旧", before) + _lines("新", text)))
            else:
                out.append(Change("input", f"输入 {name}：{before} → {text}", True, name=name, old=before, new=text))
    for name, decl in inputs_a.items():
        if name not in inputs_b:
            out.append(Change("input", f"- input {name}", False, name=name, old=_text(printer.field(decl, "input "))))
    lets_a = _declared(a, nodes.LetDecl)
    lets_b = _declared(b, nodes.LetDecl)
    for name, decl in lets_b.items():
        old = lets_a.get(name)
        text = printer.expr(decl.expr)
        if old is None:
            out.append(Change("let", f"+ let {name} = {text}", False, name=name, new=text))
        elif old.expr != decl.expr:
            before = printer.expr(old.expr)
            out.append(Change("let", f"派生值 {name}：{before} → {text}", True, name=name, old=before, new=text,
                              detail=(f"旧：let {name} = {before}", f"新：let {name} = {text}")))
    for name in lets_a:
        if name not in lets_b:
            out.append(Change("let", f"- let {name}", False, name=name, old=printer.expr(lets_a[name].expr)))
    return out


def _declared(model: Model, kind) -> dict:
    return {d.name: d for d in model.module.decls if isinstance(d, kind)}


def _text(unit: Unit) -> str:
    return "\n".join(_aligned(_Printer(Layout()).block_body(Unit([], None, None, [unit]), 0)))


def _scorecard(a: Model, b: Model, old, new, printer) -> list[Change]:
    name = new.name
    out = []
    if old.max != new.max:
        out.append(Change("max", f"满分 {plain(old.max)} → {plain(new.max)}", True, name, name, old.max, new.max))
    grades_old, grades_new = _grades(old), _grades(new)
    if grades_old != grades_new:
        out.append(Change("grades", f"等级：{grades_old or '（无）'} → {grades_new or '（无）'}", True, name, name,
                          grades_old, grades_new))
    if old.cap != new.cap:
        shown = [f"{plain(c[0])} .. {plain(c[1])}" if c else "（无）" for c in (old.cap, new.cap)]
        out.append(Change("cap", f"封顶 {shown[0]} → {shown[1]}", True, name, name, shown[0], shown[1]))
    keys_old, keys_new = _keys(old), _keys(new)
    by_key_old = {key: node for key, node in zip(keys_old, old.nodes)}
    matched = set()
    for key, node in zip(keys_new, new.nodes):
        before = by_key_old.get(key)
        label = node.name
        if before is None:
            where = "/".join(node.path[:-1]) or name
            kind = "分组" if not node.is_leaf else "指标"
            out.append(Change("added", f"+ {label} {plain(node.declared)}（{kind}，在 {where} 下）", True, name,
                              label, new=node.declared, path=node.path))
            continue
        matched.add(key)
        if before.declared != node.declared:
            out.append(Change("weight", f"{label} {plain(before.declared)} → {plain(node.declared)}", True, name,
                              label, before.declared, node.declared, node.path))
        if before.path[:-1] != node.path[:-1]:
            was, now = ("/".join(p[:-1]) or name for p in (before.path, node.path))
            out.append(Change("moved", f"移动 {label}：{was} → {now}", True, name, label, was, now, node.path))
        out += _leaf(name, before, node, printer)
    for key, node in zip(keys_old, old.nodes):
        if key not in matched:
            out.append(Change("removed", f"- {node.name} {plain(node.declared)}", True, name, node.name,
                              old=node.declared, path=node.path))
    return out


def _keys(card) -> list:
    """Each node's identity: its name, or its path where the name occurs twice in the scorecard."""
    counts = {}
    for node in card.nodes:
        counts[node.name] = counts.get(node.name, 0) + 1
    return [node.name if counts[node.name] == 1 else node.path for node in card.nodes]


def _grades(card) -> str:
    if not card.grades:
        return ""
    parts = []
    for arm in card.grades:
        if arm.op is None:
            parts.append(arm.name)
        else:
            threshold = arm.threshold.text if isinstance(arm.threshold, nodes.Num) and arm.threshold.text else "?"
            parts.append(f"{arm.name} {arm.op} {threshold}")
    return "、".join(parts)


def _leaf(card: str, old, new, printer) -> list[Change]:
    out = []
    if old.is_leaf != new.is_leaf:
        return [Change("rule", f"{new.name}：{'指标' if old.is_leaf else '分组'} → {'指标' if new.is_leaf else '分组'}",
                       True, card, new.name, path=new.path)]
    if not old.is_leaf:
        if old.each == new.each:
            return out
        each_a, each_b = (_scoring_each(node.each, printer) for node in (old, new))
        if each_a != each_b:
            out.append(Change("rule", f"规则 {new.name}（each）：", True, card, new.name, each_a, each_b, new.path,
                              detail=_lines("旧", each_a) + _lines("新", each_b)))
        if old.each is None or new.each is None:
            return out
        a, b = old.each.template, new.each.template  # the 各项评分标准 and shows: as a leaf's
    else:
        a, b = old.indicator, new.indicator
    if old.is_leaf and (a.applies, a.guards, a.rule) != (b.applies, b.guards, b.rule):
        scoring_a, scoring_b = _scoring_text(a, printer), _scoring_text(b, printer)
        out.append(Change("rule", f"规则 {new.name}：", True, card, new.name, scoring_a, scoring_b, new.path,
                          detail=_lines("旧", scoring_a) + _lines("新", scoring_b)))
    if a.criteria != b.criteria:
        out.append(Change("criteria", f"评分标准 {new.name}：", False, card, new.name, a.criteria, b.criteria, new.path,
                          detail=(f"旧：{a.criteria or '（无）'}", f"新：{b.criteria or '（无）'}")))
    if a.shows != b.shows:
        shown = [" ; ".join(_text(printer.unit(s, _show(printer, s))) for s in x.shows) or "（无）" for x in (a, b)]
        out.append(Change("show", f"参考数字 {new.name}：{shown[0]} → {shown[1]}", False, card, new.name,
                          shown[0], shown[1], new.path))
    return out


def _show(printer, show) -> str:
    text = f"show {printer.expr(show.expr)}"
    return text + (f" vs {printer.expr(show.reported)}" if show.reported is not None else "")


def _scoring_text(indicator, printer) -> str:
    """What decides an indicator's score, as `fmt` prints it: applies, cases, the rule."""
    bare = attrs.evolve(indicator, criteria=None, shows=())
    unit = printer.node(bare)
    lines = _text(unit).splitlines()
    if len(lines) == 1:  # ``indicator X 5 { manual }``
        inner = lines[0]
        return inner[inner.index("{") + 1: inner.rindex("}")].strip()
    return textwrap.dedent("\n".join(lines[1:-1]))  # a `bands` block's arms stay inside it


def _scoring_each(each, printer) -> str:
    """An `each` block as `fmt` prints it, without what cannot change a score (criteria, shows); ``""`` for none."""
    if each is None:
        return ""
    bare = attrs.evolve(each, template=attrs.evolve(each.template, criteria=None, shows=()))
    return _text(printer.node(bare))


def _lines(label: str, text: str) -> tuple[str, ...]:
    parts = text.splitlines() or ["（无）"]
    return (f"{label}：{parts[0]}",) + tuple("    " + p for p in parts[1:])


# ── reports ─────────────────────────────────────────────────────────────────


def alike(changes) -> bool:
    return not any(c.scoring for c in changes)


def text_report(a_path: str, b_path: str, changes) -> str:
    lines = [f"{a_path} → {b_path}"]
    header = [c for c in changes if c.kind == "header"]
    if header:
        lines.append("规则集")
        lines += _section(header)
    cards = []
    for change in changes:
        if change.scorecard is not None and change.scorecard not in cards:
            cards.append(change.scorecard)
    for card in cards:
        lines.append(f"计分卡 {card}")
        lines += _section([c for c in changes if c.scorecard == card])
    definitions = [c for c in changes if c.kind in ("input", "let")]
    if definitions:  # after the tree: what a reader of the 评分表 looks for first is above
        lines.append("输入与派生值")
        lines += _section(definitions)
    scoring = sum(c.scoring for c in changes)
    if not changes:
        lines.append("两个规则集相同")
    elif scoring:
        lines.append(f"结论：计分不同（{scoring} 处影响得分，{len(changes) - scoring} 处只是说明文字）")
    else:
        lines.append(f"结论：计分相同（{len(changes)} 处差异都不影响得分）")
    return "\n".join(terminal(line) for line in lines) + "\n"


def _section(changes) -> list[str]:
    out = []
    for change in changes:
        mark = "" if change.scoring else "（不影响得分）"
        out.append(f"  {change.text}{mark}")
        out += [f"    {line}" for line in change.detail]
    return out


def json_report(a_path: str, b_path: str, changes) -> dict:
    return {"a": a_path, "b": b_path, "alike": alike(changes), "changes": [c.to_json() for c in changes]}
