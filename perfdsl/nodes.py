"""The syntax tree: immutable classes (`frozen`: attrs' frozen classes without generated code) built by `parser.py`.

Every node carries a `span` that takes no part in equality, so two files that
say the same thing in a different layout parse to equal trees (what `fmt`'s
round-trip property relies on).  Children are tuples.  Nodes hold no
behaviour beyond tiny helpers; meaning lives in `resolve`, `interp` and
`codegen`, and for a rule form in its module of `perfdsl.forms`.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from .frozen import field, frozen
from .source import Span

_span = field(kw_only=True, eq=False, repr=False, default=None)


@frozen
class Node:
    span: Span | None = _span


# ── expressions ─────────────────────────────────────────────────────────────


#: Every expression node's serial: drawn once, when the node is made (so also by `attrs.evolve` and by the model
#: cache's decoder), and kept by copy, deepcopy and pickle.  The key of `Model.types` (docs/architecture.md,
#: "Identity-keyed maps"); never used for equality, hashing, printing or the cache.
_serial = itertools.count().__next__


@frozen
class Expr(Node):
    serial: int = field(init=False, eq=False, repr=False, factory=_serial)


@frozen
class Num(Expr):
    """A number literal: ``14``, ``0.5``, ``95%`` (stored as 0.95), ``0.43万元``.

    `value` is exact; a money literal's value is in 元 and `unit` remembers how
    the author wrote it.  `text` is the literal as written, for basis text.
    """

    value: Decimal
    kind: str  # "plain" | "percent" | "money"
    unit: str | None = None
    text: str = field(default="", eq=False)


@frozen
class Bool(Expr):
    value: bool


@frozen
class Str(Expr):
    value: str


@frozen
class Name(Expr):
    """A reference to an input, a derived value (`let`) or a scorecard's total."""

    name: str


@frozen
class Full(Expr):
    """``full``: the indicator's effective weight (its full marks)."""


@frozen
class Neg(Expr):
    operand: Expr


@frozen
class Binary(Expr):
    """Arithmetic: `op` is one of ``+ - * /``."""

    op: str
    left: Expr
    right: Expr


@frozen
class Compare(Expr):
    """A comparison: `op` is one of ``== != < <= > >=``."""

    op: str
    left: Expr
    right: Expr


@frozen
class Logic(Expr):
    """``and`` / ``or``."""

    op: str
    left: Expr
    right: Expr


@frozen
class Not(Expr):
    operand: Expr


@frozen
class Call(Expr):
    """A built-in function: min, max, abs, ceil, floor."""

    func: str
    args: tuple[Expr, ...]


@frozen
class Query(Expr):
    """The items of a list input for an aggregate: ``绩效指标 where 一级指标 == "产出指标" of 分值``.

    Only valid as the argument of sum, mean, count, all, any, min or max.
    """

    source: Expr
    where: Expr | None
    value: Expr | None


@frozen
class If(Expr):
    """``if test then a else b``."""

    test: Expr
    then: Expr
    otherwise: Expr


# ── rules of a leaf indicator ───────────────────────────────────────────────
# Each rule form's own classes (`BandsRule`, `CheckItem` …) are declared in its module of `perfdsl.forms`
# and reached here as ``nodes.BandsRule`` (`__getattr__` below); what several forms share stays here.


@frozen
class Rule(Node):
    pass


@frozen
class BandArm(Node):
    """``>= 95% => 80%``; `op` is None for the ``else`` arm."""

    op: str | None
    threshold: Expr | None
    value: Expr


@frozen
class PerSpec(Node):
    """What a deduction counts: occurrences, or steps of `step` in `subject` beyond `threshold`.

    `mode` is ``"started"`` (a started step counts: ceil), ``"whole"`` (floor)
    or None (occurrences when there is no step; linear when there is).
    """

    mode: str | None
    step: Expr | None
    subject: Expr
    direction: str | None
    threshold: Expr | None


@frozen
class Deduction(Rule):
    """``deduct 0.5 per …`` / ``add 1 per … up to 3`` / ``deduct 1 when …``."""

    kind: str  # "deduct" | "add"
    amount: Expr
    per: PerSpec | None
    when: Expr | None
    up_to: Expr | None


@frozen
class LevelArm(Node):
    """``良 => 80%``: a level a rating or a qualitative target may read, and its share of the weight."""

    name: str
    share: Expr


@frozen
class Guard(Node):
    """``when COND => SCORE``: a case decided before the indicator's rule."""

    condition: Expr
    score: Expr


@frozen
class MoveTarget(Node):
    amount: Decimal
    target: str


@frozen
class Applies(Node):
    """``applies when COND else full`` or ``… else move 2 to X, 1 to Y``."""

    condition: Expr
    full: bool
    moves: tuple[MoveTarget, ...]


# ── the tree of a scorecard ─────────────────────────────────────────────────


@frozen
class Show(Node):
    """``show EXPR [vs REPORTED]``: a figure for the basis that does not affect the score."""

    expr: Expr
    reported: Expr | None


