"""Frames the pages draw: selections of articles under the user's filters, and the counts,
timelines, story groups and networks built from them.

Every function takes frames and returns new ones; none changes its input. The article frame may
carry the optional translation columns ``title_translated``, ``text_translated`` and
``translation_status``; functions that can use them say so and work without them.
``docs/dashboard.md`` explains the story grouping and the network.
"""
from __future__ import annotations

import array
import dataclasses
import typing
from datetime import date
from urllib.parse import unquote

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from core import schema
from core.analysis import mention_index

STAGE = "analysis"
ACTOR_TYPES = ("person", "country", "organisation")
FREQUENCIES = {"day": "D", "week": "W-SUN", "month": "M"}  # weeks run Monday to Sunday
TRANSLATION_COLUMNS = ("title_translated", "text_translated")

# Story grouping, calibrated on data/sample_manifest.csv (57 articles, 8 events in 10 languages):
# at these values no group mixes two events and 7 of the 8 events are one group each; the Cairo
# round of the Gaza talks, 9 days after Doha, stays apart. Same-event pairs there have an
# IDF-weighted actor Jaccard of 0.03-0.93 (median 0.26), different-event pairs within a week at
# most 0.23, mostly below 0.05. See docs/dashboard.md.
STORY_WINDOW_DAYS = 7.0
STORY_MIN_SIMILARITY = 0.12
STORY_MIN_SHARED_ACTORS = 2  # two articles naming only "Russia" and "Ukraine" are not one story
# An undated article has no window, so it must be more alike and joins only its best match (it
# would otherwise bridge stories months apart that share its actors).
STORY_UNDATED_MIN_SIMILARITY = 0.18
# A connected group larger than this loses its weakest links, the threshold rising by the step
# until its pieces are small enough: single linkage chains a week of daily war coverage into one
# blob. (Louvain did the same job at 40 ms a component: 20 s on 100k synthetic articles.)
STORY_SPLIT_ABOVE = 25
STORY_SPLIT_STEP = 0.04
# An actor named in more than this share of the articles (and more than this many) proposes no
# pair: in a year of Russia-Ukraine coverage every pair of a week shares "Russia". Its weight
# still counts in the similarity of the pairs rarer actors propose. The sample corpus (57
# articles) has no such actor, so its calibration is unaffected.
STORY_COMMON_SHARE = 0.05
STORY_COMMON_MIN_ARTICLES = 100
NETWORK_MAX_ACTORS = 150  # a network drawn with more nodes is unreadable in a report
# On a large corpus nearly every pair of the top actors is linked (10,927 links among 150 actors
# at 100k articles), which draws as a grey disc and took the browser 4 s. Over this many links the
# network keeps a backbone: each actor's heaviest few links (every actor keeps its strongest
# ties, so none is flung out of the layout). The chart draws it and the communities are found in
# it, so that the colours follow the links the reader sees; Louvain over every link also took
# 0.1-0.2 s a selection. The tables and the data download keep every link.
NETWORK_MAX_DRAWN_LINKS = 400
NETWORK_LINKS_PER_ACTOR = 3
SEED = 7  # fixed, so the communities and layout of one selection are the same on every run


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the user selected. Empty tuples and None mean "no restriction".

    ``actors`` keeps articles that mention any of them (``actor_match="all"``: every one of them);
    ``actor_types`` keeps articles that mention at least one actor of those types.
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

    def to_dict(self) -> dict:
        """Every field as plain JSON-ready values (ISO dates, lists), to record in an export."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, date):
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
                params[key] = ",".join(item.replace("%", "%25").replace(",", "%2C") for item in items)
        if self.query.strip():
            params["q"] = self.query
        if not self.include_undated:
            params["undated"] = "0"
        if self.actor_match != "any":
            params["match"] = self.actor_match
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
        fields["actor_match"] = "all" if (last("match") or "").strip().lower() == "all" else "any"
        return cls(**fields)


_LIST_PARAMS = {"lang": "languages", "source": "sources", "actor": "actors", "type": "actor_types"}


_positions = mention_index.positions


def _isin(values: pd.Series, allowed) -> np.ndarray:
    """``values.isin(allowed)`` for id columns, fast (see ``_positions``)."""
    allowed = pd.Series(list(allowed) if isinstance(allowed, (set, frozenset, dict)) else allowed)
    return _positions(values, allowed.drop_duplicates()) >= 0


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def filter_articles(articles: pd.DataFrame, filters: Filters, mentions: pd.DataFrame | None = None,
                    actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The articles that pass every filter, newest first.

    Needs: articles[article_id, published, language, source, title, text], and optionally
    title_translated / text_translated, which the text query then also searches.
    Needs, when ``filters.actors`` or ``filters.actor_types`` is set: mentions[article_id, actor_id];
    for ``actor_types`` also actors[actor_id, type].
    A date range keeps undated articles only when ``include_undated`` is set, so an undated article
    never silently disappears from a view that does not restrict dates. The text query matches
    case-insensitively as a plain substring (no regular expression: users type names with dots
    and brackets). When every article passes and ``articles`` is already newest first with a
    default index, ``articles`` itself is returned (like every frame here, not to be changed).
    """
    schema.require_columns(articles, ("published", "language", "source", "title", "text"), stage=STAGE)
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
        columns = ["title", "text"] + [c for c in TRANSLATION_COLUMNS if c in articles.columns]
        hit = pd.Series(False, index=articles.index)
        for column in columns:
            hit |= articles[column].fillna("").astype(str).str.casefold().str.contains(query, regex=False)
        keep &= hit
    if filters.actors or filters.actor_types:
        keep &= _articles_with_actors(articles, filters, mentions, actors)
    keep = keep.fillna(False).to_numpy(dtype=bool)
    # Newest first, undated last. Rows are taken once, and not at all when every article passes
    # in the order it already has (the dashboard's corpus is kept newest first): copying 100k
    # texts cost a third of a second on every unfiltered view.
    published = articles["published"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    published[articles["published"].isna().to_numpy()] = np.iinfo(np.int64).min + 1  # negated: last
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(-published[rows], kind="stable")] if len(rows) else rows
    if len(rows) == len(articles) and (rows == np.arange(len(rows))).all() and isinstance(articles.index, pd.RangeIndex) \
            and articles.index.start == 0 and articles.index.step == 1:
        return articles
    return articles.take(rows).reset_index(drop=True)


def _articles_with_actors(articles: pd.DataFrame, filters: Filters, mentions: pd.DataFrame | None,
                          actors: pd.DataFrame | None) -> np.ndarray:
    """Per row of ``articles``: does it name the filtered actors (any or all) of the filtered types?"""
    if mentions is None:
        raise ValueError(f"{STAGE}: filtering by actor needs the mentions frame (filters: actors={list(filters.actors)}, "
                         f"actor_types={list(filters.actor_types)})")
    schema.require_columns(mentions, ("article_id", "actor_id"), stage=STAGE)
    index = mention_index.of(mentions)
    keep = np.ones(len(index.pair_actor), dtype=bool)
    if filters.actor_types:
        if actors is None:
            raise ValueError(f"{STAGE}: filtering by actor type needs the actors frame "
                             f"(actor_types={list(filters.actor_types)})")
        schema.require_columns(actors, ("actor_id", "type"), stage=STAGE)
        keep &= index.actor_mask(actors.loc[actors["type"].isin(filters.actor_types), "actor_id"])[index.pair_actor]
    needed = 1
    if filters.actors:
        keep &= index.actor_mask(filters.actors)[index.pair_actor]
        if filters.actor_match == "all":
            needed = len(set(filters.actors))
    named = np.bincount(index.pair_article[keep], minlength=len(index.articles)) >= needed
    codes = index.article_codes(articles)
    return (codes >= 0) & named[np.maximum(codes, 0)]


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


def _naive_utc(published: pd.Series) -> pd.Series:
    return published.dt.tz_convert("UTC").dt.tz_localize(None) if published.dt.tz is not None else published


def _period(published: pd.Series, freq: str) -> pd.Series:
    if freq not in FREQUENCIES:
        raise ValueError(f"{STAGE}: frequency must be one of {', '.join(FREQUENCIES)} (got {freq!r})")
    return _naive_utc(published).dt.to_period(FREQUENCIES[freq]).dt.start_time.astype("datetime64[us]")


def _partial(starts: pd.Series, published: pd.Series, freq: str) -> np.ndarray:
    """Which periods (by their first day) the articles cover only in part: the first, when the
    earliest article came after its first day, and the last, when the latest came before its last
    day. Their counts are low because the data stops, not because less was written."""
    naive = _naive_utc(published.dropna())
    if naive.empty:
        return np.zeros(len(starts), dtype=bool)
    first, last = naive.min().normalize(), naive.max().normalize()
    starts = pd.DatetimeIndex(starts)
    ends = starts.to_period(FREQUENCIES[freq]).end_time.normalize()
    return np.asarray((starts < first) | (ends > last), dtype=bool)


