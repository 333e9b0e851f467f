"""Helpers the modules of ``core.analysis`` share (private to the package): the integer-coded
selections of the mention index (which (article, actor) pairs a selection keeps, and counts over
them), a fast ``isin`` for id columns, typed empty frames, and lists per group."""
from __future__ import annotations

import typing

import numpy as np
import pandas as pd

from core import schema
from core.analysis import mention_index

STAGE = "analysis"  # named in the errors of every function of the package

# Rows of an articles frame that leaves its titles and URLs out (the dashboard's keeps them in its
# file: ``ui.article_columns.with_titles``), given back in their order and index with ``title`` and ``url``.
Titles = typing.Callable[[pd.DataFrame], pd.DataFrame]


def titles_of(articles: pd.DataFrame, columns: tuple[str, ...], with_titles: Titles | None) -> Titles:
    """How to have ``columns`` with the titles of rows of ``articles``: the rows themselves when
    the frame holds the titles, else ``with_titles`` (which a frame without them needs)."""
    if "title" in articles.columns:
        schema.require_columns(articles, columns, stage=STAGE)
        return lambda rows: rows
    if with_titles is None:
        raise ValueError(f"{STAGE}: articles without their titles need a way to read them (with_titles=)")
    schema.require_columns(articles, [c for c in columns if c not in ("title", "url")], stage=STAGE)
    return with_titles


def isin(values: pd.Series, allowed) -> np.ndarray:
    """``values.isin(allowed)`` for id columns, fast (see ``mention_index.positions``)."""
    allowed = pd.Series(list(allowed) if isinstance(allowed, (set, frozenset, dict)) else allowed)
    return mention_index.positions(values, allowed.drop_duplicates()) >= 0


def selected_pairs(index: mention_index.MentionIndex, articles: pd.DataFrame, actors: pd.DataFrame | None = None,
                   types: tuple[str, ...] = ()) -> np.ndarray:
    """Per distinct (article, actor) pair of ``index``: is the article among ``articles`` and the
    actor of one of ``types`` (any type when empty)?"""
    schema.require_columns(articles, ("article_id",), stage=STAGE)
    keep = index.article_mask(articles)[index.pair_article]
    if types:
        keep &= index.actor_mask(actors.loc[actors["type"].isin(types), "actor_id"])[index.pair_actor]
    return keep


def counts_by_actor(index: mention_index.MentionIndex, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(articles, mentions) per actor code, over the kept pairs."""
    actor = index.pair_actor[pairs]
    return (np.bincount(actor, minlength=len(index.actors)),
            np.bincount(actor, weights=index.pair_mentions[pairs], minlength=len(index.actors)).astype(np.int64))


def mention_mask(index: mention_index.MentionIndex, pairs: np.ndarray, actor_codes: np.ndarray) -> np.ndarray:
    """Per mention: is its (article, actor) pair kept and its actor among ``actor_codes``?"""
    articles = np.zeros(len(index.articles), dtype=bool)
    articles[index.pair_article[pairs]] = True
    wanted = np.zeros(len(index.actors), dtype=bool)
    wanted[actor_codes] = True
    return articles[index.mention_article] & wanted[index.mention_actor]


def counts_by_group(index: mention_index.MentionIndex, pairs: np.ndarray, codes: np.ndarray,
                    group_codes: np.ndarray, groups: int, actor_ids: list) -> np.ndarray:
    """Articles naming each of ``actor_ids`` (columns) in each group of articles (rows), over the
    kept pairs; ``codes`` gives the article code (``index.article_codes``) and ``group_codes`` the
    group (0..groups-1, -1 none) of each article, one article per row."""
    article_group = np.full(len(index.articles), -1, dtype=np.int64)
    article_group[codes[codes >= 0]] = np.asarray(group_codes)[codes >= 0]
    column = np.full(len(index.actors), -1, dtype=np.int64)
    chosen = mention_index.positions(pd.Series(actor_ids, dtype="string"), index.actors)
    column[chosen[chosen >= 0]] = np.flatnonzero(chosen >= 0)
    group, actor = article_group[index.pair_article[pairs]], column[index.pair_actor[pairs]]
    ok = (group >= 0) & (actor >= 0)
    return np.bincount(group[ok] * len(actor_ids) + actor[ok], minlength=groups * len(actor_ids)).reshape(groups, len(actor_ids))


def empty(columns, **dtypes) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "object")) for c in columns})


def sorted_lists(members: pd.DataFrame, column: str, distinct: bool = True, names: np.ndarray | None = None) -> pd.Series:
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
