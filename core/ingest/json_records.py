"""JSON and JSON Lines exports, streamed item by item, so memory does not grow with the file.

Every item is bounded: a line or an item longer than ``max_record_bytes``
(``core.config.MAX_DOCUMENT_BYTES``) is skipped without being held and reported by its position;
JSON is read from events with a nesting limit (``core.ingest.json_events``), so no input reaches a
recursive or quadratic parser.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import ijson

from core import config
from core.errors import InputError
from core.ingest import column_aliases, json_events, raw_record, text_files


class _ObjectRows:
    """JSON objects to raw records; which key holds the title, the text... is learned from the
    first object, and the keys it leaves out are noted once."""

    def __init__(self, path: Path, fmt: str, encoding: str, nuls: text_files.NulCount):
        self.path, self.fmt, self.encoding, self.nuls = path, fmt, encoding, nuls
        self.mapping: dict[str, str] | None = None

    def record(self, number: int, value) -> dict:
        if not isinstance(value, dict):
            return raw_record.new(number, self.fmt, self.encoding, problem=f"expected an object, found {_json_type(value)}")
        note = None
        if self.mapping is None:
            keys = list(value)
            by_index, ignored, ignored_names = column_aliases.column_map(keys)
            column_aliases.require_text_column(self.path, by_index, keys)
            self.mapping = {field: keys[i] for field, i in by_index.items()}
            note = column_aliases.ignored_note(ignored, ignored_names)
        where = f"{raw_record.POSITION_WORD[self.fmt]} {number}"
        return raw_record.new(number, self.fmt, self.encoding, note=note,
                              **column_aliases.fields_from_mapping(value.get, self.mapping, self.nuls, where))


def _json_type(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def read_jsonl(path: Path, *, max_record_bytes: int = config.MAX_DOCUMENT_BYTES) -> Iterator[dict]:
    """JSON Lines, one object per line; a line that is not one (invalid, nested deeper than
    ``json_events.MAX_JSON_DEPTH``, longer than ``max_record_bytes``) is reported by its number."""
    nuls = text_files.NulCount()
    return text_files.with_nul_note(_read_jsonl(path, max_record_bytes, nuls), nuls)


def _read_jsonl(path: Path, limit: int, nuls: text_files.NulCount) -> Iterator[dict]:
    stream, encoding = text_files.open_text(path)
    objects = _ObjectRows(path, "jsonl", encoding, nuls)
    with stream:
        for number, line in text_files.numbered_lines(stream, limit, nuls):
            if isinstance(line, text_files.LongLine):
                yield raw_record.new(number, "jsonl", encoding, problem=text_files.too_long(line, limit))
                continue
            if not line.strip():
                continue
            try:
                value = json_events.parse_line(line)
            except json_events.Rejected as err:
                yield raw_record.new(number, "jsonl", encoding, problem=str(err))
                continue
            except json.JSONDecodeError as err:
                yield raw_record.new(number, "jsonl", encoding, problem=f"invalid JSON ({json_events.decode_error(err)})")
                continue
            except ValueError as err:  # an integer of more than 4,300 digits
                yield raw_record.new(number, "jsonl", encoding, problem=f"invalid JSON ({raw_record.one_line(err, 80)})")
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
    nuls = text_files.NulCount()
    return text_files.with_nul_note(_read_json(path, max_record_bytes, nuls), nuls)


def _read_json(path: Path, limit: int, nuls: text_files.NulCount) -> Iterator[dict]:
    encoding = text_files.file_encoding(path)
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
                yield raw_record.new(done, "json", encoding, problem=str(err))
                continue
            done += 1
            yield objects.record(done, item)
        for _ in events:
            pass
    except json_events.Unreadable as err:
        yield raw_record.new(done + 1, "json", encoding, problem=f"{err}; the items after it were not read")
    except ijson.JSONError as err:
        yield raw_record.new(done + 1, "json", encoding,
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
                problem = problem or f'the value of "{column_aliases.shown_names([key], 1)}": {value}'
            else:
                fields[key] = value
    except ijson.JSONError as err:
        raise InputError(path, f"invalid JSON ({json_events.error_reason(err)})") from None
    except json_events.Unreadable as err:
        raise InputError(path, f"invalid JSON ({err})") from None
    if problem:
        raise InputError(path, problem)
    keys = list(fields)
    by_index, ignored, ignored_names = column_aliases.column_map(keys)
    if "text" not in by_index and any(v == [] for v in fields.values()):
        return  # an export whose list of articles is empty ({"articles": []})
    column_aliases.require_text_column(path, by_index, keys)
    mapping = {field: keys[i] for field, i in by_index.items()}
    yield raw_record.new(1, "json", encoding, note=column_aliases.ignored_note(ignored, ignored_names),
                         **column_aliases.fields_from_mapping(fields.get, mapping, nuls=objects.nuls, where="the object"))


def _json_field(events, event: str, value, budget: json_events.Budget):
    """One value of a single-article object, or the Rejected saying why it cannot be kept."""
    try:
        return json_events.build(events, event, value, max_depth=json_events.MAX_JSON_DEPTH, budget=budget)
    except json_events.Rejected as err:
        return err
