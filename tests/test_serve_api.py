"""`perfdsl serve`'s JSON API, over real HTTP: the command started as a user starts it, and httpx as the client."""

from __future__ import annotations

import json
from decimal import Decimal as D

import httpx
import pytest
from jsonschema import Draft202012Validator
from serve_support import EXAMPLE, ROOT, RULESET, cli, departments, served, serving

from perfdsl.report import jsonout
from perfdsl.serve import api
from perfdsl.serve.app import create_app
from perfdsl.serve.limits import MB, Limits

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def client():
    with served() as (url, _), httpx.Client(base_url=url, timeout=60) as http:
        yield http


def _json(response):
    return json.loads(response.content, parse_float=D, parse_int=D)


# ── the rulesets ────────────────────────────────────────────────────────────


def test_the_list_names_every_ruleset_of_the_directory_by_its_file_name(client):
    response = client.get("/api/rulesets")
    assert response.status_code == 200
    listed = {item["id"]: item for item in _json(response)}
    assert sorted(listed) == ["anhui-2022-projects", "baoshan-2021", "chaoan-2022", "chongqing-2021", "meijiang-2023",
                              "national-2020-projects", "yaan-2020", "yaan-2020-projects",
                              "zhanjiang-2021"]  # common/guangdong.perf is a library: included, not offered
    chaoan = listed["chaoan-2022"]
    assert (chaoan["title"], chaoan["year"], chaoan["source"]) == (
        "潮安区2022年部门整体支出绩效自评复核", 2022, "seeds/001_ae2a797c75e339bc.txt")
    assert chaoan["scorecards"] == [{"name": "复核得分", "max": 100}, {"name": "自评质量", "max": 40}]


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children", ()))


def test_a_ruleset_has_its_tree_with_weights_grades_reallocation_and_inputs_as_json_schema(client):
    detail = _json(client.get("/api/rulesets/chaoan-2022"))
    review = detail["scorecards"][0]
    assert [(top["name"], top["weight"]) for top in review["indicators"]] == [
        ("预算编制情况", 19), ("预算执行情况", 44), ("预算使用效益", 37), ("加减分项", 3)]
    nodes = {"/".join(node["path"]): node for node in _walk(review["indicators"])}
    assert nodes["预算使用效益/效率性/项目完成率"]["weight"] == 8
    assert nodes["预算使用效益/效率性/项目完成率"]["kind"] == "indicator"
    assert [(move["to"][-1], move["weight"]) for move in nodes["预算编制情况/预算编制/提前下达率"]["if_not_applicable"]] == [
        ("预算编制合理性", 2), ("绩效目标合理性", 1), ("绩效指标明确性", 1)]
    for node in nodes.values():  # a group's weight is its children's sum
        if "children" in node and not node.get("bonus"):
            assert node["weight"] == sum(child["weight"] for child in node["children"]), node["path"]
    assert review["grades"][:2] == [{"name": "优秀", "op": ">=", "min": 90}, {"name": "良好", "op": ">=", "min": 80}]
    inputs = detail["inputs"]["properties"]
    assert inputs["项目总数"]["anyOf"][0] == {"type": "integer", "minimum": 0}
    assert inputs["年末存量资金"]["x-perfdsl-unit"] == "元" and inputs["年末存量资金"]["description"].startswith("金额（元")  # the template's hint
    assert inputs["有转移支付"]["default"] is False and inputs["项目总数"]["x-perfdsl-default"] is False
    assert "required" not in detail["inputs"]  # 提前下达…比例 is needed only when 有转移支付


