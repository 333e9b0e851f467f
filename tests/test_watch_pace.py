"""The watcher's pace on many sources (tests/feed_server.py, 127.0.0.1 only): polls of different
hosts under way at once, one poll of a host at a time; the articles extracted every round while
the dashboard's frames, rewritten from the whole store, are written at a slower pace of their own;
the matcher's word caches bounded together, whatever the number of languages read."""
import threading
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from core import config, pipeline, schema
from core.actors import lookup
from core.monitor import fetch, politeness, watcher
from core.store import database, frame_cache
from tests.feed_server import FeedServer, words

DEADLINE = 1.5
SLOW = watcher.Settings(limits=fetch.Limits(connect_timeout=2, read_timeout=1, deadline=DEADLINE),
                        politeness=politeness.Settings(host_interval=0.02, robots_ttl=60, robots_retry=60))


@pytest.fixture
def store(tmp_path):
    return database.connect(f"sqlite:///{tmp_path / 'store.db'}")


def add_source(engine, url: str, name: str, interval: int = 60) -> None:
    with engine.begin() as conn:
        conn.execute(schema.sources.insert().values(url=url, name=name, kind="rss", interval_seconds=interval,
                                                    added_at=datetime.now(timezone.utc)))


def errors(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(schema.sources.c.name, schema.sources.c.last_error)).all())


def timed_once(engine, threads: int) -> float:
    began = time.monotonic()
    watcher.watch(engine, threading.Event(), settings=watcher.Settings(
        limits=SLOW.limits, politeness=SLOW.politeness, threads=threads), once=True)
    return time.monotonic() - began


def test_hosts_are_polled_at_once_and_each_host_one_poll_at_a_time(store):
    # Four sites, each with a feed that trickles a byte at a time until the deadline cuts it off.
    sites = [FeedServer().start() for _ in range(4)]
    try:
        for number, site in enumerate(sites):
            add_source(store, site.url("/slow"), f"Trickle {number}")
        parallel = timed_once(store, threads=8)
        assert all("within 1.5 s" in error for error in errors(store).values())
        with store.begin() as conn:
            conn.execute(schema.sources.update().values(next_poll_at=None))
        one_at_a_time = timed_once(store, threads=1)
        # Each poll waits out its deadline: one after the other they take four deadlines.
        assert one_at_a_time >= 4 * DEADLINE
        assert parallel < 2.5 * DEADLINE, (parallel, one_at_a_time)
    finally:
        for site in sites:
            site.stop()


def test_two_sources_of_one_host_are_not_polled_at_once(store):
    site = FeedServer().start()
    try:
        add_source(store, site.url("/slow"), "Trickle")
        add_source(store, site.url("/slow?again"), "Trickle again")
        # The threads are free, but the host takes one poll at a time.
        assert timed_once(store, threads=8) >= 2 * DEADLINE
    finally:
        site.stop()


def frames_revisions(cache_dir) -> set[int]:
    return {int(path.name.split("-")[1]) for path in cache_dir.glob("articles-*")} if cache_dir.exists() else set()


def extracted(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(schema.extractions)).scalar()


def test_articles_are_extracted_every_round_and_the_frames_written_at_their_own_pace(store, monkeypatch):
    monkeypatch.setattr(watcher, "EXTRACT_EVERY_SECONDS", 0.2)
    site = FeedServer().start()
    cache_dir = config.frames_cache_dir(str(store.url))
    try:
        add_source(store, site.add_feed("world", [site.item("w0", full=True)]), "World", interval=1)
        stop = threading.Event()
        thread = threading.Thread(target=watcher.watch, args=(store, stop),
                                  kwargs={"settings": SLOW, "max_seconds": 30})
        thread.start()
        try:
            for number in range(1, 4):
                deadline = time.monotonic() + 10
                while extracted(store) < number and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert extracted(store) == number
                site.publish("world", site.item(f"w{number}", full=True))
            deadline = time.monotonic() + 10
            while extracted(store) < 4 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()
            thread.join(10)
        assert not thread.is_alive()
        # Every article extracted as it came, by its round...
        assert extracted(store) == 4
        # ...and the frames written once, after the first round: not again within FRAMES_EVERY_SECONDS.
        revision = database.revision(store)
        assert frames_revisions(cache_dir) and max(frames_revisions(cache_dir)) < revision
        # A dashboard reading the store now sees every article all the same: it derives the
        # frames of a revision that has none.
        assert len(frame_cache.cached_articles(store, cache_dir)) == 4
        assert frames_revisions(cache_dir) == {revision}
        # `watch --once` (and the end of a run with nothing stopped) leaves the frames written.
        site.publish("world", site.item("w4", full=True))
        with store.begin() as conn:
            conn.execute(schema.sources.update().values(next_poll_at=None))
        watcher.watch(store, threading.Event(), settings=SLOW, once=True)
        assert extracted(store) == 5 and frames_revisions(cache_dir) == {database.revision(store)}
    finally:
        site.stop()


def test_the_frames_pace_follows_what_a_write_costs(store, monkeypatch):
    pending = watcher._Pending(frames_stale=True, frames_at=time.monotonic() - watcher.FRAMES_EVERY_SECONDS - 1)
    writes = []
    monkeypatch.setattr(pipeline, "write_frames", lambda engine, dictionary: writes.append(1) or pipeline.PipelineRun())
    summary = watcher.WatchSummary()
    # The last write took 30 s: the next waits ten times as long, not FRAMES_EVERY_SECONDS.
    pending.frames_seconds = 30.0
    watcher._frames(store, summary, pending, print)
    assert writes == [] and pending.frames_stale
    pending.frames_at = time.monotonic() - 301
    watcher._frames(store, summary, pending, print)
    assert writes == [1] and not pending.frames_stale
    # Nothing new extracted since: nothing written, however long ago.
    pending.frames_at = time.monotonic() - 10_000
    watcher._frames(store, summary, pending, print)
    assert writes == [1]


def test_the_word_caches_of_all_languages_share_one_bound(monkeypatch):
    monkeypatch.setattr(lookup, "MAX_CACHED_WORDS", 2_000)
    monkeypatch.setattr(lookup, "_CHECK_EVERY", 100)
    dictionary = pipeline.load_dictionary()
    indexes = [lookup.for_language(dictionary, language) for language in ("en", "de", "fr", "es")]
    for index in indexes:
        index.words.clear()
    for number, index in enumerate(indexes):
        # New words, as the press keeps bringing: each language reads 1,500 it has not seen.
        for word in dict.fromkeys(words(f"vocabulary {number}", 2_500).replace(".", "").split()[:1_500]):
            lookup.word_info(index, word)
    held = sum(len(index.words) for index in indexes)
    assert held <= 2_000 + 100
    # What is held still works: a word asked again is the same entry.
    last = indexes[-1]
    word = next(iter(last.words))
    assert lookup.word_info(last, word) is last.words[word]
