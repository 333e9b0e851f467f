"""Counts over time: articles per period (``volume``), articles naming chosen actors per period
(``attention``; ``together``: also those naming all of them), and the days the articles write about
(``mentioned_dates_timeline``).

Periods are days, weeks (Monday to Sunday, as ISO 8601) or months of the publication time in UTC;
undated articles have no period, so they are left out here (``filtering.overview`` counts them).
A table of periods says which period it counts by in ``attrs["freq"]`` ("day", "week" or "month"):
its first days alone cannot tell (one Monday is a day, a week or, on 1 July 2024, a month), and a
chart that guessed from the gaps between them drew two weeks three months apart as months."""
from __future__ import annotations

import typing

import numpy as np
import pandas as pd

from core import schema
from core.analysis import _shared, mention_index

FREQUENCIES = {"day": "D", "week": "W-SUN", "month": "M"}  # weeks run Monday to Sunday
# Reads the sentences of rows of a mentioned dates frame, by their index labels (``passages.Sentences``).
Sentences = typing.Callable[[np.ndarray], pd.Series]


def _naive_utc(published: pd.Series) -> pd.Series:
    return published.dt.tz_convert("UTC").dt.tz_localize(None) if published.dt.tz is not None else published


def _check_freq(freq: str) -> None:
    if freq not in FREQUENCIES:
        raise ValueError(f"{_shared.STAGE}: frequency must be one of {', '.join(FREQUENCIES)} (got {freq!r})")


def _period(published: pd.Series, freq: str) -> pd.Series:
    _check_freq(freq)
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


def _counted_by(table: pd.DataFrame, freq: str) -> pd.DataFrame:
    """``table`` saying which period its rows count by, for the charts (``core.charts.over_time``)."""
    table.attrs["freq"] = freq
    return table


def volume(articles: pd.DataFrame, by: str = "language", freq: str = "week") -> pd.DataFrame:
    """Articles per period and per language or source.

    Needs: articles[published, <by>] with ``by`` "language" or "source".
    Returns: period (datetime64, first day of the day/week/month; weeks start on Monday), <by>
    (str; "unknown" where missing), articles (int), partial (bool: the articles cover the period
    only in part, see ``_partial``). Undated articles are left out: they have no period
    (``filtering.overview`` counts them). ``attrs["freq"]`` is ``freq``.
    """
    if by not in ("language", "source"):
        raise ValueError(f"{_shared.STAGE}: volume by 'language' or 'source' (got {by!r})")
    schema.require_columns(articles, ("published", by), stage=_shared.STAGE)
    # the two columns first: masking the whole frame copies every text (0.3 s at 100k articles)
    dated = articles[["published", by]][articles["published"].notna()]
    frame = pd.DataFrame({"period": _period(dated["published"], freq),
                          by: dated[by].astype("string").fillna("unknown").astype(str)})
    counts = frame.groupby(["period", by]).size().rename("articles").reset_index()
    counts["partial"] = _partial(counts["period"], dated["published"], freq)
    return _counted_by(counts.sort_values(["period", "articles"], ascending=[True, False]).reset_index(drop=True), freq)


