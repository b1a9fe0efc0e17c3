"""`fill.Fill` is ``%`` by one join, and `report.cells.Cells` each text's escaped form, kept."""

from __future__ import annotations

import pytest

from perfdsl.fill import Fill
from perfdsl.neutralise import markdown
from perfdsl.report.cells import Cells


@pytest.mark.parametrize("template,values", [
    ("a%sb%%c%s", ("X", "Y")), ("%s", ("1",)), ("", ()), ("x%%", ()), ("%%s%s", ("q",)),
    ("| %s | 得分 %s |\n", ("6.4", "<b>")), ("%s%s", ("", "%s")),
])
def test_a_fill_is_the_templates_percent(template, values):
    assert Fill(template)(values) == template % values


def test_a_value_that_is_not_text_is_shown_as_percent_shows_it():
    assert Fill("%s / %s")(("1", 2)) == "1 / 2"
    with pytest.raises(TypeError):
        Fill("%s")(("a", "b"))  # the wrong count fails as ``%`` does


@pytest.mark.parametrize("template", ["%d", "a%", "%(x)s 1"])
def test_only_plain_holes_make_a_fill(template):
    with pytest.raises(ValueError):
        Fill(template)


def test_cells_escape_each_text_once_and_stay_bounded():
    seen = []
    cells = Cells(lambda text: seen.append(text) or markdown(text))
    assert cells(("a|b", "ok", "a|b")) == ["a\\|b", "ok", "a\\|b"]
    assert cells(("ok", "*x*")) == ["ok", "\\*x\\*"]
    assert seen == ["a|b", "ok", "*x*"]
    Cells.SIZE, size = 3, Cells.SIZE
    try:
        assert cells(("new",)) == ["new"] and cells.kept == {"new": "new"}  # full: dropped, then kept again
    finally:
        Cells.SIZE = size
