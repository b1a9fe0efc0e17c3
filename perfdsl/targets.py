"""Target and actual values written as text in 项目绩效目标表: ``30条``, ``6%以内``, ``>95%``, ``3.3万余次``.

A target is a comparator, a number and a unit; an actual value is a number
and a unit.  Both may carry a leading label (``服务水平>95%``) and a trailing
remark in brackets (``137个（其中3个停用退出）``).  Units of one family
convert (元/万元, 秒/分钟/小时/天, % is a ratio); counted units (条 次 件 个 …)
must match.  Anything else is a `TargetError` with a message that says what
was expected — never a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .decimals import HUNDRED, money, percent_as_given, plain
from .frozen import frozen
from .lazyre import Pattern

#: Comparator words → the comparison they mean (达到 and a bare number: at least).
_BEFORE = {
    ">=": ">=", "≥": ">=", "＞＝": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "达到": ">=", "至少": ">=",
    ">": ">", "＞": ">", "大于": ">", "高于": ">", "超过": ">",
    "＞=": ">=", ">＝": ">=", "≧": ">=", "＜=": "<=", "<＝": "<=", "≦": "<=",  # as tables mix widths
    "<=": "<=", "≤": "<=", "＜＝": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "最多": "<=",
    "<": "<", "＜": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "==", "＝": "==", "等于": "==",
}
_AFTER = {"以内": "<=", "以下": "<=", "及以下": "<=", "以上": ">=", "及以上": ">="}

#: Unit → (family, factor to the family's base unit).
UNITS = {
    "%": ("ratio", Decimal("0.01")), "％": ("ratio", Decimal("0.01")),
    "元": ("money", Decimal(1)),
    "秒": ("time", Decimal(1)), "分钟": ("time", Decimal(60)), "分": ("time", Decimal(60)),
    "小时": ("time", Decimal(3600)), "天": ("time", Decimal(86400)), "日": ("time", Decimal(86400)),
    "个工作日": ("time", Decimal(86400)), "工作日": ("time", Decimal(86400)),
}
#: How a 度量单位 column (or a target) may name a unit: the platform's forms → the unit perfdsl reads.
UNIT_WORDS = {"百分比": "%", "百分率": "%", "人民币元": "元", "元人民币": "元"}
COUNTED = ("条", "次", "件", "个", "项", "人次", "人", "户", "家", "份", "篇", "台", "套", "所", "批", "场", "万人次",
           "户次", "辆", "处", "座", "间", "张", "本", "册", "部", "名", "位", "只", "头", "株", "棵", "吨", "公里",
           "千米", "米", "平方米", "亩", "公顷", "千瓦", "个月", "月", "年", "期", "轮", "课时", "学时", "床", "宗",
           "起", "单", "组", "支", "箱", "块", "元/人", "种", "类", "批次", "门", "节", "首", "幅", "栋", "户数",
           "家次", "台次", "架次", "车次", "场次", "班次", "课次", "人日", "艘", "宗次")
_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}

_COMPARATORS = "|".join(sorted(map(re.escape, _BEFORE), key=len, reverse=True))
_UNITS = "|".join(sorted(map(re.escape, list(UNITS) + list(COUNTED) + list(UNIT_WORDS)), key=len, reverse=True))
_PATTERN = Pattern(
    rf"""^\s*
    (?P<label>[^\d<>≤≥≦≧=＜＞＝%％]*?)\s*
    (?P<before>{_COMPARATORS})?\s*
    (?P<number>\d+(?:\.\d+)?)\s*
    (?P<multiplier>[万亿](?!元))?
    (?P<approx>[余多])?\s*
    (?P<unit>万元|{_UNITS})?\s*
    (?P<after>以内|及以下|以下|及以上|以上)?\s*
    (?:[（(][^）)]*[)）])?\s*[。.；;]?\s*$""",
    re.VERBOSE,
)

EXPECTED = "可写作 `30条`、`≥95%`、`6%以内`、`3.3万余次`、`<10分钟`"


class TargetError(ValueError):
    """Text that is not a target or an amount perfdsl can read."""


@frozen
class Quantity:
    """A number in its family's base unit (元, seconds, a ratio for %), and how it was written."""

    value: Decimal
    family: str | None  # ratio | money | time | count | None (a bare number)
    unit: str | None  # the unit as written (万元 shows as 元 with its value in 元)
    text: str

    def shown(self) -> str:
        return self.text.strip()


