"""`perfdsl serve`'s pages over HTTP (httpx): escaping, the audit and PDF hooks, uploads by form, downloads."""

from __future__ import annotations

import io
import json
import re
import time

import httpx
import pytest
from serve_support import EXAMPLE, ROOT, cli, serving

from perfdsl.report import jsonout
from perfdsl.serve import features
from perfdsl.serve.app import create_app


def _upload(http, name: str, content: bytes) -> str:
    """Upload a data file through the page's form; the URL of its 汇总 once scored."""
    response = http.post("/rulesets/chaoan-2022/runs", files={"data": (name, content)})
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    for _ in range(300):
        if http.get(location + "/progress").json()["done"]:
            return location
        time.sleep(0.05)
    raise AssertionError("the upload was not scored")


def test_records_carrying_published_claims_show_their_audit():
    if not features.audit_available():
        pytest.skip("perfdsl audit is not installed")
    record = json.loads(EXAMPLE.read_text("utf-8"))  # with the seed's claims, its 7 errata among them
    plain = json.loads(EXAMPLE.read_text("utf-8"))
    plain["单位"] = "没有公布数字的单位"
    del plain["_reported"]
    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=60) as http:
        summary = _upload(http, "两条.json", json.dumps([record, plain], ensure_ascii=False).encode())
        page = http.get(summary).text
        assert "<th>审计</th>" in page and '<span class="error">7 项不成立</span>' in page
        sheet = http.get(summary + "/records/1").text
        assert "7 项不成立</span>（其中 7 项为已知勘误）" in sheet
        first = re.search(r'<li data-code="A301">(.*?)</li>', sheet, re.S).group(1)
        assert "疑似元与万元混用" in first and "[001:11]" in first and "公布：6440687.91万元；重算：644.07万元" in first
        assert 'id="audit"' not in http.get(summary + "/records/2").text  # nothing claimed, nothing audited


