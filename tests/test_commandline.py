"""The command line speaks Chinese: every help page, every usage error, click's own texts included.

Commands are discovered from the `perfdsl` group, so a command added later is walked too; the bad
invocations are a table.  "English" is any Latin word that is not perfdsl's own vocabulary (its name,
formats, profiles, language keywords) — so a new English text fails here until it is translated.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from perfdsl import LANGUAGE_VERSION
from perfdsl.cli import main
from perfdsl.commandline import CATALOG

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = str(ROOT / "examples" / "chaoan-2022.json")
FRAMEWORK = str(ROOT / "rulesets" / "common" / "guangdong-framework.perf")  # `framework`: no scorecard
LIBRARY = str(ROOT / "rulesets" / "common" / "guangdong.perf")  # shared definitions: no scorecard

#: Latin words perfdsl prints on purpose: its name, file formats and encodings, choices of its options,
#: words of the ruleset language and environment variables.  Everything else Latin is a defect here.
OWN_WORDS = {
    "perfdsl", "table", "json", "jsonl", "csv", "scores", "md", "xlsx", "html", "pdf", "text", "ci", "dev", "nightly",
    "property", "include", "extends", "framework", "when", "utf", "gb18030", "perfdsl_profile", "true", "false", "wps", "excel", "bash",
}
#: Capitalised words perfdsl prints on purpose; any other (``TEXT``, ``INTEGER``, ``RULESET``) is a metavar
#: that escaped translation.
OWN_CAPITALS = {"JSON", "JSONL", "CSV", "UTF", "WPS", "PERFDSL_PROFILE", "PERFDSL_NO_CACHE", "GB18030"}


def english(text: str) -> set[str]:
    """The Latin words of `text` that are not perfdsl's own, leaving out option names, paths and commands."""
    text = re.sub(r"(?m)^示例：\n(?:  .*\n?)*", "", text)  # the examples are command lines
    text = re.sub(r"'[^'\n]*'|`[^`\n]*`", " ", text)  # what the user typed, quoted back
    # a diagnostic's severity, compiler-style (``file:1:2: error[P102]:``), the twin of its JSON `severity`
    text = re.sub(r"\b(error|warning)(\[P\d+\])?: ", " ", text)
    text = re.sub(r"--?[A-Za-z][\w-]*", " ", text)  # option names
    text = re.sub(r"\S*[/\\.]\S*", " ", text)  # paths, file names, extensions
    own = OWN_WORDS | {name for path, _ in commands() for name in path}  # a command's name is perfdsl's own
    return {word for word in re.findall(r"[A-Za-z][A-Za-z_]+", text) if word.lower() not in own}


def commands(group=main, path=()):
    """(command path, command) of every command of the group, recursively: what a user can ask help for."""
    yield path, group
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        if isinstance(command, click.Group):
            yield from commands(command, path + (name,))
        else:
            yield path + (name,), command


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, prog_name="perfdsl")


def test_every_text_of_the_installed_click_has_a_translation():
    root = Path(click.__file__).parent
    missing = set()
    for source in root.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value not in CATALOG:
                        missing.add(arg.value)
    assert not missing, f"click texts without a Chinese version (add them to commandline.CATALOG): {missing}"


def test_the_walk_finds_every_command():
    found = {" ".join(path) for path, _ in commands()}
    assert found >= {"", "eval", "template", "explain", "check", "test", "fmt"}


