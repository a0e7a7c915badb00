"""Turning files of every supported form into ``Article`` objects.

Each reader yields ``Article`` or ``InputError`` items instead of raising, so one broken record
never stops the good records of a batch (trafilatura's tolerant batches).
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import itertools
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..article import Article, normalise_label
from ..errors import InputError, warning_text
from .clean import clean_body, normalise_newlines, strip_furniture
from .encoding import declared_charset, decode, text_lines, wide_bom
from .parquet import PARQUET_SUFFIX, parquet_rows
from .syndication import SYNDICATION_SUFFIXES, looks_like_feed, parse_syndication

Item = Article | InputError

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv", ".tsv"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | SYNDICATION_SUFFIXES | {PARQUET_SUFFIX}
# A CSV cell can legitimately hold a whole article; the stdlib default (128 KiB) is too small.
csv.field_size_limit(64 * 1024 * 1024)

TOO_DEEP = "nested too deeply"

# Other collections name the same fields otherwise (news-please writes "maintext", FakeNewsNet
# "news_url", many CSVs "content" or "headline", SheepDog's GossipCop splits "news" and "labels").
# The first name present wins, ours first.
FIELD_NAMES = {
    "text": ("text", "content", "body", "maintext", "article", "article_text", "news", "news_text"),
    "title": ("title", "headline"),
    "url": ("url", "news_url", "link", "source_url"),
    "published": ("published", "date_publish", "publish_date", "published_at", "date"),
    "label": ("label", "labels"),
}


def has_article_column(columns) -> bool:
    """Whether a CSV/Parquet header (lower-cased) names the article body or its headline under
    any of their names: a file of headlines alone (FakeNewsNet's CSVs) is judged on them."""
    return bool(set(FIELD_NAMES["text"] + FIELD_NAMES["title"]) & set(columns))


def field(obj: dict, name: str):
    """``obj``'s value for one of ``FIELD_NAMES[name]``: the first of them that is set."""
    for key in FIELD_NAMES[name]:
        if obj.get(key) is not None:
            return obj[key]
    return None


_URL_LINE = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.I)
# A line that is a link and nothing else; a list of them is a reading list (``link_list``).
_LINK_LINE = re.compile(r"^https?://[^\s/?#]+\S*$", re.I)


def link_list(text: str) -> list[tuple[int, str]]:
    """Every ``(line number, URL)`` of ``text`` if it holds nothing but http(s) links, one per
    line (blank lines and ``#`` comments allowed): a reading list, not an article. Otherwise
    ``[]``. A seed file's URL line is followed by a headline, so it is never a list."""
    links = []
    for n, line in enumerate(text.splitlines(), start=1):  # not normalise_newlines: "/n1" may be a path
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not _LINK_LINE.match(line):
            return []
        links.append((n, line))
    return links


# Bytes that are not control characters (tab, newlines, form feed and printable/UTF-8 ones).
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    wide = wide_bom(head)
    if wide:  # UTF-16/32 text is full of NUL bytes: judge the characters instead
        chars = head.decode(wide, errors="replace")
        odd = sum(1 for c in chars if c == "\ufffd" or (c < " " and c not in "\t\n\r\x0b\x0c"))
        return odd / max(len(chars), 1) > 0.1
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = len(head.translate(None, _NOT_CONTROL))  # deleting the rest leaves the controls
    return control / len(head) > 0.1


def parse_plain_text(text: str, where: str, stem: str | None, warnings: list[str]) -> Article:
    """The seed format: optional URL line, then the title, then the body (``/n`` = newline)."""
    lines = normalise_newlines(text).split("\n")
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    if not non_empty:
        raise InputError("RL002", where=where)
    url = None
    first = non_empty[0]
    if _URL_LINE.match(lines[first].strip()):
        url = lines[first].strip()
        non_empty = non_empty[1:]
    if not non_empty:
        raise InputError("RL007", where=where)
    title_index = non_empty[0]
    title = lines[title_index].strip()
    body, _furniture = strip_furniture("\n".join(lines[title_index + 1 :]))
    if not body.strip():  # a one-paragraph file: the line is the body, not a title
        body, title = title, ""
    return Article.create(text=body, title=title, url=url, id=stem, source=where, warnings=warnings)


