"""Shared helpers for the store/corpus tests: the SQLite + PostgreSQL store fixture.

PostgreSQL is the real server from ``scripts/start-postgres.sh``: the ``postgres`` case skips
unless RUMORLENS_TEST_PG is set, and fails when RUMORLENS_REQUIRE_PG=1 and it is unreachable.
"""

from __future__ import annotations

import os

import pytest

from rumorlens.article import Article
from rumorlens.verdict import Signal, Verdict


def pg_url() -> str | None:
    """The test server URL, or None (skip) when not configured; fails loudly if required."""
    url = os.environ.get("RUMORLENS_TEST_PG")
    required = os.environ.get("RUMORLENS_REQUIRE_PG") == "1"
    if not url:
        if required:
            pytest.fail("RUMORLENS_REQUIRE_PG=1 but RUMORLENS_TEST_PG is not set")
        pytest.skip("PostgreSQL tests need RUMORLENS_TEST_PG (see scripts/start-postgres.sh)")
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=5).close()
    except Exception as err:  # noqa: BLE001 - any failure to reach the server decides skip/fail
        if required:
            pytest.fail(f"RUMORLENS_REQUIRE_PG=1 but PostgreSQL at {url} is unreachable: {err}")
        pytest.skip(f"PostgreSQL at {url} unreachable: {err}")
    return url


def fresh_pg_url() -> str:
    """The PG test database with every table dropped: each test starts from an empty schema."""
    from sqlalchemy import MetaData, create_engine

    url = pg_url()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "rumorlens.db")
    return fresh_pg_url()


@pytest.fixture
def store(store_url):
    from rumorlens.store import open_store

    s = open_store(store_url)
    yield s
    s.close()


def art(id: str, title: str, text: str, url: str | None = None, label: str | None = None, published=None) -> Article:
    return Article.create(text=text, title=title, url=url, id=id, label=label, published=published)


def verdict_for(article: Article, p_fake: float, version: str = "test") -> Verdict:
    """A hand-built verdict with one span signal, so tests do not depend on a trained model."""
    text = article.full_text
    word = text.split()[0]
    return Verdict(
        id=article.id, label="fake" if p_fake >= 0.5 else "real", p_fake=p_fake,
        signals=(Signal("hedge", word, 0, len(word), 0.5, "first word"),),
        reasons=("hand-made reason",), model_version=version, text=text, title=article.title,
        outlet=article.outlet, url=article.url, published=article.published, known_label=article.label)


class HandJudge:
    """Stands in for the Judge where the model is not what is under test: p_fake from a dict."""

    version = "hand"

    def __init__(self, p: dict[str, float] | None = None) -> None:
        self.p = p or {}
        self.seen: list[str] = []

    def judge_many(self, articles, text_only=False, explain=True, memory=None):
        for a in articles:
            self.seen.append(a.id)
            yield verdict_for(a, self.p.get(a.id, 0.8 if "insider" in a.text else 0.2), self.version)
