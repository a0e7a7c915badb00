"""batch/ on the local engine: the same verdicts as ``check --json``, bad records listed with their
source, crash-safe resume, Parquet in and out, constant-memory reading, and the CLI's messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rumorlens.batch import run_batch
from rumorlens.batch.source import iter_raw_rows
from rumorlens.cli import app
from rumorlens.read import read_articles

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "data" / "gossipcop" / "dev.jsonl"
N_DEV = 120
BAD_LINES = ['{"title": "no body", "text": ', '{"id": "no-text", "title": "", "text": " "}', '"just a string"']


def lines(path: Path, n: int, start: int = 0) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [line.rstrip("\n") for line in islice(f, start, start + n)]


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    """N_DEV dev articles with three broken lines in the middle (lines 51-53)."""
    dev = lines(DEV, N_DEV)
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    path.write_text("\n".join(dev[:50] + BAD_LINES + dev[50:]) + "\n", encoding="utf-8")
    return path


def read_parts(out: Path, suffix: str = "jsonl") -> list[dict]:
    rows = []
    for part in sorted(out.glob(f"part-*.{suffix}")):
        rows.extend(json.loads(line) for line in part.read_text(encoding="utf-8").splitlines())
    return rows


def test_batch_local_rows_equal_check_json(tmp_path, feed, small_model_dir):
    from rumorlens.model.judge import Judge

    manifest = run_batch([feed], tmp_path / "out", model_dir=small_model_dir, rows_per_partition=40)
    rows = read_parts(tmp_path / "out")
    judge = Judge.load(small_model_dir)
    expected = [v.as_dict() for v in judge.judge_many(read_articles([feed], on_problem=lambda e: None))]
    assert rows == expected  # field for field what `check --json` prints
    assert len(rows) == N_DEV and len({r["p_fake"] for r in rows}) > 10
    assert manifest["verdicts"] == N_DEV and manifest["rows"] == N_DEV + 3 and manifest["errors"] == 3
    assert manifest["partitions"] == 4 and manifest["files"] == [f"part-0000{i}.jsonl" for i in range(4)]
    assert manifest["fake"] + manifest["real"] == N_DEV
    assert (tmp_path / "out" / "_SUCCESS").exists()


def test_batch_bad_records_are_counted_and_listed_with_source(tmp_path, feed, small_model_dir):
    missing = tmp_path / "missing.jsonl"
    manifest = run_batch([feed, missing], tmp_path / "out", model_dir=small_model_dir)
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [(e["source"], e["code"]) for e in errors] == [
        (f"{feed}:51", "RL005"),
        (f"{feed}:52", "RL007"),
        (f"{feed}:53", "RL006"),
        (str(missing), "RL001"),
    ]
    assert errors[1]["reason"] == (
        f"{feed}:52: record has no 'text' field and no 'title' (or they are empty); add the article body as 'text' [RL007]"
    )
    assert manifest["errors"] == 4 and manifest["verdicts"] == N_DEV


def test_batch_hostile_nesting_is_one_bad_record_not_a_crash(tmp_path, small_model_dir):
    """A line of 100,000 '[' used to end the whole run with a RecursionError traceback."""
    feed = tmp_path / "deep.jsonl"
    feed.write_text(lines(DEV, 1)[0] + "\n" + "[" * 100_000 + "\n" + '{"text": ' + "[" * 100_000 + "\n", encoding="utf-8")
    manifest = run_batch([feed], tmp_path / "out", model_dir=small_model_dir)
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [e["reason"] for e in errors] == [f"{feed}:{n}: invalid JSON (nested too deeply); fix the line or remove it [RL005]" for n in (2, 3)]
    assert manifest["verdicts"] == 1 and manifest["errors"] == 2


def test_batch_no_signals_drops_the_signals_field_only(tmp_path, feed, small_model_dir):
    run_batch([feed], tmp_path / "with", model_dir=small_model_dir)
    run_batch([feed], tmp_path / "without", model_dir=small_model_dir, signals=False)
    with_signals, without = read_parts(tmp_path / "with"), read_parts(tmp_path / "without")
    assert "signals" in with_signals[0] and "signals" not in without[0]
    assert [(r["id"], r["p_fake"], r["label"]) for r in with_signals] == [(r["id"], r["p_fake"], r["label"]) for r in without]


CRASH_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from rumorlens.batch import run_batch
    done = [0]
    def progress(n):
        done[0] += n
        if done[0] >= 2 * 30:   # two partitions written: die like a killed process, no cleanup at all
            os._exit(137)
    run_batch([sys.argv[1]], sys.argv[2], model_dir=sys.argv[3], rows_per_partition=30, progress=progress)
    """
)


