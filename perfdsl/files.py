"""Files in and out: opening a user's file with a clear message, and writing one atomically."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import tempfile
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
}


def os_reason(exc: OSError) -> str:
    """Why an operation on a file failed, for a message: in Chinese where the reason is a common one."""
    reason = _OS_REASONS.get(exc.errno)
    if reason is None:
        return exc.strerror or "未知原因"
    if exc.errno in (errno.EACCES, errno.EPERM) and os.name == "nt":
        reason += "：文件是否正在 Excel 或 WPS 中打开？"
    return reason


def read_text(path, what: str, error=UsageError) -> str:
    """The whole text of a user's file; text that is not UTF-8 raises `error`."""
    handle = open_text(path, what)
    try:
        with handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise error(f"{path}: 不是 UTF-8 文本（第 {exc.start} 字节）") from None


def read_stdin(what: str, error=UsageError) -> str:
    """The whole of standard input as UTF-8 text (BOM tolerated), for ``-`` in place of a `what` file."""
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{STDIN}: {what}不是 UTF-8 文本（第 {exc.start} 字节）") from None


@contextlib.contextmanager
def atomic_output(path, mode: str = "w", encoding: str | None = "utf-8"):
    """Yield a file object; on success it replaces `path` in one step, on failure it vanishes.

    The temporary file, ``.<name>.<pid>.<random>.tmp`` next to `path`, survives
    only a process that is killed outright; the next write of `path` removes it.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    _remove_orphans(directory, path.name)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise UsageError(f"{path}: 无法写入（{os_reason(exc)}）") from None
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None,
                       newline="" if "b" not in mode else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(path))
        try:
            os.replace(temporary, path)
        except OSError as exc:  # on Windows: the file is open in Excel
            raise UsageError(f"{path}: 无法写入（{os_reason(exc)}）") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


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
