"""The store: SQLAlchemy Core over SQLite in WAL mode (PostgreSQL by URL later).

Every write goes through one way of beginning a transaction (``_writing``): on SQLite it takes the
write lock up front (``BEGIN IMMEDIATE``), so a second writer queues for its turn instead of
failing on a stale snapshot, and gives up with ``StoreBusy`` after the configured wait. Reads stay
deferred and never take the write lock, so the dashboard reads while an ingest writes.

Writes are bounded: small files are stored whole, several to a transaction; a large export
(``save_file``) is committed in chunks of at most ``MAX_TRANSACTION_ROWS`` rows or
``MAX_TRANSACTION_SECONDS``, each recording how far into the file it got, so a killed or stopped
ingest keeps every chunk it reported and a re-run of the same file continues after the last one.
A file, or its chunk, that could not be written (a full disk) raises ``StoreWriteError`` and leaves
the store as it was after the last commit.
"""
from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core import frame_cache, schema
from core.ingest import dedup
from core.errors import StoreBusy, StoreError, StoreWriteError

# How long a writer waits for another's write transaction before giving up with StoreBusy
# (GEOWIRE_BUSY_SECONDS). Every write transaction Geowire makes is bounded: a chunk of an export
# (MAX_TRANSACTION_SECONDS of writing), a group of small files, an extraction or translation chunk,
# each a second or two. A writer still holding the lock after a minute is something else (a stuck
# process, a sqlite3 shell left in a transaction), and a user at a terminal should hear about it.
BUSY_SECONDS = 60.0
# A large export commits at least this often, so that a second writer (another ingest, the
# extraction, a translation run) waits about this long for its turn, not for the whole file.
MAX_TRANSACTION_SECONDS = 2.0
# ... and at most this many rows per transaction: a few MB of WAL, while the commit's own
# bookkeeping (log rows, the file's progress, the revision) stays well under 1% of the work.
MAX_TRANSACTION_ROWS = 500
# SQLite's default (1000 pages, 4 MiB), stated: with bounded transactions each commit that finds
# the WAL past this size copies it back into the store file, so the WAL stays a few MB instead of
# holding a whole file's rows (1 GB for a 200 MB CSV written in one transaction).
WAL_AUTOCHECKPOINT_PAGES = 1000
# When the WAL is reset it is cut back to this size. A WAL that grew behind a long read (each
# checkpoint can only copy what no reader still needs) gives its space back; a few times the
# autocheckpoint size is kept, so normal runs do not shrink and regrow it.
JOURNAL_SIZE_LIMIT_BYTES = 64 * 2**20
# Messages written to ingest_log are cut to this length: a note or a problem comes from the input
# (a header of a million column names), and the log is shown on the dashboard.
MAX_LOG_MESSAGE_CHARS = 2000
# The rejections of a file summed up in ingested_files.message, cut to this length.
MAX_FILE_MESSAGE_CHARS = 2000

# SQLite result codes (the low byte of an extended code): https://www.sqlite.org/rescode.html
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 8, 10, 13, 14
# Set on a connection that is to write: its BEGIN takes the write lock at once.
_WRITE_OPTION = "geowire_write"
_BUSY_OPTION = "geowire_busy_seconds"