@frozen
class Indicator(Node):
    name: str
    weight: Decimal
    applies: Applies | None
    guards: tuple[Guard, ...]
    rule: Rule | None
    criteria: str | None = None
    shows: tuple[Show, ...] = ()


@frozen
class Each(Node):
    """``each LIST where COND named NAME { … }``: one indicator per matching item of a list input.

    `template` holds the rule, cases and shows every item's indicator follows.
    """

    list_name: str
    where: Expr | None
    named: Expr
    template: Indicator
    weight: Expr | None = None  # ``weight 分值``: each item's weight, from the data
    weights: tuple[Decimal, ...] = ()  # ``weights 8, 8, 10``: the items' weights, from the ruleset


#: Where an `override` changed a group or scorecard's weight or children (no part of equality):
#: a sum that no longer adds up is reported there, with the base's declaration as a note.
_edited = field(kw_only=True, eq=False, repr=False, default=())


@frozen
class Group(Node):
    name: str
    weight: Decimal
    children: tuple[Group | Indicator, ...]
    bonus: bool = False
    edited: tuple = _edited


@frozen
class GradeArm(Node):
    """``优秀 >= 90``; `op` is None for the last, catch-all grade."""

    name: str
    op: str | None
    threshold: Expr | None


@frozen
class Cap(Node):
    low: Expr
    high: Expr


@frozen
class GradesRef(Node):
    """``grades 广东五档`` inside a scorecard: the bands of a named `GradesDecl`."""

    name: str


@frozen
class Scorecard(Node):
    name: str
    max: Decimal
    grades: tuple[GradeArm, ...] | GradesRef | None
    cap: Cap | None
    children: tuple[Group | Indicator, ...]
    rules: tuple[Node, ...] = ()  # scorecard rules, in order: `CapBy`, `Deduction`, `Veto`
    edited: tuple = _edited


@frozen
class CapBy(Node):
    """``cap by 预算执行率 { < 50% => 59; … }``: the total kept at or below the first arm's value that holds."""

    subject: Expr
    arms: tuple[BandArm, ...]


@frozen
class Veto(Node):
    """``veto 重大违纪 when 发生重大违纪违规问题 => grade 差, cap 59``: 一票否决."""

    name: str
    condition: Expr
    grade: str | None
    cap: Expr | None


@frozen
class GradesDecl(Node):
    """``grades 广东五档 { 优秀 >= 90 … 差 }`` at the top level, for scorecards to name."""

    name: str
    arms: tuple[GradeArm, ...]


@frozen
class Include(Node):
    """``include "common/guangdong.perf"``: the library's declarations, in place."""

    path: str


@frozen
class Extends(Node):
    """``extends "common/guangdong-base.perf"``: this ruleset is the base with the changes below."""

    path: str


@frozen
class Place(Node):
    """Where `add`/`move` puts an indicator among its new siblings: ``first``, ``before X``, ``after X``."""

    how: str  # "first" | "before" | "after"
    anchor: str | None


@frozen
class Edit(Node):
    """One change of an `override scorecard` block.

    ``weight X 8`` (kind "weight", `target` X, `weight` 8); ``drop X``;
    ``add indicator … in G after Y`` (`node`, `into` G or None for the top,
    `place`); ``move X to G first``; ``replace indicator X 5 { … }`` (`node`).
    """

    kind: str  # "weight" | "drop" | "add" | "move" | "replace"
    target: str | None = None
    weight: Decimal | None = None
    node: Node | None = None
    into: str | None = None
    place: Place | None = None


@frozen
class Override(Node):
    """``override scorecard NAME [max N] { edits, grades, cap }``: changes to a base's scorecard."""

    name: str
    max: Decimal | None
    grades: tuple[GradeArm, ...] | GradesRef | None
    cap: Cap | None
    edits: tuple[Edit, ...]


# ── declarations ────────────────────────────────────────────────────────────


@frozen
class TypeRef(Node):
    """``number``, ``count``, ``rate``, ``bool``, ``text``, ``money(元|万元)`` or ``list { fields }``."""

    kind: str
    unit: str | None = None
    fields: tuple[InputDecl, ...] = ()


@frozen
class InputDecl(Node):
    """An input, or a field of a list input's items."""

    name: str
    type: TypeRef
    low: Expr | None
    high: Expr | None
    default: Expr | None
    choices: tuple[Expr, ...] = ()  # ``one of "产出指标", "效益指标"``
    low_open: bool = False  # ``> 0万元``: the bound itself is outside the range
    high_open: bool = False
    informational: bool = False  # ``informational``: kept for the record, read by no rule


@frozen
class LetDecl(Node):
    name: str
    expr: Expr


@frozen
class Header(Node):
    title: str
    source: str | None = None
    precision: int | None = None
    rounding: str | None = None
    record: str | None = None
    #: ``framework``: a base with no scorecard of its own, only to be extended (docs/language.md §12)
    framework: bool | None = None
    #: (field, span) of each line of the header, so that checks can point at ``precision 40``
    field_spans: tuple = field(default=(), eq=False, repr=False)

    def field_span(self, key: str):
        return next((span for name, span in self.field_spans if name == key), self.span)


