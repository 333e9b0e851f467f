"""Ingest: files, folders and globs in; articles in the store out, one transaction per file.

    read → decode → parse by format (core.formats) → clean, language, date (core.clean)
         → fingerprint (core.dedup) → deduplicate and store (core.store)

A file is stored whole or not at all; an unchanged file (same size and modification time, or the
same bytes) is skipped, so a re-run costs a stat call per file and changes nothing.
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
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from tqdm import tqdm

from core import clean, config, dedup, formats, language, schema, store
from core.errors import InputError

# Records cleaned together: large enough that per-batch overhead is small, small enough that a
# streamed export never holds more than this many articles in memory.
BATCH_RECORDS = 256


@dataclasses.dataclass
class IngestSummary:
    files: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    unchanged: int = 0
    skipped: list[str] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

    def describe(self) -> str:
        parts = [f"{self.files} file(s): {self.stored} article(s) stored, {self.duplicates} merged as duplicates, "
                 f"{self.rejected} rejected"]
        if self.unchanged:
            parts.append(f"{self.unchanged} file(s) unchanged since the last ingest, skipped")
        if self.skipped:
            parts.append(f"{len(self.skipped)} file(s) in other formats left alone")
        return "; ".join(parts)


def _walk(paths: Iterable[str | Path], unique: bool = False) -> Iterator[tuple[str, str]]:
    """``("file", path)``, ``("skipped", path)`` or ``("problem", message)`` for every argument,
    lazily and in a stable order (a folder's entries sorted, one folder at a time), so that a
    million-file tree is never listed in memory at once. With ``unique``, a file reached twice
    (a folder and a glob inside it) comes once; only an 8-byte digest per path is remembered."""
    seen: set[bytes] = set()
    for kind, value in _walk_all(paths):
        if unique and kind == "file":
            digest = hashlib.blake2b(value.encode("utf-8", "surrogateescape"), digest_size=8).digest()
            if digest in seen:
                continue
            seen.add(digest)
        yield kind, value


def _walk_all(paths: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
    for argument in paths:
        argument = str(argument)
        matches = sorted(glob.glob(argument, recursive=True)) if glob.has_magic(argument) else [argument]
        if not matches or not os.path.exists(matches[0]):
            yield "problem", f"{argument}: no such file or folder"
            continue
        for match in matches:
            if os.path.isdir(match):
                for root, folders, names in os.walk(match):
                    folders[:] = sorted(f for f in folders if not f.startswith("."))
                    for name in sorted(names):
                        if name.startswith("."):
                            continue
                        path = os.path.join(root, name)
                        known = Path(name).suffix.lower() in formats.EXTENSIONS
                        yield ("file", os.path.realpath(path)) if known else ("skipped", path)
            elif os.path.isfile(match):
                yield "file", os.path.realpath(match)
            else:
                yield "problem", f"{match}: not a regular file"


def _unique_files(paths: Iterable[str | Path]) -> Iterator[str]:
    return (value for kind, value in _walk(paths, unique=True) if kind == "file")


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
    fmt = formats.sniff_format(path, head)
    if fmt is None:
        raise InputError(path, f"unknown format: extension '{path.suffix or '(none)'}' is not one of "
                               f"{', '.join(sorted(formats.EXTENSIONS))} and the content is not recognisable")
    if fmt in ("csv", "tsv"):
        yield from formats.read_delimited(path, fmt)
    elif fmt == "jsonl":
        yield from formats.read_jsonl(path)
    elif fmt == "json":
        yield from formats.read_json(path)
    else:
        if size > max_document_bytes:
            raise InputError(path, f"{size / 2**20:.1f} MB is too large for one {fmt} article (limit "
                                   f"{max_document_bytes / 2**20:.0f} MB); export such collections as CSV or JSONL")
        yield from formats.read_document(path, path.read_bytes(), fmt)


def _prepare(raw_records: list[dict], source: str | None, lexicon: clean.Lexicon) -> pd.DataFrame:
    """Raw records (with ``origin_file``) to fingerprinted articles; rejected rows keep ``problem``."""
    raw = pd.DataFrame(raw_records, columns=[*formats.RAW_KEYS, "origin_file"])
    articles = clean.prepare_articles(raw, lexicon)
    articles["source"] = [source or (s if isinstance(s, str) and s.strip() else None) or Path(f).parent.name
                          for s, f in zip(articles["source"], articles["origin_file"])]
    articles["origin_item"] = articles["item"]
    good = articles["problem"].isna()
    fingerprinted = dedup.fingerprint(articles[good])
    return pd.concat([fingerprinted, articles[~good]], ignore_index=True) if (~good).any() else fingerprinted


def _streamed_batches(path: Path, source: str | None, lexicon: clean.Lexicon, max_document_bytes: int) -> Iterator[pd.DataFrame]:
    records = _raw_records(path, max_document_bytes)
    while batch := list(itertools.islice(records, BATCH_RECORDS)):
        yield schema.records(_prepare([dict(r, origin_file=str(path)) for r in batch], source, lexicon))


@dataclasses.dataclass
class _Prepared:
    path: str
    state: dict
    rows: list[dict] | None = None  # prepared articles and rejected items, as schema.records gives them
    problem: str | None = None


def _prepare_group(paths: list[str], source: str | None, lexicon: clean.Lexicon, max_document_bytes: int) -> list[_Prepared]:
    """Read and clean several single-article files at once: one frame for many small files keeps
    pandas' per-frame overhead off every article. Runs in a worker process on large ingests."""
    prepared: list[_Prepared] = []
    raw_records: list[dict] = []
    for path in paths:
        stat = os.stat(path)
        item = _Prepared(path, {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": _sha256(Path(path))})
        try:
            raw_records.extend(dict(r, origin_file=path) for r in _raw_records(Path(path), max_document_bytes))
        except InputError as err:
            item.problem = err.problem
        except OSError as err:
            item.problem = f"cannot be read ({err.strerror or err})"
        prepared.append(item)
    by_file: dict[str, list[dict]] = collections.defaultdict(list)
    if raw_records:
        for row in schema.records(_prepare(raw_records, source, lexicon)):
            by_file[row["origin_file"]].append(row)
    for item in prepared:
        if item.problem is None:
            item.rows = by_file[item.path]
    return prepared


def ingest(
    engine: sa.Engine,
    paths: Iterable[str | Path],
    *,
    lexicon: clean.Lexicon | None = None,
    source: str | None = None,
    force: bool = False,
    jobs: int | None = None,
    progress: bool | None = None,
    on_file: Callable[[int, int, str, str], None] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> IngestSummary:
    """Ingest files, folders and globs into the store; returns what happened.

    ``source`` names the outlet for every article (otherwise the input's own source field, the
    feed or site name, or the folder a file sits in). ``force`` re-reads unchanged files.
    ``jobs`` worker processes clean single-article files while this process stores them (default:
    one per core when there are enough files to repay starting them). ``progress`` shows a
    progress bar (None: only on a terminal); ``on_file(done, total, path, outcome)`` is called
    after each file's transaction has ended, so what it reports is durable.
    """
    lexicon = lexicon or clean.Lexicon.load(config.BOILERPLATE_FILE)
    max_bytes = config.max_document_bytes()
    paths = list(paths)
    # A first walk counts the files for the progress bar; the second feeds the work.
    total, skipped, problems = 0, [], []
    for kind, value in _walk(paths, unique=True):
        if kind == "file":
            total += 1
        else:
            (skipped if kind == "skipped" else problems).append(value)
    summary = IngestSummary(files=total, skipped=skipped, problems=problems)
    bar = tqdm(total=total, unit="file", disable=(not progress) if progress is not None else None, leave=False)
    done = 0

    def report(path: str, outcome: str) -> None:
        nonlocal done
        done += 1
        bar.update(1)
        if on_file:
            on_file(done, total, path, outcome)

    streamed: list[str] = []  # exports are stored one by one after the small files

    def changed_small_files() -> Iterator[str]:
        for path in _unique_files(paths):
            try:
                stat = os.stat(path)
            except OSError as err:  # gone or unreadable since the walk counted it
                summary.rejected += 1
                summary.problems.append(f"{path}: cannot be read ({err.strerror or err})")
                report(path, "rejected: cannot be read")
                continue
            known = None if force else store.known_file(engine, path)
            if known and (known["size"], known["mtime_ns"]) == (stat.st_size, stat.st_mtime_ns):
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
            for group in workers.map(_prepare_group, groups, source, lexicon, max_bytes):
                for path, outcome in _store_group(engine, group, force, clock, summary):
                    report(path, outcome)
        for path in streamed:
            report(path, _store_streamed(engine, Path(path), source, lexicon, max_bytes, clock, summary))
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


def _is_streamed(path: Path) -> bool:
    return formats.EXTENSIONS.get(path.suffix.lower()) in _STREAMED


class _Workers:
    """Worker processes that clean groups of files ahead of the storing process, at most a few
    groups ahead so that memory stays flat however many files there are."""

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.pool = None

    def __enter__(self):
        if self.jobs > 1:
            # Loaded before the fork, the language models are shared by the workers instead of
            # being loaded once in each.
            language.preload()
            self.pool = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn").Pool(self.jobs)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def map(self, function, groups, *args):
        if self.pool is None:
            for group in groups:
                yield function(group, *args)
            return
        pending: collections.deque = collections.deque()
        for group in groups:
            pending.append(self.pool.apply_async(function, (group, *args)))
            if len(pending) >= 2 * self.jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


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
        known = None if force else store.known_file(engine, prepared.path)
        if known and known["sha256"] == prepared.state["sha256"]:
            # Touched but not changed: remember the new modification time, so the next run needs only a stat.
            store.touch_file(engine, prepared.path, prepared.state)
            outcomes[prepared.path] = _unchanged(known, summary)
        else:
            to_store.append(store.FileInput(prepared.path, prepared.state, [prepared.rows or []], prepared.problem))
    for file, result in zip(to_store, store.save_files(engine, to_store, clock()) if to_store else []):
        outcomes[file.path] = _tally(file.path, result, summary)
    return [(prepared.path, outcomes[prepared.path]) for prepared in group]


def _store_streamed(engine, path: Path, source, lexicon, max_bytes, clock, summary: IngestSummary) -> str:
    key = str(path)
    try:
        stat = path.stat()
        state = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": _sha256(path)}
    except OSError as err:
        summary.rejected += 1
        summary.problems.append(f"{key}: cannot be read ({err.strerror or err})")
        return "rejected: cannot be read"
    known = store.known_file(engine, key)
    if known and known["sha256"] == state["sha256"]:
        store.touch_file(engine, key, state)
        return _unchanged(known, summary)
    try:
        result = store.save_file(engine, key, _streamed_batches(path, source, lexicon, max_bytes), state, clock())
    except InputError as err:
        store.save_rejected_file(engine, key, err.problem, state, clock())
        result = store.FileResult(rejected=1, messages=[(None, "rejected", err.problem, None)])
    return _tally(key, result, summary)


def _tally(key: str, result: store.FileResult, summary: IngestSummary) -> str:
    summary.stored += result.stored
    summary.duplicates += result.duplicates
    summary.rejected += result.rejected
    for item, status, message, _ in result.messages:
        if status == "rejected":
            summary.problems.append(f"{key}: {item}: {message}" if item else f"{key}: {message}")
    whole_file = [m for i, s, m, _ in result.messages if s == "rejected" and i is None]
    if whole_file:
        return f"rejected: {whole_file[0]}"
    return (f"stored {result.stored}, merged {result.duplicates} duplicate(s)"
            + (f", rejected {result.rejected} item(s)" if result.rejected else ""))
