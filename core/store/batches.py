"""Reading the store a batch at a time. Extraction and the frames the dashboard starts from read
it so, so that their memory does not grow with the corpus (docs/actors.md, "Memory").

``_batches`` (a query's rows as frames of bounded size) is the package's own: ``extractions``
pages through the articles due with it.
"""
from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import sqlalchemy as sa

from core import schema
from core.store import postgres

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
    a primary key has one), PostgreSQL's ``postgres.ROW_ORDER`` column; nothing elsewhere."""
    if engine.dialect.name == "postgresql":
        return postgres.order_written(table)
    return [sa.literal_column(f"{table.name}.rowid")] if engine.dialect.name == "sqlite" else []


def _oldest_first(engine: sa.Engine, column):
    """``column`` ascending with missing values first, SQLite's own order, on every database
    (PostgreSQL puts them last unless told)."""
    return column.asc().nulls_first() if engine.dialect.name == "postgresql" else column


def _batches(engine: sa.Engine, query, names, rows: int, chars: int | None = None) -> Iterator[pd.DataFrame]:
    """A query's rows as frames of at most ``rows`` rows, and, with ``chars``, ending once their
    text reaches ``chars`` characters (always at least one row). The rows are fetched as they are
    read: the driver never holds the whole result."""
    with engine.connect() as conn:
        result = conn.execute(query)
        if chars is None:
            while batch := result.fetchmany(rows):
                yield _frame(batch, names)
            return
        batch, size = [], 0
        for row in result:
            batch.append(row)
            size += sum(len(value) for value in row if isinstance(value, str))
            if len(batch) >= rows or size >= chars:
                yield _frame(batch, names)
                batch, size = [], 0
        if batch:
            yield _frame(batch, names)


def _frame(rows: list, names) -> pd.DataFrame:
    # As plain tuples: pandas probes each SQLAlchemy Row for attributes it lacks, and every probe
    # goes through the Row's failing key lookup (a third of the frames' preparation time).
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(names))


def article_batches(engine: sa.Engine) -> Iterator[pd.DataFrame]:
    """``reads.load_articles`` a batch at a time (ARTICLE_BATCH_ROWS, ARTICLE_BATCH_CHARS), in its order."""
    table = schema.articles
    query = sa.select(*[table.c[name] for name in schema.ARTICLE_COLUMNS]).order_by(_oldest_first(engine, table.c.published),
                                                                                    table.c.article_id)
    for frame in _batches(engine, query, schema.ARTICLE_COLUMNS, ARTICLE_BATCH_ROWS, ARTICLE_BATCH_CHARS):
        yield schema.as_articles(frame)


# The article of each row of mention_batches(every_article=True): its id (named apart from the
# mention's article_id, which is missing for an article without mentions), time and duplicate_of.
ARTICLE_ORDER_COLUMNS = ("position_id", "published", "duplicate_of")


def mention_batches(engine: sa.Engine, every_article: bool = False) -> Iterator[pd.DataFrame]:
    """The stored mentions (MENTION_COLUMNS, discovered names without actor_id; ``occurrences``
    1 where a store of an earlier version has none) in batches of up to BATCH_ROWS, in the order
    of their articles in ``reads.load_articles`` and within an article as written. An article's
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
             .order_by(_oldest_first(engine, articles.c.published), articles.c.article_id,
                       *_insertion_order(engine, mentions)))
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
