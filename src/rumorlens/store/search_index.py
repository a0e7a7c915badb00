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

Accents and case are folded on both sides (migration 7): "beyonce" finds "Beyoncé" and "BEYONCÉ",
"fiance" finds "fiancé". SQL's ``lower()`` cannot do that (SQLite's lowers ASCII alone), so an
article whose fold differs from ASCII lowering keeps its folded headline and text beside it
(``title_folded``, ``text_folded``; 4,124 of train + dev's 15,130 stored texts), and a search
reads ``coalesce(text_folded, lower(text))``. In a store of train + dev, "beyonce" found 242
articles before and finds 460, "fiance" 274 and 669.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, bindparam, func, inspect, literal_column, select, text, update
from sqlalchemy.exc import DBAPIError

from ..folding import fold_text
from . import schema
from .engine import first_line

log = logging.getLogger(__name__)

_EMPTY = literal_column("''")
# index name -> the indexed expression, as SQL (kept in step with ``folded_title``/``folded_text``)
INDEXES = {"ix_articles_title_folded_trgm": "coalesce(title_folded, lower(coalesce(title, '')))",
           "ix_articles_text_folded_trgm": "coalesce(text_folded, lower(text))"}
# Migration 6's indexes, on lowered text alone: migration 7 replaces them with the above.
LOWERED_INDEXES = {"ix_articles_title_trgm": "lower(coalesce(title, ''))", "ix_articles_text_trgm": "lower(text)"}
BACKFILL_PAGE = 1000  # articles read at a time when migration 7 folds a store's texts


def folded_title(articles):
    """An article's headline folded, '' when it has none: what a search matches against."""
    return func.coalesce(articles.c.title_folded, func.lower(func.coalesce(articles.c.title, _EMPTY)))


def folded_text(articles):
    return func.coalesce(articles.c.text_folded, func.lower(articles.c.text))


def needle(q: str | None) -> str:
    """What a search looks for: the words folded as the stored texts are ('' for no search)."""
    return fold_text((q or "").strip())


def kept_fold(value: str | None) -> str | None:
    """What to keep beside a headline or text for searches: its fold, or None where SQL's
    ``lower()`` already gives it (SQLite lowers A-Z alone, so that is what is compared)."""
    if not value or value.isascii():
        return None
    folded = fold_text(value)
    # bytes.lower() lowers A-Z alone, as SQLite does, 35 times faster than str.translate
    return None if folded == value.encode("utf-8").lower().decode("utf-8") else folded


def folded_columns(title: str | None, body: str) -> dict:
    """The two kept folds of an article being stored."""
    return {"title_folded": kept_fold(title), "text_folded": kept_fold(body)}


def create(conn: Connection) -> None:
    """Create the trigram indexes on PostgreSQL (migration 6), or leave searches scanning: on
    SQLite, and where the server has no pg_trgm or the user may not add it, which is said once
    in a warning that tells how to add it later. Migration 6 as it shipped: its indexes are
    migration 7's to replace."""
    if conn.dialect.name != "postgresql":
        return
    try:
        with conn.begin_nested():  # a failed CREATE EXTENSION must not abort the migration
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except DBAPIError as err:
        log.warning("the store's searches will read every article's text: PostgreSQL could not add pg_trgm (%s); "
                    "see docs/corpus.md#searching-a-large-store to add its indexes later", first_line(err))
        return
    create_indexes(conn, LOWERED_INDEXES)


def create_indexes(conn: Connection, indexes: dict[str, str] = INDEXES) -> None:
    """Index these expressions for trigram searches (PostgreSQL with pg_trgm)."""
    for name, expression in indexes.items():
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON articles USING gin ({expression} gin_trgm_ops)"))


def fold_accents(conn: Connection) -> None:
    """Migration 7: keep each article's folds beside it (``kept_fold``), worked out for the
    articles already stored a page at a time, and on PostgreSQL index what searches now read in
    place of migration 6's indexes. Where pg_trgm could not be added, migration 6 said so and
    searches go on scanning; nothing more is said here."""
    columns = {c["name"] for c in inspect(conn).get_columns("articles")}
    for name in ("title_folded", "text_folded"):
        if name not in columns:  # a database created since has them (``_initial`` makes today's tables)
            conn.execute(text(f"ALTER TABLE articles ADD COLUMN {name} TEXT"))
    _fold_stored(conn)
    if conn.dialect.name != "postgresql":
        return
    for name in LOWERED_INDEXES:
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is not None:
        create_indexes(conn)


def _fold_stored(conn: Connection) -> None:
    a = schema.articles
    last = None
    while True:
        page = select(a.c.id, a.c.title, a.c.text).order_by(a.c.id).limit(BACKFILL_PAGE)
        rows = conn.execute(page if last is None else page.where(a.c.id > last)).all()
        if not rows:
            return
        last = rows[-1].id
        folds = [{"key": r.id, **folded_columns(r.title, r.text)} for r in rows]
        folds = [f for f in folds if f["title_folded"] is not None or f["text_folded"] is not None]
        if folds:
            conn.execute(update(a).where(a.c.id == bindparam("key")).values(
                title_folded=bindparam("title_folded"), text_folded=bindparam("text_folded")), folds)


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
