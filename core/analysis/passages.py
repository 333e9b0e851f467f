"""What the outlets wrote about one actor: the mentions of it in a selection
(``actor_mentions``), every sentence naming it (``actor_sentences``), and the newest passages of
the outlets that wrote most about it (``outlet_passages``)."""
from __future__ import annotations

import typing

import numpy as np
import pandas as pd

from core import schema
from core.analysis import _shared, mention_index


def actor_mentions(articles: pd.DataFrame, mentions: pd.DataFrame, actor_id: str) -> pd.DataFrame:
    """The rows of ``mentions`` that name ``actor_id`` in these articles (found through the
    mention index: comparing a million ids as strings took most of a second)."""
    schema.require_columns(mentions, ("article_id", "actor_id"), stage=_shared.STAGE)
    return schema.as_read(mentions.iloc[_actor_rows(articles, mentions, actor_id)])


def _actor_rows(articles: pd.DataFrame, mentions: pd.DataFrame, actor_id: str) -> np.ndarray:
    index = mention_index.of(mentions)
    code = int(mention_index.positions(pd.Series([actor_id], dtype="string"), index.actors)[0])
    chosen = (index.mention_actor == code) & index.article_mask(articles)[index.mention_article]
    return index.rows(chosen)


# The sentences of rows of a mentions frame that holds a key of each sentence (``sentence_key``:
# equal sentences, equal keys) instead of the sentence itself, by the rows' index labels (the frame
# as read from its file, or rows of it): the dashboard leaves a million articles' sentences in
# their file and reads those it shows.
Sentences = typing.Callable[[np.ndarray], pd.Series]


def _sentence_column(mentions: pd.DataFrame, sentences: Sentences | None) -> None:
    if "sentence" not in mentions.columns and (sentences is None or "sentence_key" not in mentions.columns):
        raise ValueError(f"{_shared.STAGE}: mentions without their sentences need their sentence_key and a way to read "
                         "the sentences (sentences=)")


def actor_sentences(articles: pd.DataFrame, mentions: pd.DataFrame, actor_id: str,
                    memory: pd.DataFrame | None = None, sentences: Sentences | None = None,
                    with_titles: _shared.Titles | None = None) -> pd.DataFrame:
    """What each outlet wrote about one actor: every sentence naming it, as written.

    Needs: articles[article_id, source, language, published, url, title]; mentions[article_id,
    actor_id, surface, sentence]. Optional: ``memory``[source_text, translated_text] (the
    translation memory: sentences translated one by one) fills ``sentence_translated`` where a
    sentence was translated as a segment; an ``sentence_translated`` column in ``mentions`` is
    used as it is. Mentions without ``sentence`` need ``sentence_key`` and ``sentences``; articles
    without ``title`` and ``url`` need ``with_titles`` (those of the articles found are read).
    Returns, by source then newest first, one row per article and sentence: source, language,
    published, article_id, url, title, surface, sentence, sentence_translated (str; <NA> when not
    translated; present only when a memory or that column was given).
    """
    titled = _shared.titles_of(articles, ("article_id", "source", "language", "published", "url", "title"), with_titles)
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=_shared.STAGE)
    _sentence_column(mentions, sentences)
    found = actor_mentions(articles, mentions, actor_id)
    if "sentence" not in found.columns:
        found = found.assign(sentence=pd.Series(sentences(found.index.to_numpy()).to_numpy(), index=found.index, dtype="str"))
    keep = ["article_id", "surface", "sentence"] + (["sentence_translated"] if "sentence_translated" in found else [])
    found = found[keep].assign(sentence=found["sentence"].fillna(found["surface"]))
    found = found.drop_duplicates(["article_id", "sentence"])
    unique = articles.drop_duplicates("article_id")
    if "title" not in unique.columns:
        unique = titled(unique[_shared.isin(unique["article_id"], found["article_id"])])
    meta = unique.set_index("article_id")[["source", "language", "published", "url", "title"]]
    table = found.join(meta, on="article_id")
    if memory is not None and "sentence_translated" not in table:
        schema.require_columns(memory, ("source_text", "translated_text"), stage=_shared.STAGE)
        lookup = memory.drop_duplicates("source_text").set_index("source_text")["translated_text"]
        table["sentence_translated"] = table["sentence"].map(lookup).astype("string")
    columns = ["source", "language", "published", "article_id", "url", "title", "surface", "sentence"]
    columns += ["sentence_translated"] if "sentence_translated" in table else []
    table = table.sort_values(["source", "published"], ascending=[True, False], na_position="last")
    return table[columns].reset_index(drop=True)


