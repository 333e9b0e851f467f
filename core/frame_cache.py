"""Frames derived from the store, kept as Parquet files beside it so that a new process (the
dashboard's cold start) reads them instead of deriving them again.

An entry is a folder ``<kind>-<key>`` holding one Parquet file per frame. The key carries
everything the frames depend on (the store's revision, the dictionary version), so a write to the
store makes the next reader derive afresh, and stale entries of the same kind are removed when a
new one is written. Entries are written under a temporary name and renamed whole: a reader never
sees half an entry, and a writer killed half-way leaves only a dot-folder that is never read.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd
import pyarrow.parquet as pq


def cached(cache_dir: Path | None, kind: str, key: str, names: Sequence[str],
           derive: Callable[[], Sequence[pd.DataFrame]]) -> tuple[pd.DataFrame, ...]:
    """The frames ``names`` of entry ``kind``-``key``: read from ``cache_dir`` when present, else
    ``derive()``, written, and read back (so a first start and every later one see the same
    dtypes). ``cache_dir`` None (a store that is not a local file) derives every time."""
    if cache_dir is None:
        return tuple(derive())
    entry = cache_dir / f"{kind}-{key}"
    if all((entry / f"{name}.parquet").exists() for name in names):
        return _read(entry, names)
    frames = tuple(derive())
    if len(frames) != len(names):
        raise ValueError(f"frame cache {kind}: {len(frames)} frame(s) derived for {len(names)} name(s)")
    partial = cache_dir / f".{entry.name}.{os.getpid()}"
    partial.mkdir(parents=True, exist_ok=True)
    for name, frame in zip(names, frames):
        frame.to_parquet(partial / f"{name}.parquet", index=False)
    try:
        partial.rename(entry)
    except OSError:  # a concurrent writer's entry is already there, and as good
        shutil.rmtree(partial, ignore_errors=True)
    for old in cache_dir.iterdir():
        if old.name.startswith(f"{kind}-") and old.name != entry.name:
            shutil.rmtree(old, ignore_errors=True)
    return _read(entry, names)


def _read(entry: Path, names: Sequence[str]) -> tuple[pd.DataFrame, ...]:
    # One Arrow chunk per column: pd.read_parquet returns a million mentions in 8 chunks, and
    # pyarrow's take on a chunked column joins the chunks first, so picking 500 sentences out of
    # them took 10-300 ms instead of 1 ms, on every page that shows passages.
    return tuple(pq.read_table(entry / f"{name}.parquet").combine_chunks().to_pandas() for name in names)
