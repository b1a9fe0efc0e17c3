"""`typecheck.TypeChecker` on its own: it types an expression against any scope that says what a name means
(`typecheck.Scope`), records every sub-expression's type by its serial, and reports through the `err` given."""

from __future__ import annotations

from decimal import Decimal

from perfdsl import nodes, types
from perfdsl.typecheck import TypeChecker
from perfdsl.types import Type


class _Scope:
    def __init__(self):
        self.symbols = {"支出": ("input", nodes.InputDecl("支出", nodes.TypeRef("money", "万元"), None, None, None)),
                        "完成率": ("let", None)}
        self.asked = []

    def let_type(self, name, lets):
        self.asked.append(name)
        return types.RATE

    def list_input(self, name):
        return None

    def indicator_ref(self, expr):
        raise AssertionError("not in a property")


def _checker():
    table, found = {}, []
    scope = _Scope()
    checker = TypeChecker(scope, table, lambda code, message, span, **_: found.append((code, message)))
    return checker, scope, table, found


def test_types_every_sub_expression_and_asks_the_scope_what_a_let_is():
    checker, scope, table, found = _checker()
    spent, rate = nodes.Name("支出"), nodes.Name("完成率")
    product = nodes.Binary("*", spent, rate)
    deps = set()
    assert checker.expr(product, deps=deps) == Type("money", "万元")
    assert (table[spent.serial], table[rate.serial], table[product.serial]) == (
        Type("money", "万元"), types.RATE, Type("money", "万元"))
    assert scope.asked == ["完成率"] and deps == {"支出", "完成率"} and found == []


def test_reports_through_err_and_gives_error_so_one_mistake_is_told_once():
    checker, _, table, found = _checker()
    misspelt = nodes.Name("支初")
    total = nodes.Binary("+", nodes.Binary("*", misspelt, nodes.Num(Decimal(2), "plain")), nodes.Str("元"))
    assert checker.expr(total) == types.ERROR
    assert [code for code, _ in found] == ["P201", "P204"]  # the unknown name, then text in arithmetic
    assert "支初" in found[0][1] and table[misspelt.serial] == types.ERROR


def test_full_only_where_a_weight_is_known():
    checker, _, _, found = _checker()
    assert checker.expr(nodes.Full()) == types.NUMBER
    assert checker.expr(nodes.Full(), allow_full=False) == types.ERROR
    assert [code for code, _ in found] == ["P206"]


def test_every_expression_form_has_its_method():
    from perfdsl import typecheck

    forms = {cls for cls in vars(nodes).values() if isinstance(cls, type) and issubclass(cls, nodes.Expr)
             and cls is not nodes.Expr}
    assert len(forms) >= 14 and set(typecheck._FORMS) == forms
