"""Hostile files at the door: `include` confined to the ruleset's tree, rulesets read as bounded regular files.

Each case ends in a located message; none reads a file outside the allowed
tree or prints a line of a file that is not a ruleset.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from perfdsl import diagnose
from perfdsl.errors import UsageError
from perfdsl.loader import read_ruleset

ROOT = Path(__file__).resolve().parent.parent
CARD = 'scorecard 卡 max 1 { group 组 1 { indicator 分 1 { score 1 } } }\n'


def _ruleset(folder: Path, include: str) -> Path:
    path = folder / "top.perf"
    path.write_text(f'ruleset "t" {{ }}\ninclude "{include}"\n{CARD}', "utf-8")
    return path


def _messages(path: Path) -> list[str]:
    _, diagnostics = diagnose(path.read_text("utf-8"), str(path))
    return [d.render() for d in diagnostics if d.is_error]


SECRET = "SECRET_TOKEN=hunter2"


@pytest.fixture
def outside(tmp_path):
    """A folder beside the ruleset's, holding a secret that parses as nothing."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.perf").write_text(SECRET + "\n", "utf-8")
    (folder / "lib.perf").write_text("input x: number\n", "utf-8")
    return folder


@pytest.fixture
def tree(tmp_path):
    folder = tmp_path / "tree"
    (folder / "sub").mkdir(parents=True)
    return folder


@pytest.mark.parametrize("written,reason", [
    ("/proc/self/environ", "只能写相对路径"),
    ("/etc/passwd", "只能写相对路径"),
    ("../outside/lib.perf", "之外"),
    ("../../../../../../etc/passwd", "只能包含 .perf"),
    ("sub/../../outside/secret.perf", "之外"),
    ("sub/notes.txt", "只能包含 .perf"),
])
def test_an_include_out_of_the_tree_is_refused_with_its_location(tree, outside, written, reason):
    messages = _messages(_ruleset(tree, written))
    assert len(messages) == 1
    assert messages[0].startswith(f"{tree / 'top.perf'}:2:1: error[P108]: ")
    assert reason in messages[0]
    assert SECRET not in messages[0] and "root:" not in messages[0]


def test_a_symlink_out_of_the_tree_is_refused(tree, outside):
    (tree / "sub" / "lib.perf").symlink_to(outside / "lib.perf")
    (tree / "sub" / "passwd.perf").symlink_to("/etc/passwd")
    for name in ("lib", "passwd"):
        (message,) = _messages(_ruleset(tree, f"sub/{name}.perf"))
        assert "之外（符号链接指向外部）" in message and "root:" not in message


def test_a_symlink_within_the_tree_is_followed(tree):
    (tree / "real.perf").write_text("input x: number\n", "utf-8")
    (tree / "sub" / "alias.perf").symlink_to(tree / "real.perf")
    path = _ruleset(tree, "sub/alias.perf")
    path.write_text(path.read_text("utf-8").replace("score 1", "score min(x, 1)"), "utf-8")
    assert _messages(path) == []


def test_a_library_that_does_not_parse_is_located_but_never_quoted(tree):
    (tree / "sub" / "secret.perf").write_text(f"input a: number\n{SECRET}\n", "utf-8")
    (message,) = _messages(_ruleset(tree, "sub/secret.perf"))
    assert "被包含的文件 `sub/secret.perf` 不是有效的规则集：第 2 行第 1 列有语法错误（P110）" in message
    assert SECRET not in message and "SECRET" not in message


@pytest.mark.parametrize("library", [None, "input x: number\nlet y =\n", "include \"top.perf\"\n"])
def test_an_include_that_fails_is_one_message_not_one_more_for_each_name_it_defines(tree, library):
    # a missing, unparsable or circular library: its names are not reported again as unknown (P201),
    # with a hint to include the file the ruleset includes; `eval` says the same one thing
    if library is not None:
        (tree / "lib.perf").write_text(library, "utf-8")
    path = _ruleset(tree, "lib.perf")
    path.write_text(path.read_text("utf-8").replace("score 1", "score min(x, 1)"), "utf-8")
    (message,) = _messages(path)
    assert "error[P108]" in message and "P201" not in message


def test_a_library_that_parses_is_quoted_where_it_is_wrong(tree):
    (tree / "sub" / "lib.perf").write_text("input a: number\nlet b = 未知\n", "utf-8")
    messages = _messages(_ruleset(tree, "sub/lib.perf"))
    assert any(m.startswith(f"{tree / 'sub' / 'lib.perf'}:2:9:") and "2 | let b = 未知" in m for m in messages)


def test_the_shipped_libraries_are_found_from_any_folder(tree):
    path = _ruleset(tree, "common/guangdong.perf")
    assert _messages(path) == []


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null"])
def test_a_device_is_no_ruleset_and_is_never_read(tree, special):
    link = tree / "sub" / "dev.perf"
    link.symlink_to(special)
    (message,) = _messages(_ruleset(tree, "sub/dev.perf"))
    assert "之外（符号链接指向外部）" in message  # refused before it is even opened
    with pytest.raises(UsageError, match="不是普通文件"):
        read_ruleset(special)


