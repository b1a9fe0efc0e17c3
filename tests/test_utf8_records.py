"""`report.utf8`: md and HTML make a record as the UTF-8 bytes its output takes — the bytes of its text, under
every error handler — and as text where the output takes none, or a text will not encode."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from perfdsl import load
from perfdsl.fill import Fill
from perfdsl.isolation import one
from perfdsl.report import html, markdown, utf8

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


@pytest.mark.parametrize("errors", ["strict", "backslashreplace", "surrogateescape", "replace"])
def test_pieces_encoded_one_by_one_are_the_texts_bytes(errors):
    encoding = utf8.Encoding(errors)
    fill = Fill("| %s | 得分 %s |%%\n")
    values = ["6.4", "<b>宽\x1b"]
    made = encoding.join(["## 名\n", encoding.fill(fill, encoding.texts(values)), encoding.text("尾")])
    assert made == ("## 名\n" + fill(values) + "尾").encode("utf-8", errors)
    assert encoding.texts(values) == [value.encode("utf-8", errors) for value in values]  # (kept, the same)
    assert utf8.Encoding(None).join(["a", utf8.Encoding(None).fill(fill, values)]) == "a" + fill(values)


def _results(count=12):
    from bench_eval import make_records

    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    records = make_records(count)
    records[3]["单位"] = "<script>|**x**\n\x1b[31m"
    return program, [(position, one(program, position, raw, False, True)) for position, raw in enumerate(records, 1)]


def test_a_record_that_will_not_encode_stays_text():
    """(a record's data never holds a lone surrogate — it is refused as read —, so a made one stands in)"""
    def make(encoding):
        return lambda name: encoding.join(["## ", encoding.fill(Fill("| %s |"), encoding.texts([name]))])

    record = utf8.record_of(make, "strict")
    assert record("名") == "## | 名 |".encode()
    assert record("孤\ud800") == "## | 孤\ud800 |"  # the output then refuses it, as it did
    assert utf8.record_of(make, None)("名") == "## | 名 |"


@pytest.mark.parametrize("module", [markdown, html])
def test_a_record_made_as_bytes_is_its_texts_bytes(module):
    program, results = _results()
    as_text = module.preparer(program.model, None, None)
    as_bytes = module.preparer(program.model, None, "backslashreplace")
    strict = module.preparer(program.model, None, "strict")
    assert results[3][1].name.startswith("<script>")
    for position, result in results:
        args = (position, result)
        as_text(*args)
        (text,) = result.rendered.values()
        as_bytes(*args)
        (data,) = result.rendered.values()
        strict(*args)
        (strictly,) = result.rendered.values()
        assert text.__class__ is str and data == text.encode("utf-8", "backslashreplace") == strictly


@pytest.mark.parametrize("module", [markdown, html])
def test_a_document_written_here_is_the_same_into_bytes_or_text(module):
    program, results = _results()
    text = io.StringIO()
    module.write(text, iter(results), program.model)
    raw = io.BytesIO()
    handle = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", newline="")
    module.write(handle, iter(results), program.model)
    handle.flush()
    assert raw.getvalue() == text.getvalue().encode("utf-8", "backslashreplace")


PUBLISHED = {  # seed 001, the Chao'an review: its total and 支出率's basis, as each writer shows them
    markdown: ["### 复核得分：89.04 / 100（良好）", "| **合计** |  |  | 100 |  | **89.04** | 等级：良好 |",
               "部门预算支出率 = 6440687.91元 / (6400981.42元 + 197940.5元) = 97.60%，≥ 95%，得分值的 80%，8 × 80% = 6.4 |",
               "### 自评质量：29 / 40"],
    html: ['<b class="total">89.04</b>', "部门预算支出率 = 6440687.91元 / (6400981.42元 + 197940.5元) = 97.60%"],
}


@pytest.mark.parametrize("module", [markdown, html])
def test_the_published_record_made_as_bytes_shows_its_published_figures(module):
    import json
    from decimal import Decimal

    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    raw = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text("utf-8"), parse_float=Decimal)
    raw = {key: value for key, value in raw.items() if not key.startswith("_")}
    result = one(program, 1, raw, False, True)
    module.preparer(program.model, None, "strict")(1, result)
    (data,) = result.rendered.values()
    assert data.__class__ is bytes
    for line in PUBLISHED[module]:
        assert line.encode("utf-8") in data
