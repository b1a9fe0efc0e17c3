"""The forms published 项目支出绩效自评表 and platform rules are written in (issue 15, part B):
per-item weights, deadline and 定性 targets, comparison words and units, rating, round(),
scorecard rules (cap by, deduct, veto) and assessor panels — exact figures, both evaluation paths."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdsl import compile_text, diagnose, interp
from perfdsl.cli import main
from perfdsl.errors import DataValueError, RecordError
from perfdsl.targets import DEFAULT_LEVELS, TargetError, deviation, judge

ROOT = Path(__file__).resolve().parent.parent
D = Decimal

LIST = """
input 绩效指标: list {
  一级指标: text one of "产出指标", "效益指标"
  三级指标: text
  目标值: text
  实际值: text
  度量单位: text = ""
  分值: number >= 0
}
"""


def program(text: str):
    return compile_text('ruleset "t" { precision 2 }\n' + text, "t.perf")


def errors(text: str) -> set:
    _, found = diagnose('ruleset "t" { precision 2 }\n' + text, "t.perf")
    return {(d.code, d.span.line - 1) for d in found if d.is_error}


def codes(text: str) -> set:
    _, found = diagnose('ruleset "t" { precision 2 }\n' + text, "t.perf")
    return {d.code for d in found}


def both(prog, record):
    """The result (compiled figures), after checking the reference interpreter computes the same."""
    result = prog.evaluate(record)
    trace = interp.evaluate(prog.model, prog.convert(record))
    for card in result.scorecards:
        reference = trace.cards[card.name]
        assert (card.score, card.grade) == (reference.total, reference.grade)
        for node, ref in zip(card.fixed, reference.nodes):
            assert (node.weight, node.score) == (ref.weight, ref.score), node.path
    return result


def item(name, target, actual, weight, kind="产出指标", unit=""):
    return {"一级指标": kind, "三级指标": name, "目标值": target, "实际值": actual, "分值": weight, "度量单位": unit}


# ── 1. per-item weights ─────────────────────────────────────────────────────

WEIGHTED = LIST + """
scorecard 自评 max 50 {
  group 产出指标 50 {
    each 绩效指标 where 一级指标 == "产出指标" named 三级指标 weight 分值 { target 目标值 actual 实际值 unit 度量单位 }
  }
}
"""
EQUAL = WEIGHTED.replace(" weight 分值", "")

# 8 + 8 + 8 + 10 + 16 = 50; one shortfall, on the item of 16: 16 × 45/50 = 14.4
ITEMS = [item("培训人数", "≥120人", "130人", 8), item("培训场次", "≥6次", "6次", 8),
         item("合格率", "≥95", "98", 8, unit="百分比"), item("教材", "≥10种", "12种", 10),
         item("覆盖村数", "≥50个", "45个", 16)]


def test_each_item_scores_on_its_own_weight_from_the_data():
    result = both(program(WEIGHTED), {"绩效指标": ITEMS})
    card = result.scorecard("自评")
    scores = card.indicators()
    assert [node.weight for node in card.nodes[1:]] == [D(8), D(8), D(8), D(10), D(16)]
    assert scores["产出指标/覆盖村数"] == D("14.4")
    assert card.score == D("48.4")
    assert "50 分按各项分值（8 + 8 + 8 + 10 + 16）" in card.nodes[0].basis
    # equal shares (the old reading) give each 10: 10 × 45/50 = 9 → 49, not the table's 48.4
    assert program(EQUAL).evaluate({"绩效指标": ITEMS}).scorecard("自评").score == D(49)


def test_item_weights_that_do_not_add_up_are_a_data_error_naming_the_key():
    wrong = ITEMS[:4] + [item("覆盖村数", "≥50个", "45个", 15)]
    with pytest.raises(DataValueError) as caught:
        program(WEIGHTED).evaluate({"绩效指标": wrong})
    assert caught.value.key == "绩效指标[5].分值"
    assert "分组 产出指标 的分值为 50，但各项 分值 合计 8 + 8 + 8 + 10 + 15 = 49" in caught.value.message
    finer = ITEMS[:4] + [item("覆盖村数", "≥50个", "45个", "15.995"), item("补", "≥1个", "1个", "0.005")]
    with pytest.raises(DataValueError) as caught:
        program(WEIGHTED).evaluate({"绩效指标": finer})
    assert caught.value.key == "绩效指标[5].分值" and "须为 2 位小数以内" in caught.value.message
    # a 0 weight is a weight (an item listed for the record, worth nothing)
    zero = ITEMS + [item("备注项", "≥1个", "0个", 0)]
    assert both(program(WEIGHTED), {"绩效指标": zero}).scorecard("自评").score == D("48.4")


def test_item_weights_written_in_the_ruleset_are_checked_against_the_group():
    text = LIST + """
