"""The tests of one ruleset — examples, invariants, the author's properties — as cases to run.

`perfdsl test` and the pytest plugin both run these cases; each returns an
`Outcome`.  Property cases run under hypothesis with records from
`strategies`; a failure is shrunk, and the smallest record found is written
to a data file that ``perfdsl eval`` runs as it is.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs
from hypothesis import Verbosity, given, reject, seed, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import FailedHealthCheck, Unsatisfiable

from .. import loader
from ..errors import DataValueError, PerfError, RecordError
from ..files import atomic_output, read_text
from ..report import jsonout
from . import audited, examples, profiles, strategies
from .claims import Claim
from .coverage import Coverage
from .invariants import violations
from .scoring import Violation, score


@attrs.frozen
class Options:
    profile: str = profiles.DEFAULT
    max_examples: int | None = None
    seed: int | None = None
    failures: Path | None = None  # where counterexamples are written
    database: bool = False  # keep hypothesis' examples (in the user's cache), so a failure is tried first next time

    def settings(self) -> settings:
        examples = self.max_examples or profiles.RULESET_EXAMPLES.get(self.profile)
        chosen = {"max_examples": examples} if examples else {}
        if self.seed is not None:
            chosen["derandomize"] = False
        database = DirectoryBasedExampleDatabase(profiles.storage() / "examples") if self.database else None
        return settings(settings.get_profile(self.profile), database=database, verbosity=Verbosity.quiet,
                        report_multiple_bugs=False, print_blob=False, **chosen)

    def folder(self) -> Path:
        if self.failures is not None:
            return Path(self.failures)
        return Path(tempfile.gettempdir()) / f"perfdsl-counterexamples-{os.getuid() if hasattr(os, 'getuid') else 0}"


@attrs.frozen
class Outcome:
    ok: bool
    summary: str
    detail: str = ""  # why it failed
    notes: str = ""  # worth knowing even when it passed
    data: str = ""  # the counterexample as JSON text
    seconds: float = 0.0


@attrs.frozen
class Case:
    kind: str  # "example" | "invariants" | "property"
    name: str  # short and unique within the ruleset (pytest's item name)
    title: str
    line: int | None
    run: Callable[[], Outcome] = attrs.field(repr=False)


#: How each kind of record error is named in a report.
_KINDS = {"EvaluationError": "无法求值", "DataValueError": "数据有误", "RecordError": "无法计分"}


class DeclaredErrors:
    """Generated records that could not be scored, by kind (class, indicator, key)."""

    def __init__(self):
        self.total = 0
        self.kinds: dict[tuple, list] = {}

    def add(self, exc: RecordError):
        self.total += 1
        key = (type(exc).__name__, getattr(exc, "indicator", None), exc.key)
        self.kinds.setdefault(key, [0, exc.message])[0] += 1

    def describe(self) -> str:
        lines = [f"{self.total} 条生成记录无法计分（声明的错误，不算失败；规则集可用 when 说明这些情形）："]
        for (kind, _, _), (count, message) in sorted(self.kinds.items(), key=lambda item: -item[1][0]):
            lines.append(f"  {count} 条{_KINDS.get(kind, '错误')}：{message}")
        return "\n".join(lines)


class RulesetTests:
    """The cases of one ruleset, sharing its program, its rule coverage and its declared-error log."""

    def __init__(self, path, options: Options = Options(), text: str | None = None):
        """The ruleset at `path`, or given as `text` (read from standard input: no example files to find)."""
        self.path = Path(path)
        self.options = options
        self.program = loader.load(_shown(self.path)) if text is None else loader.compile_text(text, str(path))
        self.model = self.program.model
        self.example_files = examples.discover(self.path) if text is None else []
        self.from_stdin = text is not None
        self.coverage = Coverage(self.model)
        self.errors = DeclaredErrors()
        self.rejected = ""  # why the last generated record was not even readable

    # ── the cases ───────────────────────────────────────────────────────────

    def cases(self) -> list[Case]:
        if not self.model.scorecards:
            return []  # a library of shared definitions (common/*.perf): nothing to score
        found = [Case("example", f"example[{path.name}]", f"示例 {_shown(path)}", None,
                      self._timed(lambda path=path: self._example(path)))
                 for path in self.example_files]
        if not found:
            found.append(Case("examples", "examples", "示例记录", None, self._timed(self._no_examples)))
        found.append(Case("invariants", "invariants", "不变式（生成的记录）", None, self._timed(self._invariants)))
        for claim in self.model.properties:
            line = claim.span.line if claim.span else None
            found.append(Case("property", f"property:{line}[{claim.text}]", f"property {claim.text}", line,
                              self._timed(lambda claim=claim: self._property(claim))))
        return found

    def _timed(self, work):
        def run() -> Outcome:
            start = time.perf_counter()
            outcome = work()
            return attrs.evolve(outcome, seconds=time.perf_counter() - start)

        return run

    # ── examples ────────────────────────────────────────────────────────────

    def _no_examples(self) -> Outcome:
        """No example file: nothing shows that the ruleset reproduces a published score — a failure,
        unless the ruleset came from standard input, which has no folder to look in."""
        if self.from_stdin:
            return Outcome(True, "从标准输入读取的规则集没有示例记录：未比对公布的数字")
        places = "、".join(_shown(place) + "/" for place in examples.places(self.path))
        return Outcome(False, "没有示例记录，无法证明规则集能重现公布的分数",
                       f"在 {places} 中放入 {self.path.stem}.json（一条记录，_expected 写公布的分数），"
                       f"或以 {self.path.stem} 开头的其他 .json/.jsonl 文件")

    def _example(self, path: Path) -> Outcome:
        try:
            text = read_text(path, "数据文件")
            batch = list(examples.records(path))
        except PerfError as exc:
            return Outcome(False, "无法读取", exc.render())
        compared, published, problems = 0, 0, []
        claims = known = 0
        for position, raw in batch:
            try:
                if isinstance(raw, RecordError):
                    raise raw
                converted = self.program.convert(raw, position)
                problems += _warned(converted.warnings, path)
                scored = score(self.program, raw, converted)
            except RecordError as exc:
                problems += [exc.render(), *_warned(exc.warnings, path)]
                continue
            except Violation as exc:
                problems.append(exc.message)
                continue
            self.coverage.observe(scored)
            problems += violations(self.program, scored)
            if "_expected" in raw:
                count, wrong = examples.compare(scored.result, raw["_expected"], text, _shown(path), published)
                compared, published, problems = compared + count, published + 1, problems + wrong
            if "_reported" in raw:  # the document's own claims: audit flags exactly the errata marked known
                count, flagged, wrong = audited.check(self.program, raw, position, text, _shown(path))
                claims, known, problems = claims + count, known + flagged, problems + wrong
        if problems:
            return Outcome(False, f"{len(problems)} 处不符", "\n".join(problems))
        audit = f"；原文 {claims} 项公布数字核对完毕，{known} 项已知勘误如期发现" if claims else ""
        if not published:
            return Outcome(True, f"{len(batch)} 条记录可以计分（没有 _expected）{audit}")
        return Outcome(True, f"{len(batch)} 条记录，{compared} 个公布数字全部一致{audit}")

    # ── generated records ───────────────────────────────────────────────────

    def _readable(self, raw):
        """The converted record; a record the declarations themselves reject is not tried."""
        try:
            return self.program.convert(raw)
        except DataValueError as exc:
            self.rejected = exc.render()
            reject()

    def _scored(self, raw, reference: bool = False, readable=None):
        """Score a generated record (`readable`: its conversion, when the caller made it); None when it raises a
        declared error (counted, with its message).

        Only the invariants need the reference run (and feed coverage with it); properties read results.
        """
        try:
            scored = score(self.program, raw, self._readable(raw) if readable is None else readable, reference)
        except RecordError as exc:
            if reference:
                self.errors.add(exc)
            return None
        if reference:
            self.coverage.observe(scored)
        return scored

    def _invariants(self) -> Outcome:
        tried = [0, 0]

        def check(raw):
            readable = self._readable(raw)  # one its own declarations refuse is not tried, nor counted as 无法计分
            tried[0] += 1
            scored = self._scored(raw, reference=True, readable=readable)
            if scored is None:
                return
            tried[1] += 1
            problems = violations(self.program, scored)
            again = score(self.program, raw, self.program.convert(raw), reference=False)
            if again.result.flat != scored.result.flat:
                problems.append("同一条记录两次求值的结果不同：求值不确定")
            if problems:
                raise Violation("\n".join(problems), [raw])

        failed = self._hypothesis(strategies.records(self.model), check, "invariants")
        notes = self.errors.describe() if self.errors.total else ""
        if failed is not None:
            return self._failure(failed, "invariants", notes)
        if not tried[1]:
            return Outcome(False, "没有一条生成的记录能计分", notes or self.rejected)
        return Outcome(True, f"{tried[1]} 条生成记录满足全部不变式" + (f"，{tried[0] - tried[1]} 条无法计分" if
                                                                  tried[0] > tried[1] else ""), notes=notes)

    def _property(self, spec) -> Outcome:
        claim = Claim(spec)
        if spec.kind == "always":
            def check(raw):
                scored = self._scored(raw)
                if scored is not None:
                    claim.check_always(scored)

            strategy = strategies.records(self.model)
        else:
            def check(data):
                # A record, then the same record with the input raised rung by rung: each against the last.
                before = self._scored(data.draw(strategies.records(self.model)))
                rungs = data.draw(strategies.ladder(self.model, before.raw, before.record.values, spec.input)) \
                    if before is not None else ()
                for raw in rungs:
                    after = self._scored(raw)
                    if after is None:
                        break
                    claim.check_pair(before, after)
                    before = after

            strategy = st.data()
        failed = self._hypothesis(strategy, check, f"property:{spec.text}")
        if failed is not None:
            return self._failure(failed, f"property-{spec.span.line if spec.span else 0}")
        what = "条记录" if spec.kind == "always" else "对记录（增大前后）"
        if not claim.checked:
            why = "when 条件从未成立" if spec.when is not None else "没有一条记录能计分"
            if spec.kind == "monotone":
                why += f"，或 {spec.input} 的范围不允许增大"
            return Outcome(False, "从未被检验", f"{claim.tried} {what}中没有一条检验了这个性质：{why}")
        return Outcome(True, f"{claim.checked} {what}成立")

    def _hypothesis(self, strategy, check, case: str) -> Violation | None:
        chosen = self.options.settings()

        @chosen
        @given(strategy)
        def run(example):
            check(example)

        if chosen.database is not None and not chosen.derandomize:
            # Every case runs this same function: its saved examples are told apart by ruleset and case.
            # (Not when derandomised: the digest is the seed then, and the ci profile's must stay fixed.)
            run.hypothesis.inner_test._hypothesis_internal_add_digest = f"{self.path.resolve()}|{case}".encode()

        if self.options.seed is not None:
            run = seed(self.options.seed)(run)
        try:
            with profiles.alike_everywhere():
                run()
        except Violation as exc:
            return exc
        except (Unsatisfiable, FailedHealthCheck) as exc:
            reason = self.rejected or str(exc).splitlines()[0]
            return Violation(f"无法按输入声明生成可读的记录：{reason}")
        return None

    # ── counterexamples ─────────────────────────────────────────────────────

    def _failure(self, failed: Violation, slug: str, notes: str = "") -> Outcome:
        if not failed.records:
            return Outcome(False, "失败", failed.message, notes)
        value = failed.records[0] if len(failed.records) == 1 else list(failed.records)
        data = jsonout.dumps(value)
        target = self.options.folder() / f"{self.path.stem}-{slug}.json"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(target) as handle:
                handle.write(data + "\n")
        except OSError as exc:
            where = f"反例无法写入 {target}（{exc.strerror}）"
        else:
            where = f"反例（已化简）：{target}\n重现：perfdsl eval {_shown(self.path)} {target}"
        return Outcome(False, "失败", f"{failed.message}\n{where}", notes, data)


def _warned(warnings, path: Path) -> list[str]:
    """An example's record must be clean: each plausibility warning of it is a failure of the example."""
    return [f"{_shown(path)}: {warning.render()}（示例记录不应有数据警告：请核对这个数字）" for warning in warnings]


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
