"""Files in and out: opening a user's file with a clear message, and writing one atomically."""

from __future__ import annotations

import contextlib
import os
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
    """Yield a file object; on success it replaces `path` in one step, on failure it vanishes."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None,
                       newline="" if "b" not in mode else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
