"""Source health from the watcher's columns, on constructed rows: each threshold is crossed on
one side and not on the other, and items per day are counted from the items the watcher stored."""
import dataclasses
import datetime as dt

import pytest

from core import schema
from core.monitor import health, sources
from core.monitor.sources import SourceDetails
from core.store.source_registry import Source

NOW = dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.timezone.utc)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
ADDED = NOW - 30 * DAY


def _source(**state) -> Source:
    return Source(source_id=1, url="https://a.example/rss", name="A", kind="rss", country=None, language=None,
                  owner=None, state_affiliated=None, notes=None, interval_seconds=900, paused=False, added_at=ADDED,
                  **state)


def _polled_ok(**state) -> Source:
    return _source(last_polled_at=NOW - HOUR, last_success_at=NOW - HOUR, **state)


def test_never_polled_and_paused():
    assert health.classify(_source(), 0, NOW).status == health.NEVER_POLLED
    assert health.classify(dataclasses.replace(_polled_ok(), paused=True), 0, NOW).status == health.PAUSED


def test_ok_when_the_last_poll_succeeded_and_items_come_at_their_usual_rate():
    state = health.classify(_polled_ok(last_new_item_at=NOW - 2 * HOUR), 70, NOW)
    assert state.status == health.OK
    assert state.items_per_day == pytest.approx(10.0)  # 70 over the week


def test_failing_says_the_reason_and_how_many_polls_failed():
    source = _source(last_polled_at=NOW, last_success_at=NOW - 2 * HOUR, last_error_at=NOW,
                     last_error="HTTP 503 Service Unavailable", consecutive_failures=3, last_new_item_at=NOW - 3 * HOUR)
    state = health.classify(source, 50, NOW)
    assert state.status == health.FAILING
    assert state.reason == "3 failed polls in a row: HTTP 503 Service Unavailable"


def test_a_success_after_an_error_is_ok_again():
    source = _polled_ok(last_error_at=NOW - 2 * HOUR, last_error="timeout", consecutive_failures=0,
                        last_new_item_at=NOW - HOUR)
    assert health.classify(source, 20, NOW).status == health.OK


@pytest.mark.parametrize("failures, since_success, status", [
    (health.DEAD_AFTER_FAILURES - 1, 2 * HOUR, health.FAILING),
    (health.DEAD_AFTER_FAILURES, 2 * HOUR, health.DEAD),
    (2, health.DEAD_AFTER - HOUR, health.FAILING),
    (2, health.DEAD_AFTER, health.DEAD),
])
def test_dead_after_many_failures_or_a_long_time_failing(failures, since_success, status):
    source = _source(last_polled_at=NOW, last_success_at=NOW - since_success, last_error_at=NOW,
                     last_error="HTTP 404 Not Found", consecutive_failures=failures)
    state = health.classify(source, 0, NOW)
    assert state.status == status
    assert state.reason.endswith("HTTP 404 Not Found")


def test_a_source_that_never_succeeded_is_dead_after_the_same_time_since_it_was_added():
    source = dataclasses.replace(_source(last_polled_at=NOW, last_error_at=NOW, last_error="DNS: no such host",
                                         consecutive_failures=4), added_at=NOW - health.DEAD_AFTER)
    state = health.classify(source, 0, NOW)
    assert state.status == health.DEAD and "never succeeded" in state.reason


@pytest.mark.parametrize("per_week, quiet, status", [
    # 70 a week: a usual gap of 2.4 h, ten gaps are a day, and the floor is a day too.
    (70, health.SILENT_AFTER_AT_LEAST - HOUR, health.OK),
    (70, health.SILENT_AFTER_AT_LEAST, health.SILENT),
    # 5 a week: a gap of 1.4 days; six quiet days are within ten gaps.
    (5, 6 * DAY, health.OK),
    # nothing this week (whatever its rate before): silent after the floor.
    (0, health.SILENT_AFTER_AT_LEAST, health.SILENT),
])
def test_silent_when_nothing_new_for_far_longer_than_its_usual_gap(per_week, quiet, status):
    state = health.classify(_polled_ok(last_new_item_at=NOW - quiet), per_week, NOW)
    assert state.status == status
    if status == health.SILENT:
        assert state.reason.startswith("polls succeed but nothing new since")


def test_a_source_just_added_is_not_silent_and_its_rate_is_not_inflated():
    source = dataclasses.replace(_polled_ok(), added_at=NOW - 2 * HOUR)
    state = health.classify(source, 12, NOW)
    assert state.status == health.OK
    assert state.items_per_day == pytest.approx(12.0)  # counted over at least a day


def test_items_per_day_count_the_items_the_watcher_stored_from_each_source_this_week(engine):
    old = sources.add(engine, SourceDetails(url="https://a.example/rss", name="A")).source
    new = sources.add(engine, SourceDetails(url="https://b.example/rss", name="B")).source
    other = sources.add(engine, SourceDetails(url="https://c.example/rss", name="A")).source  # same outlet, own feed
    with engine.begin() as conn:
        conn.execute(schema.sources.update().values(added_at=NOW - 30 * DAY).where(schema.sources.c.name == "A"))
        conn.execute(schema.sources.update().values(added_at=NOW - 2 * DAY).where(schema.sources.c.name == "B"))
        rows = [(old, NOW - 1 * DAY, "a1"), (old, NOW - 6 * DAY, "a2"), (old, NOW - 8 * DAY, "a3"),  # the last is outside the week
                (old, NOW - 2 * HOUR, None),  # an item turned away: not stored
                (new, NOW - 1 * DAY, "b1"), (new, NOW - 3 * DAY, "b2"),  # before B was followed
                (other, NOW - HOUR, "c1")]
        conn.execute(schema.seen_items.insert(), [dict(
            source_id=source.source_id, item_key=f"{i:064d}", url=None, article_id=article, at=at)
            for i, (source, at, article) in enumerate(rows)])
        # Articles under the outlet's name that no poll brought (a file ingested by hand) are not the feed's.
        conn.execute(schema.articles.insert(), [dict(
            article_id=f"{i:032d}", source="A", text="t", content_hash="h" * 32, origin_file="f", origin_item=1,
            format="rss", ingested_at=NOW - HOUR) for i in range(5)])
    followed = [dataclasses.replace(old, added_at=NOW - 30 * DAY), dataclasses.replace(new, added_at=NOW - 2 * DAY),
                dataclasses.replace(other, added_at=NOW - 30 * DAY)]
    rates = {entry.source.source_id: entry.health.items_per_day for entry in health.of_sources(engine, followed, NOW)}
    assert rates == {old.source_id: pytest.approx(2 / 7), new.source_id: pytest.approx(1 / 2),
                     other.source_id: pytest.approx(1 / 7)}
