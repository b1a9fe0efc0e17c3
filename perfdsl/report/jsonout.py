"""JSON text with exact decimals: ``89.04`` is written as ``89.04``, never through a float."""

from __future__ import annotations

import json
from decimal import Decimal

from ..decimals import plain
from ..errors import RecordError


def write(handle, results, single: bool, scorecards=None, lines: bool = False):
    """The §5 document of (position, Result or RecordError) pairs: one object for a `single` record,
    else an array in input order, or one object per line (`lines`, JSON Lines).  `perfdsl eval` and
    `perfdsl serve`'s API both write through here, so their JSON is the same text."""
    if lines:
        for _, item in results:
            handle.write(dumps(result_json(item, scorecards), indent=None) + "\n")
        return
    if single:
        for _, item in results:
            handle.write(dumps(result_json(item, scorecards)) + "\n")
        return
    handle.write("[")
    first = True
    for _, item in results:
        handle.write("\n" if first else ",\n")
        first = False
        handle.write(dumps(result_json(item, scorecards)))
    handle.write("\n]\n" if not first else "]\n")


def result_json(item, scorecards=None) -> dict:
    """One record's object: its scores, or ``{"record": …, "error": {…}}`` in its place."""
    if isinstance(item, RecordError):
        out = {"record": item.record, "error": item.to_json()}
        if item.warnings:  # a record that failed may still have been warned about (only when there are some)
            out["warnings"] = [warning.to_json() for warning in item.warnings]
        return out
    return item.to_json(scorecards)


def dumps(value, indent: int | None = 2) -> str:
    """Serialise dicts, lists, strings, booleans, None, ints and Decimals (as exact JSON numbers)."""
    parts: list[str] = []
    _write(value, parts, indent, 0)
    return "".join(parts)


def _write(value, out: list[str], indent, level):
    if isinstance(value, Decimal):
        out.append(plain(value))
    elif value is None or isinstance(value, (bool, int, str)):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        items = list(value.items())
        for position, (key, item) in enumerate(items):
            out.append(_newline(indent, level + 1))
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(": ")
            _write(item, out, indent, level + 1)
            if position < len(items) - 1:
                out.append("," if indent is not None else ", ")
        out.append(_newline(indent, level) + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        flat = all(not isinstance(item, (dict, list, tuple)) for item in value)
        out.append("[")
        for position, item in enumerate(value):
            if not flat:
                out.append(_newline(indent, level + 1))
            _write(item, out, indent, level + 1)
            if position < len(value) - 1:
                out.append(", " if flat or indent is None else ",")
        out.append("]" if flat else _newline(indent, level) + "]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _newline(indent, level) -> str:
    if indent is None:
        return ""
    return "\n" + " " * (indent * level)
