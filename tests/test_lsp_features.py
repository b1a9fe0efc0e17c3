"""The feature functions of `perfdsl lsp` on every position of every shipped ruleset, and on broken versions of them.

In process (the stdio tests in test_lsp.py drive the same functions through the server):
every name used resolves to a definition of that name, and no position, in a
whole or a mutilated ruleset, makes a feature raise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdsl.lsp import completion, diagnostics, hover, navigation, symbols
from perfdsl.lsp.document import analyse, uri_of
from perfdsl.lsp.index import Use

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "rulesets").glob("*.perf")) + sorted((ROOT / "rulesets" / "common").glob("*.perf"))


def _everywhere(analysis, step=1):
    for line, text in enumerate(analysis.lines, start=1):
        for column in range(1, len(text) + 2, step):
            yield line, column


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_use_of_a_name_resolves_to_its_definition(path):
    analysis = analyse(path.read_text(encoding="utf-8"), uri_of(path))
    index = analysis.index
    uses = [u for u in index.uses if u.span.source.path == str(path)]
    assert uses or path.name in ("national.perf", "guangdong-framework.perf"), \
        "a shipped ruleset uses names (the national grade table and the Guangdong framework, definitions only, name none)"
    for use in uses:
        targets = index.targets(use)
        assert targets and all(t.name == use.name for t in targets), (use.name, use.span.line)
        written = use.span.source.line(use.span.line)[use.span.column - 1 : use.span.end_column - 1]
        assert written.strip("`") == use.name  # the span covers the name as written
    for symbol in index.symbols:
        written = symbol.span.source.line(symbol.span.line)[symbol.span.column - 1 : symbol.span.end_column - 1]
        assert written.strip("`") == symbol.name


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_position_makes_a_feature_raise(path):
    analysis = analyse(path.read_text(encoding="utf-8"), uri_of(path))
    outline = symbols.outline(analysis)
    assert outline
    hovered = 0
    for line, column in _everywhere(analysis, step=2):
        found = hover.hover(analysis, line, column)
        hovered += found is not None
        navigation.definition(analysis, line, column)
        navigation.references(analysis, line, column, True)
        item = analysis.index.at(analysis.path, line, column)
        if isinstance(item, Use):
            assert found is not None, (line, column)
    assert hovered > (20 if analysis.model.scorecards else 1)
    assert analysis.includes == [] or all(ref.target is not None for ref in analysis.includes)


@pytest.mark.parametrize("path", SHIPPED[:2], ids=lambda p: p.name)
def test_mutilated_rulesets_never_make_a_feature_raise(path):
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    versions = ["\n".join(lines[:k] + lines[k + 1 :]) for k in range(0, len(lines), 9)]  # a line left out
    versions += [text[: len(text) * k // 13] for k in range(1, 13)]  # cut short
    versions += [text.replace("{", "", 1), text.replace("}", "", 1), text.replace(":", "：", 1)]
    for version in versions:
        analysis = analyse(version, uri_of(path))
        diagnostics.by_uri(analysis)
        symbols.outline(analysis)
        completion.complete(analysis.index, "项")
        for line, column in _everywhere(analysis, step=17):
            hover.hover(analysis, line, column)
            navigation.definition(analysis, line, column)
            navigation.references(analysis, line, column, False)
