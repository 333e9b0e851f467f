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
