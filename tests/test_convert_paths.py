"""The readings chosen once per ruleset — the loop's inline reading (`inputs._one`), the batch's compiled function
(`convertgen`), the inputs' fast readers (`inputs._fast`), the inline constant bounds — read exactly what the
general reading reads: the same values, notes, units and metadata (in the same order), name, warnings — or the
same error, word for word — for every example record, every typing slip of it (tests/slips.py) and every input
set to each value of a hostile list, from JSON and from a table (`lenient`).  The general reading is the one the
messages are written for; the fast ones must never be a second meaning.
"""

from __future__ import annotations

import ast
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from slips import slips

from perfdsl import load
from perfdsl.decimals import MONEY_UNITS
from perfdsl.errors import RecordError
from perfdsl.inputs import COMPILE_AFTER, RecordReader
from perfdsl.jsonstream import DECODER

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted((ROOT / "rulesets").glob("*.perf"), key=lambda p: -len(p.stem))
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))

#: Values a record may hold for any input: ordinary ones of each type, and every way to get one wrong.
HOSTILE = [
    None, "", "  ", Decimal("0"), Decimal("0E-20"), Decimal("0E+20"), Decimal("-0.5"), Decimal("5"), Decimal("95"),
    Decimal("100"), Decimal("0.976"), Decimal("604055.66"), Decimal("1e14"), Decimal("1e15"), Decimal("-1e15"),
    Decimal("1e-12"), Decimal("1e-13"), Decimal("1E+5"), Decimal("12.50"), Decimal("1" * 30), Decimal("1" * 31),
    Decimal("1." + "0" * 40), Decimal("0." + "1" * 31), Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"),
    Decimal("1e9999999"), True, False, 1, 0, 1.5, float("nan"), "是", "否", " TRUE ", "no", "1", "0", "x", "95",
    "95%", "1%", "97.6％", "1,234.5", "1,5", "-3", "0.43万元", "4300元", "6,400,981.42元", "12个", "１２", "\ud800",
    "a" * 32_768, [], [{}], {"value": Decimal(3), "note": "评审意见"}, {"value": Decimal(3), "note": 3},
    {"value": None, "note": "无"}, {"value": Decimal(3)}, {"value": Decimal(3), "note": "x", "extra": 1},
    {"value": "0.43万元", "note": "n"}, {"value": Decimal("1e20"), "note": "n"}, {"note": "n"},
    {"value": Decimal(3), "note": "\ud800"}, {"value": "是", "note": ""},
]


def _ruleset_of(example: Path) -> Path:
    return next(path for path in RULESETS if example.stem.startswith(path.stem))


def _copy(reader: RecordReader, compiled: bool = False) -> RecordReader:
    """`reader` reading every record by its loop, or (`compiled`) by its compiled function."""
    copy = RecordReader.__new__(RecordReader)
    copy.__dict__.update(reader.__dict__)
    copy._compiled = reader.compiled() if compiled else None
    copy._reads = -10**9  # never compiles by itself
    return copy


def _general(reader: RecordReader) -> RecordReader:
    """The same reader with every fast path turned off: each value by `_read_value`, each bound by `_out_of_range`."""
    general = _copy(reader)
    general.plan = tuple((name, None, default, factor, most, (name, None, field))
                         for name, _, default, factor, most, (_, _, field) in reader.plan)
    general.ranges = tuple((spec, None) for spec, _ in reader.ranges)
    return general


_READERS: dict = {}


def _readers(program) -> tuple:
    """(the loop, the compiled function, the general reading) of `program`'s reader, made once per program."""
    if id(program) not in _READERS:
        reader = program.reader
        _READERS.clear()
        _READERS[id(program)] = (program, _copy(reader), _copy(reader, compiled=True), _general(reader))
    return _READERS[id(program)][1:]


def _outcome(reader, raw, lenient):
    try:
        record = reader.read(raw, 7, lenient)
    except RecordError as exc:
        return ("error", type(exc).__name__, str(exc), exc.record, [w.render() for w in exc.warnings or ()])
    # the dicts in their order too: notes are shown in the order the inputs were read
    return ("record", record.slots, list(record.values.items()), list(record.notes.items()), record.name,
            list(record.units.items()), [w.render() for w in record.warnings], list(record.meta.items()))


