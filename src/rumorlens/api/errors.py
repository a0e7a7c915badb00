"""The ONE error shape every endpoint returns, and the handlers that produce it.

``{"ok": false, "error": message, "code": "RLxxx", "errors": [...], "status": N}``; dashboard
pages get the same message and code rendered as an HTML page (datasette's ``handle_exception``).
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ERRORS, RumorlensError

log = logging.getLogger("rumorlens.api")


class RequestError(RumorlensError):
    """A request body or query that does not fit the schema (RL070/RL071)."""

    status = 422


def error_body(code: str, message: str, status: int, errors: list | None = None) -> dict:
    return {"ok": False, "error": message, "code": code, "errors": errors or [{"code": code, "message": message}], "status": status}


def wants_html(request: Request) -> bool:
    """Dashboard pages get HTML errors; the API (and any non-browser client) gets JSON."""
    path = request.url.path
    if path.startswith(("/v1", "/healthz", "/docs", "/openapi")):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/json" not in accept


# A dashboard page of one thing (an article, a storyline, a person, an outlet) that is not there: where a
# reader finds the others. The message names the API's listing, which is for scripts.
_LISTINGS = {"articles": ("/articles", "All stored articles"), "stories": ("/stories", "All storylines"),
             "people": ("/people?q=", "Search the people scorecard for"), "outlets": ("/outlets?q=", "Search the outlet scorecard for")}


def way_back(path: str) -> tuple[str, str] | None:
    """(link, text) to the dashboard's listing for a missing ``/articles/ID``, ``/stories/ID``,
    ``/people/NAME`` or ``/outlets/NAME``: for a person or an outlet, the scorecard's search for
    the name (a misspelt "Brad Pit" finds Brad Pitt, "dailymail" dailymail.co.uk), else the list."""
    from urllib.parse import quote, unquote

    section, _, rest = path.strip("/").partition("/")
    if section not in _LISTINGS or not rest:
        return None
    link, text = _LISTINGS[section]
    if link.endswith("="):
        name = unquote(rest)
        return link + quote(name, safe=""), f"{text} “{name}”"
    return link, text


def render_error(request: Request, code: str, message: str, status: int, errors: list | None = None, headers: dict | None = None):
    if wants_html(request):
        templates = request.app.state.templates
        context = {"code": code, "message": message, "status": status, "has_store": request.app.state.service.store is not None,
                   "way_back": way_back(request.url.path) if status == 404 else None}
        return templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)
    return JSONResponse(error_body(code, message, status, errors), status_code=status, headers=headers)


def field_name(loc: tuple | list) -> str:
    """Pydantic's ``('body', 'items', 2, 'text')`` as ``items[2].text``; drops the 'body'/'query' part."""
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


def validation_errors(raw: list[dict]) -> list[dict]:
    out = []
    for e in raw:
        if e.get("type") == "json_invalid":
            detail = (e.get("ctx") or {}).get("error", "JSON decode error")
            out.append({"code": "RL071", "field": "body", "detail": detail, "message": ERRORS["RL071"].format(detail=detail)})
            continue
        name = field_name(e.get("loc") or ())
        detail = e.get("msg", "invalid").replace("Value error, ", "")
        out.append({"code": "RL070", "field": name, "detail": detail, "message": ERRORS["RL070"].format(field=name, detail=detail)})
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RumorlensError)
    async def rumorlens_error(request: Request, err: RumorlensError):
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        errors = getattr(err, "errors", None)
        return render_error(request, err.code, err.message, err.status, errors, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError):
        errors = validation_errors(list(err.errors()))
        first = errors[0] if errors else {"code": "RL070", "message": "invalid request"}
        return render_error(request, first["code"], first["message"], 422, errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException):
        path = request.url.path
        if err.status_code == 404:
            code, message = "RL072", ERRORS["RL072"].format(path=path)
        elif err.status_code == 405:
            allowed = err.headers.get("Allow", "another method") if err.headers else "another method"
            code, message = "RL073", ERRORS["RL073"].format(method=request.method, path=path, allowed=allowed)
        elif err.status_code == 413:
            code, message = "RL052", ERRORS["RL052"].format(limit=request.app.state.max_body)
        else:
            code, message = "RL070", ERRORS["RL070"].format(field="request", detail=str(err.detail))
        return render_error(request, code, message, err.status_code, headers=err.headers)

    @app.exception_handler(Exception)
    async def crash(request: Request, err: Exception):
        # Log the traceback for the operator; the client gets one coded line, never a trace.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        detail = type(err).__name__
        message = ERRORS["RL074"].format(path=request.url.path, detail=detail)
        return render_error(request, "RL074", message, 500)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 before reading them whole.

    A declared Content-Length over the limit is refused without reading a byte; a chunked or
    lying body is read only until it crosses the limit. Pure ASGI, so it runs before FastAPI
    buffers anything.
    """

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                return await self._refuse(scope, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                return await self._refuse(scope, send)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse(self, scope, send):
        message = ERRORS["RL052"].format(limit=self.limit)
        body = json.dumps(error_body("RL052", message, 413)).encode()
        await send({
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})


# The dashboard shows untrusted article text. Escaping is the defence; this policy is the second
# one: even if some text slipped through, a browser runs only our own script (/static/sort.js)
# and styles, loads nothing from elsewhere, and will not frame the page (clickjacking).
DASHBOARD_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages load their viewers with inline scripts: no policy there.
UNPOLICED = ("/docs", "/redoc", "/openapi.json")


class SecurityHeaders:
    """Pure ASGI: every response says not to sniff types or send referrers (an article's URL in
    a query must not leak to the sites it links), and dashboard pages carry a content policy."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        policed = not scope["path"].startswith(UNPOLICED)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                is_html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                if policed and is_html:
                    headers += [(b"content-security-policy", DASHBOARD_POLICY.encode()), (b"x-frame-options", b"DENY")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
