"""Reading every input format into raw records, one per article, for ``core.ingest``.

A raw record is a dict with the keys of ``RAW_KEYS``. Problems with one row or item become a
record with ``problem`` set, so the rest of the file still goes in; problems with the whole file
raise ``InputError``. Single-article formats (text, HTML, feeds) are read whole, up to a size
limit; multi-article exports (CSV, TSV, JSON, JSONL) are streamed, so memory does not grow with
the file.

Every record is bounded: a line, a CSV record or a JSON item longer than ``max_record_bytes``
(``core.config.MAX_DOCUMENT_BYTES``, the size of the largest single article we accept) is
skipped without being held and reported by its position; JSON is read from events with a nesting
limit (``core.json_events``), so no input reaches a recursive or quadratic parser.
"""
from __future__ import annotations

import csv
import html
import io
import json
import sys
import xml.parsers.expat
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import feedparser
import ijson

from core import config
from core.ingest import decode, json_events, scraped_text
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
_ALIASES = frozenset(alias for aliases in COLUMN_ALIASES.values() for alias in aliases)
# A quoted field may hold line breaks; one that runs on for this many lines is a missing quote.
MAX_LINES_PER_RECORD = 5000
# Python's csv refuses fields over 128 KB; article bodies and scraped HTML cells are larger. Records
# are bounded by max_record_bytes before the csv module sees them, so its own limit is lifted.
csv.field_size_limit(sys.maxsize)
# An over-long line is read past in pieces of this many characters, never whole.
_SKIP_CHARS = 1 << 20
# Notes and messages name at most this many columns or keys (a header of a million columns once
# wrote an 8.9 MB note), each cut to this many characters.
MAX_LISTED_NAMES = 20
MAX_NAME_CHARS = 40
# RSS and Atom are a few levels deep (rss, channel, item, media:group, media:content); XHTML
# content adds its own nesting. 256 is libxml2's own default limit for documents. feedparser keeps
# a stack entry per open element: a 20 MB feed nested a million levels took 340 MB and 15 s.
MAX_FEED_DEPTH = 256


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


def _column_map(columns: list) -> tuple[dict[str, int], int, list]:
    """Which column holds the title, the text...: ``(field -> column index, number of columns left
    out, the first few of their names)``. Linear in the number of columns: a header may be huge."""
    positions: dict[str, list[int]] = {}
    for index, column in enumerate(columns):
        name = "".join(str(column).lower().split()).replace("_", "").replace("-", "")
        if name in _ALIASES:
            positions.setdefault(name, []).append(index)
    mapping: dict[str, int] = {}
    for field, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            found = next((i for i in positions.get(alias, ()) if i not in mapping.values()), None)
            if found is not None:
                mapping[field] = found
                break
    used = set(mapping.values())
    left_out = [columns[i] for i in range(len(columns)) if i not in used][:MAX_LISTED_NAMES]
    return mapping, len(columns) - len(used), left_out


def _names(names: list, total: int) -> str:
    """Column or key names for a message: at most MAX_LISTED_NAMES, each cut short."""
    shown = [str(n) if len(str(n)) <= MAX_NAME_CHARS else str(n)[:MAX_NAME_CHARS - 1] + "…" for n in names[:MAX_LISTED_NAMES]]
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def _require_text_column(path: Path, mapping: dict[str, int], columns: list) -> None:
    if "text" not in mapping:
        raise InputError(
            path,
            f"no text column (expected one of: {', '.join(COLUMN_ALIASES['text'][:5])}) "
            f"(found: {_names(columns, len(columns)) or 'nothing'})",
        )


class _NulCount:
    """NUL bytes removed from one file, for one note at its end (the text path notes them too)."""

    def __init__(self):
        self.count = 0
        self.first: str | None = None

    def strip(self, text: str, where: str) -> str:
        if "\x00" not in text:
            return text
        self.count += text.count("\x00")
        self.first = self.first or where
        return text.replace("\x00", "")

    def note(self) -> str | None:
        return f"removed {self.count} NUL byte(s) (the first in {self.first})" if self.count else None