def _same(program, raw, lenient=False):
    loop, compiled, general = _readers(program)
    expected = _outcome(general, raw, lenient)
    assert _outcome(loop, raw, lenient) == expected
    assert _outcome(compiled, raw, lenient) == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_slip_reads_as_the_general_reading_does(example):
    program = load(_ruleset_of(example))
    data = DECODER.decode(example.read_text(encoding="utf-8"))
    records = data if isinstance(data, list) else [data]
    for record in records:
        _same(program, record)
        for slip in slips(program.model, record):
            _same(program, slip.record)
        _same(program, dict(record, _来源="表1", _编号=3))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_hostile_value_reads_as_the_general_reading_does(example):
    program = load(_ruleset_of(example))
    data = DECODER.decode(example.read_text(encoding="utf-8"))
    record = data[0] if isinstance(data, list) else data
    for spec in program.model.inputs:
        for value in HOSTILE:
            changed = dict(record)
            changed[spec.name] = value
            _same(program, changed)
            if not isinstance(value, dict):  # a table's cell is text, or blank
                _same(program, changed, lenient=True)
        if spec.type.kind != "list":
            _same(program, {key: value for key, value in record.items() if key != spec.name})
    for spec, constants in program.reader.ranges:  # at each constant bound, and a cent either side
        for bound in constants or ():
            if bound is None:
                continue
            unit = MONEY_UNITS.get(spec.type.unit, Decimal(1)) if spec.type.kind == "money" else Decimal(1)
            for value in (bound, bound - Decimal("0.01"), bound + Decimal("0.01")):
                _same(program, dict(record, **{spec.name: value / unit}))


#: JSON numbers about the digits `shortfigures.read` takes (30) and the magnitudes data allows (1e-12 … 1e15):
#: a record read by `datafiles.line_record` with such figures is read as the general reading reads it.
SHORT_EDGES = ["0", "-0", "0.0", "0e-21", "0E+20", "1e-12", "1e-13", "-1e-12", "0.000001234", "-0.0000012345678901234567",
               "0.0000001", "1e14", "-9.99e14", "1e15", "1e-7", "1.5e-7", "12.50", "1" * 22, "1" * 23, "-" + "9" * 22,
               "0." + "1" * 22, "-0." + "0" * 5 + "1" * 22, "-0." + "0" * 5 + "1" * 23,
               "0." + "1" * 30, "0." + "1" * 31, "1." + "0" * 29, "1." + "0" * 30, "0.00" + "1" * 30, "1." + "0" * 21, "1." + "0" * 22, "1" * 14 + "." + "1" * 8,
               "-" + "1" * 15 + "." + "1" * 7, "1" * 30, "1e999999999999999999", "1e-1000000000000000000"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_record_of_short_figures_reads_as_the_general_reading_does(example):
    """A JSON Lines record whose figures `datafiles` read short (`shortfigures`) spares the compiled reader each
    figure's text; for figures at the edges of that, plain and annotated, it reads as the general reading."""
    from perfdsl import datafiles, shortfigures
    from perfdsl.report.jsonout import dumps

    program = load(_ruleset_of(example))
    _, compiled, general = _readers(program)
    data = DECODER.decode(example.read_text(encoding="utf-8"))
    record = data[0] if isinstance(data, list) else data
    record = {key: value for key, value in record.items()  # no array, no metadata with a colon: flat
              if not isinstance(value, list) and not key.startswith("_")}
    seen = 0
    for spec in program.model.inputs:
        if spec.type.kind == "list":
            continue
        others = dumps({key: value for key, value in record.items() if key != spec.name}, None)
        for text in SHORT_EDGES:
            for written in (text, '{"value": %s, "note": "n"}' % text):
                raw = datafiles.line_record(1, 1, others[:-1] + ', %s: %s}' % (json.dumps(spec.name), written))
                seen += shortfigures.short(raw)
                assert _outcome(compiled, raw, False) == _outcome(general, raw, False), (spec.name, written)
    assert seen


def test_the_bounds_are_tried():
    """Every example's ruleset has a constant range the test above tries at its edges."""
    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    assert any(constants is not None for _, constants in program.reader.ranges)


def test_a_fast_reading_is_a_real_one():
    """The comparison above could pass with both paths wrong in the same way: pin a few readings outright."""
    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    record = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text(encoding="utf-8"), parse_float=Decimal)
    read = program.convert(dict(record, 年末存量资金="2.65万元", 采购意向公开率=Decimal("0.9"),
                                绩效目标合理性扣分={"value": Decimal("1.5"), "note": "评审意见"}))
    assert read.values["年末存量资金"] == Decimal("26500.00")
    assert read.units == {"年末存量资金": "万元", **{k: v for k, v in read.units.items() if k != "年末存量资金"}}
    assert read.values["采购意向公开率"] == Decimal("0.9")
    assert read.notes["绩效目标合理性扣分"] == "评审意见"
    assert read.values["绩效目标合理性扣分"] == Decimal("1.5")
    with pytest.raises(RecordError) as caught:
        program.convert(dict(record, 采购意向公开率=Decimal("1e15")))
    assert "`采购意向公开率` 数值过大（绝对值须小于 10^15），得到 1000000000000000" in str(caught.value)


