"""Each article's final label and p_fake, kept in ``articles`` (``final_label``, ``p_fake``).

The final label is a fact-checker's latest ruling, else the label the article's record carried,
else the model's latest verdict (``records.final_label``); p_fake is the latest verdict's. A
label filter or a queue sorted by p_fake then reads one indexed column instead of joining every
article to its verdicts and rulings (a page of fakes read all 15,130 of train + dev).

The database keeps them: triggers on ``articles``, ``verdicts`` and ``rulings`` work them out
again for the article whose row was written, whoever wrote it (an ingest, ``rumorlens rule``, a
team's own script), and migration 5 works them out once for a database from before.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Newest first as the listings choose them (``store._newest``): by stamp, then the later model
# version or ruling. One statement for the migration and every trigger.
UPDATE = """UPDATE articles SET
  final_label = COALESCE(
    (SELECT r.label FROM rulings r WHERE r.article_id = articles.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
    articles.known_label,
    (SELECT v.label FROM verdicts v WHERE v.article_id = articles.id ORDER BY v.created_at DESC, v.model_version DESC LIMIT 1)),
  p_fake = (SELECT v.p_fake FROM verdicts v WHERE v.article_id = articles.id ORDER BY v.created_at DESC, v.model_version DESC LIMIT 1)"""
SOURCES = ("verdicts", "rulings")
ARTICLE_EVENTS = (("articles_final_label_insert", "AFTER INSERT"), ("articles_final_label_update", "AFTER UPDATE OF known_label"))
# A new article has no verdict or ruling yet (they point at it), so its final label is its known
# label: the store writes that itself (``initial``), and the trigger works it out only for a row
# written without it. A tenth of ingest time went into working it out for every article.
ARTICLE_WHEN = {"articles_final_label_insert": "WHEN (NEW.final_label IS NULL AND NEW.known_label IS NOT NULL)"}


def initial(known_label: str | None) -> dict:
    """The kept columns of an article being stored, before any verdict or ruling of it."""
    return {"final_label": known_label, "p_fake": None}


def refresh_all(conn: Connection) -> None:
    conn.execute(text(UPDATE))


def create_triggers(conn: Connection) -> None:
    """After an article is stored or its ``known_label`` changes, and after any insert, update
    or delete of a verdict or a ruling, that article's kept columns are worked out again."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(
            "CREATE OR REPLACE FUNCTION rumorlens_final_label() RETURNS trigger AS $$\n"
            "DECLARE aid text;\n"
            "BEGIN\n"
            "  IF TG_OP = 'DELETE' THEN aid := OLD.article_id; ELSIF TG_TABLE_NAME = 'articles' THEN aid := NEW.id;"
            " ELSE aid := NEW.article_id; END IF;\n"
            f"  {UPDATE} WHERE articles.id = aid;\n"
            "  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME <> 'articles' THEN\n"
            f"    IF OLD.article_id <> NEW.article_id THEN {UPDATE} WHERE articles.id = OLD.article_id; END IF;\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$ LANGUAGE plpgsql"))
        for table in SOURCES:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_final_label ON {table}"))
            conn.execute(text(f"CREATE TRIGGER {table}_final_label AFTER INSERT OR UPDATE OR DELETE ON {table} "
                              "FOR EACH ROW EXECUTE FUNCTION rumorlens_final_label()"))
        for name, event in ARTICLE_EVENTS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON articles"))
            conn.execute(text(f"CREATE TRIGGER {name} {event} ON articles FOR EACH ROW {ARTICLE_WHEN.get(name, '')} "
                              "EXECUTE FUNCTION rumorlens_final_label()"))
        return
    for table in SOURCES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"{table}_final_label_{event.lower()}"
            also = f" {UPDATE} WHERE articles.id = OLD.article_id;" if event == "UPDATE" else ""
            conn.execute(text(f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} FOR EACH ROW BEGIN "
                              f"{UPDATE} WHERE articles.id = {row}.article_id;{also} END"))
    for name, event in ARTICLE_EVENTS:
        conn.execute(text(f"CREATE TRIGGER IF NOT EXISTS {name} {event} ON articles FOR EACH ROW {ARTICLE_WHEN.get(name, '')} "
                          f"BEGIN {UPDATE} WHERE articles.id = NEW.id; END"))
