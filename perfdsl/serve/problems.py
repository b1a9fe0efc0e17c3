"""Every bad request gets one clear Chinese message: JSON under ``/api/``, a page everywhere else.

`Problem` is what the server's own code raises; perfdsl's errors (a bad
data file, a ruleset that does not load) and Starlette's (no such route, a
wrong method) are translated here too.  Nothing unexpected reaches the user
as a traceback: it becomes a 500 with a one-line message, and the details go
to the server's log.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse

from ..errors import DataFileError, PerfError, RecordError, RulesetError, UsageError

log = logging.getLogger("perfdsl.serve")


class Problem(Exception):
    """A request the server cannot answer as asked: an HTTP status, a stable code and the message."""

    def __init__(self, status: int, code: str, message: str, diagnostics=()):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.diagnostics = tuple(diagnostics)

    def to_json(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.diagnostics:
            out["diagnostics"] = [d.to_json() for d in self.diagnostics if hasattr(d, "to_json")]
        return {"error": out}


_STARLETTE = {
    400: ("bad_request", "请求格式不正确"),
    404: ("not_found", "没有这个页面或接口"),
    405: ("method_not_allowed", "此地址不接受这种请求方法"),
    413: ("too_large", "上传的内容太大"),
}


def as_problem(exc: Exception) -> Problem:
    """The `Problem` that answers `exc`."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, HTTPException):
        code, message = _STARLETTE.get(exc.status_code, ("http_error", str(exc.detail)))
        return Problem(exc.status_code, code, message)
    if isinstance(exc, RulesetError):
        return Problem(422, "ruleset_error", exc.render(), exc.diagnostics)
    if isinstance(exc, RecordError):
        return Problem(422, "record_error", exc.render())
    if isinstance(exc, (DataFileError, UsageError)):
        return Problem(400, "bad_data", exc.render())
    if isinstance(exc, PerfError):
        return Problem(400, "perfdsl_error", exc.render())
    log.exception("perfdsl serve: internal error")
    return Problem(500, "internal_error", f"perfdsl 内部错误（{type(exc).__name__}），详情见服务器日志；请报告此问题")


def wants_json(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def response(path: str, problem: Problem, render_page):
    """The response for `problem` at `path`; `render_page(problem)` gives the HTML of the error page."""
    if wants_json(path):
        return JSONResponse(problem.to_json(), status_code=problem.status)
    return HTMLResponse(render_page(problem), status_code=problem.status)
