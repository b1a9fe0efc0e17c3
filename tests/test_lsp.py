"""`perfdsl lsp` driven over stdio by a real LSP client: every feature on a shipped ruleset and on broken ones."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from lsp_support import ROOT, TIMEOUT, Session, position, uri
from lsprotocol import types

CHAOAN = ROOT / "rulesets" / "chaoan-2022.perf"
GUANGDONG = ROOT / "rulesets" / "common" / "guangdong.perf"
FRAMEWORK = ROOT / "rulesets" / "common" / "guangdong-framework.perf"
TEXT = CHAOAN.read_text(encoding="utf-8")
NINE = TEXT.replace("indicator 项目完成率 8 {", "indicator 项目完成率 9 {")


@pytest.fixture(scope="module")
def lsp():
    session = Session()
    yield session
    assert session.shutdown() == 0  # it stopped because it was told to, not because it died
    assert not [log.message for log in session.logs if log.type == types.MessageType.Error]


def _check(path, text=None):
    """What `perfdsl check --format json` says about `text` (given as standard input) or `path`."""
    args = [sys.executable, "-m", "perfdsl", "check", "--format", "json", str(path)]
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, encoding="utf-8")
    return json.loads(done.stdout)


def _start(diagnostic):
    return diagnostic.range.start.line, diagnostic.range.start.character


# ── diagnostics ─────────────────────────────────────────────────────────────


def test_the_server_says_what_it_does(lsp):
    capabilities = lsp.capabilities
    assert capabilities.position_encoding == types.PositionEncodingKind.Utf16
    assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Full
    assert capabilities.hover_provider and capabilities.definition_provider and capabilities.references_provider
    assert capabilities.document_formatting_provider and capabilities.document_symbol_provider
    assert list(capabilities.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix]
    assert list(capabilities.completion_provider.trigger_characters) == ["`"]


def test_weight_changed_to_nine_publishes_p310_where_check_puts_it(lsp, tmp_path):
    nine = tmp_path / "chaoan-2022.perf"  # check reads a file; the server gets the same text unsaved
    nine.write_text(NINE, encoding="utf-8")
    printed = subprocess.run([sys.executable, "-m", "perfdsl", "check", str(nine)], capture_output=True,
                             text=True, cwd=ROOT, encoding="utf-8").stderr
    assert re.search(r"chaoan-2022\.perf:210:11: error\[P310\]: 分组 效率性 的分值为 14，但下级指标合计 6 \+ 9 = 15",
                     printed)
    found = lsp.open(CHAOAN, NINE)
    p310 = [d for d in found if d.code == "P310"]
    assert len(p310) == 1
    assert _start(p310[0]) == (209, 10)  # 210:11, 0-based
    assert p310[0].range.end == types.Position(line=209, character=16)  # `效率性 14`
    assert p310[0].severity == types.DiagnosticSeverity.Error
    assert p310[0].source == "perfdsl"
    assert p310[0].message == "分组 效率性 的分值为 14，但下级指标合计 6 + 9 = 15\n提示：声明 14，下级合计 15"
    # every diagnostic, as check gives them: code, line and column
    wanted = [(d["code"], d["line"] - 1, d["column"] - 1) for d in _check(nine)]
    assert [(d.code, *_start(d)) for d in found] == wanted
    assert [d.code for d in found] == ["P310", "P410", "P410"]
    # and fixed again: the error goes, the warnings stay
    again = lsp.change(CHAOAN, TEXT)
    assert [d.code for d in again] == ["P410", "P410"]
    lsp.close_document(CHAOAN)


def test_every_shipped_ruleset_gets_checks_diagnostics(lsp):
    for path in sorted((ROOT / "rulesets").glob("*.perf")) + sorted((ROOT / "rulesets" / "common").glob("*.perf")):
        found = lsp.open(path)
        wanted = [(d["code"], d["line"] - 1, d["column"] - 1, d["message"]) for d in _check(path)
                  if d["file"] == str(path)]  # a base's or library's own are published for its uri
        assert [(d.code, *_start(d), d.message.split("\n")[0]) for d in found] == wanted, path.name
        assert not any(d.severity == types.DiagnosticSeverity.Error for d in found), path.name
        lsp.close_document(path)


def test_a_diagnostic_in_an_included_file_is_published_for_that_file(lsp, tmp_path):
    library = tmp_path / "lib.perf"
    library.write_text("input 甲: rate\nlet 乙 = 甲 * 丁\n", encoding="utf-8")
    main = tmp_path / "main.perf"
    text = ('ruleset "主" { precision 2 }\ninclude "lib.perf"\n'
            "scorecard 卡 max 10 {\n  indicator 丙 10 { score 乙 * full }\n}\n")
    main.write_text(text, encoding="utf-8")
    own = lsp.open(main, text, also=[uri(library)])
    reported = _check(main)
    assert [(d["file"], d["code"], d["line"]) for d in reported if d["file"] == str(library)] == [(str(library), "P201", 2)]
    assert [(d.code, *_start(d)) for d in own] == [(d["code"], d["line"] - 1, d["column"] - 1) for d in reported
                                                   if d["file"] == str(main)]
    there = lsp.published[uri(library)]
    assert [(d.code, *_start(d)) for d in there] == [("P201", 1, 12)]
    assert there[0].message == "未定义的名称 `丁`"
    # the library's problem fixed (the include now names a good file): its diagnostics are cleared
    library.write_text("input 甲: rate\nlet 乙 = 甲 * 2\n", encoding="utf-8")
    waiting = lsp.expect(uri(library))
    assert "P201" not in [d.code for d in lsp.change(main, text + "\n")]
    assert lsp.run(waiting) == []
    lsp.close_document(main)


def test_utf16_columns_past_an_astral_character(lsp, tmp_path):
    path = tmp_path / "astral.perf"
    text = ('ruleset "𠀀" { precision 2 }\ninput 𠀀甲: rate\n'
            "scorecard 卡 max 10 {\n  indicator 𠀀乙 10 { score 𠀀𠀀 + 𠀀甲 * full + 𠀀丙 }\n}\n")
    found = lsp.open(path, text)
    p201 = [d for d in found if d.code == "P201"]
    assert [(_start(d), d.range.end.character) for d in p201] == [((3, 27), 31), ((3, 47), 50)]
    # `  indicator 𠀀乙 10 { score ` is 26 characters, one of them astral: 27 UTF-16 units
    hovered = lsp.hover(path, position(text, "𠀀甲 * full", offset=1))  # the cursor between 𠀀 and 甲
    assert hovered is not None and "**输入** `𠀀甲`" in hovered.contents.value
    assert hovered.range.start == position(text, "𠀀甲 * full")
    lsp.close_document(path)


def test_line_breaks_counted_as_the_lexer_counts_them(lsp, tmp_path):
    path = tmp_path / "breaks.perf"
    text = ('ruleset "x" { precision 2 }\n# 注释\u2028还是注释\x0c\ninput 甲: rate\n'
            "scorecard 卡 max 10 {\n  indicator 乙 10 { score 丙 }\n}\n")
    path.write_text(text, encoding="utf-8")
    found = lsp.open(path, text)
    assert [(d.code, *_start(d)) for d in found if d.code == "P201"] == [("P201", 4, 25)]
    wanted = [(d["code"], d["line"] - 1, d["column"] - 1) for d in _check(path)]
    assert [(d.code, *_start(d)) for d in found] == wanted
    lsp.close_document(path)



def test_ranged_changes_are_applied_as_the_client_counts(lsp, tmp_path):
    # the server asks for whole texts; a client that sends ranges anyway must not see its document replaced by
    # the fragment it typed (pygls's fallback): the range counts UTF-16 units, and lines end at \r\n as well
    path = tmp_path / "ranges.perf"
    text = ('ruleset "x" { precision 2 }  # 𠮷😀\u2028注释\r\ninput 𠮷甲: bool\r\n'
            "scorecard 卡 max 10 {\r\n  indicator 乙 10 { score if 𠮷丙 then full else 0 }\r\n}\r\n")
    found = lsp.open(path, text)
    assert [(d.code, *_start(d), d.range.end.character) for d in found] == [("P210", 1, 6, 9), ("P201", 3, 28, 31)]
    at = types.Range(types.Position(3, 30), types.Position(3, 31))  # 丙, after the surrogate pair of 𠮷
    assert lsp.edit(path, (at, "甲")) == []  # fixed: the error goes
    last = types.Range(types.Position(4, 0), types.Position(4, 1))  # the last }, deleted then typed again
    assert [(d.code, *_start(d)) for d in lsp.edit(path, (last, ""))] == [("P104", 2, 19)]  # the { left open
    assert lsp.edit(path, (types.Range(types.Position(4, 0), types.Position(4, 0)), "}")) == []
    # two changes in one notification, the second counted in the text the first made; a line past the end is the end
    assert [(d.code, *_start(d)) for d in lsp.edit(
        path, (at, "丁"), (types.Range(types.Position(0, 0), types.Position(0, 0)), "# 头\n"),
        (types.Range(types.Position(99, 5), types.Position(99, 5)), "# 尾\n"))] == [("P210", 2, 6), ("P201", 4, 28)]
    lsp.close_document(path)

# ── hover ───────────────────────────────────────────────────────────────────


def test_hover_on_an_indicator_shows_its_weight_criteria_and_rule(lsp):
    lsp.open(CHAOAN)
    hovered = lsp.hover(CHAOAN, position(TEXT, "indicator 项目完成率", offset=12))
    text = hovered.contents.value
    assert text.splitlines()[:4] == ["**指标** 预算使用效益 / 效率性 / 项目完成率（计分卡 复核得分）", "",
                                     "- 分值：8", "- 实际分值：8"]
    assert "- 评分标准：项目完成率 = 项目实际完成数 / 开展项目总数 × 100%，按比例计分" in text
    assert "```perf\nwhen 项目总数 == 0 => full\nratio 项目完成数 / 项目总数\n```" in text
    assert hovered.range == types.Range(position(TEXT, "项目完成率 8"), position(TEXT, "项目完成率 8", offset=5))


def test_hover_on_an_input_a_let_and_a_group(lsp):
    lsp.open(CHAOAN)
    shown = lsp.hover(CHAOAN, position(TEXT, "input 项目总数", offset=7)).contents.value
    assert shown.splitlines()[:3] == ["**输入** `项目总数`", "", "- 类型：`count`（计数）"]
    assert "- 默认值：无（每条记录必须给出）" in shown
    money = lsp.hover(CHAOAN, position(TEXT, "input 在用固定资产总额", offset=7)).contents.value
    assert "- 类型：`money(元)`（金额）\n- 单位：元\n- 范围：>= 0元" in money
    counted = lsp.hover(CHAOAN, position(TEXT, "input 逾期下达转移支付项数", offset=7)).contents.value
    assert "- 默认值：0" in counted
    let = lsp.hover(CHAOAN, position(TEXT, "let 部门预算支出率", offset=5)).contents.value
    assert "```perf\nlet 部门预算支出率 = 预算支出决算数 / (预算收入决算数 + 上年结转数)\n```" in let
    group = lsp.hover(CHAOAN, position(TEXT, "group 效率性", offset=7)).contents.value
    assert group.splitlines()[:3] == ["**分组** 预算使用效益 / 效率性（计分卡 复核得分）", "",
                                      "- 分值：14（下级合计 14）"]
    assert "  - 年度重点工作完成率 6\n  - 项目完成率 8" in group
    # a name used in a rule: the definition's description, even when it is in an include
    used = lsp.hover(CHAOAN, position(TEXT, "of 结转结余率", offset=4)).contents.value
    assert "**派生值** `结转结余率`" in used and f"定义于 {GUANGDONG}:15:5" in used
    assert lsp.hover(CHAOAN, position(TEXT, "ruleset", offset=2)) is None  # a keyword: nothing to say


# ── definition and references ───────────────────────────────────────────────


def test_definition_of_a_library_name_lands_in_common_guangdong(lsp):
    lsp.open(CHAOAN)
    found = lsp.definition(CHAOAN, position(TEXT, "of 结转结余率", offset=5))
    library = GUANGDONG.read_text(encoding="utf-8")
    assert found == [types.Location(uri=uri(GUANGDONG), range=types.Range(
        position(library, "结转结余率 ="), position(library, "结转结余率 =", offset=5)))]
    assert found[0].range.start == types.Position(line=14, character=4)


def test_definition_on_an_include_path_opens_the_file(lsp):
    text = FRAMEWORK.read_text(encoding="utf-8")  # Chao'an's include is its framework's now
    lsp.open(FRAMEWORK)
    found = lsp.definition(FRAMEWORK, position(text, 'include "guangdong.perf"', offset=12))
    assert found == [types.Location(uri=uri(GUANGDONG), range=types.Range(types.Position(0, 0), types.Position(0, 0)))]
    shown = lsp.hover(FRAMEWORK, position(text, 'include "guangdong.perf"', offset=12)).contents.value
    assert shown.splitlines()[:3] == ["**包含** `guangdong.perf`", "", f"文件：{GUANGDONG}"]
    assert "- 派生值：结转结余率" in shown and "- 等级表：广东五档" in shown
    lsp.close_document(FRAMEWORK)
    lsp.open(CHAOAN)  # and Chao'an's extends opens the framework
    found = lsp.definition(CHAOAN, position(TEXT, 'extends "common/guangdong-framework.perf"', offset=12))
    assert found == [types.Location(uri=uri(FRAMEWORK), range=types.Range(types.Position(0, 0), types.Position(0, 0)))]


def test_definition_on_an_extends_path_opens_the_base(lsp):
    meijiang = ROOT / "rulesets" / "meijiang-2023.perf"
    text = meijiang.read_text(encoding="utf-8")
    base = ROOT / "rulesets" / "common" / "guangdong-base.perf"
    lsp.open(meijiang)
    found = lsp.definition(meijiang, position(text, 'extends "common/guangdong-base.perf"', offset=12))
    assert found == [types.Location(uri=uri(base), range=types.Range(types.Position(0, 0), types.Position(0, 0)))]
    shown = lsp.hover(meijiang, position(text, 'extends "common/guangdong-base.perf"', offset=12)).contents.value
    assert shown.splitlines()[:3] == ["**基于** `common/guangdong-base.perf`", "", f"文件：{base}"]
    lsp.close_document(meijiang)


def test_definition_of_an_input_and_of_a_move_target(lsp):
    lsp.open(CHAOAN)
    found = lsp.definition(CHAOAN, position(TEXT, "ratio 项目完成数", offset=7))
    assert [(f.uri, f.range.start.line) for f in found] == [(uri(CHAOAN), TEXT[:TEXT.index("input 项目完成数")].count("\n"))]
    target = re.search(r"move \S+ to (\S+)", TEXT)
    if target:  # chaoan moves weight when 转移支付 does not apply
        name = target.group(1).rstrip(",")
        found = lsp.definition(CHAOAN, position(TEXT, target.group(0), offset=target.group(0).index(name)))
        assert [f.range.start.line for f in found] == [TEXT[:TEXT.index(f"indicator {name} ")].count("\n")]


def test_references_of_an_input(lsp):
    lsp.open(CHAOAN)
    found = lsp.references(CHAOAN, position(TEXT, "input 项目总数", offset=7))
    lines = [(f.uri, f.range.start.line, f.range.start.character) for f in found]
    line_of = lambda needle: TEXT[:TEXT.index(needle)].count("\n")
    assert lines == [(uri(CHAOAN), line_of("input 项目总数"), 6),
                     (uri(CHAOAN), line_of("when 项目总数 == 0"), 13),
                     (uri(CHAOAN), line_of("ratio 项目完成数 / 项目总数"), 22)]
    without = lsp.references(CHAOAN, position(TEXT, "when 项目总数", offset=6), declaration=False)
    assert [f.range.start.line for f in without] == [line_of("when 项目总数 == 0"), line_of("ratio 项目完成数 / 项目总数")]


def test_references_reach_into_the_included_library(lsp):
    lsp.open(CHAOAN)
    library = GUANGDONG.read_text(encoding="utf-8")
    found = lsp.references(CHAOAN, position(TEXT, "of 结转结余率", offset=4))
    assert [(f.uri, f.range.start.line) for f in found][0] == (uri(GUANGDONG), position(library, "结转结余率 =").line)
    assert {f.uri for f in found} == {uri(GUANGDONG), uri(CHAOAN)}


# ── completion ──────────────────────────────────────────────────────────────


def test_completion_offers_chinese_names_from_the_document_and_its_includes(lsp, tmp_path):
    path = tmp_path / "chaoan-2022.perf"
    typed = TEXT.replace("ratio 项目完成数 / 项目总数", "ratio 项目完成数 / 项目")
    lsp.open(path, typed)
    items = lsp.completion(path, position(typed, "/ 项目\n", offset=4))
    items = items.items if isinstance(items, types.CompletionList) else items
    labels = {item.label: item.detail for item in items}
    assert labels["项目总数"] == "输入" and labels["项目完成数"] == "输入"
    assert labels["项目完成率"] == "指标"
    assert "结转结余率" not in labels  # only names starting as typed
    library = lsp.completion(path, position(typed, "of 结转结余率", offset=5))
    library = library.items if isinstance(library, types.CompletionList) else library
    assert {i.label: i.detail for i in library}["结转结余率"] == "派生值"  # defined in common/guangdong.perf
    keywords = lsp.completion(path, position(typed, "ratio 项目完成数 / 项目", offset=2))
    keywords = keywords.items if isinstance(keywords, types.CompletionList) else keywords
    assert {i.label: i.kind for i in keywords}["ratio"] == types.CompletionItemKind.Keyword
    # a line being typed that breaks the parse: the last good names are still offered
    broken = typed.replace("ratio 项目完成数 / 项目", "ratio 项目完成数 / 项目 +")
    assert any(d.code.startswith("P1") for d in lsp.change(path, broken))
    items = lsp.completion(path, position(broken, "/ 项目 +", offset=4))
    items = items.items if isinstance(items, types.CompletionList) else items
    assert "项目总数" in {item.label for item in items}
    lsp.close_document(path)


# ── outline ─────────────────────────────────────────────────────────────────


def test_document_symbols_are_the_indicator_tree_with_weights(lsp):
    lsp.open(CHAOAN)
    outline = lsp.symbols(CHAOAN)
    card = outline[0]
    assert (card.name, card.detail, card.kind) == ("复核得分", "满分 100", types.SymbolKind.Module)
    assert [(g.name, g.detail) for g in card.children] == [
        ("预算编制情况", "19"), ("预算执行情况", "44"), ("预算使用效益", "37"), ("加减分项", "3")]
    benefit = card.children[2]
    assert [(g.name, g.detail) for g in benefit.children] == [("经济性", "3"), ("效率性", "14"), ("效果性", "20")]
    efficiency = benefit.children[1]
    assert [(i.name, i.detail, i.kind) for i in efficiency.children] == [
        ("年度重点工作完成率", "6", types.SymbolKind.Field), ("项目完成率", "8", types.SymbolKind.Field)]
    leaf = efficiency.children[1]
    assert leaf.selection_range == types.Range(position(TEXT, "项目完成率 8"), position(TEXT, "项目完成率 8", offset=5))
    # the declarations follow the scorecard: the document's own, not the library's
    names = [s.name for s in outline[1:]]
    assert "项目总数" in names and "部门预算支出率" in names and "结转结余率" not in names


# ── formatting ──────────────────────────────────────────────────────────────


def test_formatting_returns_what_perfdsl_fmt_writes(lsp, tmp_path):
    path = tmp_path / "chaoan-2022.perf"
    messy = (TEXT.replace("indicator 项目完成率 8 {", "indicator   项目完成率    8{")
             .replace("ratio 项目完成数 / 项目总数", "ratio 项目完成数/项目总数   "))
    lsp.open(path, messy)
    edits = lsp.formatting(path)
    written = subprocess.run([sys.executable, "-m", "perfdsl", "fmt", "-"], input=messy, capture_output=True,
                             text=True, cwd=ROOT, encoding="utf-8").stdout
    assert written == TEXT  # the shipped file is formatted
    last = messy.split("\n")
    assert len(edits) == 1
    assert edits[0].range == types.Range(types.Position(0, 0), types.Position(len(last) - 1, len(last[-1])))
    assert edits[0].new_text == written
    assert lsp.change(path, TEXT) is not None and lsp.formatting(path) == []  # already canonical: no edit
    lsp.change(path, TEXT.replace("precision 2", "precision 2："))  # does not parse: no edit
    assert lsp.formatting(path) == []
    lsp.close_document(path)


# ── quick fixes ─────────────────────────────────────────────────────────────


def _apply(text: str, edit: types.TextEdit) -> str:
    lines = text.split("\n")

    def offset(p):
        before = "\n".join(lines[: p.line])
        units = lines[p.line].encode("utf-16-le")[: p.character * 2].decode("utf-16-le")
        return len(before) + (1 if p.line else 0) + len(units)

    return text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]


def _quick_fix(lsp, path, broken: str, code: str):
    """Open `broken`; (its diagnostics with `code`, the one quick fix offered for them, the text once it is applied)."""
    found = [d for d in lsp.open(path, broken) if d.code == code]
    (action,) = lsp.code_actions(path, found)
    (edit,) = action.edit.changes[uri(path)]
    return found, action, _apply(broken, edit)


_ONE_LINE = 'ruleset "修正" {{ precision 2 }}\ninput {name}: {kind}\nscorecard 卡 max 10 {{\n  indicator 甲 10 {{ {rule} }}\n}}\n'
FIXES = [  # (the good text, what is written instead, the code, where it is, the message, the fix offered)
    (_ONE_LINE.format(name="完成数", kind="count", rule="score 完成数"), ("完成数:", "完成数："),
     "P102", (1, 9), "全角符号 `：`，请改用半角 `:`\n提示：改为 :", ":"),
    (_ONE_LINE.format(name="甲数", kind="count", rule="score if 甲数 == 0 then 0 else full"), ("甲数 ==", "甲数 ="),
     "P111", (3, 31), "比较是否相等请用 `==`（`=` 只用于 let 和默认值）\n提示：改为 ==", "=="),
    (_ONE_LINE.format(name="`“三公”经费控制率`", kind="rate", rule="score full * `“三公”经费控制率`"),
     ("full * `“三公”经费控制率`", "full * `“三公”经费控制`"),
     "P201", (3, 32), "未定义的名称 `“三公”经费控制`\n提示：是否想写 `“三公”经费控制率`？", "`“三公”经费控制率`"),
]


@pytest.mark.parametrize("good,slip,code,where,message,fix", FIXES, ids=[f[2] for f in FIXES])
def test_quick_fix_puts_right_what_the_diagnostic_names(lsp, tmp_path, good, slip, code, where, message, fix):
    path = tmp_path / "fix.perf"
    found, action, fixed = _quick_fix(lsp, path, good.replace(*slip), code)
    assert [(d.code, *_start(d), d.message) for d in found] == [(code, *where, message)]
    assert action.kind == types.CodeActionKind.QuickFix and action.title == f"改为 {fix}（{code}）"
    assert action.edit.changes[uri(path)][0].new_text == fix
    assert fixed == good
    lsp.close_document(path)


def test_quick_fix_for_a_misspelt_name(lsp, tmp_path):
    path = tmp_path / "typo.perf"
    good = ('ruleset "拼写" { precision 2 }\ninput 项目完成数: count\ninput 项目总数: count\n'
            "scorecard 卡 max 10 {\n  indicator 甲 10 { ratio 项目完成数 / 项目总数 }\n}\n")
    p201, action, fixed = _quick_fix(lsp, path, good.replace("/ 项目总数", "/ 项目总"), "P201")
    found = lsp.published[uri(path)]
    assert [_start(d) for d in p201] == [(4, 33)]
    assert p201[0].message == "未定义的名称 `项目总`\n提示：是否想写 `项目总数`？"
    assert fixed == good
    # a client that does not send `data` back still gets the fix, matched by code and range
    bare = [types.Diagnostic(range=p201[0].range, message=p201[0].message, code="P201", source="perfdsl")]
    (again,) = lsp.code_actions(path, bare)
    assert again.edit == action.edit
    assert lsp.code_actions(path, [d for d in found if d.code != "P201"]) == []  # no fix, no action
    lsp.close_document(path)


# ── broken and hostile documents ────────────────────────────────────────────


HOSTILE = [
    "",
    "\x00\x01\x02",
    "ruleset",
    "scorecard 卡 max 10 { indicator 甲 10 { score 乙 } }",
    "{" * 5000,
    "let 甲 = " + "(" * 3000 + "1" + ")" * 3000,
    "let 甲 = " + " + ".join(["1"] * 200),
    "include \"/etc/passwd\"\n",
    "include \"../../../../etc/hosts.perf\"\n",
    "input `\u202e甲`: rate\n\ud800",
    "ruleset \"x\" { precision 2 }\n" + "input 甲: rate\n" * 3 + "scorecard 卡 max 1 {\n  indicator 乙 1 { ratio 甲 / 0 }\n}\n",
    "# " + "长" * 100000,
]


def test_broken_and_hostile_documents_never_stop_the_server(lsp, tmp_path):
    path = tmp_path / "hostile.perf"
    lsp.open(path, "ruleset")
    for text in HOSTILE:
        found = lsp.change(path, text)
        assert isinstance(found, list)
        middle = types.Position(0, 3)
        assert lsp.hover(path, middle) is None or lsp.hover(path, middle).contents is not None
        assert isinstance(lsp.definition(path, middle), list)
        assert isinstance(lsp.references(path, middle), list)
        assert lsp.symbols(path) is not None
        assert isinstance(lsp.formatting(path), list)
        assert lsp.completion(path, types.Position(99, 99)) is not None  # past the end: clamped
    # still alive and still right
    assert [d.code for d in lsp.change(path, "ruleset")] == ["P104"]
    lsp.close_document(path)


def test_a_syntax_error_is_located_and_the_rest_is_quiet(lsp, tmp_path):
    path = tmp_path / "broken.perf"
    broken = TEXT.replace("indicator 项目完成率 8 {", "indicator 项目完成率 {")
    found = lsp.open(path, broken)
    assert [(d.code, *_start(d)) for d in found] == [("P112", position(broken, "indicator 项目完成率 {", offset=16).line,
                                                      position(broken, "indicator 项目完成率 {", offset=16).character)]
    assert lsp.symbols(path) == []
    assert lsp.hover(path, position(broken, "ratio 项目完成数", offset=7)) is None
    assert lsp.definition(path, position(broken, "ratio 项目完成数", offset=7)) == []
    lsp.close_document(path)


def test_a_client_offering_utf8_first_still_gets_utf16(tmp_path):
    session = Session(encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16])
    try:
        assert session.capabilities.position_encoding == types.PositionEncodingKind.Utf16
        path = tmp_path / "wide.perf"
        found = session.open(path, 'ruleset "中" { precision 2 }\ninput 完成数：count\n')
        assert [(d.code, *_start(d)) for d in found] == [("P102", 1, 9)]  # 9 UTF-16 units, 15 UTF-8 bytes
    finally:
        assert session.shutdown() == 0


# ── names in properties and moves; documents that include each other ────────


def test_score_of_in_a_property_and_move_targets_lead_to_the_indicator(lsp):
    lsp.open(CHAOAN)
    line_of = lambda needle: TEXT[:TEXT.index(needle)].count("\n")
    found = lsp.definition(CHAOAN, position(TEXT, "property score of 项目完成率", offset=20))
    assert [(f.range.start.line, f.range.start.character) for f in found] == [(line_of("indicator 项目完成率 8"), 16)]
    hovered = lsp.hover(CHAOAN, position(TEXT, "property score of 项目完成率", offset=20)).contents.value
    assert hovered.splitlines()[2] == "- 分值：8"
    moved = lsp.definition(CHAOAN, position(TEXT, "move 2 to 部门预算资金支出率", offset=11))
    assert [f.range.start.line for f in moved] == [line_of("indicator 部门预算资金支出率 ")]
    receives = lsp.hover(CHAOAN, position(TEXT, "indicator 部门预算资金支出率 ", offset=12)).contents.value
    assert "- 分值：6\n- 实际分值：6 至 8（不适用时调入：资金下达 +2）" in receives
    uses = lsp.references(CHAOAN, position(TEXT, "indicator 项目完成率 8", offset=12), declaration=False)
    assert [f.range.start.line for f in uses] == [line_of("property score of 项目完成率")]


def test_an_open_library_keeps_its_own_diagnostics(lsp, tmp_path):
    library = tmp_path / "lib.perf"
    library.write_text("input 甲: rate\nlet 乙 = 甲 * 丁\n", encoding="utf-8")
    main = tmp_path / "main.perf"
    text = 'ruleset "主" { precision 2 }\ninclude "lib.perf"\nscorecard 卡 max 10 {\n  indicator 丙 10 { score 乙 }\n}\n'
    own = lsp.open(library)
    assert [(d.code, *_start(d)) for d in own] == [("P201", 1, 12)]
    lsp.open(main, text)
    lsp.close_document(main)  # closing the includer does not wipe what the open library says
    assert [d.code for d in lsp.change(library, library.read_text(encoding="utf-8") + "\n")] == ["P201"]
    lsp.close_document(library)



def test_a_library_closed_shows_the_includers_diagnostics_again(lsp, tmp_path):
    library = tmp_path / "lib.perf"
    library.write_text("input 甲: rate\nlet 乙 = 甲 * 丁\n", encoding="utf-8")
    main = tmp_path / "main.perf"
    text = 'ruleset "主" { precision 2 }\ninclude "lib.perf"\nscorecard 卡 max 10 {\n  indicator 丙 10 { score 乙 }\n}\n'
    lsp.open(main, text, also=[uri(library)])
    assert [(d.code, *_start(d)) for d in lsp.published[uri(library)]] == [("P201", 1, 12)]
    lsp.open(library)
    lsp.close_document(library)  # its own analysis stops speaking for it; the includer's still finds the problem
    lsp.symbols(main)  # a round trip: every notification before it has been handled
    assert [(d.code, *_start(d)) for d in lsp.published[uri(library)]] == [("P201", 1, 12)]
    lsp.close_document(main)
    lsp.symbols(library)
    assert lsp.published[uri(library)] == [] and lsp.published[uri(main)] == []

def test_a_library_changed_on_disk_is_seen_by_the_open_includer(lsp, tmp_path):
    library = tmp_path / "lib.perf"
    library.write_text("input 甲: rate\nlet 乙 = 甲 * 2\n", encoding="utf-8")
    main = tmp_path / "main.perf"
    text = 'ruleset "主" { precision 2 }\ninclude "lib.perf"\nscorecard 卡 max 10 {\n  indicator 丙 10 { score 乙 }\n}\n'
    assert "P201" not in [d.code for d in lsp.open(main, text)]
    library.write_text("input 甲: rate\nlet 乙 = 甲 * 丁\n", encoding="utf-8")
    waiting = lsp.expect(uri(library))
    lsp.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=uri(library), type=types.FileChangeType.Changed)]))
    assert [(d.code, *_start(d)) for d in lsp.run(waiting)] == [("P201", 1, 12)]
    lsp.close_document(main)


def test_notes_become_related_information_in_the_file_they_name(lsp, tmp_path):
    path = tmp_path / "shadow.perf"
    text = ('ruleset "遮蔽" { precision 2 }\ninclude "common/guangdong.perf"\nlet 结转结余率 = 1\n'
            "scorecard 卡 max 10 {\n  indicator 甲 10 { score full * 结转结余率 }\n}\n")
    found = [d for d in lsp.open(path, text) if d.code == "P209"]
    assert [_start(d) for d in found] == [(2, 4)]
    library = GUANGDONG.read_text(encoding="utf-8")
    (related,) = found[0].related_information
    assert related.message == "库中的定义在此"
    assert related.location == types.Location(uri=uri(GUANGDONG), range=types.Range(
        position(library, "结转结余率 ="), position(library, "结转结余率 =", offset=5)))
    lsp.close_document(path)


def test_the_arguments_lsp_clients_add_are_accepted():
    # vscode-languageclient adds --stdio (and --clientProcessId) to the command it starts
    done = subprocess.run([sys.executable, "-m", "perfdsl", "lsp", "--stdio", "--clientProcessId=1"], input=b"",
                          capture_output=True, cwd=ROOT, timeout=TIMEOUT)
    assert (done.returncode, done.stderr.decode()) == (0, "")  # standard input ended: the server stops, quietly
