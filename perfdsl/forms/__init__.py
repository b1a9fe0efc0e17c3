"""The rule forms of an indicator (``score``, ``ratio``, ``bands`` …): one module each, holding all that is
the form's own, so that adding a form touches four files — its grammar rule (grammar/perfdsl.lark), its
module here, docs/language.md and its test.

A form module (found by listing this package, in name order; a name starting with ``_`` is not a form)
provides every hook of `HOOKS` but those of `OPTIONAL`, which it leaves out where it has nothing of its own
(``plan``, ``reads``, ``divisions``, ``out_of_range``, ``check_written``, ``check_reached``, ``branches``,
``reached``, ``arm_text``: `_shared`'s defaults are then its); `tests/test_architecture.py` fails, naming the form
and the hook, when one is missing, and fails when a phase module names a rule form's class instead of asking
`of(rule)`:

``NODES``
    its node classes (`frozen`, the rule's class first: ``NODES[0]`` is what `of` is keyed by).  They are
    reachable as ``nodes.<Class>`` too, and the model cache keeps them under that name.
``BUILD``
    ``{grammar rule name: function(builder, meta, *children)}``: its tree building, as a `parser._Builder`
    method (``builder.span(meta)``, ``raise builder.Error(code, message, span)``).
``resolve(res, rule, leaf, entry, deps, check)``
    its names and types, with the resolver (`resolve._Resolver`): ``check(expr, allow_full=True)`` types an
    expression there; `entry` is the indicator's node entry, `deps` the names the scorecard reads.
``emit(gen, rule, node, w, s)``
    its meaning, compiled (`codegen._Generator`): lines that set `s` from the weight `w`; with
    ``gen.explain`` the facts a basis is made of, in ``gen.facts``.
``evaluate(ev, rule, leaf, weight)``
    its meaning in the reference interpreter (`interp.Evaluation`): the raw score, its clauses added to
    ``leaf.clauses``.  Written separately from `emit` on purpose: the two are the oracle and the compiled
    path the tests compare.
``plan(r, rule, node, bound)`` and ``render(r, leaf, node, rule, weight, raw, fact, extra)``
    its basis text from `emit`'s facts (`rendering.Renderer`): `plan` what depends on the ruleset alone (the
    `extra` `render` is given), `render` the clauses `evaluate` adds, from the facts, byte for byte.
``divisions(analysis, rule, env)``, ``scored(analysis, rule, env, full)``, ``most(analysis, rule, env, weight, full)``,
``out_of_range(analysis, name, rule, branch, weight, full)``
    its part in `checks`' analyses over `reach`'s branches: the divisions it may make by 0 (P412), the
    expressions it scores with (value, whether a share), the most it can score (None: cannot be told), and
    its own P410/P411 (None: judged by what it `scored`, as a ``when`` case is).  `_shared` has the usual.
``check_written(chk, model, node, rule)``, ``check_reached(chk, analysis, model, where, leaf, env)``
    its own checks, each run at its place among `checks.CHECKS` (the order diagnostics come in): of what the
    ruleset writes (a target's text, P420–P422; `node` is the scorecard's node, an ``each`` group's by its
    template), and of the values its leaf meets where it applies (a band's arms, P401–P403).  `chk` is the
    `checks` module, for its message helpers (``chk._shower``, ``chk._text``, ``chk._literal``).
``arm_text(r, rule, extra)``
    optional speed: ``text(rec, card, node, weight, fact, card_facts, note) -> str | None``, its rule's arm's
    text laid out once per leaf from `plan`'s `extra` (None from a record: `render` writes it; `_shared.no_arm_text`:
    always `render`).  For a form whose leaves are written in every record (amounts that never repeat); it is a
    second writing of `render`'s text for the shapes it covers, held to it by tests/test_basis_core.py.
``reads(model, rule, certain, shown)``
    the inputs its text reads for certain (`rendering._Reads`, which orders the notes after it):
    ``certain(exprs)`` and ``shown(expr)`` are the renderer's; ``[]`` leaves the order to the interpreter.
``format(fmt, rule)``
    its lines printed back (`formatter`): a list of `formatter.Unit`.
``branches(rule, with_conditions)`` and ``reached(rule, trace, truth)``
    its branches for ``perfdsl test``'s rule coverage (`testing.coverage`): (tag, label, node) of each, and
    the tags one record's `interp` trace reached beyond its arm (``truth(condition)``: a condition's value
    for the record, None when it cannot be told; `truth` itself None for an ``each`` group's items).
``arbitrary(st, parts)``
    a hypothesis strategy of its node (``st`` is `hypothesis.strategies`, passed in so that no form imports
    it; ``parts`` has ``exprs``, ``names``, ``levels`` and ``deductions``): the random rulesets of the property
    tests (tests/strategies.py) draw every form by it.
``KEYED``, ``ASSESSOR``, ``IN_EACH``, ``NOTED``
    what the phases ask of it: whether the renderer keeps its leaves' texts by the values they depend on
    (only for a text that shows values by `basis.show_value`, docs/basis-speed.md); whether it reads an
    assessor's input ``<indicator><suffix>`` (its node has `input_name` and `suffix`); the P309 message when
    an ``each`` group's items may not use it (None: they may); whether that input's note is part of its own
    text rather than of the notes (依据) after it.

To add a form: write its grammar rule (an alias ``-> myform_rule`` of ``?rule``), copy the closest module
here to ``forms/myform.py``, change every hook (`tests/test_architecture.py` names a missing one), describe
it in docs/language.md, and test it: its figures and basis text, both evaluators against each other
(tests/test_basis_core.py's `same_basis` compares them for a program and a record), ``perfdsl fmt``'s
round trip and its diagnostics.

A form module imports no phase module (parser, resolve, checks, codegen, interp, rendering, formatter…): the
phase object is passed in, and offers what a hook needs (the renderer's `constant`, `chain` and `condition` for
`plan`).  What a warm ``perfdsl eval`` does not load (docs/architecture.md, *Cold start*)
it imports inside the hook that needs it.
"""

