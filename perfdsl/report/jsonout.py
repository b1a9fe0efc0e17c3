"""JSON text with exact decimals: ``89.04`` is written as ``89.04``, never through a float.

A record's result is written straight from its figures (`_result_text`), one
string per indicator, without building the §5 dicts first or calling
`json.dumps` per scalar: strings go through the standard library's C escaper
(`json.encoder.encode_basestring`, what ``json.dumps(s, ensure_ascii=False)``
calls), decimals through `plain` (which remembers the text of the values a
batch repeats), paths are encoded once per model.  The text is byte-for-byte that of `dumps` of the
§5 dicts (`result_json`), which stays the reference and writes everything
else (errors, warnings, other commands' documents); tests/test_reports.py
holds the two to the same bytes.

orjson and msgspec were measured for this (bench/whole_process.py's notes in
the README): both write compact separators (``{"a":1}``), so the contract's
bytes (``{"a": 1}``) would change; the hand-written writer here is within
the noise of the rest of the output path, so no dependency is added.
"""

from __future__ import annotations

from decimal import Decimal
from json.encoder import encode_basestring as _string  # the C escaper when available

from ..decimals import plain
from ..errors import RecordError
from ..result import adjustments_json

_PATHS: dict = {}  # an indicator's path (a tuple of names) → its JSON list


def write(handle, results, single: bool, scorecards=None, lines: bool = False, basis: bool = True):
    """The §5 document of (position, Result or RecordError) pairs: one object for a `single` record,
    else an array in input order, or one object per line (`lines`, JSON Lines).  `perfdsl eval` and
    `perfdsl serve`'s API both write through here, so their JSON is the same text.  Without `basis`
    (``--no-basis``) an indicator has no ``basis`` key; everything else is unchanged.  A record's text
    is written from its flat figures (`plans.JsonPlan`) where it can be, as a worker made it (bytes or
    text) where one did."""
    indent = None if lines else 2
    plans = Plans(lambda program: _json_plan(program, scorecards, indent, basis))
    sink = Sink(handle)
    key = rendered_key(scorecards, indent, basis)
    errors = sink.bytes_errors()  # a text made in this process is made as bytes too, where they can be written

    def text(item):
        if isinstance(item, RecordError) or not hasattr(item, "flat"):
            return dumps(result_json(item, scorecards, basis), indent)
        done = getattr(item, "rendered", {}).get(key)
        if done is not None:
            return done
        plan = plans.of(item)
        line = plan.line(item, errors) if errors is not None and plan is not None else None
        return line if line is not None else _fast_text(item, plan, scorecards, indent, basis)

    if lines or single:
        for _, item in results:
            sink.write(text(item))
            sink.write("\n")
        return
    sink.write("[")
    first = True
    for _, item in results:
        sink.write("\n" if first else ",\n")
        first = False
        sink.write(text(item))
    sink.write("\n]\n" if not first else "]\n")


def record_text(item, scorecards=None, indent: int | None = 2, basis: bool = True) -> str:
    """One record's §5 object as text: ``dumps(result_json(item, scorecards, basis), indent)``, faster."""
    if isinstance(item, RecordError) or not hasattr(item, "flat"):
        return dumps(result_json(item, scorecards, basis), indent)
    text = getattr(item, "rendered", {}).get(rendered_key(scorecards, indent, basis))
    if text.__class__ is bytes:
        return text.decode("utf-8")
    return text if text is not None else _result_text(item, scorecards, indent, basis)


def rendered_key(scorecards, indent, basis) -> tuple:
    """Where a worker process leaves a record's text in ``Result.rendered`` (`parallel`)."""
    return ("json", frozenset(scorecards) if scorecards is not None else None, indent, basis)


def preparer(single: bool, scorecards=None, lines: bool = False, basis: bool = True, errors=None):
    """`prepare(position, result)` for `parallel.scored`: the record's text, written where it is scored —
    as UTF-8 bytes when `errors` (the output's error handler) says the output takes them (`Sink`)."""
    indent = None if lines else 2
    key = rendered_key(scorecards, indent, basis)
    plans = Plans(lambda program: _json_plan(program, scorecards, indent, basis))

    def prepare(_position, result):
        plan = plans.of(result)
        line = plan.line(result, errors) if plan is not None and errors is not None else None
        result.rendered[key] = line if line is not None else \
            encoded(_fast_text(result, plan, scorecards, indent, basis), errors)

    return prepare


