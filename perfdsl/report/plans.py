"""Machine outputs written straight from the compiled evaluator's flat tuple (`layout.Layout`).

What a record's JSON, CSV row or scores line repeats — keys, paths, names,
criteria, separators — depends on the ruleset alone, so a plan lays it out
once, as one ``%`` template whose holes are the record's figures
(their exact decimal text), its grades, its basis texts and the few parts
whose shape the record decides (an `each` group's items, scorecard rules'
lines, warnings, 年度 and the like).  A record then costs a lookup of each
figure's text and one `format`: no `Result` tree, no call per scalar.

A plan answers None for a record it cannot write exactly (a figure that is
not a decimal, a basis line the reference interpreter must write): the
writer then uses the general path (`jsonout._result_text`, `Summary.row`),
which stays the reference — tests/test_plans.py holds both to the same bytes
on every shipped ruleset, its examples and hostile records.
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

from ..decimals import plain
from ..fill import Fill
from ..layout import getter as _getter
from ..values import item_names
from .cells import Cells
from .jsonout import _newline, _path, _scalar, _string, _write

#: A figure's text (`plain`) by its `str`: exact (a decimal's `str` tells its sign, digits and exponent, so
#: equal texts are equal values), and far cheaper than a fresh Decimal's hash.  Only ints and Decimals are
#: looked up (the caller checks the types: a bool or a float never borrows a decimal's text).
_TEXTS: dict = {}
_NUMBERS = frozenset({Decimal, int})


def number_texts(values) -> list | None:
    """The JSON/CSV text of each figure (ints and Decimals only, else None: the general path says it)."""
    return _figure_texts(values, _TEXTS, _miss)


def number_bytes(values) -> list | None:
    """`number_texts` as ASCII bytes (`ScoresPlan.line`), kept by the same `str`."""
    return _figure_texts(values, _BYTES, _miss_bytes)


def _figure_texts(values, kept: dict, miss) -> list | None:
    if not _NUMBERS.issuperset(map(type, values)):
        return None
    shown = list(map(str, values))
    texts = list(map(kept.get, shown))
    if None in texts:
        texts = [miss(key, value) if text is None else text for text, key, value in zip(texts, shown, values)]
    return texts


_BYTES: dict = {}


def _miss_bytes(key: str, value) -> bytes:
    text = _TEXTS.get(key)
    data = (_miss(key, value) if text is None else text).encode("ascii")
    if len(_BYTES) > 8192:
        _BYTES.clear()
    _BYTES[key] = data
    return data


def _miss(key: str, value) -> str:
    text = plain(value) if value.__class__ is Decimal else int.__repr__(value)
    if len(_TEXTS) > 8192:  # a batch's figures repeat; nothing may grow without bound
        _TEXTS.clear()
    _TEXTS[key] = text
    return text


def _grade_text(cache: dict, grade) -> str | None:
    """A grade's JSON text (a string, or null), kept by value: a ruleset has few grades."""
    text = cache.get(grade) if grade.__class__ is str else None
    if text is None:
        text = _scalar(grade)
        if grade.__class__ is str and len(cache) < 1024:
            cache[grade] = text
    return text


class _Template:
    """Pieces of text and holes, made into one ``%`` format string.  The record's arguments are given by
    kind (each kind's values in order, concatenated: `KINDS`); `order` puts them in the holes' order."""

    KINDS = ("name", "number", "grade", "basis", "part")

    def __init__(self):
        self.pieces: list = []
        self.holes = {kind: [] for kind in self.KINDS}

    def text(self, text: str):
        self.pieces.append(text.replace("%", "%%"))

    def hole(self, kind: str, what=None):
        self.pieces.append((kind, len(self.holes[kind])))
        self.holes[kind].append(what)

    def compile(self):
        """(the format string, a function: the arguments by kind → the tuple for ``%``)."""
        offsets, offset = {}, 0
        for kind in self.KINDS:
            offsets[kind] = offset
            offset += len(self.holes[kind])
        order = [offsets[piece[0]] + piece[1] for piece in self.pieces if not isinstance(piece, str)]
        text = "".join(piece if isinstance(piece, str) else "%s" for piece in self.pieces)
        if len(order) == 1:
            return text, tuple
        return text, itemgetter(*order)


