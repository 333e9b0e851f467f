"""The user's filters (``Filters``, also their URL form) and the articles they select
(``filter_articles``), with the counts of a selection for the page header (``overview``)."""
from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timezone
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from core import schema
from core.analysis import _shared, mention_index, text_search

ACTOR_TYPES = ("person", "country", "organisation")


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the user selected. Empty tuples and None mean "no restriction".

    ``actors`` keeps articles that mention any of them (``actor_match="all"``: every one of them);
    ``actor_types`` keeps articles that mention at least one actor of those types. ``query`` is
    read by ``text_search.parse`` (words, "phrases", AND, OR, NOT).
    """

    date_from: date | None = None
    date_to: date | None = None
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    query: str = ""
    include_undated: bool = True
    actors: tuple[str, ...] = ()
    actor_types: tuple[str, ...] = ()
    actor_match: str = "any"
    # Only the articles stored after this moment (UTC): "new since the last visit".
    stored_since: datetime | None = None

    def to_dict(self) -> dict:
        """Every field as plain JSON-ready values (ISO dates, lists), to record in an export."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, (date, datetime)):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[field.name] = value
        return out

    def to_query_params(self) -> dict[str, str]:
        """The non-default fields as URL query parameters: dates ISO, lists comma-separated (a
        comma or percent sign inside an item is percent-encoded, so any source name survives)."""
        params: dict[str, str] = {}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        for key, values in _LIST_PARAMS.items():
            items = getattr(self, values)
            if items:
                params[key] = ",".join(_ESCAPED_IN_ITEMS.sub(lambda found: quote(found.group(), safe=""), item)
                                       for item in items)
        if self.query.strip():
            params["q"] = self.query
        if not self.include_undated:
            params["undated"] = "0"
        if self.actor_match != "any":
            params["actor_mode"] = self.actor_match
        if self.stored_since is not None:
            params["new"] = self.stored_since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return params

    @classmethod
    def from_query_params(cls, params) -> "Filters":
        """Filters from URL query parameters, as ``to_query_params`` writes them or as a person
        types them: a value may be a string or a list of strings (repeated keys), list items may
        also be comma-separated. Unknown keys and malformed values are ignored."""
        def last(key):
            value = params.get(key) if hasattr(params, "get") else None
            if isinstance(value, (list, tuple)):
                value = value[-1] if value else None
            return value if isinstance(value, str) else None

        def items(key):
            value = params.get(key) if hasattr(params, "get") else None
            if isinstance(value, str):
                values = [value]
            elif isinstance(value, (list, tuple)):
                values = [v for v in value if isinstance(v, str)]
            else:
                values = []
            found = []
            for raw in values:
                for item in raw.split(","):
                    item = unquote(item).strip()
                    if item and item not in found:
                        found.append(item)
            return tuple(found)

        fields = {"date_from": _iso_date(last("from")), "date_to": _iso_date(last("to")),
                  "query": last("q") or ""}
        for key, name in _LIST_PARAMS.items():
            fields[name] = items(key)
        fields["actor_types"] = tuple(t for t in fields["actor_types"] if t in ACTOR_TYPES)
        undated = (last("undated") or "").strip().lower()
        fields["include_undated"] = undated not in ("0", "false", "no", "off")
        # "match" is how the mode was first written; links may still carry it
        mode = last("actor_mode") or last("match") or ""
        fields["actor_match"] = "all" if mode.strip().lower() == "all" else "any"
        fields["stored_since"] = _moment(last("new"))
        return cls(**fields)


_LIST_PARAMS = {"lang": "languages", "source": "sources", "actor": "actors", "type": "actor_types"}
# In a list item only "," (which separates the items) and "%" (which starts an escape) are
# percent-encoded. quote() of the whole item would also encode every non-ASCII letter (its safe set
# is ASCII only): a link to "Écho du Levant" or "Известия" would read %C3%89cho... in the address
# bar and no longer match the links made before. Streamlit encodes the whole value once more.
_ESCAPED_IN_ITEMS = re.compile("[%,]")


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def _moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def filter_articles(articles: pd.DataFrame, filters: Filters, mentions: pd.DataFrame | None = None,
                    actors: pd.DataFrame | None = None, text_lookup: text_search.Lookup | text_search.RowLookup | None = None) -> pd.DataFrame:
    """The articles that pass every filter, newest first: ``rows_of(articles, selected_rows(...))``."""
    return rows_of(articles, selected_rows(articles, filters, mentions, actors, text_lookup))


