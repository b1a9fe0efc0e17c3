"""The web pages: choose a ruleset, upload data, read the 汇总, each 评分表 and its explain traces, check a ruleset.

Every page is rendered on the server by Jinja2 with autoescaping, so any
text from a ruleset or a record is shown as text, and every page works
without JavaScript; ``static/perfdsl.js`` only adds the upload's progress
bar and opens an explain trace beside the 评分表 instead of on a page of its
own.  Downloads are written by the report modules of `perfdsl eval`.
"""

from __future__ import annotations

import importlib
import io
from urllib.parse import quote

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from .. import datafiles, neutralise
from .. import template as templates_of_data
from ..basis import comparison
from ..decimals import plain
from ..errors import PerfError, RecordError
from ..files import not_utf8_text
from ..report import explain as explaining
from ..report import jsonout, scoresheet
from ..report.summary import Summary
from ..report.table import weight_text
from . import checking, features, schema
from .api import ENDPOINTS
from .problems import Problem
from .runs import warnings_of
from .uploads import Upload


class Verbatim(str):
    """Text a form gives back to be edited (the check page's ruleset and its name): escaped, every character kept."""


def _shown(value):
    """What ``{{ … }}`` writes before autoescaping: a record's or a ruleset's text with its control characters,
    bidirectional overrides and zero-width characters visible (`neutralise.visible`), as the html report shows them."""
    return neutralise.visible(value) if value.__class__ is str else value


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("perfdsl.serve", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, finalize=_shown)
    env.filters["verbatim"] = Verbatim
    env.filters["num"] = lambda value: "" if value is None else plain(value) if not isinstance(value, str) else value
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.globals.update(comparison=comparison, features=features, weight_text=weight_text, warnings_of=warnings_of,
                       tabular=schema.tabular, formats=datafiles.FORMATS,
                       is_error=lambda item: isinstance(item, RecordError))
    return env


def _state(request):
    return request.app.state.perfdsl


def render(request, page_name: str, status: int = 200, **context) -> HTMLResponse:
    state = _state(request)
    page = state.templates.get_template(page_name).render(limits=state.limits, **context)
    return HTMLResponse(page, status_code=status)


def error_page(state, problem) -> str:
    return state.templates.get_template("error.html").render(limits=state.limits, problem=problem)


# ── rulesets ────────────────────────────────────────────────────────────────


async def index(request):
    return render(request, "index.html", entries=list(_state(request).catalog))


async def ruleset(request):
    entry = _state(request).catalog.get(request.path_params["id"])
    cards = []
    if entry.usable:
        for card in entry.model.scorecards:
            rows = [(node, schema.reallocation_text(card, node)) for node in card.nodes]
            cards.append((card, schema.grades(card), rows))
    inputs = []
    if entry.usable:
        model = entry.model
        for spec in model.inputs:
            inputs.append((spec, spec.type.describe(), schema.describe(spec, model)))
    return render(request, "ruleset.html", entry=entry, cards=cards, inputs=inputs,
                  tabular=entry.usable and schema.tabular(entry.model))


async def data_template(request):
    entry = _state(request).catalog.get(request.path_params["id"])
    model = entry.need_program().model
    kind = request.path_params["kind"]
    if not schema.tabular(model):
        lists = "、".join(spec.name for spec in model.inputs if spec.type.kind == "list")
        raise Problem(409, "no_template", f"规则集 `{entry.id}` 的输入含列表（{lists}），"
                                          "一条记录填不进表格的一行；请上传 JSON 数据文件")
    if kind == "xlsx":
        buffer = io.BytesIO()
        templates_of_data.write_xlsx(buffer, model)
        return _attachment(buffer.getvalue(), f"{entry.id}-数据模板.xlsx", "xlsx")
    if kind == "csv":
        text = io.StringIO()
        templates_of_data.write_csv(text, model)
        return _attachment(text.getvalue().encode("utf-8-sig"), f"{entry.id}-数据模板.csv", "csv")
    raise Problem(404, "no_such_format", f"数据模板只有 .xlsx 和 .csv 两种，没有 .{kind}")


# ── uploads and their results ───────────────────────────────────────────────