class _TemplatePlan:
    """What the JSON and the scores plans share: a compiled template, the figures and grades it shows, and the
    head of a record's arguments (its name, the figures' texts, the grades') — None where the general path writes."""

    def _compiled(self, t: _Template, positions, grades, parts):
        self.template, self.order = t.compile()
        self.fill = Fill(self.template)  # `text`: one join of its pieces, not a scan of the template (`fill`)
        self.figures = _getter(positions)
        self.grades = _getter(grades)
        self.graded = len(grades)
        self.parts = parts
        self.grade_texts: dict = {}
        self.lines: dict = {}  # the template and `ending` as UTF-8 bytes, by error handler (`line`)

    def _head(self, result, texts=number_texts) -> list | None:
        name = _scalar(result.name)
        flat = result.flat
        figures = texts(self.figures(flat))
        if name is None or figures is None:
            return None
        grades = [_grade_text(self.grade_texts, grade) for grade in self.grades(flat)]
        if None in grades:
            return None
        return [name, *figures, *grades]

    ending = ""  # what ends a record's `line` (the scores plan's: its newline)

    def text(self, result) -> str | None:
        """The record's text, or None where the general writer must write it."""
        try:
            head = self._head(result)
            rest = None if head is None else self._rest(result)
            if rest is None:
                return None
        except (TypeError, ValueError, ArithmeticError):  # a signalling NaN's hash, say: the general path raises
            return None
        return self.fill(self.order([*head, *rest]))

    def line(self, result, errors: str) -> bytes | None:
        """`text` and `ending` as the UTF-8 bytes an output with error handler `errors` writes, made as bytes: the
        figures' ASCII texts kept as bytes, the template encoded once, only the name, grades and the record's
        other texts encoded — no record-long text built, then encoded (a Chao'an scores line is 2.4 KB, its JSON
        Lines object 9 KB).  None where `text` is, or a text will not encode (the caller then encodes `text`
        as before, and fails as before)."""
        try:
            head = self._head(result, number_bytes)  # the name, the figures' bytes, the grades
            rest = None if head is None else self._rest_bytes(result, errors)
            if rest is None:
                return None
            template = self.lines.get(errors)
            if template is None:
                template = self.lines[errors] = (self.template + self.ending).encode("utf-8", errors)
            graded = len(head) - self.graded
            return template % self.order([head[0].encode("utf-8", errors), *head[1:graded],
                                          *[grade.encode("utf-8", errors) for grade in head[graded:]], *rest])
        except (TypeError, ValueError, ArithmeticError):  # UnicodeError is a ValueError
            return None

    def _rest_bytes(self, result, errors: str) -> list | None:
        """`_rest` as UTF-8 bytes with `errors`."""
        rest = self._rest(result)
        return None if rest is None else [text.encode("utf-8", errors) if text else b"" for text in rest]


