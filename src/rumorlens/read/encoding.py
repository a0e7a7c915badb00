"""Bytes to text: which encoding a file, a feed line or a fetched page is in.

Articles arrive as UTF-8 mostly, but not only: Notepad's "Unicode" and Excel's "Unicode Text"
save UTF-16 with a byte-order mark, Excel's plain CSV and many older pages and collections are
Windows-1252, and a server may declare its page's charset. Reading those as UTF-8 with
replacement characters would lose every curly quote (“ ” ‘ ’ are 0x93 0x94 0x91 0x92 there), and
with them the on-record quotes the verdict rests on. The order, most certain first:

1. a byte-order mark (UTF-8, UTF-16 or UTF-32) says it outright;
2. text that is valid UTF-8 is UTF-8 (a non-ASCII Windows-1252 text is almost never valid UTF-8,
   and servers that declare ISO-8859-1 often serve UTF-8);
3. the charset a page declares (HTTP ``Content-Type`` or ``<meta charset>``), when Python knows it;
4. else Windows-1252, the usual older encoding of English text, with warning RW001 (its five
   unassigned bytes become U+FFFD).

ISO-8859-1 and ASCII labels mean Windows-1252, as browsers read them (WHATWG Encoding).
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..errors import warning_text

FALLBACK = "cp1252"
_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}
_AS_WINDOWS_1252 = {"latin_1", "iso8859_1", "ascii", "cp1252"}
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.I)
_META = re.compile(rb"<meta\b[^>]{0,400}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.I)


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``head`` names, else None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def wide_bom(head: bytes) -> str | None:
    """``utf-16`` or ``utf-32`` when ``head`` starts with their byte-order mark: text whose NUL
    bytes do not make it binary."""
    name = bom_encoding(head)
    return name if name in ("utf-16", "utf-32") else None


def charset_label(label: str | bytes | None) -> str | None:
    """Python's codec for a declared charset label, None if absent or unknown."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", errors="ignore")
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return FALLBACK if name.replace("-", "_") in _AS_WINDOWS_1252 else name


def declared_charset(content_type: str | None = None, head: bytes = b"") -> str | None:
    """The charset a page declares: its HTTP ``Content-Type`` first, then a ``<meta>`` tag in its
    first 4 KB."""
    if content_type:
        m = _CHARSET.search(content_type.encode("latin-1", errors="ignore"))
        if m and (name := charset_label(m.group(1))):
            return name
    m = _META.search(head[:4096])
    return charset_label(m.group(1)) if m else None


def decode(data: bytes, where: str, declared: str | None = None) -> tuple[str, list[str]]:
    """``data`` as text, and the warnings to carry (RW001 when the encoding was a guess)."""
    bom = bom_encoding(data)
    if bom:
        try:
            return data.decode(bom), []
        except UnicodeDecodeError:  # a damaged UTF-16 file: keep what reads
            return data.decode(bom, errors="replace"), [warning_text("RW006", where=where, encoding=_NAMES[bom])]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf_8":
        try:
            return data.decode(declared), []
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode(FALLBACK, errors="replace"), [warning_text("RW001", where=where)]


def decode_line(raw: bytes) -> tuple[str, bool]:
    """One line of a feed (UTF-8, else Windows-1252) and whether it was the guess."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode(FALLBACK, errors="replace"), True


def text_lines(fh: BinaryIO, where: str, warnings: list[str], max_line: int) -> Iterator[str]:
    """The lines of a binary feed as text, each at most ``max_line`` bytes (a longer one comes
    in pieces). A UTF-16/32 feed (byte-order mark) is decoded as one stream; otherwise each line
    is UTF-8, or Windows-1252 with RW001 added to ``warnings`` once (it rides on the records
    from there on). ``fh`` must be at the start of the file."""
    head = fh.read(4)
    fh.seek(0)
    wide = wide_bom(head)
    if wide:
        yield from _wide_lines(fh, wide, where, warnings, max_line)
        return
    yield from decode_lines(iter(lambda: fh.readline(max_line), b""), where, warnings)


def decode_lines(raw_lines: Iterable[bytes], where: str, warnings: list[str]) -> Iterator[str]:
    """Byte lines (UTF-8, a mark allowed on the first) as text, each UTF-8 or else Windows-1252
    with RW001 added to ``warnings`` once; for a stream that cannot seek (standard input)."""
    warned = False
    for i, raw in enumerate(raw_lines):
        if i == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        line, guessed = decode_line(raw)
        if guessed and not warned:
            warned = True
            warnings.append(warning_text("RW001", where=where))
        yield line


def _wide_lines(fh: BinaryIO, encoding: str, where: str, warnings: list[str], max_line: int) -> Iterator[str]:
    stream = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
    try:
        warned = False
        for line in iter(lambda: stream.readline(max_line // 2), ""):
            if "\ufffd" in line and not warned:  # the codec's own replacements (or a real U+FFFD)
                warned = True
                warnings.append(warning_text("RW006", where=where, encoding=_NAMES[encoding]))
            yield line
    finally:
        stream.detach()  # the caller opened fh and closes it
