"""Searching a PostgreSQL store through its trigram indexes (``store/search_index.py``), and the
same searches where the server will not add pg_trgm: they scan, find the same articles, and say
so once."""

from __future__ import annotations

import json
import logging
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text

from rumorlens.article import Article
from rumorlens.store import SCHEMA_VERSION, open_store, schema
from rumorlens.store.search_index import INDEXES
from rumorlens.store.store import Store
from test_store_helpers import art, fresh_pg_url, pg_url

ARTICLES = [
    art("a1", "Is Jennifer Aniston Pregnant?", "An insider says the star is expecting.", label="fake"),
    art("a2", None, "Her rep said the pregnant rumour is untrue. Jennifer Aniston laughed it off."),
    art("a3", "Award night", "The winners were named on stage by the academy."),
]


def generic_plan(store, statement) -> str:
    """EXPLAIN of ``statement`` as a prepared statement's generic plan, with sequential scans
    priced out: how a server plans a search once the driver has prepared it (psycopg does after
    five runs), with every value a parameter. An expression index is used only if the query's
    expression is the indexed one."""
    with store.engine.connect() as conn:
        compiled = statement.compile(conn)
        names: list[str] = []

        def placeholder(match) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        sql = re.sub(r"%\((\w+)\)s", placeholder, str(compiled))  # "%%" stays: the driver reads it as "%"
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql(f"PREPARE rl_search AS {sql}")
        values = ", ".join("'" + str(compiled.params[n]).replace("'", "''") + "'" for n in names)
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN EXECUTE rl_search({values})"))
        conn.exec_driver_sql("DEALLOCATE rl_search")
        conn.rollback()
    return plan


def test_postgres_search_reads_the_trigram_indexes_even_as_a_prepared_statement():
    store = open_store(fresh_pg_url())
    try:
        store.add((a, None) for a in ARTICLES)
        with store.engine.connect() as conn:
            indexes = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'articles'")).scalars())
        assert set(INDEXES) <= indexes and store.stats()["search"] == "trigram indexes"
        # the articles' search, and a storyline search by its stories' headlines
        a = schema.articles
        plan = generic_plan(store, Store._matching(select(a.c.id), "Pregnant", None, None))
        assert "ix_articles_title_folded_trgm" in plan and "ix_articles_text_folded_trgm" in plan and "Seq Scan" not in plan, plan
        plan = generic_plan(store, Store._storylines_matching(select(schema.storylines.c.id), 2, "aniston"))
        assert "ix_articles_title_folded_trgm" in plan, plan
        # the same articles as before the indexes: case-insensitive, headline or text, % literal
        assert sorted(r["id"] for r in store.search(q="PREGNANT")) == ["a1", "a2"]
        assert store.count(q="pregnant") == 2 and store.count(q="academy") == 1 and store.count(q="100%") == 0
    finally:
        store.close()


@contextmanager
def database_for_a_user(name: str, grants: list[str], migrated_by_owner: bool = False):
    """A database of the test server, owned by the server's user, and the URL of a user of it
    (also ``name``) who holds only ``grants``; both dropped afterwards."""
    import psycopg

    url = pg_url()
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"DROP ROLE IF EXISTS {name}")
        admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{name}'")
        admin.execute(f"CREATE DATABASE {name}")
    if migrated_by_owner:
        open_store(f"{server}/{name}").close()  # tables, triggers, search indexes: all the owner's
    with psycopg.connect(f"{server}/{name}", autocommit=True) as owner:
        for grant in grants:
            owner.execute(grant.format(user=name))
    scheme, rest = server.split("://", 1)
    try:
        yield f"{scheme}://{name}:{name}@{rest.split('@', 1)[1]}/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture
def store_without_pg_trgm():
    """A database whose user may create tables but not extensions, as on a managed server where
    only an administrator adds them."""
    with database_for_a_user("rumorlens_no_trgm", ["GRANT USAGE, CREATE ON SCHEMA public TO {user}"]) as url:
        yield url


def test_postgres_without_pg_trgm_still_searches_and_says_why_it_scans(store_without_pg_trgm, caplog):
    with caplog.at_level(logging.WARNING, logger="rumorlens.store.search_index"):
        store = open_store(store_without_pg_trgm)
    try:
        warned = [r.getMessage() for r in caplog.records]
        assert len(warned) == 1 and "could not add pg_trgm" in warned[0] and "permission denied" in warned[0]
        assert "docs/corpus.md#searching-a-large-store" in warned[0]
        assert store.schema_version == SCHEMA_VERSION  # the migrations are done; a DBA can add the indexes later
        assert store.add((a, None) for a in ARTICLES) == 3  # writes do not trip over the missing indexes
        assert sorted(r["id"] for r in store.search(q="pregnant")) == ["a1", "a2"] and store.count(q="academy") == 1
        with store.engine.connect() as conn:
            assert not set(INDEXES) & set(conn.execute(text("SELECT indexname FROM pg_indexes")).scalars())
        assert store.count(q="beyonce") == 0 and store.add([(Article.create(id="b", title="Beyoncé", text="x"), None)]) == 1
        assert store.count(q="beyonce") == 1  # scanning, the folds are read all the same
        assert store.stats()["search"] == "scan"  # what a DBA reads later, the warning long gone
    finally:
        store.close()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="rumorlens.store.search_index"):
        open_store(store_without_pg_trgm).close()
    assert caplog.records == []  # said once, when the store was migrated, not at every opening


@pytest.fixture
def app_user_store_url():
    """A store migrated by its owner, used by an app user with row privileges alone (a team's
    usual split): such a user may not merge an index's pending list."""
    grants = ["GRANT USAGE ON SCHEMA public TO {user}", "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {user}",
              "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {user}"]
    with database_for_a_user("rumorlens_app_user", grants, migrated_by_owner=True) as url:
        yield url


def test_postgres_app_user_who_does_not_own_the_indexes_still_stores_and_searches(app_user_store_url, caplog):
    """Only an index's owner may merge its pending list. An app user's writes still land (the
    merge was failing each one after its commit), searches still use the indexes, and the
    warning comes once, not at every write."""
    store = open_store(app_user_store_url)
    try:
        with caplog.at_level(logging.WARNING, logger="rumorlens.store.search_index"):
            assert store.add([(ARTICLES[0], None)]) == 1
            assert store.add((a, None) for a in ARTICLES[1:]) == 2
        warned = [r.getMessage() for r in caplog.records]
        assert len(warned) == 1 and "must be owner of index" in warned[0] and "until autovacuum" in warned[0]
        assert store.count() == 3 and sorted(r["id"] for r in store.search(q="pregnant")) == ["a1", "a2"]
        plan = generic_plan(store, Store._matching(select(schema.articles.c.id), "pregnant", None, None))
        assert "ix_articles_text_folded_trgm" in plan, plan
    finally:
        store.close()


def test_cli_says_once_when_its_user_cannot_merge_the_search_indexes(app_user_store_url, tmp_path):
    """The library's warning reaches a CLI user: before, the package's NullHandler swallowed it."""
    from typer.testing import CliRunner

    from rumorlens.cli import app

    feed = tmp_path / "two.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text}) + "\n" for a in ARTICLES[:2]))
    result = CliRunner().invoke(app, ["ingest", str(feed), "--db", app_user_store_url, "--json", "--batch-size", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 2
    warned = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warned) == 1 and warned[0].startswith("warning: searches right after a write may be slow until autovacuum"), warned
