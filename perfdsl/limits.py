"""The sizes perfdsl accepts, in one place, so that hostile or runaway input gets a located message.

Each bound is far above what a real scheme or record needs (the largest
published table has about 60 indicators in 3 levels) and far enough below
Python's own limits (200 nested parentheses in source, a recursion limit of
1,000, the memory of the machine) that the generated evaluator, the checks
and the writers never meet them.  docs/language.md §Limits lists them for
authors; the tests build rulesets exactly at each bound and one past it.
"""

from __future__ import annotations

import re
from decimal import Decimal

# ── rulesets ────────────────────────────────────────────────────────────────

#: Bytes of one ruleset or library file.
RULESET_BYTES = 4 * 1024 * 1024
#: Operators, `if`s and calls nested inside one another in an expression (a chain
#: `a + b + c` nests one level per operator).
EXPRESSION_DEPTH = 64
#: Arguments of one call (`min(…)`), arms of one `bands`, items of one `checklist`,
#: targets of one `move`, indicators directly inside one group or scorecard.
ITEMS = 500
#: Arguments of one call.
ARGUMENTS = 64
#: Levels of indicators (一级 … 十级): groups nested inside one another, with the leaves.
INDICATOR_DEPTH = 10
#: Indicators, groups and `each` blocks in one ruleset.
INDICATORS = 10_000
#: Digits of a number written in a ruleset.
NUMBER_DIGITS = 20
#: Rulesets in one chain of `extends` (a region's scheme on a province's on a nation's is 3).
EXTENDS_DEPTH = 8

# ── data ────────────────────────────────────────────────────────────────────

#: Digits of a number in data (before and after the point together), and the largest
#: magnitude: 10^15 元 is a thousand times any budget in China.
DATA_DIGITS = 30
DATA_MAGNITUDE = Decimal("1e15")
#: The smallest non-zero magnitude a figure may have (anything smaller is a slip).
DATA_SMALLEST = Decimal("1e-12")
_LARGEST, _SMALLEST = DATA_MAGNITUDE.adjusted(), DATA_SMALLEST.adjusted()
#: Nesting of arrays and objects inside one record (a list input of annotated values needs 4).
JSON_DEPTH = 32
#: Characters of one record of a JSON array or one line of JSON Lines.
RECORD_CHARS = 8 * 1024 * 1024
#: Characters of one text value or cell (Excel's own limit for a cell).
TEXT_CHARS = 32_767

#: A lone surrogate code point: text that cannot be written out as UTF-8.
SURROGATE = _SURROGATE = re.compile("[\ud800-\udfff]")

# ── workbooks ───────────────────────────────────────────────────────────────

#: Uncompressed bytes of all parts of a workbook, and of its shared-strings part.
WORKBOOK_BYTES = 1024 * 1024 * 1024
SHARED_STRINGS_BYTES = 64 * 1024 * 1024
#: Parts in a workbook's zip archive.
WORKBOOK_PARTS = 10_000
#: Columns of a data sheet (the widest template has about 70).
COLUMNS = 2_000


def number_problem(value: Decimal) -> str | None:
    """Why a figure from data is out of bounds (in Chinese), or None when it is fine.

    Only the exponent is looked at first, so that ``1e9999999`` costs nothing.
    """
    if not value.is_finite():
        return "不是有限的数字"
    adjusted = value.adjusted()  # once: this runs for every figure of every record
    if _SMALLEST <= adjusted < _LARGEST and len(str(value)) <= DATA_DIGITS:
        return None  # the usual figure: its text has no more characters than the digits allowed
    if not value:
        return None
    if adjusted >= _LARGEST:
        return f"数值过大（绝对值须小于 10^{DATA_MAGNITUDE.adjusted()}），得到 {shown_number(value)}"
    if adjusted < _SMALLEST:
        return f"数值过小（非零值的绝对值须不小于 10^{DATA_SMALLEST.adjusted()}），得到 {shown_number(value)}"
    exponent = value.as_tuple().exponent
    if adjusted - exponent + 1 > DATA_DIGITS:  # coefficient digits; trailing zeros are no precision
        digits = value.as_tuple().digits
        significant = len(digits) - (len(digits) - len("".join(map(str, digits)).rstrip("0")))
        if significant > DATA_DIGITS:
            return f"有效数字过多（最多 {DATA_DIGITS} 位），得到 {shown_number(value)}"
    return None


def number_fine(value: Decimal) -> bool:
    """Whether a figure is within bounds (`number_problem` is None), at a few attribute reads for the usual one."""
    if value.is_finite() and _SMALLEST <= value.adjusted() < _LARGEST and len(str(value)) <= DATA_DIGITS:
        return True
    return number_problem(value) is None


def text_fine(value: str) -> bool:
    """Whether a text is within bounds (`value_problem` is None)."""
    return len(value) <= TEXT_CHARS and not _SURROGATE.search(value)


def value_problem(value) -> str | None:
    """Why a converted value (a figure or a text) is out of bounds, or None."""
    if value.__class__ is Decimal:
        return number_problem(value)
    if value.__class__ is str:
        if len(value) > TEXT_CHARS:
            return f"文本过长（最多 {TEXT_CHARS} 个字符），得到 {len(value)} 个字符"
        if _SURROGATE.search(value):
            return "含有无效的 Unicode 字符（孤立的代理码位，如 \\ud800），请检查数据来源"
    return None


def shown_number(value: Decimal) -> str:
    """A number for a message, never longer than a line: huge or long ones in scientific form."""
    if value.is_finite() and -30 <= value.adjusted() < 30 and len(value.as_tuple().digits) <= 40:
        text = format(value, "f")
        return text
    text = format(value, "e") if value.is_finite() else str(value)
    if len(text) > 48:
        mantissa, _, exponent = text.partition("e")
        text = mantissa[:20] + "…e" + exponent
    return text


def shown_bytes(count: int) -> str:
    """A size for a message: ``2 MB``, ``1.96 GB`` (two decimals at most, half up), bytes below a KB."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= size:
            hundredths = (count * 100 + size // 2) // size
            whole, part = divmod(hundredths, 100)
            return f"{whole}.{part:02d}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{count} 字节"
