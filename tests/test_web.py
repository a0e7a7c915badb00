"""Dashboard pages rendered in-process: what a user sees, and that untrusted text stays text."""

# ruff: noqa: F811  (pytest fixtures are imported from e2e.support and then requested by name)

from __future__ import annotations

import html
import io
import re

import pytest
from conftest import couple_records, labelled_couple_records
from e2e.support import (  # noqa: F401  (fixtures)
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    TOKEN,
    SlowReader,
    WithReader,
    auth,
    fresh_store,
    judge,
    read_client,
    seeded_store,
    write_client,
)
from fastapi.testclient import TestClient
from markupsafe import Markup

from rumorlens.api import create_app

from rumorlens.web.render import highlight, interval_chart, meter, timeline

HTML = {"accept": "text/html"}
SCRIPT = re.compile(r"<script(?![^>]*src=\"/static/)", re.IGNORECASE)  # any script tag that is not our own vendored file


def no_live_markup(html: str) -> None:
    assert not SCRIPT.search(html), "an inline <script> reached the page"
    assert "<img" not in html.lower(), "an <img> from article text reached the page"
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")


# -- highlight -------------------------------------------------------------------------------------------------
def test_web_timeline_outlet_labels_never_overlap_or_leave_the_chart():
    """Outlet names of dots close together were printed on top of each other, and a name near
    the left edge was cut off ("ollywoodgossip.com"). Each label gets a place clear of the others
    inside the chart, or none (the dot's tooltip still names the outlet)."""
    from rumorlens.web.render import LABEL_CHAR_PX

    arts = [{"id": str(i), "published": f"2017-01-0{1 + i % 2}T00:00:00Z", "p_fake": 0.9 - 0.005 * i, "label": "fake",
             "outlet": ["hollywoodgossip.com", "dailymail.co.uk", "radaronline.com", "people.com"][i % 4]} for i in range(16)]
    t = timeline(arts)
    boxes = []
    for p in t["points"]:
        if p["label_dy"] is None:
            continue
        half = LABEL_CHAR_PX * len(p["outlet"]) / 2
        box = (p["label_x"] - half, p["y"] + p["label_dy"] - 10, p["label_x"] + half, p["y"] + p["label_dy"] + 2)
        assert t["left"] - 0.1 <= box[0] and box[2] <= t["width"] and 0 <= box[1] and box[3] <= t["height"], p  # clear of the axis labels
        assert not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes), p
        boxes.append(box)
    assert 4 <= len(boxes) < 16, "crowded dots: some labels placed, the rest left to the tooltips"
    lone = timeline([{"id": "a", "published": "2017-01-01T00:00:00Z", "p_fake": 0.9, "label": "fake", "outlet": "hollywoodgossip.com"},
                     {"id": "b", "published": "2018-01-01T00:00:00Z", "p_fake": 0.2, "label": "real", "outlet": "people.com"}])
    assert all(p["label_dy"] is not None for p in lone["points"])
    assert lone["points"][0]["label_x"] > lone["points"][0]["x"], "moved right of the dot rather than cut at the edge"


def test_web_highlight_marks_every_span_with_kind_and_weight():
    text = "Title\nA source close to her says it is allegedly true."
    signals = [
        {"kind": "anonymous_source", "text": "A source close to her says", "start": 6, "end": 32, "weight": 0.6, "note": "unnamed source"},
        {"kind": "hedge", "text": "allegedly", "start": 39, "end": 48, "weight": 0.3},
        {"kind": "outlet_record", "text": "x.com", "start": -1, "end": -1, "weight": 1.0},
    ]
    html = str(highlight(text, signals))
    assert html.count("<mark ") == 2
    assert 'title="anonymous source · weight +0.60 (towards fake) · unnamed source"' in html
    assert '<mark class="sig sig-hedge lean-fake" data-kind="hedge" title="hedge · weight +0.30 (towards fake)">allegedly</mark>' in html
    assert re.sub(r"<[^>]+>", "", html.replace("<sup", "\x00<sup")).replace("\x00", "") != ""
    # stripping the markup (and the visible labels) gives back the text exactly
    plain = re.sub(r"<sup[^>]*>.*?</sup>", "", html)
    assert re.sub(r"<[^>]+>", "", plain) == text


def test_web_highlight_escapes_text_inside_and_outside_spans():
    text = "<b>bold</b> a source says <script>x()</script>"
    signals = [{"kind": "anonymous_source", "text": "a source says <script>", "start": 12, "end": 34, "weight": 0.5}]
    html = str(highlight(text, signals))
    assert isinstance(highlight(text, signals), Markup)
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&lt;script&gt;" in html


def test_web_highlight_overlapping_spans_keep_both_labels():
    text = "an insider reportedly said"
    signals = [
        {"kind": "anonymous_source", "text": "an insider reportedly said", "start": 0, "end": 26, "weight": 0.6},
        {"kind": "hedge", "text": "reportedly", "start": 11, "end": 21, "weight": 0.3},
    ]
    html = str(highlight(text, signals))
    assert ">anonymous source</sup>" in html and ">hedge</sup>" in html
    inner = re.search(r'<mark class="sig sig-hedge[^"]*"[^>]*title="([^"]*)">reportedly</mark>', html)
    assert inner and "anonymous source" in inner.group(1) and "hedge" in inner.group(1)


def test_web_highlight_ignores_spans_outside_the_text():
    html = str(highlight("short", [{"kind": "hedge", "text": "x", "start": 3, "end": 99, "weight": 0.1}]))
    assert html == "short"


def test_web_charts_geometry():
    m = meter(7)
    assert [c["i"] for c in m["cells"] if c["on"]] == [7]
    arts = [
        {"id": "a", "published": "2018-04-01T00:00:00Z", "p_fake": 0.9, "label": "fake", "outlet": "a.com"},
        {"id": "b", "published": "2018-04-11T00:00:00Z", "p_fake": 0.1, "label": "real", "outlet": "b.com"},
        {"id": "c", "published": None, "p_fake": 0.5, "label": "fake", "outlet": "c.com"},
    ]
    t = timeline(arts)
    xs = {p["id"]: p["x"] for p in t["points"]}
    ys = {p["id"]: p["y"] for p in t["points"]}
    assert xs["a"] < xs["b"] < xs["c"], "later dates to the right, undated at the far right"
    assert [bool(tick.get("end")) for tick in t["ticks"]] == [False] * 4 + [True], "the last date ends at its tick, clear of 'undated'"
    assert ys["a"] < ys["b"], "more likely fake is higher up"
    undated = timeline([{"id": str(i), "published": None, "p_fake": 0.5, "label": "fake"} for i in range(4)])
    xs = [p["x"] for p in undated["points"]]
    assert xs == sorted(xs) and len(set(xs)) == 4, "undated storylines are spread out, not stacked"
    assert undated["all_undated"] is True
    c = interval_chart([{"outlet": "x.com", "n": 10, "fake_rate": 0.5, "ci_low": 0.2, "ci_high": 0.8}])
    r = c["rows"][0]
    assert r["x_lo"] < r["x"] < r["x_hi"]


