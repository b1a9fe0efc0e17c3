"""What several forms' hooks share (not a form: a name that starts with ``_`` is not listed as one)."""

from __future__ import annotations

from .. import nodes


def divisions_in_parts(analysis, rule, env):
    """`checks`' P412: the divisions in each expression right below `rule`, where nothing narrows them."""
    for part in nodes.children(rule):
        if isinstance(part, nodes.Expr):
            yield from analysis.divisions(part, env)


def scores_no_expression(analysis, rule, env, full):
    """What it scores with is no expression of the ruleset's (`checks._scored`)."""
    return ()


def full_marks_possible(analysis, rule, env, weight, full):
    """The most it can score (`checks._most`): its weight (checklist shares, deductions from full, a judgement,
    a target)."""
    return weight


def general_range(analysis, name, rule, branch, weight, full):
    """None: `checks` judges its range by what it scores with (`scored`), as a `when` case's."""
    return None


def assessor_input(res, rule, leaf, entry, deps):
    """(name, what it names, its declaration) of the assessor's input a rule reads (`ASSESSOR`), now the leaf's
    (`NodeSpec.manual_input`) and read by its scorecard."""
    name = rule.input_name or f"{leaf.name}{rule.suffix}"
    entry["manual_input"] = name
    deps.add(name)
    kind, decl = res.symbols.get(name, (None, None))
    return name, kind, decl


def nothing_written(chk, model, node, rule):
    """No check of its own of what the ruleset writes (`checks.check_written`)."""
    return ()


def nothing_reached(chk, analysis, model, where, leaf, env):
    """No check of its own of the values its leaf meets (`checks.check_reached`)."""
    return ()


def nothing_planned(r, rule, node, bound):
    """Its text needs nothing of the ruleset's laid out beforehand (`rendering`'s plan)."""
    return {}


def nothing_certain(model, rule, certain, shown):
    """What it reads the facts do not say for certain (`rendering._Reads`): the interpreter orders the notes."""
    return []


def no_branches(rule, with_conditions):
    """No branches of its own for rule coverage (`testing.coverage`) beyond its leaf's `applies` and `when`s."""
    return ()


def nothing_more_reached(rule, trace, truth):
    """Nothing reached beyond what the trace's arm says (`testing.coverage`)."""
    return ()


def conditions_reached(tagged, truth):
    """``<tag>+`` or ``<tag>-`` for each (tag, condition) as the condition holds for the record (`truth`; one it
    cannot tell is left out, and none at all when `truth` is None: an ``each`` group's items)."""
    if truth is None:
        return
    for tag, condition in tagged:
        value = truth(condition)
        if value is not None:
            yield tag + ("+" if value else "-")


def no_arm_text(r, rule, extra):
    """No text of its arm laid out beforehand: `render` writes it every time (`rendering`, *arm_text*)."""
    return None
