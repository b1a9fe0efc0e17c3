"""A corpus of typing slips, generated for any record from its ruleset's input declarations.

Each slip changes one value (or one key) of a record the way a person filling it in gets it
wrong: an amount in 元 where 万元 is read or the reverse — the number retyped in the other unit,
exactly or rounded as a published 万元 table rounds it, or its unit label changed —; a rate typed
as a percent number (97.6 for 97.6%) or a fraction with a percent sign; 是/否, TRUE, 1 for a
bool; thousands separators; full-width digits and signs; a counter word (14个) or a unit word
(96.5分); padding inside a value or a key.  The slips are chosen by the input's type and the form
the record wrote the value in, never by its name, so they apply to any ruleset and record.

`tests/test_plausibility.py` applies them to every example record: a slip may leave every figure
as it was, or fail the record with a message naming its key, or be scored with a warning naming
its key — never change a figure without a word.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import attrs

WAN = Decimal(10000)
FULL_WIDTH = str.maketrans("0123456789.-%,", "０１２３４５６７８９．－％，")


@attrs.frozen
class Slip:
    key: str  # the key whose value (or name) the slip changes, as a message should name it
    kind: str
    record: dict


def _plain(value: Decimal) -> str:
    value = Decimal(value)
    return "0" if value == 0 else format(value.normalize(), "f")


def _unwrap(raw):
    return (raw["value"], raw) if isinstance(raw, dict) and "value" in raw else (raw, None)


def _rewrap(raw, value):
    _, wrapper = _unwrap(raw)
    return dict(wrapper, value=value) if wrapper is not None else value


def _money_forms(raw, unit: str):
    """(kind, new value) slips of an amount, from how it is written (`unit` is the declared unit)."""
    if isinstance(raw, str):
        text = raw.strip()
        written = "万元" if text.endswith("万元") else "元" if text.endswith("元") else None
        if written is None:
            return
        number = Decimal(text[: -len(written)].replace(",", "").strip())
        other = "元" if written == "万元" else "万元"
        yield "unit-label", f"{_plain(number)}{other}"  # the digits right, the unit wrong
        factor = WAN if written == "万元" else 1 / WAN
        yield "retyped-other-unit", f"{_plain(number * factor)}{written}"  # the unit right, the digits not
        yield "unit-dropped", number if written != unit else number * (WAN if unit == "万元" else 1 / WAN)
        yield "thousands", f"{number:,}{written}"
        yield "full-width", f"{_plain(number)}{written}".translate(FULL_WIDTH)
        yield "padded", f" {_plain(number)} {written} "
        return
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        return
    number = Decimal(raw)
    other = "元" if unit == "万元" else "万元"
    yield "unit-label", f"{_plain(number)}{other}"  # the seed's 6440687.91万元
    if unit == "元":
        yield "typed-in-wan", number / WAN
        yield "typed-in-wan-rounded", (number / WAN).quantize(Decimal("0.01"), ROUND_HALF_UP)
    else:
        yield "typed-in-yuan", number * WAN
    yield "thousands", f"{number:,}"
    yield "full-width", _plain(number).translate(FULL_WIDTH)
    yield "as-text", f" {_plain(number)} "


def _rate_forms(raw):
    if isinstance(raw, str):
        text = raw.strip()
        if not text.endswith(("%", "％")):
            return
        number = Decimal(text[:-1])
        yield "percent-number", number  # 97.6 for 97.6%
        yield "percent-number-text", _plain(number)
        yield "fraction-with-percent", f"{_plain(number / 100)}%"
        yield "full-width", text.translate(FULL_WIDTH)
        yield "padded", f" {_plain(number)} % "
        yield "double-percent", text + "%"
        return
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        return
    number = Decimal(raw)
    yield "percent-number", number * 100
    yield "percent-string", f"{_plain(number * 100)}%"  # not a slip: the same value, written another way
    yield "as-text", _plain(number)


def _bool_forms(raw):
    if raw is True or raw is False:
        for form in (("是" if raw else "否"), ("TRUE" if raw else "FALSE"), (1 if raw else 0), ("true" if raw else "false"),
                     ("√" if raw else "×")):
            yield "bool-word", form


def _count_forms(raw):
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        return
    number = Decimal(raw)
    yield "counter-word", f"{_plain(number)}个"
    yield "as-text", _plain(number)
    yield "full-width", _plain(number).translate(FULL_WIDTH)
    yield "decimal-point", Decimal(_plain(number) + ".0")
    yield "thousands", f"{number:,}"


def _number_forms(raw):
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        return
    number = Decimal(raw)
    yield "unit-word", f"{_plain(number)}分"
    yield "as-text", _plain(number)
    yield "full-width", _plain(number).translate(FULL_WIDTH)


def _text_forms(raw):
    """A target or actual text (``95%``, ``137个（…）``): full-width digits, the percent sign left off, padding."""
    if not isinstance(raw, str) or not any(ch.isdigit() for ch in raw):
        return
    yield "full-width", raw.translate(FULL_WIDTH)
    if "%" in raw:
        yield "percent-dropped", raw.replace("%", "")
    yield "padded", f" {raw} "


def _forms(spec, raw, in_list=False):
    kind = spec.type.kind
    if kind == "text" and in_list:
        return _text_forms(raw)
    if kind == "money":
        return _money_forms(raw, spec.type.unit or "元")
    if kind == "rate":
        return _rate_forms(raw)
    if kind == "bool":
        return _bool_forms(raw)
    if kind == "count":
        return _count_forms(raw)
    if kind == "number":
        return _number_forms(raw)
    return iter(())


def slips(model, record: dict):
    """Every slip of `record` (a raw example record) under `model`, one changed value or key each."""
    for spec in model.inputs:
        if spec.name not in record:
            continue
        raw = record[spec.name]
        value, _ = _unwrap(raw)
        if spec.type.kind == "list":
            yield from _list_slips(spec, record, value)
        else:
            for kind, new in _forms(spec, value):
                yield Slip(spec.name, kind, dict(record, **{spec.name: _rewrap(raw, new)}))
        padded = {(f" {key}" if key == spec.name else key): item for key, item in record.items()}
        yield Slip(spec.name, "padded-key", padded)


def _list_slips(spec, record, items):
    if not isinstance(items, list):
        return
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        for field in spec.fields:
            if field.name not in item:
                continue
            raw = item[field.name]
            value, _ = _unwrap(raw)
            for kind, new in _forms(field, value, in_list=True):
                changed = list(items)
                changed[number - 1] = dict(item, **{field.name: _rewrap(raw, new)})
                yield Slip(f"{spec.name}[{number}].{field.name}", kind, dict(record, **{spec.name: changed}))