class JsonPlan(_TemplatePlan):
    """A record's §5 object as `jsonout._result_text` writes it (`indent` None for JSON Lines, 2 else;
    without the ``basis`` keys unless `basis`), from the flat tuple."""

    def __init__(self, program, scorecards=None, indent: int | None = None, basis: bool = True):
        model = program.model
        layout = program.layout
        self.program, self.basis = program, basis
        self.indent = indent
        nl = [_newline(indent, level) for level in range(6)]
        comma = "," if indent is not None else ", "
        key = comma + nl[5]
        criterias = program.criteria()
        t = _Template()
        self.cards = [card for card in model.scorecards if scorecards is None or card.name in scorecards]
        self.numbers = []  # card number of each card written, in order (for its basis texts)
        parts = []  # per record: functions (result, block by card number) → text, in hole order
        t.text("{" + nl[1] + '"ruleset": ' + _string(model.title) + comma + nl[1] + '"record": ')
        t.hole("name")
        t.text(comma + nl[1] + '"scorecards": ')
        positions = []
        grades = []
        if not self.cards:
            t.text("[]")
        else:
            t.text("[")
            for c, card in enumerate(self.cards):
                number = card.index
                offset, size = layout[number]
                self.numbers.append(number)
                t.text((comma if c else "") + nl[2] + "{" + nl[3] + '"name": ' + _string(card.name) + comma + nl[3]
                       + '"max": ' + _scalar(card.max) + comma + nl[3] + '"score": ')
                t.hole("number")
                positions.append(offset + size - 3)
                t.text(comma + nl[3] + '"grade": ')
                t.hole("grade")
                grades.append(offset + size - 2)
                t.text(comma + nl[3] + '"indicators": ' + ("[" if card.nodes else "[]"))
                row = 0  # the `each` groups' rows come first in the block's rows, in node order
                for i, (node, criteria) in enumerate(zip(card.nodes, criterias[number])):
                    t.text((comma if i else "") + nl[4] + "{" + nl[5] + '"path": ' + _path(node.path) + key
                           + '"weight": ')
                    t.hole("number")
                    positions.append(offset + 2 * i)
                    t.text(key + '"declared": ' + _scalar(node.declared) + key + '"score": ')
                    t.hole("number")
                    positions.append(offset + 2 * i + 1)
                    if basis:
                        t.text(key + '"basis": ')
                        t.hole("basis")
                    t.text((key + '"criteria": ' + _string(criteria) if criteria is not None else "") + nl[4] + "}")
                    if node.each is not None:
                        t.hole("part")
                        parts.append(self._items(number, i, row, node, nl, comma, key))
                        row += 1
                if card.nodes:
                    t.text(nl[3] + "]")
                if card.rules:
                    t.hole("part")
                    parts.append(self._adjustments(card, nl, comma))
                t.text(nl[2] + "}")
            t.text(nl[1] + "]")
        t.hole("part")
        parts.append(self._tail(model, nl, comma))
        t.text(nl[0] + "}")
        self._compiled(t, positions, grades, parts)
        self.strings = Cells(_string)  # each basis text's JSON string, kept by the text (`_basis_and_parts`)
        self.byte_strings: dict = {}  # the same as UTF-8 bytes, by error handler

    def _rest(self, result) -> list | None:
        """The record's basis texts and parts, in hole order after the head (None: the general path writes)."""
        return self._basis_and_parts(result, self.strings, str)

    def _rest_bytes(self, result, errors: str) -> list | None:
        strings = self.byte_strings.get(errors)
        if strings is None:
            strings = self.byte_strings[errors] = Cells(lambda text: _string(text).encode("utf-8", errors))
        return self._basis_and_parts(result, strings, lambda text: text.encode("utf-8", errors))

    def _basis_and_parts(self, result, strings, made) -> list | None:
        """The basis texts as JSON strings (`strings`: each kept by its text — most of a batch's are the
        renderer's kept texts, the same string objects — so that one lookup finds it escaped), then the parts
        (each `made` into what the line takes), in hole order after the head."""
        texts = None
        bases = []
        if self.basis:
            texts = result.texts()
            for number in self.numbers:
                node_texts = texts[number][0]
                if None in node_texts:
                    return None
                bases += node_texts
            bases = strings(bases)
        for part in self.parts:
            text = part(result, texts)
            if text is None:
                return None
            bases.append(made(text))
        return bases

    def _items(self, number, index, row, node, nl, comma, key):
        """The items of `each` group `index` (after the group's own entry), as `Result._build` names them."""
        layout = self.program.layout
        criteria = node.each.template.criteria
        tail = (key + '"criteria": ' + _string(criteria) if criteria is not None else "") + nl[4] + "}"
        path = node.path
        basis = self.basis

        def items(result, texts):
            rows_of = layout.rows_in(layout.block(result.flat, number))[row]
            if not rows_of:
                return ""
            names = item_names([name for name, _, _ in rows_of])
            item_texts = texts[number][2][index] if basis else None
            out = []
            for k, (name, (_, share, score)) in enumerate(zip(names, rows_of)):
                shown = number_texts((share, score))
                if shown is None:
                    return None
                out += [comma, nl[4], "{", nl[5], '"path": ', _path(path + (name,)), key, '"weight": ', shown[0],
                        key, '"declared": ', shown[0], key, '"score": ', shown[1]]
                if basis:
                    text = item_texts[k]
                    if text is None:
                        return None
                    out += [key, '"basis": ', _string(text)]
                out.append(tail)
            return "".join(out)

        return items

    def _adjustments(self, card, nl, comma):
        """A scorecard's rules' lines, as `CardResult.to_json` writes them (they are few and their shape is
        the record's: which rule applied, a veto's grade)."""
        from .. import cardrules

        layout = self.program.layout
        number = card.index
        indent = self.indent
        basis = self.basis

        def adjustments(result, texts):
            block = layout.block(result.flat, number)
            raw = sum((layout.score_in(block, i) for i in card.top), Decimal(0))
            rule_texts = texts[number][3] if basis else None
            if basis and (rule_texts is None or None in rule_texts):
                return None
            lines = cardrules.results(card, raw, layout.rows_in(block)[-1],
                                      (lambda position: rule_texts[position]) if basis else None)
            out = []
            for line in lines:
                entry = {"kind": line.kind, "name": line.name, "applied": line.applied, "before": line.before,
                         "after": line.after, "change": line.after - line.before}
                if basis:
                    entry["basis"] = line.basis
                if line.grade is not None:
                    entry["grade"] = line.grade
                out.append(entry)
            parts = [comma, nl[3], '"adjustments": ']
            _write(out, parts, indent, 3)
            return "".join(parts)

        return adjustments

    def _tail(self, model, nl, comma):
        """Warnings and the ``informational`` inputs, when the record has some."""
        from ..basis import show_value
        from ..runtime import Undefined

        informational = [spec for spec in model.inputs if spec.informational]
        indent = self.indent

        def tail(result, texts):
            parts = []
            if result.warnings:
                parts += [comma, nl[1], '"warnings": ']
                _write([warning.to_json() for warning in result.warnings], parts, indent, 1)
            if informational:
                values = result.record.values
                information = {}
                for spec in informational:
                    value = values.get(spec.name)
                    if value is not None and not isinstance(value, (tuple, Undefined)):
                        information[spec.name] = show_value(value, spec.type)
                if information:
                    parts += [comma, nl[1], '"information": ']
                    _write(information, parts, indent, 1)
            return "".join(parts)

        return tail


