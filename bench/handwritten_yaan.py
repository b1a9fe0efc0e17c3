"""A plain hand-written scorer of shared/specs/yaan-2020.md (both tables), written from the spec, not from the rulesets.

An independent oracle the tests compare `rulesets/yaan-2020.perf` (part A, the
department self-evaluation) and `rulesets/yaan-2020-projects.perf` (part B, the
project target-vs-actual tables) with on generated records.

Part A: `convert(raw)` → `score(values)` (a tuple following `LAYOUT`) → `as_dict`.
Part B: `convert_project(raw)` → `score_project(values)` (a tuple of (path, score,
weight)) → `as_project_dict`. Target texts are read by `read_target` /
`read_actual`, this module's own reading of the spec's list (≥ > ≤ < 以内 以上
不低于 不超过 达到, % 条 次 件 个) plus what the published tables use (项, 「3.3万余次」,
a leading label 「割接率100%」, a bracketed remark 「137个(其中…)」).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from record_values import MONEY_RE, PERCENT_RE, WAN
from record_values import clip as _within

D = Decimal
ZERO, ONE, TEN = D(0), D(1), D(10)
CENT = D("0.01")


class SpecError(ValueError):
    """A record the spec gives no score for (a zero budget, an unreadable target without a rating …)."""


def _plain(value):
    annotated = isinstance(value, dict) and set(value) <= {"value", "note"} and "value" in value
    return value["value"] if annotated else value


def _number(value) -> Decimal:
    if isinstance(value, bool):
        raise SpecError(f"not a number: {value!r}")
    if isinstance(value, (int, Decimal)):
        return D(value)
    if isinstance(value, float):
        return D(str(value))
    raise SpecError(f"not a number: {value!r}")


def _money_wan(value) -> Decimal:
    """An amount in 元 from a plain number in 万元 (the tables' unit) or a "…元" / "…万元" string."""
    value = _plain(value)
    if isinstance(value, str):
        match = MONEY_RE.match(value)
        if not match:
            raise SpecError(f"not an amount: {value!r}")
        return D(match.group(1).replace(",", "")) * (WAN if match.group(2) == "万元" else ONE)
    return _number(value) * WAN


def _rate(value) -> Decimal:
    value = _plain(value)
    if isinstance(value, str):
        match = PERCENT_RE.match(value)
        if not match:
            raise SpecError(f"not a rate: {value!r}")
        return D(match.group(1)) / 100
    return _number(value)


def _round(x: Decimal) -> Decimal:
    return x.quantize(CENT, ROUND_HALF_UP)




def _grade(total: Decimal) -> str:
    # national four bands (优 90–100, 良 80–89, 中 60–79, 差 0–59), lower bounds inclusive
    return "优秀" if total >= 90 else "良好" if total >= 80 else "中" if total >= 60 else "差"


# ---------------------------------------------------------------- part A: 部门整体支出绩效评价自评表
TREE = (
    ("部门预算管理", (
        ("预算编制", (("目标制定", 10), ("目标完成", 10), ("编制标准", 10))),
        ("预算执行", (("支出控制", 10), ("动态调整", 10), ("执行进度", 10))),
        ("完成结果", (("预算完成", 10), ("违规记录", 10))),
    )),
    ("绩效结果应用", (
        ("自评质量", (("自评准确", 4),)),
        ("信息公开", (("目标公开", 4), ("自评公开", 4))),
        ("整改反馈", (("结果整改", 4), ("应用反馈", 4))),
    )),
)
LEAVES = {leaf: D(weight) for _, groups in TREE for _, leaves in groups for leaf, weight in leaves}
CARD = "自评得分"
LAYOUT = (CARD, CARD + ":grade") + tuple(
    path for top, groups in TREE for path in (top,) + tuple(
        p for group, leaves in groups for p in (f"{top}/{group}",) + tuple(f"{top}/{group}/{leaf}" for leaf, _ in leaves)))


class ScoreOutOfRange(SpecError):
    pass


def convert(raw: dict) -> dict:
    """A department record → the judged leaf scores and the two figures (money in 元, the rate a fraction)."""
    values = {leaf: _number(_plain(raw[leaf + "得分"])) for leaf in LEAVES}
    values["支出"] = _money_wan(raw["一般公共预算支出决算数"])
    values["总计"] = _money_wan(raw["财政拨款收支总计"])
    values["报告预算完成率"] = _rate(raw["报告预算完成率"])
    return values


def execution_rate(values: dict) -> Decimal | None:
    """预算执行率 = 一般公共预算支出决算数 / 财政拨款收支总计, shown beside 执行进度, never scored."""
    return None if values["总计"] == 0 else values["支出"] / values["总计"]


def score(v: dict) -> tuple:
    """Every leaf is the assessor's score within its weight; groups and the total are sums."""
    leaf_scores = {}
    for leaf, weight in LEAVES.items():
        if not ZERO <= v[leaf] <= weight:  # a judged score beyond the table's weight is not a score
            raise ScoreOutOfRange(leaf)
        leaf_scores[leaf] = _round(v[leaf])
    rows, total = [], ZERO
    for _, groups in TREE:
        top_rows, top_sum = [], ZERO
        for _, leaves in groups:
            sub = [leaf_scores[leaf] for leaf, _ in leaves]
            top_rows += [sum(sub), *sub]
            top_sum += sum(sub)
        rows += [top_sum, *top_rows]
        total += top_sum
    return (total, _grade(total), *rows)


def as_dict(scores: tuple) -> dict:
    return dict(zip(LAYOUT, scores))


# ---------------------------------------------------------------- part B: 项目绩效目标完成情况表
PROJECT_CARD = "项目自评"
KINDS = (("产出指标", D(50)), ("效益指标", D(30)), ("满意度指标", D(10)))
BUDGET_WEIGHT = TEN

# at least / more than / at most (lower is better) / less than (lower is better)
AT_LEAST, MORE, AT_MOST, LESS = "≥", ">", "≤", "<"
_BEFORE = (("不低于", AT_LEAST), ("不超过", AT_MOST), ("达到", AT_LEAST), ("≥", AT_LEAST), (">=", AT_LEAST),
           ("≤", AT_MOST), ("<=", AT_MOST), (">", MORE), ("<", LESS), ("＞", MORE), ("＜", LESS))
_AFTER = (("以内", AT_MOST), ("以上", AT_LEAST))
_UNITS = "%|％|条|次|件|个|项"
# a label without digits, a comparator, a number (万: × 10000; 余: "and more", i.e. at least), a unit,
# 以内/以上, and a remark in brackets; an actual value may leave its unit out (it is then in the target's)
_QUANTITY = re.compile(
    rf"^(?P<label>\D*?)(?P<before>{'|'.join(re.escape(w) for w, _ in _BEFORE)})?\s*"
    rf"(?P<number>\d+(?:\.\d+)?)(?P<wan>万)?(?P<yu>余)?\s*(?P<unit>{_UNITS})?"
    rf"(?P<after>{'|'.join(w for w, _ in _AFTER)})?\s*(?:[（(][^()（）]*[)）])?。?$")


def _quantity(text: str):
    match = _QUANTITY.match(text.strip())
    if not match:
        return None
    number = D(match["number"]) * (WAN if match["wan"] else ONE)
    unit = "%" if match["unit"] in ("%", "％") else match["unit"]
    if unit == "%":
        number /= 100
    return match, number, unit


def read_target(text: str):
    """(comparator, number, unit) of a target text, or None when it states no quantity (a qualitative target)."""
    read = _quantity(text)
    if read is None:
        return None
    match, number, unit = read
    comparators = [dict(_BEFORE)[match["before"]]] if match["before"] else []
    if match["after"]:
        comparators.append(dict(_AFTER)[match["after"]])
    if match["yu"]:
        comparators.append(AT_LEAST)
    if len(comparators) > 1 or unit is None:  # 「≥6%以内」 says two things; 「30」 says what of
        return None
    return (comparators[0] if comparators else AT_LEAST), number, unit


def read_actual(text):
    """(number, unit) of an actual value, or None; a bare number (text or JSON) has unit None."""
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        return D(text), None
    read = _quantity(text)
    if read is None or read[0]["before"] or read[0]["after"] or read[0]["yu"]:
        return None
    return read[1], read[2]


def convert_project(raw: dict) -> dict:
    items = []
    for item in _plain(raw["绩效指标"]):
        item = {key: _plain(value) for key, value in item.items()}
        rating = item.get("评审得分率")
        items.append({"kind": item["一级指标"], "name": item["三级指标"], "target": item["目标值"],
                      "actual": item["实际值"], "rating": None if rating is None else _rate(rating)})
    return {"预算数": _money_wan(raw["预算数"]), "执行数": _money_wan(raw["执行数"]), "items": items}


def shares(weight: Decimal, n: int) -> list:
    """`weight` split equally among n items to the cent, the odd cents to the first items (50 / 9 → 5.56 × 5, 5.55 × 4)."""
    cents = int(weight / CENT)
    base, odd = divmod(cents, n)
    return [D(base + (1 if i < odd else 0)) * CENT for i in range(n)]


def item_names(items: list) -> list:
    """Each item's row name. The spec does not say how to tell apart repeated or empty 三级指标; as perfdsl
    does: trimmed, an empty one 「第 n 项」 by its position in the kind, the k-th repeat 「name（k）」."""
    out, seen = [], {}
    for position, item in enumerate(items, start=1):
        name = item["name"].strip() or f"第 {position} 项"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}（{seen[name]}）")
    return out


