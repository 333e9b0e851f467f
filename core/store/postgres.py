"""What a store on a PostgreSQL server needs that an SQLite file does not: the driver chosen, the
tables as PostgreSQL makes them, the locks that stand in for SQLite's single writer, and what a
server's error means for the user.

SQLite lets one writer in at a time (``BEGIN IMMEDIATE``), and some of the store's writes rely on
it: a check followed by a write (is this article stored already? is this correction?) is only
right when nobody writes in between. PostgreSQL lets writers work side by side, so each such write
says what it needs (``database._writing``'s ``lock``, ``lock_articles``); a write that needs
nothing (the translation memory's ``ON CONFLICT DO NOTHING``, an upsert) takes no lock beyond the
rows it touches. Readers never wait for writers on either database.

``database`` calls these; no other module of the project imports this one.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from core import schema
from core.errors import StoreBusy, StoreError, StoreWriteError

# The driver: psycopg 3 (requirements.txt). A bare ``postgresql://`` would make SQLAlchemy load
# psycopg2, which Geowire does not install; ``postgres://`` is what many hosting services print.
DRIVER = "postgresql+psycopg"
_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# Seconds a new connection may take before the server counts as unreachable: a dashboard opening a
# store on a server that is down says so instead of hanging.
CONNECT_TIMEOUT_SECONDS = 10
# The column that keeps the order rows were written in, on tables without a primary key, which
# SQLite's rowid keeps there (mentions within an article, dates of one day): PostgreSQL has no
# stable row order of its own (a row's place, ctid, changes when space is reused).
ROW_ORDER = "row_order"
_ROW_ORDER_TABLES = ("mentions", "mentioned_dates")

# Transaction-level advisory locks (pg_advisory_xact_lock: released by the commit or rollback,
# so a killed process never leaves one held), one per kind of write that must be alone:
# - ingest: whether an article is stored already, or near-identical to a stored one, is decided
#   against every article committed before; two ingests deciding at once could each store the
#   same story, or one fail on the other's article_id. Ingests queue for each other (each holds
#   the lock for one bounded transaction, a second or two); extraction, translation, corrections
#   and every reader go on beside them.
# - corrections: a correction is left out when the same change is stored already.
# - schema: two processes opening a new database at once would both create its tables.
ADVISORY_LOCKS = {"ingest": 0x6765_0001, "corrections": 0x6765_0002, "schema": 0x6765_0003, "alerts": 0x6765_0004}

# SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_LOCK_NOT_AVAILABLE = "55P03"
_WRITE_REFUSED = {"53100": "the server's disk is full", "53200": "the server is out of memory",
                  "53300": "the server has too many connections", "25006": "the connection is read-only",
                  "42501": "the store's user may not write to it"}


def is_postgres_url(url: str) -> bool:
    return url.split("://", 1)[0].lower() in _SCHEMES


def driver_url(url: str) -> sa.URL:
    """The URL with psycopg 3 as its driver (``postgresql://`` and ``postgres://`` accepted)."""
    parsed = sa.make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    return parsed.set(drivername=DRIVER) if parsed.drivername in _SCHEMES else parsed


def engine_options(url: sa.URL) -> dict:
    """``create_engine`` options for a server: connections checked before use (a server restarted
    under a long-running dashboard costs one reconnection, not an error page), a connect timeout
    unless the URL sets one."""
    options: dict = {"pool_pre_ping": True}
    if "connect_timeout" not in url.query:
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return options


def on_connect(dbapi_connection, _record) -> None:
    """Every session in UTC, the time zone the store writes in: times then read back the same on
    every analyst's machine, whatever the server's own setting."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.autocommit = autocommit


def table_metadata() -> sa.MetaData:
    """The tables as PostgreSQL makes them: ``core.schema``'s, with three changes.

    - Lengths of strings are not enforced (TEXT): SQLite never enforces them, and a value from the
      input (a declared language, an encoding's name) longer than the schema's width must be stored
      there as here, not stop an ingest.
    - ``ROW_ORDER`` on the tables read in the order rows were written.
    - The articles' time index sorts missing times first, as the store's reads do (SQLite's order),
      so reading articles in time order walks the index instead of sorting the corpus.
    """
    metadata = sa.MetaData()
    for table in schema.metadata.sorted_tables:
        copy = table.to_metadata(metadata)
        for column in copy.columns:
            if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Text) and column.type.length:
                column.type = sa.Text()
        if table.name in _ROW_ORDER_TABLES:
            copy.append_column(sa.Column(ROW_ORDER, sa.BigInteger, sa.Identity(always=False), nullable=False))
        if table.name == "articles":
            for index in [index for index in copy.indexes if index.name == "ix_articles_published"]:
                copy.indexes.discard(index)
            sa.Index("ix_articles_published", copy.c.published.asc().nulls_first())
    return metadata


def order_written(table: sa.Table) -> list:
    """The order ``table``'s rows were written in, to break ties with (nothing for other tables)."""
    return [sa.literal_column(f"{table.name}.{ROW_ORDER}")] if table.name in _ROW_ORDER_TABLES else []


def take_lock(conn: sa.Connection, name: str) -> None:
    """Wait for the advisory lock ``name`` (see ADVISORY_LOCKS), held until the transaction ends."""
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCKS[name])))


