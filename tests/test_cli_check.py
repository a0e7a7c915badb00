"""``rumorlens check``: JSON fields, human output, --explain, --text-only, model selection,
and every bad input as one exact stderr line with exit codes 0/1/2 (never a traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, TINY_ARTICLES, serving
from rumorlens.cli import app
from rumorlens.verdict import SIGNAL_KINDS

ARTICLE = (
    "https://www.example-gossip.com/singer-leaning-on-ex\n"
    "Is The Singer Secretly Leaning On Her Ex?\n"
    "The singer is reportedly leaning on her ex-husband, a source close to the star told In Touch./n"
    "\"She calls him every night,\" an insider claims. The shocking news has fans divided!!\n"
    "Join the Discussion\n"
)


@pytest.fixture
def runner(tiny_model_dir, monkeypatch) -> CliRunner:
    """CliRunner with the tiny model selected through $RUMORLENS_MODEL, as a user would."""
    monkeypatch.setenv("RUMORLENS_MODEL", str(tiny_model_dir))
    monkeypatch.setenv("RUMORLENS_PROGRESS", "0")
    return CliRunner()


@pytest.fixture
def article_file(tmp_path) -> Path:
    f = tmp_path / "singer.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    return f


def run(runner: CliRunner, *args: str, input: str | bytes | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# -- the verdict -----------------------------------------------------------------------------


def test_check_says_when_a_story_is_not_in_english_and_still_judges_it(runner, tmp_path):
    """A Spanish story among English ones: judged (exit 0), with RW011 on stderr and in its
    verdict's warnings; the English story has none."""
    from test_article import SPANISH

    (tmp_path / "es.txt").write_text("La cantante, destrozada\n" + SPANISH, encoding="utf-8")
    (tmp_path / "en.txt").write_text("Singer Heartbroken\n" + ARTICLE, encoding="utf-8")
    result = run(runner, "check", tmp_path, "--json")
    assert result.exit_code == 0
    verdicts = {v["id"]: v for v in json_lines(result.stdout)}
    assert verdicts["en"]["warnings"] == []
    (warning,) = verdicts["es"]["warnings"]
    assert warning.startswith(f"{tmp_path / 'es.txt'}: the text does not look like English (") and warning.endswith("[RW011]")
    assert stderr_lines(result) == [f"warning: {warning}"]


def test_check_json_has_every_documented_field(runner, article_file):
    result = run(runner, "check", article_file, "--json")
    assert result.exit_code == 0, result.stderr
    (v,) = json_lines(result.stdout)
    for key in ("id", "title", "outlet", "label", "p_fake", "truth_rating", "signals", "reasons", "model_version", "text"):
        assert key in v, key
    assert v["id"] == "singer"
    assert v["title"] == "Is The Singer Secretly Leaning On Her Ex?"
    assert v["outlet"] == "example-gossip.com"
    assert v["model_version"] == "tiny-test"
    assert v["label"] in ("fake", "real")
    assert 0.0 <= v["p_fake"] <= 1.0
    assert isinstance(v["truth_rating"], int) and 0 <= v["truth_rating"] <= 10
    assert 1 <= len(v["reasons"]) <= 5 and all(isinstance(r, str) and r for r in v["reasons"])
    assert "Join the Discussion" not in v["text"]


def test_check_json_signal_spans_point_into_text(runner, article_file):
    (v,) = json_lines(run(runner, "check", article_file, "--json").stdout)
    kinds = {s["kind"] for s in v["signals"]}
    assert {"anonymous_source", "hedge", "sensational"} <= kinds
    for s in v["signals"]:
        assert set(s) >= {"kind", "text", "start", "end", "weight"}
        assert s["kind"] in SIGNAL_KINDS
        if s["start"] >= 0:
            assert v["text"][s["start"] : s["end"]] == s["text"], s


