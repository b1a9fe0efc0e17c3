"""`eval --jobs N`: the same bytes as one process, in input order, errors in place, isolation in the workers."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_streaming import _write_rows

from perfdsl import datafiles, isolation, limits, parallel
from perfdsl.cli import main
from perfdsl.report import jsonout

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="workers are forked")


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Chunks of 7 records, so that a batch of 200 has many in flight and a short last one."""
    monkeypatch.setattr(parallel, "CHUNK", 7)


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def batch_with_slips(tmp_path_factory):
    """The 200 generated records with a malformed count, a record that is not an object and a slip warned."""
    records = json.loads(jsonout.dumps(__import__("bench_eval").make_records(200)), parse_float=Decimal)
    records[3]["项目总数"] = "十四"
    records[50] = [1, 2]
    records[120]["上年末存量资金"] = "1.25"
    path = tmp_path_factory.mktemp("slips") / "batch.jsonl"
    path.write_text("".join(jsonout.dumps(r, None) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "md", "html"])
def test_jobs_write_the_bytes_of_one_process(batch_with_slips, chaoan_batch, fmt):
    for data in (batch_with_slips, chaoan_batch["csv"], chaoan_batch["xlsx"]):
        one = run("eval", RULESET, data, "--format", fmt, "--jobs", 1)
        two = run("eval", RULESET, data, "--format", fmt, "--jobs", 2)
        assert one.exit_code == two.exit_code == 1  # the bad records fail in their place
        assert two.stdout == one.stdout and two.stderr == one.stderr
        assert len(one.stdout) > 10_000


@pytest.mark.parametrize("fmt", ["md", "html", "table"])
def test_documents_come_back_from_the_workers_as_runs_of_text(batch_with_slips, fmt, tmp_path, monkeypatch):
    """A Markdown, HTML or plain-table file from JSON Lines: the workers send runs of records' text (`_Run`),
    never a scored record pickled whole, and the file has the bytes of one process."""
    runs = []
    real = parallel._unpacked
    monkeypatch.setattr(parallel, "_unpacked", lambda packed: runs.append(real(packed)) or runs[-1])
    files = []
    for jobs in (1, 2):
        target = tmp_path / f"out{jobs}.{fmt if fmt != 'table' else 'txt'}"
        done = run("eval", RULESET, batch_with_slips, "-o", target, "--jobs", jobs)
        assert done.exit_code == 1, done.stderr
        files.append(target.read_bytes())
    assert files[1] == files[0] and len(files[0]) > 100_000
    items = [item for chunk in runs for _, item, _ in chunk]
    written = sum(item.count for item in items if isinstance(item, parallel._Run))
    assert written == 197  # 200 records: two failed and one warned about come back as themselves
    assert len(items) - sum(isinstance(item, parallel._Run) for item in items) == 3


def test_jobs_keep_the_order_and_the_errors_in_place(batch_with_slips):
    out = run("eval", RULESET, batch_with_slips, "--format", "jsonl", "--jobs", 2, "--no-basis")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["record"] for line in lines[:3]] == ["单位0", "单位1", "单位2"]
    assert lines[3]["error"]["key"] == "项目总数" and lines[50] == {"record": 51, "error": lines[50]["error"]}
    assert [line["record"] for line in lines[-2:]] == ["单位198", "单位199"]
    assert lines[120]["record"] == "单位120" and lines[120]["warnings"][0]["code"] == "P520"
    assert len(lines) == 200


