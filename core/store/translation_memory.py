"""The translation memory and the translations built from it: the segments already translated,
looked up and remembered (the data a user paid for), which articles are still to translate, and
each article's translation (or its failure) written and read back.

Named for the memory rather than "translations": callers keep frames named ``translations``.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core import schema
from core.store import batches, database


def _same_language(column, language: str):
    """``column`` is ``language`` or one of its regional forms ("en", "en-GB")."""
    base = language.split("-")[0]
    # ILIKE: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not.
    return sa.or_(column == base, column.ilike(f"{base}-%"))


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
             .order_by(done.c.at.is_not(None), done.c.at, batches._oldest_first(engine, table.c.published),
                       table.c.article_id))
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
    with database._writing(engine) as conn:
        conn.execute(_insert_ignoring_duplicates(conn, schema.translation_memory), list(rows.values()))


def _insert_ignoring_duplicates(conn: sa.Connection, table: sa.Table):
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def save_translation(engine: sa.Engine, article_id: str, target_lang: str, provider: str, title: str | None,
                     text: str | None, status: str, error: str | None, now: datetime | None = None) -> None:
    """Write one article's translation (or its failure) in one transaction."""
    with database._writing(engine) as conn:
        database._replacing(conn, _TRANSLATIONS, {"article_id": article_id, "target_lang": target_lang, "provider": provider,
                                                  "title": title, "text": text, "status": status, "error": error,
                                                  "at": now or datetime.now(tz=timezone.utc)})
        database._bump_revision(conn, "translations")


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
