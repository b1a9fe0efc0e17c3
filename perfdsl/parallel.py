"""Batches on every core: records scored in worker processes, written by this one in input order.

`scored` is `isolation.scored` spread over `jobs` processes.  The records are
read here — a JSON Lines file only as bytes, `CHUNK` records' lines sent as one
bytes object, or as where they stand in the file for the worker to read
itself (`_Span`, `jsonlbytes`), that the worker decodes, record by record
(`datafiles.line_record`, the messages of one process); JSON Lines on standard
input as its lines; other inputs as their raw records — sent in chunks of
`CHUNK`, at most `IN_FLIGHT` chunks
per worker at a time (memory stays bounded however long the batch), and
yielded in input order as their chunks come back.  A worker scores each record
through `isolation.one`, so a record's failure is that record's error, in its
place, exactly as in one process; when a writer can do its part of the work
there (`prepare`: the JSON, CSV, scores, Markdown, HTML or table text — as
UTF-8 bytes where the output takes them, `jsonout.Sink` — or a workbook's 汇总
row and 评分表 sheet), it does, and only that text comes back: for CSV, scores,
JSON Lines, Markdown, HTML and the plain table, a run of such records as one
text (`_Packed`, written here as one `_Run`), so that no scored record is
pickled whole.  A record whose basis a writer needs but no worker built
(`_Order.settle`) is scored again here.  The workers are forked from this process once the ruleset is
compiled: they share it, and nothing is sent but records and results (data,
never code).  Where `fork` is not available the batch is scored in this process.

A worker ignores Ctrl-C and dies on SIGTERM/SIGHUP (this process unwinds and
removes its temporaries — `files.signals_unwind` — and stops the workers);
a worker that dies mid-chunk (killed, out of memory) has its chunk and the
rest of the batch scored here instead.

With the default (`jobs=None`), the first `THRESHOLD` records are scored in
this process and only a longer batch starts workers — as many as the load
average says there are idle cores (`idle_workers`), for every output, scores
only too: a small batch never pays for workers, and a busy machine gets no
more processes than it has room for.  docs/output.md gives the measurements
behind these choices.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import zlib
from collections import deque

from . import datafiles, isolation, jsonlbytes
from .errors import DataFileError, RecordError

#: Records per task sent to a worker; chunks in flight per worker.  Memory is bounded by their product.
CHUNK = 64
IN_FLIGHT = 3
#: Records scored in this process before a default (`jobs=None`) batch starts its workers.
THRESHOLD = 512
#: A JSON Lines file this large (in bytes) starts the workers of a default batch at once: it is known to be
#: longer than THRESHOLD records (Chao'an's are 2 KB a line; records of a few fields are 200 B).
LARGE = 1 << 20

_STATE = None  # (program, lenient, finish, prepare, decode, pack) for the workers, which inherit it when forked


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


#: `--jobs` is held to this many processes per core: more workers than cores only add forks, memory (each
#: holds the compiled ruleset) and pipes, and a slip such as ``-j 1000`` would start a thousand processes.
JOBS_PER_CORE = 4


def most_workers(jobs: int) -> int:
    """The processes `--jobs jobs` starts: as many, up to `JOBS_PER_CORE` for each core."""
    return max(1, min(jobs, JOBS_PER_CORE * cores()))


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin"  # macOS: fork is unsafe with its system libraries


def scored(program, batch, basis_for=None, finish=lambda item, raw: item, jobs=None, prepare=None):
    """Yield (position, Result or RecordError) for every record of `batch`, in order (`isolation.scored`).

    `jobs`: worker processes (1: this process only; None: the cores, once the batch is longer than
    `THRESHOLD`); `prepare(item)`, run where the record was scored, may store a writer's text in
    ``item.rendered``.
    """
    workers = cores() if jobs is None else most_workers(jobs)
    if workers <= 1 or not can_fork():
        yield from isolation.scored(program, batch, basis_for, finish)
        return
    state = _Order(program, basis_for, finish)
    if isinstance(batch.records, datafiles.JsonLinesFile) and batch.locate is None:
        yield from _json_lines(program, batch, state, jobs, workers, prepare)
        return
    sources, decode = _sources(batch)
    if jobs is None:  # a short batch is over before workers would have started
        for position, source in sources:
            yield _here_one(program, position, source, batch.lenient, state, decode)
            if state.index >= THRESHOLD:
                break
        else:
            return
        workers = idle_workers(workers)
        if workers <= 1:  # the other cores are busy: workers would only add their overhead
            for position, source in sources:
                yield _here_one(program, position, source, batch.lenient, state, decode)
            return
    yield from _spread(program, _chunks(sources, state), batch.lenient, state, workers, prepare, decode)


def _json_lines(program, batch, state, jobs, workers, prepare):
    """A JSON Lines file: this process reads its bytes and sends them on in blocks of lines (`jsonlbytes`),
    each decoded, scored and written where it is sent; a file `LARGE` or longer starts its workers at once."""
    blocks = _counted(batch.records.blocks(CHUNK, offsets=True), batch.records.path, state)
    if jobs is None:
        if batch.records.size() < LARGE:
            for block in blocks:
                yield from _here_block(program, block, batch.lenient, state)
                if state.index >= THRESHOLD:
                    break
            else:
                return
        workers = idle_workers(workers)
        if workers <= 1:
            for block in blocks:
                yield from _here_block(program, block, batch.lenient, state)
            return
    yield from _spread(program, blocks, batch.lenient, state, workers, prepare, _decoded)


def _here_block(program, block, lenient, state):
    for position, item, raw in _score(block, program, lenient, state.finish, None, _decoded, raws=True):
        yield state.settle(position, item, raw)


def _counted(blocks, path, state):
    """Each block as it is sent (`_Lines`), with `state.index` the records handed out once it is."""
    for number, position, count, data, start in blocks:
        state.index = position - 1 + count
        if start is None:
            yield _Lines((number, position, data, state.basis_for))
        else:
            yield _Span((number, position, data, state.basis_for), path, start)


class _Lines(tuple):
    """A block of JSON Lines (`jsonlbytes.blocks`) to decode and score: (line number, position, bytes,
    `basis_for`: a record's basis is built when its index is below it, or always for None)."""


class _Span(_Lines):
    """A block whose bytes stand as they are in the file at `start`: a worker is sent where they are, not the
    bytes (no copy through the pipe), and reads them itself (`_read_span`); this process keeps them, to score
    the block itself should the worker not find them there."""

    def __new__(cls, block, path, start):
        span = super().__new__(cls, block)
        span.path, span.start = path, start
        return span

    def __reduce__(self):  # the bytes' CRC-32 goes along: a file rewritten in place, its size unchanged, is told
        number, position, data, basis_for = self
        return _read_span, (number, position, len(data), basis_for, self.path, self.start, zlib.crc32(data))


class _Read(_Lines):
    """A `_Span` as a worker read it from the file."""


class _Unread(tuple):
    """A `_Span` a worker could not read as it was (the file changed, or cannot be opened there)."""


_FILES: dict = {}  # a worker's open data files, by path


def _read_span(number, position, size, basis_for, path, start, crc):
    """In a worker: the `_Span`'s bytes, read from the file (`_Unread` unless they are the bytes this process read:
    a file changed since would split into other lines, and records would be lost or counted twice)."""
    try:
        descriptor = _FILES.get(path)
        if descriptor is None:
            descriptor = _FILES[path] = os.open(path, os.O_RDONLY)
        data = os.pread(descriptor, size, start)
    except OSError:
        return _Unread()
    return _Read((number, position, data, basis_for)) if len(data) == size and zlib.crc32(data) == crc else _Unread()


class _Reread:
    """A worker's answer for a block it could not read as this process did: score it here."""


def _sources(batch):
    """(iterator of (position, what a worker is sent), how the worker makes the raw record of it).

    JSON Lines are sent as their lines, decoded in the worker (`datafiles.line_record`): this process only
    reads them.  `finish` needs a record's raw data only to say where a value sits in a table
    (`batch.locate`), which JSON Lines never has, so the raw records need not come back.  Other inputs
    are sent as their raw records, read here."""
    if isinstance(batch.records, datafiles.JsonLines) and batch.locate is None:
        return ((position, (number, line)) for position, number, line in batch.records.lines()), _decoded
    return iter(batch.records), None


def _decoded(position, source):
    number, line = source
    return datafiles.line_record(position, number, line)


def _block_records(block: _Lines):
    """(position, (line number, line), whether its basis is wanted) for each record of `block`."""
    first_number, first_position, data, basis_for = block
    for position, number, line in jsonlbytes.records(first_number, first_position, data):
        yield position, (number, datafiles.too_long() if line is None else line), \
            basis_for is None or position - 1 < basis_for


def _here_one(program, position, source, lenient, state, decode):
    """One record scored in this process (counted in `state`, so the workers' records count on from it)."""
    raw = source if decode is None else decode(position, source)
    basis = state.wants_basis(state.index)
    state.index += 1
    return state.settle(position, isolation.one(program, position, raw, lenient, basis, state.finish), raw)


def idle_workers(most: int) -> int:
    """How many processes the default spreads a batch over: this one's core and every core the load
    average says is idle (this process, busy for a while already, counts about 1 of the load) — or, when
    more, that the processes running right now leave idle (`_running`): the load average is a minute's,
    and still counts a batch that has just ended (the one before this, say) for a minute after."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return most
    by_load = max(1, min(most, int(most - load + 1.5)))
    running = _running()
    if running is None:
        return by_load
    return max(by_load, min(most, most - max(0, running - 1)))  # this process is one of those running


def _running() -> int | None:
    """The processes (threads) running or ready to run now, this one among them: the 4th field of Linux's
    /proc/loadavg (``2/91``); None where there is none."""
    try:
        with open("/proc/loadavg", "rb") as handle:
            return int(handle.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


class _Order:
    """The parent's side of `basis_for`: how many records have been shown with their basis so far."""

    def __init__(self, program, basis_for, finish):
        self.program, self.basis_for, self.finish = program, basis_for, finish
        self.shown = 0
        self.index = 0  # records handed out so far

    def wants_basis(self, index: int) -> bool:
        # A record's index counts the failed ones too, so a worker never builds a basis that is not wanted;
        # one it left out because records before it failed is built by `settle`.
        return self.basis_for is None or index < self.basis_for

    def settle(self, position, item, raw, again=None):
        if not isinstance(item, RecordError):
            item.program = self.program
            if self.basis_for is None or self.shown < self.basis_for:
                if item.rendered and not item.materialised and again is not None:
                    # a worker left its basis out (records before it failed) and sent only its text: it is
                    # scored again here, with it (an xlsx 评分表 sheet goes to the first `basis_for` scored)
                    item, raw = again(position)
                    if isinstance(item, RecordError):
                        return position, item
                    item.program = self.program
                item = isolation.materialised(self.program, item, self.finish, raw)
                if not isinstance(item, RecordError):
                    self.shown += 1
        return position, item


def _spread(program, chunks, lenient, state: _Order, workers: int, prepare, decode):
    global _STATE
    import multiprocessing  # here, not at the top: a single record's `eval` never starts a worker
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # runs of records come back as one text (`_Packed`) unless this process counts the records shown with
    # their basis one by one (`_Order.settle`: a workbook's first `sheets`)
    _STATE = (program, lenient, state.finish, prepare, decode, state.basis_for in (None, 0))
    for stream in (sys.stdout, sys.stderr):  # a forked worker must not inherit unwritten output
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker,
                                       initargs=(os.getpid(),))
    except (OSError, ImportError):  # no semaphores for the pool's queues (/dev/shm missing or read-only, as in
        try:  # some containers and on AWS Lambda): the batch is scored in this process, as where fork is not
            for chunk in chunks:
                for position, item, raw in _here(chunk):
                    yield state.settle(position, item, raw)
        finally:
            _STATE = None
        return
    pending: deque = deque()
    broken = unforked = False
    done = False
    failure = None
    try:
        chunks = iter(chunks)
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                break
            except DataFileError as exc:  # the file cannot be read on: what was read before is written first,
                failure = exc  # as in one process
                break
            try:
                with _signals_held():  # the first submit forks the workers
                    future = executor.submit(_work, chunk)
                pending.append((chunk, future))
            except (BrokenProcessPool, RuntimeError):  # the pool broke: `_collect` scores the chunk here
                pending.append((chunk, None))
            except OSError:  # a worker could not be forked (EAGAIN: a process limit, `ulimit -u`, a container's
                pending.append((chunk, None))  # pids limit; ENOMEM): the batch is scored here, and those forked
                broken = unforked = True  # are stopped
            while len(pending) >= workers * IN_FLIGHT:
                chunk_done, future = pending.popleft()
                items, broken = _collect(chunk_done, future, broken)
                again = _again(chunk_done)
                for position, item, raw in items:
                    yield state.settle(position, item, raw, again)
            if broken:  # the rest of the batch is scored here
                break
        while pending:
            chunk_done, future = pending.popleft()
            items, broken = _collect(chunk_done, future, broken)
            again = _again(chunk_done)
            for position, item, raw in items:
                yield state.settle(position, item, raw, again)
        if broken and failure is None:
            for chunk in chunks:
                for position, item, raw in _here(chunk):
                    yield state.settle(position, item, raw)
        if failure is not None:
            raise failure
        done = True
    finally:
        _STATE = None
        _stop(executor, done and not unforked)