def test_check_says_a_story_resting_on_plain_sources_say_rests_on_an_unnamed_source(runner, tmp_path):
    """Tabloids' commonest attribution, "Sources say…" (or "we're told"), was read as a mere hedge,
    so the reasons said no claim rested on an unnamed source."""
    f = tmp_path / "twins.txt"
    f.write_text("Jennifer Aniston pregnant with twins\nSources say Jennifer Aniston is pregnant with twins. "
                 "We’re told she is thrilled.\n", encoding="utf-8")
    (v,) = json_lines(run(runner, "check", f, "--json").stdout)
    assert [s["text"] for s in v["signals"] if s["kind"] == "anonymous_source"] == ["Sources say", "We’re told"]
    assert "Rests on 2 unnamed sources (“Sources say”, “We’re told”) and quotes no one on the record." in v["reasons"]
    assert not any("No claim in it rests on an unnamed source" in r for r in v["reasons"])


def test_check_credits_a_she_quote_to_a_woman_not_the_last_man_named(runner, tmp_path):
    """In dev, '"No," she said' in a story about Jennifer Lawrence was credited to Brad Pitt, the
    last name before it, and the reasons repeated that name."""
    f = tmp_path / "dating.txt"
    f.write_text("Jennifer Lawrence addresses the rumours\nJennifer Lawrence appeared on a talk show on Thursday "
                 "and was asked whether she was dating Brad Pitt.\n\n“No,” she said.\n", encoding="utf-8")
    (v,) = json_lines(run(runner, "check", f, "--json").stdout)
    quotes = [s for s in v["signals"] if s["kind"] == "on_record_quote"]
    assert [(q["text"], q["speaker"]) for q in quotes] == [("she said", "Jennifer Lawrence")]
    assert any(r.startswith("Quotes “Jennifer Lawrence” on the record") for r in v["reasons"]), v["reasons"]
    assert not any("Brad Pitt" in r for r in v["reasons"])


def test_check_truth_rating_agrees_with_label(runner, tmp_path):
    feed = tmp_path / "tiny.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "url": a.url}) + "\n" for a in TINY_ARTICLES), encoding="utf-8")
    verdicts = json_lines(run(runner, "check", feed, "--json").stdout)
    assert len(verdicts) == len(TINY_ARTICLES)
    assert {v["label"] for v in verdicts} == {"fake", "real"}
    for v in verdicts:
        assert (v["truth_rating"] <= 5) if v["label"] == "fake" else (v["truth_rating"] >= 5), v


def test_check_default_output_is_a_rich_panel(runner, article_file):
    result = run(runner, "check", article_file)
    assert result.exit_code == 0
    out = result.stdout
    assert out.lstrip().startswith("╭─ Is The Singer Secretly Leaning On Her Ex?")
    assert "╰" in out and "singer" in out
    assert "verdict" in out and ("FAKE" in out or "REAL" in out)
    assert "/10" in out and "why" in out and "•" in out
    assert "example-gossip.com" in out


def test_check_explain_shows_the_article_text(runner, article_file):
    result = run(runner, "check", article_file, "--explain")
    assert result.exit_code == 0
    assert "legend:" in result.stdout
    assert "a source close to the star told In Touch" in result.stdout
    assert "\"She calls him every night,\" an insider claims." in result.stdout


