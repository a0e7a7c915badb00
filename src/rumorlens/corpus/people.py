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
from typing import ClassVar

from ..folding import fold_text
from .memory import PersonRecord
from .scorecard import RankedScore, by_year, outlets_of, rated
from .text import chained_name, lead, principal_people

MIN_N = 10


@dataclass(frozen=True, kw_only=True)
class PersonScore(RankedScore):
    NAME: ClassVar[str] = "person"
    person: str  # the name as most of their stories write it ("Beyoncé")
    # what a person's page adds (``records.person_record``), not the scorecard's rows: their
    # stories, newest first, and the outlets that ran them (``scorecard.outlets_of``)
    PAGE_ONLY: ClassVar[tuple[str, ...]] = ("article_ids", "outlets", "outlets_total")
    article_ids: list[str] = field(default_factory=list, repr=False)
    outlets: list[dict] = field(default_factory=list, repr=False)
    outlets_total: int = field(default=0, repr=False)

    def record(self) -> PersonRecord:
        """What the Judge's memory gives for a story about them (``person_record``)."""
        return PersonRecord(self.person, self.n, self.n_fake, self.fake_rate, self.ci_low, self.ci_high)


def build_people(rows: list[dict], duplicates: Mapping | None = None, known_people: Mapping[str, dict[str, str]] | None = None,
                 min_n: int = MIN_N) -> list[PersonScore]:
    """``rows`` need id, title, text (or ``known_people``: each id's ``body_people``, as the store
    keeps them), published, final_label and label_source. Ranked people first, then the others
    by how many stories they are in."""
    from .storylines import extract_people  # the same people, found the same way, as storylines

    duplicates = duplicates or {}
    rows = [r for r in rows if r["id"] not in duplicates and r.get("final_label") in ("fake", "real")]
    founds = extract_people(rows, known_people)
    whole = _WholeNames(rows, founds)
    stories: dict[str, list[dict]] = defaultdict(list)
    shown: dict[str, Counter] = defaultdict(Counter)
    for i, (r, found) in enumerate(zip(rows, founds)):
        names = whole.of(i)
        about = dict(names.get(k, (k, found[k])) for k in principal_people(r.get("title"), found))
        for key, display in {_same_apostrophe(k): d for k, d in about.items()}.items():
            stories[key].append(r)
            shown[key][display] += 1  # as written, accents and all: what a search of the stories finds
    scores = [dict(person=shown[key].most_common(1)[0][0], **rated(items, min_n), by_year=by_year(items),
                   article_ids=[r["id"] for r in sorted(items, key=lambda r: (r.get("published") or "", r["id"]), reverse=True)],
                   **outlets_of(items))
              for key, items in stories.items()]
    ranked = sorted((s for s in scores if s["ranked"]), key=lambda s: (-s["ci_low"], -s["fake_rate"], -s["n"], s["person"]))
    too_few = sorted((s for s in scores if not s["ranked"]), key=lambda s: (-s["n"], s["person"]))
    return [PersonScore(rank=i + 1, **s) for i, s in enumerate(ranked)] + [PersonScore(rank=None, **s) for s in too_few]


def _same_apostrophe(key: str) -> str:
    """"tom d’agostino" and "tom d'agostino" are one person (stories write either)."""
    return key.replace("’", "'").replace("‘", "'")


