"""Hypothesis strategies for Zhanjiang 2021 records, built from the spec's stated boundaries.

Each generated record aims figures at the edges shared/specs/zhanjiang-2021.md
names: 支出完成率 / 政府采购执行率 / 固定资产利用率 at, just under and over 100%
(8 × min(rate, 1)), 结余结转率 at 5%, just above, and at every started point
up to the floor, 存量资金 zero or not, 三公经费 equal to its budget or a cent
over, 绩效目标完成率 from small counts (10 × 1/16 = 0.625 rounds up), manual
扣分 at 0, fractional and at the full weight, and rates whose score is an
exact half cent (half-up at the leaf).  Values are written in every form the
data contract allows (元 numbers, 元/万元 strings, fractions, percent strings,
annotated values) — one way per record or per table, as a department writes
them (tests/record_forms.py says why) — and defaults are sometimes left out.  Denominators the spec
gives no rule for (财政下达预算数, 采购计划金额, 计划目标数, the 结余 base) are
never 0 here; tests/test_zhanjiang_spec.py checks 0 separately.
"""

from __future__ import annotations

from decimal import Decimal

import handwritten_zhanjiang as spec
from hypothesis import strategies as st
from record_forms import RANDOM_CARRY, Writing, amounts, annotated, rate, ratio_parts

D = Decimal

MANUAL = spec.MANUAL  # each 扣分 input and its indicator's weight

# 8 × r: 100%, a hair under and over, the published 100.0027%, and 6.005 (an exact half cent)
SPENDING_EDGES = [D(x) for x in ("1", "0.9999", "1.0001", "1.000027", "0.750625", "0.5", "0", "1.2", "0.123456")]
# ≤ 5% full; every started point above costs 0.5: 5.01% and 6% → 3.5, 6.01% → 3, 12% → 0.5, 12.01% → 0
# (past the floor, 30% stands for every carry-over the rule gives 0: one of 50% to 150% is no record)
CARRY_EDGES = [D(x) for x in ("0", "0.000027", "0.0499", "0.05", "0.0501", "0.055", "0.06", "0.0601", "0.07",
                              "0.1", "0.11", "0.12", "0.1201", "0.13", "0.3")]
# 4 × r: 100%, just under, over, 3.205 (half cent), 0
PURCHASE_EDGES = [D(x) for x in ("1", "0.9999", "1.05", "0.80125", "0.5", "0", "2")]
# 2 × r: 100%, 105% (full 2), 1.605 (half cent), just under
ASSET_RATES = [D(x) for x in ("1", "1.05", "0.8025", "0.9999", "0.5", "0", "0.123", "2")]
MANUAL_VALUES = ["0", "0.5", "1", "0.25", "1.005", "full"]  # 1.005: 5 − 1.005 = 3.995 rounds half-up to 4



@st.composite
def zhanjiang_record(draw) -> dict:
    """A valid Zhanjiang 2021 record."""
    def put(key, value):
        record[key] = draw(annotated(value))

    record: dict = {"单位": draw(st.sampled_from(["某局", "湛江市政务服务数据管理局"]))}
    money = Writing(draw)
    transfer = draw(st.booleans())
    if transfer or draw(st.booleans()):  # false is the default: sometimes left out
        put("有转移支付", transfer)

    spent, budget = draw(ratio_parts(SPENDING_EDGES))
    put("年度实际支出", money(spent, "支出"))
    put("财政下达预算数", money(budget, "支出"))
    # reported and reconciling figures: shown against the recomputed ones, never scored, optional
    for key in ("年度收入数", "基本支出", "项目支出"):
        if draw(st.booleans()):
            put(key, money(draw(amounts), "支出"))
    for key in ("报告支出完成率", "报告结余结转率"):
        if draw(st.booleans()):
            put(key, draw(rate(draw(st.sampled_from([D("1"), D("0.000027"), D("0.976"), D("0")])))))

    closing, base = draw(ratio_parts(CARRY_EDGES, RANDOM_CARRY))
    fund = draw(st.sampled_from([D(0), D(0), D(100)]))
    opening = min(draw(st.integers(0, 10**6)) * D(1), base - fund)
    put("年末财政拨款结转和结余", money(closing, "结转"))
    put("年初财政拨款结转和结余", money(opening, "结转"))
    put("一般公共预算财政拨款决算数", money(base - opening - fund, "结转"))
    if fund or draw(st.booleans()):  # 0 is the default
        put("政府性基金预算财政拨款决算数", money(fund, "结转"))

    stock = draw(st.sampled_from([None, D(0), D("0.01"), D(12500), D(3000000)]))
    if stock is not None:  # None: left out, the default 0
        put("国库集中支付结转结余存量资金", money(stock, "存量"))

    bought, planned = draw(ratio_parts(PURCHASE_EDGES))
    put("实际采购金额", money(bought, "采购"))
    put("采购计划金额", money(planned, "采购"))

    put("固定资产利用率", draw(rate(draw(st.sampled_from(ASSET_RATES)))))

    # at the budget, a cent either side, the seed's 70500 under (or nothing spent), 1000 over; a zero budget
    allowed = draw(st.sampled_from([D(142400), D(0)]) | amounts)
    delta = draw(st.sampled_from([D(0), D("0.01"), D("-0.01"), D(-70500), D(1000)]))
    put("三公经费预算数", money(allowed, "三公"))
    put("三公经费实际支出", money(max(allowed + delta, D(0)), "三公"))

    planned_goals = draw(st.sampled_from([1, 3, 16, 80, 7]) | st.integers(1, 200))
    achieved = draw(st.integers(0, planned_goals) | st.sampled_from([planned_goals, planned_goals + 1]))
    put("计划目标数", planned_goals)
    put("已实现目标数", achieved)

    for key, weight in MANUAL.items():
        if draw(st.integers(0, 2)) == 0:  # 0 is the default: usually left out
            value = draw(st.sampled_from(MANUAL_VALUES))
            put(key, D(weight) if value == "full" else D(value))
    return record


# totals at and a cent under every grade edge, and full marks
GRADE_EDGES = [D(x) for x in ("100", "90", "89.99", "80", "79.99", "70", "69.99", "60", "59.99")]


def with_total(record: dict, total_without: Decimal, target: Decimal) -> dict:
    """Set 效果性扣分 and 公平性扣分 so that the total is exactly `target`, when they can reach it.

    `total_without` is the total with both deductions 0; each leaf is weight − 扣分 exactly (2 decimals).
    """
    need = total_without - target
    if not D(0) <= need <= D(15):
        return record
    out = dict(record)
    out["效果性扣分"] = min(need, D(10))
    out["公平性扣分"] = need - out["效果性扣分"]
    return out
