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
from perfdsl.errors import DataValueError, EvaluationError, MissingInput

D = Decimal
TRANSFER = {"有转移支付": True, "提前下达一般性转移支付比例": "90%", "提前下达专项转移支付比例": "70%"}
ALL_FULL = {"绩效目标合理性扣分": 0, "绩效指标明确性扣分": 0, "项目监管扣分": 0, "逾期未上缴收益笔数": 0, "项目完成数": 14,
            "公众或服务对象满意度扣分": 0, "预算支出决算数": 6598921.92}  # every 复核 leaf at its weight: 100 before bonus
RATE = {"上年结转数": 0, "预算收入决算数": 100000}  # 支出率 = 预算支出决算数 / 100000
CARRY = {"年初财政拨款结转和结余": 0, "一般公共预算财政拨款决算数": 100000}  # 结转结余率 = 年末 / 100000


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
    # the two rates are summed exact, then rounded: 1/6 + 1/6 = 0.333…, not 0.17 + 0.17
    ({"信访件数": 6, "信访回复数": 1, "信访按时回复数": 1}, {"预算使用效益/效果性/群众信访办理": "0.33"}),
    # 部门预算资金支出率: bands on the exact 支出率, share of the effective weight 8 (≥ edge inclusive)
    (dict(RATE, 预算支出决算数=100000), {"预算执行情况/资金管理/部门预算资金支出率": "8"}),
    (dict(RATE, 预算支出决算数="99999.99"), {"预算执行情况/资金管理/部门预算资金支出率": "6.4"}),  # 99.99999%, not 100
    (dict(RATE, 预算支出决算数=95000), {"预算执行情况/资金管理/部门预算资金支出率": "6.4"}),
    (dict(RATE, 预算支出决算数="94999.99"), {"预算执行情况/资金管理/部门预算资金支出率": "4.8"}),
    (dict(RATE, 预算支出决算数=80000), {"预算执行情况/资金管理/部门预算资金支出率": "1.6"}),
    (dict(RATE, 预算支出决算数="79999.99"), {"预算执行情况/资金管理/部门预算资金支出率": "0"}),
    (dict(TRANSFER, **RATE, 预算支出决算数=80000), {"预算执行情况/资金管理/部门预算资金支出率": "1.2"}),  # 20% of 6
    # 财政拨款结转结余率: ≤ 5% → 3, 0.5 per started point above (5.01% → 2.5; 6% → 2.5), 扣完为止
    (dict(CARRY, 年末财政拨款结转和结余=5000), {"预算执行情况/资金管理/财政拨款结转结余率": "3"}),
    (dict(CARRY, 年末财政拨款结转和结余="5000.01"), {"预算执行情况/资金管理/财政拨款结转结余率": "2.5"}),
    (dict(CARRY, 年末财政拨款结转和结余=6000), {"预算执行情况/资金管理/财政拨款结转结余率": "2.5"}),
    (dict(CARRY, 年末财政拨款结转和结余="6000.01"), {"预算执行情况/资金管理/财政拨款结转结余率": "2"}),
    (dict(CARRY, 年末财政拨款结转和结余=10000), {"预算执行情况/资金管理/财政拨款结转结余率": "0.5"}),
    (dict(CARRY, 年末财政拨款结转和结余="10000.01"), {"预算执行情况/资金管理/财政拨款结转结余率": "0"}),
    # 存量资金变动率: the third started step takes the last point; 0 → 0 is full marks
    ({"年末存量资金": 120, "上年末存量资金": 100}, {"预算执行情况/资金管理/存量资金变动率": "1"}),
    ({"年末存量资金": "120.01元", "上年末存量资金": 100}, {"预算执行情况/资金管理/存量资金变动率": "0"}),
    ({"年末存量资金": 0, "上年末存量资金": 0}, {"预算执行情况/资金管理/存量资金变动率": "3"}),
    # 资金下达 2 − 0.5 × 逾期, floor 0; 提前下达率 each half at its share of 90% / 70%, capped
    (dict(TRANSFER, 逾期下达转移支付项数=5), {"预算执行情况/资金管理/资金下达": "0"}),
    (dict(TRANSFER, 提前下达一般性转移支付比例="45%", 提前下达专项转移支付比例="35%"), {"预算编制情况/预算编制/提前下达率": "2"}),
    (dict(TRANSFER, 提前下达一般性转移支付比例="100%", 提前下达专项转移支付比例="100%"), {"预算编制情况/预算编制/提前下达率": "4"}),
    ({"采购意向公开率": "120%", "中小企业采购比例": "44.44%"},
     {"预算执行情况/采购管理/采购合规性": "3", "预算执行情况/采购管理/采购政策": "0.89"}),
    # the zero totals the spec gives a rule for: full marks
    ({"固定资产总额": 0, "在用固定资产总额": 5}, {"预算执行情况/资产管理/固定资产利用率": "2"}),
    ({"固定资产总额": 5, "在用固定资产总额": 10}, {"预算执行情况/资产管理/固定资产利用率": "2"}),
    ({"重点工作总数": 0, "重点工作完成数": 0, "项目总数": 0, "项目完成数": 0},
     {"预算使用效益/效率性/年度重点工作完成率": "6", "预算使用效益/效率性/项目完成率": "8"}),
    ({"信访件数": 0, "信访回复数": 0, "信访按时回复数": 0}, {"预算使用效益/效果性/群众信访办理": "2"}),
    ({"日常公用经费决算数": "828343.22"}, {"预算使用效益/经济性/公用经费控制率": "2"}),
    # manual: 扣分 up to the effective weight 6 (5 + 1 moved in); 6 − 0.005 = 5.995 rounds half-up to 6
    ({"绩效目标合理性扣分": 6}, {"预算编制情况/目标设置/绩效目标合理性": "0"}),
    ({"绩效目标合理性扣分": "0.005"}, {"预算编制情况/目标设置/绩效目标合理性": "6", "复核得分": "92.04"}),
    # 自评提交及时性 4 − 2 × ⌈天数 / 5⌉; 分差 bands ≤ 5 / ≤ 10 / ≤ 20 against 复核得分 89.04
    ({"自评延误天数": 5}, {"完成及时性/自评提交及时性": "2", "自评质量": "27"}),
    ({"自评延误天数": 6}, {"完成及时性/自评提交及时性": "0", "自评质量": "25"}),
    ({"自评得分": "94.04"}, {"结论客观性/自评结论同复核结论偏差": "6"}),
    ({"自评得分": "94.045"}, {"结论客观性/自评结论同复核结论偏差": "4"}),
    ({"自评得分": "69.04"}, {"结论客观性/自评结论同复核结论偏差": "2"}),
    ({"自评得分": "69.03"}, {"结论客观性/自评结论同复核结论偏差": "0"}),
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


