"""Actors and mentioned dates extracted for the stored articles: run after every ingest and by
``python -m core extract``, a page of articles per transaction, so that memory does not grow with
the store.

Mentions are stored as found in each article; discovered names are grouped into actors, and the
corrections applied, when they are read back (``frames``), so that a new article or a new
correction regroups the whole corpus without re-reading every article. A changed dictionary or
corrections file changes ``dictionary_version`` and makes every article due again.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import sqlalchemy as sa

from core import cluster
from core.errors import ClusterError
from core.store import extractions
from core.actors import actor_dictionary, discovery, finding, mentioned_dates

# Articles extracted per transaction, and the characters of text that end a page sooner. The
# words of a page are held until its last article is matched (a surname met in one article is
# looked for in the others), ~25 bytes a character: 2M characters is ~50 MB, 700 articles of 3 KB.
CHUNK = 1000
CHUNK_CHARS = 2_000_000


@dataclass
class ExtractionSummary:
    """What one ``run`` extracted: articles, actor mentions and mentioned dates (counting
    ``occurrences``)."""

    articles: int
    mentions: int
    dates: int

    def describe(self) -> str:
        return f"extracted {self.articles} article(s): {self.mentions} actor mention(s), {self.dates} mentioned date(s)"


def dictionary_version(directory: Path, corrections_file: Path | None) -> str:
    """A digest of the dictionary files and the corrections file: articles extracted with another
    version are due again."""
    digest = hashlib.sha256()
    paths = sorted(directory.glob("*.toml")) + ([corrections_file] if corrections_file and corrections_file.exists() else [])
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class _Page:
    """What one page of articles holds: its article ids, their mentions and mentioned dates."""
    article_ids: list[str]
    mentions: pd.DataFrame
    dates: pd.DataFrame


def _extract_page(page: pd.DataFrame, dictionary: actor_dictionary.Dictionary, known: dict[str, str]) -> _Page:
    """Mentions and mentioned dates of one page: a function of the page alone (and the surnames
    known before the run), so that it gives the same on a cluster's worker as here."""
    return _Page(list(page["article_id"]), finding.find_mentions(page, dictionary, known_surnames=known),
                 mentioned_dates.extract(page))


def _pages(engine: sa.Engine, pending: str | None) -> Iterator[pd.DataFrame]:
    after = None
    while True:
        page = extractions.due_articles(engine, pending, after, CHUNK, CHUNK_CHARS)
        if page.empty:
            return
        after = page["article_id"].iloc[-1]
        yield page


def run(engine: sa.Engine, dictionary: actor_dictionary.Dictionary, version: str, everything: bool = False,
        progress: Callable[[int, int], None] | None = None, cluster_pool: cluster.Pool | None = None) -> ExtractionSummary:
    """Extract actors and dates for the articles not yet extracted with this dictionary version
    (all of them with ``everything``), a page of ``CHUNK`` articles (at most ``CHUNK_CHARS``
    characters of text) per transaction, paged by article_id. The summary counts mentions, not
    rows (``occurrences``). With ``cluster_pool`` (``core.cluster.connect``) the pages are
    extracted on a Dask cluster's workers, a few ahead, and stored here in order, one transaction
    each as without it; a page whose task kills the workers it is given to stops the run with
    ``ClusterError`` (the pages before it are stored; ``extract`` continues after them)."""
    pending = None if everything else version
    total = extractions.count_due(engine, pending)
    known = discovery.known_surnames(extractions.discovered_name_keys(engine))
    done = mention_count = date_count = 0
    if cluster_pool is None:
        pages = (_extract_page(page, dictionary, known) for page in _pages(engine, pending))
    else:
        pages = cluster_pool.ordered(_extract_page, _pages(engine, pending), cluster_pool.share(dictionary), known)
    try:
        for page in pages:
            extractions.save_extraction(engine, page.article_ids, page.mentions, page.dates, version)
            done += len(page.article_ids)
            mention_count += int(page.mentions["occurrences"].sum())
            date_count += int(page.dates["occurrences"].sum())
            if progress:
                progress(min(done, total), max(total, done))
    except cluster.WorkerLost as err:
        raise ClusterError(cluster_pool.address, f"the workers extracting a page of articles after {done} were killed "
                                                 "by it, over and over (perhaps for lack of memory); those before it "
                                                 f"are stored; run `extract` again to continue ({' '.join(str(err).split())[:300]})") from None
    return ExtractionSummary(done, mention_count, date_count)
