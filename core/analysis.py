"""Frames the pages draw: selections of articles under the user's filters."""
from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from core import schema


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the user selected. Empty tuples and None mean "no restriction"."""

    date_from: date | None = None
    date_to: date | None = None
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    query: str = ""
    include_undated: bool = True


def filter_articles(articles: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The articles that pass every filter, newest first.

    Needs: articles[published, language, source, title, text]. A date range keeps undated articles
    only when ``include_undated`` is set, so an undated article never silently disappears from a
    view that does not restrict dates. The text query matches title or text, case-insensitively,
    as a plain substring (no regular expression: users type names with dots and brackets).
    """
    schema.require_columns(articles, ("published", "language", "source", "title", "text"), stage="analysis")
    keep = pd.Series(True, index=articles.index)
    published = articles["published"]
    if filters.date_from is not None:
        keep &= (published >= pd.Timestamp(filters.date_from, tz="UTC")) | (published.isna() & filters.include_undated)
    if filters.date_to is not None:
        keep &= (published < pd.Timestamp(filters.date_to, tz="UTC") + pd.Timedelta(days=1)) | (published.isna() & filters.include_undated)
    if not filters.include_undated:
        keep &= published.notna()
    if filters.languages:
        keep &= articles["language"].isin(filters.languages)
    if filters.sources:
        keep &= articles["source"].isin(filters.sources)
    query = filters.query.strip().casefold()
    if query:
        haystack = articles["title"].fillna("").str.casefold() + "\n" + articles["text"].fillna("").str.casefold()
        keep &= haystack.str.contains(query, regex=False)
    selected = articles[keep.fillna(False).astype(bool)]
    return selected.sort_values("published", ascending=False, na_position="last").reset_index(drop=True)


def overview(articles: pd.DataFrame) -> dict:
    """Counts for the page header: articles, sources, languages and the date span."""
    dated = articles["published"].dropna()
    return {
        "articles": len(articles),
        "sources": articles["source"].nunique(),
        "languages": articles["language"].nunique(),
        "first": dated.min() if len(dated) else None,
        "last": dated.max() if len(dated) else None,
        "undated": int(articles["published"].isna().sum()),
    }
