"""The `perfdsl` command: a thin click layer over the loader, the program and the reports.

Exit status (DESIGN §4): 0 success; 1 a record, check or test failed;
2 usage or syntax error.  Messages go to stderr, results to stdout or ``-o``.
No library code prints or exits.  Every command is a `commandline.Command`,
which renders every `PerfError`, reports anything else as a perfdsl defect in
one line (never a Python traceback), and speaks Chinese, click's own texts
included; a command's ``examples=`` are its help page's 示例.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from . import LANGUAGE_VERSION, datafiles, files, loader, neutralise, progress, stdindata
from .commandline import Group, guarded
from .errors import PerfSyntaxError, RecordError, UsageError
from .files import STDIN, atomic_output, read_stdin
from .frozen import evolve
from .nearest import nearest

#: Output formats of `eval`, and the extensions `-o` infers them from.
EVAL_FORMATS = ("table", "json", "jsonl", "csv", "scores", "md", "xlsx", "html", "pdf")
_BY_EXTENSION = {".json": "json", ".jsonl": "jsonl", ".txt": "table", ".csv": "csv", ".md": "md",
                 ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".pdf": "pdf"}
#: How an output file is opened, where not as UTF-8 text: CSV with a BOM, so that Excel reads it as UTF-8.
_FILE_MODES = {"xlsx": ("wb", None), "pdf": ("wb", None), "csv": ("w", "utf-8-sig")}
#: The report modules (perfdsl/report/…) of the formats written by a `write(handle, results, model, …)`.
_REPORTS = {"csv": "csvout", "scores": "scores", "md": "markdown", "xlsx": "xlsxout", "html": "html", "pdf": "pdf"}
#: Binary formats: written to a file only.
_BINARY = {"xlsx": "评分表.xlsx", "pdf": "评分表.pdf"}


#: Kept for commands that still decorate themselves: every `commandline.Command` is guarded already.
_guarded = guarded


def _show_version(ctx, _param, value):
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("perfdsl")
    except PackageNotFoundError:  # run from a source tree that was never installed
        installed = "（未安装）"
    click.echo(f"perfdsl {installed}（规则集语言 {LANGUAGE_VERSION}）")
    ctx.exit()


def _input_format(command):
    """The ``--input-format`` option of a command that reads data."""
    return click.option("--input-format", type=click.Choice(stdindata.FORMS),
                        help="数据的格式：json、jsonl、csv 或 xlsx（默认由扩展名决定；标准输入自动识别）。")(command)


@click.group(cls=Group, examples=(
    "perfdsl eval rulesets/chaoan-2022.perf examples/chaoan-2022.json",
    "perfdsl template rulesets/chaoan-2022.perf -o 数据.xlsx",
    "perfdsl check rulesets/*.perf",
))
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="显示 perfdsl 的版本和它读的规则集语言的版本，然后退出。")
def main():
    """perfdsl：部门整体支出绩效评价规则集的检查与计分。

    各命令的用法：perfdsl 命令 -h。
    """


# ── eval ────────────────────────────────────────────────────────────────────


@main.command("eval", examples=(
    "perfdsl eval rulesets/chaoan-2022.perf examples/chaoan-2022.json",
    "perfdsl eval rulesets/chaoan-2022.perf 数据.xlsx -o 评分表.xlsx",
    "perfdsl eval rulesets/chaoan-2022.perf 数据.csv --format json -o 结果.json",
    "perfdsl eval rulesets/chaoan-2022.perf 数据.jsonl --format scores -o 得分.jsonl",
    "cat 数据.csv | perfdsl eval rulesets/chaoan-2022.perf - --format csv",
))
@click.argument("ruleset", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("data", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(EVAL_FORMATS),
              help="输出格式（默认由 -o 的扩展名决定，否则 table：终端上的评分表；scores：每条记录一行 JSON，"
                   "只有总分、等级和各指标得分）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="写入这个文件（先写临时文件再改名，不会留下半个文件）。")
@click.option("--scorecard", "scorecards", multiple=True, help="只输出这个计分卡（可重复）。")
@click.option("--sheets", type=click.IntRange(min=0), default=100, show_default=True,
              help="xlsx：为前 N 条记录各写一张评分表工作表（汇总表总是包含全部记录）。")
@click.option("--no-basis", "no_basis", is_flag=True,
              help="json/jsonl：不写各指标的依据（basis 键），其余不变；供程序读取，快得多。")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="用几个进程计分（默认：批量较大时用空闲的处理器核心；1 只用当前进程；最多每个核心 4 个）。"
                   "输出顺序不变。")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="不用也不写规则集缓存（用户缓存目录中解析好的规则集；也可设环境变量 `PERFDSL_NO_CACHE=1`）。")
@_input_format
def eval_command(ruleset, data, fmt, output, scorecards, sheets, input_format, no_basis, jobs, no_cache):
    """用规则集为数据中的一条或一批记录计分，输出每个指标的分值、得分和依据。

    数据可以是 .json（一条记录或一批）、.jsonl、.csv 或 .xlsx；- 读标准输入。

    退出状态：0 全部计分；1 有记录无法计分（错误写在它的位置上）；2 用法、文件或语法错误。
    """
    fmt = fmt or _format_for(output)
    files.refuse_overwriting(output, [ruleset, data])
    if fmt != "xlsx" and _given("sheets"):  # it limits a workbook's 评分表 sheets, not the records: said, not fatal
        click.echo(f"注意：--sheets 只用于 xlsx 输出（-o 评分表.xlsx）；{fmt} 输出没有评分表工作表，"
                   "每条记录都会写出", err=True)  # (a script may pass it to every format: it still runs)
    if fmt in _BINARY and output is None:
        raise UsageError(f"{fmt} 是二进制格式，不能写到终端或管道；请用 -o 指定文件，如 -o {_BINARY[fmt]}")
    program = _scoring(_load(ruleset, data, cache=not no_cache, deferred=True), ruleset)
    wanted = _scorecards(program, scorecards)
    batch = datafiles.read(data, program.model, input_format)
    if no_basis and fmt not in ("json", "jsonl", "csv", "scores"):  # CSV, scores: no basis, accepted, no change
        raise UsageError(f"--no-basis 只用于 json、jsonl 和 csv 输出：{fmt} 是给人看的评分表，依据是它的一部分")
    prepare = _preparer(fmt, batch.single, wanted, program.model, basis=not no_basis,
                        terminal=output is None and sys.stdout.isatty(), errors=_byte_errors(fmt, output))
    results = _evaluate(program, batch, "scores" if no_basis else fmt, sheets, jobs=jobs, prepare=prepare)
    failed = _write(fmt, output, results, batch.single, wanted, program.model, sheets, basis=not no_basis)
    sys.exit(1 if failed else 0)


def _given(name: str) -> bool:
    """Whether the command line (not the default) set option `name` of the running command."""
    source = click.get_current_context().get_parameter_source(name)
    return source is not None and source is not click.core.ParameterSource.DEFAULT


def _scoring(program, ruleset):
    """`program`, refused when it has no scorecard to score with (a framework, a library of definitions):
    for every command that scores a record or writes its data sheet."""
    if not program.model.scorecards:
        header = program.model.module.header
        if header is not None and header.framework:
            raise UsageError(f"{_named(ruleset)}: 这是框架规则集（framework，没有计分卡），不能用来计分；"
                             "请用 extends 它、带有计分卡的规则集")
        raise UsageError(f"{_named(ruleset)}: 这是共用定义的函数库（没有计分卡），不能用来计分；"
                         "请用 include 它的规则集")
    return program


def _load(ruleset, data=None, cache=True, deferred=False):
    """The compiled ruleset at path `ruleset`, or read from standard input for ``-``; its parsed tree from
    the user's cache when it is there (`modelcache`: data, resolved and checked again here).  `deferred`:
    its evaluator compiled when first used (`Program`)."""
    if ruleset != "-":
        return loader.load(ruleset, cache=cache, deferred=deferred)
    if data == "-":
        raise UsageError("规则集和数据不能都从标准输入读取：请把其中一个写成文件名")
    return loader.compile_text(read_stdin("规则集"), STDIN, deferred=deferred)


def _say(message: str):
    """A message on stderr: data and ruleset text in it is shown, never interpreted by the terminal."""
    click.echo(neutralise.terminal(message), err=True)


def _ruleset_text(path) -> tuple[str, str]:
    """(text, name in messages) of a ruleset named on the command line; ``-`` is standard input."""
    if path != "-":
        return loader.read_ruleset(path), path
    return read_stdin("规则集"), STDIN


def _stdin_once(paths):
    if list(paths).count("-") > 1:
        raise UsageError("标准输入只能读一次：`-` 在命令行上出现了不止一次")


def _named(path) -> str:
    return STDIN if path == "-" else str(path)


def _format_for(output) -> str:
    if output is None:
        return "table"
    extension = os.path.splitext(output)[1].lower()
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    raise UsageError(f"无法从 `{output}` 的扩展名判断输出格式；请用 --format 指定（{'、'.join(EVAL_FORMATS)}）")


def _scorecards(program, names):
    if not names:
        return None
    known = [card.name for card in program.model.scorecards]
    for name in names:
        if name not in known:
            close = nearest(name, known)
            hint = f"，是否为 `{close}`？" if close else f"（有：{'、'.join(known)}）"
            raise UsageError(f"规则集中没有计分卡 `{name}`{hint}")
    return set(names)


def _preparer(fmt, single, scorecards, model, basis=True, terminal=False, errors=None):
    """The part of a writer's work a worker process does for each record (`parallel`), if any: the record's
    text, for every format written a record at a time, and a workbook's 汇总 row and 评分表 sheet (the PDF is
    laid out here; a table on a terminal is fitted to it here).  The text comes back as UTF-8 bytes where the
    output takes them (`errors`, its error handler: `jsonout.Sink`)."""
    if fmt in ("json", "jsonl"):
        from .report import jsonout

        return jsonout.preparer(single, scorecards, lines=fmt == "jsonl", basis=basis, errors=errors)
    if fmt in ("csv", "scores"):
        report = importlib.import_module(f".report.{_REPORTS[fmt]}", __package__)
        return report.preparer(model, scorecards, errors=errors)
    if fmt in ("md", "html") or (fmt == "table" and not terminal):
        report = importlib.import_module(f".report.{_REPORTS.get(fmt, fmt)}", __package__)
        return report.preparer(model, scorecards, errors=errors)
    if fmt == "xlsx":
        from .report import xlsxout

        return xlsxout.preparer(model, scorecards)
    return None


def _byte_errors(fmt, output) -> str | None:
    """How the output encodes to UTF-8, if a worker's text can be sent as bytes and written as they are."""
    if fmt not in ("json", "jsonl", "csv", "scores", "md", "html", "table"):
        return None
    if output is not None:  # `files.atomic_output`: UTF-8 (CSV: with a BOM, written with the header)
        return "backslashreplace"
    from .report.jsonout import byte_errors

    return byte_errors(sys.stdout)