@frozen
class Target:
    op: str  # >= > <= < ==
    amount: Quantity

    @property
    def lower_is_better(self) -> bool:
        return self.op in ("<=", "<")

    def shown(self) -> str:
        return self.amount.text.strip()


def _quantity(text: str, what: str) -> tuple[Quantity, str | None]:
    match = _PATTERN.match(text)
    if not match:
        loose = _UNKNOWN_UNIT.match(text)
        if loose:  # a figure with a unit perfdsl does not know: say which word, not just "cannot read"
            raise TargetError(f"无法读取{what} `{text.strip()}`：单位 `{loose.group('unit')}` 不在可识别的单位中"
                              f"（如 {'、'.join(COUNTED[:8])}、%、万元、天；度量单位见 docs/language.md）")
        raise TargetError(f"无法读取{what} `{text.strip()}`（{EXPECTED}）")
    number = Decimal(match.group("number"))
    if match.group("multiplier"):
        number *= _MULTIPLIERS[match.group("multiplier")]
    unit = match.group("unit")
    unit = UNIT_WORDS.get(unit, unit)
    if unit == "万元":
        unit, number = "元", number * 10000
    family = None
    if unit in UNITS:
        family, factor = UNITS[unit]
        number *= factor
    elif unit is not None:
        family = "count"
    op = _BEFORE.get(match.group("before") or "") or _AFTER.get(match.group("after") or "")
    if op is None and match.group("approx"):
        op = ">="  # 3.3万余次: more than 33000
    return Quantity(number, family, unit, text), op


def parse_target(text: str) -> Target:
    """``6%以内`` → Target('<=', 0.06 %); a bare ``30条`` means at least 30."""
    quantity, op = _quantity(text, "目标值")
    return Target(op or ">=", quantity)


def parse_actual(raw, kind: str | None = None, unit: str | None = None) -> Quantity:
    """An actual value: text such as ``0.295%`` or ``137个（…）``, or a value read in its declared type —
    a `rate` is a ratio (1 is 100%), `money` an amount in 元 (shown in `unit`), a `count` or `number`
    a bare number, in the target's unit."""
    if isinstance(raw, Decimal):
        if kind == "rate":
            return Quantity(raw, "ratio", "%", percent_as_given(raw))
        if kind == "money":
            return Quantity(raw, "money", "元", money(raw, unit or "元"))
        return Quantity(raw, None, None, plain(raw))
    quantity, _ = _quantity(str(raw), "实际值")
    return quantity


def aligned(target: Target, actual: Quantity) -> tuple[Target, Quantity]:
    """The pair in one unit: a bare actual is in the target's unit, a bare target in the actual's (``95``
    beside ``98.77%`` is 95%, ``<10`` beside ``8分钟`` is 10 minutes)."""
    goal = target.amount
    if goal.family is None and actual.family in ("ratio", "time") and actual.unit in UNITS:
        factor = UNITS[actual.unit][1]
        target = Target(target.op, Quantity(goal.value * factor, actual.family, actual.unit, goal.text))
    return target, compatible(target, actual)


def compatible(target: Target, actual: Quantity) -> Quantity:
    """`actual` in the target's unit; a bare number is read in the target's unit."""
    goal = target.amount
    if actual.family is None:
        if goal.family in UNITS_WITH_FACTOR:
            written = "万元" if goal.family == "money" and "万元" in goal.text else goal.unit
            factor = Decimal(10000) if written == "万元" else UNITS[goal.unit][1]  # ``≤90万元`` beside 90: 90万元
            return Quantity(actual.value * factor, goal.family, goal.unit, actual.text + (written or ""))
        return Quantity(actual.value, goal.family, goal.unit, actual.text)
    if goal.family is None:
        return actual
    if goal.family != actual.family or (goal.family == "count" and goal.unit != actual.unit):
        raise TargetError(f"目标 `{goal.text.strip()}` 与实际 `{actual.text.strip()}` 的单位不一致")
    return actual


