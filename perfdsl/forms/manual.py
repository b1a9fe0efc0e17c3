"""``manual [score] [from INPUT]``: an assessor's judgement, read from ``<indicator>扣分`` (or ``得分``)."""

from __future__ import annotations

from decimal import Decimal

from .. import nodes, types
from ..basis import CLAUSE, points
from ..decimals import plain
from ..errors import DataValueError
from ..frozen import frozen
from . import _shared


@frozen
class ManualRule(nodes.Rule):
    """An assessor's judgement.

    ``manual``: the score is full minus the input ``<indicator>扣分`` (default 0).
    ``manual score``: the score is the input ``<indicator>得分`` (required).
    """

    input_name: str | None
    mode: str = "deduction"  # "deduction" | "score"

    @property
    def suffix(self) -> str:
        return "得分" if self.mode == "score" else "扣分"


NODES = (ManualRule,)


def manual_rule(builder, meta, mode, ident):
    return ManualRule(str(ident) if ident is not None else None, "score" if mode else "deduction",
                      span=builder._span(meta))


def manual_mode(builder, meta, token):
    return str(token)


BUILD = {"manual_rule": manual_rule, "manual_mode": manual_mode}

KEYED = True
ASSESSOR = True
# P309 (`each` items may not)
IN_EACH = "each 的各项不能用 manual；评审分请作为列表字段给出，如 score full * 评审得分率"
NOTED = True


def resolve(res, rule, leaf, entry, deps, check):
    from ..model import InputSpec

    name, kind, decl = _shared.assessor_input(res, rule, leaf, entry, deps)
    if kind == "input" and decl.type.kind not in ("number", "count"):
        res.err("P204", f"评审输入 `{name}` 须为 number", decl.span)
    elif kind == "manual" and decl is leaf and res.list_input(name) is None:
        default = Decimal(0) if rule.mode == "deduction" else None  # a judged score must be given
        res.inputs.append(InputSpec(name, len(res.inputs), types.NUMBER, default, None, None, leaf.span, leaf.name))


def emit(gen, rule, node, w, s):
    m = gen.name(node.manual_input)
    gen.out.line(f"if {m} > {w}: raise UndefinedUse('judgement above weight')")
    gen.out.line(f"{s} = {m}" if rule.mode == "score" else f"{s} = {w} - {m}")


def evaluate(ev, rule, leaf, weight):
    name = leaf.node.manual_input
    given = ev.read(name)
    if given > weight:
        raise DataValueError(f"`{name}` 为 {plain(given)}，超过指标的分值 {points(weight)}", key=name)
    note = ev.notes.get(name)
    if rule.mode == "score":
        leaf.clauses.append(f"评审得 {plain(given)} 分" + (f"：{note}" if note else ""))
        return given
    deduction = given
    raw = weight - deduction
    if deduction == 0:
        text = "评审未扣分" + (f"（{note}）" if note else "") + f"{CLAUSE}得 {points(weight)} 分"
    else:
        text = (f"评审扣 {plain(deduction)} 分" + (f"：{note}" if note else "")
                + f"{CLAUSE}{points(weight)} - {plain(deduction)} = {points(ev._round(raw))}")
    leaf.clauses.append(text)
    return raw


def render(r, leaf, node, rule, weight, raw, fact, extra):
    name = node.manual_input
    given = leaf.rec.value(name)
    note = leaf.rec.notes.get(name)
    if rule.mode == "score":
        leaf.clauses.append(f"评审得 {plain(given)} 分" + (f"：{note}" if note else ""))
    elif given == 0:
        leaf.clauses.append("评审未扣分" + (f"（{note}）" if note else "") + f"{CLAUSE}得 {plain(weight)} 分")
    else:
        leaf.clauses.append(f"评审扣 {plain(given)} 分" + (f"：{note}" if note else "")
                            + f"{CLAUSE}{plain(weight)} - {plain(given)} = {r._score_text(raw)}")


# checks (`checks`: P410–P412, the most a leaf can score)

scored = _shared.scores_no_expression
most = _shared.full_marks_possible


def format(fmt, rule):
    text = "manual" + (" score" if rule.mode == "score" else "")
    if rule.input_name is not None:
        text += f" from {fmt.name(rule.input_name)}"
    return [fmt.unit(rule, text)]


def arbitrary(st, parts):
    return st.builds(ManualRule, st.none() | parts.names, st.sampled_from(["deduction", "score"]))
