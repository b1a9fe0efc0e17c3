"""Each rule form of the language at its boundaries, on small rulesets."""

from __future__ import annotations

import pytest
from helpers import D, program, scores

from perfdsl.errors import DataValueError, EvaluationError

BANDS = program("""
input x: rate
input gap: number
scorecard 卡 max 14 {
  group 组 14 {
    indicator 支出率 8 {
      bands x share { >= 100% => 100%; >= 95% => 80%; > 90% => 60%; else => 0 }
    }
    indicator 偏差 6 { bands gap { <= 5 => 6; <= 10 => 4; < 20 => 2; else => 0 } }
  }
}
""")


@pytest.mark.parametrize("x,expected", [
    ("1", "8"), ("1.3", "8"), ("0.95", "6.4"), ("0.9499", "4.8"), ("0.9001", "4.8"), ("0.9", "0"), ("0", "0"),
])
def test_bands_share_first_matching_arm_ge_vs_gt(x, expected):
    assert scores(BANDS, {"x": D(x), "gap": D(0)})["组/支出率"] == D(expected)


@pytest.mark.parametrize("gap,expected", [
    ("0", "6"), ("5", "6"), ("5.01", "4"), ("10", "4"), ("10.01", "2"), ("19.99", "2"), ("20", "0"),
])
def test_bands_points_le_vs_lt(gap, expected):
    assert scores(BANDS, {"x": D(1), "gap": D(gap)})["组/偏差"] == D(expected)


STEPS = program("""
input r: rate
input days: count = 0
input n: count = 0
scorecard 卡 max 9 {
  group 组 9 {
    indicator 结转 3 { deduct 0.5 per started 1% of r above 5% }
    indicator 延误 4 { deduct 2 per started 5 of days }
    indicator 次数 2 { deduct 0.5 per n }
  }
}
""")


@pytest.mark.parametrize("r,expected", [
    ("0", "3"), ("0.05", "3"), ("0.0501", "2.5"), ("0.06", "2.5"), ("0.062", "2"), ("0.1", "0.5"),
    ("0.1001", "0"), ("0.5", "0"),
])
def test_started_step_above_threshold(r, expected):
    assert scores(STEPS, {"r": D(r)})["组/结转"] == D(expected)


@pytest.mark.parametrize("days,expected", [(0, "4"), (1, "2"), (5, "2"), (6, "0"), (10, "0"), (11, "0")])
def test_started_step_of_a_count(days, expected):
    assert scores(STEPS, {"r": D(0), "days": D(days)})["组/延误"] == D(expected)


@pytest.mark.parametrize("n,expected", [(0, "2"), (1, "1.5"), (4, "0"), (5, "0")])
def test_per_occurrence_floors_at_zero(n, expected):
    assert scores(STEPS, {"r": D(0), "n": D(n)})["组/次数"] == D(expected)


def test_whole_and_linear_steps():
    p = program("""
input r: rate
scorecard 卡 max 6 {
  group 组 6 {
    indicator 满 3 { deduct 1 per whole 10% of r below 100% }
    indicator 线 3 { deduct 1 per 10% of r below 100% }
  }
}
""")
    got = scores(p, {"r": D("0.75")})
    assert (got["组/满"], got["组/线"]) == (D(1), D("0.5"))  # ⌊2.5⌋ = 2 → 1; 2.5 → 0.5
    got = scores(p, {"r": D("1.2")})
    assert (got["组/满"], got["组/线"]) == (D(3), D(3))


RATIO = program("""
input done: count
input total: count
input used: money(元)
input assets: money(元)
scorecard 卡 max 10 {
  group 组 10 {
    indicator 完成率 8 {
      when total == 0 => full
      ratio done / total
    }
    indicator 利用率 2 { ratio used / assets }
  }
}
""")


def test_ratio_is_proportional_and_rounded_half_up():
    got = scores(RATIO, {"done": D(9), "total": D(14), "used": D(1), "assets": D(1)})
    assert got["组/完成率"] == D("5.14")
    # 6 × 1/1200 = 0.005 exactly: half-up gives 0.01 even though 1/1200 does not terminate
    p = program("""
input a: count
input b: count
scorecard 卡 max 6 { group 组 6 { indicator 率 6 { score 6 * (a / b) } } }
""")
    assert scores(p, {"a": D(1), "b": D(1200)})["组/率"] == D("0.01")


def test_ratio_zero_denominator_guarded_and_unguarded():
    got = scores(RATIO, {"done": D(0), "total": D(0), "used": D(1), "assets": D(1)})
    assert got["组/完成率"] == D(8)
    with pytest.raises(EvaluationError) as caught:
        RATIO.evaluate({"done": D(1), "total": D(2), "used": D(0), "assets": D(0)})
    assert caught.value.key == "assets"
    assert "指标 组/利用率" in caught.value.message and "`assets` 为 0" in caught.value.message


def test_ratio_over_full_is_clamped():
    got = scores(RATIO, {"done": D(20), "total": D(14), "used": "2万元", "assets": "1万元"})
    assert (got["组/完成率"], got["组/利用率"]) == (D(8), D(2))


