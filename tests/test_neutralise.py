"""Data is data: no formula, markup, HTML or escape sequence from a record or a ruleset reaches a
spreadsheet, a page or a terminal as anything but text — and no character crashes a writer."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import FORMATS

from perfdsl import neutralise
from perfdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text("utf-8"))

HOSTILE = [
    '=HYPERLINK("http://x","点此查看")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
    "＝1+1", "[/bold] [link=http://evil]点[/link]", "\x1b]8;;http://evil\x1b\\链接\x1b]8;;\x1b\\ \x1b[31m红\x1b[0m",
    "<script>alert(1)</script> ![img](http://evil/t.png) [x](javascript:y) **b** | c",
    "Word 粘贴\x0b换行\x0c分页\x00空", "abc\u202eevil", "\x7f\x85\x9b",
]


@pytest.mark.parametrize("text,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("＝x", "'＝x"),
    ("\rx", "\\x0dx"), ("普通", "普通"), ("a=b", "a=b"), ("a\x0bb", "a\\x0bb"), ("x\ud800", "x\\ud800"),
])
def test_spreadsheet_text(text, expected):
    assert neutralise.spreadsheet(text) == expected
    assert neutralise.unprefixed(neutralise.spreadsheet("=1")) == "=1"


def test_markdown_html_and_terminal_text():
    assert neutralise.markdown("<b>x</b> [a](b) ![c](d) *e* _f_ `g` |h| ~i~ \\") == (
        "&lt;b&gt;x&lt;/b&gt; \\[a\\](b) !\\[c\\](d) \\*e\\* \\_f\\_ \\`g\\` \\|h\\| \\~i\\~ \\\\")
    assert neutralise.markdown("两行\r\n文字") == "两行<br>文字"
    assert neutralise.html('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert neutralise.terminal("\x1b[31m红\x1b[0m\ttab\n") == "\\x1b[31m红\\x1b[0m\ttab\n"
    assert neutralise.terminal("\u202e") == "\\u202e"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One record per hostile text, as its name (单位) and as the note of a judgement."""
    records = []
    for text in HOSTILE:
        record = dict(EXAMPLE)
        record["单位"] = text
        record["项目监管扣分"] = {"value": 1, "note": text}
        records.append(record)
    records.insert(3, dict(EXAMPLE, 项目总数="十四"))  # an error message quoting the data
    path = tmp_path_factory.mktemp("hostile") / "hostile.json"
    path.write_text(json.dumps(records, ensure_ascii=True), "utf-8")
    return path


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _no_formula(value) -> bool:
    return not (isinstance(value, str) and value[:1] in set("=+-@\t\r＝＋－＠"))


def test_csv_cells_are_never_formulas(batch, tmp_path):
    target = tmp_path / "out.csv"
    done = _run("eval", RULESET, str(batch), "-o", str(target))
    assert done.exit_code == 1 and "内部错误" not in done.output
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert len(rows) == len(HOSTILE) + 2
    names = [row[1] for row in rows[1:]]
    assert names[0] == "'" + HOSTILE[0] and names[1] == "'" + HOSTILE[1]
    for row in rows:
        assert all(_no_formula(cell) or _is_number(cell) for cell in row), row


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_xlsx_cells_are_never_formulas_and_control_characters_do_not_stop_it(batch, tmp_path):
    target = tmp_path / "out.xlsx"
    done = _run("eval", RULESET, str(batch), "-o", str(target))
    assert done.exit_code == 1 and "内部错误" not in done.output
    book = openpyxl.load_workbook(target)
    assert book["汇总"].max_row == len(HOSTILE) + 2  # every record, the bad one in its place
    assert len(book.sheetnames) == len(HOSTILE) + 1  # a 评分表 for each scored record
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert _no_formula(cell.value), (sheet.title, cell.coordinate, cell.value)
    names = [row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)]
    assert names[0] == "'" + HOSTILE[0]
    assert "Word 粘贴\\x0b换行\\x0c分页\\x00空" in names
    with zipfile.ZipFile(target) as archive:  # nothing in the file is a formula element either
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.endswith(".xml"))


def test_markdown_and_html_show_the_data_as_text(batch):
    md = _run("eval", RULESET, str(batch), "--format", "md").stdout
    assert "<script>" not in md and "![img]" not in md and "[x](javascript" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; !\\[img\\](http://evil/t.png)" in md
    page = _run("eval", RULESET, str(batch), "--format", "html").stdout
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\x1b" not in md + page and "\x0b" not in md + page


def test_the_terminal_shows_markup_and_escapes_as_text(batch):
    done = _run("eval", RULESET, str(batch), "--format", "table")
    assert done.exit_code == 1 and "内部错误" not in done.output
    assert "[/bold] [link=http://evil]点[/link]" in done.stdout
    assert "\x1b" not in done.stdout and "\x1b" not in done.stderr
    assert "\\x1b]8;;http://evil" in done.stdout
    assert "abc\\u202eevil" in done.stdout


def test_a_lone_surrogate_never_stops_a_writer(tmp_path):
    records = [EXAMPLE, dict(EXAMPLE, 单位="\ud800"), dict(EXAMPLE, **{"\udfff未知": 1}), EXAMPLE]
    data = tmp_path / "surrogates.json"
    data.write_text(json.dumps(records, ensure_ascii=True), "utf-8")
    for fmt in FORMATS:
        target = tmp_path / f"out.{fmt}"
        done = _run("eval", RULESET, str(data), "--format", fmt, "-o", str(target))
        assert done.exit_code == 1, (fmt, done.output)
        assert "内部错误" not in done.output
        assert "含有无效的 Unicode 字符" in done.output
    out = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert [("error" in r) for r in out] == [False, True, True, False]


def test_a_text_that_looks_prefixed_keeps_its_apostrophes_through_a_sheet():
    for text in ("=a", "'=a", "''+1", "'abc", "''abc", "'", "abc", "-3"):
        assert neutralise.unprefixed(neutralise.spreadsheet(text)) == text, text
    assert neutralise.spreadsheet("'=a") == "''=a" and neutralise.spreadsheet("'abc") == "'abc"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "'=a"])