def _with_nul_note(records: Iterator[dict], nuls: _NulCount) -> Iterator[dict]:
    """The records, the last one carrying the file's NUL note: its count is known only at the end."""
    last = None
    for raw in records:
        if last is not None:
            yield last
        last = raw
    if last is not None:
        note = nuls.note()
        if note:
            last["note"] = "; ".join(n for n in (last.get("note"), note) if n)
        yield last


def _fields_from_mapping(get, mapping: dict, nuls: _NulCount, where: str) -> dict:
    fields = {}
    for field, column in mapping.items():
        value = get(column)
        if value is None:
            continue
        value = nuls.strip(str(value), where).strip()
        if value:
            fields[field] = value
    return fields


def _ignored_note(count: int, names: list) -> str | None:
    return f"ignored column(s): {_names(names, count)}" if count else None


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


class _LongLine(NamedTuple):
    """A line longer than the record limit, read past without being held."""

    chars: int


def _too_long(line: _LongLine, limit: int) -> str:
    return (f"a line longer than {json_events.size_text(limit)} ({json_events.size_text(line.chars)}): "
            "one article is never that long; skipped")


def _numbered_lines(stream: io.TextIOBase, limit: int, nuls: _NulCount) -> Iterator[tuple[int, str | _LongLine]]:
    """``(line number, line with its line end)``, NUL bytes removed; a line of more than ``limit``
    characters comes as a ``_LongLine`` after being read past in pieces. Characters, not bytes,
    are counted: a character is at least one byte in every encoding, so no line within the byte
    limit is refused, and memory per line stays bounded."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            chars = len(line)
            while piece := stream.readline(_SKIP_CHARS):
                chars += len(piece)
                if piece.endswith(("\n", "\r")):
                    break
            yield number, _LongLine(chars)
            continue
        yield number, nuls.strip(line, f"line {number}")


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


def _feed_depth_problem(data: bytes) -> str | None:
    """A problem if the XML nests deeper than MAX_FEED_DEPTH, found with expat before feedparser
    builds anything. A feed expat cannot parse is left to feedparser's lenient reader."""
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    class TooDeep(Exception):
        pass

    def start(name, attributes):
        nonlocal depth
        depth += 1
        if depth > MAX_FEED_DEPTH:
            raise TooDeep

    def end(name):
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(data, True)
    except TooDeep:
        return (f"XML nested deeper than {MAX_FEED_DEPTH} elements (at line {parser.CurrentLineNumber}, "
                f"column {parser.CurrentColumnNumber + 1}): not an RSS/Atom feed")
    except xml.parsers.expat.ExpatError:
        return None
    return None


def _read_feed(path: Path, data: bytes) -> Iterator[dict]:
    too_deep = _feed_depth_problem(data)
    if too_deep:
        raise InputError(path, too_deep)
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except (RecursionError, MemoryError) as err:
        raise InputError(path, f"not a readable RSS/Atom feed (feedparser gave up: {type(err).__name__})") from None
    entries = parsed.entries
    if parsed.bozo and not entries:
        raise InputError(path, f"not a readable RSS/Atom feed ({_one_line(parsed.bozo_exception)})")
    if not entries:
        raise InputError(path, "feed has no items")
    fmt = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    channel = parsed.feed
    source = html.unescape(channel.get("title", "")).strip() or None
    language = channel.get("language")
    note = None
    if parsed.bozo:
        note = f"malformed feed ({_one_line(parsed.bozo_exception)}); {len(entries)} item(s) salvaged"
    for index, entry in enumerate(entries, start=1):
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = body if len(body) >= len(entry.get("summary", "")) else entry.get("summary", "")
        yield record(
            index, fmt, parsed.get("encoding"),
            title=scraped_text.html_fragment_to_text(entry.get("title", "")) or None,
            text=scraped_text.html_fragment_to_text(body),
            published_raw=entry.get("published") or entry.get("updated"),
            url=entry.get("link"),
            source=source,
            language_declared=entry.get("language") or language,
            note=note if index == 1 else None,
        )


