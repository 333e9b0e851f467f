"""The database: connecting, the one way to begin a write, what an SQLite error means, the
revision counters, the schema brought up to date, the WAL checkpoint.

Every write goes through one way of beginning a transaction (``_writing``): on SQLite it takes the
write lock up front (``BEGIN IMMEDIATE``), so a second writer queues for its turn instead of
failing on a stale snapshot, and gives up with ``StoreBusy`` after the configured wait. Reads stay
deferred and never take the write lock, so the dashboard reads while an ingest writes. On a
PostgreSQL server writers go side by side, each taking the locks its write needs
(``core.store.postgres``; docs/postgresql.md).

``_writing``, ``_bump_revision`` and ``_checkpoint`` are the package's own: the other modules of
``core.store`` write through them; callers outside it write through those modules.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core import schema
from core.errors import StoreBusy, StoreError, StoreWriteError
from core.store import postgres

# How long a writer waits for another's write transaction before giving up with StoreBusy
# (GEOWIRE_BUSY_SECONDS). Every write transaction Geowire makes is bounded: a chunk of an export
# (ingested.MAX_TRANSACTION_SECONDS of writing), a group of small files, an extraction or
# translation chunk, each a second or two. A writer still holding the lock after a minute is something else (a stuck
# process, a sqlite3 shell left in a transaction), and a user at a terminal should hear about it.
BUSY_SECONDS = 60.0
# SQLite's default (1000 pages, 4 MiB), stated: with bounded transactions each commit that finds
# the WAL past this size copies it back into the store file, so the WAL stays a few MB instead of
# holding a whole file's rows (1 GB for a 200 MB CSV written in one transaction).
WAL_AUTOCHECKPOINT_PAGES = 1000
# When the WAL is reset it is cut back to this size. A WAL that grew behind a long read (each
# checkpoint can only copy what no reader still needs) gives its space back; a few times the
# autocheckpoint size is kept, so normal runs do not shrink and regrow it.
JOURNAL_SIZE_LIMIT_BYTES = 64 * 2**20

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
    target: str | sa.URL = url
    if postgres.is_postgres_url(url):
        target = postgres.driver_url(url)
        engine_args.update(postgres.engine_options(target))
    elif url.startswith("sqlite:"):
        # The driver's busy timeout: how long a BEGIN IMMEDIATE queues for the write lock.
        engine_args["connect_args"] = {"timeout": busy_seconds}
    if url.startswith("sqlite:///"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreWriteError(url.removeprefix("sqlite:///"), f"cannot make its folder {folder} ({err.strerror or err})") from err
    engine = sa.create_engine(target, **engine_args)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        sa.event.listen(engine, "connect", postgres.on_connect)
    try:
        _create_or_upgrade(engine)
    except sa.exc.DBAPIError as err:  # the first connection: a store that cannot be opened or made
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
    metadata = postgres.table_metadata() if engine.dialect.name == "postgresql" else schema.metadata
    if not _schema_changes(sa.inspect(engine), metadata):
        return
    with _writing(engine, lock="schema") as conn:
        metadata.create_all(conn)
        # Read again inside the transaction: another process may have upgraded the store meanwhile.
        for table, column in _schema_changes(sa.inspect(conn), metadata):
            definition = sa.schema.CreateColumn(column).compile(dialect=engine.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {engine.dialect.identifier_preparer.quote(table.name)} ADD COLUMN {definition}")


def _schema_changes(inspector, metadata: sa.MetaData) -> list[tuple[sa.Table, sa.Column | None]]:
    """(table, None) for a missing table, (table, column) for a column missing from a table."""
    present_tables = set(inspector.get_table_names())
    changes: list[tuple[sa.Table, sa.Column | None]] = []
    for table in metadata.sorted_tables:
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
def _writing(engine: sa.Engine, lock: str | None = None) -> Iterator[sa.Connection]:
    """A write transaction: committed at the end of the block, rolled back on an error. Every write
    to the store begins here. On SQLite it takes the write lock first, waiting up to the busy
    time (``StoreBusy`` after it); a write the disk refuses raises ``StoreWriteError``.

    On PostgreSQL writers go side by side, each waiting up to the busy time for a lock another
    holds; ``lock`` names the kind of write that must be alone (``postgres.ADVISORY_LOCKS``:
    "ingest", "corrections", "schema"), which then queues for others of its kind as every writer
    does on SQLite."""
    try:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    postgres.set_lock_timeout(conn, engine.get_execution_options().get(_BUSY_OPTION, BUSY_SECONDS))
                    if lock is not None:
                        postgres.take_lock(conn, lock)
                yield conn
    except sa.exc.DBAPIError as err:
        problem = _store_error(engine, err)
        if problem is None:
            raise
        raise problem from err


def _store_error(engine: sa.Engine, err: sa.exc.DBAPIError) -> StoreError | None:
    """What an SQLite or PostgreSQL error means for the user, or None for one that is not about the
    store's lock, its files or its server (a bug: it keeps its traceback)."""
    if engine.dialect.name == "postgresql":
        return postgres.store_error(store_name(engine), engine.get_execution_options().get(_BUSY_OPTION, BUSY_SECONDS),
                                    err, engine.url.password)
    if not isinstance(err, sa.exc.OperationalError):
        return None
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


def _replacing(conn: sa.Connection, table: sa.Table, values: dict) -> None:
    """Insert a row, or replace every column of the row with its primary key: one statement, so
    that two writers replacing the same row at once (two analysts saving a view of one name) both
    succeed, the later one's row kept. Deleting and inserting would make the second insert fail
    on PostgreSQL, where the two do not wait for each other as on SQLite."""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table).values(**values)
    keys = [column.name for column in table.primary_key.columns]
    conn.execute(insert.on_conflict_do_update(index_elements=keys, set_={
        name: insert.excluded[name] for name in values if name not in keys}))


def _lock_articles(conn: sa.Connection, article_ids: list[str]) -> None:
    """Make this transaction the only writer of what is derived from ``article_ids`` until it ends:
    on SQLite it is the only writer already; on PostgreSQL their rows are locked
    (``postgres.lock_articles``)."""
    if conn.dialect.name == "postgresql":
        postgres.lock_articles(conn, article_ids)


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
    if conn.dialect.name == "postgresql":
        postgres.bump(conn, key)
        return
    if conn.execute(_BUMP, {"meta_key": key}).rowcount == 0:
        conn.execute(_META.insert().values(key=key, value=1))


def utc(moment):
    """A stored time as an aware UTC datetime: SQLite gives times back naive, and the store writes
    them in UTC (None stays None)."""
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)
