"""The figures a record's claims can name: its inputs, the ruleset's derived values, printed figures (``figures``).

A name in an identity means, in this order: the record's input (as the
record wrote it: its unit and digits), a derived value or scorecard total of
the ruleset (recomputed, exact), a figure only the document prints (a
``figures`` claim on a name the ruleset does not have).  Any other text is
read as a printed value itself (``"11辆"``, ``"282.74元"``, ``"2020年"``).  A
``figures`` claim on an input or derived value is checked against it
(`rules`); to use the printed value in an identity, write it in
(``{"value": "46.38%", "at": "003:71"}``).
"""

from __future__ import annotations

import bisect
from decimal import Decimal, localcontext

import attrs

from .. import interp, nodes, printed
from ..decimals import CONTEXT
from ..errors import RecordError
from ..nearest import nearest
from ..values import MISSING
from . import claims


class OperandError(Exception):
    """A name or value in a claim that cannot be read."""


@attrs.frozen
class Figure:
    label: str  # its name, or the text of a value written into the claim
    printed: printed.Printed
    source: str  # "printed" | "input" | "let"
    at: tuple[str, ...] = ()
    working: str = ""  # a derived value: how it is computed
    declared: str = ""  # an input's or derived value's type in the ruleset (count, number, money, rate …)
    reads: frozenset = frozenset()  # a derived value: every name its formula reads (itself for the others)

    @property
    def text(self) -> str:
        return self.printed.text

    def named(self) -> str:
        """``本年三公经费 1.41万元`` — or the value alone for a value written into the claim."""
        return self.text if self.label == self.text else f"{self.label} {self.text}"


