"""Reading every input format into raw records, one per article, for ``core.ingest``.

A raw record is a dict with the keys of ``RAW_KEYS``. Problems with one row or item become a
record with ``problem`` set, so the rest of the file still goes in; problems with the whole file
raise ``InputError``. Single-article formats (text, HTML, feeds) are read whole, up to a size
limit; multi-article exports (CSV, TSV, JSON, JSONL) are streamed, so memory does not grow with
the file.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import ijson

from core import clean, decode
from core.errors import InputError

RAW_KEYS = ("item", "where", "format", "encoding", "title", "text", "page", "published_raw", "url", "source",
            "language_declared", "problem", "note")
# How a user finds an article inside a file of each format (the text editor's or spreadsheet's word).
_POSITION_WORD = {"csv": "row", "tsv": "row", "jsonl": "line", "json": "item", "rss": "item", "atom": "item"}

EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}

# Column names seen in exports from scrapers, news APIs and spreadsheets, compared after
# lower-casing and dropping spaces, dashes and underscores.
COLUMN_ALIASES = {
    "title": ("title", "headline", "heading", "subject", "name"),
    "text": ("text", "body", "content", "description", "article", "maintext", "fulltext", "articletext", "summary"),
    "published_raw": ("published", "date", "pubdate", "datetime", "publishedat", "publishdate", "pubdatetime",
                      "publicationdate", "time", "timestamp", "createdat", "seendate", "updated"),
    "url": ("url", "link", "href", "permalink", "uri", "canonicalurl"),
    "source": ("source", "site", "outlet", "publisher", "sitename", "domain", "media", "feed", "newspaper"),
    "language_declared": ("language", "lang", "locale"),
}
# A quoted field may hold line breaks; one that runs on for this many lines is a missing quote.
MAX_LINES_PER_RECORD = 5000
# Python's csv refuses fields over 128 KB; article bodies and scraped HTML cells are larger.
csv.field_size_limit(256 * 1024 * 1024)


def record(item: int, fmt: str, encoding: str | None, **fields) -> dict:
    raw = dict.fromkeys(RAW_KEYS)
    word = _POSITION_WORD.get(fmt)
    raw.update(item=item, format=fmt, encoding=encoding, where=f"{word} {item}" if word else None)
    raw.update(fields)
    return raw


def sniff_format(path: Path, head: bytes) -> str | None:
    """Format from the extension, corrected by the first bytes: scrapers save HTML as .txt."""
    by_name = EXTENSIONS.get(path.suffix.lower())
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()[:512]
    if by_name in ("text", None):
        if start.startswith((b"<!doctype html", b"<html")) or (b"<html" in start and b"<body" in head.lower()):
            return "html"
        if start.startswith(b"<?xml") and (b"<rss" in head[:2048].lower() or b"<feed" in head[:2048].lower()):
            return "feed"
        if by_name is None and start[:1] in (b"{", b"["):
            return "json"
    return by_name


def _column_map(columns: list[str]) -> tuple[dict[str, str], list[str]]:
    normalized = {c: re.sub(r"[\s_\-]+", "", str(c).strip().lower()) for c in columns}
    mapping: dict[str, str] = {}
    for field, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            found = next((c for c, n in normalized.items() if n == alias and c not in mapping.values()), None)
            if found is not None:
                mapping[field] = found
                break
    ignored = [c for c in columns if c not in mapping.values()]
    return mapping, ignored


def _require_text_column(path: Path, mapping: dict[str, str], columns: list[str]) -> None:
    if "text" not in mapping:
        raise InputError(
            path,
            f"no text column (expected one of: {', '.join(COLUMN_ALIASES['text'][:5])}) "
            f"(found: {', '.join(map(str, columns)) or 'nothing'})",
        )


def _fields_from_mapping(values: dict, mapping: dict[str, str]) -> dict:
    fields = {}
    for field, column in mapping.items():
        value = values.get(column)
        if value is None:
            continue
        value = str(value).strip()
        if value:
            fields[field] = value
    return fields


def _ignored_note(ignored: list[str]) -> str | None:
    return f"ignored column(s): {', '.join(map(str, ignored))}" if ignored else None


def _file_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        sample = handle.read(decode.SAMPLE_BYTES)
    try:
        return decode.detect_encoding(sample)
    except decode.NotText as err:
        raise InputError(path, str(err)) from None


def _open_text(path: Path) -> tuple[io.TextIOWrapper, str]:
    encoding = _file_encoding(path)
    return open(path, encoding=encoding, errors="replace", newline=""), encoding


def read_document(path: Path, data: bytes, fmt: str) -> Iterator[dict]:
    """Text, HTML and feed files, already read in full."""
    if fmt == "feed":
        yield from _read_feed(path, data)
        return
    try:
        text, encoding, nuls = decode.decode(data)
    except decode.NotText as err:
        raise InputError(path, str(err)) from None
    note = f"removed {nuls} NUL byte(s)" if nuls else None
    if not text.strip():
        raise InputError(path, "empty file (only whitespace)")
    if fmt == "html":
        yield record(1, "html", encoding, page=text, note=note)
    else:
        yield record(1, "text", encoding, text=text, note=note)


def _read_feed(path: Path, data: bytes) -> Iterator[dict]:
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.entries
    if parsed.bozo and not entries:
        raise InputError(path, f"not a readable RSS/Atom feed ({parsed.bozo_exception})")
    if not entries:
        raise InputError(path, "feed has no items")
    fmt = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    channel = parsed.feed
    source = html.unescape(channel.get("title", "")).strip() or None
    language = channel.get("language")
    note = None
    if parsed.bozo:
        note = f"malformed feed ({parsed.bozo_exception}); {len(entries)} item(s) salvaged"
    for index, entry in enumerate(entries, start=1):
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = body if len(body) >= len(entry.get("summary", "")) else entry.get("summary", "")
        yield record(
            index, fmt, parsed.get("encoding"),
            title=clean.html_fragment_to_text(entry.get("title", "")) or None,
            text=clean.html_fragment_to_text(body),
            published_raw=entry.get("published") or entry.get("updated"),
            url=entry.get("link"),
            source=source,
            language_declared=entry.get("language") or language,
            note=note if index == 1 else None,
        )


def read_delimited(path: Path, fmt: str) -> Iterator[dict]:
    """CSV and TSV, streamed record by record. A row with a missing quote is reported and the
    lines it swallowed are read again as rows of their own."""
    stream, encoding = _open_text(path)
    with stream:
        lines = _physical_lines(stream)
        first = next(lines, None)
        if first is None or not first.strip():
            raise InputError(path, "empty file (no header row)")
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter))
        header = [h.strip() for h in header]
        mapping, ignored = _column_map(header)
        _require_text_column(path, mapping, header)
        note = _ignored_note(ignored)
        row_number = 0
        pending: list[tuple[int, str]] = []  # (line number, line) of a record still open
        quotes = 0
        replay: list[tuple[int, str]] = []
        # After a broken row, the lines it swallowed are read again; those that still do not make
        # a whole row belong to the broken one and are not reported as rows of their own.
        resyncing = False
        numbered = ((n, line) for n, line in enumerate(lines, start=2))
        while True:
            if replay:
                number, line = replay.pop(0)
            else:
                nxt = next(numbered, None)
                if nxt is None:
                    break
                number, line = nxt
            if not pending and not line.strip():
                continue
            if not pending and fmt == "tsv":
                # Tab-separated exports mostly do not quote at all, and a quote inside a field is
                # text (a Hebrew abbreviation, a quoted word): a line with the right number of
                # tabs is a whole row. Quoted multi-line fields fall through to the CSV rules.
                fields = line.rstrip("\r\n").split("\t")
                if len(fields) == len(header):
                    row_number += 1
                    resyncing = False
                    yield record(row_number, fmt, encoding, note=note if row_number == 1 else None,
                                 **_fields_from_mapping(dict(zip(header, fields)), mapping))
                    continue
            pending.append((number, line))
            quotes += line.count('"')
            if quotes % 2 and len(pending) < MAX_LINES_PER_RECORD:
                continue
            fields = _one_record(pending, delimiter)
            if fields is None or len(fields) != len(header):
                if not resyncing:
                    row_number += 1
                    trouble = ("broken quoting (a quote opened and never closed, or a quote inside a field "
                               "that is not doubled)" if fields is None else
                               f"expected {len(header)} fields, found {len(fields)}")
                    yield record(row_number, fmt, encoding, problem=trouble, where=f"row {row_number} (line {pending[0][0]})")
                    resyncing = True
                replay = pending[1:] + replay
                pending, quotes = [], 0
                continue
            pending, quotes, resyncing = [], 0, False
            row_number += 1
            values = dict(zip(header, fields))
            yield record(row_number, fmt, encoding, note=note if row_number == 1 else None,
                         **_fields_from_mapping(values, mapping))
        if pending and not resyncing:
            row_number += 1
            yield record(row_number, fmt, encoding, problem="a quote opened here is never closed",
                         where=f"row {row_number} (line {pending[0][0]})")


def _one_record(lines: list[tuple[int, str]], delimiter: str) -> list[str] | None:
    """The fields of the lines if they make exactly one well-formed record, else None."""
    try:
        records = list(csv.reader(io.StringIO("".join(text for _, text in lines)), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return records[0] if len(records) == 1 else None


def _physical_lines(stream: io.TextIOBase) -> Iterator[str]:
    """Lines with their line ends, so a quoted field keeps its inner line breaks."""
    for line in stream:
        yield line.replace("\x00", "")


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


class _ObjectRows:
    """JSON objects to raw records; which key holds the title, the text... is learned from the
    first object, and the keys it leaves out are noted once."""

    def __init__(self, path: Path, fmt: str, encoding: str):
        self.path, self.fmt, self.encoding = path, fmt, encoding
        self.mapping: dict[str, str] | None = None

    def record(self, number: int, value) -> dict:
        if not isinstance(value, dict):
            return record(number, self.fmt, self.encoding, problem=f"expected an object, found {type(value).__name__}")
        note = None
        if self.mapping is None:
            self.mapping, ignored = _column_map(list(value))
            _require_text_column(self.path, self.mapping, list(value))
            note = _ignored_note(ignored)
        return record(number, self.fmt, self.encoding, note=note, **_fields_from_mapping(value, self.mapping))


def read_jsonl(path: Path) -> Iterator[dict]:
    stream, encoding = _open_text(path)
    objects = _ObjectRows(path, "jsonl", encoding)
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                yield record(number, "jsonl", encoding, problem=f"invalid JSON ({err.msg} at column {err.colno})")
                continue
            yield objects.record(number, value)


class _Utf8Reader:
    """A text stream read as UTF-8 bytes: ijson's parser reads bytes, and exports in UTF-16 or a
    legacy code page exist."""

    def __init__(self, stream: io.TextIOBase):
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size).encode("utf-8")


def _json_bytes(path: Path, encoding: str) -> io.RawIOBase | _Utf8Reader:
    if encoding in ("utf-8", "ascii"):
        return open(path, "rb")
    return _Utf8Reader(open(path, encoding=encoding, errors="replace"))


def _json_list_prefix(path: Path, encoding: str) -> str | None:
    """Where the list of articles is: the top level, or the first key holding a list of objects."""
    source = _json_bytes(path, encoding)
    try:
        for prefix, event, _ in ijson.parse(source):
            if event == "start_array" and prefix == "":
                return "item"
            if event == "start_array" and "." not in prefix:
                return f"{prefix}.item"
    except ijson.JSONError:
        return None
    finally:
        getattr(source, "stream", source).close()
    return None


def read_json(path: Path) -> Iterator[dict]:
    encoding = _file_encoding(path)
    prefix = _json_list_prefix(path, encoding)
    if prefix is None:
        yield from _read_json_object(path, encoding)
        return
    objects = _ObjectRows(path, "json", encoding)
    count = 0
    source = _json_bytes(path, encoding)
    try:
        for count, value in enumerate(ijson.items(source, prefix, use_float=True), start=1):
            yield objects.record(count, value)
    except ijson.JSONError as err:
        reason = " ".join(str(err).split("\n")[0].split())
        yield record(count + 1, "json", encoding,
                     problem=f"truncated or invalid JSON after item {count} ({reason}); the items before it were read")
    finally:
        getattr(source, "stream", source).close()


def _read_json_object(path: Path, encoding: str) -> Iterator[dict]:
    """A file holding one article as an object. Read whole: it is one article, within the size limit."""
    with open(path, encoding=encoding, errors="replace") as handle:
        text = handle.read()
    if not text.strip():
        raise InputError(path, "empty file (only whitespace)")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(path, f"invalid JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
    if not isinstance(value, dict):
        raise InputError(path, f"expected an object or a list of objects, found {type(value).__name__}")
    mapping, ignored = _column_map(list(value))
    _require_text_column(path, mapping, list(value))
    yield record(1, "json", encoding, note=_ignored_note(ignored), **_fields_from_mapping(value, mapping))
