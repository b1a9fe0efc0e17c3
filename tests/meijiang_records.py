"""Hypothesis strategies for Meijiang 2023 records, built from the spec's stated boundaries.

Each generated record aims figures at the edges the spec names (5% and every
started percentage point of 结转结余率, 三公 actual at / just over the budget,
完成率 and 利用率 at and above 100%, parts above their whole, zero totals,
leaf scores that land on a half cent, 扣分 at 0 and at the full weight, the
not-applicable flags) and writes values in every form the data contract
allows (元 numbers, 万元/元 strings, percent strings, annotated values,
defaults left out) — amounts one way per record or per table, rates and
amounts of a department's size (tests/record_forms.py says why).
"""

from __future__ import annotations

from decimal import Decimal

from handwritten_meijiang import MANUAL  # indicator → weight, the leaves judged by 扣分
from hypothesis import strategies as st
from record_forms import RANDOM_CARRY, Writing, amounts, annotated, rate, ratio_parts

D = Decimal

# 5% is full; each started point above it costs 0.5 (5.01% and 6% → 2.5, 6.01% → 2, 10% → 0.5, 10.01% → 0)
# (past the floor, 30% stands for every carry-over the rule gives 0: one of 50% or 120% is no record)
CARRY_EDGES = [D(x) for x in ("0", "0.0366", "0.0499", "0.05", "0.050001", "0.0501", "0.06", "0.0601", "0.07",
                              "0.08", "0.0801", "0.09", "0.0999", "0.1", "0.1001", "0.11", "0.3")]
# 1 × 利用率: at and above the whole, and shares that land on a half cent (0.125 → 0.13, 0.505 → 0.51)
USE_SHARES = [D(x) for x in ("1", "0.9999", "0.995", "0.5", "0.125", "0.505", "0", "1.0001", "1.2", "3")]
# 15 × 完成率: 100%, just under/over it, half cents after an even digit (99.5% → 14.925 → 14.93; 99.1% → 14.865
# → 14.87), a half of a half cent rounded once (99.63% → 14.9445 → 14.94, not 14.95), the seed's 100%
COMPLETION = [D(x) for x in ("1", "0.9999", "0.999", "1.0001", "1.5", "0", "0.995", "0.991", "0.9963", "0.5",
                             "0.6667", "0.9667", "0.95")]
# 扣分: none, the published 0.05, a half cent (5 − 0.015 = 4.985 → 4.99), the full weight, just under it
DEDUCTIONS = ("0", "0.05", "0.015", "0.5", "1")

small_count = st.one_of(st.integers(0, 3), st.sampled_from([5, 8, 16, 40]), st.integers(0, 40))

# Strategies built once (hypothesis re-validates a strategy built inside a draw, which dominates the run time).
_NOTE = "评审组意见"
# 扣分 per weight in one draw: left out (defaults to 0) a third of the time, else an edge, some annotated;
# a lenient assessor (so that totals reach 优秀) deducts rarely and little
_DEDUCTION = {weight: st.sampled_from([None] * 5 + [
    {"value": v, "note": _NOTE} if i % 4 == 0 else v
    for i, v in enumerate(min(D(x), weight) for x in (*DEDUCTIONS, weight, weight, weight - D("0.01")))])
    for weight in set(MANUAL.values())}
_LENIENT = st.sampled_from([None] * 12 + [D(0), D("0.05"), {"value": D("0.015"), "note": _NOTE}])
_FLAG = st.sampled_from([None, True, False, {"value": False, "note": "2023 年无报废固定资产"}, {"value": True, "note": _NOTE}])
_COMPLETION = st.sampled_from(COMPLETION)
_FULLISH = st.sampled_from([D(1), D("0.9999"), D("1.0001"), D("0.95")])
_USE_SHARES = st.sampled_from(USE_SHARES)
_OFFSETS = st.sampled_from([D(0), D("0.01"), D("-0.01"), D(-1), D(1000), None])  # None: no spending at all
# figures the report states but the spec does not score (shown beside 预算编制合理性 and 满意度): any value
_REPORTED = st.sampled_from([D(8733500), "873.35万元", "756.77万元", "0元", D(0), "0.09万元", D("147730.5")])


@st.composite
def count(draw, n: int):
    """A count as an int or a Decimal, sometimes annotated."""
    return draw(annotated(draw(st.sampled_from([n, D(n)]))))


@st.composite
def meijiang_record(draw) -> dict:
    """A valid Meijiang record (one the spec scores, or one whose 结转结余率 base is 0)."""
    record: dict = {"单位": "梅州市梅江区政务服务数据管理局"}
    money = Writing(draw)
    lenient = draw(st.booleans())

    closing, base = draw(ratio_parts(CARRY_EDGES, RANDOM_CARRY))
    if draw(st.integers(0, 15)) == 9:  # a zero base: the spec gives 结转结余率 no score, so both must refuse
        base = D(0)
    fund = draw(st.sampled_from([D(0), D(0), D(100)])) if base else D(0)
    opening = min(draw(st.integers(0, 10**6)) * D(1), base - fund)
    record["年末财政拨款结转和结余"] = money(closing, "结转")
    record["年初财政拨款结转和结余"] = money(opening, "结转")
    record["一般公共预算财政拨款决算数"] = money(base - opening - fund, "结转")
    if fund or draw(st.booleans()):  # 政府性基金 defaults to 0
        record["政府性基金预算财政拨款决算数"] = money(fund, "结转")

    # in 万元 to 2 places, so that every share of it is a whole number of 分
    total_assets = draw(st.sampled_from([D(0), D(1664700), draw(amounts).quantize(D(100))]))
    used = total_assets * draw(_USE_SHARES)
    record["固定资产总额"] = money(total_assets, "资产")
    record["在用固定资产总额"] = money(used, "资产")  # a part above its whole is data the spec scores (capped)

    for flag in ("有资产处置收益", "有采购达到备案标准"):  # both default to applicable
        choice = draw(_FLAG)
        if choice is not None:
            record[flag] = choice

    budget = draw(st.sampled_from([D(252000), D(36900), D(0), draw(amounts)]))
    offset = draw(_OFFSETS)  # at the budget, a cent either side, well over it
    record["三公经费预算数"] = draw(annotated(money(budget, "三公")))
    record["三公经费实际支出数"] = money(D(0) if offset is None else max(budget + offset, D(0)), "三公")

    planned = draw(small_count)
    done = draw(st.one_of(st.integers(0, planned), st.integers(planned, planned + 3)))  # 完成数 may exceed 总数
    record["重点工作总数"] = draw(count(planned))
    record["重点工作完成数"] = draw(count(done))
    for key in ("产出指标完成率", "效益指标完成率"):
        record[key] = draw(annotated(draw(rate(draw(_FULLISH if lenient else _COMPLETION)))))

    for key in ("本年收入合计", "一般公共服务收入", "社会保障和就业收入", "卫生健康收入", "住房保障收入", "其他收入"):
        record[key] = draw(_REPORTED)
    sent = draw(st.sampled_from([0, 15054, 7]))  # 派发 0: a zero the spec never divides by
    record["热线派发工单数"] = sent
    record["热线满意工单数"] = min(sent, draw(st.sampled_from([14142, 0, 7])))
    record["报告热线满意率"] = draw(st.sampled_from([D("0.9877"), "98.77%", D(1), "0%"]))

    for name, weight in MANUAL.items():
        value = draw(_LENIENT if lenient else _DEDUCTION[weight])
        if value is not None:
            record[name + "扣分"] = value
    return record
