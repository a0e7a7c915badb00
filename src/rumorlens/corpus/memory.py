"""What the Judge may ask of a corpus while judging: Gossip Cop's memory.

The Judge stays free of any database: it takes an optional object with these methods (a
``Store`` provides them) and turns the answers into ``outlet_record``, ``person_record`` and
``debunk_match`` signals.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

from ..article import Article


@dataclass(frozen=True)
class OutletRecord:
    """An outlet's track record: how many of its checked stories were fake, with an interval."""

    outlet: str
    n: int
    n_fake: int
    fake_rate: float
    ci_low: float
    ci_high: float
    source: str = "training data"  # or "store"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DebunkMatch:
    """A stored story about the same claim, with the label it is known (or judged) to have."""

    article_id: str
    title: str
    outlet: str | None
    published: str | None
    label: str  # "fake" | "real"
    label_source: str  # "ruling" (a fact-checker's, in the store), "label" (known) or "model"
    score: float  # similarity 0..1

    def as_dict(self) -> dict:
        return asdict(self)

    def labelled(self) -> str:
        """How the matched story came by its label, in words: "ruled fake by a fact-checker",
        "labelled fake" (its record said so), "judged fake" (the model did)."""
        if self.label_source == "ruling":
            return f"ruled {self.label} by a fact-checker"
        return f"{'labelled' if self.label_source == 'label' else 'judged'} {self.label}"


@dataclass(frozen=True)
class PersonRecord:
    """How often the stored stories about a person were fake (the people scorecard's row):
    Gossip Cop's "she has been the subject of many invented stories"."""

    person: str
    n: int
    n_fake: int
    fake_rate: float
    ci_low: float
    ci_high: float
    source: str = "store"

    def as_dict(self) -> dict:
        return asdict(self)


class Memory(Protocol):
    def outlet_record(self, outlet: str) -> OutletRecord | None: ...

    def debunk_matches_many(self, articles: list[Article], limit: int = 3) -> list[list[DebunkMatch]]: ...

    # optional: a memory without it gives no person_record signals
    def people_records_many(self, articles: list[Article]) -> list[list[PersonRecord]]: ...


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n; sound for small n and rates near 0 or 1."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
