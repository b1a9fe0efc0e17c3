"""A plain hand-written scorer of shared/specs/zhanjiang-2021.md, written from the spec, not from the ruleset.

An independent oracle the tests compare `rulesets/zhanjiang-2021.perf` with on
generated records (tests/test_zhanjiang_spec.py), the way handwritten_chaoan.py
serves Chao'an.  Only the input names come from the ruleset (they are the data
contract); every rule, weight and edge comes from the spec.

`convert(raw)` reads a record as the data contract allows (money as numbers,
"…元" or "…万元" strings, rates as fractions or "97.6%" strings, annotated
values, defaults); `score(values)` returns the flat tuple described by
`LAYOUT`; `as_dict` turns that into {path: score}; `figures` gives the rates
the spec recomputes.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Context, Decimal, localcontext

from record_values import ManualOutOfRange, judged, plain_values  # noqa: F401 (ManualOutOfRange: the oracle's error)
from record_values import clip as _clip
from record_values import leaf as _r

D = Decimal
ZERO, ONE, TWO, THREE, FOUR, FIVE, EIGHT, TEN = (D(n) for n in (0, 1, 2, 3, 4, 5, 8, 10))
HALF = D("0.5")
WIDE = Context(prec=60)  # wider than perfdsl's 40 digits, so the oracle is never the less exact side

MONEY = ("年度实际支出", "财政下达预算数", "年度收入数", "基本支出", "项目支出", "年末财政拨款结转和结余",
         "年初财政拨款结转和结余", "一般公共预算财政拨款决算数", "政府性基金预算财政拨款决算数",
         "国库集中支付结转结余存量资金", "实际采购金额", "采购计划金额", "三公经费实际支出", "三公经费预算数")
RATES = ("报告支出完成率", "报告结余结转率", "固定资产利用率")
MANUAL = {  # an indicator's 扣分 input → the indicator's weight (spec: "(manual)")
    "预算编制合理性扣分": 5, "项目库储备与细化扣分": 5, "绩效目标设置扣分": 5, "保障措施扣分": 3, "存量资金扣分": 3,
    "资金下达合法性扣分": 2, "财务合规性扣分": 4, "项目实施程序扣分": 5, "项目监管扣分": 5, "资产管理合规性扣分": 5,
    "信息公开扣分": 5, "绩效自评扣分": 5, "效果性扣分": 10, "公平性扣分": 5,
}


def convert(raw: dict) -> dict:
    """A raw record → plain values (money in 元, rates as fractions, defaults filled in)."""
    values = plain_values(raw, MONEY, RATES)
    for key in MANUAL:
        values.setdefault(key, ZERO)
    values.setdefault("有转移支付", False)
    values.setdefault("政府性基金预算财政拨款决算数", ZERO)
    values.setdefault("国库集中支付结转结余存量资金", ZERO)
    return values


class ZeroDenominator(ZeroDivisionError):
    """The spec gives no score for a zero denominator: the indicator cannot be scored (DESIGN §2)."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def _ratio(num, den, path):
    if den == 0:
        raise ZeroDenominator(path)
    return num / den


def _manual(v, key):
    return judged(v[key], D(MANUAL[key]), key)


P_ZC = "预算执行情况/支出管理/支出完成率"
P_JY = "预算执行情况/支出管理/结余结转率"
P_CG = "预算执行情况/支出管理/政府采购执行率"
P_XL = "预算执行效益/效率性"

LAYOUT = (
    "自评得分", "自评得分:grade",
    "预算编制情况", "预算编制情况/预算编制合理性", "预算编制情况/项目库储备与细化", "预算编制情况/绩效目标设置",
    "预算执行情况", "预算执行情况/保障措施",
    "预算执行情况/支出管理", P_ZC, P_JY, "预算执行情况/支出管理/存量资金",
    "预算执行情况/支出管理/资金下达合法性", P_CG, "预算执行情况/支出管理/财务合规性",
    "预算执行情况/项目管理", "预算执行情况/项目管理/项目实施程序", "预算执行情况/项目管理/项目监管",
    "预算执行情况/资产管理", "预算执行情况/资产管理/资产管理合规性", "预算执行情况/资产管理/固定资产利用率",
    "预算监督情况", "预算监督情况/信息公开", "预算监督情况/绩效自评",
    "预算执行效益", "预算执行效益/经济性", P_XL, "预算执行效益/效果性", "预算执行效益/公平性",
)


