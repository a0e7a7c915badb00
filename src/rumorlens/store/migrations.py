"""Ordered, versioned schema migrations recorded in ``rumorlens_migrations``.

Add a migration by appending ``(version, name, function)`` to ``MIGRATIONS``; never edit one
that has shipped. A database whose highest recorded version is above ``SCHEMA_VERSION`` was
written by a newer rumorlens and is refused (RL033) rather than silently misread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Connection, func, inspect, select, text

from ..errors import StoreError
from . import final_labels, schema, search_index


def _initial(conn: Connection) -> None:
    tables = [schema.articles, schema.verdicts, schema.signals, schema.duplicates,
              schema.storylines, schema.storyline_members, schema.meta]
    schema.metadata.create_all(conn, tables=tables)


def _article_warnings(conn: Connection) -> None:
    # A database created after this migration was written already has the column (``_initial``
    # creates today's tables); one created before gets it, and its articles no warnings.
    if "warnings" not in {c["name"] for c in inspect(conn).get_columns("articles")}:
        conn.execute(text("ALTER TABLE articles ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]'"))


def _rulings(conn: Connection) -> None:
    schema.rulings.create(conn, checkfirst=True)


def _article_traits(conn: Connection) -> None:
    schema.article_traits.create(conn, checkfirst=True)


def _final_labels(conn: Connection) -> None:
    # A database created after this migration was written has the columns and their indexes
    # (``_initial`` creates today's tables); one created before gets them, worked out once.
    columns = {c["name"] for c in inspect(conn).get_columns("articles")}
    if "final_label" not in columns:
        conn.execute(text("ALTER TABLE articles ADD COLUMN final_label VARCHAR(8)"))
    if "p_fake" not in columns:
        conn.execute(text("ALTER TABLE articles ADD COLUMN p_fake FLOAT"))
    for index in schema.articles.indexes:
        if {c.name for c in index.columns} & {"final_label", "p_fake"}:
            index.create(conn, checkfirst=True)
    final_labels.refresh_all(conn)
    final_labels.create_triggers(conn)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema: articles, verdicts, signals, derived storylines/duplicates", _initial),
    (2, "articles keep their reading warnings (RW001-RW005)", _article_warnings),
    (3, "fact-checkers' rulings on stored articles", _rulings),
    (4, "each article's grouping traits (people named, MinHash signature) kept between groupings", _article_traits),
    (5, "each article's final label and p_fake kept beside it, for label filters and the review queue", _final_labels),
    (6, "trigram indexes for searching headlines and texts (PostgreSQL with pg_trgm)", search_index.create),
    (7, "headlines and texts kept folded for searches that ignore accents (and their trigram indexes)", search_index.fold_accents),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(schema.migrations_table.name):
        return 0
    return conn.execute(select(func.coalesce(func.max(schema.migrations_table.c.version), 0))).scalar_one()


MIGRATION_LOCK = 0x726C6D67  # PostgreSQL advisory lock key while migrating ('rlmg')


def migrate(conn: Connection, url: str) -> int:
    """Bring the schema up to ``SCHEMA_VERSION``; return the version found before.

    Two processes opening a new database at once (`serve --workers 2`, or `serve` beside an
    `ingest`) both found no tables and both created them, and one failed to start. On PostgreSQL
    a transaction lock makes the second wait and then find the schema made; SQLite's second
    writer is told it lost (``opening_raced``), and ``Store`` opens it again."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    schema.migrations_table.create(conn, checkfirst=True)
    found = current_version(conn)
    if found > SCHEMA_VERSION:
        raise StoreError("RL033", url=url, found=found, supported=SCHEMA_VERSION)
    for version, name, apply in MIGRATIONS:
        if version > found:
            apply(conn)
            conn.execute(schema.migrations_table.insert().values(
                version=version, name=name, applied_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")))
    return found


def opening_raced(err: BaseException) -> bool:
    """Whether a failed migration lost a race to another process creating the same schema:
    SQLite says the table already exists, the version is already recorded, or (its read
    snapshot gone stale, which its busy timeout does not wait out) that it is locked."""
    message = str(err)
    return "already exists" in message or "rumorlens_migrations" in message or "locked" in message
