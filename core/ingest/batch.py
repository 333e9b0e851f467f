"""Ingest: files, folders and globs in; articles in the store out.

    read → decode → parse by format (core.formats) → clean, language, date (core.clean)
         → fingerprint (core.dedup) → deduplicate and store (core.store)

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

import collections
import dataclasses
import glob
import hashlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from tqdm import tqdm

from core import config, schema, store
from core.ingest import dedup, inbox, language, raw_record, scraped_text
from core.errors import InputError, StoreError

# Records cleaned together: large enough that per-batch overhead is small, small enough that a
# streamed export never holds more than this many articles in memory.
BATCH_RECORDS = 256


# The reason given for a file whose reading or cleaning failed unexpectedly is cut to this length:
# an exception's text can quote the input at length.
MAX_REASON_CHARS = 300


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
    stopped: StoreError | None = None
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
            parts.append(f"stopped while storing {self.interrupted[0] if self.interrupted else 'the store'}"
                         + (f" (and {others} other file(s) of the same transaction, not stored)" if others > 0 else "")
                         + (f" (its items 1-{self.interrupted_items} are stored; a re-run continues after them)"
                            if self.interrupted_items else "")
                         + f"; {self.not_attempted} file(s) not attempted")
        return "; ".join(parts)


def _walk(paths: Iterable[str | Path], unique: bool = False, roots: list[Path] | None = None) -> Iterator[tuple[str, str]]:
    """``("file", path)``, ``("skipped", path)``, ``("hidden", path)`` or ``("problem", message)``
    for every argument,
    lazily and in a stable order (a folder's entries sorted, one folder at a time), so that a
    million-file tree is never listed in memory at once. With ``unique``, a file reached twice
    (a folder and a glob inside it) comes once; only an 8-byte digest per path is remembered.
    With ``roots``, a file whose real path (links resolved) lies outside them is a problem, not a
    file: a link inside a folder the dashboard may read must not lead it elsewhere."""
    seen: set[bytes] = set()
    for kind, value in _walk_all(paths, roots):
        if unique and kind == "file":
            digest = hashlib.blake2b(value.encode("utf-8", "surrogateescape"), digest_size=8).digest()
            if digest in seen:
                continue
            seen.add(digest)
        yield kind, value


def _walk_all(paths: Iterable[str | Path], roots: list[Path] | None) -> Iterator[tuple[str, str]]:
    def found(path: str) -> tuple[str, str]:
        real = os.path.realpath(path)
        if inbox.within_roots(real, roots):
            return "file", real
        return "problem", f"{path}: leads to {real}, outside the folders this dashboard may read; not read"

    for argument in paths:
        argument = str(argument)
        matches = sorted(glob.glob(argument, recursive=True)) if glob.has_magic(argument) else [argument]
        if not matches or not os.path.exists(matches[0]):
            yield "problem", f"{argument}: no such file or folder"
            continue
        for match in matches:
            if os.path.isdir(match):
                for root, folders, names in os.walk(match):
                    # Hidden files and folders (.git, .DS_Store, a half-written ".upload-*.part")
                    # are not articles; they are counted so the summary can say so.
                    for name in sorted(f for f in folders if f.startswith(".")):
                        yield "hidden", os.path.join(root, name)
                    folders[:] = sorted(f for f in folders if not f.startswith("."))
                    for name in sorted(names):
                        path = os.path.join(root, name)
                        if name.startswith("."):
                            yield "hidden", path
                        elif Path(name).suffix.lower() in raw_record.EXTENSIONS:
                            yield found(path)
                        else:
                            yield "skipped", path
            elif os.path.isfile(match):
                yield found(match)
            else:
                yield "problem", f"{match}: not a regular file"


def _unique_files(paths: Iterable[str | Path], roots: list[Path] | None = None) -> Iterator[str]:
    return (value for kind, value in _walk(paths, unique=True, roots=roots) if kind == "file")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _raw_records(path: Path, max_document_bytes: int) -> Iterator[dict]:
    size = path.stat().st_size
    if size == 0:
        raise InputError(path, "empty file (0 bytes)")
    with open(path, "rb") as handle:
        head = handle.read(4096)
    fmt = raw_record.sniff_format(path, head)
    if fmt is None:
        raise InputError(path, f"unknown format: extension '{path.suffix or '(none)'}' is not one of "
                               f"{', '.join(sorted(raw_record.EXTENSIONS))} and the content is not recognisable")
    # One record of an export is one article: it may be as large as a single-article file.
    if fmt in ("csv", "tsv"):
        yield from raw_record.read_delimited(path, fmt, max_record_bytes=max_document_bytes)
    elif fmt == "jsonl":
        yield from raw_record.read_jsonl(path, max_record_bytes=max_document_bytes)
    elif fmt == "json":
        yield from raw_record.read_json(path, max_record_bytes=max_document_bytes)
    else:
        if size > max_document_bytes:
            raise InputError(path, f"{size / 2**20:.1f} MB is too large for one {fmt} article (limit "
                                   f"{max_document_bytes / 2**20:.0f} MB); export such collections as CSV or JSONL")
        yield from raw_record.read_document(path, path.read_bytes(), fmt)


def _prepare(raw_records: list[dict], source: str | None, lexicon: scraped_text.Lexicon) -> pd.DataFrame:
    """Raw records (with ``origin_file``) to fingerprinted articles, in the records' order (a
    chunk of an export is then a prefix of its items); rejected rows keep ``problem``."""
    raw = pd.DataFrame(raw_records, columns=[*raw_record.RAW_KEYS, "origin_file"])
    articles = scraped_text.prepare_articles(raw, lexicon)
    articles["source"] = [source or (s if isinstance(s, str) and s.strip() else None) or Path(f).parent.name
                          for s, f in zip(articles["source"], articles["origin_file"])]
    articles["origin_item"] = articles["item"]
    good = articles["problem"].isna()
    fingerprinted = dedup.fingerprint(articles[good])
    if not (~good).any():
        return fingerprinted
    return pd.concat([fingerprinted, articles[~good]]).sort_index().reset_index(drop=True)


def _prepared_rows(raw_records: list[dict], source: str | None, lexicon: scraped_text.Lexicon) -> list[dict]:
    """``_prepare`` as rows. If cleaning the records together fails, they are cleaned one by one,
    so that only the record that fails is rejected, with the reason."""
    try:
        return schema.records(_prepare(raw_records, source, lexicon))
    except Exception:  # any failure is narrowed down below, record by record
        rows = []
        for record in raw_records:
            try:
                rows += schema.records(_prepare([record], source, lexicon))
            except Exception as err:  # the safety net: the record is rejected with the reason
                rows.append(dict(record, problem=_unreadable(err)))
        return rows


def _unreadable(err: BaseException) -> str:
    """The one-line reason for a read or clean that failed for a reason the readers do not expect."""
    text = " ".join(str(err).split())
    if len(text) > MAX_REASON_CHARS:
        text = text[:MAX_REASON_CHARS] + "…"
    return f"could not be read: {type(err).__name__}" + (f": {text}" if text else "")


def _streamed_batches(path: Path, source: str | None, lexicon: scraped_text.Lexicon, max_document_bytes: int,
                      skip: int = 0) -> Iterator[list[dict]]:
    """An export's items as prepared rows, one per item, ``BATCH_RECORDS`` at a time, after the
    first ``skip`` items (already stored by an earlier run: they are parsed, not cleaned). A
    problem with the whole file, or a reader that fails part-way, ends the file with a row whose
    ``problem`` says so (``where`` None): the items before it are kept."""
    records = _raw_records(path, max_document_bytes)
    batch: list[dict] = []
    last_where, failure = None, None
    try:
        for _ in itertools.islice(records, skip):
            pass
        for record in records:
            batch.append(dict(record, origin_file=str(path)))
            last_where = record.get("where") or last_where
            if len(batch) == BATCH_RECORDS:
                yield _prepared_rows(batch, source, lexicon)
                batch = []
    except InputError as err:
        failure = err.problem
    except OSError as err:
        failure = f"cannot be read ({err.strerror or err})"
    except Exception as err:  # the safety net: the rest of the file is rejected with the reason
        failure = _unreadable(err) + (f" (after {last_where}; the items before it were read)" if last_where else "")
    if batch:
        yield _prepared_rows(batch, source, lexicon)
    if failure is not None:
        yield [{"where": None, "problem": failure}]


@dataclasses.dataclass
class _Prepared:
    path: str
    state: dict | None  # size, mtime_ns, sha256; None when the file could not even be looked at
    rows: list[dict] | None = None  # prepared articles and rejected items, as schema.records gives them
    problem: str | None = None


def _file_state(path: str) -> dict:
    stat = os.stat(path)
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": _sha256(Path(path))}


def _prepare_group(paths: list[str], source: str | None, lexicon: scraped_text.Lexicon, max_document_bytes: int) -> list[_Prepared]:
    """Read and clean several single-article files at once: one frame for many small files keeps
    pandas' per-frame overhead off every article. Runs in a worker process on large ingests. A file
    that cannot be read, for whatever reason, is rejected alone."""
    prepared: list[_Prepared] = []
    raw_records: list[dict] = []
    for path in paths:
        item = _Prepared(path, None)
        try:
            item.state = _file_state(path)
            records = [dict(r, origin_file=path) for r in _raw_records(Path(path), max_document_bytes)]
        except InputError as err:
            item.problem = err.problem
        except OSError as err:
            item.problem = f"cannot be read ({err.strerror or err})"
        except Exception as err:  # the safety net: the file is rejected with the reason
            item.problem = _unreadable(err)
        else:
            raw_records.extend(records)
        prepared.append(item)
    by_file: dict[str, list[dict]] = collections.defaultdict(list)
    if raw_records:
        for row in _prepared_rows(raw_records, source, lexicon):
            by_file[row["origin_file"]].append(row)
    for item in prepared:
        if item.problem is None:
            item.rows = by_file[item.path]
    return prepared


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
) -> IngestSummary:
    """Ingest files, folders and globs into the store; returns what happened.

    ``source`` names the outlet for every article (otherwise the input's own source field, the
    feed or site name, or the folder a file sits in). ``force`` re-reads unchanged files.
    ``jobs`` worker processes clean single-article files while this process stores them (default:
    one per core when there are enough files to repay starting them). ``progress`` shows a
    progress bar (None: only on a terminal); ``on_file(done, total, path, outcome)`` is called
    after each file's transaction has ended, and after each committed chunk of a large export
    (with ``done`` unchanged), so what it reports is durable.

    A store that cannot take a write (``StoreBusy``, ``StoreWriteError``) stops the batch: the
    summary's ``stopped`` holds the error, ``interrupted`` the files whose transaction it rolled
    back, ``not_attempted`` the count of files not tried.
    """
    lexicon = lexicon or scraped_text.Lexicon.load(config.BOILERPLATE_FILE)
    max_bytes = config.max_document_bytes()
    paths = list(paths)
    # A first walk counts the files for the progress bar; the second feeds the work.
    total, hidden, skipped, problems = 0, 0, [], []
    for kind, value in _walk(paths, unique=True, roots=roots):
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
        for path in _unique_files(paths, roots):
            try:
                stat = os.stat(path)
            except OSError as err:  # gone or unreadable since the walk counted it
                summary.rejected += 1
                summary.problems.append(f"{path}: cannot be read ({err.strerror or err})")
                report(path, "rejected: cannot be read")
                continue
            known = None if force else store.known_file(engine, path)
            if known and known["complete"] and (known["size"], known["mtime_ns"]) == (stat.st_size, stat.st_mtime_ns):
                report(path, _unchanged(known, summary))
            elif _is_streamed(Path(path)):
                streamed.append(path)
            else:
                yield path

    pending = changed_small_files()
    # Workers are only worth starting for many changed files; look ahead that far, no further.
    ahead = list(itertools.islice(pending, MIN_FILES_FOR_WORKERS))
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(ahead) >= MIN_FILES_FOR_WORKERS else 1
    try:
        with _Workers(jobs) as workers:
            groups = _chunks(itertools.chain(ahead, pending), GROUP_FILES)
            for group in workers.prepare(groups, source, lexicon, max_bytes):
                storing[:] = [prepared.path for prepared in group]
                for path, outcome in _store_group(engine, group, force, clock, summary):
                    report(path, outcome)
        for path in streamed:
            storing[:] = [path]
            report(path, _store_streamed(engine, Path(path), source, lexicon, max_bytes, clock, summary, force,
                                         lambda outcome, path=path: report_chunk(path, outcome)))
        storing.clear()
    except StoreError as err:
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


# Groups of this many files are cleaned together (one frame each).
GROUP_FILES = 32
# Starting a worker costs about 2 s (it loads the language models): not worth it for a handful of files.
MIN_FILES_FOR_WORKERS = 200
_STREAMED = {"csv", "tsv", "json", "jsonl"}
# Why a file is rejected when the worker process cleaning it died: the operating system kills a
# process that runs out of memory without a word, and nothing else kills the workers.
_WORKER_DIED = "could not be read: the process cleaning it died (killed, perhaps for lack of memory)"


def _is_streamed(path: Path) -> bool:
    return raw_record.EXTENSIONS.get(path.suffix.lower()) in _STREAMED


class _Workers:
    """Worker processes that clean groups of files ahead of the storing process, at most a few
    groups ahead so that memory stays flat however many files there are.

    A worker that dies (killed for memory) breaks the pool and every group in flight with it:
    ``concurrent.futures`` reports that (``BrokenProcessPool``) where ``multiprocessing.Pool``
    would wait for ever for the lost task. The groups that were in flight are then cleaned again
    one at a time in a fresh pool; a group that breaks it alone is split into its files, and the
    file that breaks it alone is rejected with the reason."""

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self):
        if self.jobs > 1:
            # Loaded before the fork, the language models are shared by the workers instead of
            # being loaded once in each.
            language.preload()
            self.pool = self._new_pool()
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(method))

    def _restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()

    def prepare(self, groups: Iterable[list[str]], *args) -> Iterator[list[_Prepared]]:
        """``_prepare_group`` of every group, in order."""
        if self.pool is None:
            for group in groups:
                yield _prepare_group(group, *args)
            return
        pending: collections.deque = collections.deque()
        for group in groups:
            pending.append((group, self.pool.submit(_prepare_group, group, *args)))
            if len(pending) >= 2 * self.jobs:
                yield from self._next_result(pending, args)
        while pending:
            yield from self._next_result(pending, args)

    def _next_result(self, pending: collections.deque, args) -> Iterator[list[_Prepared]]:
        group, future = pending.popleft()
        try:
            yield future.result()
            return
        except BrokenProcessPool:
            lost = [group] + [other for other, _ in pending]
            pending.clear()
        except Exception as err:  # a result that cannot come back (it failed to pickle): the group is rejected
            yield [_lost(path, _unreadable(err)) for path in group]
            return
        self._restart()
        for group in lost:
            yield from self._alone(group, args)

    def _alone(self, group: list[str], args) -> Iterator[list[_Prepared]]:
        try:
            yield self.pool.submit(_prepare_group, group, *args).result()
            return
        except BrokenProcessPool:
            self._restart()
        if len(group) == 1:
            yield [_lost(group[0], _WORKER_DIED)]
            return
        for path in group:
            yield from self._alone([path], args)


def _lost(path: str, problem: str) -> _Prepared:
    """A file rejected without its worker's answer."""
    try:
        state = _file_state(path)
    except OSError:
        state = None
    return _Prepared(path, state, problem=problem)


