"""For the reader and the translation notes: the articles waiting for translation
(``pending_translation``), the actors one article names (``article_actors``), the days it
mentions (``article_dates``), and its copies stored from other outlets (``copies_elsewhere``)."""
from __future__ import annotations

import typing

import numpy as np
import pandas as pd

from core import schema
from core.analysis import _shared


def pending_translation(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles waiting for translation, by language.

    Needs: articles[language]; uses translation_status when present ('pending' = waiting).
    Returns: language ("unknown" where missing), articles (int), most first; no rows when the
    frame has no translation_status column (nothing is known to be waiting).
    """
    schema.require_columns(articles, ("language",), stage=_shared.STAGE)
    if "translation_status" not in articles.columns:
        return _shared.empty(["language", "articles"], articles="int64")
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
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=_shared.STAGE)
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=_shared.STAGE)
    found = schema.as_read(mentions[(mentions["article_id"] == article_id) & mentions["actor_id"].notna()])
    found = found.assign(occurrences=found["occurrences"].fillna(1) if "occurrences" in found else 1)
    table = found.groupby("actor_id", sort=False).agg(
        mentions=("occurrences", "sum"), written=("surface", lambda s: " · ".join(dict.fromkeys(s))))
    table = table.join(actors.drop_duplicates("actor_id").set_index("actor_id")[["name", "type"]])
    table = table.reset_index().sort_values(["mentions", "name"], ascending=[False, True], kind="stable")
    return table[["actor_id", "name", "type", "mentions", "written"]].astype({"mentions": "int64"}).reset_index(drop=True)


def article_dates(dates: pd.DataFrame, article_id: str,
                  sentences: typing.Callable[[np.ndarray], pd.Series] | None = None) -> pd.DataFrame:
    """The days one article mentions, as stored, for the reader.

    Needs: dates[article_id, date, kind, surface, sentence]; without ``sentence``, ``sentences``
    reads the sentences of rows of ``dates`` by their index labels (the dashboard leaves them in
    the frame's file). Returns those rows (their index labels kept): date, kind, surface,
    sentence (str; <NA> where none was stored), with the dtypes they are stored with.
    """
    held = "sentence" in dates.columns
    schema.require_columns(dates, ("article_id", "date", "kind", "surface") + (("sentence",) if held else ()),
                           stage=_shared.STAGE)
    if not held and sentences is None:
        raise ValueError(f"{_shared.STAGE}: mentioned dates without their sentences need a way to read them (sentences=)")
    found = schema.as_read(dates.loc[(dates["article_id"] == article_id).to_numpy(dtype=bool), ["date", "kind", "surface"]
                                     + (["sentence"] if held else [])])
    if not held:
        found = found.assign(sentence=pd.Series(sentences(found.index.to_numpy()).to_numpy(), index=found.index, dtype="str"))
    return found


def copies_elsewhere(articles: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """The same article stored from other outlets: the copies that link to its first stored copy
    (``duplicate_of``), and that copy itself; never the article itself.

    Needs: articles[article_id, duplicate_of]. Returns those rows of ``articles``.
    """
    schema.require_columns(articles, ("article_id", "duplicate_of"), stage=_shared.STAGE)
    row = articles[articles["article_id"] == article_id]
    if row.empty:
        return articles.iloc[0:0]
    original = row["duplicate_of"].iloc[0]
    root = original if isinstance(original, str) else article_id
    same = (articles["duplicate_of"] == root).fillna(False) | (articles["article_id"] == root)
    return articles[same.astype(bool) & (articles["article_id"] != article_id)]
