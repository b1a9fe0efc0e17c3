"""The JSON API: one table of endpoints from which both the routes and the OpenAPI document are made.

    GET  /api/rulesets                  every ruleset of the served directory
    GET  /api/rulesets/{id}             its scorecards' trees with weights, and its inputs as a JSON Schema
    POST /api/rulesets/{id}/evaluate    one record (object) or a batch (array) → the §5 JSON of `perfdsl eval`
    POST /api/rulesets/{id}/explain     how one record was scored (the text of `perfdsl explain`)
    POST /api/rulesets/{id}/audit       published claims (`_reported`) checked: the JSON of `perfdsl audit`
    POST /api/check                     diagnostics of a ruleset's text (as `perfdsl check --format json`)
    GET  /api/openapi.json              this table as OpenAPI 3.1

The evaluate answer is written by `jsonout.write`, the writer of `perfdsl eval
--format json`, so the two are the same text.  A record that cannot be scored
is an error object in its place (status 200, as for a batch on the command
line); the header ``X-Perfdsl-Failed`` counts them.
"""

from __future__ import annotations

import io
from importlib.metadata import PackageNotFoundError, version

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from .. import datafiles
from ..errors import PerfError, RecordError
from ..files import not_utf8_text
from ..report import explain as explaining
from ..report import jsonout
from . import checking, features, schema
from .problems import Problem
from .runs import limited, scored

JSON = "application/json"


@attrs.frozen
class Endpoint:
    method: str
    path: str  # Starlette's and OpenAPI's path syntax are the same: /api/rulesets/{id}
    name: str
    handler: object
    summary: str
    description: str = ""
    parameters: tuple = ()  # (name, in, description, required)
    body: dict | None = None  # media type → schema
    responses: dict = attrs.field(factory=dict)  # status → (description, schema or None)


def json_response(value, status: int = 200, headers=None) -> Response:
    """Exact decimals (`jsonout`), two-space indent, UTF-8."""
    return Response(jsonout.dumps(value) + "\n", status_code=status, media_type=JSON, headers=headers)


def _state(request):
    return request.app.state.perfdsl


# ── reading a request ───────────────────────────────────────────────────────


async def _body_text(request, what: str, limit: int | None = None) -> str:
    body = await request.body()
    if limit is not None and len(body) > limit:
        raise Problem(413, "too_large", f"{what}超过上限（{len(body)} 字节，上限 {limit} 字节）")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problem(400, "bad_encoding", not_utf8_text(what, body, exc)) from None


def _require_json(request):
    kind = request.headers.get("content-type", JSON).split(";")[0].strip().lower()
    if kind != JSON and not kind.endswith("+json"):
        raise Problem(415, "unsupported_media_type",
                      f"请求正文须是 JSON（Content-Type: application/json），而不是 {kind}")


async def read_batch(request) -> datafiles.Batch:
    """The record (a JSON object) or batch (an array) in the request body, numbers as exact decimals."""
    _require_json(request)
    text = await _body_text(request, "请求正文")
    if not text.strip():
        raise Problem(400, "empty_body", "请求正文是空的：请发送一条记录（JSON 对象）或一批记录（JSON 数组）")
    try:
        data = datafiles.loads(text, "请求正文")
    except PerfError as exc:
        raise Problem(400, "bad_json", exc.render()) from None
    if isinstance(data, dict):
        return datafiles.Batch(iter([(1, data)]), single=True)
    if isinstance(data, list):
        return datafiles.Batch(iter(enumerate(data, start=1)), single=False)
    raise Problem(400, "bad_json", "请求正文须是一条记录（JSON 对象）或一批记录（JSON 数组）")


def _entry(request):
    return _state(request).catalog.get(request.path_params["id"])


# ── the endpoints ───────────────────────────────────────────────────────────


async def list_rulesets(request):
    return json_response([schema.summary(entry) for entry in _state(request).catalog])


async def get_ruleset(request):
    return json_response(schema.detail(_entry(request)))


async def evaluate(request):
    program = _entry(request).need_program()
    batch = await read_batch(request)
    limit = _state(request).limits.records

    def work():
        results = [(position, item) for position, _, item in scored(program, batch, limit)]
        text = io.StringIO()
        jsonout.write(text, results, batch.single)
        return text.getvalue(), sum(isinstance(item, RecordError) for _, item in results)

    text, failed = await run_in_threadpool(work)
    return Response(text, media_type=JSON, headers={"X-Perfdsl-Failed": str(failed)})