LOW = {"社会经济效益扣分": 14, "财务合规性扣分": 4}  # 71.04
LOWER = dict(LOW, 预决算信息公开性扣分=4, 项目监管扣分=4, 公众或服务对象满意度扣分=4)  # 61.04


@pytest.mark.parametrize("changes,total,grade", [
    # 广东五档, lower bound inclusive, on the total of leaves already rounded to 2 places
    ({"绩效目标合理性扣分": "2.04"}, "90", "优秀"),
    ({"绩效目标合理性扣分": "2.05"}, "89.99", "良好"),
    ({"绩效目标合理性扣分": "2.04", "采购意向公开率": "99.835%"}, "90", "优秀"),  # 2.99505 → 3
    ({"绩效目标合理性扣分": "2.04", "采购意向公开率": "99.83%"}, "89.99", "良好"),  # 2.9949 → 2.99
    ({"社会经济效益扣分": "9.04"}, "80", "良好"),
    ({"社会经济效益扣分": "9.05"}, "79.99", "中"),
    (dict(LOW, 资产管理合规性扣分="1.04"), "70", "中"),
    (dict(LOW, 资产管理合规性扣分="1.05"), "69.99", "低"),
    (dict(LOWER, 资产管理合规性扣分="1.04"), "60", "低"),
    (dict(LOWER, 资产管理合规性扣分="1.05"), "59.99", "差"),
])
def test_chaoan_grades(chaoan, root, changes, total, grade):
    ours = all_scores(chaoan, _record(root, "chaoan-2022", changes))
    assert (ours["复核得分"], ours["复核得分:grade"]) == (D(total), grade)


