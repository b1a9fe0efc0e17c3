"""The parse of a well-formed ruleset in one pass: Lark's own LALR tables and lexers, driven by one loop that
builds `nodes` as it reduces.

`parser.parse` tries this first.  Lark's `parse` makes a parse tree (a `Tree` per rule, positions propagated
from child to parent by a chain of wrappers per reduction) that `parser._Builder` then walks a second time;
here every reduction calls the builder's method for its rule at once, with the same children (the same
child filtering, `_rule` splicing, `?rule` inlining and `[…]` placeholders, which are Lark's, read from
Lark's own rule data) and the same positions (Lark's `propagate_positions`: a node spans from the first token
of its first child to the last token of its last, brackets and keywords included).  The lexing is the
contextual lexer's, state by state (its regular expressions, its keywords-as-names rule, the ignored
terminals), with `parser._Newlines`' rules for newlines applied as each one comes.

Only success is handled here.  Anything else — a syntax error, a builder's error (`_BuildError`), a ruleset
that might exceed one of `limits`' bounds — raises `Slow`, and the caller parses the text again the old
way, which finds the same first problem and words it exactly as before (errors are rare; the second parse
costs nothing on the path that matters).  The bounds are judged conservatively, from the tokens: a run of
more than `limits.EXPRESSION_DEPTH` operator tokens between two statement ends, braces nested deeper than
`limits.INDICATOR_DEPTH` + 1, a list rule with more children than its bound, a long run of digits, more
level keywords than `limits.INDICATORS` — each of them only sends the text the slow way, which judges
exactly.  tests/test_fastparse.py holds that both ways give equal trees with equal spans on every ruleset
the project has.
"""

from __future__ import annotations

from operator import itemgetter

#: How a reduction keeps its children (Lark's child filter, `Tables`): all of them, some by index (two or
#: more, or one), or by the general filter (with `_rule`s spliced in and placeholders for `[…]`).
ALL, SOME, ONE, FILTER = range(4)


class Slow(Exception):
    """This text is for the full parse (an error to word, or a bound to judge exactly)."""


def refuse(*_):
    """The node of a `?rule` that kept more than one child and has no builder method (Lark would make a
    `Tree`): not a tree the builder makes."""
    raise Slow


class Token(str):
    """A terminal as the builder reads it: its text, its type and where it is (Lark's `Token` without its
    constructor, which cost more than the rest of the lexing)."""

    __slots__ = ("type", "line", "column", "end_line", "end_column")


def reduction(count: int, origin: str, include, nones: int, inline: bool, function, bound: int | None):
    """A reduction as `parse` reads it: `(count, origin, shape, keep, inline, function, bound)`.

    `include` and `nones` are Lark's child filter for the rule (`include`: (index, splice, placeholders
    before) per kept child, `nones`: placeholders after; None keeps every child); `inline`: a lone child is
    passed on (`?rule`); `function(builder, meta, *children)` makes its node (None for a `_rule`, whose
    children are spliced into the rule that holds it); `bound`: the most children it may have before the
    full parse must judge it (`limits`), None if it has none."""
    if include is None:
        shape, keep = ALL, None
    elif nones or not include or any(splice or before for _, splice, before in include):
        shape, keep = FILTER, (include, nones)
    elif len(include) == 1:
        shape, keep = ONE, include[0][0]
    else:
        shape, keep = SOME, itemgetter(*(index for index, _, _ in include))
    return (count, origin, shape, keep, inline, function, bound)


class Tables:
    """Everything the loop reads, made once per process from the Lark parser (see `parser._tables`).

    `actions[state]` maps a terminal or rule name to the next state (an int: a shift, or the goto after a
    reduction), to the name of a `?rule` that passes its one child on as it is (a str: only the state
    changes), or to a `reduction`.  `lexers[state]` is `(patterns, keywords, ignored, multiline)` as the
    contextual lexer has them for that state: its alternations in order, the keywords each terminal's text
    may be (a `NAME` that reads `score`), the ignored terminals and those that may hold a newline.  `newlines`
    holds the post-lexer's rules: the tokens after which a newline is layout, the `leads` match (a line that
    continues the one before), the value terminals (whose text is never an operator).  `blank`: (its first
    characters, its pattern) for an ignored terminal of blanks that no other terminal can start with — skipped
    before each token without the state's alternations (two in five of a ruleset's matches are blanks).
    """

    def __init__(self, actions, lexers, start, end, newlines, blank=None):
        self.actions = actions
        self.blank = blank  # the ignored run of blanks no other terminal starts with (`parse`), or None
        self.lexers = lexers
        self.start = start
        self.end = end
        self.continues, self.leads, self.values = newlines
        self.chains: dict = {}  # (state below, state on top, terminal) → the state a chain of `?rule`s ends in