def _one_line(err: object, limit: int = 200) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def read_delimited(path: Path, fmt: str, *, max_record_bytes: int = config.MAX_DOCUMENT_BYTES) -> Iterator[dict]:
    """CSV and TSV, streamed record by record. A row with a missing quote is reported and the
    lines it swallowed are read again as rows of their own; a record longer than
    ``max_record_bytes`` is reported and skipped."""
    nuls = _NulCount()
    return _with_nul_note(_read_delimited(path, fmt, max_record_bytes, nuls), nuls)


def _read_delimited(path: Path, fmt: str, limit: int, nuls: _NulCount) -> Iterator[dict]:
    stream, encoding = _open_text(path)
    with stream:
        lines = _numbered_lines(stream, limit, nuls)
        _, first = next(lines, (None, None))
        if isinstance(first, _LongLine):
            raise InputError(path, f"header row: {_too_long(first, limit)}")
        if first is None or not first.strip():
            raise InputError(path, "empty file (no header row)")
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(first)
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
        mapping, ignored, ignored_names = _column_map(header)
        _require_text_column(path, mapping, header)
        note = _ignored_note(ignored, ignored_names)
        row_number = 0
        pending: list[tuple[int, str]] = []  # (line number, line) of a record still open
        pending_chars = quotes = 0
        replay: deque = deque()
        # After a broken row, the lines it swallowed are read again; those that still do not make
        # a whole row belong to the broken one and are not reported as rows of their own.
        resyncing = False

        def row(fields: list[str], number: int) -> dict:
            return record(row_number, fmt, encoding, note=note if row_number == 1 else None,
                          **_fields_from_mapping(fields.__getitem__, mapping, nuls, f"line {number}"))

        while True:
            if replay:
                number, line = replay.popleft()
            else:
                number, line = next(lines, (None, None))
            if line is None or isinstance(line, _LongLine):
                if pending:
                    # The file ends, or an over-long line comes, inside an open record: it cannot
                    # be completed. Report it and read the lines it swallowed as rows.
                    if line is not None:
                        replay.appendleft((number, line))
                    if not resyncing:
                        row_number += 1
                        yield record(row_number, fmt, encoding, problem="a quote opened here is never closed",
                                     where=f"row {row_number} (line {pending[0][0]})")
                        resyncing = True
                    replay.extendleft(reversed(pending[1:]))
                    pending, pending_chars, quotes = [], 0, 0
                    continue
                if line is None:
                    break
                row_number += 1
                resyncing = True
                yield record(row_number, fmt, encoding, problem=_too_long(line, limit),
                             where=f"row {row_number} (line {number})")
                continue
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
                    yield row(fields, number)
                    continue
            pending.append((number, line))
            pending_chars += len(line)
            quotes += line.count('"')
            if quotes % 2 and len(pending) < MAX_LINES_PER_RECORD and pending_chars <= limit:
                continue
            fields = None if quotes % 2 else _one_record(pending, delimiter)
            if fields is None or len(fields) != len(header):
                if not resyncing:
                    row_number += 1
                    if fields is not None:
                        trouble = f"expected {len(header)} fields, found {len(fields)}"
                    elif pending_chars > limit:
                        trouble = (f"a record longer than {json_events.size_text(limit)} (a quote opened and never closed, "
                                   "or a field larger than any article)")
                    else:
                        trouble = ("broken quoting (a quote opened and never closed, or a quote inside a field "
                                   "that is not doubled)")
                    yield record(row_number, fmt, encoding, problem=trouble, where=f"row {row_number} (line {pending[0][0]})")
                    resyncing = True
                replay.extendleft(reversed(pending[1:]))
                pending, pending_chars, quotes = [], 0, 0
                continue
            first_line = pending[0][0]
            pending, pending_chars, quotes, resyncing = [], 0, 0, False
            row_number += 1
            yield row(fields, first_line)


