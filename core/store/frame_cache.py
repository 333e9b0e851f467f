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
from typing import Callable, Iterator, Sequence

import pandas as pd
import pyarrow.parquet as pq
import sqlalchemy as sa

from core import schema
from core.store import batches, database, frame_files, reads


def cached(cache_dir: Path | None, kind: str, key: str, names: Sequence[str],
           derive: Callable[[], Sequence[pd.DataFrame]],
           write: Callable[[Path], None] | None = None) -> tuple[pd.DataFrame, ...]:
    """The frames ``names`` of entry ``kind``-``key``: read from ``cache_dir`` when present, else
    derived, written, and read back (so a first start and every later one see the same dtypes).
    They are derived by ``write(folder)``, which writes each ``<name>.parquet`` into the folder
    (batch by batch, see ``frame_files.ParquetFrames``), when given, else by ``derive()``, which returns them
    whole. ``cache_dir`` None (a store that is not a local file) calls ``derive`` every time."""
    if cache_dir is None:
        return tuple(derive())
    path = cache_dir / f"{kind}-{key}"
    with entry(cache_dir, kind, key, names) as folder:
        if folder is not None:
            if write is not None:
                write(folder)
            else:
                _write_whole(folder, kind, names, derive())
    return _read(path, names)


def _write_whole(folder: Path, kind: str, names: Sequence[str], frames: Sequence[pd.DataFrame]) -> None:
    frames = tuple(frames)
    if len(frames) != len(names):
        raise ValueError(f"frame cache {kind}: {len(frames)} frame(s) derived for {len(names)} name(s)")
    for name, frame in zip(names, frames):
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def _present(cache_dir: Path, kind: str, key: str, names: Sequence[str]) -> bool:
    entry_path = cache_dir / f"{kind}-{key}"
    return all((entry_path / f"{name}.parquet").exists() for name in names)


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
    missing = [name for name in names if not (partial / f"{name}.parquet").exists()]
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


def _read(entry_path: Path, names: Sequence[str]) -> tuple[pd.DataFrame, ...]:
    # One Arrow chunk per column: pd.read_parquet returns a million mentions in 8 chunks, and
    # pyarrow's take on a chunked column joins the chunks first, so picking 500 sentences out of
    # them took 10-300 ms instead of 1 ms, on every page that shows passages.
    return tuple(pq.read_table(entry_path / f"{name}.parquet").combine_chunks().to_pandas() for name in names)


def cached_articles(engine: sa.Engine, cache_dir: Path | None) -> pd.DataFrame:
    """``reads.load_articles``, kept as Parquet in ``cache_dir`` under the store's revision
    (``cached``): reading 100k articles from Parquet takes a tenth of the SQL read. The file
    is written a batch at a time (``batches.article_batches``)."""
    return cached(cache_dir, "articles", str(database.revision(engine)), ("articles",),
                  lambda: (reads.load_articles(engine),), lambda folder: _write_articles(engine, folder))[0]


def prepare_articles(engine: sa.Engine, cache_dir: Path) -> None:
    """Write ``cached_articles``' file for the store as it is now, without reading it back."""
    with entry(cache_dir, "articles", str(database.revision(engine)), ("articles",)) as folder:
        if folder is not None:
            _write_articles(engine, folder)


def _write_articles(engine: sa.Engine, folder: Path) -> None:
    with frame_files.ParquetFrames(folder / "articles.parquet", schema.empty_articles()) as out:
        for batch in batches.article_batches(engine):
            out.write(batch)
