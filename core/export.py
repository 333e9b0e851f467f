"""Writing articles out for reports and other tools: CSV, JSON Lines, JSON and XLSX.

Article text is untrusted: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would run as a formula when the file is opened in a spreadsheet, so such cells get a
leading apostrophe in CSV and XLSX (the OWASP advice for CSV injection).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

FORMATS = ("csv", "jsonl", "json", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell can be read as a formula. Needs nothing; text columns only change."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text: every format below then agrees on how a date is written."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(lambda v: v.isoformat() if pd.notna(v) else None).astype("string")
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    plain = _plain(frame).astype(object)
    return [{k: (None if v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v) for k, v in row.items()}
            for row in plain.to_dict("records")]


def to_bytes(frame: pd.DataFrame, fmt: str, metadata: dict | None = None) -> bytes:
    """The frame in one of ``FORMATS``. ``metadata`` (for example the active filters) is recorded
    in the file: a JSON key, a first XLSX sheet, or ``#`` comment lines at the top of a CSV."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from: {', '.join(FORMATS)})")
    if fmt == "csv":
        buffer = io.StringIO()
        for key, value in (metadata or {}).items():
            buffer.write(f"# {key}: {value}\n")
        # Every text field quoted: pandas leaves a lone carriage return unquoted otherwise, which
        # splits the row in spreadsheet programs.
        neutralize_formulas(_plain(frame)).to_csv(buffer, index=False, quoting=csv.QUOTE_NONNUMERIC)
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(frame)).encode()
    if fmt == "json":
        document = {"metadata": metadata or {}, "articles": _records(frame)}
        return json.dumps(document, ensure_ascii=False, indent=1).encode()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        if metadata:
            pd.DataFrame({"setting": list(metadata), "value": [str(v) for v in metadata.values()]}).to_excel(
                writer, sheet_name="filters", index=False)
        neutralize_formulas(_plain(frame)).to_excel(writer, sheet_name="articles", index=False)
    return buffer.getvalue()


def with_actors(articles: pd.DataFrame, by_article: pd.DataFrame) -> pd.DataFrame:
    """Articles with ``actors`` ("actor_id|English name|type; ...") and ``mentioned_dates``
    ("YYYY-MM-DD; ...") columns; empty strings for articles with none."""
    merged = articles.merge(by_article, on="article_id", how="left")
    for column in ("actors", "mentioned_dates"):
        merged[column] = merged[column].fillna("") if column in merged else ""
    return merged


def write(frame: pd.DataFrame, fmt: str, out: Path | None, metadata: dict | None = None) -> bytes:
    data = to_bytes(frame, fmt, metadata)
    if out is not None:
        Path(out).write_bytes(data)
    return data
