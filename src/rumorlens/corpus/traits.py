"""What grouping needs from each article alone, kept between groupings.

Near-duplicates need each article's MinHash signature, and storylines the people its lead names.
Neither depends on any other article, yet together they were half of grouping train + dev (about
6 of 12 s), paid again after every ingest. The store keeps them (``article_traits``, with the
article's content hash and ``traits_version()``), so a grouping after an ingest computes them
for the new articles only; what is grouped is the same either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from . import duplicates
from .text import body_people


@dataclass(frozen=True)
class Traits:
    people: dict[str, str]  # body_people(text): folded key -> name as shown, in the order named
    signature: np.ndarray | None  # MinHash hash values; None for a text too short to compare


def traits_version() -> str:
    """Changes whenever a kept trait would come out differently: the people finder's version
    (``text.PEOPLE_VERSION``, read at call time) and the shingling and hashing settings."""
    from . import text

    return (f"people{text.PEOPLE_VERSION}-shingles{duplicates.SHINGLE}x{duplicates.MAX_WORDS}"
            f"-minhash{duplicates.NUM_PERM}{duplicates.SCHEME}")


def compute(rows: list[dict]) -> dict[str, Traits]:
    """The traits of each row (``id``, ``title``, ``text``)."""
    signatures = duplicates.signatures(rows)
    return {r["id"]: Traits(body_people(r.get("text")), signatures[r["id"]]) for r in rows}


def pack(traits: Traits) -> dict:
    """The columns a trait is kept in: people as a JSON list of [key, shown] (order kept), the
    signature as its bytes."""
    return {"people": json.dumps(list(traits.people.items()), ensure_ascii=False),
            "minhash": None if traits.signature is None else traits.signature.tobytes()}


def unpack(people: str, minhash: bytes | None) -> Traits:
    signature = None if minhash is None else np.frombuffer(minhash, dtype=duplicates.HASH_DTYPE)
    return Traits({key: shown for key, shown in json.loads(people)}, signature)
