"""The app as uvicorn workers build it: configuration comes from the environment, because
``uvicorn --workers N`` starts each worker process from an import string, not from an object.

``rumorlens serve --workers N`` sets these variables and points uvicorn at ``app_from_env``:
RUMORLENS_DB, RUMORLENS_MODEL, RUMORLENS_TOKEN, RUMORLENS_READ_ONLY=1, RUMORLENS_ACCURATE=0
(``--no-accurate``) and RUMORLENS_JSON_LOG=1 (``--json``).
"""

from __future__ import annotations

import os

from fastapi import FastAPI


def app_from_env() -> FastAPI:
    from ..logs import print_library_logs
    from ..model.judge import Judge
    from ..store import open_store
    from .app import create_app

    json_log = os.environ.get("RUMORLENS_JSON_LOG") == "1"
    print_library_logs(tracebacks=True, json_lines=json_log)  # each worker's failures in the server's log

    read_only = os.environ.get("RUMORLENS_READ_ONLY") == "1"
    judge = Judge.load(os.environ.get("RUMORLENS_MODEL") or None)
    store = open_store(os.environ.get("RUMORLENS_DB") or None)
    store.refresh_in_background = True  # pages serve the views drawn last while new ones are drawn
    app = create_app(store=store, judge=judge, token=os.environ.get("RUMORLENS_TOKEN") or None, read_only=read_only,
                     accurate=os.environ.get("RUMORLENS_ACCURATE") != "0", access_log=json_log)
    app.state.service.warm_up()
    return app
