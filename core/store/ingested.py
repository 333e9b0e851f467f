"""What the ingest stores: each file's articles (merged with their duplicates, or linked to the
same story from another source), its lines of the ingest log, and what the store remembers of the
file (``known_file``, ``touch_file``).

Writes are bounded: small files are stored whole, several to a transaction (``save_files``); a
large export (``save_file``) is committed in chunks of at most ``MAX_TRANSACTION_ROWS`` rows or
``MAX_TRANSACTION_SECONDS``, each recording how far into the file it got, so a killed or stopped
ingest keeps every chunk it reported and a re-run of the same file continues after the last one.
A file, or its chunk, that could not be written (a full disk) raises ``StoreWriteError`` and leaves
the store as it was after the last commit.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core import dedup, schema
from core.errors import StoreError
from core.store import database

# A large export commits at least this often, so that a second writer (another ingest, the
# extraction, a translation run) waits about this long for its turn, not for the whole file.
MAX_TRANSACTION_SECONDS = 2.0
# ... and at most this many rows per transaction: a few MB of WAL, while the commit's own
# bookkeeping (log rows, the file's progress, the revision) stays well under 1% of the work.
MAX_TRANSACTION_ROWS = 500
# Messages written to ingest_log are cut to this length: a note or a problem comes from the input
# (a header of a million column names), and the log is shown on the dashboard.
MAX_LOG_MESSAGE_CHARS = 2000
# The rejections of a file summed up in ingested_files.message, cut to this length.
MAX_FILE_MESSAGE_CHARS = 2000


@dataclasses.dataclass(frozen=True)
class FileState:
    """A file as it was read: a new size or modification time means look again, and the digest
    decides whether its bytes changed."""
    size: int
    mtime_ns: int
    sha256: str


@dataclasses.dataclass(frozen=True)
class KnownFile:
    """What the store remembers of a file (a row of ``ingested_files``): its state when last
    read, the counts of that ingest, and how far it got (``complete``; ``items_done`` for an
    export stored in chunks)."""
    path: str
    state: FileState
    stored: int
    duplicates: int
    rejected: int
    message: str | None
    items_done: int | None
    complete: bool


def known_file(engine: sa.Engine, path: str) -> KnownFile | None:
    table = schema.ingested_files
    with engine.connect() as conn:
        row = conn.execute(sa.select(table).where(table.c.path == path)).mappings().first()
    if row is None:
        return None
    return KnownFile(row["path"], FileState(row["size"], row["mtime_ns"], row["sha256"]), row["stored"],
                     row["duplicates"], row["rejected"], row["message"], row["items_done"], bool(row["complete"]))


def touch_file(engine: sa.Engine, path: str, state: FileState) -> None:
    """Record a new modification time for a file whose bytes did not change."""
    files = schema.ingested_files
    try:
        with database._writing(engine) as conn:
            conn.execute(files.update().where(files.c.path == path).values(size=state.size, mtime_ns=state.mtime_ns))
    except StoreError as err:
        raise err.during(path) from err.__cause__


@dataclasses.dataclass
class FileResult:
    """What storing one file did in this run."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    items: int = 0  # rows, lines or items of the file taken in this run, rejected ones included
    # (where in the file, why); where is None for a whole file, or the rest of one, rejected
    rejections: list[tuple[str | None, str]] = dataclasses.field(default_factory=list)


def _near_duplicate(conn: sa.Connection, sig: np.ndarray) -> tuple[str, float] | None:
    keys = dedup.band_keys(sig)
    bands = schema.near_duplicate_bands
    candidates = conn.execute(
        sa.select(bands.c.article_id).where(bands.c.band_key.in_(keys)).distinct()
    ).scalars().all()
    if not candidates:
        return None
    sigs = schema.minhash_signatures
    best: tuple[str, float] | None = None
    for article_id, blob in conn.execute(sa.select(sigs.c.article_id, sigs.c.signature).where(sigs.c.article_id.in_(candidates))):
        score = dedup.similarity(sig, np.frombuffer(blob, dtype=np.uint32))
        if score >= dedup.NEAR_DUPLICATE_SIMILARITY and (best is None or score > best[1]):
            best = (article_id, score)
    return best


def _original_of(conn: sa.Connection, article_id: str) -> tuple[str, str | None]:
    """The first stored copy of a story (the one others link to) and its source."""
    table = schema.articles
    row = conn.execute(sa.select(table.c.duplicate_of, table.c.source).where(table.c.article_id == article_id)).first()
    if row is not None and row.duplicate_of:
        root = conn.execute(sa.select(table.c.source).where(table.c.article_id == row.duplicate_of)).first()
        return row.duplicate_of, (root.source if root else None)
    return article_id, (row.source if row else None)


