"""`perfdsl.frozen` classes behave as the `@attrs.frozen` classes they replace (docs/architecture.md, "Cold start").

Each check declares the same class both ways and compares what a caller sees: construction (positional,
keyword, defaults, mistakes), equality and hashing (fields with ``eq=False`` left out), the repr, attrs'
own `fields`/`has`/`evolve`, freezing, weak references, copy, deepcopy and pickle.
"""

from __future__ import annotations

import copy
import itertools
import pickle
import weakref
from decimal import Decimal

import attrs
import pytest

from perfdsl import frozen as fz
from perfdsl import nodes
from perfdsl.source import SourceFile, Span

_count = itertools.count().__next__


def _pair():
    """The same little hierarchy (a span outside equality, a serial outside __init__), both ways."""

    @attrs.frozen
    class ABase:
        span: object = attrs.field(kw_only=True, eq=False, repr=False, default=None)

    @attrs.frozen
    class AExpr(ABase):
        serial: int = attrs.field(init=False, eq=False, repr=False, factory=_count)

    @attrs.frozen
    class ANum(AExpr):
        value: Decimal
        kind: str
        unit: str | None = None
        text: str = attrs.field(default="", eq=False)

    @fz.frozen
    class FBase:
        span: object = fz.field(kw_only=True, eq=False, repr=False, default=None)

    @fz.frozen
    class FExpr(FBase):
        serial: int = fz.field(init=False, eq=False, repr=False, factory=_count)

    @fz.frozen
    class FNum(FExpr):
        value: Decimal
        kind: str
        unit: str | None = None
        text: str = fz.field(default="", eq=False)

    return ANum, FNum


CALLS = [
    ((Decimal("14"), "plain"), {}),
    ((Decimal("14"), "plain"), {"span": "here"}),
    ((Decimal("0.5"), "money", "万元"), {"text": "0.5万元", "span": 3}),
    ((), {"value": Decimal(1), "kind": "percent", "text": "100%"}),
    ((Decimal("2"), "plain", None, "2"), {}),
]


@pytest.mark.parametrize("args, kwargs", CALLS)
def test_construction_equality_hash_and_repr_agree_with_attrs(args, kwargs):
    a_cls, f_cls = _pair()
    a, f = a_cls(*args, **kwargs), f_cls(*args, **kwargs)
    fields = ("value", "kind", "unit", "text", "span")
    assert [getattr(f, name) for name in fields] == [getattr(a, name) for name in fields]
    assert repr(f).replace("FNum", "ANum") == repr(a)
    other = attrs.evolve(f, span="elsewhere", text="other")
    assert f == other and hash(f) == hash(other) and not (f != other)  # span and text are outside equality
    assert f != f_cls(Decimal("99"), "plain") and f != a and a != f  # another value; another class
    assert f.serial != other.serial  # a serial per node, outside equality


@pytest.mark.parametrize("call, message", [
    (lambda c: c(), "missing required argument: 'value'"),
    (lambda c: c(Decimal(1)), "missing required argument: 'kind'"),
    (lambda c: c(1, "plain", None, "", 5), "takes 4 positional arguments but 5 were given"),
    (lambda c: c(1, "plain", colour="red"), "unexpected keyword argument 'colour'"),
    (lambda c: c(1, "plain", value=2), "multiple values for argument 'value'"),
    (lambda c: c(1, "plain", serial=2), "unexpected keyword argument 'serial'"),
])
def test_a_bad_call_is_a_type_error_as_with_attrs(call, message):
    a_cls, f_cls = _pair()
    with pytest.raises(TypeError):
        call(a_cls)
    with pytest.raises(TypeError, match=message):
        call(f_cls)


def test_attrs_functions_read_a_frozen_class():
    _, f_cls = _pair()
    assert attrs.has(f_cls)
    assert [f.name for f in attrs.fields(f_cls)] == ["span", "serial", "value", "kind", "unit", "text"]
    assert attrs.fields(f_cls).serial.init is False and attrs.fields(f_cls).span.kw_only is True
    f = f_cls(Decimal(3), "plain", text="3", span="s")
    evolved = attrs.evolve(f, value=Decimal(4))
    assert (evolved.value, evolved.kind, evolved.text, evolved.span) == (Decimal(4), "plain", "3", "s")
    assert evolved.serial != f.serial  # an evolved node is a new node
    assert f_cls.__match_args__ == ("value", "kind", "unit", "text")


def test_frozen_weakly_referable_copied_and_pickled():
    _, f_cls = _pair()
    f = f_cls(Decimal(3), "plain", span="s")
    with pytest.raises(AttributeError):
        f.value = 4
    with pytest.raises(fz.FrozenInstanceError):
        del f.kind
    assert weakref.ref(f)() is f
    for twin in (copy.copy(f), copy.deepcopy(f)):
        assert twin == f and twin.serial == f.serial and twin.span == "s"


def test_a_real_tree_survives_pickle_and_deepcopy_whole():
    text = 'ruleset "测试"\ninput 甲: number\nscorecard 卡 100 { indicator 一 100 { score 甲 } }\n'
    source = SourceFile("<t>", text)
    tree = nodes.Module(None, (nodes.LetDecl("乙", nodes.Binary("+", nodes.Name("甲"), nodes.Num(Decimal(1), "plain"),
                                                                  span=Span(source, 1, 1, 1, 4))),))
    for twin in (pickle.loads(pickle.dumps(tree)), copy.deepcopy(tree)):
        assert twin == tree and nodes.dump(twin) == nodes.dump(tree)
        assert twin.decls[0].expr.serial == tree.decls[0].expr.serial
        assert twin.decls[0].expr.span.source.lines == source.lines


def test_fields_made_from_the_instance_and_identity_equality():
    source = SourceFile("a.perf", "一\n二\r\n")
    assert source.lines == ("一", "二") and attrs.fields(SourceFile).lines.init is False
    assert source != SourceFile("a.perf", "一\n二\r\n") and source == source  # eq=False: by identity
    assert hash(source) == object.__hash__(source)
    assert repr(source) == "SourceFile(path='a.perf')"


def test_a_declaration_attrs_would_refuse_is_refused():
    with pytest.raises(TypeError, match="mandatory field may follow"):
        @fz.frozen
        class Bad:
            a: int = 1
            b: int

    with pytest.raises(TypeError, match="needs a default"):
        fz.field(init=False)

    with pytest.raises(TypeError, match="makes its own __eq__"):
        @fz.frozen
        class Own:
            a: int

            def __eq__(self, other):
                return True
