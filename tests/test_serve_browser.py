"""`perfdsl serve` in a real browser: Debian's chromium driven by Playwright, as an evaluator uses the page.

The journey of the acceptance: the Chao'an template downloaded from the page,
filled with the published record and two more departments, uploaded → the
汇总 → the 评分表 → the explain trace of 项目完成率 → the downloads, each
compared with what `perfdsl eval`/`explain` write for the same file.  Then
the bad inputs (a malformed file, an oversized one, a path traversal) and the
check page.  Every page is written to ``build/screenshots/serve/`` for a
person to look at.

The tests need /usr/bin/chromium (``apt-get install chromium``; `.ci/run`
installs it).  Without it they skip, saying so — except under CI, where a
missing browser is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from decimal import Decimal as D
from pathlib import Path

import pytest
from serve_support import ROOT, SCREENSHOTS, cell_values, cli, departments_workbook, served, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: What Chromium needs on this kind of machine (headless, root, no network beyond localhost).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
RULESET = "rulesets/chaoan-2022.perf"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        reason = "Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason + " — under CI the browser tests must run")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    with served() as (url, _):
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    # a 4xx answer shows in the console as a failed load; anything else (a script error, a CSP refusal) is a defect
    assert [e for e in errors if "status of 4" not in e] == []


def shot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def download(page, selector: str, target: Path) -> Path:
    with page.expect_download() as event:
        page.click(selector)
    event.value.save_as(target)
    return target


# ── the journey ─────────────────────────────────────────────────────────────


def test_upload_summary_scoresheet_explain_and_downloads_agree_with_the_command_line(page, server, tmp_path, chaoan):
    page.goto(server + "/")
    assert page.locator("#rulesets li.card").count() == 9  # the shipped rulesets (chongqing-2021 the ninth)
    assert page.locator('li[data-id="chaoan-2022"] h2').inner_text() == "潮安区2022年部门整体支出绩效自评复核"
    shot(page, "01-rulesets")

    page.click('li[data-id="chaoan-2022"] h2 a')
    page.wait_for_url("**/rulesets/chaoan-2022")
    tree = page.locator("table.tree").first
    assert tree.locator("tr", has_text="项目完成率").locator("td.num").inner_text() == "8"
    assert "不适用时：2 → 预算编制合理性" in tree.locator("tr", has_text="提前下达率").inner_text()
    shot(page, "02-ruleset")

    template = download(page, "#template-xlsx", tmp_path / "模板.xlsx")
    data = departments_workbook(template, tmp_path / "三个单位.xlsx", chaoan.model)
    page.set_input_files("#data", str(data))
    page.click("form.uploader button")
    page.wait_for_selector("#summary")
    shot(page, "03-summary")

    expected = json.loads(cli("eval", RULESET, data, "--format", "json").stdout, parse_float=D)
    rows = page.locator("#summary tbody tr")
    assert rows.count() == 3
    first = rows.nth(0)
    assert first.locator("td.name").inner_text() == "潮州市潮安区政务服务数据管理局"
    assert first.locator("td.score").all_inner_texts() == ["89.04", "29"]
    assert first.locator("td.grade-cell").all_inner_texts()[0] == "良好"
    second = expected[1]["scorecards"]
    assert rows.nth(1).locator("td.score").all_inner_texts() == [str(card["score"]) for card in second]
    assert rows.nth(2).get_attribute("class") == "failed"
    assert rows.nth(2).locator("td.error").inner_text() == expected[2]["error"]["message"]
    assert "项目总数" in expected[2]["error"]["message"] and "第 5 行" in expected[2]["error"]["message"]

    # downloads: the very files `perfdsl eval … -o` writes for the same data
    xlsx = download(page, "#download-xlsx", tmp_path / "网页.xlsx")
    # a slow download says it is being written (a PDF of hundreds of records takes a minute or two)
    assert page.locator("#downloads .download-note").inner_text().startswith("已请求Excel 评分表 (.xlsx)：记录多时需要一两分钟生成")
    assert cli("eval", RULESET, data, "-o", tmp_path / "命令行.xlsx").returncode == 1  # one record failed
    assert cell_values(xlsx) == cell_values(tmp_path / "命令行.xlsx")
    assert list(cell_values(xlsx)) == ["汇总", "潮州市潮安区政务服务数据管理局", "潮州市潮安区示范局"]
    csv = download(page, "#download-csv", tmp_path / "网页.csv")
    cli("eval", RULESET, data, "-o", tmp_path / "命令行.csv")
    assert csv.read_bytes() == (tmp_path / "命令行.csv").read_bytes()
    assert download(page, "#download-json", tmp_path / "网页.json").read_bytes() == cli(
        "eval", RULESET, data, "--format", "json").stdout
    assert page.locator("#download-pdf").count() == 1

    # the 评分表 of Chao'an
    first.locator("td.name a").click()
    page.wait_for_url("**/records/1")
    assert page.locator("#totals li").first.inner_text().replace("\n", "") == "复核得分 89.04 / 100良好"
    published = {"/".join(i["path"]): i for i in expected[0]["scorecards"][0]["indicators"]}
    sheet = page.locator('table.sheet[data-scorecard="复核得分"]')
    shown = {row.get_attribute("data-path"): row.locator("td.score").inner_text()
             for row in sheet.locator("tbody tr").all()}
    assert shown == {path: str(item["score"]) for path, item in published.items()}
    completion = sheet.locator('tr[data-path="预算使用效益/效率性/项目完成率"]')
    assert completion.locator("td.basis").inner_text() == "项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14"
    assert completion.locator("td.num").first.inner_text() == "8"
    moved = sheet.locator('tr[data-path="预算编制情况/预算编制/预算编制合理性"] td.num').first.inner_text()
    assert moved == "7（原 5）"  # 提前下达率 does not apply: its 2 points moved here
    shot(page, "04-scoresheet")

    # a click on 项目完成率: its explain trace beside the table
    completion.locator("a.explain").click()
    trace = page.locator("#trace .explanation pre")
    trace.wait_for()
    explained = cli("explain", RULESET, data, "--indicator", "项目完成率").stdout.decode("utf-8")
    assert trace.inner_text().rstrip("\n") == explained.rstrip("\n")
    assert page.locator("#trace mark").all_inner_texts() == ["        → ratio 项目完成数 / 项目总数"]
    assert completion.get_attribute("class") == "leaf selected"
    page.screenshot(path=SCREENSHOTS / "05-explain.png")  # the drawer is fixed to the window: shoot the window
    page.keyboard.press("Escape")
    assert page.locator("#trace").is_hidden()

    # the failed record's page says why, in its place
    page.goto(page.url.rsplit("/", 1)[0] + "/3")
    assert "未能计分" in page.locator("#record-error").inner_text()


def test_progress_is_shown_while_a_large_upload_is_scored(browser, tmp_path, chaoan, monkeypatch):
    """A batch of 300 generated rows, slowed to about 3 s: the page counts the records as they are scored."""
    import tables

    from perfdsl.serve import runs
    from perfdsl.serve.app import create_app

    paths = tables.write_batch(tmp_path, chaoan.model, count=300)
    original = runs.scored

    def slowly(*arguments):
        for item in original(*arguments):
            time.sleep(0.01)
            yield item

    monkeypatch.setattr(runs, "scored", slowly)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        with serving(create_app(ROOT / "rulesets")) as url:
            page.goto(url + "/rulesets/chaoan-2022")
            page.set_input_files("#data", str(paths["csv"]))
            page.click("form.uploader button")
            page.wait_for_url(re.compile(r".*/runs/[\w-]+$"))
            label = page.locator("#run-progress .label")
            label.filter(has_text=re.compile(r"已计分 [1-9]\d* 条，共约 30[34] 条")).wait_for(timeout=20000)
            shot(page, "06-progress")
            page.wait_for_selector("#summary", timeout=60000)
            assert page.locator("#summary tbody tr").count() == 303
            assert page.locator("#summary tbody tr.failed").count() == 3
    finally:
        context.close()


# ── bad input: a clear page, never a traceback ──────────────────────────────


def test_a_malformed_upload_gets_a_page_naming_the_file_and_the_place(page, server, tmp_path):
    bad = tmp_path / "坏的数据.json"
    bad.write_text('{"单位": "某局", "项目总数": 14,, }', "utf-8")
    page.goto(server + "/rulesets/chaoan-2022")
    page.set_input_files("#data", str(bad))
    page.click("form.uploader button")
    problem = page.locator("#problem .message")
    problem.wait_for()
    assert problem.inner_text().startswith("坏的数据.json:1:")
    assert "不是有效的 JSON" in problem.inner_text() and "perfdsl-serve-" not in problem.inner_text()
    assert "Traceback" not in page.content()
    shot(page, "07-malformed-upload")

    other = tmp_path / "说明.txt"
    other.write_text("不是数据", "utf-8")
    page.goto(server + "/rulesets/chaoan-2022")
    page.set_input_files("#data", str(other))
    page.click("form.uploader button")
    page.locator("#problem").wait_for()
    assert "不支持的数据文件格式 `.txt`" in page.locator("#problem .message").inner_text()


def test_an_oversized_upload_is_stopped_in_the_page_and_by_the_server(browser, tmp_path):
    big = tmp_path / "太大.json"
    big.write_bytes(b"[" + b" " * (1536 * 1024) + b"]")
    with served("--max-upload-mb", "1") as (url, _):
        for script in (True, False):  # the page stops it before sending; without JavaScript the server does
            context = browser.new_context(java_script_enabled=script, viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(url + "/rulesets/chaoan-2022")
            page.set_input_files("#data", str(big))
            page.click("form.uploader button")
            if script:
                label = page.locator("form.uploader .progress .label")
                label.filter(has_text="文件太大").wait_for()
                assert label.inner_text() == "文件太大：1.5 MB，上限 1 MB"
                shot(page, "08-oversized-in-page")
            else:
                page.locator("#problem").wait_for()
                assert page.locator("#problem h1").inner_text() == "内容太大"
                assert "超过上限 1 MB" in page.locator("#problem .message").inner_text()
                shot(page, "09-oversized-server")
            context.close()


def test_a_path_traversal_gets_a_not_found_page(page, server):
    for path in ("/rulesets/..%2F..%2Fetc%2Fpasswd", "/rulesets/..%2Fpyproject", "/runs/..%2F..%2Fetc/records/1"):
        response = page.goto(server + path)
        assert response.status == 404
        assert page.locator("#problem h1").inner_text() == "找不到"
        assert page.locator("#problem .message").inner_text() == "没有这个页面或接口"
    page.goto(server + "/rulesets/..%5C..%5Cetc%5Cpasswd")  # one segment: looked up among the ids, never opened
    assert page.locator("#problem .message").inner_text().startswith("没有规则集 `..\\..\\etc\\passwd`")
    shot(page, "10-traversal")


# ── check ───────────────────────────────────────────────────────────────────


def test_check_lists_the_diagnostics_and_marks_them_at_their_lines(page, server):
    text = (ROOT / RULESET).read_text("utf-8").replace("ratio 项目完成数 / 项目总数", "ratio 项目完成树 / 项目总数")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "项目完成树" in t)
    page.goto(server + "/check")
    page.fill("textarea[name=text]", text)
    page.fill("input[name=name]", "改过的.perf")
    page.click("form.checker button")
    report = page.locator("#check-report")
    report.wait_for()
    assert int(report.get_attribute("data-errors")) >= 1
    first = page.locator("#diagnostics li.error").first
    assert "项目完成树" in first.inner_text() and "项目完成数" in first.locator(".hint").inner_text()
    assert first.locator("a").inner_text().startswith(f"第 {line} 行")
    marked = page.locator(f"#L{line}")
    assert marked.get_attribute("class") == "marked error"
    assert marked.locator("mark").inner_text() == "项目完成树"
    page.screenshot(path=SCREENSHOTS / "11-check-diagnostics.png")
    first.locator("a").click()
    assert page.url.endswith(f"#L{line}")
    page.screenshot(path=SCREENSHOTS / "12-check-marked-line.png")

    page.goto(server + "/check?ruleset=chaoan-2022")  # a served ruleset, prefilled: no errors
    page.click("form.checker button")
    page.locator("#check-report").wait_for()
    assert page.locator("#check-report").get_attribute("data-errors") == "0"


def test_the_published_claims_of_a_record_are_audited_on_its_scoresheet(page, server):
    from perfdsl.serve import features

    if not features.audit_available():
        pytest.skip("perfdsl audit is not installed")
    page.goto(server + "/rulesets/chaoan-2022")
    page.set_input_files("#data", str(ROOT / "examples" / "chaoan-2022.json"))
    page.click("form.uploader button")
    page.wait_for_selector("#summary")
    assert page.locator("#summary td.audit").inner_text() == "7 项不成立"
    page.locator("#summary td.name a").click()
    findings = page.locator("#findings li")
    assert findings.count() == 7
    assert findings.first.get_attribute("data-code") == "A301"
    assert "公布：6440687.91万元；重算：644.07万元" in findings.first.inner_text()
    page.locator("#audit").screenshot(path=SCREENSHOTS / "13-audit.png")


def test_an_upload_the_server_never_received_can_be_sent_again(browser, server):
    """The button was disabled when the upload started and stayed so when the connection failed: the user had to
    know to reload the page before trying again.  (Its own context: the failed load is in the console, as it should be.)"""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(server + "/rulesets/chaoan-2022")
        page.set_input_files("#data", str(ROOT / "examples" / "chaoan-2022.json"))
        page.route("**/rulesets/chaoan-2022/runs", lambda route: route.abort())  # as if the server had stopped
        page.click("form.uploader button")
        page.locator("form.uploader .progress .label").filter(has_text="上传失败").wait_for()
        assert page.locator("form.uploader button").is_enabled()
        page.unroute("**/rulesets/chaoan-2022/runs")
        page.click("form.uploader button")
        page.wait_for_selector("#summary")
    finally:
        context.close()
