"""Actors and mentioned dates extracted for the stored articles: run after every ingest and by
``python -m core extract``, a page of articles per transaction, so that memory does not grow with
the store.

Mentions are stored as found in each article; discovered names are grouped into actors, and the
corrections applied, when they are read back (``frames``), so that a new article or a new
correction regroups the whole corpus without re-reading every article. A changed dictionary or
corrections file changes ``dictionary_version`` and makes every article due again.
"""
from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from core import cluster
from core.errors import ClusterError
from core.store import extractions
from core.actors import actor_dictionary, corrections, dictionary_changes, discovery, finding, lookup, mentioned_dates

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
class PageExtraction:
    """What ``extract_page`` found in one page of articles."""

    mentions: pd.DataFrame
    dates: pd.DataFrame


# The dictionary a worker process extracts with, under the token of the run that sent it. The
# matcher's indexes (``lookup.for_language``) are built once per dictionary object, ~0.5 s a
# language: a copy unpickled with every page would build them again for every page. Local
# workers are forked with it in place, its indexes built (``_forked_pool``), and are sent none.
_DICTIONARY: dict[str, actor_dictionary.Dictionary] = {}


def extract_page(page: pd.DataFrame, dictionary: actor_dictionary.Dictionary, known: set[str],
                 token: str | None = None) -> PageExtraction:
    """Actor mentions and mentioned dates of one page of articles: the work of a worker process
    (a module-level function, so that it pickles by name for any ``concurrent.futures`` executor).
    Pages sent with the same ``token`` share the first copy of the dictionary that arrived."""
    if token is not None:
        if token not in _DICTIONARY:
            _DICTIONARY.clear()
            _DICTIONARY[token] = dictionary
        dictionary = _DICTIONARY[token]
    if dictionary is None:
        raise ValueError("extract_page: no dictionary sent, and none inherited under this token")
    return PageExtraction(finding.find_mentions(page, dictionary, known_surnames=known), mentioned_dates.extract(page))


def run(engine: sa.Engine, dictionary: actor_dictionary.Dictionary, version: str, everything: bool = False,
        progress: Callable[[int, int], None] | None = None, jobs: int | None = None,
        executor: Executor | None = None, only_affected: bool = False,
        cluster_pool: cluster.Pool | None = None) -> ExtractionSummary:
    """Extract actors and dates for the articles not yet extracted with this dictionary version
    (all of them with ``everything``), a page of ``CHUNK`` articles (at most ``CHUNK_CHARS``
    characters of text) per transaction, paged by article_id. The summary counts mentions, not
    rows (``occurrences``).

    Pages are extracted by ``executor`` when given (any ``concurrent.futures.Executor``), else
    by ``jobs`` worker processes (default: one per core when at least ``MIN_ARTICLES_FOR_WORKERS``
    are due), at most ``PAGES_AHEAD`` pages ahead of the one this process stores; each page is
    extracted as it would be here, so the result does not depend on where it ran.

    With ``only_affected``, articles extracted with an earlier version whose dictionary snapshot
    the store keeps are due only where a changed alias could be matched (``dictionary_changes``);
    the others keep their mentions under this version. The snapshot of this dictionary is kept
    for the next change.

    With ``cluster_pool`` (``core.cluster.connect``) the pages are extracted on a Dask cluster's
    workers instead, a few ahead, and stored here in order, one transaction each as without it; a
    page whose task kills the workers it is given to stops the run with ``ClusterError`` (the pages
    before it are stored; ``extract`` continues after them)."""
    pending = None if everything else version
    current = dictionary_changes.snapshot(dictionary)
    if only_affected and not everything:
        _carry_over(engine, current, version)
    total = extractions.count_due(engine, pending)
    known = discovery.known_surnames(extractions.discovered_name_keys(engine))
    if executor is None and jobs is None:
        jobs = (os.cpu_count() or 1) if total >= MIN_ARTICLES_FOR_WORKERS else 1
    done = mention_count = date_count = 0
    with contextlib.ExitStack() as stack:
        if cluster_pool is not None:
            extracted = _on_cluster(_pages(engine, pending), dictionary, known, cluster_pool)
        else:
            token = None
            if executor is None and jobs > 1:
                executor, token = _forked_pool(jobs, dictionary, extractions.due_languages(engine, pending))
                stack.callback(_DICTIONARY.pop, token, None)
                stack.callback(executor.shutdown, wait=True, cancel_futures=True)
            extracted = _extracted(_pages(engine, pending), dictionary, known, executor, token)
        try:
            for page, found in extracted:
                extractions.save_extraction(engine, list(page["article_id"]), found.mentions, found.dates, version)
                done += len(page)
                mention_count += int(found.mentions["occurrences"].sum())
                date_count += int(found.dates["occurrences"].sum())
                if progress:
                    progress(min(done, total), max(total, done))
        except cluster.WorkerLost as err:
            raise ClusterError(cluster_pool.address, f"the workers extracting a page of articles after {done} were "
                               "killed by it, over and over (perhaps for lack of memory); those before it are "
                               f"stored; run `extract` again to continue ({' '.join(str(err).split())[:300]})") from None
    extractions.save_dictionary_snapshot(engine, version, current.dumps())
    return ExtractionSummary(done, mention_count, date_count)