async def upload(request):
    state = _state(request)
    entry = state.catalog.get(request.path_params["id"])
    entry.need_program()
    async with request.form(max_files=1, max_fields=4) as form:
        part = form.get("data")
        if part is None or isinstance(part, str) or not part.filename:
            raise Problem(400, "no_file", f"请选择要上传的数据文件（{'、'.join(datafiles.FORMATS)}）")
        content = await part.read()
        filename = part.filename
    if not content:
        raise Problem(400, "empty_file", f"{filename}: 文件是空的")
    data = Upload(filename, content)
    run = await run_in_threadpool(state.runs.start, entry, data)
    return RedirectResponse(f"/runs/{run.token}", status_code=303)


def _claims(run):
    """position → the audit (`RecordAudit`) of each record that carries published claims, worked out once."""
    if not run.claims or not features.audit_available():
        return {}
    if run.audit is None:
        program = run.entry.program
        run.audit = {position: features.audit_record(program, raw, position, run.filename, run.lenient)
                     for position, raw in run.claims.items()}
    return run.audit


async def run_page(request):
    run = _state(request).runs.get(request.path_params["token"])
    if not run.done:
        return render(request, "progress.html", run=run)
    if run.failure is not None:
        return render(request, "error.html", status=run.problem.status, problem=run.problem, run=run)
    summary = Summary(run.entry.model)
    rows = [(position, item, summary.row(position, item)) for position, item in run.items]
    audit = await run_in_threadpool(_claims, run)
    return render(request, "run.html", run=run, summary=summary, rows=rows, audit=audit,
                  kinds=summary.kinds(), header=summary.header())


async def run_progress(request):
    run = _state(request).runs.get(request.path_params["token"])
    return JSONResponse(run.progress())


async def record_page(request):
    run = _state(request).runs.get(request.path_params["token"])
    position = request.path_params["position"]
    item = run.item(position)
    model = run.entry.model
    cards = []
    if not isinstance(item, RecordError):
        def build():
            out = []
            for card in item.scorecards:
                spec = model.scorecard(card.name)
                rows = []
                for node, row in zip(card.nodes, scoresheet.rows(card)):
                    found = spec.find(node.path)
                    criteria = found.indicator.criteria if found is not None and found.is_leaf else None
                    rows.append((node, row, criteria))
                out.append((card, rows, scoresheet.depth(card), any(c for _, _, c in rows)))
            return out

        cards = await run_in_threadpool(build)
    audit = await run_in_threadpool(_claims, run)
    return render(request, "record.html", run=run, position=position, item=item, cards=cards,
                  audit=audit.get(position), claims=position in run.claims,
                  levels=scoresheet.level_headers)


def _target(model, card_name: str | None, path_text: str | None):
    """The (scorecard, node) an explain link names; an item of a list group explains its group."""
    card = model.scorecard(card_name or "") if card_name else (model.scorecards[0] if model.scorecards else None)
    if card is None:
        raise Problem(404, "no_such_scorecard", f"规则集中没有计分卡 `{card_name}`")
    if not path_text:
        return None
    path = tuple(path_text.split("/"))
    while path:
        node = card.find(path)
        if node is not None:
            return card, node
        path = path[:-1]
    raise Problem(404, "no_such_indicator", f"计分卡 {card.name} 中没有指标 `{path_text}`")


async def explain_page(request):
    run = _state(request).runs.get(request.path_params["token"])
    position = request.path_params["position"]
    item = run.item(position)
    if isinstance(item, RecordError):
        raise Problem(422, "record_error", f"这条记录未能计分，无从说明：{item.render()}")
    model = run.entry.model
    target = _target(model, request.query_params.get("card"), request.query_params.get("path"))
    try:
        text = await run_in_threadpool(explaining.render, model, item.record, target)
    except PerfError as exc:
        raise Problem(422, "record_error", exc.render()) from None
    name = "explain_fragment.html" if request.query_params.get("fragment") else "explain.html"
    return render(request, name, run=run, position=position, item=item, target=target,
                  lines=[(line, line.lstrip().startswith("→")) for line in text.splitlines()])