def test_check_explain_highlights_signal_spans_in_a_terminal(article_file, tiny_model_dir):
    """In a colour terminal the spans are styled: the ANSI code sits right before the snippet."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_MODEL": str(tiny_model_dir), "FORCE_COLOR": "1", "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "rumorlens", "check", "--explain", str(article_file)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[1;31man insider claims\x1b[0m" in proc.stdout  # anonymous_source: bold red
    assert "\x1b[33mreportedly\x1b[0m" in proc.stdout  # hedge: yellow


def test_check_no_text_leaves_text_out(runner, article_file):
    (v,) = json_lines(run(runner, "check", article_file, "--json", "--no-text").stdout)
    assert "text" not in v and v["signals"]


def test_check_text_only_ignores_url_and_outlet(runner, tmp_path):
    body = "Couple Spotted At Dinner\nThe couple were seen at dinner, a source close to them says, and they confirmed it to People.\n"
    a = tmp_path / "a.txt"
    a.write_text("https://www.intouchweekly.com/posts/dinner\n" + body, encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("https://people.com/dinner\n" + body, encoding="utf-8")
    with_outlet = json_lines(run(runner, "check", a, b, "--json").stdout)
    assert [v["outlet"] for v in with_outlet] == ["intouchweekly.com", "people.com"]
    assert any(s["kind"] == "outlet_record" for s in with_outlet[0]["signals"])
    text_only = json_lines(run(runner, "check", a, b, "--json", "--text-only").stdout)
    assert text_only[0]["p_fake"] == text_only[1]["p_fake"]
    assert text_only[0]["label"] == text_only[1]["label"]
    for v in text_only:
        assert v["text_only"] is True and v["outlet"] is None
        assert not any(s["kind"] == "outlet_record" for s in v["signals"])


def test_check_model_option_and_env_select_the_model(runner, article_file, tiny_articles, tmp_path):
    from rumorlens.model.judge import Judge

    other = tmp_path / "other-model"
    Judge.fit(tiny_articles, folds=2).save(other, model_version="other-test")
    by_env = json_lines(run(runner, "check", article_file, "--json").stdout)
    by_option = json_lines(run(runner, "check", article_file, "--json", "--model", other).stdout)
    assert by_env[0]["model_version"] == "tiny-test"
    assert by_option[0]["model_version"] == "other-test"


def test_check_bad_model_path_is_rl020_exit_2(runner, article_file, tmp_path):
    missing = tmp_path / "no-model"
    result = run(runner, "check", article_file, "--model", missing)
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"error: {missing}: no model found (missing meta.json); train one with `rumorlens train --out DIR` or drop --model [RL020]"]
    assert result.stdout == ""
    empty = tmp_path / "empty-model"
    empty.mkdir()
    result = run(runner, "check", article_file, "--model", empty)
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"error: {empty}: no model found (missing meta.json); train one with `rumorlens train --out DIR` or drop --model [RL020]"]


def test_check_stdin(runner):
    result = run(runner, "check", "-", "--json", input=ARTICLE)
    assert result.exit_code == 0
    (v,) = json_lines(result.stdout)
    assert v["outlet"] == "example-gossip.com" and v["id"].startswith("sha1-")


# -- bad input: exact one-line errors, the rest still judged, exit codes ---------------------


def test_check_no_input_is_rl040_exit_2(runner):
    result = run(runner, "check")
    assert result.exit_code == 2
    assert stderr_lines(result) == ["error: no input given; pass files, folders, URLs or - for stdin (see `rumorlens check --help`) [RL040]"]


def test_check_unknown_option_is_usage_error_exit_2(runner, article_file):
    result = runner.invoke(app, ["check", str(article_file), "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


def test_check_every_bad_input_is_one_line_and_good_ones_are_judged(runner, tmp_path, article_file):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (bad / "notobject.json").write_text("[1]", encoding="utf-8")
    (bad / "feed.jsonl").write_text('{"id": "ok1", "text": "Good line."}\n{not json}\n{"id": "notext"}\n{"id": "ok2", "text": "Also good."}\n', encoding="utf-8")
    (bad / "nocol.csv").write_text("author,summary\nA,B\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    empty_dir = tmp_path / "emptydir"
    empty_dir.mkdir()
    result = run(runner, "check", article_file, bad, missing, empty_dir, "--json")
    assert result.exit_code == 1
    assert [v["id"] for v in json_lines(result.stdout)] == ["singer", "ok1", "ok2"]
    assert stderr_lines(result) == [
        f"error: {bad / 'binary.txt'}: looks like a binary file, not text, HTML, JSON or CSV; give a text-based article file [RL003]",
        f"error: {bad / 'empty.txt'}: file is empty; give a file with an article in it [RL002]",
        f"error: {bad / 'feed.jsonl'}:2: invalid JSON (Expecting property name enclosed in double quotes); fix the line or remove it [RL005]",
        f"error: {bad / 'feed.jsonl'}:3: record has no 'text' field and no 'title' (or they are empty); add the article body as 'text' [RL007]",
        f"error: {bad / 'nocol.csv'}: CSV has no 'text' column and no 'title' column (columns: author, summary); name the article-body column 'text' [RL008]",
        f"error: {bad / 'notobject.json'}[0]: expected a JSON object with a 'text' field, got a number; wrap each article in an object [RL006]",
        f"error: {missing}: no such file or directory; check the path [RL001]",
        f"error: {empty_dir}: directory holds no readable article files (.txt .html .htm .json .jsonl .csv .tsv .parquet .rss .atom .xml, or gzipped feeds); add some or point at another folder [RL004]",
    ]


def test_check_only_bad_input_exits_1_with_no_verdicts(runner, tmp_path):
    f = tmp_path / "empty.jsonl"
    f.write_text("", encoding="utf-8")
    result = run(runner, "check", f, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert stderr_lines(result) == [f"error: {f}: file is empty; give a file with an article in it [RL002]"]


def test_check_warnings_do_not_fail_and_quiet_hides_them(runner, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Beyoncé Story\nThe café owner told People it happened.".encode("latin-1"))
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Actor Opens Restaurant</title><script>evil()</script></head><body><article>"
        "<h1>Actor Opens Restaurant</h1><p>The actor opened a restaurant in New York on Friday, he told Variety in an interview.</p>"
        "<p>\"Cooking was my first love,\" he said at the opening, where friends and family gathered for dinner.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    result = run(runner, "check", latin, page, "--json")
    assert result.exit_code == 0
    assert len(json_lines(result.stdout)) == 2
    assert stderr_lines(result) == [
        f"warning: {latin}: not valid UTF-8; read as Windows-1252, the usual older encoding of English text [RW001]",
        f"warning: {page}: HTML contained <script>/<style> elements; they were removed [RW003]",
    ]
    v = json_lines(result.stdout)[1]
    assert "evil" not in v["text"] and v["warnings"] == [f"{page}: HTML contained <script>/<style> elements; they were removed [RW003]"]
    quiet = run(runner, "check", latin, page, "--json", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_check_20mb_single_line_is_truncated_and_judged(runner, tmp_path):
    f = tmp_path / "huge.txt"
    f.write_text("Huge Title\n" + "tabloid " * (20 * 1024 * 1024 // 8), encoding="utf-8")
    result = run(runner, "check", f, "--json", "--no-text")
    assert result.exit_code == 0
    (v,) = json_lines(result.stdout)
    assert v["title"] == "Huge Title" and v["label"] in ("fake", "real")
    (line,) = stderr_lines(result)
    assert line.startswith(f"warning: {f}: text is ") and line.endswith("characters; only the first 100000 are judged [RW002]")


# -- a real process: exit codes and no tracebacks ------------------------------------------


def _cli(args, tiny_model_dir, input: bytes | None = None):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_MODEL": str(tiny_model_dir), "RUMORLENS_PROGRESS": "0"}
    return subprocess.run([sys.executable, "-m", "rumorlens", *map(str, args)], input=input, capture_output=True, env=env, timeout=120)


def test_check_subprocess_exit_codes_and_no_traceback(tiny_model_dir, article_file, tmp_path):
    ok = _cli(["check", article_file, "--json"], tiny_model_dir)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["id"] == "singer"

    missing = tmp_path / "gone.txt"
    some_failed = _cli(["check", article_file, missing, "--json"], tiny_model_dir)
    assert some_failed.returncode == 1
    assert len(some_failed.stdout.splitlines()) == 1
    assert some_failed.stderr.decode().strip() == f"error: {missing}: no such file or directory; check the path [RL001]"

    bad_model = _cli(["check", article_file, "--model", tmp_path / "nomodel"], tiny_model_dir)
    assert bad_model.returncode == 2
    assert bad_model.stderr.decode().strip().endswith("[RL020]")

    for proc in (ok, some_failed, bad_model):
        assert b"Traceback" not in proc.stderr


def test_check_subprocess_stdin_and_unreachable_url(tiny_model_dir):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    url = f"http://127.0.0.1:{port}/story"
    proc = _cli(["check", "-", url, "--json"], tiny_model_dir, input=ARTICLE.encode())
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["outlet"] == "example-gossip.com"
    (err,) = proc.stderr.decode().strip().splitlines()
    assert err.startswith(f"error: {url}: could not fetch URL (") and err.endswith("[RL010]")
    assert b"Traceback" not in proc.stderr


def test_check_a_reading_list_of_links_judges_each_page(tiny_model_dir, tmp_path):
    """`rumorlens check links.txt`: a file of links is fetched link by link (a real HTTP server),
    each page judged on its own; a dead link is one error naming the list's line."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages = {"/one": ARTICLE, "/two": "Star Denies Split\nHer rep told People the couple are happy together."}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        links = tmp_path / "links.txt"
        links.write_text(f"{base}/one\n{base}/two\n{base}/gone\n", encoding="utf-8")
        proc = _cli(["check", links, "--json"], tiny_model_dir)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 1
    verdicts = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [v["url"] for v in verdicts] == ["https://www.example-gossip.com/singer-leaning-on-ex", f"{base}/two"]  # the page's own URL line wins
    assert verdicts[1]["title"] == "Star Denies Split" and verdicts[0]["label"] in ("fake", "real")
    (err,) = proc.stderr.decode().strip().splitlines()
    assert err.startswith(f"error: {links}:3 ({base}/gone): could not fetch URL (HTTP 404)") and err.endswith("[RL010]")


