"""What a search of stored articles reads, and the trigram indexes that let PostgreSQL answer it.

A search (`articles --search`, `GET /v1/articles?q=`, the dashboard's box) keeps the articles
whose lowered headline or text holds the words: ``lower(...) LIKE '%words%'``. A B-tree cannot
help a pattern that starts with ``%``, so without an index every search lowers every stored
text; on PostgreSQL that took 820 ms for a page and its count over the 15,130 articles of train
+ dev, and grows with the store. pg_trgm's GIN indexes on the very same expressions answer the
same ``LIKE`` from the index (116 ms for "pregnant", found in 1,117; 25 ms for a name; 3 ms for
words found nowhere; `bench/bench_corpus.py search-pg`). The results are the same rows.

The expressions below are the ones the queries use and the ones indexed, so they live here
together: PostgreSQL only uses an expression index for a query written with the same
expression. The empty string is written into the SQL, not sent as a parameter, because a
prepared statement's generic plan sees ``coalesce(title, $1)``, which no index matches.

SQLite, the single-user store, scans: 99-146 ms for the same searches over the same articles.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, func, literal_column, text
from sqlalchemy.exc import DBAPIError

from .engine import first_line

log = logging.getLogger(__name__)

_EMPTY = literal_column("''")
# index name -> the indexed expression, as SQL (kept in step with ``folded_title``/``folded_text``)
INDEXES = {"ix_articles_title_trgm": "lower(coalesce(title, ''))", "ix_articles_text_trgm": "lower(text)"}


def folded_title(articles):
    """An article's headline lowered, '' when it has none: what a search matches against."""
    return func.lower(func.coalesce(articles.c.title, _EMPTY))


def folded_text(articles):
    return func.lower(articles.c.text)


def create(conn: Connection) -> None:
    """Create the trigram indexes on PostgreSQL (migration 6), or leave searches scanning: on
    SQLite, and where the server has no pg_trgm or the user may not add it, which is said once
    in a warning that tells how to add it later."""
    if conn.dialect.name != "postgresql":
        return
    try:
        with conn.begin_nested():  # a failed CREATE EXTENSION must not abort the migration
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except DBAPIError as err:
        log.warning("the store's searches will read every article's text: PostgreSQL could not add pg_trgm (%s); "
                    "see docs/corpus.md#searching-a-large-store to add its indexes later", first_line(err))
        return
    for name, expression in INDEXES.items():
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON articles USING gin ({expression} gin_trgm_ops)"))


def how_searched(conn: Connection) -> str:
    """"trigram indexes" where both are there, else "scan": what `rumorlens stats` tells a team
    whose server would not add pg_trgm (the warning came once, when the store was migrated)."""
    if conn.dialect.name != "postgresql":
        return "scan"
    found = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'articles'")).scalars())
    return "trigram indexes" if set(INDEXES) <= found else "scan"


def settle(engine: Engine) -> bool:
    """Merge what a write left in the indexes' pending lists; False where this user may not
    (only an index's owner may: a team's app user with row privileges alone), and autovacuum
    does it a little later instead. PostgreSQL appends a new row's entries to a GIN index's
    pending list, and every search reads that list whole: right after train + dev were stored, a
    search took 836 ms, as long as a scan, until autovacuum came round. Merged after each write,
    searches are fast at once (116 ms), and storing train + dev takes 16.6 s instead of 14.6 s
    (2.6 s without the indexes)."""
    if engine.dialect.name != "postgresql":
        return True
    try:
        with engine.begin() as conn:
            for name in INDEXES:
                conn.execute(text("SELECT gin_clean_pending_list(i) FROM (SELECT to_regclass(:name) AS i) s WHERE i IS NOT NULL"),
                             {"name": name})
    except DBAPIError as err:
        log.warning("searches right after a write may be slow until autovacuum merges the search indexes: "
                    "this user may not (%s)", first_line(err))
        return False
    return True