@dataclasses.dataclass
class FileInput:
    """One input file for ``save_files``: its rows in batches, or the problem that rejected it whole."""

    path: str
    state: FileState
    batches: Iterable[list[dict]] = ()
    problem: str | None = None


# One ingest_log row waiting for its transaction: (where, status, message, article_id).
_LogLine = tuple[str | None, str, str, str | None]


def save_files(engine: sa.Engine, files: list[FileInput], now: datetime) -> list[FileResult]:
    """Store small files whole: their articles, log lines and fingerprints, in one transaction.

    Each file is in the store entirely or not at all. Several small files share a transaction
    (the ingest groups up to ``core.ingest.GROUP_FILES``) because a commit and its bookkeeping cost
    more than storing a short article; a file is only reported stored after its commit. Their
    batches are held in memory already (a single-article file is one article); exports go through
    ``save_file``.

    ``batches`` yield lists of rows (``schema.records``) with the schema's columns (less
    duplicate_of and ingested_at) plus ``signature``, ``where``, ``problem`` and ``note``; a row
    with ``problem`` set is logged as rejected. An article whose id is already stored, or whose
    body is near-identical to an article of the same source, is merged (logged as duplicate, not
    stored again); one whose body matches another source's article is stored and linked to it
    through ``duplicate_of``. Raises ``StoreBusy`` or ``StoreWriteError`` naming the file being
    stored; nothing of the group is then stored.
    """
    results: list[FileResult] = []
    current = files[0].path if files else None
    try:
        with database._writing(engine, lock="ingest") as conn:
            for file in files:
                current = file.path
                result, log = FileResult(), []
                if file.problem is not None:
                    _reject(result, log, None, file.problem)
                for batch in file.batches:
                    _save_rows(conn, batch, now, result, log)
                results.append(result)
                _write_log(conn, file.path, log, now)
                _record_file(conn, file, result, now, items_done=result.items, complete=True)
            database._bump_revision(conn)
    except StoreError as err:
        raise err.during(current) from err.__cause__
    return results


def save_file(engine: sa.Engine, path: str, batches: Iterable[list[dict]], state: FileState, now: datetime, *,
              resume: KnownFile | None = None, on_commit: Callable[[FileResult, int], None] | None = None) -> FileResult:
    """Store one export, committing in chunks (``MAX_TRANSACTION_ROWS`` rows or
    ``MAX_TRANSACTION_SECONDS``, and at the end of every batch), each commit recording in
    ``ingested_files`` how many of the file's items are stored. The file is marked complete only
    by the last commit, after its batches ran out.

    ``batches`` are as for ``save_files``, one row per item of the file (rejected items included),
    in the file's order, and are consumed between transactions: cleaning the next batch never
    holds the write lock. ``resume`` is what ``known_file`` says of an unfinished earlier run on
    the same bytes: its counts are carried on, and ``batches`` must start after its
    ``items_done`` items. ``on_commit(result, items_done)`` is called after each commit, with
    this run's result so far, so what it reports is durable. A large file's WAL is checkpointed
    at the end. Raises ``StoreBusy`` or ``StoreWriteError`` naming the file; the chunks committed
    before it stay.
    """
    file = FileInput(path, state)
    result = FileResult()
    offset = (resume.items_done or 0) if resume else 0
    totals = {"stored": resume.stored, "duplicates": resume.duplicates, "rejected": resume.rejected} if resume \
        else {"stored": 0, "duplicates": 0, "rejected": 0}
    message = (resume.message or "") if resume else ""
    commits = 0

    def commit(rows: list[dict], start: int, complete: bool) -> int:
        """Store ``rows[start:]`` up to the bounds of one transaction; returns where it stopped."""
        nonlocal message, commits
        end, rejections = start, len(result.rejections)
        with database._writing(engine, lock="ingest") as conn:
            began, log = time.monotonic(), []
            while end < len(rows) and end - start < MAX_TRANSACTION_ROWS and (
                    end == start or time.monotonic() - began < MAX_TRANSACTION_SECONDS):
                _save_row(conn, rows[end], now, result, log)
                end += 1
            _write_log(conn, path, log, now)
            message = _file_message(message, result.rejections[rejections:])
            _record_file(conn, file, FileResult(**{name: totals[name] + getattr(result, name) for name in totals}),
                         now, items_done=offset + result.items, complete=complete, message=message)
            database._bump_revision(conn)
        commits += 1
        if on_commit and not complete:
            on_commit(result, offset + result.items)
        return end

    try:
        for batch in batches:
            start = 0
            while start < len(batch):
                start = commit(batch, start, complete=False)
        commit([], 0, complete=True)
    except StoreError as err:
        raise err.during(path) from err.__cause__
    if commits > 2:  # more than one chunk: a large file, whose WAL is worth giving back now
        database._checkpoint(engine)
    return result


