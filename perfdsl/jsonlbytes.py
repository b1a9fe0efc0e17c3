"""A JSON Lines file read as bytes, in blocks of whole lines, for worker processes to decode (`parallel`).

The process that reads a batch only moves bytes: it reads the file in binary,
turns ``\\r\\n`` and a lone ``\\r`` into ``\\n`` (as text mode's universal
newlines do), counts the lines and the records, and hands on each block of
lines as one bytes object; the worker decodes it and reads its records
(`records`).  What a user sees is what `datafiles` reading the file as text
gives, to the byte:

- UTF-8 is checked here, as it is read (one C decode, its text dropped; ASCII
  skips it).  Invalid UTF-8 is the same `DataFileError`, said after the same
  records: text mode decodes `TEXT_CHUNK` bytes at a time, so no line of the
  chunk holding the bad byte is a record; the message names the bad byte's
  line and its offset in the file (`not_utf8`, which reads the file again).
- A blank line (``str.isspace``, so ``\\u3000`` too) is no record but counts in
  the line numbers; a line longer than `limits.RECORD_CHARS` characters is that
  record's error, and is never held in memory whole.
- A BOM at the start of the file is dropped.
"""

from __future__ import annotations

import codecs
import os

from . import limits
from .errors import DataFileError

#: How much text mode decodes at a time (`io.TextIOWrapper`'s chunk): where its UTF-8 errors are counted from.
TEXT_CHUNK = 8192
#: Bytes read at a time: a multiple of TEXT_CHUNK, so a decoding error is found in the same chunk as text mode's.
READ = 16 * TEXT_CHUNK
_BOM = codecs.BOM_UTF8
_CONTINUATION = bytes(range(0x80, 0xC0))


def _characters(data: bytes) -> int:
    """The characters in UTF-8 `data` (checked already): its bytes that do not continue a character."""
    return len(data) if data.isascii() else len(data.translate(None, _CONTINUATION))


class _Checked:
    """The file's bytes, UTF-8 checked as text mode would check them (`utf-8-sig`, `TEXT_CHUNK` at a time)."""

    def __init__(self, handle, path: str):
        self.handle, self.path = handle, path
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.first = True
        self.start = self.read_to = 0  # the file offset of the bytes `read` returned last, and of the next read

    def read(self) -> tuple[bytes, DataFileError | None, int]:
        """The next bytes (b"" at the end); the error text mode would raise on them, and then only the bytes
        it had made text of before it; how many bytes at their end begin a character not complete yet."""
        data = self.handle.read(READ)
        self.start = self.read_to
        self.read_to += len(data)
        state = self.decoder.getstate()
        try:
            if not (data.isascii() and not self.first and not state[0]):
                self.decoder.decode(data, final=not data)
            elif not data:
                self.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return self._failed(data, state)
        finally:
            self.first = False
        return data, None, len(self.decoder.getstate()[0])

    def _failed(self, data: bytes, state):
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        decoder.setstate(state)
        at = 0
        try:
            while True:
                waiting = len(decoder.getstate()[0])
                piece = data[at: at + TEXT_CHUNK]
                decoder.decode(piece, final=not piece)
                at += len(piece)
        except UnicodeDecodeError as exc:
            error = not_utf8(self.path, exc)
        return data[:max(0, at - waiting)], error, max(0, waiting - at)


REREAD = 1 << 20  # bytes a read when a bad file is read again for its bad byte's place


def not_utf8(path: str, exc: UnicodeDecodeError, after_line: int | None = None) -> DataFileError:
    """The error for a file that is not UTF-8 text, naming the first bad byte's line and its place in the file.

    A decoder reading ahead in chunks only knows an offset within its chunk, which says nothing to a user; the
    file is read again, in binary, to find the byte.  Where it cannot be (standard input), the message names
    the line reading had reached (`after_line`) instead."""
    # only a regular file is read again: a pipe (standard input, `<(…)`) would be waited on or consumed
    place = _first_bad_byte(path) if os.path.isfile(path) else None
    if place is not None:
        line, offset = place
        return DataFileError(f"{path}: 不是 UTF-8 文本（第 {line} 行，文件第 {offset + 1} 字节{_reason(exc)}）；"
                             "若是 Excel 或 WPS 另存的文本，请选 UTF-8 编码")
    where = f"第 {after_line} 行或其后不远" if after_line else f"第 {exc.start} 字节附近"
    return DataFileError(f"{path}: 不是 UTF-8 文本（{where}{_reason(exc)}）；"
                         "若是 Excel 或 WPS 另存的文本，请选 UTF-8 编码")


_REASONS = {"invalid start byte": "不能作为字符开头的字节", "invalid continuation byte": "多字节字符不完整",
            "unexpected end of data": "文件在一个字符中间结束"}


def _reason(exc: UnicodeDecodeError) -> str:
    reason = _REASONS.get(exc.reason)
    return f"：{reason}" if reason else ""


