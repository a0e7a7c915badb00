"""schema.org ClaimReview JSON-LD in and out, the format fact-checkers exchange.

Import: each ClaimReview becomes a labelled ``Article`` (claimReviewed -> title, reviewBody or
the claim -> text, the claim's appearance URL -> url, reviewRating -> fake/real). Export: each
stored verdict becomes a ClaimReview whose ``reviewRating`` is the truth rating on 0-10.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..article import Article
from ..errors import InputError
from ..read.encoding import decode
from ..read.files import TOO_DEEP, looks_binary

CLAIM_SUFFIXES = (".json", ".jsonld")
FAKE_WORDS = ("false", "fake", "pants on fire", "incorrect", "misleading", "fabricated", "not true", "untrue", "mostly false", "baseless")
REAL_WORDS = ("true", "correct", "accurate", "mostly true", "real", "confirmed")


def rating_label(rating: dict) -> str | None:
    """fake/real from a reviewRating: its alternateName first, else ratingValue on its scale."""
    name = str(rating.get("alternateName") or "").strip().lower()
    if name:
        if any(w == name or name.startswith(w) for w in FAKE_WORDS):
            return "fake"
        if any(w == name or name.startswith(w) for w in REAL_WORDS):
            return "real"
    try:
        value = float(rating["ratingValue"])
        best = float(rating.get("bestRating", 5))
        worst = float(rating.get("worstRating", 1))
    except (KeyError, TypeError, ValueError):
        return None
    if best == worst:
        return None
    share_true = (value - worst) / (best - worst)
    return "fake" if share_true < 0.5 else "real"


def _reviews(doc: object) -> Iterator[dict]:
    if isinstance(doc, list):
        for d in doc:
            yield from _reviews(d)
    elif isinstance(doc, dict):
        if "@graph" in doc:
            yield from _reviews(doc["@graph"])
        else:
            yield doc


def _first_url(item: dict) -> str | None:
    appearance = item.get("appearance") or item.get("firstAppearance")
    if isinstance(appearance, list):
        appearance = appearance[0] if appearance else None
    if isinstance(appearance, dict) and appearance.get("url"):
        return appearance["url"]
    if isinstance(appearance, str):
        return appearance
    return item.get("url")


def read_claimreviews(path: str | Path) -> Iterator[Article | InputError]:
    """Yield an Article per usable ClaimReview in the file, or an InputError (RL036/RL005)."""
    where = str(path)
    p = Path(path)
    if not p.exists():
        yield InputError("RL001", where=where)
        return
    if p.is_dir():  # a fact-checker's export folder: every JSON-LD file in it, in sorted order
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in CLAIM_SUFFIXES and not f.name.startswith("."))
        if not files:
            yield InputError("RL036", where=where, detail="a folder with no .json or .jsonld file in it")
        for f in files:
            yield from read_claimreviews(f)
        return
    try:
        data = p.read_bytes()
    except OSError as exc:
        yield InputError("RL009", where=where, field="file", detail=exc.strerror or str(exc), fix="check the file's permissions")
        return
    if looks_binary(data):
        yield InputError("RL003", where=where)
        return
    try:
        doc = json.loads(decode(data, where)[0])
    except json.JSONDecodeError as err:
        yield InputError("RL005", where=where, detail=f"{err.msg} at line {err.lineno}")
        return
    except RecursionError:  # hostile input: thousands of nested brackets
        yield InputError("RL005", where=where, detail=TOO_DEEP)
        return
    found = False
    for i, review in enumerate(_reviews(doc), 1):
        at = f"{where}#{i}"
        kind = review.get("@type")
        if kind != "ClaimReview" and not (isinstance(kind, list) and "ClaimReview" in kind):
            yield InputError("RL036", where=at, detail=f"@type is {kind!r}, expected 'ClaimReview'")
            continue
        found = True
        claim = str(review.get("claimReviewed") or "").strip()
        item = review.get("itemReviewed") if isinstance(review.get("itemReviewed"), dict) else {}
        rating = review.get("reviewRating") if isinstance(review.get("reviewRating"), dict) else {}
        label = rating_label(rating)
        if not claim or label is None:
            missing = "claimReviewed" if not claim else "a reviewRating with alternateName or ratingValue"
            yield InputError("RL036", where=at, detail=f"missing {missing}")
            continue
        body = str(review.get("reviewBody") or item.get("text") or claim)
        try:
            yield Article.create(
                text=body, title=claim, url=_first_url(item) or review.get("url"),
                id=review.get("identifier") or review.get("@id") or None,
                published=item.get("datePublished") or review.get("datePublished"),
                label=label, author=(item.get("author") or {}).get("name") if isinstance(item.get("author"), dict) else None,
                source=at)
        except InputError as err:
            yield err
    if not found and not isinstance(doc, (list, dict)):
        yield InputError("RL036", where=where, detail="top level is not an object or a list")


def alternate_name(label: str, rating: int) -> str:
    if label == "fake":
        return "False" if rating <= 2 else "Mostly false"
    return "True" if rating >= 8 else "Mostly true"


def to_claimreview(row: dict, publisher: str = "rumorlens") -> dict:
    """One exported article row (``Store.iter_export``) as ClaimReview JSON-LD. A fact-checker's
    ruling is the review where there is one: rated 0 (fake) or 10 (real), its note the review
    body; else the model's verdict with its truth rating and reasons."""
    ruled = row.get("ruling")
    label, rating = (ruled, 0 if ruled == "fake" else 10) if ruled else (row["label"], row["truth_rating"])
    body = (row.get("ruling_note") or None) if ruled else (" ".join(row.get("reasons") or []) or None)
    item: dict = {"@type": "Claim"}
    if row.get("url"):
        item["appearance"] = [{"@type": "CreativeWork", "url": row["url"]}]
    if row.get("published"):
        item["datePublished"] = row["published"]
    if row.get("outlet"):
        item["author"] = {"@type": "Organization", "name": row["outlet"]}
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": row["id"],
        "claimReviewed": row.get("title") or (row.get("text") or "")[:200],
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": publisher},
        "reviewBody": body,
        "reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": 10, "worstRating": 0,
                         "alternateName": alternate_name(label, rating)},
        "rumorlens": {"p_fake": row.get("p_fake"), "model_version": row.get("model_version"), "known_label": row.get("known_label"),
                      "label": row.get("label"), "ruling": ruled, "ruled_by": row.get("ruled_by") if ruled else None},
    }
    if ruled and row.get("ruled_at"):
        review["datePublished"] = row["ruled_at"][:10]  # the day the review was made
    return review


def export_claimreviews(rows: Iterable[dict]) -> list[dict]:
    return [to_claimreview(r) for r in rows if r.get("label") or r.get("ruling")]