#: Downloads: the report module of `perfdsl eval` that writes each, whether it writes bytes, its media type.
DOWNLOADS = {
    "xlsx": ("xlsxout", True, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("csvout", False, "text/csv; charset=utf-8"),
    "json": ("jsonout", False, "application/json"),
    "html": ("html", False, "text/html; charset=utf-8"),
    "pdf": ("pdf", True, "application/pdf"),
}


def _known_download(kind: str):
    if kind not in DOWNLOADS:
        raise Problem(404, "no_such_format", f"没有 .{kind} 格式的下载（有：{'、'.join(DOWNLOADS)}）")


def download_bytes(run, kind: str, sheets: int) -> bytes:
    """The results of `run` in format `kind`, exactly as `perfdsl eval … -o FILE.<kind>` writes them."""
    _known_download(kind)
    name, binary, _ = DOWNLOADS[kind]
    model = run.entry.model
    results = iter(run.items)
    if kind == "json":
        text = io.StringIO()
        jsonout.write(text, results, run.single)
        return text.getvalue().encode("utf-8")
    else:
        writer = importlib.import_module(f"perfdsl.report.{name}")
    handle = io.BytesIO() if binary else io.StringIO()
    options = {"sheets": sheets} if kind == "xlsx" else {}
    writer.write(handle, results, model, None, **options)
    value = handle.getvalue()
    # a CSV starts with a BOM so that Excel and WPS read it as UTF-8, as `-o FILE.csv` writes it
    return value if binary else value.encode("utf-8-sig" if kind == "csv" else "utf-8")


async def download(request):
    state = _state(request)
    run = state.runs.get(request.path_params["token"])
    if not run.done or run.failure is not None:
        raise Problem(409, "not_ready", "这批数据还没有计分完成")
    kind = request.path_params["kind"]
    _known_download(kind)  # before `Run.download` makes a lock for it: only for the formats there are
    content = await run_in_threadpool(run.download, kind, lambda: download_bytes(run, kind, state.limits.sheets))
    stem = run.filename.rsplit(".", 1)[0] if "." in run.filename else run.filename
    return _attachment(content, f"{stem}-评分表.{kind}", kind)


def _attachment(content: bytes, filename: str, kind: str) -> Response:
    media = DOWNLOADS.get(kind, ("", True, "application/octet-stream"))[2]
    ascii_name = "perfdsl." + kind
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


# ── check ───────────────────────────────────────────────────────────────────


async def check_form(request):
    state = _state(request)
    text, name = "", checking.DEFAULT_NAME
    wanted = request.query_params.get("ruleset")
    if wanted:  # prefill with a served ruleset: its path comes from the catalog, not from the request
        entry = state.catalog.get(wanted)
        with open(entry.path, encoding="utf-8-sig") as handle:
            text, name = handle.read(), entry.id + ".perf"
    return render(request, "check.html", text=text, name=name, report=None)


async def check_submit(request):
    state = _state(request)
    limit = state.limits.ruleset_bytes
    async with request.form(max_files=1, max_fields=4, max_part_size=limit) as form:
        part = form.get("file")
        name = form.get("name") if isinstance(form.get("name"), str) else None
        if part is not None and not isinstance(part, str) and part.filename:
            content = await part.read()
            name = part.filename
        else:
            text = form.get("text")
            content = text.encode("utf-8") if isinstance(text, str) else b""
    if not content.strip():
        raise Problem(400, "empty_ruleset", "请粘贴规则集文本，或选择一个 .perf 文件")
    if len(content) > limit:
        raise Problem(413, "too_large", f"规则集超过上限 {state.limits.describe_ruleset()}")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problem(400, "bad_encoding", not_utf8_text(name or "规则集", content, exc)) from None
    report = await run_in_threadpool(checking.check, state.catalog, text, name)
    marks = _marks(report)
    return render(request, "check.html", text=text, name=report.name, report=report, marks=marks,
                  lines=report.text.splitlines() or [""])


def _marks(report) -> dict:
    """Line number → the diagnostics on that line of the checked text: their severity (an error outranks
    a warning) and, for each, (index in the list, diagnostic, first column, column after the last)."""
    lines = report.text.splitlines()
    marks: dict = {}
    for index, diagnostic in enumerate(report.diagnostics):
        if not report.own(diagnostic):
            continue
        span = diagnostic.span
        line = lines[span.line - 1] if 1 <= span.line <= len(lines) else ""
        end = span.end_column if span.end_line == span.line and span.end_column > span.column else len(line) + 1
        mark = marks.setdefault(span.line, {"severity": "warning", "items": []})
        mark["items"].append((index, diagnostic, span.column, max(end, span.column + 1)))
        if diagnostic.is_error:
            mark["severity"] = "error"
    return marks


# ── the API's own page ──────────────────────────────────────────────────────


async def api_page(request):
    return render(request, "api.html", endpoints=ENDPOINTS, entries=list(_state(request).catalog))