@pytest.mark.parametrize("changes,error,named", [
    # a zero denominator the spec gives no rule for is an evaluation error naming the indicator
    ({"预算收入决算数": 0, "上年结转数": 0}, EvaluationError, "部门预算资金支出率"),
    ({"年初财政拨款结转和结余": 0, "一般公共预算财政拨款决算数": 0}, EvaluationError, "财政拨款结转结余率"),
    # a 扣分 below 0 or above the effective weight is a data error (6 without transfers, 5 with them)
    ({"绩效目标合理性扣分": "6.01"}, DataValueError, "绩效目标合理性扣分"),
    (dict(TRANSFER, 绩效目标合理性扣分="5.01"), DataValueError, "绩效目标合理性扣分"),
    ({"项目监管扣分": -1}, DataValueError, "项目监管扣分"),
])
def test_chaoan_refuses(chaoan, root, changes, error, named):
    with pytest.raises(error, match=named):
        chaoan.evaluate(_record(root, "chaoan-2022", changes))


ZJ_CARRY = {"年初财政拨款结转和结余": 0, "一般公共预算财政拨款决算数": 100000}


@pytest.mark.parametrize("changes,expected", [
    # 结余结转率 ≤ 5% → 4, −0.5 per started point above, floor 0
    (dict(ZJ_CARRY, 年末财政拨款结转和结余=5000), {"预算执行情况/支出管理/结余结转率": "4"}),
    (dict(ZJ_CARRY, 年末财政拨款结转和结余="5000.01"), {"预算执行情况/支出管理/结余结转率": "3.5"}),
    (dict(ZJ_CARRY, 年末财政拨款结转和结余="6000.01"), {"预算执行情况/支出管理/结余结转率": "3"}),
    (dict(ZJ_CARRY, 年末财政拨款结转和结余=12000), {"预算执行情况/支出管理/结余结转率": "0.5"}),
    (dict(ZJ_CARRY, 年末财政拨款结转和结余="12000.01"), {"预算执行情况/支出管理/结余结转率": "0"}),
    # 存量资金: 3 when 0, else the assessor's 扣分
    ({"国库集中支付结转结余存量资金": 100, "存量资金扣分": 1}, {"预算执行情况/支出管理/存量资金": "2", "自评得分": "99"}),
    ({"国库集中支付结转结余存量资金": 0, "存量资金扣分": 1}, {"预算执行情况/支出管理/存量资金": "3"}),
    # 资金下达合法性: without transfer payments full marks whatever the 扣分; with them, manual
    ({"资金下达合法性扣分": 1}, {"预算执行情况/支出管理/资金下达合法性": "2"}),
    ({"有转移支付": True, "资金下达合法性扣分": 1}, {"预算执行情况/支出管理/资金下达合法性": "1"}),
    # weight × min(rate, 1), rounded half-up: 8 × 99.93% = 7.9944
    ({"年度实际支出": "99.93", "财政下达预算数": 100}, {"预算执行情况/支出管理/支出完成率": "7.99"}),
    ({"实际采购金额": 150, "采购计划金额": 100}, {"预算执行情况/支出管理/政府采购执行率": "4"}),
    ({"固定资产利用率": "120%"}, {"预算执行情况/资产管理/固定资产利用率": "2"}),
    ({"已实现目标数": 2, "计划目标数": 3}, {"预算执行效益/效率性": "6.67"}),
    # 经济性: 5 when 实际 ≤ 预算 (equal included), else 0
    ({"三公经费实际支出": 142400}, {"预算执行效益/经济性": "5"}),
    ({"三公经费实际支出": "142400.01"}, {"预算执行效益/经济性": "0"}),
])
def test_zhanjiang(zhanjiang, root, changes, expected):
    ours = all_scores(zhanjiang, _record(root, "zhanjiang-2021", changes))
    assert {path: ours[path] for path in expected} == {path: D(value) for path, value in expected.items()}