REALLOC = program("""
input 有转移支付: bool = false
input 比例: rate = 0
scorecard 卡 max 10 {
  group 编制 6 {
    indicator 合理性 3 { score full }
    indicator 提前下达率 3 {
      applies when 有转移支付 else move 2 to 合理性, 1 to 支出率
      score 3 * 比例
    }
  }
  group 执行 4 {
    indicator 支出率 2 { score full }
    indicator 下达 2 {
      applies when 有转移支付 else full
      score 0
    }
  }
}
""")


def test_reallocation_off_moves_weight_across_groups():
    card = REALLOC.evaluate({}).scorecards[0]
    got = {"/".join(n.path): (n.weight, n.score) for n in card.nodes}
    assert got["编制/合理性"] == (5, 5)
    assert got["编制/提前下达率"] == (0, 0)
    assert got["执行/支出率"] == (3, 3)
    assert got["执行/下达"] == (2, 2)  # not applicable means full marks here
    assert got["编制"] == (5, 5) and got["执行"] == (5, 5)
    assert card.score == 10


def test_reallocation_on_keeps_declared_weights():
    card = REALLOC.evaluate({"有转移支付": True, "比例": "50%"}).scorecards[0]
    got = {"/".join(n.path): (n.weight, n.score) for n in card.nodes}
    assert got["编制/合理性"] == (3, 3) and got["编制/提前下达率"] == (3, D("1.5"))
    assert got["执行/支出率"] == (2, 2) and got["执行/下达"] == (2, 0)


BONUS = program("""
input 基础: number
input 表彰: count = 0
input 问责: count = 0
scorecard 卡 max 100 {
  cap 0 .. 100
  group 主体 100 { indicator 基础分 100 { score 基础 } }
  bonus 加减分项 3 {
    indicator 工作表现 3 {
      add 1 per 表彰 up to 3
      deduct 1 per 问责 up to 3
    }
  }
}
""")


@pytest.mark.parametrize("base,honours,blames,bonus,total", [
    ("90", 0, 0, "0", "90"), ("90", 2, 0, "2", "92"), ("90", 5, 0, "3", "93"), ("99", 3, 0, "3", "100"),
    ("100", 3, 0, "3", "100"), ("90", 0, 2, "-2", "88"), ("90", 1, 9, "-2", "88"), ("1", 0, 3, "-3", "0"),
])
def test_bonus_caps_and_total_cap(base, honours, blames, bonus, total):
    got = scores(BONUS, {"基础": D(base), "表彰": D(honours), "问责": D(blames)})
    assert got["加减分项/工作表现"] == D(bonus)
    assert got[""] == D(total)


def test_checklists_equal_share_and_points():
    p = program("""
input a: bool
input b: bool
input spent: money(元)
input budget: money(元)
scorecard 卡 max 10 {
  group 组 10 {
    indicator 均分 7 { checklist { a; b; not a } }
    indicator 计分 3 { checklist { spent <= budget => 1; a => 2 } }
  }
}
""")
    got = scores(p, {"a": True, "b": True, "spent": "1万元", "budget": 10000})
    assert (got["组/均分"], got["组/计分"]) == (D("4.67"), D(3))
    got = scores(p, {"a": False, "b": False, "spent": "1.01万元", "budget": 10000})
    assert (got["组/均分"], got["组/计分"]) == (D("2.33"), D(0))


MANUAL = program("""
scorecard 卡 max 6 { group 组 6 { indicator 绩效目标 6 { manual } } }
""")


def test_manual_reads_deduction_with_note():
    result = MANUAL.evaluate({"绩效目标扣分": {"value": 3, "note": "填写不完整"}})
    node = result.scorecards[0].nodes[1]
    assert node.score == 3
    assert node.basis == "评审扣 3 分：填写不完整，6 - 3 = 3"
    assert MANUAL.evaluate({}).scorecards[0].score == 6  # 扣分 defaults to 0


@pytest.mark.parametrize("value", [-1, 7])
def test_manual_deduction_outside_weight_is_a_data_error(value):
    with pytest.raises(DataValueError) as caught:
        MANUAL.evaluate({"绩效目标扣分": value})
    assert caught.value.key == "绩效目标扣分"


def test_guard_protects_an_undefined_derived_value():
    p = program("""
input now: money(元)
input prior: money(元)
let change = now / prior - 1
scorecard 卡 max 3 {
  group 组 3 {
    indicator 存量 3 {
      when prior == 0 => if now == 0 then full else 0
      deduct 1 per started 10% of change above 0%
    }
  }
}
""")
    assert scores(p, {"now": 0, "prior": 0})["组/存量"] == 3
    assert scores(p, {"now": 1, "prior": 0})["组/存量"] == 0
    assert scores(p, {"now": "1.1万元", "prior": "1万元"})["组/存量"] == 2
    assert scores(p, {"now": "1.1001万元", "prior": "1万元"})["组/存量"] == 1


