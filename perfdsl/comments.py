"""Comments, and where each statement was written: what `fmt` needs beyond the syntax tree.

The grammar ignores comments and the tree keeps only what a ruleset means,
so `parser.parse(text, path, layout)` fills a `Layout` on the side: every
comment, and the first and last source line of every node (for a block,
the last line is its closing ``}``).  `attach` then gives each comment to
the statement it precedes or trails, so the formatter can print it there.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Comment:
    """``# …`` as written (trailing blanks dropped); `own_line`: nothing but blanks before it."""

    line: int
    column: int
    text: str
    own_line: bool


class Layout:
    """Comments and source lines of one parse, filled in by the parser.

    Nodes are looked up by identity (equal nodes at two places are two
    statements); the layout keeps every node it describes alive, so an id is
    never reused while it is in use.
    """

    def __init__(self):
        self.comments: list[Comment] = []
        self.blank_lines: frozenset[int] = frozenset()
        self._lines: dict[int, tuple[int, int]] = {}
        self._kept: list = []

    def mark(self, node, first: int, last: int):
        self._lines[id(node)] = (first, last)
        self._kept.append(node)

    def mark_field(self, node, field: str, span):
        """Where a field that is not a node of its own was written (``criteria``, header lines)."""
        if span is not None:
            self._lines[(id(node), field)] = (span.line, span.end_line)
            self._kept.append(node)

    def lines(self, node, field: str | None = None) -> tuple[int, int] | None:
        """The first and last source line of `node` (or of its `field`), if the parser saw it."""
        return self._lines.get(id(node) if field is None else (id(node), field))

    def finish(self, tokens, text: str):
        """Turn the lexer's comment tokens into `Comment`s; note which lines are blank.

        Lines are counted as the lexer counts them, at ``\n`` only.
        """
        lines = text.split("\n")
        for token in tokens:
            before = lines[token.line - 1][: token.column - 1]
            self.comments.append(Comment(token.line, token.column, str(token).rstrip(), not before.strip()))
        self.blank_lines = frozenset(n for n, line in enumerate(lines, start=1) if not line.strip())


@attrs.define
class Unit:
    """A statement as the formatter prints it, with the comments that go with it.

    `lines` is its text (one line, or a broken long one); a block has
    `children` (None for a simple statement).  `first`/`last` are its source
    lines (None for a tree built without a layout).
    """

    lines: list[str]
    first: int | None = None
    last: int | None = None
    children: list[Unit] | None = None
    leading: list[Comment] = attrs.Factory(list)  # own-line comments before it
    trailing: list[Comment] = attrs.Factory(list)  # after its line (more than one: printed before it)
    inner: list[Comment] = attrs.Factory(list)  # own-line comments after a block's last child
    closing: Comment | None = None  # after a block's `}`
    suffix: str = ""  # after a block's `}` (a list input's range or default)
    formula: tuple | None = None  # (text before, expression) of a line that may be broken


def attach(root: Unit, comments) -> None:
    """Give every comment to a unit of `root` (a block holding the whole file), by line.

    A trailing comment goes with the last statement on its line — or with the
    block whose ``}`` ends that line.  An own-line comment goes before the
    next statement of the innermost block around it, or after that block's
    last statement (before its ``}``); one inside a statement written over
    several lines goes before that statement.  (A statement written over
    several lines may collect several trailing comments; the formatter then
    puts them before it.)
    """
    for comment in comments:
        if comment.own_line:
            _place_own_line(root, comment)
        else:
            _place_trailing(root, comment)


def _contains(unit: Unit, line: int) -> bool:
    return unit.first is not None and unit.first <= line <= unit.last


def _place_own_line(block: Unit, comment: Comment):
    for child in block.children:
        if child.first is None:
            continue
        if child.first > comment.line:
            child.leading.append(comment)
            return
        if comment.line < child.last:
            if child.children is not None:
                _place_own_line(child, comment)
            else:
                child.leading.append(comment)
            return
    block.inner.append(comment)


def _place_trailing(block: Unit, comment: Comment):
    holders = [child for child in block.children if _contains(child, comment.line)]
    if not holders:  # the line of the block's own `{`
        if block.first is None:  # not a block after all: the whole file
            _place_own_line(block, attrs.evolve(comment, own_line=True))
        else:
            _trail(block, comment)
        return
    child = holders[-1]
    if child.children is None:
        _trail(child, comment)
    elif comment.line == child.last:  # the block's `}` is the last code on the line
        if child.closing is None:
            child.closing = comment
        else:
            child.inner.append(attrs.evolve(comment, own_line=True))
    else:
        _place_trailing(child, comment)


def _trail(unit: Unit, comment: Comment):
    unit.trailing.append(comment)