def _chunks(records, state: _Order):
    chunk = []
    try:
        for position, raw in records:
            chunk.append((position, raw, state.wants_basis(state.index)))
            state.index += 1
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    except DataFileError:  # the input cannot be read on (a JSON array cut short, a byte not UTF-8): the records
        if chunk:  # read before it are scored and written first, as in one process — those of this chunk too
            yield chunk
        raise
    if chunk:
        yield chunk


def _collect(chunk, future, broken: bool):
    """The scored records of `chunk`, each with its raw record when this process has it (else None)."""
    from concurrent.futures.process import BrokenProcessPool

    if future is not None and not broken:
        try:
            scored_items = future.result()
            if scored_items.__class__ is _Reread:
                return _here(chunk), False
            if _STATE[5] and scored_items.__class__ is _Packed:
                return _unpacked(scored_items), False
            if _STATE[4] is not None:  # decoded in the worker: the raw records are not here
                return [(position, item, None) for position, item in scored_items], False
            return [(position, item, raw) for (position, item), (_, raw, _) in zip(scored_items, chunk)], False
        except BrokenProcessPool:
            broken = True
    return _here(chunk), broken


def _again(chunk):
    """`again(position)` for `_Order.settle`: (the record at `position` of `chunk` scored in this process with
    its basis, its raw record)."""

    def again(wanted):
        program, lenient, finish, _, decode, _ = _STATE
        for position, source, _ in (_block_records(chunk) if isinstance(chunk, _Lines) else chunk):
            if position == wanted:
                raw = source if decode is None else decode(position, source)
                return isolation.one(program, position, raw, lenient, True, finish), raw
        raise LookupError(wanted)  # every record of a chunk is in it

    return again


