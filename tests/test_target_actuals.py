"""`target … actual X`: the actual is read in its declared type; a bare target beside a unit takes it."""

from __future__ import annotations

from decimal import Decimal

from helpers import program, scores

from perfdsl import diagnose

RULES = """
input 满意度: rate >= 0%
input 完成数: count
input 金额: money(万元)
input 说明: text
input 目标: text
scorecard 卡 max 40 {
  indicator 满意 10 { target "≥95%" actual 满意度 }
  indicator 数量 10 { target "30条" actual 完成数 }
  indicator 资金 10 { target "≥30万元" actual 金额 }
  indicator 文本 10 { target 目标 actual 说明 }
}
"""


def test_an_actual_is_read_in_its_declared_type():
    scored = scores(program(RULES), {"满意度": "100%", "完成数": 28, "金额": "24万元", "说明": "92%", "目标": "≥90%"})
    assert scored["满意"] == 10  # "100%" is 100%, not 1%
    assert scored["数量"] == Decimal("9.33")  # a count is in the target's unit: 28 / 30
    assert scored["资金"] == 8  # 24万元 / 30万元
    assert scored["文本"] == 10
    result = program(RULES).evaluate({"满意度": Decimal("0.9"), "完成数": 30, "金额": 30, "说明": "98.77%", "目标": "95"})
    node = {"/".join(n.path): n for n in result.scorecards[0].nodes}
    assert node["满意"].basis == "目标 ≥95%，实际 90%，未达成：90% / 95% = 94.74%，10 × 94.74% = 9.47"
    assert node["文本"].score == 10  # a bare target beside a percent actual is a percentage: 95%


def test_check_reads_every_target_the_ruleset_writes():
    text = 'ruleset "t" { precision 2 }\n' + RULES.replace('target "30条" actual 完成数', 'target "三十条" actual 完成数') \
        .replace('target "≥95%" actual 满意度', 'target "30条" actual 满意度')
    _, diagnostics = diagnose(text, "t.perf")
    found = {(d.code, d.span.line) for d in diagnostics if d.is_error}
    assert found == {("P421", 9), ("P420", 10)}