@pytest.mark.parametrize("rate,total,grade", [("99.75%", "90", "优秀"), ("99.74%", "89.99", "良好")])
def test_zhanjiang_a_leaf_rounds_before_the_grade(zhanjiang, root, rate, total, grade):
    ours = all_scores(zhanjiang, _record(root, "zhanjiang-2021", {"效果性扣分": 10, "固定资产利用率": rate}))  # 1.995 / 1.9948
    assert (ours["自评得分"], ours["自评得分:grade"]) == (D(total), grade)


@pytest.mark.parametrize("changes,named", [
    ({"财政下达预算数": 0}, "支出完成率"), ({"已实现目标数": 0, "计划目标数": 0}, "效率性"),
])
def test_zhanjiang_zero_denominator(zhanjiang, root, changes, named):
    with pytest.raises(EvaluationError, match=named):
        zhanjiang.evaluate(_record(root, "zhanjiang-2021", changes))


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
    ({"结转结余总额": "1万元", "上年结转结余总额": 0}, "过程/预算执行/结转结余变动率", "0"),  # from none to some
    ({"在职人员数": 3150, "编制数": 3000}, "投入/预算配置/在职人员控制率", "0.5"),  # 105%: five points
    ({"在职人员数": 3151, "编制数": 3000}, "投入/预算配置/在职人员控制率", "0"),  # a sixth started: 扣完为止
    ({"本年三公经费": "3.0704万元"}, "投入/预算配置/“三公经费”变动率", "2.5"),  # +1% exactly: one point
    ({"本年三公经费": "3.192万元"}, "投入/预算配置/“三公经费”变动率", "0.5"),  # +5%
    ({"本年三公经费": "3.1921万元"}, "投入/预算配置/“三公经费”变动率", "0"),
    # 重点支出安排率 bands, lower edge inclusive (项目总支出 100万元)
    ({"重点项目支出": "90万元", "项目总支出": "100万元"}, "投入/预算配置/重点支出安排率", "4"),
    ({"重点项目支出": "899999.99元", "项目总支出": "100万元"}, "投入/预算配置/重点支出安排率", "3"),
    ({"重点项目支出": "80万元", "项目总支出": "100万元"}, "投入/预算配置/重点支出安排率", "3"),
    ({"重点项目支出": "70万元", "项目总支出": "100万元"}, "投入/预算配置/重点支出安排率", "2"),
    ({"重点项目支出": "60万元", "项目总支出": "100万元"}, "投入/预算配置/重点支出安排率", "1"),
    ({"重点项目支出": "599999.99元", "项目总支出": "100万元"}, "投入/预算配置/重点支出安排率", "0"),
    ({"预算调整数": "101.116万元"}, "过程/预算执行/预算调整率", "1"),  # 10% of 1011.16 exactly
    ({"预算调整数": "101.1161万元"}, "过程/预算执行/预算调整率", "0"),
    ({"结转结余总额": "49.1505万元", "上年结转结余总额": "100万元"}, "过程/预算执行/结转结余率", "2"),  # 5% of 983.01
    ({"结转结余总额": "491505.01元", "上年结转结余总额": "100万元"}, "过程/预算执行/结转结余率", "0"),
    ({"公用经费决算数": "664100.01元"}, "过程/预算执行/公用经费控制率", "0"),  # one cent over the budget
    ({"本年三公经费": "73000.01元"}, "过程/预算执行/“三公经费”控制率", "0"),
    ({"固定资产账面价值": 0, "在用固定资产": 0}, "过程/资产管理/固定资产利用率", "2"),
    ({"完成及时率": "99.91%"}, "产出/职责履行/完成及时率", "5.99"),  # 5.9946
    ({"满意度": "90%"}, "效果/履职效益/社会公众或服务对象满意度", "5"),
])
def test_baoshan(baoshan, root, changes, path, expected):
    assert all_scores(baoshan, _record(root, "baoshan-2021", changes))[path] == D(expected)


