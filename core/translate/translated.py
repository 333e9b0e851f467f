"""Frames that join the stored translations to the articles, for the dashboard and the exports.

Pure functions of frames (``core.store`` reads them): an article's translation status in one
target language, the translated passage each mention sits in, and progress per language.
"""
from __future__ import annotations

import bisect

import numpy as np
import pandas as pd

from core import schema
from core.analysis import mention_index
from core.translate import segments

STATUS_TRANSLATED, STATUS_PENDING, STATUS_NOT_NEEDED = "translated", "pending", "not needed"


def with_translations(articles: pd.DataFrame, translations: pd.DataFrame, target: str) -> pd.DataFrame:
    """Articles with ``title_translated``, ``text_translated``, ``translation_status`` and
    ``translation_error`` for one target language.

    Needs: articles[article_id, language, title] (and text, else ``text_translated`` is left
    empty for the articles already in the target); translations[article_id, title, text, status, error]
    (``translation_memory.load_translations``). Status: "translated"; "not needed" when the article is already in
    the target language (its own title and text are then the translation); "pending" otherwise,
    with the last error when a run failed on it (<NA> when none was tried yet).
    """
    schema.require_columns(articles, ("article_id", "language", "title"), stage="translate")
    schema.require_columns(translations, ("article_id", "title", "text", "status", "error"), stage="translate")
    done = translations.rename(columns={"title": "title_translated", "text": "text_translated",
                                        "status": "_status", "error": "translation_error"})
    merged = articles.merge(done[["article_id", "title_translated", "text_translated", "_status", "translation_error"]],
                            on="article_id", how="left")
    same = merged["language"].fillna("").str.split("-").str[0] == target.split("-")[0]
    translated = merged["_status"].eq(STATUS_TRANSLATED).fillna(False).astype(bool)
    status = pd.Series(STATUS_PENDING, index=merged.index, dtype="string")
    status[translated] = STATUS_TRANSLATED
    status[same & ~translated] = STATUS_NOT_NEEDED
    merged["title_translated"] = merged["title_translated"].astype("string").where(~same, merged["title"])
    # Articles held without their texts (the dashboard's): the text of one already in the target
    # is read with its original text, when shown or exported.
    merged["text_translated"] = merged["text_translated"].astype("string").where(
        ~same, merged["text"] if "text" in merged.columns else pd.NA)
    merged.loc[~status.eq(STATUS_PENDING), "translation_error"] = pd.NA
    merged["translation_error"] = merged["translation_error"].astype("string")
    merged["translation_status"] = status
    return merged.drop(columns="_status")


def translated_passages(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    """For each mention, the translated passage it sits in: the translated title for a title
    mention, else the translated paragraph at the same position (translation keeps the paragraphs:
    see ``segments.article_segments``). <NA> while the article is not translated.

    Needs: mentions[article_id, field, start]; articles[article_id, text, title_translated,
    text_translated] (``with_translations``). Returns a string Series aligned on ``mentions``.
    """
    schema.require_columns(mentions, ("article_id", "field", "start"), stage="translate")
    schema.require_columns(articles, ("article_id", "text", "title_translated", "text_translated"), stage="translate")
    # Only the articles these mentions are in, and only those translated: a lookup per mention in
    # the whole corpus cost minutes on a large store.
    named = mention_index.positions(articles["article_id"], mentions["article_id"].drop_duplicates()) >= 0
    wanted = articles[named & articles["text_translated"].notna().to_numpy(dtype=bool)].drop_duplicates("article_id")
    texts = dict(zip(wanted["article_id"], wanted["text"]))
    titles = dict(zip(wanted["article_id"], wanted["title_translated"]))
    translated = dict(zip(wanted["article_id"], wanted["text_translated"]))
    paragraph_starts: dict[str, list[int]] = {}
    out = np.full(len(mentions), pd.NA, dtype=object)
    rows = np.flatnonzero(mention_index.positions(mentions["article_id"], wanted["article_id"]) >= 0)
    found = mentions.iloc[rows]
    for row, article_id, field, start in zip(rows, found["article_id"], found["field"], found["start"]):
        if field == "title":
            out[row] = titles[article_id]
            continue
        if article_id not in paragraph_starts:
            starts, offset = [], 0
            for paragraph in str(texts[article_id]).split(segments.PARAGRAPH_BREAK):
                if paragraph.strip():
                    starts.append(offset)
                offset += len(paragraph) + len(segments.PARAGRAPH_BREAK)
            paragraph_starts[article_id] = starts
            translated[article_id] = str(translated[article_id]).split(segments.PARAGRAPH_BREAK)
        index = max(0, bisect.bisect_right(paragraph_starts[article_id], int(start)) - 1)
        paragraphs = translated[article_id]
        out[row] = paragraphs[index] if index < len(paragraphs) else pd.NA
    return pd.Series(out, index=mentions.index, dtype="string")


def status_by_language(articles: pd.DataFrame) -> pd.DataFrame:
    """How far translation has come, one row per language (most articles first).

    Needs: articles[language, translation_status, translation_error] (``with_translations``).
    Returns: language ("unknown" where lingua could not tell), translated, pending, failed (pending
    with an error from the last run: also counted in pending), not needed, articles.
    """
    schema.require_columns(articles, ("language", "translation_status", "translation_error"), stage="translate")
    language = articles["language"].astype("string").fillna("unknown")
    counts = pd.crosstab(language, articles["translation_status"]).reindex(
        columns=[STATUS_TRANSLATED, STATUS_PENDING, STATUS_NOT_NEEDED], fill_value=0)
    failed = (articles["translation_status"].eq(STATUS_PENDING) & articles["translation_error"].notna()).groupby(language).sum()
    counts.insert(2, "failed", failed.reindex(counts.index, fill_value=0).astype("int64"))
    counts["articles"] = counts[[STATUS_TRANSLATED, STATUS_PENDING, STATUS_NOT_NEEDED]].sum(axis=1)
    counts = counts.rename_axis("language").reset_index().rename_axis(None, axis=1)
    return counts.sort_values(["articles", "language"], ascending=[False, True]).reset_index(drop=True)
