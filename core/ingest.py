"""Ingest: files, folders and globs in; articles in the store out, one transaction per file.

    read → decode → parse by format (core.formats) → clean, language, date (core.clean)
         → fingerprint (core.dedup) → deduplicate and store (core.store)

A file is stored whole or not at all; an unchanged file (same size and modification time, or the
same bytes) is skipped, so a re-run costs a stat call per file and changes nothing.
"""
from __future__ import annotations

import dataclasses
import glob
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from tqdm import tqdm

from core import clean, config, dedup, formats, store
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


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[str], list[str]]:
    """Files to ingest from files, folders (recursively) and globs.

    Returns ``(files, skipped, problems)``: files in a stable order, files inside folders that are
    in no supported format (left alone), and arguments that match nothing.
    """
    found: dict[Path, None] = {}
    skipped: list[str] = []
    problems: list[str] = []
    for argument in paths:
        argument = str(argument)
        matches = [Path(m) for m in sorted(glob.glob(argument, recursive=True))] if glob.has_magic(argument) else [Path(argument)]
        if not matches or not matches[0].exists():
            problems.append(f"{argument}: no such file or folder")
            continue
        for match in matches:
            if match.is_dir():
                for child in sorted(p for p in match.rglob("*") if p.is_file()):
                    if any(part.startswith(".") for part in child.relative_to(match).parts):
                        continue
                    if child.suffix.lower() in formats.EXTENSIONS:
                        found[child.resolve()] = None
                    else:
                        skipped.append(str(child))
            elif match.is_file():
                found[match.resolve()] = None
            else:
                problems.append(f"{match}: not a regular file")
    return list(found), skipped, problems


def _file_state(path: Path) -> dict:
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}


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


def _article_batches(path: Path, source: str | None, lexicon: clean.Lexicon, max_document_bytes: int) -> Iterator[pd.DataFrame]:
    records = _raw_records(path, max_document_bytes)
    while batch := list(itertools.islice(records, BATCH_RECORDS)):
        raw = pd.DataFrame(batch, columns=list(formats.RAW_KEYS))
        articles = clean.prepare_articles(raw, lexicon)
        articles["source"] = [source or s or path.parent.name for s in articles["source"]]
        articles["origin_file"] = str(path)
        articles["origin_item"] = articles["item"]
        good = articles["problem"].isna()
        fingerprinted = dedup.fingerprint(articles[good])
        yield pd.concat([fingerprinted, articles[~good]], ignore_index=True) if (~good).any() else fingerprinted


def ingest(
    engine: sa.Engine,
    paths: Iterable[str | Path],
    *,
    lexicon: clean.Lexicon | None = None,
    source: str | None = None,
    force: bool = False,
    progress: bool | None = None,
    on_file: Callable[[int, int, str, str], None] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> IngestSummary:
    """Ingest files, folders and globs into the store; returns what happened.

    ``source`` names the outlet for every article (otherwise the input's own source field, the
    feed or site name, or the folder a file sits in). ``force`` re-reads unchanged files.
    ``progress`` shows a progress bar (None: only on a terminal); ``on_file(done, total, path,
    outcome)`` is called after each file's transaction has ended, so what it reports is durable.
    """
    lexicon = lexicon or clean.Lexicon.load(config.BOILERPLATE_FILE)
    max_bytes = config.max_document_bytes()
    files, skipped, problems = discover(paths)
    summary = IngestSummary(files=len(files), skipped=skipped, problems=list(problems))
    bar = tqdm(total=len(files), unit="file", disable=(not progress) if progress is not None else None, leave=False)
    try:
        for done, path in enumerate(files, start=1):
            outcome = _ingest_file(engine, path, source, lexicon, max_bytes, force, clock, summary)
            bar.update(1)
            if on_file:
                on_file(done, len(files), str(path), outcome)
    finally:
        bar.close()
    return summary


def _ingest_file(engine, path: Path, source, lexicon, max_bytes, force, clock, summary: IngestSummary) -> str:
    """Ingest one file; returns one line saying what became of it."""
    key = str(path)
    try:
        state = _file_state(path)
    except OSError as err:
        summary.rejected += 1
        summary.problems.append(f"{key}: cannot be read ({err.strerror or err})")
        return "rejected: cannot be read"
    known = store.known_file(engine, key)
    if known and not force and (
        (known["size"], known["mtime_ns"]) == (state["size"], state["mtime_ns"]) or known["sha256"] == state["sha256"]
    ):
        summary.unchanged += 1
        if known["rejected"]:
            summary.problems.append(f"{key}: unchanged since the last ingest, which rejected {known['rejected']} "
                                    f"item(s): {known['message']}")
        return "unchanged"
    try:
        batches = _article_batches(path, source, lexicon, max_bytes)
        result = store.save_file(engine, key, batches, state, clock())
    except InputError as err:
        store.save_rejected_file(engine, key, str(err.problem), state, clock())
        summary.rejected += 1
        summary.problems.append(str(err))
        return f"rejected: {err.problem}"
    summary.stored += result.stored
    summary.duplicates += result.duplicates
    summary.rejected += result.rejected
    for item, status, message, _ in result.messages:
        if status == "rejected":
            summary.problems.append(f"{key}: {item}: {message}" if item else f"{key}: {message}")
    return (f"stored {result.stored}, merged {result.duplicates} duplicate(s)"
            + (f", rejected {result.rejected} item(s)" if result.rejected else ""))
