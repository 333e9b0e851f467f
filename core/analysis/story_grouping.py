"""Articles about the same story, across languages and outlets: the story of every article
(``story_labels``) and the groups a selection holds (``story_groups``). How articles are linked is
in ``story_links``; docs/dashboard.md explains and calibrates it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import schema
from core.analysis import _shared, mention_index, story_links, story_titles


def story_groups(articles: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame | None = None,
                 window_days: float = story_links.STORY_WINDOW_DAYS,
                 min_similarity: float = story_links.STORY_MIN_SIMILARITY, min_articles: int = 2, labels: pd.Series | None = None, limit: int | None = None,
                 with_titles: _shared.Titles | None = None) -> pd.DataFrame:
    """Articles about the same story, across languages and outlets, grouped as one event.

    The groups are those of ``story_labels`` (see there how articles are linked), computed for
    these articles, or, with ``labels`` (``story_labels`` of a larger corpus, by article_id), the
    parts of those stories these articles make up: a filter then shows its share of each story
    without regrouping the corpus (seconds at 100k articles).

    Needs: articles[article_id, published, language, source, title, duplicate_of];
    mentions[article_id, actor_id]; actors[actor_id, name] for the names (ids without it).
    Articles without ``title`` need ``with_titles``: only the described groups' titles are read.
    Returns, largest group first, the ``limit`` largest (all by default) groups of at least
    ``min_articles`` of these articles: group
    (int, 1-based), articles (int), article_ids (list, oldest first), languages (list), sources
    (list), first / last (publication time; NaT when all are undated), top_actors (list of up to
    five names, most mentioned in the group first), and its name (``story_titles.story_titles``):
    title (str: the most representative title, in the analyst's language when the articles carry
    ``title_translated``), title_article, title_language (that article's language) and
    title_translated (bool).
    """
    titled = _shared.titles_of(articles, ("article_id", "published", "language", "source", "title", "duplicate_of"),
                               with_titles)
    index = mention_index.of(mentions)
    kept = _shared.selected_pairs(index, articles)
    found = index.pairs_frame(kept).assign(mentions=index.pair_mentions[kept].astype(np.int64))
    if labels is None:
        labels = story_labels(articles, mentions, window_days, min_similarity)
    else:
        ids = articles["article_id"].drop_duplicates()
        where = mention_index.positions(ids, labels.index)
        labels = pd.Series(labels.to_numpy()[where[where >= 0]], index=ids.to_numpy()[where >= 0])
    # articles of the selection naming each actor: how rare an actor is (story_titles)
    naming = pd.Series(np.bincount(index.pair_actor[kept], minlength=len(index.actors)), index=index.actors)
    return _describe_groups(articles, found, index, mentions, naming, actors, labels, min_articles, limit, titled)


def story_labels(articles: pd.DataFrame, mentions: pd.DataFrame,
                 window_days: float = story_links.STORY_WINDOW_DAYS,
                 min_similarity: float = story_links.STORY_MIN_SIMILARITY) -> pd.Series:
    """The story of every article: an int label by article_id, equal for articles of one story.

    Two dated articles are linked when they were published within ``window_days`` of each other,
    share at least two actors, and their actor sets have an IDF-weighted Jaccard similarity of at
    least ``min_similarity`` (actors most articles mention weigh little); an article is always
    linked to the one it duplicates (``duplicate_of``). An undated article joins only its most
    similar article. Stories are the connected articles; in stories over 25 articles the
    weakest links are cut until the pieces are smaller. Method and calibration: docs/dashboard.md.
    ``story_corpus.StoryCorpus`` gives the same labels for a corpus read a batch at a time.

    Needs: articles[article_id, published, duplicate_of]; mentions[article_id, actor_id].
    """
    schema.require_columns(articles, ("article_id", "published", "duplicate_of"), stage=_shared.STAGE)
    index = mention_index.of(mentions)
    found = index.pairs_frame(_shared.selected_pairs(index, articles))
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
    article_slot = position_slot[mention_index.positions(found["article_id"], ids)]
    order = np.argsort(article_slot, kind="stable")
    pairs = story_links.PairArrays(article_slot[order], codes[order], n,
                                   np.argsort(np.argsort(np.asarray(actor_ids, dtype=object))))
    found_links = []
    story_links.find_links(pairs, seconds[slot_position], slot_position, window_days, min_similarity,
                           lambda r, c, s: found_links.append((slot_position[r], slot_position[c], s)))
    duplicates = articles[_shared.isin(articles["duplicate_of"], pd.Series(ids))]
    found_links.append((mention_index.positions(duplicates["article_id"], ids),
                        mention_index.positions(duplicates["duplicate_of"], ids), np.ones(len(duplicates))))
    rows, cols, weights = (np.concatenate(part) for part in zip(*found_links))

    def chunks():
        step = story_links.LINK_CHUNK
        for start in range(0, len(rows), step):
            yield rows[start:start + step], cols[start:start + step], weights[start:start + step]
    labels = story_links.label_stories(n, chunks, min_similarity)
    return pd.Series(labels, index=pd.Index(ids, name="article_id"), name="story")


def _title_pairs(index: mention_index.MentionIndex, mentions: pd.DataFrame, article_ids) -> pd.DataFrame:
    """The (article_id, actor_id) of the mentions in these articles' titles (none when the
    mentions frame has no ``field``). Only these articles' rows are read: the field of a million
    mentions, read whole, cost a tenth of a second a filter change."""
    if "field" not in mentions:
        return pd.DataFrame({"article_id": pd.Series(dtype="string"), "actor_id": pd.Series(dtype="string")})
    members = np.zeros(len(index.articles), dtype=bool)
    codes = mention_index.positions(pd.Series(list(article_ids), dtype="string"), index.articles)
    members[codes[codes >= 0]] = True
    rows = np.flatnonzero(members[index.mention_article])
    in_title = (mentions["field"].iloc[index.rows(rows)] == "title").to_numpy(dtype=bool)
    rows = rows[in_title]
    return pd.DataFrame({"article_id": index.articles[index.mention_article[rows]],
                         "actor_id": index.actors[index.mention_actor[rows]]}).drop_duplicates()


def _describe_groups(articles, found, index: mention_index.MentionIndex, mentions: pd.DataFrame, naming: pd.Series, actors,
                     labels: pd.Series, min_articles: int, limit: int | None, titled: _shared.Titles) -> pd.DataFrame:
    columns = ["group", "articles", "article_ids", "languages", "sources", "first", "last", "top_actors", "title",
               "title_article", "title_language", "title_translated"]
    codes, _ = pd.factorize(labels)
    sizes = np.bincount(codes) if len(codes) else np.array([], dtype=np.int64)
    kept = labels[sizes[codes] >= min_articles] if len(codes) else labels
    if kept.empty:
        return _shared.empty(columns, group="int64", articles="int64", first=schema.TIMESTAMP_DTYPE, last=schema.TIMESTAMP_DTYPE,
                             title="string", title_article="string", title_language="string", title_translated="bool")
    unique = articles.drop_duplicates("article_id")
    if limit is not None:
        # Describing every group of a large corpus (15k at 100k articles) costs a second; the
        # order is known from the sizes and first dates alone.
        where = mention_index.positions(pd.Series(kept.index, dtype="string"), unique["article_id"])
        published = unique["published"].to_numpy(dtype="datetime64[us]")[where]
        order = pd.DataFrame({"label": kept.to_numpy(), "published": published}).groupby("label")["published"].agg(["size", "min"])
        chosen = order.sort_values(["size", "min"], ascending=[False, True], na_position="last").index[:limit]
        kept = kept[kept.isin(chosen)]
    members = unique.set_index("article_id").loc[kept.index]
    members = members.assign(label=kept).sort_values("published", na_position="last")
    names = (actors.drop_duplicates("actor_id").set_index("actor_id")["name"] if actors is not None
             else pd.Series(dtype=str))
    where = mention_index.positions(found["article_id"], kept.index)
    found = found[where >= 0].assign(label=kept.to_numpy()[where[where >= 0]])
    top = story_titles.main_actors(found, names)
    members = titled(members.rename_axis("article_id").reset_index())
    titles = story_titles.story_titles(members, found, _title_pairs(index, mentions, kept.index), naming,
                                       articles["article_id"].nunique())
    by_group = members.groupby("label", sort=False)
    table = pd.DataFrame({
        "articles": by_group.size(),
        "article_ids": _shared.sorted_lists(members, "article_id", distinct=False),
        "languages": _shared.sorted_lists(members, "language"),
        "sources": _shared.sorted_lists(members, "source"),
        "first": by_group["published"].min(), "last": by_group["published"].max(),
    })
    table["top_actors"] = [top.get(label, []) for label in table.index]
    table = table.join(titles)
    # a story none of whose articles has a title is named by its main actors
    untitled = table["title"].isna().to_numpy(dtype=bool)
    table.loc[untitled, "title"] = [" · ".join(actors[:3]) or "Untitled story" for actors in table.loc[untitled, "top_actors"]]
    table["title_translated"] = table["title_translated"].fillna(False).astype(bool)
    for column in ("languages", "sources"):  # a group whose articles all lack it has no entry
        table[column] = [v if isinstance(v, list) else [] for v in table[column]]
    table = table.sort_values(["articles", "first"], ascending=[False, True], na_position="last").reset_index(drop=True)
    table.insert(0, "group", np.arange(1, len(table) + 1))
    return table[columns].astype({"group": "int64", "articles": "int64", "title": "string", "title_article": "string",
                                  "title_language": "string"})
