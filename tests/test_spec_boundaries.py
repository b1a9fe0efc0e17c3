"""Boundaries the specs state, pinned at the exact figures the spec's own arithmetic gives (shared/specs/*.md).

Each case starts from a region's published example and changes only the keys named; the expected
figures are worked out from the spec text, not from perfdsl or the hand-written oracles (they agree).
The random spec tests (tests/test_<region>_spec.py) reach these edges too; here they are named.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import all_scores

from perfdsl import read_record

D = Decimal
TRANSFER = {"有转移支付": True, "提前下达一般性转移支付比例": "90%", "提前下达专项转移支付比例": "70%"}
ALL_FULL = {"绩效目标合理性扣分": 0, "绩效指标明确性扣分": 0, "项目监管扣分": 0, "逾期未上缴收益笔数": 0, "项目完成数": 14,
            "公众或服务对象满意度扣分": 0, "预算支出决算数": 6598921.92}  # every 复核 leaf at its weight: 100 before bonus


def _record(root, example, changes, drop=()):
    record = {k: v for k, v in read_record(root / "examples" / f"{example}.json").items() if not k.startswith("_")}
    record.update(changes)
    for key in drop:
        record.pop(key)
    return record


@pytest.mark.parametrize("changes,expected", [
    # with transfer payments nothing moves: 预算编制合理性 5 × 3/5, 绩效目标合理性 5 − 3, 部门预算资金支出率 6 × 80%
    (dict(TRANSFER, 预算分配不固化=False, 专项资金编制细化=False),
     {"预算编制情况/预算编制/预算编制合理性": "3", "预算编制情况/预算编制/提前下达率": "4",
      "预算编制情况/目标设置/绩效目标合理性": "2", "预算执行情况/资金管理/部门预算资金支出率": "4.8",
      "预算执行情况/资金管理/资金下达": "2"}),
    (dict(TRANSFER, 逾期下达转移支付项数=1), {"预算执行情况/资金管理/资金下达": "1.5"}),
    ({"逾期下达转移支付项数": 3}, {"预算执行情况/资金管理/资金下达": "0"}),  # does not apply: weight moved, count unused
    # + min(表彰, 3) − min(问责, 3), each half capped on its own
    ({"表彰次数": 5, "问责次数": 1}, {"加减分项/工作表现": "2", "复核得分": "88.04"}),
    ({"表彰次数": 0, "问责次数": 5}, {"加减分项/工作表现": "-3", "复核得分": "83.04"}),
    # the total after bonus is capped at 100, and 分差 is taken from the capped total
    (dict(ALL_FULL, 表彰次数=3, 自评得分=95), {"复核得分": "100", "结论客观性/自评结论同复核结论偏差": "6"}),
    (dict(ALL_FULL, 表彰次数=3, 社会经济效益扣分=4), {"复核得分": "99"}),
    # 存量资金变动率: each started 10 points above 0 costs 1
    ({"年末存量资金": 110, "上年末存量资金": 100}, {"预算执行情况/资金管理/存量资金变动率": "2"}),
    ({"年末存量资金": "110.01元", "上年末存量资金": 100}, {"预算执行情况/资金管理/存量资金变动率": "1"}),
    ({"年末存量资金": "0.01元", "上年末存量资金": 0}, {"预算执行情况/资金管理/存量资金变动率": "0"}),
    # 群众信访办理: 1 × 回复 / 件数 + 1 × 按时 / 件数
    ({"信访件数": 3, "信访回复数": 1, "信访按时回复数": 1}, {"预算使用效益/效果性/群众信访办理": "0.67"}),
])
def test_chaoan(chaoan, root, changes, expected):
    ours = all_scores(chaoan, _record(root, "chaoan-2022", changes))
    assert {path: ours[path] for path in expected} == {path: D(value) for path, value in expected.items()}


def test_chaoan_total_never_below_zero(chaoan, root):
    nothing = dict.fromkeys(("预算编制符合职责", "预算分配合理无沉淀", "专项资金编制细化", "分类编制准确无频繁调剂", "预算分配不固化",
                             "已完成资产盘点", "三公经费未超预算", "无超标准开支"), False)
    nothing.update({"绩效目标合理性扣分": 6, "绩效指标明确性扣分": 6, "预算支出决算数": 0, "年末财政拨款结转和结余": 6000000,
                    "年末存量资金": "10万元", "财务合规性扣分": 4, "预决算信息公开性扣分": 4, "项目监管扣分": 4, "采购意向公开率": 0,
                    "中小企业采购比例": 0, "资产月报逾期次数": 9, "逾期未上缴收益笔数": 9, "资产管理合规性扣分": 4,
                    "在用固定资产总额": 0, "日常公用经费决算数": 10**7, "重点工作完成数": 0, "项目完成数": 0,
                    "社会经济效益扣分": 14, "信访回复数": 0, "信访按时回复数": 0, "公众或服务对象满意度扣分": 4,
                    "表彰次数": 0, "问责次数": 3, "自评得分": 20})
    ours = all_scores(chaoan, _record(root, "chaoan-2022", nothing))
    assert (ours["加减分项"], ours["复核得分"], ours["复核得分:grade"]) == (D(-3), D(0), "差")
    assert ours["结论客观性/自评结论同复核结论偏差"] == 2  # 分差 20 from the capped 0


@pytest.mark.parametrize("changes,path,expected", [
    ({"满意度": "89.91%"}, "效果/履职效益/社会公众或服务对象满意度", "5"),  # 5 × 89.91% / 90% = 4.995, half-up
    ({"满意度": "89.9%"}, "效果/履职效益/社会公众或服务对象满意度", "4.99"),
    ({"在职人员数": 3001, "编制数": 3000}, "投入/预算配置/在职人员控制率", "2.5"),  # 100.03%: one started point
    ({"在职人员数": 3030, "编制数": 3000}, "投入/预算配置/在职人员控制率", "2.5"),  # 101% exactly: still one
    ({"本年三公经费": "3.0705万元"}, "投入/预算配置/“三公经费”变动率", "2"),  # +1.0033%: two started points
    ({"预算调整数": "50.558万元"}, "过程/预算执行/预算调整率", "2"),  # 5% of 1011.16 exactly
    ({"预算调整数": "50.5581万元"}, "过程/预算执行/预算调整率", "1"),
    ({"结转结余总额": "1万元", "上年结转结余总额": "1万元"}, "过程/预算执行/结转结余变动率", "2"),  # ≤ 0
    ({"结转结余总额": "1.0001万元", "上年结转结余总额": "1万元"}, "过程/预算执行/结转结余变动率", "0"),
])
def test_baoshan(baoshan, root, changes, path, expected):
    assert all_scores(baoshan, _record(root, "baoshan-2021", changes))[path] == D(expected)


@pytest.mark.parametrize("changes,path,expected", [
    # 此项按分值得分: a leaf that does not apply scores its weight whatever its 扣分 says
    ({"有采购达到备案标准": False, "合同备案时效性扣分": 1}, "预算执行情况/采购管理/合同备案时效性", "2"),
    ({"有采购达到备案标准": True, "合同备案时效性扣分": 1}, "预算执行情况/采购管理/合同备案时效性", "1"),
    ({"三公经费实际支出数": "25.2万元"}, "预算使用效益/运行成本/公用经费控制率", "2.5"),  # equal to the budget
    ({"三公经费实际支出数": "252000.01元"}, "预算使用效益/运行成本/公用经费控制率", "0"),
    ({"产出指标完成率": "99.96%"}, "预算使用效益/履职效能/部门整体绩效目标产出指标完成情况", "14.99"),  # 14.994
    ({"产出指标完成率": "99.97%"}, "预算使用效益/履职效能/部门整体绩效目标产出指标完成情况", "15"),  # 14.9955
])
def test_meijiang(meijiang, root, changes, path, expected):
    assert all_scores(meijiang, _record(root, "meijiang-2023", changes))[path] == D(expected)


@pytest.mark.parametrize("score,total,grade", [("9.995", "90", "优秀"), ("9.994", "89.99", "良好")])
def test_yaan_a_leaf_rounds_before_the_grade(yaan, root, score, total, grade):
    ours = all_scores(yaan, _record(root, "yaan-2020", {"违规记录得分": D(score)}))
    assert (ours["自评得分"], ours["自评得分:grade"]) == (D(total), grade)


@pytest.mark.parametrize("example,card,total,keys", [
    ("zhanjiang-2021", "自评得分", "100", ("报告支出完成率", "报告结余结转率", "年度收入数", "基本支出", "项目支出",
                                       "国库集中支付结转结余存量资金", "有转移支付")),
    ("meijiang-2023", "自评得分", "99.95", ("本年收入合计", "一般公共服务收入", "社会保障和就业收入", "卫生健康收入", "住房保障收入",
                                         "其他收入", "热线派发工单数", "热线满意工单数", "报告热线满意率")),
    ("baoshan-2021", "自评得分", "97", ("报告三公经费变动率", "热线交办数", "热线直接答复数", "热线办结数", "结转结余总额",
                                     "上年结转结余总额")),
    ("yaan-2020", "自评得分", "90", ("一般公共预算支出决算数", "财政拨款收支总计", "报告预算完成率")),
])
def test_keys_only_shown_or_defaulted_may_be_absent(root, request, example, card, total, keys):
    program = request.getfixturevalue(example.split("-")[0])
    assert all_scores(program, _record(root, example, {}, drop=keys))[card] == D(total)
