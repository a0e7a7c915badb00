"""Stored rows as the records every view shows: the REST API, the dashboard and the CLI.

A stored article comes back as the verdict it was given (the same dict ``check --json``
prints), with the storyline it belongs to and its near-duplicates; a listing row as a short
summary. One place, so `rumorlens articles ID --json` and `GET /v1/articles/{id}` agree.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..article import Article
from ..errors import message_code, warning_text
from ..verdict import Signal, Verdict, truth_rating


def plain(obj: Any) -> Any:
    """A store return value (dataclass, object with ``as_dict``, dict) as plain JSON data."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if hasattr(obj, "as_dict"):
        return plain(obj.as_dict())
    if dataclasses.is_dataclass(obj):
        return plain(dataclasses.asdict(obj))
    return str(obj)


def story_dict(story: Any) -> dict:
    d = plain(story)
    d["id"] = str(d.get("id"))
    d["article_ids"] = list(d.get("article_ids") or [])
    d.setdefault("n", len(d["article_ids"]))
    return d


def summary_row(r: dict) -> dict:
    """A ``Store.rows()`` or ``Store.search`` row as the short article summary listings show."""
    p = r.get("p_fake")
    return {
        "id": r["id"], "title": r.get("title") or "", "outlet": r.get("outlet"), "url": r.get("url"),
        "published": r.get("published"), "label": r.get("label"),
        "p_fake": None if p is None else round(float(p), 4),
        # The stored rating: the meter depends on the threshold of the model that judged it.
        "truth_rating": r.get("truth_rating") if r.get("truth_rating") is not None else (None if p is None else truth_rating(p)),
        "known_label": r.get("known_label"), "ruling": r.get("ruling"), "final_label": r.get("final_label"),
        "label_source": r.get("label_source"), "model_version": r.get("model_version"),
    }


def stored_verdict(stored: dict) -> dict:
    """``Store.article(id)`` (article row + verdict rows + signal rows) as a ``Verdict`` dict.

    The latest verdict wins; its signals are the rows with the same model version. ``text`` is
    title + newline + body (a headline stored without a body: the headline once), the string the
    signal offsets point into. ``warnings`` are those the article was read with; a headline
    judged alone says so (RW005) even if it was stored before the store kept warnings.
    """
    verdict = verdict_from_stored(stored)
    if verdict is None:
        article = Article(id=stored["id"], text=stored.get("text") or "", title=stored.get("title") or "")
        return {
            "id": stored["id"], "title": article.title, "outlet": stored.get("outlet"), "url": stored.get("url"),
            "published": stored.get("published"), "label": None, "p_fake": None, "truth_rating": None,
            "signals": [], "reasons": [], "model_version": None, "text_only": False,
            "known_label": stored.get("known_label"), "warnings": list(_warnings(stored, article)), "text": article.full_text,
        }
    out = verdict.as_dict()
    latest = stored["verdicts"][-1]
    if latest.get("truth_rating") is not None:  # as judged: the meter depends on the model's threshold
        out["truth_rating"] = int(latest["truth_rating"])
    return out


def verdict_from_stored(stored: dict) -> Verdict | None:
    """The latest ``Verdict`` a stored article was given, or None if it was never judged."""
    verdicts = stored.get("verdicts") or []
    if not verdicts:
        return None
    article = Article(id=stored["id"], text=stored.get("text") or "", title=stored.get("title") or "")
    latest = verdicts[-1]
    seen, signals = set(), []
    for s in stored.get("signals") or []:
        key = (s.get("kind"), s.get("start"), s.get("end"), s.get("text"))
        if s.get("model_version") != latest.get("model_version") or key in seen:
            continue
        seen.add(key)
        signals.append(Signal.from_dict({k: v for k, v in s.items() if k != "model_version"}))
    return Verdict(
        id=stored["id"], label=latest["label"], p_fake=float(latest["p_fake"]), signals=tuple(signals),
        reasons=tuple(latest.get("reasons") or ()), model_version=latest.get("model_version") or "",
        text=article.full_text, title=article.title, outlet=stored.get("outlet"), url=stored.get("url"),
        published=stored.get("published"), known_label=stored.get("known_label"),
        text_only=bool(latest.get("text_only")), warnings=_warnings(stored, article),
    )


