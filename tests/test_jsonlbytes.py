"""A JSON Lines file read as bytes (`jsonlbytes`, for worker processes) gives what reading it as text gives.

Every line break (\\n, \\r\\n, a lone \\r, one cut between two reads), blank lines of every kind, a BOM,
too-long lines, and invalid UTF-8 anywhere — its message (a byte offset within text mode's 8,192-byte
chunk) and the records before it — are compared with `datafiles`' text reading of the same file.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from perfdsl import datafiles, jsonlbytes, limits
from perfdsl.errors import DataFileError

ROOT = Path(__file__).resolve().parent.parent

PIECES = [b'{"a": 1}', '{"单位": "长长"}'.encode(), b"", b"   ", "\u3000".encode(), b"\x1c", b"\r", b"\r\n",
          b"\n", b"\n", b"\n"]
RARE = [b"\xff", "长".encode()[:2], b"x" * 50, "长".encode() * 30, b"\xef\xbb\xbf", b"{"]


def as_text(path):
    out = []
    try:
        for position, number, line in datafiles.JsonLinesFile(str(path)).lines():
            out.append((position, number, None if isinstance(line, type(datafiles.too_long())) else
                        line.rstrip("\r\n")))
    except DataFileError as exc:
        out.append(str(exc))
    return out


def as_bytes(path, per_block):
    out = []
    stored = Path(path).read_bytes()
    try:
        for number, position, count, data, start in datafiles.JsonLinesFile(str(path)).blocks(per_block, True):
            if start is not None:  # a worker reads the block from there itself (`parallel._Span`)
                assert stored[start: start + len(data)] == data
            block = list(jsonlbytes.records(number, position, data))
            assert len(block) == count
            out.extend(block)
    except DataFileError as exc:
        out.append(str(exc))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_bytes_give_the_lines_and_errors_of_text(seed, tmp_path, monkeypatch):
    rng = random.Random(seed)
    path = tmp_path / "lines.jsonl"
    kinds = {"error": 0, "too long": 0, "records": 0}
    for _ in range(250):
        monkeypatch.setattr(limits, "RECORD_CHARS", rng.choice([20, 40, 100, 10**6]))
        monkeypatch.setattr(jsonlbytes, "READ", rng.choice([8192, 16384, 8192 * 16]))
        parts = [rng.choice(PIECES if rng.random() < 0.97 else PIECES + RARE) for _ in range(rng.randrange(400))]
        if rng.random() < 0.3:  # no \r: the blocks are the file's bytes, and say where they stand in it
            parts = [part for part in parts if b"\r" not in part]
        if rng.random() < 0.3:
            parts.insert(0, b"\xef\xbb\xbf")
        if rng.random() < 0.3:  # past text mode's chunks and this reader's reads
            parts *= rng.randrange(1, 60)
        path.write_bytes(b"".join(parts))
        text = as_text(path)
        assert as_bytes(path, rng.choice([1, 3, 64])) == text
        kinds["error"] += isinstance(text[-1:] and text[-1], str)
        kinds["too long"] += any(isinstance(item, tuple) and item[2] is None for item in text)
        kinds["records"] += len(text)
    assert min(kinds.values()) > 10  # each kind was met


def test_invalid_utf8_is_said_at_text_modes_place_after_its_records(tmp_path):
    line = '{"单位": "长长长"}\n'.encode()
    data = line * 1000  # 24 bytes a line: the bad byte is on line 351, at byte 8400 = 8192 + 208
    data = data[:8400] + b"\xff" + data[8401:]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(data)
    got = as_bytes(path, 64)
    assert got[-1] == (f"{path}: 不是 UTF-8 文本（第 351 行，文件第 8401 字节：不能作为字符开头的字节）；"
                       "若是 Excel 或 WPS 另存的文本，请选 UTF-8 编码")
    assert len(got) - 1 == 8192 // len(line) == 341  # the lines of text mode's first chunk, no more
    assert got == as_text(path)


def test_the_bad_byte_is_found_by_its_line_across_reads_and_line_breaks(tmp_path, monkeypatch):
    # the place a message names is the first bad byte's own line, with \r\n, a lone \r and \n counted as text
    # mode counts them, whatever read a \r\n or a character is cut by
    rng = random.Random(7)
    path = tmp_path / "bad.jsonl"
    for _ in range(300):
        monkeypatch.setattr(jsonlbytes, "REREAD", rng.choice([1, 2, 3, 5, 64]))
        pieces = [rng.choice(["a", "长", "\n", "\r", "\r\n", " "]).encode() for _ in range(rng.randrange(0, 40))]
        at = rng.randrange(len(pieces) + 1)
        bad = rng.choice([b"\xff", b"\xe9\x95", b"\xc0\xaf"])
        data = b"".join(pieces[:at]) + bad + b"".join(pieces[at:])
        path.write_bytes(data)
        prefix = b"".join(pieces[:at]).decode()
        line = prefix.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        try:
            data.decode()
        except UnicodeDecodeError as exc:
            expected = (line, exc.start)
        assert jsonlbytes._first_bad_byte(str(path)) == expected, data


def test_standard_input_that_is_not_utf8_names_the_line_reading_reached():
    from click.testing import CliRunner

    from perfdsl.cli import main

    line = json.dumps({"单位": "甲"}, ensure_ascii=False).encode() + b"\n"
    done = CliRunner().invoke(main, ["eval", str(ROOT / "rulesets" / "chaoan-2022.perf"), "-", "--format", "scores"],
                              input=line * 3 + b'{"\xff": 1}\n' + line)
    assert done.exit_code == 2
    assert "<标准输入>: 不是 UTF-8 文本（第 1 行或其后不远：不能作为字符开头的字节）" in done.stderr