def test_json_lines_are_decoded_in_the_workers_with_the_messages_of_one_process(batch_with_slips, monkeypatch,
                                                                                tmp_path):
    """Every kind of bad line, each its record's error in its place; this process only splits the lines."""
    lines = batch_with_slips.read_text("utf-8").splitlines(keepends=True)
    lines[10] = lines[10][:40] + "\n"  # cut short
    lines[20] = lines[20].replace('{"', '{"单位": "重复", "', 1)  # a key twice
    lines[30] = "[" * (limits.JSON_DEPTH + 1) + "]" * (limits.JSON_DEPTH + 1) + "\n"  # too deep
    lines[40] = lines[40].rstrip("\n") + "\r\n"  # Windows line end: a good record
    lines[60] = '{"单位": "' + "长" * 30_000 + '"}\n'  # longer than RECORD_CHARS below
    lines[70:70] = ["\n", "   \n"]  # blank lines: no record, but they count in the line numbers
    data = tmp_path / "slips.jsonl"
    data.write_text("".join(lines), "utf-8")
    monkeypatch.setattr(limits, "RECORD_CHARS", 20_000)
    one = run("eval", RULESET, data, "--format", "jsonl", "--no-basis", "--jobs", 1)
    parent, real = os.getpid(), datafiles.line_record

    def decoded_in_a_worker(*args):
        assert os.getpid() != parent, "a line decoded in the parent"
        return real(*args)

    monkeypatch.setattr(datafiles, "line_record", decoded_in_a_worker)
    two = run("eval", RULESET, data, "--format", "jsonl", "--no-basis", "--jobs", 2)
    assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)
    out = [json.loads(line) for line in two.stdout.splitlines()]
    assert len(out) == 200 and two.exit_code == 1
    assert out[10]["error"]["message"].startswith("第 11 行第 ") and "不是有效的 JSON" in out[10]["error"]["message"]
    assert out[20]["error"]["message"] == "第 21 行：键 `单位` 出现了两次" and out[20]["record"] == 21
    assert out[30]["error"]["message"] == f"第 31 行嵌套过深（数组和对象最多 {limits.JSON_DEPTH} 层）"
    assert out[40]["record"] == "单位40" and "error" not in out[40]
    assert out[60]["error"]["message"] == "第 61 行超过 20000 个字符"
    assert out[71]["record"] == "单位71" and out[199]["record"] == "单位199"
    assert out[3]["error"]["key"] == "项目总数" and out[120]["warnings"][0]["code"] == "P520"


def test_a_table_a_workbook_and_a_terminal_table_into_a_file(chaoan_batch, tmp_path):
    for fmt in ("table", "xlsx"):
        books = []
        for jobs in (1, 2):
            target = tmp_path / f"out{jobs}.{'txt' if fmt == 'table' else 'xlsx'}"
            done = run("eval", RULESET, chaoan_batch["csv"], "-o", target, "--jobs", jobs, "--sheets", 30)
            assert done.exit_code == 1, done.stderr
            books.append(target)
        if fmt == "table":
            assert books[0].read_text("utf-8") == books[1].read_text("utf-8")
            continue
        one, two = (openpyxl.load_workbook(book) for book in books)
        assert one.sheetnames == two.sheetnames and len(one.sheetnames) == 31
        for name in one.sheetnames:
            assert [list(r) for r in one[name].values] == [list(r) for r in two[name].values]


def test_a_record_that_breaks_perfdsl_in_a_worker_is_that_records_error(batch_with_slips, monkeypatch):
    real = isolation.materialise

    def broken(result):
        if result.name == "单位77":
            raise ValueError("injected")
        return real(result)

    monkeypatch.setattr(isolation, "materialise", broken)
    out = run("eval", RULESET, batch_with_slips, "--format", "jsonl", "--jobs", 2)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 200
    assert "perfdsl 内部错误（ValueError: injected）" in lines[77]["error"]["message"]
    assert lines[78]["record"] == "单位78" and "error" not in lines[78]


def test_a_worker_that_dies_has_its_records_scored_here(batch_with_slips, monkeypatch):
    parent = os.getpid()
    real = isolation.one

    def dying(program, position, raw, *args):
        if os.getpid() != parent and position == 90:
            os._exit(9)  # killed mid-chunk: out of memory, say
        return real(program, position, raw, *args)

    monkeypatch.setattr(isolation, "one", dying)
    one = run("eval", RULESET, batch_with_slips, "--format", "csv", "--jobs", 1)
    two = run("eval", RULESET, batch_with_slips, "--format", "csv", "--jobs", 2)
    assert two.stdout == one.stdout and len(two.stdout.splitlines()) == 201