def _unchanged(known: dict, summary: IngestSummary) -> str:
    summary.unchanged += 1
    if known["rejected"]:
        summary.problems.append(f"{known['path']}: unchanged since the last ingest, which rejected "
                                f"{known['rejected']} item(s): {known['message']}")
    return "unchanged"


def _store_group(engine, group: list[_Prepared], force: bool, clock, summary: IngestSummary) -> list[tuple[str, str]]:
    """Store a group of prepared files in one transaction; returns (path, outcome) per file."""
    outcomes: dict[str, str] = {}
    to_store: list[store.FileInput] = []
    for prepared in group:
        if prepared.state is None:  # vanished or unreadable before it could even be looked at
            summary.rejected += 1
            summary.problems.append(f"{prepared.path}: {prepared.problem}")
            outcomes[prepared.path] = f"rejected: {prepared.problem}"
            continue
        known = None if force else store.known_file(engine, prepared.path)
        if known and known["complete"] and known["sha256"] == prepared.state["sha256"]:
            # Touched but not changed: remember the new modification time, so the next run needs only a stat.
            store.touch_file(engine, prepared.path, prepared.state)
            outcomes[prepared.path] = _unchanged(known, summary)
        else:
            to_store.append(store.FileInput(prepared.path, prepared.state, [prepared.rows or []], prepared.problem))
    for file, result in zip(to_store, store.save_files(engine, to_store, clock()) if to_store else []):
        outcomes[file.path] = _tally(file.path, result, summary)
    return [(prepared.path, outcomes[prepared.path]) for prepared in group]