def _warnings(stored: dict, article: Article) -> tuple[str, ...]:
    warnings = tuple(json.loads(stored.get("warnings") or "[]"))
    if article.headline_only and not any(message_code(w) == "RW005" for w in warnings):
        warnings += (warning_text("RW005", where=article.id),)
    return warnings


def final_label(ruling: str | None, known_label: str | None, judged: str | None) -> tuple[str | None, str]:
    """A stored article's final label and where it came from: a fact-checker's latest ruling,
    else the label its record carried, else the model's latest verdict."""
    if ruling:
        return ruling, "ruling"
    if known_label:
        return known_label, "label"
    return judged, "model"


def storyline_of(store, article_id: str) -> dict | None:
    """The storyline the stored article belongs to, if any."""
    found = store.storyline_of(article_id)
    return None if found is None else story_dict(found)


def near_duplicates(store, article_id: str) -> list[dict]:
    """Articles the store found to be near-copies of this one, in either direction, closest first."""
    dups = store.duplicates()
    pairs = []
    if article_id in dups:
        other, sim = dups[article_id]
        pairs.append((other, sim))
    pairs += [(k, sim) for k, (other, sim) in dups.items() if other == article_id]
    if not pairs:
        return []
    pairs.sort(key=lambda p: -p[1])
    by_id = {r["id"]: r for r in store.summaries([other for other, _ in pairs])}
    return [{**summary_row(by_id[other]), "similarity": round(float(sim), 3)} for other, sim in pairs if other in by_id]


def article_record(store, article_id: str, stored: dict | None = None) -> dict:
    """A stored article as its verdict dict (text included), plus the fact-checkers' rulings on
    it, its final label, its storyline and near-duplicates; ``NotFound`` (RL035) if the store does not hold it. ``stored``: the
    article as ``store.article`` gave it, if already read."""
    stored = stored if stored is not None else store.article(article_id)
    record = stored_verdict(stored)
    record["rulings"] = list(stored.get("rulings") or [])  # oldest first; the last is the one in force
    ruling = record["rulings"][-1]["label"] if record["rulings"] else None
    record["final_label"], record["label_source"] = final_label(ruling, record.get("known_label"), record.get("label"))
    record["storyline"] = storyline_of(store, article_id)
    record["near_duplicates"] = near_duplicates(store, article_id)
    return record


def person_record(store, found, limit: int = 50) -> dict:
    """A person's row of the people scorecard (``found``, as ``Store.person`` gives it), with
    its years, the storylines about them (the ten largest; ``storylines_total`` in all), the
    outlets that ran their stories (``outlets``, kept with the row) and their stories as listing
    rows, newest first (``limit`` of ``stories_total``)."""
    from ..corpus.text import display_name

    record = plain(found)
    record["storylines"], record["storylines_total"] = store.storylines_about([display_name(found.person)])  # as titles name them
    record["outlets"], record["outlets_total"] = list(found.outlets), found.outlets_total
    record["stories"] = [summary_row(r) for r in store.summaries(found.article_ids[: max(0, limit)])]
    record["stories_total"] = len(found.article_ids)
    return record


def outlet_page(store, found, limit: int = 50) -> dict:
    """An outlet's row of the scorecard (``found``, as ``Store.outlet`` gives it), with its
    years, whom its stories were about (``people``: the ten its fakes were most often about, by
    the people scorecard; ``people_total`` in all), the storylines its stories are in (the ten
    with the most of them; ``storylines_total``) and its stories as listing rows, newest first
    (``limit`` of ``stories_total``)."""
    from ..corpus.people import people_at

    record = plain(found)
    record.update(people_at(store.people(), found))  # whom a story is about does not depend on min_n
    record["storylines"], record["storylines_total"] = store.storylines_at(found)
    record["stories"] = [summary_row(r) for r in store.summaries(found.article_ids[: max(0, limit)])]
    record["stories_total"] = len(found.article_ids)
    return record