def test_the_default_scores_a_short_batch_here_and_a_long_one_on_every_core(batch_with_slips, monkeypatch):
    started = []
    monkeypatch.setattr(parallel, "_spread", lambda *args: started.append(True) or iter(()))
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel, "THRESHOLD", 500)
    run("eval", RULESET, batch_with_slips, "--format", "jsonl")
    assert started == []
    monkeypatch.setattr(parallel, "THRESHOLD", 100)
    monkeypatch.setattr(parallel, "_running", lambda: 3)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (2.5, 2.5, 2.5))  # both cores busy elsewhere
    run("eval", RULESET, batch_with_slips, "--format", "jsonl")
    assert started == []
    run("eval", RULESET, batch_with_slips, "--format", "jsonl", "--no-basis")
    assert started == []  # scores only, as busy
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (1.0, 1.0, 1.0))  # this process alone
    run("eval", RULESET, batch_with_slips, "--format", "jsonl")
    assert started == [True]
    run("eval", RULESET, batch_with_slips, "--format", "jsonl", "--no-basis")
    run("eval", RULESET, batch_with_slips, "--format", "csv")
    assert started == [True] * 3  # scores only on the idle core too: the workers decode the lines


def test_the_default_on_an_idle_core_writes_the_bytes_of_one_process(batch_with_slips, monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel, "THRESHOLD", 100)  # 100 records here, 100 in the workers
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    for fmt in ("jsonl", "csv"):
        one = run("eval", RULESET, batch_with_slips, "--format", fmt, "--no-basis", "--jobs", 1)
        default = run("eval", RULESET, batch_with_slips, "--format", fmt, "--no-basis")
        assert (default.exit_code, default.stdout, default.stderr) == (one.exit_code, one.stdout, one.stderr)
        assert len(one.stdout.splitlines()) == 200 + (fmt == "csv")


def test_a_busy_machine_gets_no_more_workers_than_it_has_idle_cores(monkeypatch):
    monkeypatch.setattr(parallel, "_running", lambda: None)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (1.0, 0, 0))
    assert parallel.idle_workers(2) == 2
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (2.2, 0, 0))
    assert parallel.idle_workers(2) == 1
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (2.2, 0, 0))
    assert parallel.idle_workers(8) == 7


def test_a_machine_idle_now_gets_its_cores_though_the_load_average_remembers_a_busy_minute(monkeypatch):
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (2.4, 0, 0))  # a batch on both cores just ended
    monkeypatch.setattr(parallel, "_running", lambda: 1)  # this process alone runs now
    assert parallel.idle_workers(2) == 2
    monkeypatch.setattr(parallel, "_running", lambda: 3)  # two others run now
    assert parallel.idle_workers(2) == 1
    monkeypatch.setattr(parallel, "_running", lambda: 2)
    assert parallel.idle_workers(8) == 7
    assert isinstance(parallel._running(), (int, type(None)))


