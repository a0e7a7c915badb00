"""``rumorlens train`` and ``rumorlens evaluate``: model directories, metrics JSON, the HTML
report, and coded errors with exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, TINY_ARTICLES
from rumorlens.cli import app
from rumorlens.model.judge import Judge

EVAL_KEYS = ("n", "accuracy", "macro_f1", "balanced_macro_f1", "prevalence", "prevalence_estimated", "macro_f1_training_share", "fake_share", "estimated_fake_share", "estimated_from", "f1_fake", "f1_real", "roc_auc", "brier", "seconds", "articles_per_second")


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    monkeypatch.setenv("RUMORLENS_PROGRESS", "0")
    monkeypatch.delenv("RUMORLENS_MODEL", raising=False)
    return CliRunner()


def write_jsonl(path: Path, articles, copies: int = 1, labels: bool = True) -> Path:
    lines = []
    for c in range(copies):
        for a in articles:
            rec = {"id": f"{a.id}-{c}", "title": a.title, "text": a.text, "url": a.url}
            if labels:
                rec["label"] = a.label
            lines.append(json.dumps(rec))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tiny_jsonl(tmp_path) -> Path:
    return write_jsonl(tmp_path / "tiny.jsonl", TINY_ARTICLES)


def run(runner, *args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# -- train ------------------------------------------------------------------------------------


def test_train_writes_a_model_dir_with_meta_and_check_uses_it(runner, tiny_jsonl, tmp_path):
    out = tmp_path / "model"
    result = run(runner, "train", "--data", tiny_jsonl, "--dev", tiny_jsonl, "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    meta = json.loads(result.stdout)
    sha = hashlib.sha256(tiny_jsonl.read_bytes()).hexdigest()
    assert meta["train_data_sha256"] == sha and meta["dev_data_sha256"] == sha
    assert meta["model_version"] == f"rumorlens-0.1.0-{sha[:8]}-{Judge.load(out).fingerprint()}"
    assert meta["n_train"] == 11 and meta["n_train_fake"] == 6
    assert set(meta["dev_metrics"]) == {"with_outlet", "text_only"}
    assert meta["dev_metrics"]["text_only"]["n"] == 11
    assert json.loads((out / "meta.json").read_text())["model_version"] == meta["model_version"]
    assert all(p.name.endswith((".json", ".json.gz", ".npz")) for p in out.iterdir())  # data only, no pickles

    checked = run(runner, "check", tiny_jsonl, "--json", "--model", out)
    assert checked.exit_code == 0
    assert {json.loads(line)["model_version"] for line in checked.stdout.splitlines()} == {meta["model_version"]}


def test_story_index_script_gives_an_older_model_what_train_writes_and_refuses_other_data(runner, tiny_jsonl, tmp_path):
    """`scripts/story_index.py` is how the shipped model got memory.json.gz without retraining:
    from the same data it writes the same bytes train wrote; from other data it writes nothing."""
    out = tmp_path / "model"
    assert run(runner, "train", "--data", tiny_jsonl, "--out", out, "-q").exit_code == 0
    written = (out / "memory.json.gz").read_bytes()
    (out / "memory.json.gz").unlink()
    script = [sys.executable, str(REPO / "scripts" / "story_index.py"), str(out)]
    other = write_jsonl(tmp_path / "other.jsonl", TINY_ARTICLES[1:] + TINY_ARTICLES[:1])  # the same stories, another order
    refused = subprocess.run([*script, str(other)], capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1 and "but the model was trained on" in refused.stderr
    assert not (out / "memory.json.gz").exists()
    done = subprocess.run([*script, str(tiny_jsonl)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{out}/memory.json.gz: 11 stories (11 of 11 rebuilt rows match)"
    assert (out / "memory.json.gz").read_bytes() == written


def test_train_human_output_and_text_only_version(runner, tiny_jsonl, tmp_path):
    out = tmp_path / "text-model"
    result = run(runner, "train", "--data", tiny_jsonl, "--dev", tiny_jsonl, "--out", out, "--text-only")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"wrote {out} (rumorlens-0.1.0-")
    assert "-textonly)" in result.stdout.splitlines()[0]
    assert "dev text_only: macro-F1 " in result.stdout and "dev with_outlet: macro-F1 " in result.stdout
    assert json.loads((out / "meta.json").read_text())["text_only_training"] is True


def test_train_quiet_draws_no_progress_but_prints_errors_and_the_summary(tmp_path):
    """`rumorlens train … -q 2>> train.log` in a terminal: the bar stays off; a bad record's error
    and the summary line still come out."""
    data = write_jsonl(tmp_path / "data.jsonl", TINY_ARTICLES)
    with data.open("a", encoding="utf-8") as fh:
        fh.write("{broken\n")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "FORCE_COLOR": "1"}  # stderr drawn as a terminal
    env.pop("RUMORLENS_PROGRESS", None)
    args = [sys.executable, "-m", "rumorlens", "train", "--data", str(data)]
    loud = subprocess.run([*args, "--out", str(tmp_path / "loud")], capture_output=True, text=True, env=env, timeout=300)
    assert loud.returncode == 1 and "training:" in loud.stderr  # the bar, so the test can fail
    quiet = subprocess.run([*args, "--out", str(tmp_path / "quiet"), "-q"], capture_output=True, text=True, env=env, timeout=300)
    assert quiet.returncode == 1
    assert quiet.stderr.strip().splitlines() == [f"error: {data}:12: invalid JSON (Expecting property name enclosed in double quotes); fix the line or remove it [RL005]"]
    assert quiet.stdout.startswith(f"wrote {tmp_path / 'quiet'} (rumorlens-0.1.0-")


def test_train_skips_bad_records_and_exits_1(runner, tmp_path):
    data = write_jsonl(tmp_path / "data.jsonl", TINY_ARTICLES)
    with data.open("a", encoding="utf-8") as fh:
        fh.write("{broken\n")
    out = tmp_path / "model"
    result = run(runner, "train", "--data", data, "--out", out)
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"error: {data}:12: invalid JSON (Expecting property name enclosed in double quotes); fix the line or remove it [RL005]"]
    assert (out / "meta.json").is_file()


def test_train_one_class_is_rl023_exit_2(runner, tmp_path):
    data = write_jsonl(tmp_path / "fakes.jsonl", [a for a in TINY_ARTICLES if a.label == "fake"])
    result = run(runner, "train", "--data", data, "--out", tmp_path / "m")
    assert result.exit_code == 2
    assert stderr_lines(result) == ["error: training data has 6 fake and 0 real labelled articles; need at least 2 of each class [RL023]"]
    assert not (tmp_path / "m").exists()


def test_train_without_data_option_is_usage_error(runner, tmp_path):
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "Missing option '--data'" in result.stderr


# -- evaluate ----------------------------------------------------------------------------------


def test_evaluate_json_has_the_documented_keys(runner, tiny_model_dir, tiny_jsonl):
    result = run(runner, "evaluate", tiny_jsonl, "--model", tiny_model_dir, "--json")
    assert result.exit_code == 0, result.stderr
    d = json.loads(result.stdout)
    for key in EVAL_KEYS:
        assert key in d, key
    assert d["n"] == 11 and d["text_only"] is False
    assert 0.9 <= d["macro_f1"] <= 1.0 and 0 <= d["brier"] <= 1
    assert d["seconds"] > 0 and d["articles_per_second"] > 0
    text_only = json.loads(run(runner, "evaluate", tiny_jsonl, "--model", tiny_model_dir, "--json", "--text-only").stdout)
    assert text_only["text_only"] is True and text_only["n"] == 11


def test_evaluate_table_and_confusion_matrix(runner, tiny_model_dir, tiny_jsonl):
    result = run(runner, "evaluate", tiny_jsonl, "--model", tiny_model_dir)
    assert result.exit_code == 0
    out = result.stdout
    assert "11 articles (with outlet)" in out
    assert "macro-F1" in out and "ROC AUC" in out and "Brier" in out
    assert "balanced macro-F1 (fakes and reals weighted equally): " in out and "re-based" not in out
    rebased = run(runner, "evaluate", tiny_jsonl, "--model", tiny_model_dir, "--prevalence", "0.5").stdout
    assert "model re-based to 50% fakes: cut at p_fake " in rebased
    assert "confusion matrix" in out and "true \\ predicted" in out


def test_evaluate_stress_rewrites_against_the_labels_and_reports_the_drop(runner, shipped_judge, dev_path, tmp_path):
    """--stress on every 5th dev article (both labels): both stress tests reported, their drop is
    the difference between the plain score and the rewritten one, and the shipped model stays
    within 0.05."""
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join(dev_path.read_text(encoding="utf-8").splitlines()[::5]) + "\n", encoding="utf-8")
    result = run(runner, "evaluate", sample, "--model", shipped_judge.path, "--text-only", "--json", "--stress")
    assert result.exit_code == 0, result.stderr
    d = json.loads(result.stdout)
    assert set(d["stress"]) == {"retouch", "rewrite", "attribution"}
    for m in d["stress"].values():
        assert m["drop"] == pytest.approx(d["macro_f1"] - m["macro_f1_restyled"], abs=1e-3)
        assert m["drop"] <= 0.05 and 0.5 <= m["roc_auc_restyled"] <= 1
    plain = json.loads(run(runner, "evaluate", sample, "--model", shipped_judge.path, "--text-only", "--json").stdout)
    assert "stress" not in plain
    report = tmp_path / "stress.html"
    table = run(runner, "evaluate", sample, "--model", shipped_judge.path, "--text-only", "--stress", "--report", report).stdout
    assert "stress test (retouch, written against each label): macro-F1 " in table and "stress test (rewrite" in table
    assert "stress test (attribution" in table
    # the HTML report shows them too, a row and a before/after bar each, the drops as in --json
    page = report.read_text(encoding="utf-8")
    assert "<h2>Restyle stress tests</h2>" in page
    for how, m in d["stress"].items():
        assert f'<td class="l">{how}</td><td>{m["macro_f1_restyled"]:.3f}</td>' in page and f"{m['drop']:+.3f}" in page
    assert "Restyle stress tests" not in run(runner, "evaluate", sample, "--model", shipped_judge.path, "--text-only", "--report", report).stdout
    assert "<h2>Restyle stress tests</h2>" not in report.read_text(encoding="utf-8")


def test_evaluate_one_class_set_says_what_is_undefined_and_json_stays_json(runner, tiny_model_dir, tiny_jsonl, tmp_path):
    """A file of fakes only (a tabloid's debunked stories) has no ROC AUC: --json says null, which
    jq and JSON.parse accept (NaN is not JSON), and the table and report show a dash and say why."""
    fakes = tmp_path / "fakes.jsonl"
    fakes.write_text("".join(line + "\n" for line in tiny_jsonl.read_text().splitlines() if '"label": "fake"' in line))
    result = run(runner, "evaluate", fakes, "--model", tiny_model_dir, "--json")
    assert result.exit_code == 0 and "NaN" not in result.stdout
    d = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} in --json"))
    assert d["roc_auc"] is None and d["balanced_macro_f1"] is None and d["fake_share"] == 1.0
    table = run(runner, "evaluate", fakes, "--model", tiny_model_dir, "--report", tmp_path / "r.html").stdout
    assert "nan" not in table and "only one class is labelled here, so ROC AUC and balanced macro-F1 are undefined (—)" in table
    html = (tmp_path / "r.html").read_text()
    assert "nan" not in html and "Only one class is labelled here, so ROC AUC is undefined (—)." in html


def test_evaluate_report_writes_html(runner, tiny_model_dir, tmp_path):
    data = write_jsonl(tmp_path / "eval.jsonl", TINY_ARTICLES, copies=3)  # people.com gets 9 rows
    report = tmp_path / "report.html"
    result = run(runner, "evaluate", data, "--model", tiny_model_dir, "--report", report)
    assert result.exit_code == 0
    assert f"report written to {report}" in result.stdout
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<h2>Confusion matrix</h2>" in page
    assert 'aria-label="reliability plot"' in page and "<circle" in page
    assert "<h2>Accuracy by outlet</h2>" in page
    assert '<td class="l">people.com</td><td>9</td>' in page
    assert "tiny-test" in page


def test_evaluate_unlabelled_is_rl024_exit_2(runner, tiny_model_dir, tmp_path):
    data = write_jsonl(tmp_path / "nolabels.jsonl", TINY_ARTICLES, labels=False)
    result = run(runner, "evaluate", data, "--model", tiny_model_dir)
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"error: {data}: no labelled records (label must be 'fake' or 'real'); evaluation needs labels [RL024]"]


def test_evaluate_no_input_is_rl040_and_bad_model_rl020(runner, tiny_jsonl, tmp_path):
    result = run(runner, "evaluate")
    assert result.exit_code == 2
    assert stderr_lines(result) == ["error: no input given; pass files, folders, URLs or - for stdin (see `rumorlens evaluate --help`) [RL040]"]
    result = run(runner, "evaluate", tiny_jsonl, "--model", tmp_path / "none")
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"error: {tmp_path / 'none'}: no model found (missing meta.json); train one with `rumorlens train --out DIR` or drop --model [RL020]"]


def test_evaluate_subprocess_exit_code_without_traceback(tiny_model_dir, tmp_path):
    data = write_jsonl(tmp_path / "nolabels.jsonl", TINY_ARTICLES, labels=False)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_PROGRESS": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", "rumorlens", "evaluate", str(data), "--model", str(tiny_model_dir), "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().endswith("[RL024]") and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_evaluate_shipped_model_reproduces_its_recorded_dev_metrics(shipped_judge, runner, dev_path):
    """The dev metrics stored in meta.json are what `evaluate` measures today (same data, same model)."""
    recorded = shipped_judge.meta.get("dev_metrics")
    if not recorded:
        pytest.skip("this model was trained without --dev")
    result = run(runner, "evaluate", dev_path, "--model", shipped_judge.path, "--json", "--text-only")
    assert result.exit_code == 0
    d = json.loads(result.stdout)
    assert d["n"] == recorded["text_only"]["n"]
    assert abs(d["macro_f1"] - recorded["text_only"]["macro_f1"]) <= 0.01



@pytest.mark.slow
def test_evaluate_reads_fakenewsnet_headline_csvs_as_they_come(shipped_judge, runner, dev_path, tmp_path):
    """FakeNewsNet's gossipcop_fake.csv / gossipcop_real.csv (id, news_url, title, tweet_ids):
    evaluate takes the labels from the file names and judges the headlines, well above chance and
    below the whole articles, with one RW005 line per code shown, not one per row."""
    import csv

    rows = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines()]
    for label in ("fake", "real"):
        with (tmp_path / f"gossipcop_{label}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "news_url", "title", "tweet_ids"])
            w.writerows([r["id"], r.get("url") or "", r["title"], "1\t2"] for r in rows if r["label"] == label and r.get("title"))
    result = run(runner, "evaluate", tmp_path / "gossipcop_fake.csv", tmp_path / "gossipcop_real.csv", "--model", shipped_judge.path, "--json", "--text-only")
    assert result.exit_code == 0
    got = json.loads(result.stdout)
    titled = [r for r in rows if r.get("title")]
    assert got["n"] == len(titled) and got["fake_share"] == pytest.approx(sum(r["label"] == "fake" for r in titled) / len(titled), abs=1e-4)
    assert 0.72 < got["macro_f1"] < 0.80 and 0.85 < got["roc_auc"] < 0.90
    assert got["headlines_only"] == got["n"]  # said in the JSON, the table's title and the report
    assert sum("[RW005]" in line for line in stderr_lines(result)) == 5
    assert stderr_lines(result)[-1] == "warning: further RW005 warnings are not printed; -q hides all warnings"
    quiet = run(runner, "evaluate", tmp_path / "gossipcop_fake.csv", tmp_path / "gossipcop_real.csv", "--model", shipped_judge.path, "--json", "--text-only", "-q")
    assert stderr_lines(quiet) == [] and {k: v for k, v in json.loads(quiet.stdout).items() if k not in ("seconds", "articles_per_second")} == {
        k: v for k, v in got.items() if k not in ("seconds", "articles_per_second")}
    table = run(runner, "evaluate", tmp_path / "gossipcop_fake.csv", tmp_path / "gossipcop_real.csv", "--model", shipped_judge.path, "--text-only")
    assert f"{got['n']} articles (text only; {got['n']} of them headlines alone)" in table.stdout


def test_evaluate_prevalence_helps_on_a_collection_with_more_fakes(shipped_judge, runner, dev_path, tmp_path):
    """A half-fake collection (all 325 dev fakes, 325 dev reals): re-basing the model to that
    share scores better than the training share's cut, which calls too many fakes real. By
    default evaluate and check notice it from p_fake alone and re-base; --prevalence train keeps
    the training share."""
    lines = dev_path.read_text(encoding="utf-8").splitlines()
    fakes = [l for l in lines if json.loads(l)["label"] == "fake"]
    reals = [l for l in lines if json.loads(l)["label"] == "real"][: len(fakes)]
    half = tmp_path / "half.jsonl"
    half.write_text("\n".join(fakes + reals) + "\n", encoding="utf-8")
    kept = json.loads(run(runner, "evaluate", half, "--model", shipped_judge.path, "--json", "--text-only", "--prevalence", "train").stdout)
    rebased = json.loads(run(runner, "evaluate", half, "--model", shipped_judge.path, "--json", "--text-only", "--prevalence", "0.5").stdout)
    assert kept["prevalence"] is None and not kept["prevalence_estimated"] and rebased["prevalence"] == 0.5
    assert rebased["macro_f1"] > kept["macro_f1"] + 0.01
    assert rebased["confusion"][0][0] > kept["confusion"][0][0]  # more fakes caught
    assert rebased["roc_auc"] == pytest.approx(kept["roc_auc"], abs=1e-6)  # same ranking
    assert rebased["ece"] < kept["ece"]  # p_fake calibrated to this collection, not to the training data
    assert rebased["macro_f1_training_share"] == pytest.approx(kept["macro_f1"], abs=1e-4)
    # on a balanced set, balanced macro-F1 is macro-F1
    assert kept["balanced_macro_f1"] == pytest.approx(kept["macro_f1"], abs=1e-4)

    # --prevalence auto finds the share from p_fake alone, and scores as well as being told it
    auto = run(runner, "evaluate", half, "--model", shipped_judge.path, "--json", "--text-only", "--prevalence", "auto")
    estimated = json.loads(auto.stdout)
    assert kept["fake_share"] == 0.5 and abs(kept["estimated_fake_share"] - 0.5) < 0.05
    assert estimated["prevalence_estimated"] and abs(estimated["prevalence"] - 0.5) < 0.05
    assert estimated["macro_f1"] > kept["macro_f1"] + 0.01
    assert abs(estimated["macro_f1"] - rebased["macro_f1"]) < 0.01

    # the default does the same here (650 articles, about 50% fakes: clearly not the training share)
    report = tmp_path / "half.html"
    default = run(runner, "evaluate", half, "--model", shipped_judge.path, "--text-only", "--report", report)
    assert default.exit_code == 0 and "look like about 5" in default.stderr and "--prevalence train" in default.stderr
    assert "macro-F1 at the training share's cut: " + f"{kept['macro_f1']:.3f}" in default.stdout
    page = report.read_text(encoding="utf-8")  # the report says so too
    assert "p_fake re-based to 5" in page and "labels unseen" in page and f"would be {kept['macro_f1']:.3f}" in page
    default = json.loads(run(runner, "evaluate", half, "--model", shipped_judge.path, "--json", "--text-only").stdout)
    assert default["prevalence_estimated"] and default["prevalence"] == estimated["prevalence"]
    assert default["macro_f1"] == estimated["macro_f1"] and default["macro_f1_training_share"] == kept["macro_f1"]

    # check: the default re-bases and says so; train keeps the training share and says nothing
    plain = run(runner, "check", half, "--model", shipped_judge.path, "--json", "--text-only", "--no-text")
    assert plain.exit_code == 0 and "look like about 5" in plain.stderr and "--prevalence train" in plain.stderr
    trained = run(runner, "check", half, "--model", shipped_judge.path, "--json", "--text-only", "--no-text", "--prevalence", "train")
    assert trained.exit_code == 0 and "look like" not in trained.stderr
    checked = run(runner, "check", half, "--model", shipped_judge.path, "--json", "--text-only", "--no-text", "--prevalence", "auto")
    assert "estimated share of fakes: 5" in checked.stderr and "look like" not in checked.stderr
    flagged = {name: sum(json.loads(l)["label"] == "fake" for l in r.stdout.splitlines()) for name, r in
               (("default", plain), ("train", trained), ("auto", checked))}
    assert flagged["default"] == flagged["auto"] > flagged["train"]
    assert flagged["train"] == kept["confusion"][0][0] + kept["confusion"][1][0]


def test_prevalence_auto_reads_the_stories_of_a_run_that_mixes_in_headlines(shipped_judge, runner, dev_path, tmp_path):
    """Headlines judged alone lean off the share of fakes by themselves, so --prevalence auto
    estimates it from a run's stories when it has 50 or more, and says how many it left out; a
    run of headlines alone has only them to go on."""
    from rumorlens.read import read_articles

    lines = dev_path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(l) for l in lines]
    stories = [r for r in rows if r["label"] == "fake"][:120] + [r for r in rows if r["label"] == "real"][:120]
    headlines = [{"id": f"h-{r['id']}", "title": r["title"], "label": r["label"]} for r in rows[600:1000] if r.get("title")]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("".join(json.dumps(r) + "\n" for r in stories + headlines), encoding="utf-8")
    articles = list(read_articles(mixed, on_warning=lambda w: None))
    alone = [a for a in articles if not a.headline_only]
    assert len(alone) == len(stories) and len(articles) == len(stories) + len(headlines)
    share = shipped_judge.auto_prevalence(articles, text_only=True)
    assert share == shipped_judge.auto_prevalence(alone, text_only=True)
    everything, _ = shipped_judge.estimate_prevalence(articles, text_only=True)
    assert abs(share - 0.5) < abs(everything - 0.5)  # the stories are half fakes; the headlines pull it away
    checked = run(runner, "check", mixed, "--model", shipped_judge.path, "--json", "--text-only", "--no-text", "-q", "--prevalence", "auto")
    assert checked.exit_code == 0 and len(checked.stdout.splitlines()) == len(articles)
    said = run(runner, "check", mixed, "--model", shipped_judge.path, "--text-only", "--prevalence", "auto")
    assert f"estimated share of fakes: {share:.0%} of {len(stories)} stories ({len(headlines)} headlines alone left out" in said.stderr
    only = [a for a in articles if a.headline_only]
    assert shipped_judge.auto_prevalence(only, text_only=True) == pytest.approx(shipped_judge.estimate_prevalence(only, text_only=True)[0], abs=1e-4)
    # evaluate reads its estimate from the same stories, streamed from standard input too
    evaluated = json.loads(run(runner, "evaluate", mixed, "--model", shipped_judge.path, "--json", "--text-only", "--prevalence", "train").stdout)
    assert evaluated["estimated_from"] == len(stories) and evaluated["headlines_only"] == len(headlines)
    assert evaluated["estimated_fake_share"] == pytest.approx(share, abs=0.01)
    piped = runner.invoke(app, ["evaluate", "-", "--model", str(shipped_judge.path), "--text-only"], input=mixed.read_text(encoding="utf-8"))
    assert piped.exit_code == 0, piped.stderr
    assert f"these {len(stories)} articles look like about {share:.0%} fakes" in piped.stderr


@pytest.mark.slow
def test_check_streams_a_run_too_long_to_hold_at_the_training_share_and_says_so_after(shipped_judge, runner, dev_path, tmp_path):
    """The default re-bases only a run it can hold before the first verdict (5,000 articles):
    a longer one, here 60% fakes, is judged as --prevalence train judges it, and a note at the
    end says what it looked like and how to re-base it."""
    from rumorlens.model.judge import ADAPT_MAX_ARTICLES

    lines = dev_path.read_text(encoding="utf-8").splitlines()
    fakes = [l for l in lines if json.loads(l)["label"] == "fake"]
    reals = [l for l in lines if json.loads(l)["label"] == "real"][: len(fakes) * 2 // 3]
    rows = (fakes + reals) * (ADAPT_MAX_ARTICLES // len(fakes + reals) + 1)
    feed = tmp_path / "long.jsonl"
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    plain = run(runner, "check", feed, "--model", shipped_judge.path, "--json", "--text-only", "--no-text")
    trained = run(runner, "check", feed, "--model", shipped_judge.path, "--json", "--text-only", "--no-text", "--prevalence", "train")
    assert plain.exit_code == 0 and plain.stdout == trained.stdout and len(plain.stdout.splitlines()) == len(rows) > ADAPT_MAX_ARTICLES
    assert f"these {len(rows):,} articles look like about 6" in plain.stderr and "--prevalence auto" in plain.stderr
    assert "look like" not in trained.stderr
    # standard input may be a live feed: it streams too, whatever its length
    half = "\n".join(fakes[:240] + reals[:160]) + "\n"  # 60% fakes
    piped = runner.invoke(app, ["check", "-", "--model", str(shipped_judge.path), "--json", "--text-only", "--no-text"], input=half)
    filed = tmp_path / "half.jsonl"
    filed.write_text(half, encoding="utf-8")
    as_file = run(runner, "check", filed, "--model", shipped_judge.path, "--json", "--text-only", "--no-text", "--prevalence", "train")
    assert piped.exit_code == 0 and piped.stdout == as_file.stdout
    said = re.search(r"these 400 articles look like about (\d+)% fakes", piped.stderr)
    assert said and 50 <= int(said.group(1)) <= 70 and "standard input" in piped.stderr
    # evaluate scores what check says: standard input at the training share, the file re-based
    piped = json.loads(runner.invoke(app, ["evaluate", "-", "--model", str(shipped_judge.path), "--json", "--text-only"], input=half).stdout)
    filed = json.loads(run(runner, "evaluate", filed, "--model", shipped_judge.path, "--json", "--text-only").stdout)
    assert piped["prevalence"] is None and filed["prevalence_estimated"] and filed["prevalence"] > 0.5
    assert filed["macro_f1_training_share"] == piped["macro_f1"] < filed["macro_f1"]


@pytest.mark.slow
def test_evaluate_reads_another_collections_csv_as_it_reads_ours(shipped_judge, runner, dev_path, tmp_path):
    """dev written as another collection would (headline/content/news_url columns, Fake/legit
    labels) scores exactly as dev itself: no story dropped, no label turned round."""
    import csv

    rows = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines()]
    other = tmp_path / "other.csv"
    with other.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["headline", "content", "news_url", "label"])
        out.writerows([r["title"], r["text"], r["url"], {"fake": "Fake", "real": "legit"}[r["label"]]] for r in rows)
    ours = json.loads(run(runner, "evaluate", dev_path, "--model", shipped_judge.path, "--json").stdout)
    theirs = run(runner, "evaluate", other, "--model", shipped_judge.path, "--json")
    assert theirs.exit_code == 0 and "RW004" not in theirs.stderr
    theirs = json.loads(theirs.stdout)
    assert theirs["n"] == ours["n"] == len(rows) and theirs["confusion"] == ours["confusion"]
    assert theirs["macro_f1"] == ours["macro_f1"]


@pytest.mark.slow
def test_check_keeps_the_training_share_on_a_feed_like_the_training_data(shipped_judge, runner, dev_path):
    """dev (21% fakes, like training): the default neither re-bases nor says anything, and every
    verdict is what --prevalence train gives."""
    result = run(runner, "check", dev_path, "--model", shipped_judge.path, "--json", "--no-text")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1515
    assert "look like" not in result.stderr
    trained = run(runner, "check", dev_path, "--model", shipped_judge.path, "--json", "--no-text", "--prevalence", "train")
    assert result.stdout == trained.stdout


def test_evaluate_and_check_reject_a_prevalence_outside_0_1(runner, tiny_model_dir, tiny_jsonl):
    for command in ("evaluate", "check"):
        for bad in ("1.5", "0", "lots"):
            result = run(runner, command, tiny_jsonl, "--model", tiny_model_dir, "--prevalence", bad)
            assert result.exit_code == 2
            assert "--prevalence" in result.stderr and "Traceback" not in result.stderr


def test_prevalence_auto_needs_enough_articles_and_a_whole_collection(runner, tiny_model_dir, tiny_jsonl, tmp_path):
    """auto on a handful of articles would re-base on noise; batch streams, so it has no whole to
    estimate from: both are usage errors that say what to do instead."""
    for command in ("evaluate", "check"):
        result = run(runner, command, tiny_jsonl, "--model", tiny_model_dir, "--prevalence", "auto")
        assert result.exit_code == 2
        assert "auto needs at least 50 articles" in result.stderr and "[RL042]" in result.stderr
    result = run(runner, "batch", tiny_jsonl, "--out", tmp_path / "out", "--model", tiny_model_dir, "--prevalence", "auto")
    assert result.exit_code == 2 and "--prevalence auto" in result.stderr and not (tmp_path / "out").exists()
    # train is batch's default already, and taken as such
    trained = run(runner, "batch", tiny_jsonl, "--out", tmp_path / "train", "--model", tiny_model_dir, "--prevalence", "train", "--json")
    assert trained.exit_code == 0 and (tmp_path / "train").exists()

def test_train_unwritable_out_is_rl042_before_training(runner, tiny_jsonl, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    out = blocker / "model"
    result = run(runner, "train", "--data", tiny_jsonl, "--out", out)
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert line.startswith(f"error: invalid value for --out: cannot write {out} (") and line.endswith(") [RL042]")


def test_evaluate_unwritable_report_is_rl042(runner, tiny_model_dir, tiny_jsonl, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    report = blocker / "report.html"
    result = run(runner, "evaluate", tiny_jsonl, "--model", tiny_model_dir, "--report", report)
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert line.startswith(f"error: invalid value for --report: cannot write {report} (") and line.endswith(") [RL042]")
    assert result.stdout == ""


def test_evaluate_report_creates_missing_folders(runner, tiny_model_dir, tiny_jsonl, tmp_path):
    report = tmp_path / "reports" / "2026" / "dev.html"
    result = run(runner, "evaluate", tiny_jsonl, "--model", tiny_model_dir, "--report", report, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["n"] == 11
    assert report.read_text(encoding="utf-8").startswith("<!doctype html>")
