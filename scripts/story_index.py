"""Give a trained model directory the index of its training stories (``memory.json.gz``), without
training it again.

`rumorlens train` writes the index itself. A model trained before it did (the shipped one was)
has story memory but cannot say which stories a verdict is like; this reads the training data
again, checks that it is the data the model was trained on, row for row, and writes the index:

    python scripts/story_index.py src/rumorlens/models/default ../shared/data/gossipcop/train.jsonl

Only ids, outlets and years are written, never a story's text or headline. Nothing else in the
directory changes, so the model's version and every p_fake stay as they were.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rumorlens.model.judge import Judge  # noqa: E402
from rumorlens.model.labels import with_human_labels  # noqa: E402
from rumorlens.model.neighbours import prune_rows, story_index  # noqa: E402
from rumorlens.model.persist import save_story_index  # noqa: E402
from rumorlens.model.train import sha256_of  # noqa: E402
from rumorlens.read import read_articles  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path, help="the model directory")
    parser.add_argument("data", type=Path, nargs="+", help="the training data, as given to `rumorlens train`")
    parser.add_argument("--check-rows", type=int, default=500, help="training rows whose memory row is rebuilt and compared")
    args = parser.parse_args()

    judge = Judge.load(args.model)
    neighbours = judge.model.neighbours_
    if neighbours is None:
        sys.exit(f"{args.model}: this model has no story memory")
    expected = judge.meta.get("train_data_sha256")
    found = sha256_of(args.data)
    if expected and found != expected:
        sys.exit(f"{args.data}: sha256 {found[:8]}…, but the model was trained on {expected[:8]}…")
    articles = [a for a in with_human_labels(read_articles(args.data)) if a.label in ("fake", "real")]
    labels = np.array([a.label == "fake" for a in articles], dtype=np.int8)
    if len(labels) != neighbours.matrix_.shape[0] or not np.array_equal(labels, neighbours.labels_):
        sys.exit(f"{len(labels)} labelled articles, memory holds {neighbours.matrix_.shape[0]}: not the same rows")
    # The same rows in the same order: rebuild a sample's memory rows and compare their n-grams.
    rows = np.random.default_rng(0).choice(len(articles), size=min(args.check_rows, len(articles)), replace=False)
    sample = [articles[i] for i in rows]
    _, _, X = judge._features(sample)
    rebuilt = prune_rows(X[:, : judge.model.n_words], neighbours.keep_terms)
    kept = neighbours.matrix_[rows]
    same = sum(set(rebuilt[j].indices) == set(kept[j].indices) for j in range(len(rows)))
    if same < 0.99 * len(rows):
        sys.exit(f"only {same} of {len(rows)} rebuilt memory rows match the model's: not the same rows")
    save_story_index(args.model, story_index([a.id for a in articles], [a.outlet for a in articles], [a.published for a in articles]))
    print(f"{args.model}/memory.json.gz: {len(articles):,} stories ({same} of {len(rows)} rebuilt rows match)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
