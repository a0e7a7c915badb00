"""Numeric features for the classifier, derived from the same pass as the signals.

Keys are stable (``FEATURE_NAMES``) and every value is a float. Rates are
``log1p(count per 1000 words)`` so long and short articles are comparable. The source,
denial and on-record features are the ones meant to survive restyling an article into a
sober or a sensational register; lexical ones (sensational, caps, exclaim) are style cues.
"""

from __future__ import annotations

import math

from ..verdict import Signal
from .extract import SIGNAL_KINDS_FOUND, analyse_spans

FEATURE_NAMES: tuple[str, ...] = (
    # raw counts per signal kind
    *(f"n_{k}" for k in SIGNAL_KINDS_FOUND),
    # log1p(count per 1000 words) per signal kind
    *(f"rate_{k}" for k in SIGNAL_KINDS_FOUND),
    "n_words_log",            # log1p(approximate word count: spaces + newlines + 1)
    "n_unique_speakers",      # distinct named on-record speakers
    "n_unique_outlets",       # distinct cited outlets
    "n_tabloid_outlets",      # citations of supermarket tabloids (Star, In Touch, OK!, Radar...)
    "n_other_outlets",        # citations of other outlets (People, E! News, Page Six...)
    "gossip_cop_mention",     # 1 if Gossip Cop is named
    "rep_quoted",             # 1 if a rep/spokesperson/lawyer is quoted
    "has_denial",             # 1 if any denial
    "has_anonymous_source",   # 1 if any anonymous source
    "has_on_record_quote",    # 1 if any named on-record quote
    "anon_minus_onrecord",    # n_anonymous_source - n_on_record_quote
    "anon_share",             # anon / (anon + on_record), 0.5 when neither
    "question_title",         # 1 if the title line ends with "?"
    "exclaim_rate",           # log1p("!" per 1000 words)
    "caps_rate",              # log1p(ALL-CAPS words per 1000 words)
    "quote_rate",             # log1p(quote marks per 1000 words)
    "private_rate",           # log1p(private-matter words per 1000 words): pregnant, split...
    "public_rate",            # log1p(public-event words per 1000 words): premiere, lawsuit...
    "private_minus_public",   # private_rate - public_rate
)


def features_from(text: str, signals: list[Signal], stats: dict) -> dict[str, float]:
    n_words = max(text.count(" ") + text.count("\n") + 1, 1)
    per_k = 1000.0 / n_words
    counts = dict.fromkeys(SIGNAL_KINDS_FOUND, 0)
    for s in signals:
        if s.kind in counts:
            counts[s.kind] += 1
    f: dict[str, float] = {}
    for k in SIGNAL_KINDS_FOUND:
        f[f"n_{k}"] = float(counts[k])
    for k in SIGNAL_KINDS_FOUND:
        f[f"rate_{k}"] = math.log1p(counts[k] * per_k)
    anon, onrec = counts["anonymous_source"], counts["on_record_quote"]
    private = math.log1p(stats["private"] * per_k)
    public = math.log1p(stats["public"] * per_k)
    n_quotes = text.count("“") + text.count("”") + text.count('"')
    f.update(
        n_words_log=math.log1p(n_words),
        n_unique_speakers=float(len(stats["speakers"])),
        n_unique_outlets=float(len(stats["outlets"])),
        n_tabloid_outlets=float(stats["tabloid_outlets"]),
        n_other_outlets=float(stats["other_outlets"]),
        gossip_cop_mention=float(stats["gossip_cop"] > 0),
        rep_quoted=float(stats["rep"] > 0),
        has_denial=float(counts["denial"] > 0),
        has_anonymous_source=float(anon > 0),
        has_on_record_quote=float(onrec > 0),
        anon_minus_onrecord=float(anon - onrec),
        anon_share=anon / (anon + onrec) if anon + onrec else 0.5,
        question_title=float(stats["question_title"]),
        exclaim_rate=math.log1p(text.count("!") * per_k),
        caps_rate=math.log1p(stats["caps"] * per_k),
        quote_rate=math.log1p(n_quotes * per_k),
        private_rate=private,
        public_rate=public,
        private_minus_public=private - public,
    )
    return f


def analyse(text: str) -> tuple[list[Signal], dict[str, float]]:
    """``(find_signals(text), signal_counts(text))`` computed in one pass."""
    signals, stats = analyse_spans(text)
    return signals, features_from(text, signals, stats)


def signal_counts(text: str) -> dict[str, float]:
    """Numeric features keyed by ``FEATURE_NAMES`` (always all keys, all floats)."""
    return analyse(text)[1]
