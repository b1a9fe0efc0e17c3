"""The `perfdsl` command: a thin click layer over the loader, the program and the reports.

Exit status (DESIGN §4): 0 success; 1 a record, check or test failed;
2 usage or syntax error.  Messages go to stderr, results to stdout or ``-o``.
No library code prints or exits; every `PerfError` is rendered here, and
anything else is reported as a perfdsl defect in one line, never as a
Python traceback.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from . import datafiles, loader
from .errors import PerfError, PerfSyntaxError, RecordError, UsageError
from .files import atomic_output
from .resolve import nearest

#: Output formats of `eval`, and the extensions `-o` infers them from.
EVAL_FORMATS = ("table", "json", "jsonl")
_BY_EXTENSION = {".json": "json", ".jsonl": "jsonl", ".txt": "table"}


def _fail(message: str, code: int):
    click.echo(message, err=True)
    sys.exit(code)


def _guarded(command):
    """Render perfdsl's errors; turn anything unexpected into a one-line defect report."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except PerfError as exc:
            _fail(exc.render(), exc.exit_code)
        except KeyboardInterrupt:
            _fail("已中断", 130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a defect in perfdsl: say so briefly, exit non-zero
            if os.environ.get("PERFDSL_DEBUG"):
                raise
            _fail(f"perfdsl 内部错误：{type(exc).__name__}: {exc}（设置 PERFDSL_DEBUG=1 可查看详情，请报告此问题）", 1)

    return run


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
@_guarded
def eval_command(ruleset, data, fmt, output, scorecards):
    """用 RULESET 为 DATA 中的一条或一批记录计分。"""
    fmt = fmt or _format_for(output)
    program = loader.load(ruleset)
    wanted = _scorecards(program, scorecards)
    batch = datafiles.read(data)
    results = _evaluate(program, batch)
    failed = _write(fmt, output, results, batch.single, wanted)
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


def _evaluate(program, batch):
    """Yield (position, Result or RecordError) for every record, in order."""
    for position, raw in batch.records:
        if isinstance(raw, RecordError):
            yield position, raw
            continue
        try:
            yield position, program.evaluate(raw, position, lenient=batch.lenient)
        except RecordError as exc:
            if exc.record is None:
                exc.record = position
            yield position, exc


def _write(fmt, output, results, single, scorecards) -> bool:
    """Write every result in `fmt`; return whether any record failed."""
    failed = False

    def note_failures():
        nonlocal failed
        for position, item in results:
            if isinstance(item, RecordError):
                failed = True
                click.echo(item.render(), err=True)
            yield position, item

    stream = note_failures()
    if output is None:
        _emit(fmt, sys.stdout, stream, single, scorecards, terminal=sys.stdout.isatty())
    else:
        with atomic_output(output) as handle:
            _emit(fmt, handle, stream, single, scorecards, terminal=False)
    return failed


def _emit(fmt, handle, results, single, scorecards, terminal):
    from .report import jsonout

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
        text = loader.read_ruleset(path)
        _, diagnostics = loader.diagnose(text, path)
        everything += diagnostics
        errors = sum(d.is_error for d in diagnostics)
        warnings = len(diagnostics) - errors
        if fmt == "text":
            for diagnostic in diagnostics:
                click.echo(diagnostic.render(), err=True)
            click.echo(f"{path}: {errors} 个错误，{warnings} 个警告", err=True)
        if any(d.code.startswith("P1") for d in diagnostics):
            status = max(status, 2)
        elif errors:
            status = max(status, 1)
    if fmt == "json":
        click.echo(jsonout.dumps([d.to_json() for d in everything]))
    sys.exit(status)


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
        text = sys.stdin.read() if path == "-" else loader.read_ruleset(path)
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


if __name__ == "__main__":  # pragma: no cover
    main()