UNITS_WITH_FACTOR = ("ratio", "money", "time")


def attainment(target: Target, actual: Quantity) -> tuple[bool, Decimal]:
    """Whether the target is met, and the share of the item's points it earns.

    Met: full.  Not met: actual / target, or target / actual when lower is
    better (``6%以内``); for ``=`` the smaller of the two ratios; nothing when
    the ratio would divide by 0 (`unmeasurable`).
    """
    target, actual = aligned(target, actual)
    goal, value = target.amount.value, actual.value
    op = target.op
    met = {">=": value >= goal, ">": value > goal, "<=": value <= goal, "<": value < goal, "==": value == goal}[op]
    if met:
        return True, Decimal(1)
    if unmeasurable(target, actual):
        return False, Decimal(0)
    if op in (">=", ">"):
        rate = value / goal
    elif op in ("<=", "<"):
        rate = goal / value
    else:
        rate = min(value / goal, goal / value)
    return False, max(min(rate, Decimal(1)), Decimal(0))


def unmeasurable(target: Target, actual: Quantity) -> bool:
    """Whether a missed target has no share to earn: its ratio would divide by 0 or less (``>0次`` missed with 0次)."""
    target, actual = aligned(target, actual)
    goal, value = target.amount.value, actual.value
    if target.op in (">=", ">"):
        return goal <= 0
    if target.op in ("<=", "<"):
        return value <= 0
    return goal <= 0 or value <= 0


def ratio_text(target: Target, actual: Quantity) -> str:
    """How a shortfall was measured, in the target's unit: ``137 / 139``, ``6% / 7.5%``."""
    target, actual = aligned(target, actual)
    numbers = (actual, target.amount) if not target.lower_is_better else (target.amount, actual)
    unit = target.amount.unit
    if target.amount.family == "money" and "万元" in target.amount.text:
        return " / ".join(plain(q.value / 10000) for q in numbers)  # in the 万元 the target is written in
    return " / ".join(_bare(q, unit) for q in numbers)


def _bare(quantity: Quantity, unit: str | None) -> str:
    if quantity.family == "ratio":
        return plain(quantity.value * HUNDRED) + "%"
    if unit in UNITS and quantity.family in UNITS_WITH_FACTOR:
        return plain(quantity.value / UNITS[unit][1])
    return plain(quantity.value)


#: A comparator and a figure followed by a short word that is no unit perfdsl knows (``≥50只猫``).
_UNKNOWN_UNIT = Pattern(rf"^\s*[^\d<>≤≥≦≧=＜＞＝%％]*?\s*(?:{_COMPARATORS})?\s*\d+(?:\.\d+)?\s*[万亿]?"
                           rf"\s*(?P<unit>[^\d\s（()）。.;；,，、]{{1,4}})\s*[。.]?\s*$")

# ── deadlines and qualitative results ───────────────────────────────────────
# Tables write a completion target as a date (``9月前``, ``12月底前完成``, ``2020年12月31日前``) or as
# ``按时``; the actual is the completion date or month (``2020年11月``, ``11月30日``, ``2020-11-30``) or
# a word (``按时完成`` / ``未按时完成``).  A 定性 target (``有效提升``) is met to the degree the assessor
# says: 达成 / 基本达成 / 部分达成 / 未达成, each a share of the weight (`DEFAULT_LEVELS`, or the
# ruleset's ``levels { … }``).