def set_lock_timeout(conn: sa.Connection, seconds: float) -> None:
    """A write waits this long for a lock another writer holds, then fails (``store_error`` makes
    it ``StoreBusy``): GEOWIRE_BUSY_SECONDS, as on SQLite. PostgreSQL's 0 means "wait for ever",
    so "at once" is one millisecond."""
    milliseconds = max(1, int(seconds * 1000))
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")


def lock_articles(conn: sa.Connection, article_ids: list[str]) -> None:
    """Lock the rows of ``article_ids`` until the transaction ends, in one order (by id) so that two
    writers locking overlapping sets never wait for each other in a circle. What a write derives
    from an article (its mentions, dates, whether it is extracted) is replaced by deleting and
    inserting; two writers doing so for one article at once would leave both's rows, or fail on
    the second insert. FOR NO KEY UPDATE: readers and the ingest's inserts are not held up."""
    table = schema.articles
    ordered = sorted(set(article_ids))
    for start in range(0, len(ordered), 500):
        conn.execute(sa.select(table.c.article_id).where(table.c.article_id.in_(ordered[start:start + 500]))
                     .order_by(table.c.article_id).with_for_update(key_share=True)).all()


def bump(conn: sa.Connection, key: str) -> None:
    """Add one to a counter of ``store_meta`` in one statement: two first writes at once must not
    both insert it."""
    table = schema.store_meta
    conn.execute(postgresql.insert(table).values(key=key, value=1)
                 .on_conflict_do_update(index_elements=[table.c.key], set_={"value": table.c.value + 1}))


def store_error(name: str, busy_seconds: float, err: sa.exc.DBAPIError, password: str | None) -> StoreError | None:
    """What a server's error means for the user, or None for one that is a bug (it keeps its
    traceback). ``name`` is the store without its password; the password is also taken out of the
    server's message, should a driver ever quote it."""
    code = getattr(err.orig, "sqlstate", None)
    if code == _LOCK_NOT_AVAILABLE:
        return StoreBusy(name, busy_seconds)
    if code in _WRITE_REFUSED:
        return StoreWriteError(name, f"{_WRITE_REFUSED[code]} ({_first_line(err, password)})")
    if isinstance(err, sa.exc.OperationalError) and (code is None or code.startswith("08") or code.startswith("57P")):
        # No SQLSTATE: the connection itself failed (server down, wrong port, refused password).
        return StoreError(name, f"cannot use the PostgreSQL server: {_first_line(err, password)}")
    return None


def _first_line(err: sa.exc.DBAPIError, password: str | None) -> str:
    text = str(err.orig).strip().splitlines()[0] if str(err.orig).strip() else type(err.orig).__name__
    return text.replace(password, "***") if password else text
