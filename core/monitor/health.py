"""Each followed source's health, read from what the watcher records after every poll (the
``sources`` columns ``last_polled_at``, ``last_success_at``, ``last_error_at``, ``last_error``,
``consecutive_failures``, ``last_new_item_at``) and the items it stored from the source lately:
``classify`` one source (pure: the clock is a parameter), ``of_sources`` for the registry.

Statuses: paused · never polled · ok · failing (the last poll failed) · dead (failing for long, or
many polls in a row) · silent (polls succeed but nothing new for much longer than its usual rate).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import sqlalchemy as sa

from core.store import source_registry
from core.store.source_registry import Source

PAUSED, NEVER_POLLED, OK, FAILING, DEAD, SILENT = "paused", "never polled", "ok", "failing", "dead", "silent"
STATUSES = (OK, SILENT, FAILING, DEAD, NEVER_POLLED, PAUSED)

# Items per day are counted over this window: a week holds a weekday/weekend cycle, so an outlet
# that rests on Sundays is not read as slowing down.
RATE_WINDOW = dt.timedelta(days=7)
# A rate over less than a day (a source added an hour ago) would be an hour's count times 24.
MIN_RATE_SPAN = dt.timedelta(days=1)
# Dead: this many failed polls in a row (at the 15-minute default, 2.5 hours of refusals; a feed
# that moved or a site that blocks us fails every time, a server's bad minute does not)...
DEAD_AFTER_FAILURES = 10
# ... or failing for this long since its last success (a slow feed polled daily reaches few
# failures but is as gone after three days of them).
DEAD_AFTER = dt.timedelta(days=3)
# Silent: nothing new for SILENT_FACTOR times its usual gap between items (the week's rate; a
# source that brought nothing in the whole week has no rate left, and the floor below applies)...
SILENT_FACTOR = 10
# ... and never before this: newsrooms pause overnight and at weekends, and a feed of four items a
# day is often quiet for half a day.
SILENT_AFTER_AT_LEAST = dt.timedelta(hours=24)


@dataclasses.dataclass(frozen=True)
class Health:
    status: str  # one of STATUSES
    reason: str  # one line saying why, for a person
    items_per_day: float  # items the watcher stored from the source per day, over RATE_WINDOW


@dataclasses.dataclass(frozen=True)
class SourceHealth:
    source: Source
    health: Health


def classify(source: Source, recent_items: int, now: dt.datetime) -> Health:
    """The health of ``source``, given ``recent_items``: the items the watcher stored from it since
    ``rate_since(source, now)``."""
    span = now - rate_since(source, now)
    rate = recent_items / (max(span, MIN_RATE_SPAN) / dt.timedelta(days=1))
    if source.paused:
        return Health(PAUSED, "the watcher skips it until it is resumed", rate)
    if source.last_polled_at is None and source.last_success_at is None and source.last_error_at is None:
        return Health(NEVER_POLLED, "the watcher has not polled it yet (python -m core watch)", rate)
    failed_last = source.last_error_at is not None and (
        source.last_success_at is None or source.last_error_at >= source.last_success_at)
    if failed_last:
        error = source.last_error or "no reason recorded"
        since = source.last_success_at or source.added_at
        failures = max(source.consecutive_failures, 1)
        if failures >= DEAD_AFTER_FAILURES or now - since >= DEAD_AFTER:
            last = f"no success since {since:%Y-%m-%d %H:%M} UTC" if source.last_success_at else "never succeeded"
            return Health(DEAD, f"{failures} failed polls in a row, {last}: {error}", rate)
        return Health(FAILING, f"{failures} failed poll{'s' if failures > 1 else ''} in a row: {error}", rate)
    newest = source.last_new_item_at or source.added_at
    quiet = now - newest
    if quiet >= silent_after(rate):
        said = f"nothing new since {newest:%Y-%m-%d %H:%M} UTC" if source.last_new_item_at else "nothing new yet"
        usual = f", {rate:.1f} a day over the last week" if rate else ""
        return Health(SILENT, f"polls succeed but {said} ({_span(quiet)}{usual})", rate)
    return Health(OK, f"last success {source.last_success_at:%Y-%m-%d %H:%M} UTC" if source.last_success_at
                  else "polled", rate)


def silent_after(items_per_day: float) -> dt.timedelta:
    """How long a source that succeeds may bring nothing new before it is called silent."""
    if items_per_day <= 0:
        return SILENT_AFTER_AT_LEAST
    return max(SILENT_AFTER_AT_LEAST, SILENT_FACTOR * dt.timedelta(days=1) / items_per_day)


def rate_since(source: Source, now: dt.datetime) -> dt.datetime:
    """Start of the window items per day are counted over: a week back, or when it was added if
    later (articles stored under the same name before it was followed were not its polls')."""
    return max(now - RATE_WINDOW, source.added_at)


def of_sources(engine: sa.Engine, sources: list[Source], now: dt.datetime) -> list[SourceHealth]:
    """Every source with its health, in the order given. One count of items for the sources
    whose window is the whole week (most), one for each source added within it."""
    windows: dict[dt.datetime, set[int]] = {}
    for source in sources:
        windows.setdefault(rate_since(source, now), set()).add(source.source_id)
    counts = {since: source_registry.items_since(engine, ids, since) for since, ids in windows.items()}
    return [SourceHealth(s, classify(s, counts[rate_since(s, now)].get(s.source_id, 0), now)) for s in sources]


def as_frame(entries: list[SourceHealth]) -> pd.DataFrame:
    """One row a source, for a table a person reads, health first: id, name, status, per_day
    (float), last_success, last_error_at (UTC times; NaT when never), last_error, reason, kind,
    country, language, state_affiliated ("yes" | "no" | "unknown"), owner, every (minutes between
    polls), url, notes."""
    rows = [{"id": e.source.source_id, "name": e.source.name, "status": e.health.status,
             "per_day": e.health.items_per_day, "last_success": e.source.last_success_at,
             "last_error_at": e.source.last_error_at, "last_error": e.source.last_error, "reason": e.health.reason,
             "kind": e.source.kind, "country": e.source.country, "language": e.source.language,
             "state_affiliated": {True: "yes", False: "no", None: "unknown"}[e.source.state_affiliated],
             "owner": e.source.owner, "every": e.source.interval_seconds / 60, "url": e.source.url,
             "notes": e.source.notes}
            for e in entries]
    frame = pd.DataFrame(rows, columns=["id", "name", "status", "per_day", "last_success", "last_error_at",
                                        "last_error", "reason", "kind", "country", "language", "state_affiliated",
                                        "owner", "every", "url", "notes"])
    for column in ("last_success", "last_error_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.astype({"id": "int64", "every": "float64", "per_day": "float64"})


def _span(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"
