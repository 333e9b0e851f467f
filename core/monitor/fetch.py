"""HTTP for the watcher: one GET, bounded every way a hostile or broken server can stretch it.

``requests`` (with urllib3 under it) makes the connection, keeps it alive per host, sends the
conditional headers and undoes gzip; this module adds what it lacks: a byte cap read as the body
streams (a 50 MB answer is cut off after the cap, never read whole, and a gzip bomb is cut on its
decompressed size), a total deadline (a server trickling a byte a second would otherwise hold the
poll for ever: requests' read timeout is per socket read), redirects followed one hop at a time so
that each hop is checked against its host's robots.txt and rate limit (``politeness``) and a loop
is named as one, and every failure turned into ``FetchError`` with a one-line reason.
"""
from __future__ import annotations

import dataclasses
import email.utils
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from core import __version__

# Named in every request, and matched against robots.txt by its first word.
USER_AGENT = f"Geowire/{__version__} (news monitoring; python-requests/{requests.__version__})"
ROBOTS_AGENT = "Geowire"
# Feeds and pages are a few hundred KB; a sitemap of 50,000 URLs (the protocol's limit) is ~10 MB.
MAX_BYTES = 10 * 2**20
CONNECT_TIMEOUT_SECONDS = 10.0
READ_TIMEOUT_SECONDS = 20.0  # the longest silence between two reads of the body
DEADLINE_SECONDS = 60.0  # the whole request, connecting and reading, redirects included
MAX_REDIRECTS = 5  # RFC 9110 advised 5 for loops; browsers allow 20, feeds never need more than a couple
_READ_BYTES = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A request that gave no usable answer; ``str`` is one line naming the URL and why.
    ``retry_after`` is the server's Retry-After in seconds (429, 503), when it sent one.
    ``permanent``: asking again will not help (a 4xx other than 408 and 429, robots.txt), as
    opposed to a 5xx, a timeout or no connection."""

    def __init__(self, url: str, reason: str, retry_after: float | None = None, status: int | None = None,
                 permanent: bool | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.retry_after, self.status = url, reason, retry_after, status
        self.permanent = permanent if permanent is not None else (
            status is not None and 400 <= status < 500 and status not in (408, 429))


class Stopped(Exception):
    """The watcher was asked to stop while a request was under way: it was abandoned."""


@dataclasses.dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS
    read_timeout: float = READ_TIMEOUT_SECONDS
    deadline: float = DEADLINE_SECONDS
    max_redirects: int = MAX_REDIRECTS


@dataclasses.dataclass(frozen=True)
class Response:
    """A complete answer: ``status`` 200 (or another 2xx) with its ``body``, or 304 (unchanged)."""
    url: str  # after redirects
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str


class Client:
    """A keep-alive session; ``get`` is one bounded request. ``before_hop(url)`` is called before
    each hop (the first and every redirect) and may raise ``FetchError`` (robots.txt) or wait (the
    host's rate limit); ``stop`` abandons a request under way."""

    def __init__(self, limits: Limits = Limits(), stop: threading.Event | None = None):
        self.limits, self.stop = limits, stop or threading.Event()
        # A session per thread: the watcher polls several hosts at once, and requests does not
        # promise that one Session may be used by several threads (its cookies and adapters are
        # not locked); each thread keeps its own keep-alive connections.
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept-Encoding"] = "gzip, deflate"
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str = "*/*", max_bytes: int | None = None, before_hop=None) -> Response:
        limits = self.limits
        cap = max_bytes or limits.max_bytes
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        ends = time.monotonic() + limits.deadline
        seen = [url]
        while True:
            if before_hop is not None:
                before_hop(url)
            if self.stop.is_set():
                raise Stopped(url)
            remaining = ends - time.monotonic()
            if remaining <= 0:
                raise FetchError(seen[0], f"no complete answer within {limits.deadline:g} s")
            try:
                answer = self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                          timeout=(min(limits.connect_timeout, remaining),
                                                   min(limits.read_timeout, remaining)))
            except requests.exceptions.Timeout:
                raise FetchError(url, "timed out waiting for the server") from None
            except requests.exceptions.RequestException as err:
                raise FetchError(url, _reason(err)) from None
            with answer:
                if answer.status_code in _REDIRECTS and answer.headers.get("Location"):
                    target = urljoin(url, answer.headers["Location"])
                    if target in seen:
                        raise FetchError(seen[0], f"redirect loop ({' → '.join([*seen[seen.index(target):], target])})")
                    if len(seen) > limits.max_redirects:
                        raise FetchError(seen[0], f"more than {limits.max_redirects} redirects")
                    if urlsplit(target).scheme not in ("http", "https"):
                        raise FetchError(seen[0], f"redirected to {target}, not an http(s) address")
                    seen.append(target)
                    url = target
                    continue
                if answer.status_code == 304:
                    return Response(url, 304, b"", etag, last_modified, "")
                if not 200 <= answer.status_code < 300:
                    raise FetchError(url, f"HTTP {answer.status_code} {answer.reason or ''}".strip(),
                                     retry_after=retry_after(answer.headers.get("Retry-After")),
                                     status=answer.status_code)
                body = self._read(answer, url, cap, ends)
                return Response(url, answer.status_code, body, answer.headers.get("ETag"),
                                answer.headers.get("Last-Modified"), answer.headers.get("Content-Type", ""))

    def _read(self, answer: requests.Response, url: str, cap: int, ends: float) -> bytes:
        declared = answer.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap and not answer.headers.get("Content-Encoding"):
            raise FetchError(url, f"answer of {int(declared) / 2**20:.1f} MB, over the {cap / 2**20:g} MB limit "
                                  "(not read)")
        chunks, size = [], 0
        try:
            while True:
                # read1: what one socket read gives, so the deadline and the stop are checked
                # between reads however slowly the server trickles (read(n) waits for n bytes).
                chunk = answer.raw.read1(_READ_BYTES, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise FetchError(url, f"answer over the {cap / 2**20:g} MB limit (cut off after "
                                          f"{size / 2**20:.1f} MB)")
                chunks.append(chunk)
                if self.stop.is_set():
                    raise Stopped(url)
                if time.monotonic() > ends:
                    raise FetchError(url, f"answer not complete within {self.limits.deadline:g} s "
                                          f"({size:,} bytes received)")
        except requests.exceptions.RequestException as err:
            raise FetchError(url, _reason(err)) from None
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as err:  # timeouts, resets, bad gzip, from read1
            raise FetchError(url, _reason(err)) from None
        return b"".join(chunks)


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    if isinstance(err, requests.exceptions.ConnectionError):
        text = "cannot connect" + (f" ({text[:160]})" if text else "")
    return text if len(text) <= 200 else text[:199] + "…"
