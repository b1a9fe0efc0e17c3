"""Printed figures: value, unit and precision as the document prints them, and `show … vs` comparing at them."""

from __future__ import annotations

import pytest
from helpers import D, program

from perfdsl import printed


@pytest.mark.parametrize("text,kind,value,unit,quantum", [
    ("46.38%", "rate", D("0.4638"), None, D("0.0001")),
    ("100%", "rate", D(1), None, D("0.01")),
    ("−53.62%", "rate", D("-0.5362"), None, D("0.0001")),
    ("6440687.91万元", "money", D("64406879100"), "万元", D(100)),
    ("282.74元", "money", D("282.74"), "元", D("0.01")),
    ("23 万元", "money", D(230000), "万元", D(10000)),
    ("1,107,371万元", "money", D(11073710000), "万元", D(10000)),
    ("4辆", "number", D(4), "辆", None),
    ("20万条", "number", D(200000), "条", D(10000)),
    ("2022-05-18", "date", D(738293), None, None),
    ("2022年5月18日", "date", D(738293), None, None),
    ("工业和信息化", "text", "工业和信息化", None, None),
])
def test_parse_reads_value_unit_and_the_step_of_the_last_digit(text, kind, value, unit, quantum):
    figure = printed.parse(text)
    assert (figure.kind, figure.value, figure.unit) == (kind, value, unit)
    assert (figure.quantum is None and quantum is None) or figure.quantum == quantum


@pytest.mark.parametrize("value,text,agrees", [
    (D("0.7274"), "100%", False),  # a round percentage is not a wildcard
    (D("0.976024"), "97.60%", True),
    (D("0.97605"), "97.60%", False),  # half-up at the printed digit
    (D("0.02398"), "2.4%", True),
    (D("-0.656"), "-65.6%", True),
    (D("1.000027"), "100%", False),  # 100% and 0% are exact: completion is not a rounding
    (D("0.000027"), "0%", False),
    (D("0.000027"), "0.0027%", True),
    (D("14099.5"), "1.41万元", True),  # a 万元 figure is compared at 0.01 万元, not 0.01 元
    (D("14049.99"), "1.41万元", False),
    (D("6440687.91"), "6440687.91万元", False),
    (D(30644), "30371件", False),
    (D("0.00295"), "0.30%", True),
])
def test_agreement_is_at_the_printed_precision_in_the_printed_unit(value, text, agrees):
    assert printed.agrees(value, printed.parse(text)) is agrees


def test_two_printings_agree_at_the_coarser_one():
    assert printed.same(printed.parse("0.295%"), printed.parse("0.30%"))
    assert not printed.same(printed.parse("46个"), printed.parse("44个"))
    assert not printed.same(printed.parse("99.99%"), printed.parse("100%"))


def test_show_writes_a_figure_as_the_claim_is_printed():
    assert printed.show(D("6440687.91"), printed.parse("644.07万元")) == "644.07万元"
    assert printed.show(D("0.939422"), printed.parse("98.77%")) == "93.94%"
    assert printed.show(D(15230), printed.parse("23万元")) == "1.523万元"
    assert printed.show(D("1.000027"), printed.parse("100%")) == "100.0027%"


SHOWN = """
input 实际: money(元)
input 预算: money(元)
input 报告率: rate
input 报告额: money(元)
let 率 = 实际 / 预算
scorecard 卡 max 2 {
  indicator 率 1 { score full; show 率 vs 报告率 }
  indicator 额 1 { score full; show 实际 vs 报告额 }
}
"""


def test_show_vs_compares_at_the_reported_digits_and_unit():
    p = program(SHOWN)

    def bases(**values):
        record = {"实际": 72740, "预算": 100000, "报告率": "72.74%", "报告额": 72740} | values
        return [node.basis for node in p.evaluate(record).scorecards[0].nodes]

    # 72.74% against a reported round "100%" disagrees (it used to pass: 100% was compared at 100%)
    assert bases(报告率="100%")[0].endswith("（报告为 100%，与重算不一致）")
    assert bases(报告率="73%")[0].endswith("（报告为 73%）")
    # a 万元 claim is compared at 0.01 万元: 72740元 is 7.27万元
    assert bases(报告额="7.27万元")[1].endswith("（报告为 7.27万元）")
    assert bases(报告额="7.28万元")[1].endswith("（报告为 7.28万元，与重算不一致）")
    assert bases(报告额=72741)[1].endswith("（报告为 72741元，与重算不一致）")
