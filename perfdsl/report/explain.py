"""`perfdsl explain`: how one record was scored, from the reference evaluator's trace.

For every indicator (or the one asked for): its effective weight, its
评分标准 (the ruleset's ``criteria``), the inputs it read with their values
and notes, each derived value with its formula and figures, the rule as the
ruleset writes it with the arm that decided marked ``→``, the basis and the
score.  Groups show how their children add up; each scorecard, its total and
grade.
"""

from __future__ import annotations

from .. import nodes
from ..basis import points, symbolic
from ..errors import RecordError, UsageError
from ..frozen import evolve
from ..interp import Evaluation
from ..nearest import nearest
from ..values import MISSING

_MARK = "→ "
_LABEL = "  {}："  # two spaces, the label, a full-width colon
_HANG = " " * 8  # continuation lines line up under the values


# ── choosing what to explain ────────────────────────────────────────────────


def find_indicator(model, text: str):
    """The (scorecard, node) that `text` names: a path joined by ``/`` (the scorecard first if
    two scorecards share it), or a leaf's name alone when only one indicator has it."""
    if not text.strip().strip("/").strip():  # `--indicator ""`: a slip, not "every indicator" (that is no option)
        raise UsageError("指标名是空的：请写指标名或路径，如 --indicator 项目完成率；"
                         "不写 --indicator 则逐项说明全部指标")
    parts = tuple(part.strip() for part in text.replace("／", "/").strip().strip("/").split("/"))
    found = [(card, node) for card in model.scorecards for node in card.nodes
             if node.path == parts or (card.name == parts[0] and node.path == parts[1:])]
    if not found and len(parts) == 1:
        found = [(card, node) for card in model.scorecards for node in card.nodes if node.name == parts[0]]
    if len(found) == 1:
        return found[0]
    if found:
        choices = "、".join(f"`{card.name}/{'/'.join(node.path)}`" for card, node in found)
        raise UsageError(f"指标 `{text}` 不止一个，请写出完整路径：{choices}")
    lists = [node for card in model.scorecards for node in card.nodes if node.each is not None]
    for node in lists:  # `产出指标/养护道路里程`: an item of the record's list, not an indicator of the ruleset
        if parts[-len(node.path) - 1:-1] == node.path:
            name = "/".join(node.path)
            raise UsageError(f"规则集中没有指标 `{text}`：{name} 的各项来自记录中的 {node.each.list_name}，"
                             f"请用 --indicator {name} 逐项说明它们")
    paths = ["/".join(node.path) for card in model.scorecards for node in card.nodes]
    close = nearest(text, paths) or nearest(parts[-1], [p.rsplit("/", 1)[-1] for p in paths])
    if close and "/" not in close:
        close = next(p for p in paths if p.rsplit("/", 1)[-1] == close)
    hint = f"，是否为 `{close}`？" if close else "（路径用 / 连接各级指标名，如 `预算使用效益/效率性/项目完成率`）"
    raise UsageError(f"规则集中没有指标 `{text}`{hint}")


def pick_record(batch, model, wanted: str | None):
    """(position, raw record) of the record `wanted` names (its 1-based position or its name), or the first."""
    names, count = [], 0
    for position, raw in batch.records:
        count += 1
        name = _record_name(raw, model)
        if wanted is None or wanted == str(position) or wanted == name:
            return position, raw
        if name:
            names.append(name)
    if wanted is None:
        raise UsageError("数据文件中没有记录")
    if wanted.strip().isdigit():
        raise UsageError(f"数据文件只有 {count} 条记录，没有第 {wanted.strip()} 条（序号从 1 起）")
    close = nearest(wanted, names)
    hint = f"，是否为 `{close}`？" if close else f"（共 {count} 条记录，{len(names)} 条有名称；也可写序号，从 1 起）"
    raise UsageError(f"数据文件中没有名为 `{wanted}` 的记录{hint}")


def _record_name(raw, model) -> str | None:
    if isinstance(raw, RecordError):
        return str(raw.record)
    if not isinstance(raw, dict) or model.record is None:
        return None
    value = raw.get(model.record)
    if isinstance(value, dict):
        value = value.get("value")
    return None if value is None else str(value).strip()


# ── the text ────────────────────────────────────────────────────────────────


def render(model, record, target=None) -> str:
    """The explanation of `record` (a converted `Record`): every scorecard, or only `target` and below."""
    evaluation = Evaluation(model, record)
    trace = evaluation.run()
    lines = [f"{model.title} · {record.name}"]
    for card in model.scorecards:
        if target is not None and target[0] is not card:
            continue
        card_trace = trace.cards[card.name]
        lines += ["", f"━━ {card.name}：{points(card_trace.total)} / {points(card.max)}"
                      + (f"（{card_trace.grade}）" if card_trace.grade else "")]
        if target is None:
            lines.append(f"  合计：{card_trace.basis}")
            lines += [f"  {line.name}：{line.basis}" for line in card_trace.adjustments]  # scorecard rules
        for node in card.nodes:
            if target is None or node.path[: len(target[1].path)] == target[1].path:
                lines.append("")
                lines += _node(evaluation, card, node, card_trace.nodes[node.index])
                for item in card_trace.items.get(node.index, ()):  # an `each` group's indicators, one an item
                    lines.append("")
                    lines += _item(evaluation, card, node, item)
    return "\n".join(lines) + "\n"


