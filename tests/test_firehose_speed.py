"""The firehose's speed-ups store and write exactly what the plain paths do: rows made a column at
a time (``schema.records``), the dashboard's text frames written in a process of their own beside
the actor frames, the matcher's indexes built once before the extraction workers are forked."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import schema


def _records_by_row(frame: pd.DataFrame) -> list[dict]:
    """What ``schema.records`` gave before it read a column at a time."""
    return [{key: (None if schema._missing(value) else value) for key, value in row.items()}
            for row in frame.to_dict("records")]


def test_records_a_column_at_a_time_are_the_rows_to_dict_gives():
    frame = pd.DataFrame({
        "text": pd.Series(["a", None, "c"], dtype="str"),
        "count": [1, 2, 3],
        "score": [1.5, np.nan, 2.0],
        "at": pd.to_datetime(["2020-01-01", None, "2021-01-01"], utc=True),
        "day": pd.to_datetime(["2020-01-01", None, "2021-01-01"]).astype("datetime64[us]"),
        "mixed": pd.Series([np.arange(3, dtype=np.uint32), None, np.int64(7)], dtype=object),
        "numpy": pd.Series([np.float64("nan"), np.bool_(True), np.float32(2.5)], dtype=object),
        "flag": [True, False, True],
        "nullable": pd.Series([1, None, 3], dtype="Int64"),
        "kind": pd.Series(["x", "y", None], dtype="category"),
    })
    expected, got = _records_by_row(frame), schema.records(frame)
    assert len(got) == 3 and [list(row) for row in got] == [list(frame.columns)] * 3
    for want, have in zip(expected, got):
        for name in frame.columns:
            assert type(have[name]) is type(want[name]), name
            if isinstance(want[name], np.ndarray):
                assert np.array_equal(have[name], want[name])
            else:
                assert have[name] == want[name] or (have[name] is None and want[name] is None), name
    assert got[2]["mixed"] == 7 and type(got[2]["mixed"]) is int  # a numpy scalar made a Python one
    assert got[1]["score"] is None and got[1]["at"] is None and got[2]["kind"] is None
    assert schema.records(frame.iloc[:0]) == [] and schema.records(pd.DataFrame(index=range(2))) == [{}, {}]