BS80 = {"经济效益扣分": 5, "生态效益扣分": 5, "社会效益扣分": 5, "绩效目标合理性扣分": 2}  # 80
BS60 = dict(BS80, 基础信息完善性扣分=3, 预决算信息公开性扣分=3, 资金使用合规性扣分=3, 管理制度健全性扣分=3,
            资产管理制度健全性扣分=3, 资产管理安全性扣分=3, 绩效指标明确性扣分=2)  # 60


@pytest.mark.parametrize("changes,total,grade", [
    # 全国四档 (no 低 band), lower bound inclusive; 满意度 4.995 rounds half-up before the grade
    ({"经济效益扣分": 5, "生态效益扣分": 2}, "90", "优秀"),
    ({"经济效益扣分": 5, "生态效益扣分": 2, "满意度": "89.91%"}, "90", "优秀"),
    ({"经济效益扣分": 5, "生态效益扣分": 2, "满意度": "89.9%"}, "89.99", "良好"),
    (BS80, "80", "良好"),
    (dict(BS80, 基础信息完善性扣分="0.01"), "79.99", "中"),
    (BS60, "60", "中"),
    (dict(BS60, 绩效指标明确性扣分="2.01"), "59.99", "差"),
])
def test_baoshan_grades(baoshan, root, changes, total, grade):
    ours = all_scores(baoshan, _record(root, "baoshan-2021", changes))
    assert (ours["自评得分"], ours["自评得分:grade"]) == (D(total), grade)


@pytest.mark.parametrize("changes,path,expected", [
    # 此项按分值得分: a leaf that does not apply scores its weight whatever its 扣分 says
    ({"有采购达到备案标准": False, "合同备案时效性扣分": 1}, "预算执行情况/采购管理/合同备案时效性", "2"),
    ({"有采购达到备案标准": True, "合同备案时效性扣分": 1}, "预算执行情况/采购管理/合同备案时效性", "1"),
    ({"三公经费实际支出数": "25.2万元"}, "预算使用效益/运行成本/公用经费控制率", "2.5"),  # equal to the budget
    ({"三公经费实际支出数": "252000.01元"}, "预算使用效益/运行成本/公用经费控制率", "0"),
    ({"产出指标完成率": "99.96%"}, "预算使用效益/履职效能/部门整体绩效目标产出指标完成情况", "14.99"),  # 14.994
    ({"产出指标完成率": "99.97%"}, "预算使用效益/履职效能/部门整体绩效目标产出指标完成情况", "15"),  # 14.9955
    ({"有资产处置收益": False, "资产收益上缴的及时性扣分": 1}, "预算执行情况/资产管理/资产收益上缴的及时性", "1"),
    ({"有资产处置收益": True, "资产收益上缴的及时性扣分": "0.5"}, "预算执行情况/资产管理/资产收益上缴的及时性", "0.5"),
    # 结转结余率 over 880.70万元: ≤ 5% → 3, −0.5 per started point above, floor 0
    ({"年末财政拨款结转和结余": "44.035万元"}, "预算执行情况/资金管理/结转结余率", "3"),
    ({"年末财政拨款结转和结余": "440350.01元"}, "预算执行情况/资金管理/结转结余率", "2.5"),
    ({"年末财政拨款结转和结余": "88.07万元"}, "预算执行情况/资金管理/结转结余率", "0.5"),  # 10%
    ({"年末财政拨款结转和结余": "88.0701万元"}, "预算执行情况/资金管理/结转结余率", "0"),
    ({"重点工作总数": 0, "重点工作完成数": 0}, "预算使用效益/效率性/重点工作完成率", "1"),
    ({"重点工作总数": 3, "重点工作完成数": 2}, "预算使用效益/效率性/重点工作完成率", "0.67"),
    ({"固定资产总额": 0, "在用固定资产总额": 0}, "预算执行情况/资产管理/固定资产利用率", "1"),
    ({"固定资产总额": 1000, "在用固定资产总额": 995}, "预算执行情况/资产管理/固定资产利用率", "1"),  # 0.995 half-up
    ({"固定资产总额": 1000, "在用固定资产总额": 994}, "预算执行情况/资产管理/固定资产利用率", "0.99"),
    ({"采购意向公开合规性扣分": 2}, "预算执行情况/采购管理/采购意向公开合规性", "0"),  # the reconciled weight 2
])
def test_meijiang(meijiang, root, changes, path, expected):
    assert all_scores(meijiang, _record(root, "meijiang-2023", changes))[path] == D(expected)


