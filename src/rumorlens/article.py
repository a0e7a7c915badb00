"""``Article``: the one immutable input every part of rumorlens takes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from urllib.parse import urlsplit

from .errors import InputError, message_code, warning_text
from .language import not_english

# Bounded so one hostile 20 MB line cannot stall a batch; real articles are far shorter
# (the longest GossipCop article is 100k characters, the median 2k).
MAX_TEXT_CHARS = 100_000
MAX_TITLE_CHARS = 2_000  # as the REST API's schema allows
MAX_ID_CHARS = 200  # the store's key column, and the REST API's schema
MAX_HOST_CHARS = 253  # DNS's limit on a host name


@dataclass(frozen=True)
class Article:
    """An article as read: frozen because verdicts and stores key on it by ``id``.

    ``text`` is the cleaned body the verdict's signal offsets point into; ``outlet`` is derived
    from ``url``; ``source`` says where it was read from (``file:line``) for error messages.
    """

    id: str
    text: str
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    label: str | None = None
    author: str | None = None
    source: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # A verdict that came with the record (a row of `check --json` or `batch` output), so
    # `ingest` can store batch results without judging them again.
    verdict: dict | None = field(default=None, compare=False, repr=False)

    @classmethod
    def create(
        cls,
        text: str,
        title: str | None = None,
        url: str | None = None,
        id: str | None = None,
        published: object = None,
        label: object = None,
        author: str | None = None,
        source: str | None = None,
        warnings: tuple[str, ...] | list[str] = (),
        verdict: dict | None = None,
    ) -> Article:
        """Build an article from loose values, validating and normalising them.

        Raises ``InputError`` for what cannot be repaired (no text); repairs the rest and
        records a warning (over-long text is truncated, unknown labels dropped).
        """
        where = source or "<article>"
        warns = list(warnings)
        text, title, url, author, id, published = (storable(v) if isinstance(v, str) else v for v in (text, title, url, author, id, published))
        title = (title or "").strip() if isinstance(title, str) else ""
        if len(title) > MAX_TITLE_CHARS:  # a headline is a line; a 10 MB one cost seconds and 400 MB
            warns.append(warning_text("RW008", where=where, size=len(title), limit=MAX_TITLE_CHARS))
            title = title[:MAX_TITLE_CHARS].rstrip()
        if not isinstance(text, str) or not text.strip():
            if not title:
                raise InputError("RL007", where=where)
            # A headline without its body (FakeNewsNet's CSVs, headline feeds): judge what there
            # is, the headline as both title and body (the model ranks and calibrates it best that
            # way), and say so, because a headline alone is weaker ground than a story (model card).
            warns.append(warning_text("RW005", where=where))
            text = title
        if len(text) > MAX_TEXT_CHARS:
            warns.append(warning_text("RW002", where=where, size=len(text), limit=MAX_TEXT_CHARS))
            text = text[:MAX_TEXT_CHARS]
        # judged on words the model never saw: say so, of this text (an article built from another,
        # a feed item's fetched story, passes its warnings on; a summary's RW011 is not the story's)
        warns = [w for w in warns if message_code(w) != "RW011"]
        if (why := not_english(text)) is not None:
            warns.append(warning_text("RW011", where=where, detail=why))
        url = url.strip() if isinstance(url, str) and url.strip() else None
        norm_label = normalise_label(label)
        if label not in (None, "") and norm_label is None:
            warns.append(warning_text("RW004", where=where, label=label))
        if id is None or (isinstance(id, str) and not id.strip()):
            id = content_id(title, text)
        elif len(str(id).strip()) > MAX_ID_CHARS:  # PostgreSQL refused it, and the whole batch with it
            raise InputError("RL009", where=where, field="id", detail=f"{len(str(id).strip())} characters; at most {MAX_ID_CHARS}",
                             fix="give a shorter id, or none for a content hash")
        return cls(
            id=str(id).strip(),
            text=text,
            title=title,
            url=url,
            outlet=outlet_from_url(url),
            published=normalise_published(published),
            label=norm_label,
            author=author or None,
            source=source,
            warnings=tuple(warns),
            verdict=verdict,
        )

    @classmethod
    def from_dict(cls, record: dict, source: str | None = None) -> Article:
        return cls.create(
            text=record.get("text"),
            title=record.get("title"),
            url=record.get("url"),
            id=record.get("id"),
            published=record.get("published"),
            label=record.get("label"),
            author=record.get("author"),
            source=source,
        )

    def as_dict(self) -> dict:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        d.pop("verdict")
        return d

    def without_outlet(self) -> Article:
        """The same article with URL and outlet hidden, for ``--text-only`` judging."""
        return replace(self, url=None, outlet=None)

    @property
    def headline_only(self) -> bool:
        """Read without a body (``create`` then makes the headline the body too, RW005)."""
        return is_headline_only(self.title, self.text)

    @property
    def full_text(self) -> str:
        """Title and body as one string: what the model reads, and what signals point into
        (a headline-only article's once, so that each signal is found once)."""
        return f"{self.title}\n{self.text}" if self.title and not self.headline_only else self.text


def storable(value: str) -> str:
    """``value`` as text every output can hold. NUL never means anything in an article, and
    PostgreSQL cannot store it (one such record failed a whole ingest batch there): dropped. A
    lone surrogate (a JSON record's "\\ud800" without its pair) cannot be written as UTF-8 (it
    crashed `check --json`, `ingest` and `batch`): U+FFFD instead, as a bad byte is."""
    value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # through UTF-16: a split pair joins up, a lone half becomes U+FFFD
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def is_headline_only(title: str, text: str) -> bool:
    """A headline read without its body: ``Article.create`` makes it the body too, so its verdict's
    text is the headline once (``Article.headline_only``, ``Verdict.headline_only``)."""
    return bool(title) and text == title


def content_id(title: str, text: str) -> str:
    """A stable id from normalised content, so re-reading the same article gives the same id."""
    # str.split() and re's \s agree on whitespace; split/join is ~3x faster on long texts.
    norm = " ".join(f"{title}\n{text}".lower().split())
    return "sha1-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_ARCHIVE = re.compile(r"^(?:[a-z]+://)?(?:www\.)?web\.archive\.org/web/[0-9a-z_*]+/(.+)$", re.I)


def unwrap_archive(url: str) -> str:
    """``web.archive.org/web/2017.../https://www.forbes.com/x`` -> ``https://www.forbes.com/x``:
    an archived copy speaks for the outlet that published it, not for the archive."""
    match = _ARCHIVE.match(url.strip())
    return match.group(1) if match else url


def outlet_from_url(url: str | None) -> str | None:
    """``https://www.people.com/x`` and ``www.people.com/x`` both give ``people.com``;
    Wayback Machine copies give the archived outlet."""
    if not url:
        return None
    candidate = unwrap_archive(url.strip())
    if not _SCHEME.match(candidate):
        candidate = "http://" + candidate
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    if not host or "." not in host or len(host) > MAX_HOST_CHARS:  # no real host name is longer
        return None
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host


# Label words other collections use. "true" and "false" say whether the story is true, as
# fact-checks and Gossip Cop's meter do, so "true" is real; 1 and 0 follow the feeds that mark
# fakes with 1 (FakeNewsNet-style). A JSON boolean could mean either ("is it true?" or "is it
# fake?"), so it is not guessed: it gets RW004 like any unknown label.
FAKE_LABELS = frozenset({"fake", "false", "1", "fabricated", "hoax", "rumour", "rumor", "unreliable",
                         "fake news", "false news", "pants on fire"})
REAL_LABELS = frozenset({"real", "true", "0", "legit", "legitimate", "reliable", "genuine", "real news", "true news"})


def normalise_label(label: object) -> str | None:
    if label is None or isinstance(label, bool):
        return None
    value = " ".join(str(label).strip().lower().replace("_", " ").replace("-", " ").split())
    value = {"1.0": "1", "0.0": "0"}.get(value, value)  # 1.0 / 0.0: a number column read as floats
    if value in FAKE_LABELS:
        return "fake"
    if value in REAL_LABELS:
        return "real"
    return None


def normalise_published(value: object) -> str | None:
    """Unix timestamps (as numbers or strings) and ISO dates become ISO-8601 UTC strings."""
    if value is None or value == "":
        return None
    try:
        ts = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        ts = None
    if ts is not None:
        if ts > 1e11:  # milliseconds
            ts /= 1000
        try:
            return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text[:32] or None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