def parse(tables: Tables, text: str, builder, bounds: tuple[int, int]):
    """The value of the start rule for `text`, each rule's node made as it is reduced; or `Slow`.

    A node's `meta` is the pair of its first and last tokens (None, None when it spans no text)."""
    depth_bound, brace_bound = bounds
    actions = tables.actions
    lexers = tables.lexers
    continues, leads, value_types = tables.continues, tables.leads, tables.values
    end_state = tables.end
    chains = tables.chains
    new = str.__new__
    blanks, blank = tables.blank or ("", None)

    states = [tables.start]
    values: list = []
    firsts: list = []
    lasts: list = []

    pos, line, line_start, size = 0, 1, 0, len(text)
    last_kind = last_value = None  # the last token given to the parser
    brackets = braces = run = 0
    token = None
    while True:
        if pos < size and text[pos] in blanks:  # no line to count: a blank is never a newline
            pos = blank.match(text, pos).end()
        if pos < size:
            patterns, keywords, ignored, multiline = lexers[states[-1]]
            for pattern in patterns:
                match = pattern.match(text, pos)
                if match is not None:
                    break
            else:
                raise Slow
            value = match.group()
            kind = match.lastgroup
            start_line, column = line, pos - line_start + 1
            if kind in multiline:
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = pos + value.rindex("\n") + 1
            pos += len(value)
            if kind in ignored:
                continue
            if kind in keywords:
                kind = keywords[kind].get(value, kind)
            if kind == "_NL":
                if brackets or last_kind is None or last_kind == "_NL" or \
                        (last_kind not in value_types and last_value in continues) or leads(text, pos):
                    continue
                run = 0
            elif kind not in value_types:
                if value in ("(", "["):
                    brackets += 1
                elif value in (")", "]"):
                    brackets = max(brackets - 1, 0)
                elif value == "{":
                    braces += 1
                    if braces > brace_bound:
                        raise Slow
                    run = 0
                elif value == "}":
                    braces -= 1
                    run = 0
                elif value == "=>":
                    run = 0
                run += 1
                if run > depth_bound:
                    raise Slow
            last_kind, last_value = kind, value
            token = new(Token, value)
            token.type = kind
            token.line = start_line
            token.column = column
            token.end_line = line
            token.end_column = pos - line_start + 1
        else:
            kind = "$END"
        while True:  # the parser: reduce as the terminal asks, then shift it
            action = actions[states[-1]].get(kind)
            if action.__class__ is int:
                if kind == "$END":
                    raise Slow
                states.append(action)
                values.append(token)
                firsts.append(token)
                lasts.append(token)
                break
            if action.__class__ is str:  # a `?rule` passing its one child on: the same value and positions
                # `a` is reduced to `unary`, `product`, `sum` … `expr` in turn: a chain that depends only on the
                # state below, the state on top and the terminal, followed once and kept (`chains`)
                below = states[-2]
                if kind == "$END":  # once per parse: one step at a time, as Lark does
                    states[-1] = actions[below][action]
                    if states[-1] == end_state:
                        return values[-1]
                    continue
                key = (below, states[-1], kind)
                top = chains.get(key)
                if top is None:
                    top = actions[below][action]
                    following = actions[top].get(kind)
                    while following.__class__ is str:
                        top = actions[below][following]
                        following = actions[top].get(kind)
                    chains[key] = top
                states[-1] = top
                continue
            if action is None:
                raise Slow
            count, origin, shape, keep, inline, function, bound = action
            if count:
                base = len(values) - count
                children = values[base:]
                first = firsts[base]
                if first is None:
                    first = next((item for item in firsts[base:] if item is not None), None)
                final = lasts[-1]
                if final is None:
                    final = next((item for item in reversed(lasts[base:]) if item is not None), None)
                del states[base + 1:], values[base:], firsts[base:], lasts[base:]
            else:
                children, first, final = [], None, None
            if shape == ONE:
                children = [children[keep]]
            elif shape == SOME:
                children = keep(children)
            elif shape == FILTER:
                include, nones = keep
                kept = []
                for index, splice, before in include:
                    if before:
                        kept += [None] * before
                    if splice:
                        if kept:
                            kept += children[index]
                        else:  # a left-recursive list (`(item _NL)*`) grows in place, as in Lark: not copied
                            kept = children[index]
                    else:
                        kept.append(children[index])
                if nones:
                    kept += [None] * nones
                children = kept
            if inline and len(children) == 1:
                value = children[0]
            elif function is None:
                value = children if children.__class__ is list else list(children)
            else:
                if bound is not None and len(children) > bound:
                    raise Slow
                value = function(builder, (first, final), *children)
            states.append(actions[states[-1]][origin])
            if kind == "$END" and states[-1] == end_state:
                return value
            values.append(value)
            firsts.append(first)
            lasts.append(final)
