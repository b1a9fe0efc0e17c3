"""Files in and out: opening a user's file with a clear message, and writing one atomically."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from .errors import UsageError


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
        raise UsageError(f"{path}: 无法读取（{exc.strerror}）") from None


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
        raise error(f"{path}: 无法读取（{exc.strerror}）") from None
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
            raise error(f"{path}: 无法读取（{exc.strerror}）") from None
    if len(data) > limit:  # it grew while we looked
        raise error(f"{path}: {what}过大（上限 {limit} 字节）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: 不是 UTF-8 文本（第 {exc.start} 字节）") from None


def read_text(path, what: str, error=UsageError) -> str:
    """The whole text of a user's file; text that is not UTF-8 raises `error`."""
    handle = open_text(path, what)
    try:
        with handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise error(f"{path}: 不是 UTF-8 文本（第 {exc.start} 字节）") from None


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
        raise UsageError(f"{path}: 无法写入（{exc.strerror}）") from None
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None,
                       newline="" if "b" not in mode else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
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