def _evaluate(program, batch, fmt=None, sheets=100, jobs=1, prepare=None):
    """Yield (position, Result or RecordError) for every record, in order; a record is the unit of failure
    (`isolation`): its basis is built before a writer starts on it.  `jobs` processes score them
    (`parallel`; None: the machine's cores for a long batch)."""
    from . import parallel

    def finish(item, raw):
        if isinstance(item, RecordError):
            return batch.located(item, raw)
        if item.warnings and batch.locate is not None:
            item.warnings = batch.located_warnings(item.warnings, raw)
        return item

    basis_for = {"csv": 0, "scores": 0, "xlsx": sheets}.get(fmt)
    if batch.single:
        jobs = 1
        if basis_for != 0:  # one record shown with its basis: one generated evaluator compiled, not two
            program.facts_first()
    return parallel.scored(program, batch, basis_for, finish, jobs=jobs, prepare=prepare)


def _write(fmt, output, results, single, scorecards, model=None, sheets=100, basis=True) -> bool:
    """Write every result in `fmt`; return whether any record failed."""
    failed = 0
    # A batch on a terminal shows its progress on stderr, unless the results are printed there too.
    shown = not single and sys.stderr.isatty() and (output is not None or not sys.stdout.isatty())
    # A batch's table printed to standard output shows each record's error in its place, and stderr only
    # how many failed: each error is said once.  A single record's error is a message, on stderr alone.
    in_place = fmt == "table" and output is None and not single
    warned = 0
    with progress.shown(shown) as bar:

        def note_failures():
            nonlocal failed, warned
            for position, item in results:
                failure = isinstance(item, RecordError)
                if failure:
                    failed += 1
                    if not in_place:
                        bar.say(neutralise.terminal(item.render()))
                # a warning is said once: in the table printed to standard output, with its record; else on
                # stderr (in every other format, and beside the file written)
                if item.warnings and fmt == "table" and output is None and (in_place or not failure):
                    warned += 1
                else:
                    for warning in item.warnings:
                        named = item.record if failure else item.name
                        bar.say(neutralise.terminal(_record_named(warning, named).render()))
                bar.advance(getattr(item, "count", 1))  # a worker's run of records written already: `parallel._Run`
                yield position, item

        stream = note_failures()
        if output is None:
            _emit(fmt, sys.stdout, stream, single, scorecards, terminal=sys.stdout.isatty(), model=model,
                  errors_in_place=not single, basis=basis)
        else:
            mode, encoding = _FILE_MODES.get(fmt, ("w", "utf-8"))
            with atomic_output(output, mode, encoding) as handle:
                _emit(fmt, handle, stream, single, scorecards, terminal=False, model=model, sheets=sheets,
                      basis=basis)
    if failed and in_place:
        sys.stdout.flush()
        click.echo(f"{failed} 条记录无法计分（错误见各自的位置）", err=True)
    if warned:
        sys.stdout.flush()
        click.echo(f"{warned} 条记录有数据警告（见各自的位置）", err=True)
    return bool(failed)


