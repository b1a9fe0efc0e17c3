"""What every perfdsl command inherits: click's texts in Chinese, the help layout, errors and exit statuses.

A command declared with ``@main.command(...)`` is a `Command` and gets all of
this without a line of its own: Chinese usage, option and error texts, help
pages laid out in terminal columns with an 示例 section (``examples=``),
Chinese metavars, perfdsl's errors rendered with their exit status, and a
closed pipe (``perfdsl eval … | head``) that ends the run quietly.

click marks its texts for gettext, but gettext finds a translation only
through ``.mo`` catalogs and the process locale, which Windows does not set;
so perfdsl binds the ``_``/``ngettext`` names of click's modules to its own
catalog (`CATALOG`, keyed by click's own English text), the same on every
machine.  click looks those names up when it speaks, so this is enough.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import os
import sys

import click

from . import files, neutralise, textwidth
from .errors import PerfError

#: click's texts (its gettext message ids, as written in its source) → what perfdsl prints instead.
#: A text missing here stays English: tests/test_commandline.py checks that every id of the installed
#: click is here, and that no help page or usage error shows an English word.
CATALOG = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选值（{choices}）",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    # usage errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 `{command} {option}` 查看帮助。",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项 {name}。",  # click 8.1
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否为 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否为其中之一：{possibilities}？）",
    "(Possible options: {possibilities})": "（可能是：{possibilities}）",  # click 8.1
    "Got unexpected extra argument ({args})": "多余的参数 `{args}`",
    "Got unexpected extra arguments ({args})": "多余的参数 `{args}`",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Value must be an iterable.": "值须是一组值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，但给了 {len} 个。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，但给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，但给了 {len_value} 个。",
    "{value!r} is not {choice}.": "{value!r} 不是可选的值（只能是 {choice}）。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选的值（可选：{choices}）。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是{number_type}。",
    "{value} is not in the range {range}.": "{value} 超出允许的范围（{range}）。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是是/否值（可写：{states}）。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats} 中的任何一种。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，这里要的是{name}。",
    "{name} {filename!r} is a directory.": "{filename!r} 是目录，这里要的是{name}。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中断。",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "提示：命令 {name!r} 已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "提示：{param_type} {name!r} 已弃用。{extra_message}",
    # prompts and the terminal
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接执行。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Windows error: {error}": "Windows 错误：{error}",
    "d": "天",
    "Couldn't detect Bash version, shell completion is not supported.": "无法确定 Bash 的版本，不支持命令补全。",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以前的版本不支持命令补全。",
    # mistakes in a command's declaration (seen by perfdsl's developers, not its users)
    "Name '{name}' defined twice": "名称 '{name}' 定义了两次",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "是/否选项 {decl!r} 的两个开关不能相同。",
    "Could not determine name for option with declarations {decls!r}": "无法从声明 {decls!r} 确定选项名",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": "给了名称（{name}）却没有选项；是要声明参数，还是写 '--{name}'？",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "参数只能有一个声明，得到 {length} 个：{decls}。",
    "Unknown color {colour!r}": "未知的颜色 {colour!r}",
    "Unknown standard stream '{name}'": "未知的标准流 '{name}'",
}

#: English words click fills into its texts (``{number_type}``, ``{param_type}`` …), in Chinese.
WORDS = {
    "integer": "整数", "integer range": "整数", "float": "数", "float range": "数", "boolean": "是/否值",
    "text": "文本", "argument": "参数", "option": "选项", "parameter": "参数",
    "File": "文件", "Directory": "目录", "Path": "路径",
}

#: Argument names → (metavar, what it takes), so that a new command's arguments are Chinese too.
ARGUMENTS = {
    "ruleset": ("规则集", "规则集文件（.perf）；- 读标准输入。"),
    "rulesets": ("规则集", "一个或多个规则集文件（.perf）；- 读标准输入。"),
    "data": ("数据", "数据文件：.json（一条或一批记录）、.jsonl、.csv 或 .xlsx；"
                     "- 读标准输入（自动识别 JSON、JSONL、CSV）。"),
    "dir": ("目录", ""),
    "directory": ("目录", "存放规则集文件（.perf）的目录。"),
    "file": ("文件", ""),
    "files": ("文件", ""),
    "path": ("路径", ""),
    "paths": ("路径", ""),
    "a": ("甲", "规则集文件（.perf），比较的起点；- 读标准输入。"),
    "b": ("乙", "规则集文件（.perf），与甲比较；- 读标准输入。"),
}

#: The modules of click that speak to users (``import click`` loads them all).  Those it loads only on
#: demand (the editor, the progress bar, shell completion, the Windows console) serve features perfdsl
#: does not use; they are bound too if they happen to be loaded already.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")
_CLICK_LAZY_MODULES = ("shell_completion", "_termui_impl", "_winconsole")


class _Text(str):
    """A translated text whose `format` puts click's English fill-in words into Chinese too."""

    def format(self, *args, **kwargs):
        words = {key: WORDS.get(value, value) if isinstance(value, str) else value for key, value in kwargs.items()}
        return str.format(self, *args, **words)


