"""The watcher against a hostile local site (tests/feed_server.py, 127.0.0.1 only): new items stored
once each through the pipeline, conditional requests and 304s, full pages for teasers, robots.txt
obeyed, every kind of failure recorded for its source alone while the others flow, backoff."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core import schema
from core.monitor import fetch, politeness, polling, watcher
from core.store import database
from tests.feed_server import FeedServer

FAST = watcher.Settings(limits=fetch.Limits(connect_timeout=2, read_timeout=1, deadline=1.5),
                        politeness=politeness.Settings(host_interval=0.02, robots_ttl=60, robots_retry=60))


@pytest.fixture
def server():
    site = FeedServer().start()
    yield site
    site.stop()


@pytest.fixture
def store(tmp_path):
    return database.connect(f"sqlite:///{tmp_path / 'store.db'}")


def add_source(engine, url: str, name: str, kind: str = "rss", interval: int = 60) -> int:
    """A registry row as the `sources` command writes it (the registry itself is not under test)."""
    with engine.begin() as conn:
        return conn.execute(schema.sources.insert().values(
            url=url, name=name, kind=kind, interval_seconds=interval, added_at=datetime.now(timezone.utc))
        ).inserted_primary_key[0]


def sources(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {row["name"]: dict(row) for row in conn.execute(sa.select(schema.sources)).mappings()}


def articles(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(sa.select(schema.articles)).mappings()]


def make_due(engine) -> None:
    with engine.begin() as conn:
        conn.execute(schema.sources.update().values(next_poll_at=None))


def watch_once(engine):
    return watcher.watch(engine, threading.Event(), settings=FAST, once=True)


def test_new_items_are_stored_once_each_with_conditional_requests_and_full_pages(server, store):
    full = [server.item(f"full{i}", full=True) for i in range(3)]
    teasers = [server.item("teaser1"), server.item("teaser2"), server.item("secret", path="/private/")]
    # Without a link: a brief of a headline and 8 words is kept; a headline over nothing cannot be read anywhere.
    linkless = server.item("nolink", full=True, link=False, words_count=8)
    empty = server.item("empty", full=True, link=False, words_count=0)
    add_source(store, server.add_feed("world", full), "World Desk")
    add_source(store, server.add_feed("briefs", [*teasers, linkless, empty]), "Briefs")
    atom = server.add_feed("atomic", [server.item("atom1", full=True), server.item("atom2")], atom=True)
    add_source(store, atom, "Atomic", kind="atom")

    first = watch_once(store)
    assert first.failures == 0
    stored = {a["url"]: a for a in articles(store)}
    expected = {server.url(i.link) for i in [*full, *teasers]} | {server.url("/article/atom1.html"),
                                                                 server.url("/article/atom2.html"), None}
    assert set(stored) == expected
    assert stored[None]["title"] == linkless.title and len(stored[None]["text"].split()) == 8
    assert stored[server.url("/article/full0.html")]["source"] == "World Desk"
    assert stored[server.url("/article/full0.html")]["format"] == "rss"
    assert stored[server.url("/article/atom1.html")]["format"] == "atom"
    # A teaser's article is its page, read by trafilatura: the whole text, not the feed's 30 words.
    teaser = stored[server.url("/article/teaser1.html")]
    assert teaser["format"] == "html" and len(teaser["text"].split()) > 150
    assert teaser["origin_file"] == teaser["url"]
    assert teaser["published"] is not None
    # robots.txt forbids /private/: its page is never asked for; the feed's summary is stored instead.
    assert server.hits["/private/secret.html"] == 0
    secret = stored[server.url("/private/secret.html")]
    assert len(secret["text"].split()) == 30
    with store.connect() as conn:
        notes = conn.execute(sa.select(schema.ingest_log.c.message).where(schema.ingest_log.c.status == "note")).scalars().all()
    assert any("robots.txt" in note and "feed's text" in note for note in notes)
    # Each page fetched once; robots.txt read once for the host.
    assert server.page_hits() == {"/article/teaser1.html": 1, "/article/teaser2.html": 1, "/article/atom2.html": 1}
    assert server.hits["/robots.txt"] == 1
    assert all(agent.startswith("Geowire/") for agent in server.user_agents)
    # The item without a link or text: not stored, recorded for its source.
    health = sources(store)
    assert "item not stored" in health["Briefs"]["last_error"] and "neither a link nor any text" in health["Briefs"]["last_error"]
    assert health["World Desk"]["last_error"] is None
    assert health["World Desk"]["items_stored"] == 3 and health["Briefs"]["items_stored"] == 4
    assert health["World Desk"]["etag"] and health["World Desk"]["last_success_at"] is not None
    assert health["World Desk"]["next_poll_at"] > health["World Desk"]["last_polled_at"]
    # The articles went through extraction (the pipeline's step after the ingest).
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.extractions)).scalar() == len(expected)

    # Later: two new items on one feed; the others unchanged answer 304 to If-None-Match.
    fresh = [server.item("full3", full=True), server.item("teaser3")]
    server.publish("world", *fresh)
    make_due(store)
    second = watch_once(store)
    assert second.stored == 2 and second.unchanged == 2
    assert server.not_modified["/feed/briefs.xml"] == 1 and server.conditional["/feed/world.xml"] == 1
    urls = [a["url"] for a in articles(store)]
    assert len(urls) == len(set(urls)) == len(expected) + 2
    assert server.page_hits()["/article/teaser3.html"] == 1
    assert all(count == 1 for count in server.page_hits().values())
    assert sources(store)["World Desk"]["items_stored"] == 5

    # A third poll finds nothing new and fetches no page again.
    make_due(store)
    third = watch_once(store)
    assert third.stored == 0 and all(count == 1 for count in server.page_hits().values())


def test_each_failure_is_recorded_for_its_source_and_the_others_keep_flowing(server, store):
    good = add_source(store, server.add_feed("good", [server.item("g1", full=True)]), "Good")
    failing = {
        "Missing": ("/status/404", "HTTP 404"),
        "Broken": ("/status/500", "HTTP 500"),
        "Garbage": ("/garbage", "not a readable RSS/Atom feed"),
        "Trickle": ("/slow", "within 1.5 s"),
        "Huge": ("/huge", "over the 10 MB limit"),
        "Loop": ("/loop/a", "redirect loop"),
        "Forbidden": ("/private/feed.xml", "robots.txt"),
    }
    for name, (path, _) in failing.items():
        add_source(store, server.url(path), name, interval=100)
    summary = watch_once(store)
    assert summary.failures == len(failing) and summary.stored == 1
    health = sources(store)
    for name, (_, reason) in failing.items():
        assert reason in health[name]["last_error"], (name, health[name]["last_error"])
        assert health[name]["consecutive_failures"] == 1
        assert health[name]["last_success_at"] is None
        # Backed off: twice the interval after one failure.
        delay = (health[name]["next_poll_at"] - health[name]["last_polled_at"]).total_seconds()
        assert delay == pytest.approx(200, abs=1), name
    assert health["Good"]["last_error"] is None and health["Good"]["consecutive_failures"] == 0
    assert [a["url"] for a in articles(store)] == [server.url("/article/g1.html")]
    # The 50 MB answer was cut off, not read whole (a few MB sit in the socket buffers).
    assert server.huge_sent < 20 * 2**20
    assert server.hits["/private/feed.xml"] == 0
    assert good


def test_backoff_doubles_per_failure_is_capped_and_honours_retry_after(server, store):
    assert polling.next_delay(60, 0) == 60
    assert [polling.next_delay(60, n) for n in (1, 2, 3)] == [120, 240, 480]
    assert polling.next_delay(60, 30) == polling.MAX_BACKOFF_SECONDS
    assert polling.next_delay(86400, 5) == 86400  # never less than the interval
    assert polling.next_delay(60, 1, retry_after=900) == 900
    add_source(store, server.url("/status/503"), "Busy", interval=10)
    for failures in (1, 2):
        make_due(store)
        watch_once(store)
        row = sources(store)["Busy"]
        assert row["consecutive_failures"] == failures
        assert (row["next_poll_at"] - row["last_polled_at"]).total_seconds() == pytest.approx(120, abs=1)


def test_a_restarted_watcher_continues_the_schedule(server, store):
    add_source(store, server.add_feed("daily", [server.item("d1", full=True)]), "Daily", interval=3600)
    watch_once(store)
    due = sources(store)["Daily"]["next_poll_at"]
    assert due > datetime.now() + timedelta(minutes=59)  # SQLite gives UTC back naive
    hits = server.hits["/feed/daily.xml"]
    watch_once(store)  # nothing is due: nothing is asked
    assert server.hits["/feed/daily.xml"] == hits


def test_robots_txt_that_cannot_be_read_holds_the_host_and_4xx_means_no_rules(store):
    site = FeedServer(robots=None).start()  # robots.txt answers 404: everything allowed
    try:
        add_source(store, site.add_feed("open", [site.item("o1"), site.item("p1", path="/private/")]), "Open")
        watch_once(store)
        assert site.page_hits() == {"/article/o1.html": 1, "/private/p1.html": 1}
    finally:
        site.stop()


def test_a_stop_abandons_the_request_under_way(server, store):
    add_source(store, server.url("/slow"), "Trickle")
    stop = threading.Event()
    slow = watcher.Settings(limits=fetch.Limits(deadline=60, read_timeout=5),
                            politeness=politeness.Settings(host_interval=0.01))
    done = []
    thread = threading.Thread(target=lambda: done.append(watcher.watch(store, stop, settings=slow)))
    thread.start()
    threading.Event().wait(1.0)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and done
    # Abandoned, not failed: the source's state is as before, so it is polled again whole.
    assert sources(store)["Trickle"]["last_polled_at"] is None