#: 财预〔2020〕10号 附件2: 定性指标 达成预期指标 / 部分达成预期指标并具有一定效果 / 未达成预期指标且效果较差
#: score 100%–80%, 80%–60%, 60%–0% of the weight.  Without ``levels`` perfdsl gives each tier the lowest
#: share of its band — 基本达成 is the bottom of the first band — so no result is scored above what the
#: document allows (docs/language.md §6).
DEFAULT_LEVELS = {"达成": Decimal(1), "基本达成": Decimal("0.8"), "部分达成": Decimal("0.6"), "未达成": Decimal(0)}
_LEVEL_WORDS = {
    "达成": "达成", "已达成": "达成", "达成预期": "达成", "达成预期指标": "达成", "达成目标": "达成", "已达到": "达成",
    "基本达成": "基本达成", "基本达成预期": "基本达成", "基本达成预期指标": "基本达成",
    "部分达成": "部分达成", "部分达成预期": "部分达成", "部分达成预期指标": "部分达成",
    "部分达成预期指标并具有一定效果": "部分达成",
    "未达成": "未达成", "未达成预期": "未达成", "未达成预期指标": "未达成", "未达成预期指标且效果较差": "未达成",
    "达成预期目标": "达成", "达到预期": "达成", "达到预期目标": "达成", "基本达到预期": "基本达成",
    "部分达到预期": "部分达成", "未达到预期": "未达成", "未达到预期目标": "未达成", "未达成预期目标": "未达成",
}
#: A 定性 target's actual as tables print it when the target was met: a word of completion, or the
#: target's own text repeated (「效果明显」|「效果明显」) — scored as 达成 when the levels have it.
_DONE = ("完成", "已完成", "全部完成", "已全部完成", "完成目标", "已实现", "实现", "达标", "已达标")
_ON_TIME = ("按时完成", "已按时完成", "按期完成", "已按期完成", "按时", "按期", "及时完成", "如期完成", "是", "已完成",
            "按计划完成", "已按计划完成", "提前完成", "已提前完成")
_LATE = ("未按时完成", "未按期完成", "未按时", "未按期", "延期完成", "逾期完成", "未完成", "否", "延期", "逾期")
_ON_TIME_TARGETS = ("按时完成", "按期完成", "按时", "按期", "及时完成", "如期完成", "及时", "按计划完成", "按计划")
#: ``2020年底前`` / ``第三季度末前`` / ``上半年`` : a month-end deadline written without a month.
_PERIOD = Pattern(r"^\s*(?:(?P<year>\d{4})\s*年)?\s*(?:(?P<end>底|末|内|度内)"
                  r"|(?:第)?(?P<quarter>[一二三四1-4])季度(?:末|内)?"
                  r"|(?P<half>上|下)半年)\s*(?:之前|以前|前)?\s*(?:完成)?\s*[。.]?\s*$")
_QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_DATE = Pattern(
    r"""^\s*(?:(?P<year>\d{4})\s*(?:年|[-/.]))?\s*(?P<month>\d{1,2})\s*(?P<sep>月(?:份)?|[-/.](?=\d))?
    (?:\s*(?P<day>\d{1,2})\s*(?:日|号)?|\s*(?P<end>底|末))?\s*""", re.VERBOSE)
_BEFORE_WORDS = ("之前", "以前", "前", "内", "止")


class Deadline:
    """A date a task must be done by; `day` None means the end of the month (``9月前`` = by the end of
    September, as tables write ``12月前`` for 年底), `year` None any year."""

    __slots__ = ("year", "month", "day", "text")

    def __init__(self, year, month, day, text):
        self.year, self.month, self.day, self.text = year, month, day, text

    def key(self, with_year: bool) -> tuple:
        import calendar  # here: only a deadline of a month's end asks it (and it imports locale, datetime)

        last = calendar.monthrange(self.year or 2000, self.month)[1]  # no year: February has 29 days
        return ((self.year,) if with_year else ()) + (self.month, self.day if self.day is not None else last)

    def shown(self) -> str:
        return self.text.strip()