@pytest.mark.parametrize("path,command", list(commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_help_page_is_chinese_with_an_example(path, command):
    for flag in ("--help", "-h"):
        result = run(*path, flag)
        assert result.exit_code == 0, result.output
        page = result.output
        assert page.startswith(f"用法：perfdsl {' '.join(path)}".rstrip() + " ")
        assert "选项：" in page and "显示本帮助并退出。" in page
        assert "\n示例：\n  perfdsl " in page or "\n示例：\n  cat " in page, f"{path}: no 示例 section"
        assert not english(page), f"perfdsl {' '.join(path)} {flag}: English words {english(page)}\n{page}"
        assert not set(re.findall(r"\b[A-Z][A-Z_]{2,}\b", page)) - OWN_CAPITALS, page


@pytest.mark.parametrize("path,command", list(commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_argument_is_described_under_its_heading(path, command):
    arguments = [param for param in command.params if isinstance(param, click.Argument)]
    if not arguments:
        return
    page = run(*path, "-h").output
    assert "\n参数：\n" in page, page  # `diff 甲 乙`, `serve [目录]` said nothing of what they take
    section = page.split("\n参数：\n")[1].split("\n\n")[0]
    for param in arguments:
        metavar = param.metavar or param.name
        line = next((line for line in section.splitlines() if line.strip().startswith(metavar)), "")
        assert line.strip() != metavar and line.strip()[len(metavar):].strip(), f"{metavar} undescribed:\n{page}"


def test_help_fits_80_columns_and_breaks_no_line_before_punctuation():
    from perfdsl.textwidth import width

    for path, _ in commands():
        page = CliRunner().invoke(main, [*path, "-h"], prog_name="perfdsl", terminal_width=80).output
        for line in page.splitlines():
            assert width(line) <= 80 or line.startswith("  perfdsl ") and len(line) < 90, line
            assert line.strip()[:1] not in tuple("，。；：）、"), line


def test_version_names_the_language_version():
    result = run("--version")
    assert result.exit_code == 0
    assert re.fullmatch(rf"perfdsl \d+\.\d+\.\d+\S*（规则集语言 {re.escape(LANGUAGE_VERSION)}）\n", result.output)


BAD = [
    # (arguments, exit status, a part of the message)
    (["eval"], 2, "错误：缺少参数 '规则集'。"),
    (["eval", RULESET], 2, "错误：缺少参数 '数据'。"),
    (["eval", RULESET, str(ROOT / "examples")], 2, "是目录，这里要的是文件。"),
    (["eval", RULESET, EXAMPLE, "--format", "docx"], 2, "'--format' 的值无效：'docx' 不是可选的值（可选：'table'"),
    (["eval", RULESET, EXAMPLE, "--sheets", "-1"], 2, "'--sheets' 的值无效：-1 超出允许的范围"),
    (["eval", RULESET, EXAMPLE, "--sheets", "many"], 2, "'--sheets' 的值无效：'many' 不是整数。"),
    (["eval", RULESET, EXAMPLE, "--bogus"], 2, "错误：没有选项 '--bogus'。"),
    (["eval", RULESET, EXAMPLE, "--forma", "json"], 2, "没有选项 '--forma'。（是否为其中之一：'--format', '--input-format'？）"),
    (["eval", RULESET, EXAMPLE, "-o"], 2, "选项 '-o' 需要一个值。"),
    (["eval", RULESET, EXAMPLE, "extra"], 2, "错误：多余的参数 `extra`"),
    (["eval", RULESET, EXAMPLE, "--input-format", "xml"], 2, "'--input-format' 的值无效：'xml' 不是可选的值"),
    # a misspelt or capitalised choice is told the nearest one
    (["eval", RULESET, EXAMPLE, "--format", "jsn"], 2, "'table', 'json', 'jsonl', 'csv', 'scores', 'md', 'xlsx', 'html', 'pdf'）。是否为 'json'？"),
    (["eval", RULESET, EXAMPLE, "--format", "JSON"], 2, "）。是否为 'json'？"),
    (["check", "--format", "txet", RULESET], 2, "）。是否为 'text'？"),
    (["test", RULESET, "--profile", "nigthly"], 2, "）。是否为 'nightly'？"),
    (["evl"], 2, "错误：没有命令 'evl'。是否为 'eval'？"),
    (["nosuch"], 2, "错误：没有命令 'nosuch'。"),
    (["test", RULESET, "--profile", "fast"], 2, "'--profile' 的值无效：'fast' 不是可选的值"),
    (["test", RULESET, "--max-examples", "0"], 2, "'--max-examples' 的值无效：0 超出允许的范围"),
    (["test", RULESET, "--seed", "abc"], 2, "'--seed' 的值无效：'abc' 不是整数。"),
    (["check"], 2, "错误：缺少参数 '规则集...'。"),
    (["check", "--format", "xml", RULESET], 2, "'--format' 的值无效"),
    (["fmt", "--check"], 2, "错误：缺少参数 '规则集...'。"),
    (["explain", RULESET, EXAMPLE, "--record"], 2, "选项 '--record' 需要一个值。"),
    (["template"], 2, "错误：缺少参数 '规则集'。"),
    (["eval", "nope.perf", EXAMPLE], 2, "nope.perf: 文件不存在"),
    (["eval", RULESET, "nope.json"], 2, "nope.json: 文件不存在"),
    (["eval", RULESET, "data.xls"], 2, "不支持的数据文件格式 `.xls`：请在 Excel 或 WPS 中另存为 .xlsx"),
    (["eval", RULESET, RULESET], 2, "不支持的数据文件格式 `.perf`"),
    (["eval", "-", "-"], 2, "规则集和数据不能都从标准输入读取"),
    (["check", "-", "-"], 2, "标准输入只能读一次"),
    (["test", "-", "-"], 2, "标准输入只能读一次"),
    (["eval", RULESET, EXAMPLE, "-o", "out.weird"], 2, "无法从 `out.weird` 的扩展名判断输出格式"),
    (["explain", RULESET, EXAMPLE, "--record", "5"], 2, "数据文件只有 1 条记录，没有第 5 条（序号从 1 起）"),
    (["eval", RULESET, "-"], 2, "<标准输入>: 没有数据（标准输入是空的）"),
    # a ruleset without a scorecard is refused by every command that scores, as eval refuses it
    (["template", FRAMEWORK], 2, "这是框架规则集（framework，没有计分卡），不能用来计分"),
    (["explain", FRAMEWORK, EXAMPLE], 2, "这是框架规则集（framework，没有计分卡），不能用来计分"),
    (["audit", FRAMEWORK, EXAMPLE], 2, "这是框架规则集（framework，没有计分卡），不能用来计分"),
    (["template", LIBRARY], 2, "这是共用定义的函数库（没有计分卡），不能用来计分"),
    (["explain", LIBRARY, EXAMPLE], 2, "这是共用定义的函数库（没有计分卡），不能用来计分"),
    (["audit", LIBRARY, EXAMPLE], 2, "这是共用定义的函数库（没有计分卡），不能用来计分"),
]


@pytest.mark.parametrize("args,code,needle", BAD, ids=lambda v: " ".join(Path(a).name for a in v)
                         if isinstance(v, list) else None)
def test_bad_invocations_are_one_chinese_message(args, code, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args, input="")
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not english(result.stderr), result.stderr
    if result.stderr.startswith("用法："):  # click's usage errors: the usage line, where help is, the message
        lines = result.stderr.splitlines()
        assert lines[1].startswith("运行 `perfdsl") and lines[1].endswith(" -h` 查看帮助。") and lines[2] == ""
        assert lines[3].startswith("错误：") and len(lines) == 4


def test_no_arguments_shows_the_group_help():
    result = run()
    assert "用法：perfdsl [选项] 命令 [参数]..." in result.output and "命令：" in result.output
    assert not english(result.output)


def test_internal_texts_in_json_and_csv_messages_are_chinese(tmp_path):
    cases = {
        "escape.json": '{"单位": "a\\q"}',
        "comma.json": '{"单位": "a",}',
        "quote.csv": '单位,项目总数\n"甲,1\n',
        "nul.csv": "单位,项目总数\n甲\x00,1\n",
    }
    for name, content in cases.items():
        data = tmp_path / name
        data.write_text(content, "utf-8")
        result = run("eval", RULESET, data)
        assert result.exit_code in (1, 2), (name, result.output)
        assert not english(result.stderr.replace(str(data), "")), (name, result.stderr)


def test_the_reasons_a_file_cannot_be_used_are_chinese(tmp_path):
    import errno

    from perfdsl.files import os_reason

    for code, reason in ((errno.EACCES, "没有权限"), (errno.ENOSPC, "磁盘已满"), (errno.EROFS, "只读的磁盘或文件夹")):
        assert os_reason(OSError(code, "English text from the system")).startswith(reason)
    result = run("eval", RULESET, EXAMPLE, "-o", tmp_path / "没有的文件夹" / "out.json")
    assert result.exit_code == 2 and result.stderr == f"{tmp_path / '没有的文件夹' / 'out.json'}: 无法写入（文件夹不存在）\n"