scorecard 自评 max 50 {
  group 产出指标 50 {
    each 绩效指标 named 三级指标 weights 8, 8, 8, 10, 15 { target 目标值 actual 实际值 unit 度量单位 }
  }
}
"""
    assert errors(text) == {("P332", 13)}
    good = program(text.replace("10, 15", "10, 16"))
    assert both(good, {"绩效指标": ITEMS}).scorecard("自评").score == D("48.4")
    with pytest.raises(DataValueError, match="按规则集给出 5 项的分值.*数据中却有 4 项"):
        good.evaluate({"绩效指标": ITEMS[:4]})


def test_a_group_with_no_items_scores_nothing_and_says_so():
    result = both(program(WEIGHTED), {"绩效指标": []})
    assert result.scorecard("自评").score == 0
    assert result.scorecard("自评").nodes[0].basis == "没有符合条件的绩效指标项，得 0 分"


# ── 2. target kinds ─────────────────────────────────────────────────────────


@pytest.mark.parametrize("target, actual, share", [
    ("9月前", "2020年8月", 1), ("9月前", "9月30日", 1), ("9月前", "2020年10月", 0), ("9月前", D(9), 1),
    ("12月底前完成", "12月", 1), ("12月底前完成", "2021年1月", 1),  # no year on the target: month against month
    ("2020年12月31日前", "2021年1月5日", 0), ("2020年12月31日前", "2020-12-31", 1), ("2020年12月31日前", "2020.12", 1),
    ("2020年6月30日前", "2020年7月1日", 0), ("按时", "按时完成", 1), ("按时完成", "未按时完成", 0),
    ("按时", True, 1), ("按时", False, 0), ("年底前", "11月", 1),
])
def test_deadlines_against_the_completion_date_or_month(target, actual, share):
    judged = judge(target, actual)
    assert (judged.kind, judged.share) == ("deadline", D(share))


def test_a_deadline_needs_a_date_or_a_word_it_can_read():
    with pytest.raises(TargetError, match="时限目标 `9月前` 的实际值须为完成日期或月份"):
        judge("9月前", "尚在推进")
    with pytest.raises(TargetError, match="没有写明日期"):
        judge("按时", "2020年8月")


@pytest.mark.parametrize("actual, share", [
    ("达成", "1"), ("达成预期指标", "1"), ("基本达成", "0.8"), ("部分达成", "0.6"),
    ("部分达成预期指标并具有一定效果", "0.6"), ("未达成", "0"), ("未达成预期指标且效果较差", "0"),
])
def test_qualitative_results_score_the_documents_tiers(actual, share):
    assert judge("有效提升", actual).share == D(share)


def test_a_qualitative_target_needs_a_tier():
    with pytest.raises(TargetError, match="定性目标 `有效提升` 的实际值须为 达成 / 基本达成 / 部分达成 / 未达成 之一"):
        judge("有效提升", "群众满意度明显提升")
    assert DEFAULT_LEVELS == {"达成": 1, "基本达成": D("0.8"), "部分达成": D("0.6"), "未达成": 0}


@pytest.mark.parametrize("target, actual, met, share", [
    ("不低于 95%", "96%", True, "1"), ("不高于5%", "4%", True, "1"), ("不高于5%", "6.25%", False, "0.8"),
    ("≥30条", "30条", True, "1"), ("≤4", "5", False, "0.8"), ("6%以内", "3%", True, "1"),
    ("100人以上", "80人", False, "0.8"), ("大于90%", "90%", False, "1"), ("小于10天", "8天", True, "1"),
    ("≥100百分比", "100", True, "1"), ("≤90万元", "90", True, "1"), ("≤90万元", "100", False, "0.9"),
    ("≥5万平方米", "4万平方米", False, "0.8"), ("≥20辆", "15辆", False, "0.75"),
])
def test_comparison_words_and_units_as_tables_write_them(target, actual, met, share):
    judged = judge(target, actual)
    assert (judged.met, judged.share) == (met, D(share))


def test_the_unit_column_completes_bare_figures():
    assert judge("≥95", "98", column_unit="百分比").text == "目标 ≥95%，实际 98%"
    assert judge("≥95", "90", column_unit="百分比").share == D(90) / D(95)
    assert judge("≥50", "40", column_unit="个").share == D("0.8")


def test_deviation_measures_how_far_an_actual_passes_its_target():
    assert deviation("≥50个", "80") == D("0.6")
    assert deviation("≥5万平方米", "6.8万平方米") == D("0.36")
    assert deviation("≤202.6万元", "132.9") < D("-0.34")
    assert deviation("9月前", "8月") == 0 and deviation("效果明显", "达成") == 0
    assert deviation("", "20份") == 0  # a blank 指标值 cell (Chongqing's 制作宣传品数量): nothing to measure


def test_targets_the_ruleset_writes_are_checked():
    text = """
