"""How much one request may ask of the server (`perfdsl serve --max-upload-mb/--max-records`)."""

from __future__ import annotations

import attrs

MB = 1024 * 1024


@attrs.frozen
class Limits:
    upload_bytes: int = 20 * MB  # any request body: a data file, a pasted ruleset, a JSON batch
    records: int = 10_000  # records in one upload or one API request
    runs: int = 8  # uploaded batches kept for their pages and downloads (the oldest is dropped)
    ruleset_bytes: int = 1 * MB  # a ruleset checked through the page or the API
    sheets: int = 100  # 评分表 sheets in a downloaded workbook, as `perfdsl eval --sheets`

    def describe_upload(self) -> str:
        return _size(self.upload_bytes)

    def describe_ruleset(self) -> str:
        return _size(self.ruleset_bytes)


def _size(count: int) -> str:
    if count >= MB and count % MB == 0:
        return f"{count // MB} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} 字节"
