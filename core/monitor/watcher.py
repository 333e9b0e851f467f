"""The watcher: polls every followed source on its interval until stopped (``python -m core watch``).

Scheduling is a small loop over the store's ``sources.next_poll_at``, not a scheduler library
(APScheduler, sched): the schedule has to live in the store anyway, so that a restart continues it
and the ``sources`` command or the app can add, pause or change a source while the watcher runs,
from another process. A scheduler's in-memory jobs would be a second copy of that table to keep in
step; reading the due sources again every round (one indexed query) is the schedule itself.

Due sources are polled in order of how overdue they are, several at once on a small thread pool
(``POLL_THREADS``), one source of a host at a time and only when the host may be asked now
(``politeness``): a source whose host is busy waits its turn, so one slow or rate-limited host
does not hold the others. Articles stored by the polls are extracted (and translated, when a
provider is configured) every ``EXTRACT_EVERY_SECONDS`` and whenever nothing is left to poll,
through the pipeline, so the stages after extraction (alerts) see them; the dashboard's frames,
whose cost grows with the whole store, are written at a slower pace (``_frames``).

``stop`` (set by SIGINT/SIGTERM in the CLI, or by a test) ends the watcher after the poll under
way: a request in flight is abandoned, an item is stored whole or not at all, and nothing
half-done is committed.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone

import sqlalchemy as sa

from core import config, pipeline
from core.errors import InputError, StoreBusy, StoreError
from core.ingest import language, scraped_text
from core.monitor import fetch, politeness, polling
from core.store import watched

# New sources (added while the watcher runs) are picked up at least this often.
RESCAN_SECONDS = 5.0
# Articles stored by polls are extracted at least this often while a long round goes on: new
# articles reach the dashboard and the alerts within this, plus the extraction's own time.
EXTRACT_EVERY_SECONDS = 10.0
# A store busy with another writer past its wait: the watcher waits this long and goes on.
BUSY_PAUSE_SECONDS = 5.0
# The dashboard's frames are written at most this often, and never more often than this many times
# the last write took (``_frames``).
FRAMES_EVERY_SECONDS = 120.0
FRAMES_COST_FACTOR = 10.0
# Polls under way at once (of different hosts: ``_Polls``). Most of a poll is waiting for the
# network and the host's turn; 500 feeds over a dozen hosts polled one at a time did not fit in
# their interval.
POLL_THREADS = 8
# The loop looks at the schedule again at least this often while polls are under way.
POLL_WAIT_SECONDS = 0.5


@dataclasses.dataclass
class WatchSummary:
    polls: int = 0
    unchanged: int = 0
    failures: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    pages: int = 0
    seconds: float = 0.0
    problems: list[str] = dataclasses.field(default_factory=list)  # steps after the ingest not done

    def describe(self) -> str:
        return (f"watched {self.seconds:.0f} s: {self.polls} poll(s) ({self.unchanged} unchanged, {self.failures} "
                f"failed), {self.stored} article(s) stored, {self.duplicates} duplicate(s), {self.rejected} item(s) "
                f"not stored, {self.pages} page(s) fetched")


@dataclasses.dataclass(frozen=True)
class Settings:
    limits: fetch.Limits = fetch.Limits()
    politeness: politeness.Settings = politeness.Settings()
    translation: config.TranslationSettings | None = None
    threads: int = POLL_THREADS


def watch(engine: sa.Engine, stop: threading.Event, *, settings: Settings = Settings(), once: bool = False,
          max_seconds: float | None = None, log: Callable[[str], None] = lambda line: None,
          lexicon: scraped_text.Lexicon | None = None) -> WatchSummary:
    """Poll the store's sources until ``stop`` is set, ``max_seconds`` have passed, or (``once``)
    every source due now has been polled once. ``log`` gets one line per poll that found something
    or failed. ``StoreWriteError`` (a full disk) ends it; a busy store is waited for."""
    summary = WatchSummary()
    began = time.monotonic()
    lexicon = lexicon or scraped_text.Lexicon.load(config.BOILERPLATE_FILE)
    language.preload()  # loaded before the first item, not between fetching a page and storing it
    client = fetch.Client(settings.limits, stop)
    http = polling.Http(client, politeness.Polite(client, settings.politeness))
    pending = _Pending()
    pending.current_dictionary()
    polls = _Polls(engine, http, lexicon, max(1, settings.threads))
    ends = None if max_seconds is None else began + max_seconds
    try:
        queue = list(watched.due_sources(engine, datetime.now(timezone.utc))) if once else None
        while not stop.is_set() and (ends is None or time.monotonic() < ends):
            try:
                if once:
                    queue = polls.start(queue, wait_for_hosts=True)
                    if not queue and not polls.running:
                        break
                else:
                    polls.start(list(watched.due_sources(engine, datetime.now(timezone.utc))), wait_for_hosts=False)
                if polls.running:
                    polls.finished(POLL_WAIT_SECONDS, lambda outcome: _account(outcome, summary, pending, log))
                    _extract(engine, summary, pending, settings, log)
                elif not once:
                    # Nothing due, nothing under way: the end of a round.
                    _extract(engine, summary, pending, settings, log, force=True)
                    stop.wait(_idle_seconds(engine, began, max_seconds))
            except StoreBusy as err:
                log(f"store busy, waiting {BUSY_PAUSE_SECONDS:g} s: {err}")
                stop.wait(BUSY_PAUSE_SECONDS)
    except fetch.Stopped:
        pass
    finally:
        # The polls under way end (a stop abandons their requests); what they stored is counted.
        polls.close()
        try:
            polls.finished(None, lambda outcome: _account(outcome, summary, pending, log))
        finally:
            client.close()
    if not stop.is_set():
        _extract(engine, summary, pending, settings, log, force=True)
        _frames(engine, summary, pending, log, force=once)
    summary.seconds = time.monotonic() - began
    # Stopped: articles stored and not yet extracted are extracted by the next run (or ``extract``),
    # which finds them by their missing extraction; the stop does not wait for it.
    return summary


@dataclasses.dataclass
class _Pending:
    stored: int = 0  # articles stored and not yet extracted
    since: float = dataclasses.field(default_factory=time.monotonic)
    # The actor dictionary, loaded once and again only when its files change: extraction keeps
    # caches per dictionary, and a dictionary loaded anew every round grew the watcher by
    # ~250 MB a round (benchmarks/watch_soak.py), besides costing seconds each time.
    dictionary: pipeline.actor_dictionary.Dictionary | None = None
    version: str | None = None
    frames_stale: bool = False  # articles extracted since the dashboard's frames were last written
    frames_at: float | None = None  # when they were last written (monotonic)
    frames_seconds: float = 0.0  # how long that took

    def current_dictionary(self) -> pipeline.actor_dictionary.Dictionary | None:
        version = pipeline.dictionary_version()
        if self.dictionary is None or version != self.version:
            try:
                self.dictionary, self.version = pipeline.load_dictionary(), version
            except InputError:  # a broken file: the pipeline's extraction says so, once per round
                self.dictionary, self.version = None, None
        return self.dictionary


class _Polls:
    """Polls under way on a small thread pool, one source of a host at a time: the host's
    politeness lets one request to it through at a time anyway, so a second poll of it would only
    hold a thread waiting. Each poll writes the store in its own short transactions (an item and
    its seen record; the source's state), which SQLite's writers take in turn (``BEGIN
    IMMEDIATE`` waiting up to the busy timeout); a source is never polled by two threads at once,
    so its new items are fetched once. The outcomes are counted, and the articles extracted, in
    the watcher's own thread."""

    def __init__(self, engine: sa.Engine, http: polling.Http, lexicon, threads: int):
        self.engine, self.http, self.lexicon, self.threads = engine, http, lexicon, threads
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="geowire-poll")
        self.under_way: dict[Future, tuple[int, str]] = {}  # the poll -> (its source, its host)

    @property
    def running(self) -> int:
        return len(self.under_way)

    def start(self, sources: list[watched.WatchedSource], wait_for_hosts: bool) -> list[watched.WatchedSource]:
        """Start polls of ``sources``, in their order, while a thread is free; returns those not
        started: under way already, of a host under way, or (unless ``wait_for_hosts``, when the
        poll waits for the host's turn) of a host whose turn has not come."""
        sources_under_way = {source_id for source_id, _ in self.under_way.values()}
        hosts_under_way = {host for _, host in self.under_way.values()}
        left = []
        for source in sources:
            host = politeness.origin(source.url)
            if (len(self.under_way) >= self.threads or source.source_id in sources_under_way
                    or host in hosts_under_way
                    or (not wait_for_hosts and self.http.polite.next_turn(source.url) > 0)):
                left.append(source)
                continue
            future = self.pool.submit(polling.poll, self.engine, source, self.http, self.lexicon)
            self.under_way[future] = (source.source_id, host)
            sources_under_way.add(source.source_id)
            hosts_under_way.add(host)
        return left

    def finished(self, timeout: float | None, account: Callable[[polling.PollOutcome], None]) -> None:
        """Wait up to ``timeout`` seconds for a poll to end (None: for all of them) and ``account``
        for each that ended. A poll's ``StoreError`` is raised after the others are counted; a
        poll abandoned by the stop counts for nothing (its source is polled again whole)."""
        if not self.under_way:
            return
        done, _ = futures.wait(self.under_way, timeout=timeout,
                               return_when=futures.ALL_COMPLETED if timeout is None else futures.FIRST_COMPLETED)
        failed = None
        for future in done:
            del self.under_way[future]
            try:
                account(future.result())
            except fetch.Stopped:
                pass
            except StoreError as err:
                failed = failed or err
        if failed is not None:
            raise failed

    def close(self) -> None:
        """No new polls; those under way end (a stop abandons their requests)."""
        self.pool.shutdown(wait=True)


