"""The cache of parsed rulesets: the same scores, keyed on every source, data only, ignored when bad."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from perfdsl import load, modelcache, read_record
from perfdsl.errors import PerfCheckError

ROOT = Path(__file__).resolve().parent.parent
D = Decimal
CARD = """ruleset "t" { }
include "lib/grades.perf"
input x: number
scorecard 卡 max 100 {
  grades 两档
  group 组 100 { indicator 分 100 { score x } }
}
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PERFDSL_CACHE_DIR", str(folder))
    monkeypatch.delenv("PERFDSL_NO_CACHE", raising=False)
    return folder


def _entries(cache) -> list[Path]:
    return sorted((cache / "models").glob("*.json")) if (cache / "models").is_dir() else []


@pytest.mark.parametrize("name,example", [("chaoan-2022", "chaoan-2022"), ("baoshan-2021", "baoshan-2021"),
                                          ("meijiang-2023", "meijiang-2023"), ("yaan-2020", "yaan-2020"),
                                          ("zhanjiang-2021", "zhanjiang-2021"),
                                          ("national-2020-projects", "national-2020-projects-capped")])
def test_a_cached_ruleset_scores_and_explains_as_a_parsed_one(cache, name, example):
    path = ROOT / "rulesets" / f"{name}.perf"
    record = read_record(ROOT / "examples" / f"{example}.json")
    fresh = load(path).evaluate(record)
    first = load(path, cache=True).evaluate(record)  # parsed, and kept
    assert len(_entries(cache)) == 1
    second = load(path, cache=True).evaluate(record)  # from the cache
    for result in (first, second):
        assert result.flat == fresh.flat
        assert [n.basis for c in result.scorecards for n in c.nodes] == \
               [n.basis for c in fresh.scorecards for n in c.nodes]
    assert second.program.source == fresh.program.source  # the same generated evaluator


def test_a_hit_does_not_import_lark(cache):
    code = ("import sys; from perfdsl import load; "
            f"p = load({str(ROOT / 'rulesets' / 'chaoan-2022.perf')!r}, cache=True); print('lark' in sys.modules)")
    env = dict(os.environ, PERFDSL_CACHE_DIR=str(cache))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
            for _ in range(2)]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]


def _library(tmp_path, bar: str):
    (tmp_path / "lib").mkdir(exist_ok=True)
    (tmp_path / "lib" / "grades.perf").write_text(f"grades 两档 {{ 合格 >= {bar}; 不合格 }}\n", "utf-8")
    (tmp_path / "card.perf").write_text(CARD, "utf-8")


def test_an_include_that_changed_is_a_new_parse(cache, tmp_path):
    _library(tmp_path, "60")
    assert load(tmp_path / "card.perf", cache=True).evaluate({"x": 59}).scorecards[0].grade == "不合格"
    assert load(tmp_path / "card.perf", cache=True).evaluate({"x": 59}).scorecards[0].grade == "不合格"
    _library(tmp_path, "50")  # the ruleset's own text is the same: only its include tells
    assert load(tmp_path / "card.perf", cache=True).evaluate({"x": 59}).scorecards[0].grade == "合格"
    (tmp_path / "lib" / "grades.perf").unlink()
    with pytest.raises(Exception) as caught:  # a source gone: parsed again, and its error is the parser's
        load(tmp_path / "card.perf", cache=True)
    assert "grades.perf" in str(caught.value.render() if hasattr(caught.value, "render") else caught.value)


def test_a_base_that_changed_is_a_new_parse(cache, tmp_path):
    """`extends`: the base is a source of the cached tree like an include (its edits are merged before caching)."""
    (tmp_path / "base.perf").write_text(
        'ruleset "基础" { precision 2 }\ninput x: number\ngrades 两档 { 合格 >= 60; 不合格 }\n'
        "scorecard 卡 max 100 {\n  grades 两档\n  group 组 100 { indicator 分 100 { score x } }\n}\n", "utf-8")
    (tmp_path / "child.perf").write_text('ruleset "区" { precision 2 }\nextends "base.perf"\n', "utf-8")
    assert load(tmp_path / "child.perf", cache=True).evaluate({"x": 59}).scorecards[0].grade == "不合格"
    assert load(tmp_path / "child.perf", cache=True).evaluate({"x": 59}).scorecards[0].grade == "不合格"
    assert len(_entries(cache)) == 1
    text = (tmp_path / "base.perf").read_text("utf-8").replace(">= 60", ">= 50")
    (tmp_path / "base.perf").write_text(text, "utf-8")  # the extending file is the same: only its base tells
    assert load(tmp_path / "child.perf", cache=True).evaluate({"x": 59}).scorecards[0].grade == "合格"


