"""Standard input: sniffed from its first line, and streamed when it is a feed.

`tail -f feed.jsonl | rumorlens check - --json` must print each verdict as its record arrives,
and a 74 MB feed piped in must not be held whole (it took 784 MB; from a file, 173 MB). So the
first line says what it is: a JSONL record or a CSV header makes it a feed, read line by line as
a file feed is; anything else (HTML, a JSON array, a story, a list of links) is read whole, as
one document must be.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import InputError
from .encoding import decode, decode_lines, wide_bom
from .files import MAX_LINE_BYTES, Item, parse_csv, parse_jsonl, read_bytes, sniff_suffix

WHERE = "<stdin>"
STREAMED = {".jsonl": parse_jsonl, ".csv": parse_csv}


def read_stdin(stream: BinaryIO) -> Iterator[Item]:
    """Every record on ``stream`` (bytes, or text as a test or an IDE may give), in order."""
    lines = _byte_lines(stream)
    head: list[bytes] = []
    for line in lines:  # up to the first line with something on it
        head.append(line)
        if line.strip():
            break
    if not any(line.strip() for line in head):
        yield InputError("RL013", where=WHERE)
        return
    # UTF-16/32 is read whole: its byte lines are not its lines
    if not wide_bom(head[0]):
        suffix = sniff_suffix(decode(head[-1], WHERE)[0])
        if suffix in STREAMED:
            warnings: list[str] = []
            text = decode_lines(itertools.chain(head, lines), WHERE, warnings)
            yield from STREAMED[suffix](text, WHERE, warnings)
            return
    # One document (HTML, an RSS feed, a JSON array, a story, a list of links), sniffed on more
    # than its first line: an RSS feed's first line may be its XML declaration alone.
    data = b"".join(itertools.chain(head, lines))
    yield from read_bytes(data, WHERE, sniff_suffix(decode(data[:4096], WHERE)[0]), stem=None, fetch_links=True)


def _byte_lines(stream) -> Iterator[bytes]:
    while line := stream.readline(MAX_LINE_BYTES):
        yield line if isinstance(line, bytes) else line.encode("utf-8")