def attention(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, actor_ids,
              freq: str = "week") -> pd.DataFrame:
    """How many articles mention each chosen actor, period by period.

    Needs: articles[article_id, published]; mentions[article_id, actor_id]; actors[actor_id, name].
    Returns: period, actor_id, name, articles (int: articles of that period mentioning the actor),
    share (float 0-1: of all dated articles of that period), partial (bool: the articles cover the
    period only in part, see ``_partial``). Periods in which an actor is not mentioned are present
    with 0, so lines drop to zero instead of skipping. Undated articles are left out.
    ``attrs["freq"]`` is ``freq``.
    """
    schema.require_columns(articles, ("article_id", "published"), stage=_shared.STAGE)
    schema.require_columns(actors, ("actor_id", "name"), stage=_shared.STAGE)
    actor_ids = list(dict.fromkeys(actor_ids))
    has_date = articles["published"].notna().to_numpy(dtype=bool)
    dated = articles[["article_id", "published"]][has_date]
    columns = ["period", "actor_id", "name", "articles", "share", "partial"]
    _check_freq(freq)  # before the early return: an empty selection must not hide a wrong period
    if dated.empty or not actor_ids:
        return _counted_by(_shared.empty(columns, period="datetime64[us]", articles="int64", share="float64",
                                         partial="bool"), freq)
    period_codes, periods = pd.factorize(_period(dated["published"], freq), sort=True)
    totals = pd.Series(np.bincount(period_codes, minlength=len(periods)), index=periods)
    index = mention_index.of(mentions)
    # Codes of ``articles`` rather than of ``dated``: that frame is new on every call, and the
    # codes are remembered per frame (undated articles have no period, so they count nowhere).
    counts = _shared.counts_by_group(index, _shared.selected_pairs(index, articles),
                                     index.article_codes(articles)[has_date], period_codes, len(periods), actor_ids)
    counts = pd.Series(counts.ravel(), index=pd.MultiIndex.from_product([periods, actor_ids], names=["period", "actor_id"]))
    every = pd.period_range(totals.index.min(), totals.index.max(), freq=FREQUENCIES[freq]).start_time
    grid = pd.MultiIndex.from_product([every.astype("datetime64[us]"), actor_ids], names=["period", "actor_id"])
    table = counts.reindex(grid, fill_value=0).rename("articles").reset_index()
    table["share"] = table["articles"] / table["period"].map(totals).fillna(0).replace(0, np.nan)
    table["share"] = table["share"].fillna(0.0)
    names = actors.drop_duplicates("actor_id").set_index("actor_id")["name"]
    table["name"] = table["actor_id"].map(names).fillna(table["actor_id"])
    table["partial"] = _partial(table["period"], dated["published"], freq)
    return _counted_by(table[columns].astype({"articles": "int64"}).reset_index(drop=True), freq)


def together(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, actor_ids,
             freq: str = "week") -> pd.DataFrame:
    """Attention to the chosen actors together: per period, the articles naming every one of them
    ("Iran and Russia together"), next to the articles naming each (``attention``).

    Needs what ``attention`` needs. Returns its columns plus together (bool): the rows of each
    actor alone first, then one row per period for all of them (actor_id: the ids joined by "+";
    name: "Iran and Russia together"; share: of all dated articles of that period). With fewer
    than two actors it is ``attention`` with together False. ``attrs["freq"]`` is ``freq``.
    """
    actor_ids = list(dict.fromkeys(actor_ids))
    alone = attention(articles, mentions, actors, actor_ids, freq)
    alone = _counted_by(alone.assign(together=False), freq)
    if len(actor_ids) < 2 or alone.empty:
        return alone
    index = mention_index.of(mentions)
    chosen = index.actor_mask(actor_ids)[index.pair_actor] & index.article_mask(articles)[index.pair_article]
    # Distinct (article, actor) pairs: an article naming all of them has one pair per actor.
    named = np.bincount(index.pair_article[chosen], minlength=len(index.articles)) == len(actor_ids)
    codes = index.article_codes(articles)
    dated = articles["published"].notna().to_numpy(dtype=bool)
    every = dated & (codes >= 0) & named[np.maximum(codes, 0)]
    periods = _period(articles["published"][dated], freq)
    totals = periods.value_counts()
    counts = _period(articles["published"][every], freq).value_counts()
    grid = alone.drop_duplicates("period")[["period", "partial"]].reset_index(drop=True)
    names = alone.drop_duplicates("actor_id").set_index("actor_id")["name"]
    listed = [names.get(a, a) for a in actor_ids]
    label = (" and ".join(listed) if len(listed) == 2 else ", ".join(listed[:-1]) + " and " + listed[-1]) + " together"
    both = grid.assign(actor_id="+".join(actor_ids), name=label,
                       articles=grid["period"].map(counts).fillna(0).astype("int64"), together=True)
    both["share"] = (both["articles"] / grid["period"].map(totals).replace(0, np.nan)).fillna(0.0)
    table = pd.concat([alone, both[alone.columns]], ignore_index=True)
    return _counted_by(table.astype({"articles": "int64", "partial": "bool", "together": "bool"}), freq)


