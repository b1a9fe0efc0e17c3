"""A ruleset as JSON: its indicator tree with weights, its inputs as a JSON Schema, and the §5 result's schema.

The input schema says what `perfdsl eval` accepts (DESIGN §6): a plain value
or an annotated one (``{"value": …, "note": "…"}``); money a number in the
declared unit or a string with its unit (``"0.43万元"``); a rate a fraction or
a percent string (``"97.6%"``); keys starting with ``_`` are metadata.  Constant
ranges become ``minimum``/``maximum`` in the JSON number's own unit; a bound
that names another input is stated in ``x-perfdsl-minimum``/``-maximum``.
There is no ``required``: whether a value without a default is needed depends on
the record (an indicator that does not apply reads nothing, e.g. Chao'an's
提前下达…比例 without 有转移支付); each such input says ``"x-perfdsl-default": false``.
Numbers in these documents are exact decimals (written by `jsonout`).
"""

from __future__ import annotations

from decimal import Decimal

from .. import nodes
from ..decimals import MONEY_UNITS
from ..interp import constant_bound
from ..template import hint
from ..unparse import expression

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_MONEY_STRING = r"^\s*[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*(万元|元)\s*$"
_PERCENT_STRING = r"^\s*[+-]?\d+(\.\d+)?\s*[%％]\s*$"


# ── the ruleset ─────────────────────────────────────────────────────────────


def summary(entry) -> dict:
    """What the list of rulesets shows of one: id, title, source, year, its scorecards' names and maxima."""
    out = {"id": entry.id, "title": entry.title, "source": entry.source, "year": entry.year,
           "usable": entry.usable}
    if entry.usable:
        out["scorecards"] = [{"name": card.name, "max": card.max} for card in entry.model.scorecards]
    else:
        out["problems"] = [p.to_json() if hasattr(p, "to_json") else {"message": str(p)} for p in entry.problems]
    return out


def detail(entry) -> dict:
    """A ruleset in full: every scorecard's tree with weights, grades, reallocation, criteria, and the inputs."""
    out = summary(entry)
    if not entry.usable:
        return out
    model = entry.model
    out.update({"precision": model.precision, "rounding": model.rounding, "record_key": model.record,
                "scorecards": [scorecard(model, card) for card in model.scorecards],
                "inputs": record_schema(model, entry.id)})
    return out


def scorecard(model, card) -> dict:
    out = {"name": card.name, "max": card.max, "grades": grades(card)}
    if card.cap is not None:
        out["cap"] = list(card.cap)
    out["indicators"] = [_node(model, card, card.nodes[index]) for index in card.top]
    return out


def grades(card) -> list[dict]:
    """``[{"name": "优秀", "min": 90}, …, {"name": "差", "min": null}]``: each grade from its threshold up."""
    out = []
    for arm in card.grades or ():
        threshold = None
        if arm.threshold is not None:
            threshold = arm.threshold.value if isinstance(arm.threshold, nodes.Num) else expression(arm.threshold)
        out.append({"name": arm.name, "op": arm.op, "min": threshold})
    return out


def _node(model, card, node) -> dict:
    out = {"name": node.name, "path": list(node.path), "weight": node.declared,
           "kind": "indicator" if node.is_leaf else "group"}
    if node.bonus:
        out["bonus"] = True
    if node.is_leaf and node.indicator.criteria:
        out["criteria"] = node.indicator.criteria
    if node.manual_input:
        out["judged_by"] = node.manual_input
    if node.each is not None:
        out["each"] = node.each.list_name
    if node.moves_out:
        out["if_not_applicable"] = [{"to": list(card.nodes[move.target].path), "weight": move.amount}
                                    for move in node.moves_out]
    if node.children:
        out["children"] = [_node(model, card, card.nodes[index]) for index in node.children]
    return out


def reallocation_text(card, node) -> str:
    """``不适用时：2 → 预算编制合理性，1 → 绩效目标合理性``."""
    moves = "，".join(f"{move.amount} → {card.nodes[move.target].name}" for move in node.moves_out)
    return f"不适用时：{moves}" if moves else ""


# ── the inputs ──────────────────────────────────────────────────────────────


def record_schema(model, ruleset_id: str | None = None) -> dict:
    """The JSON Schema (2020-12) of one record of `model`."""
    properties = {spec.name: annotated(value_schema(model, spec), spec, model) for spec in model.inputs}
    out = {"$schema": DIALECT, "title": f"{model.title}：一条记录", "type": "object",
           "properties": properties,
           "patternProperties": {"^_": {"description": "元数据（如 _expected、_reported），不参与计分"}},
           "additionalProperties": False}
    if ruleset_id is not None:
        out["$id"] = f"/api/rulesets/{ruleset_id}#inputs"
    return out


def describe(spec, model) -> str:
    """What a value of `spec` takes, in the words of the data template's hint row."""
    if spec.type.kind == "list":
        fields = "、".join(field.name for field in spec.fields)
        return f"列表（JSON 数组，每项一个对象，字段：{fields}）"
    return hint(spec, model)


def tabular(model) -> bool:
    """Whether a record fits one row of a table (a list input does not: such data is uploaded as JSON)."""
    return all(spec.type.kind != "list" for spec in model.inputs)


