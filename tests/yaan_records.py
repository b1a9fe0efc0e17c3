"""Hypothesis strategies for Ya'an 2020 records, built from the spec's stated boundaries.

Part A (`department_record`): the 13 judged leaf scores, aimed so the total lands
on a grade edge (90 / 89.99, 80 / 79.99, 60 / 59.99) or anywhere, some written
with a third decimal that half-up rounding must carry; the two figures beside
执行进度 in every money form, their denominator sometimes 0.

Part B (`project_record`, `graded_project_record`): 预算执行率 exactly 100%,
just below and above it, on a half cent; 0..9 indicators per 一级指标 so the
equal split leaves odd cents; targets (0 among them) in every comparator and unit of
the spec's list, with 万/余, a label or a remark; actuals with or without their unit,
exactly at the bound, just missed, just met, far off, 0, or landing the share
attained on a half cent; qualitative indicators with a 评审得分率.
"""

from __future__ import annotations

from decimal import Decimal

from handwritten_yaan import KINDS, LEAVES, shares
from hypothesis import strategies as st

D = Decimal
CENT = D("0.01")
GRADE_EDGES = [D(x) for x in ("100", "90", "89.99", "80", "79.99", "60", "59.99", "0")]
# 预算执行率 (10 × r): 100%, a hair either side, the seed's 59.262%, half cents (5.9265 → 5.93, 5.005 → 5.01,
# 5.0049 → 5.00), nothing spent — a project that executes a ten-thousandth of its budget is no edge the spec has
BUDGET_RATES = [D(x) for x in ("1", "0.9999", "0.99995", "0.99994", "1.0001", "1.5", "0.59262", "0.59265",
                               "0.5", "0.50049", "0.5005", "0")]
NOTES = ["依据材料第3页", "评审组意见", "正文写作 0.30%"]
RATE_FORMS = [(False, None), (True, None), (False, NOTES[1]), (True, NOTES[0])]  # (as a percent string?, note)

# the spec's comparators, with {n} the number and {u} the unit: higher is better, lower is better
HIGHER = ["{n}{u}", "达到{n}{u}", "≥{n}{u}", "不低于{n}{u}", "{n}{u}以上", ">{n}{u}"]
LOWER = ["{n}{u}以内", "≤{n}{u}", "不超过{n}{u}", "<{n}{u}"]
COUNTED = ["条", "次", "件", "个", "项"]
QUALITATIVE_TARGETS = ["确保139个信息系统云存储服务能力", "达成预期", "2021年1月份,割接率100%",
                       "第一批次2019年底完成28个;第二批次2020年4月完成33个。"]
QUALITATIVE_ACTUALS = ["四批次迁移工作全面完成。", "政务云资源完全符合上云信息系统所需资源承载能力要求。", "基本达成"]
RATINGS = [D(x) for x in ("1", "0", "0.9998", "0.5", "0.333", "0.8", "0.05")]
#: An assessor's rating drawn at random: 0, or 5% to 100% in steps of 0.01% (no assessor rates 0.01%).
RANDOM_RATINGS = st.one_of(st.just(D(0)), st.integers(500, 10000).map(lambda n: D(n) / 10000))
NAMES = ["发布目录总数", "呼损率", "解决群众诉求", "10月底, 完成全市非涉密信息系统迁移工作。", "达到群众满意度",
         "API访问次数", "迁移部门满意度"]


def _text(number: Decimal) -> str:
    return f"{number.normalize():f}"


@st.composite
def annotated(draw, value):
    if draw(st.integers(0, 5)) == 0:
        return {"value": value, "note": draw(st.sampled_from(NOTES))}
    return value


@st.composite
def money(draw, yuan: Decimal, form: str | None = None):
    """An amount given in 元, written as a plain number (the tables' 万元), a 万元 string or a 元 string."""
    form = form or draw(st.sampled_from(["number", "wan", "yuan"]))
    wan = yuan / 10000
    if form == "number":
        return draw(annotated(wan))
    return draw(annotated(f"{_text(wan)}万元" if form == "wan" else f"{_text(yuan)}元"))


@st.composite
def rated(draw, value: Decimal):
    percent, note = draw(st.sampled_from(RATE_FORMS))
    value = f"{_text(value * 100)}%" if percent else value
    return {"value": value, "note": note} if note else value


