"""Hostile and careless data: JSON streamed element by element, figures out of bounds, CSV number grouping.

Every case is either a record's error in its place (naming the record and the
key) or one located message for the file; none is an internal error.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdsl import jsonstream, limits
from perfdsl.cli import main
from perfdsl.errors import DataFileError

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text("utf-8"))


def _values(text: str, chunk: int = 7):
    """Every value of `text` read through chunks of `chunk` characters (so every boundary is crossed)."""
    old = jsonstream.CHUNK
    jsonstream.CHUNK = chunk
    try:
        single, values = jsonstream.values(io.StringIO(text), "f.json")
        return single, list(values)
    finally:
        jsonstream.CHUNK = old


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1 << 16])
def test_an_array_streams_exactly_whatever_the_chunk(chunk):
    records = [{"a": Decimal("1.50"), "b": [Decimal(1), {"c": "é\\\"x"}], "d": True, "e": None},
               {"n": Decimal("123456789012345678901234567890")}, {}]
    text = ('\ufeff [\n{"a": 1.50, "b": [1, {"c": "é\\\\\\"x"}], "d": true, "e": null},\n'
            '  {"n": 123456789012345678901234567890} , {}\n]\n')
    assert _values(text, chunk) == (False, list(enumerate(records, start=1)))
    assert _values('{"a": 1}', chunk) == (True, [(1, {"a": Decimal(1)})])


@pytest.mark.parametrize("text,message", [
    ("[1,]", "f.json:1:4: error: 不是有效的 JSON：`]` 之前多了一个逗号"),
    ("[1 2]", "f.json:1:4: error: 不是有效的 JSON：缺少逗号 `,`"),
    ("[1", "f.json:1:3: error: 不是有效的 JSON：数组没有结尾的 `]`"),
    ('[{"a":1},\n {"b": tru}]', "f.json:2:8: error: 不是有效的 JSON：此处缺少值"),
    ('[{"a": "x}]', "f.json:1:8: error: 不是有效的 JSON：字符串没有结尾的引号"),
    ('[{"a": 1, "a": 2}]', "f.json:1:2: error: 键 `a` 在同一条记录中出现了两次"),
    ('{"a": 1} []', "f.json:1:10: error: 不是有效的 JSON：数据之后还有多余内容"),
    ('"text"', "f.json:1:1: error: 须是一条记录（JSON 对象）或一批记录（JSON 数组）"),
    ("   ", "f.json: 文件是空的"),
    ("[" * 100_000 + "]" * 100_000, "f.json:1:2: error: JSON 嵌套过深（一条记录最多 32 层）"),
])
def test_a_broken_array_is_one_located_message(text, message):
    with pytest.raises(DataFileError) as caught:
        _values(text)
    assert str(caught.value).split("\n")[0] == message


def test_a_record_nested_past_the_limit_is_its_own_error_in_its_place(tmp_path):
    deep = {"单位": "深"}
    inner = deep
    for _ in range(limits.JSON_DEPTH):
        inner["x"] = {}
        inner = inner["x"]
    data = tmp_path / "deep.json"
    data.write_text(json.dumps([EXAMPLE, deep, EXAMPLE], ensure_ascii=False), "utf-8")
    done = CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", "json"])
    assert done.exit_code == 1
    out = json.loads(done.stdout)
    assert [("error" in r) for r in out] == [False, True, False]
    assert out[1] == {"record": 2, "error": {"message": "记录嵌套过深（数组和对象最多 32 层）", "key": None}}


def test_one_line_of_jsonl_too_long_is_that_record_only(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "RECORD_CHARS", 20_000)
    good = json.dumps(EXAMPLE, ensure_ascii=False)
    data = tmp_path / "long.jsonl"
    data.write_text(good + "\n" + '{"单位": "' + "长" * 40_000 + '"}\n' + good + "\n", "utf-8")
    done = CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", "jsonl"])
    assert done.exit_code == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line.get("error", {}).get("message") for line in lines] == [None, "第 2 行超过 20000 个字符", None]


@pytest.mark.parametrize("value,message", [
    (Decimal("1e9999999"), "数值过大（绝对值须小于 10^15），得到 1e+9999999"),
    (Decimal("1e38"), "数值过大（绝对值须小于 10^15），得到 1e+38"),
    (Decimal("123456789012345678901234567890"), "数值过大（绝对值须小于 10^15），得到 123456789012345678901234567890"),
    (Decimal("0.123456789012345678901234567890123"), "有效数字过多（最多 30 位）"),
    (Decimal("1e-300"), "数值过小"),
    ("\ud800", "含有无效的 Unicode 字符"),
])
def test_a_figure_out_of_bounds_names_the_record_and_the_key(value, message, tmp_path):
    key = "单位" if isinstance(value, str) else "预算支出决算数"
    record = dict(EXAMPLE, **{key: value})
    data = tmp_path / "bad.json"
    text = json.dumps([EXAMPLE, record, EXAMPLE], default=str, ensure_ascii=True).replace(f'"{value}"', str(value))
    data.write_text(text, "utf-8")
    for fmt in ("json", "csv", "md", "html", "table"):
        done = CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", fmt])
        assert done.exit_code == 1, done.output
        assert "内部错误" not in done.output
        assert message in done.output
        assert f"键 `{key}`" in done.output  # on stderr, or in its place in the table
    out = json.loads(CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", "json"]).stdout)
    assert [r.get("error", {}).get("key") for r in out] == [None, key, None]


def test_a_message_quotes_a_list_or_object_as_its_json_digits(tmp_path):
    # the record's own text, never Python's repr of the decoded decimals
    data = tmp_path / "odd.jsonl"
    data.write_text('[1, 2.50, {"a": 1e400}]\n' + json.dumps(dict(EXAMPLE, 项目总数=[14, 2.0]), ensure_ascii=False)
                    + "\n", "utf-8")
    done = CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", "scores"])
    assert done.exit_code == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0]["error"]["message"] == '记录须是 JSON 对象（键为输入名），得到 [1, 2.50, {"a": 1e+400}]'
    assert lines[1]["error"]["key"] == "项目总数"
    assert '得到 [14, 2.0]' in lines[1]["error"]["message"]
    assert "Decimal" not in done.output


# ── CSV numbers: one grouping rule ──────────────────────────────────────────


@pytest.mark.parametrize("cell,expected", [
    ("6440687.91", "6440687.91"), ("6,440,687.91", "6440687.91"), ("644,068.791", "644068.791"),
    ("6440,687.91", None), ("6,44,06,87.91", None), ("6440687,91", None), ("1,5", None), ("1,2,3,4", None),
])
def test_csv_numbers_follow_one_grouping_rule(chaoan, tmp_path, cell, expected):
    import tables

    record = {k: v for k, v in EXAMPLE.items() if not k.startswith("_")}
    head = tables.header(chaoan.model, [record])
    row = tables.cells(record, head, workbook=False)
    row[head.index("预算支出决算数")] = cell
    data = tmp_path / "data.csv"
    tables.write_csv(data, head, None, [row])
    done = CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", "json"])
    (out,) = json.loads(done.stdout)
    if expected is None:  # never read as some other number: the key's error, with the one rule
        assert done.exit_code == 1
        assert out["error"]["key"] == "预算支出决算数"
        assert f'得到 "{cell}"（千位分隔只能写成 1,234.5 的形式，小数点用 .）' in out["error"]["message"]
    else:
        assert done.exit_code == 0, out
        basis = next(i["basis"] for i in out["scorecards"][0]["indicators"] if i["path"][-1] == "部门预算资金支出率")
        assert f"部门预算支出率 = {Decimal(expected)}元 / " in basis