class OutletPassages(typing.NamedTuple):
    """What ``outlet_passages`` gives."""

    per_outlet: pd.Series  # passages per source, most first (ties by source), as actor_sentences counts them
    shown: pd.DataFrame  # the passages to show side by side: actor_sentences' rows, plus field and start


def outlet_passages(articles: pd.DataFrame, mentions: pd.DataFrame, actor_id: str, outlets: int,
                    per_outlet: int, sentences: Sentences | None = None,
                    with_titles: _shared.Titles | None = None) -> OutletPassages:
    """How many passages about ``actor_id`` each outlet has, and the newest ``per_outlet`` of the
    ``outlets`` outlets with the most, without building every passage: actor_sentences copies the
    text of each of them (112k passages, 0.3-0.4 s at 100k articles) and a page shows 18.

    Needs: articles[article_id, source, language, published, url, title]; mentions[article_id,
    actor_id, field, start, surface, sentence]. ``shown`` has actor_sentences' columns (without
    sentence_translated) plus ``field`` and ``start``, which core.translate.translated.translated_passages needs; it
    lists the same passages as actor_sentences does for those outlets, in the same order. Mentions
    without ``sentence`` need ``sentence_key`` and ``sentences``: only the shown ones are read;
    articles without ``title`` and ``url``, ``with_titles``: only the shown ones' are read.
    """
    titled = _shared.titles_of(articles, ("article_id", "source", "language", "published", "url", "title"), with_titles)
    schema.require_columns(mentions, ("article_id", "actor_id", "field", "start", "surface"), stage=_shared.STAGE)
    _sentence_column(mentions, sentences)
    columns = ["source", "language", "published", "article_id", "url", "title", "surface", "sentence", "field", "start"]
    index = mention_index.of(mentions)
    # The first row of ``articles`` for each article code (actor_sentences keeps the first too).
    first_rows = mention_index.distinct_rows(articles)
    first_codes = index.article_codes(articles)[first_rows]
    article_row = np.full(len(index.articles), -1, dtype=np.int64)
    article_row[first_codes[first_codes >= 0]] = first_rows[first_codes >= 0]
    code = int(mention_index.positions(pd.Series([actor_id], dtype="string"), index.actors)[0])
    chosen = np.flatnonzero((index.mention_actor == code) & (article_row[index.mention_article] >= 0) & (code >= 0))
    if not len(chosen):
        dtypes = {c: "string" for c in columns} | {"published": schema.TIMESTAMP_DTYPE, "start": "int64"}
        return OutletPassages(pd.Series(dtype="int64", name="passages", index=pd.Index([], dtype="string", name="source")),
                              _shared.empty(columns, **dtypes))
    rows, row_of_article = index.rows(chosen), article_row[index.mention_article[chosen]]
    held = "sentence" in mentions.columns
    if held:
        sentence = mentions["sentence"].iloc[rows].reset_index(drop=True)
        sentence = sentence.fillna(mentions["surface"].iloc[rows].reset_index(drop=True))
    else:  # its key stands for it until the shown ones are read
        sentence = mentions["sentence_key"].iloc[rows].reset_index(drop=True)
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
    # Columns before rows: taking rows of the whole frame would copy every article's text too (a
    # frame without titles holds no texts: its rows are taken whole, for ``with_titles``).
    meta = ["source", "language", "published", "url", "title"]
    about = titled(articles.iloc[row_of_article[pick]] if "title" not in articles.columns
                   else articles[meta].iloc[row_of_article[pick]])[meta]
    said = schema.as_read(mentions[["article_id", "surface", "field", "start"]].iloc[rows[pick]])
    shown = pd.concat([about.reset_index(drop=True), said.reset_index(drop=True)], axis=1)
    if held:
        shown["sentence"] = sentence.iloc[pick].to_numpy()
    else:
        shown["sentence"] = sentences(said.index.to_numpy()).fillna(said["surface"].reset_index(drop=True)).to_numpy()
    return OutletPassages(passages, shown[columns])
