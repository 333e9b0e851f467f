"""The full-text index of the stored articles: SQLite FTS5 (built into Python's sqlite3), kept
beside the store with the dashboard's frames under the store's revision (``frame_cache.entry``),
so that a text query looks its words up instead of scanning every text (a scan of a million 3 KB
texts reads 3 GB; a lookup reads a few pages of the index).

What each article is indexed as, and how a word is asked for, is the analysis stage's
(``core.analysis.indexed_search``): this module is given them (``write``'s ``documents``, the
``lookup``'s FTS5 query) and keeps only the file. The index is contentless (``content=''``):
it holds the tokens, not a second copy of the texts.
"""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from core.store import frame_files

INDEX_FILE = "text.sqlite"
# Articles folded and inserted at a time: the folding holds ~6 copies of a batch's texts as Python
# strings (2-4 bytes a character outside Latin): 10k texts of 3 KB took 550 MB, 2k take ~110 MB.
BATCH_ROWS = 2_000


def write(articles_file: Path, folder: Path, documents: Callable[[list, list], tuple[list[str], list[str]]]) -> int:
    """Index the titles and texts of the articles Parquet file ``articles_file`` (read a batch at a
    time) into ``folder``/INDEX_FILE; returns the articles indexed. ``documents(titles, texts)``
    gives each article's (doc, extra) columns."""
    path = folder / INDEX_FILE
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        # No journal: the file is written once, in a folder that becomes the entry only when whole.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("CREATE TABLE ids (rowid INTEGER PRIMARY KEY, article_id TEXT NOT NULL)")
        # Tokens are split by unicode61 on spaces and punctuation; the documents come folded
        # (case, diacritics), so the tokenizer removes nothing itself.
        connection.execute("CREATE VIRTUAL TABLE words USING fts5(doc, extra, content='', "
                           "tokenize='unicode61 remove_diacritics 0')")
        done = 0
        for batch in frame_files.arrow_batches(articles_file, BATCH_ROWS, ["article_id", "title", "text"]):
            ids, titles, texts = (batch.column(name).to_pylist() for name in ("article_id", "title", "text"))
            docs, extras = documents(titles, texts)
            rows = range(done + 1, done + 1 + len(ids))
            connection.executemany("INSERT INTO ids (rowid, article_id) VALUES (?, ?)", zip(rows, ids))
            connection.executemany("INSERT INTO words (rowid, doc, extra) VALUES (?, ?, ?)", zip(rows, docs, extras))
            done += len(ids)
        connection.execute("INSERT INTO words (words) VALUES ('optimize')")
        connection.commit()
    finally:
        connection.close()
    return done


@contextlib.contextmanager
def _reading(folder: Path) -> Iterator[sqlite3.Connection]:
    # A connection per lookup: pages run in several threads, and opening the file costs ~0.1 ms.
    connection = sqlite3.connect(f"file:{folder / INDEX_FILE}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def lookup(folder: Path, match: str) -> np.ndarray:
    """The ids of the articles whose index entry matches the FTS5 query ``match``."""
    with _reading(folder) as connection:
        found = connection.execute("SELECT ids.article_id FROM words JOIN ids ON ids.rowid = words.rowid "
                                   "WHERE words MATCH ?", (match,)).fetchall()
    return np.array([row[0] for row in found], dtype=object)


def entries(folder: Path, match: str) -> np.ndarray:
    """The numbers of the index entries (``article_ids``' positions) matching the FTS5 query
    ``match``: no article id read, nor made a Python string (a word found in 300k of 1M articles
    took 0.2 s of joining and fetching ids, and as long again to compare them with the frame's)."""
    with _reading(folder) as connection:
        found = connection.execute("SELECT rowid FROM words WHERE words MATCH ?", (match,)).fetchall()
    # Rowids are numbered from 1 in the order the articles were indexed (``write``).
    return np.fromiter((row[0] for row in found), dtype=np.int64, count=len(found)) - 1


def article_ids(folder: Path) -> list[str]:
    """The article id of every index entry, in the order ``entries`` numbers them."""
    with _reading(folder) as connection:
        return [row[0] for row in connection.execute("SELECT article_id FROM ids ORDER BY rowid")]
