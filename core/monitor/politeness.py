"""Politeness towards the hosts the watcher polls: robots.txt obeyed, one request per host at a time
and at most one every ``HOST_INTERVAL_SECONDS`` (longer when robots.txt asks for a Crawl-delay).

robots.txt is parsed by Protego (Scrapy's parser: wildcards, Allow/Disallow precedence by length,
Crawl-delay, as RFC 9309 says), read once per origin (scheme, host and port, as RFC 9309 scopes
it) and again after ``ROBOTS_TTL_SECONDS``. A robots.txt that cannot be had follows the usual
convention (RFC 9309 2.3.1.3-4, Google's and Scrapy's behaviour): 4xx means no rules (everything
allowed); a 5xx, a timeout or no connection means everything disallowed for now, asked again after
``ROBOTS_RETRY_SECONDS``. Both caches are bounded, so memory does not grow with the hosts seen.
"""
from __future__ import annotations

import collections
import dataclasses
import threading
import time
from urllib.parse import urlsplit

from protego import Protego

from core.monitor import fetch

# At most one request to a host this often: a watcher asks a host for a few feeds and the pages of
# their new items, so a couple of seconds between requests costs it little and no site notices.
HOST_INTERVAL_SECONDS = 2.0
ROBOTS_TTL_SECONDS = 24 * 3600.0  # Google caches robots.txt up to a day (RFC 9309 2.4)
ROBOTS_RETRY_SECONDS = 600.0  # a robots.txt that failed with 5xx or a timeout is asked again after this
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 2.5: crawlers must parse at least 500 KiB
MAX_HOSTS = 4096  # origins remembered (robots rules, last request); the oldest are forgotten first
MAX_CRAWL_DELAY_SECONDS = 60.0  # a Crawl-delay above this is taken as this (a poll must end)


@dataclasses.dataclass(frozen=True)
class Settings:
    host_interval: float = HOST_INTERVAL_SECONDS
    robots_ttl: float = ROBOTS_TTL_SECONDS
    robots_retry: float = ROBOTS_RETRY_SECONDS


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclasses.dataclass
class _Rules:
    parser: Protego | None  # None: no rules
    allow_all: bool
    until: float  # monotonic time after which it is read again
    problem: str | None = None  # why everything is disallowed for now


class Polite:
    """``before(url)``: wait for the host's turn, raise ``fetch.FetchError`` when robots.txt
    disallows the URL. ``wait`` sleeps (the watcher's stop event, so a stop cuts the wait short)."""

    def __init__(self, client: fetch.Client, settings: Settings = Settings(), clock=time.monotonic, wait=None):
        self.client, self.settings, self.clock = client, settings, clock
        self.wait = wait or client.stop.wait
        self.rules: collections.OrderedDict[str, _Rules] = collections.OrderedDict()
        self.last_request: collections.OrderedDict[str, float] = collections.OrderedDict()
        self.lock = threading.Lock()

    def before(self, url: str) -> None:
        rules = self._rules(origin(url))
        if rules.problem:
            raise fetch.FetchError(url, rules.problem)
        if rules.parser is not None and not rules.parser.can_fetch(url, fetch.ROBOTS_AGENT):
            raise fetch.FetchError(url, "disallowed by the site's robots.txt", permanent=True)
        delay = None if rules.parser is None else rules.parser.crawl_delay(fetch.ROBOTS_AGENT)
        self._take_turn(origin(url), max(self.settings.host_interval, min(delay or 0.0, MAX_CRAWL_DELAY_SECONDS)))

    def next_turn(self, url: str) -> float:
        """Seconds until the host of ``url`` may be asked again (0: now)."""
        with self.lock:
            last = self.last_request.get(origin(url))
        return 0.0 if last is None else max(0.0, last + self.settings.host_interval - self.clock())

    def _take_turn(self, host: str, interval: float) -> None:
        while True:
            with self.lock:
                last = self.last_request.get(host)
                wait = 0.0 if last is None else last + interval - self.clock()
                if wait <= 0:
                    self.last_request[host] = self.clock()
                    self.last_request.move_to_end(host)
                    while len(self.last_request) > MAX_HOSTS:
                        self.last_request.popitem(last=False)
                    return
            if self.wait(wait):
                raise fetch.Stopped(host)

    def _rules(self, host: str) -> _Rules:
        # Polls of several hosts run in threads: the cache is changed under the lock, and a
        # robots.txt read outside it (a host's slow robots.txt does not hold the others). Two
        # threads needing one host's rules at once both read it: the watcher polls one source of a
        # host at a time, so only an item linking to another host can do that, rarely.
        with self.lock:
            rules = self.rules.get(host)
            if rules is not None and rules.until > self.clock():
                self.rules.move_to_end(host)
                return rules
        rules = self._read(host)
        with self.lock:
            self.rules[host] = rules
            self.rules.move_to_end(host)
            while len(self.rules) > MAX_HOSTS:
                self.rules.popitem(last=False)
        return rules

    def _read(self, host: str) -> _Rules:
        url = f"{host}/robots.txt"
        settings = self.settings
        try:
            answer = self.client.get(url, accept="text/plain", max_bytes=ROBOTS_MAX_BYTES,
                                     before_hop=lambda hop: self._take_turn(origin(hop), settings.host_interval))
        except fetch.FetchError as err:
            if err.status is not None and 400 <= err.status < 500:
                return _Rules(None, True, self.clock() + settings.robots_ttl)
            return _Rules(None, False, self.clock() + settings.robots_retry,
                          problem=f"robots.txt could not be read ({err.reason}): the site is not polled until "
                                  "it can be")
        text = answer.body.decode("utf-8", errors="replace")
        return _Rules(Protego.parse(text), False, self.clock() + settings.robots_ttl)
