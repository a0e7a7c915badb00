"""Would a second reader earn a place in the accurate mode? (issue 5, docs/model-card.md). Prints
numbers; asserts nothing. Needs the ``accurate`` extra:

    pip install ".[accurate]"
    python bench/readers.py                 # both candidates (~35 min on 2 cores; readings cached)
    python bench/readers.py --only chunk    # or --only headline
    python bench/readers.py --only headline --headline-layers 6 --headline-lr 5e-5 --headline-plain

Two candidates, each stacked with the fast scorers and the shipped reader on the shipped model's
held fold (the reader was tuned on the other three folds; nested 5-fold there chooses the cut),
then scored on dev and on dev restyled against its labels (``robustness.restyled``, retouch and
rewrite):

- ``chunk``: the shipped reader reading the *next* 256 word pieces of each article (headline +
  the body from where its first reading stopped; articles too short for one keep their first
  reading), as a mean with the first reading or as its own column;
- ``headline``: a reader of the headline alone (top ``--headline-layers`` of all-MiniLM-L6-v2,
  48 word pieces, 3 epochs at ``--headline-lr`` (1e-4), batch 32), tuned like the shipped reader
  on the three tuning folds with label-independent style noise (``restyle.random_restyle``;
  ``--headline-plain`` tunes on the headlines as they are).
Readings are cached in ``--cache`` (default: the temp folder), so a second run only refits the
fast model (about two minutes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from finetune import emit, fast_inputs, held_fold_split, stacked  # noqa: E402  (bench/ is on the path)
from rumorlens.model.judge import Judge, default_model_path  # noqa: E402
from rumorlens.model.reader import Reader, reader_text  # noqa: E402
from rumorlens.model.restyle import random_restyle  # noqa: E402
from rumorlens.model.robustness import restyled  # noqa: E402

SPLITS = ("held", "dev", "retouch", "rewrite")


def headline(article) -> str:
    return article.title or article.text[:200]


def second_chunk(tokenizer, article) -> str | None:
    """Headline + the body from the word piece where the shipped reader's 256 stop; None when
    less than 40 word pieces are left."""
    body = article.text[:20000]
    offsets = tokenizer(body, add_special_tokens=False, return_offsets_mapping=True, truncation=False)["offset_mapping"]
    n_title = len(tokenizer(f"{article.title}. ", add_special_tokens=False)["input_ids"]) if article.title else 0
    cut = 254 - n_title  # [CLS] and [SEP] take two of the 256
    if len(offsets) <= cut + 40:
        return None
    return reader_text(article.title, body[offsets[cut][0]:])


def cached(path: Path, compute) -> dict:
    if path.is_file():
        return dict(np.load(path))
    out = compute()
    np.savez(path, **out)
    return out


def main() -> None:
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=("chunk", "headline"))
    ap.add_argument("--headline-layers", type=int, default=2)
    ap.add_argument("--headline-lr", type=float, default=1e-4)
    ap.add_argument("--headline-plain", action="store_true", help="tune the headline reader on headlines as they are (no style noise)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    args = ap.parse_args()

    train, dev, y, y_dev, settings, tune_idx, held_idx = held_fold_split()
    arts = {"held": [train[i] for i in held_idx], "dev": dev, **{how: restyled(dev, how=how) for how in ("retouch", "rewrite")}}

    reader = Reader.load(default_model_path() / "accurate", threads=args.threads)
    first = cached(args.cache / "rumorlens-readers-first.npz",
                   lambda: {s: reader.logits([reader_text(a.title, a.text) for a in arts[s]]) for s in SPLITS})

    def chunk_readings() -> dict:
        out = {}
        for s in SPLITS:
            texts = [second_chunk(reader.tokenizer, a) for a in arts[s]]
            z = first[s].copy()
            idx = [i for i, t in enumerate(texts) if t is not None]
            z[idx] = reader.logits([texts[i] for i in idx])
            out[s] = z
        return out

    def headline_readings() -> dict:
        tuned = Reader(tuned_layers=args.headline_layers, max_length=48, threads=args.threads)
        t = time.perf_counter()
        tuning = [train[j] for j in tune_idx]
        if args.headline_plain:
            texts = [headline(a) for a in tuning]
        else:
            texts = [random_restyle(a.title or "", a.text, seed=i)[0] or headline(a) for i, a in enumerate(tuning)]
        tuned.fit(tuned.frozen_states(texts), y[tune_idx], epochs=3, batch=32, lr=args.headline_lr)
        emit({"headline reader tuning seconds": round(time.perf_counter() - t)})
        out = {s: tuned.logits([headline(a) for a in arts[s]]) for s in SPLITS}
        t = time.perf_counter()
        tuned.logits([headline(a) for a in dev])
        emit({"headline reader articles/s": round(len(dev) / (time.perf_counter() - t))})
        return out

    candidates = {}
    if args.only in (None, "chunk"):
        candidates["chunk"] = cached(args.cache / "rumorlens-readers-chunk.npz", chunk_readings)
    if args.only in (None, "headline"):
        tag = f"T{args.headline_layers}-lr{args.headline_lr:g}{'-plain' if args.headline_plain else ''}"
        candidates["headline"] = cached(args.cache / f"rumorlens-readers-headline-{tag}.npz", headline_readings)

    judge = Judge.fit(train, **settings)
    fast = {"held": judge.model.stack_inputs_["text"][held_idx], **{s: fast_inputs(judge, arts[s]) for s in SPLITS[1:]}}
    y_held = y[held_idx]

    def row(name: str, columns: list[dict]) -> None:
        Z = {s: np.column_stack([fast[s]] + [c[s] for c in columns]) for s in SPLITS}
        stacked(name, Z["held"], y_held, {s: (Z[s], y_dev) for s in SPLITS[1:]})

    row("fast scorers + memory", [])
    row("+ shipped reader (the accurate mode)", [first])
    if "chunk" in candidates:
        mean = {s: (first[s] + candidates["chunk"][s]) / 2 for s in SPLITS}
        row("+ mean of the reader's first and second reading", [mean])
        row("+ reader, first and second reading as two columns", [first, candidates["chunk"]])
    if "headline" in candidates:
        z = candidates["headline"]
        emit({"run": "headline reader alone", "dev_roc_auc": round(roc_auc_score(y_dev, z["dev"]), 4),
              "rewrite_roc_auc": round(roc_auc_score(y_dev, z["rewrite"]), 4)})
        row("+ shipped reader + headline reader", [first, z])
        row("+ headline reader instead of the shipped reader", [z])


if __name__ == "__main__":
    main()
