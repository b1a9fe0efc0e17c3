"""Text → syntax tree (`nodes.Module`), or a `PerfSyntaxError` with a located message.

The grammar lives in ``grammar/perfdsl.lark``; this module builds the Lark
LALR parser once, adds the newline post-lexer, turns Lark's parse tree into
attrs nodes, and turns Lark's exceptions into the messages a ruleset author
needs (full-width punctuation, ``=`` for ``==``, a missing weight, an
unclosed block …).
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from decimal import Decimal
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.lark import PostLex

from . import forms, lalr, limits, nodes
from .comments import Layout
from .decimals import MONEY_UNITS, ROUNDING_MODES
from .errors import PerfSyntaxError, error
from .source import SourceFile, Span

_HERE = Path(__file__).resolve().parent
#: Installed wheels carry the grammar inside the package; a checkout has it at the top.
_GRAMMAR_PLACES = (_HERE / "_grammar" / "perfdsl.lark", _HERE.parent / "grammar" / "perfdsl.lark")


def grammar_path() -> Path:
    for place in _GRAMMAR_PLACES:
        if place.is_file():
            return place
    raise FileNotFoundError("perfdsl.lark not found (looked in %s)" % ", ".join(map(str, _GRAMMAR_PLACES)))


# ── newlines ────────────────────────────────────────────────────────────────

#: A statement cannot end right after one of these, so a newline there is layout.
_CONTINUES = frozenset(
    "{ ( [ , + - * / × ÷ = == != < <= > >= ≠ ≤ ≥ => : .. and or not if then else to per of up".split()  # noqa: SIM905
)
#: A line starting with one of these continues the previous one (no statement starts so).
_LEADS = re.compile(r"(?:[ \t\u3000]*(?:#[^\n]*)?\r?\n)*[ \t\u3000]*(?:[/*×÷+]|(?:and|or|then)(?!\w))")
_VALUE_TOKENS = frozenset({"NAME", "QUOTED_NAME", "STRING", "NUMBER", "PERCENT", "MONEY", "INT"})


class _Newlines(PostLex):
    """Makes newline-terminated statements comfortable to write.

    Drops a newline inside brackets, after a token that cannot end a
    statement, before a line that starts with a token no statement starts
    with (``/``, ``and`` …), or after another newline.  (The grammar lets the
    last item of a block or file go without a terminator.)  It decides on
    each newline as it comes — the contextual lexer lexes the next token in
    the parser state the newline leaves — so the look at the next line is
    made on the text itself.
    """

    always_accept = ("_NL",)

    def __init__(self):
        self._local = threading.local()

    def text(self, text: str, comments: list | None = None):
        self._local.text = text
        self._local.comments = comments

    def comment(self, token):
        """Lexer callback on the ignored COMMENT terminal: keep it when `fmt` asked for comments."""
        sink = getattr(self._local, "comments", None)
        if sink is not None:
            sink.append(token)
        return token

    def process(self, stream):
        depth = 0
        last = None
        text = getattr(self._local, "text", "")
        for token in stream:
            if token.type == "_NL":
                if depth or last is None or last.type == "_NL" or _continues(last):
                    continue
                if _LEADS.match(text, token.end_pos):
                    continue
            elif token.type not in _VALUE_TOKENS:
                if token.value in ("(", "["):
                    depth += 1
                elif token.value in (")", "]"):
                    depth = max(depth - 1, 0)
            yield token
            last = token


def _continues(token) -> bool:
    return token.type not in _VALUE_TOKENS and token.value in _CONTINUES


def _cache_file() -> str | bool:
    """Where the analysed grammar is kept between runs: a per-user directory, as JSON data.

    Building the LALR tables takes ~10× longer than loading them.  Lark's own
    cache is a pickle that it unpickles *before* checking its hash, so whoever
    can write the cache file runs code in every perfdsl process; this one is
    plain JSON, decoded into Lark's documented serialised form only when its
    key (grammar, options, Lark and Python versions) matches, and anything else
    in the file is ignored and rebuilt.  The folder is the model cache's (`userdirs`: ``PERFDSL_CACHE_DIR``
    moves it; never a relative ``XDG_CACHE_HOME``, nor a ``~`` folder in the working one without a home).
    """
    from . import userdirs

    try:
        directory = str(userdirs.cache_dir())
    except RuntimeError:  # no home folder to find it in
        return False
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not os.access(directory, os.W_OK):
        return False
    return os.path.join(directory, "grammar.json")


#: The options that are code, not data: given again when the tables are loaded, never stored.
_LIVE_OPTIONS = ("postlex", "lexer_callbacks", "transformer", "_plugins", "tree_class", "edit_terminals")


def _encode(value):
    """Lark's serialised tables as JSON: tuples, non-text keys and tokens tagged so they come back as they were."""
    if isinstance(value, Token):
        return {"t": [value.type, str(value)]}
    if isinstance(value, tuple):
        return {"(": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"{": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not data: {type(value).__name__}")


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        ((tag, body),) = value.items()
        if tag == "t":
            return Token(body[0], body[1])
        if tag == "(":
            return tuple(_decode(item) for item in body)
        if tag == "{":
            return {_hashable(_decode(key)): _decode(item) for key, item in body}
        raise ValueError(tag)
    return value


def _hashable(key):
    if isinstance(key, (list, dict)):
        raise ValueError("a key that is not hashable")
    return key


def _cache_key(text: str, options: dict) -> str:
    import hashlib
    import sys

    import lark

    stable = sorted((k, repr(v)) for k, v in options.items() if k not in _LIVE_OPTIONS)
    return hashlib.sha256(repr((text, stable, lark.__version__, sys.version_info[:2])).encode()).hexdigest()


def _load_cached(path: str, key: str, live: dict):
    """The parser kept at `path`, if the file is this grammar's, whole and only data; else None."""
    import json

    from .files import read_bounded

    try:  # bounded, and only a regular file: a FIFO or /dev/zero in its place is no hang
        stored = json.loads(read_bounded(path, "缓存", 16 * limits.RULESET_BYTES, error=ValueError))
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        data, memo = _decode(stored["data"]), _decode(stored["memo"])
        return Lark._load_from_dict(data, memo, **live)
    except Exception:  # unreadable, foreign, truncated or forged: build the tables instead
        return None


def _store(path: str, key: str, parser: Lark):
    import json
    import tempfile

    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    try:
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        data = dict(data, options={k: v for k, v in data["options"].items() if k not in _LIVE_OPTIONS})
        text = json.dumps({"key": key, "data": _encode(data), "memo": _encode(memo)}, ensure_ascii=False)
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".grammar.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except (OSError, TypeError, ValueError):  # a cache is an optimisation: never a reason to fail
        pass


@functools.cache
def _lark() -> Lark:
    newlines = _Newlines()
    options = dict(parser="lalr", lexer="contextual", postlex=newlines, propagate_positions=True,
                   maybe_placeholders=True, lexer_callbacks={"COMMENT": newlines.comment})
    text = grammar_path().read_text(encoding="utf-8")
    cache = _cache_file()
    key = _cache_key(text, options)
    if cache:
        live = {name: options[name] for name in ("postlex", "lexer_callbacks") if name in options}
        cached = _load_cached(cache, key, live)
        if cached is not None:
            return cached
    parser = Lark(text, **options)
    if cache:
        _store(cache, key, parser)
    return parser


@functools.cache
def keywords() -> frozenset[str]:
    """Every word the grammar reserves somewhere (``per``, ``score``, ``vs`` …).

    The contextual lexer lets most of them be names where they cannot be
    keywords; `fmt` still writes such a name in backticks, so that it reads
    the same wherever it stands.
    """
    return frozenset(terminal.pattern.value for terminal in _lark().terminals
                     if terminal.pattern.type == "str" and re.fullmatch(r"[a-z]+", terminal.pattern.value))


# ── parse tree → nodes ──────────────────────────────────────────────────────


class _Ident(str):
    """A name with the span it was written at (a str, so it compares as its text)."""

    span: Span


def _tagged(tag, value, span=None):
    return (tag, value, span)


@v_args(inline=True, meta=True)
class _Builder(Transformer):
    def __init__(self, source: SourceFile, layout: Layout | None = None):
        super().__init__()
        self.source = source
        self.layout = layout

    def _call_userfunc(self, tree, new_children=None):
        rule = tree.data
        if rule not in self.__dict__:  # bind each rule's method once: Lark's v_args wrapper is rebuilt per lookup
            bound = getattr(self, rule, None)
            if bound is not None:
                self.__dict__[rule] = bound
        result = super()._call_userfunc(tree, new_children)
        if self.layout is not None and isinstance(result, nodes.Node) and not tree.meta.empty:
            self.layout.mark(result, tree.meta.line, tree.meta.end_line)
        return result

    def _span(self, meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(self.source, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok(self, token) -> Span:
        return Span.of_token(self.source, token)

    # names and literals

    def name(self, meta, token):
        text = str(token)
        ident = _Ident(text[1:-1] if token.type == "QUOTED_NAME" else text)
        ident.span = self._tok(token)
        return ident

    def weight(self, meta, token):
        return (Decimal(str(token)), self._tok(token))

    def num(self, meta, token):
        return nodes.Num(Decimal(str(token)), "plain", text=str(token), span=self._span(meta))

    def percent(self, meta, token):
        text = str(token)
        return nodes.Num(Decimal(text[:-1]) / 100, "percent", text=text, span=self._span(meta))

    def money(self, meta, token):
        text = str(token)
        unit = "万元" if text.endswith("万元") else "元"
        amount = Decimal(text[: -len(unit)]) * MONEY_UNITS[unit]
        return nodes.Num(amount, "money", unit, text=text, span=self._span(meta))

    def string(self, meta, token):
        return nodes.Str(str(token)[1:-1], span=self._span(meta))

    def true(self, meta):
        return nodes.Bool(True, span=self._span(meta))

    def false(self, meta):
        return nodes.Bool(False, span=self._span(meta))

    def full(self, meta):
        return nodes.Full(span=self._span(meta))

    def ref(self, meta, ident):
        return nodes.Name(str(ident), span=ident.span)

    # operators

    def _binary(op):
        def build(self, meta, left, right):
            return nodes.Binary(op, left, right, span=self._span(meta))

        return build

    add = _binary("+")
    sub = _binary("-")
    mul = _binary("*")
    div = _binary("/")

    def neg(self, meta, operand):
        return nodes.Neg(operand, span=self._span(meta))

    _CMP = {"≠": "!=", "≤": "<=", "≥": ">="}

    def cmp_op(self, meta, token):
        return self._CMP.get(str(token), str(token))

    def compare(self, meta, left, op, right):
        return nodes.Compare(op, left, right, span=self._span(meta))

    def and_expr(self, meta, left, right):
        return nodes.Logic("and", left, right, span=self._span(meta))

    def or_expr(self, meta, left, right):
        return nodes.Logic("or", left, right, span=self._span(meta))

    def not_expr(self, meta, operand):
        return nodes.Not(operand, span=self._span(meta))

    def if_expr(self, meta, test, then, otherwise):
        return nodes.If(test, then, otherwise, span=self._span(meta))

    def query(self, meta, source, where, value):
        return nodes.Query(source, where, value, span=self._span(meta))

    def query_all(self, meta, source, value):
        return nodes.Query(source, None, value, span=self._span(meta))

    def each(self, meta, ident, where, named, weighting, *items):
        template = self.indicator(meta, ident, (Decimal(0), ident.span), *items)
        weight, weights = weighting if weighting is not None else (None, ())
        return nodes.Each(str(ident), where, named, template, weight, weights, span=ident.span)

    def each_weight_field(self, meta, expr):
        return (expr, ())

    def each_weights(self, meta, *weights):
        return (None, tuple(w[0] for w in weights))

    def call(self, meta, ident, *args):
        args = tuple(a for a in args if a is not None)
        return nodes.Call(str(ident), args, span=self._span(meta))

    def _result_of(what):
        def build(self, meta, ident):
            path = tuple(part.strip() for part in str(ident).split("/"))
            return nodes.IndicatorRef(what, path, span=self._span(meta))

        return build

    score_of = _result_of("score")
    weight_of = _result_of("weight")

    # declarations

    def start(self, meta, *items):
        header = None
        decls = []
        for item in items:
            if isinstance(item, nodes.Header):
                if header is not None:
                    raise _BuildError("P105", "一个规则集只能有一个 ruleset 头部", item.span)
                header = item
            else:
                decls.append(item)
        whole = self._span(meta) or Span(self.source, 1, 1, 1, 1)
        return nodes.Module(header, tuple(decls), span=whole)

    def header(self, meta, title, *items):
        fields = {}
        for key, value, span in items:
            if key in fields:
                raise _BuildError("P105", f"ruleset 头部重复设置 {key}", span)
            fields[key] = value
        header = nodes.Header(str(title)[1:-1], span=self._span(meta),
                              field_spans=tuple((key, span) for key, _, span in items), **fields)
        if self.layout is not None:
            for key, _, span in items:
                self.layout.mark_field(header, key, span)
        return header

    def h_source(self, meta, token):
        return _tagged("source", str(token)[1:-1], self._span(meta))

    def h_precision(self, meta, token):
        return _tagged("precision", int(token), self._span(meta))

    def h_rounding(self, meta, mode):
        return _tagged("rounding", mode, self._span(meta))

    def rounding_mode(self, meta, token):
        assert str(token) in ROUNDING_MODES
        return str(token)

    def h_record(self, meta, ident):
        return _tagged("record", str(ident), ident.span)

    def h_framework(self, meta, token):
        return _tagged("framework", True, self._span(meta))

    def t_number(self, meta):
        return nodes.TypeRef("number", span=self._span(meta))

    def t_count(self, meta):
        return nodes.TypeRef("count", span=self._span(meta))

    def t_rate(self, meta):
        return nodes.TypeRef("rate", span=self._span(meta))

    def t_bool(self, meta):
        return nodes.TypeRef("bool", span=self._span(meta))

    def t_text(self, meta):
        return nodes.TypeRef("text", span=self._span(meta))

    def t_money(self, meta, unit):
        return nodes.TypeRef("money", str(unit), span=self._span(meta))

    def range_between(self, meta, low, high):
        return ("range", low, high)

    def range_min(self, meta, low):
        return ("range", low, None)

    def range_max(self, meta, high):
        return ("range", None, high)

    def range_above(self, meta, low):
        return ("range", low, None, "low_open")

    def range_below(self, meta, high):
        return ("range", None, high, "high_open")

    def informational(self, meta, token):
        return ("informational",)

    def range_one_of(self, meta, *choices):
        return ("choices", tuple(choices))

    def input_default(self, meta, expr):
        return ("default", expr)

    def input_decl(self, meta, ident, type_ref, *rest):
        low = high = default = None
        choices = ()
        flags = {}
        for item in rest:
            if item is None:
                continue
            if item[0] == "range":
                low, high = item[1], item[2]
                if len(item) > 3:
                    flags[item[3]] = True
            elif item[0] == "choices":
                choices = item[1]
            elif item[0] == "informational":
                flags["informational"] = True
            else:
                default = item[1]
        return nodes.InputDecl(str(ident), type_ref, low, high, default, choices, span=ident.span, **flags)

    field_decl = input_decl

    def t_list(self, meta, *fields):
        return nodes.TypeRef("list", fields=tuple(fields), span=self._span(meta))

    def let_decl(self, meta, ident, expr):
        return nodes.LetDecl(str(ident), expr, span=ident.span)

    # scorecards

    @staticmethod
    def _card_items(what: str, items):
        """(grades, its span, cap, scorecard rules, the rest) of a scorecard's or an override's items;
        each of grades, cap once."""
        grades = cap = grades_span = None
        rules, rest = [], []
        for item in items:
            if isinstance(item, (nodes.CapBy, nodes.Deduction, nodes.Veto)):
                rules.append(item)
                continue
            if isinstance(item, tuple) and item[0] == "grades":
                if grades is not None:
                    raise _BuildError("P105", f"{what} 重复设置 grades", item[2])
                grades, grades_span = item[1], item[2]
            elif isinstance(item, nodes.Cap):
                if cap is not None:
                    raise _BuildError("P105", f"{what} 重复设置 cap", item.span)
                cap = item
            else:
                rest.append(item)
        return grades, grades_span, cap, rules, rest

    def scorecard(self, meta, ident, weight, *items):
        grades, grades_span, cap, rules, children = self._card_items(f"计分卡 {ident}", items)
        card = nodes.Scorecard(str(ident), weight[0], grades, cap, tuple(children), tuple(rules),
                               span=ident.span.to(weight[1]))
        if self.layout is not None:
            self.layout.mark_field(card, "grades", grades_span)
        return card

    def grades(self, meta, *arms):
        return ("grades", tuple(arms), self._span(meta))

    def grades_ref(self, meta, ident):
        return ("grades", nodes.GradesRef(str(ident), span=ident.span), self._span(meta))

    def grades_decl(self, meta, ident, *arms):
        return nodes.GradesDecl(str(ident), tuple(arms), span=ident.span)

    def include(self, meta, token):
        return nodes.Include(str(token)[1:-1], span=self._span(meta))

    def extends(self, meta, token):
        return nodes.Extends(str(token)[1:-1], span=self._span(meta))

    def override(self, meta, ident, weight, *items):
        grades, grades_span, cap, rules, edits = self._card_items(f"override scorecard {ident}", items)
        if rules:  # an override edits the tree; a scorecard's own rules are written where the scorecard is
            raise _BuildError("P117", f"override scorecard {ident} 中不能写计分卡规则（cap by、deduct、veto）",
                              rules[0].span, hint=f"在基础规则集里写，或用同名 scorecard {ident} 整张替换")
        span = ident.span.to(weight[1]) if weight is not None else ident.span
        override = nodes.Override(str(ident), weight[0] if weight is not None else None, grades, cap,
                                  tuple(edits), span=span)
        if self.layout is not None:
            self.layout.mark_field(override, "grades", grades_span)
        return override

    def edit_weight(self, meta, ident, weight):
        return nodes.Edit("weight", str(ident), weight[0], span=self._span(meta))

    def edit_drop(self, meta, ident):
        return nodes.Edit("drop", str(ident), span=self._span(meta))

    def edit_add(self, meta, node, into, place):
        return nodes.Edit("add", node=node, into=None if into is None else str(into), place=place,
                          span=self._span(meta))

    def edit_move(self, meta, ident, into, place):
        return nodes.Edit("move", str(ident), into=str(into), place=place, span=self._span(meta))

    def edit_replace(self, meta, node):
        return nodes.Edit("replace", node=node, span=self._span(meta))

    def place_first(self, meta):
        return nodes.Place("first", None, span=self._span(meta))

    def place_before(self, meta, ident):
        return nodes.Place("before", str(ident), span=self._span(meta))

    def place_after(self, meta, ident):
        return nodes.Place("after", str(ident), span=self._span(meta))

    def grade_at_least(self, meta, ident, threshold):
        return nodes.GradeArm(str(ident), ">=", threshold, span=ident.span)

    def grade_above(self, meta, ident, threshold):
        return nodes.GradeArm(str(ident), ">", threshold, span=ident.span)

    def grade_otherwise(self, meta, ident):
        return nodes.GradeArm(str(ident), None, None, span=ident.span)

    def cap(self, meta, low, high):
        return nodes.Cap(low, high, span=self._span(meta))

    def cap_by(self, meta, subject, *arms):
        return nodes.CapBy(subject, tuple(arms), span=self._span(meta))

    def veto(self, meta, ident, condition, *effects):
        grade = cap = None
        for kind, value, span in effects:
            if (grade if kind == "grade" else cap) is not None:
                raise _BuildError("P105", f"一票否决 {ident} 重复设置 {kind}", span)
            if kind == "grade":
                grade = value
            else:
                cap = value
        return nodes.Veto(str(ident), condition, grade, cap, span=ident.span)

    def veto_grade(self, meta, ident):
        return ("grade", str(ident), self._span(meta))

    def veto_cap(self, meta, expr):
        return ("cap", expr, self._span(meta))

    def group(self, meta, ident, weight, *children):
        return nodes.Group(str(ident), weight[0], tuple(children), span=ident.span.to(weight[1]))

    def bonus(self, meta, ident, weight, *children):
        return nodes.Group(str(ident), weight[0], tuple(children), bonus=True, span=ident.span.to(weight[1]))

    def indicator(self, meta, ident, weight, *items):
        applies = None
        guards = []
        rule = None
        criteria = criteria_span = None
        shows = []
        deductions = []
        span = ident.span.to(weight[1])
        for item in items:
            if isinstance(item, nodes.Applies):
                if applies is not None:
                    raise _BuildError("P105", f"指标 {ident} 重复声明 applies", item.span)
                applies = item
            elif isinstance(item, nodes.Guard):
                if rule is not None or deductions:
                    raise _BuildError("P106", "when 情形须写在评分规则之前", item.span)
                guards.append(item)
            elif isinstance(item, tuple) and item[0] == "criteria":
                if criteria is not None:
                    raise _BuildError("P105", f"指标 {ident} 重复写了 criteria", item[2])
                criteria, criteria_span = item[1], item[2]
            elif isinstance(item, nodes.Show):
                shows.append(item)
            elif isinstance(item, nodes.Deduction):
                if rule is not None:
                    raise _BuildError("P106", f"指标 {ident} 已有评分规则，不能再加 {item.kind} 行", item.span)
                deductions.append(item)
            else:
                if rule is not None or deductions:
                    raise _BuildError("P106", f"指标 {ident} 只能有一条评分规则", item.span)
                rule = item
        if deductions:
            rule = nodes.DeductionRule(tuple(deductions), span=deductions[0].span.to(deductions[-1].span))
        indicator = nodes.Indicator(str(ident), weight[0], applies, tuple(guards), rule, criteria, tuple(shows),
                                    span=span)
        if self.layout is not None:
            self.layout.mark_field(indicator, "criteria", criteria_span)
        return indicator

    def applies(self, meta, condition, otherwise):
        full, moves = otherwise
        return nodes.Applies(condition, full, moves, span=self._span(meta))

    def otherwise_full(self, meta):
        return (True, ())

    def otherwise_move(self, meta, *targets):
        return (False, tuple(targets))

    def move_target(self, meta, weight, ident):
        return nodes.MoveTarget(weight[0], str(ident), span=ident.span)

    def guard(self, meta, condition, score):
        return nodes.Guard(condition, score, span=self._span(meta))

    def criteria(self, meta, token):
        return ("criteria", str(token)[1:-1], self._span(meta))

    def show(self, meta, expr, reported):
        return nodes.Show(expr, reported, span=self._span(meta))

    def levels(self, meta, *arms):
        seen = set()
        for arm in arms:
            if arm.name in seen:
                raise _BuildError("P105", f"等级 {arm.name} 重复", arm.span)
            seen.add(arm.name)
        return tuple(arms)

    def level_arm(self, meta, key, share):
        name = key[1:-1] if isinstance(key, str) and not isinstance(key, _Ident) and key.startswith('"') else key
        if isinstance(name, nodes.Str):
            name = name.value
        return nodes.LevelArm(str(name), share, span=self._span(meta))

    def band_arm(self, meta, op, threshold, value):
        return nodes.BandArm(op, threshold, value, span=self._span(meta))

    def band_else(self, meta, value):
        return nodes.BandArm(None, None, value, span=self._span(meta))

    def deduct_kind(self, meta, token):
        return str(token)

    def step_mode(self, meta, token):
        return str(token)

    def direction(self, meta, token):
        return str(token)

    def up_to(self, meta, expr):
        return expr

    def per_spec(self, meta, mode, first, subject, direction, threshold):
        if subject is None:
            if mode is not None:
                raise _BuildError("P107", f"per {mode} 后须写「步长 of 数值」", self._span(meta),
                                  hint=f"例如 per {mode} 5 of 自评延误天数")
            return nodes.PerSpec(None, None, first, None, None, span=self._span(meta))
        return nodes.PerSpec(mode, first, subject, direction, threshold, span=self._span(meta))

    def deduct_per(self, meta, kind, amount, per, up_to):
        return nodes.Deduction(kind, amount, per, None, up_to, span=self._span(meta))

    def deduct_when(self, meta, kind, amount, condition):
        return nodes.Deduction(kind, amount, None, condition, None, span=self._span(meta))

    # properties

    def property_decl(self, meta, claim, condition):
        kind, expr, ident, never = claim
        name = nodes.Name(str(ident), span=ident.span) if ident is not None else None
        return nodes.PropertyDecl(kind, expr, name, never, condition, span=self._span(meta))

    def claim_always(self, meta, expr):
        return ("always", expr, None, None)

    def claim_monotone(self, meta, expr, never, ident):
        return ("monotone", expr, ident, never)

    def monotone_dir(self, meta, token):
        return str(token)


for _rule, _build in forms.builders().items():  # each rule form's own rules (`perfdsl.forms`), as methods
    setattr(_Builder, _rule, v_args(inline=True, meta=True)(_build))
_Builder.Error = property(lambda builder: _BuildError)  # what a form's builder raises (set here: not a rule)


#: The builder's rule methods, unwrapped from Lark's `v_args` (which rebuilds its wrapper per lookup), for `lalr`.
_BUILDER_METHODS = {name: value.base_func for name, value in vars(_Builder).items() if hasattr(value, "visit_wrapper")}


class _OnePassBuilder(_Builder):
    """The builder as `lalr.parse` calls it: a rule's `meta` is its first and last tokens."""

    def _span(self, meta) -> Span | None:
        first, last = meta
        if first is None:
            return None
        return Span(self.source, first.line, first.column, last.end_line, last.end_column)


class _BuildError(Exception):
    def __init__(self, code, message, span, hint=None):
        self.diagnostic = error(code, message, span, hint)


# ── syntax errors ───────────────────────────────────────────────────────────

_FULL_WIDTH = {
    "：": ":", "；": ";", "（": "(", "）": ")", "，": ",", "＝": "=", "＞": ">", "＜": "<",
    "＋": "+", "－": "-", "＊": "*", "／": "/", "｛": "{", "｝": "}", "“": '"', "”": '"', "．": ".", "％": "%",
    "‘": '"', "’": '"', "＂": '"', "！": "!", "＃": "#", "。": ".",
}
#: Characters the language has no use for, with what the author most likely meant by them.
_BRACKETS = "名称请写在反引号里（`…`），文字写在双引号里（\"…\"）"
_MEANT = {"【": _BRACKETS, "】": _BRACKETS, "'": "文字请写在双引号里：\"…\"", "、": "列举请用半角逗号 ,"}

#: How a terminal is named in a message about what was expected.
_TERMINALS = {
    "NAME": "名称", "QUOTED_NAME": "名称", "NUMBER": "数字", "INT": "整数", "PERCENT": "百分数",
    "MONEY": "金额", "STRING": "字符串", "_NL": "换行", "UNIT": "单位（元 或 万元）", "$END": "文件结尾",
}


def _describe(terminal: str) -> str:
    if terminal in _TERMINALS:
        return _TERMINALS[terminal]
    try:
        pattern = _lark().get_terminal(terminal).pattern
    except KeyError:  # Lark's own pseudo-terminals, such as $END
        return terminal
    return f"`{pattern.value}`" if pattern.type == "str" else terminal


def _expected_text(expected) -> str:
    names = sorted({_describe(t) for t in expected if not t.startswith("__")})
    if len(names) > 8:
        names = names[:8] + ["…"]
    return "、".join(names)


def _syntax_error(exc: UnexpectedInput, source: SourceFile) -> PerfSyntaxError:
    return PerfSyntaxError([_diagnose(exc, source)])


def _diagnose(exc: UnexpectedInput, source: SourceFile):
    line_number = getattr(exc, "line", None)
    if isinstance(line_number, int) and line_number > 0:
        written = _weight_as_printed(source, line_number)
        if written is not None:
            return written
    if isinstance(exc, UnexpectedCharacters):
        span = Span(source, exc.line, exc.column, exc.line, exc.column + 1)
        char = exc.char
        if char in _CURLY_QUOTES:
            quoted = _quoted_name(source, exc.line, exc.column)
            if quoted is not None:
                return quoted
        if char == "、":
            return _enumeration_comma(source, exc.line, exc.column, span)
        if char == "（":
            bracketed = _bracketed_name(source, exc.line, exc.column)
            if bracketed is not None:
                return bracketed
        if char in _FULL_WIDTH:
            return error("P102", f"全角符号 `{char}`，请改用半角 `{_FULL_WIDTH[char]}`", span,
                         hint=f"改为 {_FULL_WIDTH[char]}", fix=_FULL_WIDTH[char])
        if char == "%":
            return _stray_percent(source, exc.line, exc.column, span)
        if char == '"':
            return error("P103", "字符串缺少结尾的引号（字符串不能跨行）", span)
        if char == "`":
            return error("P103", "反引号名称缺少结尾的 `", span)
        kind = unicodedata.category(char)
        if kind in ("Zs", "Zl", "Zp", "Cf"):  # pasted from a web page or Word: not seen
            return error("P101", f"看不见的字符 U+{ord(char):04X}（{_INVISIBLE.get(kind)}）", span,
                         hint={"Zs": "改为普通空格", "Cf": "删去它"}.get(kind, "改为普通换行"))
        return error("P101", f"无法识别的字符 `{char}`", span, hint=_MEANT.get(char))

    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        opener = _unclosed_brace(source)
        span = source.end_span()
        if opener is not None:
            line, column = opener
            return error("P104", "代码块未闭合：这个 `{` 没有对应的 `}`", Span(source, line, column, line, column + 1),
                         notes=((f"文件在第 {span.line} 行结束", None),))
        expected = _expected_text(getattr(exc, "expected", ()) or ())
        return error("P104", f"文件意外结束，期望 {expected}", span)

    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    span = Span.of_token(source, token)
    expected = set(exc.expected)
    value = str(token)
    if token.type == "_NL":
        span = Span(source, token.line, token.column, token.line, token.column + 1)
        return error("P110", f"语句在此处不完整，期望 {_expected_text(expected)}", span)
    if value == "=":
        rest = source.line(token.line)[token.end_column - 1 :]
        # LALR reports this after reducing the left operand, so `expected` no
        # longer lists the comparisons: judge by what follows on the line.
        if "=>" not in rest and _expects(expected, "=>"):
            return error("P111", "这里应写 `=>`", span, hint="改为 =>", fix="=>")
        return error("P111", "比较是否相等请用 `==`（`=` 只用于 let 和默认值）", span, hint="改为 ==", fix="==")
    if token.type in ("NUMBER", "PERCENT", "MONEY") and "NAME" in expected and not _expects(expected, "("):
        written = re.match(r"[\w.%]+", source.line(token.line)[token.column - 1:]).group(0)
        return error("P113", f"名称不能以数字开头：{written}", span, hint=f"写在反引号里：`{written}`")
    before = source.line(token.line)[: token.column - 1].split()
    if len(before) == 1 and before[0] in _STATEMENT_KEYWORDS:
        # A line that ended with `=`, `+` … continued onto this one: the gap is up there.
        line = token.line - 1
        while line > 0 and not source.line(line).split("#")[0].strip():
            line -= 1
        text = source.line(line).split("#")[0].rstrip()
        if line > 0 and text:
            tail = text.split()[-1]
            gap = Span(source, line, len(text) + 1, line, len(text) + 2)
            return error("P110", f"语句不完整：`{tail}` 之后缺少内容", gap,
                         notes=((f"下一行的 `{before[0]}` 被当成了这条语句的一部分", span),))
        return error("P110", f"语句不完整：期望 {_expected_text(expected)}", span)
    if value == ",":  # `1,000元` where a list does not go on: a figure copied with its thousands separator
        line_text = source.line(token.line)
        grouped = re.search(r"(?<![\w.])([1-9]\d{0,2})$", line_text[: token.column - 1])
        after = re.match(r"(\d{3}(?:,\d{3})*)(\.\d+)?(%|万元|元)?(?![\d,])", line_text[token.column:])
        if grouped is not None and after is not None:
            written = grouped.group(1) + "," + after.group(0)
            return error("P121", f"`{written}` 像千分位写法：规则集中的数不写逗号", span,
                         hint=f"改为 {written.replace(',', '')}")
    if token.type == "NAME" and value in _WRITTEN_UNITS:  # `0.5分`, `0 元`: a table's way of writing a figure
        written = source.line(token.line)[: token.column - 1]
        number = re.search(r"(\d+(?:\.\d+)?)(\s*)$", written)
        if number is not None:
            digits, gap = number.groups()
            if value == "分":
                return error("P110", "数的后面不写“分”：分值是不带单位的数", span, hint=f"改为 {digits}")
            if gap:
                return error("P110", "金额的数与单位之间不能有空格", span, hint=f"改为 {digits}{value}")
    line_text = source.line(token.line)
    if token.type in ("NAME", "STRING") and token.column > 1 and line_text[token.column - 2] == '"' \
            and line_text[: token.column - 2].count('"') % 2:  # `"关于"三公"经费"`: a quote inside the text
        quote = Span(source, token.line, token.column - 1, token.line, token.column)
        return error("P110", '文字中不能有半角双引号 `"`：它结束了这段文字', quote,
                     hint="文字里的引号改用全角 “” 或「」")
    if token.type == "NAME" and len(before) == 2 and before[0] in _NAMED and re.fullmatch(r"[^\W\d]\w*", before[1]):
        # `input 热线 满意度: rate`: a name as a table prints it, with a space inside
        text = source.line(token.line)
        start = text.index(before[1], text.index(before[0]) + len(before[0]))
        end = token.column - 1 + len(re.match(r"[^:=\d{}#]*", text[token.column - 1:]).group(0).rstrip())
        written = text[start:end]
        return error("P110", f"名称中不能有空格：{written}", Span(source, token.line, start + 1, token.line, end + 1),
                     hint=f"去掉空格：{''.join(written.split())}，或写在反引号里：`{written}`")
    if value == "where" and token.type != "NAME":
        return error("P114", "列表查询（where / of）只能写在 sum、mean、count、all、any、min、max 的括号里", span,
                     hint="例如 count(绩效指标 where 一级指标 == \"产出指标\")")
    if token.type in ("NAME", "QUOTED_NAME") or value in _BLOCK_KEYWORDS:
        unclosed = _unclosed_before(source, token)
        if value in _BLOCK_KEYWORDS and unclosed is not None:
            line, column, head = unclosed
            return error("P104", f"代码块未闭合：`{head}` 的 `{{` 没有对应的 `}}`",
                         Span(source, line, column, line, column + 1),
                         hint=f"在 `{value}` 之前补上 `}}`",
                         notes=((f"在此处发现：`{value}` 不能写在这个块里", span),))
        if value in _CARD_KEYWORDS and unclosed is None and _innermost_block(source, token.line, token.column) is None \
                and _expects(expected, "scorecard"):
            # A newcomer's first ruleset: indicators written straight at the top of the file.
            return error("P110", f"`{value}` 须写在计分卡（scorecard）块里", span,
                         hint="例如 scorecard 复核得分 max 100 { indicator 项目完成率 8 { … } }")
    if value == "(" and not _expects(expected, "("):
        # `input 得分系数(%): rate`: a table's column header, brackets and all, where a name belongs
        written = re.match(r"[^\s()]*\([^()\s]*\)", source.line(token.line)[_word_start(source, token):])
        if written is not None and written.start() == 0 and written.group(0)[0] != "(":
            return error("P110", f"意外的 `(`：名称 {written.group(0)} 含括号，含括号等符号的名称要整个写在反引号里",
                         span, hint=f"改为 `{written.group(0)}`（用到它的地方也写 `{written.group(0)}`）")
    if value == "{" and "NUMBER" in expected:
        return error("P112", "缺少权重：指标、分组和计分卡的名称后须写分值", span,
                     hint="例如 indicator 项目完成率 8 { … }")
    return error("P110", f"意外的 `{value}`，期望 {_expected_text(expected)}", span)


def _word_start(source: SourceFile, token) -> int:
    """Where the word `token` is glued to starts on its line (`得分系数(` → the 得)."""
    text = source.line(token.line)
    start = token.column - 1
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "{}(),;:=`":
        start -= 1
    return start


#: Words that start a block or a declaration: met where the block they would end is still open,
#: the block before them is missing its `}`.
_BLOCK_KEYWORDS = frozenset("indicator group bonus each scorecard input let property ruleset include extends "
                            "override".split())
#: Words a declaration's name follows.
_NAMED = frozenset("input let indicator group bonus".split())
#: What only a scorecard's block may hold.
_CARD_KEYWORDS = frozenset("indicator group bonus each".split())
_CURLY_QUOTES = "“”‘’"
#: ``indicator 预算执行率（10分）``, ``indicator 预算执行率 10分 {``: a weight as a table prints it.
_PRINTED_WEIGHT = re.compile(r"^(?P<lead>\s*(?P<kw>indicator|group|bonus)\s+)(?P<name>[^\s（(]+?)\s*"
                             r"(?:[（(]\s*(?P<w1>\d+(?:\.\d+)?)\s*分?\s*[）)]|\s(?P<w2>\d+(?:\.\d+)?)\s*分)"
                             r"\s*(?P<rest>.*)$")


def _weight_as_printed(source: SourceFile, line: int):
    """P119 for a weight written as the 评分表 prints it, with the line as it must be written."""
    text = source.line(line)
    match = _PRINTED_WEIGHT.match(text.split("#")[0].rstrip())
    if match is None:
        return None
    weight = match.group("w1") or match.group("w2")
    rest = match.group("rest").strip()
    name = match.group("name")
    rewrite = f"{match.group('kw')} {name} {weight}" + (f" {rest}" if rest else " {")
    start = match.end("name")
    while text[start].isspace():
        start += 1
    end = len(text[: match.start("rest")].rstrip())
    span = Span(source, line, start + 1, line, end + 1)
    return error("P119", "分值写成了评分表的样子：分值是名称后的一个数，用空格隔开，不带括号，也不带“分”",
                 span, hint=f"改为：{rewrite.strip()}")


#: Units a table writes after a figure: 分 (points take none), 元 and 万元 (written right after the digits).
_WRITTEN_UNITS = frozenset({"分", "元", "万元"})

#: What an invisible character that is not a plain space is, by its Unicode category.
_INVISIBLE = {"Zs": "特殊空格，常见于从网页、Word 复制的文字", "Zl": "换行符", "Zp": "分段符",
              "Cf": "格式控制字符，常见于从网页、Word 复制的文字"}
_CHINESE_DIGITS = "〇零一二两三四五六七八九十百千"


def _stray_percent(source: SourceFile, line: int, column: int, span):
    """P101 for a `%` that follows no number: `5 %` (a space between) or `五%` (a Chinese numeral)."""
    before = source.line(line)[: column - 1]
    if before.rstrip() and before.rstrip()[-1] in _CHINESE_DIGITS:
        return error("P101", "`%` 前须是阿拉伯数字，汉字数字（五、十）不能用作数字", span, hint="改为如 5%")
    if before.endswith((" ", "\t", "\u3000")) and before.rstrip()[-1:].isdigit():
        return error("P101", "`%` 须紧跟在数字后面，中间不能有空格", span,
                     hint=f"改为 {before.rstrip().split()[-1]}%")
    return error("P101", "`%` 须紧跟在数字后面（如 5%）", span)


def _quoted_name(source: SourceFile, line: int, column: int):
    """P118 for full-width quotes in a name (`indicator “三公经费”变动率`): the fix is backticks, not ``"``.

    ``"…"`` would make a string where a name belongs (a second, stranger error);
    a name that is not a plain identifier is written in backticks.  Quotes
    where a string belongs (``criteria “…”``) are left to P102's ``"``.
    """
    text = source.line(line)
    start = column - 1
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "{}(),;:=":
        start -= 1
    end = column - 1
    while end < len(text) and not text[end].isspace() and text[end] not in "{}(),;:=":
        end += 1
    word = text[start:end]
    before = text[:start].split()
    if before and before[-1] in ("criteria", "source", "ruleset", "include", "extends", "==", "!=", "one", "of"):
        return None
    if not any(c.isalnum() for c in word):  # a quote on its own: not a name
        return None
    span = Span(source, line, start + 1, line, end + 1)
    return error("P118", f"名称 {word} 含全角引号：含引号等符号的名称要整个写在反引号里", span,
                 hint=f"改为：{(text[:start].strip() + ' ') if text[:start].strip() else ''}`{word}`"
                      f"{text[end:].rstrip()}",
                 notes=(('不要改成半角 "：那样它成了字符串，不是名称', None),))


#: ``input 得分系数（%）: rate``, ``得分系数（%）: rate`` (a field), ``let 执行率（%） = …``: a name with brackets.
_BRACKETED_NAME = re.compile(r"^\s*(?:(?:input|let|indicator|group|bonus)\s+)?(?P<name>[^\s(){}:=`（）]+（[^\s（）]*）)"
                             r"(?=\s*[:={]|\s+\d)")


def _bracketed_name(source: SourceFile, line: int, column: int):
    """P118 for a name written as the table's header, full-width brackets and all (`得分系数（%）`): the fix is
    backticks, not the half-width `(` (which would only move the error one character on)."""
    match = _BRACKETED_NAME.match(source.line(line))
    if match is None or match.start("name") > column - 1 or match.end("name") <= column - 1:
        return None
    word = match.group("name")
    span = Span(source, line, match.start("name") + 1, line, match.end("name") + 1)
    return error("P118", f"名称 {word} 含括号：含括号等符号的名称要整个写在反引号里", span,
                 hint=f"改为 `{word}`（用到它的地方也写 `{word}`）",
                 notes=(("不要只把括号改成半角：名称里仍不能有括号", None),))


def _enumeration_comma(source: SourceFile, line: int, column: int, span):
    """P120 for ``、`` as a separator: a checklist's items are one a line; elsewhere, ``,``."""
    block = _innermost_block(source, line, column)
    text = source.line(line)
    if block is not None and block[2].split()[-1:] == ["checklist"]:
        inside = text[text.rfind("{", 0, column) + 1:]
        inside = inside[: inside.find("}")] if "}" in inside else inside
        items = [item.strip() for item in inside.split("、") if item.strip()]
        rewrite = "checklist { " + "; ".join(items) + " }" if items else "checklist { 甲; 乙 }"
        return error("P120", "`、` 不是分隔符：清单（checklist）的每一项单独一行，或用 `;` 隔开", span,
                     hint=f"改为：{rewrite}")
    return error("P120", "`、` 不是分隔符：列举请用半角逗号 `,`", span, hint="改为 ,")


def _innermost_block(source: SourceFile, line: int, column: int):
    """(line, column, text before it on its line) of the innermost ``{`` still open at (line, column)."""
    stack = _open_blocks(source, (line, column))
    return stack[-1] if stack else None


def _braces(source: SourceFile, until=None):
    """Each ``{`` and ``}`` before (line, column) `until` (or the end), skipping strings and comments, as
    (the brace, line, its index on the line, the line's text)."""
    for number, text in enumerate(source.lines, start=1):
        if until is not None and number > until[0]:
            return
        quote = None
        for index, char in enumerate(text):
            if until is not None and number == until[0] and index >= until[1] - 1:
                break
            if quote:
                if char == quote:
                    quote = None
            elif char in "\"`":
                quote = char
            elif char == "#":
                break
            elif char in "{}":
                yield char, number, index, text


def _open_blocks(source: SourceFile, until=None) -> list:
    """The ``{`` still open at (line, column) `until` (or the end), outermost first, skipping strings and comments.

    Each is (line, column, the text before it on its line).
    """
    stack = []
    for brace, number, index, text in _braces(source, until):
        if brace == "{":
            stack.append((number, index + 1, text[:index].strip()))
        elif stack:
            stack.pop()
    return stack


def _unclosed_before(source: SourceFile, token):
    """The innermost block open where `token` stands, if a block keyword cannot stand there: it lacks its `}`.

    Only a block a keyword cannot open inside is taken as unclosed: a leaf
    (``indicator … {``, its rule's ``{``) or any block when the keyword is a
    top-level one (``input``, ``scorecard`` …).
    """
    block = _innermost_block(source, token.line, token.column)
    if block is None:
        return None
    head = block[2].split()
    keyword = head[0] if head else "{"
    top_level = str(token) in ("scorecard", "input", "let", "property", "ruleset", "include", "extends", "override")
    if keyword in ("indicator", "each", "bands", "checklist", "grades") or head[-1:] in (["checklist"], ["share"]) \
            or top_level:
        return block[0], block[1], " ".join(head[:2]) if head else "{"
    return None


_STATEMENT_KEYWORDS = frozenset(
    "ruleset include input let scorecard group bonus indicator grades cap applies when score ratio bands "
    "checklist manual deduct add criteria show property rating panel veto".split()
)


def _expects(expected, literal: str) -> bool:
    lark = _lark()
    for name in expected:
        try:
            pattern = lark.get_terminal(name).pattern
        except KeyError:
            continue
        if pattern.type == "str" and pattern.value == literal:
            return True
    return False


def _unclosed_brace(source: SourceFile):
    """The position of the ``{`` that lacks its ``}``, skipping strings and comments.

    Each ``}`` closes the innermost open block, so a ``}`` left out inside the file takes its
    outer block's ``}`` with it, and what the end of the file finds open is the outermost block
    (the scorecard), not the one the author left open.  The indentation tells: the first ``}``
    that starts its line left of the line of the ``{`` it closes belongs further out, and that
    ``{`` is the one without its own.  Without such a sign, the first ``{`` never closed.
    """
    stack = _open_blocks(source)
    if not stack:
        return None
    opened = []
    for brace, number, index, text in _braces(source):
        if brace == "{":
            opened.append((number, index + 1, _indent(text)))
        elif opened:
            line, column, indent = opened.pop()
            if line != number and not text[:index].strip() and _indent(text) < indent:
                return line, column
    return stack[0][:2]


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t\u3000"))


# ── limits ──────────────────────────────────────────────────────────────────

#: Parse-tree nodes that nest an expression one level deeper (parentheses alone do not).
_EXPRESSION_NODES = frozenset("add sub mul div neg compare and_expr or_expr not_expr if_expr call query "
                              "query_all".split())
#: Nodes that are one level of the indicator tree.
_LEVEL_NODES = frozenset(("group", "bonus", "indicator", "each"))
#: Nodes whose children are a list the author may make long: what the items are, which children count, the bound.
_CHILD_NODES = frozenset(("group", "bonus", "indicator", "each"))
_LISTS = {"call": ("个参数", None, limits.ARGUMENTS),
          "bands_rule": ("个分档", frozenset(("band_arm", "band_else")), limits.ITEMS),
          "checklist_rule": ("个检查项", frozenset(("check_item",)), limits.ITEMS),
          "otherwise_move": ("个调整去向", frozenset(("move_target",)), limits.ITEMS),
          "group": ("个下级指标", _CHILD_NODES, limits.ITEMS), "bonus": ("个下级指标", _CHILD_NODES, limits.ITEMS),
          "scorecard": ("个一级指标", _CHILD_NODES, limits.ITEMS), "range_one_of": ("个可选值", None, limits.ITEMS)}
_NUMBER_TOKENS = frozenset(("NUMBER", "PERCENT", "MONEY", "INT"))


def _beyond_limits(tree, source: SourceFile):
    """The first place where the parse tree exceeds one of perfdsl's limits, as a P115 diagnostic, or None.

    Checked on Lark's tree, iteratively, before anything recursive (the tree
    builder, the checks, the generated evaluator) sees it: those then never
    meet Python's recursion or nesting limits (see `limits`).
    """
    indicators = 0
    stack = [(tree, 0, 0, None)]
    while stack:
        node, depth, level, outermost = stack.pop()
        data = node.data
        if data in _EXPRESSION_NODES:
            depth += 1
            outermost = outermost or node
            if depth > limits.EXPRESSION_DEPTH:  # reported where the whole expression starts
                return _limit(outermost, source, f"表达式嵌套过深：超过 {limits.EXPRESSION_DEPTH} 层运算（连续的"
                              "加减乘除、if 和函数调用各算一层）", "把一部分写成 let 派生值")
        elif data in _LEVEL_NODES:
            level += 1
            indicators += 1
            if level > limits.INDICATOR_DEPTH:
                return _limit(node, source, f"指标层级过深：超过 {limits.INDICATOR_DEPTH} 级（一级 … 十级指标）")
            if indicators > limits.INDICATORS:
                return _limit(node, source, f"指标过多：一个规则集最多 {limits.INDICATORS} 个指标和分组")
        listed = _LISTS.get(data)
        if listed is not None:
            what, kinds, most = listed
            if kinds is None:  # every child (a call's after its name)
                count = sum(1 for child in node.children[data == "call":] if child is not None)
            else:
                count = sum(1 for child in node.children if getattr(child, "data", None) in kinds)
            if count > most:
                return _limit(node, source, f"列举过多：最多 {most} {what}，这里有 {count} {what}")
        for child in node.children:
            if child is None:
                continue
            if _is_token(child):
                if child.type in _NUMBER_TOKENS:
                    problem = _number_beyond(child, source, data)
                    if problem is not None:
                        return problem
                continue
            stack.append((child, depth, level, outermost))
    return None


def _is_token(child) -> bool:
    return isinstance(child, Token)


def _number_beyond(token, source: SourceFile, data: str):
    digits = sum(char.isdigit() for char in str(token))
    if digits > limits.NUMBER_DIGITS:
        return error("P115", f"数字过长：最多 {limits.NUMBER_DIGITS} 位数字，这里有 {digits} 位",
                     Span.of_token(source, token))
    return None


def _limit(node, source: SourceFile, message: str, hint: str | None = None):
    meta = node.meta
    if getattr(meta, "empty", True):
        span = Span(source, 1, 1, 1, 2)
    else:
        span = Span(source, meta.line, meta.column, meta.line, meta.column + 1)
    return error("P115", message, span, hint=hint)


# ── the one-pass parse (lalr) ───────────────────────────────────────────────


@functools.cache
def _tables() -> lalr.Tables | None:
    """Lark's tables and lexers as `lalr.parse` reads them (once per process; None if this Lark's shapes are
    not those the loop knows, and then every text takes the full parse)."""
    try:
        return _tables_of(_lark())
    except _Unknown:
        return None


class _Unknown(Exception):
    pass


def _tables_of(lark: Lark) -> lalr.Tables:
    from functools import partial

    from lark.parse_tree_builder import ChildFilterLALR, ChildFilterLALR_NoPlaceholders, maybe_create_child_filter
    from lark.parsers.lalr_analysis import Shift

    if lark.options.transformer is not None or lark.options.parser != "lalr" or lark.options.lexer != "contextual" \
            or lark.options.propagate_positions is not True or not lark.options.maybe_placeholders:
        raise _Unknown
    table = lark.parser.parser.parser.parse_table
    contextual = lark.parser.lexer.lexer
    reductions = {}

    def reduction(rule):
        if rule in reductions:
            return reductions[rule]
        options = rule.options
        origin = str(rule.origin.name)  # plain text: a freshly built grammar names its rules with Tokens
        inline = bool(options.expand1 and not rule.alias)
        name = str(rule.alias or options.template_source or origin)
        spliced = origin.startswith("_")
        if spliced and (inline or rule.alias):
            raise _Unknown
        made = maybe_create_child_filter(rule.expansion, options.keep_all_tokens, False, options.empty_indices)
        if made is None:
            include, nones = None, 0
        elif isinstance(made, partial) and made.func is ChildFilterLALR:
            include, nones = tuple(made.args[0]), made.args[1]
        elif isinstance(made, partial) and made.func is ChildFilterLALR_NoPlaceholders:
            include, nones = tuple((index, splice, 0) for index, splice in made.args[0]), 0
        else:
            raise _Unknown
        count = len(rule.expansion)
        if inline and count == 1 and nones == 0 and include in (None, ((0, False, 0),)):
            result = origin  # passes its one child on
        else:
            function = None
            if not spliced:
                function = _BUILDER_METHODS.get(name)
                if function is None and inline:  # a `?rule` that passes on its lone child, never more
                    function = lalr.refuse
                elif function is None:  # Transformer would make a Tree of it: not a tree the builder makes
                    raise _Unknown
            listed = _LISTS.get(name)
            result = lalr.reduction(count, origin, include, nones, inline, function,
                                    listed[2] if listed is not None else None)
        reductions[rule] = result
        return result

    actions = {}
    for state, row in table.states.items():
        actions[state] = {str(symbol): (target if action is Shift else reduction(target))
                          for symbol, (action, target) in row.items()}
    lexers = _Lexers(contextual.lexers)
    start, end = table.start_states["start"], table.end_states["start"]
    return lalr.Tables(actions, lexers, start, end, (_CONTINUES, _LEADS.match, _VALUE_TOKENS), _blank(lark))


#: The grammar's ignored blanks (`%ignore /[ \t\f\u3000]+/`): its characters, and what they are tried on.
_BLANKS = " \t\f\u3000"
_PROBES = ("", "a", "1", "\n", " ", "#", '"', "`", "元")


def _blank(lark: Lark):
    """(characters, pattern) of the ignored run of blanks, for `lalr.parse` to skip before each token, when no
    other terminal can start with a blank (then skipping it is what the contextual lexer does in every state:
    none of its alternatives but the blank one matches there); None otherwise."""
    blank = "[%s]+" % _BLANKS
    ignored = [t for t in lark.terminals if t.name in lark.lexer_conf.ignore and t.pattern.type == "re"
               and t.pattern.value == blank and not t.pattern.flags]
    if len(ignored) != 1:
        return None
    for terminal in lark.terminals:
        if terminal is ignored[0]:
            continue
        pattern = re.compile(terminal.pattern.to_regexp())
        if any(pattern.match(c + probe) for c in _BLANKS for probe in _PROBES):
            return None
    return _BLANKS, re.compile(blank)


class _Lexers(dict):
    """Each parser state's lexer as `lalr.parse` reads it, made when the state is first met (as Lark makes its
    own: building every state's alternation up front cost more than a small ruleset's parse)."""

    def __init__(self, lark_lexers: dict):
        super().__init__()
        self._lark = lark_lexers
        self._made: dict = {}  # Lark's lexer → ours: states that accept the same terminals share one

    def __missing__(self, state):
        from lark.lexer import CallChain, UnlessCallback

        basic = self._lark[state]
        made = self._made.get(basic)
        if made is None:
            scanner = basic.scanner
            keywords = {}
            for kind, callback in basic.callback.items():
                if isinstance(callback, UnlessCallback):
                    words = {}
                    for terminal in callback.scanner.terminals:
                        if terminal.pattern.type != "str" or terminal.pattern.flags:
                            raise lalr.Slow
                        words[terminal.pattern.value] = str(terminal.name)
                    keywords[kind] = words
                elif not (kind in basic.ignore_types and not isinstance(callback, CallChain)):
                    raise lalr.Slow  # only the comments' callback, on an ignored terminal, is the full parse's
            made = (tuple(scanner._mres), keywords, frozenset(basic.ignore_types), frozenset(basic.newline_types))
            self._made[basic] = made
        self[state] = made
        return made


#: A number too long for `limits.NUMBER_DIGITS` has at least that many digits and points in a row.
_LONG_NUMBER = re.compile(r"[\d.]{%d,}" % (limits.NUMBER_DIGITS + 1))
#: Every indicator, group and `each` is written with one of these words.
_LEVEL_WORDS = ("indicator", "group", "bonus", "each")


def _one_pass(source: SourceFile) -> nodes.Module | None:
    """The tree `_full` would give, in one pass (`lalr`), or None: the text is for `_full` — it has an
    error, or may exceed a bound (`_beyond_limits` judges it exactly)."""
    tables = _tables()
    text = source.text
    if tables is None or _LONG_NUMBER.search(text) or sum(map(text.count, _LEVEL_WORDS)) > limits.INDICATORS:
        return None
    try:
        return lalr.parse(tables, text, _OnePassBuilder(source), (limits.EXPRESSION_DEPTH, limits.INDICATOR_DEPTH + 1))
    except (lalr.Slow, _BuildError):
        return None


# ── entry point ─────────────────────────────────────────────────────────────


def parse(text: str, path: str = "<string>", layout: Layout | None = None) -> nodes.Module:
    """Parse ruleset text into a `nodes.Module`; raise `PerfSyntaxError` with a located message.

    With a `layout`, also record the comments and every node's source lines (for `fmt`).
    A text without an error is parsed in one pass (`_one_pass`); the rest, and `fmt`'s, as before (`_full`).
    """
    source = SourceFile(path, text)
    if "\r" in text:
        _no_lone_carriage_return(source)
    if layout is None:
        module = _one_pass(source)
        if module is not None:
            return module
    return _full(source, layout)


_LONE_CR = re.compile(r"\r(?!\n)")


def _no_lone_carriage_return(source: SourceFile):
    """P101 at a carriage return that ends no line: a file saved with old Mac line ends (CR only) read as one line,
    its first comment swallowing the whole file, and said only that it had no scorecard (P302)."""
    found = _LONE_CR.search(source.text)
    if found is None:
        return
    before = source.text[: found.start()]
    line = before.count("\n") + 1
    column = found.start() - (before.rfind("\n") + 1) + 1
    raise PerfSyntaxError([error("P101", "单独的回车符（CR）不是换行：文件是否用旧 Mac 格式的换行保存？",
                                 Span(source, line, column, line, column + 1),
                                 hint="在编辑器中改存为 LF 或 CRLF（Windows）换行")])


def _full(source: SourceFile, layout: Layout | None = None) -> nodes.Module:
    """Lark's parse tree, its limits judged, then built into nodes: the parse every error is worded by."""
    text = source.text
    lark = _lark()
    comments = [] if layout is not None else None
    lark.options.postlex.text(text, comments)
    try:
        tree = lark.parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, source) from None
    finally:
        lark.options.postlex.text("")
    problem = _beyond_limits(tree, source)
    if problem is not None:
        raise PerfSyntaxError([problem])
    if layout is not None:
        layout.finish(comments, text)
    try:
        return _Builder(source, layout).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, _BuildError):
            raise PerfSyntaxError([exc.orig_exc.diagnostic]) from None
        raise