def _here(chunk):
    """Score `chunk` in this process (no worker could)."""
    program, lenient, finish, prepare, decode, _ = _STATE
    return _score(chunk, program, lenient, finish, None, decode, raws=True)


def _stop(executor, finished: bool):
    if finished:
        executor.shutdown(wait=True)
        return
    # Interrupted, a closed pipe, an error: no more work, and the workers go now, not after their chunks.
    _quiet_pool_threads()
    processes = list((getattr(executor, "_processes", None) or {}).values())
    results, calls = getattr(executor, "_result_queue", None), getattr(executor, "_call_queue", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:  # SIGKILL: a worker holds nothing to clean up, and one still starting up
        try:  # would run the parent's inherited SIGTERM handler
            process.kill()
        except (OSError, AttributeError):
            pass
    for process in processes:
        try:
            process.join(timeout=1)
        except (OSError, AssertionError, AttributeError):
            pass
    # A worker killed while writing a result leaves half a message in the pipe: the pool's manager thread
    # would wait for the rest for ever, and the interpreter's exit joins that thread (a hang seen after
    # `| head`). Closing the parent's own ends of both pipes gives it end-of-file, and the call queue's
    # feeder a closed pipe, so both threads end.
    for end in (getattr(results, "_writer", None), getattr(calls, "_reader", None)):
        try:
            end.close()
        except (OSError, AttributeError):
            pass
    if calls is not None:
        calls.cancel_join_thread()


def _quiet_pool_threads():
    """The pool's manager thread and its exit hook may still touch the pipes closed below (a race that
    depends on how far the workers got): their OSError then is expected, and not the user's to see."""
    import threading

    default_thread, default_unraisable = threading.excepthook, sys.unraisablehook

    def thread_hook(args):
        if not issubclass(args.exc_type, OSError):
            default_thread(args)

    def unraisable_hook(unraisable):
        if not isinstance(unraisable.exc_value, OSError):
            default_unraisable(unraisable)

    threading.excepthook, sys.unraisablehook = thread_hook, unraisable_hook


#: The signals that interrupt a batch (`files.signals_unwind`, Ctrl-C).
_INTERRUPTS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}