# The most HTML handed to trafilatura. Its time grows faster than the page (a 4.5 MB page of
# short paragraphs took 9 s, 9 MB 29 s, 30 MB 207 s and 1 GB of memory): unbounded, one page
# posted to /v1/check could hold a server worker for minutes. Article pages are far smaller once
# their inline scripts and styles are gone, which is done first.
MAX_HTML_CHARS = 2_000_000
_INERT_OPEN = re.compile(r"<\s*(script|style)\b([^>]{0,2000})>", re.I)
_INERT_CLOSE = {"script": re.compile(r"<\s*/\s*script\s*>", re.I), "style": re.compile(r"<\s*/\s*style\s*>", re.I)}


def without_inline_code(html: str) -> tuple[str, bool]:
    """``html`` with the bodies of its <script> and <style> elements emptied (trafilatura drops
    them anyway; emptied first they cost nothing to parse), and whether there were any. JSON-LD
    (<script type="application/ld+json">) stays: it gives trafilatura the headline, author and
    date. One pass: an element never closed ends the emptying, so hostile markup stays linear."""
    parts, pos, found = [], 0, False
    while (m := _INERT_OPEN.search(html, pos)) is not None:
        found = True
        close = _INERT_CLOSE[m.group(1).lower()].search(html, m.end())
        if close is None:
            break
        keep = "ld+json" in m.group(2).lower()
        parts.append(html[pos:close.start()] if keep else html[pos:m.end()])
        pos = close.start()
    parts.append(html[pos:])
    return "".join(parts), found


def parse_html(text: str, where: str, stem: str | None, warnings: list[str]) -> Article:
    import trafilatura  # imported here: it is the slowest import and only HTML needs it

    text, had_code = without_inline_code(text)
    if had_code:
        warnings = [*warnings, warning_text("RW003", where=where)]
    if len(text) > MAX_HTML_CHARS:
        warnings = [*warnings, warning_text("RW007", where=where, size=len(text), limit=MAX_HTML_CHARS)]
        text = text[:MAX_HTML_CHARS]
    doc = trafilatura.bare_extraction(text, include_comments=False, include_tables=False, with_metadata=True)
    # trafilatura >= 2 returns a Document (its as_dict=True argument is deprecated); 1.x a dict.
    if doc is not None and not isinstance(doc, dict):
        doc = doc.as_dict()
    if not doc or not (doc.get("text") or "").strip():
        raise InputError("RL012", where=where)
    body, _ = strip_furniture(normalise_newlines(doc["text"]))
    # The page's <h1> usually opens the extracted text; drop it so the title is not read twice.
    title_line = (doc.get("title") or "").strip()
    first, _, rest = body.partition("\n")
    if title_line and first.strip() == title_line and rest.strip():
        body = rest.strip()
    return Article.create(
        text=body,
        title=doc.get("title"),
        url=doc.get("url"),
        id=stem,
        published=doc.get("date"),
        author=doc.get("author"),
        source=where,
        warnings=warnings,
    )


def is_verdict_row(obj: dict) -> bool:
    """A row written by `check --json` or `batch`: it carries a verdict, and its 'label' is the
    model's verdict, not a known label (that is 'known_label')."""
    return "p_fake" in obj and "model_version" in obj


def _exported_rulings(row: dict) -> dict:
    """An exported row with its ``rulings`` as a list: a CSV export writes the list as JSON in
    its cell, which a JSONL export writes as it is. An empty or hand-edited cell is None, and
    the ruling in force (``ruling``, ``ruling_note``...) comes along instead."""
    cell = row.get("rulings")
    if not isinstance(cell, str):
        return row
    try:
        rulings = json.loads(cell) if cell.strip() else None
    except ValueError:
        rulings = None
    return {**row, "rulings": rulings if isinstance(rulings, list) else None}