def _save_rows(conn: sa.Connection, rows: list[dict], now: datetime, result: FileResult, log: list[_LogLine]) -> None:
    for row in rows:
        _save_row(conn, row, now, result, log)


def _save_row(conn: sa.Connection, row: dict, now: datetime, result: FileResult, log: list[_LogLine]) -> None:
    """One item of a file: a note, a rejection, or an article to store."""
    result.items += 1
    item = row.get("where")
    if row.get("note"):
        log.append((item, "note", row["note"], None))
    if row.get("problem"):
        _reject(result, log, item, row["problem"])
        return
    _store_article(conn, row, item, now, result, log)


def _reject(result: FileResult, log: list[_LogLine], item: str | None, problem: str) -> None:
    result.rejected += 1
    result.rejections.append((item, problem))
    log.append((item, "rejected", problem, None))


def _store_article(conn: sa.Connection, row: dict, item: str, now: datetime, result: FileResult, log: list[_LogLine]) -> None:
    table = schema.articles
    article_id = row["article_id"]
    known = conn.execute(
        sa.select(table.c.article_id, table.c.origin_file)
        .where((table.c.article_id == article_id) | (table.c.content_hash == row["content_hash"])).limit(2)
    ).all()
    same_id = next((k for k in known if k.article_id == article_id), None)
    if same_id is not None:
        result.duplicates += 1
        log.append((item, "duplicate", f"already stored as {article_id} (from {same_id.origin_file})", article_id))
        return
    duplicate_of = None
    match = (known[0].article_id, 1.0) if known else None
    sig = row.get("signature")
    sig = sig if isinstance(sig, np.ndarray) else None
    if match is None and sig is not None:
        match = _near_duplicate(conn, sig)
    if match is not None:
        original, original_source = _original_of(conn, match[0])
        if dedup.normalize_text(original_source or "") == dedup.normalize_text(row["source"] or ""):
            result.duplicates += 1
            log.append((item, "duplicate", f"same article as {original} from the same source (similarity {match[1]:.2f})", original))
            return
        duplicate_of = original
    values = {name: _sql_value(row.get(name)) for name in schema.ARTICLE_COLUMNS}
    values.update(duplicate_of=duplicate_of, ingested_at=now)
    conn.execute(table.insert().values(**values))
    if sig is not None:
        conn.execute(schema.minhash_signatures.insert().values(article_id=article_id, signature=sig.tobytes()))
        conn.execute(schema.near_duplicate_bands.insert(),
                     [{"band_key": key, "article_id": article_id} for key in dedup.band_keys(sig)])
    result.stored += 1
    message = f"stored as {article_id}" + (f", same story as {duplicate_of}" if duplicate_of else "")
    log.append((item, "stored", message, article_id))


def _capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit - 40]}… ({len(text) - limit + 40} more characters)"


def _write_log(conn: sa.Connection, path: str, log: list[_LogLine], now: datetime) -> None:
    if log:
        conn.execute(schema.ingest_log.insert(), [
            {"path": path, "item": item, "status": status, "message": _capped(message, MAX_LOG_MESSAGE_CHARS),
             "at": now, "article_id": article_id} for item, status, message, article_id in log])


def _file_message(message: str, rejections: list[tuple[str | None, str]]) -> str:
    """The file's rejections so far in one line, for ingested_files.message; once past the cap,
    the rest is left out (the log keeps every one)."""
    for item, problem in rejections:
        if len(message) >= MAX_FILE_MESSAGE_CHARS:
            break
        message = "; ".join(filter(None, [message, f"{item}: {problem}" if item else problem]))
    return _capped(message, MAX_FILE_MESSAGE_CHARS)


def _record_file(conn: sa.Connection, file: FileInput, counts: FileResult, now: datetime, *, items_done: int,
                 complete: bool, message: str | None = None) -> None:
    if message is None:
        message = _file_message("", counts.rejections)
    table = schema.ingested_files
    conn.execute(table.delete().where(table.c.path == file.path))
    conn.execute(table.insert().values(
        path=file.path, size=file.state.size, mtime_ns=file.state.mtime_ns, sha256=file.state.sha256,
        stored=counts.stored, duplicates=counts.duplicates, rejected=counts.rejected, at=now,
        message=message or None, items_done=items_done, complete=complete))


def _sql_value(value):
    """Rows come from ``schema.records``, where missing values are already None."""
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
