"""A ruleset's inputs → the Python source of one function that reads a record's values, compiled once per ruleset.

`inputs.RecordReader` reads a record input by input through a plan decided once (`RecordReader._values`, a
loop).  A batch reads most of its values in one of three forms — left out (the input's default), a figure from
JSON within `limits`' bounds, true/false — and this module writes the plan out as one straight-line function
that reads those with a few comparisons each, without the loop: per input, in slot order,

    x = get('预算支出决算数')
    if x is None:
        v3 = _d3
    elif x.__class__ is _Decimal and (short or x.is_finite() and len(str(x)) <= 30) and -12 <= x.adjusted() < 15 …:
        v3 = y                                      # an amount: x times its unit, within bounds too
    else:
        v3 = _one(_p3, x, lenient, problems, notes, units)

An amount declared in 元 (its factor exactly 1) is read as written, without the product and its second test
(×1 keeps a figure's digits and exponent); a text within bounds is read inline too (`one`'s test).  Anything
else goes to `one` — the loop's own reading of one value (`inputs._one`: an annotated value, a money
or percent string, a text, and then the general reading, which says what is wrong) —, so that a value is read
by one definition whichever path it takes.  The constant range bounds are compared inline; a value outside
them, and every bound naming another input, goes to `bounded` (`inputs._range_problems`, which words the
message).  tests/test_convert_paths.py holds this function, the loop and the general reading to the same
outcome.  Of a record whose figures have few digits each (``short``: `shortfigures`, as `datafiles` reads most
JSON Lines) only each figure's magnitude is asked, which then decides whether it is within bounds.

Safety, as in `codegen`: no user text is code.  An input's value is the local ``v<slot>``; its name appears only
as a string literal made by `str.__repr__` of an exact `str` (a `get` argument, a dict key); defaults, units,
bounds and weights are constants passed in by value (``_d3``, ``_f3``, ``_lo3`` …).
"""

from __future__ import annotations

from decimal import Decimal

from . import decimals, limits
from .values import MISSING


def generate(plan, ranges, figures: dict, one, bounded) -> tuple[str, dict]:
    """The source of ``read_values(record, lenient, problems, notes, units, short=False) -> (slots, values)``
    and the namespace it runs in (`short`: every figure of `record` is finite and has at most
    `limits.DATA_DIGITS` digits, `shortfigures.short`).  `plan`: `RecordReader.plan` (an entry per input, in
    slot order); `ranges`: (spec, constant (low, high) or None) per bounded input; `figures`: the names of the
    loop's inline readings
    (``{"amount": …, "count": …, "bool": …}``) and which of them read a figure; ``one(entry, raw, lenient,
    problems, notes, units)`` reads any other value; ``bounded(spec, values, record)`` gives a bounded input's
    problems."""
    namespace: dict = {"_Decimal": Decimal, "_missing": MISSING, "_one": one, "_bounded": bounded,
                       "_surrogate": limits.SURROGATE.search, "_money": decimals.MONEY.match,
                       "_percent": decimals.PERCENT.match, "_units": decimals.MONEY_UNITS}
    namespace["_fine_notes"], namespace["_fine_note"] = _notes_seen(limits.SURROGATE.search)
    lines = ["def read_values(record, lenient, problems, notes, units, short=False):", "    get = record.get"]
    slot_of = {}
    for slot, entry in enumerate(plan):
        name, inline, default, factor, most, _ = entry
        slot_of[name] = slot
        namespace[f"_d{slot}"] = default
        namespace[f"_p{slot}"] = entry
        key = _literal(name)
        lines += [f"    x = raw = get({key})", "    if x is None:", f"        v{slot} = _d{slot}"]
        if inline in figures["figures"]:
            # an amount in its declared unit (×1: the same digits and exponent) is read as it stands
            amount = factor is not None and inline == figures["amount"] and not _one_as_is(factor)
            test, value = _figure("x", slot, inline, figures, amount)
            if factor is not None:
                namespace[f"_f{slot}"] = factor
            bounded = ""
            if most is not None:
                namespace[f"_m{slot}"] = most
                bounded = f" and 0 <= {value} <= _m{slot}"
            lines += [f"    elif x.__class__ is _Decimal and {test}{bounded}:", f"        v{slot} = {value}"]
            if inline == figures["amount"]:  # "0.43万元", "4300元": `decimals.parse_money_string`, and its unit
                figure = _fine("y").replace("y.is_finite()", '(y := _Decimal(m.group(1).replace(",", "")) * '
                                            '_units[m.group(2)]).is_finite()', 1)
                lines += [f"    elif x.__class__ is str and (m := _money(x)) is not None and {figure}"
                          f"{bounded.replace(value, 'y')}:", f"        v{slot} = y",
                          f"        units[{key}] = m.group(2)"]
            elif inline == figures["rate"]:  # "97.6%": `decimals.parse_percent_string`
                figure = _fine("y").replace("y.is_finite()", "(y := _Decimal(m.group(1)).scaleb(-2)).is_finite()", 1)
                lines += [f"    elif x.__class__ is str and (m := _percent(x)) is not None and {figure}"
                          f"{bounded.replace(value, 'y')}:", f"        v{slot} = y"]
            lines += [f"    elif x.__class__ is dict and {_ANNOTATED} and (x := x['value']).__class__ is _Decimal "
                      f"and {test}{bounded}:", f"        v{slot} = {value}", f"        notes[{key}] = note"]
        elif inline == figures["bool"]:
            lines += ["    elif x is True or x is False:", f"        v{slot} = x"]
        elif inline == figures["text"]:  # a text within bounds (`inputs._one`'s test)
            lines += [f"    elif x.__class__ is str and (not lenient or x.strip()) and len(x) <= {limits.TEXT_CHARS} "
                      "and (x.isascii() or not _surrogate(x)):", f"        v{slot} = x"]
        lines += ["    else:", f"        v{slot} = _one(_p{slot}, raw, lenient, problems, notes, units)"]
    keys = ", ".join(f"{_literal(entry[0])}: v{slot}" for slot, entry in enumerate(plan))
    lines.append(f"    values = {{{keys}}}")
    for index, (spec, constants) in enumerate(ranges):
        lines += _range(namespace, index, spec, constants, f"v{slot_of[spec.name]}")
    lines.append(f"    return ({''.join(f'v{slot}, ' for slot in range(len(plan)))}), values")
    return "\n".join(lines) + "\n", namespace


