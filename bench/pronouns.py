"""Is a name "he" or "she"? Learn it from the training stories, so that '"…," she said' is not
credited to the last man named before it.

The quote finder (`signals/extract.py`) names the speaker of a pronoun quote after the last full
name before it. In dev that name often belongs to someone else the story mentions: a quote "she
said" was credited to Brad Pitt in a story about Jennifer Lawrence, "he wrote" to Lisa Bloom. The
pronoun itself says who can not be meant, if the finder knows which names go with which pronoun.

No gender list ships with any package here, so `build` counts, over the training headlines and
bodies, the pronouns that can only be a name's own:

- the speaker's own pronoun: "Kim Kardashian said that she", "Kanye West, 41, told GQ he";
- a possessive after "and": "Brad Pitt and his kids", "Jessica Simpson and her husband";
- a reflexive in the name's own clause, with no one else named first: "Taylor Swift surrounded
  herself";
- a role word just before the name: "actress", "husband", "Mrs.".

(Any "he" or "she" just after a name was tried first: it is as often someone else's, "Tristan
Thompson … she" in stories about Khloe, and put Azealia Banks down as "he".) A full name counted
3+ times, or a first name as often, goes to `signals/name_pronouns.txt` when 80% or more of its
counts agree; a full name only where it says more than its first name. A name not in the file
fits either pronoun. Only names and pronouns are written, no article text.

    python bench/pronouns.py build     # ~20 s: count over train, write the table
    python bench/pronouns.py measure   # dev: pronoun quotes whose speaker the table changes
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from rumorlens.signals import extract as X  # noqa: E402
from rumorlens.signals import speakers as names  # noqa: E402
from rumorlens.signals import lexicon as L  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "gossipcop"
OUT = ROOT / "src" / "rumorlens" / "signals" / "name_pronouns.txt"
MIN_FULL, MIN_FIRST, MIN_AGREE = 3, 3, 0.8
_SAY = (r"(?:said|says|told|tells|revealed|reveals|admitted|admits|explained|explains|added|adds|wrote|writes|"
        r"claimed|claims|insisted|insists|shared|shares|confirmed|confirms|announced|announces|joked|jokes|"
        r"recalled|recalls|noted|notes|confessed|confesses|gushed|gushes)")
# "Kim Kardashian said that she", "Kanye West, 41, told GQ he": the speaker's own pronoun.
_SAID_PRONOUN = re.compile(r"\s*(?:,[^,\n“”\"]{1,40},\s*)?\s+" + _SAY + r"(?:\s+(?:that|in|on|to)\b[^\n“”\".,]{0,30}?)?\s+(?:(he)|(she))\b")
# "Brad Pitt and his kids", "Jessica Simpson and her husband"
_AND_POSSESSIVE = re.compile(
    r"\s+and\s+(?:(his)|(her))\s+(?:wife|husband|boyfriend|girlfriend|fiancée?|partner|kids|children|daughters?|"
    r"sons?|family|mom|mother|dad|father|baby|twins|sisters?|brothers?|ex)\b"
)
# "Taylor Swift surrounded herself": a reflexive in the name's own clause, no one else named first
_REFLEXIVE = re.compile(r"[^\n“”\".;!?]{0,60}?\b(?:(himself)|(herself))\b")
_SOMEONE_ELSE = re.compile(r"\b(?:and|with|or|to|from|by|for|of|about|as|than|&)\b|[A-Z][a-z]+ [A-Z][a-z]+")
_ROLE_HE = re.compile(r"\b(?:actor|husband|boyfriend|fiancé|fiance|dad|father|son|brother|Mr\.|king|rapper|grandfather)\s+$", re.I)
_ROLE_SHE = re.compile(r"\b(?:actress|wife|girlfriend|fiancée|fiancee|mom|mother|daughter|sister|Mrs\.|Ms\.|queen|princess|songstress|grandmother)\s+$", re.I)


def names_in(text: str):
    """(start, end, full name) of every full name the quote finder would name in ``text``."""
    for m in names._PERSON.finditer(text):
        name = names._person(names._clean_name(names._SENTENCE_IN_NAME.split(m.group())[0]))
        if name:
            yield m.start(), m.end(), name


def count(rows) -> tuple[dict, dict]:
    """Pronoun counts [he, she] per full name and per first name."""
    full: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    first: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for row in rows:
        text = (row.get("title") or "") + "\n" + (row.get("text") or "")
        for start, end, name in names_in(text):
            votes = [0, 0]
            before = text[max(0, start - 25):start]
            if _ROLE_HE.search(before):
                votes[0] += 1
            elif _ROLE_SHE.search(before):
                votes[1] += 1
            for pattern in (_SAID_PRONOUN, _AND_POSSESSIVE, _REFLEXIVE):
                m = pattern.match(text, end)
                if not m:
                    continue
                if pattern is _REFLEXIVE and _SOMEONE_ELSE.search(text, end, m.start(m.lastindex)):
                    continue
                votes[0 if m.group(1) else 1] += 1
            if votes != [0, 0]:
                for table, key in ((full, name), (first, name.split()[0])):
                    table[key][0] += votes[0]
                    table[key][1] += votes[1]
    return full, first


def decide(table: dict, least: int) -> dict[str, str]:
    out = {}
    for name, (he, she) in table.items():
        n = he + she
        if n >= least and max(he, she) >= MIN_AGREE * n:
            out[name] = "he" if he > she else "she"
    return out


def build(_args) -> None:
    rows = [json.loads(line) for line in open(DATA / "train.jsonl", encoding="utf-8")]
    full, first = count(rows)
    table = decide(first, MIN_FIRST)
    # a full name is written only where it says more than its first name does
    for name, pronoun in decide(full, MIN_FULL).items():
        if table.get(name.split()[0]) != pronoun:
            table[name] = pronoun
    header = [
        "# Which pronoun stands for a name in celebrity news, learnt by bench/pronouns.py from the",
        f"# training stories: a full name counted {MIN_FULL}+ times or a first name {MIN_FIRST}+ times, {MIN_AGREE:.0%}+ of",
        "# its counts agreeing (\"X said that she\", \"X and his kids\", \"X … herself\", \"actress X\").",
        "# Full names are listed only where they say more than their first name. Names not here fit either.",
    ]
    lines = [f"{name}\t{pronoun}" for name, pronoun in sorted(table.items())]
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    he = sum(1 for p in table.values() if p == "he")
    print(f"{len(table)} names ({he} he, {len(table) - he} she) from {len(rows)} articles -> {OUT.relative_to(ROOT)}")


def pronoun_quotes(text: str):
    return [s for s in X.find_signals(text) if s.kind == "on_record_quote" and s.note.startswith("quote attributed") and "by pronoun" in s.note]


def measure(args) -> None:
    rows = [json.loads(line) for line in open(DATA / "dev.jsonl", encoding="utf-8")]
    known = L.NAME_PRONOUNS
    total = changed = unnamed = counted_before = 0
    shown = 0
    for row in rows:
        text = (row.get("title") or "") + "\n" + (row.get("text") or "")
        after = pronoun_quotes(text)
        L.NAME_PRONOUNS = {}
        try:
            before = pronoun_quotes(text)
        finally:
            L.NAME_PRONOUNS = known
        counted_before += len(before)
        total += len(after)
        for a, b in zip(after, before):
            if a.speaker != b.speaker:
                changed += 1
                unnamed += a.speaker is None
                if shown < args.show:
                    shown += 1
                    print(f"{b.speaker!s:>24} -> {a.speaker!s:<24} {a.text!r:<22} {row.get('title', '')[:70]}")
    print(f"dev: {total} pronoun quotes ({counted_before} before: the counts the model reads do not change); "
          f"{changed} get another speaker, {unnamed} of them none (no earlier name fits the pronoun)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build").set_defaults(run=build)
    m = sub.add_parser("measure")
    m.add_argument("--show", type=int, default=40, help="how many changed speakers to print")
    m.set_defaults(run=measure)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