def gettext(message: str) -> str:
    return _Text(CATALOG.get(message, message))


def ngettext(singular: str, plural: str, count: int) -> str:
    return gettext(singular if count == 1 else plural)


def install():
    """Make click speak Chinese: bind the gettext names of its modules to `CATALOG`."""
    loaded = [sys.modules.get(f"click.{name}") for name in _CLICK_LAZY_MODULES]
    for module in [importlib.import_module(f"click.{name}") for name in _CLICK_MODULES] + loaded:
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


install()


# ── the help page ───────────────────────────────────────────────────────────


class HelpFormatter(click.HelpFormatter):
    """click's help layout, measured in terminal columns and wrapped where Chinese text may break."""

    def __init__(self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None):
        if width is None:
            import shutil

            width = max(min(shutil.get_terminal_size().columns, max_width or 100) - 2, 50)
        super().__init__(indent_increment, width, max_width)

    def _lines(self, text: str, columns: int) -> list[str]:
        return textwidth.wrap(textwidth.unwrap(text), columns) if text.strip() else []

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None):
        prefix = gettext("Usage:") if prefix is None else prefix
        head = f"{' ' * self.current_indent}{prefix}{prog} "
        lines = self._lines(args, max(self.width - textwidth.width(head), 20)) or [""]
        self.write(head + lines[0] + "\n")
        for line in lines[1:]:
            self.write(" " * textwidth.width(head) + line + "\n")

    def write_heading(self, heading: str):
        self.write(f"{' ' * self.current_indent}{heading}：\n")

    def write_text(self, text: str):
        indent = " " * self.current_indent
        for number, paragraph in enumerate(inspect.cleandoc(text).split("\n\n")):
            if number:
                self.write("\n")
            if paragraph.startswith("\b"):  # click's mark for a block kept as written
                for line in paragraph.split("\n")[1:]:
                    self.write(f"{indent}{line}\n")
                continue
            for line in self._lines(paragraph, self.width - self.current_indent):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2):
        rows = list(rows)
        first = min(max((textwidth.width(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            lines = self._lines(text, max(self.width - self.current_indent - first, 20))
            if textwidth.width(term) > first - col_spacing:
                self.write(f"{indent}{term}\n")
            elif lines:
                lines[0] = textwidth.pad(term, first) + lines[0]
            else:
                lines = [term]
            for number, line in enumerate(lines):
                lead = "" if number == 0 and textwidth.width(term) <= first - col_spacing else " " * first
                self.write(f"{indent}{lead}{line}\n")


class Context(click.Context):
    formatter_class = HelpFormatter


def _chinese_metavars(params):
    """Give every argument and option without a metavar a Chinese one (``规则集``, ``文件``, ``整数`` …)."""
    for param in params:
        if param.metavar is not None:
            continue
        if isinstance(param, click.Argument):
            word = ARGUMENTS.get(param.name, (None,))[0]
            if word is None:
                continue
            if not param.required:
                word = f"[{word}]"
            param.metavar = word + ("..." if param.nargs != 1 else "")
        elif isinstance(param, click.Option) and not param.is_flag and not param.count:
            kind = param.type
            if isinstance(kind, click.Choice):
                continue
            if isinstance(kind, click.Path):
                word = "文件" if not kind.dir_okay else "目录" if not kind.file_okay else "路径"
            elif isinstance(kind, click.types.IntParamType):
                word = "整数"
            elif isinstance(kind, click.types.FloatParamType):
                word = "数"
            else:
                word = "文本"
            param.metavar = word + ("..." if param.nargs != 1 else "")


class _Choice(click.Choice):
    """click's `Choice`, whose refusal of a misspelt or capitalised value names the nearest choice."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            from .nearest import nearest

            # close only: `xml` is not told `html`; `JSON` is told `json`
            guess = nearest(str(value).lower(), [str(choice) for choice in self.choices], cutoff=0.7)
            if guess is not None:
                exc.message = f"{exc.message}{gettext('Did you mean {possibility}?').format(possibility=repr(guess))}"
            raise


def _suggesting_choices(params):
    """Every option whose type is a plain `click.Choice` says the nearest choice when one is misspelt."""
    for param in params:
        kind = param.type
        if type(kind) is click.Choice:
            param.type = _Choice(kind.choices, case_sensitive=kind.case_sensitive)


class Command(click.Command):
    """A perfdsl command: Chinese help with examples, perfdsl's errors rendered, quiet on a closed pipe."""

    context_class = Context

    def __init__(self, *args, examples=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.examples = tuple(examples)  # command lines shown under 示例
        self.options_metavar = "[选项]" if self.options_metavar == "[OPTIONS]" else self.options_metavar
        _chinese_metavars(self.params)
        _suggesting_choices(self.params)

    def format_help(self, ctx, formatter):
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_arguments(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_examples(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_arguments(self, ctx, formatter):
        rows = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                text = getattr(param, "help", None) or ARGUMENTS.get(param.name, ("", ""))[1]
                rows.append((param.make_metavar(ctx) if _takes_ctx() else param.make_metavar(), text))
        if any(text for _, text in rows):
            with formatter.section(gettext("Positional arguments")):
                formatter.write_dl(rows)

    def format_examples(self, ctx, formatter):
        if self.examples:
            with formatter.section("示例"):
                for line in self.examples:
                    formatter.write(f"{' ' * formatter.current_indent}{line}\n")

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first sentence of the help (up to 。), cut to `limit` terminal columns."""
        if self.short_help:
            return self.short_help
        text = textwidth.unwrap(inspect.cleandoc(self.help or "").partition("\f")[0].split("\n\n")[0])
        sentence = text.split("。")[0].rstrip("：:")
        return textwidth.excerpt(sentence, limit)

    def invoke(self, ctx):
        return guarded(super().invoke)(ctx)


class Group(Command, click.Group):
    """The ``perfdsl`` group: its subcommands are `Command`s (and subgroups `Group`s) by default."""

    command_class = Command
    group_class = type

    def __init__(self, *args, **kwargs):
        settings = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
        settings.update(kwargs.pop("context_settings", None) or {})
        super().__init__(*args, context_settings=settings, **kwargs)
        if self.subcommand_metavar in ("COMMAND [ARGS]...", "[COMMAND] [ARGS]..."):
            self.subcommand_metavar = "命令 [参数]..."

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(max(formatter.width - 14, 30))))
        if rows:
            with formatter.section(gettext("Commands")):
                formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's `main`, with its usage errors rendered in Chinese and a closed pipe ending quietly."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        text_streams()
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.Abort:
            _fail("已中断", 130)
        except click.ClickException as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            _quiet_after_broken_pipe()
        sys.exit(code if isinstance(code, int) else 0)


# ── errors and exit statuses ────────────────────────────────────────────────


def text_streams(streams=None):
    """Make standard output and error able to carry every character perfdsl prints.

    On Windows output redirected to a file or pipe is written in the ANSI code page — cp936 on Chinese
    Windows, which has no ``✓`` — so it becomes GB18030, the superset that writes everything cp936 has
    byte for byte the same; an encoding that cannot hold Chinese at all becomes UTF-8.
    """
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        try:
            if encoding in ("cp936", "gbk", "gb2312", "ms936"):
                stream.reconfigure(encoding="gb18030")
            elif not encoding.startswith(("utf", "gb18030")):
                "中✓".encode(stream.encoding)
        except UnicodeEncodeError:
            stream.reconfigure(encoding="utf-8")
        except (LookupError, ValueError, OSError):  # an odd stream: leave it as it is
            pass



def show_usage_error(exc: click.ClickException):
    """A usage error as perfdsl prints it: the usage line, where to find help, then the message."""
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        exc.show()
        return
    lines = []
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(gettext("Try '{command} {option}' for help.").format(command=ctx.command_path, option="-h"))
        lines.append("")
    lines.append(gettext("Error: {message}").format(message=_message(exc)))
    click.echo("\n".join(lines), err=True)


def _message(exc: click.ClickException) -> str:
    if isinstance(exc, click.MissingParameter) and exc.param is not None and not exc.message:
        kind = WORDS.get(exc.param_type or exc.param.param_type_name, "参数")
        return f"缺少{kind} {exc.param.get_error_hint(exc.ctx)}。"
    text = exc.format_message().replace("。 ", "。")
    return text[:-1] + "。" if text.endswith(".") and not text.isascii() else text


def _fail(message: str, code: int):
    click.echo(neutralise.terminal(message), err=True)  # data text in a message is shown, never interpreted
    sys.exit(code)


def _quiet_stdout():
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's last flush cannot fail


def _quiet_after_broken_pipe():
    """The reader of our output went away (``| head``): stop at once, say nothing, exit 0."""
    _quiet_stdout()
    sys.exit(0)


def _safe_streams():
    """An unpaired surrogate or an unencodable character reaching stdout or stderr is written escaped."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.reconfigure(errors="backslashreplace")


def guarded(command):
    """Run `command`, rendering perfdsl's errors with their exit status; anything else is a defect, in one line."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        _safe_streams()
        try:
            try:
                with files.signals_unwind():  # SIGTERM, SIGHUP: unwind like Ctrl-C, temporaries removed
                    return command(*args, **kwargs)
            finally:
                sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        except PerfError as exc:
            _fail(exc.render(), exc.exit_code)
        except files.Terminated as exc:
            _fail(f"已中断（{exc.name}）；未写完的输出已删除", 128 + exc.signum)
        except KeyboardInterrupt:
            _fail("已中断", 130)
        except BrokenPipeError:
            _quiet_after_broken_pipe()
        except OSError as exc:  # a full disk writing to stdout, an unreadable device …
            _quiet_stdout()
            where = f"{exc.filename}: " if exc.filename else ""
            reason = files.full_reason(exc) if exc.errno in files.FULL else files.os_reason(exc)
            _fail(f"{where}读写失败（{reason}）", 2)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a defect in perfdsl: say so briefly, exit non-zero
            if os.environ.get("PERFDSL_DEBUG"):
                raise
            _fail(f"perfdsl 内部错误：{type(exc).__name__}: {exc}（设置 PERFDSL_DEBUG=1 可查看详情，请报告此问题）", 1)

    return run


@functools.lru_cache(maxsize=1)
def _takes_ctx() -> bool:
    """Whether `Parameter.make_metavar` takes the context (click 8.2 and later)."""
    return "ctx" in inspect.signature(click.Parameter.make_metavar).parameters
