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


class Slow(Exception):
    """This text is for the full parse (an error to word, or a bound to judge exactly)."""


class Meta:
    """What `parser._Builder`'s methods read of Lark's `Meta`: where the rule's text starts and ends."""

    __slots__ = ("line", "column", "end_line", "end_column", "empty")

    def __init__(self, first, last):
        if first is None:
            self.empty = True
        else:
            self.empty = False
            self.line = first.line
            self.column = first.column
            self.end_line = last.end_line
            self.end_column = last.end_column


class Splice(list):
    """The children of a `_rule`, spliced into the rule that holds it."""

    __slots__ = ()


class Tables:
    """Everything the loop reads, made once per process from the Lark parser (see `parser._tables`).

    `actions[state]` maps a terminal or rule name to the next state (an int: a shift, or the goto after a
    reduction) or to a reduction: the rule's name (a str) for a `?rule` that passes its one child on as it is, else
    `(size, origin, include, nones, inline, name, bound)` — Lark's child filter (`include`: (index, splice,
    placeholders before) per kept child, `nones` placeholders after; None keeps every child), whether a
    lone child is passed on (`?rule`), the builder method's name (None for a `_rule`: spliced into its
    parent) and the bound on its number of children (`limits`, None if it has none).  `lexers[state]` is
    `(patterns, keywords, ignored, multiline)`; `newlines` holds the post-lexer's rules (`continues(token)`,
    the `leads` pattern's match, the value terminals).
    """

    def __init__(self, actions, lexers, start, end, token, newlines, tree):
        self.actions = actions
        self.lexers = lexers
        self.start = start
        self.end = end
        self.token = token
        self.continues, self.leads, self.values = newlines
        self.tree = tree  # Lark's Tree: what a rule without a builder method makes (as Transformer's default)


def parse(tables: Tables, text: str, methods: dict, bounds: tuple[int, int]):
    """The value of the start rule for `text`, each rule's node made by `methods[name](meta, *children)` as
    it is reduced; or `Slow`."""
    depth_bound, brace_bound = bounds
    actions = tables.actions
    lexers = tables.lexers
    Token = tables.token
    Tree = tables.tree
    continues, leads, value_types = tables.continues, tables.leads, tables.values
    end_state = tables.end

    states = [tables.start]
    values: list = []
    firsts: list = []
    lasts: list = []

    def feed(token, kind):
        while True:
            try:
                action = actions[states[-1]][kind]
            except KeyError:
                raise Slow from None
            if action.__class__ is int:
                states.append(action)
                values.append(token)
                firsts.append(token)
                lasts.append(token)
                return None
            if action.__class__ is str:  # a `?rule` passing its one child on: the same value and positions
                del states[-1]
                states.append(actions[states[-1]][action])
                if kind == "$END" and states[-1] == end_state:
                    return values[-1]
                continue
            count, origin, include, nones, inline, name, bound = action
            if count:
                children = values[-count:]
                starts = firsts[-count:]
                ends = lasts[-count:]
                del states[-count:], values[-count:], firsts[-count:], lasts[-count:]
                first = final = None
                for item in starts:
                    if item is not None:
                        first = item
                        break
                for item in reversed(ends):
                    if item is not None:
                        final = item
                        break
            else:
                children, first, final = [], None, None
            if include is not None:
                kept = []
                for index, splice, before in include:
                    if before:
                        kept += [None] * before
                    if splice:
                        kept += children[index]
                    else:
                        kept.append(children[index])
                if nones:
                    kept += [None] * nones
                children = kept
            if inline and len(children) == 1:
                value = children[0]
            elif name is None:
                value = Splice(children)
            else:
                if bound is not None and len(children) > bound:
                    raise Slow
                method = methods.get(name)
                meta = Meta(first, final)
                value = method(meta, *children) if method is not None else Tree(name, children, meta)
            states.append(actions[states[-1]][origin])
            if kind == "$END" and states[-1] == end_state:
                return value
            values.append(value)
            firsts.append(first)
            lasts.append(final)

    pos, line, line_start, size = 0, 1, 0, len(text)
    last = None  # the last token given to the parser
    brackets = braces = run = 0
    while pos < size:
        patterns, keywords, ignored, multiline = lexers[states[-1]]
        for pattern in patterns:
            match = pattern.match(text, pos)
            if match is not None:
                break
        else:
            raise Slow
        value = match.group()
        kind = match.lastgroup
        start, start_line, column = pos, line, pos - line_start + 1
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
            if brackets or last is None or last.type == "_NL" or continues(last) or leads(text, pos):
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
        last = Token(kind, value, start, start_line, column, line, pos - line_start + 1, pos)
        feed(last, kind)
    end = Token("$END", "", last.start_pos, last.line, last.column, last.end_line, last.end_column, last.end_pos) \
        if last is not None else Token("$END", "", 0, 1, 1)
    return feed(end, "$END")