def test_a_fifo_is_refused_without_blocking(tree):
    fifo = tree / "sub" / "pipe.perf"
    os.mkfifo(fifo)
    (message,) = _messages(_ruleset(tree, "sub/pipe.perf"))
    assert "不是普通文件" in message


def test_an_oversized_ruleset_is_refused_before_it_is_read(tree):
    from perfdsl import limits

    huge = tree / "huge.perf"
    with open(huge, "wb") as handle:
        handle.truncate(limits.RULESET_BYTES + 1)
    with pytest.raises(UsageError, match="规则集文件过大"):
        read_ruleset(huge)
    (message,) = _messages(_ruleset(tree, "huge.perf"))
    assert "过大" in message


def test_check_dev_zero_on_the_command_line():
    done = subprocess.run([sys.executable, "-m", "perfdsl", "check", "/dev/zero"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "/dev/zero: 不是普通文件（设备、管道或套接字），不能作为规则集文件"


# ── workbooks ───────────────────────────────────────────────────────────────

CHAOAN = str(ROOT / "rulesets" / "chaoan-2022.perf")


def _workbook(path: Path, sheet_xml: str | None = None, extra: dict | None = None) -> Path:
    """A real two-row workbook, with its sheet's XML replaced (or parts added)."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["单位", "项目总数"])
    book.active.append(["甲", 14])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                content = sheet_xml.encode("utf-8")
            archive.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return path


_SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>'
          '{rows}</sheetData></worksheet>')
_HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>单位</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>项目总数</t></is></c></row>')


def _eval(data: Path, *more):
    from click.testing import CliRunner

    from perfdsl.cli import main

    return CliRunner().invoke(main, ["eval", CHAOAN, str(data), "--format", "csv", *more])


def test_a_billion_laughs_workbook_is_refused(tmp_path):
    laughs = "".join(f'<!ENTITY l{n} "{"&l%d;" % (n - 1) * 10 if n else "哈"}">' for n in range(10))
    sheet = f'<?xml version="1.0"?><!DOCTYPE w [{laughs}]>' + _SHEET.format(
        dimension="", rows=_HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&l9;</t></is></c></row>')
    done = _eval(_workbook(tmp_path / "laughs.xlsx", sheet))
    assert done.exit_code == 2
    assert "XML 含有 DTD 或实体声明" in done.stderr and "内部错误" not in done.stderr


def test_an_external_entity_is_never_resolved(tmp_path):
    sheet = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + _SHEET.format(
        dimension="", rows=_HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>')
    done = _eval(_workbook(tmp_path / "xxe.xlsx", sheet))
    assert done.exit_code == 2
    assert "root:" not in done.output + done.stderr
    assert "XML 含有 DTD 或实体声明" in done.stderr


def test_a_cell_bomb_is_refused_by_its_declared_width(tmp_path):
    sheet = _SHEET.format(dimension='<dimension ref="A1:XFD1048576"/>',
                          rows=_HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    done = _eval(_workbook(tmp_path / "bomb.xlsx", sheet))
    assert done.exit_code == 2
    assert "工作表声明了 16384 列，超过上限 2000 列" in done.stderr


def test_a_far_cell_without_a_dimension_costs_one_row(tmp_path):
    rows = _HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2"><v>14</v></c></row>'
    rows += '<row r="3"><c r="A3" t="inlineStr"><is><t>乙</t></is></c><c r="XFD3"><v>1</v></c></row>'
    done = _eval(_workbook(tmp_path / "far.xlsx", _SHEET.format(dimension="", rows=rows)))
    assert done.exit_code == 1  # 甲 lacks most inputs: an error in its place, as 乙 (its far cell is cut off)
    assert done.stdout.count("\n") == 3  # header + both records


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    from perfdsl import limits

    monkeypatch.setattr(limits, "WORKBOOK_BYTES", 2 * 1024 * 1024)
    padding = " " * (3 * 1024 * 1024)  # 3 MB that deflate to a few KB
    sheet = _SHEET.format(dimension="", rows=_HEADER_ROW).replace("<sheetData>", padding + "<sheetData>")
    done = _eval(_workbook(tmp_path / "zip.xlsx", sheet))
    assert done.exit_code == 2
    assert "工作簿解压后有 3.02 MB（3161974 字节），超过上限 2 MB（可能是压缩炸弹）" in done.stderr


def test_a_size_in_a_message_is_read_as_people_read_it():
    from perfdsl.limits import shown_bytes

    assert [shown_bytes(n) for n in (512, 1024, 1536, 2 * 1024 * 1024, 2097168545, 1 << 30)] == [
        "512 字节", "1 KB", "1.5 KB", "2 MB", "1.95 GB", "1 GB"]


def test_a_shared_strings_bomb_is_refused(tmp_path, monkeypatch):
    from perfdsl import limits

    monkeypatch.setattr(limits, "SHARED_STRINGS_BYTES", 1024 * 1024)
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "<si><t>a</t></si>" * 100_000
    done = _eval(_workbook(tmp_path / "sst.xlsx", extra={"xl/sharedStrings.xml": strings + "</sst>"}))
    assert done.exit_code == 2
    assert "共享字符串表解压后有" in done.stderr


def test_a_broken_workbook_is_one_message(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    done = _eval(tmp_path / "broken.xlsx")
    assert done.exit_code == 2 and "不是有效的 xlsx 文件（工作簿已损坏或不完整）" in done.stderr
    sheet = _SHEET.format(dimension="", rows=_HEADER_ROW + "<row r=\"2\"><c r=\"A2\"><v>1</v></row>")
    done = _eval(_workbook(tmp_path / "bad-xml.xlsx", sheet))
    assert done.exit_code == 2 and "工作簿的 XML 已损坏" in done.stderr


# ── the grammar cache: data, never code ─────────────────────────────────────

_PAYLOAD = """
import os, pickle
class Boom:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))
data = pickle.dumps(Boom())
"""


@pytest.mark.parametrize("content", ["pickle", "garbage", "forged", "truncated"])
def test_a_hostile_grammar_cache_is_ignored_and_never_run(tmp_path, content):
    marker = tmp_path / "pwned"
    namespace: dict = {}
    exec(_PAYLOAD.format(marker=marker), namespace)  # a pickle that would run a command when loaded
    cache = tmp_path / "cache" / "perfdsl"
    cache.mkdir(parents=True)
    good = None
    if content in ("forged", "truncated"):  # build a real cache first, then spoil it
        subprocess.run([sys.executable, "-m", "perfdsl", "check", CHAOAN], capture_output=True,
                       env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache")), check=False)
        good = (cache / "grammar.json").read_text("utf-8")
    spoilt = {"pickle": namespace["data"], "garbage": b"\x00\xff not json at all",
              "forged": (good or "").replace('"key": "', '"key": "0', 1).encode("utf-8"),
              "truncated": (good or "")[: len(good or "") // 2].encode("utf-8")}[content]
    (cache / "grammar.json").write_bytes(spoilt)
    (cache / "grammar.lark-cache").write_bytes(b"0" * 64 + b"\n" + namespace["data"])  # Lark's own cache name
    done = subprocess.run([sys.executable, "-m", "perfdsl", "check", CHAOAN], capture_output=True, text=True,
                          env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache")), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("0 个错误，2 个警告")  # Chao'an's two P410
    assert not marker.exists()  # the pickle was never loaded
    assert (cache / "grammar.json").read_text("utf-8").startswith('{"key": "')  # rebuilt as data


def test_a_ruleset_not_in_utf8_names_its_line_and_column_and_the_encoding_to_save_in(tmp_path):
    # a Chinese ruleset saved by Notepad or WPS in GB18030: the message says where, and what to do
    path = tmp_path / "gbk.perf"
    path.write_bytes(f'ruleset "潮安" {{ }}\n# 说明\n{CARD}'.encode("gb18030"))
    with pytest.raises(UsageError) as raised:
        read_ruleset(str(path))
    assert str(raised.value) == (f"{path}: 第 1 行第 10 列不是 UTF-8 文本（文件第 10 字节）："
                                 "看来是 GBK/GB18030 编码（记事本、WPS 的默认），请另存为 UTF-8 编码")
    path.write_bytes('ruleset "x" { }\n# 注释'.encode() + b"\xff\n" + CARD.encode())
    with pytest.raises(UsageError) as raised:
        read_ruleset(str(path))
    assert str(raised.value) == f"{path}: 第 2 行第 5 列不是 UTF-8 文本（文件第 25 字节）：请另存为 UTF-8 编码"


def test_old_mac_line_ends_are_named_not_read_as_one_line():
    """A file saved with CR alone at its line ends was one line: its first comment swallowed the rest, and the
    only message was that it had no scorecard (P302).  The first lone CR is P101, saying what to save it as."""
    text = f'# 潮安\rruleset "潮安" {{ }}\r{CARD}'.replace("\n", "\r")
    _, diagnostics = diagnose(text, "mac.perf")
    assert [(d.code, d.span.line, d.span.column, d.message, d.hint) for d in diagnostics] == [
        ("P101", 1, 5, "单独的回车符（CR）不是换行：文件是否用旧 Mac 格式的换行保存？", "在编辑器中改存为 LF 或 CRLF（Windows）换行")]
    model, diagnostics = diagnose(text.replace("\r", "\r\n"), "windows.perf")  # CRLF is a line end, as LF is
    assert diagnostics == [] and [card.name for card in model.scorecards] == ["卡"]


def test_a_framework_included_is_told_to_be_extended(tmp_path):
    path = tmp_path / "t.perf"
    path.write_text(f'ruleset "t" {{ }}\ninclude "common/guangdong-framework.perf"\n{CARD}', "utf-8")
    _, diagnostics = diagnose(path.read_text("utf-8"), str(path))
    assert [(d.code, d.hint) for d in diagnostics] == [
        ("P109", '它是规则集框架：要在它之上写方案，请把 include 改为 extends "common/guangdong-framework.perf"')]
