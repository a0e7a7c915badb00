"""Load and latency benchmark for ``POST /v1/check`` (loopback only, bounded in count and time).

Starts its own ``rumorlens serve --read-only`` on a free 127.0.0.1 port over a temp SQLite store
seeded with dev articles (so checks consult the store's scorecard and debunk index, as in
production), then:

1. burst: ``--concurrency`` (16) checks in flight, from wrk when it is installed (a C client: it
   leaves both cores to the server) for ``--wrk-seconds`` (10), else from httpx for ``--requests``
   (2,000), whose Python client takes about one of the two cores itself; prints throughput,
   p50/p90/p99 latency and errors;
2. soak: ``--soak-seconds`` (60) at ``--rate`` (100) requests/s, open loop; prints latency, errors
   and the server's RSS at start and end (memory must stay flat);
3. with ``--accurate N``: N ``?accurate=true`` checks at concurrency 4, first alone, then again
   while the fast burst runs beside them (the accurate mode is judged in a worker thread, so
   fast checks should keep their latency), plus the first accurate request's wait (the load).

    PYTHONPATH=src python bench/bench_api.py
    PYTHONPATH=src python bench/bench_api.py --requests 500 --soak-seconds 10 --json
    PYTHONPATH=src python bench/bench_api.py --accurate 200 --soak-seconds 0
    PYTHONPATH=src python bench/bench_api.py --client wrk --soak-seconds 0   # the burst from wrk (a C client)

Targets on 2 cores: 0 errors; p99 <= 50 ms for a typical (median-length) article; flat RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV = SHARED / "data" / "gossipcop" / "dev.jsonl"
MAX_WALL_SECONDS = 600
MAX_IN_FLIGHT = 200  # hard stop for the whole run, whatever the options say

FALLBACK = {
    "title": "Jennifer Aniston pregnant at 50? Insiders say she's expecting twins",
    "text": ("A source close to the actress says she is allegedly expecting twins, and the shocking news has stunned "
             "her friends. Her rep did not respond to a request for comment. ") * 12,
    "url": "https://www.example-tabloid.com/jen-twins",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its worker processes, in MB."""
    total = 0.0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
        for k in kids:
            out += [k, *children(k)]
    return out