# -- pages -------------------------------------------------------------------------------------------------------
def test_web_check_page_has_the_form(read_client):
    html = read_client.get("/", headers=HTML).text
    for field in ('name="title"', 'name="text"', 'name="url"', 'name="file"', 'enctype="multipart/form-data"'):
        assert field in html


def test_web_check_form_shows_verdict_meter_reasons_and_highlights(read_client):
    resp = read_client.post("/check", data={"title": "Jen pregnant at 50?", "text": "A source close to the star says she is allegedly expecting. Shocking!"})
    assert resp.status_code == 200
    html = resp.text
    assert re.search(r"Likely (fake|real)", html)
    assert "/10 truth rating" in html and 'class="meter"' in html
    assert re.search(r'data-testid="p-fake">0\.\d\d<', html)
    assert "<h2>Why</h2>" in html
    assert 'data-kind="anonymous_source"' in html and "weight +" in html


def test_web_check_form_with_hostile_text_renders_it_as_text(read_client):
    html = read_client.post("/check", data={"title": HOSTILE_TITLE, "text": HOSTILE_TEXT}).text
    no_live_markup(html)
    assert "&lt;script&gt;alert(&#34;xss-title&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;xss-title&quot;)" in html
    assert "&lt;img src=x onerror=" in html


@pytest.mark.parametrize("path", ["/articles/hostile-1", "/articles", "/articles?q=couple"])
def test_web_stored_hostile_article_renders_as_text(read_client, path):
    resp = read_client.get(path, headers=HTML)
    assert resp.status_code == 200
    no_live_markup(resp.text)
    assert "&lt;script&gt;" in resp.text


def test_web_check_form_errors_show_on_the_form(read_client):
    resp = read_client.post("/check", data={"title": "", "text": "", "url": ""})
    assert resp.status_code == 422
    assert "RL053" in resp.text and 'name="text"' in resp.text
    resp = read_client.post("/check", data={"url": "http://169.254.169.254/latest/meta-data/"})
    assert resp.status_code == 422 and "RL015" in resp.text


def _story_page(headline: str, sentence: str) -> str:
    return f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>" + f"<p>{sentence}</p>" * 3 + "</article></body></html>"


def test_web_url_box_fetches_and_checks_each_link_in_order(read_client, monkeypatch):
    """Several links, one per line (blank lines and # comments allowed, as in a reading list for
    `check`): each is fetched, from public addresses only, and checked, in the box's order."""
    import httpx
    from test_api import _mock_web

    seen: list[str] = []
    _mock_web(monkeypatch, {
        "http://news.public.test/pregnant": httpx.Response(200, html=_story_page(
            "Star secretly pregnant", "A source close to the star claims she is secretly expecting twins, an insider says.")),
        "http://mag.public.test/premiere": httpx.Response(200, html=_story_page(
            "Star attends premiere", "Kim Jones told People on the record that the premiere on Monday was wonderful.")),
    }, seen)
    box = "# two stories\nhttp://news.public.test/pregnant\n\n  http://mag.public.test/premiere  \n"
    resp = read_client.post("/check", data={"url": box})
    assert resp.status_code == 200, resp.text
    assert "2 articles checked" in resp.text
    assert resp.text.index("Star secretly pregnant") < resp.text.index("Star attends premiere")
    assert "news.public.test" in resp.text and "mag.public.test" in resp.text
    assert sorted(seen) == ["http://mag.public.test/premiere", "http://news.public.test/pregnant"]


def test_web_url_box_errors_name_the_line(read_client, monkeypatch):
    """A link that cannot be checked is named by its line beside the verdicts of the others,
    never stopping them; when none can be, the form shows the first, keeping what was typed."""
    import httpx
    from test_api import _mock_web

    seen: list[str] = []
    _mock_web(monkeypatch, {"http://news.public.test/a": httpx.Response(200, html=_story_page("Story A", "A source says so. " * 5))}, seen)
    # a private address on line 3 is refused before it is requested; line 1 is still checked
    resp = read_client.post("/check", data={"url": "http://news.public.test/a\n\nhttp://169.254.169.254/latest/meta-data/"})
    assert resp.status_code == 200 and "Story A" in resp.text
    problems = re.search(r'data-testid="problems">(.*?)</div>', resp.text, re.S)
    assert problems and "1 could not be checked; the 1 below were" in problems.group(1)
    assert "RL015" in problems.group(1) and "url:3 (http://169.254.169.254/latest/meta-data/)" in problems.group(1)
    assert all("169.254" not in url for url in seen)
    resp = read_client.post("/check", data={"url": "http://10.0.0.1/x\nhttp://news.public.test/missing"})  # a 404
    assert resp.status_code == 422 and 'data-testid="form-error"' in resp.text and "url:1 (http://10.0.0.1/x)" in resp.text
    # a line that is not a link, more than ten links, links beside pasted text: coded, on the form
    resp = read_client.post("/check", data={"url": "http://news.public.test/a\nnews.public.test/b"})
    assert resp.status_code == 422 and "RL009" in resp.text and "url:2" in resp.text and "http:// or https://" in resp.text
    many = "\n".join(f"http://news.public.test/{i}" for i in range(11))
    resp = read_client.post("/check", data={"url": many})
    assert resp.status_code == 422 and "RL009" in resp.text and "at most 10" in resp.text
    resp = read_client.post("/check", data={"text": "A source says so.", "url": "http://news.public.test/a\nhttp://news.public.test/b"})
    assert resp.status_code == 422 and "RL009" in resp.text and "several links beside the article text" in resp.text
    assert 'name="url"' in resp.text and "http://news.public.test/b</textarea>" in resp.text  # the box keeps what was typed


def test_web_check_form_with_a_headline_alone_says_only_the_headline_was_judged(read_client):
    html = read_client.post("/check", data={"title": "Insider: Star <b>Secretly</b> Pregnant", "text": "", "url": ""}).text
    assert re.search(r"Likely (fake|real)", html)
    warning = re.search(r'<ul class="warnings" data-testid="warnings"><li>(.*?)</li></ul>', html)
    assert warning and "no article body, so only the headline is judged" in warning.group(1) and "[RW005]" in warning.group(1)
    no_live_markup(html)
    plain = read_client.post("/check", data={"title": "Jen pregnant at 50?", "text": "A source close to the star says so."}).text
    assert 'data-testid="warnings"' not in plain


def test_web_check_form_options_ignore_outlet_and_rebase_to_expected_share(read_client):
    """The form's options are the CLI's --text-only and --prevalence: the page says it judged on
    text alone and re-based p(fake), and p(fake) moves the way 50% fakes expected should."""
    form = {"title": "Jen pregnant at 50?", "text": "A source close to the star says she is allegedly expecting twins. " * 3,
            "url": "https://www.hollywoodlife.com/2018/jen-twins"}
    plain = read_client.post("/check", data=form).text
    html = read_client.post("/check", data={**form, "text_only": "true", "prevalence_pct": "50"}).text
    assert "judged on text only" in html and "judged on text only" not in plain
    assert re.search(r'data-testid="prevalence">p\(fake\) re-based to 50% fakes expected; likely fake from 0\.\d\d<', html)
    assert 'data-testid="prevalence"' not in plain
    rebased = read_client.post("/check", data={**form, "prevalence_pct": "50"}).text
    p = [float(re.search(r'data-testid="p-fake">([\d.]+)<', h).group(1)) for h in (plain, rebased)]
    assert p[1] > p[0]

    resp = read_client.post("/check", data={**form, "prevalence_pct": "150"})
    assert resp.status_code == 422
    assert "RL070" in resp.text and "prevalence_pct" in resp.text and "1 to 99" in resp.text
    assert 'value="150"' in resp.text and "jen-twins" in resp.text  # what the user typed is kept
    assert read_client.post("/check", data={**form, "prevalence_pct": "abc"}).status_code == 422


