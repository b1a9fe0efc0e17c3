"""What other parts of perfdsl add to the server, each reached through one call, present or not.

* Audit of published claims (issue 11a, landed): ``perfdsl.audit.audit_record(program, raw, position,
  source, lenient)`` → a `RecordAudit`, and ``perfdsl.audit.render.to_json(title, audits)``, the JSON of
  ``perfdsl audit --format json``.  Where the module cannot be imported, records that carry
  ``_reported`` say that audit is not available and ``/api/…/audit`` answers 501.

The PDF 评分表 is written by ``perfdsl/report/pdf.py`` like every other download (``pages.download_bytes``);
a machine without a Chinese font gets the CLI's message as an error page.
"""

from __future__ import annotations

import functools
import importlib

from ..errors import RecordError
from .problems import Problem


@functools.cache
def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:  # not landed yet, or its own dependency is not installed
        return None


def _audit():
    module = _module("perfdsl.audit")
    return module if module is not None and hasattr(module, "audit_record") else None


def audit_available() -> bool:
    return _audit() is not None


def _need_audit():
    module = _audit()
    if module is None:
        raise Problem(501, "audit_unavailable", "此版本的 perfdsl 还没有审计功能（perfdsl audit）；"
                                                "已公布数字（_reported）暂不核对")
    return module


def audit_record(program, raw, position, source: str = "", lenient: bool = False):
    """The audit of one raw record's published claims (``_reported``), as `perfdsl audit` makes it;
    a record that could not be read at all (a `RecordError` in its place) is one problem."""
    module = _need_audit()
    if isinstance(raw, RecordError):
        return module.RecordAudit(raw.record if raw.record is not None else position, position, (), (),
                                  (raw.render(),), source)
    return module.audit_record(program, raw, position, source, lenient)


def audit_json(title: str, audits: list) -> dict:
    """The JSON of ``perfdsl audit --format json`` for these audits."""
    return _module("perfdsl.audit.render").to_json(title, audits)