def test_batch_resume_after_crash_skips_finished_partitions(tmp_path, feed, small_model_dir, monkeypatch):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    crashed = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(feed), str(out), str(small_model_dir)], env=env)
    assert crashed.returncode == 137
    assert sorted(p.name for p in out.glob("part-*")) == ["part-00000.jsonl", "part-00001.jsonl"]
    assert not (out / "_SUCCESS").exists()
    (out / "part-00002.jsonl.tmp").write_text('{"half": "written', encoding="utf-8")  # a partition cut mid-write

    from rumorlens.batch import core

    scored_parts: list[int] = []
    real_score = core.score_frames

    def spy(frames, *args):
        for frame in frames:
            scored_parts.append(int(frame["_part"].iloc[0]))
            yield from real_score(iter([frame]), *args)

    monkeypatch.setattr(core, "score_frames", spy)
    manifest = run_batch([feed], out, model_dir=small_model_dir, rows_per_partition=30)
    assert scored_parts == [2, 3, 4]  # 123 rows in partitions of 30: 0 and 1 were already done
    assert manifest["partitions_skipped"] == 2 and manifest["verdicts"] == N_DEV and manifest["errors"] == 3
    assert not list(out.glob("*.tmp"))

    fresh = tmp_path / "fresh"
    monkeypatch.setattr(core, "score_frames", real_score)
    run_batch([feed], fresh, model_dir=small_model_dir, rows_per_partition=30)
    assert read_parts(out) == read_parts(fresh)
    assert (out / "errors.jsonl").read_text() == (fresh / "errors.jsonl").read_text()


def test_batch_rerun_of_finished_output_scores_nothing(tmp_path, feed, small_model_dir):
    first = run_batch([feed], tmp_path / "out", model_dir=small_model_dir, rows_per_partition=50)
    again = run_batch([feed], tmp_path / "out", model_dir=small_model_dir, rows_per_partition=50)
    assert again["partitions_skipped"] == again["partitions"] == 3
    assert {k: again[k] for k in ("rows", "verdicts", "errors", "fake")} == {k: first[k] for k in ("rows", "verdicts", "errors", "fake")}


def test_batch_refuses_resume_with_other_settings(tmp_path, feed, small_model_dir):
    from rumorlens.errors import UsageError

    run_batch([feed], tmp_path / "out", model_dir=small_model_dir, rows_per_partition=50)
    with pytest.raises(UsageError) as err:
        run_batch([feed], tmp_path / "out", model_dir=small_model_dir, rows_per_partition=50, text_only=True)
    assert str(err.value) == (
        f"{tmp_path / 'out'} holds a batch run with different settings (text_only changed); "
        "use another --out or delete it to start over [RL081]"
    )



def test_batch_prevalence_rebases_like_check_and_must_match_to_resume(tmp_path, feed, small_model_dir):
    from rumorlens.errors import UsageError
    from rumorlens.model.judge import Judge

    def verdicts(out):
        return {v["id"]: v for f in sorted(out.glob("part-*.jsonl")) for v in map(json.loads, f.read_text(encoding="utf-8").splitlines())}

    run_batch([feed], tmp_path / "plain", model_dir=small_model_dir, rows_per_partition=50)
    run_batch([feed], tmp_path / "half", model_dir=small_model_dir, rows_per_partition=50, prevalence=0.5)
    plain, half = verdicts(tmp_path / "plain"), verdicts(tmp_path / "half")
    assert plain.keys() == half.keys() and len(half) == N_DEV
    judge = Judge.load(small_model_dir)
    articles = {a.id: a for a in read_articles([DEV]) if a.id in half}
    for vid, v in half.items():
        assert v["threshold"] == judge.model.threshold(False, 0.5)
        assert v["p_fake"] == pytest.approx(judge.judge(articles[vid], prevalence=0.5).p_fake, abs=6e-5)  # JSON keeps 4 places
    base = judge.model.outlets_.base_rate_
    assert all((half[i]["p_fake"] > plain[i]["p_fake"]) == (0.5 > base) for i in half if 0 < plain[i]["p_fake"] < 1)
    with pytest.raises(UsageError, match=r"\(prevalence changed\)"):
        run_batch([feed], tmp_path / "half", model_dir=small_model_dir, rows_per_partition=50)

