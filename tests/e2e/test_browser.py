"""The dashboard in headless Chromium against a real server: what a user sees and clicks."""

from __future__ import annotations

import os
import re

import pytest

from e2e.conftest import ARTIFACTS
from e2e.support import HOSTILE_TEXT, HOSTILE_TITLE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def shot(page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_e2e_check_an_article_from_the_form(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Is this celebrity story likely fake?"
    page.fill("#title", "Jennifer Aniston pregnant at 50?")
    page.fill("#text", "A source close to the star says she is allegedly expecting twins with Brad Pitt. "
                       "The shocking news stunned fans, an insider claims.")
    page.fill("#url", "https://www.hollywoodlife.com/2018/jen-twins")
    shot(page, "01-check-form")
    page.click("button[type=submit]")
    page.wait_for_url("**/check")
    badge = page.locator(".verdict-score .badge").inner_text()
    assert badge in ("Likely fake", "Likely real")
    rating = int(page.locator(".meter-value").inner_text())
    assert 0 <= rating <= 10
    p_fake = float(page.get_by_test_id("p-fake").inner_text())
    assert 0 <= p_fake <= 1 and rating == round(10 * (1 - p_fake))
    assert page.locator(".reasons li").count() >= 1
    marks = page.locator("article.article-text mark")
    assert marks.count() >= 2
    titles = [marks.nth(i).get_attribute("title") for i in range(marks.count())]
    assert any(t.startswith("anonymous source · weight +") for t in titles), titles
    assert page.locator("article.article-text sup.sig-tag", has_text="anonymous source").count() >= 1
    # the highlighted article still reads as the original text
    assert "A source close to the star says she is allegedly expecting twins" in re.sub(
        r"(anonymous source|hedge|sensational)", "", page.locator("article.article-text").inner_text())
    shot(page, "02-verdict")
    assert page.dialogs == []


def test_e2e_check_options_text_only_and_expected_share(page):
    page.goto("/")
    page.fill("#text", "An insider claims the couple secretly split months ago. " * 3)
    page.fill("#url", "https://www.hollywoodlife.com/2018/split")
    assert not page.locator("#prevalence_pct").is_visible()  # options stay folded until asked for
    page.click("details.options summary")
    page.check("#text_only")
    page.fill("#prevalence_pct", "50")
    shot(page, "01b-check-options")
    page.click("button[type=submit]")
    page.wait_for_url("**/check")
    fine = page.locator("p.fine").inner_text()
    assert "judged on text only" in fine and "re-based to 50% fakes expected" in fine, fine
    assert page.locator(".verdict-score .badge").inner_text() in ("Likely fake", "Likely real")


def test_e2e_accurate_mode_from_the_options(page):
    """Ticking "Accurate mode" has the server load the fine-tuned reader and judge with it."""
    page.goto("/")
    page.click("details.options summary")
    if page.locator("#accurate").is_disabled():
        note = page.get_by_test_id("accurate-note").inner_text()
        if os.environ.get("RUMORLENS_REQUIRE_ACCURATE") == "1":
            pytest.fail(f"the live server does not offer the accurate mode: {note}")
        pytest.skip(note)
    page.fill("#title", "Khloe and Lamar back together?")
    page.fill("#text", "An insider claims Khloe Kardashian has been secretly meeting Lamar Odom. "
                       "Her rep told People the report is not true.")
    page.check("#accurate")
    page.click("button[type=submit]")
    page.wait_for_url("**/check", timeout=120_000)  # the first accurate check loads the reader
    assert "accurate mode: the fine-tuned reader weighed in" in page.locator("p.fine").inner_text()
    assert page.locator(".reasons li", has_text="The fine-tuned language model").count() == 1
    shot(page, "02b-accurate-verdict")


def test_e2e_hostile_text_never_runs(page):
    page.goto("/")
    page.fill("#title", HOSTILE_TITLE)
    page.fill("#text", HOSTILE_TEXT)
    page.click("button[type=submit]")
    page.wait_for_url("**/check")
    assert page.locator("h1.article-title").inner_text() == HOSTILE_TITLE
    assert "<img src=x onerror=" in page.locator("article.article-text").inner_text()
    assert page.locator("article.article-text img").count() == 0
    assert page.locator("article.article-text script").count() == 0
    shot(page, "03-hostile-check")
    page.goto("/articles/hostile-1")
    assert page.locator("h1.article-title").inner_text() == HOSTILE_TITLE
    page.goto("/articles?q=couple")
    assert page.get_by_role("link", name=HOSTILE_TITLE).count() == 1
    page.wait_for_timeout(300)
    assert page.dialogs == [], f"article text ran as script: {page.dialogs}"


def test_e2e_article_story_and_outlet_pages(page):
    page.goto("/articles")  # more articles than a page holds: a range and a Next link
    first_range = page.get_by_test_id("page-range").first.inner_text()
    assert first_range.startswith("1–200 of ")
    page.locator("a[rel=next]").first.click()
    page.wait_for_url(re.compile(r".*after=.+"))  # the next page starts after the last article shown
    total = int(first_range.rsplit(" ", 1)[1].replace(",", ""))
    assert page.get_by_test_id("page-range").first.inner_text() == f"201–{total} of {total}"
    assert page.locator("table.grid tbody tr").count() == total - 200
    page.goto("/articles?q=lamar+odom")
    rows = page.locator("table.grid tbody tr")
    assert rows.count() >= 5
    shot(page, "04-articles")
    page.locator("table.grid tbody tr a[href^='/articles/000_']").click()  # the first seed article
    page.wait_for_url(re.compile(r".*/articles/.+"))
    assert "Khloe" in page.locator("h1.article-title").inner_text()
    assert page.locator(".meter-value").is_visible()
    shot(page, "05-article")

    page.get_by_test_id("storyline-link").click()
    page.wait_for_url(re.compile(r".*/stories/.+"))
    n_rows = page.locator("table.grid tbody tr").count()
    assert n_rows >= 2
    assert page.locator("svg.timeline circle.pt").count() == n_rows
    labels = page.locator("svg.timeline text.pt-label")
    assert 1 <= labels.count() <= n_rows  # one outlet label per dot where there is room for it
    chart = page.locator("svg.timeline").bounding_box()
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    for i, a in enumerate(boxes):  # as drawn by the browser: inside the chart, none on another
        assert chart["x"] <= a["x"] and a["x"] + a["width"] <= chart["x"] + chart["width"] + 1
        assert not any(a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"]
                       and b["y"] < a["y"] + a["height"] for b in boxes[i + 1:])
    shot(page, "06-story")

    page.goto("/stories")
    assert page.locator(".story-card").count() >= 1
    shot(page, "07-stories")

    page.goto("/outlets?min_n=3")
    assert page.locator("svg.intervals line.ci").count() >= 3
    ranks = page.locator("#scorecard tbody tr td:nth-child(1)").all_inner_texts()
    ranked = [int(r) for r in ranks if r.strip().isdigit()]
    assert ranked == list(range(1, len(ranked) + 1)), "the scorecard opens in rank order"
    shot(page, "08-outlets")
    shot(page, "08a-outlets-top", full_page=False)
    header = page.locator("#scorecard thead th", has_text="Stories")
    header.click()
    col = [float(x) for x in page.locator("#scorecard tbody tr td:nth-child(3)").all_inner_texts()]
    assert col == sorted(col), "clicking the header sorts ascending"
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    col = [float(x) for x in page.locator("#scorecard tbody tr td:nth-child(3)").all_inner_texts()]
    assert col == sorted(col, reverse=True), "clicking again sorts descending"
    page.locator("#scorecard thead th", has_text="Outlet").click()
    names = page.locator("#scorecard tbody tr td:nth-child(2)").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    shot(page, "08b-outlets-sorted")
    page.locator("#scorecard thead th", has_text="Stories").click()
    page.locator("#scorecard thead th", has_text="Stories").click()  # the outlet with the most stories first
    busiest = page.locator("#scorecard tbody tr td:nth-child(2) a").first
    outlet = busiest.inner_text()
    busiest.click()
    page.wait_for_url("**/outlets/*")  # its page: years, whom its stories were about, storylines, stories
    assert page.locator("h1").inner_text() == outlet and page.locator("svg.intervals line.ci").count() >= 1
    assert page.locator("#outlet-stories tbody tr").count() >= 2
    page.locator("#outlet-people thead th", has_text="Stories").click()
    about = [int(n) for n in page.locator("#outlet-people tbody tr td:nth-child(2)").all_inner_texts()]
    assert about and about == sorted(about)
    shot(page, "08e-outlet")
    whom = page.locator("#outlet-people tbody tr td:nth-child(1) a").first
    name = whom.inner_text()
    whom.click()
    page.wait_for_url("**/people/*")
    assert page.locator("h1").inner_text() == name

    page.goto("/people?min_n=2")
    assert page.locator("svg.intervals line.ci").count() >= 1
    ranks = [int(r) for r in page.locator("#people tbody tr td:nth-child(1)").all_inner_texts()]
    assert ranks == list(range(1, len(ranks) + 1)), "the people scorecard opens in rank order"
    shot(page, "08c-people")
    page.locator("#people thead th", has_text="Fake rate").click()
    rates = [float(x) for x in page.locator("#people tbody tr td:nth-child(5)").evaluate_all("cells => cells.map(c => c.dataset.sort)")]
    assert rates == sorted(rates), "clicking the header sorts by the rate, not its text"
    first = page.locator("#people tbody tr td:nth-child(2) a").first
    person = first.inner_text()
    first.click()
    page.wait_for_url("**/people/*")  # their page: the year-by-year chart, storylines and stories
    assert page.locator("h1").inner_text() == person and page.locator("svg.intervals line.ci").count() >= 1
    assert page.locator("#person-stories tbody tr").count() >= 2
    page.locator("#person-outlets thead th", has_text="Stories").click()  # where their stories ran, sorted by how many
    ran = [int(n) for n in page.locator("#person-outlets tbody tr td:nth-child(2)").all_inner_texts()]
    assert ran and ran == sorted(ran)
    shot(page, "08d-person")
    page.get_by_role("link", name=f"Every stored story that names {person}").click()
    page.wait_for_url("**/articles?q=*")
    assert page.locator('input[name="q"]').input_value() == person and page.locator("table.grid tbody tr").count() >= 2
    assert page.dialogs == []


def test_e2e_a_fact_checker_rules_on_a_stored_article(page, live_server):
    """The ruling form on an article page: a wrong token is refused above the form, which keeps
    what was typed; the right one records the ruling, which then shows as the final label."""
    import httpx

    from e2e.support import TOKEN

    listing = httpx.get(live_server + "/v1/articles", params={"limit": 1000}).json()["articles"]
    oldest = [a for a in listing if a["published"]][-1]  # a dev article no other test looks at
    call = "real" if oldest["label"] == "fake" else "fake"  # overrule the model
    page.goto(f"/articles/{oldest['id']}")
    assert "No ruling yet" in page.locator("#rulings").inner_text()
    page.locator("details.rule summary").click()
    page.get_by_label(call.capitalize(), exact=True).check()
    page.fill("#note", "Her rep told us <b>otherwise</b>")
    page.fill("#by", "Jane D.")
    page.fill("#token", "not-the-token")
    page.get_by_role("button", name="Record ruling").click()
    assert "RL055" in page.get_by_test_id("rule-error").inner_text()
    assert page.input_value("#note") == "Her rep told us <b>otherwise</b>" and page.input_value("#token") == ""
    assert page.get_by_label(call.capitalize(), exact=True).is_checked()
    page.fill("#token", TOKEN)
    page.get_by_role("button", name="Record ruling").click()
    page.wait_for_url(re.compile(r".*/articles/.+#rulings$"))
    ruling = page.get_by_test_id("ruling").first.inner_text()
    assert f"ruled {call} by Jane D." in ruling and "in force" in ruling and "Her rep told us <b>otherwise</b>" in ruling
    assert call in page.get_by_test_id("final-label").inner_text()
    assert page.get_by_test_id("ruled-badge").is_visible()  # said at the top too, beside the model's verdict
    shot(page, "05b-article-ruled")
    stored = httpx.get(f"{live_server}/v1/articles/{oldest['id']}").json()
    assert (stored["final_label"], stored["label_source"], stored["label"]) == (call, "ruling", oldest["label"])
    # the articles page: what has been ruled on, and the queue of the rest, likeliest fakes first
    page.goto("/articles")
    page.select_option("select[name=ruled]", "yes")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*ruled=yes.*"))
    assert page.locator(f"table.grid tbody tr a[href='/articles/{oldest['id']}']").count() == 1
    page.select_option("select[name=ruled]", "no")
    page.select_option("select[name=sort]", "p_fake")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*sort=p_fake.*"))
    shown = [float(x) for x in page.locator("table.grid tbody tr td:nth-child(4)").all_inner_texts() if x != "–"]
    assert shown and shown == sorted(shown, reverse=True)
    assert page.locator(f"table.grid tbody tr a[href='/articles/{oldest['id']}']").count() == 0
    shot(page, "04b-articles-queue", full_page=False)
    assert page.dialogs == []


def test_e2e_check_save_and_rule_the_whole_fact_checkers_loop(page, live_server):
    """Check a story on the dashboard, save it to the store, open its stored page, rule on it:
    what a fact-checker does with a story a reader sent in, without the command line."""
    import httpx

    from e2e.support import TOKEN

    page.goto("/")
    page.fill("#title", "Singer secretly engaged to co-star, insider claims")
    page.fill("#text", "An insider claims the singer is secretly engaged to her co-star. A source close to the pair says "
                       "the ring cost a fortune. Her rep did not respond.")
    page.locator("details.options summary").click()
    page.check("#save")
    page.fill("#check-token", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url("**/check")
    assert page.get_by_test_id("saved").is_visible()
    page.get_by_test_id("stored-link").click()
    page.wait_for_url(re.compile(r".*/articles/sha1-.+"))
    article_id = page.url.rsplit("/", 1)[1]
    assert "Singer secretly engaged" in page.locator("h1.article-title").inner_text()
    page.locator("details.rule summary").click()
    page.get_by_label("Fake", exact=True).check()
    page.fill("#note", "Her rep told us there is no engagement")
    page.fill("#token", TOKEN)
    page.get_by_role("button", name="Record ruling").click()
    page.wait_for_url(re.compile(r".*#rulings$"))
    assert "ruled fake" in page.get_by_test_id("ruling").first.inner_text()
    shot(page, "02b-saved-and-ruled", full_page=False)
    stored = httpx.get(f"{live_server}/v1/articles/{article_id}").json()
    assert (stored["final_label"], stored["rulings"][0]["note"]) == ("fake", "Her rep told us there is no engagement")
    assert page.dialogs == []


def test_e2e_upload_a_jsonl_file(page, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "One", "text": "A source says one thing."}\n{"title": "Two", "text": "Kim told People on the record all is well."}\n')
    page.goto("/")
    page.set_input_files("#file", str(feed))
    page.click("button[type=submit]")
    page.wait_for_url("**/check")
    assert page.locator("h1", has_text="2 articles checked").count() == 1
    assert page.locator(".verdict").count() == 2


def test_e2e_private_url_shows_a_coded_error(page):
    page.goto("/")
    page.fill("#url", "http://169.254.169.254/latest/meta-data/")
    page.click("button[type=submit]")
    alert = page.get_by_test_id("form-error")
    assert "RL015" in alert.inner_text()
    shot(page, "09-form-error")
    # several links, one per line: the first that fails is named by its line, and the box keeps them
    page.fill("#url", "# to check\nhttp://10.0.0.1/story\nhttp://169.254.169.254/latest/meta-data/")
    page.click("button[type=submit]")
    alert = page.get_by_test_id("form-error")
    assert "RL015" in alert.inner_text() and "url:2 (http://10.0.0.1/story)" in alert.inner_text()
    assert page.input_value("#url").splitlines()[1:] == ["http://10.0.0.1/story", "http://169.254.169.254/latest/meta-data/"]


def test_e2e_dashboard_pages_carry_a_content_policy_that_blocks_nothing_of_ours(page):
    """Every dashboard page says: only our own script and styles, no framing, no referrer. The
    pages must still work under it: no policy violation on any of them (an inline style would be
    one), and the outlet table still sorts (our script runs)."""
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for path in ("/", "/articles", "/articles/000_d4b59b942a8b90cb", "/stories", "/outlets?min_n=3", "/nope"):
        resp = page.goto(path)
        policy = resp.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert resp.headers.get("x-content-type-options") == "nosniff" and resp.headers.get("referrer-policy") == "no-referrer"
    page.goto("/outlets?min_n=3")
    page.locator("#scorecard thead th", has_text="Stories").click()
    assert page.locator("#scorecard thead th", has_text="Stories").get_attribute("aria-sort") == "ascending"
    page.goto("/")
    page.fill("#text", "A source close to the star says she is secretly engaged.")
    page.click("button[type=submit]")
    page.wait_for_url("**/check")
    assert page.locator(".meter-value").first.is_visible()
    assert violations == []


def test_e2e_a_stale_storylines_page_says_so_and_offers_a_reload_once_they_are_drawn(browser, tmp_path, monkeypatch):
    """A server shows the storylines drawn before the latest article while it draws the new ones:
    the page says so, and its script (under the content policy) asks the server until they are
    drawn, then offers a reload that shows them. A real uvicorn in this process, so the grouping
    can be held until the page has been read."""
    import threading
    import time

    import uvicorn

    import rumorlens.corpus.storylines as storylines
    from e2e.conftest import free_port
    from e2e.support import TOKEN, load_judge
    from rumorlens.api import create_app
    from rumorlens.article import Article
    from rumorlens.store import open_store

    judge = load_judge()
    store = open_store(tmp_path / "stale.db")
    store.refresh_in_background = True  # as `rumorlens serve` runs it
    texts = ("An insider says Jennifer Aniston is pregnant with twins and thrilled about it.",
             "Jennifer Aniston is expecting twins at last, a source close to the star claims.",
             "Sources say Jennifer Aniston is pregnant with twins again, and her friends are happy.")
    twins = [Article.create(text=t, title="Jennifer Aniston pregnant with twins?", url=f"https://o{i}.com/j", id=f"j{i}",
                            published=f"2018-01-0{i + 1}T00:00:00Z") for i, t in enumerate(texts)]
    store.add(list(zip(twins[:2], judge.judge_many(twins[:2]))))
    assert store.storylines()[0].n == 2  # drawn once, before the server starts
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store=store, judge=judge, token=TOKEN), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    release = threading.Event()
    real_build = storylines.build_storylines
    monkeypatch.setattr(storylines, "build_storylines", lambda *a, **k: release.wait(60) and real_build(*a, **k))
    context = browser.new_context(base_url=f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        store.add(list(zip(twins[2:], judge.judge_many(twins[2:]))))
        page = context.new_page()
        violations = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto("/stories")
        notice = page.locator('[data-testid="redrawing"]')
        assert "being drawn again" in notice.inner_text() and "2 articles" in page.locator(".story-card").first.inner_text()
        page.wait_for_timeout(2500)  # the script has asked at least once: still drawing, still the notice
        assert notice.get_attribute("data-drawn") is None
        release.set()
        page.wait_for_selector('[data-testid="redrawing"][data-drawn="true"]', timeout=20_000)
        page.locator('[data-testid="redrawing"] a').click()
        page.wait_for_load_state()
        assert "3 articles" in page.locator(".story-card").first.inner_text()
        assert page.locator('[data-testid="redrawing"]').count() == 0 and violations == []
    finally:
        release.set()
        context.close()
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