def _date(text: str, *, deadline: bool) -> Deadline | None:
    """``2020年12月31日前`` / ``12月底前完成`` / ``9月前`` (deadline) or ``2020年11月`` / ``2020-11-30`` (done)."""
    raw = text.strip()
    if raw in ("年底", "年底前", "年底前完成", "年末前", "年内", "年内完成", "本年度内完成", "年度内完成"):
        return Deadline(None, 12, None, text)
    if not deadline:
        for lead in ("已于", "于", "已"):  # 「已于2020年9月完成」
            if raw.startswith(lead) and raw[len(lead):][:1].isdigit():
                raw = raw[len(lead):]
                break
    period = _PERIOD.match(raw) if deadline else None
    if period and (period.group("year") or not period.group("end")):
        month = (_QUARTERS[period.group("quarter")] if period.group("quarter")
                 else 6 if period.group("half") == "上" else 12)
        return Deadline(int(period.group("year")) if period.group("year") else None, month, None, text)
    match = _DATE.match(raw)
    if not match or not (match.group("sep") or match.group("year")):
        return None
    rest = raw[match.end():]
    if rest.startswith("完成"):
        rest = rest[2:]
    if deadline:
        if not rest.startswith(_BEFORE_WORDS):
            return None
        rest = rest.lstrip("之以前内止")
        if rest.startswith("完成"):
            rest = rest[2:]
    if rest.strip(" 。.;；"):
        return None
    month, day = int(match.group("month")), match.group("day")
    day = int(day) if day is not None else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    year = int(match.group("year")) if match.group("year") else None
    return Deadline(year, month, day, text)


def level_of(text, levels: dict) -> str | None:
    """The level an actual names: a declared level's name as written, or one of the document's tiers."""
    word = str(text).strip().rstrip("。.")
    if word in levels:
        return word
    tier = _LEVEL_WORDS.get(word)
    return tier if tier is not None and tier in levels else None


@frozen
class Judgement:
    """What a target earns: the share of the weight, whether it is met, and the basis fragment."""

    share: Decimal
    met: bool
    text: str  # ``目标 9月前，实际 2020年8月，按时完成`` (without the points)
    kind: str  # "quantity" | "deadline" | "level"
    level: str | None = None  # the level an actual named
    target: Target | None = None  # a quantity's target and actual as `attainment` compared them (the basis)
    actual: Quantity | None = None


def judge(target_text, actual, kind=None, unit=None, column_unit=None, levels=None) -> Judgement:
    """Score one target against its actual, whatever kind of target it is: a quantity (`attainment`), a
    deadline, or a qualitative result (the actual a level).  `column_unit` is the table's 度量单位 for
    figures written without one; `levels` maps level names to shares (default: `DEFAULT_LEVELS`)."""
    levels = DEFAULT_LEVELS if levels is None else levels
    target_text = str(target_text)
    shown_target = target_text.strip()
    if not shown_target:  # a cell the table left blank is no target at all, not a 定性 one
        raise TargetError("目标为空（表中未填写指标值），无法判断是否完成")
    if isinstance(actual, str) or (actual is not None and not isinstance(actual, (Decimal, bool))):
        level = level_of(actual, levels)
        if level is not None:
            share = levels[level]
            return Judgement(share, share >= 1, f"目标 {shown_target}，实际 {str(actual).strip()}，评为{level}"
                             f"（得分值的 {plain(share * HUNDRED)}%）", "level", level)
    deadline = _deadline(target_text)
    if deadline is not None:
        return _judge_deadline(deadline, actual, shown_target)
    target_text, actual = in_column_unit(target_text, actual, column_unit)
    try:
        target = parse_target(target_text)
    except TargetError:
        if not _looks_numeric(target_text):
            word = _shown(actual).strip().rstrip("。.")
            if "达成" in levels and word and (word in _DONE or word == shown_target.rstrip("。.")):
                share = levels["达成"]
                return Judgement(share, share >= 1, f"目标 {shown_target}，实际 {word}，评为达成"
                                 f"（得分值的 {plain(share * HUNDRED)}%）", "level", "达成")
            names = " / ".join(levels)
            got = "实际值为空" if not _shown(actual).strip() else f"得到 `{_shown(actual)}`"
            raise TargetError(f"定性目标 `{shown_target}` 的实际值须为 {names} 之一，{got}") from None
        raise
    quantity = parse_actual(actual, kind, unit)
    met, share = attainment(target, quantity)
    return Judgement(share, met, f"目标 {target.shown()}，实际 {quantity.shown()}", "quantity", None, target, quantity)


