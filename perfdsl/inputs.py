"""A record (one department's data) → typed input values, or one `DataValueError` listing every problem.

The data contract (DESIGN §6): keys are the ruleset's input names; keys that
start with ``_`` are metadata; a value is plain or annotated
(``{"value": 3, "note": "…"}``); money also takes ``"0.43万元"``/``"4300元"``,
rates ``"97.6%"``.  An unknown key is an error naming the nearest input.
JSON takes the value forms a sheet does (numeric text, 是/否, TRUE/FALSE,
1/0 for a bool) and a key ``<input>备注`` for the note of that input's value,
as a sheet's note column; only a sheet's empty cell (`lenient`) is a missing
value, where JSON writes ``null`` or leaves the key out.  A record whose name
input is blank is named ``（第 N 条）``: visible, never a bare number.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, localcontext

from . import limits, nodes, shortfigures
from .decimals import (
    CONTEXT,
    MONEY,
    MONEY_UNITS,
    PERCENT,
    money_unit,
    parse_money_string,
    parse_number_string,
    parse_percent_string,
    plain,
)
from .errors import DataValueError, MissingInput
from .limits import shown_number
from .model import InputSpec, Model
from .nearest import nearest
from .plausibility import Plausibility, percent_hint
from .tabular import NOTE_SUFFIX
from .textwidth import excerpt
from .unparse import expression
from .values import MISSING, Record  # noqa: F401 (Record re-exported: inputs makes them)

_TRUE = {"true", "是", "1", "yes", "y", "√", "✓", "✔"}
_FALSE = {"false", "否", "0", "no", "n", "×", "✗", "✘"}


class _Invalid(Exception):
    pass


def _show(raw) -> str:
    """A raw value as a message quotes it: JSON-like, cut to a bounded excerpt (a figure however large)."""
    if isinstance(raw, Decimal):
        return shown_number(raw)
    if isinstance(raw, float):
        return repr(raw)
    try:
        return excerpt(_json_text(raw))
    except (TypeError, ValueError, RecursionError):
        return excerpt(repr(raw))


def _json_text(raw, depth: int = 0) -> str:
    """`raw` written as JSON with every decimal as its own digits (``[1, 2.50]``, not ``[Decimal('1'), …]``);
    a long list or object is cut after its first 20 members: a message quotes an excerpt."""
    if depth > 20:
        raise ValueError("too deep to quote")
    if type(raw) is Decimal:
        return shown_number(raw) if raw.is_finite() else json.dumps(str(raw))
    if isinstance(raw, list):
        items = [_json_text(item, depth + 1) for item in raw[:20]]
        return "[" + ", ".join(items + ["…"] * (len(raw) > 20)) + "]"
    if isinstance(raw, dict):
        pairs = [f"{json.dumps(str(key), ensure_ascii=False)}: {_json_text(value, depth + 1)}"
                 for key, value in list(raw.items())[:20]]
        return "{" + ", ".join(pairs + ["…"] * (len(raw) > 20)) + "}"
    return json.dumps(raw, ensure_ascii=False)


def _number(raw, lenient: bool) -> Decimal:
    if type(raw) is Decimal:
        if not raw.is_finite():
            raise _Invalid
        return raw
    if isinstance(raw, bool):
        raise _Invalid
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise _Invalid
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise _Invalid
        return Decimal(repr(raw))
    if isinstance(raw, str):  # numeric text, in JSON as in a sheet: 1,234.5 yes; 1,5 and 1,2,3,4 no
        value = parse_number_string(raw, grouped=True)
        if value is not None:
            return value
    raise _Invalid


def _count(raw, lenient: bool) -> Decimal:
    value = _number(raw, lenient)
    if value != value.to_integral_value() or value < 0:
        raise _Invalid
    return value


def _money(factor: Decimal):
    def convert(raw, lenient: bool) -> Decimal:
        if isinstance(raw, str):
            value = parse_money_string(raw)
            if value is not None:
                return value
        return _number(raw, lenient) * factor

    return convert


def _rate(raw, lenient: bool) -> Decimal:
    if isinstance(raw, str):
        value = parse_percent_string(raw)
        if value is not None:
            return value
    return _number(raw, lenient)


def _bool(raw, lenient: bool) -> bool:
    if raw is True or raw is False:
        return raw
    if isinstance(raw, (str, int, Decimal)):  # 是/否, TRUE/FALSE, 1/0: in JSON as in a sheet
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _Invalid


def _text(raw, lenient: bool) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        return str(raw)
    raise _Invalid


def converter(spec: InputSpec):
    """The function that converts a raw value for `spec` (raising `_Invalid` without a message)."""
    kind = spec.type.kind
    if kind == "money":
        return _money(MONEY_UNITS[spec.type.unit])
    return {"number": _number, "count": _count, "rate": _rate, "bool": _bool, "text": _text}[kind]


def convert_value(spec: InputSpec, raw, lenient: bool = False):
    return converter(spec)(raw, lenient)


_EXPECTED = {
    "number": "数字",
    "count": "非负整数",
    "rate": '比率：小数（如 0.976）或百分数字符串（如 "97.6%"）',
    "bool": "是 或 否（也可写 true/false、1/0）",
    "text": "文本",
}


def _expected(spec: InputSpec, lenient: bool = False) -> str:
    if spec.type.kind == "bool" and lenient:  # a table cell: say it the way the template does
        return "是 或 否（也可写 TRUE/FALSE、1/0）"
    if spec.type.kind == "money":
        return f'金额：数字（单位 {spec.type.unit}）或带单位的字符串（如 "0.43万元"、"4300元"）'
    return _EXPECTED[spec.type.kind]


class RecordReader:
    """Converts records for one model; the per-input work is decided once, here."""

    def __init__(self, model: Model):
        self.model = model
        self.names = [spec.name for spec in model.inputs]
        self.known = frozenset(self.names)
        judged = {name: most for name, (_, _, most) in judged_inputs(model).items()}
        self.fields = tuple(_field(spec, judged) for spec in model.inputs)
        # (name, how the loop reads its usual values itself — `_inline` —, its default, an amount's factor, an
        # assessor's most, and for `_slow`: (name, the reader of its usual values or None — `_fast` —, its field))
        self.plan = tuple((field[0], _inline(field), field[3], MONEY_UNITS[field[1].type.unit] if field[4] else None,
                           field[5], (field[0], _fast(field), field)) for field in self.fields)
        self.bounded = tuple(spec for spec in model.inputs if spec.low is not None or spec.high is not None
                             or any(f.low is not None or f.high is not None for f in spec.fields))
        self.bounds = _Bounds(model)
        self.ranges = tuple((spec, self.bounds.constants(spec)) for spec in self.bounded)
        # metadata keys are picked out with the unknown ones, unless an input's name could be one
        self.meta_apart = not any(name.startswith("_") for name in self.names)
        self.plausibility = Plausibility(model)
        self._compiled = None  # `compiled()`, once made (`_values`)
        self._reads = 0

    def read(self, record, position: int | None = None, lenient: bool = False) -> Record:
        """Convert `record` (a dict); raise `DataValueError` naming the record and every bad key."""
        if not isinstance(record, dict):
            raise DataValueError(f"记录须是 JSON 对象（键为输入名），得到 {_show(record)[:60]}", record=position)
        problems: list[tuple[str, str]] = []
        meta: dict = {}
        if not self.known.issuperset(record):  # in C, no set made: most records hold their inputs' keys alone
            record, meta = self._other_keys(record, record.keys() - self.known, problems)
        notes: dict = {}
        units: dict = {}
        with localcontext(CONTEXT):  # an amount of `limits.DATA_DIGITS` digits times 10⁴ stays exact (not 28 digits)
            slots, values = self._values(record, lenient, problems, notes, units, shortfigures.short(record))
        name = position
        own_key = self.model.record
        if own_key is not None:
            own = values.get(own_key)
            if own is not None and own is not MISSING:
                name = own if isinstance(own, str) else plain(own) if isinstance(own, Decimal) else str(own)
            if (name is position or not str(name).strip()) and position is not None:
                name = unnamed(position)
        warnings = self.plausibility.check(record, values, name,
                                           skip=frozenset([key for key, _ in problems]) if problems else _NONE)
        if not self.meta_apart:
            meta = {key: value for key, value in record.items()
                    if isinstance(key, str) and key.startswith("_") and isinstance(value, str)}
        if problems:
            texts = [(key, text if text.startswith("未知的键") else f"`{key}` {text}") for key, text in problems]
            missing = self._missing(Record(slots, values, notes, name, units), {key for key, _ in problems})
            raise DataValueError.listing(texts, missing, record=name, warnings=warnings)
        return Record(slots, values, notes, name, units, warnings, meta)

    def _other_keys(self, record: dict, extra, problems) -> tuple[dict, dict]:
        """The keys of `record` that are no input's (`extra`), in the record's order: metadata (kept when no input's
        name could be one), ``<input>备注`` notes (`record` is then a copy with the notes in it), unknown keys
        (a problem naming the nearest input)."""
        known = self.known
        meta_apart = self.meta_apart
        if meta_apart and all(key.__class__ is str and key[:1] == "_" for key in extra):  # metadata alone
            texts = [key for key in extra if isinstance(record[key], str)]
            if len(texts) <= 1:  # in the record's order, as the walk below keeps them
                return record, {key: record[key] for key in texts}
        notes_apart = None
        meta: dict = {}
        for key in record:
            if key in known:
                continue
            if isinstance(key, str) and key.startswith("_"):
                if meta_apart and isinstance(record[key], str):
                    meta[key] = record[key]
                continue
            if isinstance(key, str) and key.endswith(NOTE_SUFFIX) and key[: -len(NOTE_SUFFIX)] in known:
                notes_apart = notes_apart or {}
                notes_apart[key[: -len(NOTE_SUFFIX)]] = record[key]
                continue
            close = nearest(str(key), self.names)
            hint = f"，是否为 `{close}`？" if close else ""
            problems.append((key, f"未知的键 `{excerpt(str(key))}`（规则集没有这个输入）{hint}"))
        if notes_apart:
            record = _with_notes(record, notes_apart, problems)
        return record, meta

    def _values(self, record: dict, lenient: bool, problems, notes, units, short=False) -> tuple[tuple, dict]:
        """Each input's value of `record` by the plan, then the range checks: (slots, values by name).  The first
        records are read by the loop below; from the `COMPILE_AFTER`-th on, by the plan written out as one
        function (`convertgen`), compiled once: a cold `perfdsl eval` of one record pays no compile, a batch
        reads at the compiled speed.  Both read every value by `_one` but for the usual ones, which the compiled
        function reads inline exactly as `_one` does (`short`: `shortfigures.short`, which spares it each
        figure's text)."""
        compiled = self._compiled
        if compiled is not None:
            return compiled(record, lenient, problems, notes, units, short)
        self._reads += 1
        if self._reads >= COMPILE_AFTER:
            self._compiled = self.compiled()
        values: dict = {}
        get = record.get
        for entry in self.plan:
            raw = get(entry[0])
            values[entry[0]] = entry[2] if raw is None else _one(entry, raw, lenient, problems, notes, units)
        if self.bounded:
            for spec, constants in self.ranges:
                if constants is not None:
                    value = values[spec.name]
                    if value is MISSING or value is None:
                        continue
                    if value.__class__ is Decimal:
                        low, high = constants
                        if (low is None or (value > low if spec.low_open else value >= low)) and \
                                (high is None or (value < high if spec.high_open else value <= high)):
                            continue
                problems.extend(_range_problems(self.model, (spec,), values, record, self.bounds))
        return tuple(values.values()), values  # filled in the inputs' order, one each

    def compiled(self):
        """The plan written out as one function (`convertgen`), compiled now."""
        from . import convertgen

        model, bounds = self.model, self.bounds
        figures = {"figures": _FIGURES, "amount": _AMOUNT, "count": _COUNT, "rate": _RATE, "bool": _BOOL,
                   "text": _TEXT}
        source, namespace = convertgen.generate(
            self.plan, self.ranges, figures, _one,
            lambda spec, values, record: _range_problems(model, (spec,), values, record, bounds))
        exec(compile(source, f"<perfdsl reader:{model.path}>", "exec"), namespace)  # no user text: convertgen
        function = namespace["read_values"]
        function.source = source
        return function

    def _missing(self, record: Record, reported: set) -> list[str]:
        """The inputs the rules need that `record` leaves out, besides the keys already `reported`."""
        from .interp import problems  # the interpreter knows which inputs the indicators that apply read

        keys = [error.key for error in problems(self.model, record)
                if isinstance(error, MissingInput) and error.key not in reported]
        return sorted(keys, key=lambda key: self.names.index(key.split("[")[0]))


_NONE: frozenset = frozenset()
#: The record from which a reader reads with its compiled function (`RecordReader._values`): it takes a few
#: milliseconds to compile.
COMPILE_AFTER = 64
#: What a fast reader returns for a value it leaves to the general reading (`_read_value`).
_SLOW = object()


_LARGEST, _SMALLEST = limits.DATA_MAGNITUDE.adjusted(), limits.DATA_SMALLEST.adjusted()


_AS_WRITTEN, _RATE, _AMOUNT, _COUNT, _BOOL, _TEXT = "as written", "rate", "amount", "count", "bool", "text"
_FIGURES = frozenset([_AS_WRITTEN, _RATE, _AMOUNT, _COUNT])


def _inline(field) -> str | None:
    """How the loop reads this input's usual values itself (`RecordReader._values`), when it has no other check
    than an assessor's most (a `one of` has its choices, a list its items): a number as written; a rate as
    written, or a percent string; an amount times its unit, or a money string; a count if whole and not negative;
    true/false; a text within bounds — each what `_fast` and `_read_value` make of it; None: leave it to them."""
    name, spec, convert, default, is_money, most, items = field
    kind = spec.type.kind
    if items is not None or spec.choices or (most is not None and kind not in ("number", "count", "rate", "money")):
        return None
    return {"number": _AS_WRITTEN, "rate": _RATE, "money": _AMOUNT, "count": _COUNT, "bool": _BOOL,
            "text": _TEXT}.get(kind)


def _fast(field):
    """The reader of one input's usual values — a figure from JSON or a table's text for a number, true/false or
    是/否 for a bool, a text — decided once per ruleset: `fast(raw, lenient, units)` is the value, or `_SLOW` for
    anything else (missing, out of bounds, malformed …), which `_read_value` then reads and explains. Whatever it
    returns is what `_read_value` would: the same conversions, the same checks, in the same order."""
    name, spec, convert, default, is_money, most, items = field
    if items is not None:
        return None
    kind = spec.type.kind
    choices = spec.choices
    fine = limits.number_fine
    if kind == "text":
        text_fine = limits.text_fine

        def text(raw, lenient, units):
            if raw.__class__ is not str or (lenient and not raw.strip()) or not text_fine(raw):
                return _SLOW
            if choices and raw not in choices:
                return _SLOW
            return raw

        return text
    if kind == "bool":
        def boolean(raw, lenient, units):
            if raw is True or raw is False:
                value = raw
            elif raw.__class__ is str:
                lowered = raw.strip().lower()
                value = True if lowered in _TRUE else False if lowered in _FALSE else _SLOW
            else:
                return _SLOW
            if choices and value not in choices:
                return _SLOW
            return value

        return boolean
    factor = MONEY_UNITS[spec.type.unit] if is_money else None
    counted = kind == "count"
    smallest, largest, digits = _SMALLEST, _LARGEST, limits.DATA_DIGITS

    def number(raw, lenient, units):  # `fine` inline where a figure is usual: this runs for most values
        kind_of = raw.__class__
        if kind_of is Decimal:
            if not (raw.is_finite() and smallest <= raw.adjusted() < largest and len(str(raw)) <= digits) \
                    and not fine(raw):
                return _SLOW
            value = raw * factor if factor is not None else raw
            if counted and (value != value.to_integral_value() or value < 0):
                return _SLOW
        elif kind_of is str:
            value = convert(raw, lenient)
        else:
            return _SLOW
        if value is not raw and not (value.is_finite() and smallest <= value.adjusted() < largest
                                     and len(str(value)) <= digits) and not fine(value):
            return _SLOW
        if most is not None and not 0 <= value <= most:
            return _SLOW
        if choices and value not in choices:
            return _SLOW
        if is_money and kind_of is str:
            units[name] = money_unit(raw)
        return value

    return number


def _one(entry, raw, lenient: bool, problems, notes, units):
    """The value of one input (`entry` of the plan) that the record gives as `raw` (not None): the usual values
    read here, with a few comparisons each and no call (`_inline`), anything else and any value not read as it
    stands by `_slow` — the input's fast reader, then the general reading, which says what is wrong."""
    name, inline, default, factor, most, slow = entry
    if inline is not None:
        x, note, unit, value = raw, None, None, _SLOW
        kind_of = raw.__class__
        if kind_of is dict and len(raw) == 2 and "value" in raw:  # {"value": …, "note": "…"} as it should be
            note = raw.get("note")
            if note.__class__ is str and len(note) <= _TEXT_CHARS and (note.isascii() or not _surrogate(note)):
                x = raw["value"]
                kind_of = x.__class__
            else:
                note = None
        if kind_of is Decimal:  # `limits.number_fine`, inline: most values of most records
            if inline in _FIGURES and x.is_finite() and _SMALLEST <= x.adjusted() < _LARGEST \
                    and len(str(x)) <= _DIGITS:
                if inline is _AMOUNT:
                    y = x * factor
                    if y.is_finite() and _SMALLEST <= y.adjusted() < _LARGEST and len(str(y)) <= _DIGITS:
                        value = y
                elif inline is not _COUNT or (x >= 0 and x == x.to_integral_value()):
                    value = x
        elif kind_of is bool:
            if inline is _BOOL:
                value = x
        elif kind_of is str:
            if inline is _TEXT:
                if (not lenient or x.strip()) and len(x) <= _TEXT_CHARS and (x.isascii() or not _surrogate(x)):
                    value = x
            elif inline is _AMOUNT:  # "0.43万元": `parse_money_string`, the unit as `money_unit` gives it
                match = _money_match(x)
                if match is not None:
                    y = Decimal(match.group(1).replace(",", "")) * MONEY_UNITS[match.group(2)]
                    if y.is_finite() and _SMALLEST <= y.adjusted() < _LARGEST and len(str(y)) <= _DIGITS:
                        value, unit = y, match.group(2)
            elif inline is _RATE:  # "97.6%": `parse_percent_string`
                match = _percent_match(x)
                if match is not None:
                    y = Decimal(match.group(1)).scaleb(-2)
                    if y.is_finite() and _SMALLEST <= y.adjusted() < _LARGEST and len(str(y)) <= _DIGITS:
                        value = y
        if value is not _SLOW and (most is None or 0 <= value <= most):
            if unit is not None:
                units[name] = unit
            if note is not None:
                notes[name] = note
            return value
    return _slow(slow, raw, lenient, problems, notes, units)


_DIGITS, _TEXT_CHARS = limits.DATA_DIGITS, limits.TEXT_CHARS
_surrogate, _money_match, _percent_match = limits.SURROGATE.search, MONEY.match, PERCENT.match


def _slow(entry, raw, lenient: bool, problems, notes, units):
    """One input's value (not None) as the plan reads it when the loop's inline reading did not: by the input's
    fast reader (`_fast`), and if that hands it on, by the general reading (`_read_value`), which says what is
    wrong."""
    name, fast, field = entry[0], entry[1], entry[2]
    value = _SLOW
    if fast is not None:
        try:
            if raw.__class__ is dict:  # an annotated value, {"value": …, "note": "…"}, written as it should be
                note = raw.get("note")
                if len(raw) == 2 and note.__class__ is str and "value" in raw and limits.value_problem(note) is None:
                    value = fast(raw["value"], lenient, units)
                    if value is not _SLOW:
                        notes[name] = note
            else:
                value = fast(raw, lenient, units)
        except (_Invalid, ArithmeticError, ValueError, TypeError):
            value = _SLOW
    if value is _SLOW:  # anything unusual: the general reading, which says what is wrong
        value = _read_value(field, raw, name, problems, notes, units, lenient)
    return value


def unnamed(position: int) -> str:
    """The name of a record whose name input is blank: its position, marked as not being a name."""
    return f"（第 {position} 条）"


def _with_notes(record: dict, notes: dict, problems) -> dict:
    """`record` with each ``<input>备注`` key's text as the note of that input's value (a sheet's note column)."""
    record = dict(record)
    for name, note in notes.items():
        key = name + NOTE_SUFFIX
        value = record.get(name)
        if value.__class__ is dict:
            problems.append((key, f"`{name}` 已带注释（note），不能再写 `{key}`"))
        elif note is not None and not isinstance(note, str):
            problems.append((key, f"备注须是文本，得到 {_show(note)}"))
        elif note is not None and note.strip():
            record[name] = {"value": value, "note": note}
    return record


def _field(spec: InputSpec, judged: dict | None = None) -> tuple:
    """What converting one input (or list field) needs, decided once; `judged` maps an assessor's input to
    the most its indicator can be worth."""
    default = spec.default if spec.default is not None else MISSING
    if spec.type.kind == "list":
        items = tuple(_field(field) for field in spec.fields)
        return (spec.name, spec, None, default, False, None, items)
    most = (judged or {}).get(spec.name)
    return (spec.name, spec, converter(spec), default, spec.type.kind == "money", most, None)


def judged_inputs(model: Model) -> dict:
    """Every input an indicator's `manual` rule reads → (mode, its weight, its weight with every
    reallocation into it): a judged score or deduction lies in [0, weight]."""
    out = {}
    for card in model.scorecards:
        for node in card.leaves():
            if node.manual_input is not None and node.manual_input not in out:
                most = node.declared + sum((move.amount for move in node.moves_in), Decimal(0))
                out[node.manual_input] = (getattr(node.indicator.rule, "mode", "deduction"), node.declared, most)
    return out


def _read_value(field, raw, key: str, problems, notes, units, lenient):
    """One converted value (or MISSING); problems, notes and money units are recorded under `key`."""
    name, spec, convert, default, is_money, most, items = field
    if raw.__class__ is dict and items is None:
        extra = set(raw) - {"value", "note"}
        if "value" not in raw or extra:
            problems.append((key, '带注释的值须写成 {"value": …, "note": "…"}'))
            return MISSING
        note = raw.get("note")
        if note is not None:
            if not isinstance(note, str):
                problems.append((key, "note 须是文本"))
                return MISSING
            if limits.value_problem(note):
                problems.append((key, f"note {limits.value_problem(note)}"))
                return MISSING
            notes[key] = note
        raw = raw["value"]
    if raw is None or (lenient and isinstance(raw, str) and not raw.strip()):
        return default
    if items is not None:
        return _read_list(spec, items, raw, key, problems, notes, units, lenient)
    bounded = limits.value_problem(raw) if raw.__class__ is Decimal else None  # before any arithmetic on it
    if bounded:
        problems.append((key, bounded))
        return MISSING
    try:
        value = convert(raw, lenient)
    except (_Invalid, ArithmeticError, ValueError, TypeError):
        problems.append((key, f"应为{_expected(spec, lenient)}，得到 {_show(raw)}{_why_not(convert, raw, lenient)}"))
        return MISSING
    bounded = limits.value_problem(value)  # 1e9999999, 30 digits, a text of a million characters
    if bounded:
        problems.append((key, bounded))
        return MISSING
    if most is not None and value < 0:
        problems.append((key, f"评审分不能为负，得到 {plain(value)}"))
        return MISSING
    if most is not None and value > most:  # above the weight whatever moves into it (else evaluation decides)
        problems.append((key, f"为 {plain(value)}，超过指标的分值 {plain(most)}"))
        return MISSING
    if spec.choices and value not in spec.choices:
        problems.append((key, f"应为 {'、'.join(spec.choices)} 之一，得到 {_show(raw)}"))
        return MISSING
    if is_money and isinstance(raw, str):
        units[key] = money_unit(raw)
    return value


#: A figure in scientific notation (``1.23457E+11``): how Excel writes into a CSV a number too long for its cell.
_SCIENTIFIC = re.compile(r"^\s*[+-]?\d+(?:\.\d+)?[eE][+-]?\d+\s*$")


def _why_not(convert, raw, lenient) -> str:
    """What a text that is not a value most likely got wrong, for its message: its commas, when it reads without them
    (``6400981,42``: a decimal comma?); scientific notation, which Excel writes for a figure its cell is too narrow
    for, its digits beyond the 6th dropped; else nothing."""
    if not isinstance(raw, str):
        return ""
    if lenient and _SCIENTIFIC.match(raw):
        return ("（科学计数法：Excel 把显示不下的数字这样写入 CSV，可能已丢掉了后面的数位；"
                "请把该列设为数值格式后重新导出）")
    if "," in raw:
        try:
            convert(raw.replace(",", ""), lenient)
        except (_Invalid, ArithmeticError, ValueError, TypeError):
            return ""
        return "（千位分隔只能写成 1,234.5 的形式，小数点用 .）"
    return ""


def _read_list(spec, items, raw, key, problems, notes, units, lenient) -> tuple:
    """A list input: a JSON array of objects whose keys are the item's fields; each item a tuple of values."""
    if not isinstance(raw, list):
        problems.append((key, f"应为列表（JSON 数组，每项一个对象），得到 {_show(raw)[:40]}"))
        return MISSING
    names = [field[0] for field in items]
    out = []
    for number, item in enumerate(raw, start=1):
        where = f"{key}[{number}]"
        if not isinstance(item, dict):
            problems.append((where, f"应为对象（键为 {'、'.join(names)}），得到 {_show(item)[:40]}"))
            out.append(MISSING)  # keeps the items numbered as written
            continue
        for field_key in item:
            if field_key not in names and not str(field_key).startswith("_"):
                close = nearest(str(field_key), names)
                hint = f"，是否为 `{close}`？" if close else f"（字段有：{'、'.join(names)}）"
                problems.append((where, f"未知的字段 `{field_key}`{hint}"))
        out.append(tuple(_read_value(field, item.get(field[0]), f"{where}.{field[0]}", problems, notes, units,
                                     lenient) for field in items))
    return tuple(out)


def convert_record(model: Model, record, position: int | None = None, lenient: bool = False) -> Record:
    """Convert `record` (a dict) for `model`; raise `DataValueError` naming the record and the key(s)."""
    return RecordReader(model).read(record, position, lenient)


class _Bounds:
    """A range bound naming no input is evaluated once per ruleset, not once per record."""

    def __init__(self, model: Model):
        self.model = model
        self.constant: dict = {}  # (bounded input's key, "low"/"high") → the bound's value
        self.named: dict = {}  # … → whether the bound names a value (evaluated per record, as before)

    def constants(self, spec):
        """(low, high) of an input (not a list) whose bounds name no value, evaluated now; else None."""
        if spec.fields or any(bound is not None and _names_another(bound) for bound in (spec.low, spec.high)):
            return None
        try:
            return self.value(spec, "low", {}, None), self.value(spec, "high", {}, None)
        except Exception:  # noqa: BLE001 - a bound that cannot be valued is left to each record, as before
            self.constant.clear()
            return None

    def value(self, spec, which: str, values: dict, scope, within=None):
        expr = spec.low if which == "low" else spec.high
        if expr is None:
            return None
        if type(expr) is nodes.Num:  # the usual bound, a literal: its value, without loading the interpreter
            return expr.value
        from .interp import constant_bound  # the interpreter evaluates bounds that are expressions

        key = (within.name if within is not None else None, spec.name, which)
        named = self.named.get(key)
        if named is None:
            named = self.named[key] = _names_another(expr)
        if named:
            return constant_bound(self.model, expr, values, scope)
        try:
            return self.constant[key]
        except KeyError:
            value = self.constant[key] = constant_bound(self.model, expr, values, scope)
            return value


def _range_problems(model: Model, bounded, values: dict, raw: dict, bounds=None):
    bounds = bounds or _Bounds(model)
    for spec in bounded:
        value = values.get(spec.name)
        if value is MISSING or value is None:
            continue
        if spec.fields:
            written = _unwrap(raw.get(spec.name))
            for number, item in enumerate(value, start=1):
                if not isinstance(item, tuple):
                    continue
                fields = {field.name: item[field.slot] for field in spec.fields}
                given = written[number - 1] if isinstance(written, list) and number <= len(written) else {}
                for field in spec.fields:
                    yield from _out_of_range(model, field, fields, f"{spec.name}[{number}].{field.name}", spec,
                                             given.get(field.name) if isinstance(given, dict) else None, bounds)
            continue
        yield from _out_of_range(model, spec, values, spec.name, raw=raw.get(spec.name), bounds=bounds)


def _unwrap(raw):
    return raw["value"] if isinstance(raw, dict) and "value" in raw else raw


def _out_of_range(model, spec, values, key, within=None, raw=None, bounds=None):
    """A problem if `spec`'s value lies outside its bounds (which may name other inputs or fields)."""
    value = values.get(spec.name)
    if value is MISSING or value is None or isinstance(value, tuple) or (spec.low is None and spec.high is None):
        return
    scope = values if within is not None else None
    bounds = bounds or _Bounds(model)
    low = bounds.value(spec, "low", values, scope, within)
    high = bounds.value(spec, "high", values, scope, within)
    below = low is not None and (value < low or (spec.low_open and value == low))
    over = high is not None and (value > high or (spec.high_open and value == high))
    for bound, limit, beyond, word in ((spec.low, low, below, "不高于" if spec.low_open else "低于"),
                                       (spec.high, high, over, "不低于" if spec.high_open else "超过")):
        if not beyond:
            continue
        hint = percent_hint(spec, raw)
        if _names_another(bound):  # say which figure the limit is: a default may have stood in for it
            limit_text = _shown_value(spec, limit)
            yield (key, f"取值 {_shown_value(spec, value)} {word} {expression(bound)}（{limit_text}）{hint}")
        else:
            yield (key, f"取值 {_shown_value(spec, value)} 超出范围 {_shown_bound(spec, low, high)}{hint}")
        return


def _names_another(bound) -> bool:
    return any(isinstance(node, nodes.Name) for node in nodes.walk(bound))


def _shown_value(spec, value):
    from .basis import show_value

    return show_value(value, spec.type)


def _shown_bound(spec, low, high) -> str:
    lo = _shown_value(spec, low) if low is not None else "-∞"
    hi = _shown_value(spec, high) if high is not None else "+∞"
    opening = "(" if spec.low_open or low is None else "["
    closing = ")" if spec.high_open or high is None else "]"
    return f"{opening}{lo}, {hi}{closing}"