def test_a_signal_mid_batch_stops_the_workers_and_leaves_no_temporary(chaoan, tmp_path):
    data = tmp_path / "big.csv"
    _write_rows(data, chaoan.model, 6000)
    target = tmp_path / "out.jsonl"
    writer = subprocess.Popen([sys.executable, "-m", "perfdsl", "eval", RULESET, str(data), "-o", str(target),
                               "--jobs", "2"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(_children(writer.pid)) < 2:
        assert writer.poll() is None and time.monotonic() < deadline, "no workers started"
        time.sleep(0.05)
    workers = _children(writer.pid)
    writer.send_signal(signal.SIGTERM)
    _, stderr = writer.communicate(timeout=60)
    assert writer.returncode == 128 + signal.SIGTERM
    assert stderr.strip().endswith("已中断（SIGTERM）；未写完的输出已删除") and "Traceback" not in stderr
    assert not target.exists() and list(tmp_path.glob(".out.jsonl.*")) == []
    time.sleep(0.2)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"] == []


_ARMED: list = []  # a SIGTERM for the next fork's hook in this process to send (an at-fork hook stays for good)


def _terminate_while_forking():
    if _ARMED:
        _ARMED.clear()
        os.kill(os.getpid(), signal.SIGTERM)


os.register_at_fork(after_in_parent=_terminate_while_forking)


def test_a_signal_while_the_workers_are_forked_is_not_lost(batch_with_slips, tmp_path):
    """A handler raising in an at-fork hook has its exception dropped: the batch went on and exited 0."""
    target = tmp_path / "out.jsonl"
    _ARMED.append(True)
    done = run("eval", RULESET, batch_with_slips, "-o", target, "--no-basis", "--jobs", 2)
    assert _ARMED == [] and done.exit_code == 128 + signal.SIGTERM, done.stderr
    assert done.stderr.strip().endswith("已中断（SIGTERM）；未写完的输出已删除") and not target.exists()


def test_a_closed_pipe_with_workers_ends_quietly(chaoan, tmp_path):
    data = tmp_path / "big.csv"
    _write_rows(data, chaoan.model, 3000)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(["bash", "-c", f"set -o pipefail; perfdsl eval {RULESET} {data} --format jsonl --jobs 2 "
                           "| head -n 1"], cwd=ROOT, capture_output=True, env={**os.environ, "PATH": path})
    assert (done.returncode, done.stderr) == (0, b"")
    assert len(done.stdout.splitlines()) == 1


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "gone"


def test_invalid_utf8_with_jobs_writes_what_one_process_writes_before_it(batch_with_slips, tmp_path):
    """The records before text mode's chunk with the bad byte are written, then the message (exit 2)."""
    data = bytearray(batch_with_slips.read_bytes())
    at = data.index("单位150".encode())
    data[at:at + 2] = b"\xff\xfe"
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(bytes(data))
    one = run("eval", RULESET, bad, "--format", "scores", "--jobs", 1)
    two = run("eval", RULESET, bad, "--format", "scores", "--jobs", 2)
    assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)
    assert one.exit_code == 2 and "不是 UTF-8 文本（第 " in one.stderr
    assert 100 < len(one.stdout.splitlines()) < 151


def test_a_large_json_lines_file_starts_the_workers_at_once(batch_with_slips, monkeypatch):
    started = []
    monkeypatch.setattr(parallel, "_spread", lambda *args: started.append(True) or iter(()))
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    monkeypatch.setattr(parallel, "THRESHOLD", 500)
    run("eval", RULESET, batch_with_slips, "--format", "jsonl", "--no-basis")
    assert started == []  # 200 records, under 1 MB: all scored here
    monkeypatch.setattr(parallel, "LARGE", batch_with_slips.stat().st_size)
    run("eval", RULESET, batch_with_slips, "--format", "jsonl", "--no-basis")
    assert len(started) == 1


@pytest.mark.parametrize("sheets", [5, 100])
def test_a_workbook_laid_out_in_the_workers_is_that_of_one_process(batch_with_slips, tmp_path, sheets):
    """The 汇总 rows and 评分表 sheets are made in the workers (`xlsxout.preparer`) as templates of the style ids;
    records that fail among the first `sheets` move sheets to records a worker scored without their basis,
    which are scored again here (`parallel._again`): every part but docProps is one process's."""
    import zipfile

    records = [json.loads(line) for line in batch_with_slips.read_text("utf-8").splitlines()]
    records[0] = records[2] = {"单位": "坏的"}  # fail, so the sheets go on past the first `sheets` records
    records[4]["单位"] = "%s %(r)s 100% & <b>"  # a template's holes and markup, as text
    data = tmp_path / "batch.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    parts = []
    for jobs in (1, 2):
        target = tmp_path / f"out{jobs}.xlsx"
        done = run("eval", RULESET, data, "-o", target, "--jobs", jobs, "--sheets", sheets)
        assert done.exit_code == 1, done.stderr
        with zipfile.ZipFile(target) as book:
            parts.append({name: book.read(name) for name in book.namelist() if not name.startswith("docProps")})
    assert parts[0] == parts[1]
    assert sum(name.startswith("xl/worksheets/") for name in parts[0]) == 1 + sheets
    assert b"%s %(r)s 100% &amp; &lt;b&gt;" in parts[0]["xl/worksheets/sheet1.xml"]


class _Written:
    """A scored record a worker wrote already (what `_packed` reads of a `Result`)."""

    def __init__(self, text, key=("scores", None), warnings=()):
        self.rendered, self.warnings = {key: text}, warnings


def test_a_worker_joins_the_texts_of_a_run_and_sends_errors_and_warned_records_in_place():
    from perfdsl.errors import DataValueError

    failed = DataValueError("坏", record=3)
    warned = _Written(b"w\n", warnings=("P520",))
    out = [(1, _Written(b"a\n")), (2, _Written(b"b\n")), (3, failed), (4, warned), (5, _Written(b"c\n")),
           (6, _Written("d\n")), (7, _Written(b"e", ("json", None, None, False))),
           (8, _Written(b"f", ("json", None, None, False))), (9, _Written(b"g", ("json", None, 2, False)))]
    packed = parallel._packed(out)
    items = parallel._unpacked(packed)
    assert [(p, getattr(i, "count", None)) for p, i, _ in items] == [
        (2, 2), (3, None), (4, None), (5, 1), (6, 1), (8, 2), (9, None)]
    assert items[0][1].rendered == {("scores", None): b"a\nb\n"}
    assert items[1][1] is failed and items[2][1] is warned
    assert items[4][1].rendered == {("scores", None): "d\n"}  # text and bytes are not joined together
    assert items[5][1].rendered == {("json", None, None, False): b"e\nf"}  # JSON Lines: the writer ends the line
    assert items[6][1].rendered == {("json", None, 2, False): b"g"}  # a JSON array's records stay apart


def test_a_block_is_read_by_the_worker_where_it_stands_and_scored_here_if_the_file_changed(tmp_path):
    import pickle

    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"x": 1}\n{"x": 2}\n')
    (number, position, count, data, start), = datafiles.JsonLinesFile(str(path)).blocks(64, offsets=True)
    assert (number, position, count, data, start) == (1, 1, 2, b'{"x": 1}\n{"x": 2}\n', 0)
    span = parallel._Span((number, position, data, None), str(path), start)
    read = pickle.loads(pickle.dumps(span))
    assert type(read) is parallel._Read and tuple(read) == tuple(span)
    path.write_bytes(b'{"x": 1}\n')  # shorter now: not what this process read
    parallel._FILES.clear()
    unread = pickle.loads(pickle.dumps(span))
    assert type(unread) is parallel._Unread
    path.write_bytes(b'{"x":12}\n{"x":3}\n\n')  # as long as before, other lines: not what this process read
    parallel._FILES.clear()
    assert type(pickle.loads(pickle.dumps(span))) is parallel._Unread
    parallel._STATE = (None, False, None, None, None, False)
    try:
        assert type(parallel._work(unread)) is parallel._Reread
    finally:
        parallel._STATE = None
    bom = tmp_path / "b.jsonl"
    bom.write_bytes(b'\xef\xbb\xbf{"x": 1}\n\n{"x": 2}\n')
    assert [block[4] for block in datafiles.JsonLinesFile(str(bom)).blocks(1, offsets=True)] == [3, 12]
    bom.write_bytes(b'{"x": 1}\n{"x": 2}\r\n{"x": 3}\n')  # a \r turned into \n: these are not the file's bytes
    assert [block[4] for block in datafiles.JsonLinesFile(str(bom)).blocks(1, offsets=True)] == [None] * 3


