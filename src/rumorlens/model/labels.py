"""The label a model learns from and is scored against: what people said, never what a model did.

A record of `rumorlens export` carries the model's verdict (``label``), the label the record came
with (``known_label``) and fact-checkers' rulings. The reader keeps ``known_label`` as the
article's label, so that an ingest into another store keeps it as such with the rulings beside
it. To learn from a store, the ruling in force outranks it, as it does in the store's final
label; unlike the final label, the model's own verdict never stands in for a missing one (a
model trained on its own verdicts learns nothing new, and scored on them looks perfect).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..article import Article
from ..read.files import carried_rulings

# A ruling without a date counts as the newest, as the store dates it when it stores it.
_UNDATED = "~"


def human_label(article: Article) -> str | None:
    """The newest fake/real ruling the article's record carries, else the label it came with."""
    dated = [(str(at) if at else _UNDATED, order, label)
             for order, (label, _, _, at) in enumerate(carried_rulings(article.verdict)) if label in ("fake", "real")]
    return max(dated)[2] if dated else article.label


def with_human_labels(articles: Iterable[Article]) -> list[Article]:
    """``articles`` labelled for learning: each with its ``human_label``."""
    out = []
    for a in articles:
        label = human_label(a)
        out.append(a if label == a.label else dataclasses.replace(a, label=label))
    return out
