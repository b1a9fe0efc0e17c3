"""What a cold `perfdsl eval R record.json --format json` with a warm ruleset cache imports (issue 13, cold start).

One fresh process scores the Chao'an example twice (the first run fills the cache) and reports every module
it loaded, and for each module listed here that it loaded, the first perfdsl module that imported it (a
finder on `sys.meta_path` that only watches).  Each entry of `ABSENT` says why the eval path can do without
that module.  `PENDING` lists the ones another branch removes (issue 13's attrs swaps and the like): while
such a module is still loaded its test is skipped with the importer named; once no module loads it, its test
fails until the entry is taken out of `PENDING` — so merging the last branch that removes it turns the check
on for good.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Modules a warm eval of one record to stdout never loads, and why it need not.
ABSENT = {
    "attrs": "perfdsl's own classes are `perfdsl.frozen` (attrs compiles Python for every class it makes)",
    "attr": "attrs' implementation, loaded with it",
    "lark": "the tree comes from the cache: nothing is parsed",
    "interegular": "Lark's, only when a grammar is built",
    "perfdsl.parser": "the tree comes from the cache",
    "perfdsl.include": "includes are spliced in before the tree is cached",
    "perfdsl.extends": "a base is merged before the tree is cached",
    "perfdsl.checks": "a tree that checked cleanly is not checked again",
    "perfdsl.reach": "part of the checks",
    "perfdsl.intervals": "part of the checks",
    "perfdsl.interp": "the basis comes from the compiled evaluator's facts (`rendering`); the interpreter is "
                      "the tests' oracle and the source of precise errors, imported only when a record fails",
    "perfdsl.formatter": "`perfdsl fmt`'s",
    "perfdsl.comments": "`perfdsl fmt`'s",
    "perfdsl.report.table": "the table is not the format asked for",
    "perfdsl.report.markdown": "not the format asked for",
    "perfdsl.report.html": "not the format asked for",
    "perfdsl.report.xlsxout": "not the format asked for",
    "rich": "never on the eval path (the table is plain text; a terminal is fitted without rich)",
    "openpyxl": "only for xlsx input or output",
    "multiprocessing": "one record: no worker is started",
    "concurrent": "one record: no worker pool",
    "hashlib": "the cache hashes with the interpreter's own SHA-256 (hashlib loads OpenSSL first)",
    "tempfile": "nothing is written but standard output (the cache entry exists already)",
    "zipfile": "`tabular` reads workbooks only for xlsx input",
    "csv": "`tabular` reads CSV only for CSV input",
}

#: Modules of `ABSENT` still loaded until another branch lands: module → the branch and module that loads it.
#: Take an entry out when its test says it is no longer loaded.
PENDING: dict = {}

_WATCHED = sorted(ABSENT)

_SCRIPT = """
import json, sys

watched = set(sys.argv[1].split(","))
importers = {}


class Watch:
    '''Names, for a watched module, the innermost perfdsl module on the stack when it is first imported.'''

    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        key = name if name in watched else top if top in watched else None
        if key is not None and key not in importers:
            frame = sys._getframe(1)
            while frame is not None:
                module = frame.f_globals.get("__name__", "")
                if module.startswith("perfdsl") and module != key:
                    importers[key] = f"{module}:{frame.f_lineno}"
                    break
                frame = frame.f_back
            else:
                importers[key] = "?"
        return None


sys.meta_path.insert(0, Watch())
sys.argv = ["perfdsl", "eval", sys.argv[2], sys.argv[3], "--format", "json"]
from perfdsl.cli import main

try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
loaded = sorted(m for m in sys.modules if m in watched or m.split(".")[0] in watched)
print(json.dumps({"code": code, "loaded": loaded, "importers": importers}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def warm_eval(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    env = dict(os.environ, PERFDSL_CACHE_DIR=str(cache))
    env.pop("PERFDSL_NO_CACHE", None)
    command = [sys.executable, "-c", _SCRIPT, ",".join(_WATCHED), str(ROOT / "rulesets" / "chaoan-2022.perf"),
               str(ROOT / "examples" / "chaoan-2022.json")]
    for _ in range(2):  # the first run parses and keeps the tree; the second is the warm one
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    document = json.loads(done.stdout, parse_float=Decimal)
    # the published totals: the run really scored
    assert [card["score"] for card in document["scorecards"]] == [Decimal("89.04"), 29]
    loaded = {m.split(".")[0] if m.split(".")[0] in ABSENT else m for m in report["loaded"]}
    return loaded, report["importers"]


@pytest.mark.parametrize("module", _WATCHED)
def test_a_warm_eval_of_one_record_does_not_import(warm_eval, module):
    loaded, importers = warm_eval
    if module in PENDING:
        if module in loaded:
            pytest.skip(f"{module} still imported (first by {importers.get(module, '?')}): pending {PENDING[module]}")
        pytest.fail(f"{module} is no longer imported by a warm eval: take it out of PENDING ({ABSENT[module]})")
    assert module not in loaded, f"{module} imported by {importers.get(module, '?')}; {ABSENT[module]}"


def test_every_pending_module_is_one_the_eval_path_should_not_load():
    assert set(PENDING) <= set(ABSENT)


_LOADING = """
import gc, sys


class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in ("click", "perfdsl.nodes"):
            print(name, gc.isenabled())
        return None


sys.meta_path.insert(0, Watch())
sys.argv = ["perfdsl", "--version"]
import perfdsl.__main__ as entry

try:
    entry.main()
except SystemExit:
    print("after", gc.isenabled(), gc.get_freeze_count() > 10_000)  # what the imports made is frozen
"""


def test_the_collector_is_held_off_while_the_command_loads_and_on_when_it_runs():
    """Off while the modules load, what they made frozen (out of every later collection), on for the command."""
    done = subprocess.run([sys.executable, "-c", _LOADING], capture_output=True, text=True, cwd=ROOT)
    seen = [line for line in done.stdout.splitlines() if line.split()[0] in ("click", "perfdsl.nodes", "after")]
    assert seen == ["click False", "perfdsl.nodes False", "after True True"], done.stdout + done.stderr


def test_a_caller_that_holds_the_collector_off_keeps_it_off(monkeypatch):
    import gc

    import perfdsl.__main__ as entry
    import perfdsl.cli

    seen = []
    monkeypatch.setattr(perfdsl.cli, "main", lambda: seen.append(gc.isenabled()))
    collecting = gc.isenabled()
    try:
        gc.disable()
        entry.main()
        assert not gc.isenabled()
    finally:
        (gc.enable if collecting else gc.disable)()
    assert seen == [False]
