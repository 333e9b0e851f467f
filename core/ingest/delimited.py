"""CSV and TSV exports, streamed record by record, so memory does not grow with the file.

Every record is bounded: a line or a record longer than ``max_record_bytes``
(``core.config.MAX_DOCUMENT_BYTES``, the size of the largest single article we accept) is
skipped without being held and reported by its position, and a quote never closed is reported
and the lines it swallowed are read again as rows.
"""
from __future__ import annotations

import csv
import io
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from core import config
from core.errors import InputError
from core.ingest import column_aliases, json_events, raw_record, text_files

# A quoted field may hold line breaks; one that runs on for this many lines is a missing quote.
MAX_LINES_PER_RECORD = 5000
# Python's csv refuses fields over 128 KB; article bodies and scraped HTML cells are larger. Records
# are bounded by max_record_bytes before the csv module sees them, so its own limit is lifted.
csv.field_size_limit(sys.maxsize)


def read_delimited(path: Path, fmt: str, *, max_record_bytes: int = config.MAX_DOCUMENT_BYTES) -> Iterator[dict]:
    """CSV and TSV, streamed record by record. A row with a missing quote is reported and the
    lines it swallowed are read again as rows of their own; a record longer than
    ``max_record_bytes`` is reported and skipped."""
    nuls = text_files.NulCount()
    return text_files.with_nul_note(_read_delimited(path, fmt, max_record_bytes, nuls), nuls)


def _read_delimited(path: Path, fmt: str, limit: int, nuls: text_files.NulCount) -> Iterator[dict]:
    stream, encoding = text_files.open_text(path)
    with stream:
        lines = text_files.numbered_lines(stream, limit, nuls)
        _, first = next(lines, (None, None))
        if isinstance(first, text_files.LongLine):
            raise InputError(path, f"header row: {text_files.too_long(first, limit)}")
        if first is None or not first.strip():
            raise InputError(path, "empty file (no header row)")
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(first)
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
        mapping, ignored, ignored_names = column_aliases.column_map(header)
        column_aliases.require_text_column(path, mapping, header)
        note = column_aliases.ignored_note(ignored, ignored_names)
        row_number = 0
        pending: list[tuple[int, str]] = []  # (line number, line) of a record still open
        pending_chars = quotes = 0
        replay: deque = deque()
        # After a broken row, the lines it swallowed are read again; those that still do not make
        # a whole row belong to the broken one and are not reported as rows of their own.
        resyncing = False

        def row(fields: list[str], number: int) -> dict:
            return raw_record.new(row_number, fmt, encoding, note=note if row_number == 1 else None,
                                  **column_aliases.fields_from_mapping(fields.__getitem__, mapping, nuls, f"line {number}"))

        while True:
            if replay:
                number, line = replay.popleft()
            else:
                number, line = next(lines, (None, None))
            if line is None or isinstance(line, text_files.LongLine):
                if pending:
                    # The file ends, or an over-long line comes, inside an open record: it cannot
                    # be completed. Report it and read the lines it swallowed as rows.
                    if line is not None:
                        replay.appendleft((number, line))
                    if not resyncing:
                        row_number += 1
                        yield raw_record.new(row_number, fmt, encoding, problem="a quote opened here is never closed",
                                             where=f"row {row_number} (line {pending[0][0]})")
                        resyncing = True
                    replay.extendleft(reversed(pending[1:]))
                    pending, pending_chars, quotes = [], 0, 0
                    continue
                if line is None:
                    break
                row_number += 1
                resyncing = True
                yield raw_record.new(row_number, fmt, encoding, problem=text_files.too_long(line, limit),
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
                    yield raw_record.new(row_number, fmt, encoding, problem=trouble, where=f"row {row_number} (line {pending[0][0]})")
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