input 满意度: rate
input 完成月份: count
input 完成情况: text
scorecard s max 40 {
  indicator 时效 10 { target "9月前" actual 完成月份 }
  indicator 定性 10 { target "有效提升" actual 完成情况 }
  indicator 错时 10 { target "9月前" actual 满意度 }
  indicator 无法读 10 { target "2021年1月份,割接率100%" actual 完成情况 }
}
"""
    assert errors(text) == {("P421", 8), ("P420", 9)}


QUALITATIVE = LIST + """
scorecard 自评 max 20 {
  group 产出指标 20 {
    each 绩效指标 named 三级指标 weight 分值 {
      target 目标值 actual 实际值 levels { 好 => 100%; 较好 => 90%; 一般 => 70%; 差 => 0 }
    }
  }
}
"""


def test_a_ruleset_declares_its_own_levels():
    record = {"绩效指标": [item("管理", "规范", "较好", 10), item("台账", "完整", "一般", 10)]}
    result = both(program(QUALITATIVE), record)
    assert result.scorecard("自评").indicators()["产出指标/管理"] == 9
    assert result.scorecard("自评").score == 16
    assert "评为较好（得分值的 90%）" in result.scorecard("自评").nodes[1].basis
    with pytest.raises(RecordError, match="好 / 较好 / 一般 / 差 之一"):
        program(QUALITATIVE).evaluate({"绩效指标": [item("管理", "规范", "基本达成", 20)]})
    assert errors(QUALITATIVE.replace("90%", "120%")) == {("P330", 14)}


# ── 3. rating and round() ───────────────────────────────────────────────────

RATING = """
input 得分系数: rate
input 评价等级: text
input 执行率: rate
scorecard s max 30 {
  indicator 系数 10 { rating 得分系数 }
  indicator 等级 10 { rating 评价等级 levels { 优 => 100%; 良 => 80%; 中 => 60%; 差 => 0 } }
  indicator 执行 10 {
    bands round(执行率, 2) {
      >= 90% => 10
      >= 50% => 5
      else => 0
    }
  }
}
"""


def test_rating_is_a_coefficient_or_a_level_times_the_weight():
    result = both(program(RATING), {"得分系数": "85%", "评价等级": "良", "执行率": "49.88%"})
    scores = result.scorecard("s").indicators()
    assert (scores["系数"], scores["等级"], scores["执行"]) == (D("8.5"), D(8), D(5))
    assert result.scorecard("s").nodes[2].basis.startswith("round(49.88%, 2) = 50.00%")
    # without round() 49.88% is below 50%: 0
    assert program(RATING.replace("round(执行率, 2)", "执行率")).evaluate(
        {"得分系数": 1, "评价等级": "优", "执行率": "49.88%"}).scorecard("s").indicators()["执行"] == 0


def test_a_coefficient_outside_0_1_or_an_unknown_level_names_its_key():
    with pytest.raises(DataValueError) as caught:
        program(RATING).evaluate({"得分系数": "120%", "评价等级": "良", "执行率": 1})
    assert caught.value.key == "得分系数" and "得分系数须在 0 到 1 之间" in caught.value.message
    with pytest.raises(DataValueError) as caught:
        program(RATING).evaluate({"得分系数": 1, "评价等级": "较好", "执行率": 1})
    assert caught.value.key == "评价等级" and "优 / 良 / 中 / 差 之一" in caught.value.message


def test_round_follows_the_rulesets_rounding_mode():
    text = 'input x: number\nscorecard s max 10 { indicator a 10 { score round(x, 0) } }'
    half_up = program(text)
    assert half_up.evaluate({"x": "2.5"}).scorecard("s").score == 3
    even = compile_text('ruleset "t" { precision 2\n rounding half-even }\n' + text, "t.perf")
    assert even.evaluate({"x": "2.5"}).scorecard("s").score == 2
    assert errors(text.replace("round(x, 0)", "round(x, 1.5)")) == {("P220", 2)}


# ── 4. scorecard rules ──────────────────────────────────────────────────────

CARD = """
input 预算执行率: rate
input 发生重大违纪违规问题: bool = false
input 偏差过大指标数: count = 0
input 得分: number in 0 .. 100
scorecard 自评 max 100 {
  grades { 优 >= 90; 良 >= 80; 中 >= 60; 差 }
  cap by 预算执行率 { < 50% => 59; < 60% => 69; < 70% => 79; < 80% => 89 }
  deduct 2 per 偏差过大指标数
  veto 重大违纪违规 when 发生重大违纪违规问题 => grade 差
  indicator 指标 100 { score 得分 }
}
"""


@pytest.mark.parametrize("rate, total", [
    ("80%", 95), ("79.99%", 89), ("70%", 89), ("69.99%", 79), ("60%", 79), ("59.99%", 69), ("50%", 69),
    ("49.99%", 59), ("0%", 59),
])
def test_the_platform_caps_the_total_by_execution_rate(rate, total):
    result = both(program(CARD), {"预算执行率": rate, "得分": 95})
    assert result.scorecard("自评").score == total


def test_scorecard_rules_show_as_their_own_lines():
    prog = program(CARD)
    result = both(prog, {"预算执行率": "75%", "得分": 95, "偏差过大指标数": 2})
    card = result.to_json()["scorecards"][0]
    assert card["score"] == 89 and card["grade"] == "良"
    lines = [(a["kind"], a["name"], a["applied"], a["before"], a["after"]) for a in card["adjustments"]]
    assert lines == [("deduct", "扣分：偏差过大指标数", True, 95, 91, ), ("cap", "封顶：预算执行率", True, 91, 89),
                     ("veto", "一票否决：重大违纪违规", False, 89, 89)]
    assert card["adjustments"][1]["basis"] == "预算执行率 = 75.00%，< 80%，总分最高 89，91 封顶为 89"
    vetoed = both(prog, {"预算执行率": 1, "得分": 95, "发生重大违纪违规问题": True}).scorecard("自评")
    assert (vetoed.score, vetoed.grade) == (95, "差")
    # a scorecard without scorecard rules keeps its JSON as it was
    plain_card = program("scorecard s max 10 { indicator a 10 { score 10 } }").evaluate({}).to_json()
    assert "adjustments" not in plain_card["scorecards"][0]


@pytest.mark.parametrize("fmt", ["table", "md", "csv", "html"])
def test_every_scoresheet_lists_the_scorecard_rules(tmp_path, fmt):
    ruleset = tmp_path / "t.perf"
    ruleset.write_text('ruleset "t" { precision 2 }\n' + CARD, encoding="utf-8")
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"预算执行率": "75%", "得分": 95}), encoding="utf-8")
    out = CliRunner().invoke(main, ["eval", str(ruleset), str(data), "--format", fmt]).output
    assert "封顶：预算执行率" in out and "一票否决：重大违纪违规" in out
    if fmt == "csv":
        assert out.splitlines()[1].endswith(",95,0,-6,0,,")
    else:
        assert "95 封顶为 89" in out


def test_check_reasons_about_caps_and_vetoes():
    always = CARD.replace("< 80% => 89 }", "< 80% => 89; else => 95 }")
    assert {"P333"} <= codes(CARD.replace("< 80% => 89", "< 80% => 100"))
    assert "P334" in codes(always.replace("else => 95", "else => 85"))
    assert errors(CARD.replace("grade 差", "grade 不合格")) == {("P331", 10)}
    assert errors(CARD.replace("deduct 2 per", "add 2 per")) == {("P330", 9)}


def test_a_deduction_per_indicator_beyond_its_target_by_30_percent():
    result = both(program(DEVIATING), {"绩效指标": [item("a", "≥50个", "80个", 25), item("b", "≥50个", "60个", 25)]})
    card = result.scorecard("自评")
    assert (scoresheet_sub(card), card.score) == (50, 48)


DEVIATING = LIST + """
let 偏高项数 = count(绩效指标 where deviation(目标值, 实际值, 度量单位) >= 30%)
scorecard 自评 max 50 {
  deduct 2 per 偏高项数
  group 产出指标 50 { each 绩效指标 named 三级指标 weight 分值 { target 目标值 actual 实际值 } }
}
"""


def scoresheet_sub(card):
    from perfdsl.report.scoresheet import subtotal

    return subtotal(card)


# ── 5. assessor panels ──────────────────────────────────────────────────────

PANEL = """
scorecard s max 20 {
  indicator 项目决策 20 { panel trimmed spread 3 }
}
"""


def test_a_panel_drops_the_highest_and_lowest_and_warns_of_a_wide_spread():
    experts = [{"得分": 18, "专家": "张", "说明": "资料齐全"}, {"得分": 15, "专家": "李"}, {"得分": 19}, {"得分": 17}]
    result = both(program(PANEL), {"项目决策评分": experts})
    card = result.scorecard("s")
    assert card.score == D("17.5")
    assert card.nodes[0].basis.startswith("评审组：张 18（资料齐全）；李 15；专家3 19；专家4 17，去掉最高 19 和最低 15，"
                                          "平均 (18 + 17) / 2 = 17.5")
    assert [(w.code, w.key) for w in result.warnings] == [("P530", "项目决策评分")]
    mean = program(PANEL.replace("trimmed spread 3", "mean"))
    assert both(mean, {"项目决策评分": experts}).scorecard("s").score == D("17.25")
    assert not mean.evaluate({"项目决策评分": experts}).warnings


def test_a_panel_score_outside_the_weight_or_too_few_experts_is_a_data_error():
    with pytest.raises(DataValueError) as caught:
        program(PANEL).evaluate({"项目决策评分": [{"得分": 18}, {"得分": 21}, {"得分": 17}]})
    assert caught.value.key == "项目决策评分[2].得分"
    with pytest.raises(DataValueError, match="须至少 3 位专家评分，只有 2 位"):
        program(PANEL).evaluate({"项目决策评分": [{"得分": 18}, {"得分": 17}]})


# ── the national project table ──────────────────────────────────────────────


def test_the_national_project_ruleset_passes_its_own_tests():
    result = CliRunner().invoke(main, ["test", str(ROOT / "rulesets" / "national-2020-projects.perf"),
                                       "--max-examples", "30"])
    assert result.exit_code == 0, result.output
    assert "16 个公布数字全部一致" in result.output and "规则分支覆盖" in result.output


def test_generated_records_score_alike_in_both_paths_for_every_new_form(tmp_path):
    text = RATING.replace("scorecard s max 30 {", "scorecard s max 50 {\n  cap by 执行率 { < 50% => 20 }\n"
                                                   "  veto v when 执行率 < 10% => cap 5\n"
                                                   "  indicator 专家 20 { panel trimmed spread 3 }")
    text = text.replace("input 得分系数: rate", "input 得分系数: rate in 0% .. 100%").replace(
        "input 评价等级: text", 'input 评价等级: text one of "优", "良", "中", "差"')
    ruleset = tmp_path / "forms.perf"
    ruleset.write_text('ruleset "t" { precision 2 }\n' + text, encoding="utf-8")
    record = {"得分系数": "85%", "评价等级": "良", "执行率": "49.88%", "专家评分": [{"得分": 18}, {"得分": 17}, {"得分": 19}],
              "_expected": {"s": {"score": 20, "grade": None, "indicators": {"系数": 8.5, "等级": 8, "执行": 5, "专家": 18}}}}
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "forms.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(ruleset), "--max-examples", "60"])
    assert result.exit_code == 0, result.output
    assert "满足全部不变式" in result.output


# 池州市贵池区棠溪镇人民政府《项目支出绩效自评表（2022年度）》委托业务项目, as published at
# http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2 (a copy of the town's disclosure; the
# stored copy ends inside the 满意度 row, so only the 产出 and 效益 rows are reproduced — as published).
TANGXI = [
    ("产出指标", "基建工程委托业务项目数量", "≥50个", "50", 8),
    ("产出指标", "委托业务报告合格率", "≥100百分比", "100", 8),
    ("产出指标", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8),
    ("产出指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", 8),
    ("产出指标", "项目总成本", "≤90万元", "90", 8),
    ("产出指标", "单项业务成本", "符合相关规定", "达成预期指标", 10),
    ("效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", 10),
    ("效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", 10),
    ("效益指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", 10),
]


def test_a_published_project_table_scores_row_by_row_as_published():
    prog = compile_text((ROOT / "rulesets" / "national-2020-projects.perf").read_text("utf-8"),
                        str(ROOT / "rulesets" / "national-2020-projects.perf"))
    record = {"项目名称": "委托业务项目", "全年预算数": "89.974万元", "全年执行数": "89.974万元",
              "绩效指标": [{"一级指标": kind, "三级指标": name, "年度指标值": target, "实际完成值": actual, "分值": weight}
                          for kind, name, target, actual, weight in TANGXI]}
    card = both(prog, record).scorecard("项目自评")
    scores = card.indicators()
    for kind, name, _, _, weight in TANGXI:  # every row: 分值 = 得分, as the table prints
        assert scores[f"{kind}/{name}"] == weight, name
    assert (scores["产出指标"], scores["效益指标"], scores["预算执行率"]) == (50, 30, 10)
    assert next(n for n in card.nodes if n.name == "项目总成本").basis == "目标 ≤90万元，实际 90，达成，得满分 8"
