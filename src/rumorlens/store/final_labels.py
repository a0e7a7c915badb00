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

from .records import final_label

# Newest first as the listings choose them (``store._newest``): by stamp, then the later model
# version or ruling. One statement for the migration and every trigger.
_NEWEST_VERDICT = "FROM verdicts v WHERE v.article_id = articles.id ORDER BY v.created_at DESC, v.model_version DESC LIMIT 1"
FINAL_LABEL = ("COALESCE((SELECT r.label FROM rulings r WHERE r.article_id = articles.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1), "
               f"articles.known_label, (SELECT v.label {_NEWEST_VERDICT}))")
P_FAKE = f"(SELECT v.p_fake {_NEWEST_VERDICT})"
UPDATE = f"UPDATE articles SET final_label = {FINAL_LABEL}, p_fake = {P_FAKE}"
SOURCES = ("verdicts", "rulings")
ARTICLE_EVENTS = (("articles_final_label_insert", "AFTER INSERT"), ("articles_final_label_update", "AFTER UPDATE OF known_label"))
_LATEST_RULING = "(SELECT r.label FROM rulings r WHERE r.article_id = NEW.article_id ORDER BY r.created_at DESC, r.id DESC LIMIT 1)"


def _nothing_to_write(dialect: str) -> dict[tuple[str, str], str]:
    """For the inserts every ingest makes, when the kept values already hold (the store writes
    an article's with it; ``initial``), a condition that skips working them out: working them
    out for every article and every verdict stored added a fifth to storing train. A new
    verdict leaves them right when they already are what it would give as the newest (and if it
    is not the newest, they do not change); a new ruling, when the final label is its label; a
    new article, when it was stored with them (a script's row without them is worked out)."""
    same = "IS NOT DISTINCT FROM" if dialect == "postgresql" else "IS"  # null-safe equality
    return {
        ("verdicts", "INSERT"): (f"EXISTS (SELECT 1 FROM articles a WHERE a.id = NEW.article_id AND a.p_fake {same} NEW.p_fake "
                                 f"AND a.final_label {same} COALESCE({_LATEST_RULING}, a.known_label, NEW.label))"),
        ("rulings", "INSERT"): f"EXISTS (SELECT 1 FROM articles a WHERE a.id = NEW.article_id AND a.final_label {same} NEW.label)",
        ("articles", "INSERT"): "NOT (NEW.final_label IS NULL AND NEW.known_label IS NOT NULL)",
    }


def initial(known_label: str | None, ruling: str | None, verdict_label: str | None, p_fake: float | None) -> dict:
    """The kept columns of an article being stored with at most one verdict and one ruling, as
    the triggers would work them out (so they find nothing to write)."""
    return {"final_label": final_label(ruling, known_label, verdict_label)[0], "p_fake": p_fake}


def refresh_all(conn: Connection) -> None:
    conn.execute(text(UPDATE))


def create_triggers(conn: Connection) -> None:
    """After an article is stored or its ``known_label`` changes, and after any insert, update
    or delete of a verdict or a ruling, that article's kept columns are worked out again."""
    skips = _nothing_to_write(conn.dialect.name)
    if conn.dialect.name == "postgresql":
        conn.execute(text(
            "CREATE OR REPLACE FUNCTION rumorlens_final_label() RETURNS trigger AS $$\n"
            "DECLARE aid text;\n"
            "BEGIN\n"
            + "".join(f"  IF TG_OP = '{event}' AND TG_TABLE_NAME = '{table}' THEN IF {condition} THEN RETURN NULL; END IF; END IF;\n"
                      for (table, event), condition in skips.items()) +
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
            conn.execute(text(f"CREATE TRIGGER {name} {event} ON articles FOR EACH ROW EXECUTE FUNCTION rumorlens_final_label()"))
        return
    for table in SOURCES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"{table}_final_label_{event.lower()}"
            also = f" {UPDATE} WHERE articles.id = OLD.article_id;" if event == "UPDATE" else ""
            when = f"WHEN NOT ({skips[table, event]}) " if (table, event) in skips else ""
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
            conn.execute(text(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when}BEGIN "
                              f"{UPDATE} WHERE articles.id = {row}.article_id;{also} END"))
    for name, event in ARTICLE_EVENTS:
        when = f"WHEN NOT ({skips['articles', 'INSERT']}) " if event == "AFTER INSERT" else ""
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text(f"CREATE TRIGGER {name} {event} ON articles FOR EACH ROW {when}"
                          f"BEGIN {UPDATE} WHERE articles.id = NEW.id; END"))
