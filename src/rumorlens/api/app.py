"""``create_app``: the FastAPI application serving the REST API (/v1, /healthz, /docs) and the
dashboard (/, /articles, /stories, /outlets) from one process."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..errors import UsageError
from .deps import JudgeLike, StoreLike
from .errors import BodyLimit, SecurityHeaders, install_error_handlers
from .service import MAX_BODY_BYTES, Service

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def create_app(
    store: StoreLike | None = None,
    judge: JudgeLike | None = None,
    token: str | None = None,
    read_only: bool = False,
    max_body: int = MAX_BODY_BYTES,
    accurate: bool = True,
    access_log: bool = False,
) -> FastAPI:
    """Build the app. Write routes need ``token`` (default ``$RUMORLENS_TOKEN``); without one
    the app refuses to start (RL050) unless ``read_only``. ``judge=None`` loads the shipped
    model on first use; ``store=None`` serves checks only. ``accurate=False`` refuses the
    accurate mode (RL079) instead of loading it on the first request that asks.
    ``access_log``: one JSON line per request on stderr (``serve --json``)."""
    if token is None:
        token = os.environ.get("RUMORLENS_TOKEN") or None
    if not read_only and not token:
        raise UsageError("RL050")

    app = FastAPI(
        title="rumorlens",
        summary="Check celebrity news for likely fakes and say why.",
        description="Every error has one shape: `{ok: false, error, code, errors, status}`. Writes need `Authorization: Bearer <RUMORLENS_TOKEN>`.",
        version="0.1",
    )
    app.state.service = Service(store=store, judge=judge, token=token, read_only=read_only, accurate=accurate)
    app.state.max_body = max_body
    app.state.templates = make_templates()
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(SecurityHeaders)
    if access_log:
        from .access_log import JsonAccessLog

        app.add_middleware(JsonAccessLog)  # added last: the outermost layer, so it sees the 413s too

    from ..web.views import router as web_router
    from .routes import router as api_router

    app.include_router(api_router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    return app


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    # Article text is untrusted: autoescape every template, whatever its extension.
    templates.env.autoescape = True
    from ..web import render

    render.install_filters(templates.env)
    return templates