class Figures:
    """Looks names up for one scored record."""

    def __init__(self, program, result, claims):
        self.model = program.model
        self.record = result.record
        self.evaluation = interp.Evaluation(self.model, self.record)
        self.evaluation.totals = {name: total for name, total, _ in result.totals()}
        self.printed = {claim.where[1]: claim for claim in claims if claim.where[0] == "figures"}
        self._cache: dict[str, Figure | None] = {}
        self.written = self._written(claims)
        self._pool: list[Figure] | None = None

    def _written(self, claims) -> list[Figure]:
        """The labelled figures written into identities: the document's figures too, for the hints' searches."""
        out, seen = [], set()

        def visit(raw, depth=0):
            if isinstance(raw, list) and depth < 2:  # operands, and the summed parts of one
                for item in raw:
                    visit(item, depth + 1)
            elif isinstance(raw, dict) and "label" in raw and "value" in raw:
                try:
                    figure = self.operand(raw)
                except OperandError:
                    return
                if figure.printed.numeric and (figure.label, figure.text) not in seen:
                    seen.add((figure.label, figure.text))
                    out.append(figure)

        for claim in claims:
            if claim.where[0] == "identities" and claim.kind != "bands":
                for key in (claim.kind, "less", "equals"):
                    visit(claim.value.get(key))
        return out

    # ── by name ─────────────────────────────────────────────────────────────

    def knows(self, name: str) -> bool:
        return name in self.printed or self.is_ruleset_name(name)

    def is_ruleset_name(self, name: str) -> bool:
        spec = self.model.input(name)
        return (spec is not None and spec.type.kind != "list") or self.model.let(name) is not None \
            or name in self.evaluation.totals

    def named(self, name: str) -> Figure | None:
        """The figure a name stands for in an identity."""
        if self.is_ruleset_name(name):
            return self.recomputed(name)
        if name in self.printed:
            claim = self.printed[name]
            try:
                return Figure(name, claims.figure(claim.value), "printed", claim.at)
            except ValueError as exc:
                raise OperandError(f"`{name}` 的公布值不是数字或文本：{exc}") from None
        return None

    def recomputed(self, name: str) -> Figure | None:
        """An input as the record holds it, or a derived value (or total) as the rules compute it."""
        if name not in self._cache:
            self._cache[name] = self._recompute(name)
        return self._cache[name]

    def _recompute(self, name: str) -> Figure | None:
        spec = self.model.input(name)
        if spec is not None:
            value = self.record.values.get(name, MISSING)
            if spec.type.kind == "list" or value is MISSING or value is None:
                return None
            unit = self.record.units.get(name, spec.type.unit)
            return Figure(name, printed.of_input(value, spec.type.kind, unit), "input", reads=frozenset({name}),
                          declared=spec.type.kind)
        if name in self.evaluation.totals:
            value = self.evaluation.totals[name]
            return Figure(name, printed.exact(value, "number"), "let", reads=frozenset({name}))
        let = self.model.let(name)
        if let is None:
            return None
        try:
            with localcontext(CONTEXT):
                value = self.evaluation.read(name)
                working = self.evaluation.describe(nodes.Name(name))
        except (RecordError, ArithmeticError):
            return None
        unit = self.evaluation._unit_of(let.expr) if let.type.kind == "money" else None
        return Figure(name, printed.exact(value, let.type.kind, unit or let.type.unit), "let", working=working,
                      reads=frozenset(self._reads(let.expr)) | {name}, declared=let.type.kind)

    def _reads(self, expr, seen=None) -> set:
        seen = set() if seen is None else seen
        for node in nodes.walk(expr):
            if isinstance(node, nodes.Name) and node.name not in seen:
                seen.add(node.name)
                let = self.model.let(node.name)
                if let is not None:
                    self._reads(let.expr, seen)
        return seen

    # ── operands of identities ──────────────────────────────────────────────

    def operand(self, raw, numeric: bool = True) -> Figure:
        """A name, a value written into the claim (``"11辆"``, 10, ``{"value": "0.30%", "at": "002:617"}``)."""
        if isinstance(raw, dict):
            if "value" not in raw or set(raw) - {"value", "at", "label"}:
                raise OperandError('写入的数字须是 {"value": …, "at": "…"}')
            at = raw.get("at", ())
            figure = self._value(raw["value"], numeric)  # written in: a value, never a name
            return attrs.evolve(figure, label=str(raw.get("label", figure.label)),
                                at=(at,) if isinstance(at, str) else tuple(at))
        if isinstance(raw, str) and self.knows(raw.strip()):
            figure = self.named(raw.strip())
            if figure is None:
                raise OperandError(f"`{raw}` 在这条记录中没有值（缺少输入，或无法计算）")
            return figure
        return self._value(raw, numeric)

    def _value(self, raw, numeric: bool) -> Figure:
        try:
            value = printed.parse(raw)
        except ValueError:
            raise OperandError(f"不是数字、文本或名称：{raw!r}") from None
        try:
            claims.figure(raw)
        except ValueError as exc:
            raise OperandError(str(exc)) from None
        if numeric and not value.numeric and value.kind != "date":
            close = nearest(str(raw), list(self.printed) + [s.name for s in self.model.inputs]
                            + [let.name for let in self.model.lets])
            hint = f"，是否为 `{close}`？" if close else ""
            raise OperandError(f"`{raw}` 不是数字，也不是 figures、输入或派生值的名称{hint}")
        return Figure(value.text, value, "printed")

    # ── everything, for the searches behind a hint ──────────────────────────

    def pool(self) -> list[Figure]:
        """Every numeric figure of the record: printed ones, inputs, derived values that compute (worked out once)."""
        if self._pool is None:
            out = []
            for name in self.printed:
                if self.is_ruleset_name(name):
                    continue
                try:
                    figure = self.named(name)
                except OperandError:
                    continue
                if figure is not None and figure.printed.numeric and isinstance(figure.printed.value, Decimal):
                    out.append(figure)
            for name in [s.name for s in self.model.inputs] + [let.name for let in self.model.lets]:
                figure = self.recomputed(name)
                if figure is not None and figure.printed.numeric and isinstance(figure.printed.value, Decimal):
                    out.append(figure)
            self._pool = out + self.written
            self.position = {id(figure): n for n, figure in enumerate(self._pool)}
            self._sorted = sorted(range(len(self._pool)), key=lambda i: self._pool[i].printed.value)
            self._values = [self._pool[i].printed.value for i in self._sorted]
        return self._pool

    def between(self, low: Decimal, high: Decimal) -> list[tuple[int, Figure]]:
        """(position in `pool`, figure) of every figure with low ≤ value ≤ high, by position."""
        self.pool()
        start, stop = bisect.bisect_left(self._values, low), bisect.bisect_right(self._values, high)
        return sorted((self._sorted[k], self._pool[self._sorted[k]]) for k in range(start, stop))