def test_the_pdf_download_is_the_evaluators_pdf():
    """The 评分表 as PDF, written by the same module as `perfdsl eval … -o 评分表.pdf`."""
    from pypdf import PdfReader

    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=120) as http:
        summary = _upload(http, "一条.json", EXAMPLE.read_bytes())
        assert 'id="download-pdf"' in http.get(summary).text
        pdf = http.get(summary + "/download.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for figure in ("潮州市潮安区政务服务数据管理局", "项目完成率", "5.14", "89.04", "良好"):
        assert figure in text


HOSTILE = '<script>alert("单位")</script>'


def test_every_text_from_a_record_or_a_ruleset_is_escaped_on_every_page(tmp_path):
    from perfdsl import read_record

    record = read_record(EXAMPLE)
    record["单位"] = HOSTILE
    record["项目监管扣分"] = {"value": 1, "note": '<img src=x onerror="alert(1)">'}
    directory = tmp_path / "rulesets"
    (directory / "common").mkdir(parents=True)
    for path in (ROOT / "rulesets" / "common").glob("*.perf"):
        (directory / "common" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    text = (ROOT / "rulesets" / "chaoan-2022.perf").read_text("utf-8")
    (directory / "hostile.perf").write_text(text.replace('"潮安区2022年部门整体支出绩效自评复核"', '"<b onclick=x>标题</b>"'),
                                            "utf-8")
    with serving(create_app(directory)) as url, httpx.Client(base_url=url, timeout=60) as http:
        pages = [http.get("/").text, http.get("/rulesets/hostile").text]
        response = http.post("/rulesets/hostile/runs", files={"data": ("x.json", jsonout.dumps(record).encode())})
        summary = response.headers["location"]
        for _ in range(200):
            if http.get(summary + "/progress").json()["done"]:
                break
            time.sleep(0.05)
        pages += [http.get(summary).text, http.get(summary + "/records/1").text,
                  http.get(summary + "/records/1/explain", params={"card": "复核得分",
                                                                   "path": "预算执行情况/项目管理/项目监管"}).text]
        pages.append(http.post("/check", files={"text": (None, 'ruleset "<i>x</i>" {}\ninput <a: bool')}).text)
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page and "<b onclick" not in page
        assert "<i>x</i>" not in page
    assert "&lt;script&gt;alert(&#34;单位&#34;)&lt;/script&gt;" in pages[2]
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in pages[3]
    assert "&lt;b onclick=x&gt;标题&lt;/b&gt;" in pages[1]


def test_pages_send_a_content_security_policy_and_refuse_framing():
    with serving(create_app(ROOT / "rulesets")) as url:
        headers = httpx.get(url + "/").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_an_upload_names_no_file_of_the_server_and_a_template_with_a_list_input_is_refused_clearly():
    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=60) as http:
        bad = http.post("/rulesets/chaoan-2022/runs", files={"data": ("..\\..\\数据.csv", "单位,项目总树\n某局,14\n".encode())})
        assert bad.status_code == 400
        message = re.search(r'<pre class="message">(.*?)</pre>', bad.text, re.S).group(1)
        assert message.startswith("数据.csv: 表头有未知的列：B 列 `项目总树` 不是规则集的输入，是否为 `项目总数`？")
        assert "/tmp" not in bad.text and "perfdsl-serve-" not in bad.text
        old = http.post("/rulesets/chaoan-2022/runs", files={"data": ("旧.xls", b"\xd0\xcf\x11\xe0")})
        assert old.status_code == 415 and "不支持的数据文件格式 `.xls`：请在 Excel 或 WPS 中另存为 .xlsx；" in old.text
        empty = http.post("/rulesets/chaoan-2022/runs", files={"data": ("空.xlsx", b"")})
        assert empty.status_code == 400 and "文件是空的" in empty.text
        broken = http.post("/rulesets/chaoan-2022/runs", files={"data": ("坏.xlsx", b"PK\x03\x04 not a zip")})
        said = re.search(r'<pre class="message">(.*?)</pre>', broken.text, re.S).group(1)
        assert broken.status_code == 400 and said.startswith("坏.xlsx: 不是有效的") and "xlsx" in said[8:]
        listed = http.get("/rulesets/yaan-2020-projects/template.xlsx")
        assert listed.status_code == 409 and "输入含列表（绩效指标）" in listed.text
        assert "template.xlsx" not in http.get("/rulesets/yaan-2020-projects").text
        gone = http.get("/runs/not-a-run")
        assert gone.status_code == 404 and "找不到这批结果" in gone.text


def test_control_characters_and_bidi_overrides_of_a_record_are_shown_on_the_pages_and_kept_where_edited():
    """As in the html report (`neutralise.visible`): an ESC or U+202E in a name is shown as its escape on every page —
    a browser would reorder the text around an override — while the check page's form gives the ruleset back as it was."""
    from perfdsl import read_record

    record = read_record(EXAMPLE)
    record["单位"] = "\x1b[2J\u202e名\u200b"
    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=60) as http:
        summary = _upload(http, "x.json", jsonout.dumps(record).encode())
        pages = [http.get(summary).text, http.get(summary + "/records/1").text]
        checked = http.post("/check", files={"text": (None, 'ruleset "\u202e甲" {}\n'), "name": (None, "\u202e.perf")}).text
    for page in pages:
        assert "\\x1b[2J\\u202e名\\u200b" in page
        assert not any(c in page for c in "\x1b\u202e\u200b")
    assert '>ruleset &#34;\u202e甲&#34; {}\n</textarea>' in checked and 'value="\u202e.perf"' in checked
    assert "\\u202e甲" in checked.split("</textarea>")[1]  # the report of it shows it


