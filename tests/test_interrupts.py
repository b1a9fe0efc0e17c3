"""A run stopped from outside — SIGTERM, SIGHUP, a full disk, a closed pipe — ends with one message,
leaves the old output file as it was and no temporary behind."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_streaming import RULESET, _write_rows

from perfdsl import files

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "perfdsl", "eval", RULESET]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("extension", [".xlsx", ".csv"])
def test_a_signal_mid_write_cleans_up_like_ctrl_c(chaoan, tmp_path, signum, extension):
    data = tmp_path / "big.csv"
    _write_rows(data, chaoan.model, 3000)
    small = tmp_path / "small.csv"
    _write_rows(small, chaoan.model, 3)
    target = tmp_path / f"out{extension}"
    subprocess.run(COMMAND + [str(small), "-o", str(target)], check=True, cwd=ROOT)
    old = target.read_bytes()
    spool = tmp_path / "spool"  # where a workbook's growing 汇总 sheet would spill to
    spool.mkdir()
    writer = subprocess.Popen(COMMAND + [str(data), "-o", str(target), "--sheets", "50"], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True, env=dict(os.environ, TMPDIR=str(spool)))
    pattern = f".{target.name}.{writer.pid}.*.tmp"
    deadline = time.monotonic() + 60
    # an xlsx is mid-write once its first 评分表 sheet is in the file (the 汇总 sheet is written last)
    while not list(tmp_path.glob(pattern)) or (extension == ".xlsx" and not _written(tmp_path.glob(pattern))):
        assert writer.poll() is None and time.monotonic() < deadline, "the writer finished before the signal"
        time.sleep(0.02)
    time.sleep(0.3)
    writer.send_signal(signum)
    _, stderr = writer.communicate(timeout=60)
    assert writer.returncode == 128 + signum
    assert stderr.strip().endswith(f"已中断（{signal.Signals(signum).name}）；未写完的输出已删除")
    assert "Traceback" not in stderr
    assert target.read_bytes() == old
    assert list(tmp_path.glob(f".{target.name}.*")) == []
    assert list(spool.iterdir()) == []  # the workbook's temporaries too


def _written(paths) -> bool:
    return any(path.stat().st_size > 0 for path in paths)


def _limited(size: int):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit a write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize("extension", [".xlsx", ".csv", ".json", ".html"])
def test_a_full_disk_is_one_message_and_the_old_file_stays(chaoan, tmp_path, extension):
    data = tmp_path / "rows.csv"
    _write_rows(data, chaoan.model, 400)
    target = tmp_path / f"out{extension}"
    target.write_bytes(b"the old results")
    done = subprocess.run(COMMAND + [str(data), "-o", str(target)], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=_limited(60_000), timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"{target}: 写入失败（文件超过允许的大小：ulimit -f 或文件系统的上限）；原文件未改动"
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr
    assert target.read_bytes() == b"the old results"
    assert list(tmp_path.glob(f".{target.name}.*")) == []


def test_a_full_disk_on_stdout_is_one_message(tmp_path):
    done = subprocess.run(COMMAND + [str(ROOT / "examples" / "chaoan-2022.json"), "--format", "json"], cwd=ROOT,
                          stdout=open("/dev/full", "w"), stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == "读写失败（磁盘已满）"


def test_a_closed_pipe_mid_batch_ends_quietly(chaoan, tmp_path):
    """The reader stopped reading (``| head``): no traceback, no internal error, status 0 (README)."""
    data = tmp_path / "rows.csv"
    _write_rows(data, chaoan.model, 300)
    reader = subprocess.Popen(["head", "-c", "100"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    done = subprocess.run(COMMAND + [str(data), "--format", "jsonl"], cwd=ROOT, stdout=reader.stdin,
                          stderr=subprocess.PIPE, text=True, timeout=300)
    reader.stdin.close()
    reader.wait()
    assert (done.returncode, done.stderr) == (0, "")


def test_output_equal_to_an_input_is_refused(tmp_path):
    data = tmp_path / "data.json"
    data.write_text((ROOT / "examples" / "chaoan-2022.json").read_text("utf-8"), "utf-8")
    before = data.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(data)
    for output in (data, link, tmp_path / "." / "data.json"):
        done = subprocess.run(COMMAND + [str(data), "-o", str(output)], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 2
        assert "就是输入文件" in done.stderr and "会覆盖它" in done.stderr
        assert data.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_device_or_a_named_pipe_is_written_into_not_replaced(tmp_path):
    """``-o /dev/null``, ``-o /dev/full``, a FIFO: renaming a temporary over one put a regular file in its place
    (as root, /dev/null itself) and said nothing; it is written into, and a full device is the full-disk message."""
    import threading

    example = str(ROOT / "examples" / "chaoan-2022.json")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = subprocess.run(COMMAND + [example, "--format", "json", "-o", str(fifo)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    reader.join(timeout=10)
    assert (done.returncode, done.stderr) == (0, "") and fifo.is_fifo()
    expected = subprocess.run(COMMAND + [example, "--format", "json"], cwd=ROOT, capture_output=True, timeout=120)
    assert received == [expected.stdout]
    with open(tmp_path / "redirected", "w") as redirected:  # `-o /dev/stdout > file`: /dev/stdout is not replaced
        assert files._special(Path(f"/dev/fd/{redirected.fileno()}"))
    if os.geteuid() != 0:  # a device node is made by root only
        return
    for name, minor, status, message in (("null", 3, 0, ""), ("full", 7, 2, "写入失败（磁盘已满）")):
        device = tmp_path / name
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
        done = subprocess.run(COMMAND + [example, "-o", str(device), "--format", "xlsx"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == status and done.stderr == (f"{device}: {message}\n" if message else "")
        assert device.is_char_device() and list(tmp_path.glob(f".{name}.*")) == []


def test_a_symbolic_link_has_its_target_replaced_and_stays_a_link(tmp_path):
    """``-o link.json``: the temporary was renamed over the link, which became a file of its own and left the file
    it points to as it was; the target is written (a dangling link's made) and the link kept, as ``> link`` does."""
    example = str(ROOT / "examples" / "chaoan-2022.json")
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "评分.csv"
    target.write_text("the old results", "utf-8")
    link, dangling = tmp_path / "link.csv", tmp_path / "new.csv"
    link.symlink_to(target)
    dangling.symlink_to(tmp_path / "shared" / "new.csv")
    for output in (link, dangling):
        done = subprocess.run(COMMAND + [example, "-o", str(output)], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert (done.returncode, done.stderr) == (0, "")
        assert output.is_symlink()
        assert "89.04" in output.resolve().read_text("utf-8-sig")
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["new.csv", "评分.csv"]