def carried_rulings(row: dict | None) -> list[tuple]:
    """(label, note, reviewer, created_at) of each fact-checker's ruling a record of `rumorlens
    export` carries, oldest first, as written: its ``rulings`` (the whole history) when it has
    them, else the ruling in force (``ruling``, ``ruling_note``, ``ruled_by``, ``ruled_at``: a
    file exported before the history was). The store checks them as it stores them; training and
    evaluation learn from the one in force (``model/labels.py``)."""
    row = row or {}
    history = row.get("rulings")  # a list: a CSV cell's JSON was decoded by ``_exported_rulings``
    if isinstance(history, list):
        return [(h.get("label"), h.get("note"), h.get("reviewer"), h.get("created_at")) for h in history if isinstance(h, dict)]
    if row.get("ruling"):
        return [(row["ruling"], row.get("ruling_note"), row.get("ruled_by"), row.get("ruled_at"))]
    return []


def record_to_article(obj: object, where: str, warnings: list[str]) -> Article:
    """One JSON/CSV record as an ``Article``; raises ``InputError`` naming ``where``."""
    if not isinstance(obj, dict):
        got = type(obj).__name__ if obj is not None else "null"
        raise InputError("RL006", where=where, got={"str": "a string", "list": "a list", "int": "a number", "float": "a number", "bool": "a boolean"}.get(got, got))
    text = field(obj, "text")
    if text is not None and not isinstance(text, str):
        raise InputError("RL009", where=where, field="text", detail=f"expected a string, got {type(text).__name__}", fix="put the article body in 'text' as a string")
    title = field(obj, "title")
    if title is not None and not isinstance(title, str):
        title = str(title)
    url, published = field(obj, "url"), field(obj, "published")
    label, verdict = field(obj, "label"), None
    if is_verdict_row(obj):
        label, verdict = obj.get("known_label"), _exported_rulings(obj)  # they come along in the row (Store.add)
        if title and isinstance(text, str) and text.startswith(title + "\n"):
            text = text[len(title) + 1 :]  # a verdict's text is the title, a newline, then the body
    return Article.create(
        # furniture goes here too, as from .txt and HTML: the same article reads (and is judged)
        # the same whichever format it came in
        text=clean_body(text) if text else text,
        title=title,
        url=url if isinstance(url, str) else None,
        id=str(obj["id"]) if obj.get("id") is not None else None,
        published=published if isinstance(published, (str, int, float)) else None,
        label=label,
        verdict=verdict,
        author=obj.get("author") if isinstance(obj.get("author"), str) else None,
        source=where,
        warnings=warnings,
    )


def _lines(text_or_lines: str | Iterable[str]) -> Iterable[str]:
    return io.StringIO(text_or_lines) if isinstance(text_or_lines, str) else text_or_lines


def parse_jsonl(text: str | Iterable[str], where: str, warnings: list[str]) -> Iterator[Item]:
    seen = False
    for n, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        seen = True
        loc = f"{where}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError("RL005", where=loc, detail=exc.msg)
            continue
        except RecursionError:  # hostile input: thousands of nested brackets
            yield InputError("RL005", where=loc, detail=TOO_DEEP)
            continue
        try:
            yield record_to_article(obj, loc, warnings)
        except InputError as err:
            yield err
    if not seen:
        yield InputError("RL002", where=where)


def parse_json(text: str, where: str, warnings: list[str]) -> Iterator[Item]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        # A .json file holding JSON lines is common enough to accept.
        if exc.msg == "Extra data":
            yield from parse_jsonl(text, where, warnings)
            return
        yield InputError("RL005", where=f"{where}:{exc.lineno}", detail=exc.msg)
        return
    except RecursionError:
        yield InputError("RL005", where=where, detail=TOO_DEEP)
        return
    if isinstance(obj, list):
        if not obj:  # [] holds no article: say so, as for an empty file
            yield InputError("RL002", where=where)
        for i, rec in enumerate(obj):
            try:
                yield record_to_article(rec, f"{where}[{i}]", warnings)
            except InputError as err:
                yield err
    else:
        try:
            yield record_to_article(obj, where, warnings)
        except InputError as err:
            yield err


CSV_SUFFIXES = (".csv", ".tsv")
CSV_DELIMITERS = ",;\t|"


