"""The columns of the articles the server does not hold (``corpus.LEFT_IN_STORE``: texts and
provenance; ``corpus.LEFT_IN_FRAME``: titles and URLs), read for the rows a page shows or exports:
``with_titles`` from the articles' frame file by position, ``with_texts`` also from the store by id.
Each gives the rows as the frame held whole has them."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import config, schema
from core.store import database, frame_cache, frame_files, reads
from core.translate import translated
from ui.corpus import FRAME_ROW, LEFT_IN_FRAME, LEFT_IN_STORE, engine


def with_texts(chosen: pd.DataFrame) -> pd.DataFrame:
    """``chosen`` (rows of ``corpus.current().articles``) with their titles and URLs (``with_titles``),
    their texts and provenance read from the store, and the text of those already in the target
    language as their translation: for the articles a page shows whole or exports."""
    chosen = with_titles(chosen)
    missing = [name for name in LEFT_IN_STORE if name not in chosen.columns]
    if not missing:
        return chosen
    out = _with_columns(chosen, _by_id(chosen, missing))
    if "text" in missing and "text_translated" in out.columns:
        same = out["translation_status"].eq(translated.STATUS_NOT_NEEDED).fillna(False).to_numpy(dtype=bool)
        out["text_translated"] = out["text_translated"].where(~same, out["text"])
    return out


def with_titles(chosen: pd.DataFrame) -> pd.DataFrame:
    """``chosen`` (rows of ``corpus.current().articles``, of a selection of it, or of ``corpus.articles()``), in
    its order and index, with the title and URL of each article, as the frame held whole has them:
    read from the articles' frame file at their positions, only the row groups holding them (a
    page's 15 newest: a few milliseconds), or, when that file is no longer the store's (a write
    since the frame was read), from the store by id."""
    if FRAME_ROW not in chosen.columns:
        return chosen
    eng = engine()
    path = frame_cache.entry_file(config.frames_cache_dir(str(eng.url)), "articles", str(database.revision(eng)), "articles")
    try:
        found = frame_files.read_columns(path, ["article_id", *LEFT_IN_FRAME], chosen[FRAME_ROW].to_numpy())
        if np.array_equal(found.pop("article_id").to_numpy(), chosen["article_id"].to_numpy()):
            return _with_columns(chosen, {name: found[name].set_axis(chosen.index) for name in LEFT_IN_FRAME})
    except FileNotFoundError:  # removed when the next revision's frames were written
        pass
    return _with_columns(chosen, _by_id(chosen, list(LEFT_IN_FRAME)))


def _by_id(chosen: pd.DataFrame, columns: list[str]) -> dict[str, pd.Series]:
    """``columns`` of the articles of ``chosen`` read from the store, each on ``chosen``'s index."""
    stored = reads.article_columns(engine(), chosen["article_id"], columns).drop_duplicates("article_id").set_index("article_id")
    return {name: chosen["article_id"].map(stored[name]).astype(stored[name].dtype) for name in columns}


def _with_columns(chosen: pd.DataFrame, found) -> pd.DataFrame:
    """``chosen`` with the columns ``found`` (Series on its index, by name) and without its position
    in the frame file, its columns in the order of the frame held whole."""
    out = chosen.drop(columns=FRAME_ROW, errors="ignore").assign(**found)
    return out[[*[c for c in schema.ARTICLE_COLUMNS if c in out.columns], *[c for c in out.columns if c not in schema.ARTICLE_COLUMNS]]]
