"""Files in and out: opening a user's file with a clear message, and writing one atomically."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import sys
import threading
from pathlib import Path

from .errors import UsageError

#: How standard input (``-`` in place of a file) is named in messages.
STDIN = "<标准输入>"


def open_text(path, what: str, encoding: str = "utf-8-sig", newline: str | None = None):
    """Open a user's text file (UTF-8, BOM tolerated); a missing or unreadable one is a `UsageError`.

    `what` names the kind of file for the message (规则集文件, 数据文件).
    """
    return _open(path, what, "r", encoding=encoding, newline=newline)


def open_binary(path, what: str):
    """Open a user's binary file (a workbook) with the same messages as `open_text`."""
    return _open(path, what, "rb")


def _open(path, what: str, mode: str, **options):
    try:
        return open(path, mode, **options)
    except FileNotFoundError:
        raise UsageError(f"{path}: 文件不存在") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: 是目录，不是{what}") from None
    except OSError as exc:
        raise UsageError(f"{path}: 无法读取（{os_reason(exc)}）") from None


#: The operating system's reasons a user meets, in Chinese (its own text is English, or the locale's).
_OS_REASONS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘已满", errno.EROFS: "只读的磁盘或文件夹",
    errno.ENAMETOOLONG: "文件名太长", errno.ENOENT: "文件夹不存在", errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "是目录", errno.EBUSY: "文件正被占用", errno.EMFILE: "打开的文件太多",
    errno.EFBIG: "文件超过允许的大小：ulimit -f 或文件系统的上限",
}
if hasattr(errno, "EDQUOT"):
    _OS_REASONS[errno.EDQUOT] = "超出磁盘配额"


def os_reason(exc: OSError) -> str:
    """Why an operation on a file failed, for a message: in Chinese where the reason is a common one."""
    reason = _OS_REASONS.get(exc.errno)
    if reason is None:
        return exc.strerror or "未知原因"
    if exc.errno in (errno.EACCES, errno.EPERM) and os.name == "nt":
        reason += "：文件是否正在 Excel 或 WPS 中打开？"
    return reason


