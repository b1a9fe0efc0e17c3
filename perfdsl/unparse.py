"""Expressions → canonical text, with only the parentheses precedence needs.

Used for messages, basis text (with values put in place of names) and, by
`fmt`, for whole rulesets.
"""

from __future__ import annotations

import re

from . import nodes

# Binding strength, loosest first; a child binding looser than its context is parenthesised.
_IF, _OR, _AND, _NOT, _CMP, _SUM, _PRODUCT, _UNARY, _ATOM = range(9)

_PLAIN_NAME = re.compile(r"^(?!\d)\w+$")

#: Words that cannot be bare names where expressions are parsed.
KEYWORDS = frozenset(
    ["if", "then", "else", "and", "or", "not", "true", "false", "full", "score", "weight"]
)


def name(text: str, reserved=KEYWORDS) -> str:
    """A name as it must be written: bare if it is an identifier and not `reserved`, else in backticks."""
    return text if _PLAIN_NAME.match(text) and text not in reserved else f"`{text}`"


def _strength(expr) -> int:
    if isinstance(expr, nodes.If):
        return _IF
    if isinstance(expr, nodes.Logic):
        return _OR if expr.op == "or" else _AND
    if isinstance(expr, nodes.Not):
        return _NOT
    if isinstance(expr, nodes.Compare):
        return _CMP
    if isinstance(expr, nodes.Binary):
        return _SUM if expr.op in "+-" else _PRODUCT
    if isinstance(expr, nodes.Neg):
        return _UNARY
    return _ATOM


def _parenthesised(node, context: int, right_side: bool = False) -> bool:
    """Whether `node` needs brackets where an operand of binding strength `context` stands."""
    strength = _strength(node)
    # operators group to the left, so a right operand of the same strength keeps its brackets:
    # `a - (b - c)`, and `a and (b and c)` too, which means the same but is another tree
    return strength < context or (right_side and strength == context and strength in (_OR, _AND, _SUM, _PRODUCT, _CMP))


def chain(expr, **options) -> list[tuple[str, str]]:
    """The operands of `expr`'s outermost chain of one operator strength, each with the operator before it.

    ``a / (b + c) * d`` → ``[("", "a"), ("/", "(b + c)"), ("*", "d")]``; anything else is one piece.
    `fmt` breaks a long line there.  `options` are those of `expression`.
    """
    if not isinstance(expr, (nodes.Binary, nodes.Logic)):
        return [("", expression(expr, **options))]
    strength = _strength(expr)
    pieces = []
    node = expr
    while isinstance(node, (nodes.Binary, nodes.Logic)) and _strength(node) == strength:
        right = expression(node.right, **options)
        pieces.append((node.op, f"({right})" if _parenthesised(node.right, strength, True) else right))
        node = node.left
    left = expression(node, **options)
    pieces.append(("", f"({left})" if _parenthesised(node, strength) else left))
    return pieces[::-1]


def expression(expr, show_name=None, show_literal=None, times="*") -> str:
    """Render `expr`.

    `show_name(node)` may return the text for a `Name` (e.g. its value in a
    basis line); `show_literal(node)` likewise for a `Num`.  `times` is the
    multiplication sign (``×`` in basis text).
    """

    def go(node, context: int, right_side: bool = False) -> str:
        text = render(node)
        return f"({text})" if _parenthesised(node, context, right_side) else text

    def render(node) -> str:
        if isinstance(node, nodes.Num):
            if show_literal is not None:
                return show_literal(node)
            return node.text or str(node.value)
        if isinstance(node, nodes.Bool):
            return "true" if node.value else "false"
        if isinstance(node, nodes.Str):
            return f'"{node.value}"'
        if isinstance(node, nodes.Full):
            if show_name is not None:
                shown = show_name(node)
                if shown is not None:
                    return shown
            return "full"
        if isinstance(node, nodes.Name):
            if show_name is not None:
                shown = show_name(node)
                if shown is not None:
                    return shown
            return name(node.name)
        if isinstance(node, nodes.Neg):
            return "-" + go(node.operand, _UNARY)
        if isinstance(node, nodes.Binary):
            strength = _strength(node)
            op = times if node.op == "*" else node.op
            return f"{go(node.left, strength)} {op} {go(node.right, strength, True)}"
        if isinstance(node, nodes.Compare):
            return f"{go(node.left, _CMP + 1)} {node.op} {go(node.right, _CMP + 1)}"
        if isinstance(node, nodes.Logic):
            strength = _strength(node)
            return f"{go(node.left, strength)} {node.op} {go(node.right, strength, True)}"
        if isinstance(node, nodes.Not):
            return "not " + go(node.operand, _NOT)
        if isinstance(node, nodes.Call):
            return f"{node.func}(" + ", ".join(go(arg, _IF) for arg in node.args) + ")"
        if isinstance(node, nodes.If):
            return f"if {go(node.test, _OR)} then {go(node.then, _OR)} else {go(node.otherwise, _IF)}"
        if isinstance(node, nodes.Query):
            text = go(node.source, _ATOM)
            if node.where is not None:
                text += f" where {go(node.where, _IF)}"
            if node.value is not None:
                text += f" of {go(node.value, _IF)}"
            return text
        if isinstance(node, nodes.IndicatorRef):
            return f"{node.what} of {name('/'.join(node.path))}"
        raise AssertionError(f"cannot unparse {node!r}")  # pragma: no cover

    return go(expr, _IF)
