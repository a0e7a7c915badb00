"""The real uvicorn server over loopback: writes with the token, the body cap, startup refusal."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import httpx
import pytest

from e2e.conftest import REPO
from e2e.support import TOKEN, auth

pytestmark = pytest.mark.slow


def test_server_write_then_read_over_http(live_server):
    article = {"id": "live-1", "title": "Live test story", "text": "An insider claims the live server works.", "url": "https://www.example.org/live"}
    assert httpx.post(live_server + "/v1/articles", json=article).status_code == 401
    resp = httpx.post(live_server + "/v1/articles", json=article, headers=auth())
    assert resp.status_code == 201, resp.text
    got = httpx.get(live_server + "/v1/articles/live-1").json()
    assert got["title"] == "Live test story" and got["outlet"] == "example.org"


def test_server_refuses_oversized_body_before_reading_it(live_server):
    """Declare 50 MB and send nothing: the 413 must come back without the body being read."""
    parts = urlsplit(live_server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n{")
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 413"), data[:200]
    body = json.loads(data.split(b"\r\n\r\n", 1)[1])
    assert body["code"] == "RL052" and body["status"] == 413


def test_server_cli_refuses_to_start_without_token():
    env = {k: v for k, v in os.environ.items() if k != "RUMORLENS_TOKEN"}
    env["PYTHONPATH"] = str(REPO / "src")
    proc = subprocess.run([sys.executable, "-m", "rumorlens", "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: write routes need a token: set RUMORLENS_TOKEN before `rumorlens serve` (or pass --read-only) [RL050]"
    assert TOKEN not in proc.stderr


def test_server_cli_with_an_unusable_store_or_model_exits_2_with_one_line(tmp_path):
    """As check and ingest do: a store or model that cannot be used stops the command before it
    starts (exit 2), in one line, no traceback."""
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not a database")
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    for args, message in [
        (["--db", str(garbage)], f"error: cannot open database {garbage} (not a rumorlens SQLite database); check the URL, that the server is running and that you may connect [RL030]"),
        (["--model", str(tmp_path)], f"error: {tmp_path}: no model found (missing meta.json); train one with `rumorlens train --out DIR` or drop --model [RL020]"),
    ]:
        proc = subprocess.run([sys.executable, "-m", "rumorlens", "serve", "--read-only", "--port", "1", *args], env=env, capture_output=True, text=True, timeout=60)
        assert (proc.returncode, proc.stderr.strip()) == (2, message)


@pytest.mark.parametrize("workers", [1, 2])
def test_server_json_logs_one_json_line_per_request_and_nothing_else(tmp_path, workers):
    """`serve --json`: what a log collector reads. Every stderr line is JSON (uvicorn's own at
    --log-level info too): the start-up line, then one per request with method, path, status,
    ms and bytes, a refused oversized body and a 404 included; a path holding a newline and a
    quote stays inside its line."""
    from e2e.conftest import free_port, wait_until_serving
    from e2e.support import build_store, load_judge

    judge = load_judge()
    model_dir = judge.path if getattr(judge, "path", None) else judge.save(tmp_path / "model")
    build_store(tmp_path / "s.db", judge, n_dev=20).close()
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    log = (tmp_path / "server.jsonl").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "rumorlens", "serve", "--read-only", "--json", "--log-level", "info", "--workers", str(workers), "--port", str(port),
                             "--db", str(tmp_path / "s.db"), "--model", str(model_dir)], env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, proc, tmp_path / "server.jsonl")
        assert httpx.get(base + "/nope").status_code == 404
        assert httpx.post(base + "/v1/check", json={"text": "Sources say the couple split."}).status_code == 200
        assert httpx.post(base + "/v1/check", content=b"x" * (11 * 1024 * 1024), headers={"content-type": "application/json"}).status_code == 413
        assert httpx.get(base + '/v1/articles/forged%0A%22event%22:%22serving').status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lines = (tmp_path / "server.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line is JSON, or this fails
    assert all(r["time"].endswith("Z") and r["event"] in ("serving", "request", "log") for r in records)
    assert [(r["mode"], r["workers"]) for r in records if r["event"] == "serving"] == [("read-only", workers)]
    assert any(r["event"] == "log" and r["logger"].startswith("uvicorn") for r in records)  # uvicorn's own lines, as JSON
    requests = [(r["method"], r["path"], r["status"]) for r in records if r["event"] == "request"]
    assert ("GET", "/nope", 404) in requests
    assert ("POST", "/v1/check", 200) in requests
    assert ("POST", "/v1/check", 413) in requests
    assert ("GET", '/v1/articles/forged\n"event":"serving', 404) in requests  # escaped inside one line, not a forged one
    assert all(r["ms"] >= 0 and r["bytes"] > 0 for r in records if r["event"] == "request")
