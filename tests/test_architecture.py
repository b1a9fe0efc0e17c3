"""The import rules of docs/architecture.md, held by reading every module's imports (`ast`, no import run).

Rules are by layer and by name pattern, not a closed list: a module added later falls in the core layer
unless its name says otherwise, and the rules then hold for it too.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "perfdsl"

#: Outer layers: they may import everything below them; nothing below may import them.
OUTER = ("perfdsl.cli", "perfdsl.commandline", "perfdsl.__main__", "perfdsl.report", "perfdsl.serve",
         "perfdsl.audit", "perfdsl.testing", "perfdsl.lsp")
#: The front end: text to syntax tree.  It knows nothing of models, checks or evaluation.
FRONT = ("perfdsl.parser", "perfdsl.nodes", "perfdsl.source", "perfdsl.include", "perfdsl.comments",
         "perfdsl.unparse")
#: What the front end may not import.
BEYOND_FRONT = ("perfdsl.model", "perfdsl.resolve", "perfdsl.checks", "perfdsl.reach", "perfdsl.relations",
                "perfdsl.interp", "perfdsl.codegen", "perfdsl.program", "perfdsl.inputs", "perfdsl.result",
                "perfdsl.loader", "perfdsl.isolation", "perfdsl.parallel", "perfdsl.plausibility")
#: The evaluators and what is built from them: the values and the runtime may import none of these.
EVALUATORS = ("perfdsl.interp", "perfdsl.codegen", "perfdsl.program", "perfdsl.inputs", "perfdsl.result",
              "perfdsl.loader", "perfdsl.isolation", "perfdsl.parallel")
#: Heavy libraries that only the outer layers (and the modules named) load.
HEAVY = {"lark": ("perfdsl.parser",), "interegular": ("perfdsl.parser",), "rich": (), "openpyxl": (),
         "reportlab": (), "starlette": (), "jinja2": (), "hypothesis": ()}


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[tuple[str, bool]]:
    """(module imported, at the module's top level) for every import in `path`."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {(alias.name, node.col_offset == 0) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.add((module, node.col_offset == 0))
            found |= {(f"{module}.{alias.name}", node.col_offset == 0) for alias in node.names}
    return found


MODULES = {_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _within(name: str, prefixes) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _perfdsl(imports) -> set[str]:
    return {module for module, _ in imports if module.startswith("perfdsl")}


def test_the_modules_were_read():
    assert {"perfdsl.values", "perfdsl.runtime", "perfdsl.interp", "perfdsl.cli", "perfdsl.report.jsonout"} <= \
        set(MODULES)


def test_nothing_below_the_outer_layers_imports_them():
    wrong = {(name, module) for name, imports in MODULES.items() if not _within(name, OUTER)
             for module in _perfdsl(imports) if _within(module, OUTER)}
    assert wrong == set()


def test_the_front_end_knows_nothing_of_models_or_evaluation():
    wrong = {(name, module) for name, imports in MODULES.items() if _within(name, FRONT)
             for module in _perfdsl(imports) if _within(module, BEYOND_FRONT)}
    assert wrong == set()


def test_values_import_nothing_and_the_runtime_no_evaluator():
    assert _perfdsl(MODULES["perfdsl.values"]) == set()
    assert {m for m in _perfdsl(MODULES["perfdsl.runtime"]) if _within(m, EVALUATORS)} == set()
    assert {m for m in _perfdsl(MODULES["perfdsl.nearest"])} == set()


def test_the_two_evaluators_do_not_import_each_other():
    assert {m for m in _perfdsl(MODULES["perfdsl.interp"]) if _within(m, ("perfdsl.codegen", "perfdsl.inputs"))} == set()
    assert {m for m in _perfdsl(MODULES["perfdsl.codegen"]) if _within(m, ("perfdsl.interp", "perfdsl.inputs"))} == set()


def test_heavy_libraries_are_loaded_by_the_outer_layers_or_where_named():
    wrong = set()
    for name, imports in MODULES.items():
        for module, top in imports:
            library = module.split(".")[0]
            if library in HEAVY and not _within(name, OUTER) and name not in HEAVY[library]:
                if top or library in ("lark", "interegular"):
                    wrong.add((name, module))
    assert wrong == set()


@pytest.mark.parametrize("cached", [False, True])
def test_eval_of_one_record_loads_no_library_its_output_does_not_need(tmp_path, cached):
    """`perfdsl eval R record.json --format json`: no rich, openpyxl, reportlab, web or test library, no
    worker pool; with the ruleset's tree in the cache, not Lark either."""
    code = f"""
import sys
from perfdsl.cli import main
try:
    main(['eval', {str(ROOT / 'rulesets' / 'chaoan-2022.perf')!r}, {str(ROOT / 'examples' / 'chaoan-2022.json')!r},
          '--format', 'json', '-o', {str(tmp_path / 'out.json')!r}])
except SystemExit as exc:
    assert exc.code == 0, exc.code
print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in
      ('rich', 'openpyxl', 'reportlab', 'starlette', 'jinja2', 'hypothesis', 'multiprocessing', 'lark'))))
"""
    env = dict(os.environ, PERFDSL_CACHE_DIR=str(tmp_path / "cache"))
    runs = 2 if cached else 1
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
        assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    expected = set() if cached else {m for m in loaded if m.split(".")[0] == "lark"}
    assert loaded == expected
    if not cached:
        assert "lark" in loaded
