"""Ingest: files, folders and globs in; articles in the store out.

    walk → read by format (delimited, json_records, documents) → clean (clean: scraped_text,
    html_text, language, published_dates) → fingerprint (dedup) → deduplicate and store
    (core.store); prepare runs the reading and cleaning, in worker processes on large ingests

Small single-article files are stored whole, several to a transaction. A large export (CSV, TSV,
JSON, JSONL) is committed in chunks as it is read, each chunk recording how far into the file it
got: what was reported stored stays stored, and a re-run of the same bytes continues after the last
chunk without reading its items again into the cleaning step. A file is done only after its last
chunk. An unchanged, finished file (same size and modification time, or the same bytes) is
skipped, so a re-run costs a stat call per file and changes nothing.

A file that cannot be read or cleaned, whatever the reason (a library's internal error, a
``RecursionError``, a worker process killed for memory), is rejected with a one-line reason and
the batch goes on. A store that cannot take a write (busy with another writer past the wait, a
full disk) stops the batch with one line naming the store and the file; the summary says what was
stored, which file was interrupted and how many were not attempted.
"""
from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from tqdm import tqdm

from core import cluster, config
from core.store import ingested
from core.errors import ClusterError, StoreError
from core.ingest import prepare, raw_record, scraped_text, walk, workers


@dataclasses.dataclass
class IngestSummary:
    files: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    unchanged: int = 0
    skipped: list[str] = dataclasses.field(default_factory=list)
    hidden: int = 0  # files and folders whose names start with a dot, left alone
    problems: list[str] = dataclasses.field(default_factory=list)
    # Set when the store could not take a write and the batch stopped: the error (one line), the
    # files whose transaction it rolled back, and how many files were not tried at all.
    stopped: StoreError | ClusterError | None = None
    interrupted: list[str] = dataclasses.field(default_factory=list)
    interrupted_items: int = 0  # of an interrupted export: its first items, stored by committed chunks
    not_attempted: int = 0

    @property
    def exit_code(self) -> int:
        if self.stopped is not None:
            return self.stopped.exit_code
        return 1 if self.problems else 0

    def describe(self) -> str:
        parts = [f"{self.files} file(s): {self.stored} article(s) stored, {self.duplicates} merged as duplicates, "
                 f"{self.rejected} rejected"]
        if self.unchanged:
            parts.append(f"{self.unchanged} file(s) unchanged since the last ingest, skipped")
        if self.skipped:
            parts.append(f"{len(self.skipped)} file(s) in other formats left alone")
        if self.hidden:
            parts.append(f"{self.hidden} hidden file(s) or folder(s) (names starting with '.') left alone")
        if self.stopped is not None:
            others = len(self.interrupted) - 1
            parts.append((f"stopped while storing {self.interrupted[0] if self.interrupted else 'the store'}"
                          if self.interrupted or isinstance(self.stopped, StoreError)
                          else "stopped: the Dask cluster lost the work in flight (nothing of it was stored)")
                         + (f" (and {others} other file(s) of the same transaction, not stored)" if others > 0 else "")
                         + (f" (its items 1-{self.interrupted_items} are stored; a re-run continues after them)"
                            if self.interrupted_items else "")
                         + f"; {self.not_attempted} file(s) not attempted")
        return "; ".join(parts)