class ScoresPlan(_TemplatePlan):
    """A record's line of ``--format scores`` (docs/output.md): its name, and per scorecard the total, the grade
    and every indicator's score by path joined with ``/`` — the `_expected`/`_reported` shape (DESIGN §6, §7)."""

    def __init__(self, program, scorecards=None):
        model = program.model
        layout = program.layout
        self.program = program
        t = _Template()
        t.text('{"record": ')
        t.hole("name")
        t.text(', "scorecards": {')
        positions, grades, parts = [], [], []
        cards = [card for card in model.scorecards if scorecards is None or card.name in scorecards]
        for c, card in enumerate(cards):
            offset, size = layout[card.index]
            t.text((", " if c else "") + _string(card.name) + ': {"score": ')
            t.hole("number")
            positions.append(offset + size - 3)
            t.text(', "grade": ')
            t.hole("grade")
            grades.append(offset + size - 2)
            t.text(', "indicators": {')
            row = 0
            for i, node in enumerate(card.nodes):
                t.text((", " if i else "") + _string("/".join(node.path)) + ": ")
                t.hole("number")
                positions.append(offset + 2 * i + 1)
                if node.each is not None:
                    t.hole("part")
                    parts.append(self._items(card.index, row, node))
                    row += 1
            t.text("}}")
        t.text("}")
        t.hole("part")
        parts.append(_warnings)
        t.text("}")
        self._compiled(t, positions, grades, parts)
        self.ending = "\n"

    def _rest(self, result) -> list | None:
        parts = [part(result) for part in self.parts]
        return None if None in parts else parts

    def _items(self, number, row, node):
        layout = self.program.layout
        prefix = "/".join(node.path) + "/"

        def items(result):
            rows_of = layout.rows_in(layout.block(result.flat, number))[row]
            if not rows_of:
                return ""
            names = item_names([name for name, _, _ in rows_of])
            scores = number_texts([score for _, _, score in rows_of])
            if scores is None:
                return None
            return "".join(f", {_string(prefix + name)}: {score}" for name, score in zip(names, scores))

        return items