def test_ranges_become_minimum_and_maximum_in_the_unit_the_record_writes():
    from perfdsl import compile_text
    from perfdsl.serve.schema import record_schema

    model = compile_text("""
ruleset "范围" { precision 2 }
input 总数: count
input 完成数: count <= 总数
input 结余: money(万元) in 0.5万元 .. 100万元
input 比例: rate in 0% .. 100%
input 说明: text = "无"
scorecard 得分 max 10 {
  group 组 10 {
    indicator 完成 4 {
      when 总数 == 0 => full
      ratio 完成数 / 总数
    }
    indicator 结余控制 3 { score min(结余 / 100万元, 1) * 3 }
    indicator 比例 3 { score 3 * 比例 }
  }
}
""").model
    properties = record_schema(model)["properties"]
    assert properties["完成数"]["anyOf"][0] == {"type": "integer", "minimum": 0, "x-perfdsl-maximum": "总数"}
    money = properties["结余"]["anyOf"][0]["anyOf"]
    assert money[0] == {"type": "number", "minimum": D("0.5"), "maximum": D(100)}  # in 万元, as the record writes it
    assert money[1]["type"] == "string" and "万元" in money[1]["pattern"]
    assert properties["比例"]["anyOf"][0]["anyOf"][0] == {"type": "number", "minimum": 0, "maximum": 1}
    assert properties["说明"]["default"] == "无"
    validator = Draft202012Validator(json.loads(jsonout.dumps(record_schema(model))))
    assert not list(validator.iter_errors({"总数": 3, "完成数": 2, "结余": "0.8万元", "比例": "97.6%"}))
    assert [e.validator for e in validator.iter_errors({"总数": 3, "完成数": 2, "结余": 0.2, "比例": 0.5})] == ["anyOf"]


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.json")))
def test_every_example_record_validates_against_its_rulesets_schema_and_slips_do_not(client, example):
    ruleset = next((stem for stem in ("yaan-2020-projects", "national-2020-projects", "anhui-2022-projects",
                                      "chongqing-2021")
                    if example.startswith(stem + "-")),
                   example[: -len(".json")])
    validator = Draft202012Validator(client.get(f"/api/rulesets/{ruleset}").json()["inputs"])
    record = json.loads((ROOT / "examples" / example).read_text("utf-8"))
    assert list(validator.iter_errors(record)) == []
    first = next(name for name, spec in validator.schema["properties"].items()
                 if spec["x-perfdsl-type"] in ("count", "money", "rate") and name in record)
    spoilt = dict(record, **{first: "十四"}, 未知的键=1)
    problems = {error.path[0] if error.path else error.validator for error in validator.iter_errors(spoilt)}
    assert problems == {first, "additionalProperties"}


# ── evaluate: the same JSON as perfdsl eval ─────────────────────────────────


def test_evaluate_answers_the_example_record_with_exactly_the_text_of_perfdsl_eval(client):
    expected = cli("eval", RULESET, EXAMPLE, "--format", "json")
    assert expected.returncode == 0
    response = client.post("/api/rulesets/chaoan-2022/evaluate", content=EXAMPLE.read_bytes(), headers=JSON)
    assert response.status_code == 200
    assert response.content == expected.stdout  # byte for byte, not merely modulo whitespace
    card = _json(response)["scorecards"][0]
    assert (card["score"], card["grade"]) == (D("89.04"), "良好")
    assert response.headers["X-Perfdsl-Failed"] == "0"


def test_a_batch_keeps_its_order_and_a_bad_record_in_its_place_as_the_command_line_does(client, tmp_path):
    batch = tmp_path / "batch.json"
    batch.write_text(jsonout.dumps(departments()), "utf-8")
    expected = cli("eval", RULESET, batch, "--format", "json")
    assert expected.returncode == 1  # one record failed
    response = client.post("/api/rulesets/chaoan-2022/evaluate", content=batch.read_bytes(), headers=JSON)
    assert response.status_code == 200 and response.content == expected.stdout
    items = _json(response)
    assert [item["record"] for item in items] == ["潮州市潮安区政务服务数据管理局", "潮州市潮安区示范局", "潮州市潮安区填错局"]
    assert items[0]["scorecards"][0]["score"] == D("89.04")
    assert items[2]["error"]["key"] == "项目总数" and "十四" in items[2]["error"]["message"]
    assert response.headers["X-Perfdsl-Failed"] == "1"


def test_explain_gives_the_trace_of_perfdsl_explain(client):
    expected = cli("explain", "rulesets/chaoan-2022.perf", EXAMPLE, "--indicator", "项目完成率")
    assert expected.returncode == 0
    response = client.post("/api/rulesets/chaoan-2022/explain", params={"indicator": "项目完成率"},
                           content=EXAMPLE.read_bytes(), headers=JSON)
    assert response.status_code == 200
    answer = _json(response)
    assert answer["text"] == expected.stdout.decode("utf-8")
    assert "  依据：项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14" in answer["text"].splitlines()
    assert "        → ratio 项目完成数 / 项目总数" in answer["text"].splitlines()
    assert answer["indicator"] == ["预算使用效益", "效率性", "项目完成率"] and answer["scorecard"] == "复核得分"
    assert [(i["path"][-1], i["weight"], i["score"]) for i in answer["indicators"]] == [("项目完成率", 8, D("5.14"))]


# ── check ───────────────────────────────────────────────────────────────────


def test_check_of_a_shipped_ruleset_gives_the_diagnostics_of_perfdsl_check(client):
    expected = json.loads(cli("check", "rulesets/chaoan-2022.perf", "--format", "json").stdout)
    response = client.post("/api/check", params={"name": "chaoan-2022.perf"}, content=RULESET.read_bytes(),
                           headers={"Content-Type": "text/plain; charset=utf-8"})
    assert response.status_code == 200
    report = response.json()
    assert report["diagnostics"] == expected and report["errors"] == 0


