"""Hypothesis strategies for syntax trees of random but well-formed rulesets, and messy layouts of them.

`modules()` builds `nodes.Module`s that use every construct of the grammar —
inputs of each type with ranges, defaults, `one of` and list fields, lets,
named grades, includes, properties, scorecards with grades, caps, groups, bonus groups,
`each`, and leaves with every rule form, `applies`, `when`, `criteria` and
`show` — over names that need backticks or are keywords elsewhere.  They are
syntactically valid, not meaningful: `fmt` must print them so that they
parse back to the same tree.  `messy(text)` lays a text out badly (indentation,
blank lines, comments) without changing what it says.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import strategies as st

from perfdsl import forms, nodes

NAMES = st.sampled_from(["项目总数", "项目完成数", "支出率", "甲", "乙", "x", "a1", "单位", "“三公”经费", "12345热线",
                         "per", "score", "full", "of", "名 称", "完成率#1"])
TEXTS = st.sampled_from(["", "产出指标", "30条", "6%以内", "a # b", "依据：见附件", "`x`"])
DIGITS = st.sampled_from(["0", "1", "2", "3", "5", "14", "0.5", "1.50", "100", "97.60", "007"])


def _num(draw) -> nodes.Num:
    digits = draw(DIGITS)
    kind = draw(st.sampled_from(["plain", "plain", "percent", "money"]))
    if kind == "percent":
        return nodes.Num(Decimal(digits) / 100, "percent", text=digits + "%")
    if kind == "money":
        unit = draw(st.sampled_from(["元", "万元"]))
        return nodes.Num(Decimal(digits) * (10000 if unit == "万元" else 1), "money", unit, text=digits + unit)
    return nodes.Num(Decimal(digits), "plain", text=digits)


@st.composite
def literals(draw):
    return _num(draw)


ATOMS = st.one_of(
    literals(),
    literals().map(nodes.Neg),
    st.booleans().map(nodes.Bool),
    TEXTS.map(nodes.Str),
    NAMES.map(nodes.Name),
    st.just(nodes.Full()),
    st.builds(nodes.IndicatorRef, st.sampled_from(["score", "weight"]), st.lists(NAMES, min_size=1, max_size=3).map(tuple)),
)


def _compound(inner):
    binary = st.builds(nodes.Binary, st.sampled_from("+-*/"), inner, inner)
    compare = st.builds(nodes.Compare, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), inner, inner)
    logic = st.builds(nodes.Logic, st.sampled_from(["and", "or"]), inner, inner)
    query = st.one_of(st.builds(nodes.Query, inner, inner, st.none() | inner),
                      st.builds(nodes.Query, inner, st.none(), inner))
    call = st.builds(nodes.Call, st.sampled_from(["min", "max", "abs", "sum", "count", "given", "round", "deviation"]),
                     st.lists(inner | query, max_size=3).map(tuple))
    return st.one_of(binary, binary, compare, logic, inner.map(nodes.Neg), inner.map(nodes.Not),
                     st.builds(nodes.If, inner, inner, inner), call)


EXPRS = st.recursive(ATOMS, _compound, max_leaves=5)
WEIGHTS = DIGITS.map(Decimal)


def _type(fields=True):
    simple = st.one_of(st.sampled_from(["number", "count", "rate", "bool", "text"]).map(nodes.TypeRef),
                       st.sampled_from(["元", "万元"]).map(lambda unit: nodes.TypeRef("money", unit)))
    if not fields:
        return simple
    listed = st.lists(input_decls(fields=False), min_size=1, max_size=3).map(
        lambda decls: nodes.TypeRef("list", fields=tuple(decls)))
    return st.one_of(simple, simple, listed)


@st.composite
def input_decls(draw, fields=True):
    low = high = default = None
    choices = ()
    bound = draw(st.sampled_from(["none", "none", "between", "min", "max", "above", "below", "choices"]))
    if bound in ("between", "min", "above"):
        low = draw(EXPRS)
    if bound in ("between", "max", "below"):
        high = draw(EXPRS)
    if bound == "choices":
        choices = tuple(draw(st.lists(TEXTS.map(nodes.Str), min_size=1, max_size=3)))
    if draw(st.booleans()):
        default = draw(EXPRS)
    if not fields:  # a list item's field may have strict bounds but is never informational (field_decl)
        return nodes.InputDecl(draw(NAMES), draw(_type(fields)), low, high, default, choices,
                               low_open=bound == "above", high_open=bound == "below")
    return nodes.InputDecl(draw(NAMES), draw(_type(fields)), low, high, default, choices,
                           low_open=bound == "above", high_open=bound == "below", informational=draw(st.booleans()))


GRADE_ARMS = st.one_of(st.builds(nodes.GradeArm, NAMES, st.sampled_from([">=", ">"]), EXPRS),
                       st.builds(nodes.GradeArm, NAMES, st.none(), st.none()))
GRADES = st.lists(GRADE_ARMS, max_size=4).map(tuple)


@st.composite
def per_specs(draw):
    if draw(st.booleans()):
        return nodes.PerSpec(None, None, draw(EXPRS), None, None)
    direction = draw(st.sampled_from([None, "above", "below"]))
    return nodes.PerSpec(draw(st.sampled_from([None, "started", "whole"])), draw(EXPRS), draw(EXPRS), direction,
                         draw(EXPRS) if direction else None)


@st.composite
def deductions(draw):
    kind = draw(st.sampled_from(["deduct", "add"]))
    if draw(st.booleans()):
        return nodes.Deduction(kind, draw(EXPRS), None, draw(EXPRS), None)
    return nodes.Deduction(kind, draw(EXPRS), draw(per_specs()), None, draw(st.none() | EXPRS))


#: ``levels { 优 => 100%; … }`` of a rating or a qualitative target: names unique within the block.
LEVELS = st.lists(st.builds(nodes.LevelArm, NAMES, EXPRS), min_size=1, max_size=3,
                  unique_by=lambda arm: arm.name).map(tuple)

#: Every rule form, by its own `arbitrary` hook (perfdsl/forms): a new form is drawn with no line here.
RULES = st.one_of(*(form.arbitrary(st, SimpleNamespace(exprs=EXPRS, names=NAMES, levels=LEVELS,
                                                        deductions=deductions()))
                    for form in forms.MODULES))


@st.composite
def indicators(draw, name=None, weight=None, applies=True):
    moves = st.lists(st.builds(nodes.MoveTarget, WEIGHTS, NAMES), min_size=1, max_size=3).map(tuple)
    chosen = None
    if applies and draw(st.integers(0, 3)) == 0:
        full = draw(st.booleans())
        chosen = nodes.Applies(draw(EXPRS), full, () if full else draw(moves))
    return nodes.Indicator(
        draw(NAMES) if name is None else name,
        draw(WEIGHTS) if weight is None else weight,
        chosen,
        tuple(draw(st.lists(st.builds(nodes.Guard, EXPRS, EXPRS), max_size=2))),
        draw(st.none() | RULES),
        draw(st.none() | TEXTS),
        tuple(draw(st.lists(st.builds(nodes.Show, EXPRS, st.none() | EXPRS), max_size=2))),
    )


@st.composite
def eaches(draw):
    name = draw(NAMES)
    weighting = draw(st.sampled_from(["equal", "field", "listed"]))
    return nodes.Each(name, draw(st.none() | EXPRS), draw(EXPRS),
                      draw(indicators(name=name, weight=Decimal(0), applies=False)),
                      draw(EXPRS) if weighting == "field" else None,
                      tuple(draw(st.lists(WEIGHTS, min_size=1, max_size=4))) if weighting == "listed" else ())


def _tree(children):
    return st.builds(nodes.Group, NAMES, WEIGHTS, st.lists(children, max_size=3).map(tuple))


TREE = st.recursive(indicators() | eaches(), _tree, max_leaves=4)
BONUS = st.builds(nodes.Group, NAMES, WEIGHTS, st.lists(indicators(), max_size=2).map(tuple), st.just(True))


@st.composite
def scorecards(draw):
    grades = draw(st.sampled_from(["none", "inline", "named"]))
    return nodes.Scorecard(
        draw(NAMES), draw(WEIGHTS),
        None if grades == "none" else draw(GRADES) if grades == "inline" else nodes.GradesRef(draw(NAMES)),
        draw(st.none() | st.builds(nodes.Cap, EXPRS, EXPRS)),
        tuple(draw(st.lists(TREE | BONUS, max_size=3))),
        tuple(draw(st.lists(CARD_RULES, max_size=3))),
    )


PLACES = st.none() | st.builds(nodes.Place, st.just("first"), st.none()) | st.builds(
    nodes.Place, st.sampled_from(["before", "after"]), NAMES)
EDITS = st.one_of(
    st.builds(nodes.Edit, st.just("weight"), NAMES, WEIGHTS),
    st.builds(nodes.Edit, st.just("drop"), NAMES),
    st.builds(nodes.Edit, st.just("add"), st.none(), st.none(), indicators() | _tree(indicators()),
              st.none() | NAMES, PLACES),
    st.builds(nodes.Edit, st.just("move"), NAMES, st.none(), st.none(), NAMES, PLACES),
    st.builds(nodes.Edit, st.just("replace"), st.none(), st.none(), indicators() | _tree(indicators())),
)
OVERRIDES = st.builds(nodes.Override, NAMES, st.none() | WEIGHTS,
                      st.none() | GRADES.filter(bool) | NAMES.map(nodes.GradesRef),
                      st.none() | st.builds(nodes.Cap, EXPRS, EXPRS), st.lists(EDITS, max_size=4).map(tuple))

#: Scorecard rules: ``cap by …``, a ``deduct`` line, ``veto … => grade G, cap N``.
CARD_RULES = st.one_of(
    st.builds(nodes.CapBy, EXPRS, st.lists(st.one_of(
        st.builds(nodes.BandArm, st.sampled_from(["<", "<=", ">", ">="]), EXPRS, EXPRS),
        st.builds(nodes.BandArm, st.none(), st.none(), EXPRS)), min_size=1, max_size=4).map(tuple)),
    deductions().filter(lambda line: line.kind == "deduct"),
    st.builds(nodes.Veto, NAMES, EXPRS, st.none() | NAMES, st.none() | EXPRS).filter(
        lambda veto: veto.grade is not None or veto.cap is not None),
)


HEADERS = st.builds(nodes.Header, TEXTS, st.none() | TEXTS, st.none() | st.integers(0, 6),
                    st.none() | st.sampled_from(["half-up", "half-even", "down"]), st.none() | NAMES,
                    st.none() | st.just(True))  # `framework`
DECLARATIONS = st.one_of(
    input_decls(), input_decls(),
    st.builds(nodes.LetDecl, NAMES, EXPRS),
    st.builds(nodes.GradesDecl, NAMES, GRADES),
    st.builds(nodes.Include, st.sampled_from(["common/guangdong.perf", "lib/a b.perf"])),
    st.builds(nodes.Extends, st.sampled_from(["common/guangdong-base.perf", "lib/base.perf"])),
    OVERRIDES,
    scorecards(),
    st.builds(nodes.PropertyDecl, st.just("always"), EXPRS, st.none(), st.none(), st.none() | EXPRS),
    st.builds(nodes.PropertyDecl, st.just("monotone"), EXPRS, NAMES.map(nodes.Name),
              st.sampled_from(["decreases", "increases"]), st.none() | EXPRS),
)


@st.composite
def modules(draw):
    return nodes.Module(draw(st.none() | HEADERS), tuple(draw(st.lists(DECLARATIONS, max_size=5))))


# ── messy layouts ───────────────────────────────────────────────────────────

_QUOTED = re.compile(r'"[^"\n]*"|`[^`\n]*`')


@st.composite
def messy(draw, text: str):
    """`text` with random indentation, doubled spaces, blank lines, own-line and trailing comments.

    Returns the new text and the comments put in it (each unique, to be found again after `fmt`).
    """
    out = []
    comments = []
    continued = False  # the line before ends in `\`: nothing may come between it and this one
    for number, line in enumerate(text.split("\n")):
        if not line.strip():
            out.append(line)
            continue
        after, continued = continued, line.rstrip().endswith("\\")
        if after:
            out.append(draw(st.sampled_from(["", " ", "   ", "\t"])) + line.strip())
            continue
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(["", "  ", "\t"])))
        if draw(st.integers(0, 5)) == 0:
            comments.append(f"# 注释{number}甲")
            out.append(" " * draw(st.integers(0, 6)) + comments[-1])
        body = line.strip()
        if draw(st.booleans()):
            # double a space outside strings and backticked names
            spaces = [m.start() for m in re.finditer(" ", body) if not _in_quotes(body, m.start())]
            if spaces:
                at = draw(st.sampled_from(spaces))
                body = body[:at] + "  " + body[at:]
        line = draw(st.sampled_from(["", " ", "   ", "\t"])) + body
        if not continued and draw(st.integers(0, 4)) == 0:
            comments.append(f"# 注释{number}乙")
            line += " " * draw(st.integers(1, 4)) + comments[-1]
        out.append(line)
    return "\n".join(out), comments


def _in_quotes(text: str, index: int) -> bool:
    return any(m.start() < index < m.end() for m in _QUOTED.finditer(text))