def _json_plan(program, scorecards, indent, basis):
    from .plans import JsonPlan

    return JsonPlan(program, scorecards, indent, basis)


def _fast_text(result, plan, scorecards, indent, basis) -> str:
    text = plan.text(result) if plan is not None else None
    return text if text is not None else _result_text(result, scorecards, indent, basis)


class Plans:
    """A writer's plan (`plans`) for the program its results come from, made on first use."""

    def __init__(self, make):
        self.make = make
        self.program = self.plan = None

    def of(self, item):
        program = getattr(item, "program", None)
        if program is None or not hasattr(program, "layout"):
            return None
        if program is not self.program:
            try:
                plan = self.make(program)
            except (TypeError, ValueError, AttributeError, KeyError, IndexError):  # a ruleset a plan cannot lay out:
                plan = None  # the general writers write it (tests/test_plans.py holds every shipped one to the plans)
            self.program, self.plan = program, plan
        return self.plan


def encoded(text: str, errors):
    """`text` as the UTF-8 bytes an output with error handler `errors` would write, or the text itself where
    the output takes none (`errors` None) or would refuse it (a lone surrogate under ``strict``: the parent
    then fails as it always did)."""
    if errors is None:
        return text
    try:
        return text.encode("utf-8", errors)
    except UnicodeError:
        return text


def byte_errors(handle) -> str | None:
    """The error handler with which `handle` encodes to UTF-8, when bytes can be written beneath it, else None."""
    import codecs

    encoding, errors = getattr(handle, "encoding", None), getattr(handle, "errors", None)
    if getattr(handle, "buffer", None) is None or not encoding or not isinstance(errors, str):
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return errors if name in ("utf-8", "utf-8-sig") else None


class Sink:
    """Writes text, and the UTF-8 bytes worker processes made (`encoded`), to one handle in order: bytes go to
    the handle's byte stream unencoded and undecoded (the text before them flushed once); from then on text
    is encoded here, with the handle's own error handler."""

    def __init__(self, handle):
        self.handle = handle
        self.errors = byte_errors(handle)
        self.raw = None  # the byte stream, once bytes were written

    def bytes_errors(self) -> str | None:
        """`errors` when bytes written here are, to the byte, what the handle writes of their text (UTF-8 without a
        BOM to begin it, no line ends translated), for a writer that makes its own bytes; else None."""
        import codecs
        import os

        if self.errors is None or os.linesep != "\n" or codecs.lookup(self.handle.encoding).name != "utf-8":
            return None
        return self.errors

    def write(self, data):
        raw = self.raw
        if data.__class__ is str:
            if raw is None:
                self.handle.write(data)
            else:
                raw.write(data.encode("utf-8", self.errors))
            return
        if raw is None:
            if self.errors is None:  # not an output bytes were made for: as text
                self.handle.write(data.decode("utf-8"))
                return
            self.handle.flush()
            raw = self.raw = self.handle.buffer
        raw.write(data)


def result_json(item, scorecards=None, basis: bool = True) -> dict:
    """One record's object: its scores, or ``{"record": …, "error": {…}}`` in its place."""
    if isinstance(item, RecordError):
        out = {"record": item.record, "error": item.to_json()}
        if item.warnings:  # a record that failed may still have been warned about (only when there are some)
            out["warnings"] = [warning.to_json() for warning in item.warnings]
        return out
    return item.to_json(scorecards, basis=basis)


def dumps(value, indent: int | None = 2) -> str:
    """Serialise dicts, lists, strings, booleans, None, ints and Decimals (as exact JSON numbers)."""
    parts: list[str] = []
    _write(value, parts, indent, 0)
    return "".join(parts)


_number = plain  # which remembers the text of the decimals a batch repeats (decimals.plain)


