"""The one schema, as SQLAlchemy Core tables, shared by SQLite and PostgreSQL.

Migrations (``migrations.py``) create these tables; code never calls ``metadata.create_all``
directly so that the recorded schema version always says what is in the database.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("content_hash", String(40), nullable=False, index=True),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("url", Text),
    Column("outlet", String(255), index=True),
    Column("published", String(32)),
    Column("author", Text),
    Column("known_label", String(8)),  # the label the record carried (source: label)
    Column("ingested_at", String(32), nullable=False),
    # JSON list of the reading warnings (RW001-RW008) the article came with: its page says it was
    # truncated or decoded with replacements long after the check that read it (migration 2)
    Column("warnings", Text, nullable=False, default="[]", server_default="[]"),
    # Kept up by every write (migration 5; ``final_labels.py``): the final label (latest ruling,
    # else known label, else latest verdict) and the latest verdict's p_fake, so that a label
    # filter or a most-likely-fake-first queue is an index scan, not a join of every article to
    # its verdicts and rulings. Listings still show the label worked out from those rows.
    Column("final_label", String(8), index=True),
    Column("p_fake", Float, index=True),
    # What a search reads where SQL's lower() cannot fold (migration 7; ``search_index.py``):
    # the headline and text with accents dropped and case lowered, NULL where lower() gives it.
    Column("title_folded", Text),
    Column("text_folded", Text),
)

verdicts = Table(
    "verdicts",
    metadata,
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("model_version", String(100), primary_key=True),
    Column("label", String(8), nullable=False),
    Column("p_fake", Float, nullable=False),
    Column("truth_rating", Integer, nullable=False),
    Column("reasons", Text, nullable=False, default="[]"),  # JSON list of strings
    Column("text_only", Integer, nullable=False, default=0),
    Column("created_at", String(32), nullable=False),
)

signals = Table(
    "signals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("weight", Float, nullable=False, default=0.0),
    Column("note", Text, nullable=False, default=""),
    Column("speaker", Text),
    Column("outlet", Text),
    Index("ix_signals_article", "article_id"),
)

# A fact-checker's ruling on a stored article (migration 3): the call a person made after
# looking into it ("the rep told us it is untrue"). The newest ruling is the article's final
# label, above the label its record carried and the model's verdict; older ones stay as history.
rulings = Table(
    "rulings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(8), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("reviewer", String(200)),
    Column("created_at", String(32), nullable=False),
    Index("ix_rulings_article", "article_id"),
)

# What grouping reads from each article alone (migration 4; ``corpus/traits.py``): the people its
# lead names and its MinHash signature, kept with the article's content hash and the version of
# the code that computed them, so a regrouping after an ingest computes them for new articles only.
article_traits = Table(
    "article_traits",
    metadata,
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("content_hash", String(40), nullable=False),
    Column("version", String(100), nullable=False),
    Column("people", Text, nullable=False),  # JSON list of [key, name as shown]
    Column("minhash", LargeBinary),  # None: too short to compare
)

# Derived tables: rebuilt from the three above whenever they are stale (see ``meta``).
duplicates = Table(
    "duplicates",
    metadata,
    Column("article_id", String(200), primary_key=True),
    Column("duplicate_of", String(200), nullable=False, index=True),
    Column("similarity", Float, nullable=False),
)

storylines = Table(
    "storylines",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("data", Text, nullable=False),  # JSON of the full Storyline (people, outlets, timeline...)
    Column("n", Integer, nullable=False),
    Column("last_seen", String(32)),
)

storyline_members = Table(
    "storyline_members",
    metadata,
    Column("storyline_id", String(40), primary_key=True),
    Column("article_id", String(200), primary_key=True),
    Index("ix_members_article", "article_id"),
)

meta = Table(
    "rumorlens_meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

migrations_table = Table(
    "rumorlens_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", String(32), nullable=False),
)