def connect(url: str, busy_seconds: float | None = None) -> sa.Engine:
    """Open (and create if needed) the store at an SQLAlchemy URL. A writer waits up to
    ``busy_seconds`` (default BUSY_SECONDS) for another's write transaction, then raises
    ``StoreBusy`` (0: at once)."""
    busy_seconds = BUSY_SECONDS if busy_seconds is None else busy_seconds
    engine_args: dict = {"execution_options": {_BUSY_OPTION: busy_seconds}}
    if url.startswith("sqlite:"):
        # The driver's busy timeout: how long a BEGIN IMMEDIATE queues for the write lock.
        engine_args["connect_args"] = {"timeout": busy_seconds}
    if url.startswith("sqlite:///"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreWriteError(url.removeprefix("sqlite:///"), f"cannot make its folder {folder} ({err.strerror or err})") from err
    engine = sa.create_engine(url, **engine_args)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    try:
        _create_or_upgrade(engine)
    except sa.exc.OperationalError as err:  # the first connection: a store that cannot be opened or made
        problem = _store_error(engine, err)
        if problem is None:
            raise
        raise problem from err
    return engine


def _create_or_upgrade(engine: sa.Engine) -> None:
    """Make missing tables, and bring a store made by an earlier version up to the schema: every
    column the schema has and the store's table lacks is added. A user's store holds articles and
    translations that cannot be made again, so it is changed in place; only additive changes are
    made here, and a new column must therefore be nullable or have a ``server_default``. A store
    that needs nothing is only read, so opening it never waits behind a writer."""
    if not _schema_changes(sa.inspect(engine)):
        return
    with _writing(engine) as conn:
        schema.metadata.create_all(conn)
        # Read again inside the transaction: another process may have upgraded the store meanwhile.
        for table, column in _schema_changes(sa.inspect(conn)):
            definition = sa.schema.CreateColumn(column).compile(dialect=engine.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {engine.dialect.identifier_preparer.quote(table.name)} ADD COLUMN {definition}")


def _schema_changes(inspector) -> list[tuple[sa.Table, sa.Column | None]]:
    """(table, None) for a missing table, (table, column) for a column missing from a table."""
    present_tables = set(inspector.get_table_names())
    changes: list[tuple[sa.Table, sa.Column | None]] = []
    for table in schema.metadata.sorted_tables:
        if table.name not in present_tables:
            changes.append((table, None))
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        changes += [(table, column) for column in table.columns if column.name not in present]
    return changes


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLAlchemy emits BEGIN itself (``_sqlite_begin``, the recipe of SQLAlchemy's SQLite dialect
    # documentation, "Enabling Non-Legacy SQLite Transactional Modes"): the driver's own BEGIN is
    # always deferred, and a deferred writer that read first fails at once with "database is
    # locked" when another writer committed meanwhile, whatever the busy timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets pages read while an ingest writes. synchronous=NORMAL in WAL mode keeps every
    # committed transaction through a killed process (only a power cut can lose the last ones)
    # and saves an fsync per commit.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE_OPTION) else "BEGIN")


@contextlib.contextmanager
def _writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction: committed at the end of the block, rolled back on an error. Every write
    to the store begins here. On SQLite it takes the write lock first, waiting up to the busy
    time (``StoreBusy`` after it); a write the disk refuses raises ``StoreWriteError``."""
    try:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn
    except sa.exc.OperationalError as err:
        problem = _store_error(engine, err)
        if problem is None:
            raise
        raise problem from err


def _store_error(engine: sa.Engine, err: sa.exc.OperationalError) -> StoreError | None:
    """What an SQLite error means for the user, or None for one that is not about the store's
    lock or its files (a bug: it keeps its traceback)."""
    code = getattr(err.orig, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreBusy(store_name(engine), engine.get_execution_options().get(_BUSY_OPTION, BUSY_SECONDS))
    if primary in (_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN):
        # A full disk is SQLITE_FULL only when the write fails with ENOSPC; a write past a file-size
        # limit (EFBIG) or on a failing disk is SQLITE_IOERR_WRITE.
        hint = "; a full disk or a file-size limit gives this" if primary == _SQLITE_IOERR else ""
        return StoreWriteError(store_name(engine), f"{err.orig} ({err.orig.sqlite_errorname}{hint})")
    return None


def store_name(engine: sa.Engine) -> str:
    """The store as a user knows it: the SQLite file, or the URL without its password."""
    if engine.dialect.name == "sqlite":
        return engine.url.database or ":memory:"
    return engine.url.render_as_string(hide_password=True)


def _checkpoint(engine: sa.Engine) -> None:
    """Copy the WAL into the store file and cut it back, without waiting: with readers or a writer
    busy, SQLite copies what it can (a passive checkpoint) and the rest waits for the next one."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        waiting = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.execute("PRAGMA busy_timeout=0")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            cursor.execute(f"PRAGMA busy_timeout={int(waiting)}")
            cursor.close()
    finally:
        raw.close()


def revision(engine: sa.Engine, key: str = "revision") -> int:
    """A number that changes whenever the store does: the cache key of every page. ``key``
    "translations" counts translation writes alone, so a running translation job does not make
    pages re-read every article."""
    with engine.connect() as conn:
        value = conn.execute(sa.select(schema.store_meta.c.value).where(schema.store_meta.c.key == key)).scalar()
    return int(value or 0)


_META = schema.store_meta
_BUMP = _META.update().where(_META.c.key == sa.bindparam("meta_key")).values(value=_META.c.value + 1)


def _bump_revision(conn: sa.Connection, key: str = "revision") -> None:
    if conn.execute(_BUMP, {"meta_key": key}).rowcount == 0:
        conn.execute(_META.insert().values(key=key, value=1))


def known_file(engine: sa.Engine, path: str) -> dict | None:
    """What the store remembers of a file: size, mtime_ns, sha256, the counts of its last ingest,
    and how far it got (``complete``; ``items_done`` for an export stored in chunks)."""
    table = schema.ingested_files
    with engine.connect() as conn:
        row = conn.execute(sa.select(table).where(table.c.path == path)).mappings().first()
    return dict(row) if row else None


def touch_file(engine: sa.Engine, path: str, file_state: dict) -> None:
    """Record a new modification time for a file whose bytes did not change."""
    files = schema.ingested_files
    try:
        with _writing(engine) as conn:
            conn.execute(files.update().where(files.c.path == path).values(size=file_state["size"], mtime_ns=file_state["mtime_ns"]))
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
    state: dict  # size, mtime_ns, sha256
    batches: Iterable[list[dict]] = ()
    problem: str | None = None


# One ingest_log row waiting for its transaction: (where, status, message, article_id).
_LogLine = tuple[str | None, str, str, str | None]


def save_files(engine: sa.Engine, files: list[FileInput], now: datetime) -> list[FileResult]:
    """Store small files whole: their articles, log lines and fingerprints, in one transaction.

    Each file is in the store entirely or not at all. Several small files share a transaction
    (the ingest groups up to ``core.ingest.batch.GROUP_FILES``) because a commit and its bookkeeping cost
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
        with _writing(engine) as conn:
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
            _bump_revision(conn)
    except StoreError as err:
        raise err.during(current) from err.__cause__
    return results


def save_file(engine: sa.Engine, path: str, batches: Iterable[list[dict]], file_state: dict, now: datetime, *,
              resume: dict | None = None, on_commit: Callable[[FileResult, int], None] | None = None) -> FileResult:
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
    file = FileInput(path, file_state)
    result = FileResult()
    carried = resume or {}
    offset = int(carried.get("items_done") or 0)
    totals = {name: int(carried.get(name) or 0) for name in ("stored", "duplicates", "rejected")}
    message = carried.get("message") or ""
    commits = 0

    def commit(rows: list[dict], start: int, complete: bool) -> int:
        """Store ``rows[start:]`` up to the bounds of one transaction; returns where it stopped."""
        nonlocal message, commits
        end, rejections = start, len(result.rejections)
        with _writing(engine) as conn:
            began, log = time.monotonic(), []
            while end < len(rows) and end - start < MAX_TRANSACTION_ROWS and (
                    end == start or time.monotonic() - began < MAX_TRANSACTION_SECONDS):
                _save_row(conn, rows[end], now, result, log)
                end += 1
            _write_log(conn, path, log, now)
            message = _file_message(message, result.rejections[rejections:])
            _record_file(conn, file, FileResult(**{name: totals[name] + getattr(result, name) for name in totals}),
                         now, items_done=offset + result.items, complete=complete, message=message)
            _bump_revision(conn)
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
        _checkpoint(engine)
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
        path=file.path, size=file.state["size"], mtime_ns=file.state["mtime_ns"], sha256=file.state["sha256"],
        stored=counts.stored, duplicates=counts.duplicates, rejected=counts.rejected, at=now,
        message=message or None, items_done=items_done, complete=complete))


def _sql_value(value):
    """Rows come from ``schema.records``, where missing values are already None."""
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def load_articles(engine: sa.Engine, not_extracted_with: str | None = None) -> pd.DataFrame:
    """Every stored article, with the schema's columns and dtypes, oldest publication first.
    With ``not_extracted_with``: only the articles not yet extracted with that dictionary version."""
    table = schema.articles
    query = sa.select(*[table.c[name] for name in schema.ARTICLE_COLUMNS])
    if not_extracted_with is not None:
        done = schema.extractions
        query = query.outerjoin(done, done.c.article_id == table.c.article_id).where(
            sa.or_(done.c.dictionary_version.is_(None), done.c.dictionary_version != not_extracted_with))
    frame = _read_frame(engine, query.order_by(table.c.published, table.c.article_id), schema.ARTICLE_COLUMNS)
    if frame.empty:
        return schema.empty_articles()
    return schema.as_articles(frame)


def cached_articles(engine: sa.Engine, cache_dir: Path | None) -> pd.DataFrame:
    """``load_articles``, kept as Parquet in ``cache_dir`` under the store's revision
    (``frame_cache``): reading 100k articles from Parquet takes a tenth of the SQL read. The file
    is written a batch at a time (``article_batches``)."""
    return frame_cache.cached(cache_dir, "articles", str(revision(engine)), ("articles",),
                              lambda: (load_articles(engine),), lambda folder: _write_articles(engine, folder))[0]


def _read_frame(engine: sa.Engine, query, columns) -> pd.DataFrame:
    """A query's rows as a frame. pandas reads the driver's tuples directly: building the frame
    from SQLAlchemy row mappings took 3x longer (30 s for a million mentions)."""
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame.columns = list(columns)
    return frame


def load_ingest_log(engine: sa.Engine) -> pd.DataFrame:
    table = schema.ingest_log
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[table.c[name] for name in schema.INGEST_LOG_COLUMNS]).order_by(table.c.id)).mappings().all()
    return pd.DataFrame(rows, columns=list(schema.INGEST_LOG_COLUMNS))


def discovered_name_keys(engine: sa.Engine) -> list[str]:
    """The distinct ``name_key`` of stored mentions: every name found outside the dictionary."""
    table = schema.mentions
    with engine.connect() as conn:
        return list(conn.execute(sa.select(table.c.name_key).where(table.c.name_key.is_not(None)).distinct()).scalars())


def save_extraction(engine: sa.Engine, article_ids: list[str], mentions: pd.DataFrame, dates: pd.DataFrame,
                    dictionary_version: str) -> None:
    """Replace the mentions and mentioned dates of ``article_ids`` in one transaction."""
    with _writing(engine) as conn:
        for table in (schema.mentions, schema.mentioned_dates, schema.extractions):
            for start in range(0, len(article_ids), 500):
                conn.execute(table.delete().where(table.c.article_id.in_(article_ids[start:start + 500])))
        if len(mentions):
            conn.execute(schema.mentions.insert(), schema.records(mentions.loc[:, list(schema.MENTION_COLUMNS)]))
        if len(dates):
            rows = schema.records(dates.loc[:, list(schema.MENTIONED_DATE_COLUMNS)])
            for row in rows:
                row["date"] = row["date"].date()
            conn.execute(schema.mentioned_dates.insert(), rows)
        conn.execute(schema.extractions.insert(), [{"article_id": a, "dictionary_version": dictionary_version}
                                                   for a in article_ids])
        _bump_revision(conn)


def load_mentions(engine: sa.Engine) -> pd.DataFrame:
    """Stored mentions as extracted (discovered names still without actor_id), in the order of
    ``mention_batches``."""
    return pd.concat([empty_mentions(), *mention_batches(engine)], ignore_index=True)


def load_mentioned_dates(engine: sa.Engine) -> pd.DataFrame:
    """Stored mentioned dates, by date (in the order of ``mentioned_date_batches``)."""
    return pd.concat([empty_mentioned_dates(), *mentioned_date_batches(engine)], ignore_index=True)


# --- reading in batches ---------------------------------------------------------------------------
# Extraction and the frames the dashboard starts from read the store a batch at a time, so that
# their memory does not grow with the corpus (docs/actors.md, "Memory").

# Rows per batch of mentions or dates. A row read is ~1.5 KB of Python objects until the batch is
# a frame (a sentence, a dozen values, the driver's row): batches of 100,000 rows took 230 MB on
# 50k short articles, of 20,000 rows 6 MB, and were no slower.
BATCH_ROWS = 20_000
# Articles per batch, and the characters of text that end a batch sooner: 5,000 short articles,
# or 10 million characters (10-40 MB as Python strings; articles of several MB come a few at a time).
ARTICLE_BATCH_ROWS = 5_000
ARTICLE_BATCH_CHARS = 10_000_000

_MENTION_DTYPES = {"start": "int64", "end": "int64", "confidence": "float64", "occurrences": "int64"}
_DATE_DTYPES = {"date": "datetime64[us]", "start": "int64", "end": "int64", "occurrences": "int64"}


def empty_mentions() -> pd.DataFrame:
    """No mentions, with the dtypes of every mentions frame read from the store."""
    return pd.DataFrame({name: pd.Series(dtype=_MENTION_DTYPES.get(name, "str")) for name in schema.MENTION_COLUMNS})


def empty_mentioned_dates() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=_DATE_DTYPES.get(name, "str")) for name in schema.MENTIONED_DATE_COLUMNS})


def _insertion_order(engine: sa.Engine, table: sa.Table):
    """The order rows were written in, which ties are broken by: SQLite's rowid (a table without
    a primary key has one); nothing elsewhere."""
    return [sa.literal_column(f"{table.name}.rowid")] if engine.dialect.name == "sqlite" else []


def _batches(engine: sa.Engine, query, names, rows: int, chars: int | None = None) -> Iterator[pd.DataFrame]:
    """A query's rows as frames of at most ``rows`` rows, and, with ``chars``, ending once their
    text reaches ``chars`` characters (always at least one row). The rows are fetched as they are
    read: the driver never holds the whole result."""
    with engine.connect() as conn:
        result = conn.execute(query)
        if chars is None:
            while batch := result.fetchmany(rows):
                yield pd.DataFrame.from_records(batch, columns=list(names))
            return
        batch, size = [], 0
        for row in result:
            batch.append(row)
            size += sum(len(value) for value in row if isinstance(value, str))
            if len(batch) >= rows or size >= chars:
                yield pd.DataFrame.from_records(batch, columns=list(names))
                batch, size = [], 0
        if batch:
            yield pd.DataFrame.from_records(batch, columns=list(names))


def _not_extracted(query, version: str | None):
    if version is None:
        return query
    table, done = schema.articles, schema.extractions
    return query.outerjoin(done, done.c.article_id == table.c.article_id).where(
        sa.or_(done.c.dictionary_version.is_(None), done.c.dictionary_version != version))


def count_due(engine: sa.Engine, not_extracted_with: str | None) -> int:
    """Articles not yet extracted with that dictionary version (every article with None)."""
    query = _not_extracted(sa.select(sa.func.count()).select_from(schema.articles), not_extracted_with)
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def due_articles(engine: sa.Engine, not_extracted_with: str | None, after: str | None, limit: int,
                 max_chars: int) -> pd.DataFrame:
    """The next articles to extract: article_id, title, text, language, published (dtypes of
    ``load_articles``) of up to ``limit`` articles whose article_id follows ``after`` (None: from
    the first), not yet extracted with that version (every one with None), by article_id, ending
    once their text reaches ``max_chars`` characters (at least one article). Paging by key keeps
    every page as quick as the first, and the text of only one page is in memory."""
    table = schema.articles
    columns = ("article_id", "title", "text", "language", "published")
    query = _not_extracted(sa.select(*[table.c[name] for name in columns]), not_extracted_with)
    if after is not None:
        query = query.where(table.c.article_id > after)
    query = query.order_by(table.c.article_id).limit(limit)
    frame = next(_batches(engine, query, columns, limit, max_chars), None)
    if frame is None:
        return schema.empty_articles().loc[:, list(columns)]
    frame["published"] = pd.to_datetime(frame["published"], utc=True).astype(schema.TIMESTAMP_DTYPE)
    return frame.astype({name: schema.ARTICLE_DTYPES[name] for name in columns if name != "published"})


def article_batches(engine: sa.Engine) -> Iterator[pd.DataFrame]:
    """``load_articles`` a batch at a time (ARTICLE_BATCH_ROWS, ARTICLE_BATCH_CHARS), in its order."""
    table = schema.articles
    query = sa.select(*[table.c[name] for name in schema.ARTICLE_COLUMNS]).order_by(table.c.published, table.c.article_id)
    for frame in _batches(engine, query, schema.ARTICLE_COLUMNS, ARTICLE_BATCH_ROWS, ARTICLE_BATCH_CHARS):
        yield schema.as_articles(frame)


def prepare_articles(engine: sa.Engine, cache_dir: Path) -> None:
    """Write ``cached_articles``' file for the store as it is now, without reading it back."""
    with frame_cache.entry(cache_dir, "articles", str(revision(engine)), ("articles",)) as folder:
        if folder is not None:
            _write_articles(engine, folder)


def _write_articles(engine: sa.Engine, folder: Path) -> None:
    with frame_cache.ParquetFrames(folder / "articles.parquet", schema.empty_articles()) as out:
        for batch in article_batches(engine):
            out.write(batch)


# The article of each row of mention_batches(every_article=True): its id (named apart from the
# mention's article_id, which is missing for an article without mentions), time and duplicate_of.
ARTICLE_ORDER_COLUMNS = ("position_id", "published", "duplicate_of")


def mention_batches(engine: sa.Engine, every_article: bool = False) -> Iterator[pd.DataFrame]:
    """The stored mentions (MENTION_COLUMNS, discovered names without actor_id; ``occurrences``
    1 where a store of an earlier version has none) in batches of up to BATCH_ROWS, in the order
    of their articles in ``load_articles`` and within an article as written. An article's
    mentions can be split across two batches.

    With ``every_article`` the frames also hold ARTICLE_ORDER_COLUMNS (the article's id,
    publication time and duplicate_of) and a row for every article without mentions (its
    mention columns missing, its numbers then read as floats), so that reading them numbers
    every article in that order."""
    articles, mentions = schema.articles, schema.mentions
    columns = [articles.c.article_id, articles.c.published, articles.c.duplicate_of]
    columns += [mentions.c[name] for name in schema.MENTION_COLUMNS if name != "occurrences"]
    columns.append(sa.func.coalesce(mentions.c.occurrences, 1))
    # An outer join walks the articles in order (index on published) and looks their mentions
    # up; an inner join made SQLite sort every mention first.
    joined = articles.outerjoin(mentions, mentions.c.article_id == articles.c.article_id)
    query = (sa.select(*columns).select_from(joined)
             .order_by(articles.c.published, articles.c.article_id, *_insertion_order(engine, mentions)))
    dtypes = {name: _MENTION_DTYPES.get(name, "str") for name in schema.MENTION_COLUMNS}
    for frame in _batches(engine, query, ARTICLE_ORDER_COLUMNS + schema.MENTION_COLUMNS, BATCH_ROWS):
        if every_article:
            frame["published"] = pd.to_datetime(frame["published"], utc=True).astype(schema.TIMESTAMP_DTYPE)
            yield frame.astype({name: "str" for name in ("position_id", "duplicate_of", *dtypes) if dtypes.get(name, "str") == "str"})
        else:
            found = frame.loc[frame["article_id"].notna(), list(schema.MENTION_COLUMNS)]
            if len(found):
                yield found.astype(dtypes).reset_index(drop=True)


def mentioned_date_batches(engine: sa.Engine) -> Iterator[pd.DataFrame]:
    """The stored mentioned dates (MENTIONED_DATE_COLUMNS) in batches of up to BATCH_ROWS, by
    date and, within a date, as written."""
    table = schema.mentioned_dates
    columns = [table.c[name] for name in schema.MENTIONED_DATE_COLUMNS if name != "occurrences"]
    columns.append(sa.func.coalesce(table.c.occurrences, 1))
    query = sa.select(*columns).order_by(table.c.date, *_insertion_order(engine, table))
    for frame in _batches(engine, query, schema.MENTIONED_DATE_COLUMNS, BATCH_ROWS):
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
        yield frame.astype({name: _DATE_DTYPES.get(name, "str") for name in schema.MENTIONED_DATE_COLUMNS})


def discovered_names(engine: sa.Engine) -> pd.DataFrame:
    """The distinct (name_key, surface) of the stored discovered names, with the mentions each
    stands for (``occurrences``): what ``actors.group_discovered`` groups. Small: one row per
    spelling of a name, however often it is written."""
    table = schema.mentions
    query = (sa.select(table.c.name_key, table.c.surface, sa.func.sum(sa.func.coalesce(table.c.occurrences, 1)))
             .where(table.c.name_key.is_not(None), table.c.actor_id.is_(None))
             .group_by(table.c.name_key, table.c.surface))
    frame = pd.concat([pd.DataFrame({"name_key": pd.Series(dtype="str"), "surface": pd.Series(dtype="str"),
                                     "occurrences": pd.Series(dtype="int64")}),
                       *_batches(engine, query, ("name_key", "surface", "occurrences"), BATCH_ROWS)], ignore_index=True)
    return frame.astype({"name_key": "str", "surface": "str", "occurrences": "int64"})


def mentioned_actor_ids(engine: sa.Engine) -> set[str]:
    """The distinct actor_id of the stored dictionary mentions."""
    table = schema.mentions
    with engine.connect() as conn:
        return set(conn.execute(sa.select(table.c.actor_id).where(table.c.actor_id.is_not(None)).distinct()).scalars())


def duplicated_articles(engine: sa.Engine) -> set[str]:
    """The article ids other articles point to as ``duplicate_of``."""
    table = schema.articles
    with engine.connect() as conn:
        return set(conn.execute(sa.select(table.c.duplicate_of).where(table.c.duplicate_of.is_not(None)).distinct()).scalars())


# --- translations -------------------------------------------------------------------------------

def _same_language(column, language: str):
    """``column`` is ``language`` or one of its regional forms ("en", "en-GB")."""
    base = language.split("-")[0]
    return sa.or_(column == base, column.like(f"{base}-%"))


def count_in_language(engine: sa.Engine, language: str) -> int:
    """Articles already written in ``language``: they are never sent for translation."""
    table = schema.articles
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(_same_language(table.c.language, language))).scalar()


def load_untranslated(engine: sa.Engine, target: str, limit: int | None = None) -> pd.DataFrame:
    """Articles with no translation into ``target`` yet (never tried, or pending after a failure),
    less those already in ``target``; never-tried first, then oldest failure, so a provider that
    keeps failing on one article does not hold the others back."""
    table, done = schema.articles, schema.translations
    query = (sa.select(table.c.article_id, table.c.title, table.c.text, table.c.language)
             .outerjoin(done, sa.and_(done.c.article_id == table.c.article_id, done.c.target_lang == target))
             .where(sa.or_(done.c.status.is_(None), done.c.status != "translated"))
             .where(sa.or_(table.c.language.is_(None), sa.not_(_same_language(table.c.language, target))))
             .order_by(done.c.at.is_not(None), done.c.at, table.c.published, table.c.article_id))
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame(rows, columns=["article_id", "title", "text", "language"])


# Built once: a translation run looks up and writes for every article, and building these
# expressions anew each time cost more than executing them.
_MEMORY = schema.translation_memory
_LOOKUP_MEMORY = sa.select(_MEMORY.c.segment_hash, _MEMORY.c.translated_text).where(
    _MEMORY.c.provider == sa.bindparam("provider"), _MEMORY.c.source_lang == sa.bindparam("source_lang"),
    _MEMORY.c.target_lang == sa.bindparam("target_lang"),
    _MEMORY.c.segment_hash.in_(sa.bindparam("hashes", expanding=True)))
_TRANSLATIONS = schema.translations
_DELETE_TRANSLATION = _TRANSLATIONS.delete().where(_TRANSLATIONS.c.article_id == sa.bindparam("a_id"),
                                                   _TRANSLATIONS.c.target_lang == sa.bindparam("a_target"))
_INSERT_TRANSLATION = _TRANSLATIONS.insert()


def lookup_memory(engine: sa.Engine, provider: str, source_lang: str, target_lang: str,
                  hashes: list[str]) -> dict[str, str]:
    """Known translations of the segments ``hashes``, by hash."""
    found: dict[str, str] = {}
    unique = list(dict.fromkeys(hashes))
    with engine.connect() as conn:
        for start in range(0, len(unique), 500):
            found.update(conn.execute(_LOOKUP_MEMORY, {
                "provider": provider, "source_lang": source_lang, "target_lang": target_lang,
                "hashes": unique[start:start + 500]}).all())
    return found


def save_memory(engine: sa.Engine, provider: str, source_lang: str, target_lang: str,
                segments: list[tuple[str, str, str]], now: datetime | None = None) -> None:
    """Remember translated segments, given as (segment_hash, source text, translation); a segment
    already remembered keeps its first translation."""
    if not segments:
        return
    now = now or datetime.now(tz=timezone.utc)
    rows = {key: {"provider": provider, "source_lang": source_lang, "target_lang": target_lang, "segment_hash": key,
                  "source_text": source, "translated_text": translated, "at": now}
            for key, source, translated in segments}
    with _writing(engine) as conn:
        conn.execute(_insert_ignoring_duplicates(conn, schema.translation_memory), list(rows.values()))


def _insert_ignoring_duplicates(conn: sa.Connection, table: sa.Table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql
        return postgresql.insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite
    return sqlite.insert(table).on_conflict_do_nothing()


def save_translation(engine: sa.Engine, article_id: str, target_lang: str, provider: str, title: str | None,
                     text: str | None, status: str, error: str | None, now: datetime | None = None) -> None:
    """Write one article's translation (or its failure) in one transaction."""
    with _writing(engine) as conn:
        conn.execute(_DELETE_TRANSLATION, {"a_id": article_id, "a_target": target_lang})
        conn.execute(_INSERT_TRANSLATION, {"article_id": article_id, "target_lang": target_lang, "provider": provider,
                                           "title": title, "text": text, "status": status, "error": error,
                                           "at": now or datetime.now(tz=timezone.utc)})
        _bump_revision(conn, "translations")


def load_translations(engine: sa.Engine, target_lang: str) -> pd.DataFrame:
    """Every stored translation row into ``target_lang`` (TRANSLATION_COLUMNS)."""
    table = schema.translations
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[table.c[name] for name in schema.TRANSLATION_COLUMNS])
                            .where(table.c.target_lang == target_lang)).mappings().all()
    frame = pd.DataFrame(rows, columns=list(schema.TRANSLATION_COLUMNS))
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame.astype({name: "string" for name in schema.TRANSLATION_COLUMNS if name != "at"})


def memory_size(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(schema.translation_memory)).scalar()
