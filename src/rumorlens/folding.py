"""Folding text so that "Beyoncé", "BEYONCE" and "beyonce" read as one: accents dropped, case
lowered. Shared by the corpus (people, storylines) and the store's search, which must not import
the corpus's scikit-learn word lists (checking never imports scikit-learn)."""

from __future__ import annotations

import re
import unicodedata


def fold_text(text: str) -> str:
    """Lowercase ASCII-ish fold: "Khloé" -> "khloe". Uncached, for leads and other long texts
    that are seen once (``corpus.text.fold`` caches words)."""
    return strip_accents(text).lower()


def strip_accents(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks: "Khloé" -> "Khloe". The same as
    scikit-learn's ``strip_accents_unicode``, which tests every character of a text that has one
    curly quote; only non-ASCII characters can be combining marks, so only those are tested here
    (a third of the storylines' TF-IDF time, and most of their folding)."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(_drop_combining, unicodedata.normalize("NFKD", text))


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_combining(run: re.Match) -> str:
    return "".join(c for c in run.group(0) if not unicodedata.combining(c))