def _node(evaluation, card, node, trace, inputs=None) -> list[str]:
    weight = points(trace.weight)
    if trace.weight != node.declared:
        weight += f"（原 {points(node.declared)}）"
    if not node.is_leaf:
        criteria = node.each.template.criteria if node.each is not None else None
        return [f"■ {' / '.join(node.path)}（分组）",
                _LABEL.format("权重") + weight + "　得分：" + points(trace.score),
                *([_LABEL.format("各项评分标准") + criteria] if criteria is not None else []),
                _LABEL.format("依据") + trace.basis]
    lines = [f"■ {' / '.join(node.path)}", _LABEL.format("权重") + weight]
    if node.indicator.criteria is not None:  # the 评分标准 as the ruleset states it
        lines.append(_LABEL.format("评分标准") + node.indicator.criteria)
    lines += _block("输入", _inputs(evaluation, trace) if inputs is None else inputs)
    lines += _block("派生值", _lets(evaluation, trace))
    lines += _block("规则", _rule(node, trace))
    lines += [_LABEL.format("依据") + trace.basis, _LABEL.format("得分") + points(trace.score)]
    return lines


def _item(evaluation, card, group, trace) -> list[str]:
    """An item of an `each` group as the indicator it is: the group's rule (its 评分标准 is the group's
    各项评分标准), the item's fields with their values."""
    node = evolve(group, name=trace.name, path=group.path + (trace.name,), declared=trace.weight,
                  indicator=evolve(group.each.template, criteria=None), each=None)
    fields = [key.rsplit(".", 1) for key in trace.inputs]  # 绩效指标[2].评审得分率
    shown = []
    for number, _ in evaluation.items(group.each.list_name):
        shown += [f"{field} = {_value(evaluation, field)}" for key, field in fields
                  if key == f"{group.each.list_name}[{number}]"]
    return _node(evaluation, card, node, trace, shown)


def _block(label: str, entries: list[str]) -> list[str]:
    if not entries:
        return []
    head = _LABEL.format(label)
    pad = " " * (len(head) + len(label) + 1)  # full-width characters take two columns
    return [head + entries[0]] + [pad + entry for entry in entries[1:]]


def _inputs(evaluation, trace) -> list[str]:
    """Each input the indicator read, directly or through its derived values, with its value and note."""
    model = evaluation.model
    names = list(trace.inputs)
    for let in _all_lets(model, trace.lets):
        names += [name for name in sorted(model.let(let).deps) if model.input(name) is not None]
    out = []
    for name in dict.fromkeys(names):
        value = evaluation.values.get(name, MISSING)
        shown = "（未填写，无默认值）" if value is MISSING else _value(evaluation, name)
        note = evaluation.notes.get(name)
        out.append(f"{name} = {shown}" + (f"（备注：{note}）" if note else ""))
    return out


def _value(evaluation, name: str) -> str:
    """A value as the basis shows it: an empty text as ``""``, not as nothing after the ``=``."""
    shown = evaluation._shown(name)
    return '""' if shown == "" else shown


def _lets(evaluation, trace) -> list[str]:
    """``部门预算支出率 = 预算支出决算数 / (…) = 6440687.91元 / (…) = 97.60%``."""
    out = []
    for name in _all_lets(evaluation.model, trace.lets):
        formula = symbolic(evaluation.model.let(name).expr)
        try:
            figures = evaluation.describe(nodes.Name(name))
        except RecordError as exc:
            figures = f"{name} = 无法计算（{exc.message}）"
        out.append(f"{name} = {formula}")
        out.append("    " + figures[len(name) + 1 :].lstrip() if figures.startswith(f"{name} =") else figures)
    return out


def _all_lets(model, names) -> list[str]:
    """`names` and the derived values they are made of, each once, dependencies last."""
    out: list[str] = []
    pending = list(names)
    while pending:
        name = pending.pop(0)
        if name in out or model.let(name) is None:
            continue
        out.append(name)
        pending += sorted(dep for dep in model.let(name).deps if model.let(dep) is not None)
    return out


def _rule(node, trace) -> list[str]:
    """The indicator's applies line, guards and rule as written, the line that decided marked ``→``."""
    indicator = node.indicator
    lines: dict[int, bool] = {}  # source line → whether it decided the score
    spans = []

    def add(span, decided: bool):
        if span is None:
            return
        spans.append(span)
        for line in range(span.line, span.end_line + 1):
            lines[line] = lines.get(line, False) or (decided and line == span.line)

    if indicator.applies is not None:
        add(indicator.applies.span, not trace.applicable)
    for number, guard in enumerate(indicator.guards, start=1):
        add(guard.span, trace.arm == f"when#{number}")
    rule = indicator.rule
    if rule is not None:
        # the rule's own line is the one that decided unless a case or an arm did (target:, level: …)
        add(rule.span, trace.applicable and not (trace.arm or "").startswith(("when#", "band#", "else")))
        if isinstance(rule, nodes.BandsRule):
            for number, arm in enumerate(rule.arms, start=1):
                add(arm.span, trace.arm == f"band#{number}" or (trace.arm == "else" and arm.op is None))
    if not spans:
        return []
    source = spans[0].source
    texts = [(source.line(line), decided) for line, decided in sorted(lines.items())]
    indent = min(len(text) - len(text.lstrip()) for text, _ in texts)
    return [f"{source.path}:{min(lines)}"] + [(_MARK if decided else "  ") + text[indent:].rstrip()
                                              for text, decided in texts]