def figures(v: dict) -> dict:
    """The rates the spec recomputes ("Figures to recompute"), unrounded."""
    with localcontext(WIDE):
        return {
            "支出完成率": _ratio(v["年度实际支出"], v["财政下达预算数"], P_ZC),
            "结余结转率": _ratio(v["年末财政拨款结转和结余"], v["年初财政拨款结转和结余"]
                            + v["一般公共预算财政拨款决算数"] + v["政府性基金预算财政拨款决算数"], P_JY),
            "政府采购执行率": _ratio(v["实际采购金额"], v["采购计划金额"], P_CG),
            "绩效目标完成率": _ratio(v["已实现目标数"], v["计划目标数"], P_XL),
        }


def score(v: dict) -> tuple:
    """Score converted values; the tuple follows `LAYOUT`."""
    with localcontext(WIDE):
        return _score(v)


def _score(v: dict) -> tuple:
    s_hl = _manual(v, "预算编制合理性扣分")
    s_xmk = _manual(v, "项目库储备与细化扣分")
    s_mb = _manual(v, "绩效目标设置扣分")
    s_bz = _manual(v, "保障措施扣分")

    f = figures(v)
    s_zc = _r(_clip(EIGHT * min(f["支出完成率"], ONE), EIGHT))  # 8 × min(rate, 1)
    # ≤ 5% → 4; −0.5 per started percentage point above, floor 0.  Compared exactly, no quotient.
    closing = v["年末财政拨款结转和结余"]
    base = v["年初财政拨款结转和结余"] + v["一般公共预算财政拨款决算数"] + v["政府性基金预算财政拨款决算数"]
    if closing <= D("0.05") * base:
        s_jy = FOUR
    else:
        steps = ((closing * 100 - 5 * base) / base).to_integral_value(ROUND_CEILING)
        s_jy = _r(_clip(FOUR - HALF * steps, FOUR))
    # 3 when there is no stock of 国库集中支付 funds, else the assessor's judgement.
    s_cl = THREE if v["国库集中支付结转结余存量资金"] == 0 else _manual(v, "存量资金扣分")
    # Does not apply without transfer payments: full marks, as the report treats it.
    # With them the spec gives no rule; the ruleset's 资金下达合法性扣分 makes it manual, and so do we.
    s_xd = _manual(v, "资金下达合法性扣分") if v["有转移支付"] else TWO
    s_cg = _r(_clip(FOUR * min(f["政府采购执行率"], ONE), FOUR))
    s_cw = _manual(v, "财务合规性扣分")

    s_cx = _manual(v, "项目实施程序扣分")
    s_jg = _manual(v, "项目监管扣分")

    s_zh = _manual(v, "资产管理合规性扣分")
    s_ly = _r(_clip(TWO * v["固定资产利用率"], TWO))  # 2 × rate, kept within [0, 2]: 105% scores 2

    s_gk = _manual(v, "信息公开扣分")
    s_zp = _manual(v, "绩效自评扣分")

    s_jj = FIVE if v["三公经费实际支出"] <= v["三公经费预算数"] else ZERO
    s_xl = _r(_clip(TEN * f["绩效目标完成率"], TEN))
    s_xg = _manual(v, "效果性扣分")
    s_gp = _manual(v, "公平性扣分")

    g_zc = s_zc + s_jy + s_cl + s_xd + s_cg + s_cw
    g_xm = s_cx + s_jg
    g_zz = s_zh + s_ly
    top1 = s_hl + s_xmk + s_mb
    top2 = s_bz + g_zc + g_xm + g_zz
    top3 = s_gk + s_zp
    top4 = s_jj + s_xl + s_xg + s_gp
    total = top1 + top2 + top3 + top4
    # Grades as Chao'an (Guangdong 五档, lower bound inclusive).
    grade = "优秀" if total >= 90 else "良好" if total >= 80 else "中" if total >= 70 else "低" if total >= 60 else "差"
    return (
        total, grade,
        top1, s_hl, s_xmk, s_mb,
        top2, s_bz,
        g_zc, s_zc, s_jy, s_cl, s_xd, s_cg, s_cw,
        g_xm, s_cx, s_jg,
        g_zz, s_zh, s_ly,
        top3, s_gk, s_zp,
        top4, s_jj, s_xl, s_xg, s_gp,
    )


def as_dict(scores: tuple) -> dict:
    return dict(zip(LAYOUT, scores))
