"""Column lists and store tables, written once. Each table is an SQLAlchemy table; a column that is
also a frame column carries its pandas dtype and meaning (``info``), and the ``*_FIELDS`` lists
(name, pandas dtype, meaning) are read from the tables. The tables of monitoring (followed sources,
items seen, alerts) are in ``monitoring``, what every table is built with in ``base``; all are
reached as ``schema.<table>``. ``docs/schema.md`` documents the article
columns and a test keeps the two in step.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from pandas.core.dtypes.cast import maybe_box_native

from core.schema.base import TIMESTAMP_DTYPE, _column, _fields, _names, metadata
# Re-exported: callers reach every table as schema.<table>, wherever it is written.
from core.schema.monitoring import (alert_articles, alert_deliveries, alert_rules, alerts,  # noqa: F401
                                    seen_items, sources)

# One row is one article from one source.
articles = sa.Table(
    "articles",
    metadata,
    _column("article_id", sa.String(32), "string",
            "stable id: hash of source and content hash, so re-ingesting gives the same id", primary_key=True),
    _column("source", sa.Text, "string",
            "outlet: feed or site name, the export's source column, or the folder a text file sits in"),
    _column("url", sa.Text, "string", "link to the article where the input gives one; <NA> otherwise"),
    _column("title", sa.Text, "string", "headline as written, in the original language"),
    _column("published", sa.DateTime(timezone=True), TIMESTAMP_DTYPE,
            "publication time in UTC; <NA> when the input states no date (never today's date)"),
    _column("published_precision", sa.String(8), "string",
            "'day' when only the date is known, 'minute' when a time is given; <NA> with no date"),
    _column("language", sa.String(8), "string",
            "ISO 639-1 code read from the text by lingua; <NA> when the text is too short to tell"),
    _column("language_declared", sa.String(16), "string",
            "language the input declared (html lang, export column); <NA> when none"),
    _column("text", sa.Text, "string", "body text, clutter removed, paragraphs separated by a blank line",
            nullable=False),
    _column("content_hash", sa.String(32), "string", "hash of the normalised body; equal bodies have equal hashes",
            nullable=False, index=True),
    _column("duplicate_of", sa.String(32), "string",
            "article_id of the first stored article with the same or a near-identical body from another source; "
            "<NA> for originals"),
    _column("origin_file", sa.Text, "string",
            "absolute path of the file the article came from; for an article fetched from a followed source "
            "(python -m core watch), the URL it was fetched from", nullable=False),
    _column("origin_item", sa.Integer, "Int64",
            "position of the article in that file: row, line or feed item (1-based); 1 for single-article files",
            nullable=False),
    _column("format", sa.String(8), "string", "input format: text, html, rss, atom, csv, tsv, json, jsonl",
            nullable=False),
    _column("encoding", sa.String(32), "string", "character encoding the file was read with"),
    _column("ingested_at", sa.DateTime(timezone=True), TIMESTAMP_DTYPE, "when the article was stored (UTC)",
            nullable=False),
    sa.Index("ix_articles_published", "published"),
)
ARTICLE_FIELDS: tuple[tuple[str, str, str], ...] = _fields(articles)
ARTICLE_COLUMNS: tuple[str, ...] = _names(ARTICLE_FIELDS)
ARTICLE_DTYPES: dict[str, str] = {name: dtype for name, dtype, _ in ARTICLE_FIELDS}

# MinHash band keys of every stored article: near-duplicate candidates are found by an indexed
# lookup in the store instead of an in-memory index that would grow with the corpus.
near_duplicate_bands = sa.Table(
    "near_duplicate_bands",
    metadata,
    sa.Column("band_key", sa.BigInteger, nullable=False, index=True),
    sa.Column("article_id", sa.String(32), nullable=False),
)
minhash_signatures = sa.Table(
    "minhash_signatures",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("signature", sa.LargeBinary, nullable=False),
)

# One row per file, item or row tried: what the ingest said about it.
ingest_log = sa.Table(
    "ingest_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("item", sa.Text),
    sa.Column("status", sa.String(16), nullable=False),  # stored | duplicate | rejected | note
    sa.Column("message", sa.Text),
    sa.Column("article_id", sa.String(32)),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)
# The log as read: every column but the row id, which only orders it.
INGEST_LOG_COLUMNS = tuple(column.name for column in ingest_log.columns if column.name != "id")

# Files already ingested, so that an unchanged file is recognised from its size and modification
# time alone and a re-run costs a stat call per file. A large export is committed in chunks: until
# its last chunk, ``complete`` is false and ``items_done`` says how many of its items (rows, lines,
# JSON items, rejected ones included) are stored, so that a re-run of the same bytes continues after
# them. Stores made before chunked commits gain both columns with every file complete.
ingested_files = sa.Table(
    "ingested_files",
    metadata,
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mtime_ns", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("stored", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("message", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("items_done", sa.Integer),
    sa.Column("complete", sa.Boolean, nullable=False, server_default="1"),
)

# One row is one actor: a dictionary actor mentioned in the corpus, or a discovered person.
actors = sa.Table(
    "actors",
    metadata,
    _column("actor_id", sa.String(96), "string",
            "Wikidata QID where known; gw:<slug> for others; iso:<code> for a state without QID", primary_key=True),
    _column("name", sa.Text, "string", "English display name", nullable=False),
    _column("type", sa.String(16), "string", "person | country | organisation", nullable=False),
    _column("country", sa.String(8), "string",
            "ISO 3166-1 alpha-2 of the state a person serves or an organisation belongs to; <NA> when none"),
    _column("origin", sa.String(16), "string",
            "dictionary | discovered (found by cues, not in the dictionary) | corrected (changed by an "
            "analyst's correction: the store's or data/corrections.toml)", nullable=False),
)
ACTOR_FIELDS: tuple[tuple[str, str, str], ...] = _fields(actors)
ACTOR_COLUMNS: tuple[str, ...] = _names(ACTOR_FIELDS)

# One row is one mention of one actor in one article.
mentions = sa.Table(
    "mentions",
    metadata,
    _column("article_id", sa.String(32), "string", "the article", nullable=False, index=True),
    # NULL in the store: a discovered name, grouped when loaded
    _column("actor_id", sa.String(96), "string", "the actor (see actors)", index=True),
    _column("field", sa.String(8), "string", "title | text: where the mention is", nullable=False),
    _column("start", sa.Integer, "int64", "character offset of the mention in that field", nullable=False),
    _column("end", sa.Integer, "int64", "offset just after the mention", nullable=False),
    _column("surface", sa.Text, "string", "the words as written, in the original script and inflection",
            nullable=False),
    _column("sentence", sa.Text, "string", "the sentence the mention is in (at most 400 characters)"),
    _column("method", sa.String(16), "string",
            "alias | stem | inflection | metonym | context (dictionary); title | given_name | surname (discovered)",
            nullable=False),
    _column("confidence", sa.Float, "float64",
            "0-1: 1 for an exact alias, lower for inflections, metonyms and discovered names", nullable=False),
    _column("name_key", sa.Text, "string",
            "discovered names: 'given|surname|language' as written (the article's language; rows stored before it: 'given|surname'), used to group them across articles; <NA> otherwise"),
    # server_default: a store made before this column gets it filled with 1 (core.store.database)
    _column("occurrences", sa.Integer, "int64",
            "how many mentions this row stands for: 1, or more on the last row kept of a name an article "
            "repeats in one form more than actors.MAX_IDENTICAL_MENTIONS times (a store of an earlier "
            "version has NULL here, read as 1)", nullable=False, server_default=sa.text("1")),
)
MENTION_FIELDS: tuple[tuple[str, str, str], ...] = _fields(mentions)
MENTION_COLUMNS: tuple[str, ...] = _names(MENTION_FIELDS)

# One row is one date an article mentions ("le 3 janvier", "أمس"), resolved to a calendar day.
mentioned_dates = sa.Table(
    "mentioned_dates",
    metadata,
    _column("article_id", sa.String(32), "string", "the article", nullable=False, index=True),
    _column("date", sa.Date, "datetime64[us]", "the calendar day referred to", nullable=False, index=True),
    _column("kind", sa.String(16), "string",
            "absolute (a day and month written out) | relative (weekday, yesterday, today, tomorrow)",
            nullable=False),
    _column("field", sa.String(8), "string", "title | text", nullable=False),
    _column("start", sa.Integer, "int64", "character offset in that field", nullable=False),
    _column("end", sa.Integer, "int64", "offset just after the expression", nullable=False),
    _column("surface", sa.Text, "string", "the expression as written", nullable=False),
    _column("sentence", sa.Text, "string", "the sentence it is in (at most 400 characters)"),
    _column("occurrences", sa.Integer, "int64",
            "how many mentions of the date this row stands for, as for actor mentions "
            "(mentioned_dates.MAX_IDENTICAL_DATES)", nullable=False, server_default=sa.text("1")),
)
MENTIONED_DATE_FIELDS: tuple[tuple[str, str, str], ...] = _fields(mentioned_dates)
MENTIONED_DATE_COLUMNS: tuple[str, ...] = _names(MENTIONED_DATE_FIELDS)

# Articles whose actors and dates were extracted, and with which dictionary: a changed
# dictionary or corrections file makes every article due again.
extractions = sa.Table(
    "extractions",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("dictionary_version", sa.String(32), nullable=False),
)

# One row is one analyst's correction of the actors (core.actors.corrections): kept in the store so
# that a team on one store shares them. They are applied whenever mentions are resolved to actors,
# never written into the mentions, so every re-extraction keeps them. Columns a kind does not use
# are NULL (docs/actors.md, "Corrections").
actor_corrections = sa.Table(
    "actor_corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # merge | split | rename | alias | retype | ignore
    sa.Column("actor", sa.String(96)),  # the actor corrected, by id; NULL for an ignored spelling alone
    sa.Column("actor_name", sa.Text),  # its name when corrected, for lists and files
    sa.Column("into_actor", sa.String(96)),  # merge: the actor kept; split: an existing actor the spellings go to
    sa.Column("name", sa.Text),  # rename: the new name; split: the new actor's name
    sa.Column("type", sa.String(16)),  # retype, and a split's new actor: person | country | organisation
    sa.Column("surfaces", sa.Text),  # split and ignore: the spellings, a JSON list
    sa.Column("alias", sa.Text),
    sa.Column("language", sa.String(16)),  # alias: ISO 639-1 code of the language it is written in
    sa.Column("article_id", sa.String(32)),  # ignore: only in this article
    sa.Column("analyst", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

# One row is one translated segment (a title, a paragraph or a piece of a long one). It is the
# data a user paid for: derived tables can be rebuilt, this cannot.
translation_memory = sa.Table(
    "translation_memory",
    metadata,
    sa.Column("provider", sa.String(16), primary_key=True),
    sa.Column("source_lang", sa.String(16), primary_key=True),  # "auto" when the article's language is unknown
    sa.Column("target_lang", sa.String(16), primary_key=True),
    sa.Column("segment_hash", sa.String(32), primary_key=True),
    sa.Column("source_text", sa.Text, nullable=False),
    sa.Column("translated_text", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)
# One row is one article in one target language: translated, or pending with the last error.
# Articles in the target language, and articles no run has tried yet, have no row.
translations = sa.Table(
    "translations",
    metadata,
    _column("article_id", sa.String(32), "string", "the article", primary_key=True),
    _column("target_lang", sa.String(16), "string", "ISO 639-1 code of the language translated into",
            primary_key=True),
    _column("provider", sa.String(16), "string",
            "google | libre | deepl | microsoft | mymemory: who translated it (or failed to)", nullable=False),
    _column("title", sa.Text, "string", "translated title; <NA> while pending or when the article has no title"),
    _column("text", sa.Text, "string", "translated text, paragraphs separated by a blank line; <NA> while pending"),
    _column("status", sa.String(16), "string", "translated | pending (a run tried and failed: see error)",
            nullable=False),
    _column("error", sa.Text, "string", "why the last run failed on it; <NA> once translated"),
    _column("at", sa.DateTime(timezone=True), TIMESTAMP_DTYPE, "when the row was last written (UTC)",
            nullable=False),
)
TRANSLATION_FIELDS: tuple[tuple[str, str, str], ...] = _fields(translations)
TRANSLATION_COLUMNS: tuple[str, ...] = _names(TRANSLATION_FIELDS)

# One row is one saved view of the dashboard: a name, the page and the query string that reopens it
# (filters and view widgets, as ui/view_state.py writes them). In the store, so a team shares them.
saved_views = sa.Table(
    "saved_views",
    metadata,
    sa.Column("name", sa.String(120), primary_key=True),
    sa.Column("page", sa.String(64), nullable=False),  # the page's script, e.g. "pages/timeline.py"
    sa.Column("query", sa.Text, nullable=False),  # URL query string, without the leading "?"
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)

# Bumped by every write transaction: pages cache frames keyed on it.
# The dictionary each extraction version ran with (``core.actors.dictionary_changes``): with it, a
# changed dictionary makes due only the articles holding a changed alias.
dictionary_snapshots = sa.Table(
    "dictionary_snapshots",
    metadata,
    sa.Column("dictionary_version", sa.String(32), primary_key=True),
    sa.Column("snapshot", sa.Text, nullable=False),
)

store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)


def require_columns(frame: pd.DataFrame, columns, stage: str) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise KeyError(
            f"{stage}: missing column(s) {', '.join(repr(m) for m in missing)} "
            f"(found: {', '.join(map(str, frame.columns))})"
        )


def empty_articles() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in ARTICLE_DTYPES.items()})


def as_articles(frame: pd.DataFrame) -> pd.DataFrame:
    """The schema's columns, in order, with the schema's dtypes."""
    require_columns(frame, ARTICLE_COLUMNS, stage="schema")
    out = frame.loc[:, list(ARTICLE_COLUMNS)].copy()
    for name, dtype in ARTICLE_DTYPES.items():
        if dtype == TIMESTAMP_DTYPE:
            out[name] = pd.to_datetime(out[name], utc=True).astype(TIMESTAMP_DTYPE)
        else:
            out[name] = out[name].astype(dtype)
    return out.reset_index(drop=True)


def as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a mentions or mentioned dates frame as the dashboard holds it (docs/scaling-store.md:
    ids and words as categoricals, offsets and counts in 32 bits) with the dtypes they are stored
    and read with (every integer of those frames is int64), so that grouping, mapping, merging and
    summing them behaves as on the frames read whole. The frame itself when nothing is held so."""
    changed = {name: dtype.categories.dtype if isinstance(dtype, pd.CategoricalDtype) else "int64"
               for name, dtype in frame.dtypes.items()
               if isinstance(dtype, pd.CategoricalDtype) or (pd.api.types.is_integer_dtype(dtype) and dtype.itemsize < 8)}
    return frame.astype(changed) if changed else frame


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for every missing value (pandas gives NaN, NA or NaT by dtype)."""
    # A column at a time (its Python values and its missing ones found at once), then the rows
    # zipped: ``to_dict("records")`` and a test per value were half of storing a page of mentions.
    names = list(frame.columns)
    columns = [_values(frame.iloc[:, position]) for position in range(len(names))]
    return [dict(zip(names, row)) for row in zip(*columns)] if names else [{} for _ in range(len(frame))]


def _values(column: pd.Series) -> list:
    """The column's values as ``to_dict`` gives them (Python scalars, Timestamps), None where missing."""
    if column.dtype == object:  # numpy scalars in it made Python ones, as to_dict makes them
        return [None if _missing(value) else maybe_box_native(value) for value in column.tolist()]
    values = column.tolist()
    missing = column.isna().to_numpy()
    if not missing.any():
        return values
    return [None if gone else value for value, gone in zip(values, missing.tolist())]


def _missing(value) -> bool:
    # pd.isna is element-wise on arrays (a MinHash signature is one value here, never missing).
    return value is None or (not hasattr(value, "__len__") and bool(pd.isna(value)))
