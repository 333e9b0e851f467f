"""Outlets compared: articles per source and language (``source_volume``) and the share of each
outlet's articles that name each actor (``attention_share``); outlets pooled by what the registry
of followed sources says of them (``regroup``: country, state affiliation, owner, language), so
the same two functions compare state media of one country against independent outlets."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import languages, schema
from core.analysis import _shared, mention_index


def source_volume(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per source and language.

    Needs: articles[source, language, published].
    Returns: source, language ("unknown" where missing), articles (int), undated (int), first,
    last (publication times; NaT when all undated), most articles first.
    """
    schema.require_columns(articles, ("source", "language", "published"), stage=_shared.STAGE)
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
    schema.require_columns(articles, ("article_id", "source", "language"), stage=_shared.STAGE)
    schema.require_columns(actors, ("actor_id", "name"), stage=_shared.STAGE)
    columns = ["source", "language", "source_articles", "actor_id", "name", "articles", "share"]
    index = mention_index.of(mentions)
    pairs = _shared.selected_pairs(index, articles)
    if actor_ids is None:
        per_actor = _shared.counts_by_actor(index, pairs)[0]
        ranked = np.argsort(-per_actor, kind="stable")  # ties in id order: the codes are sorted
        actor_ids = index.actors[ranked[per_actor[ranked] > 0][:limit]]
    actor_ids = list(dict.fromkeys(actor_ids))
    if articles.empty or not actor_ids:
        return _shared.empty(columns, source_articles="int64", articles="int64", share="float64")
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
    counts = _shared.counts_by_group(index, pairs, index.article_codes(articles)[rows], source_codes, len(sources), actor_ids)
    grid = pd.MultiIndex.from_product([sources.index, actor_ids], names=["source", "actor_id"])
    table = pd.Series(counts.ravel(), index=grid, name="articles").reset_index().join(sources, on="source")
    table["share"] = (table["articles"] / table["source_articles"]).astype("float64")
    names = actors.drop_duplicates("actor_id").set_index("actor_id")["name"]
    table["name"] = table["actor_id"].map(names).fillna(table["actor_id"])
    table = table.astype({"source": str, "language": str, "articles": "int64", "source_articles": "int64"})
    return table[columns].sort_values(["source_articles", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


# What the registry can group outlets by: the column of the registry frame, and the label of a
# registered outlet whose registry entry leaves it empty.
GROUPINGS = {"country": "country not said", "state_affiliated": "affiliation not known", "owner": "owner not said",
             "language": "language not said"}
UNREGISTERED = "unregistered"
_AFFILIATION = {True: "state-affiliated", False: "independent"}


def _language_label(code: str) -> str:
    name = languages.language_name(code)
    return f"{name} ({code})" if name != code else code


_NAMED = {"country": languages.country_name, "language": _language_label}


def regroup(articles: pd.DataFrame, registry: pd.DataFrame, by: str) -> pd.DataFrame:
    """The articles with ``source`` replaced by their outlet's group, and the outlet kept in
    ``outlet``: ``source_volume`` and ``attention_share`` of the result then compare the groups.

    Needs: articles[source]; registry[name, country, language, owner, state_affiliated] (one row
    a followed source; an outlet followed through several feeds takes its first row's values).
    ``by``: one of GROUPINGS. Groups: the registry's value (a country or language by its English
    name and code, an owner,
    "state-affiliated" / "independent"); GROUPINGS[by] for a registered outlet that does not say;
    UNREGISTERED for articles whose source is not in the registry.
    """
    if by not in GROUPINGS:
        raise ValueError(f"cannot group sources by {by!r}: choose one of {', '.join(GROUPINGS)}")
    schema.require_columns(articles, ("source",), stage=_shared.STAGE)
    schema.require_columns(registry, ("name", by), stage=_shared.STAGE)
    values = registry.drop_duplicates("name").set_index("name")[by]
    if by == "state_affiliated":
        values = values.map(_AFFILIATION.get)
    elif by in _NAMED:  # read as names, with the code: "Russia (RU)", "Russian (ru)"
        values = values.map(_NAMED[by], na_action="ignore")
    labels = values.astype(object).where(values.notna(), GROUPINGS[by])
    group = articles["source"].map(labels).astype(object).where(articles["source"].isin(labels.index), UNREGISTERED)
    return articles.assign(outlet=articles["source"], source=group.astype(articles["source"].dtype))
