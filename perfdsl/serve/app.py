"""The Starlette application of `perfdsl serve`, and `run`, which serves it with uvicorn.

Safe by default: bound to 127.0.0.1; on a loopback address only requests
whose Host is that address or ``localhost`` are answered (a web page
elsewhere cannot reach the server through a rebound DNS name); every
request body is cut off at `Limits.upload_bytes`; pages may load scripts and
styles only from the server itself (Content-Security-Policy), and nothing
is fetched from elsewhere — every asset is in ``static/``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
import webbrowser
from pathlib import Path

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import PerfError, UsageError
from . import api, pages, problems
from .catalog import Catalog
from .limits import Limits
from .runs import RunStore

STATIC = Path(__file__).parent / "static"
_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                 b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


@attrs.define
class State:
    """What every request shares: the compiled rulesets, the uploaded runs, the limits, the templates."""

    catalog: Catalog
    runs: RunStore
    limits: Limits
    templates: object


class TooLarge(HTTPException):
    def __init__(self, limits: Limits):
        super().__init__(413)
        self.problem = problems.Problem(413, "too_large", f"上传的内容超过上限 {limits.describe_upload()}"
                                                           "（perfdsl serve --max-upload-mb 可调整）；"
                                                           "大批数据请在命令行用 perfdsl eval 计分")


class BodyLimit:
    """Refuse a request body over the limit: at once by its Content-Length, else as soon as it passes it."""

    def __init__(self, app, limits: Limits, render):
        self.app = app
        self.limits = limits
        self.render = render

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limits.upload_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = problems.response(scope["path"], TooLarge(self.limits).problem, self.render)
            return await response(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge(self.limits)
            return message

        return await self.app(scope, limited, send)


class LocalHostOnly:
    """On a loopback address, answer only requests addressed to it by name (``127.0.0.1``, ``localhost``):
    a page on another site that rebinds its own name to 127.0.0.1 gets a refusal, not the data."""

    def __init__(self, app, hosts, render):
        self.app = app
        self.hosts = hosts
        self.render = render

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.hosts != ["*"]:
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.hosts:
                problem = problems.Problem(400, "bad_host", f"此服务只接受发往本机的请求（Host: {host or '无'}）；"
                                                            "请用 http://127.0.0.1 或 http://localhost 访问")
                return await problems.response(scope["path"], problem, self.render)(scope, receive, send)
        return await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in _HEADERS if h[0] not in names]
            await send(message)

        return await self.app(scope, receive, with_headers)


def routes() -> list:
    out = [Route(endpoint.path, endpoint.handler, methods=[endpoint.method], name=endpoint.name)
           for endpoint in api.ENDPOINTS]
    out += [
        Route("/", pages.index, name="index"),
        Route("/rulesets/{id}", pages.ruleset, name="ruleset"),
        Route("/rulesets/{id}/template.{kind}", pages.data_template, name="template"),
        Route("/rulesets/{id}/runs", pages.upload, methods=["POST"], name="upload"),
        Route("/runs/{token}", pages.run_page, name="run"),
        Route("/runs/{token}/progress", pages.run_progress, name="progress"),
        Route("/runs/{token}/records/{position:int}", pages.record_page, name="record"),
        Route("/runs/{token}/records/{position:int}/explain", pages.explain_page, name="explain"),
        Route("/runs/{token}/download.{kind}", pages.download, name="download"),
        Route("/check", pages.check_form, name="check"),
        Route("/check", pages.check_submit, methods=["POST"], name="check_submit"),
        Route("/api-docs", pages.api_page, name="api_page"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return out


def allowed_hosts(host: str) -> list[str]:
    """The Host headers answered: the bound address and `localhost` on loopback; any host otherwise."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        return ["*"]
    return [host.lower(), "localhost", "127.0.0.1", "[::1]"]


def create_app(directory, limits: Limits | None = None, host: str = "127.0.0.1") -> Starlette:
    """The application over the rulesets of `directory` (compiled here, once)."""
    limits = limits or Limits()
    state = State(Catalog(directory), RunStore(limits), limits, pages.environment())

    def render_page(problem):
        return pages.error_page(state, problem)

    async def handle(request, exc):
        return problems.response(request.url.path, getattr(exc, "problem", None) or problems.as_problem(exc),
                                 render_page)

    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SecurityHeaders),
                    Middleware(LocalHostOnly, hosts=allowed_hosts(host), render=render_page),
                    Middleware(BodyLimit, limits=limits, render=render_page)],
        exception_handlers={Exception: handle, HTTPException: handle, problems.Problem: handle, PerfError: handle},
        lifespan=_lifespan(state),
    )
    app.state.perfdsl = state
    return app


def _lifespan(state: State):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        state.runs.close()

    return lifespan


def run(directory, host: str, port: int, limits: Limits, open_browser: bool = False, echo=print):
    """Serve until interrupted; the port is bound first, so that a busy one is a clear message."""
    import uvicorn

    app = create_app(directory, limits, host)
    catalog = app.state.perfdsl.catalog
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"无法在 {host}:{port} 上监听（{exc.strerror}）；"
                         "端口可能已被占用，请换一个：--port N") from None
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/"
    for entry in catalog:
        state = "可用" if entry.usable else f"有错误（{len(entry.problems)} 处），不能计分"
        echo(f"  {entry.id}: {entry.title} — {state}")
    if not len(catalog):
        echo(f"  {directory} 中没有规则集（*.perf）")
    if allowed_hosts(host) == ["*"]:
        echo(f"注意：{host} 不是本机回环地址，局域网中的其他电脑也能访问此服务")
    echo(f"perfdsl serve：{url}（按 Ctrl+C 停止）")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    logging.getLogger("perfdsl.serve").setLevel(logging.INFO)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