def _scalar(value) -> str | None:
    """The JSON text of a scalar, or None for a container."""
    kind = type(value)
    if kind is Decimal:
        return _number(value)
    if kind is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, str):
        return _string(str.__str__(value))
    if isinstance(value, int):  # an int subclass, as json.dumps writes it
        return int.__repr__(value)
    return None


def _write(value, out: list[str], indent, level):
    text = _scalar(value)
    if text is not None:
        out.append(text)
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        inner = _newline(indent, level + 1)
        comma = "," if indent is not None else ", "
        last = len(value) - 1
        for position, (key, item) in enumerate(value.items()):
            out.append(inner)
            out.append(_string(str(key)))
            out.append(": ")
            _write(item, out, indent, level + 1)
            if position < last:
                out.append(comma)
        out.append(_newline(indent, level) + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        flat = all(not isinstance(item, (dict, list, tuple)) for item in value)
        out.append("[")
        inner = "" if flat else _newline(indent, level + 1)
        comma = ", " if flat or indent is None else ","
        last = len(value) - 1
        for position, item in enumerate(value):
            out.append(inner)
            _write(item, out, indent, level + 1)
            if position < last:
                out.append(comma)
        out.append("]" if flat else _newline(indent, level) + "]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _newline(indent, level) -> str:
    if indent is None:
        return ""
    return "\n" + " " * (indent * level)


def _path(path: tuple) -> str:
    try:
        return _PATHS[path]
    except KeyError:
        if len(_PATHS) > 65536:
            _PATHS.clear()
        text = _PATHS[path] = "[" + ", ".join(_string(name) for name in path) + "]"
        return text


def _result_text(result, scorecards, indent, basis: bool) -> str:
    """`Result.to_json`'s dict written as `dumps` would write it, straight from the figures."""
    nl = [_newline(indent, level) for level in range(6)]
    comma = "," if indent is not None else ", "
    scalar = _scalar
    cards = [c for c in result.scorecards if scorecards is None or c.name in scorecards]
    parts = ["{", nl[1], '"ruleset": ', _string(result.title), comma, nl[1], '"record": ']
    _write(result.name, parts, indent, 1)
    parts += [comma, nl[1], '"scorecards": ']
    if not cards:
        parts.append("[]")
    else:
        parts.append("[")
        key = comma + nl[5]
        for c, card in enumerate(cards):
            if c:
                parts.append(comma)
            parts += [nl[2], "{", nl[3], '"name": ', _string(card.name), comma, nl[3], '"max": ', _scalar(card.max),
                      comma, nl[3], '"score": ', _scalar(card.score), comma, nl[3], '"grade": ', _scalar(card.grade),
                      comma, nl[3], '"indicators": ']
            if not card.nodes:
                parts.append("[]")
            else:
                parts.append("[")
                for n, node in enumerate(card.nodes):
                    if n:
                        parts.append(comma)
                    parts += [nl[4], "{", nl[5], '"path": ', _path(node.path), key, '"weight": ', scalar(node.weight),
                              key, '"declared": ', scalar(node.declared), key, '"score": ', scalar(node.score)]
                    if basis:
                        parts += [key, '"basis": ', _string(node.basis)]
                    criteria = node.criteria
                    if criteria is not None:
                        parts += [key, '"criteria": ', _string(criteria)]
                    parts += [nl[4], "}"]
                parts += [nl[3], "]"]
            if card.adjustments:  # scorecard rules' lines (cap by, deduct, veto), as `CardResult.to_json` puts them
                parts += [comma, nl[3], '"adjustments": ']
                _write(adjustments_json(card.adjustments, basis), parts, indent, 3)
            parts += [nl[2], "}"]
        parts += [nl[1], "]"]
    if result.warnings:
        parts += [comma, nl[1], '"warnings": ']
        _write([warning.to_json() for warning in result.warnings], parts, indent, 1)
    information = result.information
    if information:
        parts += [comma, nl[1], '"information": ']
        _write(information, parts, indent, 1)
    parts += [nl[0], "}"]
    return "".join(parts)
