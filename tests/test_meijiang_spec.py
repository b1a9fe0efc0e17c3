"""The Meijiang ruleset against an independent reading of its spec, on records aimed at every stated boundary.

`bench/handwritten_meijiang.py` is written from shared/specs/meijiang-2023.md
alone; any disagreement is a bug in the ruleset, the language or the oracle.
"""

from __future__ import annotations

from decimal import Decimal

import handwritten_meijiang as spec
import pytest
from helpers import all_scores
from hypothesis import given, settings
from meijiang_records import meijiang_record

from perfdsl import read_record
from perfdsl.errors import DataValueError, EvaluationError

D = Decimal


def _published(root):
    return read_record(root / "examples" / "meijiang-2023.json")


@settings(max_examples=300)
@given(meijiang_record())
def test_ruleset_agrees_with_the_spec(meijiang, record):
    try:
        expected = spec.as_dict(spec.score(spec.convert(record)))
    except ZeroDivisionError:  # 结转结余率 over a zero base: the spec gives it no score
        with pytest.raises(EvaluationError, match="结转结余率"):
            meijiang.evaluate(record)
        return
    assert all_scores(meijiang, record) == expected


def test_the_oracle_reproduces_the_published_record(root):
    record = _published(root)
    ours = spec.as_dict(spec.score(spec.convert(record)))
    published = record["_expected"]["自评得分"]
    assert ours["自评得分"] == D("99.95") == D(str(published["score"]))
    assert ours["自评得分:grade"] == "优秀"  # the seed gives no grade; ≥ 90 by the Guangdong bands
    assert {path: ours[path] for path in published["indicators"]} == {
        path: D(str(score)) for path, score in published["indicators"].items()}
    assert ours["预算执行情况/项目管理"] == D("9.95")  # not the seed's 10: the parts give 9.95


def test_the_ruleset_and_the_oracle_agree_on_the_published_record(meijiang, root):
    record = _published(root)
    assert all_scores(meijiang, record) == spec.as_dict(spec.score(spec.convert(record)))


def _with(root, **changes):
    record = _published(root)
    record.update(changes)
    return record


@pytest.mark.parametrize("closing,score", [
    ("0", "3"), ("50", "3"), ("50.01", "2.5"), ("60", "2.5"), ("60.01", "2"), ("70", "2"),
    ("100", "0.5"), ("100.01", "0"), ("500", "0"),
])
def test_carry_over_rate_steps(meijiang, root, closing, score):
    """结转结余率 over a base of 1000元: ≤ 5% full, −0.5 per started percentage point above, floor 0."""
    record = _with(root, 年末财政拨款结转和结余=f"{closing}元", 年初财政拨款结转和结余=D(0),
                   一般公共预算财政拨款决算数="0.1万元")
    path = "预算执行情况/资金管理/结转结余率"
    assert spec.as_dict(spec.score(spec.convert(record)))[path] == D(score)
    assert all_scores(meijiang, record)[path] == D(score)


@pytest.mark.parametrize("changes,path,score", [
    ({"三公经费实际支出数": "25.2万元"}, "预算使用效益/运行成本/公用经费控制率", "2.5"),
    ({"三公经费实际支出数": "252000.01元"}, "预算使用效益/运行成本/公用经费控制率", "0"),
    ({"重点工作完成数": 7}, "预算使用效益/效率性/重点工作完成率", "1"),
    ({"重点工作完成数": 1, "重点工作总数": 8}, "预算使用效益/效率性/重点工作完成率", "0.13"),
    ({"重点工作完成数": 0, "重点工作总数": 0}, "预算使用效益/效率性/重点工作完成率", "1"),
    ({"在用固定资产总额": "200万元"}, "预算执行情况/资产管理/固定资产利用率", "1"),
    ({"在用固定资产总额": "0.5万元", "固定资产总额": "100万元"}, "预算执行情况/资产管理/固定资产利用率", "0.01"),
    ({"在用固定资产总额": 0, "固定资产总额": 0}, "预算执行情况/资产管理/固定资产利用率", "1"),
    ({"产出指标完成率": "0.3%"}, "预算使用效益/履职效能/部门整体绩效目标产出指标完成情况", "0.05"),
    ({"效益指标完成率": D("1.2")}, "预算使用效益/履职效能/部门整体绩效目标效益指标完成情况", "15"),
    ({"有采购达到备案标准": True, "合同备案时效性扣分": 2}, "预算执行情况/采购管理/合同备案时效性", "0"),
    ({"有采购达到备案标准": False, "合同备案时效性扣分": 2}, "预算执行情况/采购管理/合同备案时效性", "2"),
    ({"有资产处置收益": True, "资产收益上缴的及时性扣分": {"value": 1, "note": "未上缴"}},
     "预算执行情况/资产管理/资产收益上缴的及时性", "0"),
    ({"整体绩效目标合理性扣分": D("0.015")}, "预算编制情况/目标设置/整体绩效目标合理性", "4.99"),
])
def test_stated_edges(meijiang, root, changes, path, score):
    """Edges the spec states, with the score it gives them (zero totals: the ruleset's reading, see the oracle)."""
    record = _with(root, **changes)
    assert spec.as_dict(spec.score(spec.convert(record)))[path] == D(score)
    assert all_scores(meijiang, record)[path] == D(score)


@pytest.mark.parametrize("name", sorted(spec.MANUAL))
@pytest.mark.parametrize("excess", [D("0.01"), None])
def test_a_deduction_outside_its_weight_is_a_data_error(meijiang, root, name, excess):
    """扣分 below 0 or above the weight is a data error, as in Chao'an (checked where the indicator applies)."""
    value = spec.MANUAL[name] + excess if excess is not None else D("-0.01")
    record = _with(root, **{name + "扣分": value, "有采购达到备案标准": True, "有资产处置收益": True})
    with pytest.raises(spec.ManualOutOfRange):
        spec.score(spec.convert(record))
    with pytest.raises(DataValueError, match=name + "扣分"):
        meijiang.evaluate(record)


@pytest.mark.parametrize("target,grade", [
    ("100", "优秀"), ("90", "优秀"), ("89.99", "良好"), ("80", "良好"), ("79.99", "中"), ("70", "中"), ("69.99", "低"),
    ("60", "低"), ("59.99", "差"), ("37.5", "差"),
])
def test_grade_bounds_are_lower_inclusive(meijiang, root, target, grade):
    """The published record with no 扣分 scores 100; 扣分 over the judged leaves (62.5 in all) bring it to each bound."""
    record = {k: v for k, v in _published(root).items() if not k.endswith("扣分")}
    record.update(有采购达到备案标准=True, 有资产处置收益=True)
    left = D(100) - D(target)
    for name, weight in spec.MANUAL.items():
        take = min(left, weight)
        if take:
            record[name + "扣分"] = take
        left -= take
    assert left == 0
    expected = spec.as_dict(spec.score(spec.convert(record)))
    assert (expected["自评得分"], expected["自评得分:grade"]) == (D(target), grade)
    assert all_scores(meijiang, record) == expected
