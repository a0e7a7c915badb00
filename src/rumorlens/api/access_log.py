"""One JSON line per request on stderr, for ``rumorlens serve --json``: what a team's log
collector reads (method, path, status, milliseconds), where uvicorn's own access log is a line
of text for people. JSON also keeps untrusted input in its place: a path or query holding a
newline or a quote is escaped, so it cannot forge a line of its own.
"""

from __future__ import annotations

import time

from ..logs import log_line

MAX_QUERY_CHARS = 500  # a query is untrusted and may be long; the line stays bounded
CLIENT_GONE = 499  # no response was started and nothing failed: the client closed first (nginx's code)


class JsonAccessLog:
    """Pure ASGI, outside the app's own layers: it times the whole request, refusals by them
    (413 for a body too large) included. A request the app fails on is logged as 500, as the
    client saw it (Starlette's outermost error layer answers it)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status, sent = None, 0

        async def watch(message):
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except BaseException:
            status = status or 500
            raise
        finally:
            query = scope.get("query_string", b"").decode("latin-1")
            client = scope.get("client")
            fields = {"method": scope["method"], "path": scope["path"], "status": status or CLIENT_GONE,
                      "ms": round((time.perf_counter() - started) * 1000, 1), "bytes": sent}
            if query:
                fields["query"] = query[:MAX_QUERY_CHARS]
            if client:
                fields["client"] = client[0]
            log_line("request", **fields)
