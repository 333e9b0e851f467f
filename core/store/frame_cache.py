"""Frames derived from the store, kept as Parquet files beside it so that a new process (the
dashboard's cold start) reads them instead of deriving them again.

An entry is a folder ``<kind>-<key>`` holding one Parquet file per frame. The key carries
everything the frames depend on (the store's revision, the dictionary version), so a write to the
store makes the next reader derive afresh, and stale entries of the same kind are removed when a
new one is written. Entries are written under a temporary name and renamed whole: a reader never
sees half an entry, and a writer killed half-way leaves only a dot-folder that is never read.

A frame can be written whole (``cached``) or batch by batch (``entry`` and
``frame_files.ParquetFrames``), so that a frame larger than memory is written without ever being
held. The articles frame is kept so by ``cached_articles``; the actor frames and the stories by
the extraction stage.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from core import schema
from core.store import batches, database, frame_files, reads, text_index as text_index_file


def cached(cache_dir: Path | None, kind: str, key: str, names: Sequence[str],
           derive: Callable[[], Sequence[pd.DataFrame]],
           write: Callable[[Path], None] | None = None,
           columns: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
           dtypes: Mapping[str, Mapping[str, str]] | None = None) -> tuple[pd.DataFrame, ...]:
    """The frames ``names`` of entry ``kind``-``key``: read from ``cache_dir`` when present, else
    derived, written, and read back (so a first start and every later one see the same dtypes).
    They are derived by ``write(folder)``, which writes each ``<name>.parquet`` into the folder
    (batch by batch, see ``frame_files.ParquetFrames``), when given, else by ``derive()``, which returns them
    whole. ``cache_dir`` None (a store that is not a local file) calls ``derive`` every time.
    ``columns``: read only those of each file (or, by name, of the files named). ``dtypes``: by
    file, the dtypes some columns are held in (``_read_file``: "category" for a categorical with
    sorted categories); not applied to derived frames (no file)."""
    if cache_dir is None:
        return tuple(derive())
    path = cache_dir / f"{kind}-{key}"
    with entry(cache_dir, kind, key, names) as folder:
        if folder is not None:
            if write is not None:
                write(folder)
            else:
                _write_whole(folder, kind, names, derive())
    return _read(path, names, columns, dtypes)


def _write_whole(folder: Path, kind: str, names: Sequence[str], frames: Sequence[pd.DataFrame]) -> None:
    frames = tuple(frames)
    if len(frames) != len(names):
        raise ValueError(f"frame cache {kind}: {len(frames)} frame(s) derived for {len(names)} name(s)")
    for name, frame in zip(names, frames):
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def _file_name(name: str) -> str:
    """A frame's file (``<name>.parquet``), or a file named whole (the text index's ``text.sqlite``)."""
    return name if "." in name else f"{name}.parquet"


def _present(cache_dir: Path, kind: str, key: str, names: Sequence[str]) -> bool:
    entry_path = cache_dir / f"{kind}-{key}"
    return all((entry_path / _file_name(name)).exists() for name in names)


@contextlib.contextmanager
def entry(cache_dir: Path, kind: str, key: str, names: Sequence[str]) -> Iterator[Path | None]:
    """A folder to write the Parquet files ``names`` of entry ``kind``-``key`` into; it becomes
    the entry when the block ends without an error, and older entries of ``kind`` are removed.
    None when the entry is already there (nothing to write). A block that fails leaves nothing."""
    path = cache_dir / f"{kind}-{key}"
    if _present(cache_dir, kind, key, names):
        yield None
        return
    # The thread too: two threads of one process (a dashboard session and a background job) may
    # derive the same entry at once, and must not write into one folder.
    partial = cache_dir / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
    partial.mkdir(parents=True, exist_ok=True)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    missing = [name for name in names if not (partial / _file_name(name)).exists()]
    if missing:
        shutil.rmtree(partial, ignore_errors=True)
        raise ValueError(f"frame cache {kind}: no frame written for {', '.join(missing)}")
    try:
        partial.rename(path)
    except OSError:  # a concurrent writer's entry is already there, and as good
        shutil.rmtree(partial, ignore_errors=True)
    for old in cache_dir.iterdir():
        if old.name.startswith(f"{kind}-") and old.name != path.name:
            shutil.rmtree(old, ignore_errors=True)


def read(cache_dir: Path, kind: str, key: str, names: Sequence[str]) -> tuple[pd.DataFrame, ...]:
    """The frames of an entry that is present (``_present``)."""
    return _read(cache_dir / f"{kind}-{key}", names)


def entry_file(cache_dir: Path, kind: str, key: str, name: str) -> Path:
    """Where frame ``name`` of entry ``kind``-``key`` is kept."""
    return cache_dir / f"{kind}-{key}" / _file_name(name)


def _read(entry_path: Path, names: Sequence[str],
          columns: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
          dtypes: Mapping[str, Mapping[str, str]] | None = None) -> tuple[pd.DataFrame, ...]:
    # One Arrow chunk per column: pd.read_parquet returns a million mentions in 8 chunks, and
    # pyarrow's take on a chunked column joins the chunks first, so picking 500 sentences out of
    # them took 10-300 ms instead of 1 ms, on every page that shows passages.
    def wanted(name: str) -> list[str] | None:
        chosen = columns.get(name) if isinstance(columns, Mapping) else columns
        return None if chosen is None else list(chosen)
    return tuple(_read_file(entry_path / f"{name}.parquet", wanted(name), (dtypes or {}).get(name, {}))
                 for name in names)


def _read_file(path: Path, columns: list[str] | None, dtypes: Mapping[str, str] | None = None) -> pd.DataFrame:
    # A column at a time, and the freed buffers handed back to the system after each: read whole,
    # a million mentions (149 MB as Arrow) took 505 MB of RSS, kept by Arrow's allocator.
    parquet = pq.ParquetFile(path)
    names = columns if columns is not None else parquet.schema_arrow.names
    categorical = [name for name, dtype in (dtypes or {}).items() if dtype == "category" and name in names]
    plain = [name for name in names if name not in categorical]
    pool = pa.default_memory_pool()
    arrays = []
    for name in plain:
        arrays.append(parquet.read(columns=[name]).column(0).combine_chunks())
        pool.release_unused()
    frame = pa.Table.from_arrays(arrays, schema=pa.schema([parquet.schema_arrow.field(name) for name in plain],
                                                          metadata=parquet.schema_arrow.metadata)).to_pandas()
    pool.release_unused()
    if not plain:
        frame = pd.DataFrame(index=pd.RangeIndex(parquet.metadata.num_rows))
    for name in categorical:
        frame[name] = _categorical(path, name)
        pool.release_unused()
    narrowed = {name: dtype for name, dtype in (dtypes or {}).items() if name in plain and dtype != "category"}
    return (frame.astype(narrowed) if narrowed else frame)[names]


def _categorical(path: Path, name: str) -> pd.Categorical:
    """Column ``name`` as a categorical whose categories are its distinct values in pandas' own
    sort order (of the column's dtype), read dictionary-encoded: a million article ids repeated
    ten times each take 4 bytes a row and the ids once, instead of 36+ bytes a row. Sorted, so
    that sorting, ``factorize(sort=True)`` and every order derived from the codes are the order of
    the values themselves (Parquet's dictionaries are in order of first appearance: an export's
    actor order changed when they were kept so)."""
    dtype = pa.schema([pq.read_schema(path).field(name)]).empty_table().to_pandas()[name].dtype
    column = pq.ParquetFile(path, read_dictionary=[name]).read(columns=[name]).column(0).unify_dictionaries()
    if column.num_chunks == 0:
        return pd.Categorical([], categories=pd.Index([], dtype=dtype))
    values = pd.Index(column.chunk(0).dictionary.to_pandas(), dtype=dtype)
    codes = np.concatenate([chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
                            for chunk in column.chunks])
    # Arrow may put a null into the dictionary itself: its rows are missing values, as nulls are.
    present = np.flatnonzero(values.notna())
    order = present[values[present].argsort(kind="stable")]
    rank = np.full(len(values) + 1, -1, dtype=np.int32)  # a null's code (-1) indexes the last
    rank[order] = np.arange(len(order), dtype=np.int32)
    return pd.Categorical.from_codes(rank[codes], categories=values[order], validate=False)


def cached_articles(engine: sa.Engine, cache_dir: Path | None, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``reads.load_articles``, kept as Parquet in ``cache_dir`` under the store's revision
    (``cached``): reading 100k articles from Parquet takes a tenth of the SQL read. The file
    is written a batch at a time (``batches.article_batches``). ``columns``: only those are read
    from the file (the dashboard leaves the texts there); all of them without a file."""
    return cached(cache_dir, "articles", str(database.revision(engine)), ("articles",),
                  lambda: (reads.load_articles(engine),), lambda folder: _write_articles(engine, folder), columns)[0]


def articles_file(engine: sa.Engine, cache_dir: Path) -> Path:
    """The articles frame's file for the store as it is now, written first if missing."""
    prepare_articles(engine, cache_dir)
    return cache_dir / f"articles-{database.revision(engine)}" / "articles.parquet"


def text_index(engine: sa.Engine, cache_dir: Path, documents: Callable[[list, list], tuple[list[str], list[str]]]) -> Path:
    """The folder of the full-text index (``text_index``) of the store as it is now, written
    first if missing (from the articles frame, a batch at a time)."""
    revision = str(database.revision(engine))
    with entry(cache_dir, "search", revision, (text_index_file.INDEX_FILE,)) as folder:
        if folder is not None:
            text_index_file.write(articles_file(engine, cache_dir), folder, documents)
    return cache_dir / f"search-{revision}"


def text_index_written(engine: sa.Engine, cache_dir: Path) -> bool:
    """Whether the full-text index of the store as it is now is written (``text_index`` then only
    names its folder)."""
    return _present(cache_dir, "search", str(database.revision(engine)), (text_index_file.INDEX_FILE,))


def prepare_articles(engine: sa.Engine, cache_dir: Path) -> None:
    """Write ``cached_articles``' file for the store as it is now, without reading it back."""
    with entry(cache_dir, "articles", str(database.revision(engine)), ("articles",)) as folder:
        if folder is not None:
            _write_articles(engine, folder)


def _write_articles(engine: sa.Engine, folder: Path) -> None:
    with frame_files.ParquetFrames(folder / "articles.parquet", schema.empty_articles()) as out:
        for batch in batches.article_batches(engine):
            out.write(batch)
