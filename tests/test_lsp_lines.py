"""Lines are numbered as Lark numbers them (at ``\\n`` only): excerpts and the language server agree with it."""

from perfdsl import loader
from perfdsl.source import SourceFile, split_lines

_TAIL = 'input 甲: number\nscorecard 卡 max 100 {\n  indicator 乙 100 { score 丙 }\n}\n'


def _first(text):
    _, diagnostics = loader.diagnose(text, "t.perf")
    return next(d for d in diagnostics if d.code == "P201")  # `丙` is not defined


def test_excerpt_is_the_line_lark_counts_past_u2028_formfeed_and_cr():
    # each of these is a line break to str.splitlines but an ordinary character to the lexer
    for odd in ("\u2028", "\x0c", "\x1c", "\u0085"):
        text = f'ruleset "x" {{ precision 2 }}\n# 注释{odd}还是注释\n' + _TAIL
        diagnostic = _first(text)
        assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("P201", 5, 27), repr(odd)
        assert diagnostic.render().splitlines()[1] == "5 |   indicator 乙 100 { score 丙 }", repr(odd)


def test_crlf_lines_show_without_the_cr():
    text = ('ruleset "x" { precision 2 }\n' + _TAIL).replace("\n", "\r\n")
    diagnostic = _first(text)
    assert (diagnostic.span.line, diagnostic.span.column) == (4, 27)
    assert diagnostic.render().splitlines()[1] == "4 |   indicator 乙 100 { score 丙 }"


def test_split_lines():
    assert split_lines("") == ("",)
    assert split_lines("a\nb\n") == ("a", "b")
    assert split_lines("a\r\nb\u2028c\x0cd\n\n") == ("a", "b\u2028c\x0cd", "")
    assert SourceFile("t", "a\u2028b\nc").line(2) == "c"