def _emit(fmt, handle, results, single, scorecards, terminal, model=None, sheets=100, errors_in_place=True,
          basis=True):
    from .report import jsonout

    if fmt in _REPORTS:
        report = importlib.import_module(f".report.{_REPORTS[fmt]}", __package__)
        options = {"sheets": sheets} if fmt == "xlsx" else {}
        report.write(handle, results, model, scorecards, **options)
        return
    if fmt == "table":
        from .report import table

        table.write(handle, results, model, scorecards, terminal=terminal, errors=errors_in_place)
        return
    jsonout.write(handle, results, single, scorecards, lines=fmt == "jsonl", basis=basis)


def _record_named(warning, record):
    """A warning names its record as the output does (a failed record's position is known only here)."""
    return warning if warning.record == record or record is None else evolve(warning, record=record)


# ── template ────────────────────────────────────────────────────────────────


@main.command("template", examples=(
    "perfdsl template rulesets/chaoan-2022.perf -o 数据.xlsx",
    "perfdsl template rulesets/chaoan-2022.perf -o 数据.csv",
))
@click.argument("ruleset", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="写入 .xlsx 或 .csv 文件（默认把 CSV 打印到标准输出）。")
def template_command(ruleset, output):
    """为规则集生成空白数据表：每个输入一列，第 2 行是类型说明，评审扣分旁有备注列。

    各单位每行填一条记录，再用 perfdsl eval 计分。
    """
    from . import template

    program = _scoring(_load(ruleset), ruleset)
    if output is None:
        template.write_csv(sys.stdout, program.model)
        return
    extension = os.path.splitext(output)[1].lower()
    if extension not in (".xlsx", ".csv"):
        raise UsageError(f"模板只能写成 .xlsx 或 .csv，而 `{output}` 的扩展名是 `{extension or '(无)'}`")
    mode, encoding = _FILE_MODES[extension[1:]]
    with atomic_output(output, mode, encoding) as handle:
        (template.write_xlsx if extension == ".xlsx" else template.write_csv)(handle, program.model)