def test_the_summary_has_one_header_per_column_and_the_error_sits_under_its_heading():
    """The 汇总's header once said 警告 twice (the summary's own column and the page's), so every error showed
    under 警告 and 错误 headed an empty column."""
    from perfdsl import read_record

    good = read_record(EXAMPLE)
    bad = read_record(EXAMPLE)
    bad.update({"单位": "填错局", "项目总数": "十四"})
    for record in (good, bad):
        record.pop("_reported", None)  # no 审计 column: the two columns after the scores are 警告 and 错误
    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=60) as http:
        page = http.get(_upload(http, "两条.json", jsonout.dumps([good, bad]).encode())).text
    table = re.search(r'<table class="summary" id="summary">(.*?)</table>', page, re.S).group(1)
    headings = re.findall(r"<th>(.*?)</th>", table)
    assert headings.count("警告") == 1 and headings[-2:] == ["警告", "错误"]
    for row in re.findall(r"<tr class=\"(?:failed|scored)\".*?</tr>", table, re.S):
        assert len(re.findall(r"<td[ >]", row)) == len(headings)
    failed = re.search(r'<tr class="failed".*?</tr>', table, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", failed, re.S)
    assert "十四" in cells[headings.index("错误")]


def test_a_batch_over_the_record_limit_is_refused_on_its_page_with_its_own_code():
    """The page of a batch refused while it was scored said `bad_data（HTTP 400）` whatever the reason; a batch over
    `--max-records` is `too_many_records`, 413, as the API answers it."""
    from perfdsl import read_record
    from perfdsl.serve.limits import Limits

    record = read_record(EXAMPLE)
    with serving(create_app(ROOT / "rulesets", Limits(records=2))) as url, \
            httpx.Client(base_url=url, timeout=60) as http:
        response = http.post("/rulesets/chaoan-2022/runs", files={"data": ("三条.json", jsonout.dumps([record] * 3).encode())})
        summary = response.headers["location"]
        for _ in range(300):
            progress = http.get(summary + "/progress").json()
            if progress["done"]:
                break
            time.sleep(0.05)
        assert progress["failure"].startswith("记录超过上限 2 条")
        page = http.get(summary)
    assert page.status_code == 413
    assert "记录超过上限 2 条" in page.text and "<code>too_many_records</code>（HTTP 413）" in page.text


def test_a_download_clicked_twice_is_written_once():
    """A second click on a slow download (or the same link in another tab) while it was written started the same
    minute-and-a-half of work again; it waits for the first, and a PDF or workbook written is kept with its run."""
    import threading

    from perfdsl.serve.runs import Run

    run = Run(None, "数据.json", False, 1)
    calls = []

    def write():
        calls.append(1)
        time.sleep(0.2)
        return b"%PDF"

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(run.download("pdf", write))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [b"%PDF"] * 3 and len(calls) == 1
    assert run.download("pdf", write) == b"%PDF" and len(calls) == 1
    assert run.download("csv", lambda: b"a,b") == b"a,b" and run.download("csv", lambda: b"c,d") == b"c,d"  # not kept


def test_a_record_that_is_no_object_is_named_by_its_place_not_by_a_bare_number():
    batch = json.dumps([json.loads(EXAMPLE.read_text("utf-8")), "不是记录", None], ensure_ascii=False).encode()
    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=60) as http:
        summary = http.get(_upload(http, "批.json", batch)).text
        names = re.findall(r'<td class="name"><a[^>]*>(.*?)</a>', summary)
        assert names == ["潮州市潮安区政务服务数据管理局", "第 2 条", "第 3 条"]
        page = http.get(_upload(http, "批.json", batch) + "/records/2").text
        assert re.findall(r"<title>(.*?)</title>", page)[0].startswith("评分表 · 第 2 条")
        assert re.findall(r"<h1>(.*?)</h1>", page) == ["第 2 条"]