def test_batch_refuses_to_write_into_an_unrelated_directory(tmp_path, feed, small_model_dir):
    from rumorlens.errors import UsageError

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(UsageError, match=r"is a non-empty directory that is not a rumorlens batch output.*\[RL082\]"):
        run_batch([feed], tmp_path / "docs", model_dir=small_model_dir)
    assert (tmp_path / "docs" / "thesis.tex").read_text() == "precious"


def test_batch_parquet_output_is_readable_with_the_same_fields(tmp_path, feed, small_model_dir):
    pq = pytest.importorskip("pyarrow.parquet")
    run_batch([feed], tmp_path / "js", model_dir=small_model_dir, rows_per_partition=50)
    run_batch([feed], tmp_path / "pq", model_dir=small_model_dir, rows_per_partition=50, fmt="parquet")
    table = pq.read_table(sorted((tmp_path / "pq").glob("part-*.parquet")))
    from_parquet = table.to_pylist()
    from_jsonl = read_parts(tmp_path / "js")
    assert table.num_rows == N_DEV
    assert set(table.column_names) == set(from_jsonl[0])
    for row in from_parquet:  # Parquet structs carry every field; JSON leaves None ones out
        row["signals"] = [{k: v for k, v in s.items() if v is not None} for s in row["signals"]]
    assert from_parquet == from_jsonl