def test_web_accurate_tick_box_judges_with_the_reader_and_caps_uploads(judge, seeded_store):
    """The form's "Accurate mode" is `check --accurate`: the verdict says the reader weighed in;
    an upload is capped at 100 articles (on the form, coded); a server without it greys it out."""
    client = TestClient(create_app(store=seeded_store, judge=WithReader(judge, SlowReader(judge)), read_only=True))
    form_page = client.get("/").text
    assert re.search(r'<input id="accurate" name="accurate" type="checkbox" value="true">', form_page)
    form = {"title": "Jen pregnant at 50?", "text": "A source close to the star says she is allegedly expecting twins. " * 3}
    html = client.post("/check", data={**form, "accurate": "true"}).text
    assert 'data-testid="accurate-mode"' in html and "+reader-test" in html
    assert 'data-testid="accurate-mode"' not in client.post("/check", data=form).text

    line = b'{"title": "One", "text": "A source says one thing."}\n'
    resp = client.post("/check", data={"accurate": "true"}, files={"file": ("feed.jsonl", line * 3, "application/x-ndjson")})
    assert resp.status_code == 200 and "3 articles checked" in resp.text and resp.text.count('data-testid="accurate-mode"') == 3
    resp = client.post("/check", data={"accurate": "true"}, files={"file": ("big.jsonl", line * 101, "application/x-ndjson")})
    assert resp.status_code == 422
    alert = re.search(r'data-testid="form-error">(.*?)</div>', resp.text, re.S).group(1)
    assert "RL009" in alert and "big.jsonl" in alert and "at most 100 articles per upload" in alert
    assert re.search(r'id="accurate"[^>]* checked', resp.text)  # the user's choice is kept
    assert "101 articles checked" in client.post("/check", files={"file": ("big.jsonl", line * 101, "application/x-ndjson")}).text

    off = TestClient(create_app(store=seeded_store, judge=judge, read_only=True, accurate=False))
    page = off.get("/").text
    assert re.search(r'id="accurate"[^>]* disabled', page) and "not offered by this server (off)" in page


def test_web_upload_jsonl_checks_every_article(read_client):
    data = b'{"title": "One", "text": "A source says one thing."}\n{"title": "Two", "text": "Kim Kardashian told People on the record that all is well."}\n'
    resp = read_client.post("/check", files={"file": ("feed.jsonl", data, "application/x-ndjson")})
    assert resp.status_code == 200
    assert "2 articles checked" in resp.text
    assert resp.text.count('class="meter"') == 2


def test_web_upload_with_bad_records_checks_the_others_and_names_each_bad_one(read_client):
    """As `check` does for a feed: a record that cannot be read is named by its line above the
    verdicts of the others, and never stops them; a file with no good record goes back to the form."""
    data = (b'{"title": "One", "text": "A source says one thing."}\n{"title": "broken\n'
            b'{"title": "", "text": " "}\n{"title": "Two", "text": "Kim Kardashian told People on the record that all is well."}\n')
    resp = read_client.post("/check", files={"file": ("feed.jsonl", data, "application/x-ndjson")})
    assert resp.status_code == 200 and "2 articles checked" in resp.text and resp.text.count('class="meter"') == 2
    problems = re.search(r'data-testid="problems">(.*?)</div>', resp.text, re.S).group(1)
    assert "2 could not be checked; the 2 below were" in problems
    assert "feed.jsonl:2:" in problems and "feed.jsonl:3:" in problems and problems.count("<li>") == 2
    resp = read_client.post("/check", files={"file": ("bad.jsonl", b'{"title": "broken\n', "application/x-ndjson")})
    assert resp.status_code == 422 and 'data-testid="form-error"' in resp.text and "bad.jsonl:1:" in resp.text


def test_web_upload_csv_and_json_check_every_article(read_client):
    """A CSV of headlines alone (FakeNewsNet's columns) and a JSON array are read as on the
    command line; each headline's verdict says only the headline was judged."""
    csv = b"id,news_url,title,tweet_ids\ngossipcop-1,hollywoodlife.com/x,Insider: Star Secretly Pregnant,1\ngossipcop-2,people.com/y,Film Wins Top Prize,\n"
    resp = read_client.post("/check", files={"file": ("gossipcop_fake.csv", csv, "text/csv")})
    assert resp.status_code == 200
    assert "2 articles checked" in resp.text and resp.text.count('class="meter"') == 2
    assert resp.text.count('data-testid="warnings"') == 2 and "gossipcop_fake.csv:2: no article body" in resp.text
    array = b'[{"title": "One", "text": "A source says one thing."}, {"title": "Two", "text": "She told People so."}]'
    resp = read_client.post("/check", files={"file": ("feed.json", array, "application/json")})
    assert resp.status_code == 200 and "2 articles checked" in resp.text and 'data-testid="warnings"' not in resp.text


def test_web_upload_of_an_rss_feed_checks_each_item_and_names_the_empty_one(read_client):
    from test_read import RSS

    resp = read_client.post("/check", files={"file": ("celeb.rss", RSS.encode(), "application/rss+xml")})
    assert resp.status_code == 200 and "2 articles checked" in resp.text and resp.text.count('class="meter"') == 2
    problems = re.search(r'data-testid="problems">(.*?)</div>', resp.text, re.S).group(1)
    assert "celeb.rss#3: feed item has no title" in problems
    assert "celeb.rss#2: the feed gives only a 66-character summary" in resp.text  # RW009 on the teaser's verdict


