"""The `perfdsl` command: a thin click layer over the loader, the program and the reports.

Exit status (DESIGN §4): 0 success; 1 a record, check or test failed;
2 usage or syntax error.  Messages go to stderr, results to stdout or ``-o``.
No library code prints or exits; every `PerfError` is rendered here, and
anything else is reported as a perfdsl defect in one line, never as a
Python traceback.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys

import click

from . import datafiles, files, loader, neutralise, progress
from .errors import PerfError, PerfSyntaxError, RecordError, UsageError
from .files import atomic_output
from .resolve import nearest

#: Output formats of `eval`, and the extensions `-o` infers them from.
EVAL_FORMATS = ("table", "json", "jsonl", "csv", "md", "xlsx", "html")
_BY_EXTENSION = {".json": "json", ".jsonl": "jsonl", ".txt": "table", ".csv": "csv", ".md": "md",
                 ".xlsx": "xlsx", ".html": "html", ".htm": "html"}
#: How an output file is opened, where not as UTF-8 text: CSV with a BOM, so that Excel reads it as UTF-8.
_FILE_MODES = {"xlsx": ("wb", None), "csv": ("w", "utf-8-sig")}
#: The report modules (perfdsl/report/…) of the formats written by a `write(handle, results, model, …)`.
_REPORTS = {"csv": "csvout", "md": "markdown", "xlsx": "xlsxout", "html": "html"}


def _say(message: str):
    """A message on stderr: data text in it is shown, never interpreted by the terminal (neutralise)."""
    click.echo(neutralise.terminal(message), err=True)


def _fail(message: str, code: int):
    _say(message)
    sys.exit(code)


def _guarded(command):
    """Render perfdsl's errors; turn anything unexpected into a one-line defect report.

    SIGTERM and SIGHUP unwind like Ctrl-C, so temporaries (ours and openpyxl's)
    are removed and an output file is left as it was; a closed pipe or a full
    disk is one message.
    """

    @functools.wraps(command)
    def run(*args, **kwargs):
        _safe_streams()
        try:
            with files.signals_unwind():
                return command(*args, **kwargs)
        except PerfError as exc:
            _fail(exc.render(), exc.exit_code)
        except files.Terminated as exc:
            _fail(f"已中断（{exc.name}）；未写完的输出已删除", 128 + exc.signum)
        except KeyboardInterrupt:
            _fail("已中断", 130)
        except BrokenPipeError:
            _quiet_stdout()
            _fail("输出管道已关闭（读取结果的程序提前退出），输出不完整", 1)
        except OSError as exc:  # a full disk writing to stdout, an unreadable device …
            _quiet_stdout()
            where = f"{exc.filename}: " if exc.filename else ""
            full = "，磁盘已满？" if exc.errno in files.FULL else ""
            _fail(f"{where}读写失败（{exc.strerror or type(exc).__name__}{full}）", 2)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a defect in perfdsl: say so briefly, exit non-zero
            if os.environ.get("PERFDSL_DEBUG"):
                raise
            _fail(f"perfdsl 内部错误：{type(exc).__name__}: {exc}（设置 PERFDSL_DEBUG=1 可查看详情，请报告此问题）", 1)

    return run


def _safe_streams():
    """An unpaired surrogate or an unencodable character reaching stdout or stderr is shown escaped, not fatal."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="backslashreplace")


def _quiet_stdout():
    """After a broken pipe or a full disk, point stdout at /dev/null so the exit flush cannot fail again."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfdsl")
def main():
    """perfdsl：部门整体支出绩效评价规则集的检查与计分。"""


# ── eval ────────────────────────────────────────────────────────────────────


@main.command("eval")
@click.argument("ruleset", type=click.Path(dir_okay=False))
@click.argument("data", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(EVAL_FORMATS),
              help="输出格式（默认由 -o 的扩展名决定，否则 table）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件（先写临时文件再改名）。")
@click.option("--scorecard", "scorecards", multiple=True, help="只输出这个计分卡（可重复）。")
@click.option("--sheets", type=click.IntRange(min=0), default=100, show_default=True,
              help="xlsx：为前 N 条记录各写一张评分表工作表（汇总表总是包含全部记录）。")
@_guarded
def eval_command(ruleset, data, fmt, output, scorecards, sheets):
    """用 RULESET 为 DATA（.json/.jsonl/.csv/.xlsx）中的一条或一批记录计分。"""
    fmt = fmt or _format_for(output)
    files.refuse_overwriting(output, [ruleset, data])
    if fmt == "xlsx" and output is None:
        raise UsageError("xlsx 是二进制格式，不能写到终端或管道；请用 -o 指定文件，如 -o 评分表.xlsx")
    program = loader.load(ruleset)
    if not program.model.scorecards:
        raise UsageError(f"{ruleset}: 这是共用定义的函数库（没有计分卡），不能用来计分；请用 include 它的规则集")
    wanted = _scorecards(program, scorecards)
    batch = datafiles.read(data, program.model)
    results = _evaluate(program, batch, fmt, sheets)
    failed = _write(fmt, output, results, batch.single, wanted, program.model, sheets)
    sys.exit(1 if failed else 0)


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


def _evaluate(program, batch, fmt=None, sheets=100):
    """Yield (position, Result or RecordError) for every record, in order; a record is the unit of failure."""
    from . import isolation

    basis_for = {"csv": 0, "xlsx": sheets}.get(fmt)
    return isolation.scored(program, batch, basis_for)


def _located(error: RecordError, batch, raw) -> RecordError:
    from . import isolation

    return isolation.located(error, batch, raw)


def _write(fmt, output, results, single, scorecards, model=None, sheets=100) -> bool:
    """Write every result in `fmt`; return whether any record failed."""
    failed = False
    # A batch on a terminal shows its progress on stderr, unless the results are printed there too.
    shown = not single and sys.stderr.isatty() and (output is not None or not sys.stdout.isatty())
    with progress.shown(shown) as bar:

        def note_failures():
            nonlocal failed
            for position, item in results:
                if isinstance(item, RecordError):
                    failed = True
                    bar.say(neutralise.terminal(item.render()))
                bar.advance()
                yield position, item

        stream = note_failures()
        if output is None:
            _emit(fmt, sys.stdout, stream, single, scorecards, terminal=sys.stdout.isatty(), model=model)
        else:
            mode, encoding = _FILE_MODES.get(fmt, ("w", "utf-8"))
            with atomic_output(output, mode, encoding) as handle:
                _emit(fmt, handle, stream, single, scorecards, terminal=False, model=model, sheets=sheets)
    return failed


def _emit(fmt, handle, results, single, scorecards, terminal, model=None, sheets=100):
    from .report import jsonout

    if fmt in _REPORTS:
        report = importlib.import_module(f".report.{_REPORTS[fmt]}", __package__)
        options = {"sheets": sheets} if fmt == "xlsx" else {}
        report.write(handle, results, model, scorecards, **options)
        return
    if fmt == "table":
        from rich.console import Console

        from .report import table

        width = None if terminal else int(os.environ.get("COLUMNS", 0)) or 160
        console = Console(file=handle, width=width, force_terminal=terminal, highlight=False,
                          color_system="auto" if terminal else None)
        for _, item in results:
            if isinstance(item, RecordError):
                table.print_error(console, item)
            else:
                table.print_result(console, item, scorecards)
        return
    if fmt == "jsonl":
        for _, item in results:
            handle.write(jsonout.dumps(_as_json(item, scorecards), indent=None) + "\n")
        return
    if single:
        for _, item in results:
            handle.write(jsonout.dumps(_as_json(item, scorecards)) + "\n")
        return
    handle.write("[")
    first = True
    for _, item in results:
        handle.write("\n" if first else ",\n")
        first = False
        handle.write(jsonout.dumps(_as_json(item, scorecards)))
    handle.write("\n]\n" if not first else "]\n")


def _as_json(item, scorecards):
    if isinstance(item, RecordError):
        return {"record": item.record, "error": item.to_json()}
    return item.to_json(scorecards)


# ── template ────────────────────────────────────────────────────────────────


@main.command("template")
@click.argument("ruleset", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="写入 .xlsx 或 .csv 文件（默认把 CSV 打印到标准输出）。")
@_guarded
def template_command(ruleset, output):
    """为 RULESET 生成空白数据表：每个输入一列，第 2 行是类型说明，评审扣分旁有备注列。"""
    from . import template

    program = loader.load(ruleset)
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


@main.command("explain")
@click.argument("ruleset", type=click.Path(dir_okay=False))
@click.argument("data", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--indicator", help="只解释这个指标（各级名称用 / 连接，如 预算使用效益/效率性/项目完成率）。")
@click.option("--record", help="解释哪条记录：序号（从 1 起）或记录名称；默认第一条。")
@_guarded
def explain_command(ruleset, data, indicator, record):
    """逐项说明一条记录如何得分：读取的输入、派生值、命中的规则分支、权重、得分与依据。"""
    from .report import explain

    program = loader.load(ruleset)
    target = explain.find_indicator(program.model, indicator) if indicator else None
    batch = datafiles.read(data, program.model)
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
        raise _located(exc, batch, raw) from None
    click.echo(neutralise.terminal(text), nl=False)


# ── check ───────────────────────────────────────────────────────────────────


@main.command("check")
@click.argument("rulesets", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="诊断的输出格式。")
@_guarded
def check_command(rulesets, fmt):
    """检查规则集：语法、名称、类型与单位、权重合计、调整分值、分档与等级。"""
    from .report import jsonout

    everything = []
    status = 0
    for path in rulesets:
        try:
            text = loader.read_ruleset(path)
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


@main.command("test")
@click.argument("rulesets", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--profile", type=click.Choice(["ci", "dev", "nightly"]),
              help="搜索深度：ci（默认，固定种子，快）、dev（随机，更多记录）、nightly（深）；也可设 PERFDSL_PROFILE。")
@click.option("--max-examples", type=click.IntRange(min=1), help="每项性质生成多少条记录（覆盖 --profile 的设定）。")
@click.option("--seed", type=int, help="随机种子：用它代替 ci 的固定种子，可重现一次随机搜索。")
@click.option("--failures", type=click.Path(file_okay=False), help="反例数据文件写入的目录（默认在临时目录下）。")
@click.option("-v", "--verbose", is_flag=True, help="同时打印反例的 JSON。")
@_guarded
def test_command(rulesets, profile, max_examples, seed, failures, verbose):
    """测试规则集：示例记录的公布数字、生成记录上的不变式、规则集中声明的 property，并报告规则分支覆盖。"""
    from .testing import console, profiles
    from .testing.suite import Options

    options = Options(profiles.chosen(profile), max_examples, seed, failures)
    sys.exit(console.run(rulesets, options, click.echo, verbose))


# ── fmt ─────────────────────────────────────────────────────────────────────


@main.command("fmt")
@click.argument("rulesets", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--check", is_flag=True, help="只检查：列出需要重新格式化的文件并以 1 退出，不改写。")
@_guarded
def fmt_command(rulesets, check):
    """把规则集改写为统一格式（缩进、空格、换行、对齐；注释保留，顺序不变）。

    `-` 读标准输入，结果写到标准输出。
    """
    from .formatter import format_text

    status = 0
    for path in rulesets:
        text = _stdin_ruleset() if path == "-" else loader.read_ruleset(path)
        try:
            formatted = format_text(text, "<stdin>" if path == "-" else path)
        except PerfSyntaxError as exc:
            click.echo(exc.render(), err=True)
            status = 2
            continue
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


def _stdin_ruleset() -> str:
    from . import limits

    text = sys.stdin.read(limits.RULESET_BYTES + 1)
    if len(text.encode("utf-8", "surrogatepass")) > limits.RULESET_BYTES:
        raise UsageError(f"<stdin>: 规则集过大（上限 {limits.RULESET_BYTES} 字节）")
    return text


if __name__ == "__main__":  # pragma: no cover
    main()
