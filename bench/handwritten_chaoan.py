"""A plain hand-written scorer of shared/specs/chaoan-2022.md, written from the spec, not from the ruleset.

Two jobs: the baseline the benchmark measures perfdsl's compiled evaluator
against (it is the code a careful person would write by hand: locals,
hoisted constants, inline min/max), and an independent oracle the tests
compare `rulesets/chaoan-2022.perf` with on generated records.

`convert(raw)` reads a record as the data contract allows (money strings,
percent strings, annotated values); `score(values)` returns the flat tuple
described by `LAYOUT`; `as_dict` turns that into {path: score}.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from record_values import ManualOutOfRange, judged, plain_values  # noqa: F401 (ManualOutOfRange: the oracle's error)
from record_values import clip as _clip
from record_values import leaf as _r

D = Decimal
ZERO, ONE, TWO, THREE, FOUR, SIX, EIGHT = (D(n) for n in (0, 1, 2, 3, 4, 6, 8))
HALF = D("0.5")

MONEY = ("预算收入决算数", "上年结转数", "预算支出决算数", "年初财政拨款结转和结余", "一般公共预算财政拨款决算数",
         "政府性基金预算财政拨款决算数", "年末财政拨款结转和结余", "年末存量资金", "上年末存量资金", "固定资产总额",
         "在用固定资产总额", "日常公用经费调整预算数", "日常公用经费决算数")
RATES = ("提前下达一般性转移支付比例", "提前下达专项转移支付比例", "采购意向公开率", "中小企业采购比例")
MANUAL = {  # indicator's 扣分 input → the indicator's declared weight
    "绩效目标合理性扣分": 5, "绩效指标明确性扣分": 5, "财务合规性扣分": 4, "预决算信息公开性扣分": 4, "项目监管扣分": 4,
    "资产管理合规性扣分": 4, "社会经济效益扣分": 14, "公众或服务对象满意度扣分": 4,
    "自评材料完整性扣分": 15, "材料报送规范性扣分": 3, "自评成果充分性扣分": 10,
}


def convert(raw: dict) -> dict:
    """A raw record → plain values (money in 元, rates as fractions, 扣分 defaulting to 0)."""
    values = plain_values(raw, MONEY, RATES)
    for key in MANUAL:
        values.setdefault(key, ZERO)
    for key in ("政府性基金预算财政拨款决算数", "逾期下达转移支付项数", "资产月报逾期次数", "逾期未上缴收益笔数",
                "信访件数", "信访回复数", "信访按时回复数", "表彰次数", "问责次数", "缺报下属单位数", "自评延误天数"):
        values.setdefault(key, ZERO)
    values.setdefault("有转移支付", False)
    return values


LAYOUT = (
    "复核得分", "复核得分:grade",
    "预算编制情况", "预算编制情况/预算编制", "预算编制情况/预算编制/预算编制合理性", "预算编制情况/预算编制/提前下达率",
    "预算编制情况/目标设置", "预算编制情况/目标设置/绩效目标合理性", "预算编制情况/目标设置/绩效指标明确性",
    "预算执行情况", "预算执行情况/资金管理", "预算执行情况/资金管理/部门预算资金支出率",
    "预算执行情况/资金管理/财政拨款结转结余率", "预算执行情况/资金管理/存量资金变动率", "预算执行情况/资金管理/财务合规性",
    "预算执行情况/资金管理/资金下达", "预算执行情况/信息公开", "预算执行情况/信息公开/预决算信息公开性",
    "预算执行情况/项目管理", "预算执行情况/项目管理/项目监管", "预算执行情况/采购管理",
    "预算执行情况/采购管理/采购合规性", "预算执行情况/采购管理/采购政策", "预算执行情况/资产管理",
    "预算执行情况/资产管理/资产月报报送及时性", "预算执行情况/资产管理/资产收益上缴及时性", "预算执行情况/资产管理/资产盘点",
    "预算执行情况/资产管理/资产管理合规性", "预算执行情况/资产管理/固定资产利用率",
    "预算使用效益", "预算使用效益/经济性", "预算使用效益/经济性/公用经费控制率", "预算使用效益/效率性",
    "预算使用效益/效率性/年度重点工作完成率", "预算使用效益/效率性/项目完成率", "预算使用效益/效果性",
    "预算使用效益/效果性/社会经济效益", "预算使用效益/效果性/群众信访办理", "预算使用效益/效果性/公众或服务对象满意度",
    "加减分项", "加减分项/工作表现",
    "自评质量", "自评完整性", "自评完整性/组织开展完整性", "自评完整性/自评材料完整性", "自评完整性/材料报送规范性",
    "完成及时性", "完成及时性/自评提交及时性", "结论客观性", "结论客观性/自评成果充分性",
    "结论客观性/自评结论同复核结论偏差",
)


def _manual(v, key, weight):
    return judged(v[key], weight, key)


def score(v: dict) -> tuple:
    """Score converted values; the tuple follows `LAYOUT`."""
    transfer = v["有转移支付"]
    # effective weights: 提前下达率 4 → 2/1/1, 资金下达 2 → 部门预算资金支出率
    w_bz, w_tq, w_mb, w_zb = (D(5), D(4), D(5), D(5)) if transfer else (D(7), ZERO, D(6), D(6))
    w_zc, w_xd = (D(6), TWO) if transfer else (EIGHT, ZERO)

    met = sum(1 for k in ("预算编制符合职责", "预算分配合理无沉淀", "专项资金编制细化", "分类编制准确无频繁调剂", "预算分配不固化")
              if v[k])
    s_bz = _r(w_bz * met / 5)
    if transfer:
        a = v["提前下达一般性转移支付比例"] / D("0.9")
        b = v["提前下达专项转移支付比例"] / D("0.7")
        s_tq = _r(_clip(TWO * (min(ONE, a)) + TWO * (min(ONE, b)), w_tq))
    else:
        s_tq = ZERO
    s_mb = _manual(v, "绩效目标合理性扣分", w_mb)
    s_zb = _manual(v, "绩效指标明确性扣分", w_zb)

    rate = v["预算支出决算数"] / (v["预算收入决算数"] + v["上年结转数"])
    share = (ONE if rate >= 1 else D("0.8") if rate >= D("0.95") else D("0.6") if rate >= D("0.9")
             else D("0.4") if rate >= D("0.85") else D("0.2") if rate >= D("0.8") else ZERO)
    s_zc = _r(w_zc * share)
    carry = v["年末财政拨款结转和结余"] / (
        v["年初财政拨款结转和结余"] + v["一般公共预算财政拨款决算数"] + v["政府性基金预算财政拨款决算数"])
    if carry <= D("0.05"):
        s_jy = THREE
    else:
        steps = ((carry - D("0.05")) / D("0.01")).to_integral_value(ROUND_CEILING)
        s_jy = _r(_clip(THREE - HALF * steps, THREE))
    prior, now = v["上年末存量资金"], v["年末存量资金"]
    if prior == 0:
        s_cl = THREE if now == 0 else ZERO
    else:
        change = now / prior - 1
        if change <= 0:
            s_cl = THREE
        else:
            s_cl = _r(_clip(THREE - (change / D("0.1")).to_integral_value(ROUND_CEILING), THREE))
    s_cw = _manual(v, "财务合规性扣分", FOUR)
    s_xd = _r(_clip(TWO - HALF * v["逾期下达转移支付项数"], TWO)) if transfer else ZERO
    s_gk = _manual(v, "预决算信息公开性扣分", FOUR)
    s_jg = _manual(v, "项目监管扣分", FOUR)
    s_cg = _r(_clip(THREE * v["采购意向公开率"], THREE))
    s_zx = _r(_clip(TWO * v["中小企业采购比例"], TWO))
    s_yb = _r(_clip(TWO - HALF * v["资产月报逾期次数"], TWO))
    s_sy = _r(_clip(THREE - HALF * v["逾期未上缴收益笔数"], THREE))
    s_pd = TWO if v["已完成资产盘点"] else ZERO
    s_zh = _manual(v, "资产管理合规性扣分", FOUR)
    total_assets = v["固定资产总额"]
    s_ly = TWO if total_assets == 0 else _r(_clip(TWO * v["在用固定资产总额"] / total_assets, TWO))
    s_gy = ((ONE if v["日常公用经费决算数"] <= v["日常公用经费调整预算数"] else ZERO)
            + (ONE if v["三公经费未超预算"] else ZERO) + (ONE if v["无超标准开支"] else ZERO))
    key_total = v["重点工作总数"]
    s_zd = SIX if key_total == 0 else _r(_clip(SIX * v["重点工作完成数"] / key_total, SIX))
    projects = v["项目总数"]
    s_xm = EIGHT if projects == 0 else _r(_clip(EIGHT * v["项目完成数"] / projects, EIGHT))
    s_sj = _manual(v, "社会经济效益扣分", D(14))
    letters = v["信访件数"]
    s_xf = TWO if letters == 0 else _r(_clip(v["信访回复数"] / letters + v["信访按时回复数"] / letters, TWO))
    s_my = _manual(v, "公众或服务对象满意度扣分", FOUR)
    honours, blames = v["表彰次数"], v["问责次数"]
    s_bx = (min(THREE, honours)) - (min(THREE, blames))

    g_bz = s_bz + s_tq
    g_mb = s_mb + s_zb
    g_zj = s_zc + s_jy + s_cl + s_cw + s_xd
    g_cg = s_cg + s_zx
    g_zc = s_yb + s_sy + s_pd + s_zh + s_ly
    g_xl = s_zd + s_xm
    g_xg = s_sj + s_xf + s_my
    top1, top2, top3 = g_bz + g_mb, g_zj + s_gk + s_jg + g_cg + g_zc, s_gy + g_xl + g_xg
    total = top1 + top2 + top3 + s_bx
    total = ZERO if total < 0 else (D(100) if total > 100 else total)
    grade = "优秀" if total >= 90 else "良好" if total >= 80 else "中" if total >= 70 else "低" if total >= 60 else "差"

    s_zz = _r(_clip(TWO - HALF * v["缺报下属单位数"], TWO))
    s_cl2 = _manual(v, "自评材料完整性扣分", D(15))
    s_bs = _manual(v, "材料报送规范性扣分", THREE)
    s_js = _r(_clip(FOUR - TWO * (v["自评延误天数"] / 5).to_integral_value(ROUND_CEILING), FOUR))
    s_cf = _manual(v, "自评成果充分性扣分", D(10))
    gap = abs(v["自评得分"] - total)
    s_pc = SIX if gap <= 5 else FOUR if gap <= 10 else TWO if gap <= 20 else ZERO
    q1, q2, q3 = s_zz + s_cl2 + s_bs, s_js, s_cf + s_pc
    return (
        total, grade,
        top1, g_bz, s_bz, s_tq, g_mb, s_mb, s_zb,
        top2, g_zj, s_zc, s_jy, s_cl, s_cw, s_xd, s_gk, s_gk, s_jg, s_jg, g_cg, s_cg, s_zx,
        g_zc, s_yb, s_sy, s_pd, s_zh, s_ly,
        top3, s_gy, s_gy, g_xl, s_zd, s_xm, g_xg, s_sj, s_xf, s_my,
        s_bx, s_bx,
        q1 + q2 + q3, q1, s_zz, s_cl2, s_bs, q2, s_js, q3, s_cf, s_pc,
    )


def as_dict(scores: tuple) -> dict:
    return dict(zip(LAYOUT, scores))