def typical_articles(n: int = 50) -> list[dict]:
    """Dev articles close to the median length: what 'a typical article' means here."""
    if not DEV.is_file():
        return [FALLBACK]
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r.get("text")]
    rows.sort(key=lambda r: len(r["text"]))
    mid = len(rows) // 2
    picked = rows[max(0, mid - n // 2) : mid + n // 2]
    return [{"title": r.get("title") or "", "text": r["text"], "url": r.get("url")} for r in picked]


def model_dir(given: str | None, tmp: Path) -> Path:
    """The model to serve: --model, else the shipped one, else (no model shipped yet) a model
    trained here on 3,000 training articles so the benchmark still measures a real Judge."""
    sys.path.insert(0, str(REPO / "src"))
    from rumorlens.article import Article
    from rumorlens.errors import ModelError
    from rumorlens.model.judge import Judge, default_model_path

    if given:
        return Path(given)
    try:
        Judge.load()
        return default_model_path()
    except ModelError:
        cached = Path(tempfile.gettempdir()) / "rumorlens-bench-model"
        if (cached / "meta.json").is_file():
            return cached
        train = SHARED / "data" / "gossipcop" / "train.jsonl"
        print("note: no shipped model; training one on 3,000 training articles for the benchmark", file=sys.stderr)
        lines = train.read_text(encoding="utf-8").splitlines()
        picked = random.Random(0).sample(lines, 3000)
        return Judge.fit([Article.from_dict(json.loads(line)) for line in picked]).save(cached)


def seed_store(db: Path, n: int, model: Path) -> None:
    """Judge and store ``n`` dev articles so checks use a realistic store as memory."""
    from rumorlens.article import Article
    from rumorlens.model.judge import Judge
    from rumorlens.store import open_store

    if not DEV.is_file():
        open_store(str(db)).close()
        return
    lines = DEV.read_text(encoding="utf-8").splitlines()
    picked = random.Random(0).sample(lines, min(n, len(lines)))
    articles = [Article.from_dict(json.loads(line)) for line in picked]
    judge = Judge.load(model)
    with open_store(str(db)) as store:
        store.add(list(zip(articles, judge.judge_many(articles))))
        store.refresh()


def start_server(db: Path, port: int, log: Path, model: Path, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("RUMORLENS_TOKEN", None)
    cmd = [sys.executable, "-m", "rumorlens", "serve", "--read-only", "--host", "127.0.0.1", "--port", str(port), "--db", str(db), "--model", str(model), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not answer /healthz within 60 s")


def summary(latencies: list[float], errors: int, seconds: float) -> dict:
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else lat * 99 or [float("nan")] * 99
    return {
        "requests": len(lat) + errors, "ok": len(lat), "errors": errors, "seconds": round(seconds, 2),
        "throughput_rps": round(len(lat) / seconds, 1) if seconds else None,
        "p50_ms": round(q[49] * 1000, 1), "p90_ms": round(q[89] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1) if lat else None,
    }


async def one(client: httpx.AsyncClient, body: dict, latencies: list[float], failures: list[str], path: str = "/v1/check") -> None:
    t0 = time.perf_counter()
    try:
        resp = await client.post(path, json=body)
        if resp.status_code == 200 and "p_fake" in resp.json():
            latencies.append(time.perf_counter() - t0)
        else:
            failures.append(f"HTTP {resp.status_code}: {resp.text[:200]}")
    except httpx.HTTPError as exc:
        failures.append(f"{type(exc).__name__}: {exc}")


async def burst(base: str, articles: list[dict], n: int, concurrency: int, path: str = "/v1/check",
                timeout: float = 10) -> tuple[dict, list[str]]:
    latencies: list[float] = []
    failures: list[str] = []
    queue = iter(range(n))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        async def worker():
            for i in queue:
                await one(client, articles[i % len(articles)], latencies, failures, path)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return summary(latencies, len(failures), elapsed), failures


async def soak(base: str, articles: list[dict], seconds: float, rate: float, pid: int) -> tuple[dict, list[str]]:
    """Open loop: a request is started every 1/rate s whatever the previous ones are doing.

    Bounded: at most ``MAX_IN_FLIGHT`` requests are outstanding (a send that would exceed it
    counts as an error: the server is not keeping up), each request gets 10 s, and whatever is
    unanswered 15 s after the last send is cancelled and counted as an error.
    """
    latencies: list[float] = []
    failures: list[str] = []
    rss = [rss_mb(pid)]
    in_flight: set[asyncio.Task] = set()
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:
        t0 = time.perf_counter()
        next_rss = t0 + 10
        for i in range(int(seconds * rate)):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= MAX_IN_FLIGHT:
                failures.append(f"more than {MAX_IN_FLIGHT} requests outstanding: the server is not keeping up")
                continue
            task = asyncio.create_task(one(client, articles[i % len(articles)], latencies, failures))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            if time.perf_counter() >= next_rss:
                rss.append(rss_mb(pid))
                next_rss += 10
        if in_flight:
            _, pending = await asyncio.wait(set(in_flight), timeout=15)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            failures += ["no answer within 15 s of the end of the soak"] * len(pending)
        elapsed = time.perf_counter() - t0
    rss.append(rss_mb(pid))
    out = summary(latencies, len(failures), elapsed)
    out.update({"target_rps": rate, "rss_start_mb": round(rss[0], 1), "rss_end_mb": round(rss[-1], 1), "rss_samples_mb": [round(r, 1) for r in rss]})
    return out, failures


WRK_SCRIPT = r"""
-- POST the typical articles in turn; print the summary as one JSON line when done
local bodies = {}
for line in io.lines(os.getenv("RUMORLENS_BENCH_BODIES")) do bodies[#bodies + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/v1/check", {["Content-Type"] = "application/json"}, bodies[(i % #bodies) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "errors": %d, "seconds": %.3f, "p50_ms": %.1f, "p90_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f}\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def wrk_burst(base: str, articles: list[dict], seconds: float, concurrency: int, tmp: Path) -> dict:
    """The burst from wrk (C, one thread): it uses a few percent of a core where the httpx client
    uses about one, so on a 2-core machine the numbers are the server's. Runs for ``seconds``."""
    bodies, script = tmp / "bodies.jsonl", tmp / "post.lua"
    bodies.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "RUMORLENS_BENCH_BODIES": str(bodies)}, timeout=seconds + 60)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    ok = row["requests"] - row["errors"]
    return {**row, "ok": ok, "throughput_rps": round(ok / row["seconds"], 1) if row["seconds"] else None, "client": "wrk"}


def run_accurate(base: str, articles: list[dict], n: int, n_fast: int, concurrency: int) -> dict:
    """The accurate mode over HTTP: its first request (which loads the reader), a burst alone,
    then another beside a fast one, to show fast checks are not held up. Every accurate request
    sends an article not sent before: the judge remembers the reader's score per text."""
    path = "/v1/check?accurate=true"
    fresh = typical_articles(2 * n + 2)
    t0 = time.perf_counter()
    first, failures = asyncio.run(burst(base, fresh[:1], 1, 1, path, timeout=120))
    first_s = round(time.perf_counter() - t0, 2)
    alone, f1 = asyncio.run(burst(base, fresh[1 : n + 1], n, 4, path, timeout=120))

    async def side_by_side():
        return await asyncio.gather(burst(base, fresh[n + 1 : 2 * n + 1], n, 4, path, timeout=120), burst(base, articles, n_fast, concurrency))

    (beside, f2), (fast, f3) = asyncio.run(side_by_side())
    return {"first_request_s": first_s, "alone": alone, "beside_fast": beside, "fast_beside": fast, "failures": failures + f1 + f2 + f3}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="burst size (max 20000)")
    ap.add_argument("--concurrency", type=int, default=16, help="burst concurrency (max 64)")
    ap.add_argument("--soak-seconds", type=float, default=60, help="soak duration, 0 to skip (max 300)")
    ap.add_argument("--rate", type=float, default=100, help="soak requests per second (max 500)")
    ap.add_argument("--store-articles", type=int, default=1000, help="dev articles in the server's store")
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes (rumorlens serve --workers)")
    ap.add_argument("--accurate", type=int, default=0, help="accurate-mode checks to time, alone and beside a fast burst (max 700: each sends a new dev article)")
    ap.add_argument("--client", choices=["auto", "httpx", "wrk"], default="auto",
                    help="burst load generator: wrk (C, timed by --wrk-seconds; apt-get install wrk), httpx (Python: ~1 of the 2 cores "
                         "goes to the client), auto: wrk when installed")
    ap.add_argument("--wrk-seconds", type=float, default=10, help="with --client wrk: how long the burst runs (max 120)")
    ap.add_argument("--json", action="store_true", help="print one JSON summary instead of text")
    args = ap.parse_args()
    n, conc = min(args.requests, 20000), min(args.concurrency, 64)
    soak_s, rate = min(args.soak_seconds, 300), min(args.rate, 500)

    articles = typical_articles()
    median_chars = statistics.median(len(a["title"]) + len(a["text"]) for a in articles)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        model = model_dir(args.model, Path(tmp))
        seed_store(db, args.store_articles, model)
        port = free_port()
        proc = start_server(db, port, Path(tmp) / "server.log", model, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            started = time.monotonic()
            asyncio.run(burst(base, articles, 50, 4))  # warm-up: first-request caches (scorecard, debunk index)
            rss_warm = rss_mb(proc.pid)
            have_wrk = shutil.which("wrk") is not None
            if args.client == "wrk" and not have_wrk:
                raise SystemExit("--client wrk needs wrk on PATH (apt-get install wrk)")
            if args.client == "wrk" or (args.client == "auto" and have_wrk):
                burst_stats, burst_fail = wrk_burst(base, articles, min(args.wrk_seconds, 120), conc, Path(tmp)), []
            else:
                burst_stats, burst_fail = asyncio.run(burst(base, articles, n, conc))
                burst_stats["client"] = "httpx"
            soak_stats, soak_fail = ({}, [])
            if soak_s > 0 and time.monotonic() - started < MAX_WALL_SECONDS:
                soak_stats, soak_fail = asyncio.run(soak(base, articles, soak_s, rate, proc.pid))
            accurate = run_accurate(base, articles, min(args.accurate, 700), n, conc) if args.accurate > 0 else {}
            alive = proc.poll() is None and httpx.get(base + "/healthz", timeout=5).status_code == 200
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    result = {
        "article_chars_median": int(median_chars), "cpus": os.cpu_count(), "store_articles": args.store_articles,
        "rss_after_warmup_mb": round(rss_warm, 1), "burst": {**burst_stats, "concurrency": conc}, "soak": soak_stats,
        "accurate": {k: v for k, v in accurate.items() if k != "failures"},
        "server_alive_after": alive, "sample_errors": (burst_fail + soak_fail + accurate.get("failures", []))[:5],
    }
    if args.json:
        print(json.dumps(result))
    else:
        b = result["burst"]
        print(f"typical article: {result['article_chars_median']} chars · {result['cpus']} CPUs · store of {args.store_articles} articles")
        print(f"burst ({b['client']}): {b['requests']} requests at concurrency {conc}: {b['throughput_rps']} req/s, "
              f"p50 {b['p50_ms']} ms, p90 {b['p90_ms']} ms, p99 {b['p99_ms']} ms, max {b['max_ms']} ms, errors {b['errors']}")
        if soak_stats:
            s = soak_stats
            print(f"soak: {s['seconds']} s at {rate:g} req/s: {s['ok']} ok, errors {s['errors']}, p50 {s['p50_ms']} ms, "
                  f"p99 {s['p99_ms']} ms; server RSS {s['rss_start_mb']} MB -> {s['rss_end_mb']} MB (samples {s['rss_samples_mb']})")
        if accurate:
            a, m, f = accurate["alone"], accurate["beside_fast"], accurate["fast_beside"]
            print(f"accurate: first request (loads the reader) {accurate['first_request_s']} s; {a['requests']} at concurrency 4: "
                  f"{a['throughput_rps']} req/s, p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms, errors {a['errors']}")
            print(f"accurate beside a fast burst: {m['throughput_rps']} req/s, p50 {m['p50_ms']} ms, errors {m['errors']}; "
                  f"the fast burst meanwhile: {f['throughput_rps']} req/s, p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms, errors {f['errors']}")
        print(f"server alive after: {alive}")
        for e in result["sample_errors"]:
            print(f"  error: {e}")
    failed = burst_stats["errors"] or (soak_stats and soak_stats["errors"]) or accurate.get("failures") or not alive
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