class _WholeNames:
    """The pair finder sees "Sarah Jessica Parker" as "sarah jessica" and "jessica parker", and
    the scorecard listed both (26 and 25 stories of train + dev), as it listed "Millie Bobby",
    "Tracee Ellis" and "Ellis Ross": 22 of its 423 ranked rows were such halves. Where two of an
    article's pairs chain on a shared word and the three words stand together in its headline or
    lead, they are one person: the three-word name, unless the pair named alone more often (in a
    story's lead, outside any such chain) is named alone more often than in this chain, and so
    is a name in its own right. In train +
    dev: "Kim Kardashian West" is Kim Kardashian (alone in 486 stories, with "West" in 136);
    "Duchess Kate Middleton" is Kate Middleton (215, against "Duchess Kate" alone in 22);
    "Jenna Dewan Tatum" is Jenna Dewan (25 against 21); "Millie Bobby Brown" is herself, as
    Bobby Brown, alone in 24 stories, is named in hers in 33 (the scorecard gave Bobby Brown 29
    stories, 21 of them hers)."""

    def __init__(self, rows: list[dict], founds: list[dict[str, str]]):
        self.founds = founds
        self.chains = [self._chains(found, fold_text(lead(r.get("title"), r.get("text")))) for r, found in zip(rows, founds)]
        self.together = Counter(chain for chains in self.chains for chain in chains)
        self.alone = Counter(k for found, chains in zip(founds, self.chains)
                             for k in found if not any(k in chain for chain in chains))

    @staticmethod
    def _chains(found: dict[str, str], lead_text: str) -> list[tuple[str, str]]:
        pairs = [k for k in found if " " in k]
        # not a name that comes round to its first word: "Jimmy Kimmel Jimmy Kimmel Live" holds
        # "kimmel jimmy", which would chain with "jimmy kimmel" both ways
        return [(head, tail) for head in pairs for tail in pairs
                if head.split()[0] != tail.split()[-1] and (name := chained_name(head, tail)) is not None and name in lead_text]

    def of(self, i: int) -> dict[str, tuple[str, str]]:
        """Article ``i``'s pair keys that stand for another person: key -> (person, name as written)."""
        found, out = self.founds[i], {}
        for head, tail in self.chains[i]:
            # the pair named alone more often stands, if more often than in this chain: "Duchess
            # Kate Middleton" is Kate Middleton, not Duchess Kate (both are named alone)
            stands, other = (head, tail) if self.alone[head] >= self.alone[tail] else (tail, head)
            if self.alone[stands] >= self.together[(head, tail)]:
                out[other] = (stands, found[stands])
            else:
                name = (chained_name(head, tail), f"{found[head]} {found[tail].split(' ', 1)[1]}")
                out[head] = out[tail] = name
        return out


def named(people: list[PersonScore], name: str) -> PersonScore | None:
    """The person called ``name`` (in any case, accents ignored: "beyonce" is Beyoncé), or None."""
    wanted = _folded_name(name)
    return next((p for p in people if _folded_name(p.person) == wanted), None) if wanted else None


def _folded_name(name: str) -> str:
    return " ".join(_same_apostrophe(fold_text(name)).split())


def matching(people: list[PersonScore], q: str | None) -> list[PersonScore]:
    """The people whose name holds ``q`` (words as typed, in any case, accents ignored: "beyonce"
    finds Beyoncé), in the scorecard's order; everyone for no ``q``."""
    needle = _folded_name(q or "")
    return [p for p in people if needle in _folded_name(p.person)] if needle else people


def people_at(people: list[PersonScore], outlet, top: int = 10) -> dict:
    """Whom an outlet's stories were about (``outlet``: its ``OutletScore``), by the people
    scorecard: ``people``, the ``top`` that its fakes were most often about, then the most
    stories ({person, n, n_fake}), and ``people_total``, how many its stories were about.
    Gossip Cop's point about a tabloid was often which stars it kept inventing stories about."""
    ids = set(outlet.article_ids)
    tally = []
    for p in people:
        shared = [i for i in p.article_ids if i in ids]
        if shared:
            tally.append((p.person, len(shared), sum(i in outlet.fake_ids for i in shared)))
    tally.sort(key=lambda t: (-t[2], -t[1], t[0]))
    return {"people": [{"person": name, "n": n, "n_fake": n_fake} for name, n, n_fake in tally[:top]], "people_total": len(tally)}


def ranked_by_name(people: list[PersonScore]) -> dict[str, PersonScore]:
    """The scorecard's ranked people by folded name: what ``records_of`` looks names up in."""
    return {_folded_name(p.person): p for p in people if p.ranked}


def records_of(ranked: dict[str, PersonScore], articles) -> list[list[PersonRecord]]:
    """For each of ``articles`` (``Article``s being judged), the records of the people it is
    about among ``ranked`` (``ranked_by_name``), found as the scorecard finds them (full names in
    its headline, else the first two its lead names): only people the scorecard ranks, so a rate
    always rests on enough stories."""
    from .storylines import extract_people

    if not ranked:
        return [[] for _ in articles]
    rows = [{"id": a.id, "title": a.title, "text": a.text} for a in articles]
    out = []
    for row, found in zip(rows, extract_people(rows)):
        records = {}
        for key in principal_people(row["title"], found):
            p = ranked.get(_folded_name(found[key]))
            if p is not None:
                records.setdefault(p.person, p.record())
        out.append(list(records.values()))
    return out