SHADOWED = {
    "include": ('ruleset "t" { }\ninclude "common/national.perf"\ninput x: number\n'
                "scorecard 卡 max 100 {\n  grades 全国四档\n  group 组 100 { indicator 分 100 { score x } }\n}\n",
                "common/national.perf", "grades 全国四档 { 优秀 >= 90; 良好 >= 86; 中 >= 60; 差 }\n", {"x": 85}),
    "extends": ('ruleset "t" { }\nextends "common/guangdong-framework.perf"\ninput 单位: text\ninput x: number\n'
                "scorecard 卡 max 100 {\n  grades 广东五档\n  group 组 100 { indicator 分 100 { score x } }\n}\n",
                "common/guangdong-framework.perf",
                'ruleset "框架" { record 单位\n  framework }\ngrades 广东五档 { 优秀 >= 90; 良好 >= 86; 中 >= 70; 差 }\n',
                {"单位": "甲", "x": 85}),
}


@pytest.mark.parametrize("how", sorted(SHADOWED))
def test_a_library_made_beside_the_ruleset_is_read_instead_of_the_shipped_one(cache, tmp_path, how):
    """An include or base is looked for beside the file first, then among the shipped libraries: a file made
    beside it after the tree was cached is the one a parse reads, so the entry is stale."""
    ruleset, written, library, record = SHADOWED[how]
    (tmp_path / "card.perf").write_text(ruleset, "utf-8")
    assert load(tmp_path / "card.perf", cache=True).evaluate(record).scorecards[0].grade == "良好"
    assert load(tmp_path / "card.perf", cache=True).evaluate(record).scorecards[0].grade == "良好"
    (tmp_path / written).parent.mkdir(parents=True)
    (tmp_path / written).write_text(library, "utf-8")  # nothing the entry read has changed: only where it looked
    assert load(tmp_path / "card.perf").evaluate(record).scorecards[0].grade == "中"
    assert load(tmp_path / "card.perf", cache=True).evaluate(record).scorecards[0].grade == "中"
    assert load(tmp_path / "card.perf", cache=True).evaluate(record).scorecards[0].grade == "中"


