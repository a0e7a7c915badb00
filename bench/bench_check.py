"""Speed and memory of `rumorlens check` (issue 2 section 4). Prints numbers; asserts nothing.

    python bench/bench_check.py                 # all four measurements
    python bench/bench_check.py --stream 100000 # size of the memory stream
    python bench/bench_check.py --skip-train
    python bench/bench_check.py --accurate      # also `check --accurate` (needs the accurate extra)

Measures:
  startup       wall time of `rumorlens check` on one short article, minus nothing (what a user waits)
  throughput    marginal articles/s of `check --json` on dev with signals and reasons on: the time
                for dev x4 minus the time for dev x1 (best of 3 each), so interpreter start and model
                load cancel out
  stream RSS    peak RSS (MB) of `check --json` on a 100k-article JSONL stream (dev repeated)
  train         wall time of `rumorlens train` on train.jsonl
  accurate      with --accurate: start-up, articles/s (on 300 and 600 dev articles, marginal) and
                peak RSS of `check --accurate --json`
  machine       seconds for a plain Python loop of 10 million additions (best of 3): how fast this
                machine runs Python today. The same code on the same kind of 2-core VM has measured
                600-990 articles/s one day and 1,000-1,390 another; compare runs by this too
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "data" / "gossipcop" / "dev.jsonl"
TRAIN = SHARED / "data" / "gossipcop" / "train.jsonl"
CLI = [sys.executable, "-m", "rumorlens"]


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + e.get("PYTHONPATH", "")
    e["RUMORLENS_PROGRESS"] = "0"
    return e


_WRAPPER = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process (measured by a fresh wrapper)."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *CLI, *args], check=True, capture_output=True, text=True, env=env())
    seconds, peak_kb = out.stdout.split()
    return float(seconds), int(peak_kb) / 1024


def python_loop_seconds() -> float:
    """Best of three plain 10-million-step Python loops: the machine's speed at Python, today."""
    import time

    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def repeat_file(src: Path, times: int, dst: Path, limit: int | None = None) -> int:
    lines = [line for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = 0
    with dst.open("w", encoding="utf-8") as out:
        for r in range(times):
            for line in lines:
                if limit is not None and n >= limit:
                    return n
                rec = json.loads(line)
                rec["id"] = f"{rec['id']}-{r}"
                out.write(json.dumps(rec) + "\n")
                n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stream", type=int, default=100_000, help="articles in the memory stream")
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--skip-stream", action="store_true")
    ap.add_argument("--accurate", action="store_true", help="also time check --accurate")
    args = ap.parse_args()
    results: dict[str, object] = {"python_loop_10m_seconds": round(python_loop_seconds(), 2)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        short = tmp / "short.txt"
        short.write_text("Star's secret split?\nA source close to the singer says the couple is over.\n", encoding="utf-8")
        run(["check", str(short)])  # warm the page cache
        starts = [run(["check", str(short)])[0] for _ in range(3)]
        results["startup_seconds"] = round(min(starts), 2)

        # Throughput is the slope between dev once and dev four times over (start-up cancels out);
        # best of three each, because this VM's speed wanders by a third from one minute to the next.
        dev1, dev4 = tmp / "dev1.jsonl", tmp / "dev4.jsonl"
        n1 = repeat_file(DEV, 1, dev1)
        n2 = repeat_file(DEV, 4, dev4)
        t1 = min(run(["check", "--json", str(dev1)])[0] for _ in range(3))
        t2 = min(run(["check", "--json", str(dev4)])[0] for _ in range(3))
        results["check_articles_per_second"] = round((n2 - n1) / (t2 - t1), 1)
        results["check_seconds_dev"] = round(t1, 2)

        if args.accurate:
            results["accurate_startup_seconds"] = round(min(run(["check", "--accurate", str(short)])[0] for _ in range(2)), 2)
            small, large = tmp / "dev300.jsonl", tmp / "dev600.jsonl"
            a1, a2 = repeat_file(DEV, 1, small, limit=300), repeat_file(DEV, 1, large, limit=600)
            (s1, _), (s2, peak) = run(["check", "--accurate", "--json", str(small)]), run(["check", "--accurate", "--json", str(large)])
            results["accurate_articles_per_second"] = round((a2 - a1) / (s2 - s1), 1)
            results["accurate_peak_rss_mb"] = round(peak, 1)

        if not args.skip_stream:
            stream = tmp / "stream.jsonl"
            n = repeat_file(DEV, args.stream // n1 + 1, stream, limit=args.stream)
            seconds, peak = run(["check", "--json", "--no-text", str(stream)])
            results["stream_articles"] = n
            results["stream_seconds"] = round(seconds, 1)
            results["stream_peak_rss_mb"] = round(peak, 1)

        if not args.skip_train:
            seconds, peak = run(["train", "--data", str(TRAIN), "--out", str(tmp / "model")])
            results["train_seconds"] = round(seconds, 1)
            results["train_peak_rss_mb"] = round(peak, 1)
    for k, v in results.items():
        print(f"{k:28s} {v}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
