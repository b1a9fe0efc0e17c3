"""md, html and the table read a plain scorecard from the flat result tuple (`scoresheet.cards`):
the same text as through the `Result` tree, on every shipped ruleset's examples and generated Chao'an records,
without building the tree; a scorecard with `each` groups or scorecard rules still goes through it."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from perfdsl import load
from perfdsl.isolation import one
from perfdsl.report import html, markdown, scoresheet, table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _ruleset(example: Path) -> Path:
    return max((r for r in (ROOT / "rulesets").glob("*.perf") if example.stem.startswith(r.stem)),
               key=lambda r: len(r.stem))


def _records(example: Path) -> list:
    import json

    data = json.loads(example.read_text("utf-8"))
    return data if isinstance(data, list) else [data]


def _written(program, records, monkeypatch, flat: bool) -> dict:
    if not flat:  # every scorecard through the tree, as before
        monkeypatch.setattr(scoresheet, "flat_scorecards", lambda model: [False] * len(model.scorecards))
    out = {}
    for name, write in (("md", lambda h, r: markdown.write(h, r, program.model)),
                        ("html", lambda h, r: html.write(h, r, program.model)),
                        ("table", lambda h, r: table.write(h, r, program.model, terminal=False))):
        results = [(position, one(program, position, raw, False, True)) for position, raw in enumerate(records, 1)]
        handle = io.StringIO()
        write(handle, iter(results))
        # (the tree was not built, every node's line was rendered from the facts) per record
        out[name] = (handle.getvalue(), [(result._cards is None, all(None not in texts[0] for texts in result.texts()))
                                         for _, result in results])
    monkeypatch.undo()
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_the_flat_path_writes_the_trees_text(example, monkeypatch):
    program = load(_ruleset(example))
    records = _records(example)
    flat, tree = _written(program, records, monkeypatch, True), _written(program, records, monkeypatch, False)
    plain = all(scoresheet.flat_scorecards(program.model))
    for name in flat:
        assert flat[name][0] == tree[name][0], name
        # the tree is built only where a card needs it: list items, scorecard rules, a line the facts leave open
        assert [untouched for untouched, _ in tree[name][1]] == [False] * len(records), name
        assert [untouched for untouched, _ in flat[name][1]] == [plain and rendered for _, rendered in flat[name][1]]
    if example.stem == "chaoan-2022":  # seed 001's published figures, read from the flat tuple
        assert "### 复核得分：89.04 / 100（良好）" in flat["md"][0] and "自评质量：29 / 40" in flat["md"][0]


def test_generated_chaoan_records_and_which_cards_are_plain(monkeypatch):
    from bench_eval import make_records

    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    records = make_records(60)
    flat, tree = _written(program, records, monkeypatch, True), _written(program, records, monkeypatch, False)
    assert {name: text for name, (text, _) in flat.items()} == {name: text for name, (text, _) in tree.items()}
    assert all(untouched for name in flat for untouched, _ in flat[name][1])  # no tree built for any of them
    assert scoresheet.flat_scorecards(program.model) == [True, True]  # 复核得分, 自评质量: no each, no rules
    for name in ("yaan-2020-projects", "national-2020-projects"):  # each groups or scorecard rules: the tree
        model = load(ROOT / "rulesets" / f"{name}.perf").model
        assert not all(scoresheet.flat_scorecards(model)), name


def test_a_plain_scorecards_template_keeps_names_that_look_like_its_holes(tmp_path, monkeypatch):
    """md, html and the table lay a plain scorecard's lines out as one ``%`` template: the ruleset's names and
    criteria in it (``%s``, ``%(r)s``, ``100%``, markup) are text, as the tree's path writes them."""
    from bench_eval import make_records

    text = (ROOT / "rulesets" / "chaoan-2022.perf").read_text("utf-8")
    assert "group 预算编制 9 {" in text and "indicator 提前下达率 4 {" in text
    text = text.replace("group 预算编制 9 {", "group `预算%(r)s编制&<b>|*` 9 {")
    text = text.replace("提前下达率", "`提前%s下达率%`")  # and where the ruleset names it
    ruleset = tmp_path / "percent.perf"
    ruleset.write_text(text, "utf-8")
    program = load(ruleset)
    records = make_records(20)
    flat, tree = _written(program, records, monkeypatch, True), _written(program, records, monkeypatch, False)
    for name in flat:
        assert flat[name][0] == tree[name][0], name
        assert "提前%s下达率%" in flat[name][0], name
        assert all(untouched for untouched, _ in flat[name][1]), name  # the flat path was taken
