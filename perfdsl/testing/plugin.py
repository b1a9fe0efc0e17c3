"""pytest plugin (entry point ``pytest11``): a ruleset file is collected as test items.

``pytest`` collects every file matching the ini option ``perfdsl_rulesets``
(default ``rulesets/*.perf``, relative to the rootdir) and any ``.perf``
file named on the command line.  Each example file, the invariants and
each ``property`` of the ruleset become one item, reported like the
output of ``perfdsl test``.  ``--perfdsl-profile``, ``--perfdsl-max-examples``
and ``--perfdsl-seed`` trade depth for time.  Everything heavy is imported
only when a ruleset is collected.
"""

from __future__ import annotations

import fnmatch

import pytest

_SUITES = pytest.StashKey[list]()


def pytest_addoption(parser):
    group = parser.getgroup("perfdsl", "perfdsl 规则集测试")
    group.addoption("--perfdsl-profile", choices=("ci", "dev", "nightly"), default=None,
                    help="hypothesis profile for ruleset tests (default: $PERFDSL_PROFILE, else ci)")
    group.addoption("--perfdsl-max-examples", type=int, default=None,
                    help="generated records per ruleset property (overrides the profile)")
    group.addoption("--perfdsl-seed", type=int, default=None, help="random seed instead of ci's fixed one")
    group.addoption("--perfdsl-failures", default=None, help="folder for counterexample data files")
    parser.addini("perfdsl_rulesets", type="args", default=["rulesets/*.perf"],
                  help="glob patterns (relative to the rootdir) of rulesets collected as tests")


def pytest_collect_file(file_path, parent):
    if file_path.suffix != ".perf":
        return None
    config = parent.config
    try:
        relative = file_path.relative_to(config.rootpath).as_posix()
    except ValueError:
        relative = None
    listed = relative is not None and any(fnmatch.fnmatch(relative, p) for p in config.getini("perfdsl_rulesets"))
    if listed or parent.session.isinitpath(file_path):
        return RulesetFile.from_parent(parent, path=file_path)
    return None


def _options(config):
    from . import profiles
    from .suite import Options

    return Options(profiles.chosen(config.getoption("perfdsl_profile")), config.getoption("perfdsl_max_examples"),
                   config.getoption("perfdsl_seed"), config.getoption("perfdsl_failures"))


class RulesetFile(pytest.File):
    def collect(self):
        from ..errors import PerfError
        from .suite import RulesetTests

        try:
            tests = RulesetTests(self.path, _options(self.config))
        except PerfError as exc:
            yield RulesetItem.from_parent(self, name="load", case=None, problem=exc.render())
            return
        self.config.stash.setdefault(_SUITES, []).append(tests)
        for case in tests.cases():
            yield RulesetItem.from_parent(self, name=case.name, case=case)


class CaseFailed(Exception):
    """A ruleset case failed; its text is the whole report (no traceback)."""


class RulesetItem(pytest.Item):
    def __init__(self, *, case, problem: str = "", **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.problem = problem

    def runtest(self):
        if self.case is None:
            raise CaseFailed(f"规则集无法载入：\n{self.problem}")
        outcome = self.case.run()
        if not outcome.ok:
            parts = [f"{self.case.title} — {outcome.summary}", outcome.detail, outcome.data, outcome.notes]
            raise CaseFailed("\n".join(part for part in parts if part))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        line = self.case.line - 1 if self.case is not None and self.case.line else 0
        return self.path, line, self.case.title if self.case is not None else "load"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Rule coverage and the generated records that could not be scored: a report, not a failure."""
    suites = [tests for tests in config.stash.get(_SUITES, []) if tests.coverage.records]
    if not suites:
        return
    terminalreporter.write_sep("-", "perfdsl 规则覆盖")
    for tests in suites:
        terminalreporter.write_line(f"{tests.path.name}: {tests.coverage.summary()}")
        for branch in tests.coverage.missed():
            terminalreporter.write_line(f"  未覆盖 {branch.describe()}")
        if tests.errors.total:
            terminalreporter.write_line("  " + tests.errors.describe().replace("\n", "\n  "))
