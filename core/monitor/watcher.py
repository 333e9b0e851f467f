"""The watcher: polls every followed source on its interval until stopped (``python -m core watch``).

Scheduling is a small loop over the store's ``sources.next_poll_at``, not a scheduler library
(APScheduler, sched): the schedule has to live in the store anyway, so that a restart continues it
and the ``sources`` command or the app can add, pause or change a source while the watcher runs,
from another process. A scheduler's in-memory jobs would be a second copy of that table to keep in
step; reading the due sources again every round (one indexed query) is the schedule itself.

A round polls every due source whose host may be asked now (``politeness``), in order of how
overdue it is; a source whose host is busy waits for the next round, so one slow or rate-limited
host does not hold the others. Articles stored by the polls are extracted (and translated, when a
provider is configured) every ``EXTRACT_EVERY_SECONDS`` and at the end of each round, through the
pipeline, so the dashboard and the stages after extraction (alerts) see them.

``stop`` (set by SIGINT/SIGTERM in the CLI, or by a test) ends the watcher after the poll under
way: a request in flight is abandoned, an item is stored whole or not at all, and nothing
half-done is committed.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

import sqlalchemy as sa

from core import config, pipeline
from core.errors import InputError, StoreBusy
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
    try:
        while not stop.is_set():
            if max_seconds is not None and time.monotonic() - began >= max_seconds:
                break
            try:
                polled = _round(engine, http, lexicon, stop, summary, pending, settings, log, once, began, max_seconds)
            except StoreBusy as err:
                log(f"store busy, waiting {BUSY_PAUSE_SECONDS:g} s: {err}")
                stop.wait(BUSY_PAUSE_SECONDS)
                continue
            if not stop.is_set():
                _extract(engine, summary, pending, settings, log, force=True)
            if once:
                break
            if not polled:
                stop.wait(_idle_seconds(engine, began, max_seconds))
    except fetch.Stopped:
        pass
    finally:
        client.close()
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

    def current_dictionary(self) -> pipeline.actor_dictionary.Dictionary | None:
        version = pipeline.dictionary_version()
        if self.dictionary is None or version != self.version:
            try:
                self.dictionary, self.version = pipeline.load_dictionary(), version
            except InputError:  # a broken file: the pipeline's extraction says so, once per round
                self.dictionary, self.version = None, None
        return self.dictionary


def _round(engine, http: polling.Http, lexicon, stop: threading.Event, summary: WatchSummary, pending: _Pending,
           settings: Settings, log, once: bool, began: float, max_seconds: float | None) -> int:
    """Poll the due sources whose hosts are free (all due ones with ``once``, waiting for their
    hosts); returns how many were polled."""
    polled = 0
    for source in watched.due_sources(engine, datetime.now(timezone.utc)):
        if stop.is_set() or (max_seconds is not None and time.monotonic() - began >= max_seconds):
            break
        if not once and http.polite.next_turn(source.url) > 0:
            continue
        outcome = polling.poll(engine, source, http, lexicon)
        polled += 1
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
        _extract(engine, summary, pending, settings, log)
    return polled


def _extract(engine, summary: WatchSummary, pending: _Pending, settings: Settings, log, force: bool = False) -> None:
    if not pending.stored or (not force and time.monotonic() - pending.since < EXTRACT_EVERY_SECONDS):
        return
    stored, pending.stored, pending.since = pending.stored, 0, time.monotonic()
    run = pipeline.extract(engine, dictionary=pending.current_dictionary())
    for line in run.steps_not_done():
        summary.problems.append(line)
        log(line)
    translation = settings.translation
    if translation is not None and translation.configured:
        translated = pipeline.translate(engine, translation, limit=stored)
        if translated.failed:
            log(f"translation: {translated.describe()}")


def _idle_seconds(engine, began: float, max_seconds: float | None) -> float:
    """How long to sleep before the next round: until the next source is due, at most RESCAN_SECONDS."""
    due = watched.next_poll_at(engine)
    wait = RESCAN_SECONDS if due is None else (due - datetime.now(timezone.utc)).total_seconds()
    wait = min(max(wait, 0.05), RESCAN_SECONDS)
    if max_seconds is not None:
        wait = min(wait, max(0.0, max_seconds - (time.monotonic() - began)))
    return wait