@contextlib.contextmanager
def _signals_held():
    """Interrupts held back while workers are forked, and delivered after.  A handler that raises while
    `os.fork` runs its hooks in this process (logging's, for one) has its exception printed and dropped:
    a SIGTERM there was lost, and the batch went on to the end (exit 0, seen under load)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _worker(parent: int):
    """A worker's signals: Ctrl-C is the parent's to handle; SIGTERM/SIGHUP end it at once (the parent's
    handlers, inherited by the fork, would remove the parent's temporaries); then none is held back any
    more (the fork inherited `_signals_held`).  It dies with the parent (`_dies_with`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _INTERRUPTS)
    _dies_with(parent)


def _dies_with(parent: int):
    """On Linux, SIGKILL for this worker when the parent process `parent` ends: a parent killed outright (``kill
    -9``, the out-of-memory killer) cannot stop its workers, which waited for ever on the pool's pipes (each
    holding the compiled ruleset and the parent's output temporary open)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def _work(chunk):
    program, lenient, finish, prepare, decode, pack = _STATE
    if chunk.__class__ is _Unread:
        return _Reread()
    try:
        out = _score(chunk, program, lenient, finish, prepare, decode)
    except UnicodeDecodeError:  # read from a file that changed since this process checked it
        if chunk.__class__ is _Read:
            return _Reread()
        raise
    return _packed(out) if pack and prepare is not None and decode is not None else out


class _Packed(list):
    """A chunk's scored records as a worker sends them back (`_packed`): each run of records whose text is all
    the parent needs of them as ``(None, last position, count, key, their texts joined)``, the others as
    (position, item)."""


def _joiner(key):
    """What a writer puts between two records' texts left under `key` (`prepare`): nothing for the lines of
    CSV and ``scores`` (each text ends its line) and for the sections of Markdown, HTML and the plain table
    (each writer writes a scored record's text as it stands, nothing between), a line break for JSON Lines;
    None where a writer does more between them (a JSON array) and the texts are not joined."""
    kind = key[0] if key.__class__ is tuple and key else None
    if kind in ("scores", "csv", "md", "html", "table"):
        return ""
    if kind == "json" and len(key) == 4 and key[2] is None:
        return "\n"
    return None


def _packed(out) -> _Packed:
    packed = _Packed()
    run: list = []  # texts of the run being joined
    key = joiner = kind = last = None

    def close():
        if run:
            text = (joiner.encode() if kind is bytes else joiner).join(run)
            packed.append((None, last, len(run), key, text))
            run.clear()

    for position, item in out:
        rendered = None if isinstance(item, RecordError) or item.warnings else item.rendered
        if rendered and len(rendered) == 1:
            (own, text), = rendered.items()
            if own == key and text.__class__ is kind:
                run.append(text)
                last = position
                continue
            close()
            joiner = _joiner(own)
            if joiner is not None and text.__class__ in (bytes, str):
                key, kind, last = own, text.__class__, position
                run.append(text)
                continue
        else:
            close()
        key = kind = None
        packed.append((position, item))
    close()
    return packed


def _unpacked(packed):
    """(position, item, None) for each entry of a `_Packed`: a run is one `_Run`."""
    out = []
    for entry in packed:
        if entry[0] is None:
            _, last, count, key, text = entry
            out.append((last, _Run(count, key, text), None))
        else:
            out.append((entry[0], entry[1], None))
    return out


class _Run:
    """Records scored and written in a worker — their texts joined under the writer's key — as one item for
    the writers (`scores`, `csvout`, `jsonout` Lines, `markdown`, `html`, `table` into a file: each writes
    ``rendered[key]`` as it stands) and for the
    command's progress (`count` records, none failed, none warned about)."""

    warnings = ()
    materialised = True
    flat = None  # `jsonout` writes a text it was given only for an item that has figures
    program = None

    def __init__(self, count, key, text):
        self.count, self.rendered = count, {key: text}


def _score(chunk, program, lenient, finish, prepare, decode, raws=False):
    """(position, item) for each record of `chunk` — (position, item, raw record) with `raws`."""
    out = []
    for position, source, basis in (_block_records(chunk) if isinstance(chunk, _Lines) else chunk):
        raw = source if decode is None else decode(position, source)
        item = isolation.one(program, position, raw, lenient, basis, finish)
        if prepare is not None and not isinstance(item, RecordError):
            try:
                prepare(position, item)
            except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError,
                    RecursionError, MemoryError, OverflowError, AssertionError) as exc:
                item = finish(isolation.defect(exc, item.name), raw)
        out.append((position, item, raw) if raws else (position, item))
    return out
