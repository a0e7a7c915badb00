"""``rumorlens serve``: the REST API and the dashboard in one uvicorn process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from ..errors import RumorlensError, UsageError
from .app import app
from .common import EXIT_USAGE, err_console, fail


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on; 0.0.0.0 exposes the server to your network."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    db: str = typer.Option(None, "--db", envvar="RUMORLENS_DB", help="Store URL: a path, sqlite:///PATH or postgresql://USER@HOST/DB."),
    model: Path = typer.Option(None, "--model", help="Model directory (default: the shipped model or $RUMORLENS_MODEL)."),
    read_only: bool = typer.Option(False, "--read-only", help="Serve without write routes (no RUMORLENS_TOKEN needed)."),
    workers: int = typer.Option(1, min=1, max=32, help="Worker processes (each loads the model); use one per CPU core for throughput."),
    log_level: str = typer.Option("warning", help="uvicorn log level: critical, error, warning, info, debug."),
    accurate: bool = typer.Option(
        True, "--accurate/--no-accurate",
        help="Offer the accurate mode (POST /v1/check?accurate=true, a tick box on the dashboard); it loads on the first "
             "request that asks (~8 s, ~800 MB per worker). --no-accurate refuses it with RL079.",
    ),
    json_out: bool = typer.Option(
        False, "--json",
        help="Log as JSON lines on stderr, for a log collector: the start-up line, one line per request (method, path, "
             "status, ms, bytes) and every warning or error.",
    ),
    get: str = typer.Option(
        None, "--get", metavar="PATH",
        help="Answer one GET request in this process and print the response body, with no server and no port: "
             "--get '/v1/outlets?limit=5'. Exit 0 for a 2xx or 3xx answer, 1 otherwise (the error's JSON is still printed). "
             "Needs no token: GET never writes.",
    ),
) -> None:
    """Serve the REST API (/v1, docs at /docs) and the dashboard (/) with uvicorn.

    Writes (POST /v1/articles) need `Authorization: Bearer $RUMORLENS_TOKEN`; without a token the
    server refuses to start unless --read-only.

    Examples:

      RUMORLENS_TOKEN=s3cret rumorlens serve --db rumorlens.db

      rumorlens serve --read-only --port 8080 --db postgresql://me@localhost/rumorlens

      rumorlens serve --read-only --workers 2 --db rumorlens.db

      rumorlens serve --read-only --json --db rumorlens.db 2>> rumorlens.log.jsonl

      rumorlens serve --db rumorlens.db --get '/v1/outlets?limit=5' | jq .

      curl -s localhost:8000/v1/check -H 'content-type: application/json' -d '{"text": "A source says..."}'

      curl -s 'localhost:8000/v1/check?text_only=true&prevalence=0.5' -H 'content-type: application/json' -d '{"text": "..."}'

      curl -s 'localhost:8000/v1/check?accurate=true' -H 'content-type: application/json' -d '{"text": "..."}'
    """
    import uvicorn

    from ..api import create_app
    from ..logs import log_line, print_library_logs, uvicorn_json_logging
    from ..model.judge import Judge
    from ..store import open_store

    if get is not None:
        raise typer.Exit(answer_one_get(get, db, model, accurate))
    print_library_logs(tracebacks=True, json_lines=json_out)  # the server's stderr is its log: an unhandled error's traceback belongs there
    token = os.environ.get("RUMORLENS_TOKEN") or None
    if not read_only and not token:
        raise fail(UsageError("RL050"), EXIT_USAGE)
    try:
        judge = Judge.load(model)  # load now: a broken model should stop startup, not the first request
        store = open_store(db)
        store.refresh_in_background = True  # pages serve the views drawn last while new ones are drawn
        application = create_app(store=store, judge=judge, token=token, read_only=read_only, accurate=accurate, access_log=json_out)
        if workers == 1:
            application.state.service.warm_up()
    except RumorlensError as err:  # an unusable model or store stops it before it starts: exit 2, as documented
        raise fail(err, EXIT_USAGE) from None
    mode = "read-only" if read_only else "read-write"
    offered = application.state.service.accurate_status()
    if json_out:
        log_line("serving", url=f"http://{host}:{port}/", mode=mode, store=repr(store), model=judge.version, accurate=offered, workers=workers)
    else:
        err_console.print(f"rumorlens {mode} on http://{host}:{port}/ (API docs /docs) · store {store!r} · model {judge.version} · accurate mode {offered}", markup=False)
    log_options = {"log_config": uvicorn_json_logging(log_level)} if json_out else {}
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level=log_level, access_log=False, **log_options)
        return
    # Several processes: each worker rebuilds the app from the environment (see api/server.py).
    store.close()
    os.environ.update({"RUMORLENS_DB": db or "", "RUMORLENS_MODEL": str(judge.path or ""), "RUMORLENS_READ_ONLY": "1" if read_only else "0",
                       "RUMORLENS_ACCURATE": "1" if accurate else "0", "RUMORLENS_JSON_LOG": "1" if json_out else "0"})
    uvicorn.run("rumorlens.api.server:app_from_env", factory=True, host=host, port=port, workers=workers, log_level=log_level, access_log=False,
                **log_options)


def answer_one_get(path: str, db: str | None, model: Path | None, accurate: bool) -> int:
    """``serve --get PATH``: the app answers one GET in this process (as datasette's ``--get``),
    for scripts and cron jobs that want what the API says without running a server. The body
    goes to stdout as the API sent it; a 4xx or 5xx answer also gets one line on stderr."""
    from fastapi.testclient import TestClient

    from ..api import create_app
    from ..logs import print_library_logs
    from ..model.judge import Judge
    from ..store import open_store

    if not path.startswith("/"):
        raise fail(UsageError("RL042", option="--get", detail=f"{path!r} is not a path on this server; start it with / (e.g. '/v1/outlets?limit=5')"), EXIT_USAGE)
    print_library_logs()
    try:
        judge = Judge.load(model) if model is not None else None  # else the shipped one, loaded only if the path needs it
        store = open_store(db)
        application = create_app(store=store, judge=judge, read_only=True, accurate=accurate)
    except RumorlensError as err:
        raise fail(err, EXIT_USAGE) from None
    try:
        # raise_server_exceptions=False: a failure is the API's 500 answer, as a client would see it
        with TestClient(application, base_url="http://localhost", raise_server_exceptions=False) as client:
            response = client.get(path)
    finally:
        store.close()
    body = response.text
    sys.stdout.write(body if body.endswith("\n") else body + "\n")
    if response.status_code < 400:
        return 0
    try:
        said = response.json().get("error") or response.reason_phrase
    except ValueError:
        said = response.reason_phrase
    err_console.print(f"error: GET {path} answered {response.status_code}: {said}", markup=False)
    return 1