async def explain(request):
    program = _entry(request).need_program()
    model = program.model
    indicator = request.query_params.get("indicator")
    target = explaining.find_indicator(model, indicator) if indicator else None
    batch = await read_batch(request)

    def work():
        position, raw = explaining.pick_record(batch, model, request.query_params.get("record"))
        if isinstance(raw, RecordError):
            raise raw
        record = program.convert(raw, position)
        text = explaining.render(model, record, target)
        result = program.evaluate(raw, position)
        cards = [card for card in result.scorecards if target is None or card.name == target[0].name]
        shown = [dict(node.to_json(), scorecard=card.name) for card in cards for node in card.nodes
                 if target is None or node.path[: len(target[1].path)] == target[1].path]
        return {"ruleset": model.title, "record": record.name,
                "scorecard": target[0].name if target else None,
                "indicator": list(target[1].path) if target else None,
                "text": text, "indicators": shown}

    try:
        return json_response(await run_in_threadpool(work))
    except RecordError as exc:
        raise Problem(422, "record_error", exc.render()) from None


async def audit(request):
    program = _entry(request).need_program()
    if not features.audit_available():
        features.audit_record(program, None, None)  # raises the 501 that says so
    batch = await read_batch(request)
    limit = _state(request).limits.records

    def work():
        audits = [features.audit_record(program, raw, position, "请求正文")
                  for position, raw in limited(batch.records, limit)]
        return features.audit_json(program.model.title, audits)

    return json_response(await run_in_threadpool(work))


async def check(request):
    limits = _state(request).limits
    kind = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
    if kind == JSON:
        try:
            data = datafiles.loads(await _body_text(request, "请求正文", limits.ruleset_bytes * 2), "请求正文")
        except PerfError as exc:
            raise Problem(400, "bad_json", exc.render()) from None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise Problem(400, "bad_json", '请求正文须是 {"text": "规则集文本", "name": "文件名.perf"}')
        text, name = data["text"], data.get("name") if isinstance(data.get("name"), str) else None
    elif kind in ("text/plain", "application/octet-stream"):
        text, name = await _body_text(request, "规则集文本", limits.ruleset_bytes), request.query_params.get("name")
    else:
        raise Problem(415, "unsupported_media_type",
                      f"请以 text/plain（规则集文本）或 application/json 发送，而不是 {kind}")
    if len(text.encode("utf-8")) > limits.ruleset_bytes:
        raise Problem(413, "too_large", f"规则集文本超过上限 {limits.describe_ruleset()}")
    report = await run_in_threadpool(checking.check, _state(request).catalog, text, name)
    return json_response(report.to_json())


async def openapi(request):
    return json_response(openapi_document(_state(request).catalog))


# ── the table ───────────────────────────────────────────────────────────────

_ID = ("id", "path", "规则集 id：规则集文件名去掉 .perf，如 chaoan-2022", True)
_RECORDS = {JSON: {"oneOf": [{"$ref": "#/components/schemas/Record"},
                             {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}]}}


def _errors(*statuses) -> dict:
    meaning = {400: "请求正文不是有效的 JSON，或不是记录", 404: "没有这个规则集", 409: "规则集有错误，不能计分",
               413: "请求太大，或记录超过上限", 415: "请求正文的类型不对", 422: "记录无法计分",
               501: "此版本没有这项功能"}
    return {status: (meaning[status], {"$ref": "#/components/schemas/Error"}) for status in statuses}