def ingest(
    engine: sa.Engine,
    paths: Iterable[str | Path],
    *,
    lexicon: scraped_text.Lexicon | None = None,
    source: str | None = None,
    force: bool = False,
    jobs: int | None = None,
    progress: bool | None = None,
    on_file: Callable[[int, int, str, str], None] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    roots: list[Path] | None = None,
    cluster_pool: cluster.Pool | None = None,
) -> IngestSummary:
    """Ingest files, folders and globs into the store; returns what happened.

    ``source`` names the outlet for every article (otherwise the input's own source field, the
    feed or site name, or the folder a file sits in). ``force`` re-reads unchanged files.
    ``jobs`` worker processes clean single-article files, and the records of exports, while this
    process reads and stores them (default: one per core when there are enough files, or export
    bytes, to repay starting them). ``progress`` shows a
    progress bar (None: only on a terminal); ``on_file(done, total, path, outcome)`` is called
    after each file's transaction has ended, and after each committed chunk of a large export
    (with ``done`` unchanged), so what it reports is durable. With ``cluster_pool``
    (``core.cluster.connect``) the files and the rows of exports are cleaned on a Dask cluster's
    workers instead, whatever their number; this process still stores them, in the same transactions.

    A store that cannot take a write (``StoreBusy``, ``StoreWriteError``) stops the batch: the
    summary's ``stopped`` holds the error, ``interrupted`` the files whose transaction it rolled
    back, ``not_attempted`` the count of files not tried. A cluster that fails (``ClusterError``)
    stops it in the same way.
    """
    lexicon = lexicon or scraped_text.Lexicon.load(config.BOILERPLATE_FILE)
    max_bytes = config.max_document_bytes()
    paths = list(paths)
    # A first walk counts the files for the progress bar; the second feeds the work.
    total, hidden, skipped, problems = 0, 0, [], []
    for kind, value in walk.walk(paths, unique=True, roots=roots):
        if kind == "file":
            total += 1
        elif kind == "hidden":
            hidden += 1
        else:
            (skipped if kind == "skipped" else problems).append(value)
    summary = IngestSummary(files=total, skipped=skipped, hidden=hidden, problems=problems)
    bar = tqdm(total=total, unit="file", disable=(not progress) if progress is not None else None, leave=False)
    done = 0

    def report(path: str, outcome: str) -> None:
        nonlocal done
        done += 1
        bar.update(1)
        if on_file:
            on_file(done, total, path, outcome)

    def report_chunk(path: str, outcome: str) -> None:
        if on_file:
            on_file(done, total, path, outcome)

    streamed: list[str] = []  # exports are stored one by one after the small files
    storing: list[str] = []  # the files of the transaction under way, for the summary if it fails

    def changed_small_files() -> Iterator[str]:
        for some in _chunks(walk.unique_files(paths, roots), KNOWN_FILES_AT_ONCE):
            known_files = {} if force else ingested.known_files(engine, some)
            for path in some:
                try:
                    stat = os.stat(path)
                except OSError as err:  # gone or unreadable since the walk counted it
                    summary.rejected += 1
                    summary.problems.append(f"{path}: cannot be read ({err.strerror or err})")
                    report(path, "rejected: cannot be read")
                    continue
                known = known_files.get(path)
                if known and known.complete and (known.state.size, known.state.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                    report(path, _unchanged(known, summary))
                elif _is_streamed(Path(path)):
                    streamed.append(path)
                else:
                    yield path

    pending = changed_small_files()
    # Workers are only worth starting for many changed files; look ahead that far, no further.
    ahead = list(itertools.islice(pending, MIN_FILES_FOR_WORKERS))
    streamed_jobs = jobs
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(ahead) >= MIN_FILES_FOR_WORKERS else 1
    try:
        with workers.Workers(jobs, cluster_pool) as pool:
            groups = _chunks(itertools.chain(ahead, pending), GROUP_FILES)
            for group in pool.prepare(groups, source, lexicon, max_bytes):
                storing[:] = [prepared.path for prepared in group]
                for path, outcome in _store_group(engine, group, force, clock, summary):
                    report(path, outcome)
                storing.clear()  # stored: a cluster failing while the next group is cleaned did not interrupt it
        # On a cluster the exports' records are cleaned by its workers: no local ones are started.
        local_jobs = 1 if cluster_pool else streamed_jobs if streamed_jobs is not None else _streamed_jobs(streamed)
        with workers.Workers(local_jobs) as pool:
            for path in streamed:
                storing[:] = [path]
                report(path, _store_streamed(engine, Path(path), source, lexicon, max_bytes, clock, summary, force,
                                             lambda outcome, path=path: report_chunk(path, outcome), pool,
                                             cluster_pool))
        storing.clear()
    except (StoreError, ClusterError) as err:
        summary.stopped = err
        summary.interrupted = list(storing)
        summary.not_attempted = max(0, total - done - len(storing))
    finally:
        bar.close()
    return summary


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# Files whose record in the store is read in one query when deciding which changed.
KNOWN_FILES_AT_ONCE = 500
# Groups of this many files are cleaned together (one frame each).
GROUP_FILES = 32
# Starting a worker costs about 2 s (it loads the language models): not worth it for a handful of files.
MIN_FILES_FOR_WORKERS = 200
_STREAMED = {"csv", "tsv", "json", "jsonl"}


# Exports of fewer bytes than this, together, are cleaned in this process: about 300 articles of
# 3 KB, a few seconds of cleaning, against the two seconds a worker costs to start.
MIN_BYTES_FOR_WORKERS = 1 << 20


def _streamed_jobs(paths: list[str]) -> int:
    """Worker processes for the exports: one per core when they are large enough to repay them."""
    if not paths:
        return 1
    size = 0
    for path in paths:
        try:
            size += os.stat(path).st_size
        except OSError:  # gone since the walk: _store_streamed rejects it with the reason
            continue
    return (os.cpu_count() or 1) if size >= MIN_BYTES_FOR_WORKERS else 1


def _is_streamed(path: Path) -> bool:
    return raw_record.EXTENSIONS.get(path.suffix.lower()) in _STREAMED


def _unchanged(known: dict, summary: IngestSummary) -> str:
    summary.unchanged += 1
    if known.rejected:
        summary.problems.append(f"{known.path}: unchanged since the last ingest, which rejected "
                                f"{known.rejected} item(s): {known.message}")
    return "unchanged"


def _store_group(engine, group: list[prepare.Prepared], force: bool, clock, summary: IngestSummary) -> list[tuple[str, str]]:
    """Store a group of prepared files in one transaction; returns (path, outcome) per file."""
    outcomes: dict[str, str] = {}
    to_store: list[ingested.FileInput] = []
    for prepared in group:
        if prepared.state is None:  # vanished or unreadable before it could even be looked at
            summary.rejected += 1
            summary.problems.append(f"{prepared.path}: {prepared.problem}")
            outcomes[prepared.path] = f"rejected: {prepared.problem}"
            continue
        known = None if force else ingested.known_file(engine, prepared.path)
        if known and known.complete and known.state.sha256 == prepared.state.sha256:
            # Touched but not changed: remember the new modification time, so the next run needs only a stat.
            ingested.touch_file(engine, prepared.path, prepared.state)
            outcomes[prepared.path] = _unchanged(known, summary)
        else:
            to_store.append(ingested.FileInput(prepared.path, prepared.state, [prepared.rows or []], prepared.problem))
    for file, result in zip(to_store, ingested.save_files(engine, to_store, clock()) if to_store else []):
        outcomes[file.path] = _tally(file.path, result, summary)
    return [(prepared.path, outcomes[prepared.path]) for prepared in group]


def _store_streamed(engine, path: Path, source, lexicon, max_bytes, clock, summary: IngestSummary, force: bool,
                    report_chunk: Callable[[str], None], pool: workers.Workers,
                    cluster_pool: cluster.Pool | None = None) -> str:
    """Store an export in chunks, continuing an unfinished earlier run on the same bytes."""
    key = str(path)
    try:
        state = prepare.file_state(key)
    except OSError as err:
        summary.rejected += 1
        summary.problems.append(f"{key}: cannot be read ({err.strerror or err})")
        return "rejected: cannot be read"
    known = None if force else ingested.known_file(engine, key)
    resume = None
    if known and known.state.sha256 == state.sha256:
        if known.complete:
            ingested.touch_file(engine, key, state)
            return _unchanged(known, summary)
        resume = known

    durable = ingested.FileResult()  # what the committed chunks hold, should a later chunk fail

    def committed(result: ingested.FileResult, items_done: int) -> None:
        durable.stored, durable.duplicates, durable.rejected = result.stored, result.duplicates, result.rejected
        durable.rejections = result.rejections[:]
        durable.items = items_done
        report_chunk(f"items 1-{items_done} committed (this run so far: {result.stored} stored, "
                     f"{result.duplicates} merged as duplicates, {result.rejected} rejected); continuing")

    skip = (resume.items_done or 0) if resume else 0

    def clean(raw_batches):
        if cluster_pool is not None:
            return prepare.cleaned_on_cluster(raw_batches, path, source, lexicon, cluster_pool)
        return pool.prepare_records(raw_batches, source, lexicon)

    try:
        result = ingested.save_file(engine, key, prepare.streamed_batches(path, source, lexicon, max_bytes, skip, clean), state, clock(),
                                 resume=resume, on_commit=committed)
    except (StoreError, ClusterError):
        _tally(key, durable, summary)
        summary.interrupted_items = durable.items or skip
        raise
    outcome = _tally(key, result, summary)
    return f"continued after item {skip}: {outcome}" if skip else outcome


def _tally(key: str, result: ingested.FileResult, summary: IngestSummary) -> str:
    summary.stored += result.stored
    summary.duplicates += result.duplicates
    summary.rejected += result.rejected
    for item, problem in result.rejections:
        summary.problems.append(f"{key}: {item}: {problem}" if item else f"{key}: {problem}")
    whole_file = [problem for item, problem in result.rejections if item is None]
    counts = (f"stored {result.stored}, merged {result.duplicates} duplicate(s)"
              + (f", rejected {result.rejected} item(s)" if result.rejected else ""))
    if whole_file:
        return f"rejected: {whole_file[0]}" + (f" ({counts} before it)" if result.stored or result.duplicates else "")
    return counts
