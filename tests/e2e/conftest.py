"""A real ``rumorlens serve`` (uvicorn, subprocess) on a free loopback port over a temp SQLite
store, and a headless Chromium page driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # so `e2e.support` imports like in tests/

from e2e.support import TOKEN, build_store, load_judge

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Return once ``base``/healthz answers 200; if the server exits or takes longer than
    ``seconds``, stop it and fail with the end of its ``log``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Start `python -m rumorlens serve` and yield its base URL; stop it afterwards."""
    tmp = tmp_path_factory.mktemp("live")
    judge = load_judge()
    model_dir = judge.path if getattr(judge, "path", None) else judge.save(tmp / "model")
    build_store(tmp / "live.db", judge).close()
    port = free_port()
    env = {**os.environ, "RUMORLENS_TOKEN": TOKEN, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "rumorlens", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(tmp / "live.db"), "--model", str(model_dir)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base, proc, tmp / "server.log")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    required = os.environ.get("RUMORLENS_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("RUMORLENS_REQUIRE_BROWSER=1 but the playwright package is missing; pip install playwright")
        pytest.skip("playwright not installed")
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if required:
            pytest.fail(f"RUMORLENS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing; apt-get install chromium")
        pytest.skip("chromium not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, live_server):
    """A fresh page; any JavaScript dialog (alert/confirm) is recorded: untrusted text must never run."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=live_server)
    p = context.new_page()
    p.dialogs = []
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    p.set_default_timeout(15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    yield p
    context.close()
