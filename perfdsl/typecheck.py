"""The expression type checker: an expression's `Type`, given the names in scope.

`TypeChecker.expr` types an expression and every expression inside it, records
each type in the table the model keeps (keyed by `nodes.Expr.serial`), and reports
what is wrong (P201, P203–P208, P220) through the `err` it is given; an expression
that cannot be typed is `types.ERROR`, which every check downstream lets pass so
that one mistake is reported once.  What a name means is asked of the scope (the
resolver, see `Scope`); the fields of the list items in scope (inside ``where``,
``of`` and ``each``) are a stack the checker keeps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from . import nodes, types, unparse
from .nearest import nearest
from .types import Type

FUNCTIONS = {"min": (2, None), "max": (2, None), "abs": (1, 1), "ceil": (1, 1), "floor": (1, 1), "given": (1, 1),
             "round": (1, 2)}
#: Functions over the items of a list input (`sum(绩效指标 where … of …)`).
AGGREGATES = ("sum", "mean", "count", "all", "any", "min", "max")

_TYPE_OF_DECL = {
    "number": types.NUMBER, "count": types.COUNT, "rate": types.RATE,
    "bool": types.BOOL, "text": types.TEXT,
}


class Scope(Protocol):
    """What the checker asks of the resolver."""

    #: name → (kind, declaration): kind is "input", "let", "scorecard" or "manual"
    symbols: dict[str, tuple[str, object]]

    def let_type(self, name: str, lets: dict | None) -> Type:
        """The type of derived value `name` (typing it now if need be; `lets`: the lets being typed)."""

    def list_input(self, name: str):
        """The `InputSpec` of input `name` if it is declared so far, else None."""

    def indicator_ref(self, expr: nodes.IndicatorRef) -> Type:
        """Bind ``score of …``/``weight of …`` (only a property may)."""


class TypeChecker:
    def __init__(self, scope: Scope, table: dict[int, Type], err, warn=None):
        self.scope = scope
        self.symbols = scope.symbols
        self.table = table  # Expr.serial → Type: `Model.types`
        self.err = err
        self.warn = warn  # (a caller that wants errors only passes none)
        self.scopes: list[dict[str, Type]] = []  # the fields of the list items in scope, innermost last

    def expr(self, expr, allow_full=True, deps=None, lets=None) -> Type:
        """The type of `expr`, recorded for it.  `allow_full`: whether ``full`` may be read (an indicator's
        rule); `deps`: a set that collects every name read; `lets`: the derived values being typed."""
        result = _FORMS[expr.__class__](self, expr, allow_full, deps, lets)
        self.table[expr.serial] = result
        return result

    def record(self, expr, result: Type):
        """Record a type found without typing `expr` (a grade's bound, ``round``'s places)."""
        self.table[expr.serial] = result

    def unknown(self, message, ref, candidates):
        """P201 at a misspelt name: the closest candidate is the hint, and the fix (as it must be written); a word
        of the table where the language has a keyword or a number (`满分`, `五分`) is told what to write."""
        meant = chinese_meaning(ref.name)
        if meant is not None:
            self.err("P201", message, ref.span, hint=f"改为 {meant}", fix=meant)
            return
        close = nearest(ref.name, candidates)
        self.err("P201", message, ref.span, hint=f"是否想写 `{close}`？" if close else None,
                 fix=unparse.name(close) if close else None)

    # ── the forms, one method each (dispatched by the node's class) ─────────

    def _expr_Num(self, expr, allow_full, deps, lets) -> Type:
        return {"plain": types.NUMBER, "percent": types.RATE}.get(expr.kind) or Type("money", expr.unit)

    def _expr_Bool(self, expr, allow_full, deps, lets) -> Type:
        return types.BOOL

    def _expr_Str(self, expr, allow_full, deps, lets) -> Type:
        return types.TEXT

    def _expr_Full(self, expr, allow_full, deps, lets) -> Type:
        if not allow_full:
            self.err("P206", "`full`（本指标的分值）只能用在指标的评分规则里", expr.span)
            return types.ERROR
        return types.NUMBER

    def _expr_Name(self, expr, allow_full, deps, lets) -> Type:
        name = expr.name
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name not in self.symbols:  # inside an `each` or a query the item's fields are candidates too
            self.unknown(f"未定义的名称 `{name}`", expr, [*(f for scope in self.scopes for f in scope), *self.symbols])
            return types.ERROR
        kind, decl = self.symbols[name]
        if deps is not None:
            deps.add(name)
        if kind == "input":
            return declared_type(decl.type)
        if kind == "manual":
            return types.LIST if isinstance(decl.rule, nodes.PanelRule) else types.NUMBER
        if kind == "let":
            return self.scope.let_type(name, lets)
        return types.NUMBER  # a scorecard's total

    def _expr_Neg(self, expr, allow_full, deps, lets) -> Type:
        inner = self.expr(expr.operand, allow_full, deps, lets)
        return self.need_numeric(inner, expr.operand, "取负")

    def _expr_Binary(self, expr, allow_full, deps, lets) -> Type:
        left, right = self.expr(expr.left, allow_full, deps, lets), self.expr(expr.right, allow_full, deps, lets)
        left = self.need_numeric(left, expr.left, f"`{expr.op}` 运算")
        right = self.need_numeric(right, expr.right, f"`{expr.op}` 运算")
        if left.kind == "error" or right.kind == "error":
            return types.ERROR
        result = types.arithmetic(expr.op, left, right, is_literal(expr.left), is_literal(expr.right))
        if isinstance(result, str):
            if expr.op in "+-" and (is_zero(expr.left) or is_zero(expr.right)):
                return left if left.kind == "money" else right
            self.err("P203", result, expr.span)
            return types.ERROR
        return result

    def _expr_Compare(self, expr, allow_full, deps, lets) -> Type:
        left, right = self.expr(expr.left, allow_full, deps, lets), self.expr(expr.right, allow_full, deps, lets)
        if expr.op not in ("==", "!=") or left.numeric or right.numeric:
            left = self.need_numeric(left, expr.left, "大小比较") if expr.op not in ("==", "!=") else left
            right = self.need_numeric(right, expr.right, "大小比较") if expr.op not in ("==", "!=") else right
        reason = types.comparable(left, right, is_literal(expr.left), is_literal(expr.right),
                                  is_zero(expr.left), is_zero(expr.right))
        if reason:
            self.err("P203", reason, expr.span)
        elif expr.op not in ("==", "!=") and self.warn is not None:
            bare_number_beside_rate(self.warn, left, expr.right) or bare_number_beside_rate(self.warn, right, expr.left)
        return types.BOOL

    def _expr_Logic(self, expr, allow_full, deps, lets) -> Type:
        self.need_bool(self.expr(expr.left, allow_full, deps, lets), expr.left, expr.op)
        self.need_bool(self.expr(expr.right, allow_full, deps, lets), expr.right, expr.op)
        return types.BOOL

    def _expr_Not(self, expr, allow_full, deps, lets) -> Type:
        self.need_bool(self.expr(expr.operand, allow_full, deps, lets), expr.operand, "not")
        return types.BOOL

    def _expr_If(self, expr, allow_full, deps, lets) -> Type:
        self.need_bool(self.expr(expr.test, allow_full, deps, lets), expr.test, "if")
        then = self.expr(expr.then, allow_full, deps, lets)
        otherwise = self.expr(expr.otherwise, allow_full, deps, lets)
        if then.numeric and otherwise.numeric:
            if (then.kind == "money") != (otherwise.kind == "money") and not (
                is_zero(expr.then) or is_zero(expr.otherwise)
            ):
                self.err("P203", "if 的两个分支须同为金额或同为非金额", expr.span)
                return types.ERROR
            return types.join(then, otherwise)
        if then.kind == otherwise.kind or "error" in (then.kind, otherwise.kind):
            return then if then.kind != "error" else otherwise
        self.err("P203", f"if 的两个分支类型不同：{then.describe()} 与 {otherwise.describe()}", expr.span)
        return types.ERROR

    def _expr_Call(self, expr, allow_full, deps, lets) -> Type:
        if expr.func in AGGREGATES and len(expr.args) == 1 and isinstance(expr.args[0], nodes.Query):
            return self._aggregate(expr, allow_full, deps, lets)
        return self._call(expr, lambda e: self.expr(e, allow_full, deps, lets))

    def _expr_Query(self, expr, allow_full, deps, lets) -> Type:
        self.err("P208", "列表查询（where / of）只能作为 sum、mean、count、all、any、min、max 的参数", expr.span)
        return types.ERROR

    def _expr_IndicatorRef(self, expr, allow_full, deps, lets) -> Type:
        return self.scope.indicator_ref(expr)

    # ── lists and functions ─────────────────────────────────────────────────

    def _aggregate(self, expr, allow_full, deps, lets) -> Type:
        """``count(绩效指标 where 一级指标 == "产出指标")``, ``sum(绩效指标 of 分值)`` …"""
        query = expr.args[0]
        fields = self.list_fields(query.source, deps)
        if fields is None:
            return types.ERROR
        self.scopes.append(fields)
        try:
            if query.where is not None:
                self.need_bool(self.expr(query.where, allow_full, deps, lets), query.where, "where")
            if expr.func == "count":
                if query.value is not None:
                    self.err("P208", "count 只数项数，不用 of", query.value.span)
                return types.COUNT
            if query.value is None:
                self.err("P208", f"{expr.func} 需要用 of 指明对每一项取什么值，如 {expr.func}(列表 of 字段)",
                         query.span)
                return types.ERROR
            value = self.expr(query.value, allow_full, deps, lets)
            if expr.func in ("all", "any"):
                self.need_bool(value, query.value, expr.func)
                return types.BOOL
            value = self.need_numeric(value, query.value, expr.func)
            if expr.func == "mean" and value.kind == "count":
                return types.NUMBER
            return value
        finally:
            self.scopes.pop()

    def list_fields(self, source, deps) -> dict | None:
        """The fields (name → type) of the items of list input `source`, or None (reported) if it is not one."""
        if not isinstance(source, nodes.Name):
            self.err("P208", "where / of 之前须是一个列表输入的名称", source.span)
            return None
        spec = self.scope.list_input(source.name)
        if spec is None or spec.type.kind != "list":
            kind, _ = self.symbols.get(source.name, (None, None))
            if kind is None:
                self.unknown(f"未定义的名称 `{source.name}`", source, self.symbols)
            else:
                self.err("P208", f"`{source.name}` 不是列表输入", source.span)
            return None
        if deps is not None:
            deps.add(source.name)
        self.table[source.serial] = types.LIST
        return {field.name: field.type for field in spec.fields}

    def _call(self, expr, sub) -> Type:
        written = thousands_separated(expr.args)
        if written is not None:  # `min(…, 1,000)`: two arguments to the parser, one figure to the author
            self.err("P121", f"`{written}` 像千分位写法：规则集中的数不写逗号，逗号在这里分开了两个参数",
                     expr.span, hint=f"改为 {written.replace(',', '')}")
            return types.ERROR
        if expr.func == "given":
            arg = expr.args[0] if len(expr.args) == 1 else None
            known = isinstance(arg, nodes.Name) and (
                any(arg.name in scope for scope in self.scopes) or self.symbols.get(arg.name, ("",))[0] == "input")
            if not known:
                self.err("P205", "given(…) 的参数须是一个输入或列表字段的名称", expr.span)
            else:
                sub(arg)
            return types.BOOL
        if expr.func == "deviation":
            if len(expr.args) not in (2, 3):
                self.err("P220", f"deviation 需要 2 个参数（目标值、实际值，可再加度量单位），写了 {len(expr.args)} 个",
                         expr.span)
            for position, arg in enumerate(expr.args):
                t = sub(arg)
                if position != 1 and t.kind not in ("text", "error"):
                    self.err("P204", f"deviation 的目标值和度量单位须是文本，`{text(arg)}` 是{t.describe()}", arg.span)
                elif position == 1 and t.kind in ("bool", "list"):
                    self.err("P204", f"deviation 的实际值须是文本或数值，`{text(arg)}` 是{t.describe()}", arg.span)
            return types.RATE
        if expr.func not in FUNCTIONS:
            close = nearest(expr.func, FUNCTIONS)
            self.err("P205", f"未知函数 `{expr.func}`（可用：min、max、abs、ceil、floor、round、given、deviation，"
                             "以及列表的 sum、mean、count、all、any）", expr.span,
                     hint=f"是否想写 `{close}`？" if close else None)
            for arg in expr.args:
                sub(arg)
            return types.ERROR
        low, high = FUNCTIONS[expr.func]
        if expr.func == "round" and len(expr.args) == 2:
            places = literal_value(expr.args[1])
            if places is None or places != places.to_integral_value() or not 0 <= places <= 12 \
                    or is_money(expr.args[1]) or expr.args[1].kind != "plain":
                self.err("P220", "round 的第二个参数是保留的小数位数，须是 0 到 12 的整数常量", expr.args[1].span,
                         hint="例如 round(预算执行率, 2)：比率保留两位小数即整百分数（49.88% → 50%）")
            self.record(expr.args[1], types.NUMBER)
            return sub(expr.args[0]) if sub(expr.args[0]).numeric else self.need_numeric(
                sub(expr.args[0]), expr.args[0], "round")
        if len(expr.args) < low or (high is not None and len(expr.args) > high):
            want = f"{low}" if low == high else f"至少 {low}"
            self.err("P205", f"{expr.func} 需要 {want} 个参数，写了 {len(expr.args)} 个", expr.span)
        arg_types = [self.need_numeric(sub(arg), arg, expr.func) for arg in expr.args]
        if not arg_types:
            return types.ERROR
        result = arg_types[0]
        money = [t.kind == "money" for t in arg_types]
        if any(money) and not all(money):
            plain = [a for a, m in zip(expr.args, money) if not m]
            if not all(is_zero(a) for a in plain):
                self.err("P203", f"{expr.func} 的参数须同为金额或同为非金额；数字请带单位", expr.span)
                return types.ERROR
        for t in arg_types[1:]:
            result = types.join(result, t)
        if expr.func in ("ceil", "floor") and result.kind != "money":
            return types.NUMBER if result.kind == "rate" else result
        return result

    # ── what a place needs ──────────────────────────────────────────────────

    def need_numeric(self, t: Type, expr, what) -> Type:
        if t.numeric or t.kind == "error":
            return t
        self.err("P204", f"{what}需要数值，`{text(expr)}` 是{t.describe()}", expr.span)
        return types.ERROR

    def need_bool(self, t: Type, expr, what):
        if t.kind not in ("bool", "error"):
            self.err("P204", f"{what} 需要是否（条件），`{text(expr)}` 是{t.describe()}", expr.span,
                     hint="写成比较，如 x > 0" if t.numeric else None)

    def points(self, t: Type, expr):
        """A score, an amount deducted, a cap: a plain number of points."""
        if t.kind == "error":
            return
        if t.kind == "money":
            self.err("P203", f"得分须是分值，`{text(expr)}` 是金额", expr.span)
        elif not t.numeric:
            self.err("P204", f"得分须是数值，`{text(expr)}` 是{t.describe()}", expr.span)


#: expression class → its method (`TypeChecker._expr_<class name>`), as `interp` dispatches rule forms.
_FORMS = {cls: getattr(TypeChecker, "_expr_" + cls.__name__)
          for cls in (nodes.Num, nodes.Bool, nodes.Str, nodes.Full, nodes.Name, nodes.Neg, nodes.Binary,
                      nodes.Compare, nodes.Logic, nodes.Not, nodes.If, nodes.Call, nodes.Query, nodes.IndicatorRef)}


# ── a table's words where the language has its own ──────────────────────────

#: Words an author copies from a published table where a rule says it with a keyword.
_TABLE_WORDS = {"满分": "full", "得满分": "full", "全分": "full", "零分": "0", "不得分": "0"}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_meaning(name: str) -> str | None:
    """What a name that is a word of the table means in the language: ``满分`` → ``full``, ``五分`` → ``5``,
    ``百分之五`` → ``5%``, ``十五`` → ``15``; None for any other name."""
    if name in _TABLE_WORDS:
        return _TABLE_WORDS[name]
    percent = name.startswith("百分之")
    text = name[3:] if percent else name.removesuffix("分")
    number = _chinese_number(text)
    if number is None:
        return None
    return f"{number}%" if percent else str(number)


def _chinese_number(text: str) -> int | None:
    """A whole number of 0–100 in Chinese numerals (``五``, ``十``, ``十五``, ``二十五``, ``一百``), else None."""
    if text == "一百" or text == "百":
        return 100
    if not text or any(char not in _DIGITS and char != "十" for char in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


# ── literals ────────────────────────────────────────────────────────────────


def bare_number_beside_rate(warn, rate: Type, expr, step: bool = False) -> bool:
    """P214 for a bare number above 1 compared with a rate (`结转结余率 <= 5`, `above 5`), or of 1 and more as a rate's
    step (`per started 1 of 结转结余率`): a bare number next to a rate adapts to it, so 5 is 500% — a score that
    changes silently where 5% was meant."""
    value = literal_value(expr)
    if rate.kind != "rate" or literal_kind(expr) != "plain" or abs(value) < 1 or (abs(value) == 1 and not step):
        return False
    shown, percent = format(value.normalize(), "f"), format((value * 100).normalize(), "f")
    what = f"比率的步长是不带 % 的数 {shown}" if step else f"比率与不带 % 的数 {shown} 比较"
    warn("P214", f"{what}：{shown} 即 {percent}%", expr.span,
         hint=f"若指 {shown}%，请写 {shown}%；确指 {percent}% 时也写成百分数，此警告即消失")
    return True



def thousands_separated(args) -> str | None:
    """``1,000`` where two of a call's arguments are a number of one to three digits and, after a comma with no
    space, three digits (``1,000``, ``2,500.5万元``): a figure copied from a table with its thousands separator."""
    for at, first in enumerate(args[:-1]):
        while isinstance(first, nodes.Binary):  # `支出 / 1,000元`: the comma follows the last figure of the first
            first = first.right
        if not (isinstance(first, nodes.Num) and first.kind == "plain" and first.text.isdigit()
                and len(first.text) <= 3 and first.text[0] != "0"):
            continue
        groups, last = [first.text], first
        for second in args[at + 1:]:  # `1,234,567.5`: every group that follows, glued
            tail = second.text if isinstance(second, nodes.Num) else ""
            if not (tail[:3].isdigit() and not tail[3:4].isdigit() and last.span is not None
                    and second.span is not None
                    and (last.span.end_line, last.span.end_column + 1) == (second.span.line, second.span.column)):
                break
            groups.append(tail)
            if second.kind != "plain" or not tail.isdigit():  # a point or a unit ends the figure
                break
            last = second
        if len(groups) > 1:
            return ",".join(groups)
    return None


def is_literal(expr) -> bool:
    return isinstance(expr, nodes.Num) or (isinstance(expr, nodes.Neg) and is_literal(expr.operand))


def literal_value(expr) -> Decimal | None:
    if isinstance(expr, nodes.Num):
        return expr.value
    if isinstance(expr, nodes.Neg):
        inner = literal_value(expr.operand)
        return -inner if inner is not None else None
    return None


def literal_kind(expr) -> str | None:
    """How a literal is written: ``plain`` (5), ``percent`` (5%), ``money`` (5元); None for any other expression."""
    while isinstance(expr, nodes.Neg):
        expr = expr.operand
    return expr.kind if isinstance(expr, nodes.Num) else None


def is_zero(expr) -> bool:
    return literal_value(expr) == 0


def is_money(expr) -> bool:
    inner = expr.operand if isinstance(expr, nodes.Neg) else expr
    return isinstance(inner, nodes.Num) and inner.kind == "money"


def declared_type(ref: nodes.TypeRef) -> Type:
    if ref.kind == "money":
        return Type("money", ref.unit)
    if ref.kind == "list":
        return types.LIST
    return _TYPE_OF_DECL[ref.kind]


def text(expr) -> str:
    """An expression as written (canonical text), for messages."""
    return unparse.expression(expr)
