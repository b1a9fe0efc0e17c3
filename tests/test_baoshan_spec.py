"""The Baoshan ruleset against an independent reading of its spec, on records aimed at every stated boundary.

`bench/handwritten_baoshan.py` is written from shared/specs/baoshan-2021.md
alone; any disagreement is a bug in the ruleset, the language or the oracle.
Where the spec is silent (结转结余率's denominator, 结转结余变动率 from no
carry-over to some, a 固定资产账面价值 of 0) the oracle follows the ruleset's
reading; its docstring says so, and test_stated_edges_score_exactly pins each.
"""

from __future__ import annotations

import json
from decimal import Decimal

import handwritten_baoshan as spec
import pytest
from baoshan_records import MANUAL, baoshan_record, on_edge
from helpers import all_scores
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdsl.errors import DataValueError, EvaluationError

D = Decimal
GRADE_EDGES = [D(x) for x in ("90", "89.99", "80", "79.99", "60", "59.99")]


def _expected(record):
    return spec.as_dict(spec.score(spec.convert(record)))


def _agree(program, record):
    expected = _expected(record)
    ours = all_scores(program, record)
    assert set(ours) == set(expected)
    for key, value in expected.items():
        assert ours[key] == value, key
    return expected


def _total(record):
    return _expected(record)["自评得分"]


