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
from types import SimpleNamespace

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
BEYOND_FRONT = ("perfdsl.model", "perfdsl.resolve", "perfdsl.typecheck", "perfdsl.checks", "perfdsl.reach", "perfdsl.relations",
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
    # values' classes are made by `frozen`, a leaf that imports nothing of perfdsl's either (not attrs: cold start)
    assert {m for m in _perfdsl(MODULES["perfdsl.values"]) if not _within(m, ("perfdsl.frozen",))} == set()
    assert _perfdsl(MODULES["perfdsl.frozen"]) == set()
    assert {m for m in _perfdsl(MODULES["perfdsl.runtime"]) if _within(m, EVALUATORS)} == set()
    assert {m for m in _perfdsl(MODULES["perfdsl.nearest"])} == set()


def test_the_type_checker_imports_only_the_front_end_and_the_types():
    allowed = ("perfdsl.nodes", "perfdsl.types", "perfdsl.unparse", "perfdsl.nearest")
    assert {m for m in _perfdsl(MODULES["perfdsl.typecheck"]) if m != "perfdsl" and not _within(m, allowed)} == set()
    assert "perfdsl.typecheck" in _perfdsl(MODULES["perfdsl.resolve"])


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


# ── no map keyed by id() ────────────────────────────────────────────────────

#: Maps keyed by `id()` that stay, each with why it is safe (module, the function or class the key is made in).
ID_KEYED = {
    # s21-core's: a memo of the text around an expression's names; the weak reference it stores is checked on
    # every use, so a reused id is never trusted (could key by `Expr.serial` now and drop the weak reference).
    ("perfdsl.basis", "substituted"): "weak reference checked on every use",
    ("perfdsl.basis", "_template"): "weak reference checked on every use",
    # the comments and lines of one parse, for `fmt`: `Layout._kept` holds every node it describes, so no id
    # is reused while the layout lives, and the layout lives no longer than the formatting of that parse.
    ("perfdsl.comments", "Layout"): "the layout keeps every node it names alive; one parse's lifetime",
    # the declared interval of each input within one `reach.Analysis`, which holds the model and so every spec.
    ("perfdsl.reach", "Analysis"): "the analysis holds the model, so every spec keyed is alive",
}


def _id_keys(tree: ast.AST):
    """(enclosing function or class, line) of every dict key made with `id(…)`: ``m[id(x)]``, ``m.get(id(x))``,
    ``{id(x): …}``, directly or through a name assigned from an expression holding ``id(…)`` in the same
    function.  Sets of ids (`id(x) in seen`, a walk's visited nodes) are not maps and are not reported."""

    def has_id(node, named=frozenset()) -> bool:
        return any((isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "id")
                   or (isinstance(n, ast.Name) and n.id in named) for n in ast.walk(node))

    found = []

    def scan(scope_node, owner):
        named = {target.id for node in ast.walk(scope_node) if isinstance(node, ast.Assign) and has_id(node.value)
                 for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(scope_node):
            keys = []
            if isinstance(node, ast.Subscript):
                keys.append(node.slice)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("get", "setdefault", "pop") and node.args:
                keys.append(node.args[0])
            elif isinstance(node, ast.Dict):
                keys.extend(key for key in node.keys if key is not None)
            elif isinstance(node, ast.DictComp):
                keys.append(node.key)
            found.extend((owner, key.lineno) for key in keys if has_id(key, named))

    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scan(child, child.name)
        else:
            scan(child, "<module>")
    return sorted(set(found))


def test_no_map_in_the_core_is_keyed_by_id():
    """`Model.types`, `PropertySpec.refs` and every other map below the outer layers are keyed by something a
    copy, a pickle or the model cache keeps (`Expr.serial`), not by `id()` — but for the few allowed above."""
    wrong, allowed_seen = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _name(path)
        if _within(name, OUTER):
            continue
        for owner, line in _id_keys(ast.parse(path.read_text("utf-8"))):
            if (name, owner) in ID_KEYED:
                allowed_seen.add((name, owner))
            else:
                wrong.append(f"{name}:{line} ({owner})")
    assert wrong == []
    assert allowed_seen == set(ID_KEYED), "an allowed id()-keyed map is gone: take it off the list"


def test_the_scan_finds_maps_keyed_by_id():
    code = ("def f(m, x):\n    m[id(x)] = 1\n    k = id(x)\n    m.get(k)\n    return {id(x): 2}\n"
            "def g(seen, x):\n    seen.add(id(x))\n    return id(x) in seen\n")
    assert _id_keys(ast.parse(code)) == [("f", 2), ("f", 4), ("f", 5)]


def test_a_copied_or_pickled_model_still_knows_its_types():
    """Types are kept by each expression's serial: a deep copy or a pickle of the model (tree and table
    together) answers `type_of` for every expression as the original does, and no two expression nodes of a
    merged (``extends``) tree share a serial."""
    import copy
    import pickle

    from perfdsl import loader, nodes, types

    path = ROOT / "rulesets" / "meijiang-2023.perf"
    model = loader.load_model(path.read_text("utf-8"), str(path))
    exprs = {id(node): node for node in nodes.walk(model.module) if isinstance(node, nodes.Expr)}
    assert len({node.serial for node in exprs.values()}) == len(exprs)

    def answers(m):
        return [(nodes.dump(node), m.type_of(node)) for node in nodes.walk(m.module) if isinstance(node, nodes.Expr)]

    original = answers(model)
    assert sum(t is not None for _, t in original) > 40
    assert types.ERROR not in {t for _, t in original}
    assert answers(copy.deepcopy(model)) == original
    assert answers(pickle.loads(pickle.dumps(model))) == original


def test_every_rule_form_has_its_module_with_every_hook():
    """Each rule form of an indicator (a `nodes.Rule` but a `deduct` line, which a DeductionRule or a scorecard
    holds) is one module of `perfdsl.forms` with every hook its phases call; a hook left out is named here."""
    from perfdsl import forms, nodes

    found = {cls for module in (nodes, *forms.MODULES) for cls in vars(module).values()
             if isinstance(cls, type) and issubclass(cls, nodes.Rule) and cls not in (nodes.Rule, nodes.Deduction)}
    assert {cls.__name__ for cls in found} == {"ScoreRule", "RatioRule", "BandsRule", "ChecklistRule", "ManualRule",
                                               "TargetRule", "RatingRule", "PanelRule", "DeductionRule"}
    assert set(forms.BY_CLASS) == found  # none declared outside a form module, none without one
    assert forms.missing() == []
    for module in forms.MODULES:
        for hook in forms.HOOKS[2:]:
            if not hook.isupper():
                assert callable(getattr(module, hook)), f"{module.__name__}.{hook}"
        for cls in module.NODES:
            assert getattr(nodes, cls.__name__) is cls and cls.__module__ == module.__name__
    grammar = (ROOT / "grammar" / "perfdsl.lark").read_text("utf-8")
    for rule in forms.builders():  # each builder is a rule (or an alias) of the grammar
        assert f"-> {rule}" in grammar or f"\n{rule}:" in grammar or f"!{rule}:" in grammar, rule


def test_a_missing_hook_is_named(monkeypatch):
    from perfdsl import forms
    from perfdsl.forms import ratio

    monkeypatch.delattr(ratio, "render")
    assert forms.missing() == ["perfdsl.forms.ratio.render"]


def test_a_hook_a_form_leaves_out_is_the_shared_default():
    """Only `OPTIONAL` hooks may be left out, and one left out is `_shared`'s "nothing of its own"."""
    from perfdsl import forms
    from perfdsl.forms import _shared, score

    assert set(forms.OPTIONAL) < set(forms.HOOKS) and not {"resolve", "emit", "evaluate", "render"} & set(forms.OPTIONAL)
    assert score.arm_text is _shared.no_arm_text and score.branches is _shared.no_branches
    assert score.plan is not _shared.nothing_planned  # a hook it writes is its own, not replaced by the default


def test_the_forms_are_found_in_an_archive_too(monkeypatch):
    """Listed with `os` (no `pkgutil` on a cold start); where the package is no folder, the import system says."""
    from perfdsl import forms

    def no_folder(path):
        raise NotADirectoryError(path)

    monkeypatch.setattr(forms, "os", SimpleNamespace(listdir=no_folder))  # pkgutil keeps the real one
    assert forms._discover() == forms.MODULES
    assert [module.__name__.rsplit(".", 1)[1] for module in forms.MODULES] == [
        "bands", "checklist", "deduction", "manual", "panel", "rating", "ratio", "score", "target"]


#: Phase modules: each asks `forms.of(rule)` for a rule form's part, never names a form's class.
PHASES = ("perfdsl.parser", "perfdsl.lalr", "perfdsl.resolve", "perfdsl.checks", "perfdsl.codegen",
          "perfdsl.rendering", "perfdsl.basisgen", "perfdsl.interp", "perfdsl.formatter", "perfdsl.unparse")
#: What a phase module still names, and why: (module, class name) → the reason.
NAMES_A_FORM = {
    ("perfdsl.parser", "DeductionRule"): "an indicator's `deduct`/`add` lines are gathered into one rule by "
                                         "`indicator`: the form has no grammar rule of its own",
    ("perfdsl.rendering", "ManualRule"): "`FALLBACK`'s entry names the form the test holds (an `each` template "
                                         "judged by the assessor)",
}


def _form_names_in(name: str) -> set[str]:
    """Each rule form's class a module names: ``nodes.BandsRule``, a bare ``BandsRule``, or ``"BandsRule"``."""
    from perfdsl import forms

    classes = set(forms.NODES)
    path = PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".py")
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in classes:
            found.add(node.attr)
        elif isinstance(node, ast.Name) and node.id in classes:
            found.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found |= {word for word in node.value.split() if word in classes}
    return found


def test_no_phase_module_names_a_rule_form():
    named = {(name, form) for name in PHASES for form in _form_names_in(name)}
    assert named - set(NAMES_A_FORM) == set()
    assert set(NAMES_A_FORM) - named == set()  # an entry no longer needed goes


def test_the_scan_finds_a_form_named():
    assert _form_names_in("perfdsl.forms.bands") >= {"BandsRule"}


#: What a form module may import at its top level (the shared helpers a warm eval loads anyway), and what
#: inside a hook; never a phase module, an evaluator or an outer layer: the phase object is passed in.
FORM_IMPORTS = ("perfdsl.nodes", "perfdsl.frozen", "perfdsl.basis", "perfdsl.decimals", "perfdsl.errors",
                "perfdsl.unparse", "perfdsl.types", "perfdsl.targets", "perfdsl.source", "perfdsl.values")
FORM_IMPORTS_IN_A_HOOK = ("perfdsl.model", "perfdsl.typecheck", "perfdsl.judgements",
                          "perfdsl.intervals", "perfdsl.reach")  # the checks' analysis (not on the eval path)


def test_a_form_imports_only_the_shared_helpers():
    wrong = set()
    for name, imports in MODULES.items():
        if not name.startswith("perfdsl.forms."):
            continue
        for module, top in imports:
            if not module.startswith("perfdsl") or module in ("perfdsl", "perfdsl.forms", "perfdsl.forms._shared") \
                    or _within(module, FORM_IMPORTS):  # the helpers the forms share, never another form
                continue
            if top or not _within(module, FORM_IMPORTS_IN_A_HOOK):
                wrong.add((name, module))
    assert wrong == set()
    # the package itself: `nodes`, and its own `_shared` (the defaults of the hooks a form leaves out)
    assert {m for m in _perfdsl(MODULES["perfdsl.forms"]) if m != "perfdsl"} == {"perfdsl.nodes", "perfdsl.forms",
                                                                           "perfdsl.forms._shared"}