def volume(articles: pd.DataFrame, by: str = "language", freq: str = "week") -> pd.DataFrame:
    """Articles per period and per language or source.

    Needs: articles[published, <by>] with ``by`` "language" or "source".
    Returns: period (datetime64, first day of the day/week/month; weeks start on Monday), <by>
    (str; "unknown" where missing), articles (int), partial (bool: the articles cover the period
    only in part, see ``_partial``). Undated articles are left out: they have no period
    (``overview`` counts them).
    """
    if by not in ("language", "source"):
        raise ValueError(f"{STAGE}: volume by 'language' or 'source' (got {by!r})")
    schema.require_columns(articles, ("published", by), stage=STAGE)
    # the two columns first: masking the whole frame copies every text (0.3 s at 100k articles)
    dated = articles[["published", by]][articles["published"].notna()]
    frame = pd.DataFrame({"period": _period(dated["published"], freq),
                          by: dated[by].astype("string").fillna("unknown").astype(str)})
    counts = frame.groupby(["period", by]).size().rename("articles").reset_index()
    counts["partial"] = _partial(counts["period"], dated["published"], freq)
    return counts.sort_values(["period", "articles"], ascending=[True, False]).reset_index(drop=True)


def _mentions_in(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    schema.require_columns(articles, ("article_id",), stage=STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id"), stage=STAGE)
    return mentions[_isin(mentions["article_id"], articles["article_id"]) & mentions["actor_id"].notna().to_numpy()]


def _selected_pairs(index: mention_index.MentionIndex, articles: pd.DataFrame, actors: pd.DataFrame | None = None,
                    types: tuple[str, ...] = ()) -> np.ndarray:
    """Per distinct (article, actor) pair of ``index``: is the article among ``articles`` and the
    actor of one of ``types`` (any type when empty)?"""
    schema.require_columns(articles, ("article_id",), stage=STAGE)
    keep = index.article_mask(articles)[index.pair_article]
    if types:
        keep &= index.actor_mask(actors.loc[actors["type"].isin(types), "actor_id"])[index.pair_actor]
    return keep


def _counts_by_actor(index: mention_index.MentionIndex, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(articles, mentions) per actor code, over the kept pairs."""
    actor = index.pair_actor[pairs]
    return (np.bincount(actor, minlength=len(index.actors)),
            np.bincount(actor, weights=index.pair_mentions[pairs], minlength=len(index.actors)).astype(np.int64))


def _mention_mask(index: mention_index.MentionIndex, pairs: np.ndarray, actor_codes: np.ndarray) -> np.ndarray:
    """Per mention: is its (article, actor) pair kept and its actor among ``actor_codes``?"""
    articles = np.zeros(len(index.articles), dtype=bool)
    articles[index.pair_article[pairs]] = True
    wanted = np.zeros(len(index.actors), dtype=bool)
    wanted[actor_codes] = True
    return articles[index.mention_article] & wanted[index.mention_actor]


def _counts_by_group(index: mention_index.MentionIndex, pairs: np.ndarray, codes: np.ndarray,
                     group_codes: np.ndarray, groups: int, actor_ids: list) -> np.ndarray:
    """Articles naming each of ``actor_ids`` (columns) in each group of articles (rows), over the
    kept pairs; ``codes`` gives the article code (``index.article_codes``) and ``group_codes`` the
    group (0..groups-1, -1 none) of each article, one article per row."""
    article_group = np.full(len(index.articles), -1, dtype=np.int64)
    article_group[codes[codes >= 0]] = np.asarray(group_codes)[codes >= 0]
    column = np.full(len(index.actors), -1, dtype=np.int64)
    chosen = _positions(pd.Series(actor_ids, dtype="string"), index.actors)
    column[chosen[chosen >= 0]] = np.flatnonzero(chosen >= 0)
    group, actor = article_group[index.pair_article[pairs]], column[index.pair_actor[pairs]]
    ok = (group >= 0) & (actor >= 0)
    return np.bincount(group[ok] * len(actor_ids) + actor[ok], minlength=groups * len(actor_ids)).reshape(groups, len(actor_ids))


def spellings(mentions: pd.DataFrame, limit: int = 6) -> pd.Series:
    """The most frequent surfaces of each actor, as written ("Путин · پوتین · Putin"), by actor_id.

    Needs: mentions[actor_id, surface]; rows without actor_id are left out.
    """
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=STAGE)
    index = mention_index.of(mentions)
    return index.spellings(np.ones(len(index.mention_actor), dtype=bool), limit)


def top_actors(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, limit: int = 20,
               types: tuple[str, ...] = (), with_spellings: bool = True) -> pd.DataFrame:
    """The actors mentioned in the most of these articles.

    Needs: articles[article_id]; mentions[article_id, actor_id, surface]; actors[actor_id, name, type].
    Returns, most articles first: actor_id, name (English), type, articles (int: articles that
    mention it), mentions (int, counting ``occurrences``), spellings (str: up to six spellings as
    written, most frequent first, joined by " · "; left out without ``with_spellings``, which a
    page that only lists the actors does not need and which is most of the time taken: 40 ms at
    100k articles).
    ``types`` keeps only actors of those types.
    """
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=STAGE)
    index = mention_index.of(mentions)
    pairs = _selected_pairs(index, articles, actors, types)
    articles_per_actor, mentions_per_actor = _counts_by_actor(index, pairs)
    named = np.flatnonzero(articles_per_actor)
    counts = pd.DataFrame({"articles": articles_per_actor[named], "mentions": mentions_per_actor[named]},
                          index=index.actors[named])
    # map, not merge: an empty groupby has an integer index that pandas refuses to merge with str
    table = actors[["actor_id", "name", "type"]].drop_duplicates("actor_id")
    table = table[_isin(table["actor_id"], counts.index)]
    table = table.assign(articles=table["actor_id"].map(counts["articles"]),
                         mentions=table["actor_id"].map(counts["mentions"]))
    table = table.sort_values(["articles", "mentions", "name"], ascending=[False, False, True]).head(limit)
    if not with_spellings:
        return table.astype({"articles": "int64", "mentions": "int64"}).reset_index(drop=True)
    shown = _positions(table["actor_id"], index.actors)
    written = index.spellings(_mention_mask(index, pairs, shown[shown >= 0]), 6)
    table["spellings"] = table["actor_id"].map(written).fillna("")
    return table.astype({"articles": "int64", "mentions": "int64"}).reset_index(drop=True)


def attention(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, actor_ids,
              freq: str = "week") -> pd.DataFrame:
    """How many articles mention each chosen actor, period by period.

    Needs: articles[article_id, published]; mentions[article_id, actor_id]; actors[actor_id, name].
    Returns: period, actor_id, name, articles (int: articles of that period mentioning the actor),
    share (float 0-1: of all dated articles of that period), partial (bool: the articles cover the
    period only in part, see ``_partial``). Periods in which an actor is not mentioned are present
    with 0, so lines drop to zero instead of skipping. Undated articles are left out.
    """
    schema.require_columns(articles, ("article_id", "published"), stage=STAGE)
    schema.require_columns(actors, ("actor_id", "name"), stage=STAGE)
    actor_ids = list(dict.fromkeys(actor_ids))
    has_date = articles["published"].notna().to_numpy(dtype=bool)
    dated = articles[["article_id", "published"]][has_date]
    columns = ["period", "actor_id", "name", "articles", "share", "partial"]
    if dated.empty or not actor_ids:
        return _empty(columns, period="datetime64[us]", articles="int64", share="float64", partial="bool")
    period_codes, periods = pd.factorize(_period(dated["published"], freq), sort=True)
    totals = pd.Series(np.bincount(period_codes, minlength=len(periods)), index=periods)
    index = mention_index.of(mentions)
    # Codes of ``articles`` rather than of ``dated``: that frame is new on every call, and the
    # codes are remembered per frame (undated articles have no period, so they count nowhere).
    counts = _counts_by_group(index, _selected_pairs(index, articles), index.article_codes(articles)[has_date],
                              period_codes, len(periods), actor_ids)
    counts = pd.Series(counts.ravel(), index=pd.MultiIndex.from_product([periods, actor_ids], names=["period", "actor_id"]))
    every = pd.period_range(totals.index.min(), totals.index.max(), freq=FREQUENCIES[freq]).start_time
    grid = pd.MultiIndex.from_product([every.astype("datetime64[us]"), actor_ids], names=["period", "actor_id"])
    table = counts.reindex(grid, fill_value=0).rename("articles").reset_index()
    table["share"] = table["articles"] / table["period"].map(totals).fillna(0).replace(0, np.nan)
    table["share"] = table["share"].fillna(0.0)
    names = actors.drop_duplicates("actor_id").set_index("actor_id")["name"]
    table["name"] = table["actor_id"].map(names).fillna(table["actor_id"])
    table["partial"] = _partial(table["period"], dated["published"], freq)
    return table[columns].astype({"articles": "int64"}).reset_index(drop=True)


def _empty(columns, **dtypes) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "object")) for c in columns})


def mentioned_dates_timeline(articles: pd.DataFrame, dates: pd.DataFrame, samples: int = 3) -> pd.DataFrame:
    """The days these articles write about ("on 14 April", "yesterday"), with how often.

    Needs: articles[article_id, source, language]; dates[article_id, date, surface, sentence].
    Returns, by day: date (datetime64), articles (int: distinct articles naming it), mentions
    (int, counting ``occurrences`` where dates has it), sources (int), languages (str: codes joined by ", "), sentences (list of up to
    ``samples`` sentences as written, each from another article), article_ids (list).
    """
    schema.require_columns(articles, ("article_id", "source", "language"), stage=STAGE)
    schema.require_columns(dates, ("article_id", "date", "surface", "sentence"), stage=STAGE)
    columns = ["date", "articles", "mentions", "sources", "languages", "sentences", "article_ids"]
    unique = articles.drop_duplicates("article_id")
    where = _positions(dates["article_id"], unique["article_id"])
    keep = (where >= 0) & dates["date"].notna().to_numpy(dtype=bool)
    if not keep.any():
        return _empty(columns, date="datetime64[us]", articles="int64", mentions="int64", sources="int64")
    # On integer codes of the article, source, language and sentence: grouping, joining or even
    # building a frame of string columns (pandas turns them into Arrow strings) cost most of a
    # second at 100k articles. Texts are looked up only for what the table shows.
    rows = np.flatnonzero(keep)
    where = where[keep]
    sentence_code, sentence_text = pd.factorize(dates["sentence"].take(rows).fillna(dates["surface"].take(rows)),
                                                use_na_sentinel=False)
    language_code, language_name = pd.factorize(unique["language"])
    occurrences = (dates["occurrences"].take(rows).fillna(1).to_numpy(dtype=np.int64) if "occurrences" in dates
                   else np.ones(len(rows), dtype=np.int64))
    found = pd.DataFrame({"label": dates["date"].to_numpy()[rows].astype("datetime64[us]"), "article": where,
                          "source": pd.factorize(unique["source"])[0][where], "language": language_code[where],
                          "sentence": sentence_code, "occurrences": occurrences})
    firsts = found.drop_duplicates(["label", "article"])
    by_day = found.groupby("label", sort=True)
    table = pd.DataFrame({"mentions": by_day["occurrences"].sum(), "sources": by_day["source"].nunique()})
    table["articles"] = firsts.groupby("label", sort=True).size()
    table["article_ids"] = _sorted_lists(firsts, "article", distinct=False,
                                         names=unique["article_id"].to_numpy(dtype=object)).reindex(table.index)
    spoken = found.loc[found["language"] >= 0, ["label", "language"]].drop_duplicates()
    spoken = spoken.assign(language=language_name.to_numpy(dtype=object)[spoken["language"].to_numpy()])
    table["languages"] = _sorted_lists(spoken, "language").map(", ".join).reindex(table.index).fillna("")
    quoted = firsts.drop_duplicates(["label", "sentence"]).groupby("label", sort=True).head(samples)
    quoted = quoted.assign(sentence=sentence_text.to_numpy(dtype=object)[quoted["sentence"].to_numpy()])
    table["sentences"] = _sorted_lists(quoted, "sentence", distinct=False)
    table = table.rename_axis("date").reset_index()
    return table[columns].astype({"articles": "int64", "mentions": "int64", "sources": "int64"})


def story_groups(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame | None = None,
                 window_days: float = STORY_WINDOW_DAYS, min_similarity: float = STORY_MIN_SIMILARITY,
                 min_articles: int = 2, labels: pd.Series | None = None, limit: int | None = None) -> pd.DataFrame:
    """Articles about the same story, across languages and outlets, grouped as one event.

    The groups are those of ``story_labels`` (see there how articles are linked), computed for
    these articles, or, with ``labels`` (``story_labels`` of a larger corpus, by article_id), the
    parts of those stories these articles make up: a filter then shows its share of each story
    without regrouping the corpus (seconds at 100k articles).

    Needs: articles[article_id, published, language, source, title, duplicate_of];
    mentions[article_id, actor_id]; actors[actor_id, name] for the names (ids without it).
    Returns, largest group first, the ``limit`` largest (all by default) groups of at least
    ``min_articles`` of these articles: group
    (int, 1-based), articles (int), article_ids (list, oldest first), languages (list), sources
    (list), first / last (publication time; NaT when all are undated), top_actors (list of up to
    five names, by articles in the group), title (str: the title of the earliest article with one).
    """
    schema.require_columns(articles, ("article_id", "published", "language", "source", "title", "duplicate_of"),
                           stage=STAGE)
    index = mention_index.of(mentions)
    found = index.pairs_frame(_selected_pairs(index, articles))
    if labels is None:
        labels = story_labels(articles, mentions, window_days, min_similarity)
    else:
        ids = articles["article_id"].drop_duplicates()
        where = _positions(ids, labels.index)
        labels = pd.Series(labels.to_numpy()[where[where >= 0]], index=ids.to_numpy()[where >= 0])
    return _describe_groups(articles, found, actors, labels, min_articles, limit)


def story_labels(articles: pd.DataFrame, mentions: pd.DataFrame, window_days: float = STORY_WINDOW_DAYS,
                 min_similarity: float = STORY_MIN_SIMILARITY) -> pd.Series:
    """The story of every article: an int label by article_id, equal for articles of one story.

    Two dated articles are linked when they were published within ``window_days`` of each other,
    share at least two actors, and their actor sets have an IDF-weighted Jaccard similarity of at
    least ``min_similarity`` (actors most articles mention weigh little); an article is always
    linked to the one it duplicates (``duplicate_of``). An undated article joins only its most
    similar article. Stories are the connected articles; in stories over 25 articles the
    weakest links are cut until the pieces are smaller. Method and calibration: docs/dashboard.md.
    ``StoryCorpus`` gives the same labels for a corpus read a batch at a time.

    Needs: articles[article_id, published, duplicate_of]; mentions[article_id, actor_id].
    """
    schema.require_columns(articles, ("article_id", "published", "duplicate_of"), stage=STAGE)
    index = mention_index.of(mentions)
    found = index.pairs_frame(_selected_pairs(index, articles))
    ids = articles["article_id"].drop_duplicates().to_numpy()
    n = len(ids)
    unique = articles.drop_duplicates("article_id")
    published = unique["published"]
    naive = published.dt.tz_convert("UTC").dt.tz_localize(None) if published.dt.tz is not None else published
    seconds = naive.to_numpy(dtype="datetime64[s]").astype("float64")
    seconds[published.isna().to_numpy()] = np.nan
    # Slots: undated articles first, then the dated ones by time (stable), as StoryCorpus reads them.
    dated = ~np.isnan(seconds)
    slot_position = np.concatenate([np.flatnonzero(~dated), np.flatnonzero(dated)[np.argsort(seconds[dated], kind="stable")]])
    position_slot = np.empty(n, dtype=np.int64)
    position_slot[slot_position] = np.arange(n)
    # Actors numbered in order of first appearance over the pairs sorted by article and actor id
    # (``found``'s order), the numbering the similarities were calibrated and tested with.
    codes, actor_ids = pd.factorize(found["actor_id"])
    article_slot = position_slot[_positions(found["article_id"], ids)]
    order = np.argsort(article_slot, kind="stable")
    pairs = _PairArrays(article_slot[order], codes[order], n, np.argsort(np.argsort(np.asarray(actor_ids, dtype=object))))
    found_links = []
    _story_links(pairs, seconds[slot_position], slot_position, window_days, min_similarity,
                 lambda r, c, s: found_links.append((slot_position[r], slot_position[c], s)))
    duplicates = articles[_isin(articles["duplicate_of"], pd.Series(ids))]
    found_links.append((_positions(duplicates["article_id"], ids), _positions(duplicates["duplicate_of"], ids),
                        np.ones(len(duplicates))))
    rows, cols, weights = (np.concatenate(part) for part in zip(*found_links))

    def chunks():
        for start in range(0, len(rows), _STORY_LINK_CHUNK):
            yield rows[start:start + _STORY_LINK_CHUNK], cols[start:start + _STORY_LINK_CHUNK], weights[start:start + _STORY_LINK_CHUNK]
    labels = _story_labels(n, chunks, min_similarity)
    return pd.Series(labels, index=pd.Index(ids, name="article_id"), name="story")


# Rows of the time-sorted article matrix multiplied at once: bounds the memory of the pairwise
# similarities to a block times the articles within the window.
_STORY_BLOCK = 2000
# Articles an undated block is compared with at once (an undated article is compared with every
# article, so these are read a slice at a time).
_STORY_PARTNERS = 20_000


class _StoryPairs(typing.Protocol):
    """The distinct (article, actor) pairs of a corpus as integer codes, by slot: undated articles
    first, then the dated ones by publication time. ``rows(lo, hi)`` gives the pairs of slots lo
    to hi - 1 (slots ascending); ``frequency`` the articles of each actor code, ``id_rank`` the
    rank of its actor_id among the actor ids."""

    n: int
    frequency: np.ndarray
    id_rank: np.ndarray

    def rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]: ...


class _PairArrays:
    def __init__(self, slots: np.ndarray, codes: np.ndarray, n: int, id_rank: np.ndarray):
        self.slots, self.codes, self.n, self.id_rank = slots, codes, n, id_rank
        self.frequency = np.bincount(codes, minlength=len(id_rank))

    def rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        start, stop = np.searchsorted(self.slots, [lo, hi])
        return self.slots[start:stop], self.codes[start:stop]


class _StoryRows:
    """The story matrices of the slots lo to hi - 1: IDF-weighted rows of the actors that propose
    pairs (``weighted``, ``binary``), dense weights of the common ones, and each article's summed
    IDF (``totals``)."""

    def __init__(self, pairs: _StoryPairs, lo: int, hi: int, idf: np.ndarray, common: np.ndarray,
                 common_column: np.ndarray):
        slots, codes = pairs.rows(lo, hi)
        local, size, width = slots - lo, hi - lo, len(idf)
        self.lo = lo
        # Summed in actor id order within an article, as the numbers were first computed.
        order = np.lexsort((pairs.id_rank[codes], local))
        self.totals = np.bincount(local[order], weights=idf[codes[order]], minlength=size)
        rare = ~common[codes]
        # sqrt(idf) in both factors makes the product the summed idf of the shared actors.
        self.weighted = sparse.csr_matrix((np.sqrt(idf[codes[rare]]), (local[rare], codes[rare])), shape=(size, width))
        self.binary = sparse.csr_matrix((np.ones(int(rare.sum())), (local[rare], codes[rare])), shape=(size, width))
        self.common = np.zeros((size, int(common.sum())), dtype=np.float32)
        self.common[local[~rare], common_column[codes[~rare]]] = np.sqrt(idf[codes[~rare]])


def _similar(left: _StoryRows, left_rows: np.ndarray, right: _StoryRows, right_rows: np.ndarray, min_sim: float):
    """(left slot, right slot, similarity) of the pairs of ``left_rows`` x ``right_rows`` (local
    rows of each) that share at least STORY_MIN_SHARED_ACTORS actors, one of them rare, and are
    at least ``min_sim`` alike (IDF-weighted Jaccard)."""
    shared = (left.weighted[left_rows] @ right.weighted[right_rows].T).tocsr()
    counts = (left.binary[left_rows] @ right.binary[right_rows].T).tocsr()
    # idf > 0, so both products have the same nonzero pattern: once their indices are sorted
    # their data arrays line up (looking counts up by coordinates is 100x slower)
    shared.sort_indices()
    counts.sort_indices()
    shared = shared.tocoo()
    r, c, s = left_rows[shared.row], right_rows[shared.col], shared.data.copy()
    count = counts.data.copy()
    if left.common.shape[1]:
        for part in range(0, len(r), 100_000):  # bounds the pairs x common-actors temporary
            cut = slice(part, part + 100_000)
            a, b = left.common[r[cut]], right.common[c[cut]]
            s[cut] += (a * b).sum(axis=1)
            count[cut] += ((a > 0) & (b > 0)).sum(axis=1)
    similarity = s / (left.totals[r] + right.totals[c] - s)
    r, c = r + left.lo, c + right.lo
    ok = (r != c) & (similarity >= min_sim) & (count >= STORY_MIN_SHARED_ACTORS)
    return r[ok], c[ok], similarity[ok]


def _story_links(pairs: _StoryPairs, seconds: np.ndarray, slot_position: np.ndarray, window_days: float,
                 min_similarity: float, emit: typing.Callable[[np.ndarray, np.ndarray, np.ndarray], None]) -> None:
    """The linked pairs of articles, given to ``emit(slots, slots, similarities)`` a block at a
    time (each pair once). ``seconds`` by slot (NaN for the undated ones, which come first);
    ``slot_position`` breaks ties between equally similar best matches of an undated article, as
    the position of the match in the article frame.

    Dated articles are compared block by block of _STORY_BLOCK with what follows them within the
    window, so only a block and its window are in memory at once; undated ones (compared with
    every article) block by block with _STORY_PARTNERS articles at a time."""
    n = pairs.n
    if n < 2 or not pairs.frequency.sum():
        return
    frequency = pairs.frequency
    idf = np.log((n + 1) / np.maximum(frequency, 1))  # +1: an actor every article names still weighs a little
    # Actors in very many articles do not propose pairs (every pair of a week would share them),
    # but still count in the similarity of the pairs the other actors propose.
    common = frequency > max(STORY_COMMON_MIN_ARTICLES, STORY_COMMON_SHARE * n)
    common_column = np.cumsum(common) - 1
    window = window_days * 86400.0
    undated = int(np.isnan(seconds).sum())
    for start in range(undated, n, _STORY_BLOCK):
        end = min(start + _STORY_BLOCK, n)
        # partners: this block and what follows within the window (earlier pairs were found by
        # the earlier blocks; a pair inside the block is found both ways and kept once)
        stop = int(np.searchsorted(seconds[undated:], seconds[end - 1] + window, side="right")) + undated
        rows = _StoryRows(pairs, start, stop, idf, common, common_column)
        r, c, s = _similar(rows, np.arange(end - start), rows, np.arange(stop - start), min_similarity)
        near = (np.abs(seconds[r] - seconds[c]) <= window) & (r < c)
        emit(r[near], c[near], s[near])
    for start in range(0, undated, _STORY_BLOCK):
        end = min(start + _STORY_BLOCK, undated)
        block = _StoryRows(pairs, start, end, idf, common, common_column)
        best_s = np.full(end - start, -np.inf)
        best_c = np.full(end - start, -1, dtype=np.int64)
        for lo in range(0, n, _STORY_PARTNERS):
            hi = min(lo + _STORY_PARTNERS, n)
            partners = block if (lo, hi) == (start, end) else _StoryRows(pairs, lo, hi, idf, common, common_column)
            r, c, s = _similar(block, np.arange(end - start), partners, np.arange(hi - lo), STORY_UNDATED_MIN_SIMILARITY)
            if not len(r):
                continue
            # The most similar match of each, the first in the article frame among equals.
            order = np.lexsort((slot_position[c], -s))
            r, c, s = r[order], c[order], s[order]
            first = np.unique(r, return_index=True)[1]
            r, c, s = r[first] - start, c[first], s[first]
            better = (s > best_s[r]) | ((s == best_s[r]) & (slot_position[c] < slot_position[np.maximum(best_c[r], 0)]))
            best_s[r[better]], best_c[r[better]] = s[better], c[better]
        found = best_c >= 0
        emit(np.arange(start, end)[found], best_c[found], best_s[found])


class StoryCorpus:
    """``story_labels`` of a corpus read a batch at a time, in the order of ``store.load_articles``
    (undated articles first, then by publication time): ``add_articles`` and ``add_pairs`` for
    each batch, then ``labels``. It holds per article its time and number of actors, per actor its
    code and first article, and the (article, actor) pairs in ``spill`` (an object with
    ``append(rows)`` of int32 rows [article position, actor code] and ``read(start, stop)``), of
    which the story links read a window of articles at a time (``_story_links``). The labels are
    those ``story_labels`` gives for the corpus's frames."""

    def __init__(self, spill: typing.Callable[[str, np.dtype], typing.Any], duplicated: set):
        """``spill(name, dtype)``: a new spill of records of ``dtype`` (``frame_cache.Spill``);
        ``duplicated``: the article ids other articles point to as duplicate_of."""
        self._new_spill = spill
        self._spill = spill("pairs", _PAIR)
        self._seconds = array.array("d")
        self._pair_counts = array.array("q")
        self._positions: dict = {}  # article id -> position, for the articles of the current batch
        self._last = None  # the last article added, which the next batch can continue
        self._carried: tuple[int, set] = (-1, set())  # that article's position and the actors recorded for it
        self._codes: dict = {}  # actor_id -> code, in order of first appearance here
        self._first_article: dict = {}  # code -> the least article_id naming it
        self._articles_per_code = array.array("q")
        self._duplicated = duplicated
        self._found_duplicated: dict = {}  # duplicated id -> position
        self._duplicates: list = []  # (position, duplicate_of)

    @property
    def n(self) -> int:
        return len(self._seconds)

    def articles_per_actor(self) -> dict:
        """actor_id -> the articles added that name it."""
        return {actor_id: self._articles_per_code[code] for actor_id, code in self._codes.items()}

    def add_articles(self, articles: pd.DataFrame) -> np.ndarray:
        """The next articles, in order: [article_id, published, duplicate_of]. The first may be the
        last one of the previous batch again (a batch can end inside an article); it is not added
        twice. Returns the ids added."""
        ids = articles["article_id"].to_numpy(dtype=object)
        skip = 1 if len(ids) and ids[0] == self._last else 0
        ids = ids[skip:]
        published = articles["published"].iloc[skip:]
        naive = published.dt.tz_convert("UTC").dt.tz_localize(None) if published.dt.tz is not None else published
        seconds = naive.to_numpy(dtype="datetime64[s]").astype("float64")
        seconds[published.isna().to_numpy()] = np.nan
        start = self.n
        self._positions = {article_id: start + i for i, article_id in enumerate(ids)}
        if self._last is not None:
            self._positions.setdefault(self._last, start - 1)
        self._seconds.extend(seconds)
        self._pair_counts.extend([0] * len(ids))
        for article_id, duplicate_of in zip(ids, articles["duplicate_of"].iloc[skip:]):
            if isinstance(duplicate_of, str):
                self._duplicates.append((self._positions[article_id], duplicate_of))
            if article_id in self._duplicated:
                self._found_duplicated[article_id] = self._positions[article_id]
        if len(ids):
            self._last = ids[-1]
        return ids

    def add_pairs(self, pairs: pd.DataFrame) -> None:
        """The distinct [article_id, actor_id] of the articles of the batch added last (their
        mentions resolved), in article order."""
        if pairs.empty:
            return
        position = pairs["article_id"].map(self._positions).to_numpy(dtype=np.int64)
        actor = pairs["actor_id"].to_numpy(dtype=object)
        carried, seen = self._carried
        again = (position == carried) & np.isin(actor, list(seen)) if seen else np.zeros(len(actor), dtype=bool)
        position, actor, article = position[~again], actor[~again], pairs["article_id"].to_numpy(dtype=object)[~again]
        for actor_id in actor:
            if actor_id not in self._codes:
                self._codes[actor_id] = len(self._codes)
                self._articles_per_code.append(0)
        codes = np.fromiter((self._codes[a] for a in actor), dtype=np.int64, count=len(actor))
        for code, article_id in zip(codes, article):
            first = self._first_article.get(code)
            if first is None or article_id < first:
                self._first_article[code] = article_id
        for code, count in zip(*np.unique(codes, return_counts=True)):
            self._articles_per_code[code] += int(count)
        for where, count in zip(*np.unique(position, return_counts=True)):
            self._pair_counts[where] += int(count)
        rows = np.empty(len(position), dtype=_PAIR)
        rows["position"], rows["actor"] = position, codes
        self._spill.append(rows)
        last = self._positions[self._last]
        self._carried = (last, (seen if carried == last else set()) | set(actor[position == last]))

    def labels(self, window_days: float = STORY_WINDOW_DAYS, min_similarity: float = STORY_MIN_SIMILARITY) -> np.ndarray:
        """The story label of every article added, by position (as ``story_labels``)."""
        n = self.n
        seconds = np.frombuffer(self._seconds, dtype=np.float64) if n else np.array([])
        # Actors numbered as story_labels numbers them: by first appearance over the pairs
        # sorted by article id, then actor id.
        ids = list(self._codes)
        by_first = sorted(range(len(ids)), key=lambda code: (self._first_article[code], ids[code]))
        remap = np.empty(len(ids), dtype=np.int64)
        remap[by_first] = np.arange(len(ids))
        id_rank = np.empty(len(ids), dtype=np.int64)
        id_rank[remap[sorted(range(len(ids)), key=ids.__getitem__)]] = np.arange(len(ids))
        frequency = np.zeros(len(ids), dtype=np.int64)
        frequency[remap] = np.frombuffer(self._articles_per_code, dtype=np.int64) if len(ids) else []
        offsets = np.concatenate([[0], np.cumsum(np.frombuffer(self._pair_counts, dtype=np.int64))]) if n else np.zeros(1, np.int64)
        pairs = _SpilledPairs(self._spill, offsets, remap, n, frequency, id_rank)
        dated = ~np.isnan(seconds)
        slot_position = np.concatenate([np.flatnonzero(~dated), np.flatnonzero(dated)[np.argsort(seconds[dated], kind="stable")]])
        if not (slot_position == np.arange(n)).all():
            # Not in story order (a store whose database sorts differently): read every pair.
            pairs = pairs.in_slots(slot_position)
        links = self._new_spill("links", _LINK)

        def keep(r, c, s):
            rows = np.empty(len(r), dtype=_LINK)
            rows["row"], rows["col"], rows["weight"] = slot_position[r], slot_position[c], s
            links.append(rows)

        _story_links(pairs, seconds[slot_position], slot_position, window_days, min_similarity, keep)
        duplicates = [(where, self._found_duplicated[target]) for where, target in self._duplicates
                      if target in self._found_duplicated]
        keep(np.array([d[0] for d in duplicates], dtype=np.int64), np.array([d[1] for d in duplicates], dtype=np.int64),
             np.ones(len(duplicates)))

        def chunks():
            for start in range(0, links.rows, _STORY_LINK_CHUNK):
                part = links.read(start, min(start + _STORY_LINK_CHUNK, links.rows))
                yield part["row"], part["col"], part["weight"]
        return _story_labels(n, chunks, min_similarity)


class _SpilledPairs:
    """The pairs a StoryCorpus spilled, read a range of articles at a time."""

    def __init__(self, spill, offsets: np.ndarray, remap: np.ndarray, n: int, frequency: np.ndarray, id_rank: np.ndarray):
        self.spill, self.offsets, self.remap = spill, offsets, remap
        self.n, self.frequency, self.id_rank = n, frequency, id_rank

    def rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        found = self.spill.read(int(self.offsets[lo]), int(self.offsets[hi]))
        return found["position"].astype(np.int64), self.remap[found["actor"]]

    def in_slots(self, slot_position: np.ndarray) -> _PairArrays:
        positions, codes = self.rows(0, self.n)
        slot_of = np.empty(self.n, dtype=np.int64)
        slot_of[slot_position] = np.arange(self.n)
        slots = slot_of[positions]
        order = np.argsort(slots, kind="stable")
        arrays = _PairArrays(slots[order], codes[order], self.n, self.id_rank)
        arrays.frequency = self.frequency
        return arrays


# Records spilled by StoryCorpus: an (article, actor) pair, and a link between two articles.
_PAIR = np.dtype([("position", "<i4"), ("actor", "<i4")])
_LINK = np.dtype([("row", "<i4"), ("col", "<i4"), ("weight", "<f8")])
# Links joined into stories at once: the components are found chunk by chunk, so their memory is
# this many links (~40 bytes each while joined) and ~30 bytes per article, however many links
# there are (8.5 million at 500,000 synthetic articles took 950 MB joined at once).
_STORY_LINK_CHUNK = 1_000_000


def _story_labels(n: int, links: typing.Callable[[], typing.Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]],
                  min_similarity: float) -> np.ndarray:
    """Connected components of the links; a component larger than STORY_SPLIT_ABOVE loses its
    weakest links (threshold raised by STORY_SPLIT_STEP) until its pieces are small enough.
    ``links()`` yields (rows, cols, weights) chunk by chunk, the same chunks each time; the
    components of each chunk are merged into those of the chunks before, and a component is
    numbered by its first article, as scipy numbers the components of all links at once."""
    keep: list[np.ndarray] = []
    cut = None  # (too big, threshold) of the last round: links to drop
    threshold = min_similarity
    while True:
        labels = np.arange(n)
        for k, (rows, cols, weights) in enumerate(links()):
            if k == len(keep):
                keep.append(np.ones(len(rows), dtype=bool))
            if cut is not None:
                # rows and cols of a link are in the same component, so one end tells
                keep[k] &= ~(cut[0][rows] & (weights < cut[1]))
            if keep[k].any():
                joined = sparse.csr_matrix((np.ones(int(keep[k].sum()), dtype=np.int8),
                                            (labels[rows[keep[k]]], labels[cols[keep[k]]])), shape=(n, n))
                labels = csgraph.connected_components(joined, directed=False)[1][labels]
        too_big = np.bincount(labels, minlength=n)[labels] > STORY_SPLIT_ABOVE
        threshold += STORY_SPLIT_STEP
        if not too_big.any() or threshold > 1.0:
            _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
            return np.argsort(np.argsort(first)).astype(np.int32)[inverse]
        cut = (too_big, threshold)


def _describe_groups(articles, found, actors, labels: pd.Series, min_articles: int, limit: int | None) -> pd.DataFrame:
    columns = ["group", "articles", "article_ids", "languages", "sources", "first", "last", "top_actors", "title"]
    codes, _ = pd.factorize(labels)
    sizes = np.bincount(codes) if len(codes) else np.array([], dtype=np.int64)
    kept = labels[sizes[codes] >= min_articles] if len(codes) else labels
    if kept.empty:
        return _empty(columns, group="int64", articles="int64", first=schema.TIMESTAMP_DTYPE, last=schema.TIMESTAMP_DTYPE)
    unique = articles.drop_duplicates("article_id")
    if limit is not None:
        # Describing every group of a large corpus (15k at 100k articles) costs a second; the
        # order is known from the sizes and first dates alone.
        published = unique["published"].to_numpy(dtype="datetime64[us]")[_positions(pd.Series(kept.index, dtype="string"), unique["article_id"])]
        order = pd.DataFrame({"label": kept.to_numpy(), "published": published}).groupby("label")["published"].agg(["size", "min"])
        chosen = order.sort_values(["size", "min"], ascending=[False, True], na_position="last").index[:limit]
        kept = kept[kept.isin(chosen)]
    members = unique.set_index("article_id").loc[kept.index]
    members = members.assign(label=kept).sort_values("published", na_position="last")
    names = (actors.drop_duplicates("actor_id").set_index("actor_id")["name"] if actors is not None
             else pd.Series(dtype=str))
    where = _positions(found["article_id"], kept.index)
    found = found[where >= 0].assign(label=kept.to_numpy()[where[where >= 0]])
    actor_counts = found.groupby(["label", "actor_id"]).size().rename("n").reset_index()
    actor_counts = actor_counts.sort_values(["label", "n", "actor_id"], ascending=[True, False, True])
    top = actor_counts.groupby("label").head(5)
    top = _sorted_lists(top.assign(name=top["actor_id"].map(names).fillna(top["actor_id"])), "name", distinct=False)
    members = members.rename_axis("article_id").reset_index()
    by_group = members.groupby("label", sort=False)
    table = pd.DataFrame({
        "articles": by_group.size(),
        "article_ids": _sorted_lists(members, "article_id", distinct=False),
        "languages": _sorted_lists(members, "language"),
        "sources": _sorted_lists(members, "source"),
        "first": by_group["published"].min(), "last": by_group["published"].max(),
        "title": by_group["title"].first().fillna(""),
    })
    table["top_actors"] = [top.get(label, []) for label in table.index]
    for column in ("languages", "sources"):  # a group whose articles all lack it has no entry
        table[column] = [v if isinstance(v, list) else [] for v in table[column]]
    table = table.sort_values(["articles", "first"], ascending=[False, True], na_position="last").reset_index(drop=True)
    table.insert(0, "group", np.arange(1, len(table) + 1))
    return table[columns].astype({"group": "int64", "articles": "int64"})


def _sorted_lists(members: pd.DataFrame, column: str, distinct: bool = True, names: np.ndarray | None = None) -> pd.Series:
    """The values of ``column`` in each group as a list (distinct and sorted, or in row order):
    np.split on label boundaries, as a groupby with a Python function costs 0.15 ms a group.
    With ``names``, ``column`` holds positions in it (row order only): the texts are looked up
    after the split, so no frame of strings is built."""
    values = members[["label", column]].dropna()
    if distinct:
        values = values.astype({column: str}).drop_duplicates().sort_values(["label", column])
    else:
        values = values.sort_values("label", kind="stable")
    labels = values["label"].to_numpy()
    cuts = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    column_values = values[column].to_numpy() if names is not None else values[column].to_numpy(dtype=object)
    lists = ([(names[part] if names is not None else part).tolist() for part in np.split(column_values, cuts)]
             if len(labels) else [])
    starts = labels[np.concatenate([[0], cuts])] if len(labels) else []
    return pd.Series(lists, index=starts, dtype=object)


@dataclasses.dataclass
class Network:
    """The co-occurrence network: ``graph`` (networkx, node attributes = the node columns, edge
    attribute ``weight``), ``nodes`` and ``edges`` as frames for tables and charts."""

    graph: nx.Graph
    nodes: pd.DataFrame
    edges: pd.DataFrame
    backbone: pd.DataFrame  # the links drawn and grouped into communities (see NETWORK_MAX_DRAWN_LINKS)


def cooccurrence_network(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, min_weight: int = 1,
                         ego: str | None = None, types: tuple[str, ...] = (),
                         max_actors: int = NETWORK_MAX_ACTORS) -> Network:
    """Which actors are named in the same articles, and how often.

    Needs: articles[article_id]; mentions[article_id, actor_id, surface]; actors[actor_id, name, type].
    Edge weight = number of these articles that mention both actors; edges lighter than
    ``min_weight`` are dropped, then actors left without an edge. ``ego`` keeps that actor and its
    neighbours (and the edges among them). Only the ``max_actors`` actors named in the most
    articles are kept (the ego always is). ``types`` keeps actors of those types.
    Returns Network with nodes[actor_id, name, type, articles (int), mentions (int, counting
    ``occurrences``), degree (int), weighted_degree (int), community (int, 0 = largest; Louvain,
    fixed seed), spellings (str)]
    and edges[source, target, weight (int), source_name, target_name], heaviest first.
    """
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=STAGE)
    index = mention_index.of(mentions)
    pairs = _selected_pairs(index, articles, actors, types)
    per_actor, mentions_per_actor = _counts_by_actor(index, pairs)
    candidates = per_actor > 0
    ego_code = -1
    if ego is not None:
        ego_code = int(_positions(pd.Series([ego], dtype="string"), index.actors)[0])
        with_ego = np.zeros(len(index.articles), dtype=bool)
        with_ego[index.pair_article[pairs & (index.pair_actor == ego_code)]] = True
        neighbourhood = np.zeros(len(index.actors), dtype=bool)
        neighbourhood[index.pair_actor[pairs & with_ego[index.pair_article]]] = True
        candidates &= neighbourhood
    ranked = np.flatnonzero(candidates)
    ranked = ranked[np.argsort(-per_actor[ranked], kind="stable")]  # ties in id order: the codes are sorted
    chosen = np.zeros(len(index.actors), dtype=bool)
    chosen[ranked[:max_actors]] = True
    if ego_code >= 0 and candidates[ego_code]:
        chosen[ego_code] = True
    kept = pairs & chosen[index.pair_actor]
    # Edge weights as one sparse product of the article x actor incidence matrix: the self-merge
    # of (article, actor) pairs it replaces grew with the square of the actors per article.
    incidence = sparse.csr_matrix((np.ones(int(kept.sum()), dtype=np.int32),
                                   (index.pair_article[kept], index.pair_actor[kept])),
                                  shape=(len(index.articles), len(index.actors)))
    together = sparse.triu(incidence.T @ incidence, k=1).tocoo()  # codes sorted: source id < target id
    heavy = together.data >= min_weight
    # Links stay actor codes until the frames are built: sorting, mapping and grouping 10k links
    # by their Arrow string ids took most of the network's time at 100k articles.
    source, target, weight = together.row[heavy], together.col[heavy], together.data[heavy].astype(np.int64)
    if ego_code >= 0:
        near = np.zeros(len(index.actors), dtype=bool)
        touches = (source == ego_code) | (target == ego_code)
        near[source[touches]], near[target[touches]] = True, True
        inside = near[source] & near[target]
        source, target, weight = source[inside], target[inside], weight[inside]
    order = np.lexsort((target, source, -weight))  # heaviest first, then by ids (codes sort as ids)
    source, target, weight = source[order], target[order], weight[order]
    node_codes = np.union1d(source, target)
    drawn = _backbone(source, target, weight, per_actor)
    graph = nx.Graph()
    graph.add_nodes_from(index.actors[node_codes].tolist())
    # lists first: iterating Arrow-backed columns row by row converts each value on its own
    graph.add_weighted_edges_from(zip(index.actors[source].tolist(), index.actors[target].tolist(), weight.tolist()))
    strongest = nx.Graph()
    strongest.add_weighted_edges_from(zip(index.actors[source[drawn]].tolist(), index.actors[target[drawn]].tolist(),
                                          weight[drawn].tolist()))
    communities = nx.community.louvain_communities(strongest, weight="weight", seed=SEED) if len(node_codes) else []
    community = {node: rank for rank, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c))))
                 for node in members}
    node_ids = index.actors[node_codes]
    info = actors.drop_duplicates("actor_id").set_index("actor_id")
    nodes = pd.DataFrame({"actor_id": pd.Series(node_ids, dtype="string")})
    nodes["name"] = nodes["actor_id"].map(info["name"]).fillna(nodes["actor_id"])
    nodes["type"] = nodes["actor_id"].map(info["type"])
    nodes["articles"] = per_actor[node_codes]
    nodes["mentions"] = mentions_per_actor[node_codes]
    ends = np.concatenate([source, target])
    nodes["degree"] = np.bincount(ends, minlength=len(index.actors))[node_codes]
    nodes["weighted_degree"] = np.bincount(ends, weights=np.concatenate([weight, weight]),
                                           minlength=len(index.actors))[node_codes].astype(np.int64)
    nodes["community"] = [community.get(n, 0) for n in node_ids]
    nodes["spellings"] = nodes["actor_id"].map(index.spellings(_mention_mask(index, pairs, node_codes), 6)).fillna("")
    nodes = nodes.astype({"articles": "int64", "mentions": "int64", "degree": "int64", "weighted_degree": "int64",
                          "community": "int64"})
    for row in nodes.itertuples(index=False):
        graph.nodes[row.actor_id].update(row._asdict())
    name_of = np.full(len(index.actors), None, dtype=object)
    name_of[node_codes] = nodes["name"].to_numpy(dtype=object)
    nodes = nodes.sort_values(["mentions", "actor_id"], ascending=[False, True]).reset_index(drop=True)

    def links(keep) -> pd.DataFrame:
        return pd.DataFrame({"source": index.actors[source[keep]], "target": index.actors[target[keep]],
                             "weight": weight[keep],
                             "source_name": name_of[source[keep]], "target_name": name_of[target[keep]]},
                            ).astype({"source_name": nodes["name"].dtype, "target_name": nodes["name"].dtype})
    return Network(graph=graph, nodes=nodes, edges=links(slice(None)), backbone=links(drawn))


