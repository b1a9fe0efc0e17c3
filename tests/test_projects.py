"""Indicator lists as data: the three Ya'an 2020 project tables under one ruleset.

The seed publishes no scores for these tables, so every expected figure is
worked out here by hand from the rule in specs/yaan-2020.md part B:
预算执行率 10 × min(执行数 / 预算数, 1); 产出 50, 效益 30, 满意度 10 split
equally (to the cent, odd cents to the first items) among that kind's
indicators; a met target earns its full share, else actual / target of it
(target / actual when lower is better); a qualitative one its 评审得分率.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from helpers import D, program, scores
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdsl import interp, load, read_record
from perfdsl.errors import DataValueError, EvaluationError

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = load(ROOT / "rulesets" / "yaan-2020-projects.perf")


def _figures(name):
    result = PROJECTS.evaluate(read_record(ROOT / "examples" / f"yaan-2020-projects-{name}.json"))
    card = result.scorecards[0]
    return card, {"/".join(n.path): n for n in card.nodes}


def test_sharing_platform_meets_every_target():
    card, nodes = _figures("sharing")
    # 90.79 / 90.79 = 100% → 10; 9 产出 items share 50: 50/9 = 5.555… → 5.56 × 5 + 5.55 × 4 = 50.00,
    # all met (178条 ≥ 30条 …) → 50; 5 效益 items × 6 = 30; 2 满意度 items × 5 = 10 (90% ≥ 90%, 90% ≥ 80%).
    assert (card.score, card.grade) == (D(100), "优秀")
    assert [nodes[p].weight for p in ("产出指标/发布目录总数", "产出指标/数据挂载数", "产出指标/开放文件类型目录")] == \
        [D("5.56"), D("5.56"), D("5.55")]
    assert nodes["产出指标"].score == 50 and nodes["效益指标/API访问次数"].score == 6
    assert nodes["产出指标/发布目录总数"].basis == "目标 30条，实际 178条，达成，得满分 5.56"
    assert nodes["产出指标"].basis == (
        "50 分由 9 项均分（5.56 × 5 + 5.55 × 4），下级指标合计 5.56 + 5.56 + 5.56 + 5.56 + 5.56 + 5.55 + 5.55 "
        "+ 5.55 + 5.55 = 50")


def test_cloud_platform_shortfalls():
    card, nodes = _figures("cloud")
    # 预算执行率 = 592.62 / 1000 = 59.262% → 10 × 0.59262 = 5.9262 → 5.93
    assert nodes["预算执行率"].score == D("5.93")
    assert nodes["预算执行率"].basis == "预算执行率 = 592.62万元 / 1000万元 = 59.26%，10 × min(59.26%, 1) = 5.93"
    # 3 产出 items share 50: 16.67, 16.67, 16.66.
    # 迁移 139个 → 137个: 137 / 139 = 98.5611…%, 16.67 × 0.985611 = 16.4301 → 16.43
    migrated = nodes["产出指标/10月底,完成全市非涉密信息系统迁移工作"]
    assert (migrated.weight, migrated.score) == (D("16.67"), D("16.43"))
    assert migrated.basis.startswith("目标 139个，实际 137个(其中3个信息系统上云后因系统停用退出)，未达成：137 / 139 = 98.56%，"
                                     "16.67 × 98.56% = 16.43")
    # two qualitative items rated 100% by the assessor: 16.67 + 16.66; 产出 = 16.43 + 16.67 + 16.66 = 49.76
    assert nodes["产出指标"].score == D("49.76")
    assert nodes["产出指标/分四个批次完成迁移工作"].basis.startswith("评审得分率 = 100.00%，16.66 × 100.00% = 16.66")
    # 效益 (割接率100% met) 30, 满意度 (100% ≥ 95%) 10; total 5.93 + 49.76 + 30 + 10 = 95.69
    assert (card.score, card.grade) == (D("95.69"), "优秀")


def test_hotline_lower_is_better_target_is_met():
    card, nodes = _figures("hotline")
    # 呼损率 0.295% against 6%以内: lower is better, met → its full share 50 / 2 = 25
    assert nodes["产出指标/呼损率"].basis == "目标 6%以内，实际 0.295%，达成，得满分 25，依据：正文写作 0.30%"
    # 3.3万余次 means at least 33000: 33155次 meets it
    assert nodes["效益指标/解决群众诉求"].basis == "目标 3.3万余次，实际 33155次，达成，得满分 15"
    assert (card.score, nodes["产出指标"].score, nodes["效益指标"].score) == (D(100), D(50), D(30))


def test_one_ruleset_scores_all_three():
    names = [PROJECTS.evaluate(read_record(p)).name for p in sorted((ROOT / "examples").glob("yaan-2020-projects-*"))]
    assert names == ["雅安市政务云平台服务经费项目", "“12345”政务服务热线服务经费项目", "雅安市政务信息资源共享平台项目"]


def _record(*items, **extra):
    record = {"项目名称": "测试", "预算数": 100, "执行数": 100, "绩效指标": list(items)}
    record.update(extra)
    return record


def _item(kind, name, target, actual, **extra):
    return dict({"一级指标": kind, "三级指标": name, "目标值": target, "实际值": actual}, **extra)


def test_a_target_that_cannot_be_read_is_a_data_error_naming_the_item():
    record = _record(_item("产出指标", "迁移", "2021年1月份,割接率100%", "100%"))
    with pytest.raises(DataValueError) as caught:
        PROJECTS.evaluate(record)
    assert caught.value.key == "绩效指标[1].目标值"
    assert caught.value.message.startswith("指标 产出指标/迁移: 无法读取目标值 `2021年1月份,割接率100%`")


def test_units_must_agree_and_kinds_are_checked():
    with pytest.raises(DataValueError) as caught:
        PROJECTS.evaluate(_record(_item("产出指标", "目录", "30条", "31次")))
    assert caught.value.key == "绩效指标[1].实际值" and "单位不一致" in caught.value.message
    with pytest.raises(DataValueError) as caught:
        PROJECTS.evaluate(_record(_item("项目完成指标", "目录", "30条", "31条")))
    assert caught.value.key == "绩效指标[1].一级指标"
    assert "应为 产出指标、效益指标、满意度指标 之一" in caught.value.message
    with pytest.raises(DataValueError) as caught:
        PROJECTS.evaluate(_record(dict(_item("产出指标", "目录", "30条", "31条"), 目标="x")))
    assert caught.value.key == "绩效指标[1]" and "未知的字段 `目标`，是否为 `目标值`？" in caught.value.message


def test_a_missed_target_of_zero_scores_zero_and_says_why():
    # actual / target would be 0 / 0: nothing to pro-rate, and the basis must not print it as a rate
    result = PROJECTS.evaluate(_record(_item("产出指标", "新增故障", ">0次", "0次"), _item("产出指标", "投诉率", "<0%", "0%")))
    nodes = {"/".join(n.path): n for n in result.scorecards[0].nodes}
    assert nodes["产出指标/新增故障"].score == 0
    assert nodes["产出指标/新增故障"].basis == "目标 >0次，实际 0次，未达成：0 / 0 除数为 0，不能按比例折算，得 0"
    assert nodes["产出指标/投诉率"].basis == "目标 <0%，实际 0%，未达成：0% / 0% 除数为 0，不能按比例折算，得 0"
    assert (nodes["产出指标"].score, result.scorecards[0].score) == (0, 10)


def test_a_kind_without_indicators_scores_zero_and_says_so():
    result = PROJECTS.evaluate(_record(_item("产出指标", "目录", "30条", "30条")))
    nodes = {"/".join(n.path): n for n in result.scorecards[0].nodes}
    assert nodes["满意度指标"].score == 0 and nodes["满意度指标"].basis == "没有符合条件的绩效指标项，得 0 分"
    assert result.scorecards[0].score == 60  # 10 + 50


def test_aggregates_over_a_list():
    p = program("""