def test_unused_missing_input_is_fine_but_a_used_one_is_a_data_error():
    p = program("""
input 有转移支付: bool = false
input 比例: rate
input 次数: count
scorecard 卡 max 4 {
  group 组 4 {
    indicator 提前 2 { applies when 有转移支付 else move 2 to 其他; score 2 * 比例 }
    indicator 其他 2 { deduct 1 per 次数 }
  }
}
""")
    assert scores(p, {"次数": 1})[""] == 3
    with pytest.raises(DataValueError) as caught:
        p.evaluate({"有转移支付": True, "次数": 1})
    assert caught.value.key == "比例" and "缺少输入 `比例`" in caught.value.message


def test_scorecard_total_used_in_another_scorecard():
    p = program("""
input 自评: number
input x: number
let 分差 = abs(自评 - 复核)
scorecard 质量 max 6 { group 组 6 { indicator 偏差 6 { bands 分差 { <= 5 => 6; else => 0 } } } }
scorecard 复核 max 10 { group 组 10 { indicator 分 10 { score x } } }
""")
    result = p.evaluate({"自评": 12, "x": 7})
    assert result.scorecard("复核").score == 7
    assert result.scorecard("质量").score == 6  # |12 - 7| = 5
    assert [c.name for c in result.scorecards] == ["质量", "复核"]  # declaration order, evaluated by dependency


def test_precision_and_rounding_are_the_rulesets():
    from perfdsl import compile_text

    text = """ruleset "t" { precision 1; rounding half-even }
input a: count
scorecard 卡 max 1 { group 组 1 { indicator 率 1 { score a / 4 } } }
"""
    p = compile_text(text)
    assert scores(p, {"a": 1})["组/率"] == D("0.2")  # 0.25 → 0.2 half-even
    p = compile_text(text.replace("half-even", "half-up"))
    assert scores(p, {"a": 1})["组/率"] == D("0.3")


def test_money_units_convert_exactly():
    p = program("""
input 实际: money(万元)
input 预算: money(元)
scorecard 卡 max 5 { group 组 5 { indicator 控制 5 { score if 实际 <= 预算 then full else 0 } } }
""")
    assert scores(p, {"实际": 23, "预算": "252000元"})[""] == 5  # 23万元 ≤ 25.2万元
    assert scores(p, {"实际": "25.2001万元", "预算": 252000})[""] == 0


def test_manual_score_reads_the_judged_score():
    p = program("""
scorecard 卡 max 10 { group 组 10 { indicator 目标制定 10 { manual score } } }
""")
    node = p.evaluate({"目标制定得分": {"value": 9, "note": "目标不够完整"}}).scorecards[0].nodes[1]
    assert (node.score, node.basis) == (D(9), "评审得 9 分：目标不够完整")
    with pytest.raises(DataValueError) as caught:
        p.evaluate({"目标制定得分": 11})
    assert caught.value.key == "目标制定得分" and "超过指标的分值 10" in caught.value.message
    with pytest.raises(DataValueError) as caught:
        p.evaluate({})  # a judged score has no default
    assert caught.value.key == "目标制定得分"


def test_show_puts_a_figure_in_the_basis_without_scoring():
    p = program("""
input 本年: money(万元)
input 上年: money(万元)
input 报告: rate
let 变动率 = (本年 - 上年) / 上年
scorecard 卡 max 3 {
  group 组 3 { indicator 变动 3 { score full; show 变动率 vs 报告 } }
}
""")
    node = p.evaluate({"本年": "1.41万元", "上年": "3.04万元", "报告": "46.38%"}).scorecards[0].nodes[1]
    assert node.score == 3
    assert node.basis == ("得满分 3，参考：变动率 = (1.41万元 - 3.04万元) / 3.04万元 = -53.62%"
                          "（报告为 46.38%，与重算不一致）")
    node = p.evaluate({"本年": 1.41, "上年": 3.04, "报告": "-53.62%"}).scorecards[0].nodes[1]
    assert node.basis.endswith("= -53.62%（报告为 -53.62%）")
    # a figure that cannot be computed never fails the record
    node = p.evaluate({"本年": 1, "上年": 0, "报告": "1%"}).scorecards[0].nodes[1]
    assert node.score == 3 and node.basis.endswith("参考：变动率 无法计算")


def test_include_splices_a_library_once(tmp_path):
    from perfdsl import load

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "grades.perf").write_text('grades 两档 { 合格 >= 60; 不合格 }\n', "utf-8")
    (tmp_path / "lib" / "inputs.perf").write_text('include "grades.perf"\ninput x: number\n', "utf-8")
    (tmp_path / "card.perf").write_text("""ruleset "t" { }
include "lib/inputs.perf"
include "lib/grades.perf"
scorecard 卡 max 100 {
  grades 两档
  group 组 100 { indicator 分 100 { score x } }
}
""", "utf-8")
    result = load(tmp_path / "card.perf").evaluate({"x": 59.99})
    assert (result.scorecards[0].score, result.scorecards[0].grade) == (D("59.99"), "不合格")