def read_bounded(path, what: str, limit: int, error=UsageError) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes (a ruleset), else `error`.

    A device (``/dev/zero``), a FIFO or a directory is refused before anything
    is read, and no more than `limit` + 1 bytes are ever read, so a hostile
    path costs neither memory nor a hang.  Nothing of a refused file's content
    appears in the message.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{path}: 文件不存在") from None
    except IsADirectoryError:
        raise error(f"{path}: 是目录，不是{what}") from None
    except OSError as exc:
        raise error(f"{path}: 无法读取（{os_reason(exc)}）") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if stat.S_ISDIR(status.st_mode):
            raise error(f"{path}: 是目录，不是{what}")
        if not stat.S_ISREG(status.st_mode):
            raise error(f"{path}: 不是普通文件（设备、管道或套接字），不能作为{what}")
        if status.st_size > limit:
            raise error(f"{path}: {what}过大（{status.st_size} 字节，上限 {limit} 字节）")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise error(f"{path}: 无法读取（{os_reason(exc)}）") from None
    if len(data) > limit:  # it grew while we looked
        raise error(f"{path}: {what}过大（上限 {limit} 字节）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(not_utf8_text(path, data, exc)) from None


def not_utf8_text(path, data: bytes, exc: UnicodeDecodeError) -> str:
    """The message for a whole file that is not UTF-8: the bad byte's line and column, and, for a file that
    reads as GB18030 (what Windows Notepad and WPS save Chinese text as by default), the encoding to save in.
    `exc` is of ``data.decode("utf-8-sig")``, whose positions start after a BOM."""
    start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
    before = data[:start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        hint = "请另存为 UTF-8 编码"
    else:
        hint = "看来是 GBK/GB18030 编码（记事本、WPS 的默认），请另存为 UTF-8 编码"
    return f"{path}: 第 {line} 行第 {column} 列不是 UTF-8 文本（文件第 {start + 1} 字节）：{hint}"


def read_text(path, what: str, error=UsageError) -> str:
    """The whole text of a user's file; text that is not UTF-8 raises `error`."""
    handle = open_text(path, what)
    try:
        with handle:
            return handle.read()
    except UnicodeDecodeError:  # `exc.start` counts from the decoder's last chunk: the bytes say where, in the file
        with _open(path, what, "rb") as handle:
            data = handle.read()
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise error(not_utf8_text(path, data, exc)) from None
        raise error(f"{path}: 不是 UTF-8 文本") from None  # (the file changed while it was read)


#: errno values that mean the output could not be written (rather than an input not read).
FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def full_reason(exc: OSError) -> str:
    """Why a write failed, for one of `FULL`: ``磁盘已满``, or the system's reason with the likely cause."""
    reason = os_reason(exc)
    return reason if exc.errno in _OS_REASONS else f"{reason}，磁盘已满？"


def read_stdin(what: str, error=UsageError) -> str:
    """Standard input as UTF-8 text (BOM tolerated), for ``-`` in place of a `what` file (a ruleset):
    at most `limits.RULESET_BYTES`, like a ruleset file."""
    from . import limits

    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(limits.RULESET_BYTES + 1) if stream is not None else sys.stdin.read().encode("utf-8")
    if len(data) > limits.RULESET_BYTES:
        raise error(f"{STDIN}: {what}过大（上限 {limits.RULESET_BYTES} 字节）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{STDIN}: {what}不是 UTF-8 文本（第 {exc.start} 字节）") from None


@contextlib.contextmanager
def atomic_output(path, mode: str = "w", encoding: str | None = "utf-8"):
    """Yield a file object; on success it replaces `path` in one step, on failure it vanishes.

    The temporary file, ``.<name>.<pid>.<random>.tmp`` next to `path`, survives
    only a process that is killed outright; the next write of `path` removes it.
    A full disk (or quota, or file size limit) is a `UsageError` saying the old
    file is untouched.  Text that cannot be encoded (an unpaired surrogate) is
    written escaped rather than failing the batch.  A device or a named pipe
    (``-o /dev/null``) is written into as it is (`_special`); a symbolic link
    has the file it points to replaced, the link kept (as ``> link`` would).
    """
    path = shown = Path(path)
    if _special(path):
        with _written_into(path, mode, encoding) as handle:
            yield handle
        return
    if path.is_symlink():  # the temporary goes beside the target, which it replaces: the link stays a link
        path = Path(os.path.realpath(path))
    directory = path.parent if str(path.parent) else Path(".")
    _remove_orphans(directory, path.name)
    import tempfile  # here: it imports shutil, bz2, lzma, random — 8 ms of a cold start that writes no file

    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise UsageError(f"{shown}: 无法写入（{os_reason(exc)}）") from None
    text = "b" not in mode
    try:
        with os.fdopen(fd, mode, encoding=encoding if text else None, newline="" if text else None,
                       errors="backslashreplace" if text else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(path))
        try:
            os.replace(temporary, path)
        except OSError as exc:  # on Windows: the file is open in Excel
            raise UsageError(f"{shown}: 无法写入（{os_reason(exc)}）") from None
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and exc.errno in FULL:
            kept = "原文件未改动" if path.exists() else "未生成文件"
            raise UsageError(f"{shown}: 写入失败（{full_reason(exc)}）；{kept}") from None
        raise


def _special(path: Path) -> bool:
    """Whether `path` is a device or a named pipe (``-o /dev/null``, ``/dev/stdout``, ``>(…)``): one that cannot be
    replaced by a file — renaming a temporary over it would put a regular file in the device's place, ``/dev/null``
    for every program when run as root — and has no old content to keep.  So is anything in /dev or /proc:
    ``/dev/stdout`` of a standard output redirected to a file is that file, and is not to be replaced either."""
    if os.name == "posix" and os.path.abspath(path).startswith(("/dev/", "/proc/")):
        return True
    try:
        kind = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(kind) and not stat.S_ISDIR(kind)


@contextlib.contextmanager
def _written_into(path: Path, mode: str, encoding: str | None):
    """`atomic_output` for a `_special` path: written into as it is, with the same messages."""
    text = "b" not in mode
    try:
        handle = open(path, mode, encoding=encoding if text else None, newline="" if text else None,
                      errors="backslashreplace" if text else None)
    except OSError as exc:
        raise UsageError(f"{path}: 无法写入（{os_reason(exc)}）") from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        if exc.errno in FULL:
            raise UsageError(f"{path}: 写入失败（{full_reason(exc)}）") from None
        raise


def save_workbook(book, handle):
    """`book.save(handle)`, except that a failure (a full disk, a signal) leaves no zip half-open behind.

    openpyxl would leave its `ZipFile` to be closed when collected — after our
    handle is gone — which prints an "Exception ignored" traceback.  Saving
    through our own archive lets a failed save abandon it quietly; the
    temporary file it was writing is removed by `atomic_output`.
    """
    import datetime
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    if book.write_only and not book.worksheets:
        book.create_sheet()
    archive = zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    try:
        book.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
        ExcelWriter(book, archive).save()
    except BaseException:
        archive.fp = None  # abandoned: nothing more is written to (or closed on) the handle
        raise


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so that it unwinds (and cleans up) like Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


@contextlib.contextmanager
def signals_unwind():
    """While the block runs, SIGTERM and SIGHUP raise `Terminated` (the default would exit on the spot,
    leaving temporaries behind); the previous handlers come back afterwards."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():  # signals can only be set there
        yield
        return

    def raise_terminated(signum, frame):
        raise Terminated(signum)

    previous = {}
    for number in wanted:
        with contextlib.suppress(OSError, ValueError):
            previous[number] = signal.signal(number, raise_terminated)
    try:
        yield
    finally:
        for number, handler in previous.items():
            with contextlib.suppress(OSError, ValueError):
                signal.signal(number, handler)


def refuse_overwriting(output, inputs):
    """A `UsageError` when the output file is one of the inputs (``eval r.perf data.csv -o data.csv``)."""
    if output is None:
        return
    for source in inputs:
        if source in (None, "-"):
            continue
        try:
            same = os.path.samefile(output, source)
        except OSError:
            same = os.path.realpath(output) == os.path.realpath(source)
        if same:
            raise UsageError(f"-o {output} 就是输入文件 {source}：写入会覆盖它；请换一个输出文件名")


def _mode_for(path: Path) -> int:
    """The permissions the file would have had if written in place (mkstemp makes it private)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_orphans(directory: Path, name: str):
    """Delete temporaries of `name` left by writers that no longer run (killed mid-write)."""
    if os.name != "posix":  # os.kill(pid, 0) only probes on POSIX
        return
    orphan = re.compile(re.escape(f".{name}.") + r"(\d+)\.[a-z0-9_]+\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            match = orphan.fullmatch(entry.name)
            if match and not _running(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, but belongs to someone else
        pass
    return True