def test_a_template_input_named_like_a_formula_reads_back(tmp_path, name):
    ruleset = tmp_path / "f.perf"
    ruleset.write_text(f'ruleset "f" {{ }}\ninput `{name}`: number in 0..1\n'
                       f'scorecard 卡 max 1 {{ group 组 1 {{ indicator 分 1 {{ score `{name}` }} }} }}\n', "utf-8")
    for extension in (".xlsx", ".csv"):
        template = tmp_path / f"t{extension}"
        assert _run("template", str(ruleset), "-o", str(template)).exit_code == 0
        if extension == ".xlsx":
            book = openpyxl.load_workbook(template)
            header = book.active["A1"]
            assert header.data_type == "s" and header.value == "'" + name
            book.active["A3"] = 0.5
            book.save(template)
        else:
            text = template.read_text("utf-8-sig")
            assert text.startswith('"' + ("'" + name).replace('"', '""') + '"' if '"' in name else "'" + name)
            template.write_text(text + "0.5\n", "utf-8")
        done = _run("eval", str(ruleset), str(template), "--format", "json")
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)[0]["scorecards"][0]["score"] == 0.5


def test_html_text_is_html_with_line_breaks_as_br():
    """`html_text` (the HTML page's one door for text) skips the copy only where `html` would change nothing."""
    from perfdsl.neutralise import html, html_text

    for text in ["plain 文本", "<script>alert(1)</script>", "a & b", "第一行\n第二行", "\x1b[31m红\u202e", "'\"",
                 "\ud800", "", 89.04, None]:
        assert html_text(text) == html(str(text)).replace("\n", "<br>")
    assert html_text("<b>\n</b>") == "&lt;b&gt;<br>&lt;/b&gt;"


def _graded_ruleset(tmp_path, grade: str) -> Path:
    """A one-indicator ruleset whose lower grade is named `grade` (a ruleset's text, shown on every 合计 line)."""
    ruleset = tmp_path / "g.perf"
    ruleset.write_text(f'ruleset "g" {{ }}\ngrades 档 {{\n  优 >= 1\n  `{grade}`\n}}\ninput 数: number in 0..1\n'
                       "scorecard 卡 max 1 { grades 档\n  indicator 分 1 { score 数 } }\n", "utf-8")
    return ruleset


def test_a_grade_name_is_markdown_text_on_the_total_line(tmp_path):
    ruleset = _graded_ruleset(tmp_path, "<img src=x onerror=alert(1)>[x](javascript:y)|\x1b[2J\u202e差")
    data = tmp_path / "d.json"
    data.write_text('{"数": 0.5}', "utf-8")
    md = _run("eval", str(ruleset), str(data), "--format", "md").stdout
    total = next(line for line in md.splitlines() if line.startswith("| **合计**"))
    assert total.endswith("| 等级：&lt;img src=x onerror=alert(1)&gt;\\[x\\](javascript:y)\\|\\\\x1b\\[2J\\\\u202e差 |")
    assert "<img" not in md and "\x1b" not in md and "\u202e" not in md


def test_audit_and_fmt_show_record_and_ruleset_text_on_the_terminal_as_text(tmp_path):
    hostile = "\x1b]8;;http://evil\x07链接\x1b]8;;\x07\x1b[2J\u202e\x9b"
    data = tmp_path / "d.json"
    data.write_text(json.dumps(dict(EXAMPLE, 单位=hostile), ensure_ascii=True), "utf-8")
    done = _run("audit", RULESET, str(data))
    assert "\\x1b]8;;http://evil\\x07链接" in done.stdout
    assert not any(c in done.output for c in "\x1b\x07\u202e\x9b"), done.output
    broken = tmp_path / "b.perf"
    broken.write_text(f'ruleset "r" {{ }}\nscorecard `{hostile}` max 1 {{ indicator i 1 {{ score 1 + }} }}\n', "utf-8")
    done = _run("fmt", str(broken))
    assert done.exit_code == 2 and "\\x1b[2J\\u202e" in done.stderr
    assert not any(c in done.stderr for c in "\x1b\x07\u202e\x9b"), done.stderr


def test_the_arabic_letter_mark_is_a_bidirectional_control_too():
    assert neutralise.terminal("a\u061cb") == "a\\u061cb" and neutralise.html("\u061c") == "\\u061c"
