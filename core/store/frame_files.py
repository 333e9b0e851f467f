"""Frames written to files and read back a batch at a time, so that none is held whole: a Parquet
file written a row group at a time (``ParquetFrames``) and read back in batches (``read_batches``),
a scratch file of numpy records read back by range (``Spill``), and a column left in its file,
held as keys (``keys``) and read by rows (``read_rows``, ``read_columns``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


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
    """A Parquet file's rows, READ_BATCH_ROWS at a time (or fewer: a row group's end ends a batch)."""
    for batch in arrow_batches(path, READ_BATCH_ROWS):
        yield batch.to_pandas()


def arrow_batches(path: Path, rows: int, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """A Parquet file's ``columns``, at most ``rows`` rows at a time, a row group read at a time.
    Not ``ParquetFile.iter_batches``: Arrow keeps what it has read until the iteration ends
    (11 MB more for every 10k articles of 3 KB: 1.1 GB over a million)."""
    parquet = pq.ParquetFile(path)
    for number in range(parquet.num_row_groups):
        group = parquet.read_row_group(number, columns=columns)
        for start in range(0, group.num_rows, rows):
            yield group.slice(start, rows)


# --- a column left in its file ------------------------------------------------------------------
# The dashboard holds the mentions without their sentences (a 100-400 character string for each of
# ten million mentions is most of a million articles' memory). It holds a 64-bit key of each
# instead (``keys``), enough to count distinct passages, and reads the sentences of the rows it
# shows (``read_rows``).

def keys(path: Path, column: str, fallback: str) -> np.ndarray:
    """A 64-bit hash of ``column`` (``fallback`` where it is null) for every row of a Parquet
    file, in the file's order: equal values, equal keys. DuckDB reads and hashes the file in its own
    vectorised threads without the strings ever becoming Python objects (0.1 s a million rows)."""
    connection = duckdb.connect()
    try:
        # One thread keeps the file's order without an ORDER BY over a row number.
        connection.execute("SET threads = 1")
        found = connection.execute(f'SELECT hash(coalesce("{column}", "{fallback}")) AS key FROM read_parquet(?)',
                                   [str(path)]).fetchnumpy()["key"]
    finally:
        connection.close()
    return np.asarray(found).view(np.int64)


def _row_groups(parquet: pq.ParquetFile, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each row group of ``parquet`` (and its total), and the group of each of
    ``rows``."""
    starts = np.cumsum([0] + [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)])
    return starts, np.searchsorted(starts, rows, side="right") - 1


def read_rows(path: Path, column: str, rows: np.ndarray) -> pd.Series:
    """The values of ``column`` at the positions ``rows`` of a Parquet file, in that order: only the
    row groups holding them are read."""
    rows = np.asarray(rows, dtype=np.int64)
    parquet = pq.ParquetFile(path)
    starts, group = _row_groups(parquet, rows)
    out = np.empty(len(rows), dtype=object)
    for number in np.unique(group):
        at = np.flatnonzero(group == number)
        values = parquet.read_row_group(int(number), columns=[column]).column(0)
        out[at] = values.take(pa.array(rows[at] - starts[number])).to_pylist()
    return pd.Series(out, dtype="str")


def read_numbers(path: Path, column: str, rows: np.ndarray) -> np.ndarray:
    """The values of a numeric ``column`` without gaps at the positions ``rows`` of a Parquet file,
    in that order, as int64: only the row groups holding them are read."""
    return read_columns(path, [column], rows)[column].to_numpy(dtype=np.int64)


def read_columns(path: Path, columns: list[str], rows: np.ndarray) -> pd.DataFrame:
    """``columns`` at the positions ``rows`` of a Parquet file, in that order, with the dtypes the
    whole file reads back with (its pandas metadata): only the row groups holding them are read.
    The dashboard leaves the articles' titles and URLs in their file and reads those it shows."""
    rows = np.asarray(rows, dtype=np.int64)
    parquet = pq.ParquetFile(path)
    starts, group = _row_groups(parquet, rows)
    order = np.argsort(group, kind="stable")
    parts = [pa.schema([parquet.schema_arrow.field(name) for name in columns]).empty_table()]
    for number in np.unique(group):
        taken = rows[order[group[order] == number]] - starts[number]
        parts.append(parquet.read_row_group(int(number), columns=columns).take(pa.array(taken)))
    found = pa.concat_tables(parts).combine_chunks()
    back = np.empty(len(rows), dtype=np.int64)  # each row's place among the row groups' takes
    back[order] = np.arange(len(rows))
    found = found.take(pa.array(back)).replace_schema_metadata(parquet.schema_arrow.metadata)
    return found.to_pandas()