def test_jobs_are_held_to_four_processes_a_core(monkeypatch, batch_with_slips):
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    assert [parallel.most_workers(jobs) for jobs in (1, 2, 8, 9, 1000)] == [1, 2, 8, 8, 8]
    started = []
    real = parallel._spread

    def spread(program, chunks, lenient, state, workers, prepare, decode):
        started.append(workers)
        yield from real(program, chunks, lenient, state, workers, prepare, decode)

    monkeypatch.setattr(parallel, "_spread", spread)
    one = run("eval", RULESET, batch_with_slips, "--format", "scores", "--jobs", 1)
    many = run("eval", RULESET, batch_with_slips, "--format", "scores", "--jobs", 1000)
    assert started == [8] and many.exit_code == one.exit_code == 1
    assert many.stdout == one.stdout and many.stderr == one.stderr


def test_a_file_that_cannot_be_read_on_writes_with_jobs_the_records_one_process_writes_before_it(
        batch_with_slips, chaoan_batch, tmp_path):
    """A JSON array cut short, a CSV file or JSON Lines on standard input with a bad byte: the records read
    before the failure are written, those of the last, unfinished chunk too, then the message (exit 2)."""
    text = chaoan_batch["json"].read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(text[: text.index("单位150".encode()) + 10])
    rows = bytearray(chaoan_batch["csv"].read_bytes())
    at = rows.index("单位150".encode())
    rows[at:at + 2] = b"\xff\xfe"
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_bytes(bytes(rows))
    lines = bytearray(batch_with_slips.read_bytes())
    at = lines.index("单位150".encode())
    lines[at:at + 2] = b"\xff\xfe"
    for data, stdin in ((cut, None), (bad_csv, None), ("-", bytes(lines))):
        one, two = (CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", "scores", "--jobs", jobs],
                                       input=stdin) for jobs in ("1", "2"))
        assert one.exit_code == 2 and 100 < len(one.stdout.splitlines()) < 200
        assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_the_workers_die_with_a_parent_killed_outright(chaoan, tmp_path):
    """SIGKILL (``kill -9``, the out-of-memory killer) leaves the parent no way to stop its workers: they waited
    on the pool's pipes for ever, each holding the compiled ruleset and the output's temporary open."""
    data = tmp_path / "big.csv"
    _write_rows(data, chaoan.model, 6000)
    writer = subprocess.Popen([sys.executable, "-m", "perfdsl", "eval", RULESET, str(data), "-o",
                               str(tmp_path / "out.jsonl"), "--jobs", "2"], cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_children(writer.pid)) < 2:
        assert writer.poll() is None and time.monotonic() < deadline, "no workers started"
        time.sleep(0.05)
    workers = _children(writer.pid)
    time.sleep(0.5)
    writer.kill()
    writer.wait(timeout=60)
    deadline = time.monotonic() + 10
    try:
        while [pid for pid in workers if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"]:
            assert time.monotonic() < deadline, "the workers outlived their parent"
            time.sleep(0.1)
    finally:  # none is left behind should they outlive it
        for pid in workers:
            with contextlib.suppress(OSError):
                if str(data).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)