def test_the_record_estimate_reads_utf16_csv_xlsm_and_the_first_visible_sheet_and_no_item_rows():
    """The progress bar's 共约 N 条: Excel's "Unicode 文本" counted in its own encoding (its NULs were lines),
    an .xlsm like an .xlsx (it had none), a workbook's first visible sheet (as it is read), and no estimate for
    a table of a ruleset with a list input, whose item rows are not records (Chongqing's 3 were 共约 60)."""
    import openpyxl

    from perfdsl.serve.uploads import Upload

    text = "单位\t年度\r\n甲\t2022\r\n乙\t2022\r\n丙\t2022\r\n"
    book = openpyxl.Workbook()
    book.active.append(["旧"])
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("数据")
    for row in (["单位"], ["甲"], ["乙"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    chongqing = create_app(ROOT / "rulesets").state.perfdsl.catalog.get("chongqing-2021").need_program().model
    cases = [("Unicode 文本.csv", b"\xff\xfe" + text.encode("utf-16-le"), None, 3),
             ("分号.csv", text.replace("\t", ";").encode("utf-8-sig"), None, 3),
             ("宏.xlsm", buffer.getvalue(), None, 2), ("隐藏.xlsx", buffer.getvalue(), None, 2),
             ("重庆.csv", text.encode(), chongqing, None), ("重庆.xlsm", buffer.getvalue(), chongqing, None)]
    for name, content, model, expected in cases:
        upload = Upload(name, content)
        try:
            assert upload.total(model) == expected, name
        finally:
            upload.close()


def test_the_upload_form_lets_an_xlsm_be_chosen():
    """The file chooser's `accept` and the form's text list every format that is read: an .xlsm was read but
    could not be picked in the chooser (it filtered .xlsx, .csv, .json, .jsonl)."""
    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=60) as http:
        page = http.get("/rulesets/chaoan-2022").text
        assert 'accept=".json,.jsonl,.csv,.xlsx,.xlsm"' in page and "（.json、.jsonl、.csv、.xlsx、.xlsm，至多" in page
        missing = http.post("/rulesets/chaoan-2022/runs", files={"other": ("x.txt", b"x")})
        assert missing.status_code == 400 and ".xlsm" in missing.text


def test_a_tables_warnings_and_each_bad_value_are_located_on_the_page_as_eval_says_them(tmp_path):
    """From a table, P523 said where its amount sits (第 4 行 O 列) in `perfdsl eval` but not on the 汇总 or the
    评分表, and an error with two bad values was located at its first key only, after the last one's text."""
    import csv

    from perfdsl import read_record

    good = read_record(EXAMPLE)
    good.pop("_reported", None)
    bad = dict(good, 单位="填错局", 项目总数="十四", 采购意向公开率="很高")
    slip = dict(good, 单位="错位局", 预算收入决算数=640098142)
    with serving(create_app(ROOT / "rulesets")) as url, httpx.Client(base_url=url, timeout=60) as http:
        header = next(csv.reader(io.StringIO(http.get("/rulesets/chaoan-2022/template.csv").content.decode("utf-8-sig"))))

        def cell(value):
            value = value.get("value") if isinstance(value, dict) else value
            return {True: "是", False: "否", None: ""}.get(value, value) if isinstance(value, (bool, type(None))) else value

        rows = [header] + [[cell(record.get(name)) for name in header] for record in (good, bad, slip)]
        text = io.StringIO()
        csv.writer(text, delimiter=";").writerows(rows)
        (tmp_path / "数据.csv").write_text(text.getvalue(), "utf-8-sig")
        summary = _upload(http, "数据.csv", (tmp_path / "数据.csv").read_bytes())
        page, sheet = http.get(summary).text, http.get(summary + "/records/3").text
    expected = cli("eval", "rulesets/chaoan-2022.perf", str(tmp_path / "数据.csv"), "--format", "scores").stderr.decode()
    slipped = re.search(r"警告\[P523\]: (.*（第 4 行 O 列）)", expected).group(1)
    assert slipped in page and slipped in sheet
    for where in re.findall(r"（第 3 行 [A-Z]+ 列）", expected):
        assert where in page
    assert page.count("（第 3 行") == 2
