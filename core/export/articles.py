"""The article export's columns, one function for the command line and the dashboard: the articles
as stored, their actors and mentioned dates as lists of records, and their translation.

``article_table`` takes the frames the pages draw from and gives the frame ``core.export.data``
writes: ``python -m core export`` and the Overview's "Download data" call it with the same kind
of selection, so their files have the same columns (``COLUMNS``).
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np
import pandas as pd

from core import schema

STAGE = "export"
# Added by translate.with_translations for the chosen target language.
TRANSLATION_COLUMNS = ("title_translated", "text_translated", "translation_error", "translation_status")
COLUMNS = (*schema.ARTICLE_COLUMNS, "actors", "mentioned_dates", *TRANSLATION_COLUMNS)


# Not frozen: a frozen dataclass takes twice as long to build (1 s for a million mentions).
@dataclasses.dataclass(slots=True)
class _Actor:
    """One actor an article names: an object in JSON, ``Name (id)`` in a CSV or XLSX cell."""

    id: str
    name: str | None
    type: str | None
    mentions: int  # in this article, counting every occurrence

    def __str__(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclasses.dataclass(slots=True)
class _MentionedDate:
    """One calendar day an article mentions, and the first sentence that mentions it (the title
    before the text): an object in JSON, ``YYYY-MM-DD`` in a CSV or XLSX cell."""

    date: str
    sentence: str | None

    def __str__(self) -> str:
        return self.date


def article_table(articles: pd.DataFrame, actors: pd.DataFrame, mentions: pd.DataFrame,
                  dates: pd.DataFrame, date_sentences: Callable[[np.ndarray], pd.Series] | None = None) -> pd.DataFrame:
    """The articles as exported, in the order given, with exactly ``COLUMNS``.

    Needs: articles[ARTICLE_COLUMNS and the translation columns of ``translate.with_translations``];
    actors[actor_id, name, type]; mentions[article_id, actor_id, occurrences] (resolved: every
    row has an actor_id); dates[article_id, date, field, start, sentence] (the mentioned dates);
    without ``sentence``, ``date_sentences`` reads the sentences of rows of ``dates`` by their
    index labels (the dashboard leaves them in the frame's file): only those exported are read.
    Adds: ``actors``, a list per article of records (id, name, type, mentions), most mentioned
    first, then by name; ``mentioned_dates``, a list per article of records (date as YYYY-MM-DD,
    sentence), by date. An article with none has an empty list; a name, type or sentence that is
    missing is None (null in JSON).
    """
    schema.require_columns(articles, [c for c in COLUMNS if c not in ("actors", "mentioned_dates")], stage=STAGE)
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "occurrences"), stage=STAGE)
    held = "sentence" in dates.columns
    schema.require_columns(dates, ("article_id", "date", "field", "start") + (("sentence",) if held else ()), stage=STAGE)
    if not held and date_sentences is None:
        raise ValueError(f"{STAGE}: mentioned dates without their sentences need a way to read them (date_sentences=)")
    ids = articles["article_id"]
    named = _actors_by_article(ids, actors, mentions)
    mentioned = _dates_by_article(ids, dates, date_sentences)
    lists = {"actors": [named.get(a, []) for a in ids], "mentioned_dates": [mentioned.get(a, []) for a in ids]}
    out = articles.assign(**{name: pd.Series(values, index=articles.index, dtype=object) for name, values in lists.items()})
    return out[list(COLUMNS)]


def _actors_by_article(ids: pd.Series, actors: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, list[_Actor]]:
    chosen = schema.as_read(mentions.loc[mentions["article_id"].isin(ids), ["article_id", "actor_id", "occurrences"]])
    counts = chosen.groupby(["article_id", "actor_id"], sort=False, as_index=False)["occurrences"].sum()
    known = actors.drop_duplicates("actor_id")
    labels = {actor_id: (_text(name), _text(kind))
              for actor_id, name, kind in zip(known["actor_id"].tolist(), known["name"].tolist(), known["type"].tolist())}
    counts = counts.assign(name=counts["actor_id"].map({a: name for a, (name, _) in labels.items()}))
    counts = counts.sort_values(["article_id", "occurrences", "name", "actor_id"], ascending=[True, False, True, True])
    found: dict[str, list[_Actor]] = {}
    # Plain lists, not itertuples: iterating Arrow-backed columns row by row took 15 of the 22 s
    # that a million mentions of 100k articles took (5 s now).
    for article_id, actor_id, count in zip(counts["article_id"].tolist(), counts["actor_id"].tolist(),
                                           counts["occurrences"].tolist()):
        name, kind = labels.get(actor_id, (None, None))
        found.setdefault(article_id, []).append(_Actor(actor_id, name, kind, int(count)))
    return found


def _dates_by_article(ids: pd.Series, dates: pd.DataFrame,
                      date_sentences: Callable[[np.ndarray], pd.Series] | None) -> dict[str, list[_MentionedDate]]:
    held = "sentence" in dates.columns
    chosen = schema.as_read(dates.loc[dates["article_id"].isin(ids) & dates["date"].notna(),
                                      ["article_id", "date", "field", "start"] + (["sentence"] if held else [])])
    # The first mention of each day in reading order: the title, then the text by position.
    chosen = chosen.assign(in_text=chosen["field"].ne("title"))
    first = chosen.sort_values(["article_id", "date", "in_text", "start"]).drop_duplicates(["article_id", "date"])
    quoted = first["sentence"].tolist() if held else date_sentences(first.index.to_numpy()).tolist()
    found: dict[str, list[_MentionedDate]] = {}
    for article_id, day, sentence in zip(first["article_id"].tolist(), first["date"].dt.strftime("%Y-%m-%d").tolist(),
                                         quoted):
        found.setdefault(article_id, []).append(_MentionedDate(day, _text(sentence)))
    return found


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