def _carry_over(engine: sa.Engine, current: dictionary_changes.Snapshot, version: str) -> None:
    """Articles extracted with an earlier, snapshotted version and holding no changed alias are
    marked extracted with ``version``; the rest stay due."""
    for old in extractions.extracted_versions(engine):
        kept = extractions.dictionary_snapshot(engine, old) if old != version else None
        changed = dictionary_changes.changed_aliases(dictionary_changes.Snapshot.loads(kept), current) if kept else None
        if changed is not None:
            extractions.carry_over(engine, old, version, corrections.alias_articles(engine, changed) if changed else [])


# Extraction is worth worker processes (forked in ~0.1 s, with the dictionary and its indexes)
# from about two pages of articles on.
MIN_ARTICLES_FOR_WORKERS = 2 * CHUNK
# Pages extracted ahead of the one being stored: enough to keep two workers busy while a page is
# stored, few enough that memory stays a handful of pages (~50 MB each at CHUNK_CHARS).
PAGES_AHEAD = 4


def _forked_pool(jobs: int, dictionary: actor_dictionary.Dictionary,
                 languages: list[str | None]) -> tuple[Executor, str | None]:
    """Local worker processes for ``jobs`` and the token they find the dictionary under. Where
    processes are forked, the matcher's indexes of ``languages`` are built here first and the
    workers inherit them: each worker built its own (~5 s for nine languages, the CPU of the
    other pages' matching), and a 2 MB dictionary was pickled with every page. Elsewhere (spawned
    workers) the token is None: the dictionary goes with the pages, as to any executor."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return cluster.process_pool(jobs), None
    for language in languages:
        lookup.for_language(dictionary, language)
    token = uuid.uuid4().hex
    _DICTIONARY[token] = dictionary  # before the pool forks its workers, at its first page
    return cluster.process_pool(jobs), token


def _pages(engine: sa.Engine, pending: str | None) -> Iterator[pd.DataFrame]:
    after = None
    while True:
        page = extractions.due_articles(engine, pending, after, CHUNK, CHUNK_CHARS)
        if page.empty:
            return
        after = page["article_id"].iloc[-1]
        yield page


def _on_cluster(pages: Iterator[pd.DataFrame], dictionary, known: set[str],
                cluster_pool: cluster.Pool) -> Iterator[tuple[pd.DataFrame, PageExtraction]]:
    """Each page with what a cluster's worker found in it, in order. The dictionary is sent to
    every worker once (``Pool.share``), so each builds its matcher's indexes once per run."""
    taken: collections.deque = collections.deque()

    def taking() -> Iterator[pd.DataFrame]:
        for page in pages:
            taken.append(page)  # submitted in this order, so the results come back in it
            yield page

    for found in cluster_pool.ordered(extract_page, taking(), cluster_pool.share(dictionary), known):
        yield taken.popleft(), found


def _extracted(pages: Iterator[pd.DataFrame], dictionary, known: set[str], executor: Executor | None,
               inherited: str | None = None) -> Iterator[tuple[pd.DataFrame, PageExtraction]]:
    """Each page with what was found in it, in order. A page whose worker died (a process killed
    for memory breaks a process pool) is extracted again in this process. ``inherited``: the
    token the executor's (forked) workers hold the dictionary under, which is then not sent."""
    if executor is None:
        for page in pages:
            yield page, extract_page(page, dictionary, known)
        return
    ahead: collections.deque = collections.deque()
    broken, token = False, inherited or uuid.uuid4().hex
    sent = None if inherited else dictionary
    for page in itertools.chain(pages, [None]):
        if page is not None:
            future = None
            if not broken:
                try:
                    future = executor.submit(extract_page, page, sent, known, token)
                except BrokenProcessPool:
                    broken = True
            ahead.append((page, future))
        while ahead and (page is None or len(ahead) >= PAGES_AHEAD):
            earliest, future = ahead.popleft()
            found = None
            if future is not None:
                try:
                    found = future.result()
                except BrokenProcessPool:
                    broken = True
            yield earliest, found if found is not None else extract_page(earliest, dictionary, known)