def test_a_batch_is_read_by_the_compiled_function_and_one_record_is_not():
    """The first records go through the loop (a cold `eval` of one record compiles nothing); from the
    `COMPILE_AFTER`-th on the compiled function reads them — and reads them as the loop did."""
    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    record = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text(encoding="utf-8"), parse_float=Decimal)
    reader = program.reader
    first = reader.read(record, 1)
    assert reader._compiled is None
    for position in range(2, COMPILE_AFTER + 1):
        reader.read(record, position)
    assert reader._compiled is not None
    again = reader.read(record, 1)
    assert (again.slots, again.values, again.notes, again.units, again.name) == \
        (first.slots, first.values, first.notes, first.units, first.name)
    assert again.values["预算支出决算数"] == Decimal("6440687.91")


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda p: p.stem)
def test_the_compiled_reader_holds_no_user_text_as_code(ruleset):
    """Input names reach the generated source only as string literals (every identifier is the generator's own),
    and every other figure as a constant passed in: no name, default or bound of a ruleset is ever code."""
    program = load(ruleset)
    source = program.reader.compiled().source
    tree = ast.parse(source)
    names = {spec.name for spec in program.model.inputs}
    identifiers = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    identifiers |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    identifiers |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert all(re.fullmatch(r"[a-z_][a-z_0-9]*", name, re.IGNORECASE) and name.isascii() for name in identifiers)
    texts = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert texts - names <= {"value", "note", ",", ""}  # the generator's own: a note, a thousands comma
    assert names - {spec.name for spec in program.model.inputs if spec.type.kind == "list"} <= texts


def test_a_name_that_is_not_plain_text_is_refused():
    """`convertgen` writes a name with `str.__repr__` of an exact str, never through a subclass's own repr."""
    from perfdsl.convertgen import _literal

    class Sneaky(str):
        def __repr__(self):
            return "__import__('os')"

    assert _literal("预算'数\\\n") == repr("预算'数\\\n")
    with pytest.raises(TypeError):
        _literal(Sneaky("x"))


def test_an_amount_of_thirty_digits_is_read_exactly():
    """`limits.DATA_DIGITS` allows 30 digits: an amount that has them, times its unit, is not rounded to the
    28 digits of Python's default context (it was, before s22), in the loop and in the compiled function."""
    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    record = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text(encoding="utf-8"), parse_float=Decimal)
    amount = Decimal("11111111111111.1111111111111111")  # 30 digits, below 10^15
    loop, compiled, general = _readers(program)
    for reader in (loop, compiled, general):
        read = reader.read(dict(record, 预算收入决算数=amount, 年末存量资金="1111111111.11111111111111111111万元"), 1)
        assert read.values["预算收入决算数"] == amount
        assert read.values["年末存量资金"] == Decimal("11111111111111.1111111111111111")
