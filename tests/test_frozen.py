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


@pytest.fixture(params=["generic", "compiled"])
def way(request, monkeypatch):
    """Each check runs against the generic __init__ and the compiled one a class gets once made often."""
    monkeypatch.setattr(fz, "COMPILE_AFTER", 1 if request.param == "compiled" else 10**9)
    return request.param


def _pair():
    """The same little hierarchy (a span outside equality, a serial outside __init__), both ways; with
    `fz.COMPILE_AFTER` at 1 the first instance made gives the class its compiled __init__."""

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

    FNum(Decimal(0), "plain")
    assert (FNum.__init__.__code__.co_filename == "<frozen FNum>") == (fz.COMPILE_AFTER == 1)
    return ANum, FNum


CALLS = [
    ((Decimal("14"), "plain"), {}),
    ((Decimal("14"), "plain"), {"span": "here"}),
    ((Decimal("0.5"), "money", "万元"), {"text": "0.5万元", "span": 3}),
    ((), {"value": Decimal(1), "kind": "percent", "text": "100%"}),
    ((Decimal("2"), "plain", None, "2"), {}),
    ((), {"value": Decimal(3), "kind": "money", "unit": "元", "text": "3元", "span": None}),  # as the cache decodes
    ((Decimal(4),), {"kind": "plain", "unit": None, "text": "4", "span": 1}),
]


@pytest.mark.parametrize("args, kwargs", CALLS)
def test_construction_equality_hash_and_repr_agree_with_attrs(args, kwargs, way):
    a_cls, f_cls = _pair()
    a, f = a_cls(*args, **kwargs), f_cls(*args, **kwargs)
    fields = ("value", "kind", "unit", "text", "span")
    assert [getattr(f, name) for name in fields] == [getattr(a, name) for name in fields]
    assert repr(f).replace("FNum", "ANum") == repr(a)
    other = attrs.evolve(f, span="elsewhere", text="other")
    assert f == other and hash(f) == hash(other) and not (f != other)  # span and text are outside equality
    assert f != f_cls(Decimal("99"), "plain") and f != a and a != f  # another value; another class
    assert f.serial != other.serial  # a serial per node, outside equality
    early = f_cls(Decimal(5), "plain")  # made before the class compiled its methods: equal and hashed alike
    fz._compile(f_cls, f_cls.__attrs_attrs__, "FNum")
    assert early == f_cls(Decimal(5), "plain") and hash(early) == hash(f_cls(Decimal(5), "plain", text="5"))


@pytest.mark.parametrize("call, message", [
    (lambda c: c(), "missing .*argument.*'value'"),
    (lambda c: c(Decimal(1)), "missing .*argument.*'kind'"),
    (lambda c: c(1, "plain", None, "", 5), "positional arguments but .* given"),
    (lambda c: c(1, "plain", colour="red"), "unexpected keyword argument 'colour'"),
    (lambda c: c(1, "plain", value=2), "multiple values for argument 'value'"),
    (lambda c: c(1, "plain", serial=2), "unexpected keyword argument 'serial'"),
    (lambda c: c(1, "plain", None, "", value=2), "multiple values for argument 'value'"),
    (lambda c: c(kind="plain", unit=None, text="", span=None, colour=1), "unexpected keyword argument 'colour'"),
])
def test_a_bad_call_is_a_type_error_as_with_attrs(call, message, way):
    a_cls, f_cls = _pair()
    with pytest.raises(TypeError):
        call(a_cls)
    with pytest.raises(TypeError, match=message):
        call(f_cls)
    with pytest.raises(TypeError, match=message):  # the same once the class has made many
        call(f_cls)


def test_attrs_functions_read_a_frozen_class(way):
    _, f_cls = _pair()
    assert attrs.has(f_cls)
    assert [f.name for f in attrs.fields(f_cls)] == ["span", "serial", "value", "kind", "unit", "text"]
    assert attrs.fields(f_cls).serial.init is False and attrs.fields(f_cls).span.kw_only is True
    f = f_cls(Decimal(3), "plain", text="3", span="s")
    evolved = attrs.evolve(f, value=Decimal(4))
    assert (evolved.value, evolved.kind, evolved.text, evolved.span) == (Decimal(4), "plain", "3", "s")
    assert evolved.serial != f.serial  # an evolved node is a new node
    assert f_cls.__match_args__ == ("value", "kind", "unit", "text")


def test_frozen_weakly_referable_copied_and_pickled(way):
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


def test_the_compiled_init_makes_what_the_generic_one_makes(monkeypatch):
    """Every node class, made past the threshold, builds the same node from the same call."""
    monkeypatch.setattr(fz, "COMPILE_AFTER", 3)
    source = SourceFile("a.perf", "一\n")
    for _ in range(4):
        made = [source.lines, Span(source, 1, 1, 1, 2).text,
                nodes.Num(Decimal("0.5"), "money", "万元", text="0.5万元", span=None),
                nodes.Header("标题", precision=2, field_spans=(("precision", None),)),
                nodes.Module(None, (), sources=("b.perf",)), nodes.Full(),
                nodes.Group("组", Decimal(5), (), edited=(1,))]
        assert made[:2] == [("一",), "一"]
        assert (made[3].precision, made[3].field_spans, made[4].sources, made[6].edited) == (2, (("precision", None),),
                                                                                            ("b.perf",), (1,))
        assert made[2] == nodes.Num(Decimal("0.5"), "money", "万元") and made[2].text == "0.5万元"
    assert SourceFile.__init__.__code__.co_filename == "<frozen SourceFile>"
    assert nodes.Num.__eq__.__code__.co_filename == "<frozen Num>"


def test_evolve_is_attrs_evolve():
    _, f_cls = _pair()
    f = f_cls(Decimal(3), "plain", text="3", span="s")
    ours, theirs = fz.evolve(f, kind="money"), attrs.evolve(f, kind="money")
    assert ours == theirs and (ours.text, ours.span) == (theirs.text, theirs.span) == ("3", "s")


def test_a_lazy_pattern_matches_as_the_compiled_one():
    import re

    from perfdsl.lazyre import Pattern

    lazy, compiled = Pattern(r"(\d+)\s*(万)?", re.VERBOSE), re.compile(r"(\d+)\s*(万)?", re.VERBOSE)
    assert "match" not in vars(lazy)  # nothing compiled yet
    assert lazy.match("12 万").groups() == compiled.match("12 万").groups() == ("12", "万")
    assert lazy.search("x7").group(1) == "7" and lazy.pattern == compiled.pattern