@pytest.fixture(scope="module")
def baoshan_published(root):
    """The published Baoshan record as written, `_expected` included (shared: copy it before changing it)."""
    with open(root / "examples" / "baoshan-2021.json", encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


@settings(max_examples=300)
@given(baoshan_record(), st.one_of(st.none(), st.none(), st.sampled_from(GRADE_EDGES)))
def test_ruleset_agrees_with_the_spec(baoshan, baoshan_published, record, edge):
    if edge is not None:  # a third of the records are moved to sit exactly on a grade band's edge
        record = on_edge(record, edge, _total, baoshan_published) or record
    _agree(baoshan, record)


def test_published_record_reproduces_the_published_figures(baoshan, baoshan_published):
    expected = _agree(baoshan, baoshan_published)
    assert (expected["自评得分"], expected["自评得分:grade"]) == (D(97), "优秀")
    assert expected["投入/预算配置/在职人员控制率"] == 0  # 34 / 30 = 113.33%: 14 started points, floor 0
    assert expected["投入/预算配置/“三公经费”变动率"] == 3  # −53.62%, not the reported 46.38%
    published_card = baoshan_published["_expected"]["自评得分"]
    assert (expected["自评得分"], expected["自评得分:grade"]) == (published_card["score"], published_card["grade"])
    for path, value in published_card["indicators"].items():
        assert expected[path] == value, path


@pytest.mark.parametrize("target, grade", [
    (D(90), "优秀"), (D("89.99"), "良好"), (D(80), "良好"), (D("79.99"), "中"), (D(60), "中"), (D("59.99"), "差"),
])
def test_grade_band_edges(baoshan, baoshan_published, target, grade):
    record = on_edge(baoshan_published, target, _total, baoshan_published)  # 97 less manual 扣分 (38 points of them)
    expected = _agree(baoshan, record)
    assert (expected["自评得分"], expected["自评得分:grade"]) == (target, grade)


@pytest.mark.parametrize("changes, path, score", [
    ({"在职人员数": 30}, "投入/预算配置/在职人员控制率", D(3)),  # exactly 100%
    ({"在职人员数": 31, "编制数": 100}, "投入/预算配置/在职人员控制率", D(3)),
    ({"在职人员数": 101, "编制数": 100}, "投入/预算配置/在职人员控制率", D("2.5")),  # one point
    ({"在职人员数": 201, "编制数": 200}, "投入/预算配置/在职人员控制率", D("2.5")),  # half a point, started
    ({"在职人员数": 203, "编制数": 200}, "投入/预算配置/在职人员控制率", D(2)),  # 1.5 points → 2 started
    ({"在职人员数": 105, "编制数": 100}, "投入/预算配置/在职人员控制率", D("0.5")),
    ({"在职人员数": 106, "编制数": 100}, "投入/预算配置/在职人员控制率", D(0)),
    ({"本年三公经费": "3.04万元"}, "投入/预算配置/“三公经费”变动率", D(3)),  # change 0
    ({"本年三公经费": "30401元"}, "投入/预算配置/“三公经费”变动率", D("2.5")),  # a sliver above 0
    ({"本年三公经费": "3.1008万元"}, "投入/预算配置/“三公经费”变动率", D(2)),  # exactly 2 points: 1 off
    ({"重点项目支出": "393.057万元"}, "投入/预算配置/重点支出安排率", D(4)),  # exactly 90%
    ({"重点项目支出": "393.0569万元"}, "投入/预算配置/重点支出安排率", D(3)),
    ({"预算调整数": "50.558万元"}, "过程/预算执行/预算调整率", D(2)),  # exactly 5%
    ({"预算调整数": "50.559万元"}, "过程/预算执行/预算调整率", D(1)),
    ({"预算调整数": "101.116万元"}, "过程/预算执行/预算调整率", D(1)),  # exactly 10%
    ({"预算调整数": "101.117万元"}, "过程/预算执行/预算调整率", D(0)),
    ({"预算完成数": "1179.612万元"}, "过程/预算执行/预算完成率", D(3)),  # 120%: 3 × min(rate, 1)
    ({"预算完成数": "491.505万元"}, "过程/预算执行/预算完成率", D("1.5")),
    ({"结转结余总额": "49.1505万元"}, "过程/预算执行/结转结余率", D(2)),  # exactly 5%
    ({"结转结余总额": "49.1506万元"}, "过程/预算执行/结转结余率", D(0)),
    ({"结转结余总额": "5万元", "上年结转结余总额": "5万元"}, "过程/预算执行/结转结余变动率", D(2)),
    ({"结转结余总额": "5.0001万元", "上年结转结余总额": "5万元"}, "过程/预算执行/结转结余变动率", D(0)),
    # the spec only rules on no carry-over in either year (2); from none to some: the ruleset's reading, 0
    ({"结转结余总额": "0.01元", "上年结转结余总额": "0万元"}, "过程/预算执行/结转结余变动率", D(0)),
    ({"结转结余总额": "0万元", "上年结转结余总额": "5万元"}, "过程/预算执行/结转结余变动率", D(2)),
    ({"公用经费决算数": "66.4101万元"}, "过程/预算执行/公用经费控制率", D(0)),
    ({"本年三公经费": "7.30万元"}, "过程/预算执行/“三公经费”控制率", D(3)),  # exactly 100%
    ({"本年三公经费": "7.3001万元"}, "过程/预算执行/“三公经费”控制率", D(0)),
    ({"在用固定资产": "2476.08万元"}, "过程/资产管理/固定资产利用率", D(2)),  # 200%: scored, clamped to 2
    ({"在用固定资产": "412.68万元"}, "过程/资产管理/固定资产利用率", D("0.67")),
    # no rule in the spec for a 账面价值 of 0: the ruleset's reading, full marks
    ({"固定资产账面价值": 0, "在用固定资产": 0}, "过程/资产管理/固定资产利用率", D(2)),
    ({"实际完成率": "120%"}, "产出/职责履行/实际完成率", D(7)),
    ({"完成及时率": D("0.3333")}, "产出/职责履行/完成及时率", D(2)),
    ({"满意度": "90%"}, "效果/履职效益/社会公众或服务对象满意度", D(5)),
    ({"满意度": "89.99%"}, "效果/履职效益/社会公众或服务对象满意度", D(5)),  # 4.99944… → 5.00
    ({"满意度": "45%"}, "效果/履职效益/社会公众或服务对象满意度", D("2.5")),
    ({"生态效益扣分": 5}, "效果/履职效益/生态效益", D(0)),
    ({"生态效益扣分": {"value": 0, "note": "无扣分"}}, "效果/履职效益/生态效益", D(5)),
])
def test_stated_edges_score_exactly(baoshan, baoshan_published, changes, path, score):
    expected = _agree(baoshan, dict(baoshan_published, **changes))
    assert expected[path] == score


@pytest.mark.parametrize("divisor, path", [
    ("编制数", "投入/预算配置/在职人员控制率"),
    ("上年三公经费", "投入/预算配置/“三公经费”变动率"),
    ("项目总支出", "投入/预算配置/重点支出安排率"),
    ("调整后预算数", "过程/预算执行/预算完成率"),
    ("年初预算数", "过程/预算执行/预算调整率"),
    ("支付预算数", "过程/预算执行/支付进度率"),
    ("公用经费预算数", "过程/预算执行/公用经费控制率"),
    ("三公经费预算数", "过程/预算执行/“三公经费”控制率"),
    ("政府采购预算数", "过程/预算执行/政府采购执行率"),
])
def test_a_zero_divisor_the_spec_gives_no_rule_for_is_an_error(baoshan, baoshan_published, divisor, path):
    record = dict(baoshan_published, **{divisor: 0})
    with pytest.raises(ArithmeticError):
        spec.score(spec.convert(record))
    with pytest.raises(EvaluationError) as caught:
        baoshan.evaluate(record)
    assert f"指标 {path}" in caught.value.message
    assert caught.value.key == divisor


@pytest.mark.parametrize("key", sorted(MANUAL))
def test_manual_deduction_above_the_weight_is_a_data_error(baoshan, baoshan_published, key):
    record = dict(baoshan_published, **{key: D(MANUAL[key]) + D("0.01")})
    with pytest.raises(spec.ManualOutOfRange):
        spec.score(spec.convert(record))
    with pytest.raises(DataValueError) as caught:
        baoshan.evaluate(record)
    assert caught.value.key == key
