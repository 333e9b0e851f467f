"""Which actors a selection names most (``top_actors``), and how each is spelled as written
(``spellings``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import schema
from core.analysis import _shared, mention_index


def spellings(mentions: pd.DataFrame, limit: int = 6) -> pd.Series:
    """The most frequent surfaces of each actor, as written ("Путин · پوتین · Putin"), by actor_id.

    Needs: mentions[actor_id, surface]; rows without actor_id are left out.
    """
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=_shared.STAGE)
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
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=_shared.STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=_shared.STAGE)
    index = mention_index.of(mentions)
    pairs = _shared.selected_pairs(index, articles, actors, types)
    articles_per_actor, mentions_per_actor = _shared.counts_by_actor(index, pairs)
    named = np.flatnonzero(articles_per_actor)
    counts = pd.DataFrame({"articles": articles_per_actor[named], "mentions": mentions_per_actor[named]},
                          index=index.actors[named])
    # map, not merge: an empty groupby has an integer index that pandas refuses to merge with str
    table = actors[["actor_id", "name", "type"]].drop_duplicates("actor_id")
    table = table[_shared.isin(table["actor_id"], counts.index)]
    table = table.assign(articles=table["actor_id"].map(counts["articles"]),
                         mentions=table["actor_id"].map(counts["mentions"]))
    table = table.sort_values(["articles", "mentions", "name"], ascending=[False, False, True]).head(limit)
    if not with_spellings:
        return table.astype({"articles": "int64", "mentions": "int64"}).reset_index(drop=True)
    shown = mention_index.positions(table["actor_id"], index.actors)
    written = index.spellings(_shared.mention_mask(index, pairs, shown[shown >= 0]), 6)
    table["spellings"] = table["actor_id"].map(written).fillna("")
    return table.astype({"articles": "int64", "mentions": "int64"}).reset_index(drop=True)