def test_check_names_a_wrong_weight_at_its_line_and_refuses_an_include_outside_the_directory(client):
    text = RULESET.read_text("utf-8").replace("indicator 项目完成率 8 {", "indicator 项目完成率 9 {")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "group 效率性 14" in t)  # its children add to 15
    report = client.post("/api/check", json={"text": text, "name": "改过的.perf"}).json()
    assert report["errors"] >= 1 and report["file"].endswith("改过的.perf")
    assert any(d["severity"] == "error" and d["code"].startswith("P3") for d in report["diagnostics"])
    assert line in {d["line"] for d in report["diagnostics"] if d["severity"] == "error"}
    for escape in ("../../../etc/passwd", "/etc/passwd", "../pyproject.toml"):
        hostile = f'include "{escape}"\n' + text
        report = client.post("/api/check", json={"text": hostile}).json()
        assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("P108", 1)], escape
        assert "只能包含所服务目录" in report["diagnostics"][0]["message"]


# ── bad requests: each a clear JSON answer ──────────────────────────────────


def test_malformed_json_is_a_400_naming_line_and_column(client):
    response = client.post("/api/rulesets/chaoan-2022/evaluate", content='{"项目总数": 14,,}'.encode(), headers=JSON)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_json" and "请求正文:1:" in error["message"] and "不是有效的 JSON" in error["message"]


def test_a_body_not_in_utf8_says_where_and_what_to_save_it_as(client):
    """It said 第 N 字节 counted from 0; now the line, the column and the byte as everywhere else."""
    body = '\ufeff{"单位": "潮安",\n "项目总数": 14}'.encode("utf-8").replace("潮安".encode(), "潮安".encode("gb18030"))
    response = client.post("/api/rulesets/chaoan-2022/evaluate", content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "bad_encoding", "message": (
        "请求正文: 第 1 行第 10 列不是 UTF-8 文本（文件第 16 字节）：看来是 GBK/GB18030 编码（记事本、WPS 的默认），请另存为 UTF-8 编码")}


@pytest.mark.parametrize("path", ["/api/rulesets/..%2F..%2Fetc%2Fpasswd", "/api/rulesets/../../etc/passwd/evaluate",
                                  "/api/rulesets/%2e%2e%2fpyproject", "/static/../../pyproject.toml",
                                  "/static/%2e%2e/%2e%2e/pyproject.toml", "/rulesets/..%2Fcommon%2Fguangdong"])
def test_a_path_traversal_finds_nothing(client, path):
    # httpx would normalise `..`: send the raw target, as an attacker would
    with httpx.Client(base_url=client.base_url) as raw:
        request = raw.build_request("GET", "/")
        request.url = request.url.copy_with(raw_path=path.encode())
        response = raw.send(request)
    assert response.status_code == 404
    assert b"[build-system]" not in response.content and b"root:" not in response.content
    if response.headers["content-type"].startswith("application/json"):  # a clear answer either way
        assert response.json()["error"]["code"] in ("no_such_ruleset", "not_found")
    else:
        assert "找不到" in response.text


def test_unknown_ruleset_wrong_media_type_and_foreign_host_are_refused_clearly(client):
    unknown = client.post("/api/rulesets/chaoan-2021/evaluate", content=b"{}", headers=JSON)
    assert unknown.status_code == 404 and "是否为 `chaoan-2022`" in unknown.json()["error"]["message"]
    form = client.post("/api/rulesets/chaoan-2022/evaluate", data={"单位": "x"})
    assert form.status_code == 415 and form.json()["error"]["code"] == "unsupported_media_type"
    rebound = client.get("/api/rulesets", headers={"Host": "evil.example"})
    assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "bad_host"
    assert client.get("/api/nothing").json()["error"]["code"] == "not_found"
    assert client.delete("/api/rulesets").status_code == 405


@pytest.fixture(scope="module")
def small():
    """A server that takes at most 1 MB a request and 3 records."""
    app = create_app(ROOT / "rulesets", Limits(upload_bytes=1 * MB, records=3))
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http


def test_an_oversized_request_is_refused_before_it_is_read(small):
    big = b"[" + b",".join([EXAMPLE.read_bytes()] * 500) + b"]"  # 1.5 MB
    response = small.post("/api/rulesets/chaoan-2022/evaluate", content=big, headers=JSON)
    assert response.status_code == 413
    assert response.json()["error"] == {"code": "too_large", "message": (
        "上传的内容超过上限 1 MB（perfdsl serve --max-upload-mb 可调整）；大批数据请在命令行用 perfdsl eval 计分")}

    def chunks():  # no Content-Length: cut off as soon as it passes the limit
        for _ in range(20):
            yield b" " * 100_000

    streamed = small.post("/api/rulesets/chaoan-2022/evaluate", content=chunks(), headers=JSON)
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "too_large"


