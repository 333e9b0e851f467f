"""Frames derived from the store, kept as Parquet files beside it so that a new process (the
dashboard's cold start) reads them instead of deriving them again.

An entry is a folder ``<kind>-<key>`` holding one Parquet file per frame. The key carries
everything the frames depend on (the store's revision, the dictionary version), so a write to the
store makes the next reader derive afresh, and stale entries of the same kind are removed when a
new one is written. Entries are written under a temporary name and renamed whole: a reader never
sees half an entry, and a writer killed half-way leaves only a dot-folder that is never read.

A frame can be written whole (``cached``) or batch by batch (``entry`` and ``ParquetFrames``),
so that a frame larger than memory is written without ever being held.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def cached(cache_dir: Path | None, kind: str, key: str, names: Sequence[str],
           derive: Callable[[], Sequence[pd.DataFrame]],
           write: Callable[[Path], None] | None = None) -> tuple[pd.DataFrame, ...]:
    """The frames ``names`` of entry ``kind``-``key``: read from ``cache_dir`` when present, else
    derived, written, and read back (so a first start and every later one see the same dtypes).
    They are derived by ``write(folder)``, which writes each ``<name>.parquet`` into the folder
    (batch by batch, see ``ParquetFrames``), when given, else by ``derive()``, which returns them
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


def present(cache_dir: Path, kind: str, key: str, names: Sequence[str]) -> bool:
    entry_path = cache_dir / f"{kind}-{key}"
    return all((entry_path / f"{name}.parquet").exists() for name in names)


@contextlib.contextmanager
def entry(cache_dir: Path, kind: str, key: str, names: Sequence[str]) -> Iterator[Path | None]:
    """A folder to write the Parquet files ``names`` of entry ``kind``-``key`` into; it becomes
    the entry when the block ends without an error, and older entries of ``kind`` are removed.
    None when the entry is already there (nothing to write). A block that fails leaves nothing."""
    path = cache_dir / f"{kind}-{key}"
    if present(cache_dir, kind, key, names):
        yield None
        return
    partial = cache_dir / f".{path.name}.{os.getpid()}"
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


class ParquetFrames:
    """One Parquet file written a batch (row group) at a time. Every batch is given the columns
    and dtypes of ``template`` (an empty frame), so the file reads back as one frame with those
    dtypes, as ``DataFrame.to_parquet`` of the whole would."""

    def __init__(self, path: Path, template: pd.DataFrame):
        self.template = template
        self.schema = pa.Schema.from_pandas(template, preserve_index=False)
        self._writer = pq.ParquetWriter(path, self.schema)
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        frame = frame.loc[:, list(self.template.columns)].astype(self.template.dtypes.to_dict())
        self._writer.write_table(pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False))
        self.rows += len(frame)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __enter__(self) -> "ParquetFrames":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read(cache_dir: Path, kind: str, key: str, names: Sequence[str]) -> tuple[pd.DataFrame, ...]:
    """The frames of an entry that is present (``present``)."""
    return _read(cache_dir / f"{kind}-{key}", names)


def _read(entry_path: Path, names: Sequence[str]) -> tuple[pd.DataFrame, ...]:
    # One Arrow chunk per column: pd.read_parquet returns a million mentions in 8 chunks, and
    # pyarrow's take on a chunked column joins the chunks first, so picking 500 sentences out of
    # them took 10-300 ms instead of 1 ms, on every page that shows passages.
    return tuple(pq.read_table(entry_path / f"{name}.parquet").combine_chunks().to_pandas() for name in names)


class Spill:
    """Records of one numpy ``dtype`` appended to a file and read back by range: what a derivation
    gathers in one pass over the corpus and needs again a slice at a time (``story_corpus.StoryCorpus``
    keeps the (article, actor) pairs and the story links of the corpus here, 8 and 16 bytes each,
    instead of in memory). The file is removed on close."""

    def __init__(self, path: Path, dtype: np.dtype):
        self.path, self.dtype = path, np.dtype(dtype)
        self._handle = path.open("w+b")
        self.rows = 0

    def append(self, rows: np.ndarray) -> None:
        self._handle.seek(0, os.SEEK_END)
        np.ascontiguousarray(rows, dtype=self.dtype).tofile(self._handle)
        self.rows += len(rows)

    def read(self, start: int, stop: int) -> np.ndarray:
        self._handle.flush()
        self._handle.seek(start * self.dtype.itemsize)
        return np.fromfile(self._handle, dtype=self.dtype, count=max(stop - start, 0))

    def close(self) -> None:
        self._handle.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Rows read back at a time from a file written batch by batch.
READ_BATCH_ROWS = 100_000


def read_batches(path: Path) -> Iterator[pd.DataFrame]:
    """A Parquet file's rows, READ_BATCH_ROWS at a time."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=READ_BATCH_ROWS):
        yield batch.to_pandas()