def _warnings(result) -> str:
    if not result.warnings:
        return ""
    parts = [', "warnings": ']
    _write([warning.to_json() for warning in result.warnings], parts, None, 1)
    return "".join(parts)


class CsvPlan:
    """A record's CSV cells as `csvout` writes them from `Summary.row` (every cell through `csvout._text`),
    from the flat tuple: the figures' texts (`number_texts`), the grades' (kept by grade), in the row's order."""

    def __init__(self, program, summary, text):
        layout = program.layout
        self.program, self.text_of = program, text
        numbers, grades, order = [], [], []  # flat positions; where each cell's text is in numbers + grades
        for card in summary.cards:
            offset, size = layout[card.index]
            order.append(("number", len(numbers)))
            numbers.append(offset + size - 3)
            if card.grades:
                order.append(("grade", len(grades)))
                grades.append(offset + size - 2)
        self.rules = []  # (where in the figures' cells a scorecard's rules' changes go, the scorecard)
        for card in summary.cards:
            offset, size = layout[card.index]
            for i in range(len(card.nodes)):
                order.append(("number", len(numbers)))
                numbers.append(offset + 2 * i + 1)
            if card.rules:
                self.rules.append((len(order), card))  # after its indicators' scores
        self.numbers, self.grades = _getter(numbers), _getter(grades)
        places = [index if kind == "number" else len(numbers) + index for kind, index in order]
        self.order = itemgetter(*places) if len(places) > 1 else (lambda texts: (texts[places[0]],))
        self.grade_texts: dict = {}
        self.width = summary.width

    def cells(self, position, result) -> list | None:
        try:
            flat = result.flat
            figures = number_texts(self.numbers(flat))
            if figures is None:
                return None
            grades = [self._grade(grade) for grade in self.grades(flat)]
            texts = list(self.order(figures + grades))
            if self.rules:
                texts = self._with_rules(result, texts)
            text = self.text_of
            from .summary import warnings_text

            cells = [text(position), text(result.name), *texts, "", text(warnings_text(result.warnings))]
        except (TypeError, ValueError, ArithmeticError):
            return None
        return cells if len(cells) == self.width else None

    def _grade(self, grade) -> str:
        texts = self.grade_texts
        text = texts.get(grade) if grade.__class__ is str else None
        if text is None:
            text = self.text_of(grade)
            if grade.__class__ is str and len(texts) < 1024:
                texts[grade] = text
        return text

    def _with_rules(self, result, texts):
        from .. import cardrules

        layout = self.program.layout
        for at, card in reversed(self.rules):  # from the last, so that each place is still where it was
            block = layout.block(result.flat, card.index)
            raw = sum((layout.score_in(block, i) for i in card.top), Decimal(0))
            lines = cardrules.results(card, raw, layout.rows_in(block)[-1], None)
            texts[at:at] = [self.text_of(line.after - line.before) for line in lines]
        return texts
