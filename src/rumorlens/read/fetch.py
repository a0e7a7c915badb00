"""Fetching an article page over HTTP(S), bounded in time and size.

``public_only=True`` (what the REST API uses) refuses hosts that resolve to loopback, private,
link-local, multicast or reserved addresses - including cloud metadata at 169.254.169.254 - and
checks again after every redirect, so a public URL cannot bounce the server into its own network.
The connection is made to the very address that was vetted (``_public_transport``), so a host
whose DNS answers "public" to the check and "private" a moment later (rebinding) gets no request.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote, urljoin, urlsplit

from ..concurrency import in_order
from ..errors import InputError
from .encoding import declared_charset
from .files import Item, read_bytes
from .syndication import looks_like_feed

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_S = 10.0
MAX_REDIRECTS = 5
# Links of a reading list fetched at once: a slow site then holds up the list by one timeout,
# not one per link, while a site is not hit by more than a handful of requests together.
LINK_WORKERS = 4
USER_AGENT = "rumorlens/0.1 (+offline fact-checker)"


def is_public_host(host: str) -> bool:
    """True only if every address the host resolves to is a public unicast address."""
    try:  # an address literal is judged as written: "fe80::1%25eth0" need not resolve to be dialled
        literal = ipaddress.ip_address(unquote(host).split("%")[0])
    except ValueError:
        literal = None
    if literal is not None:
        return _public(literal)
    try:
        return _first_private(_resolve(host)) is None
    except (socket.gaierror, UnicodeError):
        return True  # unresolvable: the fetch itself will fail with a clear message


def _resolve(host: str, port: int | None = None) -> list[str]:
    return list(dict.fromkeys(info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def _first_private(addresses: list[str]) -> str | None:
    return next((a for a in addresses if not _public(ipaddress.ip_address(a.split("%")[0]))), None)


def _public_transport():
    """An httpx transport that resolves each host itself and connects only to the public address
    it vetted. Checking a name and then letting the connection resolve it again leaves a gap a
    rebinding DNS server can use, and by the time the connection's address can be checked, the
    request has already reached the private address."""
    import httpcore  # httpx's connection layer
    import httpx

    class PublicNetwork(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            try:
                addresses = _resolve(host, port)
            except (socket.gaierror, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
            private = _first_private(addresses)
            if private is not None:
                raise InputError("RL015", where=host, host=host if private == host else f"{host} at {private}")
            failure = None
            for address in addresses:
                try:
                    return super().connect_tcp(address, port, timeout, local_address, socket_options)
                except httpcore.ConnectError as exc:  # that address is down: try the next one
                    failure = exc
            raise failure

    transport = httpx.HTTPTransport()
    transport._pool._network_backend = PublicNetwork()  # httpcore's backend hook, which httpx does not pass through
    return transport


def _peer_is_public(resp) -> bool:
    """Whether the address the response actually came from is public: a second line behind the
    pinned transport, should httpx ever stop using the backend it was given."""
    stream = resp.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        return True  # no socket to ask (a mocked transport): the host check stands
    try:
        return _public(ipaddress.ip_address(str(peer[0]).split("%")[0]))
    except ValueError:
        return False


def _public(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def fetch_bytes(url: str, public_only: bool = False, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_S) -> tuple[bytes, str, str]:
    """Return (body, final_url, content_type) or raise ``InputError``."""
    import httpx

    current = url
    # Public-only fetches connect directly (no proxy from the environment): the address vetted
    # must be the address dialled.
    pinned = {"transport": _public_transport(), "trust_env": False} if public_only else {}
    with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}, **pinned) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                parts = urlsplit(current)
                host = parts.hostname
            except ValueError as exc:  # "http://[::1": a broken IPv6 bracket, a bad port
                raise InputError("RL010", where=url, detail=f"not a valid URL: {exc}") from None
            if parts.scheme not in ("http", "https") or not host:
                raise InputError("RL010", where=url, detail="only http(s) URLs with a host can be fetched")
            if public_only and not is_public_host(host):
                raise InputError("RL015", where=url, host=host)
            try:
                with client.stream("GET", current) as resp:
                    if public_only and not _peer_is_public(resp):  # a second line behind the pinned transport
                        raise InputError("RL015", where=url, host=host)
                    if resp.is_redirect and resp.headers.get("location"):
                        current = urljoin(current, resp.headers["location"])
                        continue
                    if resp.status_code >= 400:
                        raise InputError("RL010", where=url, detail=f"HTTP {resp.status_code}")
                    length = resp.headers.get("content-length", "").strip()
                    declared = int(length) if length.isdigit() else 0  # a garbled header is no promise: the cap below holds
                    if declared > max_bytes:
                        raise InputError("RL014", where=url, limit=max_bytes)
                    chunks, size = [], 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InputError("RL014", where=url, limit=max_bytes)
                        chunks.append(chunk)
                    return b"".join(chunks), str(resp.url), resp.headers.get("content-type", "")
            except InputError as exc:
                if exc.code != "RL015":
                    raise
                # refused by the pinned transport, which knows only the host: name the URL as the check above does
                raise InputError("RL015", where=url, host=exc.fields["host"]) from None
            except httpx.TimeoutException:
                raise InputError("RL010", where=url, detail=f"timed out after {timeout:g} s") from None
            except httpx.InvalidURL as exc:
                raise InputError("RL010", where=url, detail=f"not a valid URL: {exc}") from None
            except httpx.HTTPError as exc:
                detail = str(exc) or type(exc).__name__
                raise InputError("RL010", where=url, detail=f"network unreachable or refused: {detail}") from None
        raise InputError("RL010", where=url, detail=f"more than {MAX_REDIRECTS} redirects")


def read_url(url: str, public_only: bool = False) -> Iterator[Item]:
    """Every article the page or feed at ``url`` gives (a feed: one per item), an item that
    cannot be read as its error; a page that cannot be fetched is one error."""
    try:
        page = fetch_bytes(url, public_only=public_only)
    except InputError as err:
        yield err
        return
    yield from read_fetched(url, *page)


def read_fetched(url: str, body: bytes, final_url: str, ctype: str) -> Iterator[Item]:
    """What ``read_url`` reads from a fetched page (``fetch_bytes``'s three values): for a caller
    that must tell a page that could not be fetched from a page whose only item is unreadable."""
    suffix = ".html" if "html" in ctype or not ctype else ".txt"
    if "json" in ctype:
        suffix = ".json"
    elif _is_feed(ctype, body):
        suffix = ".rss"  # a site's feed: every item is a story
    for item in read_bytes(body, url, suffix, charset=declared_charset(ctype, body)):
        if not isinstance(item, InputError) and not item.url:
            from dataclasses import replace

            from ..article import outlet_from_url

            item = replace(item, url=final_url, outlet=outlet_from_url(final_url))
        yield item


def _is_feed(content_type: str, body: bytes) -> bool:
    """RSS or Atom by its content type, or by its first tag: sites serve feeds as text/xml, as
    text/html, even as text/plain."""
    if "rss" in content_type or "atom" in content_type or ("xml" in content_type and "html" not in content_type):
        return True
    return looks_like_feed(body[:4096].decode("utf-8", "replace"))


def read_links(links: list[tuple[int, str]], where: str, workers: int = LINK_WORKERS, public_only: bool = False) -> Iterator[Item]:
    """Fetch and read every ``(line number, URL)`` of a reading list, a few at a time, yielding
    in the list's order; a link that fails is an error naming the list's line and the link.
    ``public_only`` as for ``read_url`` (the dashboard's URL box)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pages = in_order(pool, lambda url: list(read_url(url, public_only=public_only)), (url for _, url in links), ahead=2 * workers)
        for (n, url), items in zip(links, pages):
            for item in items:
                if isinstance(item, InputError):
                    item = InputError(item.code, **{**item.fields, "where": f"{where}:{n} ({url})"})
                yield item