def _teaser_feed(*links: str) -> bytes:
    items = "".join(f"<item><title>Teaser {i}</title><link>{link}</link><guid>teaser-{i}</guid>"
                    f"<description>The singer and her husband have split, fans fear.</description></item>"
                    for i, link in enumerate(links, start=1))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def test_web_url_box_reads_a_feed_and_fetches_its_teasers_stories_when_asked(read_client, monkeypatch):
    """A feed's link in the URL box is every item of the feed (it was RL054, which told the user
    to give the feed to the URL box); with "fetch each teaser's story" ticked, each teaser's link
    is fetched from public addresses only, up to the server's bound, and its story judged."""
    import httpx
    from test_api import _mock_web

    from rumorlens.api import service as service_module

    seen: list[str] = []
    story = _story_page("Singer denies split", "“We are very happy,” she told People on Friday; her rep called the report false.")
    feed = _teaser_feed("http://news.public.test/one", "http://news.public.test/two", "http://10.0.0.1/three")
    _mock_web(monkeypatch, {"http://news.public.test/feed": httpx.Response(200, content=feed, headers={"content-type": "application/rss+xml"}),
                            "http://news.public.test/one": httpx.Response(200, html=story),
                            "http://news.public.test/two": httpx.Response(200, html=story)}, seen)
    plain = read_client.post("/check", data={"url": "http://news.public.test/feed"})
    assert plain.status_code == 200 and "3 articles checked" in plain.text and plain.text.count("[RW009]") == 3
    assert seen == ["http://news.public.test/feed"]
    seen.clear()
    monkeypatch.setattr(service_module, "MAX_STORY_FETCHES", 3)
    fetched = read_client.post("/check", data={"url": "http://news.public.test/feed", "fetch_stories": "true"})
    assert fetched.status_code == 200 and "3 articles checked" in fetched.text
    assert fetched.text.count(" on Friday") >= 2 and plain.text.count(" on Friday") == 0 and "[RW009]" not in fetched.text
    assert "10.0.0.1" not in "".join(seen) and "could not be read" in fetched.text and "[RW010]" in fetched.text
    assert sorted(seen) == ["http://news.public.test/feed", "http://news.public.test/one", "http://news.public.test/two"]
    seen.clear()  # past the bound, teasers stay teasers
    monkeypatch.setattr(service_module, "MAX_STORY_FETCHES", 1)
    bounded = read_client.post("/check", data={"url": "http://news.public.test/feed", "fetch_stories": "true"})
    assert seen == ["http://news.public.test/feed", "http://news.public.test/one"] and bounded.text.count("[RW009]") == 2
    # an uploaded feed too
    seen.clear()
    upload = read_client.post("/check", data={"fetch_stories": "true"}, files={"file": ("teasers.rss", feed, "application/rss+xml")})
    assert upload.status_code == 200 and sorted(seen) == ["http://news.public.test/one"]


def test_web_upload_of_more_than_1000_articles_is_refused_on_the_form(read_client):
    """10 MB of headlines would be ~100,000 verdicts on one page: the form says to split the file
    or use the command line, as POST /v1/articles caps its lists at 1,000."""
    rows = "".join(f"h{i},Star {i} Secretly Married\n" for i in range(1001))
    resp = read_client.post("/check", files={"file": ("headlines.csv", ("id,title\n" + rows).encode(), "text/csv")})
    assert resp.status_code == 422
    assert "RL009" in resp.text and "headlines.csv" in resp.text and "at most 1000 articles per upload" in resp.text
    ok = read_client.post("/check", files={"file": ("headlines.csv", ("id,title\n" + "".join(rows.splitlines(True)[:1000])).encode(), "text/csv")})
    assert ok.status_code == 200 and "1000 articles checked" in ok.text


def test_web_upload_txt_and_html(read_client):
    txt = b"Khloe and Lamar reunite?\nAn insider claims the pair have been talking every day.\n"
    assert "Khloe and Lamar reunite?" in read_client.post("/check", files={"file": ("story.txt", txt, "text/plain")}).text
    html = b"<html><body><article><h1>Lamar speaks</h1>" + b"<p>Lamar Odom told reporters he is happy for Khloe.</p>" * 3 + b"</article></body></html>"
    resp = read_client.post("/check", files={"file": ("page.html", html, "text/html")})
    assert resp.status_code == 200 and "happy for Khloe" in resp.text


def test_web_upload_of_excel_csv_in_windows_1252_or_utf16_keeps_its_quotes(read_client):
    """Excel saves "CSV" in Windows-1252 and "Unicode Text" in UTF-16: the curly quotes come back
    as quotes (escaped on the page), and the guessed encoding is said in the verdict's warnings."""
    csv = 'id,title,text\na1,Star “Heartbroken”,"“We are fine,” the star told People at the café."\n'
    resp = read_client.post("/check", files={"file": ("excel.csv", csv.encode("cp1252"), "text/csv")})
    assert resp.status_code == 200 and "Star “Heartbroken”" in resp.text and "at the café" in resp.text
    assert "excel.csv: not valid UTF-8; read as Windows-1252" in resp.text and "\ufffd" not in resp.text
    resp = read_client.post("/check", files={"file": ("unicode.csv", csv.encode("utf-16"), "text/csv")})
    assert resp.status_code == 200 and "Star “Heartbroken”" in resp.text and 'data-testid="warnings"' not in resp.text