def _shown(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return plain(value) if isinstance(value, Decimal) else str(value).strip()


_CHINESE_NUMBER = Pattern(rf"[零〇一二三四五六七八九十百千万两]+\s*(?:{_UNITS}|万元)")


def _looks_numeric(text: str) -> bool:
    """A figure perfdsl cannot read (``三十条``, ``2021年1月份,割接率100%``), not a 定性 target (``有效提升``)."""
    return any(ch.isdigit() for ch in text) or bool(_CHINESE_NUMBER.search(text))


def _deadline(text: str) -> Deadline | None:
    raw = text.strip()
    if raw in _ON_TIME_TARGETS:
        return Deadline(None, None, None, text)  # 按时: the actual says whether it was
    return _date(raw, deadline=True)


def _judge_deadline(deadline: Deadline, actual, shown_target) -> Judgement:
    if isinstance(actual, bool):
        on_time = actual
        said = "按时完成" if actual else "未按时完成"
    else:
        word = _shown(actual)
        if word in _LATE:
            on_time, said = False, word
        elif word in _ON_TIME:
            on_time, said = True, word
        else:
            done = _date(word, deadline=False) if not isinstance(actual, Decimal) else None
            if isinstance(actual, Decimal) and actual == actual.to_integral_value() and 1 <= actual <= 12:
                done = Deadline(None, int(actual), None, f"{int(actual)}月")
            if done is None:
                raise TargetError(f"时限目标 `{shown_target}` 的实际值须为完成日期或月份（如 `2020年11月`、"
                                  f"`11月30日`）或 `按时完成` / `未按时完成`，得到 `{word}`")
            if deadline.month is None:
                raise TargetError(f"目标 `{shown_target}` 没有写明日期，实际值须为 `按时完成` 或 `未按时完成`，"
                                  f"得到 `{word}`")
            with_year = deadline.year is not None and done.year is not None
            on_time = done.key(with_year) <= deadline.key(with_year)
            said = done.shown()
    verdict = "按时完成" if on_time else "未按时完成"
    text = f"目标 {shown_target}，实际 {said}，{verdict}" if said not in (verdict, "按时完成") or not on_time \
        else f"目标 {shown_target}，实际 {said}"
    return Judgement(Decimal(1) if on_time else Decimal(0), on_time, text, "deadline")


def in_column_unit(target_text: str, actual, column_unit):
    """A target and an actual text with the 度量单位 column's unit where they are written bare."""
    if not column_unit:
        return target_text, actual
    return with_unit(target_text, column_unit), with_unit(actual, column_unit) if isinstance(actual, str) else actual


def with_unit(text: str, unit: str) -> str:
    """``≥95`` with the column unit ``百分比`` → ``≥95百分比``: a figure written without its unit."""
    unit = str(unit).strip()
    unit = UNIT_WORDS.get(unit, unit)
    match = _PATTERN.match(str(text))
    if not unit or not match or match.group("unit"):
        return str(text)
    end = match.end("approx") if match.group("approx") else match.end("multiplier") if match.group(
        "multiplier") else match.end("number")
    return str(text)[:end] + unit + str(text)[end:]


def validate(text: str, levels=None) -> str:
    """What kind of target a ruleset's text is ("quantity", "deadline", "level"); TargetError if none."""
    if _deadline(text) is not None:
        return "deadline"
    try:
        parse_target(text)
        return "quantity"
    except TargetError:
        if _looks_numeric(text):
            raise
        return "level"


def deviation(target_text, actual, kind=None, unit=None, column_unit=None) -> Decimal:
    """How far the actual lies beyond (or short of) a figure target, as a share of the target:
    ``≥50个`` with 80个 → 60%; 40个 → -20%.  A deadline or a qualitative target, a blank one, or a target
    of 0, deviates by 0 (nothing to measure).  For the platform's 「偏离目标值 30% 以上扣分」."""
    text = str(target_text)
    if _deadline(text) is not None or (isinstance(actual, str) and level_of(actual, DEFAULT_LEVELS)):
        return Decimal(0)
    text, actual = in_column_unit(text, actual, column_unit)
    try:
        target = parse_target(text)
    except TargetError:
        if not _looks_numeric(text):
            return Decimal(0)
        raise
    target, quantity = aligned(target, parse_actual(actual, kind, unit))
    goal = target.amount.value
    if goal == 0:
        return Decimal(0)
    return (quantity.value - goal) / goal