def test_check_json_goes_to_stdout_while_a_progress_bar_draws_on_stderr(tiny_model_dir, tmp_path):
    """`rumorlens check feed.jsonl --json > out.jsonl` in a terminal: the bar must not swallow the JSON."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"a{i}", "text": f"An insider says story {i} is true."}) + "\n" for i in range(300)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_MODEL": str(tiny_model_dir), "FORCE_COLOR": "1"}
    env.pop("RUMORLENS_PROGRESS", None)
    proc = subprocess.run([sys.executable, "-m", "rumorlens", "check", str(feed), "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == [f"a{i}" for i in range(300)]
    assert "Checking" in proc.stderr  # the bar was drawn, on stderr
    assert '"id"' not in proc.stderr


def test_check_says_the_story_was_told_before_and_names_it(shipped_judge, tmp_path):
    """A story the shipped model was trained on, checked again as a user would (a .txt file):
    the reasons say it was told before and how it was found, and --json names it by id."""
    from conftest import TRAIN
    from rumorlens.read import read_articles

    stories = [a for a in read_articles([TRAIN]) if a.label == "real" and len(a.text) > 2000][:40]
    story = next(a for a in stories if any(r.startswith("Told before: ") for r in shipped_judge.judge(a).reasons))
    path = tmp_path / "story.txt"
    path.write_text(f"{story.url}\n{story.title}\n{story.text}", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_PROGRESS": "0", "COLUMNS": "300"}
    env.pop("RUMORLENS_MODEL", None)
    human = subprocess.run([sys.executable, "-m", "rumorlens", "check", str(path)], capture_output=True, text=True, env=env, timeout=300)
    assert human.returncode == 0, human.stderr
    assert "Told before: " in human.stdout and f"{story.id}) was true." in human.stdout
    out = subprocess.run([sys.executable, "-m", "rumorlens", "check", str(path), "--json"], capture_output=True, text=True, env=env, timeout=300)
    similar = [s for s in json.loads(out.stdout)["signals"] if s["kind"] == "similar_story"]
    assert similar[0]["text"] == story.id and similar[0]["weight"] < 0 and similar[0]["start"] == -1


def test_check_db_adds_debunk_matches_from_a_real_store(runner, tmp_path):
    """`ingest` labelled stories into SQLite, then `check --db` a retelling of one of them."""
    feed = tmp_path / "known.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "url": a.url, "label": a.label}) + "\n" for a in TINY_ARTICLES),
        encoding="utf-8",
    )
    db = tmp_path / "store.db"
    ingested = run(runner, "ingest", feed, "--db", db, "--json")
    assert ingested.exit_code == 0, ingested.stderr
    retelling = tmp_path / "retelling.txt"
    retelling.write_text(
        "https://radaronline.com/again\nStar secretly pregnant, insiders say\n"
        "A source close to the singer told In Touch she is secretly pregnant. An insider says the couple are desperate to hide it.\n",
        encoding="utf-8",
    )
    (v,) = json_lines(run(runner, "check", retelling, "--db", db, "--json").stdout)
    matches = [s for s in v["signals"] if s["kind"] == "debunk_match"]
    assert matches and matches[0]["text"] == "Star secretly pregnant, insiders claim"
    assert matches[0]["start"] == matches[0]["end"] == -1 and matches[0]["weight"] > 0
    assert any(r.startswith("Matches a story labelled fake: Star secretly pregnant, insiders claim") for r in v["reasons"])
    # without --db the same article has no memory to match against
    (plain,) = json_lines(run(runner, "check", retelling, "--json").stdout)
    assert not any(s["kind"] == "debunk_match" for s in plain["signals"])


def test_check_db_says_when_the_story_is_about_someone_stories_about_whom_were_often_fake(runner, tmp_path):
    """Gossip Cop's "she has been the subject of many invented stories": with --db, a story's
    subject's record in the store (the people scorecard's, ranked at 10 stories or more) is a
    whole-article signal, and a reason when it is telling; someone in too few stories has none,
    and without --db nothing is said."""
    feed = tmp_path / "stored.jsonl"
    stored = [{"id": f"s{i}", "title": f"Zara Quillfeather secret {w}", "text": f"Zara Quillfeather was seen in {w}, an insider says.",
               "label": "fake"} for i, w in enumerate("Paris Rome Oslo Lima Cairo Quito Dakar Hanoi Sofia Riga Tunis".split())]
    stored += [{"id": f"t{i}", "title": f"Milo Brackenridge news {i}", "text": f"Milo Brackenridge spoke at event {i}.", "label": "real"}
               for i in range(3)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in stored), encoding="utf-8")
    db = tmp_path / "store.db"
    assert run(runner, "ingest", feed, "--db", db, "--json").exit_code == 0
    story = tmp_path / "story.txt"
    story.write_text("Zara Quillfeather and Milo Brackenridge secretly engaged\nZara Quillfeather told friends she and Milo "
                     "Brackenridge are engaged.\n", encoding="utf-8")
    (v,) = json_lines(run(runner, "check", story, "--db", db, "--json").stdout)
    records = [s for s in v["signals"] if s["kind"] == "person_record"]
    assert [(s["text"], s["start"], s["end"]) for s in records] == [("Zara Quillfeather", -1, -1)], "Milo is in too few stories"
    assert records[0]["weight"] == 1.0 and records[0]["note"].startswith("Zara Quillfeather: 11 of 11 stored stories about them fake (100%")
    assert "Stories about Zara Quillfeather have a poor record: 11 of 11 in the store were fake (100%)." in v["reasons"]
    (plain,) = json_lines(run(runner, "check", story, "--json").stdout)
    assert not any(s["kind"] == "person_record" for s in plain["signals"])
    assert not any("Zara Quillfeather have" in r for r in plain["reasons"])


def test_check_bad_db_url_is_rl034_exit_2(runner, article_file):
    result = run(runner, "check", article_file, "--db", "ftp://host/x")
    assert result.exit_code == 2
    assert stderr_lines(result) == ["error: unsupported database URL ftp://host/x; use a file path, sqlite:///PATH or postgresql://USER@HOST/DB [RL034]"]


@pytest.mark.parametrize("mode", [[], ["--explain"]])
def test_check_terminal_output_neutralises_escape_sequences_in_articles(runner, tmp_path, mode):
    f = tmp_path / "esc.txt"
    f.write_text("Evil \x1b]0;pwned\x07 Title\nBody with \x1b[2J a clear-screen, an insider says.\n", encoding="utf-8")
    result = run(runner, "check", f, *mode)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Evil \ufffd]0;pwned\ufffd Title" in result.stdout
    (v,) = json_lines(run(runner, "check", f, "--json").stdout)
    assert v["title"] == "Evil \x1b]0;pwned\x07 Title"  # JSON keeps the text exactly (escaped by json)


def test_check_headline_feed_judges_each_headline_and_warns_a_few_times(runner, tmp_path):
    """A feed of headlines alone (FakeNewsNet's CSVs) is judged, each verdict says so under
    'warnings', each signal is found once, and stderr shows five RW005 lines, then one saying the
    rest are not printed, instead of one per row; -q prints none. A file's own warning rides on
    each of its records but is printed once."""
    feed = tmp_path / "gossipcop_fake.csv"
    rows = [f"gossipcop-{i},hollywoodlife.com/{i},Shocking: Insider Says Star {i} Is Pregnant,1" for i in range(8)]
    feed.write_text("id,news_url,title,tweet_ids\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = run(runner, "check", feed, "--json")
    assert result.exit_code == 0
    verdicts = json_lines(result.stdout)
    assert len(verdicts) == 8 and all(v["known_label"] == "fake" for v in verdicts)
    first = verdicts[0]
    assert first["text"] == first["title"] == "Shocking: Insider Says Star 0 Is Pregnant"
    assert first["warnings"] == [f"{feed}:2: no article body, so only the headline is judged, which is less reliable; give the body as 'text' if you have it [RW005]"]
    spans = [(s["start"], s["end"]) for s in first["signals"] if s["start"] >= 0]
    assert spans and len(spans) == len(set(spans)) and all(first["text"][a:b] for a, b in spans)
    lines = stderr_lines(result)
    assert [line for line in lines if "[RW005]" in line] == [f"warning: {w}" for v in verdicts[:5] for w in v["warnings"]]
    assert lines[-1] == "warning: further RW005 warnings are not printed; each verdict lists its own under 'warnings' (--json), and -q hides all warnings"
    assert len(lines) == 6
    assert stderr_lines(run(runner, "check", feed, "--json", "-q")) == []
    latin = tmp_path / "latin1.jsonl"
    latin.write_bytes(b'{"id": "a", "text": "caf\xe9 one"}\n{"id": "b", "text": "two"}\n{"id": "c", "text": "three"}\n')
    result = run(runner, "check", latin, "--json")
    assert result.exit_code == 0 and len(json_lines(result.stdout)) == 3
    assert stderr_lines(result) == [f"warning: {latin}: not valid UTF-8; read as Windows-1252, the usual older encoding of English text [RW001]"]


def test_check_json_survives_nul_and_half_surrogate_escapes(runner, tmp_path):
    """'\\ud800' without its pair in a JSONL record crashed `check --json` (and batch, ingest)
    with a UnicodeEncodeError traceback; now it is U+FFFD, the good records around it unharmed."""
    feed = tmp_path / "odd.jsonl"
    feed.write_text(json.dumps({"id": "s1", "title": "Star \ud800 pregnant", "text": "An insider says\u0000 she is expecting \udfff."}) + "\n"
                    + json.dumps({"id": "s2", "title": "Fine", "text": "She told People she is fine."}) + "\n", encoding="utf-8")
    result = run(runner, "check", feed, "--json")
    assert result.exit_code == 0 and "Traceback" not in result.output
    first, second = json_lines(result.stdout)
    assert first["title"] == "Star \ufffd pregnant" and "says she is expecting \ufffd." in first["text"] and second["id"] == "s2"
    for option in ([], ["--explain"]):
        shown = run(runner, "check", feed, *option)
        assert shown.exit_code == 0 and "Star \ufffd pregnant" in shown.stdout


def test_check_a_live_feed_on_stdin_prints_each_verdict_as_its_record_arrives(tiny_model_dir):
    """`tail -f feed.jsonl | rumorlens check - --json`: each verdict must come out while standard
    input is still open (it used to wait for the end of input, holding all of it in memory), a bad
    record is named as it passes, and the end of input ends the run."""
    import select

    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_MODEL": str(tiny_model_dir), "RUMORLENS_PROGRESS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "rumorlens", "check", "-", "--json", "--no-text"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        def next_line(stream, seconds=60):
            ready, _, _ = select.select([stream], [], [], seconds)
            assert ready, "nothing came out while the feed stayed open"
            return stream.readline()

        for i, text in enumerate(["A source close to the star says she is secretly engaged.", "She told People she is happy."]):
            proc.stdin.write((json.dumps({"id": f"live-{i}", "text": text}) + "\n").encode())
            proc.stdin.flush()
            assert json.loads(next_line(proc.stdout))["id"] == f"live-{i}"  # out before the next record is sent
        proc.stdin.write(b"{broken\n")
        proc.stdin.flush()
        assert next_line(proc.stderr).decode().startswith("error: <stdin>:3: invalid JSON (")
        proc.stdin.write((json.dumps({"id": "live-3", "text": "An insider claims they split."}) + "\n").encode())
        proc.stdin.flush()
        assert json.loads(next_line(proc.stdout))["id"] == "live-3"
        proc.stdin.close()
        assert proc.wait(timeout=60) == 1  # one record failed
    finally:
        proc.kill()


def test_check_an_rss_feed_judges_each_item_and_exits_1_for_the_empty_one(runner, tmp_path):
    from test_read import RSS

    feed = tmp_path / "celeb.rss"
    feed.write_text(RSS, encoding="utf-8")
    result = run(runner, "check", feed, "--json")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows][0] == "celebnews-1001" and len(rows) == 2
    assert rows[1]["warnings"] and "[RW009]" in rows[1]["warnings"][0]
    assert f"error: {feed}#3: feed item has no title and no description or content; nothing to check [RL019]" in result.stderr


def test_check_on_the_terminal_ends_a_run_of_many_with_a_tally(runner, tmp_path, article_file):
    """Fifty panels scroll past; the last line says how many were fake and how many could not be read."""
    feed = tmp_path / "two.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "An insider claims the singer is secretly pregnant."}) + "\n"
                    + json.dumps({"id": "b", "text": "The singer told People on Monday that her tour begins in May."}) + "\n")
    result = run(runner, "check", article_file, feed, tmp_path / "missing.txt")
    assert result.exit_code == 1
    last = result.stdout.strip().splitlines()[-1]
    fake = result.stdout.count("verdict FAKE")
    assert last == f"3 articles checked: {fake} likely fake, {3 - fake} likely real; 1 could not be read (named above on stderr)"
    one = run(runner, "check", article_file)
    assert "articles checked" not in one.stdout and "article checked" not in one.stdout  # one panel needs no tally
    assert "checked:" not in run(runner, "check", feed, "--json").stdout  # JSON lines stay JSON lines


def test_cli_check_and_ingest_fetch_stories_of_a_teaser_feed(runner, tmp_path):
    """`--fetch-stories`: a teaser-only feed item is judged (and stored) on the page it links to,
    served by a real local HTTP server; without it, on the teaser, with RW009 on stderr."""
    page = ("<html><body><article><h1>Singer denies split</h1><p>" + "A source close to the singer claims the couple split. " * 4
            + "</p><p>“We are very happy,” she told People on Friday, and her rep called the report false.</p></article></body></html>")
    feed = tmp_path / "teasers.rss"
    with serving({"/singer": (page.encode(), "text/html; charset=utf-8")}) as (base, _):
        feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Singer splits?</title>'
                        f"<link>{base}/singer</link><guid>item-1</guid><description>The singer and her husband have split.</description>"
                        "</item></channel></rss>", encoding="utf-8")
        plain = runner.invoke(app, ["check", str(feed), "--json"])
        fetched = runner.invoke(app, ["check", str(feed), "--json", "--fetch-stories"])
        stored = runner.invoke(app, ["ingest", str(feed), "--fetch-stories", "--db", str(tmp_path / "s.db"), "--json"])
        batched = runner.invoke(app, ["batch", str(feed), "--fetch-stories", "--out", str(tmp_path / "v"), "--json"])
        unfetched_resume = runner.invoke(app, ["batch", str(feed), "--out", str(tmp_path / "v"), "--json"])
    assert plain.exit_code == 0 and "[RW009]" in plain.stderr
    assert json.loads(plain.stdout)["text"] == "Singer splits?\nThe singer and her husband have split."
    assert fetched.exit_code == 0 and fetched.stderr == ""
    verdict = json.loads(fetched.stdout)
    assert verdict["id"] == "item-1" and verdict["title"] == "Singer splits?" and "she told People on Friday" in verdict["text"]
    assert any(s["kind"] == "on_record_quote" for s in verdict["signals"]) and verdict["warnings"] == []
    assert stored.exit_code == 0, stored.output
    article = runner.invoke(app, ["articles", "item-1", "--db", str(tmp_path / "s.db"), "--json"])
    assert "told People on Friday" in json.loads(article.stdout)["text"]
    # batch judges the story too, to the same verdict; the same --out without the option is another run
    assert batched.exit_code == 0, batched.output
    [row] = [json.loads(line) for part in sorted((tmp_path / "v").glob("part-*.jsonl")) for line in part.read_text().splitlines()]
    assert row["id"] == "item-1" and row["text"] == verdict["text"] and row["p_fake"] == verdict["p_fake"] and row["warnings"] == []
    assert unfetched_resume.exit_code == 2 and "[RL081]" in unfetched_resume.output and "fetch_stories" in unfetched_resume.output