def _one_record(lines: list[tuple[int, str]], delimiter: str) -> list[str] | None:
    """The fields of the lines if they make exactly one well-formed record, else None."""
    try:
        records = list(csv.reader(io.StringIO("".join(text for _, text in lines)), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return records[0] if len(records) == 1 else None


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


class _ObjectRows:
    """JSON objects to raw records; which key holds the title, the text... is learned from the
    first object, and the keys it leaves out are noted once."""

    def __init__(self, path: Path, fmt: str, encoding: str, nuls: _NulCount):
        self.path, self.fmt, self.encoding, self.nuls = path, fmt, encoding, nuls
        self.mapping: dict[str, str] | None = None

    def record(self, number: int, value) -> dict:
        if not isinstance(value, dict):
            return record(number, self.fmt, self.encoding, problem=f"expected an object, found {_json_type(value)}")
        note = None
        if self.mapping is None:
            keys = list(value)
            by_index, ignored, ignored_names = _column_map(keys)
            _require_text_column(self.path, by_index, keys)
            self.mapping = {field: keys[i] for field, i in by_index.items()}
            note = _ignored_note(ignored, ignored_names)
        where = f"{_POSITION_WORD[self.fmt]} {number}"
        return record(number, self.fmt, self.encoding, note=note,
                      **_fields_from_mapping(value.get, self.mapping, self.nuls, where))


def _json_type(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def read_jsonl(path: Path, *, max_record_bytes: int = config.MAX_DOCUMENT_BYTES) -> Iterator[dict]:
    """JSON Lines, one object per line; a line that is not one (invalid, nested deeper than
    ``json_events.MAX_JSON_DEPTH``, longer than ``max_record_bytes``) is reported by its number."""
    nuls = _NulCount()
    return _with_nul_note(_read_jsonl(path, max_record_bytes, nuls), nuls)


def _read_jsonl(path: Path, limit: int, nuls: _NulCount) -> Iterator[dict]:
    stream, encoding = _open_text(path)
    objects = _ObjectRows(path, "jsonl", encoding, nuls)
    with stream:
        for number, line in _numbered_lines(stream, limit, nuls):
            if isinstance(line, _LongLine):
                yield record(number, "jsonl", encoding, problem=_too_long(line, limit))
                continue
            if not line.strip():
                continue
            try:
                value = json_events.parse_line(line)
            except json_events.Rejected as err:
                yield record(number, "jsonl", encoding, problem=str(err))
                continue
            except json.JSONDecodeError as err:
                yield record(number, "jsonl", encoding, problem=f"invalid JSON ({json_events.decode_error(err)})")
                continue
            except ValueError as err:  # an integer of more than 4,300 digits
                yield record(number, "jsonl", encoding, problem=f"invalid JSON ({_one_line(err, 80)})")
                continue
            yield objects.record(number, value)


class _Utf8Reader:
    """A text stream read as UTF-8 bytes: ijson's parser reads bytes, and exports in UTF-16 or a
    legacy code page exist."""

    def __init__(self, stream: io.TextIOBase):
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size).encode("utf-8")

    def close(self) -> None:
        self.stream.close()


def _json_bytes(path: Path, encoding: str) -> io.RawIOBase | _Utf8Reader:
    if encoding in ("utf-8", "ascii"):
        return open(path, "rb")
    return _Utf8Reader(open(path, encoding=encoding, errors="replace"))


def read_json(path: Path, *, max_record_bytes: int = config.MAX_DOCUMENT_BYTES) -> Iterator[dict]:
    """A JSON file: a list of article objects (at the top, or under the first key of the top
    object that holds a list of objects), streamed item by item; or one article object. An item
    nested deeper than ``json_events.MAX_JSON_DEPTH`` or larger than ``max_record_bytes`` is
    reported by its number, and the items after it are read."""
    nuls = _NulCount()
    return _with_nul_note(_read_json(path, max_record_bytes, nuls), nuls)


def _read_json(path: Path, limit: int, nuls: _NulCount) -> Iterator[dict]:
    encoding = _file_encoding(path)
    source = json_events.GuardedSource(_json_bytes(path, encoding), limit)
    objects = _ObjectRows(path, "json", encoding, nuls)
    try:
        events = iter(ijson.basic_parse(source, use_float=True))
        try:
            event, value = next(events)
        except ijson.JSONError as err:
            if not source.saw_content:
                raise InputError(path, "empty file (only whitespace)") from None
            raise InputError(path, f"invalid JSON ({json_events.error_reason(err)})") from None
        except json_events.Unreadable as err:
            raise InputError(path, f"invalid JSON ({err})") from None
        if event == "start_array":
            yield from _json_items(events, objects, encoding, limit)
        elif event == "start_map":
            yield from _json_object(path, events, objects, encoding, limit)
        else:
            raise InputError(path, f"expected an object or a list of objects, found {_json_type(value)}")
    finally:
        source.close()


def _json_items(events, objects: _ObjectRows, encoding: str, limit: int, first: tuple | None = None) -> Iterator[dict]:
    """The items of a list whose start_array was read (and, with ``first``, its first item's first
    event); then the rest of the file, read only to find out whether it is whole."""
    done = 0  # items read whole
    try:
        while True:
            event, value = first or next(events)
            first = None
            if event == "end_array":
                break
            try:
                item = json_events.build(events, event, value, max_depth=json_events.MAX_JSON_DEPTH,
                                         budget=json_events.Budget(limit))
            except json_events.Rejected as err:
                done += 1
                yield record(done, "json", encoding, problem=str(err))
                continue
            done += 1
            yield objects.record(done, item)
        for _ in events:
            pass
    except json_events.Unreadable as err:
        yield record(done + 1, "json", encoding, problem=f"{err}; the items after it were not read")
    except ijson.JSONError as err:
        yield record(done + 1, "json", encoding,
                     problem=f"truncated or invalid JSON after item {done} ({json_events.error_reason(err)}); "
                             "the items before it were read")


def _json_object(path: Path, events, objects: _ObjectRows, encoding: str, limit: int) -> Iterator[dict]:
    """A top-level object whose start_map was read: the first key holding a list that starts with
    an object (or a list) is the list of articles; otherwise the object is one article."""
    fields: dict = {}
    budget = json_events.Budget(limit)
    problem = None
    try:
        while (event := next(events))[0] != "end_map":
            key = event[1]
            event, value = next(events)
            if event == "start_array":
                event, value = next(events)
                if event in ("start_map", "start_array"):
                    yield from _json_items(events, objects, encoding, limit, first=(event, value))
                    return
                # A list of strings or numbers (tags, authors): a field of a single article.
                values = []
                while event != "end_array":
                    values.append(_json_field(events, event, value, budget))
                    event, value = next(events)
                value = values
            else:
                value = _json_field(events, event, value, budget)
            if isinstance(value, json_events.Rejected):
                problem = problem or f'the value of "{_names([key], 1)}": {value}'
            else:
                fields[key] = value
    except ijson.JSONError as err:
        raise InputError(path, f"invalid JSON ({json_events.error_reason(err)})") from None
    except json_events.Unreadable as err:
        raise InputError(path, f"invalid JSON ({err})") from None
    if problem:
        raise InputError(path, problem)
    keys = list(fields)
    by_index, ignored, ignored_names = _column_map(keys)
    if "text" not in by_index and any(v == [] for v in fields.values()):
        return  # an export whose list of articles is empty ({"articles": []})
    _require_text_column(path, by_index, keys)
    mapping = {field: keys[i] for field, i in by_index.items()}
    yield record(1, "json", encoding, note=_ignored_note(ignored, ignored_names),
                 **_fields_from_mapping(fields.get, mapping, nuls=objects.nuls, where="the object"))


def _json_field(events, event: str, value, budget: json_events.Budget):
    """One value of a single-article object, or the Rejected saying why it cannot be kept."""
    try:
        return json_events.build(events, event, value, max_depth=json_events.MAX_JSON_DEPTH, budget=budget)
    except json_events.Rejected as err:
        return err