def test_web_upload_of_a_parquet_file_checks_every_row_and_names_a_damaged_one(read_client):
    """A dataframe saved with to_parquet is checked row by row, as `check day.parquet` does; a
    file that is not Parquet is one coded error on the form."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([{"headline": "One", "content": "A source says one thing."},
                                         {"headline": "Two", "content": "Kim Kardashian told People on the record that all is well."}]), buffer)
    resp = read_client.post("/check", files={"file": ("day.parquet", buffer.getvalue(), "application/octet-stream")})
    assert resp.status_code == 200 and "2 articles checked" in resp.text and resp.text.count('class="meter"') == 2
    bad = read_client.post("/check", files={"file": ("day.parquet", b"PAR1 not parquet", "application/octet-stream")})
    assert bad.status_code == 422 and "RL084" in bad.text and "day.parquet: could not read Parquet file" in bad.text


def test_web_upload_of_a_link_list_is_refused_not_fetched_by_the_server(read_client):
    """A reading list uploaded to the dashboard is not fetched from the server's network: the
    form says to give it to `rumorlens check` or check each URL."""
    resp = read_client.post("/check", files={"file": ("links.txt", b"http://127.0.0.1:9/a\nhttp://10.0.0.1/b\n", "text/plain")})
    assert resp.status_code == 422
    assert "RL017" in resp.text and "links.txt: holds only links (2)" in resp.text


def test_web_upload_unsupported_type_is_refused_on_the_form(read_client):
    resp = read_client.post("/check", files={"file": ("tool.exe", b"MZ\x00\x00", "application/octet-stream")})
    assert resp.status_code == 422
    assert "RL076" in resp.text and "tool.exe" in resp.text


def test_web_article_page_shows_verdict_and_storyline(read_client):
    seed = next(a for a in read_client.get("/v1/articles", params={"q": "lamar odom"}).json()["articles"] if a["id"].startswith("000_"))
    html = read_client.get(f"/articles/{seed['id']}", headers=HTML).text
    assert "Khloe" in html and "/10 truth rating" in html
    assert 'data-testid="storyline-link"' in html
    assert "Near-duplicates" in html


def test_web_article_page_records_a_ruling_with_the_token_and_keeps_the_form_without_it(write_client):
    """The ruling form: a wrong token is RL055 above the form, which keeps the ruling and note
    (not the token) and records nothing; the right one records it and sends the browser back to
    the page (303), where it is the final label. A hostile note is shown as text."""
    write_client.post("/v1/articles", json={"id": "jen-1", "title": "Jennifer Aniston pregnant at 50?", "text": "A source says so.", "label": "fake"}, headers=auth())
    page = write_client.get("/articles/jen-1", headers=HTML).text
    assert 'data-testid="rule-form"' in page and "No ruling yet" in page and "the label the record carried" in page
    note = 'Rep <script>alert("x")</script> confirmed it'
    form = {"label": "real", "note": note, "by": "Jane D.", "token": "wrong"}
    refused = write_client.post("/articles/jen-1/rulings", data=form, headers=HTML, follow_redirects=False)
    assert refused.status_code == 401 and 'data-testid="rule-error"' in refused.text and "RL055" in refused.text
    assert 'value="real" checked' in refused.text and "Jane D." in refused.text and "wrong" not in refused.text.split('id="token"')[1][:80]
    no_live_markup(refused.text)
    assert write_client.get("/v1/articles/jen-1").json()["rulings"] == []
    done = write_client.post("/articles/jen-1/rulings", data={**form, "token": TOKEN}, headers=HTML, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/articles/jen-1#rulings"
    page = write_client.get("/articles/jen-1", headers=HTML).text
    assert 'data-testid="ruling"' in page and "ruled <strong>real</strong> by Jane D." in page and "in force" in page
    assert re.search(r'data-testid="final-label">Final label: <span class="pill real">', page)
    assert "&lt;script&gt;" in page
    no_live_markup(page)
    bad = write_client.post("/articles/jen-1/rulings", data={"label": "maybe", "token": TOKEN}, headers=HTML, follow_redirects=False)
    assert bad.status_code == 422 and "RL070" in bad.text
    assert [r["label"] for r in write_client.get("/v1/articles/jen-1").json()["rulings"]] == ["real"]
    assert write_client.post("/articles/nope/rulings", data={"label": "fake", "token": TOKEN}, headers=HTML).status_code == 404


def test_web_check_form_saves_to_the_store_with_the_token_and_links_each_stored_page(write_client):
    """"Save to the store" keeps what was checked (pasted text, an upload) with its verdicts, so a
    fact-checker can rule on it from the dashboard; without the token (RL055) or with an expected
    share (RL070) nothing is judged or stored, and the form keeps what was typed."""
    text = "A source close to the couple says they secretly split months ago. Shocking!"
    form = {"title": "Stars secretly split?", "text": text, "save": "true"}
    refused = write_client.post("/check", data={**form, "token": "wrong"}, headers=HTML)
    assert refused.status_code == 401 and "RL055" in refused.text and text in refused.text
    assert 'id="save" name="save" type="checkbox" value="true" checked' in refused.text
    shared = write_client.post("/check", data={**form, "token": TOKEN, "prevalence_pct": "50"}, headers=HTML)
    assert shared.status_code == 422 and "prevalence_pct" in shared.text
    assert write_client.get("/v1/articles").json()["total"] == 0
    done = write_client.post("/check", data={**form, "token": TOKEN}, headers=HTML)
    assert done.status_code == 200 and 'data-testid="saved"' in done.text
    stored = write_client.get("/v1/articles").json()["articles"]
    assert [a["title"] for a in stored] == ["Stars secretly split?"]
    assert f'href="/articles/{stored[0]["id"]}" data-testid="stored-link"' in done.text
    assert write_client.get(f"/articles/{stored[0]['id']}", headers=HTML).status_code == 200
    upload = write_client.post("/check", data={"save": "true", "token": TOKEN}, headers=HTML, files={"file": (
        "feed.jsonl", b'{"id": "u1", "title": "One", "text": "An insider says one thing."}\n{"id": "u2", "title": "Two", "text": "She told People all is well."}\n')})
    assert upload.status_code == 200 and upload.text.count('data-testid="stored-link"') == 2
    assert {"u1", "u2"} <= {a["id"] for a in write_client.get("/v1/articles").json()["articles"]}
    plain = write_client.post("/check", data={"title": "Not kept", "text": "A source says so."}, headers=HTML)
    assert plain.status_code == 200 and 'data-testid="stored-link"' not in plain.text
    assert write_client.get("/v1/articles").json()["total"] == 3


def test_web_storyline_timeline_rings_the_stories_a_fact_checker_ruled(write_client):
    texts = ("An insider says Jennifer Aniston is pregnant with twins and thrilled about it.",
             "Jennifer Aniston is expecting twins at last, a source close to the star claims.",
             "Sources say Jennifer Aniston is pregnant with twins again, and her friends are happy.")
    write_client.post("/v1/articles", json=[{"id": f"j{i}", "title": "Jennifer Aniston pregnant with twins?", "text": t,
                                             "url": f"https://o{i}.com/j", "published": 1500000000 + i} for i, t in enumerate(texts)], headers=auth())
    write_client.post("/v1/articles/j1/rulings", json={"label": "real", "note": "Her rep confirmed it"}, headers=auth())
    story = write_client.get("/v1/stories").json()["stories"][0]
    page = write_client.get(f"/stories/{story['id']}", headers=HTML).text
    assert page.count('class="ring ruled-real"') == 1 and 'class="ring ruled-fake"' not in page
    assert "ruled real by a fact-checker" in page and "ringed: a fact-checker ruled it fake or real" in page


def test_web_storyline_page_lists_the_other_storylines_about_the_same_people(write_client):
    """A couple's stories come apart by what they are about; each storyline's page links to
    the others about the same people, and one about someone else is not among them."""
    write_client.post("/v1/articles", json=couple_records("bpt"), headers=auth())
    stories = {s["article_ids"][0][0]: s for s in write_client.get("/v1/stories").json()["stories"]}
    assert set(stories) == {"b", "p", "t"}
    page = write_client.get(f"/stories/{stories['b']['id']}", headers=HTML).text
    related = page.split("Also about them")[1]
    assert f'href="/stories/{stories["p"]["id"]}"' in related and html.escape(stories["p"]["title"]) in related and "3 articles · " in related
    assert stories["t"]["id"] not in related
    assert "Also about them" not in write_client.get(f"/stories/{stories['t']['id']}", headers=HTML).text


def test_web_stories_and_outlets_say_when_what_they_show_is_being_drawn_again(write_client, fresh_store, monkeypatch):
    """A server serves the storylines and scorecard drawn last while a thread draws new ones
    after writes. The pages and the API say so, instead of passing the old ones off as current
    (right after an ingest the scorecard of the empty store said "No outlets yet: store articles
    with URLs"), and stop saying it once the new ones are drawn."""
    import threading
    import time

    import rumorlens.corpus.storylines as storylines

    def workers_done():
        deadline = time.monotonic() + 60
        while any(t.name.startswith("rumorlens-") for t in threading.enumerate()):
            assert time.monotonic() < deadline, "a rebuild did not finish"
            time.sleep(0.05)

    def shown():
        stories, outlets = write_client.get("/stories", headers=HTML).text, write_client.get("/outlets?min_n=1", headers=HTML).text
        return ('data-testid="redrawing"' in stories, 'data-testid="redrawing"' in outlets,
                write_client.get("/v1/stories").json()["updating"], write_client.get("/v1/outlets").json()["updating"])

    def settled():
        """What the pages say once the threads are done; a read may find a view drawn on the
        old near-duplicates, and start drawing it again, so a few rounds."""
        for _ in range(5):
            workers_done()
            if not any(got := shown()):
                break
        return got

    fresh_store.refresh_in_background = True  # as `rumorlens serve` runs it
    texts = ("An insider says Jennifer Aniston is pregnant with twins and thrilled about it.",
             "Jennifer Aniston is expecting twins at last, a source close to the star claims.",
             "Sources say Jennifer Aniston is pregnant with twins again, and her friends are happy.")
    post = [{"id": f"j{i}", "title": "Jennifer Aniston pregnant with twins?", "text": t, "url": f"https://o{i}.com/j",
             "published": 1500000000 + i} for i, t in enumerate(texts)]
    write_client.post("/v1/articles", json=post[:2], headers=auth())
    assert settled() == (False, False, False, False)
    assert write_client.get("/v1/stories").json()["stories"][0]["n"] == 2
    release = threading.Event()
    real_build = storylines.build_storylines
    monkeypatch.setattr(storylines, "build_storylines", lambda *a, **k: release.wait(60) and real_build(*a, **k))
    write_client.post("/v1/articles", json=post[2:], headers=auth())
    workers_done()  # what the post itself had drawn (near-duplicates for the check's scorecard)
    try:
        assert shown() == (True, True, True, True)  # the storylines' thread waits: everything shown is the old
        page = write_client.get("/stories", headers=HTML).text
        assert "being drawn again" in page and "2 articles" in page  # the old storyline, said to be old
    finally:
        release.set()
    workers_done()  # the thread that drew the storylines drew the scorecards served too: all fresh at once
    assert shown() == (False, False, False, False)
    assert write_client.get("/v1/stories").json()["stories"][0]["n"] == 3


def test_web_read_only_server_shows_rulings_but_no_form(judge, seeded_store):
    some_id = seeded_store.search(limit=1)[0]["id"]
    client = TestClient(create_app(store=seeded_store, judge=judge, read_only=True), raise_server_exceptions=False)
    page = client.get(f"/articles/{some_id}", headers=HTML).text
    assert "Fact-checkers' rulings" in page and 'data-testid="rule-form"' not in page and "rumorlens rule" in page
    assert 'name="save"' not in client.get("/", headers=HTML).text  # nor a "save to the store" to check with
    assert client.post(f"/articles/{some_id}/rulings", data={"label": "fake", "token": TOKEN}, headers=HTML).status_code == 403


def test_web_articles_and_stories_pages_page_through_a_big_corpus(read_client, monkeypatch):
    """More articles than one page holds: a range, a Next link that keeps the filters, and the
    second page starts where the first ended; past the end says how many there are."""
    import rumorlens.web.views as views

    total = read_client.get("/v1/articles", params={"limit": 1}).json()["total"]
    first = read_client.get("/articles", headers=HTML).text
    assert f'data-testid="page-range">1–200 of {total}<' in first and 'rel="prev"' not in first
    second = read_client.get(re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&"), headers=HTML).text
    assert f'data-testid="page-range">201–{total} of {total}<' in second and 'rel="next"' not in second
    assert second.count("<tr>") == total - 200 + 1  # the rows and the header
    fakes = read_client.get("/v1/articles", params={"label": "fake", "limit": 1}).json()["total"]
    monkeypatch.setattr(views, "ARTICLES_PER_PAGE", 3)
    html = read_client.get("/articles?label=fake", headers=HTML).text
    first_ids = re.findall(r'href="/articles/([^"]+)"', html)
    assert f"1–3 of {fakes}<" in html and f'rel="next" href="/articles?label=fake&amp;after={first_ids[-1]}"' in html
    page2 = read_client.get(f"/articles?label=fake&after={first_ids[-1]}", headers=HTML).text
    assert f"4–6 of {fakes}<" in page2 and 'rel="prev" href="/articles?label=fake&amp;offset=0"' in page2
    assert not set(re.findall(r'href="/articles/([^"]+)"', page2)) & set(first_ids)
    past = read_client.get("/articles?label=fake&offset=100000", headers=HTML).text
    assert f"No articles on this page: {fakes} in all." in past
    stories = read_client.get("/v1/stories", params={"limit": 1}).json()["total"]
    monkeypatch.setattr(views, "STORIES_PER_PAGE", 1)
    html = read_client.get("/stories?offset=0", headers=HTML).text
    assert f"1–1 of {stories}<" in html and html.count('class="card story-card"') == 1


def test_web_stories_page_searches_storylines_by_name_and_keeps_the_words_in_its_links(read_client, monkeypatch):
    """A journalist looks for the storyline about one person: the search box keeps the words,
    the pages keep them, and a search that finds nothing says so (the words escaped)."""
    import rumorlens.web.views as views

    everything = read_client.get("/v1/stories", params={"limit": 1000}).json()["stories"]
    name = everything[0]["people"][0]
    matching = read_client.get("/v1/stories", params={"q": name, "limit": 1000}).json()["stories"]
    html = read_client.get("/stories", params={"q": name}, headers=HTML).text
    assert f'value="{name}"' in html and re.findall(r'href="/stories/([^"]+)"', html) == [s["id"] for s in matching]
    # each card says how many of its stories were fake: what a fact-checker scans the list for
    assert re.findall(r'<p class="meta">\d+ articles · (\d+)% fake', html) == [str(round(100 * s["share_fake"])) for s in matching]
    monkeypatch.setattr(views, "STORIES_PER_PAGE", 1)
    if len(matching) > 1:
        paged = read_client.get("/stories", params={"q": name}, headers=HTML).text
        assert re.search(r'rel="next" href="/stories\?q=[^"]*offset=1', paged)
    nothing = read_client.get("/stories", params={"q": "<b>nobody</b>"}, headers=HTML).text
    assert "No storyline's title or headlines hold “&lt;b&gt;nobody&lt;/b&gt;”." in nothing and "<b>nobody" not in nothing


def test_web_stories_pages_show_timeline(read_client):
    html = read_client.get("/stories", headers=HTML).text
    story_id = re.search(r'href="/stories/([^"]+)"', html).group(1)
    page = read_client.get(f"/stories/{story_id}", headers=HTML).text
    assert '<svg class="timeline"' in page
    assert re.search(r'<circle [^>]*class="pt (fake|real)"', page)
    assert 'class="pt-label"' in page
    assert "ringed" not in page and 'class="ring' not in page  # nobody ruled on these: no ring, no key for one


def test_web_people_page_ranks_people_with_a_chart_and_links_their_storylines(write_client):
    """The people scorecard: a chart and a sortable table of the ranked people, each linked to
    the stored stories that name them and to their latest fake; the rest are counted, not
    listed. A name is text in the page and a parameter in its link."""
    records = [dict(r, label="fake" if r["id"][0] in "bk" else "real") for r in couple_records()]
    records += [{"id": f"o{i}", "title": "Conan O'Brien sues", "text": "Conan O'Brien filed suit against the network.", "label": "fake"}
                for i in range(2)]
    write_client.post("/v1/articles", json=records, headers=auth())
    page = write_client.get("/people", params={"min_n": 3}, headers=HTML).text
    assert '<table class="grid sortable" id="people">' in page and '<svg class="intervals"' in page and "(2 of 2 ranked people)" in page
    rows = re.findall(r'<a href="/people/([^"?]+)\?min_n=3">([^<]+)</a>', page)
    assert rows == [("Kim%20Kardashian", "Kim Kardashian"), ("Kanye%20West", "Kanye West")]
    assert 'href="/articles/k1">Kim Kardashian perfume launch: long queues</a>' in page, "her latest fake"
    assert "2 more people are in fewer than 3 stories each." in page
    everyone = write_client.get("/people", params={"min_n": 1}, headers=HTML).text
    assert '<a href="/people/Conan%20O%27Brien?min_n=1">Conan O&#39;Brien</a>' in everyone
    no_live_markup(everyone)
    assert 'href="/people"' in page and write_client.get("/people", params={"min_n": 0}, headers=HTML).status_code == 422
    conan = write_client.get("/people", params={"min_n": 3, "q": "o'brien"}, headers=HTML).text
    assert 'value="o&#39;brien"' in conan and re.findall(r'<td class="num" data-sort="999999">–</td>\s*<td><a href="/people/([^"?]+)', conan) == ["Conan%20O%27Brien"]
    nobody = write_client.get("/people", params={"q": "<b>nobody</b>"}, headers=HTML).text
    assert "No one the stored stories are about is named “&lt;b&gt;nobody&lt;/b&gt;”." in nobody and "<b>nobody" not in nobody


def test_web_person_link_finds_their_stories_however_they_are_spelt(write_client):
    """The people page names Beyoncé as most of her stories write her, and her page links to the
    articles search for that name: it finds the stories that write "Beyonce" or "BEYONCÉ" too, as
    many as the scorecard counted, and so does typing the name without the accent."""
    spellings = ["Beyoncé", "Beyoncé", "Beyonce", "BEYONCÉ"]
    records = [{"id": f"bey{i}", "title": f"{name} Knowles tour news {i}", "label": "real",
                "text": f"{name} Knowles announced the dates of her tour on stage in city {i}."} for i, name in enumerate(spellings)]
    write_client.post("/v1/articles", json=records, headers=auth())
    people = write_client.get("/people", params={"min_n": 1}, headers=HTML).text
    person = write_client.get(re.search(r'<a href="(/people/[^"]+)">Beyoncé</a>', people).group(1), headers=HTML).text
    link = re.search(r'<a href="(/articles\?q=[^"]+)">Every stored story that names Beyoncé</a>', person).group(1)
    assert link == "/articles?q=Beyonc%C3%A9"
    for page in (write_client.get(link, headers=HTML).text, write_client.get("/articles?q=beyonce", headers=HTML).text):
        assert sorted(re.findall(r'href="/articles/(bey\d)"', page)) == ["bey0", "bey1", "bey2", "bey3"]
    assert write_client.get("/v1/articles", params={"q": "BEYONCE KNOWLES"}).json()["total"] == 4


def test_web_check_on_a_server_with_a_store_gives_the_subjects_record(write_client):
    """A story checked on a server with a store says how often the stored stories about its
    subject were fake, among the signals about the article as a whole and as a reason."""
    stored = [{"id": f"z{i}", "title": f"Zara Quillfeather secret {w}", "text": f"Zara Quillfeather was seen in {w}, an insider says.",
               "label": "fake"} for i, w in enumerate("Paris Rome Oslo Lima Cairo Quito Dakar Hanoi Sofia Riga".split())]
    assert write_client.post("/v1/articles", json=stored, headers=auth()).status_code == 201
    page = write_client.post("/check", data={"title": "Zara Quillfeather secretly engaged",
                                             "text": "Zara Quillfeather told friends she is engaged, a source says."}).text
    whole = re.search(r'<ul class="whole-signals">(.*?)</ul>', page, re.S).group(1)
    assert "subject&#39;s record</span> Zara Quillfeather: 10 of 10 stored stories about them fake (100%" in whole
    assert "Stories about Zara Quillfeather have a poor record: 10 of 10 in the store were fake (100%)." in page


def test_web_check_names_the_story_already_checked_that_it_is_like(read_client, judge):
    """A training story pasted into the check form: among the signals about the article as a
    whole, the story already checked that it is like (by id, how alike, where), and the reason."""
    from conftest import TRAIN
    from rumorlens.read import read_articles

    stories = [a for a in read_articles([TRAIN]) if a.label == "real" and len(a.text) > 2000][:40]
    story = next(a for a in stories if any(r.startswith("Told before: ") for r in judge.judge(a).reasons))
    page = read_client.post("/check", data={"title": story.title, "text": story.text, "url": story.url}).text
    whole = re.search(r'<ul class="whole-signals">(.*?)</ul>', page, re.S).group(1)
    assert re.search(rf"story already checked</span> found true, \d+% alike: {story.id} \({re.escape(story.outlet)}, \d{{4}}\)", whole)
    assert "Told before: " in page and f"{story.id}) was true." in page


def test_web_a_story_already_checked_that_the_store_holds_is_a_link_to_it(write_client, judge):
    """A team that stored the training stories reads the one a verdict is like: on the check
    page and on a stored article's page its note links to its page; one the store lacks is text."""
    from conftest import TRAIN
    from rumorlens.read import read_articles

    story = next(a for a in read_articles([TRAIN]) if a.label == "real" and len(a.text) > 2000)
    form = {"title": story.title, "text": story.text, "url": story.url}
    unlinked = write_client.post("/check", data=form).text
    assert f"alike: {story.id}" in unlinked and 'data-testid="similar-story-link"' not in unlinked
    stored = {"id": story.id, "title": story.title, "text": story.text, "url": story.url, "label": "real"}
    assert write_client.post("/v1/articles", json=stored, headers=auth()).status_code == 201
    link = f'<a href="/articles/{story.id}" data-testid="similar-story-link">found true, '
    assert link in write_client.post("/check", data=form).text
    assert link in write_client.get(f"/articles/{story.id}", headers=HTML).text


def test_web_outlet_page_shows_its_years_people_storylines_and_stories(write_client):
    """An outlet's page, linked from the scorecard and from each of its stored articles: its
    rate with interval and rank, a year-by-year chart, whom its stories were about (each linked
    to the person's page and to the search for them there), the storylines its stories are in
    and its stories newest first. The scorecard searches; a missing outlet is a 404 page that
    leads to that search, and a name is text, not markup."""
    records = labelled_couple_records(lambda i, r: f"201{7 + int(r['id'][1:]) % 2}-0{int(r['id'][1:]) % 9 + 1}-01T00:00:00Z")
    write_client.post("/v1/articles", json=records, headers=auth())
    card = write_client.get("/outlets", params={"min_n": 3}, headers=HTML).text
    link = re.search(r'<a href="(/outlets/tabloid.example\?min_n=3)">tabloid.example</a>', card).group(1)
    page = write_client.get(link, headers=HTML).text
    api = write_client.get("/v1/outlets/tabloid.example", params={"min_n": 3}).json()
    assert "<h1>tabloid.example</h1>" in page and f"rank {api['rank']} of the outlets with 3 or more stories" in page
    assert f"{api['n']} stories, {api['n_fake']} fake" in page and (api["n"], api["n_fake"]) == (6, 6)
    assert re.findall(r'class="axis end outlet-name">(\d{4})<', page) == list(api["by_year"]) == ["2017", "2018"]
    about = re.search(r'id="outlet-people">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r'<a href="/people/([^"]+)">([^<]+)</a></td><td class="num"><a href="([^"]+)">(\d+)</a></td><td class="num">(\d+)</td>', about)
    assert [(name, int(n), int(f)) for _, name, _, n, f in rows] == [(p["person"], p["n"], p["n_fake"]) for p in api["people"]]
    assert api["people"][0] == {"person": "Kim Kardashian", "n": 6, "n_fake": 6}
    hers = write_client.get(rows[0][2].replace("&amp;", "&"), headers=HTML).text  # her stories at this outlet
    assert re.findall(r'href="/articles/([kb]\d+)"', hers) and not re.findall(r'href="/articles/([pt]\d+)"', hers)
    assert "Kim Kardashian" in write_client.get(f"/people/{rows[0][0]}", headers=HTML).text
    assert [f"/stories/{s['id']}" for s in api["storylines"]] == re.findall(r'class="story-title" href="([^"]+)"', page)
    assert "4 articles (4 from this outlet)" in page
    listed = re.findall(r'<td><a href="/articles/([^"]+)">', page)
    assert listed == [s["id"] for s in api["stories"]] and len(listed) == 6
    assert '<a href="/articles?outlet=tabloid.example">Every stored story from tabloid.example</a>' in page
    no_live_markup(page)
    story = write_client.get(f"/articles/{listed[0]}", headers=HTML).text  # each of its stories links back here
    assert '<a href="/outlets/tabloid.example" data-testid="outlet-link">tabloid.example</a>' in story
    to_outlet = '<a href="/outlets/tabloid.example" class="outlet-link">tabloid.example</a>'  # so do the lists of stories
    assert to_outlet in write_client.get("/articles", params={"outlet": "tabloid.example"}, headers=HTML).text
    assert to_outlet in write_client.get(f"/stories/{api['storylines'][0]['id']}", headers=HTML).text
    assert to_outlet in write_client.get("/people/Kim%20Kardashian", headers=HTML).text
    checked = write_client.post("/check", data={"title": "Kim again", "text": "Kim Kardashian went out.", "url": "https://www.tabloid.example/new"}).text
    assert "tabloid.example" in checked and 'data-testid="outlet-link"' not in checked, "a checked, unstored story's outlet is not linked"
    found = write_client.get("/outlets", params={"q": "TABLOID", "min_n": 3}, headers=HTML).text
    assert "/outlets/tabloid.example" in found and "/outlets/news.example" not in found and 'value="TABLOID"' in found
    assert "No outlet's name holds “nothing like it”" in write_client.get("/outlets", params={"q": "nothing like it"}, headers=HTML).text
    missing = write_client.get("/outlets/<b>tabloid</b>", headers=HTML)
    assert missing.status_code == 404 and "RL075" in missing.text and "<b>tabloid" not in missing.text
    back = re.search(r'<a href="(/outlets\?q=[^"]+)">Search the outlet scorecard for “tabloid”</a>',
                     write_client.get("/outlets/tabloid", headers=HTML).text).group(1)
    assert "/outlets/tabloid.example" in write_client.get(back, headers=HTML).text


def test_web_person_page_shows_their_years_storylines_and_stories(write_client):
    """A person's page: their rate with its interval and rank, a year-by-year interval chart,
    the storylines about them, their stories newest first with their labels, each of which
    links back under "About"; a name nobody's stories are about is a 404 page that says so,
    and a name is text, not markup."""
    records = labelled_couple_records(lambda i, r: f"201{7 + int(r['id'][1:]) % 2}-0{int(r['id'][1:]) % 9 + 1}-01T00:00:00Z")
    write_client.post("/v1/articles", json=records, headers=auth())
    people = write_client.get("/people", params={"min_n": 3}, headers=HTML).text
    link = re.search(r'<a href="(/people/Kim%20Kardashian\?min_n=3)">Kim Kardashian</a>', people).group(1)
    page = write_client.get(link, headers=HTML).text
    api = write_client.get("/v1/people/kim kardashian", params={"min_n": 3}).json()
    assert "<h1>Kim Kardashian</h1>" in page and f"rank {api['rank']} of the people in 3 or more stories" in page
    assert f"{api['n']} stories, {api['n_fake']} fake" in page
    assert list(api["by_year"]) == ["2017", "2018"] and re.findall(r'class="axis end outlet-name">(\d{4})<', page) == ["2017", "2018"]
    assert [f"/stories/{s['id']}" for s in api["storylines"]] == re.findall(r'class="story-title" href="([^"]+)"', page)
    listed = re.findall(r'<td><a href="/articles/([^"]+)">', page)
    assert listed == [s["id"] for s in api["stories"]] and len(listed) == api["n"]
    assert [s["published"] for s in api["stories"]] == sorted((s["published"] for s in api["stories"]), reverse=True)
    assert '<a href="/articles?q=Kim%20Kardashian">Every stored story that names Kim Kardashian</a>' in page
    ran = re.search(r'id="person-outlets">(.*?)</table>', page, re.S).group(1)  # where their stories ran, most fakes first
    rows = re.findall(r'<a href="(/articles\?q=Kim%20Kardashian&amp;outlet=[^"]+)">([^<]+)</a></td><td class="num">(\d+)</td><td class="num">(\d+)</td>', ran)
    assert [(o, int(n), int(f)) for _, o, n, f in rows] == [(o["outlet"], o["n"], o["n_fake"]) for o in api["outlets"]]
    assert api["outlets"][0] == {"outlet": "tabloid.example", "n": 6, "n_fake": 6}
    tabloid = write_client.get(rows[0][0].replace("&amp;", "&"), headers=HTML).text  # the link lists just their stories there
    assert re.findall(r'href="/articles/([kb]\d+)"', tabloid) and not re.findall(r'href="/articles/([pt]\d+)"', tabloid)
    no_live_markup(page)
    # each of their stories' pages says whom it is about, with their records, linked here
    story = write_client.get(f"/articles/{listed[0]}", headers=HTML).text
    about = re.search(r'data-testid="about">(.*?)</ul>', story, re.S).group(1)
    assert f'<a href="/people/Kim%20Kardashian">Kim Kardashian</a> <span class="muted">{api["n"]} stories, {round(100 * api["fake_rate"])}% fake</span>' in about
    missing = write_client.get("/people/<b>nobody</b>", headers=HTML)
    assert missing.status_code == 404 and "RL075" in missing.text and "<b>nobody" not in missing.text
    misspelt = write_client.get("/people/Kim%20Kardash", headers=HTML).text  # where to look instead: the scorecard's search
    back = re.search(r'<a href="(/people\?q=[^"]+)">Search the people scorecard for “Kim Kardash”</a>', misspelt).group(1)
    assert "Kim Kardashian" in write_client.get(back, headers=HTML).text


def test_web_outlets_page_has_sortable_table_and_interval_chart(read_client):
    html = read_client.get("/outlets?min_n=3", headers=HTML).text
    assert '<table class="grid sortable" id="scorecard">' in html
    assert '<script src="/static/sort.js" defer></script>' in html
    assert '<svg class="intervals"' in html and 'class="ci ' in html
    assert read_client.get("/static/sort.js").status_code == 200


def test_web_missing_article_is_an_html_404_with_the_code(read_client):
    resp = read_client.get("/articles/nope", headers=HTML)
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("text/html")
    assert "RL075" in resp.text and "no article with id &#39;nope&#39;" in resp.text
    assert '<a href="/articles">All stored articles</a>' in resp.text  # the way back, not the API's listing


def test_web_pages_use_no_external_resources(read_client):
    for path in ("/", "/articles", "/stories", "/outlets"):
        html = read_client.get(path, headers=HTML).text
        assert not re.search(r'(src|href)="(https?:)?//', html), f"{path} loads something from the network"