# A cell a spreadsheet would run as a formula starts with one of these. `export --format csv`
# writes such a cell with a quote mark first (a headline "=HYPERLINK(...)" from an untrusted page
# must not run in the journalist's Excel), and reading CSV takes that mark off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_spreadsheet(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text, never runs (OWASP's CSV injection advice)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def from_spreadsheet(value: object) -> object:
    """``to_spreadsheet`` undone, so an exported corpus reads back as it was stored."""
    return value[1:] if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def csv_records(lines: Iterable[str]) -> csv.DictReader:
    """A ``DictReader`` split on the delimiter its header line uses most: Excel writes ``;`` in
    many locales, ``.tsv`` files and spreadsheets' "tab-separated" exports use tabs."""
    lines = iter(lines)
    header = next(lines, "")
    delimiter = max(CSV_DELIMITERS, key=header.count) if any(d in header for d in CSV_DELIMITERS) else ","
    return csv.DictReader(itertools.chain([header], lines), delimiter=delimiter)


def csv_rows(lines: Iterable[str], where: str) -> Iterator[tuple[str, dict] | InputError]:
    """A CSV/TSV feed's rows as ``(file:line, record)``, keyed by lower-cased column names, empty
    cells None (``check``'s reader and ``batch`` both read CSV through this). RL008 if no column
    holds an article; RL002 for a header with nothing under it, rather than nothing in silence."""
    reader = csv_records(lines)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if not has_article_column(columns):
        yield InputError("RL008", where=where, columns=", ".join(columns) or "none")
        return
    reader.fieldnames = columns
    rows = 0
    for rows, row in enumerate(reader, start=1):
        yield f"{where}:{reader.line_num}", {k: (from_spreadsheet(v) if v != "" else None) for k, v in row.items() if k}
    if not rows:
        yield InputError("RL002", where=where)


def parse_csv(text: str | Iterable[str], where: str, warnings: list[str]) -> Iterator[Item]:
    for row in csv_rows(_lines(text), where):
        if isinstance(row, InputError):
            yield row
            continue
        try:
            yield record_to_article(row[1], row[0], warnings)
        except InputError as err:
            yield err


def read_bytes(data: bytes, where: str, suffix: str, stem: str | None = None, fetch_links: bool = False,
               charset: str | None = None) -> Iterator[Item]:
    """Parse the bytes of one file (or stdin) according to its suffix. Text that is only a list
    of links is fetched link by link when ``fetch_links`` (files and stdin on the command line);
    elsewhere (uploads to the server, a fetched page) it is RL017, never fetched from there.
    ``charset``: the one a fetched page's server declared (``encoding.decode`` says when it counts)."""
    if suffix.lower() == PARQUET_SUFFIX:  # binary by design: an upload of a dataframe
        yield from parquet_records(Path(where), data)
        return
    if looks_binary(data):
        yield InputError("RL003", where=where)
        return
    if suffix.lower() in SYNDICATION_SUFFIXES:  # XML says its own encoding: the feed reader decodes it
        yield from parse_syndication(data, where, [])
        return
    if charset is None and suffix.lower() in HTML_SUFFIXES:
        charset = declared_charset(head=data)  # <meta charset>: a saved page says what it is in
    text, warnings = decode(data, where, charset)
    if not text.strip():
        yield InputError("RL002", where=where)
        return
    suffix = suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from parse_jsonl(text, where, warnings)
    elif suffix == ".json":
        yield from parse_json(text, where, warnings)
    elif suffix in CSV_SUFFIXES:
        yield from parse_csv(text, where, warnings)
    else:
        if suffix not in HTML_SUFFIXES and suffix not in TEXT_SUFFIXES:
            yield InputError("RL011", where=where, suffix=suffix)
            return
        is_html = suffix in HTML_SUFFIXES or (
            suffix == "" and re.match(r"\s*(<!doctype html|<html)", text[:500], re.I) is not None
        )
        links = [] if is_html else link_list(text)
        if links and fetch_links:
            from .fetch import read_links  # imported here: fetch.py reads what it fetches with this module

            yield from read_links(links, where)
            return
        if links:
            yield InputError("RL017", where=where, count=len(links))
            return
        try:
            if is_html:
                yield parse_html(text, where, stem, warnings)
            else:
                yield parse_plain_text(text, where, stem, warnings)
        except InputError as err:
            yield err


