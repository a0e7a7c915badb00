"""Fixtures shared by the API, web and browser tests: a real Judge, a real SQLite store seeded
with the five Khloe Kardashian / Lamar Odom seed articles plus a slice of the dev split, and
an app built over them. Imported by ``tests/test_api*.py``, ``tests/test_web*.py`` and
``tests/e2e/``; data is read from ``../shared`` at run time, never copied into the repo.
"""

from __future__ import annotations

import dataclasses
import json
import random
import threading
from pathlib import Path

import pytest

from rumorlens.article import Article
from rumorlens.read import read_articles

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "examples" / "seeds"
DEV = SHARED / "data" / "gossipcop" / "dev.jsonl"
TRAIN = SHARED / "data" / "gossipcop" / "train.jsonl"
TOKEN = "test-token-0123456789"

HOSTILE_TITLE = 'Star <script>alert("xss-title")</script> shock'
HOSTILE_TEXT = (
    'A source close to the couple says <img src=x onerror="alert(\'xss-body\')"> they are '
    "allegedly splitting. <script>alert('xss-body-2')</script> Shocking!"
)


def need_shared() -> None:
    if not SEEDS.is_dir() or not DEV.is_file():
        pytest.skip(f"shared data not found at {SHARED}")


def load_judge():
    """The shipped model if it is there; otherwise a small real model fitted on a train sample."""
    from rumorlens.errors import ModelError
    from rumorlens.model.judge import Judge

    try:
        return Judge.load()
    except ModelError:
        need_shared()
        lines = TRAIN.read_text(encoding="utf-8").splitlines()
        random.Random(7).shuffle(lines)
        return Judge.fit([Article.from_dict(json.loads(line)) for line in lines[:400]])


def seed_articles(n_dev: int = 250) -> list[Article]:
    """The five seed files (one storyline) and ``n_dev`` dev articles picked at random (many outlets)."""
    need_shared()
    seeds = list(read_articles([SEEDS]))
    lines = DEV.read_text(encoding="utf-8").splitlines()
    picked = random.Random(3).sample(range(len(lines)), n_dev)  # the split is ordered by label; mix it
    dev = [Article.from_dict(json.loads(lines[i])) for i in sorted(picked)]
    return seeds + dev


def hostile_article() -> Article:
    return Article.create(text=HOSTILE_TEXT, title=HOSTILE_TITLE, url="https://www.example-tabloid.com/x", id="hostile-1",
                          published="2018-04-20T10:00:00Z")


def build_store(path: Path, judge, n_dev: int = 250):
    from rumorlens.store import open_store

    store = open_store(str(path))
    articles = seed_articles(n_dev) + [hostile_article()]
    verdicts = list(judge.judge_many(articles))
    store.add(list(zip(articles, verdicts)))
    return store


@pytest.fixture(scope="session")
def judge():
    return load_judge()


@pytest.fixture(scope="session")
def seeded_store(judge, tmp_path_factory):
    """A store shared by read-only tests (tests that write use ``fresh_store``)."""
    store = build_store(tmp_path_factory.mktemp("store") / "seeded.db", judge)
    yield store
    store.close()


@pytest.fixture()
def fresh_store(tmp_path):
    from rumorlens.store import open_store

    store = open_store(str(tmp_path / "fresh.db"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def read_client(judge, seeded_store):
    from fastapi.testclient import TestClient

    from rumorlens.api import create_app

    app = create_app(store=seeded_store, judge=judge, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture()
def write_client(judge, fresh_store):
    from fastapi.testclient import TestClient

    from rumorlens.api import create_app

    app = create_app(store=fresh_store, judge=judge, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_error_shape(resp, status: int, code: str) -> dict:
    """The ONE error shape every endpoint uses."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"ok", "error", "code", "errors", "status"}, body
    assert body["ok"] is False
    assert body["code"] == code, body
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list) and body["errors"]
    return body


# -- stand-ins for the accurate mode (no torch needed) ---------------------------------------
class SlowReader:
    """Stands in for ``Judge.accurate()``: the real judge's verdicts under a reader's version,
    each batch held until the test releases it (a transformer's ~40 ms an article, stretched)."""

    def __init__(self, judge, release: threading.Event | None = None) -> None:
        self.base, self.release, self.batches = judge, release, []
        self.version = judge.version + "+reader-test"

    def judge_many(self, articles, **kw):
        self.batches.append((len(articles), threading.get_ident()))
        if self.release is not None:
            assert self.release.wait(20), "released only after a fast check finished, which never came"
        return [dataclasses.replace(v, model_version=self.version) for v in self.base.judge_many(articles, **kw)]

    def judge(self, article, **kw):
        return self.judge_many([article], **kw)[0]


class WithReader:
    """A judge that has an accurate mode, as ``Judge`` does (``accurate()``)."""

    def __init__(self, judge, reader) -> None:
        self.base, self.reader, self.version, self.loads = judge, reader, judge.version, 0

    def judge(self, article, **kw):
        return self.base.judge(article, **kw)

    def judge_many(self, articles, **kw):
        return self.base.judge_many(articles, **kw)

    def accurate(self):
        self.loads += 1
        return self.reader