def test_batch_reads_parquet_and_csv_inputs_like_jsonl(tmp_path, small_model_dir):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import csv

    records = [json.loads(line) for line in lines(DEV, 30)]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "in.parquet")
    with (tmp_path / "in.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    renamed = {"title": "headline", "text": "content", "url": "news_url", "published": "date_publish"}  # another collection's names
    pq.write_table(pa.Table.from_pylist([{renamed.get(k, k): v for k, v in r.items()} for r in records]), tmp_path / "in.other.parquet")
    names = ("jsonl", "parquet", "csv", "other.parquet")
    for name in names:
        run_batch([tmp_path / f"in.{name}"], tmp_path / f"out-{name}", model_dir=small_model_dir)
    keyed = {name: [(r["id"], r["p_fake"], r["label"], r["text"]) for r in read_parts(tmp_path / f"out-{name}")] for name in names}
    assert len(keyed["jsonl"]) == 30
    assert keyed["parquet"] == keyed["jsonl"] and keyed["csv"] == keyed["jsonl"] and keyed["other.parquet"] == keyed["jsonl"]


def test_batch_reads_utf16_and_windows_1252_feeds_as_check_does(tmp_path, small_model_dir):
    """Excel's "Unicode Text" and "CSV" save UTF-16 and Windows-1252: batch reads them as check
    does, the same records, text (curly quotes intact) and RW001 warning."""
    import csv
    import io as io_

    from rumorlens.model.judge import Judge

    records = [json.loads(line) for line in lines(DEV, 20)]
    records[0]["text"] = "“I’m not pregnant,” the singer told People at the café. " + records[0]["text"]
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    buffer = io_.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    files = {"u16.jsonl": jsonl.encode("utf-16"), "u16.csv": buffer.getvalue().encode("utf-16"),
             "legacy.jsonl": jsonl.encode("cp1252", errors="replace"), "legacy.csv": buffer.getvalue().encode("cp1252", errors="replace")}
    judge = Judge.load(small_model_dir)
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        manifest = run_batch([path], tmp_path / f"out-{name}", model_dir=small_model_dir)
        rows = read_parts(tmp_path / f"out-{name}")
        assert manifest["errors"] == 0 and len(rows) == 20, name
        assert rows == [v.as_dict() for v in judge.judge_many(read_articles([path], on_problem=lambda e: None))], name
        assert "“I’m not pregnant,” the singer told People at the café." in rows[0]["text"], name
        warned = [f"{path}: not valid UTF-8; read as Windows-1252, the usual older encoding of English text [RW001]"]
        assert rows[0]["warnings"] == (warned if name.startswith("legacy") else []), name


def test_parquet_reads_in_check_evaluate_and_ingest_as_in_batch(tmp_path, small_model_dir):
    """Parquet is read everywhere a feed is: `check`/`evaluate` give what they give for the same
    JSONL; a `batch --format parquet` output loads with `ingest OUT/` keeping its verdicts (the docs'
    way to store a batch); and a batch output given back to batch is read part by part, its
    manifest, state and errors files skipped."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from rumorlens.store import open_store

    records = [json.loads(line) for line in lines(DEV, 30)]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "in.parquet")
    runner = CliRunner()
    model = ["--model", str(small_model_dir)]
    as_jsonl = runner.invoke(app, ["check", str(tmp_path / "in.jsonl"), "--json", *model])
    as_parquet = runner.invoke(app, ["check", str(tmp_path / "in.parquet"), "--json", *model])
    assert as_parquet.exit_code == 0 and as_parquet.stdout == as_jsonl.stdout and len(as_parquet.stdout.splitlines()) == 30
    scores = [json.loads(runner.invoke(app, ["evaluate", str(tmp_path / f"in.{s}"), "--json", *model]).stdout) for s in ("jsonl", "parquet")]
    assert scores[0]["n"] == scores[1]["n"] == 30 and scores[0]["confusion"] == scores[1]["confusion"]

    out = tmp_path / "out"
    run_batch([tmp_path / "in.jsonl"], out, model_dir=small_model_dir, fmt="parquet", rows_per_partition=20)
    assert sorted(p.name for p in out.glob("part-*")) == ["part-00000.parquet", "part-00001.parquet"]
    ingested = runner.invoke(app, ["ingest", str(out), "--db", str(tmp_path / "c.db"), "--json", *model])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout.splitlines()[-1])["stored"] == 30
    stored = {r["id"]: r for r in open_store(tmp_path / "c.db").rows()}
    batch_rows = {r["id"]: r for part in sorted(out.glob("part-*.parquet")) for r in pq.read_table(part).to_pylist()}
    assert {i: (r["p_fake"], r["known_label"]) for i, r in stored.items()} == {i: (r["p_fake"], r["known_label"]) for i, r in batch_rows.items()}

    again = run_batch([out], tmp_path / "again", model_dir=small_model_dir)
    assert again["errors"] == 0 and again["verdicts"] == 30
    assert {r["id"]: (r["p_fake"], r["known_label"]) for r in read_parts(tmp_path / "again")} == {
        i: (r["p_fake"], r["known_label"]) for i, r in batch_rows.items()}  # the same articles, judged the same


def test_batch_parquet_input_without_text_column_is_one_coded_error(tmp_path, small_model_dir):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.Table.from_pylist([{"id": "1", "summary": "x"}]), tmp_path / "bad.parquet")
    manifest = run_batch([tmp_path / "bad.parquet"], tmp_path / "out", model_dir=small_model_dir)
    error = json.loads((tmp_path / "out" / "errors.jsonl").read_text())
    assert error["reason"] == f"{tmp_path / 'bad.parquet'}: Parquet file has no 'text' column and no 'title' column (columns: id, summary); name the article-body column 'text' [RL080]"
    assert manifest["verdicts"] == 0 and manifest["errors"] == 1


def test_batch_parquet_of_headlines_judges_each_headline_with_rw005(tmp_path, small_model_dir):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"id": f"h{i}", "title": f"Insider Says Star {i} Secretly Married", "news_url": "hollywoodlife.com/x"} for i in range(3)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "headlines.parquet")
    manifest = run_batch([tmp_path / "headlines.parquet"], tmp_path / "out", model_dir=small_model_dir)
    out = read_parts(tmp_path / "out")
    assert manifest["verdicts"] == 3 and manifest["errors"] == 0
    assert [(r["id"], r["text"], r["outlet"]) for r in out] == [(f"h{i}", rows[i]["title"], "hollywoodlife.com") for i in range(3)]
    assert all(len(r["warnings"]) == 1 and r["warnings"][0].endswith("[RW005]") for r in out)


def test_batch_reads_gzipped_feeds_and_semicolon_csv_in_a_folder_and_refuses_a_bare_header(tmp_path, small_model_dir):
    import gzip

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl.gz").write_bytes(gzip.compress(b'{"id": "z1", "text": "A source close to the star says so."}\n{"id": "z2", "text": "She told People."}\n'))
    (folder / "b.csv").write_text("id;title;text\ns1;Star Splits;An insider said so, again.\n", encoding="utf-8")
    (folder / "c.tsv.gz").write_bytes(gzip.compress(b"id\ttext\nt1\tA rep denied it.\n"))
    (folder / "d.csv").write_text("id,title,text\n", encoding="utf-8")  # a header alone: RL002, as check says
    manifest = run_batch([folder], tmp_path / "out", model_dir=small_model_dir)
    assert manifest["verdicts"] == 4 and manifest["errors"] == 1
    error = json.loads((tmp_path / "out" / "errors.jsonl").read_text())
    assert (error["source"], error["code"]) == (str(folder / "d.csv"), "RL002")
    assert sorted(r["id"] for r in read_parts(tmp_path / "out")) == ["s1", "t1", "z1", "z2"]


def test_batch_labels_records_by_their_feed_or_folder_name_as_check_does(tmp_path, small_model_dir):
    """A collection laid out by label (FakeNewsNet's gossipcop_fake.csv, a Celebrity-style fake/
    and legit/ tree) keeps its labels through a batch, as known_label; a record's own label wins,
    and a feed's name before its folder's. The same files through check give the same labels."""
    import gzip

    root = tmp_path / "collection"
    (root / "fake").mkdir(parents=True)
    (root / "legit" / "2018").mkdir(parents=True)
    (root / "fake" / "story.txt").write_text("Star Secretly Married\nAn insider claims they wed in secret.\n", encoding="utf-8")
    (root / "fake" / "feed.jsonl").write_text(
        '{"id": "f1", "text": "A source says so."}\n{"id": "f2", "text": "She told People.", "label": "real"}\n'
        '{"id": "f3", "text": "Her rep denied it.", "labels": "real"}\n', encoding="utf-8")
    (root / "legit" / "2018" / "rows.csv").write_text("id,text\nl1,The couple attended the premiere together.\n", encoding="utf-8")
    (root / "legit" / "gossipcop_fake.csv").write_text("id,news_url,title\ng1,x.com/a,Star Pregnant Again\n", encoding="utf-8")
    (root / "fake" / "more.jsonl.gz").write_bytes(gzip.compress(b'{"id": "z1", "text": "An insider told us."}\n'))
    (root / "fake" / "rows.parquet").touch()  # unreadable: one error, labels of the rest untouched
    run_batch([root], tmp_path / "out", model_dir=small_model_dir)
    got = {r["id"]: r["known_label"] for r in read_parts(tmp_path / "out")}
    assert got == {"story": "fake", "f1": "fake", "f2": "real", "f3": "real", "z1": "fake", "l1": "real", "g1": "fake"}
    checked = {a.id: a.label for a in read_articles([root], on_problem=lambda e: None)}
    assert checked == got
    plain = tmp_path / "plain.jsonl"  # a feed whose name and folder say nothing stays unlabelled
    plain.write_text('{"id": "p1", "text": "A source says so."}\n', encoding="utf-8")
    run_batch([plain], tmp_path / "out2", model_dir=small_model_dir)
    assert [r["known_label"] for r in read_parts(tmp_path / "out2")] == [None]


def test_batch_processes_engine_writes_what_the_local_engine_writes(tmp_path, feed, small_model_dir):
    """Every core without a JVM: partitions judged in two worker processes come back in input
    order, byte for byte the local engine's part files, errors and counts."""
    local = run_batch([feed], tmp_path / "local", model_dir=small_model_dir, rows_per_partition=20)
    spread = run_batch([feed], tmp_path / "spread", model_dir=small_model_dir, rows_per_partition=20, engine="processes", workers=2)
    assert spread["engine"] == "processes" and spread["partitions"] == local["partitions"] == 7
    for key in ("rows", "verdicts", "errors", "fake", "real", "files"):
        assert spread[key] == local[key], key
    for name in local["files"] + ["errors.jsonl"]:
        assert (tmp_path / "spread" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    # resuming is the driver's, whatever the engine: a finished run is skipped whole
    again = run_batch([feed], tmp_path / "local", model_dir=small_model_dir, rows_per_partition=20, engine="processes", workers=2)
    assert again["partitions_skipped"] == 7 and again["verdicts"] == local["verdicts"]


def test_batch_processes_engine_from_the_command_line(tmp_path, small_model_dir):
    """As users run it, `python -m rumorlens batch ... --engine processes`: the spawned workers
    start from a clean interpreter, and the run is whole, with a manifest on stdout only."""
    clean = tmp_path / "clean.jsonl"
    clean.write_text("\n".join(lines(DEV, 30)) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_PROGRESS": "0"}
    proc = subprocess.run([sys.executable, "-m", "rumorlens", "batch", str(clean), "--out", str(tmp_path / "o"), "--model", str(small_model_dir),
                           "--engine", "processes", "--workers", "2", "--rows-per-partition", "10", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads(proc.stdout)
    assert manifest["engine"] == "processes" and manifest["verdicts"] == 30 and manifest["partitions"] == 3
    assert len(read_parts(tmp_path / "o")) == 30 and "Traceback" not in proc.stderr


def _spawned_workers(parent: int | None = None, cwd: Path | None = None) -> list[int]:
    """The pids of multiprocessing's spawned workers (not its resource tracker) whose parent is
    ``parent``, or whose working directory is ``cwd`` (orphans, whose parent is gone)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            spawned = b"spawn_main" in (proc / "cmdline").read_bytes()
            here = cwd is not None and os.readlink(proc / "cwd") == str(cwd)
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if spawned and (ppid == parent or here):
            found.append(int(proc.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc")
def test_batch_processes_engine_says_rl085_when_a_worker_is_killed_and_the_rerun_finishes(tmp_path, small_model_dir):
    """A worker killed mid-run (as the kernel's out-of-memory killer does): one RL085 line saying
    what to do, exit 1 (the run stopped part-way; an engine that cannot start is exit 2), no
    worker left behind, the finished partitions kept; the same command again resumes and gives
    every verdict once, in order."""
    import signal
    import time

    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines(DEV, 1515) * 4) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_PROGRESS": "0"}
    command = [sys.executable, "-m", "rumorlens", "batch", str(big), "--out", str(tmp_path / "o"), "--model", str(small_model_dir),
               "--engine", "processes", "--workers", "2", "--rows-per-partition", "100", "--no-signals", "--json"]
    run_dir = tmp_path / "run"  # the workers' working directory: finds any left behind
    run_dir.mkdir()
    # Output to files, not pipes: a worker left behind would hold a pipe open and hang the test.
    with (tmp_path / "stdout").open("w") as stdout, (tmp_path / "stderr").open("w") as stderr:
        proc = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, cwd=run_dir)
        try:
            deadline = time.monotonic() + 120
            while not list((tmp_path / "o").glob("part-*.jsonl")) and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)  # until the first partition is written: the workers are judging
            workers = _spawned_workers(parent=proc.pid)
            assert proc.poll() is None and len(workers) == 2, "the run ended before a worker could be killed"
            os.kill(workers[0], signal.SIGKILL)
            proc.wait(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
            time.sleep(0.5)
            left = _spawned_workers(cwd=run_dir)
            for pid in left:
                os.kill(pid, signal.SIGKILL)
    said = [line for line in (tmp_path / "stderr").read_text().splitlines() if line.strip()]
    assert proc.returncode == 1 and (tmp_path / "stdout").read_text() == "", said
    assert left == [], "a worker outlived the command"
    assert len(said) == 1 and "the processes engine failed" in said[0] and said[0].endswith("[RL085]"), said
    assert "fewer --rows-per-partition" in said[0] and "re-run with the same --out to resume" in said[0]
    kept = read_parts(tmp_path / "o")
    assert 0 < len(kept) < 1515 * 4
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0, again.stderr
    manifest = json.loads(again.stdout)
    assert manifest["partitions_skipped"] > 0 and manifest["verdicts"] == 1515 * 4
    rows = read_parts(tmp_path / "o")
    assert [r["id"] for r in rows] == [json.loads(line)["id"] for line in lines(big, 1515 * 4)]


def test_batch_reading_streams_a_large_file_in_constant_memory(tmp_path):
    big = tmp_path / "big.jsonl"
    line = json.dumps({"title": "t", "text": "x" * 5000}) + "\n"
    with big.open("w", encoding="utf-8") as f:
        for _ in range(4000):  # 20 MB
            f.write(line)
    tracemalloc.start()
    n = sum(1 for _ in iter_raw_rows([str(big)]))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == 4000
    assert peak < 2_000_000  # a few lines at a time, not the 20 MB file


# -- the command line ---------------------------------------------------------------------------

runner = CliRunner()


def test_batch_cli_json_manifest_and_exit_1_for_bad_records(tmp_path, feed, small_model_dir):
    result = runner.invoke(app, ["batch", str(feed), "--out", str(tmp_path / "o"), "--model", str(small_model_dir), "--partitions", "2", "--json"])
    assert result.exit_code == 1
    manifest = json.loads(result.stdout)
    assert manifest["partitions"] == 2 and manifest["rows_per_partition"] == 62
    assert manifest["verdicts"] == N_DEV and manifest["errors"] == 3
    assert json.loads((tmp_path / "o" / "_manifest.json").read_text()) == manifest


def test_batch_cli_clean_run_exits_0_with_summary(tmp_path, small_model_dir):
    clean = tmp_path / "clean.jsonl"
    clean.write_text("\n".join(lines(DEV, 10)) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(clean), "--out", str(tmp_path / "o"), "--model", str(small_model_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Judged 10 articles (")


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "error: no input given; pass files, folders, URLs or - for stdin (see `rumorlens batch --help`) [RL040]"),
        (["x.jsonl", "--engine", "dask"], "error: invalid value for --engine: 'dask'; use one of local, processes, spark, ray [RL042]"),
        (["x.jsonl", "--engine", "processes", "--workers", "0"], "error: invalid value for --workers: 0; give a positive number [RL042]"),
        (["x.jsonl", "--workers", "2"], "error: invalid value for --workers: only --engine processes takes it (got --engine local); "
                                        "Spark and Ray take their cores from --master [RL042]"),
        (["x.jsonl", "--format", "csv"], "error: invalid value for --format: 'csv'; use jsonl or parquet [RL042]"),
        (["x.jsonl", "--partitions", "0"], "error: invalid value for --partitions: 0; give a positive number [RL042]"),
    ],
)
def test_batch_cli_usage_errors_exit_2_with_one_line(tmp_path, small_model_dir, args, message):
    result = runner.invoke(app, ["batch", *args, "--out", str(tmp_path / "o"), "--model", str(small_model_dir)])
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert not (tmp_path / "o").exists()  # refused before anything is written


def test_batch_cli_bad_model_dir_is_a_usage_error(tmp_path, feed):
    result = runner.invoke(app, ["batch", str(feed), "--out", str(tmp_path / "o"), "--model", str(tmp_path / "nomodel")])
    assert result.exit_code == 2
    assert "[RL020]" in result.stderr and "Traceback" not in result.output


def test_batch_cli_accurate_on_a_model_without_a_reader_is_a_usage_error(tmp_path, feed, small_model_dir):
    """Refused before any engine starts, in one line that says how to get a reader."""
    result = runner.invoke(app, ["batch", str(feed), "--out", str(tmp_path / "o"), "--accurate", "--model", str(small_model_dir)])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line and line.endswith("[RL026]") and "rumorlens train --accurate" in line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("engine, package, extra", [("spark", "pyspark", "spark"), ("ray", "ray[data]", "ray")])
def test_batch_cli_missing_engine_package_names_the_extra(tmp_path, feed, small_model_dir, monkeypatch, engine, package, extra):
    module = "pyspark" if engine == "spark" else "ray"
    monkeypatch.setitem(sys.modules, module, None)  # makes `import pyspark` / `import ray` fail
    result = runner.invoke(app, ["batch", str(feed), "--out", str(tmp_path / "o"), "--engine", engine, "--model", str(small_model_dir)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: the {engine} engine needs the optional dependency {package}; "
        f"install it with `pip install 'rumorlens[{extra}]'` [RL041]"
    )


def test_batch_cli_unwritable_out_is_one_line(tmp_path, feed, small_model_dir):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(feed), "--out", str(blocker / "sub"), "--model", str(small_model_dir)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: cannot write batch output {blocker / 'sub'} (Not a directory); choose a writable --out directory [RL086]"
