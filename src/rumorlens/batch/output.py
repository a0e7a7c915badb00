"""The output directory of a batch: part files, per-partition state for resume, errors, manifest.

Layout::

    OUT/part-00000.jsonl ...     verdicts, one row per article (or .parquet)
    OUT/errors.jsonl             every bad record: {"source": "file:line", "code", "reason"}
    OUT/_manifest.json           settings and counts;  OUT/_SUCCESS when the run finished
    OUT/_state/plan.json         what the run reads and how it is partitioned
    OUT/_state/part-00000.json   a partition's counts and errors: its existence marks it done

A partition is committed by two atomic renames, data first and state second, so a crash at any
point leaves either a finished partition or one that the next run redoes, never a half file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from .engines import require

STATE_DIR = "_state"
MANIFEST = "_manifest.json"
SUCCESS = "_SUCCESS"
ERRORS = "errors.jsonl"
FORMATS = ("jsonl", "parquet")


def verdict_schema(signals: bool):
    """Parquet columns mirroring ``Verdict.as_dict()`` with nested signals, so a reader gets the
    same fields as ``check --json``."""
    import pyarrow as pa

    signal = pa.struct(
        [
            ("kind", pa.string()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
            ("weight", pa.float64()), ("note", pa.string()), ("speaker", pa.string()), ("outlet", pa.string()),
        ]
    )
    fields = [
        ("id", pa.string()), ("title", pa.string()), ("outlet", pa.string()), ("url", pa.string()),
        ("published", pa.string()), ("label", pa.string()), ("p_fake", pa.float64()), ("threshold", pa.float64()),
        ("truth_rating", pa.int64()),
        ("signals", pa.list_(signal)), ("reasons", pa.list_(pa.string())), ("model_version", pa.string()),
        ("text_only", pa.bool_()), ("known_label", pa.string()), ("warnings", pa.list_(pa.string())), ("text", pa.string()),
    ]
    return pa.schema([f for f in fields if signals or f[0] != "signals"])


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


class BatchOutput:
    def __init__(self, out: str | Path, plan: dict) -> None:
        self.out = Path(out)
        self.plan = plan
        self.fmt = plan["format"]
        self.state = self.out / STATE_DIR
        if self.fmt == "parquet":
            require("pyarrow", "pyarrow", "parquet", "--format parquet")

    def open(self) -> int:
        """Create or reopen OUT; return how many partitions are already finished."""
        plan_file = self.state / "plan.json"
        if plan_file.exists():
            old = json.loads(plan_file.read_text(encoding="utf-8"))
            changed = [k for k in self.plan if old.get(k) != self.plan[k]]
            if changed:
                raise UsageError("RL081", out=str(self.out), detail=", ".join(f"{k} changed" for k in changed))
        elif self.out.is_dir() and any(not p.name.startswith(".") for p in self.out.iterdir()):
            raise UsageError("RL082", out=str(self.out))
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            probe = self.state / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise UsageError("RL086", out=str(self.out), detail=exc.strerror or str(exc)) from None
        for leftover in [*self.out.glob("*.tmp"), *self.state.glob("*.tmp")]:  # from a crashed run
            leftover.unlink()
        (self.out / SUCCESS).unlink(missing_ok=True)
        _write_text(plan_file, json.dumps(self.plan, indent=2))
        return len(list(self.state.glob("part-*.json")))

    def part_name(self, part: int) -> str:
        return f"part-{part:05d}.{self.fmt}"

    def is_done(self, part: int) -> bool:
        return (self.state / f"part-{part:05d}.json").exists() and (self.out / self.part_name(part)).exists()

    def write_part(self, part: int, scored: pd.DataFrame) -> dict:
        ok = scored[scored["error"].isna()]
        bad = scored[scored["error"].notna()]
        verdicts = [v for v in ok["verdict"]]
        if self.fmt == "jsonl":
            _atomic_write(self.out / self.part_name(part), lambda tmp: _write_jsonl(tmp, verdicts))
        else:
            _atomic_write(self.out / self.part_name(part), lambda tmp: _write_parquet(tmp, verdicts, self.plan["signals"]))
        state = {
            "part": part,
            "rows": len(scored),
            "verdicts": len(ok),
            "fake": int((ok["label"] == "fake").sum()),
            "errors": [
                {"source": s, "code": c, "reason": r} for s, c, r in zip(bad["source"], bad["error_code"], bad["error"])
            ],
        }
        _write_text(self.state / f"part-{part:05d}.json", json.dumps(state, ensure_ascii=False))
        return state

    def finish(self, n_parts: int, extra: dict) -> dict:
        """Merge every partition's errors and counts (this run's and earlier runs') into the manifest."""
        totals = {"rows": 0, "verdicts": 0, "fake": 0, "errors": 0}
        error_lines: list[str] = []
        for part in range(n_parts):
            state = json.loads((self.state / f"part-{part:05d}.json").read_text(encoding="utf-8"))
            for key in ("rows", "verdicts", "fake"):
                totals[key] += state[key]
            totals["errors"] += len(state["errors"])
            error_lines.extend(json.dumps(e, ensure_ascii=False) + "\n" for e in state["errors"])
        _atomic_write(self.out / ERRORS, lambda tmp: tmp.write_text("".join(error_lines), encoding="utf-8"))
        manifest = {
            **extra,
            "out": str(self.out),
            "format": self.fmt,
            "model_version": self.plan["model_version"],
            "partitions": n_parts,
            "rows_per_partition": self.plan["rows_per_partition"],
            **totals,
            "real": totals["verdicts"] - totals["fake"],
            "files": [self.part_name(p) for p in range(n_parts)],
            "errors_file": ERRORS,
        }
        _write_text(self.out / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        _write_text(self.out / SUCCESS, "")
        return manifest


def _write_jsonl(path: Path, verdicts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for v in verdicts:
            f.write(v)
            f.write("\n")


def _write_parquet(path: Path, verdicts: list[str], signals: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(v) for v in verdicts]
    pq.write_table(pa.Table.from_pylist(rows, schema=table_schema(rows, signals)), path)


def table_schema(rows: list[dict], signals: bool):
    """The fixed schema for the fields we know, in ``as_dict`` order; a field a newer ``Verdict``
    added is kept too, with the type Arrow infers, rather than silently dropped."""
    import pyarrow as pa

    known = {f.name: f for f in verdict_schema(signals)}
    if not rows:
        return pa.schema(list(known.values()))
    return pa.schema([known.get(name) or pa.field(name, pa.array([r.get(name) for r in rows]).type) for name in rows[0]])