def _account(outcome: polling.PollOutcome, summary: WatchSummary, pending: _Pending, log) -> None:
    summary.polls += 1
    summary.unchanged += outcome.unchanged
    summary.failures += outcome.error is not None
    summary.stored += outcome.stored
    summary.duplicates += outcome.duplicates
    summary.rejected += outcome.rejected
    summary.pages += outcome.pages
    pending.stored += outcome.stored
    if outcome.error or outcome.stored or outcome.rejected:
        log(outcome.describe())


def _extract(engine, summary: WatchSummary, pending: _Pending, settings: Settings, log, force: bool = False) -> None:
    """Extract the articles stored since the last time, every EXTRACT_EVERY_SECONDS (``force``:
    now), and write the dashboard's frames when they are due (``_frames``)."""
    if pending.stored and (force or time.monotonic() - pending.since >= EXTRACT_EVERY_SECONDS):
        stored, pending.stored, pending.since = pending.stored, 0, time.monotonic()
        run = pipeline.extract(engine, dictionary=pending.current_dictionary(), with_frames=False)
        pending.frames_stale = True
        for line in run.steps_not_done():
            summary.problems.append(line)
            log(line)
        translation = settings.translation
        if translation is not None and translation.configured:
            translated = pipeline.translate(engine, translation, limit=stored)
            if translated.failed:
                log(f"translation: {translated.describe()}")
    _frames(engine, summary, pending, log)