ENDPOINTS = (
    Endpoint("GET", "/api/rulesets", "listRulesets", list_rulesets, "列出所服务目录中的规则集",
             responses={200: ("每个规则集的 id、标题、来源、年度和计分卡", {"type": "array"})}),
    Endpoint("GET", "/api/rulesets/{id}", "getRuleset", get_ruleset, "规则集详情",
             "计分卡的指标树（权重、评分标准、不适用时的权重调整）、等级，以及输入的 JSON Schema（类型、单位、范围）。",
             parameters=(_ID,), responses={200: ("规则集详情", {"type": "object"}), **_errors(404)}),
    Endpoint("POST", "/api/rulesets/{id}/evaluate", "evaluate", evaluate, "为一条或一批记录计分",
             "请求正文是一条记录（对象）或一批记录（数组），与 perfdsl eval 的 JSON 数据文件相同；"
             "回答是 perfdsl eval --format json 的输出（DESIGN §5），逐字相同。未能计分的记录在原位给出错误，"
             "X-Perfdsl-Failed 头给出其条数。",
             parameters=(_ID,), body=_RECORDS,
             responses={200: ("一条记录的结果（对象），或一批记录的结果（数组，顺序同输入）",
                              {"oneOf": [{"$ref": "#/components/schemas/Result"},
                                         {"type": "array", "items": {"$ref": "#/components/schemas/Result"}}]}),
                        **_errors(400, 404, 409, 413, 415)}),
    Endpoint("POST", "/api/rulesets/{id}/explain", "explain", explain, "说明一条记录如何得分",
             "与 perfdsl explain 相同：读取的输入、派生值、命中的规则分支、权重、依据与得分。",
             parameters=(_ID, ("indicator", "query", "只说明这个指标：各级名称用 / 连接，或唯一的指标名", False),
                         ("record", "query", "一批记录中的哪一条：序号（从 1 起）或记录名称；默认第一条", False)),
             body=_RECORDS,
             responses={200: ("说明文本（text）与所涉指标的结果（indicators）", {"type": "object"}),
                        **_errors(400, 404, 409, 413, 415, 422)}),
    Endpoint("POST", "/api/rulesets/{id}/audit", "audit", audit, "核对记录中的已公布数字（_reported）",
             "与 perfdsl audit --format json 相同：逐条记录给出不成立的已公布数字"
             "（代码、公布值、重算值、算法、原文位置、提示）。",
             parameters=(_ID,), body=_RECORDS,
             responses={200: ("审计报告：ruleset、records（每条的 findings 与 problems）、合计", {"type": "object"}),
                        **_errors(400, 404, 409, 413, 415, 501)}),
    Endpoint("POST", "/api/check", "check", check, "检查规则集文本",
             "正文为规则集文本（text/plain，文件名可用查询参数 name 给出），或 {\"text\": …, \"name\": …}（JSON）。"
             "include 只能引用所服务目录中的 .perf 文件。回答中的 diagnostics 与 perfdsl check --format json 相同。",
             parameters=(("name", "query", "检查时使用的文件名（诊断中显示），默认 粘贴.perf", False),),
             body={"text/plain": {"type": "string"},
                   JSON: {"type": "object", "required": ["text"],
                          "properties": {"text": {"type": "string"}, "name": {"type": "string"}}}},
             responses={200: ("诊断", {"type": "object", "properties": {
                 "file": {"type": "string"}, "errors": {"type": "integer"}, "warnings": {"type": "integer"},
                 "diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}}}}),
                 **_errors(400, 413, 415)}),
    Endpoint("GET", "/api/openapi.json", "openapi", openapi, "本接口的 OpenAPI 3.1 文档",
             responses={200: ("OpenAPI 文档", {"type": "object"})}),
)


def openapi_document(catalog) -> dict:
    """OpenAPI 3.1 from `ENDPOINTS`, with the schema of each served ruleset's records as a component."""
    paths: dict = {}
    for endpoint in ENDPOINTS:
        operation = {"operationId": endpoint.name, "summary": endpoint.summary}
        if endpoint.description:
            operation["description"] = endpoint.description
        if endpoint.parameters:
            operation["parameters"] = [{"name": name, "in": where, "description": text, "required": required,
                                        "schema": {"type": "string"}}
                                       for name, where, text, required in endpoint.parameters]
        if endpoint.body is not None:
            operation["requestBody"] = {"required": True, "content": {
                media: {"schema": body} for media, body in endpoint.body.items()}}
        operation["responses"] = {
            str(status): {"description": text, **({"content": {JSON: {"schema": body}}} if body else {})}
            for status, (text, body) in endpoint.responses.items()}
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    components = dict(schema.COMPONENTS)
    components["Record"] = {"type": "object", "description": "一条记录：键为规则集的输入名（每个规则集的输入见 "
                                                             "Record-<id>，或 GET /api/rulesets/{id} 的 inputs）"}
    for entry in catalog:
        if entry.usable:
            record = schema.record_schema(entry.model)
            record.pop("$schema", None)
            components[f"Record-{entry.id}"] = record
    return {"openapi": "3.1.0",
            "info": {"title": "perfdsl", "version": _version(),
                     "description": "部门整体支出绩效评价规则集的计分接口（perfdsl serve）"},
            "paths": paths, "components": {"schemas": components}}


def _version() -> str:
    try:
        return version("perfdsl")
    except PackageNotFoundError:
        return "0"
