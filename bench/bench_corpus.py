"""Corpus benchmarks: ingest speed, storyline clustering time, and debunk matching on dev.

    PYTHONPATH=src python bench/bench_corpus.py                 # all nine
    PYTHONPATH=src python bench/bench_corpus.py ingest cluster  # just these

ingest   articles/s into a fresh SQLite store for train.jsonl, judging included (Judge.load()).
cluster  seconds to rebuild near-duplicates + storylines for train + dev (~15k articles).
debunks  ingest train (known labels), then for each dev article: share with a match above the
         threshold, and how often the best match's label equals the dev article's label, band
         by band of similarity beside how often the shipped model's verdict does.
paging   milliseconds for one page of 50 stored articles (train + dev, SQLite), by offset and by
         `after` (the previous page's last id), at the top, the middle and the end, and a search;
         and for finding one stored article's storyline (what its page shows).
paging-judged  the same on a store where every article was judged and 1,000 carry a
         fact-checker's ruling, plus the first page of each final label and the time to rule.
search-pg  on PostgreSQL (RUMORLENS_BENCH_PG: a server URL whose user may create databases; the
         bench makes and drops `rumorlens_bench_search`): a page of search results with its
         count over train + dev, with the trigram indexes and without them (a scan), the time to
         store train + dev either way, the time to build the indexes on a filled store, and
         ingest of train with judging either way; the same searches on SQLite (which scans).
storylines  how train + dev group (known labels) with each least mean cosine between groups that
         merge (0 = single linkage with the old cap of 60, as before STORYLINES_VERSION 6):
         storylines, stories in them, the largest, how many share a title, how alike their stories
         are, and how well a story's storyline-mates' share of fakes tells its own label.
big-bucket  grouping 20,000 look-alike stories about one name (a crawl that repeats a page):
         seconds and the process's peak memory, with the 60 nearest kept per story beyond 4,000.
writes   a check and an article page right after each of three POSTs of a new article, with
         the derived views rebuilt in a thread (as `rumorlens serve` does) and rebuilt first;
         also a server's first article record, the article page right after a ruling, and stats.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "gossipcop"


def bench_ingest(tmp: Path) -> dict:
    from rumorlens.model.judge import Judge
    from rumorlens.read import read_articles
    from rumorlens.store import ingest, open_store

    judge = Judge.load()
    articles = list(read_articles([DATA / "train.jsonl"]))  # reading is not what we measure
    store = open_store(tmp / "ingest.db")
    # Judging alone, for comparison: ingest can be no faster than the Judge.
    t0 = time.perf_counter()
    for _ in judge.judge_many(articles[:3000]):
        pass
    judge_rate = 3000 / (time.perf_counter() - t0)
    t0, c0 = time.perf_counter(), time.process_time()
    report = ingest(store, articles, judge=judge)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    # Storing alone (articles judged beforehand, 500 a transaction as ingest writes them), best
    # of three fresh databases: what the store's own work costs, apart from judging.
    pairs = list(zip(articles, judge.judge_many(articles)))
    store_s = []
    for attempt in range(3):
        fresh = open_store(tmp / f"store-only-{attempt}.db")
        t1 = time.perf_counter()
        for i in range(0, len(pairs), 500):
            fresh.add(pairs[i : i + 500])
        store_s.append(time.perf_counter() - t1)
        fresh.close()
    # CPU-seconds are reported because wall time on a shared 2-core box depends on the neighbours.
    return {"articles": report.stored, "seconds": round(seconds, 2), "articles_per_s": round(report.stored / seconds, 1),
            "cpu_seconds": round(cpu, 2), "articles_per_cpu_s": round(report.stored / cpu, 1),
            "judge_only_articles_per_s": round(judge_rate, 1), "store_only_s": round(min(store_s), 2),
            "model_version": judge.version}


def bench_cluster(tmp: Path) -> dict:
    from rumorlens.read import read_articles
    from rumorlens.store import open_store

    from rumorlens.article import Article

    store = open_store(tmp / "cluster.db")
    store.add((a, None) for a in read_articles([DATA / "train.jsonl", DATA / "dev.jsonl"]))
    t0, c0 = time.perf_counter(), time.process_time()
    store.refresh(force=True)  # every article's grouping traits computed (and kept)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    stories = store.storylines()
    out = {"articles": store.count(), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "storylines": len(stories),
           "in_storylines": sum(s.n for s in stories), "duplicates": len(store.duplicates())}
    # what a user waits for on the first `stories` after ingesting one more article: the traits
    # of the others are kept, so only grouping itself is done again
    store.add([(Article.create(title="Khloe Kardashian and Lamar Odom split again, insider says",
                               text="An insider says Khloe Kardashian and Lamar Odom have split again after a fight.", id="bench-new"), None)])
    t0 = time.perf_counter()
    store.refresh()
    out["regroup_after_one_ingest_s"] = round(time.perf_counter() - t0, 2)
    return out


def bench_debunks(tmp: Path) -> dict:
    from rumorlens.corpus.debunks import THRESHOLD, DebunkIndex
    from rumorlens.read import read_articles

    train = [dict(a.as_dict(), final_label=a.label, label_source="label") for a in read_articles([DATA / "train.jsonl"])]
    dev = list(read_articles([DATA / "dev.jsonl"]))
    t0 = time.perf_counter()
    index = DebunkIndex().fit(train)
    matched, agree, by_label = 0, 0, Counter()
    bests = []
    for a in dev:
        found = index.matches(a, limit=1)
        bests.append(found[0] if found else None)
        if found:
            matched += 1
            agree += found[0].label == a.label
            by_label[(a.label, found[0].label)] += 1
    seconds = round(time.perf_counter() - t0, 2)
    # Should a match vote? Against the shipped model's own verdict, band by band of similarity.
    from rumorlens.model.judge import Judge

    verdicts = list(Judge.load().judge_many(dev, explain=False))
    bands = {}
    for lo, hi in ((0.35, 0.5), (0.5, 0.65), (0.65, 0.8), (0.8, 1.01)):
        inside = [(a, m, v) for a, m, v in zip(dev, bests, verdicts) if m is not None and lo <= m.score < hi]
        bands[f"{lo}-{min(hi, 1.0)}"] = {"n": len(inside),
                                         "match_agrees": round(sum(m.label == a.label for a, m, _ in inside) / len(inside), 3) if inside else None,
                                         "model_agrees": round(sum(v.label == a.label for a, _, v in inside) / len(inside), 3) if inside else None}
    return {"dev": len(dev), "threshold": THRESHOLD, "matched": matched, "share_matched": round(matched / len(dev), 4),
            "label_agreement": round(agree / matched, 4) if matched else None,
            "dev_fake_share": round(sum(a.label == "fake" for a in dev) / len(dev), 4),
            "pairs": {f"{d}->{m}": n for (d, m), n in sorted(by_label.items())},
            "by_similarity": bands, "seconds": seconds}


def bench_paging(tmp: Path) -> dict:
    from rumorlens.read import read_articles
    from rumorlens.store import open_store

    store = open_store(tmp / "paging.db")
    store.add((a, None) for a in read_articles([DATA / "train.jsonl", DATA / "dev.jsonl"]))
    return page_times(store)


def bench_paging_judged(tmp: Path) -> dict:
    """As ``paging``, on a store as `ingest` leaves it (every article judged, signals kept) with
    a fact-checker's ruling on 1,000 of them: listings then join each article's latest verdict
    and ruling, and the label filter reads them."""
    from rumorlens.model.judge import Judge
    from rumorlens.read import read_articles
    from rumorlens.store import ingest, open_store

    store = open_store(tmp / "judged.db")
    t0 = time.perf_counter()
    ingest(store, read_articles([DATA / "train.jsonl", DATA / "dev.jsonl"]), judge=Judge.load())
    ingest_s = time.perf_counter() - t0
    ids = store.ids()
    t0 = time.perf_counter()
    for i, article_id in enumerate(ids[::15][:1000]):
        store.rule(article_id, "fake" if i % 2 else "real", "bench ruling")
    rule_ms = (time.perf_counter() - t0) * 1000 / 1000
    out = {"ingest_s": round(ingest_s, 1), "rule_ms": round(rule_ms, 2)} | page_times(store)
    for label in ("fake", "real"):
        out[f"label_{label}_first_page_ms"] = best_ms(lambda: (store.search(label=label, limit=50), store.count(label=label)))
    # a fact-checker's queue: unruled stories, most likely fake first (with its count)
    for at in (0, 5000):
        out[f"queue_offset_{at}_ms"] = best_ms(lambda: (store.search(ruled=False, sort="p_fake", limit=50, offset=at), store.count(ruled=False)))
    out["fake_queue_first_page_ms"] = best_ms(lambda: (store.search(label="fake", ruled=False, sort="p_fake", limit=50),
                                                       store.count(label="fake", ruled=False)))
    return out


def bench_writes(tmp: Path) -> dict:
    """What a server's reader waits for after a write: train + dev judged into SQLite, then, in
    the app (in-process client), a check and an article page right after each POST of a new
    article; once as `rumorlens serve` runs (views rebuilt in a thread) and once rebuilding first."""
    import shutil

    from fastapi.testclient import TestClient

    from rumorlens.api import create_app
    from rumorlens.model.judge import Judge
    from rumorlens.read import read_articles
    from rumorlens.store import ingest, open_store

    judge = Judge.load()
    base = tmp / "writes.db"
    with open_store(base) as store:
        ingest(store, read_articles([DATA / "train.jsonl", DATA / "dev.jsonl"]), judge=judge)
        store.storylines(limit=1)
    check = {"title": "Jennifer Aniston pregnant?", "text": "An insider says Jennifer Aniston is pregnant with twins."}
    out = {}
    for mode in ("in a thread", "first"):
        shutil.copy(base, tmp / "w.db")
        store = open_store(tmp / "w.db")
        store.refresh_in_background = mode == "in a thread"
        client = TestClient(create_app(store=store, judge=judge, token="bench"))
        client.app.state.service.warm_up()
        page_of = store.search(limit=1)[0]["id"]

        def ms(send) -> float:
            t0 = time.perf_counter()
            response = send()
            assert response.status_code in (200, 201), response.text
            return round((time.perf_counter() - t0) * 1000, 1)

        first_record = ms(lambda: client.get(f"/v1/articles/{page_of}"))  # the server's first: nothing of it read yet
        checks, pages = [], []
        for i in range(3):
            client.post("/v1/articles", json={"id": f"new-{i}", "title": f"Singer {i} pregnant?", "text": f"A source says singer {i} is pregnant."},
                        headers={"Authorization": "Bearer bench"})
            for path, times in ((None, checks), (f"/articles/{page_of}", pages)):
                t0 = time.perf_counter()
                response = client.post("/v1/check", json=check) if path is None else client.get(path)
                assert response.status_code == 200, response.text
                times.append(round((time.perf_counter() - t0) * 1000, 1))
        for worker in store._workers:  # the rebuilds the POSTs started, before the ruling's page is timed
            worker.join()
        client.post(f"/v1/articles/{page_of}/rulings", json={"label": "fake", "note": "bench"}, headers={"Authorization": "Bearer bench"})
        after_ruling = ms(lambda: client.get(f"/articles/{page_of}"))
        t0 = time.perf_counter()
        store.stats()
        stats_ms = round((time.perf_counter() - t0) * 1000, 1)
        store.close()
        out[mode] = {"first_article_record_ms": first_record, "check_after_post_ms": checks, "article_page_after_post_ms": pages,
                     "article_page_after_ruling_ms": after_ruling, "stats_ms": stats_ms}
    return out


def best_ms(work) -> float:
    best = float("inf")
    for _ in range(5):  # the best of five: the first run warms the page cache
        t0 = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t0)
    return round(best * 1000, 1)


def page_times(store) -> dict:
    everything = [r["id"] for r in store.search(limit=10**6)]

    def ms(**kw) -> float:
        def page():
            store.search(limit=50, **kw)
            if "after" in kw:  # the API also says where the page starts
                store.count(q=kw.get("q"), through=kw["after"])
        return best_ms(page)

    out = {"articles": len(everything), "first_page_ms": ms()}
    for at in (len(everything) // 2, len(everything) - 50):
        out[f"offset_{at}_ms"] = ms(offset=at)
        out[f"after_{at}_ms"] = ms(after=everything[at - 1])
    found = [r["id"] for r in store.search(q="pregnant", limit=10**6)]
    out |= {"search_pregnant": len(found), "search_offset_1000_ms": ms(q="pregnant", offset=1000),
            "search_after_1000_ms": ms(q="pregnant", after=found[999])}
    # one stored article's storyline, for 100 articles: the first of the 50 largest storylines
    # and 50 others (most in none)
    from rumorlens.store.records import storyline_of

    asked = [s.article_ids[0] for s in store.storylines(limit=50)] + everything[:50]
    t0 = time.perf_counter()
    hits = sum(storyline_of(store, article_id) is not None for article_id in asked)
    out |= {"storyline_of_ms": round((time.perf_counter() - t0) * 1000 / len(asked), 2), "storyline_of_found": hits}
    # a storyline search (`stories --search`, GET /v1/stories?q=): a page of 100 with its count
    out |= {"storyline_search_kardashian": store.count_storylines(q="kardashian"),
            "storyline_search_ms": best_ms(lambda: (store.storylines(q="kardashian", limit=100), store.count_storylines(q="kardashian")))}
    return out


def bench_search_pg(tmp: Path) -> dict:
    import os

    import psycopg
    from sqlalchemy import text

    from rumorlens.read import read_articles
    from rumorlens.store import open_store
    from rumorlens.store.search_index import INDEXES, create_indexes

    server = os.environ.get("RUMORLENS_BENCH_PG")
    if not server:
        return {"skipped": "set RUMORLENS_BENCH_PG to a PostgreSQL URL whose user may create databases"}
    name = "rumorlens_bench_search"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    url = server.rsplit("/", 1)[0] + "/" + name
    articles = list(read_articles([DATA / "train.jsonl", DATA / "dev.jsonl"]))
    dev_ids = {a.id for a in read_articles([DATA / "dev.jsonl"])}
    queries = {"pregnant": "a claim", "gwyneth paltrow": "a name", "beyonce": "a name written with an accent too", "zzqx": "nowhere"}

    def store_all(store) -> float:
        t0 = time.perf_counter()
        for i in range(0, len(articles), 500):
            store.add((a, None) for a in articles[i : i + 500])
        return round(time.perf_counter() - t0, 2)

    def searches(store, suffix: str) -> dict:
        out = {}
        for q in queries:
            out[f"search_{q.replace(' ', '_')}_{suffix}_ms"] = best_ms(lambda: (store.search(q=q, limit=50), store.count(q=q)))
        return out

    try:
        store = open_store(url)
        out = {"articles": len(articles), "store_s_indexed": store_all(store)}
        out |= {f"found_{q.replace(' ', '_')}": store.count(q=q) for q in queries} | searches(store, "indexed")
        with store.engine.begin() as conn:
            for index in INDEXES:
                conn.execute(text(f"DROP INDEX {index}"))
        out |= searches(store, "scan")
        with store.engine.begin() as conn:
            conn.execute(text("TRUNCATE articles CASCADE"))
        out["store_s_without"] = store_all(store)
        t0 = time.perf_counter()
        with store.engine.begin() as conn:
            create_indexes(conn)
        out["create_indexes_s"] = round(time.perf_counter() - t0, 1)
        # what a team sees: `rumorlens ingest` of train (judged as it is stored) with the indexes, then without
        from rumorlens.model.judge import Judge
        from rumorlens.store import ingest

        judge, train = Judge.load(), [a for a in articles if a.id not in dev_ids]
        for suffix in ("indexed", "without"):
            with store.engine.begin() as conn:
                conn.execute(text("TRUNCATE articles CASCADE"))
                if suffix == "without":
                    for index in INDEXES:
                        conn.execute(text(f"DROP INDEX {index}"))
            t0 = time.perf_counter()
            stored = ingest(store, train, judge=judge).stored
            out[f"ingest_train_articles_per_s_{suffix}"] = round(stored / (time.perf_counter() - t0), 1)
        store.close()
        sqlite = open_store(tmp / "search.db")  # the same searches on the single-user store, which scans
        store_all(sqlite)
        out |= searches(sqlite, "sqlite")
        sqlite.close()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return out


def bench_storylines(tmp: Path) -> dict:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from rumorlens.corpus.storylines import MAX_SIZE, MONTH_SUFFIX, build_storylines, lead, tfidf
    from rumorlens.read import read_articles
    from rumorlens.store import open_store

    store = open_store(tmp / "storylines.db")
    store.add((a, None) for a in read_articles([DATA / "train.jsonl", DATA / "dev.jsonl"]))
    rows, dups = store.rows(), store.duplicates()
    canon = [r for r in rows if r["id"] not in dups]
    fake = {r["id"]: r["final_label"] == "fake" for r in canon}
    X, _ = tfidf([lead(r.get("title"), r.get("text")) for r in canon])  # to say how alike a storyline's stories are
    at = {r["id"]: i for i, r in enumerate(canon)}
    out = {}
    for min_mean in (0.0, 0.1, 0.15, 0.2, 0.25, 0.3):
        t0 = time.perf_counter()
        lines = build_storylines(rows, dups, max_size=60 if min_mean == 0 else MAX_SIZE, min_mean=min_mean)
        seconds = time.perf_counter() - t0
        mates, alike, sizes = {}, [], []
        for s in lines:
            members = [a for a in s.article_ids if a not in dups]
            n_fake = sum(fake[a] for a in members)
            mates.update({a: (n_fake - fake[a]) / (len(members) - 1) for a in members})
            summed = np.asarray(X[[at[a] for a in members]].sum(axis=0)).ravel()
            alike.append((summed @ summed - len(members)) / (len(members) * (len(members) - 1)))  # mean cosine of its pairs
            sizes.append(len(members))
        big = [a for s in lines if s.n >= 3 for a in s.article_ids if a not in dups]
        base = float(np.mean(list(fake.values())))
        # as drawn, before storylines that share a title are told apart by their first month
        drawn = [MONTH_SUFFIX.sub("", s.title) for s in lines]
        titles = Counter((t.split(":")[0], frozenset(t.partition(":")[2].split(", "))) for t in drawn)
        out[f"min_mean_{min_mean}"] = {
            "storylines": len(lines), "stories_in_them": sum(sizes), "largest": max(sizes), "of_60_or_more": sum(n >= 60 for n in sizes),
            "sharing_a_title": sum(c for c in titles.values() if c > 1),
            "mean_cosine_within": round(float(np.average(alike, weights=sizes)), 3),
            # a story's label against its storyline-mates' share of fakes: in storylines of 3 or more,
            # and over every story (one in no storyline gets the corpus's share)
            "label_auc_in_storylines_of_3": round(roc_auc_score([fake[a] for a in big], [mates[a] for a in big]), 4),
            "stories_in_storylines_of_3": len(big),
            "label_auc_all_stories": round(roc_auc_score(list(fake.values()), [mates.get(a, base) for a in fake]), 4),
            "seconds": round(seconds, 1)}
    store.close()
    return out


def bench_big_bucket(tmp: Path) -> dict:
    import resource

    from rumorlens.corpus.storylines import build_storylines

    topics = ["new perfume", "charity gala", "fashion week", "tax filing", "cover shoot", "podcast", "award speech", "book tour"]
    rows = [{"id": f"n{i:05d}", "title": f"Kim Kardashian {topics[i % 8]} item {i}", "outlet": "people.com", "published": None,
             "text": f"Kim Kardashian spoke about the {topics[i % 8]} number {i} on a show today.", "final_label": None, "p_fake": None}
            for i in range(20_000)]
    t0 = time.perf_counter()
    stories = build_storylines(rows)
    return {"stories_of_one_name": len(rows), "seconds": round(time.perf_counter() - t0, 1), "storylines": len(stories),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="*", help="ingest, cluster, debunks, paging, paging-judged, search-pg, storylines, big-bucket and/or writes (default: all)")
    args = parser.parse_args(argv)
    benches = {"ingest": bench_ingest, "cluster": bench_cluster, "debunks": bench_debunks, "paging": bench_paging,
               "paging-judged": bench_paging_judged, "search-pg": bench_search_pg, "storylines": bench_storylines, "big-bucket": bench_big_bucket, "writes": bench_writes}
    names = args.what or list(benches)
    if unknown := set(names) - set(benches):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            result = benches[name](Path(tmp))
            print(json.dumps({"bench": name, **result}), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
