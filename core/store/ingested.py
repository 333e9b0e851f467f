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

import sqlalchemy as sa

from core import schema
from core.errors import StoreError
from core.store import article_rows, database

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
    return known_files(engine, [path]).get(path)


def known_files(engine: sa.Engine, paths: list[str]) -> dict[str, KnownFile]:
    """``known_file`` of many paths in a few queries (a re-run over a folder of 200,000 unchanged
    files spent most of its time on one query per file); paths the store does not know are left out."""
    table = schema.ingested_files
    known: dict[str, KnownFile] = {}
    with engine.connect() as conn:
        for start in range(0, len(paths), 500):
            for row in conn.execute(sa.select(table).where(table.c.path.in_(paths[start:start + 500]))).mappings():
                known[row["path"]] = KnownFile(
                    row["path"], FileState(row["size"], row["mtime_ns"], row["sha256"]), row["stored"], row["duplicates"],
                    row["rejected"], row["message"], row["items_done"], bool(row["complete"]))
    return known


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
            writer = article_rows.Writer(conn, now)
            batches = [[list(batch) for batch in file.batches] for file in files]
            writer.look_up(row for rows in batches for batch in rows for row in batch)
            for file, rows in zip(files, batches):
                current = file.path
                result, log = FileResult(), []
                if file.problem is not None:
                    article_rows.reject(result, log, None, file.problem)
                for batch in rows:
                    for row in batch:
                        writer.save(row, result, log)
                results.append(result)
                _write_log(conn, file.path, log, now)
                _record_file(conn, file, result, now, items_done=result.items, complete=True)
            writer.flush()
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
            began, log, writer = time.monotonic(), [], article_rows.Writer(conn, now)
            while end < len(rows) and end - start < MAX_TRANSACTION_ROWS and (
                    end == start or time.monotonic() - began < MAX_TRANSACTION_SECONDS):
                block = rows[end:min(end + article_rows.LOOKUP_ROWS, start + MAX_TRANSACTION_ROWS, len(rows))]
                writer.look_up(block)
                for row in block:
                    writer.save(row, result, log)
                end += len(block)
            writer.flush()
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