def item_score(item: dict, share: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60  # (share × a) / t in one division: exact whenever the true value terminates
        if item["rating"] is not None:  # the assessor scored it (a qualitative indicator)
            return _round(_within(share * item["rating"], share))
        target = read_target(item["target"])
        actual = read_actual(item["actual"])
        if target is None or actual is None:
            raise SpecError(f"{item['name']}: neither a readable target nor a 评审得分率")
        comparator, t, unit = target
        a, actual_unit = actual
        if actual_unit is None:  # the unit is read from the target text: a bare actual is in the target's unit
            a, actual_unit = (a / 100 if unit == "%" else a), unit
        if unit != actual_unit:
            raise SpecError(f"{item['name']}: target in {unit}, actual in {actual_unit}")
        met = {AT_LEAST: a >= t, MORE: a > t, AT_MOST: a <= t, LESS: a < t}[comparator]
        if met:
            return share
        lower_is_better = comparator in (AT_MOST, LESS)
        numerator, denominator = (t, a) if lower_is_better else (a, t)
        if denominator == 0:
            # the spec leaves 「>0次」 against 0, 「<0%」 against 0% open; perfdsl's reading: nothing attained
            return ZERO
        return _round(_within(share * numerator / denominator, share))


def score_project(v: dict) -> tuple:
    """((path, score, weight), …): the total and grade first, then 预算执行率, then each kind and its items."""
    if v["预算数"] == 0:
        raise SpecError("预算数 is 0: the spec gives no 预算执行率")
    with localcontext() as ctx:
        ctx.prec = 60
        budget = _round(_within(BUDGET_WEIGHT * v["执行数"] / v["预算数"], BUDGET_WEIGHT))
    rows = [("预算执行率", budget, BUDGET_WEIGHT)]
    total = budget
    for kind, weight in KINDS:
        items = [item for item in v["items"] if item["kind"] == kind]
        scored = [(name, item_score(item, share), share)
                  for name, item, share in zip(item_names(items), items, shares(weight, len(items)) if items else [])]
        group = sum((s for _, s, _ in scored), ZERO)  # a kind with no indicators earns nothing
        rows.append((kind, group, weight))
        rows += [(f"{kind}/{name}", s, share) for name, s, share in scored]
        total += group
    return ((PROJECT_CARD, total, D(100)), (PROJECT_CARD + ":grade", _grade(total), None), *rows)


def as_project_dict(scores: tuple) -> dict:
    return {path: s for path, s, _ in scores}


def project_weights(scores: tuple) -> dict:
    return {path: w for path, _, w in scores[2:]}