# ── explain ─────────────────────────────────────────────────────────────────


@main.command("explain", examples=(
    "perfdsl explain rulesets/chaoan-2022.perf examples/chaoan-2022.json --indicator 项目完成率",
    "perfdsl explain rulesets/chaoan-2022.perf 数据.xlsx --record 3",
))
@click.argument("ruleset", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("data", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--indicator", help="只解释这个指标（各级名称用 / 连接，如 预算使用效益/效率性/项目完成率）。")
@click.option("--record", help="解释哪条记录：序号（从 1 起）或记录名称；默认第一条。")
@_input_format
def explain_command(ruleset, data, indicator, record, input_format):
    """逐项说明一条记录如何得分：读取的输入、派生值、命中的规则分支、权重、得分与依据。"""
    from .report import explain

    program = _scoring(_load(ruleset, data), ruleset)
    target = explain.find_indicator(program.model, indicator) if indicator is not None else None
    batch = datafiles.read(data, program.model, input_format)
    position, raw = explain.pick_record(batch, program.model, record)
    if isinstance(raw, RecordError):
        raise raw
    converted = None
    try:
        converted = program.convert(raw, position, lenient=batch.lenient)
        text = explain.render(program.model, converted, target)
    except RecordError as exc:
        if exc.record is None:
            exc.record = converted.name if converted is not None else position
        raise batch.located(exc, raw) from None
    located = batch.located_warnings(converted.warnings, raw)
    for warning in located:
        click.echo(neutralise.terminal(warning.render()), err=True)
    click.echo(neutralise.terminal(text), nl=False)


# ── check ───────────────────────────────────────────────────────────────────


@main.command("check", examples=(
    "perfdsl check rulesets/chaoan-2022.perf",
    "perfdsl check rulesets/*.perf --format json",
    "cat 新规则.perf | perfdsl check -",
))
@click.argument("rulesets", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="诊断的输出格式：text（默认，写到标准错误）或 json（写到标准输出）。")
def check_command(rulesets, fmt):
    """检查规则集：语法、名称、类型与单位、权重合计、调整分值、分档与等级。

    退出状态：0 没有错误（可以有警告）；1 有错误；2 语法错误或文件无法读取。
    """
    from .report import jsonout

    _stdin_once(rulesets)
    everything = []
    status = 0
    for path in rulesets:
        try:
            text, path = _ruleset_text(path)
        except UsageError as exc:  # one unreadable file (a device, a directory) does not stop the others
            _say(exc.render())
            status = 2
            continue
        _, diagnostics = loader.diagnose(text, path)
        everything += diagnostics
        errors = sum(d.is_error for d in diagnostics)
        warnings = len(diagnostics) - errors
        if fmt == "text":
            for diagnostic in diagnostics:
                _say(diagnostic.render())
            _say(f"{path}: {errors} 个错误，{warnings} 个警告")
        if any(d.code.startswith("P1") for d in diagnostics):
            status = max(status, 2)
        elif errors:
            status = max(status, 1)
    if fmt == "json":
        click.echo(jsonout.dumps([d.to_json() for d in everything]))
    sys.exit(status)


# ── test ────────────────────────────────────────────────────────────────────


@main.command("test", examples=(
    "perfdsl test rulesets/chaoan-2022.perf",
    "perfdsl test rulesets/*.perf --profile nightly",
    "perfdsl test rulesets/chaoan-2022.perf --seed 7 --failures 反例",
))
@click.argument("rulesets", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--profile", type=click.Choice(["ci", "dev", "nightly"]),
              help="搜索深度：ci（默认，固定种子，快）、dev（随机，更多记录）、nightly（深）；也可设 PERFDSL_PROFILE。")
@click.option("--max-examples", type=click.IntRange(min=1), help="每项性质生成多少条记录（覆盖 --profile 的设定）。")
@click.option("--seed", type=int, help="随机种子：用它代替 ci 的固定种子，可重现一次随机搜索。")
@click.option("--failures", type=click.Path(file_okay=False), help="反例数据文件写入的目录（默认在临时目录下）。")
@click.option("-v", "--verbose", is_flag=True, help="同时打印反例的 JSON。")
def test_command(rulesets, profile, max_examples, seed, failures, verbose):
    """测试规则集：示例记录的公布数字、生成记录上的不变式、规则集中声明的性质（property），并报告规则分支覆盖。

    示例记录是 examples/ 目录中以规则集文件名开头的 .json/.jsonl 文件（与规则集同目录或在其上一级）。

    退出状态：0 全部通过；1 有测试失败，或规则集没有示例记录；2 规则集无法载入。
    """
    from .testing import console, profiles
    from .testing.suite import Options

    _stdin_once(rulesets)
    options = Options(profiles.chosen(profile), max_examples, seed, failures, database=True)
    sys.exit(console.run(rulesets, options, click.echo, verbose))


# ── audit ───────────────────────────────────────────────────────────────────


@main.command("audit", examples=(
    "perfdsl audit rulesets/chaoan-2022.perf examples/chaoan-2022.json",
    "perfdsl audit rulesets/chaoan-2022.perf 数据.xlsx --format json",
))
@click.argument("ruleset", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("data", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="报告的输出格式：text（默认）或 json。")
@_input_format
def audit_command(ruleset, data, fmt, input_format):
    """核对数据中每条记录的 `_reported`（原文公布的得分、权重、数字与算式）：按规则重算，并检查原文自身的加总与比率。

    全部成立时退出状态为 0，有不成立或无法核对的为 1。
    """
    from .audit import audit_record, render
    from .report import jsonout

    _stdin_once((ruleset, *data))
    program = _scoring(_load(ruleset), ruleset)
    audits = []
    for path in data:
        batch = datafiles.read(path, program.model, input_format)
        for position, raw in batch.records:
            if isinstance(raw, RecordError):
                raw.record = raw.record if raw.record is not None else position
                audits.append(_unreadable(raw, position, path))
                continue
            audits.append(audit_record(program, raw, position, path, batch.lenient))
    if fmt == "json":
        click.echo(jsonout.dumps(render.to_json(program.model.title, audits)))
    else:
        click.echo(neutralise.terminal(render.text(audits)), nl=False)  # records' names, notes and labels
    sys.exit(0 if all(a.ok for a in audits) else 1)


def _unreadable(error, position, path):
    from .audit import RecordAudit

    return RecordAudit(error.record, position, (), (), (error.render(),), path)


# ── diff ────────────────────────────────────────────────────────────────────


@main.command("diff", examples=(
    "perfdsl diff rulesets/zhanjiang-2021.perf rulesets/meijiang-2023.perf",
    "perfdsl diff rulesets/chaoan-2022.perf rulesets/meijiang-2023.perf --format json",
))
@click.argument("a", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("b", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="报告的输出格式：text（默认）或 json。")
def diff_command(a, b, fmt):
    """比较两个规则集（或规则集与它继承的基础规则集）：指标树、分值、规则、等级的差异，按评分表的说法列出。

    退出状态：0 两者计分相同（只有标题、评分标准文字、参考数字等不影响得分的差异）；1 计分不同；
    2 用法错误、文件无法读取、语法错误或规则集有错误。
    """
    from . import diff
    from .errors import RulesetError
    from .report import jsonout

    _stdin_once((a, b))
    models = []
    for path in (a, b):
        text, shown = _ruleset_text(path)
        try:
            models.append(loader.load_model(text, shown))
        except RulesetError as exc:  # a ruleset that does not check cannot be compared: say why, exit 2
            _say(exc.render())
            _say(f"{shown}：规则集有错误，无法比较")
            sys.exit(2)
    changes = diff.compare(*models)
    if fmt == "json":
        click.echo(jsonout.dumps(diff.json_report(a, b, changes)))
    else:
        click.echo(diff.text_report(a, b, changes), nl=False)
    sys.exit(0 if diff.alike(changes) else 1)


# ── fmt ─────────────────────────────────────────────────────────────────────


@main.command("fmt", examples=(
    "perfdsl fmt rulesets/chaoan-2022.perf",
    "perfdsl fmt --check rulesets/*.perf",
    "cat 新规则.perf | perfdsl fmt - > 新规则（已格式化）.perf",
))
@click.argument("rulesets", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--check", is_flag=True, help="只检查：列出需要重新格式化的文件并以 1 退出，不改写。")
def fmt_command(rulesets, check):
    """把规则集改写为统一格式（缩进、空格、换行、对齐；注释保留，顺序不变）。

    - 读标准输入，结果写到标准输出。
    """
    from .formatter import format_text

    _stdin_once(rulesets)
    status = 0
    for path in rulesets:
        text, name = _ruleset_text(path)
        try:
            formatted = format_text(text, name)
        except PerfSyntaxError as exc:
            _say(exc.render())  # it quotes the ruleset's line
            status = 2
            continue
        formatted, text = _as_saved(formatted, text, path)
        if path == "-" and not check:
            click.echo(formatted, nl=False)
        elif formatted != text:
            if check:
                click.echo(f"{path}: 格式不规范（perfdsl fmt 会改写它）", err=True)
                status = max(status, 1)
            else:
                with atomic_output(path) as handle:
                    handle.write(formatted)
                click.echo(f"{path}: 已格式化", err=True)
    sys.exit(status)


def _as_saved(formatted: str, text: str, path) -> tuple[str, str]:
    """(`formatted`, `text`) as the file holds them: with its line ends — CRLF where its first line ends so,
    as Notepad and WPS save — and its BOM, which reading the ruleset dropped.  Standard output has the
    platform's line ends (text mode), so standard input is compared with its CRLFs read as newlines."""
    if path == "-":
        return formatted, text.replace("\r\n", "\n")
    if "\r\n" in text[:text.find("\n") + 1]:
        formatted = formatted.replace("\n", "\r\n")
    with files.open_binary(path, "规则集文件") as handle:
        if handle.read(3) == b"\xef\xbb\xbf":
            formatted, text = "\ufeff" + formatted, "\ufeff" + text
    return formatted, text


# ── serve ───────────────────────────────────────────────────────────────────


@main.command("serve", examples=(
    "perfdsl serve rulesets",
    "perfdsl serve rulesets --port 8080 --open",
))
@click.argument("directory", default="rulesets")  # a file or a missing folder: `Catalog` says which, exit 2
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；默认只有本机可以访问（0.0.0.0 对局域网开放）。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="端口（0：任选一个空闲端口）。")
@click.option("--open", "open_browser", is_flag=True, help="启动后在浏览器中打开。")
@click.option("--max-upload-mb", default=20, show_default=True, type=click.IntRange(min=1),
              help="一次上传（或一个请求）的大小上限，单位兆字节。")
@click.option("--max-records", default=10000, show_default=True, type=click.IntRange(min=1),
              help="一次上传（或一个请求）的记录数上限。")
def serve_command(directory, host, port, open_browser, max_upload_mb, max_records):
    """网页与 JSON 接口：选择目录（默认 `rulesets`）中的规则集，上传数据，查看汇总、评分表与计算过程。"""
    try:
        from .serve import app
        from .serve.limits import MB, Limits
    except ImportError as exc:
        raise UsageError(f"perfdsl serve 需要网页组件（缺少 {exc.name}）；"
                         "请安装：pip install 'perfdsl[serve]'") from None
    limits = Limits(upload_bytes=max_upload_mb * MB, records=max_records)
    app.run(directory, host, port, limits, open_browser, echo=lambda text: click.echo(text, err=True))


# ── lsp ─────────────────────────────────────────────────────────────────────


@main.command("lsp", examples=("perfdsl lsp",))
# What LSP clients add on their own (vscode-languageclient: --stdio, --clientProcessId=N): accepted, nothing to do.
@click.option("--stdio", is_flag=True, hidden=True)
@click.option("--clientProcessId", "client_process", hidden=True)
def lsp_command(stdio, client_process):
    """编辑器的语言服务器，经标准输入与标准输出通信：随输入给出诊断，格式化、悬停提示、跳转定义、
    查找引用、补全、大纲和快速修复。各编辑器的配置见 docs/editors.md。
    """
    try:
        from .lsp import server
    except ImportError as exc:
        raise UsageError(f"perfdsl lsp 需要 pygls（缺少 {exc.name}）；请安装：pip install perfdsl") from None
    server.run()


if __name__ == "__main__":  # pragma: no cover
    main()
