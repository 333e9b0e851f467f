"""A hostile little news site on 127.0.0.1 for the watcher's tests and its soak benchmark: feeds
that change while they are polled (new items, new ETags, 304s), teaser items whose pages hold the
article, a robots.txt forbidding a path, and answers that are slow (a byte at a time), failing
(404, 500, 503 with Retry-After, garbage), oversized (50 MB, generated as it is sent, never held)
or a redirect loop. It counts every request by path, and the conditional ones.

    server = FeedServer(); server.start()
    server.add_feed("world", [server.item("w1", full=True), server.item("w2")])
    server.url("/feed/world.xml") ...
    server.stop()
"""
from __future__ import annotations

import collections
import dataclasses
import hashlib
import html
import random
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_SYLLABLES = ["ka", "lo", "mi", "ser", "ton", "va", "rel", "dun", "pra", "ves", "gor", "lin", "tes", "mar", "bol",
              "nek", "sta", "vir", "hol", "den", "pa", "ru", "zel", "fin", "cor", "mo", "tal", "ben", "sko", "lu"]
HUGE_BYTES = 50 * 2**20
_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def words(seed: str, count: int) -> str:
    """``count`` pseudo-words, the same for the same seed and different from any other seed's
    (articles must not look like near-duplicates of each other)."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    out = []
    for index in range(count):
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        out.append(word.capitalize() if index % 12 == 0 else word)
        if index % 12 == 11:
            out[-1] += "."
    return " ".join(out) + "." if out else ""


@dataclasses.dataclass
class Item:
    id: str
    title: str
    full: bool  # the feed carries the whole article; otherwise a teaser, the article on its page
    link: str | None  # a path on the server, or None for an item without a link
    published: datetime
    body: str
    guid: bool = True


@dataclasses.dataclass
class Feed:
    items: list[Item] = dataclasses.field(default_factory=list)
    atom: bool = False


class FeedServer:
    def __init__(self, robots: str | None = "User-agent: *\nDisallow: /private/\n", trickle_seconds: float = 0.2):
        self.feeds: dict[str, Feed] = {}
        self.robots = robots
        self.trickle_seconds = trickle_seconds
        self.hits: collections.Counter[str] = collections.Counter()
        self.conditional: collections.Counter[str] = collections.Counter()  # requests with If-None-Match
        self.not_modified: collections.Counter[str] = collections.Counter()  # 304s sent
        self.huge_sent = 0
        self.appeared: dict[str, float] = {}  # item link -> time.time() it was first listed
        self.user_agents: set[str] = set()
        self.pages: dict[str, Item] = {}  # path -> item, kept after the item leaves its feed
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "FeedServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def item(self, item_id: str, *, full: bool = False, link: bool = True, words_count: int = 220,
             path: str = "/article/", guid: bool = True) -> Item:
        return Item(item_id, f"Headline {item_id} " + words(f"title {item_id}", 5), full,
                    f"{path}{item_id}.html" if link else None, datetime.now(timezone.utc),
                    words(item_id, words_count), guid)

    def add_feed(self, name: str, items: list[Item] = (), atom: bool = False) -> str:
        with self.lock:
            self.feeds[name] = Feed(list(items), atom)
            self._listed(items)
        return self.url(f"/feed/{name}.xml")

    def publish(self, name: str, *items: Item, keep: int | None = None) -> None:
        """New items at the top of a feed (its ETag changes); with ``keep``, the feed then lists
        only its newest ``keep`` items, as real feeds do."""
        with self.lock:
            feed = self.feeds[name]
            feed.items[:0] = list(items)
            if keep is not None:
                del feed.items[keep:]
            self._listed(items)

    def _listed(self, items) -> None:
        now = time.time()
        for item in items:
            if item.link:
                self.pages[item.link] = item
            self.appeared.setdefault(self.url(item.link) if item.link else item.id, now)

    def page_hits(self) -> dict[str, int]:
        return {path: count for path, count in self.hits.items() if path.startswith(("/article/", "/private/"))}

    def feed_xml(self, name: str) -> bytes:
        with self.lock:
            feed = self.feeds[name]
            items = list(feed.items)
        if feed.atom:
            entries = "".join(
                f"<entry><title>{html.escape(i.title)}</title>"
                + (f"<id>urn:item:{i.id}</id>" if i.guid else "")
                + (f"<link href=\"{self.url(i.link)}\"/>" if i.link else "")
                + f"<updated>{i.published.isoformat()}</updated>"
                + (f"<content type=\"html\">{html.escape('<p>' + i.body + '</p>')}</content>" if i.full
                   else f"<summary>{html.escape(_teaser(i))}</summary>")
                + "</entry>" for i in items)
            return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    f"<title>{name}</title><id>urn:feed:{name}</id><updated>{max((i.published for i in items), default=_EPOCH).isoformat()}"
                    f"</updated>{entries}</feed>").encode()
        entries = "".join(
            f"<item><title>{html.escape(i.title)}</title>"
            + (f"<guid isPermaLink=\"false\">item-{i.id}</guid>" if i.guid else "")
            + (f"<link>{self.url(i.link)}</link>" if i.link else "")
            + f"<pubDate>{format_datetime(i.published)}</pubDate>"
            + f"<description>{html.escape(i.body if i.full else _teaser(i))}</description></item>" for i in items)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
                f"<link>{self.base}/</link><description>test feed</description>{entries}</channel></rss>").encode()

    def page(self, path: str) -> bytes | None:
        with self.lock:
            found = self.pages.get(path)
        if found is None:
            return None
        return (f"<!doctype html><html lang=\"en\"><head><title>{html.escape(found.title)}</title>"
                f"<meta property=\"article:published_time\" content=\"{found.published.isoformat()}\"></head><body>"
                f"<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>{html.escape(found.title)}"
                f"</h1>" + "".join(f"<p>{html.escape(p)}.</p>" for p in found.body.split(". ") if p)
                + "</article><footer>Copyright test site</footer></body></html>").encode()


def _teaser(item: Item) -> str:
    return " ".join(item.body.split()[:30])


def _handler(server: FeedServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: the tests count requests instead
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            with server.lock:
                server.hits[path] += 1
                server.user_agents.add(self.headers.get("User-Agent", ""))
            if path == "/robots.txt":
                if server.robots is None:
                    return self._send(404, b"not found")
                return self._send(200, server.robots.encode(), "text/plain")
            if path.startswith("/feed/"):
                name = path.removeprefix("/feed/").removesuffix(".xml")
                if name not in server.feeds:
                    return self._send(404, b"no such feed")
                body = server.feed_xml(name)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match"):
                    with server.lock:
                        server.conditional[path] += 1
                    if self.headers["If-None-Match"] == etag:
                        with server.lock:
                            server.not_modified[path] += 1
                        return self._send(304, b"", extra={"ETag": etag})
                return self._send(200, body, "application/rss+xml", extra={"ETag": etag})
            if path.startswith(("/article/", "/private/")):
                body = server.page(path)
                return self._send(200, body, "text/html; charset=utf-8") if body else self._send(404, b"gone")
            if path == "/status/404":
                return self._send(404, b"not found")
            if path == "/status/500":
                return self._send(500, b"oops")
            if path == "/status/503":
                return self._send(503, b"busy", extra={"Retry-After": "120"})
            if path == "/garbage":
                return self._send(200, bytes(range(256)) * 40, "application/rss+xml")
            if path.startswith("/loop/"):
                target = "/loop/b" if path == "/loop/a" else "/loop/a"
                return self._send(302, b"", extra={"Location": target})
            if path == "/slow":
                return self._trickle()
            if path == "/huge":
                return self._huge()
            return self._send(404, b"not found")

        def _send(self, status: int, body: bytes, content_type: str = "text/plain", extra: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def _trickle(self):
            # A byte at a time, for ever: only the client's deadline ends it.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
                while True:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(server.trickle_seconds)
            except OSError:
                return

        def _huge(self):
            # 50 MB declared by no Content-Length (a close-delimited body), generated as it is sent.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            block = b"<item>" + b"x" * 65530
            try:
                while server.huge_sent < HUGE_BYTES:
                    self.wfile.write(block)
                    with server.lock:
                        server.huge_sent += len(block)
            except OSError:
                return

    return Handler
