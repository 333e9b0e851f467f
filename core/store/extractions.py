"""The extraction's side of the store: which articles are due (not yet extracted with the
dictionary's version), their mentions and mentioned dates replaced, and the summaries of the stored
mentions that grouping discovered names and the stories start from.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core import schema
from core.store import batches, database


def save_extraction(engine: sa.Engine, article_ids: list[str], mentions: pd.DataFrame, dates: pd.DataFrame,
                    dictionary_version: str) -> None:
    """Replace the mentions and mentioned dates of ``article_ids`` in one transaction."""
    with database._writing(engine) as conn:
        database._lock_articles(conn, article_ids)
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
        database._bump_revision(conn)


def discovered_name_keys(engine: sa.Engine) -> list[str]:
    """The distinct ``name_key`` of stored mentions: every name found outside the dictionary."""
    table = schema.mentions
    with engine.connect() as conn:
        return list(conn.execute(sa.select(table.c.name_key).where(table.c.name_key.is_not(None)).distinct()).scalars())


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


def due_languages(engine: sa.Engine, not_extracted_with: str | None) -> list[str | None]:
    """The distinct languages of the articles not yet extracted with that version (every article
    with None), None for articles without one."""
    table = schema.articles
    query = _not_extracted(sa.select(table.c.language).distinct().select_from(table), not_extracted_with)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def due_articles(engine: sa.Engine, not_extracted_with: str | None, after: str | None, limit: int,
                 max_chars: int) -> pd.DataFrame:
    """The next articles to extract: article_id, title, text, language, published (dtypes of
    ``reads.load_articles``) of up to ``limit`` articles whose article_id follows ``after`` (None:
    from the first), not yet extracted with that version (every one with None), by article_id, ending
    once their text reaches ``max_chars`` characters (at least one article). Paging by key keeps
    every page as quick as the first, and the text of only one page is in memory."""
    table = schema.articles
    columns = ("article_id", "title", "text", "language", "published")
    query = _not_extracted(sa.select(*[table.c[name] for name in columns]), not_extracted_with)
    if after is not None:
        query = query.where(table.c.article_id > after)
    query = query.order_by(table.c.article_id).limit(limit)
    frame = next(batches._batches(engine, query, columns, limit, max_chars), None)
    if frame is None:
        return schema.empty_articles().loc[:, list(columns)]
    frame["published"] = pd.to_datetime(frame["published"], utc=True).astype(schema.TIMESTAMP_DTYPE)
    return frame.astype({name: schema.ARTICLE_DTYPES[name] for name in columns if name != "published"})


def discovered_names(engine: sa.Engine) -> pd.DataFrame:
    """The distinct (name_key, surface) of the stored discovered names, with the mentions each
    stands for (``occurrences``): what ``grouping.group_discovered`` groups. Small: one row per
    spelling of a name, however often it is written."""
    table = schema.mentions
    query = (sa.select(table.c.name_key, table.c.surface, sa.func.sum(sa.func.coalesce(table.c.occurrences, 1)))
             .where(table.c.name_key.is_not(None), table.c.actor_id.is_(None))
             .group_by(table.c.name_key, table.c.surface))
    frame = pd.concat([pd.DataFrame({"name_key": pd.Series(dtype="str"), "surface": pd.Series(dtype="str"),
                                     "occurrences": pd.Series(dtype="int64")}),
                       *batches._batches(engine, query, ("name_key", "surface", "occurrences"), batches.BATCH_ROWS)],
                      ignore_index=True)
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


def extracted_versions(engine: sa.Engine) -> list[str]:
    """The dictionary versions the stored extractions were made with."""
    table = schema.extractions
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(table.c.dictionary_version).distinct()).scalars())


def dictionary_snapshot(engine: sa.Engine, version: str) -> str | None:
    """The snapshot kept of the dictionary of ``version`` (``save_dictionary_snapshot``), or None."""
    table = schema.dictionary_snapshots
    with engine.connect() as conn:
        return conn.execute(sa.select(table.c.snapshot).where(table.c.dictionary_version == version)).scalar()


def save_dictionary_snapshot(engine: sa.Engine, version: str, snapshot: str) -> None:
    """Keep ``snapshot`` for ``version``, and only for the versions stored extractions still have."""
    table, done = schema.dictionary_snapshots, schema.extractions
    with database._writing(engine) as conn:
        database._replacing(conn, table, {"dictionary_version": version, "snapshot": snapshot})
        conn.execute(table.delete().where(table.c.dictionary_version.not_in(sa.select(done.c.dictionary_version).distinct())))


def carry_over(engine: sa.Engine, old_version: str, new_version: str, affected: list[str]) -> int:
    """Mark the articles extracted with ``old_version`` as extracted with ``new_version``, but for
    those of ``affected``, which become due; in one transaction. Returns how many were carried over."""
    table = schema.extractions
    with database._writing(engine) as conn:
        for start in range(0, len(affected), 500):
            conn.execute(table.delete().where(table.c.dictionary_version == old_version,
                                              table.c.article_id.in_(affected[start:start + 500])))
        carried = conn.execute(table.update().where(table.c.dictionary_version == old_version)
                               .values(dictionary_version=new_version)).rowcount
        database._bump_revision(conn)
    return carried
