"""A plain hand-written scorer of shared/specs/meijiang-2023.md, written from the spec, not from the ruleset.

The independent oracle the tests compare `rulesets/meijiang-2023.perf` with on
generated records (tests/test_meijiang_spec.py).  The spec gives a formula for
six indicators; every other leaf is an assessor's judgement read from
`<indicator>扣分`.  Not applicable means full marks here (此项按分值得分).

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
ZERO, ONE, THREE = D(0), D(1), D(3)
HALF = D("0.5")

MONEY = ("年初财政拨款结转和结余", "一般公共预算财政拨款决算数", "政府性基金预算财政拨款决算数", "年末财政拨款结转和结余",
         "固定资产总额", "在用固定资产总额", "三公经费预算数", "三公经费实际支出数",
         "本年收入合计", "一般公共服务收入", "社会保障和就业收入", "卫生健康收入", "住房保障收入", "其他收入")
RATES = ("产出指标完成率", "效益指标完成率", "报告热线满意率")
# indicator → weight, for every leaf the spec leaves to the assessor (read from `<indicator>扣分`);
# 采购意向公开合规性 is 2 by the spec's decision (published as 4, which breaks 采购管理's sum)
MANUAL = {
    "预算编制合理性": D("1.5"), "预算编制规范性": D("1.5"), "整体绩效目标合理性": D(5), "整体绩效指标明确性": D(5),
    "财务管理合规性": D(5), "预决算公开合规性": D(2), "绩效信息公开情况": D(2),
    "项目资金绩效完成情况": D(4), "项目实施程序": D(2), "项目监管": D(4),
    "采购意向公开合规性": D(2), "采购内控制度建设": D(1), "采购活动合规性": D(1), "采购合同签订时效性": D(2),
    "合同备案时效性": D(2), "采购政策效能": D(2),
    "资产配置合规性": D(2), "资产收益上缴的及时性": D(1), "资产盘点情况": D(2), "数据质量": D(2), "资产管理合规性": D(2),
    "经济成本控制情况": D(3), "“三公”经费控制情况": D("2.5"), "群众信访办理情况": D(3), "公众或服务对象满意度": D(3),
}


def convert(raw: dict) -> dict:
    """A raw record → plain values (money in 元, rates as fractions, 扣分 and flags defaulted)."""
    values = plain_values(raw, MONEY, RATES)
    for name in MANUAL:
        values.setdefault(name + "扣分", ZERO)
    values.setdefault("政府性基金预算财政拨款决算数", ZERO)
    # the ruleset's input declarations (the data contract) default both flags to applicable: the leaf is
    # judged unless the record says no purchase reached the filing threshold / there was no disposal income
    values.setdefault("有采购达到备案标准", True)
    values.setdefault("有资产处置收益", True)
    return values


LAYOUT = (
    "自评得分", "自评得分:grade",
    "预算编制情况", "预算编制情况/预算编制", "预算编制情况/预算编制/预算编制合理性", "预算编制情况/预算编制/预算编制规范性",
    "预算编制情况/目标设置", "预算编制情况/目标设置/整体绩效目标合理性", "预算编制情况/目标设置/整体绩效指标明确性",
    "预算执行情况", "预算执行情况/资金管理", "预算执行情况/资金管理/结转结余率", "预算执行情况/资金管理/财务管理合规性",
    "预算执行情况/信息公开", "预算执行情况/信息公开/预决算公开合规性", "预算执行情况/信息公开/绩效信息公开情况",
    "预算执行情况/项目管理", "预算执行情况/项目管理/项目资金绩效完成情况", "预算执行情况/项目管理/项目实施程序",
    "预算执行情况/项目管理/项目监管",
    "预算执行情况/采购管理", "预算执行情况/采购管理/采购意向公开合规性", "预算执行情况/采购管理/采购内控制度建设",
    "预算执行情况/采购管理/采购活动合规性", "预算执行情况/采购管理/采购合同签订时效性", "预算执行情况/采购管理/合同备案时效性",
    "预算执行情况/采购管理/采购政策效能",
    "预算执行情况/资产管理", "预算执行情况/资产管理/资产配置合规性", "预算执行情况/资产管理/资产收益上缴的及时性",
    "预算执行情况/资产管理/资产盘点情况", "预算执行情况/资产管理/数据质量", "预算执行情况/资产管理/资产管理合规性",
    "预算执行情况/资产管理/固定资产利用率",
    "预算使用效益", "预算使用效益/运行成本", "预算使用效益/运行成本/经济成本控制情况",
    "预算使用效益/运行成本/公用经费控制率", "预算使用效益/运行成本/“三公”经费控制情况",
    "预算使用效益/效率性", "预算使用效益/效率性/重点工作完成率",
    "预算使用效益/履职效能", "预算使用效益/履职效能/部门整体绩效目标产出指标完成情况",
    "预算使用效益/履职效能/部门整体绩效目标效益指标完成情况",
    "预算使用效益/公平性", "预算使用效益/公平性/群众信访办理情况", "预算使用效益/公平性/公众或服务对象满意度",
)


def _manual(v, name):
    return judged(v[name + "扣分"], MANUAL[name], name + "扣分")


def score(v: dict) -> tuple:
    """Score converted values; the tuple follows `LAYOUT`.  A zero 结转结余率 base raises ZeroDivisionError."""
    # 此项按分值得分: a leaf that does not apply scores its weight, whatever its 扣分 says
    full = {"合同备案时效性": not v["有采购达到备案标准"], "资产收益上缴的及时性": not v["有资产处置收益"]}
    m = {name: weight if full.get(name) else _manual(v, name) for name, weight in MANUAL.items()}

    # [decision] Chao'an's rule: ≤ 5% full, −0.5 per started percentage point above, floor 0
    base = v["年初财政拨款结转和结余"] + v["一般公共预算财政拨款决算数"] + v["政府性基金预算财政拨款决算数"]
    if base == 0:
        raise ZeroDivisionError("结转结余率")
    carry = v["年末财政拨款结转和结余"] / base
    if carry <= D("0.05"):
        s_jy = THREE
    else:
        steps = ((carry - D("0.05")) / D("0.01")).to_integral_value(ROUND_CEILING)
        s_jy = _r(_clip(THREE - HALF * steps, THREE))
    # the spec gives no rule for a zero total here; like the ruleset, and like Chao'an's rule for the same
    # indicators (固定资产利用率, 年度重点工作完成率: total 0 → full), a zero total scores full
    assets = v["固定资产总额"]
    s_ly = ONE if assets == 0 else _r(_clip(v["在用固定资产总额"] / assets, ONE))  # 1 × rate, capped at the weight
    # [decision] "三公" actual within budget → full, else 0
    s_gy = D("2.5") if v["三公经费实际支出数"] <= v["三公经费预算数"] else ZERO
    planned = v["重点工作总数"]
    s_zd = ONE if planned == 0 else _r(_clip(v["重点工作完成数"] / planned, ONE))
    s_cc = _r(_clip(15 * v["产出指标完成率"], D(15)))
    s_xy = _r(_clip(15 * v["效益指标完成率"], D(15)))

    g_bz = m["预算编制合理性"] + m["预算编制规范性"]
    g_mb = m["整体绩效目标合理性"] + m["整体绩效指标明确性"]
    g_zj = s_jy + m["财务管理合规性"]
    g_gk = m["预决算公开合规性"] + m["绩效信息公开情况"]
    g_xm = m["项目资金绩效完成情况"] + m["项目实施程序"] + m["项目监管"]
    g_cg = (m["采购意向公开合规性"] + m["采购内控制度建设"] + m["采购活动合规性"] + m["采购合同签订时效性"]
            + m["合同备案时效性"] + m["采购政策效能"])
    g_zc = m["资产配置合规性"] + m["资产收益上缴的及时性"] + m["资产盘点情况"] + m["数据质量"] + m["资产管理合规性"] + s_ly
    g_cb = m["经济成本控制情况"] + s_gy + m["“三公”经费控制情况"]
    g_lz = s_cc + s_xy
    g_gp = m["群众信访办理情况"] + m["公众或服务对象满意度"]
    top1, top2, top3 = g_bz + g_mb, g_zj + g_gk + g_xm + g_cg + g_zc, g_cb + s_zd + g_lz + g_gp
    total = top1 + top2 + top3
    # [decision, Guangdong convention] lower bounds inclusive
    grade = "优秀" if total >= 90 else "良好" if total >= 80 else "中" if total >= 70 else "低" if total >= 60 else "差"
    return (
        total, grade,
        top1, g_bz, m["预算编制合理性"], m["预算编制规范性"], g_mb, m["整体绩效目标合理性"], m["整体绩效指标明确性"],
        top2, g_zj, s_jy, m["财务管理合规性"], g_gk, m["预决算公开合规性"], m["绩效信息公开情况"],
        g_xm, m["项目资金绩效完成情况"], m["项目实施程序"], m["项目监管"],
        g_cg, m["采购意向公开合规性"], m["采购内控制度建设"], m["采购活动合规性"], m["采购合同签订时效性"],
        m["合同备案时效性"], m["采购政策效能"],
        g_zc, m["资产配置合规性"], m["资产收益上缴的及时性"], m["资产盘点情况"], m["数据质量"], m["资产管理合规性"], s_ly,
        top3, g_cb, m["经济成本控制情况"], s_gy, m["“三公”经费控制情况"], s_zd, s_zd, g_lz, s_cc, s_xy,
        g_gp, m["群众信访办理情况"], m["公众或服务对象满意度"],
    )


def as_dict(scores: tuple) -> dict:
    return dict(zip(LAYOUT, scores, strict=True))
