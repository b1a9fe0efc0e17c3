"""Large batches: memory stays flat as a CSV or Excel file grows, and a killed run never leaves a broken file.

Each run is a separate process (`python -m perfdsl …` through a small wrapper
that prints its peak RSS), so what is measured is the real command line.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import tables
from memory_large import PEAK as _PEAK  # bench/ is on the path (conftest): one peak-RSS wrapper

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")


def _write_rows(path: Path, model, count: int):
    """`count` rows cycling through 300 generated records, each with its own name."""
    from bench_eval import make_records

    records = make_records(300)
    head = tables.header(model, records)
    workbook = path.suffix == ".xlsx"
    base = [tables.cells(record, head, workbook) for record in records]
    name = head.index("单位")

    def rows():
        for number, row in zip(range(count), itertools.cycle(base)):
            row = list(row)
            row[name] = f"单位{number}"
            yield row

    (tables.write_xlsx if workbook else tables.write_csv)(path, head, None, rows())


def _peak_kib(data: Path, output: Path) -> int:
    done = subprocess.run([sys.executable, "-c", _PEAK, "eval", RULESET, str(data), "-o", str(output), "--sheets", "5"],
                          capture_output=True, text=True, cwd=ROOT)
    code, peak = done.stderr.split()[-2:]
    assert code == "0", done.stderr
    return int(peak)


@pytest.mark.parametrize("kind,small,large", [("csv", 1500, 6000), ("xlsx", 250, 1000)])
def test_memory_stays_flat_as_the_batch_grows(chaoan, tmp_path, kind, small, large):
    peaks = []
    for count in (small, large):
        data = tmp_path / f"rows{count}.{kind}"
        _write_rows(data, chaoan.model, count)
        output = tmp_path / f"out{count}.{kind}"
        peaks.append(_peak_kib(data, output))
        if kind == "xlsx":
            summary = openpyxl.load_workbook(output, read_only=True)["汇总"]
            assert sum(1 for _ in summary.iter_rows(values_only=True)) == count + 1
        else:
            assert len(output.read_text("utf-8-sig").splitlines()) == count + 1
    # Keeping every record would cost several MB per thousand rows (a record is ~60 values, a result ~100).
    print(f"{kind}: peak RSS {peaks[0]} KiB for {small} rows, {peaks[1]} KiB for {large}")
    assert peaks[1] - peaks[0] < 4 * 1024, f"peak RSS {peaks[0]} KiB for {small} rows, {peaks[1]} KiB for {large}"


@pytest.mark.parametrize("extension", [".xlsx", ".csv"])
def test_a_run_killed_mid_write_leaves_the_old_file_and_the_next_run_cleans_up(chaoan, tmp_path, extension):
    data = tmp_path / "big.csv"
    _write_rows(data, chaoan.model, 4000)
    small = tmp_path / "small.csv"
    _write_rows(small, chaoan.model, 3)
    target = tmp_path / f"out{extension}"
    command = [sys.executable, "-m", "perfdsl", "eval", RULESET]
    subprocess.run(command + [str(small), "-o", str(target)], check=True, cwd=ROOT)
    old = target.read_bytes()

    # openpyxl spools each sheet to a temporary file of its own, which a SIGKILL leaves behind: keep those here
    spool = tmp_path / "spool"
    spool.mkdir()
    writer = subprocess.Popen(command + [str(data), "-o", str(target)], cwd=ROOT, stderr=subprocess.DEVNULL,
                              env=dict(os.environ, TMPDIR=str(spool)))
    pattern = f".{target.name}.{writer.pid}.*.tmp"
    deadline = time.monotonic() + 60
    # kill once the temporary holds something (CSV streams into it; the workbook is written at the end)
    while not any(p.stat().st_size > 0 or extension == ".xlsx" for p in tmp_path.glob(pattern)):
        assert writer.poll() is None and time.monotonic() < deadline, "the writer finished before it was killed"
        time.sleep(0.02)
    time.sleep(0.3)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL
    assert target.read_bytes() == old  # the complete old file, untouched
    assert len(list(tmp_path.glob(pattern))) == 1  # SIGKILL leaves its temporary behind …

    subprocess.run(command + [str(small), "-o", str(target)], check=True, cwd=ROOT)
    assert list(tmp_path.glob(f".{target.name}.*")) == []  # … and the next write of the target removes it
    if extension == ".xlsx":
        assert openpyxl.load_workbook(target)["汇总"].max_row == 4
    else:
        assert len(target.read_text("utf-8-sig").splitlines()) == 4
    assert os.stat(target).st_mode & 0o777 == old_mode(tmp_path)


def old_mode(directory: Path) -> int:
    """The mode a new file gets here (the output keeps the permissions a plain write would give it)."""
    probe = directory / "probe"
    probe.write_text("")
    return os.stat(probe).st_mode & 0o777