input 项: list {
  类别: text
  分: number
  达标: bool = true
}
scorecard 卡 max 10 {
  group 组 10 {
    indicator 数 2 { score min(count(项 where 类别 == "甲"), 2) }
    indicator 和 2 { score min(sum(项 of 分) / 10, 2) }
    indicator 均 2 { score mean(项 where 类别 == "乙" of 分) }
    indicator 全 2 { score if all(项 of 达标) then full else 0 }
    indicator 极 2 { score max(项 of 分) - min(项 of 分) }
  }
}
""")
    got = scores(p, {"项": [{"类别": "甲", "分": 1}, {"类别": "乙", "分": 2}, {"类别": "乙", "分": Decimal("1.5"), "达标": False}]})
    # count 甲 = 1; sum = 4.5 → 0.45; mean 乙 = 1.75; not all 达标 → 0; max − min = 2 − 1 = 1
    assert [got[f"组/{n}"] for n in "数和均全极"] == [D(1), D("0.45"), D("1.75"), D(0), D(1)]
    with pytest.raises(EvaluationError) as caught:
        p.evaluate({"项": [{"类别": "甲", "分": 1}]})  # mean of no 乙 items
    assert "mean：项 中没有符合条件的项" in caught.value.message


ITEMS = st.lists(st.fixed_dictionaries({
    "一级指标": st.sampled_from(["产出指标", "效益指标", "满意度指标"]),
    "三级指标": st.text(alphabet="甲乙丙丁", min_size=1, max_size=3),
    "目标值": st.sampled_from(["30条", "6%以内", ">95%", "90%", "3.3万余次", "139个", "<10分钟"]),
    "实际值": st.sampled_from(["178条", "0.295%", "96.52%", "80%", "33155次", "137个", "8分钟", "0条", "7.5%"]),
}, optional={"评审得分率": st.sampled_from(["100%", "80%", "0%", Decimal("0.555")])}), max_size=25)


@settings(max_examples=200)
@given(ITEMS, st.integers(0, 2000))
def test_any_list_scores_within_weights_and_equal_to_the_reference(items, spent):
    record = _record(*items, 执行数=Decimal(spent) / 10)
    try:
        result = PROJECTS.evaluate(record)
    except DataValueError:
        return  # a unit mismatch between a generated target and actual: reported, never scored wrongly
    card = result.scorecards[0]
    trace = interp.evaluate(PROJECTS.model, PROJECTS.convert(record))
    assert card.score == trace.cards["项目自评"].total
    groups = {"/".join(n.path): n for n in card.nodes if len(n.path) == 1}
    for node in card.nodes:
        assert 0 <= node.score <= node.weight
    for name in ("产出指标", "效益指标", "满意度指标"):
        items_of = [n for n in card.nodes if len(n.path) == 2 and n.path[0] == name]
        assert groups[name].score == sum((n.score for n in items_of), Decimal(0))
        if items_of:
            shares = [n.weight for n in items_of]
            assert sum(shares) == groups[name].weight  # shares add up exactly …
            assert max(shares) - min(shares) <= D("0.01")  # … and are equal to the cent
            assert shares == sorted(shares, reverse=True)  # odd cents go to the first items
    assert card.score == sum(n.score for n in groups.values())


def test_items_with_the_same_or_no_name_get_distinct_paths():
    result = PROJECTS.evaluate(_record(_item("满意度指标", "满意度", "90%", "95%"), _item("满意度指标", "满意度", "90%", "80%"),
                                       _item("满意度指标", " ", "90%", "90%")))
    paths = ["/".join(n.path) for n in result.scorecards[0].nodes if n.path[0] == "满意度指标"]
    # 10 shared by 3: 3.34, 3.33, 3.33; the second 满意度 scores 3.33 × 80/90 = 2.96
    assert paths == ["满意度指标", "满意度指标/满意度", "满意度指标/满意度（2）", "满意度指标/第 3 项"]
    assert [n.score for n in result.scorecards[0].nodes if n.path[0] == "满意度指标"] == [D("9.63"), D("3.34"), D("2.96"), D("3.33")]


def test_items_appear_in_every_report(tmp_path):
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from perfdsl.cli import main

    ruleset, data = str(ROOT / "rulesets" / "yaan-2020-projects.perf"), str(ROOT / "examples" / "yaan-2020-projects-cloud.json")
    target = tmp_path / "cloud.xlsx"
    assert CliRunner().invoke(main, ["eval", ruleset, data, "-o", str(target)]).exit_code == 0
    sheet = load_workbook(target)["雅安市政务云平台服务经费项目"]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[3] == ("一级指标", None, None, "二级指标", None, "得分", "扣分原因 / 依据")
    # 预算执行率 stands at the top level, its name across both 名称 columns; the items of 产出指标 under it
    assert rows[6][:6] == ("预算执行率", None, None, None, 10, 5.93)
    # openpyxl reads a number cell back as a float; the file holds the exact text 16.43
    assert rows[7][:6] == ("产出指标", 50, 49.76, "10月底,完成全市非涉密信息系统迁移工作", 16.67, 16.43)
    markdown = CliRunner().invoke(main, ["eval", ruleset, data, "--format", "md"]).stdout
    assert "|  | 迁移部门满意度 | 10 | 10 | 目标 95%，实际 100%，达成，得满分 10 |" in markdown
