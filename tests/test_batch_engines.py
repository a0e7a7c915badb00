"""The batch engines give identical verdicts: Spark (local[2]), Ray (2 CPUs) and worker processes really run.

Each engine is started once per module and reused, so the cost is one JVM and one Ray start.
Without pyspark / ray these tests skip, unless RUMORLENS_REQUIRE_SPARK / RUMORLENS_REQUIRE_RAY=1
(as in CI), where a missing engine is a failure.
"""

from __future__ import annotations

import importlib
import json
import os
from itertools import islice
from pathlib import Path

import pytest

from rumorlens.batch import run_batch

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "data" / "gossipcop" / "dev.jsonl"
N_DEV = 200
BAD_LINES = ['{"title": "broken', '{"title": "", "text": null}']

pytestmark = pytest.mark.slow


def need(module: str, flag: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError:
        if os.environ.get(flag) == "1":
            pytest.fail(f"{module} is not installed but {flag}=1")
        pytest.skip(f"{module} not installed (pip install 'rumorlens[{module.split('.')[0].replace('pyspark', 'spark')}]')")


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    """200 dev articles (resampled from the whole split) with two broken lines."""
    with DEV.open(encoding="utf-8") as f:
        dev = [line.rstrip("\n") for line in islice(f, 0, None, 7)][:N_DEV]
    path = tmp_path_factory.mktemp("engines-feed") / "dev200.jsonl"
    path.write_text("\n".join(dev[:100] + BAD_LINES + dev[100:]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_out(tmp_path_factory, feed, small_model_dir) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    run_batch([feed], out, engine="local", model_dir=small_model_dir, partitions=4)
    return out


@pytest.fixture(scope="module")
def spark(small_model_dir):
    need("pyspark", "RUMORLENS_REQUIRE_SPARK")
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("rumorlens-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def ray_cluster():
    need("ray.data", "RUMORLENS_REQUIRE_RAY")
    import ray

    src = str(Path(__file__).resolve().parents[1] / "src")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": src}})
    yield ray
    ray.shutdown()


def parts(out: Path) -> list[dict]:
    return [json.loads(line) for p in sorted(out.glob("part-*.jsonl")) for line in p.read_text(encoding="utf-8").splitlines()]


def assert_same_verdicts(out: Path, local_out: Path) -> None:
    got, want = parts(out), parts(local_out)
    assert len(got) == N_DEV
    assert [(r["id"], r["p_fake"], r["label"]) for r in got] == [(r["id"], r["p_fake"], r["label"]) for r in want]
    assert got == want  # every field, signals and reasons included
    assert {r["label"] for r in got} == {"fake", "real"}
    assert (out / "errors.jsonl").read_text() == (local_out / "errors.jsonl").read_text()


def test_batch_spark_gives_the_local_verdicts(tmp_path, spark, feed, small_model_dir, local_out):
    manifest = run_batch([feed], tmp_path / "out", engine="spark", model_dir=small_model_dir, partitions=4)
    assert manifest["engine"] == "spark" and manifest["verdicts"] == N_DEV and manifest["errors"] == 2
    assert_same_verdicts(tmp_path / "out", local_out)
    assert spark.sparkContext.master == "local[2]"  # it really ran on the session, with 2 cores


def test_batch_spark_resumes_a_run_the_local_engine_started(tmp_path, spark, feed, small_model_dir, local_out):
    out = tmp_path / "out"
    run_batch([feed], out, engine="local", model_dir=small_model_dir, partitions=4)
    for stale in ("part-00002.jsonl", "_state/part-00002.json", "_state/part-00003.json", "_SUCCESS"):
        (out / stale).unlink()  # as if the local run had died after two partitions
    manifest = run_batch([feed], out, engine="spark", model_dir=small_model_dir, partitions=4)
    assert manifest["partitions_skipped"] == 2
    assert_same_verdicts(out, local_out)


def test_batch_spark_writes_readable_parquet(tmp_path, spark, feed, small_model_dir):
    pq = pytest.importorskip("pyarrow.parquet")
    from rumorlens.model.judge import Judge

    run_batch([feed], tmp_path / "out", engine="spark", model_dir=small_model_dir, partitions=2, fmt="parquet", signals=False, prevalence=0.5)
    table = pq.read_table(sorted((tmp_path / "out").glob("part-*.parquet")))
    assert table.num_rows == N_DEV and "signals" not in table.column_names
    assert set(table.column("label").to_pylist()) == {"fake", "real"}
    # --prevalence reached the executors: every verdict carries the re-based cut
    assert set(table.column("threshold").to_pylist()) == {Judge.load(small_model_dir).model.threshold(False, 0.5)}


def test_batch_ray_gives_the_local_verdicts(tmp_path, ray_cluster, feed, small_model_dir, local_out):
    manifest = run_batch([feed], tmp_path / "out", engine="ray", model_dir=small_model_dir, partitions=4)
    assert manifest["engine"] == "ray" and manifest["verdicts"] == N_DEV and manifest["errors"] == 2
    assert_same_verdicts(tmp_path / "out", local_out)
    assert ray_cluster.cluster_resources()["CPU"] == 2


def test_batch_ray_passes_prevalence_to_its_actors(tmp_path, ray_cluster, feed, small_model_dir):
    run_batch([feed], tmp_path / "local", engine="local", model_dir=small_model_dir, partitions=2, prevalence=0.5)
    run_batch([feed], tmp_path / "ray", engine="ray", model_dir=small_model_dir, partitions=2, prevalence=0.5)
    assert_same_verdicts(tmp_path / "ray", tmp_path / "local")



@pytest.mark.parametrize("engine, fixture", [("spark", "spark"), ("ray", "ray_cluster"), ("processes", None)])
def test_batch_accurate_gives_the_local_accurate_verdicts(tmp_path, request, engine, fixture):
    """The accurate mode on Spark, Ray and worker processes: each worker or actor loads the accurate judge
    once (one torch thread per task) and the rows are the local engine's, field for field. The
    driver only checks the reader is there: loading it would cost ~8 s and ~800 MB for nothing."""
    import shutil

    from conftest import need_accurate
    from rumorlens.model.judge import Judge, default_model_path

    need_accurate()
    if fixture:
        request.getfixturevalue(fixture)
    model = tmp_path / "model"  # a directory of its own: this process has not loaded its reader
    shutil.copytree(default_model_path(), model)
    with DEV.open(encoding="utf-8") as f:
        dev = [line.rstrip("\n") for line in islice(f, 3, None, 101)][:12]
    feed = tmp_path / "dev12.jsonl"
    feed.write_text("\n".join(dev) + "\n", encoding="utf-8")
    manifest = run_batch([feed], tmp_path / engine, engine=engine, partitions=2, accurate=True, model_dir=model)
    assert Judge.load(model).__dict__.get("_accurate") is None  # the driver never loaded the reader
    local = run_batch([feed], tmp_path / "local", engine="local", partitions=2, accurate=True, model_dir=model)
    assert Judge.load(model).__dict__.get("_accurate") is not None
    assert manifest["model_version"] == local["model_version"] and "+reader-" in manifest["model_version"]
    got, want = parts(tmp_path / engine), parts(tmp_path / "local")
    assert len(got) == 12 and got == want
    assert all(any("fine-tuned language model" in r for r in row["reasons"]) for row in got)
