"""The grammar itself: conflict-free LALR(1), and every rule it names has a builder."""

from __future__ import annotations

from lark import Lark

from perfdsl import parser


def test_grammar_is_strict_lalr():
    # strict: shift/reduce conflicts and colliding terminals are errors, not silent choices
    Lark(parser.grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
         postlex=parser._Newlines(), strict=True, maybe_placeholders=True)


def test_every_tree_the_parser_can_build_has_a_builder():
    produced = set()
    for rule in parser._lark().rules:
        name = rule.alias or rule.origin.name
        kept = [s for s in rule.expansion if not (s.is_term and s.filter_out)]
        if name.startswith("_") or (rule.options.expand1 and len(kept) == 1 and not rule.alias):
            continue  # a `?rule` alternative with one child is replaced by that child
        produced.add(str(name))
    assert sorted(n for n in produced if not hasattr(parser._Builder, n)) == []
