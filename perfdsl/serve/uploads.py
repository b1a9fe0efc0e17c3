"""An uploaded data file → a `Batch`, read by `datafiles` exactly as `perfdsl eval` reads a file.

The file is written to a private temporary directory under a name of our
own (``数据.xlsx``): the user's file name only chooses the format (by its
extension) and is shown in messages, never used as a path.  Messages that
name the temporary file name the user's file instead.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile

from .. import datafiles, tabular
from ..errors import PerfError
from .problems import Problem


class Upload:
    """A data file on disk for the life of one scoring run; `close()` removes it."""

    def __init__(self, filename: str, content: bytes):
        self.filename = display_name(filename)
        self.suffix = _suffix(self.filename)
        self.directory = tempfile.mkdtemp(prefix="perfdsl-serve-")
        self.path = os.path.join(self.directory, "数据" + self.suffix)
        with open(self.path, "wb") as handle:
            handle.write(content)

    def batch(self, model) -> datafiles.Batch:
        """The records (the header of a table is checked now, against the ruleset's inputs)."""
        try:
            return datafiles.read(self.path, model)
        except PerfError as exc:
            raise Problem(400, "bad_data", self.message(exc)) from None

    def total(self, model=None) -> int | None:
        """About how many records the file holds, where that is cheap to know (for the progress bar):
        the lines of a CSV (UTF-16 read as such) or JSON Lines file, the rows of a workbook's first visible
        sheet, less the header.  None for a table of a ruleset with a list input (`model`): its items' rows
        are not records."""
        if self.suffix in (".csv", ".xlsx", ".xlsm") and model is not None and any(
                spec.type.kind == "list" for spec in model.inputs):
            return None
        try:
            if self.suffix in (".csv", ".jsonl"):
                with open(self.path, "rb") as handle:
                    utf16 = handle.read(2) in tabular.UTF16_BOMS
                    handle.seek(0)
                    text = io.TextIOWrapper(handle, encoding="utf-16") if utf16 else handle
                    lines = sum(1 for line in text if line.strip())
                return max(lines - (self.suffix == ".csv"), 0)
            if self.suffix in (".xlsx", ".xlsm"):
                import openpyxl

                book = openpyxl.load_workbook(self.path, read_only=True)
                try:
                    rows = tabular.visible_sheets(book)[0].max_row
                finally:
                    book.close()
                return max(rows - 1, 0) if rows else None
        except Exception:  # only an estimate: the real reading reports what is wrong with the file
            return None
        return None

    def message(self, exc: PerfError) -> str:
        """`exc` rendered, with the user's file name where it names the temporary file."""
        return exc.render().replace(self.path, self.filename)

    def close(self):
        shutil.rmtree(self.directory, ignore_errors=True)


def display_name(filename: str | None) -> str:
    """The last part of a browser's file name (some send a whole Windows path), for messages only."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "（未命名文件）"


def _suffix(name: str) -> str:
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in datafiles.FORMATS:
        shown = f"`{suffix}`" if suffix else "（无扩展名）"
        advice = datafiles.OTHER_FORMATS.get(suffix, "")  # `.xls`: save it as .xlsx, as the command line says
        raise Problem(415, "unsupported_format",
                      f"{name}: 不支持的数据文件格式 {shown}{advice}；请上传 {'、'.join(datafiles.FORMATS)} 文件"
                      "（可先下载规则集的数据模板）")
    return suffix
