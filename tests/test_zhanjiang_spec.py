"""The Zhanjiang 2021 ruleset against an independent reading of its spec, on records aimed at every stated boundary.

`bench/handwritten_zhanjiang.py` is written from shared/specs/zhanjiang-2021.md
alone; any disagreement is a bug in the ruleset, the language or the oracle.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import handwritten_zhanjiang as spec
import pytest
from helpers import all_scores
from hypothesis import given, settings
from hypothesis import strategies as st
from zhanjiang_records import GRADE_EDGES, with_total, zhanjiang_record

from perfdsl import read_record
from perfdsl.errors import EvaluationError, RecordError

D = Decimal
CARD = "自评得分"


def _expected(record):
    return spec.as_dict(spec.score(spec.convert(record)))


@settings(max_examples=300)
@given(zhanjiang_record(), st.sampled_from(GRADE_EDGES))
def test_ruleset_agrees_with_the_spec(zhanjiang, record, target):
    undeducted = dict(record, 效果性扣分=D(0), 公平性扣分=D(0))
    record = with_total(record, _expected(undeducted)[CARD], target)
    expected = _expected(record)
    ours = all_scores(zhanjiang, record)
    assert ours.keys() == expected.keys()  # the same tree, indicator by indicator
    for key, value in expected.items():
        assert ours[key] == value, key


@pytest.fixture
def zj_published(root):
    return read_record(root / "examples" / "zhanjiang-2021.json")


def test_the_oracle_reproduces_the_published_record(zhanjiang, zj_published):
    expected = _expected(zj_published)
    assert expected[CARD] == zj_published["_expected"][CARD]["score"] == 100
    assert expected[CARD + ":grade"] == "优秀"
    assert all_scores(zhanjiang, zj_published) == expected


def test_the_figures_the_spec_recomputes(zhanjiang, zj_published):
    values = spec.convert(zj_published)
    figures = spec.figures(values)
    assert (figures["支出完成率"] * 100).quantize(D("0.0001"), ROUND_HALF_UP) == D("100.0027")  # reported as 100%
    assert figures["结余结转率"] == 0  # reported as 0.0027%: the closing carry-over is 0
    assert figures["政府采购执行率"] == 1
    assert figures["绩效目标完成率"] == 1
    assert values["三公经费实际支出"] == 71900 <= values["三公经费预算数"] == 142400
    # the stated income is not 基本支出 + 项目支出: that sum is the expenditure
    assert values["基本支出"] + values["项目支出"] == values["年度实际支出"] == D("76216768.37")
    assert values["年度收入数"] == D("76214727.86")
    nodes = {"/".join(n.path): n for n in zhanjiang.evaluate(zj_published).scorecard(CARD).nodes}
    assert "支出完成率 = 76216768.37元 / 76214727.86元 = 100.0027%" in nodes[spec.P_ZC].basis
    assert "= 0.00%" in nodes[spec.P_JY].basis


def _case(published, **changes):
    record = {k: v for k, v in published.items() if not k.startswith("_")}
    record.update(changes)
    return record


@pytest.mark.parametrize("closing,expected", [
    ("0", "4"), ("5", "4"), ("5.01", "3.5"), ("6", "3.5"), ("6.01", "3"), ("7", "3"),
    ("12", "0.5"), ("12.01", "0"), ("13", "0"), ("150", "0"),
])
def test_carry_over_loses_half_a_point_per_started_point_above_5_percent(zhanjiang, zj_published, closing, expected):
    # base 100万元 (年初 0 + 一般 100万元), so the closing carry-over in 万元 is the rate in percent
    record = _case(zj_published, 年初财政拨款结转和结余="0万元", 一般公共预算财政拨款决算数="100万元",
                   年末财政拨款结转和结余=f"{closing}万元")
    assert _expected(record)[spec.P_JY] == all_scores(zhanjiang, record)[spec.P_JY] == D(expected)


@pytest.mark.parametrize("changes,path,expected", [
    ({"固定资产利用率": "105%"}, "预算执行情况/资产管理/固定资产利用率", "2"),  # over 100%: full 2
    ({"固定资产利用率": "80.25%"}, "预算执行情况/资产管理/固定资产利用率", "1.61"),  # 1.605 half-up
    ({"固定资产利用率": D("0.9999")}, "预算执行情况/资产管理/固定资产利用率", "2"),  # 1.9998 → 2.00
    ({"固定资产利用率": 0}, "预算执行情况/资产管理/固定资产利用率", "0"),
    ({"年度实际支出": "7621.472786万元"}, spec.P_ZC, "8"),  # exactly 100%, in 万元
    ({"年度实际支出": "0元"}, spec.P_ZC, "0"),
    ({"年度实际支出": "6.00625元", "财政下达预算数": "8元"}, spec.P_ZC, "6.01"),  # 8 × 0.750625 = 6.005 half-up
    ({"实际采购金额": 641, "采购计划金额": "0.08万元"}, spec.P_CG, "3.21"),  # 4 × 0.80125 = 3.205 half-up
    ({"实际采购金额": 801, "采购计划金额": 800}, spec.P_CG, "4"),  # over 100%
    ({"已实现目标数": 4}, spec.P_XL, "10"),  # 4 of 3: over 100% scores full
    ({"已实现目标数": 1, "计划目标数": 16}, spec.P_XL, "0.63"),  # 0.625 half-up
    ({"已实现目标数": 2}, spec.P_XL, "6.67"),
    ({"三公经费实际支出": "14.24万元"}, "预算执行效益/经济性", "5"),  # equal to the budget, other unit
    ({"三公经费实际支出": "142400.01元"}, "预算执行效益/经济性", "0"),  # a cent over
])
def test_edges_score_exactly(zhanjiang, zj_published, changes, path, expected):
    record = _case(zj_published, **changes)
    assert _expected(record)[path] == all_scores(zhanjiang, record)[path] == D(expected)


@pytest.mark.parametrize("key,path,weight", [
    ("预算编制合理性扣分", "预算编制情况/预算编制合理性", 5), ("保障措施扣分", "预算执行情况/保障措施", 3),
    ("效果性扣分", "预算执行效益/效果性", 10), ("公平性扣分", "预算执行效益/公平性", 5),
])
@pytest.mark.parametrize("deduction", ["0", "full", "1.005"])
def test_manual_deductions_at_zero_full_and_a_fraction(zhanjiang, zj_published, key, path, weight, deduction):
    amount = D(weight) if deduction == "full" else D(deduction)
    record = _case(zj_published, **{key: {"value": amount, "note": "评审组意见"}})
    score = {"0": D(weight), "full": D(0), "1.005": D(weight) - 1}[deduction]  # w − 1.005 rounds half-up to w − 1
    assert _expected(record)[path] == all_scores(zhanjiang, record)[path] == score


@pytest.mark.parametrize("stock,deduction,expected", [
    (None, "3", "3"), ("0万元", "3", "3"),  # no stock: 3, whatever the 扣分 says
    ("0.01元", "0", "3"), ("1.25万元", "1.5", "1.5"), ("1.25万元", "3", "0"),  # a stock: the assessor's judgement
])
def test_stock_funds(zhanjiang, zj_published, stock, deduction, expected):
    record = _case(zj_published, 存量资金扣分=D(deduction))
    if stock is None:
        del record["国库集中支付结转结余存量资金"]
    else:
        record["国库集中支付结转结余存量资金"] = stock
    path = "预算执行情况/支出管理/存量资金"
    assert _expected(record)[path] == all_scores(zhanjiang, record)[path] == D(expected)


@pytest.mark.parametrize("transfer,deduction,expected", [(False, "2", "2"), (True, "0", "2"), (True, "0.5", "1.5"),
                                                         (True, "2", "0")])
def test_fund_allocation_without_transfers_scores_full(zhanjiang, zj_published, transfer, deduction, expected):
    record = _case(zj_published, 有转移支付=transfer, 资金下达合法性扣分=D(deduction))
    path = "预算执行情况/支出管理/资金下达合法性"
    assert _expected(record)[path] == all_scores(zhanjiang, record)[path] == D(expected)


@pytest.mark.parametrize("changes,path", [
    ({"财政下达预算数": "0万元"}, spec.P_ZC),
    ({"采购计划金额": 0}, spec.P_CG),
    ({"计划目标数": 0, "已实现目标数": 0}, spec.P_XL),
    ({"年初财政拨款结转和结余": 0, "一般公共预算财政拨款决算数": "0元", "年末财政拨款结转和结余": 0}, spec.P_JY),
])
def test_a_zero_denominator_is_an_error_naming_the_indicator(zhanjiang, zj_published, changes, path):
    # the spec says nothing of a zero denominator, so no score is right: the record must be rejected
    record = _case(zj_published, **changes)
    with pytest.raises(spec.ZeroDenominator) as oracle:
        spec.score(spec.convert(record))
    assert oracle.value.path == path
    with pytest.raises(EvaluationError) as ours:
        zhanjiang.evaluate(record)
    assert f"指标 {path}:" in ours.value.message


@pytest.mark.parametrize("key,amount", [("效果性扣分", D("10.01")), ("保障措施扣分", D(4)), ("公平性扣分", D("-0.5"))])
def test_a_deduction_outside_0_to_the_weight_is_rejected(zhanjiang, zj_published, key, amount):
    record = _case(zj_published, **{key: amount})
    with pytest.raises(spec.ManualOutOfRange):
        spec.score(spec.convert(record))
    with pytest.raises(RecordError) as ours:
        zhanjiang.evaluate(record)
    assert f"`{key}`" in ours.value.message