def mentioned_dates_timeline(articles: pd.DataFrame, dates: pd.DataFrame, samples: int = 3,
                             sentences: Sentences | None = None) -> pd.DataFrame:
    """The days these articles write about ("on 14 April", "yesterday"), with how often.

    Needs: articles[article_id, source, language]; dates[article_id, date, surface, sentence].
    Dates without ``sentence`` need ``sentence_key`` (equal sentences, or surfaces where the
    sentence is missing, equal keys) and ``sentences``, which reads the sentences of rows of
    ``dates`` by their index labels: only those quoted are read.
    Returns, by day: date (datetime64), articles (int: distinct articles naming it), mentions
    (int, counting ``occurrences`` where dates has it), sources (int), languages (str: codes joined by ", "), sentences (list of up to
    ``samples`` sentences as written, each from another article), article_ids (list).
    """
    schema.require_columns(articles, ("article_id", "source", "language"), stage=_shared.STAGE)
    held = "sentence" in dates.columns
    schema.require_columns(dates, ("article_id", "date", "surface", "sentence" if held else "sentence_key"),
                           stage=_shared.STAGE)
    if not held and sentences is None:
        raise ValueError(f"{_shared.STAGE}: mentioned dates without their sentences need a way to read them (sentences=)")
    columns = ["date", "articles", "mentions", "sources", "languages", "sentences", "article_ids"]
    unique = articles.drop_duplicates("article_id")
    where = mention_index.positions(dates["article_id"], unique["article_id"])
    keep = (where >= 0) & dates["date"].notna().to_numpy(dtype=bool)
    if not keep.any():
        return _shared.empty(columns, date="datetime64[us]", articles="int64", mentions="int64", sources="int64")
    # On integer codes of the article, source, language and sentence: grouping, joining or even
    # building a frame of string columns (pandas turns them into Arrow strings) cost most of a
    # second at 100k articles. Texts are looked up only for what the table shows.
    rows = np.flatnonzero(keep)
    where = where[keep]
    sentence_code, sentence_text = pd.factorize(dates["sentence"].take(rows).fillna(dates["surface"].take(rows)) if held
                                                else dates["sentence_key"].to_numpy()[rows], use_na_sentinel=False)
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
    table["article_ids"] = _shared.sorted_lists(firsts, "article", distinct=False,
                                         names=unique["article_id"].to_numpy(dtype=object)).reindex(table.index)
    spoken = found.loc[found["language"] >= 0, ["label", "language"]].drop_duplicates()
    spoken = spoken.assign(language=language_name.to_numpy(dtype=object)[spoken["language"].to_numpy()])
    table["languages"] = _shared.sorted_lists(spoken, "language").map(", ".join).reindex(table.index).fillna("")
    quoted = firsts.drop_duplicates(["label", "sentence"]).groupby("label", sort=True).head(samples)
    quoted = quoted.assign(sentence=sentence_text.to_numpy(dtype=object)[quoted["sentence"].to_numpy()] if held
                           else _read_sentences(dates, rows[quoted.index.to_numpy()], sentences))
    table["sentences"] = _shared.sorted_lists(quoted, "sentence", distinct=False)
    table = table.rename_axis("date").reset_index()
    return table[columns].astype({"articles": "int64", "mentions": "int64", "sources": "int64"})


def _read_sentences(dates: pd.DataFrame, rows: np.ndarray, sentences: Sentences) -> np.ndarray:
    """The sentences of the rows at positions ``rows`` of ``dates``, their surfaces where missing."""
    read = sentences(dates.index.to_numpy()[rows]).to_numpy(dtype=object)
    missing = pd.isna(read)
    read[missing] = dates["surface"].to_numpy(dtype=object)[rows[missing]]
    return read