from __future__ import annotations

import os
import sys

from .. import nodes

#: What every form module provides (see above).
HOOKS = ("NODES", "BUILD", "resolve", "emit", "evaluate", "plan", "render", "reads", "format", "divisions", "scored",
         "most", "out_of_range", "check_written", "check_reached", "branches", "reached", "arbitrary", "arm_text",
         "KEYED", "ASSESSOR", "IN_EACH", "NOTED")


def _discover():
    """The form modules, in name order: listed here with `os` rather than `pkgutil`, which a warm eval would
    import for this alone (with `importlib.util`)."""
    try:
        entries = os.listdir(__path__[0])
    except OSError:  # not a folder (the package inside an archive): ask the import system
        import pkgutil

        entries = [f"{name}.py" for _, name, _ in pkgutil.iter_modules(__path__)]
    names = sorted(entry[:-3] for entry in entries if entry.endswith(".py") and not entry.startswith("_"))
    for name in names:
        __import__(f"{__name__}.{name}")
    return tuple(sys.modules[f"{__name__}.{name}"] for name in names)


#: The hooks a form may leave out, and what it then has: "nothing of its own" (`_shared`).  Every other hook is
#: its own to write (`missing` names one left out).
OPTIONAL = {"plan": "nothing_planned", "reads": "nothing_certain", "divisions": "divisions_in_parts",
            "out_of_range": "general_range", "check_written": "nothing_written", "check_reached": "nothing_reached",
            "branches": "no_branches", "reached": "nothing_more_reached", "arm_text": "no_arm_text"}


def _completed(modules):
    """`modules`, each given `_shared`'s default of every `OPTIONAL` hook it leaves out."""
    from . import _shared

    for module in modules:
        for hook, default in OPTIONAL.items():
            if not hasattr(module, hook):
                setattr(module, hook, getattr(_shared, default))
    return modules


MODULES = _completed(_discover())
#: rule class → its form module
BY_CLASS = {module.NODES[0]: module for module in MODULES if hasattr(module, "NODES")}
#: every form's node classes by name (`nodes.__getattr__`, the model cache)
NODES = {cls.__name__: cls for module in MODULES for cls in getattr(module, "NODES", ())}
for _cls in NODES.values():  # `nodes.BandsRule`: where the rest of the project (and a user's code) finds them
    setattr(nodes, _cls.__name__, _cls)


def of(rule):
    """The form module of `rule` (a `nodes.Rule`)."""
    return BY_CLASS[rule.__class__]


def builders() -> dict:
    """{grammar rule: its builder function} of every form (`parser`)."""
    out = {}
    for module in MODULES:
        out.update(getattr(module, "BUILD", {}))
    return out


def missing() -> list[str]:
    """``form.hook`` for each hook a form module lacks (empty when every form is complete)."""
    return [f"{module.__name__}.{hook}" for module in MODULES for hook in HOOKS if not hasattr(module, hook)]