def selected_rows(articles: pd.DataFrame, filters: Filters, mentions: pd.DataFrame | None = None,
                  actors: pd.DataFrame | None = None, text_lookup: text_search.Lookup | text_search.RowLookup | None = None) -> np.ndarray:
    """Positions in ``articles`` of the articles that pass every filter, newest first: what a
    selection costs to keep (4 bytes an article) where its rows would cost their columns.

    Needs: articles[article_id, published, language, source], for a text query title and text,
    and optionally title_translated / text_translated, which the text query then also searches.
    With ``text_lookup`` (a full-text index of the titles and texts, ``text_search.Lookup``, or a
    ``text_search.RowLookup`` bound to ``articles``) the title and text are not needed: the query's
    words are looked up there, and only the translations scanned.
    Needs, when ``filters.actors`` or ``filters.actor_types`` is set: mentions[article_id, actor_id];
    for ``actor_types`` also actors[actor_id, type].
    A date range keeps undated articles only when ``include_undated`` is set, so an undated article
    never silently disappears from a view that does not restrict dates. The text query is read
    by ``text_search.parse`` and matched (``text_search.matches``) in the rows the other filters
    kept; a query it cannot read raises ``text_search.QueryError`` (one line). When every article
    passes, the positions are every row in order (``rows_of`` then gives ``articles`` itself).
    """
    query = text_search.parse(filters.query)  # first: a query that cannot be read fails at once
    searched = ("title", "text") if query.root is not None and text_lookup is None else ()
    schema.require_columns(articles, ("published", "language", "source") + searched, stage=_shared.STAGE)
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
    if filters.stored_since is not None:
        keep &= articles["ingested_at"] > pd.Timestamp(filters.stored_since)
    if filters.actors or filters.actor_types:
        keep &= _articles_with_actors(articles, filters, mentions, actors)
    keep = keep.fillna(False).to_numpy(dtype=bool, copy=True)
    if query.root is not None:  # last: the texts are searched only in the rows still kept
        kept = np.flatnonzero(keep)
        keep[kept] = text_search.matches(articles, query, kept, text_lookup)
    # Newest first, undated last. Rows are taken once, and not at all when every article passes
    # in the order it already has (the dashboard's corpus is kept newest first): copying 100k
    # texts cost a third of a second on every unfiltered view.
    published = articles["published"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    published[articles["published"].isna().to_numpy()] = np.iinfo(np.int64).min + 1  # negated: last
    rows = np.flatnonzero(keep)
    return rows[np.argsort(-published[rows], kind="stable")] if len(rows) else rows


def rows_of(articles: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The rows of ``articles`` at ``rows``, with a default index; ``articles`` itself when that is
    every row in the order it has (like every frame here, not to be changed)."""
    if len(rows) == len(articles) and (rows == np.arange(len(rows))).all() and isinstance(articles.index, pd.RangeIndex) \
            and articles.index.start == 0 and articles.index.step == 1:
        return articles
    return articles.take(rows).reset_index(drop=True)


def _articles_with_actors(articles: pd.DataFrame, filters: Filters, mentions: pd.DataFrame | None,
                          actors: pd.DataFrame | None) -> np.ndarray:
    """Per row of ``articles``: does it name the filtered actors (any or all) of the filtered types?"""
    if mentions is None:
        raise ValueError(f"{_shared.STAGE}: filtering by actor needs the mentions frame (filters: actors={list(filters.actors)}, "
                         f"actor_types={list(filters.actor_types)})")
    schema.require_columns(mentions, ("article_id", "actor_id"), stage=_shared.STAGE)
    index = mention_index.of(mentions)
    keep = np.ones(len(index.pair_actor), dtype=bool)
    if filters.actor_types:
        if actors is None:
            raise ValueError(f"{_shared.STAGE}: filtering by actor type needs the actors frame "
                             f"(actor_types={list(filters.actor_types)})")
        schema.require_columns(actors, ("actor_id", "type"), stage=_shared.STAGE)
        keep &= index.actor_mask(actors.loc[actors["type"].isin(filters.actor_types), "actor_id"])[index.pair_actor]
    needed = 1
    if filters.actors:
        keep &= index.actor_mask(filters.actors)[index.pair_actor]
        if filters.actor_match == "all":
            needed = len(set(filters.actors))
    named = np.bincount(index.pair_article[keep], minlength=len(index.articles)) >= needed
    codes = index.article_codes(articles)
    return (codes >= 0) & named[np.maximum(codes, 0)]


@dataclasses.dataclass(frozen=True)
class Overview:
    """What a selection holds, for the caption under the filter bar."""

    articles: int
    sources: int
    languages: int
    first: pd.Timestamp | None  # the earliest publication time; None when every article is undated
    last: pd.Timestamp | None
    undated: int


def overview(articles: pd.DataFrame) -> Overview:
    """Counts for the page header: articles, sources, languages and the date span."""
    dated = articles["published"].dropna()
    return Overview(
        articles=len(articles),
        sources=articles["source"].nunique(),
        languages=articles["language"].nunique(),
        first=dated.min() if len(dated) else None,
        last=dated.max() if len(dated) else None,
        undated=int(articles["published"].isna().sum()),
    )