# ---------------------------------------------------------------- part A
@st.composite
def department_record(draw) -> dict:
    total = draw(st.one_of(st.sampled_from(GRADE_EDGES), st.integers(0, 10000).map(lambda n: D(n) / 100)))
    deficit = int((100 - total) / CENT)  # cents the leaves lose, spread over them within their weights
    leaves = list(LEAVES.items())
    order = draw(st.permutations(range(len(leaves))))
    lost = {}
    capacity = sum(int(w / CENT) for w in LEAVES.values())
    for i in order:
        leaf, weight = leaves[i]
        top = int(weight / CENT)
        capacity -= top
        lost[leaf] = draw(st.integers(max(0, deficit - capacity), min(deficit, top)))
        deficit -= lost[leaf]
    record: dict = {"单位": draw(st.sampled_from(["雅安市政务服务和大数据局", "某局"]))}
    for leaf, weight in LEAVES.items():
        value = weight - lost[leaf] * CENT
        # a third decimal that rounds half-up back to the same cent (x.xx5 up, x.xx4 down)
        nudge = draw(st.sampled_from([D(0), D(0), D(0), D("-0.005"), D("0.004")]))
        if D(0) <= value + nudge <= weight:
            value += nudge
        if value == value.to_integral_value() and draw(st.booleans()):
            value = int(value)
        record[leaf + "得分"] = draw(annotated(value))
    spent = draw(st.integers(0, 10**10)) * CENT
    budget = draw(st.sampled_from([D(0), spent, spent * 2, draw(st.integers(1, 10**10)) * CENT]))
    record["一般公共预算支出决算数"] = draw(money(spent))
    record["财政拨款收支总计"] = draw(money(budget))
    record["报告预算完成率"] = draw(rated(draw(st.sampled_from([D("0.732"), D("0.7320"), D(1), D(0)]))))
    return record


# ---------------------------------------------------------------- part B
@st.composite
def budget_figures(draw, execution: Decimal) -> dict:
    """The two amounts of a project table, written alike: a budget of 1万 to 10亿 元 in whole 千元, so that
    every execution rate of 5 decimals leaves a whole number of 分."""
    budget = draw(st.integers(10, 10**6)) * D(1000)  # 元
    form = draw(st.sampled_from(["number", "wan", "yuan"]))
    return {"预算数": draw(money(budget, form)), "执行数": draw(money(budget * execution, form))}


# One draw per decoration of a text (kept to few draws: a project has up to 27 items): prefix, suffix, note.
DECORATIONS = [("", "", None)] * 6 + [("割接率", "", None), ("服务水平", "", None), ("", "(其中3个信息系统上云后因系统停用退出)", None),
                                      ("", "（含补录）", None), ("   ", "", None), ("", "。", None), ("", "", NOTES[0])]
BARE = [("bare", "text", None), ("bare", "number", None), ("bare", "number", NOTES[1])]  # an actual without its unit
TARGETS = [("%", D(x)) for x in ("0.95", "0.9", "0.06", "0.005", "0.999", "1", "0.8", "0")] + [
    (u, D(n)) for u in COUNTED for n in (1, 2, 10, 30, 139, 33000, 160000, 0)]
# (text, lower is better?); 「3.3万余次」 and 「16万条」 (万: × 10000, 余: at least) where the target is in 万
FORMS = [(f, False) for f in HIGHER] + [(f, True) for f in LOWER] + [("{w}万余{u}", False), ("{w}万{u}", False)]
AIMS = ["exact", "missed", "met", "far-off", "far-on", "zero", "half-cent", "any"]


def _shown(number: Decimal, unit: str) -> str:
    return _text(number * 100) if unit == "%" else _text(number)


def _decorated(text: str, decoration) -> object:
    prefix, suffix, note = decoration
    if prefix == "bare":
        text = D(text) if suffix == "number" else text
    else:
        text = f"{prefix}{text}{suffix}"
    return {"value": text, "note": note} if note else text


