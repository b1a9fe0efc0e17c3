"""Hypothesis strategies for Chao'an 2022 records, built from the spec's stated boundaries.

Each generated record aims figures at the edges the spec names (band edges
of 部门预算支出率, a started percentage point of 结转结余率, a started 10 points
of 存量资金变动率, zero totals, 自评得分 gaps of exactly 5/10/20 …) and writes
values in every form the data contract allows (元 numbers, 万元/元 strings,
percent strings, annotated values) — one way per record or per table, as a
department writes them (tests/record_forms.py says why).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st
from record_forms import RANDOM_CARRY, Writing, amounts, annotated, rate, ratio_parts

D = Decimal

CHECKLIST = ("预算编制符合职责", "预算分配合理无沉淀", "专项资金编制细化", "分类编制准确无频繁调剂", "预算分配不固化")
MANUAL = {"绩效目标合理性扣分": 5, "绩效指标明确性扣分": 5, "财务合规性扣分": 4, "预决算信息公开性扣分": 4,
          "项目监管扣分": 4, "资产管理合规性扣分": 4, "社会经济效益扣分": 14, "公众或服务对象满意度扣分": 4,
          "自评材料完整性扣分": 15, "材料报送规范性扣分": 3, "自评成果充分性扣分": 10}

SPENDING_EDGES = [D(x) for x in ("0.8", "0.85", "0.9", "0.95", "1", "0.7999", "0.8499", "0.8999", "0.9499",
                                 "0.9999", "0.976", "1.2", "0.5", "0")]
CARRY_EDGES = [D(x) for x in ("0", "0.024", "0.05", "0.0501", "0.06", "0.062", "0.1", "0.11", "0.055", "0.3")]
STOCK_CHANGES = [D(x) for x in ("-0.656", "-1", "0", "0.0001", "0.1", "0.1001", "0.2", "0.35", "5")]
# 上年末存量资金: none (the spec's zero), the seed's 1.25万元, a large and a small stock (whole 分 after each change)
STOCK_BASES = [D(0), D(12500), D(1000000), D(3700)]
GAPS = [D(x) for x in ("0", "5", "5.01", "10", "10.01", "20", "20.01", "7.46", "40")]

small_count = st.one_of(st.integers(0, 3), st.integers(0, 40)).map(D)


@st.composite
def chaoan_record(draw) -> dict:
    """A valid Chao'an record (自评得分 is set afterwards by `with_gap`)."""
    record: dict = {"单位": draw(st.sampled_from(["某局", "潮州市潮安区政务服务数据管理局"]))}
    money = Writing(draw)
    transfer = draw(st.booleans())
    if transfer or draw(st.booleans()):
        record["有转移支付"] = transfer
    for key in CHECKLIST:
        record[key] = draw(st.booleans())
    if transfer:
        for key in ("提前下达一般性转移支付比例", "提前下达专项转移支付比例"):
            value = draw(st.sampled_from([D(x) for x in ("0", "0.5", "0.7", "0.9", "1", "0.63", "1.1")]))
            record[key] = draw(rate(value))
        record["逾期下达转移支付项数"] = draw(small_count)
    spent, available = draw(ratio_parts(SPENDING_EDGES))
    carried = draw(st.integers(0, 10**7)) * D(1)
    record["预算支出决算数"] = money(spent, "支出率")
    record["上年结转数"] = money(min(carried, available), "支出率")
    record["预算收入决算数"] = money(available - min(carried, available), "支出率")
    closing, base = draw(ratio_parts(CARRY_EDGES, RANDOM_CARRY))
    opening = draw(st.integers(0, 10**6)) * D(1)
    fund = draw(st.sampled_from([D(0), D(100)]))
    opening = min(opening, base - fund) if base > fund else D(0)
    record["年末财政拨款结转和结余"] = money(closing, "结转")
    record["年初财政拨款结转和结余"] = money(opening, "结转")
    record["一般公共预算财政拨款决算数"] = money(base - opening - fund, "结转")
    if fund or draw(st.booleans()):
        record["政府性基金预算财政拨款决算数"] = money(fund, "结转")
    prior = draw(st.sampled_from(STOCK_BASES))
    if prior == 0:
        now = draw(st.sampled_from([D(0), D(4300)]))
    else:
        now = prior * (1 + draw(st.sampled_from(STOCK_CHANGES)))
    record["上年末存量资金"] = money(prior, "存量")
    record["年末存量资金"] = money(now, "存量")
    record["采购意向公开率"] = draw(rate(draw(st.sampled_from([D(x) for x in ("1", "0.8", "0", "0.333", "1.5")]))))
    record["中小企业采购比例"] = draw(rate(draw(st.sampled_from([D(x) for x in ("1", "0.95", "0", "0.3")]))))
    for key in ("资产月报逾期次数", "逾期未上缴收益笔数", "缺报下属单位数", "表彰次数", "问责次数"):
        record[key] = draw(annotated(draw(small_count)))
    record["已完成资产盘点"] = draw(st.booleans())
    total_assets = draw(st.sampled_from([D(0), D(8782700), draw(amounts).quantize(D(100))]))  # 万元 to 2 places
    used = total_assets * draw(st.sampled_from([D(1), D("0.5"), D(0), D("0.9999")]))
    record["固定资产总额"] = money(total_assets, "资产")
    record["在用固定资产总额"] = money(used, "资产")
    budget = draw(amounts)  # at, a cent over, 1 元 under, 1000 元 over a budget of a department's size
    record["日常公用经费调整预算数"] = money(budget, "公用经费")
    record["日常公用经费决算数"] = money(budget + draw(st.sampled_from([D(0), D("0.01"), D(-1), D(1000)])), "公用经费")
    record["三公经费未超预算"] = draw(st.booleans())
    record["无超标准开支"] = draw(st.booleans())
    for total_key, done_key in (("重点工作总数", "重点工作完成数"), ("项目总数", "项目完成数")):
        total = draw(small_count)
        record[total_key] = total
        record[done_key] = D(draw(st.integers(0, int(total))))
    letters = draw(small_count)
    record["信访件数"] = letters
    record["信访回复数"] = D(draw(st.integers(0, int(letters))))
    record["信访按时回复数"] = D(draw(st.integers(0, int(record["信访回复数"]))))
    record["自评延误天数"] = draw(st.sampled_from([D(n) for n in (0, 1, 4, 5, 6, 10, 11, 15, 30)]))
    for key, weight in MANUAL.items():
        if draw(st.integers(0, 3)):
            value = draw(st.sampled_from([D(0), D("0.5"), D(1), D(3), D(weight)]))
            record[key] = draw(annotated(value))
    return record


def with_gap(record: dict, review_total: Decimal, gap: Decimal, above: bool) -> dict:
    """Set 自评得分 so that |自评得分 − 复核得分| is exactly `gap`."""
    out = dict(record)
    score = review_total + gap if above or review_total - gap < 0 else review_total - gap
    out["自评得分"] = score
    return out
