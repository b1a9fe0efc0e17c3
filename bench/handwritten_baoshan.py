"""A plain hand-written scorer of shared/specs/baoshan-2021.md, written from the spec, not from the ruleset.

An independent oracle the tests compare `rulesets/baoshan-2021.perf` with on
generated records (tests/test_baoshan_spec.py), in the shape of
`handwritten_chaoan.py`: `convert(raw)` reads a record as the data contract
allows (money as numbers in 万元 — the ruleset declares money(万元) — or
"…元"/"…万元" strings, rates as fractions or percent strings, annotated values,
defaults); `score(values)` returns the flat tuple described by `LAYOUT`;
`as_dict` turns that into {path: score}.

Three readings the spec leaves open, and the ruleset's answer followed here:
结转结余率 is divided by 调整后预算数 (the spec names no denominator);
结转结余变动率 from no carry-over last year to some this year scores 0 (an
increase; the spec only rules on no carry-over in either year); and
固定资产利用率 with a 固定资产账面价值 of 0 scores full marks (the spec gives
no rule for it, which would otherwise make it an evaluation error).
Every other zero divisor raises, as the ruleset's does.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

from record_values import WAN, ManualOutOfRange, judged, plain_values  # noqa: F401 (ManualOutOfRange: the oracle's error)
from record_values import clip as _clip
from record_values import leaf as _r

D = Decimal
ZERO, ONE, TWO, THREE, FOUR, FIVE = (D(n) for n in (0, 1, 2, 3, 4, 5))
HALF = D("0.5")
POINT = D("0.01")  # one percentage point
SNAP = D("1e-24")

MONEY = ("本年三公经费", "上年三公经费", "重点项目支出", "项目总支出", "年初预算数", "预算调整数", "调整后预算数",
         "预算完成数", "实际支付数", "支付预算数", "结转结余总额", "上年结转结余总额", "公用经费预算数", "公用经费决算数",
         "三公经费预算数", "政府采购预算数", "政府采购实际数", "固定资产账面价值", "在用固定资产")
RATES = ("报告三公经费变动率", "实际完成率", "完成及时率", "质量达标率", "重点工作办结率", "满意度")
MANUAL = {  # 扣分 input → the indicator's weight (资产管理's 管理制度健全性 reads its own input: the names clash)
    "绩效目标合理性扣分": 2, "绩效指标明确性扣分": 3, "管理制度健全性扣分": 3, "资金使用合规性扣分": 3,
    "预决算信息公开性扣分": 3, "基础信息完善性扣分": 3, "资产管理制度健全性扣分": 3, "资产管理安全性扣分": 3,
    "经济效益扣分": 5, "社会效益扣分": 5, "生态效益扣分": 5,
}


def convert(raw: dict) -> dict:
    """A raw record → plain values (money in 元, rates as fractions, 扣分 and carry-over defaulting to 0)."""
    values = plain_values(raw, MONEY, RATES, WAN)  # a plain number is in the declared unit, 万元
    for key in (*MANUAL, "结转结余总额", "上年结转结余总额"):
        values.setdefault(key, ZERO)
    return values


def _steps(excess):
    """Started percentage points in a positive excess (0.3 points → 1, exactly 1 point → 1)."""
    return (excess.quantize(SNAP, ROUND_HALF_EVEN) / POINT).to_integral_value(ROUND_CEILING)


def _per_point(rate, limit, weight):
    """Full marks up to `limit`; 0.5 off for each started point above it, floor 0."""
    if rate <= limit:
        return weight
    return _r(_clip(weight - HALF * _steps(rate - limit), weight))


def _share(weight, rate):
    """weight × min(rate, 1) (the rates are never negative: the ruleset's input ranges)."""
    return _r(_clip(weight * min(rate, ONE), weight))


LAYOUT = (
    "自评得分", "自评得分:grade",
    "投入", "投入/目标设定", "投入/目标设定/绩效目标合理性", "投入/目标设定/绩效指标明确性",
    "投入/预算配置", "投入/预算配置/在职人员控制率", "投入/预算配置/“三公经费”变动率", "投入/预算配置/重点支出安排率",
    "过程", "过程/预算执行", "过程/预算执行/预算完成率", "过程/预算执行/预算调整率", "过程/预算执行/支付进度率",
    "过程/预算执行/结转结余率", "过程/预算执行/结转结余变动率", "过程/预算执行/公用经费控制率",
    "过程/预算执行/“三公经费”控制率", "过程/预算执行/政府采购执行率",
    "过程/预算管理", "过程/预算管理/管理制度健全性", "过程/预算管理/资金使用合规性", "过程/预算管理/预决算信息公开性",
    "过程/预算管理/基础信息完善性",
    "过程/资产管理", "过程/资产管理/管理制度健全性", "过程/资产管理/资产管理安全性", "过程/资产管理/固定资产利用率",
    "产出", "产出/职责履行", "产出/职责履行/实际完成率", "产出/职责履行/完成及时率", "产出/职责履行/质量达标率",
    "产出/职责履行/重点工作办结率",
    "效果", "效果/履职效益", "效果/履职效益/经济效益", "效果/履职效益/社会效益", "效果/履职效益/生态效益",
    "效果/履职效益/社会公众或服务对象满意度",
)


def _manual(v, key):
    return judged(v[key], D(MANUAL[key]), key)


def grade(total):
    return "优秀" if total >= 90 else "良好" if total >= 80 else "中" if total >= 60 else "差"


def score(v: dict) -> tuple:
    """Score converted values; the tuple follows `LAYOUT`.  A zero divisor raises ZeroDivisionError."""
    s_hl = _manual(v, "绩效目标合理性扣分")
    s_mq = _manual(v, "绩效指标明确性扣分")

    s_ry = _per_point(v["在职人员数"] / v["编制数"], ONE, THREE)
    prior3 = v["上年三公经费"]
    s_bd = _per_point((v["本年三公经费"] - prior3) / prior3, ZERO, THREE)
    key = v["重点项目支出"] / v["项目总支出"]
    s_zd = (FOUR if key >= D("0.9") else THREE if key >= D("0.8") else TWO if key >= D("0.7")
            else ONE if key >= D("0.6") else ZERO)

    adjusted = v["调整后预算数"]
    s_wc = _share(THREE, v["预算完成数"] / adjusted)
    change = v["预算调整数"] / v["年初预算数"]
    s_tz = TWO if change <= D("0.05") else ONE if change <= D("0.1") else ZERO
    s_zf = _share(THREE, v["实际支付数"] / v["支付预算数"])
    s_jy = TWO if v["结转结余总额"] / adjusted <= D("0.05") else ZERO
    now, before = v["结转结余总额"], v["上年结转结余总额"]
    if now == 0 and before == 0:
        s_bh = TWO  # no carry-over in either year: does not apply, full marks
    elif before == 0:
        s_bh = ZERO  # from none to some: an increase (the ruleset's reading; the spec is silent)
    else:
        s_bh = TWO if (now - before) / before <= 0 else ZERO
    s_gy = THREE if v["公用经费决算数"] / v["公用经费预算数"] <= ONE else ZERO
    s_sg = THREE if v["本年三公经费"] / v["三公经费预算数"] <= ONE else ZERO
    s_cg = _share(TWO, v["政府采购实际数"] / v["政府采购预算数"])

    s_zdjq = _manual(v, "管理制度健全性扣分")
    s_hg = _manual(v, "资金使用合规性扣分")
    s_gk = _manual(v, "预决算信息公开性扣分")
    s_jc = _manual(v, "基础信息完善性扣分")

    s_zczd = _manual(v, "资产管理制度健全性扣分")
    s_aq = _manual(v, "资产管理安全性扣分")
    # 2 × rate, clamped to the weight: 在用 above 账面价值 is scored, not rejected
    book = v["固定资产账面价值"]
    s_ly = TWO if book == 0 else _r(_clip(TWO * v["在用固定资产"] / book, TWO))  # no assets: the ruleset's reading

    s_sj = _share(D(7), v["实际完成率"])
    s_js = _share(D(6), v["完成及时率"])
    s_zl = _share(D(6), v["质量达标率"])
    s_bj = _share(D(6), v["重点工作办结率"])

    s_jj = _manual(v, "经济效益扣分")
    s_sh = _manual(v, "社会效益扣分")
    s_st = _manual(v, "生态效益扣分")
    satisfied = v["满意度"]
    s_my = FIVE if satisfied >= D("0.9") else _r(_clip(FIVE * satisfied / D("0.9"), FIVE))

    g_mb, g_pz = s_hl + s_mq, s_ry + s_bd + s_zd
    g_zx = s_wc + s_tz + s_zf + s_jy + s_bh + s_gy + s_sg + s_cg
    g_gl = s_zdjq + s_hg + s_gk + s_jc
    g_zc = s_zczd + s_aq + s_ly
    g_lz = s_sj + s_js + s_zl + s_bj
    g_xy = s_jj + s_sh + s_st + s_my
    top1, top2, top3, top4 = g_mb + g_pz, g_zx + g_gl + g_zc, g_lz, g_xy
    total = top1 + top2 + top3 + top4
    return (
        total, grade(total),
        top1, g_mb, s_hl, s_mq, g_pz, s_ry, s_bd, s_zd,
        top2, g_zx, s_wc, s_tz, s_zf, s_jy, s_bh, s_gy, s_sg, s_cg,
        g_gl, s_zdjq, s_hg, s_gk, s_jc,
        g_zc, s_zczd, s_aq, s_ly,
        top3, g_lz, s_sj, s_js, s_zl, s_bj,
        top4, g_xy, s_jj, s_sh, s_st, s_my,
    )


def as_dict(scores: tuple) -> dict:
    return dict(zip(LAYOUT, scores))
