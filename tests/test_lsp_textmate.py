"""The TextMate grammar (editors/vscode) run by a real Oniguruma engine, as VS Code runs it.

A small tokeniser loop applies TextMate's rule — at each position the pattern
whose match starts first wins, the earlier pattern on a tie — and collects the
text no pattern covers.  Every shipped ruleset must tokenise with none left
over but blanks, and the scopes of a few lines are asserted exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

onig = pytest.importorskip("onigurumacffi")

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR = json.loads((ROOT / "editors" / "vscode" / "syntaxes" / "perf.tmLanguage.json").read_text(encoding="utf-8"))
SHIPPED = sorted((ROOT / "rulesets").glob("*.perf")) + sorted((ROOT / "rulesets" / "common").glob("*.perf"))
BLANK = " \t\f\u3000\r"


def _flatten(patterns):
    for pattern in patterns:
        if "include" in pattern:
            yield from _flatten([GRAMMAR["repository"][pattern["include"].lstrip("#")]])
        elif "patterns" in pattern and "match" not in pattern:
            yield from _flatten(pattern["patterns"])
        else:
            assert "begin" not in pattern, "the tokeniser here knows single-line `match` rules only"
            yield pattern


RULES = list(_flatten(GRAMMAR["patterns"]))
REGSET = onig.compile_regset(*[rule["match"] for rule in RULES])


def tokenise(line: str):
    """([(text, scope)], unmatched text): the tokens of one line and what no rule matched."""
    tokens, unmatched, at = [], [], 0
    while at < len(line):
        index, match = REGSET.search(line, at)
        if match is None or match.end() == match.start():
            unmatched.append(line[at:])
            break
        if match.start() > at:
            unmatched.append(line[at : match.start()])
        rule = RULES[index]
        if "captures" in rule:
            tokens += [(match.group(int(n)), c["name"]) for n, c in rule["captures"].items() if match.group(int(n))]
        else:
            tokens.append((match.group(), rule["name"]))
        at = match.end()
    return tokens, "".join(part.strip(BLANK) for part in unmatched)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_ruleset_tokenises_without_unmatched_text(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    left = [(number, line, rest) for number, line in enumerate(lines, 1) for rest in [tokenise(line)[1]] if rest]
    assert left == []
    assert len(lines) > 10


def test_scopes_of_an_indicator_and_a_rule():
    assert tokenise("      indicator 项目完成率 8 {")[0] == [
        ("indicator", "keyword.declaration.perf"), ("项目完成率", "entity.name.perf"),
        ("8", "constant.numeric.perf"), ("{", "punctuation.section.block.perf")]
    assert tokenise("        deduct 0.5 per started 1% of 结转结余率 above 5%")[0] == [
        ("deduct", "keyword.control.rule.perf"), ("0.5", "constant.numeric.perf"), ("per", "keyword.control.rule.perf"),
        ("started", "keyword.control.rule.perf"), ("1%", "constant.numeric.percent.perf"),
        ("of", "keyword.control.rule.perf"), ("结转结余率", "variable.other.perf"),
        ("above", "keyword.control.rule.perf"), ("5%", "constant.numeric.percent.perf")]
    assert tokenise("input 政府性基金预算财政拨款决算数: money(元) = 0元  # 注释")[0] == [
        ("input", "keyword.declaration.perf"), ("政府性基金预算财政拨款决算数", "entity.name.perf"),
        (":", "punctuation.separator.perf"), ("money", "storage.type.perf"), ("(", "punctuation.section.parens.perf"),
        ("元", "variable.other.perf"), (")", "punctuation.section.parens.perf"), ("=", "keyword.operator.perf"),
        ("0元", "constant.numeric.money.perf"), ("# 注释", "comment.line.number-sign.perf")]


def test_names_keywords_and_functions_are_told_apart():
    assert tokenise("let 率 = max(score项目, 1) + count(表 where 类 == \"产出\")")[0] == [
        ("let", "keyword.declaration.perf"), ("率", "entity.name.perf"), ("=", "keyword.operator.perf"),
        ("max", "support.function.perf"), ("(", "punctuation.section.parens.perf"),
        ("score项目", "variable.other.perf"), (",", "punctuation.separator.perf"), ("1", "constant.numeric.perf"),
        (")", "punctuation.section.parens.perf"), ("+", "keyword.operator.perf"), ("count", "support.function.perf"),
        ("(", "punctuation.section.parens.perf"), ("表", "variable.other.perf"), ("where", "keyword.control.rule.perf"),
        ("类", "variable.other.perf"), ("==", "keyword.operator.perf"), ('"产出"', "string.quoted.double.perf"),
        (")", "punctuation.section.parens.perf")]
    assert tokenise("scorecard 自评得分 max 100 {")[0][2] == ("max", "keyword.control.rule.perf")
    assert tokenise("  when `“三公”经费`：")[0][1:] == [
        ("`“三公”经费`", "variable.other.quoted.perf"), ("：", "invalid.illegal.full-width.perf")]


def test_text_no_rule_matches_is_reported():
    assert tokenise("input 甲: rate ? @ 乙")[1] == "? @"


def test_every_keyword_of_the_language_is_highlighted_as_one():
    """A keyword added to the grammar must reach the editors too, not be coloured as a name."""
    import re

    from perfdsl import parser

    listed = {word for rule in RULES for group in re.findall(r"\\b\(([a-z|-]+)\)", rule["match"])
              for word in group.split("|")}
    assert sorted(parser.keywords() - listed) == []
    assert tokenise("extends \"common/guangdong-base.perf\"")[0][0] == ("extends", "keyword.other.header.perf")
