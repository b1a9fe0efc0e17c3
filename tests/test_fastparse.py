"""The one-pass parse (`perfdsl.lalr`) gives exactly the tree of the full parse (Lark's tree, then the builder):
the same nodes, the same values of the same types, the same spans in every field — or it gives up and the full
parse decides (every error is worded there).  Held on every ruleset file the project has, on mutations of the
shipped ones (most of them errors), and at each bound of `limits`."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from perfdsl import limits, parser
from perfdsl.errors import PerfSyntaxError
from perfdsl.source import SourceFile, Span

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for folder in ("rulesets", "tests") for p in (ROOT / folder).rglob("*.perf"))
SHIPPED = sorted((ROOT / "rulesets").glob("*.perf"))


def _same(a, b, where="tree"):
    """Equal in every field, the ones equality skips (spans, text as written, serial aside) included."""
    assert type(a) is type(b), (where, type(a), type(b))
    if isinstance(a, Span):
        assert (a.source.path, a.line, a.column, a.end_line, a.end_column) == \
               (b.source.path, b.line, b.column, b.end_line, b.end_column), (where, a, b)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), (where, a, b)
        for index, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{index}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif hasattr(type(a), "__attrs_attrs__"):
        for item in type(a).__attrs_attrs__:
            if item.name != "serial":
                _same(getattr(a, item.name), getattr(b, item.name), f"{where}.{item.name}")
    else:
        assert a == b and (not isinstance(a, Decimal) or str(a) == str(b)), (where, a, b)


def _agree(text: str, path: str = "r.perf"):
    """The one pass's tree, if it gave one (then the full parse's is the same), else None (the full parse's
    error, if it has one, is the parse's)."""
    source = SourceFile(path, text)
    quick = parser._one_pass(source)
    try:
        full = parser._full(source)
    except PerfSyntaxError:
        assert quick is None, "the one pass accepted a text the full parse refuses"
        return None
    if quick is not None:
        _same(quick, full)
    return quick


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_ruleset_file_parses_alike_both_ways(path):
    _agree(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_rulesets_take_the_one_pass(path):
    assert _agree(path.read_text(encoding="utf-8"), str(path)) is not None


def test_the_scaling_ruleset_takes_the_one_pass():
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from big_ruleset import ruleset

    assert _agree(ruleset(300)) is not None


def _mutations(text: str, rng: random.Random, count: int):
    pieces = ["", " ", "\n", "(", ")", "{", "}", "=", "==", "=>", ",", ";", "+", "-", "*", "/", "if", "then",
              "else", "and", "not", "%", "1", "2.5", "95%", "3万元", '"', "`", "#", "、", "：", "score", "x", "\\\n"]
    for _ in range(count):
        at = rng.randrange(len(text) + 1)
        cut = rng.choice((0, 0, 1, 2, 5))
        yield text[:at] + rng.choice(pieces) + text[at + cut:]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_mutated_rulesets_parse_alike_both_ways(path):
    text = path.read_text(encoding="utf-8")
    rng = random.Random(path.name)
    accepted = sum(_agree(mutated) is not None for mutated in _mutations(text, rng, 60))
    assert accepted > 0  # some mutations stay well-formed (a blank, a comment): both ways are compared on them


def _deep(depth: int) -> str:
    return "input a: number\nlet v = " + " + ".join(["a"] * (depth + 1)) + "\n"


def _levels(depth: int) -> str:
    inner = "indicator 叶 10 {\n manual\n}\n"
    for level in range(depth - 1):
        inner = f"group 组{level} 10 {{\n{inner}}}\n"
    return f"scorecard 卡 max 10 {{\n{inner}}}\n"


def _arguments(count: int) -> str:
    return "input a: number\nlet v = min(" + ", ".join(["a"] * count) + ")\n"


def _number(digits: int) -> str:
    return "input a: number\nlet v = " + "1" * digits + "\n"


@pytest.mark.parametrize("text, refused", [
    (_deep(limits.EXPRESSION_DEPTH - 1), False), (_deep(limits.EXPRESSION_DEPTH), False),
    (_deep(limits.EXPRESSION_DEPTH + 1), True),
    (_levels(limits.INDICATOR_DEPTH), False), (_levels(limits.INDICATOR_DEPTH + 1), True),
    (_number(limits.NUMBER_DIGITS), False), (_number(limits.NUMBER_DIGITS + 1), True),
    (_arguments(limits.ARGUMENTS), False), (_arguments(limits.ARGUMENTS + 1), True),
], ids=["depth-1", "depth", "depth+1", "levels", "levels+1", "digits", "digits+1", "arguments", "arguments+1"])
def test_at_each_bound_both_ways_agree(text, refused):
    _agree(text)
    if refused:
        with pytest.raises(PerfSyntaxError, match="P115"):
            parser.parse(text)
    else:
        parser.parse(text)


def test_a_grammar_built_afresh_gives_the_same_one_pass(monkeypatch):
    """The grammar's tables come from the cache (`parser._load_cached`) or are built (a Lark object of another
    shape: its rule names are Tokens): the one pass reads both alike."""
    monkeypatch.setattr(parser, "_cache_file", lambda: False)
    parser._lark.cache_clear()
    parser._tables.cache_clear()
    try:
        assert parser._tables() is not None
        for path in SHIPPED:
            assert _agree(path.read_text(encoding="utf-8"), str(path)) is not None
    finally:
        parser._lark.cache_clear()
        parser._tables.cache_clear()


def _every_node(node):
    """`nodes.walk` as it was written first: every field of every node looked into."""
    from perfdsl.nodes import Node

    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        children = []
        for item in type(node).__attrs_attrs__:
            value = getattr(node, item.name)
            if isinstance(value, Node):
                children.append(value)
            elif isinstance(value, tuple):
                children.extend(part for part in value if isinstance(part, Node))
        stack.extend(reversed(children))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_walk_meets_every_node_in_source_order(path):
    """`nodes.walk` looks only into fields whose annotation may hold a node: it misses none."""
    from perfdsl import loader, nodes

    try:
        module, _ = loader._parse(path.read_text(encoding="utf-8"), str(path))
    except PerfSyntaxError:
        return
    walked = list(nodes.walk(module))
    assert len(walked) > 1 and [id(n) for n in walked] == [id(n) for n in _every_node(module)]
