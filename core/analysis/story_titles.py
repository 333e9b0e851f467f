"""A name for each story (``story_titles``): the title of its most representative article, in the
analyst's language when a translation exists, and the actors the story is most about
(``main_actors``). ``story_grouping.story_groups`` gives both with the groups."""
from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils

# Weights of the two signs that an article's title is the story's (tuned on the sample corpus's
# eight stories in ten languages, where the actors alone already pick a title naming the event).
ACTOR_WEIGHT = 1.0  # the story's own actors named in the title, weighted (see story_titles)
WORDS_WEIGHT = 1.0  # how alike the title is to the story's other titles in the analyst's language


def story_titles(members: pd.DataFrame, pairs: pd.DataFrame, title_pairs: pd.DataFrame,
                 articles_naming: pd.Series, selected: int) -> pd.DataFrame:
    """The title of each story: of its articles, the one whose title best says what the story
    is about, as its analyst reads it.

    Needs: members[label, article_id, title, language, published, and title_translated if the
    articles were translated: the title in the analyst's language, <NA> while not translated];
    pairs[label, article_id, actor_id] (the actors each member names anywhere); title_pairs
    [article_id, actor_id] (the actors named in members' titles); ``articles_naming`` (articles
    of the selection naming each actor, by actor_id) of ``selected`` articles.

    Articles are told apart across languages by the actors their titles name (actors are the same
    ids in every script): each counts the share of the story's articles naming it, times its
    rarity in the selection (idf: "Russia", named everywhere, says little of a story; BRICS or
    Shoigu say much). Where the story has titles in the analyst's language (translated, or written
    in it), only those are candidates, and how alike each is to the others (RapidFuzz's
    token_sort_ratio, word order aside) counts too: the title closest to the rest of the story.
    Ties go to the earliest article.

    Returns by label: title (str; the actors' names when no member has a title), title_article
    (article_id; <NA> when none has a title), title_language (the article's own language),
    title_translated (bool: the title shown is a translation).
    """
    translated = members["title_translated"] if "title_translated" in members else pd.Series(pd.NA, index=members.index)
    candidates = members.assign(
        _own=members["title"].astype("string").str.strip().replace("", pd.NA),
        _read=translated.astype("string").str.strip().replace("", pd.NA))
    readable = candidates.loc[candidates["_read"].notna().to_numpy(dtype=bool), "label"].unique()
    candidates["_readable"] = candidates["label"].isin(readable).to_numpy(dtype=bool)
    candidates["_shown"] = candidates["_read"].where(candidates["_readable"], candidates["_own"])
    candidates = candidates[candidates["_shown"].notna().to_numpy(dtype=bool)].copy()
    share = pairs.groupby(["label", "actor_id"]).size() / pairs.groupby("label")["article_id"].nunique()
    rarity = np.log((selected + 1) / (articles_naming.reindex(share.index.get_level_values("actor_id")).fillna(0).to_numpy() + 1)) + 1
    weight = pd.Series(share.to_numpy() * rarity, index=share.index, name="weight")
    named = title_pairs.drop_duplicates().merge(candidates[["article_id", "label"]], on="article_id")
    named = named.join(weight, on=["label", "actor_id"])
    actor_score = named.groupby("article_id")["weight"].sum()
    candidates["_actors"] = candidates["article_id"].map(actor_score).fillna(0.0).to_numpy(dtype=float)
    candidates["_words"] = 0.0
    for label, story in candidates[candidates["_readable"].to_numpy(dtype=bool)].groupby("label"):
        if len(story) > 2:  # with two titles each is as close to the other
            alike = process.cdist(story["_shown"].tolist(), story["_shown"].tolist(), scorer=fuzz.token_sort_ratio,
                                  processor=utils.default_process)
            candidates.loc[story.index, "_words"] = (alike.sum(axis=1) - 100) / (len(story) - 1) / 100
    best_actor = candidates.groupby("label")["_actors"].transform("max")
    candidates["_score"] = (ACTOR_WEIGHT * candidates["_actors"] / best_actor.where(best_actor > 0, 1)
                            + WORDS_WEIGHT * candidates["_words"])
    chosen = (candidates.sort_values(["label", "_score", "published", "article_id"], ascending=[True, False, True, True],
                                     na_position="last")
              .drop_duplicates("label").set_index("label"))
    return pd.DataFrame({"title": chosen["_shown"].astype(str), "title_article": chosen["article_id"].astype("string"),
                         "title_language": chosen["language"].astype("string"),
                         "title_translated": (chosen["_readable"] & (chosen["_shown"] != chosen["_own"]).fillna(True)).astype(bool)})


def main_actors(pairs: pd.DataFrame, names: pd.Series, limit: int = 5) -> pd.Series:
    """The names of each story's ``limit`` main actors, most mentioned first (ties: named in
    more of its articles, then by id). Needs: pairs[label, article_id, actor_id, mentions]."""
    totals = pairs.groupby(["label", "actor_id"]).agg(mentions=("mentions", "sum"), articles=("article_id", "nunique"))
    totals = totals.reset_index().sort_values(["label", "mentions", "articles", "actor_id"],
                                              ascending=[True, False, False, True])
    top = totals.groupby("label").head(limit)
    top = top.assign(name=top["actor_id"].map(names).fillna(top["actor_id"]))
    return top.groupby("label", sort=False)["name"].agg(list)
