"""Helpers of the `perfdsl serve` tests: the real command on a free port, an app served in-process, the data.

`served()` starts ``perfdsl serve rulesets --port 0`` as a user would and
reads the address it prints; `serving(app)` serves an application object
(with other limits, or a stand-in for a module that has not landed) with
uvicorn on a thread.  `departments_workbook` fills the template that
``perfdsl template`` writes with the Chao'an record and two more departments.
"""

from __future__ import annotations

import contextlib
import copy
import os
import queue
import re
import socket
import subprocess
import sys
import threading
from decimal import Decimal as D
from pathlib import Path

import tables

ROOT = Path(__file__).resolve().parent.parent
RULESET = ROOT / "rulesets" / "chaoan-2022.perf"
EXAMPLE = ROOT / "examples" / "chaoan-2022.json"
SCREENSHOTS = ROOT / "build" / "screenshots" / "serve"
_URL = re.compile(r"perfdsl serve：(http://\S+?/)")


@contextlib.contextmanager
def served(*options, directory="rulesets"):
    """The base URL of a running ``perfdsl serve DIRECTORY --port 0 OPTIONS…``; stopped afterwards."""
    command = [sys.executable, "-m", "perfdsl", "serve", directory, "--port", "0", *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8", env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()
    seen = []
    try:
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                raise AssertionError(f"perfdsl serve did not start: {''.join(seen)}") from None
            seen.append(line)
            match = _URL.search(line)
            if match:
                break
        yield match.group(1).rstrip("/"), seen
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serving(app):
    """Serve an application object on 127.0.0.1 (a free port) on a thread; yield its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise AssertionError("the server stopped before it started")
        threading.Event().wait(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def departments() -> list[dict]:
    """The published Chao'an record and two more departments: one scored differently, one with a bad value."""
    from perfdsl import read_record

    chaoan = read_record(EXAMPLE)
    chaoan.pop("_expected", None)
    chaoan.pop("_reported", None)  # the document's claims: audited in tests of their own
    second = copy.deepcopy(chaoan)
    second.update({"单位": "潮州市潮安区示范局", "项目完成数": D(14), "有转移支付": True,
                   "提前下达一般性转移支付比例": "90%", "提前下达专项转移支付比例": "35%", "表彰次数": D(1)})
    third = copy.deepcopy(chaoan)
    third.update({"单位": "潮州市潮安区填错局", "项目总数": "十四"})
    return [chaoan, second, third]


def departments_workbook(template: Path, target: Path, model) -> Path:
    """The workbook `perfdsl template` wrote (`template`), filled as departments fill it, saved as `target`."""
    import openpyxl

    records = departments()
    book = openpyxl.load_workbook(template)
    sheet = book["数据"]
    template_header = [cell.value for cell in sheet[1]]
    head = tables.header(model, records)
    assert head[: len(template_header)] == template_header  # the template's own columns, then note columns
    for column, name in enumerate(head, start=1):
        sheet.cell(1, column, name)
        if column > len(template_header):
            sheet.cell(2, column, "备注")
    for row, record in enumerate(records, start=3):
        for column, value in enumerate(tables.cells(record, head, workbook=True), start=1):
            cell = sheet.cell(row, column, float(value) if isinstance(value, tables.Percent) else value)
            if isinstance(value, tables.Percent):
                cell.number_format = "0.00%"
    book.save(target)
    return target


def cli(*arguments, cwd=ROOT) -> subprocess.CompletedProcess:
    """``perfdsl ARGUMENTS…`` as a user runs it (bytes out, for exact comparisons)."""
    return subprocess.run([sys.executable, "-m", "perfdsl", *map(str, arguments)], cwd=cwd, capture_output=True)


def cell_values(path) -> dict:
    """Every sheet's cell values (a workbook compared by what a reader sees, not by its XML)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book.worksheets}