#: An annotated value ``x`` written as it should be: a value and a note that is a text within bounds (``note``).
_ANNOTATED = ('len(x) == 2 and "value" in x and (note := x.get("note")).__class__ is str and len(note) <= '
              f"{limits.TEXT_CHARS} and (note.isascii() or note in _fine_notes or _fine_note(note))")


def _notes_seen(search):
    """(the notes found free of lone surrogates, the test that finds it of a note and remembers it): the note a
    batch writes beside a figure on every record (``"评审意见"``) is searched once, not once a record.  At most
    `_SEEN` short notes are kept: memory stays bounded whatever the notes."""
    fine: set = set()

    def fine_note(note) -> bool:
        if search(note):
            return False
        if len(fine) < _SEEN and len(note) <= 64:
            fine.add(note)
        return True

    return fine, fine_note


_SEEN = 256


def _one_as_is(factor) -> bool:
    """Whether multiplying by `factor` leaves every figure as it is, digits and exponent (`Decimal` 1 exactly, not
    1.0): then an amount within bounds is within them times its unit, and is that value."""
    return factor.__class__ is Decimal and factor.as_tuple() == (0, (1,), 0)


def _literal(name) -> str:
    """An input's name as a Python string literal (never as code)."""
    if name.__class__ is not str:
        raise TypeError(f"an input's name is a str, not {type(name).__name__}")
    return str.__repr__(name)


def _fine(x: str) -> str:
    """`limits.number_fine`'s quick test of the figure in variable `x`: finite, its exponent within the
    magnitudes allowed, its text no longer than the digits allowed (then `limits.number_problem` is None)."""
    return (f"{x}.is_finite() and {limits.DATA_SMALLEST.adjusted()} <= {x}.adjusted() < "
            f"{limits.DATA_MAGNITUDE.adjusted()} and len(str({x})) <= {limits.DATA_DIGITS}")


def _short_fine(x: str) -> str:
    """`_fine` of a figure of the record; of a figure of few digits (``short``, `shortfigures.short`: finite, at
    most `limits.DATA_DIGITS` digits) only the magnitude, which then decides `limits.number_problem`."""
    return (f"(short or {x}.is_finite() and len(str({x})) <= {limits.DATA_DIGITS}) and "
            f"{limits.DATA_SMALLEST.adjusted()} <= {x}.adjusted() < {limits.DATA_MAGNITUDE.adjusted()}")


def _figure(x: str, slot: int, inline, figures: dict, amount: bool) -> tuple[str, str]:
    """(the test that the `Decimal` in `x` is read as it stands, the variable then holding its value)."""
    test = _short_fine(x)
    if inline == figures["count"]:
        test += f" and {x} >= 0 and {x} == {x}.to_integral_value()"
    if amount:  # times its unit, and that within bounds too (`y`)
        return test + " and " + _fine("y").replace("y.is_finite()", f"(y := {x} * _f{slot}).is_finite()", 1), "y"
    return test, x


def _range(namespace: dict, index: int, spec, constants, value: str) -> list[str]:
    """The lines that check `value` against the range of `spec`: inline when its bounds are constants."""
    namespace[f"_s{index}"] = spec
    tests = [f"{value}.__class__ is _Decimal"]
    if constants is not None:
        low, high = constants
        if low is not None:
            namespace[f"_lo{index}"] = low
            tests.append(f"{value} {'>' if spec.low_open else '>='} _lo{index}")
        if high is not None:
            namespace[f"_hi{index}"] = high
            tests.append(f"{value} {'<' if spec.high_open else '<='} _hi{index}")
    lines = [f"    if {value} is _missing or {value} is None:", "        pass"]
    if constants is not None:
        lines += [f"    elif {' and '.join(tests)}:", "        pass"]
    return lines + ["    else:", f"        problems.extend(_bounded(_s{index}, values, record))"]