def test_more_records_than_the_limit_are_refused_not_cut_short(small):
    four = jsonout.dumps(departments() + departments()[:1]).encode()
    response = small.post("/api/rulesets/chaoan-2022/evaluate", content=four, headers=JSON)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_many_records"
    three = jsonout.dumps(departments()).encode()
    assert small.post("/api/rulesets/chaoan-2022/evaluate", content=three, headers=JSON).status_code == 200


# ── OpenAPI, from the same table as the routes ──────────────────────────────


def _refs(value):
    if isinstance(value, dict):
        if "$ref" in value:
            yield value["$ref"]
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_the_openapi_document_describes_exactly_the_api_routes(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    described = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    app = create_app(ROOT / "rulesets")
    routed = {(method, route.path) for route in app.routes if route.path.startswith("/api/")
              for method in route.methods - {"HEAD"}}
    assert described == routed == {(e.method, e.path) for e in api.ENDPOINTS}
    schemas = document["components"]["schemas"]
    for ref in set(_refs(document)):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    assert schemas["Record-chaoan-2022"]["properties"]["项目总数"]["anyOf"][0]["type"] == "integer"
    evaluate = document["paths"]["/api/rulesets/{id}/evaluate"]["post"]
    assert set(evaluate["responses"]) == {"200", "400", "404", "409", "413", "415"}


def test_a_served_result_validates_against_the_documented_result_schema(client):
    document = client.get("/api/openapi.json").json()
    result = client.post("/api/rulesets/chaoan-2022/evaluate", content=EXAMPLE.read_bytes(), headers=JSON).json()
    schema = {"$ref": "#/components/schemas/Result", "components": document["components"]}
    assert list(Draft202012Validator(schema).iter_errors(result)) == []


# ── features other issues add: absent now, one call when they land ──────────


def test_audit_answers_the_json_of_perfdsl_audit(client):
    from perfdsl.serve import features

    if not features.audit_available():
        answer = client.post("/api/rulesets/chaoan-2022/audit", content=EXAMPLE.read_bytes(), headers=JSON)
        assert answer.status_code == 501 and answer.json()["error"]["code"] == "audit_unavailable"
        return
    expected = json.loads(cli("audit", RULESET, EXAMPLE, "--format", "json").stdout)
    response = client.post("/api/rulesets/chaoan-2022/audit", content=EXAMPLE.read_bytes(), headers=JSON)
    assert response.status_code == 200
    answer = response.json()
    assert [record.pop("file") for record in answer["records"]] == ["请求正文"]
    for record in expected["records"]:
        record.pop("file")
    assert answer == expected
    assert (answer["flagged"], answer["records"][0]["findings"][0]["code"]) == (7, "A301")
    assert answer["records"][0]["findings"][0]["at"] == ["001:11"]
    unclaimed = json.loads(EXAMPLE.read_text("utf-8"))
    del unclaimed["_reported"]
    quiet = client.post("/api/rulesets/chaoan-2022/audit", json=[unclaimed, {"项目总数": "十四"}]).json()
    assert [r["findings"] for r in quiet["records"]] == [[], []] and quiet["records"][0]["problems"] == []
    assert "项目总数" in quiet["records"][1]["problems"][0]  # a record that cannot be scored is one problem


# ── the command ─────────────────────────────────────────────────────────────


def test_the_command_says_clearly_when_it_cannot_serve(tmp_path):
    import socket

    missing = cli("serve", tmp_path / "没有这个目录", "--port", "0")
    assert missing.returncode == 2 and missing.stderr.decode() == (
        f"{tmp_path / '没有这个目录'}: 目录不存在（perfdsl serve 需要一个存放 .perf 规则集的目录）\n")
    ruleset = tmp_path / "规则 集" / "试.perf"  # a ruleset given for its folder: the command to write instead
    ruleset.parent.mkdir()
    ruleset.write_text("", "utf-8")
    given_file = cli("serve", ruleset, "--port", "0")
    assert given_file.returncode == 2 and given_file.stderr.decode() == (
        f"{ruleset}: 不是目录（perfdsl serve 需要一个存放 .perf 规则集的目录）；"
        f"它是规则集文件，请给出它所在的目录：perfdsl serve '{ruleset.parent}'\n")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = cli("serve", "rulesets", "--port", port)
    assert taken.returncode == 2
    assert f"无法在 127.0.0.1:{port} 上监听" in taken.stderr.decode() and "Traceback" not in taken.stderr.decode()


def test_the_command_lists_what_it_serves_and_where(client):
    with served() as (url, lines):
        assert url.startswith("http://127.0.0.1:")
    text = "".join(lines)
    assert "  chaoan-2022: 潮安区2022年部门整体支出绩效自评复核 — 可用\n" in text
    assert "guangdong" not in text  # a library is not offered
