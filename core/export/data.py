"""Frames as data files: CSV, JSON Lines, JSON and XLSX bytes (``to_bytes``), with what the
export records about itself (``export_metadata``: the view, the time, the filters) inside the file
or, for CSV and JSON Lines, in a JSON manifest beside it (``manifest_bytes``).

Article text is untrusted: a cell that a spreadsheet could read as a formula gets a leading
apostrophe in CSV and XLSX, and XLSX splits a text longer than a cell holds over continuation
columns instead of letting it be cut (both in ``core.export.spreadsheet``). A list cell (an
article's actors, a story's article ids) is an array in JSON and one readable text in CSV and XLSX
(its items' ``str``, joined by ``LIST_SEPARATOR``). docs/export.md describes every format.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from core.export import spreadsheet

FORMATS = ("csv", "jsonl", "json", "xlsx")
# The formats the dashboard's "Download data" offers (JSON Lines is for the command line).
DATA_FORMATS = ("csv", "xlsx", "json")
# Formats with no place for the metadata inside the file: it goes into a manifest beside it.
SIDECAR_FORMATS = ("csv", "jsonl")
_FORMAT_NAMES = {"csv": "CSV", "jsonl": "JSON Lines"}
# An XLSX time is a number with a date format: Excel has no time zones. Aware times are written
# as UTC, and the header of each such column says so in a comment.
_EXCEL_DATETIME, _EXCEL_DATE = "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd"
_UTC_NOTE = ("UTC: Excel dates carry no time zone, so these times are written in UTC "
             "(the CSV and JSON exports write them with their +00:00 offset)")


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text: every format below then agrees on how a date is written."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(lambda v: v.isoformat() if pd.notna(v) else None).astype("string")
    return out


# Between the items of a list cell in CSV and XLSX (JSON keeps arrays): "Russia (Q159) | Iran (Q794)".
LIST_SEPARATOR = " | "


def _listlike(value) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (an article's actors, a story's article ids, a day's sample sentences) as one
    text each, each item as its ``str`` (``core.export.articles`` gives its items a readable one):
    a spreadsheet cell holds no list, and CSV would write Python's repr of it."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(_listlike).any():
            out[column] = out[column].map(
                lambda v: LIST_SEPARATOR.join("" if item is None else str(item) for item in v) if _listlike(v) else v)
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    plain = _plain(frame).astype(object)
    return [{k: (None if v is pd.NA or (isinstance(v, float) and pd.isna(v)) else
                 [_jsonable(item) for item in v] if _listlike(v) else v) for k, v in row.items()}
            for row in plain.to_dict("records")]


def _jsonable(value):
    """Values as JSON understands them: dates as ISO text, sets sorted, tuples as lists,
    dataclasses (an article's actors and mentioned dates) as objects, missing values as null."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # not dataclasses.asdict, which deep-copies: a JSON Lines export of 100k articles naming
        # a million actors took 25 s with it, 6 s without
        return {name: _jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (dt.datetime, dt.date, dt.time, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is pd.NA:
        return None
    return str(value)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def export_metadata(view: str, filters: Mapping, exported_at: dt.datetime,
                    actor_names: Mapping[str, str] | None = None) -> dict:
    """What a data export records about itself: ``view``, ``exported_at`` (ISO 8601, as given:
    pass an aware time) and every active filter under its own name (``Filters.to_dict()``), values
    made JSON-safe (dates as ISO text, sets as sorted lists). The actors filter, ids in
    ``filters``, is recorded as ``[{"id": ..., "name": ...}]`` with the English names from
    ``actor_names`` (id -> name; null for an id it lacks), so that a reader of the file need not
    look the ids up. Pass the result to ``to_bytes`` (JSON, XLSX), ``manifest_bytes`` (CSV,
    JSON Lines) or ``files.write`` (which chooses)."""
    clash = {"view", "exported_at"} & set(filters)
    if clash:
        raise ValueError(f"filter name(s) {', '.join(sorted(clash))} are reserved for the export itself")
    recorded = {str(k): _jsonable(v) for k, v in filters.items()}
    if "actors" in recorded:
        names = actor_names or {}
        recorded["actors"] = [{"id": actor_id, "name": _jsonable(names.get(actor_id))} for actor_id in recorded["actors"]]
    return {"view": view, "exported_at": exported_at.isoformat(timespec="seconds"), **recorded}


def manifest_bytes(frame: pd.DataFrame, file_name: str, metadata: Mapping) -> bytes:
    """The JSON manifest of a CSV or JSON Lines file of ``frame`` named ``file_name``:
    ``{"file": file_name, "rows": ..., "columns": [...], "metadata": {...}}``, ``metadata`` as
    ``export_metadata`` gives it (the JSON export's ``metadata`` holds the same). ``rows`` lets a
    reader check that the file it has is whole."""
    document = {"file": file_name, "rows": len(frame), "columns": [str(c) for c in frame.columns],
                "metadata": _jsonable(dict(metadata))}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def to_bytes(frame: pd.DataFrame, fmt: str, metadata: Mapping | None = None) -> bytes:
    """The frame in one of ``FORMATS``, with ``metadata`` (for example ``export_metadata(...)``)
    recorded in the file:

    - CSV: the header row first, then one row per row of the frame, every text field quoted;
      UTF-8 with a byte-order mark (Excel then reads every script; pandas and DuckDB skip it;
      Python's ``csv`` module wants the file opened with ``encoding="utf-8-sig"``);
    - JSON: ``{"metadata": {...}, "articles": [...]}``;
    - XLSX: a sheet ``articles`` (times as date cells, in UTC), then a sheet ``filters``
      (setting, value: text as is, anything else as JSON), then, if a text was longer than a
      cell holds, a sheet ``notes`` saying which continuation columns to join (see ``_xlsx_sheet``).

    CSV and JSON Lines have no place for metadata inside the file: asking for it there is an error
    rather than a silent loss; ``manifest_bytes`` makes the file that goes beside them.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from: {', '.join(FORMATS)})")
    if fmt in SIDECAR_FORMATS and metadata:
        raise ValueError(f"{_FORMAT_NAMES[fmt]} has no place for the filters inside the file: write them beside "
                         f"it (manifest_bytes, or files.write with a file), or export json or xlsx to keep them inside")
    if fmt == "csv":
        buffer = io.StringIO()
        # Every text field quoted: pandas leaves a lone carriage return unquoted otherwise, which
        # splits the row in spreadsheet programs.
        # Long texts stay whole: CSV has no cell limit (a spreadsheet opening it cuts them; XLSX does not).
        spreadsheet.neutralize_formulas(_flat(_plain(frame))).to_csv(buffer, index=False, quoting=csv.QUOTE_NONNUMERIC)
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(frame)).encode()
    if fmt == "json":
        document = {"metadata": _jsonable(dict(metadata or {})), "articles": _records(frame)}
        return json.dumps(document, ensure_ascii=False, indent=1).encode()
    buffer = io.BytesIO()
    # in_memory: xlsxwriter otherwise assembles the file from temporary files in the system's temp
    # folder, so a full /tmp broke the export with a traceback even though nothing else is written there.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", datetime_format=_EXCEL_DATETIME, date_format=_EXCEL_DATE,
                        engine_kwargs={"options": options}) as writer:
        # The articles come first: a spreadsheet opens on them, and pandas.read_excel reads them
        # without being told the sheet.
        cells, utc = _excel_times(frame)
        notes = [_xlsx_sheet(writer, _flat(cells), "articles", utc)]
        if metadata:
            values = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                      for v in map(_jsonable, metadata.values())]
            settings = pd.DataFrame({"setting": [str(k) for k in metadata], "value": values}, dtype=object)
            notes.append(_xlsx_sheet(writer, settings, "filters"))
        notes = pd.concat(notes, ignore_index=True)
        if len(notes):
            spreadsheet.neutralize_formulas(notes).to_excel(writer, sheet_name="notes", index=False)
    return buffer.getvalue()


def _excel_times(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The frame with its times ready to be Excel date cells, and the names of the columns that
    were timezone-aware (now UTC without a zone). A naive column whose every time is midnight
    (a calendar day, as the mentioned dates are) becomes dates without a time."""
    out, utc = frame.copy(), []
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out[column] = values.dt.tz_convert("UTC").dt.tz_localize(None)
            utc.append(str(column))
        elif pd.api.types.is_datetime64_any_dtype(values):
            present = values.dropna()
            if len(present) and (present == present.dt.normalize()).all():
                out[column] = pd.Series([v.date() if pd.notna(v) else None for v in values], index=values.index,
                                        dtype=object)
    return out, utc


def _xlsx_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, sheet: str, utc: list[str] = ()) -> pd.DataFrame:
    """Write ``frame`` as ``sheet`` with formulas guarded and long texts split over continuation
    columns; the header of each continuation column carries a comment saying what it continues,
    and that of each column in ``utc`` a comment saying its times are UTC.
    Returns the rows for the ``notes`` sheet: sheet, column, row (the spreadsheet's row number,
    the header being row 1; empty for a whole column), parts (the columns to join), note."""
    guarded = spreadsheet.neutralize_formulas(frame)
    cells, notes = spreadsheet.split_long_cells(guarded)
    cells.to_excel(writer, sheet_name=sheet, index=False)
    names = [str(name) for name in cells.columns]
    header = dict(zip(map(str, frame.columns), map(str, guarded.columns)))  # a name may have gained an apostrophe
    for name in utc:
        writer.sheets[sheet].write_comment(0, names.index(header[name]), _UTC_NOTE)
    for parts in notes.loc[notes["row"].isna(), "parts"]:
        for name in parts[1:]:
            writer.sheets[sheet].write_comment(
                0, names.index(name), f"continues {parts[0]}: join {', '.join(parts)} in this order with nothing "
                                      f"between (sheet notes)")
    notes.insert(0, "sheet", sheet)
    notes["row"] = notes["row"] + 2
    notes["parts"] = notes["parts"].map(", ".join)
    return notes