def test_no_semaphores_for_the_pool_scores_the_batch_here(batch_with_slips, chaoan_batch, monkeypatch):
    """/dev/shm missing or read-only (some containers, AWS Lambda): the pool's queues cannot be made, and
    `--jobs 2` (and a default batch over `THRESHOLD`) failed with 读写失败（只读的磁盘或文件夹）and no output."""
    import concurrent.futures
    import errno

    def no_semaphores(*args, **options):
        raise OSError(errno.EROFS, "Read-only file system")

    for data in (batch_with_slips, chaoan_batch["csv"]):
        one = run("eval", RULESET, data, "--format", "scores", "--jobs", 1)
        with monkeypatch.context() as patch:
            patch.setattr(concurrent.futures, "ProcessPoolExecutor", no_semaphores)
            two = run("eval", RULESET, data, "--format", "scores", "--jobs", 2)
        assert one.exit_code == 1 and len(one.stdout.splitlines()) >= 200
        assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)


@pytest.mark.parametrize("forks", [0, 1])
def test_a_worker_that_cannot_be_forked_has_the_batch_scored_here(batch_with_slips, chaoan_batch, monkeypatch, forks):
    """fork failing (EAGAIN: `ulimit -u`, a container's pids limit; ENOMEM) for the first worker or the second:
    `--jobs 2` failed with 读写失败（Resource temporarily unavailable）and no output."""
    import errno

    real, calls = os.fork, []

    def fork():
        calls.append(True)
        if len(calls) > forks:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        return real()

    for data in (batch_with_slips, chaoan_batch["csv"]):
        one = run("eval", RULESET, data, "--format", "scores", "--jobs", 1)
        calls.clear()
        with monkeypatch.context() as patch:
            patch.setattr(os, "fork", fork)
            two = run("eval", RULESET, data, "--format", "scores", "--jobs", 2)
        assert calls and one.exit_code == 1 and len(one.stdout.splitlines()) >= 200
        assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)
