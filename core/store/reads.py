"""What pages, exports and the command line read whole: the articles, the ingest log, the
mentions and mentioned dates as extracted. Reading a batch at a time is ``batches``.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core import schema
from core.store import batches


def load_articles(engine: sa.Engine, not_extracted_with: str | None = None) -> pd.DataFrame:
    """Every stored article, with the schema's columns and dtypes, oldest publication first.
    With ``not_extracted_with``: only the articles not yet extracted with that dictionary version."""
    table = schema.articles
    query = sa.select(*[table.c[name] for name in schema.ARTICLE_COLUMNS])
    if not_extracted_with is not None:
        done = schema.extractions
        query = query.outerjoin(done, done.c.article_id == table.c.article_id).where(
            sa.or_(done.c.dictionary_version.is_(None), done.c.dictionary_version != not_extracted_with))
    frame = _read_frame(engine, query.order_by(batches._oldest_first(engine, table.c.published), table.c.article_id),
                        schema.ARTICLE_COLUMNS)
    if frame.empty:
        return schema.empty_articles()
    return schema.as_articles(frame)


# Ids per query: SQLite's default limit on bound parameters is 999 in older builds.
_IDS_PER_QUERY = 500


def article_columns(engine: sa.Engine, article_ids, columns) -> pd.DataFrame:
    """article_id and ``columns`` (of ARTICLE_COLUMNS) of the given articles, in no particular
    order, with the articles frame's dtypes: the dashboard holds its articles without their texts
    and provenance and reads these only for the articles it shows or exports."""
    table = schema.articles
    ids, names = list(dict.fromkeys(article_ids)), ["article_id", *[c for c in columns if c != "article_id"]]
    parts = [schema.empty_articles()[names]]
    for start in range(0, len(ids), _IDS_PER_QUERY):
        query = sa.select(*[table.c[name] for name in names]).where(table.c.article_id.in_(ids[start:start + _IDS_PER_QUERY]))
        parts.append(schema.as_articles(_read_frame(engine, query, names).reindex(columns=list(schema.ARTICLE_COLUMNS)))[names])
    return pd.concat(parts, ignore_index=True)


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


def load_mentions(engine: sa.Engine) -> pd.DataFrame:
    """Stored mentions as extracted (discovered names still without actor_id), in the order of
    ``batches.mention_batches``."""
    return pd.concat([batches.empty_mentions(), *batches.mention_batches(engine)], ignore_index=True)


def load_mentioned_dates(engine: sa.Engine) -> pd.DataFrame:
    """Stored mentioned dates, by date (in the order of ``batches.mentioned_date_batches``)."""
    return pd.concat([batches.empty_mentioned_dates(), *batches.mentioned_date_batches(engine)], ignore_index=True)