def _frames(engine, summary: WatchSummary, pending: _Pending, log, force: bool = False) -> None:
    """The dashboard's frames, rewritten from the whole store (their actor table and stories group
    the whole corpus, so they cannot be appended to): at most every FRAMES_EVERY_SECONDS, and
    never more often than FRAMES_COST_FACTOR times what the last write took, so that a store
    growing for weeks costs the watcher a bounded share of its time, not all of it. A dashboard
    open meanwhile sees the new articles all the same: it derives the frames of a revision that has
    none itself."""
    if not pending.frames_stale:
        return
    now = time.monotonic()
    if not force and pending.frames_at is not None and \
            now - pending.frames_at < max(FRAMES_EVERY_SECONDS, FRAMES_COST_FACTOR * pending.frames_seconds):
        return
    run = pipeline.write_frames(engine, pending.current_dictionary())
    pending.frames_stale, pending.frames_at, pending.frames_seconds = False, now, time.monotonic() - now
    for line in run.steps_not_done():
        summary.problems.append(line)
        log(line)


def _idle_seconds(engine, began: float, max_seconds: float | None) -> float:
    """How long to sleep before the next round: until the next source is due, at most RESCAN_SECONDS."""
    due = watched.next_poll_at(engine)
    wait = RESCAN_SECONDS if due is None else (due - datetime.now(timezone.utc)).total_seconds()
    wait = min(max(wait, 0.05), RESCAN_SECONDS)
    if max_seconds is not None:
        wait = min(wait, max(0.0, max_seconds - (time.monotonic() - began)))
    return wait
