"""The text query of the filter bar answered by a full-text index instead of a scan of every text:
what the index is given for each article (``document``) and what it is asked for each word or
phrase (``match``), so that it finds what ``text_search`` finds.

The index itself (SQLite FTS5, ``core.store.text_index``) only splits on spaces and punctuation and
compares tokens, so the rules of ``text_search`` are applied on both sides here:

- case, diacritics, vowel marks and the Arabic letter variants: the document is folded as a query
  word is (``text_search.fold``);
- scripts written without spaces (Chinese, Japanese, Thai, ...), where a word matches anywhere:
  each of their letters is made a token of its own, and a word of theirs is asked as the phrase of
  its letters;
- the one-letter words and the article Arabic and Hebrew write onto the next word ("وإيران",
  "באיראן"): every such word is also given without them, in a second column (``extra``) that a
  single word is looked up in too. A phrase is looked up in the text as written only, so a phrase
  whose first word carries such a prefix is not found ("وإيران وروسيا" for "إيران وروسيا"): the one
  difference from the scan, for phrases only.
"""
from __future__ import annotations

import functools
import re
import weakref
from typing import Callable

import numpy as np
import pandas as pd

from core.analysis import text_search

# Python forms of text_search's patterns for the words written onto the next one.
_ARABIC_ATTACHED = re.compile("[\u0648\u0641]?[\u0628\u0644\u0643]?(?:\u0627\u0644|\u0644\u0644)?")
_HEBREW_ATTACHED = re.compile("[\u05d5\u05d1\u05dc\u05de\u05e9\u05db\u05d4]{0,3}")
_ATTACHING_WORD = re.compile("[\u0600-\u06ff\u0590-\u05ff]{2,}")
_NO_SPACES = re.compile(text_search._NO_SPACES.pattern)
_WORD = text_search._WORD


def documents(titles: list, texts: list) -> tuple[list[str], list[str]]:
    """(doc, extra) of each article for the index: its folded title and text (a letter a token in
    the scripts without spaces), and the words it carries with a prefix written on, without it."""
    folded = text_search.fold_all([f"{title or ''}\n{text or ''}" for title, text in zip(titles, texts)])
    docs = [_NO_SPACES.sub(r" \g<0> ", doc) if _NO_SPACES.search(doc) else doc for doc in folded]
    extras = [" ".join(variant for word in set(_ATTACHING_WORD.findall(doc)) for variant in _without_prefixes(word))
              for doc in docs]
    return docs, extras


@functools.lru_cache(maxsize=200_000)
def _without_prefixes(word: str) -> tuple[str, ...]:
    attached = _ARABIC_ATTACHED if "\u0600" <= word[0] <= "\u06ff" else _HEBREW_ATTACHED
    return tuple(word[cut:] for cut in range(1, min(len(word) - 1, 5) + 1) if attached.fullmatch(word[:cut]))


def match(term: text_search.Term) -> str:
    """The FTS5 query of one word or phrase (``text_search.Term``): its folded words, a letter a
    token in scripts without spaces, as one phrase; a single word also in the ``extra`` column."""
    tokens = [token for word in term.words for token in _WORD.findall(_NO_SPACES.sub(r" \g<0> ", word))]
    phrase = '"' + " ".join(token.replace('"', '""') for token in tokens) + '"'
    return f"{{doc extra}} : {phrase}" if len(tokens) == 1 else f"doc : {phrase}"


def bound(articles: pd.DataFrame, entry_ids: list[str], entries: Callable[[str], np.ndarray]) -> text_search.RowLookup:
    """The index's lookup bound to ``articles``: ``entries(match)`` gives the numbers of the index
    entries an FTS5 query matches, ``entry_ids`` the article id of each number. Each entry's row
    in the frame is found once here (4 bytes an article), so that a lookup is numbers only."""
    frame_ids, frame = pd.Index(articles["article_id"]), weakref.ref(articles)
    if frame_ids.is_unique:
        # The entries' ids in the frame's own string dtype: compared in C, not as Python objects.
        same = object if isinstance(frame_ids.dtype, pd.CategoricalDtype) else frame_ids.dtype
        position = frame_ids.get_indexer(pd.Index(entry_ids, dtype=same)).astype(np.int32)

        def rows(term: text_search.Term) -> np.ndarray:
            found = position[entries(match(term))]
            return found[found >= 0]
    else:  # an id on several rows: each of them is found, as matching by id finds them
        ids = np.asarray(entry_ids, dtype=object)

        def rows(term: text_search.Term) -> np.ndarray:
            return np.flatnonzero(frame()["article_id"].isin(ids[entries(match(term))]).to_numpy(dtype=bool))
    return text_search.RowLookup(rows, frame)
