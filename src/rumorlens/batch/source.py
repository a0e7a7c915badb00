"""Streaming the inputs of a batch as raw rows, without parsing or judging them.

A row is ``(source, raw, warnings, error_code, error, label)``: ``raw`` is the record as a JSON
object string (a JSONL line as it is, a CSV or Parquet row re-encoded), parsed later by the worker
that judges it, so reading stays cheap on the driver and a 1M-line file is never held in memory;
``label`` is the one its feed's or folder's name gives, which the worker applies as ``check`` does
(``read.files.labelled``: the record's own label wins).
Records that cannot even be read (missing file, binary file) become rows carrying their error,
so they travel through the same partitions and land in ``errors.jsonl`` with everything else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from ..article import Article
from ..errors import InputError, RumorlensError
from ..read import iter_items
from ..read.encoding import text_lines
from ..read.parquet import parquet_rows
from ..read.stories import fetch_stories as stories_fetched
from ..read.files import (
    MAX_LINE_BYTES,
    RECORD_SUFFIXES,
    SUPPORTED,
    csv_rows,
    feed_label,
    folder_label,
    has_article_column,
    is_bookkeeping,
    is_readable_file,
    looks_binary,
)

STREAMED_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".tsv", ".parquet"}
BATCH_SUFFIXES = (SUPPORTED - {"", ".xml"}) | STREAMED_SUFFIXES  # an .xml file only if it is a feed (is_readable_file)
ARTICLE_FIELDS = ("id", "title", "text", "url", "published", "label", "author")


class RawRow(NamedTuple):
    source: str
    raw: str | None
    warnings: str | None = None  # JSON list of warning strings found while reading
    error_code: str | None = None
    error: str | None = None
    label: str | None = None  # named by the feed or folder (``feed_label``, ``folder_label``)


def error_row(err: RumorlensError) -> RawRow:
    where = str(err.fields.get("where", ""))
    return RawRow(where, None, None, err.code, str(err))


def article_row(article: Article) -> RawRow:
    """An already parsed article (plain text, HTML, JSON, URL) re-encoded as a record."""
    record = {k: getattr(article, k) for k in ARTICLE_FIELDS}
    warnings = json.dumps(list(article.warnings)) if article.warnings else None
    return RawRow(article.source or article.id, json.dumps(record, ensure_ascii=False), warnings)


class Input(NamedTuple):
    """One file, URL or ``-`` of a batch, and the label the folder it was found in names."""

    spec: str
    folder_label: str | None = None


def expand_inputs(inputs: Iterable[str | Path]) -> list[Input]:
    """Folders become their supported files (sorted, like ``check``), each with the label its
    folder names (``fake/``, ``legit/``: ``folder_label``, as ``check`` reads a folder); other
    specs stay as given."""
    specs: list[Input] = []
    for raw in inputs:
        spec = str(raw)
        path = Path(spec)
        if spec != "-" and not spec.lower().startswith(("http://", "https://")) and path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and (p.suffix.lower() in BATCH_SUFFIXES or is_readable_file(p)) and not is_bookkeeping(p)
            )
            specs.extend(Input(str(f), folder_label(f, path)) for f in files) if files else specs.append(Input(spec))
        else:
            specs.append(Input(spec))
    return specs


def input_signature(specs: list[str]) -> list[list]:
    """Name, size and mtime of every input: a resumed run must read exactly the same data."""
    sig = []
    for spec in specs:
        try:
            st = Path(spec).stat()
            sig.append([spec, st.st_size, st.st_mtime_ns])
        except OSError:
            sig.append([spec, None, None])
    return sig


def iter_raw_rows(specs: Iterable[Input | str], stdin=None, fetch_stories: bool = False) -> Iterator[RawRow]:
    """``fetch_stories``: each summary-only item of an RSS/Atom feed (RW009) becomes the story its
    link leads to (``read/stories.py``). Only those feeds give such items, and they come through
    the shared reader; JSONL, CSV and Parquet records are passed on unparsed."""
    for item in specs:
        spec, folder = (item, None) if isinstance(item, str) else item
        path = Path(spec)
        suffix = path.suffix.lower()
        if spec == "-" or spec.lower().startswith(("http://", "https://")) or suffix not in STREAMED_SUFFIXES or not path.is_file():
            # Small forms (one article per file, URLs, stdin, gzipped feeds, RSS/Atom) and missing
            # paths: the shared reader, which also labels a gzipped feed by its name.
            items = iter_items([spec], stdin=stdin)
            for read in stories_fetched(items) if fetch_stories else items:
                yield error_row(read) if isinstance(read, InputError) else article_row(read)._replace(label=folder)
            continue
        if suffix in (".csv", ".tsv"):
            rows = _stream_csv(path)
        elif suffix == ".parquet":
            rows = _stream_parquet(path)
        else:
            rows = _stream_jsonl(path)
        label = feed_label(path) or folder  # as check: the feed's name, then its folder
        yield from (row._replace(label=label) for row in rows) if label else rows


def _binary_or_empty(path: Path) -> RawRow | None:
    with path.open("rb") as f:
        head = f.read(8192)
    if not head.strip():
        return error_row(InputError("RL002", where=str(path)))
    if looks_binary(head):
        return error_row(InputError("RL003", where=str(path)))
    return None


def _stream_jsonl(path: Path) -> Iterator[RawRow]:
    """Line by line, numbered like ``check`` numbers them, so errors point at the same line."""
    if (bad := _binary_or_empty(path)) is not None:
        yield bad
        return
    seen = False
    warnings: list[str] = []  # RW001 once the feed turns out not to be UTF-8, as check says it
    said = None  # those warnings as JSON, encoded once, not once per row
    with path.open("rb") as f:
        for n, line in enumerate(text_lines(f, str(path), warnings, MAX_LINE_BYTES), start=1):
            if not line.strip():
                continue
            seen = True
            said = said or (json.dumps(warnings) if warnings else None)
            yield RawRow(f"{path}:{n}", line, said)
    if not seen:
        yield error_row(InputError("RL002", where=str(path)))


def _stream_csv(path: Path) -> Iterator[RawRow]:
    if (bad := _binary_or_empty(path)) is not None:
        yield bad
        return
    warnings: list[str] = []
    said = None
    with path.open("rb") as f:
        for row in csv_rows(text_lines(f, str(path), warnings, MAX_LINE_BYTES), str(path)):  # check's CSV reading
            if isinstance(row, InputError):
                yield error_row(row)
            else:
                said = said or (json.dumps(warnings) if warnings else None)
                yield RawRow(row[0], json.dumps(row[1], ensure_ascii=False), said)


def _stream_parquet(path: Path) -> Iterator[RawRow]:
    from .engines import require

    require("pyarrow.parquet", "pyarrow", "parquet", "reading Parquet")  # batch without it: a usage error, exit 2
    for row in parquet_rows(path, has_article_column):
        yield error_row(row) if isinstance(row, InputError) else RawRow(*row)


__all__ = ["RECORD_SUFFIXES", "Input", "RawRow", "expand_inputs", "input_signature", "iter_raw_rows"]
