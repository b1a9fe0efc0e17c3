"""Uploaded batches: scored in the background, kept in memory for their pages and downloads.

An upload becomes a `Run` at once and is scored on one worker thread (the
machine's cores are shared; a second upload waits its turn), so that the page
can show how far it has got.  Runs are kept, newest first, up to
`Limits.runs`; their tokens are random, so one user's results are not
guessable from another's.  A record that cannot be scored is kept in its
place, as `perfdsl eval` keeps it (DESIGN §5).
"""

from __future__ import annotations

import collections
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ..errors import PerfError, RecordError
from .problems import Problem


def limited(records, limit: int):
    """`records` as they come; more than `limit` is a `Problem`: the batch is refused, not cut short."""
    for position, raw in records:
        if position > limit:
            raise Problem(413, "too_many_records",
                          f"记录超过上限 {limit} 条；请分批上传，或在命令行用 perfdsl eval 计分"
                          "（perfdsl serve --max-records 可调整上限）")
        yield position, raw


def scored(program, batch, limit: int):
    """(position, raw record, Result or RecordError) for every record of `batch`, in order (at most `limit`)."""
    for position, raw in limited(batch.records, limit):
        if isinstance(raw, RecordError):
            yield position, raw, raw
            continue
        try:
            result = program.evaluate(raw, position, lenient=batch.lenient)
        except RecordError as exc:
            if exc.record is None:
                exc.record = position
            yield position, raw, batch.located(exc, raw)  # where each bad value sits in a table: 第 7 行 AH 列
            continue
        if result.warnings and batch.locate is not None:  # its warnings too, as `perfdsl eval` says them
            result.warnings = batch.located_warnings(result.warnings, raw)
        yield position, raw, result


def warnings_of(item) -> tuple:
    """A record's plausibility warnings (`Result.warnings`, issue 11b), or none while they do not exist."""
    return tuple(getattr(item, "warnings", None) or ())


#: The downloads a run keeps once written, the slow ones (`Run.download`), and the largest it keeps.
KEPT_KINDS = frozenset({"pdf", "xlsx"})
KEPT_DOWNLOAD = 32 << 20


class Run:
    """One uploaded file against one ruleset: its results as they come, then done (or failed as a whole)."""

    def __init__(self, entry, filename: str, single: bool, total: int | None):
        self.token = secrets.token_urlsafe(12)
        self.entry = entry
        self.filename = filename
        self.single = single
        self.total = total  # how many records the file holds, where that is cheap to know
        self.items: list = []  # (position, Result or RecordError)
        self.claims: dict = {}  # position → raw record, for records that carry published claims (_reported)
        self.lenient = False  # the records came from a table (as `Program.evaluate` takes it)
        self.audit: dict | None = None  # position → `RecordAudit`, worked out when first shown
        self.started: float | None = None
        self.finished: float | None = None
        self.problem: Problem | None = None  # the failure as its page shows it (its code and status kept)
        self._downloads: dict = {}  # format → its bytes, once written (`download`)
        self._writing: dict = {}  # format → the lock its first writer holds
        self._downloads_lock = threading.Lock()

    @property
    def failure(self) -> str | None:
        """Why the whole upload failed (its `problem`'s message), or None."""
        return self.problem.message if self.problem is not None else None

    @property
    def done(self) -> bool:
        return self.finished is not None

    @property
    def failed(self) -> list:
        return [(position, item) for position, item in self.items if isinstance(item, RecordError)]

    @property
    def warned(self) -> int:
        return sum(1 for _, item in self.items if warnings_of(item))

    def item(self, position: int):
        """The result (or error) of the record at 1-based `position`."""
        if self.done and self.failure is None and 1 <= position <= len(self.items):
            return self.items[position - 1][1]
        raise Problem(404, "no_such_record", f"这批数据中没有第 {position} 条记录（共 {len(self.items)} 条）")

    def download(self, kind: str, write) -> bytes:
        """The results in format `kind`, written by `write()` once: a PDF of 600 records takes a minute and a half,
        and a second click while it was written (or the same link in another tab) started the same work again.
        A request for a format being written waits for it; a PDF or workbook written is kept with the run (up
        to `KEPT_DOWNLOAD` bytes: the others are written in seconds, and the store keeps a few runs)."""
        with self._downloads_lock:
            lock = self._writing.setdefault(kind, threading.Lock())
        with lock:
            content = self._downloads.get(kind)
            if content is None:
                content = write()
                if kind in KEPT_KINDS and len(content) <= KEPT_DOWNLOAD:
                    self._downloads[kind] = content
            return content

    def progress(self) -> dict:
        return {"done": self.done, "scored": len(self.items), "total": self.total,
                "queued": self.started is None, "failure": self.failure}


class RunStore:
    """The runs of this server, newest last; scoring happens on one worker thread."""

    def __init__(self, limits):
        self.limits = limits
        self._runs: collections.OrderedDict[str, Run] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfdsl-score")

    def start(self, entry, upload) -> Run:
        """Read the header of `upload` now (a bad file is answered at once), score the rest in the background."""
        program = entry.need_program()
        try:
            batch = upload.batch(program.model)
        except BaseException:
            upload.close()
            raise
        run = Run(entry, upload.filename, batch.single, upload.total(program.model))
        run.lenient = batch.lenient
        with self._lock:
            self._runs[run.token] = run
            while len(self._runs) > self.limits.runs:
                self._runs.popitem(last=False)
        self._worker.submit(self._score, run, program, batch, upload)
        return run

    def _score(self, run: Run, program, batch, upload):
        run.started = time.monotonic()
        try:
            for position, raw, item in scored(program, batch, self.limits.records):
                run.items.append((position, item))
                if isinstance(raw, dict) and "_reported" in raw:
                    run.claims[position] = raw
        except Problem as exc:
            run.problem = exc
        except PerfError as exc:
            run.problem = Problem(400, "bad_data", upload.message(exc))
        except Exception as exc:  # a defect: the page says so, the log has the details
            from .problems import as_problem

            run.problem = as_problem(exc)
        finally:
            if run.problem is not None:
                run.items, run.claims = [], {}
            upload.close()
            run.finished = time.monotonic()

    def get(self, token: str) -> Run:
        with self._lock:
            run = self._runs.get(token)
        if run is None:
            raise Problem(404, "no_such_run", "找不到这批结果：它可能已过期（服务器只保留最近几次上传），"
                                              "或服务器已重启；请重新上传数据文件")
        return run

    def close(self):
        self._worker.shutdown(wait=False, cancel_futures=True)
