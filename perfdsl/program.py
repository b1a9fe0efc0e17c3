"""A compiled ruleset: convert a record, run the generated evaluator, wrap the figures in a `Result`.

When the fast path fails (a missing input, a zero divisor, a deduction above
the weight) the reference interpreter is run on the same record; it raises
the error with the indicator, the key and the figures.  If it does not, the
two evaluators disagree — a bug in perfdsl, reported as such.
"""

from __future__ import annotations

from decimal import localcontext

from . import codegen
from .decimals import CONTEXT
from .errors import DataValueError, EvaluationError, MissingInput, PerfError, RecordError
from .inputs import RecordReader
from .layout import Layout
from .model import Model
from .result import Result, criteria_of
from .values import MISSING, Record


class InternalError(PerfError):
    """perfdsl itself is wrong (the compiled and reference evaluators disagree)."""


class FiguresDiffer(InternalError):
    """The figures a basis is rendered from are not those of the result it is for."""


class Program:
    """Evaluates records against one model; built once, used for any number of records."""

    def __init__(self, model: Model, deferred: bool = False):
        """`deferred`: compile the generated evaluator when it is first used, not now — so that a command
        scoring one record with its basis compiles only `evaluate_facts` (`facts_first`)."""
        self.model = model
        self._plain = None  # (source, `evaluate`), compiled on first use when `deferred`
        self._scorer = None  # what `scores` calls: `evaluate`, or `evaluate_facts`' figures (`facts_first`)
        self._planted = False  # an evaluator set from outside (the tests'): it alone scores, facts or not
        self.layout = Layout(model)  # where each figure sits in what the evaluator returns
        self._facts = None  # `evaluate_facts` and its `rendering.Renderer`, built when a basis is first asked
        self._criteria = None
        self.reader = RecordReader(model)
        #: the ``informational`` inputs, in declaration order (`Result.information`: every writer asks, per record)
        self.informational = tuple(spec for spec in model.inputs if spec.informational)
        self.reader.plausibility.scorer = self._node_scores  # the compiled scores, for telling which way rules pay
        if not deferred:
            self._compiled()

    def _compiled(self) -> tuple:
        """(source, `evaluate`): the generated evaluator of figures only, compiled once."""
        if self._plain is None:
            source, namespace = codegen.generate(self.model)
            exec(compile(source, f"<perfdsl:{self.model.path}>", "exec"), namespace)  # no user text: see codegen
            self._plain = source, namespace["evaluate"]
        return self._plain

    @property
    def source(self) -> str:
        """The generated evaluator's Python source."""
        return self._compiled()[0]

    @property
    def _evaluate(self):
        """The compiled evaluator `scores` runs (the flat tuple of a record's slots)."""
        if self._scorer is None:
            self._scorer = self._compiled()[1]
        return self._scorer

    @_evaluate.setter
    def _evaluate(self, function):  # the tests plant a broken evaluator here
        self._scorer = function
        self._planted = True

    def facts_first(self):
        """Score with `evaluate_facts`' figures, compiling it now, unless `evaluate` is compiled already:
        one record shown with its basis then compiles one generated evaluator, not two (the figures are the
        same emitters'; tests/test_basis_core.py compares both evaluators on every record).  A record
        `evaluate_facts` raises on is scored by `evaluate` (compiled then), so what fails, and how, is as before."""
        if self._scorer is not None or self._plain is not None:
            return
        evaluate_facts = self.explained()[0]

        def figures(slots):
            try:
                return evaluate_facts(slots)[0]
            except Exception:  # noqa: BLE001 - `evaluate` decides, as without facts_first
                return self._compiled()[1](slots)

        self._scorer = figures

    def convert(self, record, position: int | None = None, lenient: bool = False) -> Record:
        return self.reader.read(record, position, lenient)

    def scores(self, record: Record) -> tuple:
        """The flat tuple of effective weights, scores, totals and grades for a converted record."""
        try:
            with localcontext(CONTEXT):
                return self._evaluate(record.slots)
        except Exception as exc:
            from . import interp  # here: the reference interpreter is off the output path (docs/architecture.md)

            found = interp.problems(self.model, record)  # the precise errors, every indicator's
            if found:
                raise combined(found, self.model) from None
            raise InternalError(f"编译求值失败而参考求值成功（{type(exc).__name__}: {exc}）；"
                                "这是 perfdsl 的缺陷") from exc

    def _node_scores(self, values: dict) -> dict | None:
        """Every indicator's score by (scorecard, node index) for a record's converted `values`, compiled; None
        when the compiled evaluator cannot score them (the reference interpreter then says what it can)."""
        slots = tuple([values.get(name, MISSING) for name in self.reader.names])
        try:
            with localcontext(CONTEXT):
                flat = self._evaluate(slots)
        except Exception:  # a missing input, a zero divisor …: the caller falls back on the interpreter
            return None
        return {(card.index, i): self.layout.score(flat, card.index, i)
                for card in self.model.scorecards for i in range(len(card.nodes))}

    def evaluate(self, raw, position: int | None = None, lenient: bool = False, explained: bool = False) -> Result:
        """Score one raw record (a dict from JSON or a spreadsheet row).  `explained`: its basis will be
        shown, so it is scored by `evaluate_facts` once, and the facts kept for the basis (`_with_facts`)."""
        record = self.convert(raw, position, lenient)
        try:
            scored = self._with_facts(record) if explained and not self._planted else None
            flat = scored[0] if scored is not None else self.scores(record)
        except RecordError as exc:
            if exc.record is None:
                exc.record = record.name
            exc.warnings = exc.warnings or record.warnings
            raise
        result = Result(self, record, flat)
        if scored is not None:
            result.facts = scored[1:]
        return result

    def _with_facts(self, record: Record) -> tuple | None:
        """(figures, derived values, facts) of `evaluate_facts` — the figures are the same emitters' as
        `evaluate`'s, so a record shown with its basis is evaluated once, not twice (tests/test_basis_core.py
        compares the two evaluators on every record) — or None where it raises: `scores` then decides, as
        it would without the facts, and what fails, and how, is as before."""
        evaluate_facts = self.explained()[0]
        try:
            with localcontext(CONTEXT):
                return evaluate_facts(record.slots)
        except Exception:  # noqa: BLE001 - `scores` (then the interpreter) says what is wrong
            return None

    def trace(self, record: Record):
        """The reference interpreter's `interp.Trace` of a converted record (`explain`, the tests' oracle)."""
        from . import interp

        return interp.evaluate(self.model, record)

    def criteria(self) -> tuple:
        """Per scorecard, each node's 评分标准 text or None (`result.criteria_of`): the ruleset's alone, so
        worked out once, not per record and node."""
        if self._criteria is None:
            self._criteria = tuple(tuple(criteria_of(node) for node in card.nodes) for card in self.model.scorecards)
        return self._criteria

    def explained(self) -> tuple:
        """`evaluate_facts` (the evaluator that also returns the facts a basis is rendered from) and its
        `rendering.Renderer`, built on first use: outputs without a basis never pay for them."""
        if self._facts is None:
            from . import rendering  # here: outputs without a basis never import the renderer

            source, namespace = codegen.generate(self.model, explain=True)
            exec(compile(source, f"<perfdsl:{self.model.path}:facts>", "exec"), namespace)  # no user text
            self._facts = namespace["evaluate_facts"], rendering.Renderer(self.model, self.layout)
        return self._facts

    def basis(self, record: Record, flat: tuple, facts: tuple | None = None) -> list:
        """Every basis text of a scored record, from the compiled evaluator's facts (`rendering.Renderer.render`:
        per scorecard, its nodes', its total's, its `each` items', its scorecard rules'), None where the
        reference interpreter must say it.  `facts`: (derived values, facts) kept from the evaluation that
        gave `flat` (`evaluate(…, explained=True)`); otherwise `evaluate_facts` runs now, and facts whose
        figures differ from `flat` are a defect (FiguresDiffer)."""
        evaluate_facts, renderer = self.explained()
        if facts is not None:
            return renderer.render(record, flat, *facts)
        with localcontext(CONTEXT):
            figures, lets, facts = evaluate_facts(record.slots)
        if figures != flat:
            raise FiguresDiffer("编译求值两次的结果不同；这是 perfdsl 的缺陷")
        return renderer.render(record, flat, lets, facts)


def combined(errors, model: Model) -> RecordError:
    """One error for a record's several: a data error if any is one (the data must be fixed first)."""
    if len(errors) == 1:
        return errors[0]
    data = any(isinstance(e, DataValueError) for e in errors)
    kind = DataValueError if data else EvaluationError
    missing = sorted((e.key for e in errors if isinstance(e, MissingInput)), key=lambda key: _slot(model, key))
    return kind.listing([(e.key, e.message) for e in errors if not isinstance(e, MissingInput)], missing)


def _slot(model: Model, key: str) -> int:
    spec = model.input(key.split("[")[0])
    return spec.slot if spec is not None else len(model.inputs)
