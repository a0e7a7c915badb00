"""Saving and loading models as plain arrays + JSON, so loading a model can never run code.

A model directory holds:
  meta.json     format version, model version, settings, training-data sha256, dev metrics
  arrays.npz    numeric arrays (loaded with allow_pickle=False)
  vocab.json.gz the n-gram vocabularies (body words, title words, URL tokens), in column order
  outlets.json  per-outlet training counts [n, n_fake]
  memory.json.gz (optional) each training story's id, outlet and year, row for row with story
                memory, so a verdict can say which story it is like; never its text or headline
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from ..errors import ModelError

FORMAT_VERSION = 4  # 2: vocabularies {words, title, url} in vocab.json.gz; 3: vectorizer settings in meta;
# 4: one coefficient row per scorer (plain LR, NB-LR) in text_coef/full_coef
FILES = ("meta.json", "arrays.npz", "vocab.json.gz", "outlets.json")


def fit_digest(arrays: dict[str, np.ndarray], vocab: dict[str, list[str]], config: dict) -> str:
    """8 hex digits that change whenever the fitted model does (weights, vocabularies, cuts), so
    verdicts from two fits of the same data never share a ``model_version``."""
    h = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    h.update(json.dumps([vocab, config], sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()[:8]


def save_model_dir(out: Path, meta: dict, arrays: dict[str, np.ndarray], vocab: dict[str, list[str]], outlets: dict[str, list[int]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "arrays.npz", **{k: np.asarray(v) for k, v in arrays.items()})
    # mtime=0 keeps the gzip bytes identical for identical vocabularies (reproducible commits).
    with gzip.GzipFile(out / "vocab.json.gz", "wb", mtime=0) as fh:
        fh.write(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    (out / "outlets.json").write_text(json.dumps(outlets, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    # meta.json last: its presence marks a complete model directory.
    (out / "meta.json").write_text(json.dumps({**meta, "format_version": FORMAT_VERSION}, indent=2, sort_keys=True), encoding="utf-8")


STORIES_FILE = "memory.json.gz"


def save_story_index(out: Path, stories: dict) -> None:
    with gzip.GzipFile(out / STORIES_FILE, "wb", mtime=0) as fh:
        fh.write(json.dumps(stories, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def load_story_index(path: Path, n_rows: int) -> dict | None:
    """The training stories' ids, outlets and years (``neighbours.story_index``), or None for a
    model directory without them (they only name the stories a verdict is like)."""
    where = path / STORIES_FILE
    if not where.is_file():
        return None
    try:
        with gzip.open(where, "rb") as fh:
            stories = json.loads(fh.read().decode("utf-8"))
    except (OSError, EOFError, ValueError) as exc:
        raise ModelError("RL021", where=str(path), detail=f"{STORIES_FILE}: {type(exc).__name__}: {exc}") from None
    if not isinstance(stories, dict) or any(not isinstance(stories.get(k), list) or len(stories[k]) != n_rows
                                            for k in ("ids", "outlets", "years")):
        raise ModelError("RL021", where=str(path), detail=f"{STORIES_FILE} must hold ids, outlets and years, {n_rows} of each")
    return stories


def load_model_dir(path: Path) -> tuple[dict, dict[str, np.ndarray], dict[str, list[str]], dict[str, list[int]]]:
    where = str(path)
    meta_path = path / "meta.json"
    if not meta_path.is_file():
        raise ModelError("RL020", where=where)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        found = int(meta.get("format_version", 0))
        if found > FORMAT_VERSION:
            raise ModelError("RL022", where=where, found=found, supported=FORMAT_VERSION)
        if found < FORMAT_VERSION:
            raise ModelError("RL021", where=where, detail=f"format version {found} is older than {FORMAT_VERSION}")
        with np.load(path / "arrays.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        with gzip.open(path / "vocab.json.gz", "rb") as fh:
            vocab = json.loads(fh.read().decode("utf-8"))
        outlets = json.loads((path / "outlets.json").read_text(encoding="utf-8"))
    except ModelError:
        raise
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ModelError("RL021", where=where, detail=f"{type(exc).__name__}: {exc}") from None
    if not isinstance(vocab, dict) or not isinstance(outlets, dict):
        raise ModelError("RL021", where=where, detail="vocab.json.gz and outlets.json must hold JSON objects")
    return meta, arrays, vocab, outlets
