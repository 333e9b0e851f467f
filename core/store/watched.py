"""What the watcher (``core.monitor``) reads and writes: the followed sources due for a poll, each
source's polling state, and the items it has seen, stored in the same transaction as their
articles.

An item is recorded as seen (``schema.seen_items``) in the transaction that stores its article,
merges it into a duplicate, or rejects it: after a kill at any moment an item is either stored and
seen, or neither, so it is never lost once reported stored and never fetched again afterwards.
The keys are checked again inside that transaction, so an item stored by another writer meanwhile
is not stored twice.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime

import sqlalchemy as sa

from core import schema
from core.errors import StoreError
from core.store import article_rows, database, ingested

_SOURCES = schema.sources
_SEEN = schema.seen_items
# Keys of seen items asked about at once: one IN list, well under every database's parameter limit.
_KEYS_AT_ONCE = 500


@dataclasses.dataclass(frozen=True)
class WatchedSource:
    """A followed source as the watcher needs it: what to poll and what it kept from the last poll."""
    source_id: int
    url: str
    name: str
    kind: str
    language: str | None
    interval_seconds: int
    etag: str | None
    last_modified: str | None
    next_poll_at: datetime | None
    consecutive_failures: int


@dataclasses.dataclass(frozen=True)
class SeenItem:
    """The item a prepared row comes from: its source, its key, its link."""
    source_id: int
    item_key: str
    url: str | None


@dataclasses.dataclass
class FetchedResult:
    """What storing a batch of fetched items did: articles ``stored`` (their ids in
    ``article_ids``), items merged as ``duplicates``, items ``rejected`` (``rejections``: link or
    key, reason), and items ``already_seen`` (stored meanwhile by another writer: left alone)."""
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    already_seen: int = 0
    article_ids: list[str] = dataclasses.field(default_factory=list)
    rejections: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def due_sources(engine: sa.Engine, now: datetime) -> list[WatchedSource]:
    """The sources not paused whose next poll is due (never polled first, then the most overdue)."""
    query = (sa.select(_SOURCES).where(_SOURCES.c.paused == sa.false())
             .where(sa.or_(_SOURCES.c.next_poll_at.is_(None), _SOURCES.c.next_poll_at <= now))
             .order_by(_SOURCES.c.next_poll_at.is_not(None), _SOURCES.c.next_poll_at, _SOURCES.c.source_id))
    with engine.connect() as conn:
        return [WatchedSource(row["source_id"], row["url"], row["name"], row["kind"], row["language"],
                              int(row["interval_seconds"]), row["etag"], row["last_modified"], database.utc(row["next_poll_at"]),
                              int(row["consecutive_failures"] or 0))
                for row in conn.execute(query).mappings()]


def next_poll_at(engine: sa.Engine) -> datetime | None:
    """When the next source not paused is due (None: no source to poll)."""
    with engine.connect() as conn:
        return database.utc(conn.execute(sa.select(sa.func.min(_SOURCES.c.next_poll_at))
                                .where(_SOURCES.c.paused == sa.false())).scalar())


def record_poll(engine: sa.Engine, source_id: int, **values) -> None:
    """Write the polling state of one source (columns of ``schema.sources`` the watcher keeps:
    etag, last_modified, next_poll_at, last_polled_at, last_success_at, last_error_at,
    last_error, consecutive_failures)."""
    unknown = set(values) - _POLL_COLUMNS
    if unknown:
        raise KeyError(f"not a polling column of sources: {', '.join(sorted(unknown))}")
    with database._writing(engine) as conn:
        conn.execute(_SOURCES.update().where(_SOURCES.c.source_id == source_id).values(**values))


_POLL_COLUMNS = {"etag", "last_modified", "next_poll_at", "last_polled_at", "last_success_at", "last_error_at",
                 "last_error", "consecutive_failures"}


def seen_keys(engine: sa.Engine, source_id: int, keys: list[str]) -> set[str]:
    """Which of ``keys`` the source's items were already seen under."""
    with engine.connect() as conn:
        return _seen(conn, source_id, keys)


def _seen(conn: sa.Connection, source_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _KEYS_AT_ONCE):
        found.update(conn.execute(sa.select(_SEEN.c.item_key).where(_SEEN.c.source_id == source_id)
                                  .where(_SEEN.c.item_key.in_(keys[start:start + _KEYS_AT_ONCE]))).scalars())
    return found


def save_fetched(engine: sa.Engine, rows: list[dict], items: list[SeenItem], now: datetime) -> FetchedResult:
    """Store prepared rows of fetched items (one per item, in order; ``core.ingest.fetched``) with
    their seen-item records, their ingest log lines and their sources' counts, in one transaction.
    Deduplication is the ingest's (``core.store.article_rows``): a known article or a near-identical
    body from the same source is merged, another source's copy is linked through ``duplicate_of``.
    Raises ``StoreBusy`` or ``StoreWriteError``; nothing of the batch is then stored."""
    result = FetchedResult()
    try:
        with database._writing(engine, lock="ingest") as conn:
            already = set()
            for source_id in {item.source_id for item in items}:
                already |= {(source_id, key) for key in
                            _seen(conn, source_id, [i.item_key for i in items if i.source_id == source_id])}
            writer = article_rows.Writer(conn, now)
            fresh = [(row, item) for row, item in zip(rows, items) if (item.source_id, item.item_key) not in already]
            result.already_seen = len(items) - len(fresh)
            writer.look_up(row for row, _ in fresh)
            seen_rows, stored_by_source, log_by_origin = [], {}, {}
            for row, item in fresh:
                counts, log = ingested.FileResult(), []
                writer.save(row, counts, log)
                article_id = next((line[3] for line in log if line[3]), None)
                problem = next((line[2] for line in log if line[1] == "rejected"), None)
                result.stored += counts.stored
                result.duplicates += counts.duplicates
                result.rejected += counts.rejected
                if counts.stored:
                    result.article_ids.append(article_id)
                    stored_by_source[item.source_id] = stored_by_source.get(item.source_id, 0) + 1
                if problem:
                    result.rejections.append((item.url or item.item_key, problem))
                seen_rows.append({"source_id": item.source_id, "item_key": item.item_key, "url": item.url,
                                  "article_id": article_id, "problem": problem, "at": now})
                log_by_origin.setdefault(row.get("origin_file") or item.url or "", []).extend(log)
            writer.flush()
            if seen_rows:
                conn.execute(_SEEN.insert(), seen_rows)
            for origin, log in log_by_origin.items():
                ingested._write_log(conn, origin, log, now)
            for source_id, stored in stored_by_source.items():
                conn.execute(_SOURCES.update().where(_SOURCES.c.source_id == source_id)
                             .values(items_stored=_SOURCES.c.items_stored + stored, last_new_item_at=now))
            database._bump_revision(conn)
    except StoreError as err:
        raise err.during(items[0].url if items else "the store") from err.__cause__
    return result
