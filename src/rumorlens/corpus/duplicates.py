"""Near-duplicates (syndicated copies, re-crawls) by MinHash LSH over word 5-shingles.

Each duplicate points at a canonical article (the first by id in its group), so the scorecard
and storyline counts can count a story once however many times it was re-published.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE = 5
THRESHOLD = 0.8
NUM_PERM = 64
SEED = 1
MIN_SHINGLES = 5
# How datasketch permutes hash values, and the array it keeps them in: kept signatures are read
# back with them (and a change of either makes the store compute its signatures again).
_PROBE = MinHash(num_perm=1, seed=SEED)
SCHEME, HASH_DTYPE = _PROBE.scheme, _PROBE.hashvalues.dtype
# Copies share their opening; comparing the first 250 words bounds the cost on 100k-char pages.
MAX_WORDS = 250
_TOKEN = re.compile(r"\w+")


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Each run of ``k`` words, lowercased, joined by single spaces, as UTF-8 bytes."""
    words = _TOKEN.findall(text[: MAX_WORDS * 12].lower())[:MAX_WORDS]
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    joined = " ".join(words).encode()
    if len(joined) != sum(map(len, words)) + len(words) - 1:  # not ASCII: byte offsets differ from characters
        return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}
    # Cut the shingles out of one joined string: a third of the time of joining each one.
    starts = [0]
    for word in words:
        starts.append(starts[-1] + len(word) + 1)
    return {joined[starts[i] : starts[i + k] - 1] for i in range(len(words) - k + 1)}


def _signed_text(row: dict) -> str:
    return f"{row.get('title') or ''} {row.get('text') or ''}"


def signatures(rows: list[dict]) -> dict[str, np.ndarray | None]:
    """Each row's MinHash hash values (``HASH_DTYPE``), None when its text has fewer than
    ``MIN_SHINGLES`` shingles: boilerplate one-liners would otherwise look like copies."""
    sets = {r["id"]: shingles(_signed_text(r)) for r in rows}
    comparable = [i for i, sh in sets.items() if len(sh) >= MIN_SHINGLES]
    # bulk() sets up the permutations once; crc32 is ~5x faster than the default sha1 and good
    # enough for shingles (find_duplicates checks each candidate's exact Jaccard).
    hashed = MinHash.bulk([sets[i] for i in comparable], num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32)
    out: dict[str, np.ndarray | None] = dict.fromkeys(sets)
    out.update((i, m.hashvalues) for i, m in zip(comparable, hashed))
    return out


def find_duplicates(rows: list[dict], threshold: float = THRESHOLD,
                    known: Mapping[str, np.ndarray | None] | None = None) -> dict[str, tuple[str, float]]:
    """Map duplicate article id -> (canonical id, estimated Jaccard similarity).

    ``rows`` need ``id``, ``title`` and ``text``. Very short texts (< 5 shingles) are skipped:
    boilerplate one-liners would otherwise look like copies of each other. ``known``: signatures
    already computed (``signatures``; the store keeps them), by id; the others are computed.
    """
    known = known or {}
    by_id = {r["id"]: r for r in rows}
    missing = [r for r in rows if r["id"] not in known]
    hashes = {**{i: known[i] for i in by_id if i in known}, **(signatures(missing) if missing else {})}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    exact: dict[str, set[bytes]] = {}  # shingles of the candidates only: LSH hits are few

    def shingled(i: str) -> set[bytes]:
        if i not in exact:
            exact[i] = shingles(_signed_text(by_id[i]))
        return exact[i]

    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    links: dict[str, float] = {}
    for aid in sorted(i for i, h in hashes.items() if h is not None):  # the canonical is the smallest id
        m = LeanMinHash(seed=SEED, hashvalues=hashes[aid], scheme=SCHEME)
        scored = [(_jaccard(shingled(aid), shingled(h)), h) for h in lsh.query(m) if h != aid]
        scored = [(j, h) for j, h in scored if j >= threshold]
        if scored:
            sim, best = max(scored, key=lambda t: (t[0], t[1] == root(t[1])))
            parent[aid] = root(best)
            links[aid] = round(sim, 3)
        lsh.insert(aid, m)
    return {aid: (root(aid), links[aid]) for aid in parent}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