def sniff_suffix(text_start: str) -> str:
    """Guess a format for stdin, which has no file name."""
    s = text_start.lstrip()
    if re.match(r"(<!doctype html|<html|<article|<body)", s, re.I):
        return ".html"
    if looks_like_feed(s):
        return ".rss"
    if s.startswith("["):
        return ".json"
    if s.startswith("{"):
        first = s.split("\n", 1)[0].strip()
        return ".jsonl" if first.endswith("}") else ".json"
    if is_csv_header(s.split("\n", 1)[0]):
        return ".csv"
    return ".txt"


def is_csv_header(line: str) -> bool:
    """Whether ``line`` reads as a CSV header naming an article column (``id,title,text``): how
    piped CSV is told from a story whose first line happens to hold commas."""
    line = line.strip().lstrip("\ufeff")
    if not any(d in line for d in CSV_DELIMITERS):
        return False
    names = [c.strip().lower() for c in csv_records([line]).fieldnames or []]
    return len(names) >= 2 and has_article_column(names)


STREAMED_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".tsv"}
# Feeds may come gzipped (feed.jsonl.gz, feed.csv.gz): read as they stream, never unpacked whole.
GZIP_SUFFIX = ".gz"


def is_gzipped(path: Path) -> bool:
    return path.suffix.lower() == GZIP_SUFFIX


def unzipped_name(path: Path) -> Path:
    """The name ``path`` has once unpacked (``feed.jsonl`` for ``feed.jsonl.gz``): it says how
    to read the file, and may name its label."""
    return Path(path.stem) if is_gzipped(path) else Path(path.name)


def format_suffix(path: Path) -> str:
    """The suffix that says how to read ``path``: ``.jsonl`` for ``feed.jsonl.gz`` too."""
    return unzipped_name(path).suffix.lower()


def is_readable_file(path: Path) -> bool:
    """Whether a folder's file is one rumorlens reads: a supported suffix, or a gzipped feed.
    An ``.xml`` file counts only when it opens as an RSS or Atom feed: a folder's sitemap or
    settings file is not an article to report as unreadable."""
    suffix = format_suffix(path)
    if is_gzipped(path):
        return suffix in STREAMED_SUFFIXES
    if suffix == ".xml":
        try:
            with path.open("rb") as f:
                return looks_like_feed(f.read(4096).decode("utf-8", "replace"))
        except OSError:
            return False
    return suffix in SUPPORTED - {""}


# The longest line read in one piece: a gzipped feed can unpack a few megabytes into one endless
# line, and memory must stay bounded (a longer line is read in pieces, each an invalid record).
MAX_LINE_BYTES = 64 * 1024 * 1024


def stream_records(path: Path) -> Iterator[Item]:
    """JSONL and CSV feeds are read line by line, so a feed of any size reads in flat memory."""
    try:
        yield from _stream_records(path)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:  # records read before the damage stand
        yield InputError("RL016", where=str(path), detail=str(exc) or type(exc).__name__)


def _stream_records(path: Path) -> Iterator[Item]:
    where = str(path)
    opener = gzip.open if is_gzipped(path) else open
    with opener(path, "rb") as fh:
        head = fh.read(8192)
        while head and not head.strip() and len(head) < 1 << 20:  # leading blank lines only
            more = fh.read(8192)
            if not more:
                break
            head += more
        if not head.strip():
            yield InputError("RL002", where=where)
            return
        if looks_binary(head):
            yield InputError("RL003", where=where)
            return
        fh.seek(0)
        warnings: list[str] = []
        lines = text_lines(fh, where, warnings, MAX_LINE_BYTES)
        parse = parse_csv if format_suffix(path) in CSV_SUFFIXES else parse_jsonl
        label = feed_label(path)
        for item in parse(lines, where, warnings):
            yield labelled(item, label)


def parquet_records(path: Path, data: bytes | None = None) -> Iterator[Item]:
    """A Parquet file's rows, read as JSONL records are (``batch`` reads them the same way);
    ``data``: the file's bytes when it is an upload, not on disk (``path`` then only names it)."""
    label, warnings = feed_label(path), []
    source = io.BytesIO(data) if data is not None else path
    for row in parquet_rows(source, has_article_column, where=str(path)):
        if isinstance(row, InputError):
            yield row
            continue
        try:
            yield labelled(record_to_article(json.loads(row[1]), row[0], warnings), label)
        except InputError as err:
            yield err


