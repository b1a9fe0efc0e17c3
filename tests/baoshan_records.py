"""Hypothesis strategies for Baoshan 2021 records, built from the spec's stated boundaries.

Each generated record aims figures at the edges shared/specs/baoshan-2021.md
names (在职人员控制率 at 100% and each started point above, “三公经费”变动率 at
0 and each started point, the 90/80/70/60% bands of 重点支出安排率, 预算调整率
at 5%/10%, 结转结余率 at 5%, control rates at exactly 100%, rates over 100%
where the score is weight × min(rate, 1), 在用固定资产 above 账面价值, 满意度 at
90%, no carry-over in either year, manual 扣分 at 0 and at the full weight)
and writes values in every form the data contract allows (money as plain
numbers in the declared 万元, "…元" and "…万元" strings — one way per record
or per table, as a department writes them —; rates as fractions or percent
strings; annotated values; defaults left out).  Amounts are of a department's
size and in whole 分, ratios the rules reward are edges or 5%–150%, rounding
edges sit at ordinary sizes (tests/record_forms.py says why).  Divisors the spec
gives no rule for at zero are generated nonzero (test_baoshan_spec.py tests
the zero separately); two zeros the ruleset gives a reading for are
generated too: 上年结转结余总额 0 beside a carry-over this year, and
固定资产账面价值 0 (see bench/handwritten_baoshan.py).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st
from record_forms import Writing

D = Decimal
WAN = D(10000)

MANUAL = {"绩效目标合理性扣分": 2, "绩效指标明确性扣分": 3, "管理制度健全性扣分": 3, "资金使用合规性扣分": 3,
          "预决算信息公开性扣分": 3, "基础信息完善性扣分": 3, "资产管理制度健全性扣分": 3, "资产管理安全性扣分": 3,
          "经济效益扣分": 5, "社会效益扣分": 5, "生态效益扣分": 5}

# Strategies are built once, here, and the helpers below take `draw`: a record draws ~150 values, and
# building and validating a fresh strategy for each draw would triple the test's time.
# in-service staff over establishment, in started points: 0, just over, exactly 1..6 points, past the floor
STAFF_STEPS = st.sampled_from([D(x) for x in ("-0.1", "0", "0.005", "0.01", "0.015", "0.02", "0.03", "0.04",
                                              "0.05", "0.06", "0.07", "0.1333")])
POSTS = st.sampled_from([D(30), D(100), D(200), D(1000)])
SANGONG_CHANGES = st.sampled_from([D(x) for x in ("-1", "-0.5362", "-0.0001", "0", "0.0001", "0.005", "0.01",
                                                  "0.0101", "0.02", "0.0299", "0.03", "0.05", "0.06", "0.0601",
                                                  "0.07", "1")])
REPORTED_CHANGES = st.sampled_from([D("0.4638"), D("-0.5362"), D(0), D("1.5")])
KEY_EDGES = st.sampled_from([D(x) for x in ("1", "0.9", "0.8999", "0.8", "0.7999", "0.7", "0.6999", "0.6",
                                            "0.5999", "0", "1.1")])
ADJUST_EDGES = st.sampled_from([D(x) for x in ("0", "0.0278", "0.05", "0.0501", "0.1", "0.1001", "0.2", "-0.03")])
# weight × min(rate, 1); 3 × 33.5% = 1.005 rounds half-up to 1.01
SHARE_EDGES = st.sampled_from([D(x) for x in ("1", "0.9999", "0.5", "0", "1.2", "0.3333", "0.335")])
CARRY_EDGES = st.sampled_from([D(x) for x in ("0", "0.03", "0.05", "0.0501", "0.2")])
CARRY_BEFORE = st.sampled_from(["none", "none", "same", "more", "less", "random"])
# 上年结转结余总额 against this year's, drawn at random: from a fifth of it to five times it
CARRY_CHANGES = st.integers(20, 500).map(lambda n: D(n) / 100)
OVERSPEND = st.sampled_from([D(0), D("0.01"), D("-0.01"), D(-100)])  # actual − budget, in 元
# 在用 over 账面价值 is scored; 2 × 25.25% = 0.505 rounds half-up to 0.51
USE_SHARES = st.sampled_from([D(x) for x in ("1", "0.9999", "0.5", "0", "1.2", "2", "0.2525")])
UNBOOKED = st.sampled_from([D(0), D(100)])  # 在用固定资产 beside a 账面价值 of 0
# 6 × 98.75% = 5.925 rounds half-up to 5.93 (half-even would give 5.92)
OUTPUT_RATES = st.sampled_from([D(x) for x in ("1", "0.95", "0", "0.3333", "1.2", "0.9999", "0.5", "0.9875")])
# 5 × 80.01% / 90% = 4.445 exactly: half-up 4.45
SATISFACTION = st.sampled_from([D(x) for x in ("0.99", "0.9", "0.8999", "0.8", "0.8001", "0.45", "0", "1", "1.1",
                                               "0.3333")])
DEDUCTIONS = st.sampled_from([D(0), D("0.5"), D(1), D("1.37"), None])  # None: the full weight
NAMES = st.sampled_from(["某局", "保山市政务服务管理局"])
_NOTES = st.sampled_from([None, None, None, None, None, "依据材料第3页", "结转结余情况：无", "备注"])
_WRITTEN = st.integers(0, 3)
_RANDOM_RATE = st.integers(500, 15000)  # 5% to 150%: no department spends a ten-thousandth of a budget
_COUNTS = st.integers(0, 30000)
# whole hundreds of 元 (万元 to 2 places, as the report prints them), 1万 to 10亿 元: an edge share of it
# (4 decimals) is a whole number of 分
hundreds = st.integers(100, 10**7).map(lambda n: D(n) * 100)


def rate(draw, value: Decimal):
    """A rate as a fraction or a percent string."""
    if draw(st.booleans()):
        return value
    return f"{(value * 100).normalize():f}%"


def annotated(draw, value):
    note = draw(_NOTES)
    return value if note is None else {"value": value, "note": note}


def ratio_parts(draw, edges):
    """(numerator, denominator) in 元 whose ratio is exactly an edge (or now and then a random value)."""
    denominator = draw(hundreds)
    target = draw(edges) if draw(_WRITTEN) else D(draw(_RANDOM_RATE)) / 10000
    return target * denominator, denominator


@st.composite
def baoshan_record(draw) -> dict:
    """A valid Baoshan 2021 record."""
    record: dict = {"单位": draw(NAMES)}
    money = Writing(draw, "万元")

    posts = draw(POSTS)
    # a step the establishment cannot show exactly (30 posts, 0.5 points) becomes the nearest head count
    staff = D(int((posts * (1 + draw(STAFF_STEPS))).to_integral_value()))
    record["编制数"] = annotated(draw, posts)
    record["在职人员数"] = annotated(draw, staff)

    prior = draw(hundreds)
    current = prior * (1 + draw(SANGONG_CHANGES))
    record["上年三公经费"] = annotated(draw, money(prior, "三公"))
    record["本年三公经费"] = money(current, "三公")
    record["报告三公经费变动率"] = rate(draw, draw(REPORTED_CHANGES))
    wholes = {}
    for edges, part, whole in ((KEY_EDGES, "重点项目支出", "项目总支出"), (ADJUST_EDGES, "预算调整数", "年初预算数"),
                               (SHARE_EDGES, "预算完成数", "调整后预算数"), (SHARE_EDGES, "实际支付数", "支付预算数"),
                               (SHARE_EDGES, "政府采购实际数", "政府采购预算数")):
        numerator, wholes[whole] = ratio_parts(draw, edges)
        record[part], record[whole] = money(numerator, whole), money(wholes[whole], whole)

    carry = wholes["调整后预算数"] * draw(CARRY_EDGES)  # 结转结余率's denominator
    before = draw(CARRY_BEFORE)
    before = {"none": D(0), "same": carry, "more": carry + D("0.01"), "less": max(carry - D("0.01"), D(0)),
              "random": (carry * draw(CARRY_CHANGES)).quantize(D("0.01")) if carry else draw(hundreds)}[before]
    for name, amount in (("结转结余总额", carry), ("上年结转结余总额", before)):
        if amount or draw(st.booleans()):  # no carry-over: the default 0, or written out
            record[name] = annotated(draw, money(amount, "调整后预算数"))

    budget = draw(hundreds)
    record["公用经费预算数"] = money(budget, "公用经费")
    record["公用经费决算数"] = money(budget + draw(OVERSPEND), "公用经费")
    ceiling = current - draw(OVERSPEND)
    record["三公经费预算数"] = money(ceiling if ceiling > 0 else D(100), "三公")

    book = draw(hundreds) if draw(_WRITTEN) else D(0)  # no fixed assets: full marks, the ruleset's reading
    record["固定资产账面价值"] = money(book, "资产")
    record["在用固定资产"] = money(book * draw(USE_SHARES) if book else draw(UNBOOKED), "资产")

    for name in ("实际完成率", "完成及时率", "质量达标率", "重点工作办结率"):
        record[name] = annotated(draw, rate(draw, draw(OUTPUT_RATES)))
    record["满意度"] = rate(draw, draw(SATISFACTION))
    for name in ("热线交办数", "热线直接答复数", "热线办结数"):
        record[name] = D(draw(_COUNTS))

    for name, weight in MANUAL.items():
        if draw(_WRITTEN):  # else left out: the default 0
            value = draw(DEDUCTIONS)
            record[name] = annotated(draw, D(weight) if value is None else value)
    return record


# Inputs restored together from a record that scores well (the published one) to raise a total: the
# figures of one indicator, or of the indicators sharing them.
RESTORE = (("在职人员数", "编制数"), ("本年三公经费", "上年三公经费", "三公经费预算数"), ("重点项目支出", "项目总支出"),
           ("年初预算数", "预算调整数"), ("调整后预算数", "预算完成数", "结转结余总额", "上年结转结余总额"),
           ("实际支付数", "支付预算数"), ("公用经费预算数", "公用经费决算数"), ("政府采购预算数", "政府采购实际数"),
           ("固定资产账面价值", "在用固定资产"), ("实际完成率",), ("完成及时率",), ("质量达标率",), ("重点工作办结率",),
           ("满意度",))


def on_edge(record: dict, target: Decimal, total, good: dict) -> dict | None:
    """The record moved so that `total(record)` is exactly `target`, or None if it cannot be.

    Manual 扣分 are cleared; while the total is below the target, one
    indicator's figures after another are taken from `good`; then manual 扣分
    (2-place amounts, so each lowers the total exactly) take off the rest —
    not more than their 38 points: a record losing under 2.01 points outside
    them cannot reach 59.99.
    """
    out = {key: value for key, value in record.items() if key not in MANUAL}
    for names in RESTORE:
        if total(out) >= target:
            break
        out.update({name: good[name] for name in names})
    gap = total(out) - target
    for key, weight in MANUAL.items():
        if gap <= 0:
            break
        out[key] = min(D(weight), gap)
        gap -= out[key]
    return out if gap == 0 else None