def _backbone(source: np.ndarray, target: np.ndarray, weight: np.ndarray, articles: np.ndarray) -> np.ndarray:
    """Positions of the links to draw: all of them when they are few, else each actor's
    NETWORK_LINKS_PER_ACTOR strongest, by the cosine of the two actors' ``articles`` (shared /
    sqrt(product)): by raw counts every actor's strongest links would go to the two or three actors
    named everywhere, drawing a star. Links are given heaviest first, as codes."""
    if len(weight) <= NETWORK_MAX_DRAWN_LINKS:
        return np.arange(len(weight))
    strength = weight / (articles[source].astype(float) * articles[target]) ** 0.5
    actor, link = np.concatenate([source, target]), np.tile(np.arange(len(weight)), 2)
    order = np.lexsort((link, -np.tile(strength, 2), actor))  # per actor, strongest first, ties by link
    actor, link = actor[order], link[order]
    return np.unique(link[mention_index.rank_in_runs(actor) < NETWORK_LINKS_PER_ACTOR])


def source_volume(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per source and language.

    Needs: articles[source, language, published].
    Returns: source, language ("unknown" where missing), articles (int), undated (int), first,
    last (publication times; NaT when all undated), most articles first.
    """
    schema.require_columns(articles, ("source", "language", "published"), stage=STAGE)
    frame = articles.assign(language=articles["language"].astype("string").fillna("unknown"),
                            undated=articles["published"].isna())
    table = frame.groupby(["source", "language"]).agg(articles=("published", "size"), undated=("undated", "sum"),
                                                      first=("published", "min"), last=("published", "max"))
    table = table.reset_index().astype({"articles": "int64", "undated": "int64", "source": str, "language": str})
    return table.sort_values(["articles", "source"], ascending=[False, True]).reset_index(drop=True)


def attention_share(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, actor_ids=None,
                    limit: int = 10) -> pd.DataFrame:
    """How much of each outlet's coverage names each actor.

    Needs: articles[article_id, source, language]; mentions[article_id, actor_id]; actors[actor_id, name].
    ``actor_ids`` chooses the actors; by default the ``limit`` named in the most articles.
    Returns one row per source and actor (zero rows included): source, language (the source's
    most frequent), source_articles (int), actor_id, name, articles (int: that source's articles
    naming the actor), share (float 0-1 of the source's articles).
    """
    schema.require_columns(articles, ("article_id", "source", "language"), stage=STAGE)
    schema.require_columns(actors, ("actor_id", "name"), stage=STAGE)
    columns = ["source", "language", "source_articles", "actor_id", "name", "articles", "share"]
    index = mention_index.of(mentions)
    pairs = _selected_pairs(index, articles)
    if actor_ids is None:
        per_actor = _counts_by_actor(index, pairs)[0]
        ranked = np.argsort(-per_actor, kind="stable")  # ties in id order: the codes are sorted
        actor_ids = index.actors[ranked[per_actor[ranked] > 0][:limit]]
    actor_ids = list(dict.fromkeys(actor_ids))
    if articles.empty or not actor_ids:
        return _empty(columns, source_articles="int64", articles="int64", share="float64")
    # Codes and bincounts over the first row of each article rather than groupby with a mode per
    # source on a deduplicated copy (0.1-0.2 s at 100k articles): both are remembered per frame.
    rows = mention_index.distinct_rows(articles)
    source_codes, source_names = pd.factorize(articles["source"], sort=True)
    language_codes, language_names = pd.factorize(articles["language"], sort=True)
    source_codes, language_codes = source_codes[rows], language_codes[rows]
    per_source = np.bincount(source_codes[source_codes >= 0], minlength=len(source_names))
    present = np.cumsum(per_source > 0) - 1  # sources found only on repeated rows are dropped
    source_codes = np.where(source_codes >= 0, present[source_codes], -1)
    source_names, per_source = source_names[per_source > 0], per_source[per_source > 0]
    # The most frequent language of each source; among equals the first in order, as mode() gives.
    width = max(len(language_names), 1)
    known = (source_codes >= 0) & (language_codes >= 0)
    by_language = np.bincount(source_codes[known] * width + language_codes[known],
                              minlength=len(source_names) * width).reshape(len(source_names), width)
    language = np.asarray(language_names, dtype=object)[by_language.argmax(axis=1)] if len(language_names) else []
    sources = pd.DataFrame({"source_articles": per_source,
                            "language": np.where(by_language.any(axis=1), language, "unknown")},
                           index=pd.Index(source_names, name="source"))
    counts = _counts_by_group(index, pairs, index.article_codes(articles)[rows], source_codes, len(sources), actor_ids)
    grid = pd.MultiIndex.from_product([sources.index, actor_ids], names=["source", "actor_id"])
    table = pd.Series(counts.ravel(), index=grid, name="articles").reset_index().join(sources, on="source")
    table["share"] = (table["articles"] / table["source_articles"]).astype("float64")
    names = actors.drop_duplicates("actor_id").set_index("actor_id")["name"]
    table["name"] = table["actor_id"].map(names).fillna(table["actor_id"])
    table = table.astype({"source": str, "language": str, "articles": "int64", "source_articles": "int64"})
    return table[columns].sort_values(["source_articles", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


def actor_mentions(articles: pd.DataFrame, mentions: pd.DataFrame, actor_id: str) -> pd.DataFrame:
    """The rows of ``mentions`` that name ``actor_id`` in these articles (found through the
    mention index: comparing a million ids as strings took most of a second)."""
    schema.require_columns(mentions, ("article_id", "actor_id"), stage=STAGE)
    index = mention_index.of(mentions)
    code = int(_positions(pd.Series([actor_id], dtype="string"), index.actors)[0])
    chosen = (index.mention_actor == code) & index.article_mask(articles)[index.mention_article]
    return mentions.iloc[index.mention_row[chosen]]


def actor_sentences(articles: pd.DataFrame, mentions: pd.DataFrame, actor_id: str,
                    memory: pd.DataFrame | None = None) -> pd.DataFrame:
    """What each outlet wrote about one actor: every sentence naming it, as written.

    Needs: articles[article_id, source, language, published, url, title]; mentions[article_id,
    actor_id, surface, sentence]. Optional: ``memory``[source_text, translated_text] (the
    translation memory: sentences translated one by one) fills ``sentence_translated`` where a
    sentence was translated as a segment; an ``sentence_translated`` column in ``mentions`` is
    used as it is.
    Returns, by source then newest first, one row per article and sentence: source, language,
    published, article_id, url, title, surface, sentence, sentence_translated (str; <NA> when not
    translated; present only when a memory or that column was given).
    """
    schema.require_columns(articles, ("article_id", "source", "language", "published", "url", "title"), stage=STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "surface", "sentence"), stage=STAGE)
    found = actor_mentions(articles, mentions, actor_id)
    keep = ["article_id", "surface", "sentence"] + (["sentence_translated"] if "sentence_translated" in found else [])
    found = found[keep].assign(sentence=found["sentence"].fillna(found["surface"]))
    found = found.drop_duplicates(["article_id", "sentence"])
    meta = articles.drop_duplicates("article_id").set_index("article_id")[["source", "language", "published", "url", "title"]]
    table = found.join(meta, on="article_id")
    if memory is not None and "sentence_translated" not in table:
        schema.require_columns(memory, ("source_text", "translated_text"), stage=STAGE)
        lookup = memory.drop_duplicates("source_text").set_index("source_text")["translated_text"]
        table["sentence_translated"] = table["sentence"].map(lookup).astype("string")
    columns = ["source", "language", "published", "article_id", "url", "title", "surface", "sentence"]
    columns += ["sentence_translated"] if "sentence_translated" in table else []
    table = table.sort_values(["source", "published"], ascending=[True, False], na_position="last")
    return table[columns].reset_index(drop=True)


class OutletPassages(typing.NamedTuple):
    per_outlet: pd.Series  # passages per source, most first (ties by source), as actor_sentences counts them
    shown: pd.DataFrame  # the passages to show side by side: actor_sentences' rows, plus field and start


def outlet_passages(articles: pd.DataFrame, mentions: pd.DataFrame, actor_id: str, outlets: int,
                    per_outlet: int) -> OutletPassages:
    """How many passages about ``actor_id`` each outlet has, and the newest ``per_outlet`` of the
    ``outlets`` outlets with the most, without building every passage: actor_sentences copies the
    text of each of them (112k passages, 0.3-0.4 s at 100k articles) and a page shows 18.

    Needs: articles[article_id, source, language, published, url, title]; mentions[article_id,
    actor_id, field, start, surface, sentence]. ``shown`` has actor_sentences' columns (without
    sentence_translated) plus ``field`` and ``start``, which translate.translated_passages needs; it
    lists the same passages as actor_sentences does for those outlets, in the same order.
    """
    schema.require_columns(articles, ("article_id", "source", "language", "published", "url", "title"), stage=STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "field", "start", "surface", "sentence"), stage=STAGE)
    columns = ["source", "language", "published", "article_id", "url", "title", "surface", "sentence", "field", "start"]
    index = mention_index.of(mentions)
    # The first row of ``articles`` for each article code (actor_sentences keeps the first too).
    first_rows = mention_index.distinct_rows(articles)
    first_codes = index.article_codes(articles)[first_rows]
    article_row = np.full(len(index.articles), -1, dtype=np.int64)
    article_row[first_codes[first_codes >= 0]] = first_rows[first_codes >= 0]
    code = int(_positions(pd.Series([actor_id], dtype="string"), index.actors)[0])
    chosen = np.flatnonzero((index.mention_actor == code) & (article_row[index.mention_article] >= 0) & (code >= 0))
    if not len(chosen):
        dtypes = {c: "string" for c in columns} | {"published": schema.TIMESTAMP_DTYPE, "start": "int64"}
        return OutletPassages(pd.Series(dtype="int64", name="passages", index=pd.Index([], dtype="string", name="source")),
                              _empty(columns, **dtypes))
    rows, row_of_article = index.mention_row[chosen], article_row[index.mention_article[chosen]]
    sentence = mentions["sentence"].iloc[rows].reset_index(drop=True)
    sentence = sentence.fillna(mentions["surface"].iloc[rows].reset_index(drop=True))
    # One passage per article and sentence, kept at its first mention, as drop_duplicates keeps.
    sentence_code, _ = pd.factorize(sentence)
    _, first = np.unique(row_of_article * len(rows) + sentence_code, return_index=True)
    first.sort()
    rows, row_of_article, sentence = rows[first], row_of_article[first], sentence.iloc[first].reset_index(drop=True)
    source_code, source_names = pd.factorize(articles["source"], use_na_sentinel=False)
    source_code = source_code[row_of_article]
    passages = pd.Series(np.bincount(source_code, minlength=len(source_names)), name="passages",
                         index=pd.Index(source_names, name="source"))
    passages = passages[passages > 0].sort_index().sort_values(ascending=False, kind="stable")
    # The shown outlets in name order, each newest first (undated last), ties in mention order.
    rank = np.full(len(source_names), outlets, dtype=np.int64)  # ``outlets``: not shown
    rank[source_names.get_indexer(passages.index[:outlets].sort_values())] = np.arange(min(outlets, len(passages)))
    published = articles["published"].array
    undated = np.asarray(published.isna())[row_of_article]
    newest_first = np.where(undated, np.iinfo(np.int64).max, -np.where(undated, 0, published.asi8[row_of_article]))
    order = np.lexsort((np.arange(len(rows)), newest_first, rank[source_code]))
    order = order[rank[source_code[order]] < outlets]
    pick = order[mention_index.rank_in_runs(rank[source_code[order]]) < per_outlet]
    # Columns before rows: taking rows of the whole frame would copy every article's text too.
    about = articles[["source", "language", "published", "url", "title"]].iloc[row_of_article[pick]]
    said = mentions[["article_id", "surface", "field", "start"]].iloc[rows[pick]]
    shown = pd.concat([about.reset_index(drop=True), said.reset_index(drop=True)], axis=1)
    shown["sentence"] = sentence.iloc[pick].to_numpy()
    return OutletPassages(passages, shown[columns])


def pending_translation(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles waiting for translation, by language.

    Needs: articles[language]; uses translation_status when present ('pending' = waiting).
    Returns: language ("unknown" where missing), articles (int), most first; no rows when the
    frame has no translation_status column (nothing is known to be waiting).
    """
    schema.require_columns(articles, ("language",), stage=STAGE)
    if "translation_status" not in articles.columns:
        return _empty(["language", "articles"], articles="int64")
    waiting = articles[["language"]][(articles["translation_status"] == "pending").fillna(False).to_numpy(dtype=bool)]
    counts = waiting["language"].astype("string").fillna("unknown").astype(str).value_counts()
    table = counts.rename("articles").rename_axis("language").reset_index()
    return table.sort_values(["articles", "language"], ascending=[False, True]).reset_index(drop=True)


def article_actors(mentions: pd.DataFrame, actors: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """The actors one article names, most mentioned first, for the reader.

    Needs: mentions[article_id, actor_id, surface]; actors[actor_id, name, type].
    Returns: actor_id, name, type, mentions (int, counting ``occurrences`` where mentions has
    it), written (str: its spellings in this article, in order of first appearance, joined by " · ").
    """
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=STAGE)
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=STAGE)
    found = mentions[(mentions["article_id"] == article_id) & mentions["actor_id"].notna()]
    found = found.assign(occurrences=found["occurrences"].fillna(1) if "occurrences" in found else 1)
    table = found.groupby("actor_id", sort=False).agg(
        mentions=("occurrences", "sum"), written=("surface", lambda s: " · ".join(dict.fromkeys(s))))
    table = table.join(actors.drop_duplicates("actor_id").set_index("actor_id")[["name", "type"]])
    table = table.reset_index().sort_values(["mentions", "name"], ascending=[False, True], kind="stable")
    return table[["actor_id", "name", "type", "mentions", "written"]].astype({"mentions": "int64"}).reset_index(drop=True)


def copies_elsewhere(articles: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """The same article stored from other outlets: the copies that link to its first stored copy
    (``duplicate_of``), and that copy itself; never the article itself.

    Needs: articles[article_id, duplicate_of]. Returns those rows of ``articles``.
    """
    schema.require_columns(articles, ("article_id", "duplicate_of"), stage=STAGE)
    row = articles[articles["article_id"] == article_id]
    if row.empty:
        return articles.iloc[0:0]
    original = row["duplicate_of"].iloc[0]
    root = original if isinstance(original, str) else article_id
    same = (articles["duplicate_of"] == root).fillna(False) | (articles["article_id"] == root)
    return articles[same.astype(bool) & (articles["article_id"] != article_id)]