MJ90 = {"整体绩效目标合理性扣分": 5, "整体绩效指标明确性扣分": "4.95"}  # 90 with the published 0.05


@pytest.mark.parametrize("changes,total,grade", [
    (MJ90, "90", "优秀"),
    (dict(MJ90, 产出指标完成率="99.97%"), "90", "优秀"),  # 14.9955 → 15 before the grade
    (dict(MJ90, 产出指标完成率="99.96%"), "89.99", "良好"),
    (dict(MJ90, 整体绩效指标明确性扣分="4.96"), "89.99", "良好"),
])
def test_meijiang_grades(meijiang, root, changes, total, grade):
    ours = all_scores(meijiang, _record(root, "meijiang-2023", changes))
    assert (ours["自评得分"], ours["自评得分:grade"]) == (D(total), grade)


def test_meijiang_refuses_a_deduction_over_the_reconciled_weight(meijiang, root):
    with pytest.raises(DataValueError, match="采购意向公开合规性扣分"):
        meijiang.evaluate(_record(root, "meijiang-2023", {"采购意向公开合规性扣分": "2.01"}))


@pytest.mark.parametrize("score,total,grade", [("9.995", "90", "优秀"), ("9.994", "89.99", "良好")])
def test_yaan_a_leaf_rounds_before_the_grade(yaan, root, score, total, grade):
    ours = all_scores(yaan, _record(root, "yaan-2020", {"违规记录得分": D(score)}))
    assert (ours["自评得分"], ours["自评得分:grade"]) == (D(total), grade)


YA60 = {"违规记录得分": 0, "预算完成得分": 0, "目标制定得分": 0}  # 62 with 应用反馈 4


@pytest.mark.parametrize("changes,total,grade", [
    ({"违规记录得分": 0}, "80", "良好"),
    ({"违规记录得分": 0, "应用反馈得分": "3.99"}, "79.99", "中"),
    (dict(YA60, 应用反馈得分=2), "60", "中"),
    (dict(YA60, 应用反馈得分="1.995"), "60", "中"),
    (dict(YA60, 应用反馈得分="1.994"), "59.99", "差"),
])
def test_yaan_grades(yaan, root, changes, total, grade):
    ours = all_scores(yaan, _record(root, "yaan-2020", changes))
    assert (ours["自评得分"], ours["自评得分:grade"]) == (D(total), grade)


@pytest.mark.parametrize("changes,drop,error,key", [
    ({"违规记录得分": "10.01"}, (), DataValueError, "违规记录得分"), ({"自评准确得分": "-0.01"}, (), DataValueError, "自评准确得分"),
    ({}, ("目标制定得分",), MissingInput, "目标制定得分"),  # manual score: the 得分 is required
])
def test_yaan_refuses_a_score_outside_its_weight_or_missing(yaan, root, changes, drop, error, key):
    with pytest.raises(error, match=key):
        yaan.evaluate(_record(root, "yaan-2020", changes, drop))


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
