"""What other parts of perfdsl add to the server, each reached through one call, present or not.

* PDF (issue 14): ``perfdsl/report/pdf.py`` with ``write(handle, results, model, scorecards)`` on a
  binary handle, as every report module of ``perfdsl eval``.  While it is absent (or its library is
  not installed) the pages show no PDF link and the download answers 501.
* Audit of published claims (issue 11a): a module ``perfdsl/audit``.  The server needs one call,
  ``findings(program, raw_record, position)`` → a list of findings, each JSON-able
  (``to_json()`` or a dict with at least ``code``, ``message``); while it is absent, records that
  carry ``_reported`` say that audit is not available and ``/api/…/audit`` answers 501.

TODO(lead): when issue 11a lands, point `audit_findings` at its real entry point (the one line
marked below) if it is not `perfdsl.audit.findings`; when issue 14 lands, check that
`perfdsl.report.pdf.write` has the signature above.  Both are covered by tests that skip while
the module is absent (tests/test_serve_api.py).
"""

from __future__ import annotations

import functools
import importlib

from .problems import Problem


@functools.cache
def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:  # not landed yet, or its own dependency is not installed
        return None


def pdf_writer():
    """The PDF report module, or None."""
    module = _module("perfdsl.report.pdf")
    return module if module is not None and hasattr(module, "write") else None


def _auditor():
    module = _module("perfdsl.audit")
    return getattr(module, "findings", None) if module is not None else None  # TODO(lead): issue 11a's entry point


def audit_available() -> bool:
    return _auditor() is not None


def audit_findings(program, raw, position) -> list[dict]:
    """The findings of auditing one record's published claims (``_reported``), as JSON objects."""
    auditor = _auditor()
    if auditor is None:
        raise Problem(501, "audit_unavailable", "此版本的 perfdsl 还没有审计功能（perfdsl audit）；"
                                                "已公布数字（_reported）暂不核对")
    return [finding.to_json() if hasattr(finding, "to_json") else dict(finding)
            for finding in auditor(program, raw, position)]
