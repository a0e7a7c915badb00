"""`rumorlens batch` output loads into the store with `rumorlens ingest`, without judging again."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rumorlens.cli import app
from rumorlens.read import read_articles
from rumorlens.store import open_store
from rumorlens.store.ingest import ingest

runner = CliRunner()


def _feed(tmp_path, tiny_articles):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "url": a.url, "label": a.label}) + "\n" for a in tiny_articles))
    return feed


def test_batch_output_ingests_with_its_verdicts_and_known_labels(tmp_path, tiny_articles, tiny_model_dir):
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(_feed(tmp_path, tiny_articles)), "--out", str(out), "--model", str(tiny_model_dir)])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for part in sorted(out.glob("part-*.jsonl")) for r in map(json.loads, part.read_text().splitlines())}

    articles = list(read_articles([out]))  # bookkeeping files (_manifest, _state, errors.jsonl) are skipped
    assert sorted(a.id for a in articles) == sorted(rows)
    by_id = {a.id: a for a in tiny_articles}
    for a in articles:
        assert a.label == by_id[a.id].label  # the known label, not the model's verdict
        assert a.text == by_id[a.id].text  # the title line of the verdict text is not repeated

    store = open_store(tmp_path / "corpus.db")
    report = ingest(store, articles, judge=None)  # no judge: the rows bring their verdicts
    assert report.stored == len(rows)
    stored = {r["id"]: r for r in store.rows()}
    for article_id, row in rows.items():
        assert stored[article_id]["p_fake"] == row["p_fake"]
        assert stored[article_id]["label"] == row["label"]
        assert stored[article_id]["known_label"] == by_id[article_id].label
        assert stored[article_id]["model_version"] == "tiny-test"


def test_batch_output_ingest_cli_reports_no_errors(tmp_path, tiny_articles, tiny_model_dir):
    out = tmp_path / "out"
    runner.invoke(app, ["batch", str(_feed(tmp_path, tiny_articles)), "--out", str(out), "--model", str(tiny_model_dir)])
    result = runner.invoke(app, ["ingest", str(out), "--db", str(tmp_path / "c.db"), "--json", "--model", str(tiny_model_dir)])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["stored"] == len(tiny_articles) and report["failed"] == 0
