"""People scorecard: how often the stories about each person were fake, with a Wilson interval.

Gossip Cop kept a page per celebrity, because some are the subject of invented stories year
after year (in train + the seeds, 87% of the 246 stories about Brad Pitt were fake; 8% of the 72
about Chrissy Teigen). A story counts for the people it is *about*, as storylines find them
(``text.principal_people``: full names in the headline, else the first two its lead names), once
(near-duplicates are skipped), by its final label: a fact-checker's ruling, else the label the
record carried, else the model's verdict. People with fewer than ``min_n`` stories are listed as
"too few articles". Ranking is by the interval's lower bound, highest first: a person ranks high
only when the store's stories about them were reliably often fake, not fake twice in two.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from .scorecard import RankedScore, rated
from ..folding import fold_text
from .text import principal_people

MIN_N = 10


@dataclass(frozen=True)
class PersonScore(RankedScore):
    person: str  # the name as most of their stories write it ("Beyoncé")
    n: int
    n_fake: int
    fake_rate: float
    ci_low: float
    ci_high: float
    ranked: bool  # False: "too few articles"
    rank: int | None
    recent_fakes: list[dict] = field(default_factory=list)  # id, title, published
    n_known: int = 0  # how many labels came from people (rulings, the records' labels) rather than the model


def build_people(rows: list[dict], duplicates: Mapping | None = None, known_people: Mapping[str, dict[str, str]] | None = None,
                 min_n: int = MIN_N) -> list[PersonScore]:
    """``rows`` need id, title, text (or ``known_people``: each id's ``body_people``, as the store
    keeps them), published, final_label and label_source. Ranked people first, then the others
    by how many stories they are in."""
    from .storylines import extract_people  # the same people, found the same way, as storylines

    duplicates = duplicates or {}
    rows = [r for r in rows if r["id"] not in duplicates and r.get("final_label") in ("fake", "real")]
    stories: dict[str, list[dict]] = defaultdict(list)
    shown: dict[str, Counter] = defaultdict(Counter)
    for r, found in zip(rows, extract_people(rows, known_people)):
        for key in principal_people(r.get("title"), found):
            stories[key].append(r)
            shown[key][found[key]] += 1  # as written, accents and all: what a search of the stories finds
    scores = [dict(person=shown[key].most_common(1)[0][0], **rated(items, min_n)) for key, items in stories.items()]
    ranked = sorted((s for s in scores if s["ranked"]), key=lambda s: (-s["ci_low"], -s["fake_rate"], -s["n"], s["person"]))
    too_few = sorted((s for s in scores if not s["ranked"]), key=lambda s: (-s["n"], s["person"]))
    return [PersonScore(rank=i + 1, **s) for i, s in enumerate(ranked)] + [PersonScore(rank=None, **s) for s in too_few]


def matching(people: list[PersonScore], q: str | None) -> list[PersonScore]:
    """The people whose name holds ``q`` (words as typed, in any case, accents ignored: "beyonce"
    finds Beyoncé), in the scorecard's order; everyone for no ``q``."""
    needle = " ".join(fold_text(q or "").split())
    return [p for p in people if needle in fold_text(p.person)] if needle else people