HOSTILE = [
    "",
    "{",
    "\x00\x01garbage",
    '{"format": 1, "key": "KEY", "sources": [], "files": [], "module": ["o", "os.system", {"command": "touch PWNED"}]}',
    '{"format": 1, "key": "KEY", "sources": [], "files": [], "module": ["o", "nodes.Module", {"nonsense": 1}]}',
    '{"format": 1, "key": "KEY", "sources": [], "files": [], "module": "gASVIAAAAAAAAACMAm9zlIwGc3lzdGVtlJOUjAV0b3VjaJSFlFKULg=="}',
    '{"format": 1, "key": "KEY", "sources": [["/etc/passwd", "0"]], "files": [], "module": null}',
    # entries of the current format, each wrong in a way only the decoder can tell
    *('{"format": %d, "key": "KEY", "sources": [], "files": [["a.perf", "x"]], "module": %s}' % (modelcache.FORMAT, module)
      for module in (
          '["o", "os.system", ["touch PWNED"]]',  # not a tree's class
          '["o", "nodes.Module", [1]]',  # too few values
          '["o", "source.SourceFile", ["a.perf", "x", "y"]]',  # too many
          '["s", 0, 1, 2]',  # a span cut short
          '["s", 5, 1, 1, 1, 2]',  # a file that is not there
          '["t", [1.5]]',  # a float: never written
          '["t", [{"a": 1}]]',  # an object: never written
          '["d", [[1]]]',  # a pair cut short
          '[["t"], []]',  # a tag that is not one
          '["x", []]',  # an unknown tag
          '["l", [["o", "nodes.Module", []]]]',  # not a Module at the top
      )),
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_truncated_garbage_or_hostile_entry_is_ignored_and_written_again(cache, tmp_path, text, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = ROOT / "rulesets" / "chaoan-2022.perf"
    record = read_record(ROOT / "examples" / "chaoan-2022.json")
    load(path, cache=True)
    [entry] = _entries(cache)
    good = json.loads(entry.read_text("utf-8"))
    entry.write_text(text.replace("KEY", good["key"]), "utf-8")
    result = load(path, cache=True).evaluate(record)
    assert result.scorecards[0].score == D("89.04")
    assert not (tmp_path / "PWNED").exists()
    assert json.loads(entry.read_text("utf-8")) == good  # rewritten whole
    truncated = entry.read_text("utf-8")[: len(text) + 500]
    entry.write_text(truncated, "utf-8")
    assert load(path, cache=True).evaluate(record).scorecards[0].score == D("89.04")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("which", ["entry", "grammar"])
def test_a_fifo_in_place_of_a_cache_file_is_no_hang(cache, tmp_path, which):
    """An entry, or the grammar's cache, that is a FIFO (or a device): never opened to wait for a writer,
    nor read without end — ignored like any other bad entry."""
    ruleset, example = str(ROOT / "rulesets" / "chaoan-2022.perf"), str(ROOT / "examples" / "chaoan-2022.json")
    env = dict(os.environ, PERFDSL_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "perfdsl", "eval", ruleset, example, "--format", "json"]
    expected = subprocess.run(command + ["--no-cache"], capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert expected.returncode == 0
    if which == "entry":
        load(ruleset, cache=True)
        [entry] = _entries(cache)
        entry.unlink()
        os.mkfifo(entry)
    else:
        grammar = cache / "grammar.json"
        grammar.unlink()
        os.mkfifo(grammar)
    done = subprocess.run(command, capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, expected.stdout, expected.stderr)


@pytest.mark.parametrize("where", ["PERFDSL_CACHE_DIR", "relative XDG_CACHE_HOME", "no home"])
def test_the_grammars_cache_is_in_the_cache_folder_never_in_the_working_one(tmp_path, where):
    """The grammar's cache (parser.py) goes where the model cache goes (`userdirs`)."""
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    env = {name: value for name, value in os.environ.items()
           if name not in ("HOME", "XDG_CACHE_HOME", "PERFDSL_CACHE_DIR")}
    env.update({"PERFDSL_CACHE_DIR": {"PERFDSL_CACHE_DIR": str(cache), "HOME": str(tmp_path / "home")},
                "relative XDG_CACHE_HOME": {"XDG_CACHE_HOME": "xdg", "HOME": str(tmp_path / "home")},
                "no home": {}}[where], PYTHONPATH=str(ROOT))
    code = "from perfdsl import parser\nparser._lark()\n"
    if where == "no home":  # as without HOME and a password entry: Path.home raises, expanduser gives "~" back
        code = ("import os, pathlib\ndef nowhere(cls):\n    raise RuntimeError('no home')\n"
                "pathlib.Path.home = classmethod(nowhere)\nos.path.expanduser = lambda path: path\n") + code
    subprocess.run([sys.executable, "-c", code], cwd=work, env=env, check=True, timeout=120)
    assert list(work.iterdir()) == []
    assert (cache / "grammar.json").is_file() == (where == "PERFDSL_CACHE_DIR")


def test_no_cache_and_the_environment_variable_turn_it_off(cache, tmp_path):
    from click.testing import CliRunner

    from perfdsl.cli import main

    ruleset, example = str(ROOT / "rulesets" / "chaoan-2022.perf"), str(ROOT / "examples" / "chaoan-2022.json")
    done = CliRunner().invoke(main, ["eval", ruleset, example, "--format", "json", "--no-cache"])
    assert done.exit_code == 0 and _entries(cache) == []
    done = CliRunner(env={"PERFDSL_NO_CACHE": "1"}).invoke(main, ["eval", ruleset, example, "--format", "json"])
    assert done.exit_code == 0 and _entries(cache) == []
    done = CliRunner().invoke(main, ["eval", ruleset, example, "--format", "json"])
    assert done.exit_code == 0 and len(_entries(cache)) == 1
    assert json.loads(done.stdout)["scorecards"][0]["score"] == 89.04


def test_an_unwritable_cache_is_no_reason_to_fail(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", "utf-8")
    monkeypatch.setenv("PERFDSL_CACHE_DIR", str(blocked))
    assert load(ROOT / "rulesets" / "chaoan-2022.perf", cache=True).evaluate(
        read_record(ROOT / "examples" / "chaoan-2022.json")).scorecards[0].score == D("89.04")


def test_no_home_folder_to_put_the_cache_in_is_no_reason_to_fail(tmp_path, monkeypatch):
    """No HOME and no password entry (a container run as a bare uid): `Path.home` raises RuntimeError."""
    from perfdsl import userdirs

    def nowhere():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(userdirs, "cache_dir", nowhere)
    assert load(ROOT / "rulesets" / "chaoan-2022.perf", cache=True).evaluate(
        read_record(ROOT / "examples" / "chaoan-2022.json")).scorecards[0].score == D("89.04")


def test_a_ruleset_named_two_ways_keeps_each_name_in_its_messages(cache, monkeypatch):
    monkeypatch.chdir(ROOT)
    relative, absolute = "rulesets/chaoan-2022.perf", str(ROOT / "rulesets" / "chaoan-2022.perf")
    for _ in range(2):
        for path in (relative, absolute):
            program = load(path, cache=True)
            assert program.model.scorecards[0].span.source.path == path
    assert len(_entries(cache)) == 2


def test_a_tree_that_checked_cleanly_is_not_checked_again(cache):
    """The entry says the tree resolved and checked without an error: a warm load skips the checks (and
    their modules), and scores the same."""
    code = ("import sys; from perfdsl import load, read_record; "
            f"p = load({str(ROOT / 'rulesets' / 'chaoan-2022.perf')!r}, cache=True); "
            f"r = p.evaluate(read_record({str(ROOT / 'examples' / 'chaoan-2022.json')!r})); "
            "print(r.scorecards[0].score, 'perfdsl.checks' in sys.modules, 'perfdsl.reach' in sys.modules)")
    env = dict(os.environ, PERFDSL_CACHE_DIR=str(cache))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
            for _ in range(2)]
    assert [run.stdout.split() for run in runs] == [["89.04", "True", "True"], ["89.04", "False", "False"]]
    [entry] = _entries(cache)
    assert json.loads(entry.read_text("utf-8"))["checked"] is True


def test_a_tree_with_a_check_error_is_checked_every_time(cache, tmp_path):
    """A ruleset that parses but does not check (weights that do not add up, an unknown grade) is kept with
    ``"checked": false``: every load from the cache checks it again and reports every error, word for word."""
    (tmp_path / "bad.perf").write_text(
        'ruleset "t" { }\ninput x: number\n'
        "scorecard 卡 max 100 {\n  group 组 90 {\n    indicator 甲 50 { score x }\n    indicator 乙 30 { score x }\n  }\n}\n",
        "utf-8")
    messages = []
    for _ in range(3):
        with pytest.raises(PerfCheckError) as caught:
            load(tmp_path / "bad.perf", cache=True)
        messages.append(caught.value.render())
        [entry] = _entries(cache)
        assert json.loads(entry.read_text("utf-8"))["checked"] is False
    assert messages[0] == messages[1] == messages[2]
    assert "P310" in messages[0] and "P311" in messages[0]


def test_an_entry_of_other_perfdsl_code_is_not_read(cache, tmp_path, monkeypatch):
    """The key holds every perfdsl module's size and time: a changed check is a new entry, never a stale
    ``checked``."""
    from perfdsl import modelcache

    path = ROOT / "rulesets" / "chaoan-2022.perf"
    load(path, cache=True)
    before = modelcache._fingerprint()
    assert "checks.py:" in before and "reach.py:" in before and "nodes.py:" in before
    real = os.stat

    def touched(name, *args, **kwargs):
        result = real(name, *args, **kwargs)
        if str(name).endswith("checks.py"):
            return os.stat_result((*result[:8], result[8] + 1, result[9]))
        return result

    monkeypatch.setattr(os, "stat", touched)
    assert modelcache._fingerprint() != before
    load(path, cache=True)
    assert len(_entries(cache)) == 2


def test_a_rule_forms_module_is_in_the_key(monkeypatch):
    """A form's resolve, checks and classes live in perfdsl/forms/: a change there is a new entry too."""
    from perfdsl import modelcache

    before = modelcache._fingerprint()
    assert "bands.py:" in before and "panel.py:" in before
    real = os.stat

    def touched(name, *args, **kwargs):
        result = real(name, *args, **kwargs)
        if str(name).endswith(os.path.join("forms", "bands.py")):
            return os.stat_result((*result[:8], result[8] + 1, result[9]))
        return result

    monkeypatch.setattr(os, "stat", touched)
    assert modelcache._fingerprint() != before


def test_another_lark_is_another_key(monkeypatch):
    """The tree is Lark's parse: an upgraded Lark (its ``__init__.py`` holds the version) is a new entry, found
    without importing Lark."""
    import lark

    from perfdsl import modelcache

    before = modelcache._fingerprint()
    assert f"lark/__init__.py:{os.stat(lark.__file__).st_size}:" in before
    real = os.stat

    def touched(name, *args, **kwargs):
        result = real(name, *args, **kwargs)
        if str(name) == lark.__file__:
            return os.stat_result((*result[:8], result[8] + 1, result[9]))
        return result

    monkeypatch.setattr(os, "stat", touched)
    assert modelcache._fingerprint() != before


def test_a_rule_forms_classes_are_kept_under_their_nodes_names():
    """The entry format is unchanged: a form's classes, declared in its module, are tagged as before."""
    from perfdsl import modelcache, nodes

    assert modelcache._NAMES[nodes.BandsRule] == "nodes.BandsRule"
    assert modelcache._NAMES[nodes.CheckItem] == "nodes.CheckItem"
    assert nodes.BandsRule.__module__ == "perfdsl.forms.bands"