@st.composite
def quantitative_item(draw, share: Decimal) -> dict:
    unit, target = draw(st.sampled_from(TARGETS))
    form, lower = draw(st.sampled_from(FORMS))
    if "{w}" in form and (unit == "%" or target < 10000):
        form = "{n}{u}"
    step = D("0.0001") if unit == "%" else D(1)  # the smallest figure a table writes: 0.01% or one 条
    aim = draw(st.sampled_from(AIMS))
    worse, better = (target + step, target - step) if lower else (target - step, target + step)
    if aim == "half-cent" and share > CENT:
        # at least `share`%, actually (c + ½ cent)%: the share attained is exactly c + 0.005
        unit, form, lower, target = "%", "{n}{u}", False, share / 100
        actual = (draw(st.integers(0, int(share / CENT) - 1)) * CENT + D("0.005")) / 100
    elif aim == "any":
        actual = draw(st.integers(0, 3 * int(target / step))) * step
    else:
        actual = {"exact": target, "missed": worse, "met": better, "far-off": target * 3 if lower else target / 7,
                  "far-on": target / 3 if lower else target * 5, "zero": D(0)}.get(aim, target).quantize(step)
    actual = max(actual, D(0))
    target_text = form.format(n=_shown(target, unit), u=unit, w=_text(target / 10000))
    actual_decoration = draw(st.sampled_from(DECORATIONS + BARE))
    actual_text = _shown(actual, unit) + ("" if actual_decoration[0] == "bare" else unit)
    return {"目标值": _decorated(target_text, draw(st.sampled_from(DECORATIONS))),
            "实际值": _decorated(actual_text, actual_decoration)}


@st.composite
def qualitative_item(draw) -> dict:
    rating = draw(st.one_of(st.sampled_from(RATINGS), RANDOM_RATINGS))
    target, actual = draw(st.sampled_from([(t, a) for t in QUALITATIVE_TARGETS for a in QUALITATIVE_ACTUALS]))
    return {"目标值": target, "实际值": actual, "评审得分率": draw(rated(rating))}


@st.composite
def indicator_list(draw, counts: dict) -> list:
    """Items for each 一级指标 (`counts` of them), in a shuffled order: the split follows list order within a kind."""
    items = []
    for kind, weight in KINDS:
        for share in shares(weight, counts[kind]) if counts[kind] else []:
            number = len(items) + 1
            form = draw(st.integers(0, 12))  # qualitative, rated although quantitative, or quantitative
            if form < 3:
                item = draw(qualitative_item())
            else:
                item = draw(quantitative_item(share))
                if form == 3:  # a quantitative indicator the assessor rated anyway
                    item["评审得分率"] = draw(rated(draw(st.sampled_from(RATINGS))))
            naming = draw(st.integers(0, 9))  # a repeated name, none, one with spaces around it, or its own
            name = {0: NAMES[number % 2], 1: "", 2: f" {NAMES[number % 2]} "}.get(naming, f"{NAMES[number % len(NAMES)]}{number}")
            item = {"一级指标": kind, "三级指标": name, **item}
            if number % 2:
                item["二级指标"] = {"产出指标": "数量指标", "效益指标": "社会效益指标"}.get(kind, "服务对象满意度指标")
            items.append(item)
    return draw(st.permutations(items))


item_count = st.one_of(st.sampled_from([1, 2, 3, 6, 7, 9]), st.integers(0, 9))


@st.composite
def project_record(draw) -> dict:
    execution = draw(st.one_of(st.just(D(1)), st.sampled_from(BUDGET_RATES),
                               st.integers(5000, 150000).map(lambda n: D(n) / 100000)))
    counts = {kind: draw(item_count) for kind, _ in KINDS}
    return {"项目名称": draw(st.sampled_from(["雅安市政务云平台服务经费项目", "“12345”政务服务热线服务经费项目"])),
            **draw(budget_figures(execution)), "绩效指标": draw(indicator_list(counts))}


@st.composite
def graded_project_record(draw) -> dict:
    """A record whose total is exactly a grade edge: 预算执行率 b, one rated 产出 item, every other target met."""
    total = draw(st.sampled_from(GRADE_EDGES[:-1] + [D(40)]))
    low, high = max(D(0), total - 90), min(D(10), total - 40)
    if high >= D("0.5"):  # executed at least 5% of the budget (or nothing at all, at 40)
        low = max(low, D("0.5"))
    budget_score = draw(st.integers(int(low / CENT), int(high / CENT))) * CENT
    rating = (total - 40 - budget_score) / 50
    items = [{"一级指标": "产出指标", "三级指标": "迁移工作", "目标值": "达成预期", "实际值": "基本达成",
              "评审得分率": draw(rated(rating))}]
    for kind in ("效益指标", "满意度指标"):
        for i in range(draw(st.integers(1, 7))):
            unit = draw(st.sampled_from(["%", *COUNTED]))
            target = D("0.9") if unit == "%" else D(30)
            text = _shown(target, unit) + unit
            items.append({"一级指标": kind, "三级指标": f"{kind}{i}", "目标值": text, "实际值": text})
    return {"项目名称": "某项目", **draw(budget_figures(budget_score / 10)), "绩效指标": items}
