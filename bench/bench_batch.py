"""Benchmark ``rumorlens batch``: throughput and peak memory on the local, processes, Spark and Ray engines.

Generates N articles by resampling the dev split (ids made unique) into a temporary JSONL file,
streamed to disk, then runs ``rumorlens batch`` on it once per configuration, each in its own
process so the peak RSS of the whole process tree (the JVM and Spark's Python workers included)
is measured for that configuration alone.

    PYTHONPATH=src python bench/bench_batch.py                 # 1M articles: local, spark local[1], local[2]
    PYTHONPATH=src python bench/bench_batch.py --n 20000       # a quicker run, extrapolated to 1M
    PYTHONPATH=src python bench/bench_batch.py --configs local,spark:2 --model /path/to/model
    PYTHONPATH=src python bench/bench_batch.py --n 100000 --configs local,processes:2,spark:2

Throughput is articles judged per second of the job (after engine start-up), and also per
second of wall time including start-up; "per core" divides the job rate by the cores used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "gossipcop" / "dev.jsonl"
PAGE = os.sysconf("SC_PAGE_SIZE")


def generate(path: Path, n: int, seed: int = 13) -> int:
    """Resample the dev split to ``n`` lines, streamed: never more than the 1.5k dev rows in memory."""
    dev = [json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()]
    rng = random.Random(seed)
    size = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            record = dict(rng.choice(dev))
            record["id"] = f"{record['id']}-r{i}"
            line = json.dumps(record, ensure_ascii=False) + "\n"
            size += len(line.encode("utf-8"))
            f.write(line)
    return size


TICK = os.sysconf("SC_CLK_TCK")


def tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """Resident memory of ``root`` and all its descendants, and each one's CPU seconds so far
    (user + system), from /proc (Linux). The JVM and Spark's Python workers are descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        pid = int(entry)
        parents[pid] = int(fields[1])
        rss[pid] = pages * PAGE
        cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(p, 0) for p in tree), {p: cpu[p] for p in tree if p in cpu}


def run_config(name: str, data: Path, out: Path, args) -> dict:
    engine, _, cores = name.partition(":")
    cmd = [sys.executable, "-m", "rumorlens", "batch", str(data), "--out", str(out), "--engine", engine, "--json",
           "--rows-per-partition", str(args.rows_per_partition)]
    if engine == "spark":
        cmd += ["--master", f"local[{cores or 2}]"]
    if engine == "processes" and cores:
        cmd += ["--workers", cores]
    if args.model:
        cmd += ["--model", args.model]
    if args.no_signals:
        cmd.append("--no-signals")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_PROGRESS": "0", "SPARK_LOCAL_IP": "127.0.0.1"}
    peak = [0]
    cpu_seen: dict[int, float] = {}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)

    def sample() -> None:
        while proc.poll() is None:
            rss, cpu = tree_usage(proc.pid)
            peak[0] = max(peak[0], rss)
            cpu_seen.update(cpu)  # the last reading of every process that was ever in the tree
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    # CPU seconds of the whole tree (Spark's JVM and Python workers too), sampled every 0.25 s: on
    # a shared machine articles per CPU-second still means something when wall time does not.
    cpu = sum(cpu_seen.values())
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{name} failed (exit {proc.returncode}):\n{stderr[-3000:]}")
    manifest = json.loads(stdout.strip().splitlines()[-1])
    used = 1 if engine == "local" else int(cores or os.cpu_count() or 1)
    job = manifest["elapsed_s"]
    label = {"local": "local", "spark": f"spark local[{used}]", "ray": f"ray ({used} CPUs)", "processes": f"processes ({used})"}[engine]
    return {
        "config": label,
        "cores": used,
        "articles": manifest["verdicts"],
        "errors": manifest["errors"],
        "partitions": manifest["partitions"],
        "job_s": round(job, 1),
        "wall_s": round(wall, 1),
        "startup_s": round(wall - job, 1),
        "per_s": round(manifest["verdicts"] / job, 1),
        "per_s_wall": round(manifest["verdicts"] / wall, 1),
        "per_core_s": round(manifest["verdicts"] / job / used, 1),
        "cpu_s": round(cpu, 1),
        "per_cpu_s": round(manifest["verdicts"] / cpu, 1) if cpu else None,
        "load_avg": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(peak[0] / 2**20),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="articles to generate (default 1M)")
    ap.add_argument("--configs", default="local,spark:1,spark:2", help="comma list of local, processes:WORKERS, spark:CORES, ray")
    ap.add_argument("--rows-per-partition", type=int, default=5_000)
    ap.add_argument("--model", help="model dir (default: the shipped model / $RUMORLENS_MODEL)")
    ap.add_argument("--no-signals", action="store_true", help="benchmark --no-signals")
    ap.add_argument("--keep", action="store_true", help="keep the generated data and outputs")
    ap.add_argument("--json", action="store_true", help="print the results as JSON lines")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rumorlens-bench-"))
    try:
        data = work / f"dev-resampled-{args.n}.jsonl"
        t = time.perf_counter()
        size = generate(data, args.n)
        print(f"generated {args.n} articles ({size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s: {data}", flush=True)
        results = []
        for i, name in enumerate(args.configs.split(",")):
            result = run_config(name.strip(), data, work / f"out-{i}", args)
            results.append(result)
            print(json.dumps(result) if args.json else _line(result), flush=True)
        _summary(results, args.n)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _line(r: dict) -> str:
    return (
        f"{r['config']:<16} {r['articles']:>9} articles  job {r['job_s']:>8.1f} s  wall {r['wall_s']:>8.1f} s "
        f"(start-up {r['startup_s']:.1f} s)  {r['per_s']:>7.1f}/s  {r['per_core_s']:>7.1f}/s/core  "
        f"cpu {r['cpu_s']:.0f} s = {r['per_cpu_s']}/cpu-s  peak RSS {r['peak_rss_mb']} MiB  (load avg {r['load_avg']})"
    )


def _summary(results: list[dict], n: int) -> None:
    spark = {r["cores"]: r for r in results if r["config"].startswith("spark")}
    if 1 in spark and 2 in spark:
        speedup = spark[2]["per_s"] / spark[1]["per_s"]
        print(f"scaling: spark local[2] is {speedup:.2f}x local[1] ({speedup / 2:.0%} parallel efficiency on 2 cores)")
    print(f"machine: {os.cpu_count()} cores; a load average above that means other work shared the cores")
    if n < 1_000_000:
        for r in results:
            hours = 1_000_000 / r["per_s"] / 3600
            print(f"extrapolated to 1M articles: {r['config']} {hours:.2f} h")


if __name__ == "__main__":
    main()
