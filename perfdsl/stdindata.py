"""Data on standard input — JSON, JSON Lines, CSV or a workbook — told apart by how it begins.

``perfdsl eval R - < 数据.csv`` or ``cat *.jsonl | perfdsl eval R -``: standard input
has no name to go by, so its first bytes decide (``--input-format`` overrides
them): ``PK`` is a workbook (a zip file); ``[`` a JSON array; ``{`` JSON Lines
when its lines are whole objects by themselves (one such line alone is one
record, as in a ``.json`` file), else JSON — one object, or several one after
another, as ``cat a.json b.json`` gives; anything else CSV.
JSON is UTF-8 (a BOM is tolerated); CSV is UTF-8 or else GB18030, the way Excel
saves it on Chinese Windows, or UTF-16 after its BOM (Excel's "Unicode 文本").  CSV and JSON Lines
stream, as from a file.
"""

from __future__ import annotations

import io

#: How much of the input is looked at to decide its form and encoding.
HEAD = 64 * 1024
#: The forms `--input-format` names; "json?" is ``{``: JSON or JSON Lines, decided by its first line.
FORMS = ("json", "jsonl", "csv", "xlsx")


class _Prefixed(io.RawIOBase):
    """A binary stream that gives back `head` (already read) and then the rest of `stream`."""

    def __init__(self, head: bytes, stream):
        self.head = memoryview(head)
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            count = min(len(buffer), len(self.head))
            buffer[:count] = self.head[:count]
            self.head = self.head[count:]
            return count
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def form_of(head: bytes) -> str | None:
    """The form of data that begins with `head`: a name of `FORMS`, ``"json?"``, or None for no data at all."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text:
        return None
    if text[:1] == b"[":
        return "json"
    if text[:1] == b"{":
        return "json?"
    return "csv"


def csv_encoding(head: bytes) -> str:
    """UTF-16 after its BOM (Excel's "Unicode 文本"); UTF-8 (BOM or not) if `head` reads as UTF-8 — allowing a
    character cut at its end —, else GB18030."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return "gb18030"
    return "utf-8-sig"


def open_stream(stream, form: str | None = None):
    """(form, handle) for the data in binary `stream`: a binary handle for a workbook, a text one otherwise.

    `form` None (sniff), a name of `FORMS`; the answer may be ``"json?"``
    (``{``…: the reader decides by the first line) or None (no data at all).
    """
    head = stream.read(HEAD)
    if form is None:
        form = form_of(head)
    if form == "xlsx":
        # a zip is read from its end: `tabular.xlsx_rows` takes all of it into memory, bounded
        return form, io.BufferedReader(_Prefixed(head, stream))
    if form is None:
        return None, None
    encoding = csv_encoding(head) if form == "csv" else "utf-8-sig"
    handle = io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding=encoding,
                              newline="" if form == "csv" else None)
    return form, handle
