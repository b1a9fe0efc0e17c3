"""perfdsl's limits (perfdsl/limits.py, docs/language.md §Limits): a ruleset exactly at each bound checks,
compiles and is scored in every format; one step past it is a located P115 from the parser and `check`.

So the generated evaluator, the checks and the writers never meet Python's own
limits (200 nested parentheses, the recursion limit): whatever the parser
accepts they handle.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from perfdsl import compile_text, diagnose, limits
from perfdsl.cli import main

HEAD = 'ruleset "极限" { precision 2 }\ninput x: number in 0..1 = 1\n'


def _card(body: str, weight: int = 10) -> str:
    return HEAD + f"scorecard 卡 max {weight} {{\n  group 组 {weight} {{\n{body}\n  }}\n}}\n"


def chain(terms: int) -> str:
    """`x + x + … + x`: one level of nesting per operator."""
    return " + ".join(["x"] * terms)


def ifs(count: int) -> str:
    expression = "x"
    for number in range(count):
        expression = f"if x > {number} then {expression} else x"
    return expression


def negations(count: int) -> str:
    return "-" * count + "x"


def mixed(depth: int) -> str:
    """Alternating calls, products, conditionals and sums, `depth` levels deep."""
    expression = "x"
    for number in range(depth):
        kind = number % 4
        if kind == 0:
            expression = f"min({expression}, 1)"
        elif kind == 1:
            expression = f"({expression}) * 1"
        elif kind == 2:
            expression = f"if x >= 0 then {expression} else 0"
        else:
            expression = f"({expression}) + 0"
    return expression


# Each builder gives an expression `depth` operations deep (an `if` and its comparison are two; the `min(10, …)`
# around it is one more).
DEPTHS = {"chain": lambda d: chain(d + 1), "ifs": lambda d: ifs(d - 1), "negations": negations, "mixed": mixed}


def _scored(text: str, tmp_path):
    """Check, compile and score `text` in every output format; return the JSON result."""
    _, diagnostics = diagnose(text, "limit.perf")
    assert not [d for d in diagnostics if d.is_error], [d.render() for d in diagnostics]
    compile_text(text, "limit.perf").evaluate({"x": Decimal(1)})
    ruleset = tmp_path / "limit.perf"
    ruleset.write_text(text, "utf-8")
    data = tmp_path / "data.json"
    data.write_text('[{"x": 1}, {"x": 0.5}]', "utf-8")
    runner = CliRunner()
    outputs = {}
    for fmt in ("json", "jsonl", "csv", "md", "html", "table", "xlsx"):
        target = tmp_path / f"out.{fmt}"
        args = ["eval", str(ruleset), str(data), "--format", fmt] + (["-o", str(target)] if fmt == "xlsx" else [])
        done = runner.invoke(main, args, catch_exceptions=False)
        assert done.exit_code == 0, (fmt, done.output)
        assert "内部错误" not in done.output
        outputs[fmt] = done.output
    return json.loads(outputs["json"], parse_float=Decimal)


def _refused(text: str, fragment: str):
    _, diagnostics = diagnose(text, "limit.perf")
    errors = [d for d in diagnostics if d.is_error]
    assert [d.code for d in errors] == ["P115"], [d.render() for d in errors]
    assert fragment in errors[0].message
    assert errors[0].render().startswith("limit.perf:")
    return errors[0]


@pytest.mark.parametrize("kind", sorted(DEPTHS))
def test_an_expression_at_the_depth_limit_is_scored_everywhere(kind, tmp_path):
    expression = DEPTHS[kind](limits.EXPRESSION_DEPTH - 1)
    out = _scored(_card(f"    indicator 分 10 {{ score min(10, {expression}) }}"), tmp_path)
    assert len(out) == 2 and all("error" not in record for record in out)


@pytest.mark.parametrize("kind", sorted(DEPTHS))
@pytest.mark.parametrize("excess", [1, 500])
def test_an_expression_past_the_depth_limit_is_a_located_error(kind, excess):
    expression = DEPTHS[kind](limits.EXPRESSION_DEPTH - 1 + excess)
    error = _refused(_card(f"    indicator 分 10 {{ score min(10, {expression}) }}"), "表达式嵌套过深")
    assert (error.span.line, error.span.column) == (5, 28)  # where the expression starts: `min(`


def test_a_let_at_the_depth_limit_used_by_another_let(tmp_path):
    body = f"let a = {chain(limits.EXPRESSION_DEPTH)}\nlet b = {chain(limits.EXPRESSION_DEPTH - 1).replace('x', 'a')}\n"
    text = HEAD + body + "scorecard 卡 max 10 {\n  group 组 10 {\n    indicator 分 10 { score min(10, b) }\n  }\n}\n"
    out = _scored(text, tmp_path)
    assert out[0]["scorecards"][0]["score"] == Decimal(10)


def test_arguments_at_and_past_the_limit(tmp_path):
    arguments = ", ".join(["x"] * limits.ARGUMENTS)
    out = _scored(_card(f"    indicator 分 10 {{ score min({arguments}) }}"), tmp_path)
    assert out[1]["scorecards"][0]["score"] == Decimal("0.5")
    _refused(_card(f"    indicator 分 10 {{ score min({arguments}, x) }}"), f"最多 {limits.ARGUMENTS} 个参数")


def test_indicators_in_one_group_at_and_past_the_limit(tmp_path):
    leaves = "\n".join(f"    indicator 分{n} 1 {{ score x }}" for n in range(limits.ITEMS))
    out = _scored(_card(leaves, limits.ITEMS), tmp_path)
    assert out[0]["scorecards"][0]["score"] == Decimal(limits.ITEMS)
    more = leaves + "\n    indicator 多 1 { score x }"
    _refused(_card(more, limits.ITEMS + 1), f"最多 {limits.ITEMS} 个下级指标")


def test_bands_and_checklists_at_and_past_the_limit(tmp_path):
    arms = "; ".join(f">= {Decimal(limits.ITEMS - n) / limits.ITEMS} => {limits.ITEMS - n}" for n in range(limits.ITEMS - 1))
    out = _scored(_card(f"    indicator 分 {limits.ITEMS} {{ bands x {{ {arms}; else => 0 }} }}", limits.ITEMS), tmp_path)
    assert [r["scorecards"][0]["score"] for r in out] == [Decimal(limits.ITEMS), Decimal(limits.ITEMS // 2)]
    _refused(_card(f"    indicator 分 1 {{ bands x {{ {arms}; >= 0 => 0; else => 0 }} }}", 1), "个分档")
    items = "; ".join(f"x >= {Decimal(n) / limits.ITEMS}" for n in range(1, limits.ITEMS + 1))
    out = _scored(_card(f"    indicator 分 {limits.ITEMS} {{ checklist {{ {items} }} }}", limits.ITEMS), tmp_path)
    assert [r["scorecards"][0]["score"] for r in out] == [Decimal(limits.ITEMS), Decimal(limits.ITEMS // 2)]
    _refused(_card(f"    indicator 分 1 {{ checklist {{ {items}; x > 0 }} }}", 1), "个检查项")


def _nested(levels: int) -> str:
    body = "indicator 叶 10 { score min(10, x) }"
    for level in range(levels - 1):
        body = f"group 层{level} 10 {{ {body} }}"
    return HEAD + f"scorecard 卡 max 10 {{\n  {body}\n}}\n"


def test_indicator_levels_at_and_past_the_limit(tmp_path):
    out = _scored(_nested(limits.INDICATOR_DEPTH), tmp_path)
    paths = [indicator["path"] for indicator in out[0]["scorecards"][0]["indicators"]]
    assert max(len(path) for path in paths) == limits.INDICATOR_DEPTH
    _refused(_nested(limits.INDICATOR_DEPTH + 1), "指标层级过深")
    _refused(_nested(500), "指标层级过深")


def test_the_number_of_indicators_is_bounded():
    groups = limits.INDICATORS // limits.ITEMS
    leaves = "\n".join(f"indicator 分{n} 1 {{ score x }}" for n in range(limits.ITEMS - 1))
    body = "\n".join(f"group 组{g} {limits.ITEMS - 1} {{\n{leaves}\n}}" for g in range(groups + 1))
    text = HEAD + f"scorecard 卡 max {(limits.ITEMS - 1) * (groups + 1)} {{\n{body}\n}}\n"
    _refused(text, f"最多 {limits.INDICATORS} 个指标")


@pytest.mark.parametrize("literal", ["1" * 21, "0." + "1" * 20, "1" * 21 + "%", "1" * 21 + "元"])
def test_a_number_with_too_many_digits_in_a_ruleset(literal):
    error = _refused(_card(f"    indicator 分 10 {{ score min(10, x * {literal}) }}"), "数字过长")
    assert (error.span.line, error.span.column) == (5, 40)


def test_a_number_at_the_digit_limit_is_exact(tmp_path):
    literal = "0." + "0" * (limits.NUMBER_DIGITS - 2) + "1"
    out = _scored(_card(f"    indicator 分 10 {{ score 10 - x * {literal} }}"), tmp_path)
    assert out[0]["scorecards"][0]["score"] == Decimal(10)