def read_path(path: Path) -> Iterator[Item]:
    where = str(path)
    try:
        if format_suffix(path) in STREAMED_SUFFIXES and path.is_file():
            yield from stream_records(path)
            return
        if path.suffix.lower() == PARQUET_SUFFIX and path.is_file():
            yield from parquet_records(path)
            return
        if is_gzipped(path):  # not a feed: unpacked whole it could be anything, and any size
            yield InputError("RL011", where=where, suffix="".join(path.suffixes[-2:]).lower())
            return
        data = path.read_bytes()
    except FileNotFoundError:
        yield InputError("RL001", where=where)
        return
    except IsADirectoryError:
        yield from read_directory(path)
        return
    except OSError as exc:
        yield InputError("RL009", where=where, field="file", detail=exc.strerror or str(exc), fix="check the file's permissions")
        return
    yield from read_bytes(data, where, path.suffix, stem=path.stem, fetch_links=True)


def is_bookkeeping(p: Path) -> bool:
    """Hidden files, and a `rumorlens batch` output's manifest, state and errors file."""
    if p.name.startswith("."):
        return True
    output_dir = next((d for d in (p.parent, p.parent.parent) if (d / "_manifest.json").exists()), None)
    if output_dir is None:
        return False
    inner = p.relative_to(output_dir).parts
    return p.name == "errors.jsonl" or any(part.startswith("_") for part in inner)


def read_directory(path: Path) -> Iterator[Item]:
    files = sorted(p for p in path.rglob("*") if p.is_file() and is_readable_file(p) and not is_bookkeeping(p))
    if not files:
        yield InputError("RL004", where=str(path))
        return
    for f in files:
        label = folder_label(f, path)
        # FakeNewsNet keeps each story as <id>/news content.json, with no id inside
        story_id = f.parent.name if f.name == "news content.json" else None
        for item in read_path(f):
            item = labelled(item, label)
            if story_id and isinstance(item, Article) and item.id.startswith("sha1-"):
                item = dataclasses.replace(item, id=story_id)
            yield item


def labelled(item: Item, label: str | None) -> Item:
    """``item`` with ``label`` (named by its file or folder) if it is an article without its own."""
    if label and isinstance(item, Article) and item.label is None:
        return dataclasses.replace(item, label=label)
    return item


# Folder names that label what they hold (``folder_label``): only words that can mean nothing else
FOLDER_LABELS = frozenset({"fake", "real", "legit", "legitimate", "fake news", "real news", "false news", "true news"})


def label_words(name: str) -> list[str]:
    return name.lower().replace("_", " ").replace("-", " ").split()


def feed_label(path: Path) -> str | None:
    """The label a JSONL/CSV feed's own name gives its records: ``fake.jsonl``, ``real_news.csv``,
    or FakeNewsNet's ``<collection>_fake.csv`` and ``<collection>_real.csv`` (``gossipcop_fake.csv``
    holds only fakes). A record's own label wins."""
    words = label_words(unzipped_name(path).stem)  # gossipcop_fake.csv.gz too
    if " ".join(words) in FOLDER_LABELS:
        return normalise_label(" ".join(words))
    if len(words) == 2 and words[1] in ("fake", "real"):
        return words[1]
    return None


def folder_label(path: Path, root: Path) -> str | None:
    """The label named by the nearest folder above ``path``, up to and including ``root``:
    collections are often laid out by label (FakeNewsNet's ``gossipcop/fake/<id>/news
    content.json``, the Celebrity collection's ``fake/`` and ``legit/`` text files). A record's
    own label wins. Only words that can mean nothing else label a folder (``FOLDER_LABELS``):
    ``rumours/``, ``true/`` or ``1/`` may well hold articles of any label."""
    for folder in (path.parent, *path.parent.parents):
        name = " ".join(label_words(folder.name))
        if name in FOLDER_LABELS:
            return normalise_label(name)
        if folder == root:
            break
    return None

