"""One straight-line function per ruleset that finds or writes every node's basis text (`rendering.Renderer`).

`Renderer.render` looped over each scorecard's leaves and groups with one generic body: a 5-tuple
unpacked, a memo's flags, a key function called (`map` over the inputs' names), the card's facts laid
out, per node and record.  What that body decides depends on the ruleset alone (which leaf has which key,
where its weight and facts are, which scores a group adds), so it is decided once here, and the
function generated says only what is left: for a kept leaf, its key built in place — the same tuple as
`rendering._flat_key`'s, each input's name a constant — and one dictionary lookup; for a group, the
`str` of each part's score read at its place in the block.  A miss, a leaf whose memo is switched off,
and everything the body did besides (notes, `each` groups, totals, scorecard rules) go to the
renderer's own methods, unchanged.

The source is made from the ruleset only: input names enter it through `repr`, every other ruleset
object (memos, notes' readers, nodes) is bound by a generated identifier in its namespace, and no text
of a record or of the ruleset is ever evaluated (as in `codegen`).
"""

from __future__ import annotations

from .decimals import ZERO, plain, plains
from .values import MISSING


def generate(renderer):
    """The function ``cards(rec, flat, facts, rendered) -> list`` of `renderer` (`Renderer.render`'s loop)."""
    from .rendering import _CardFacts

    namespace = {"MISSING": MISSING, "R": renderer, "Fallback": _fallback(), "L": renderer._leaf, "plain": plain,
                 "plains": plains, "ZERO": ZERO, "_CardFacts": _CardFacts}
    lines = ["def cards(rec, flat, facts, rendered):",
             "    get = rec.values.get",
             "    asks = R.asks_notes(rec.bases)",
             "    out = []"]
    asked = []  # the `_Reads` of each kept leaf, in the order of `asks`'s flags
    for number, ((card, plans, plan_rules), (leaves, groups, positions, eaches)) in enumerate(
            zip(renderer.plans, renderer.order)):
        offset, size = renderer.layout[card.index]
        namespace[f"C{number}"] = (card, plans, plan_rules)
        namespace[f"POS{number}"] = positions
        lines += [f"    block = flat[{offset}:{offset + size}]",
                  f"    texts = [None] * {len(card.nodes)}"]
        for index, node, plan, key_of, memo in leaves:
            fact = positions[index]
            flat_key = getattr(key_of, "flat", None)
            if memo is None or flat_key is None:  # not kept, or kept by the general key: the renderer's own body
                lines += ["    try:",
                          f"        texts[{index}] = R._one(rec, {number}, {index}, block, facts, rendered)",
                          "    except Fallback:",
                          "        pass"]
                continue
            stringed, units, manual, totals = flat_key
            tag = f"{number}_{index}"
            namespace[f"M{tag}"] = memo
            namespace[f"N{tag}"] = plan[5].note
            flag = len(asked)
            asked.append(plan[5])
            values = "".join(f", str(get({name!r}, MISSING))" for name in stringed)
            values += "".join(f", rec.units.get({name!r})" for name in units)
            if manual is not None:
                values += f", rec.notes.get({manual!r})"
            if totals:
                values += "".join(f", str(rec.totals.get({name!r}))" for name in totals)
            # (a kept text is never None: `get` answers None for a key not kept, and `_fill` finds or writes it)
            namespace[f"D{tag}"], namespace[f"P{tag}"] = node, plan
            # switched off (written every record): straight to `_leaf`, as `_one` would call it, with its note; and
            # where its form laid its rule's arm out (`arm_text`), to that text first, as `_leaf` would go
            card_facts = f"_CardFacts(facts, POS{number})" if node.moves_in else "None"
            note = f"N{tag}(rec, facts[{fact}][0]) if asks[{flag}] else None"
            written = f"L(rec, C{number}[0], D{tag}, P{tag}, block[{2 * index}], facts[{fact}], cf, note)"
            if plan[4].get("fast") is not None:
                namespace[f"F{tag}"] = plan[4]["fast"]
                written = (f"(F{tag}(rec, C{number}[0], D{tag}, block[{2 * index}], facts[{fact}], cf, note) "
                           f"if facts[{fact}][0] == 0 else None) or {written}")  # (None: it cannot say; `_leaf` can)
            lines += ["    try:",
                      f"        if M{tag}.off: cf = {card_facts}; note = {note}; texts[{index}] = {written}",
                      f"        else: key = ({note}{values},); "
                      f"texts[{index}] = M{tag}.texts.get(key) or R._fill(rec, {number}, {index}, block, facts, "
                      "rendered, key)",
                      "    except Fallback: pass"]
        for index, node, scores, memo in groups:
            tag = f"{number}_{index}"
            namespace[f"G{tag}"] = memo
            places = [2 * child + 1 for child in node.children]
            key = "(" + "".join(f"str(block[{place}]), " for place in places) + ")"
            off = f"R._group_at({number}, {index}, block)"
            if not node.bonus and len(places) > 1:  # `basis.group_line`'s text, inline (`Renderer._group`)
                namespace[f"S{tag}"] = scores
                off = (f"'下级指标合计 ' + ' + '.join(plains(s := S{tag}(block))) + ' = ' + "
                       "plain(sum(s, ZERO))")
            lines += [f"    if G{tag}.off: texts[{index}] = {off}",
                      f"    else: key = {key}; texts[{index}] = G{tag}.texts.get(key) or "
                      f"R._group_fill({number}, {index}, block, key, rendered)"]
        items = f"R._items_of(rec, {number}, block, facts, texts)" if eaches else "{}"
        lines += [f"    items = {items}",
                  f"    total, adjustments = R._total(rec, C{number}[0], block, C{number}[2], facts)",
                  "    out.append((texts, total, items, adjustments))"]
    lines.append("    return out")
    renderer.asked = tuple(asked)
    source = "\n".join(lines) + "\n"
    exec(compile(source, "<perfdsl:basis>", "exec"), namespace)  # no user text: see the module's note
    return namespace["cards"], source


def _fallback():
    from .rendering import Fallback

    return Fallback
