"""Files to prepared rows: each file read by its format, its records cleaned (``core.ingest.clean``)
and fingerprinted (``core.dedup``), ready for the store.

Small single-article files are prepared several at a time (``prepare_group``, which worker
processes run on large ingests); a large export is prepared ``BATCH_RECORDS`` items at a time as
it is read (``streamed_batches``). A file or record that fails for a reason no reader expects is
rejected with a one-line reason (``unreadable``), never the batch around it.
"""
from __future__ import annotations

import collections
import dataclasses
import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from core import cluster, dedup, schema
from core.errors import ClusterError, InputError
from core.ingest import clean, delimited, documents, json_records, raw_record, scraped_text
from core.store import ingested

# Records cleaned together: large enough that per-batch overhead is small, small enough that a
# streamed export never holds more than this many articles in memory.
BATCH_RECORDS = 256


# The reason given for a file whose reading or cleaning failed unexpectedly is cut to this length:
# an exception's text can quote the input at length.
MAX_REASON_CHARS = 300


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
        yield from delimited.read_delimited(path, fmt, max_record_bytes=max_document_bytes)
    elif fmt == "jsonl":
        yield from json_records.read_jsonl(path, max_record_bytes=max_document_bytes)
    elif fmt == "json":
        yield from json_records.read_json(path, max_record_bytes=max_document_bytes)
    else:
        if size > max_document_bytes:
            raise InputError(path, f"{size / 2**20:.1f} MB is too large for one {fmt} article (limit "
                                   f"{max_document_bytes / 2**20:.0f} MB); export such collections as CSV or JSONL")
        yield from documents.read_document(path, path.read_bytes(), fmt)


def _prepare(raw_records: list[dict], source: str | None, lexicon: scraped_text.Lexicon) -> pd.DataFrame:
    """Raw records (with ``origin_file``) to fingerprinted articles, in the records' order (a
    chunk of an export is then a prefix of its items); rejected rows keep ``problem``."""
    raw = pd.DataFrame(raw_records, columns=[*raw_record.RAW_KEYS, "origin_file"])
    articles = clean.prepare_articles(raw, lexicon)
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
                rows.append(dict(record, problem=unreadable(err)))
        return rows


def unreadable(err: BaseException) -> str:
    """The one-line reason for a read or clean that failed for a reason the readers do not expect."""
    text = " ".join(str(err).split())
    if len(text) > MAX_REASON_CHARS:
        text = text[:MAX_REASON_CHARS] + "…"
    return f"could not be read: {type(err).__name__}" + (f": {text}" if text else "")


def prepare_records(raw_records: list[dict], source: str | None, lexicon: scraped_text.Lexicon) -> list[dict]:
    """Raw records of an export (with ``origin_file``) as prepared rows, one per record, in their
    order; a record that cannot be cleaned is a row with its ``problem``. Runs in a worker process
    on large exports."""
    return _prepared_rows(raw_records, source, lexicon)


def streamed_batches(path: Path, source: str | None, lexicon: scraped_text.Lexicon, max_document_bytes: int,
                     skip: int = 0, clean: Callable[[Iterator[list[dict]]], Iterator[list[dict]]] | None = None
                     ) -> Iterator[list[dict]]:
    """An export's items as prepared rows, one per item, ``BATCH_RECORDS`` at a time, after the
    first ``skip`` items (already stored by an earlier run: they are parsed, not cleaned). A
    problem with the whole file, or a reader that fails part-way, ends the file with a row whose
    ``problem`` says so (``where`` None): the items before it are kept.

    ``clean`` turns the batches of raw records into batches of prepared rows, in their order
    (``workers.Workers.prepare_records`` cleans them in worker processes while this one reads and
    stores); by default ``prepare_records`` here, one batch after another."""
    if clean is None:
        def clean(raw_batches):
            return (prepare_records(batch, source, lexicon) for batch in raw_batches)
    failure: list[str] = []
    yield from clean(_raw_batches(path, max_document_bytes, skip, failure))
    if failure:
        yield [{"where": None, "problem": failure[0]}]


def cleaned_on_cluster(raw_batches: Iterator[list[dict]], path: Path, source: str | None,
                       lexicon: scraped_text.Lexicon, cluster_pool: cluster.Pool) -> Iterator[list[dict]]:
    """``streamed_batches``'s ``clean`` on a Dask cluster: this process only parses the file; the
    batches are cleaned on the cluster's workers, a few ahead, and come back in order. A batch whose
    task kills the workers it is given to stops the file with ``ClusterError``: the batches before
    it are kept."""
    try:
        yield from cluster_pool.ordered(_prepared_rows, raw_batches, source, cluster_pool.share(lexicon))
    except cluster.WorkerLost as err:
        raise ClusterError(cluster_pool.address, f"the workers cleaning {path} were killed by the same batch of "
                                                 f"{BATCH_RECORDS} items, over and over (perhaps for lack of "
                                                 f"memory): {' '.join(str(err).split())[:MAX_REASON_CHARS]}") from None


def _raw_batches(path: Path, max_document_bytes: int, skip: int, failure: list[str]) -> Iterator[list[dict]]:
    """The raw records of an export after the first ``skip``, ``BATCH_RECORDS`` at a time; a
    problem that ends the file is appended to ``failure`` once the records before it are given."""
    records = _raw_records(path, max_document_bytes)
    batch: list[dict] = []
    last_where = None
    try:
        for _ in itertools.islice(records, skip):
            pass
        for record in records:
            batch.append(dict(record, origin_file=str(path)))
            last_where = record.get("where") or last_where
            if len(batch) == BATCH_RECORDS:
                yield batch
                batch = []
    except InputError as err:
        failure.append(err.problem)
    except OSError as err:
        failure.append(f"cannot be read ({err.strerror or err})")
    except Exception as err:  # the safety net: the rest of the file is rejected with the reason
        failure.append(unreadable(err) + (f" (after {last_where}; the items before it were read)" if last_where else ""))
    if batch:
        yield batch


@dataclasses.dataclass
class Prepared:
    path: str
    state: ingested.FileState | None  # None when the file could not even be looked at
    rows: list[dict] | None = None  # prepared articles and rejected items, as schema.records gives them
    problem: str | None = None


def file_state(path: str) -> ingested.FileState:
    stat = os.stat(path)
    return ingested.FileState(stat.st_size, stat.st_mtime_ns, _sha256(Path(path)))


def prepare_group(paths: list[str], source: str | None, lexicon: scraped_text.Lexicon, max_document_bytes: int) -> list[Prepared]:
    """Read and clean several single-article files at once: one frame for many small files keeps
    pandas' per-frame overhead off every article. Runs in a worker process on large ingests. A file
    that cannot be read, for whatever reason, is rejected alone."""
    prepared: list[Prepared] = []
    raw_records: list[dict] = []
    for path in paths:
        item = Prepared(path, None)
        try:
            item.state = file_state(path)
            records = [dict(r, origin_file=path) for r in _raw_records(Path(path), max_document_bytes)]
        except InputError as err:
            item.problem = err.problem
        except OSError as err:
            item.problem = f"cannot be read ({err.strerror or err})"
        except Exception as err:  # the safety net: the file is rejected with the reason
            item.problem = unreadable(err)
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