def annotated(plain_schema: dict, spec, model) -> dict:
    """A value written plain, or as ``{"value": …, "note": "…"}`` whose note goes into the basis."""
    note = {"type": "object", "properties": {"value": plain_schema, "note": {"type": "string"}},
            "required": ["value"], "additionalProperties": False}
    out = {"title": spec.name, "description": describe(spec, model), "x-perfdsl-type": spec.type.kind}
    if spec.type.kind == "money":
        out["x-perfdsl-unit"] = spec.type.unit
    if spec.manual_for is not None:
        out["x-perfdsl-judgement-of"] = spec.manual_for
    if spec.default is not None:
        out["default"] = _json_value(spec, spec.default)
    else:
        out["x-perfdsl-default"] = False
    out["anyOf"] = [plain_schema, note]
    return out


def value_schema(model, spec) -> dict:
    """The schema of a plain value of `spec` (a list input: an array of objects of its fields)."""
    kind = spec.type.kind
    if kind == "list":
        fields = {field.name: annotated(value_schema(model, field), field, model) for field in spec.fields}
        return {"type": "array", "items": {
            "type": "object", "properties": fields, "additionalProperties": False}}
    if kind == "text":
        out = {"type": "string"}
        if spec.choices:
            out["enum"] = list(spec.choices)
        return out
    if kind == "bool":
        return {"type": "boolean"}
    number = {"type": "integer", "minimum": 0} if kind == "count" else {"type": "number"}
    for bound, word, key in ((spec.low, "minimum", "x-perfdsl-minimum"), (spec.high, "maximum", "x-perfdsl-maximum")):
        if bound is None:
            continue
        value = _constant(model, bound)
        if value is None:
            number[key] = expression(bound)
        else:
            value = _json_value(spec, value)
            if word not in number or (value > number[word] if word == "minimum" else value < number[word]):
                number[word] = value
                if spec.low_open if word == "minimum" else spec.high_open:  # ``> 0万元``
                    number["exclusiveM" + word[1:]] = number.pop(word)
    if kind == "money":
        return {"anyOf": [number, {"type": "string", "pattern": _MONEY_STRING}]}
    if kind == "rate":
        return {"anyOf": [number, {"type": "string", "pattern": _PERCENT_STRING}]}
    return number


def _constant(model, bound):
    if any(isinstance(node, nodes.Name) for node in nodes.walk(bound)):
        return None
    return constant_bound(model, bound, {})


def _json_value(spec, value):
    """A converted value as a record writes it in JSON: money in the declared unit, rates as fractions."""
    if isinstance(value, Decimal) and spec.type.kind == "money":
        return value / MONEY_UNITS[spec.type.unit or "元"]
    return value


# ── the result (DESIGN §5) ──────────────────────────────────────────────────

_NUMBER = {"type": "number"}
WARNING = {"type": "object", "required": ["message", "key"],
           "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                          "key": {"type": ["string", "null"]}}}
INDICATOR = {"type": "object", "required": ["path", "weight", "score", "basis"],
             "properties": {"path": {"type": "array", "items": {"type": "string"}},
                            "weight": _NUMBER, "declared": _NUMBER, "score": _NUMBER,
                            "basis": {"type": "string"}, "criteria": {"type": "string"}}}
SCORECARD = {"type": "object", "required": ["name", "max", "score", "grade", "indicators"],
             "properties": {"name": {"type": "string"}, "max": _NUMBER, "score": _NUMBER,
                            "grade": {"type": ["string", "null"]},
                            "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}}}
SCORED = {"type": "object", "required": ["ruleset", "record", "scorecards"],
          "properties": {"ruleset": {"type": "string"}, "record": {"type": ["string", "integer"]},
                         "scorecards": {"type": "array", "items": {"$ref": "#/components/schemas/Scorecard"}},
                         "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Warning"}}}}
FAILED = {"type": "object", "required": ["record", "error"],
          "properties": {"record": {"type": ["string", "integer"]},
                         "error": {"type": "object", "required": ["message", "key"],
                                   "properties": {"message": {"type": "string"},
                                                  "key": {"type": ["string", "null"]}}},
                         "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Warning"}}}}
RESULT = {"description": "DESIGN §5：一条记录的计分结果，或未能计分的记录及其错误",
          "oneOf": [{"$ref": "#/components/schemas/Scored"}, {"$ref": "#/components/schemas/Failed"}]}
ERROR = {"type": "object", "required": ["error"],
         "properties": {"error": {"type": "object", "required": ["code", "message"],
                                  "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                                 "diagnostics": {"type": "array"}}}}}
DIAGNOSTIC = {"type": "object", "required": ["code", "severity", "message", "file", "line", "column"],
              "properties": {"code": {"type": "string"}, "severity": {"enum": ["error", "warning"]},
                             "message": {"type": "string"}, "file": {"type": ["string", "null"]},
                             "line": {"type": ["integer", "null"]}, "column": {"type": ["integer", "null"]},
                             "end_line": {"type": ["integer", "null"]},
                             "end_column": {"type": ["integer", "null"]},
                             "hint": {"type": ["string", "null"]}, "notes": {"type": "array"}}}

COMPONENTS = {"Indicator": INDICATOR, "Scorecard": SCORECARD, "Scored": SCORED, "Failed": FAILED,
              "Result": RESULT, "Warning": WARNING, "Error": ERROR, "Diagnostic": DIAGNOSTIC}