@frozen
class Module(Node):
    """A whole ruleset file, declarations in file order."""

    header: Header | None
    decls: tuple[Node, ...]
    #: every file read besides this one: included libraries and `extends` bases (what a cache keys on)
    sources: tuple[str, ...] = field(default=(), eq=False, repr=False, kw_only=True)


# ── properties (checked by `perfdsl test`) ──────────────────────────────────


@frozen
class IndicatorRef(Expr):
    """``score of 项目完成率`` / ``weight of `效率性/项目完成率```: a result, readable only in a property.

    `path` is the name as written, split at ``/``: a leaf or group name, or
    the tail of its path, optionally led by the scorecard's name.
    """

    what: str  # "score" | "weight" (effective)
    path: tuple[str, ...]


@frozen
class PropertyDecl(Node):
    """``property always COND [when C]`` or ``property EXPR never decreases in INPUT [when C]``."""

    kind: str  # "always" | "monotone"
    expr: Expr  # the condition that always holds, or the monotone subject
    input: Name | None  # monotone: the input that is raised
    never: str | None  # monotone: "decreases" | "increases"
    when: Expr | None


def __getattr__(name: str):
    """A rule form's node class (``nodes.BandsRule``): it is declared in its form's module (`perfdsl.forms`),
    which imports this one; loading the forms puts their classes here, so this runs once, at the first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    from . import forms  # noqa: F401 (the forms import nodes, not the other way round at import time)

    try:
        return forms.NODES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def walk(node):
    """Yield `node` and every node below it, depth-first, in source order."""
    stack = [node]
    pop, push = stack.pop, stack.append
    fields = _CHILD_FIELDS
    while stack:  # a stack, not nested generators: every check walks every expression
        node = pop()
        yield node
        names = fields.get(node.__class__)
        if names is None:
            names = _child_fields(node.__class__)
        for name in names:  # last field first, so that the first child is popped first
            value = getattr(node, name)
            if value is None:
                continue
            if value.__class__ is tuple:
                for item in reversed(value):
                    if isinstance(item, Node):
                        push(item)
            elif isinstance(value, Node):
                push(value)


def children(node) -> list:
    """The nodes right below `node`, in source order (the fields `walk` looks into)."""
    names = _CHILD_FIELDS.get(node.__class__)
    if names is None:
        names = _child_fields(node.__class__)
    found = []
    for name in reversed(names):
        value = getattr(node, name)
        if value.__class__ is tuple:
            found += [item for item in value if isinstance(item, Node)]
        elif isinstance(value, Node):
            found.append(value)
    return found


#: Annotations of fields that never hold a node (a field annotated otherwise is looked into).
_SCALAR_WORDS = frozenset(("str", "int", "bool", "None", "Decimal", "Span", "tuple"))
_WORD = re.compile(r"[A-Za-z_]\w*")


def _child_fields(cls) -> tuple[str, ...]:
    """The fields of `cls` that may hold a node, last first (`walk`): every field but the serial and those
    annotated as text, numbers, flags or spans (`tuple[str, ...]` too; a bare `tuple` is looked into).
    tests/test_fastparse.py holds that no field left out holds a node in any tree the project parses."""
    annotations = {}
    for klass in reversed(cls.__mro__):
        annotations.update(getattr(klass, "__annotations__", {}))
    names = []
    for item in cls.__attrs_attrs__:
        written = str(annotations.get(item.name, "object"))
        if item.name == "serial" or (written != "tuple" and set(_WORD.findall(written)) <= _SCALAR_WORDS):
            continue
        names.append(item.name)
    names = _CHILD_FIELDS[cls] = tuple(reversed(names))
    return names


_CHILD_FIELDS: dict = {}  # node class → the fields `walk` looks into (classes added later: when first walked)


def dump(node, level: int = 0) -> str:
    """An indented, stable text form of a tree (for golden tests and ``perfdsl parse``)."""
    pad = "  " * level
    if not isinstance(node, Node):
        return pad + repr(node)
    fields = type(node).__attrs_attrs__
    scalars = []
    children = []
    for item in fields:
        # where things are, and a node's serial, are not part of the tree
        if item.name in ("span", "field_spans", "edited", "sources", "serial"):
            continue
        value = getattr(node, item.name)
        if isinstance(value, Node) or (isinstance(value, tuple) and value and isinstance(value[0], Node)):
            children.append((item.name, value))
        elif isinstance(value, Decimal):
            scalars.append(f"{item.name}={value}")
        elif value not in (None, (), False, ""):
            scalars.append(f"{item.name}={value!r}")
    lines = [pad + type(node).__name__ + (" " + " ".join(scalars) if scalars else "")]
    for name, value in children:
        lines.append(f"{pad}  .{name}")
        items = value if isinstance(value, tuple) else (value,)
        lines.extend(dump(item, level + 2) for item in items)
    return "\n".join(lines)