def _first_bad_byte(path: str):
    """(line, offset) of the first byte of `path` that is not UTF-8, lines counted as universal newlines
    count them; None if the file cannot be read again or decodes cleanly now."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes of the file fed to the decoder before `chunk`
    breaks = 0  # line breaks before `chunk`
    last = b""  # the byte before `chunk`: a \r\n cut between two reads is one break
    try:
        with open(path, "rb") as handle:
            while True:
                chunk = handle.read(REREAD)
                waiting = len(decoder.getstate()[0])
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    bad = offset - waiting + exc.start
                    return 1 + breaks + _breaks(last + chunk[: max(0, bad - offset)], last), bad
                if not chunk:
                    return None
                breaks += _breaks(last + chunk, last)
                last = chunk[-1:]
                offset += len(chunk)
    except OSError:
        return None


def _breaks(data: bytes, carried: bytes) -> int:
    """Line breaks in `data` (\n, \r\n, a lone \r), whose first byte `carried` was counted already."""
    count = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    # a carried \n or \r was one break before; here it is one again (a \r with the \n after it, one pair)
    return count - (carried in (b"\n", b"\r"))


def blocks(handle, path: str, per_block: int, offsets: bool = False):
    """Yield (line number, position, records, bytes) for `per_block` records at a time of the JSON Lines in
    binary `handle` (of the first line and record): the bytes are whole lines, each ending in ``\\n`` (the
    last line of the file perhaps not), the blank ones among them; (line number, position, 1, None) is a
    line longer than `limits.RECORD_CHARS`.  With `offsets`, each has a fifth item: where its bytes start
    in the file, when they are the file's bytes as they stand there (None once a ``\\r`` was turned into
    ``\\n``, and for a line too long), so that a worker can read them itself (`parallel`).
    `handle` is closed at the end."""
    source = _Checked(handle, path)
    mapped = True  # whether `text` is still the file's bytes from `at_file` on
    number = position = 0  # of the last line / record handed on
    pending = b""  # the start of a line not ended yet
    too_long = False  # skipping the rest of such a line
    started = False
    with handle:
        while True:
            data, error, unfinished = source.read()
            end = not data or error is not None
            at_file = source.start - len(pending)
            if not started:
                started = True
                if data.startswith(_BOM):
                    data, at_file = data[len(_BOM):], at_file + len(_BOM)
            text = pending + data
            held = b""
            if text[:len(text) - unfinished].endswith(b"\r") and not (end and error is None):
                # it may begin "\r\n" (text mode waits for what follows it): kept for the next read
                held = text[len(text) - unfinished - 1:]
                text = text[:len(text) - unfinished - 1]
            if b"\r" in text:
                text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                mapped = False
            cut = len(text) if end and error is None else text.rfind(b"\n") + 1
            whole, pending = text[:cut], text[cut:] + held
            at = 0
            if too_long:
                stop = whole.find(b"\n")
                if stop < 0 and not (end and error is None):
                    if error is not None:  # text mode never got to the end of the line
                        raise error
                    pending = held  # the rest of the line is skipped, not kept
                    continue
                number += 1
                position += 1
                yield (number, position, 1, None, None) if offsets else (number, position, 1, None)
                too_long = False
                at = stop + 1 if stop >= 0 else len(whole)
            start, count = at, 0
            while at < len(whole):
                stop = whole.find(b"\n", at)
                stop = len(whole) if stop < 0 else stop
                line_at, at = at, min(stop + 1, len(whole))
                if stop - line_at > limits.RECORD_CHARS and _characters(whole[line_at:stop]) > limits.RECORD_CHARS:
                    if count:
                        block = (number - _lines_in(whole, start, line_at) + 1, position - count + 1, count,
                                 whole[start:line_at])
                        yield (*block, at_file + start if mapped else None) if offsets else block
                        count = 0
                    number += 1
                    position += 1
                    yield (number, position, 1, None, None) if offsets else (number, position, 1, None)
                    start = at
                    continue
                number += 1
                if stop == line_at or (whole[line_at] != 0x7B and whole[line_at:stop].decode("utf-8").isspace()):
                    continue  # blank: no record ({ begins most lines, which are then not blank)
                position += 1
                count += 1
                if count == per_block:
                    block = number - _lines_in(whole, start, at) + 1, position - count + 1, count, whole[start:at]
                    yield (*block, at_file + start if mapped else None) if offsets else block
                    start, count = at, 0
            if count:
                block = number - _lines_in(whole, start, len(whole)) + 1, position - count + 1, count, whole[start:]
                yield (*block, at_file + start if mapped else None) if offsets else block
            if error is not None:
                raise error
            if end:
                return
            if len(pending) > limits.RECORD_CHARS and _characters(pending.rstrip(b"\r")) > limits.RECORD_CHARS:
                too_long, pending = True, b""


def _lines_in(text: bytes, start: int, end: int) -> int:
    """The lines in text[start:end] (the last perhaps without its ``\\n``)."""
    count = text.count(b"\n", start, end)
    return count + (end > start and text[end - 1] != 0x0A)


def records(number: int, position: int, data: bytes | None):
    """(position, line number, line) for each record of a block from `blocks`, the line decoded."""
    if data is None:
        yield position, number, None
        return
    text = data.decode("utf-8")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    for line in lines:
        if line and not line.isspace():
            yield position, number, line
            position += 1
        number += 1