def _store_streamed(engine, path: Path, source, lexicon, max_bytes, clock, summary: IngestSummary, force: bool,
                    report_chunk: Callable[[str], None]) -> str:
    """Store an export in chunks, continuing an unfinished earlier run on the same bytes."""
    key = str(path)
    try:
        state = _file_state(key)
    except OSError as err:
        summary.rejected += 1
        summary.problems.append(f"{key}: cannot be read ({err.strerror or err})")
        return "rejected: cannot be read"
    known = None if force else store.known_file(engine, key)
    resume = None
    if known and known["sha256"] == state["sha256"]:
        if known["complete"]:
            store.touch_file(engine, key, state)
            return _unchanged(known, summary)
        resume = known

    durable = store.FileResult()  # what the committed chunks hold, should a later chunk fail

    def committed(result: store.FileResult, items_done: int) -> None:
        durable.stored, durable.duplicates, durable.rejected = result.stored, result.duplicates, result.rejected
        durable.rejections = result.rejections[:]
        durable.items = items_done
        report_chunk(f"items 1-{items_done} committed (this run so far: {result.stored} stored, "
                     f"{result.duplicates} merged as duplicates, {result.rejected} rejected); continuing")

    skip = int(resume["items_done"] or 0) if resume else 0
    try:
        result = store.save_file(engine, key, _streamed_batches(path, source, lexicon, max_bytes, skip), state, clock(),
                                 resume=resume, on_commit=committed)
    except StoreError:
        _tally(key, durable, summary)
        summary.interrupted_items = durable.items or skip
        raise
    outcome = _tally(key, result, summary)
    return f"continued after item {skip}: {outcome}" if skip else outcome


def _tally(key: str, result: store.FileResult, summary: IngestSummary) -> str:
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
