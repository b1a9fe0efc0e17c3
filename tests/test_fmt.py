"""`perfdsl fmt`: idempotent, meaning-preserving, comment-keeping — on every shipped ruleset and generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import messy, modules

from perfdsl.cli import main
from perfdsl.comments import Layout
from perfdsl.errors import PerfSyntaxError
from perfdsl.formatter import format_module, format_text
from perfdsl.parser import parse

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "rulesets").rglob("*.perf"))


def _parses(path: Path) -> bool:
    try:
        parse(path.read_text("utf-8"))
    except PerfSyntaxError:
        return False
    return True


TEXTS = SHIPPED + [p for p in sorted((ROOT / "tests").rglob("*.perf")) if _parses(p)]


def _comments(text: str) -> list[str]:
    layout = Layout()
    parse(text, "x.perf", layout)
    return [c.text for c in layout.comments]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_fmt_is_idempotent_keeps_meaning_and_comments(path):
    text = path.read_text("utf-8")
    once = format_text(text, str(path))
    assert format_text(once, str(path)) == once
    assert parse(once) == parse(text)
    assert _comments(once) == _comments(text)


def test_every_shipped_ruleset_and_library_is_formatted():
    """What CI checks: `perfdsl fmt --check rulesets/**/*.perf` finds nothing to change."""
    result = CliRunner().invoke(main, ["fmt", "--check", *map(str, SHIPPED)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(SHIPPED) == 13  # with common/guangdong-base.perf, common/guangdong-framework.perf, national-2020-projects.perf, anhui-2022-projects.perf, chongqing-2021.perf


@given(modules())
def test_generated_rulesets_print_and_parse_back(module):
    text = format_module(module)
    assert parse(text) == module
    assert format_text(text) == text


@settings(max_examples=100)
@given(st.data())
def test_generated_rulesets_laid_out_badly(data):
    module = data.draw(modules())
    text, comments = data.draw(messy(format_module(module)))
    assert parse(text) == module
    out = format_text(text)
    assert parse(out) == module
    assert format_text(out) == out
    assert [c for c in comments if c not in out] == []


# ── the command ─────────────────────────────────────────────────────────────

MESSY = 'ruleset "t"{precision 2}\nscorecard 卡 max 1 {group 组 1{indicator 甲 1{score 1}}}   # 注\n'
TIDY = '''ruleset "t" { precision 2 }
scorecard 卡 max 1 {
  group 组 1 {
    indicator 甲 1 { score 1 }
  }
}  # 注
'''


def test_fmt_rewrites_in_place_then_has_nothing_to_do(tmp_path):
    path = tmp_path / "r.perf"
    path.write_text(MESSY, "utf-8")
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert (result.exit_code, result.stderr) == (0, f"{path}: 已格式化\n")
    assert path.read_text("utf-8") == TIDY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.perf"]  # no temporary left behind
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert (result.exit_code, result.stderr) == (0, "")


def test_fmt_check_names_the_files_that_would_change_and_changes_nothing(tmp_path):
    messy, tidy = tmp_path / "messy.perf", tmp_path / "tidy.perf"
    messy.write_text(MESSY, "utf-8")
    tidy.write_text(TIDY, "utf-8")
    result = CliRunner().invoke(main, ["fmt", "--check", str(tidy), str(messy)])
    assert (result.exit_code, result.stderr) == (1, f"{messy}: 格式不规范（perfdsl fmt 会改写它）\n")
    assert messy.read_text("utf-8") == MESSY


def test_fmt_reports_a_file_that_does_not_parse_and_leaves_it_alone(tmp_path):
    broken, messy = tmp_path / "broken.perf", tmp_path / "messy.perf"
    broken.write_text(MESSY.replace("score 1", "score（1"), "utf-8")
    messy.write_text(MESSY, "utf-8")
    result = CliRunner().invoke(main, ["fmt", str(broken), str(messy)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{broken}:2:49: error[P102]: 全角符号 `（`，请改用半角 `(`\n")
    assert result.stderr.endswith(f"{messy}: 已格式化\n")
    assert broken.read_text("utf-8") == MESSY.replace("score 1", "score（1")
    assert messy.read_text("utf-8") == TIDY


def test_fmt_reads_standard_input():
    result = CliRunner().invoke(main, ["fmt", "-"], input=MESSY)
    assert (result.exit_code, result.stdout) == (0, TIDY)
    result = CliRunner().invoke(main, ["fmt", "--check", "-"], input=MESSY)
    assert (result.exit_code, result.stderr) == (1, "-: 格式不规范（perfdsl fmt 会改写它）\n")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["crlf", "bom+crlf"])
def test_fmt_keeps_a_notepad_files_crlf_and_bom(tmp_path, bom):
    """A file saved by Notepad or WPS (CRLF, perhaps a BOM) is written back as it was saved, only tidied;
    a tidy one is left alone, and `--check` does not fault it for its line ends."""
    messy, tidy = tmp_path / "messy.perf", tmp_path / "tidy.perf"
    messy.write_bytes(bom + MESSY.replace("\n", "\r\n").encode("utf-8"))
    tidy.write_bytes(bom + TIDY.replace("\n", "\r\n").encode("utf-8"))
    result = CliRunner().invoke(main, ["fmt", "--check", str(tidy), str(messy)])
    assert (result.exit_code, result.stderr) == (1, f"{messy}: 格式不规范（perfdsl fmt 会改写它）\n")
    result = CliRunner().invoke(main, ["fmt", str(tidy), str(messy)])
    assert (result.exit_code, result.stderr) == (0, f"{messy}: 已格式化\n")
    assert messy.read_bytes() == bom + TIDY.replace("\n", "\r\n").encode("utf-8")
    result = CliRunner().invoke(main, ["fmt", "--check", "-"], input=TIDY.replace("\n", "\r\n"))
    assert (result.exit_code, result.stderr) == (0, "")


def test_fmt_of_a_missing_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["fmt", str(tmp_path / "nope.perf")])
    assert (result.exit_code, result.stderr) == (2, f"{tmp_path / 'nope.perf'}: 文件不存在\n")


# ── mutated text: a located syntax error or a formatted text, never anything else ──

CHAOAN = (ROOT / "rulesets" / "chaoan-2022.perf").read_text("utf-8")
STRAYS = list("@$%^&|~!?{}()[]：；（），。\"`'=<>#\\\n\t 0") + ["元", "万元", "\n# 注\n", "  # 注"]


def _formats_or_fails_cleanly(text: str):
    try:
        once = format_text(text, "mutant.perf")
    except PerfSyntaxError as exc:
        assert exc.render().startswith("mutant.perf:")
        return
    assert format_text(once) == once


@pytest.mark.parametrize("cut", range(0, len(CHAOAN), max(1, len(CHAOAN) // 60)))
def test_fmt_of_a_truncated_ruleset(cut):
    _formats_or_fails_cleanly(CHAOAN[:cut])


@settings(max_examples=60)
@given(st.integers(0, len(CHAOAN)), st.sampled_from(STRAYS))
def test_fmt_of_a_ruleset_with_a_stray_character(position, char):
    _formats_or_fails_cleanly(CHAOAN[:position] + char + CHAOAN[position:])


@given(st.lists(st.sampled_from(list("ab 甲{}()#\n\"`;:=+-*/0.5%元") + ["score ", "input ", "let ", "group "]),
                max_size=40).map("".join))
def test_fmt_of_arbitrary_text(text):
    _formats_or_fails_cleanly(text)
