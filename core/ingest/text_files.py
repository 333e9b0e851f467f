"""Text files opened in their own encoding and read as bounded lines, with the NUL bytes that
damaged exports carry removed and counted for one note per file.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from core.errors import InputError
from core.ingest import decode, json_events

# An over-long line is read past in pieces of this many characters, never whole.
_SKIP_CHARS = 1 << 20


class NulCount:
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


def with_nul_note(records: Iterator[dict], nuls: NulCount) -> Iterator[dict]:
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


def file_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        sample = handle.read(decode.SAMPLE_BYTES)
    try:
        return decode.detect_encoding(sample)
    except decode.NotText as err:
        raise InputError(path, str(err)) from None


def open_text(path: Path) -> tuple[io.TextIOWrapper, str]:
    encoding = file_encoding(path)
    return open(path, encoding=encoding, errors="replace", newline=""), encoding


class LongLine(NamedTuple):
    """A line longer than the record limit, read past without being held."""

    chars: int


def too_long(line: LongLine, limit: int) -> str:
    return (f"a line longer than {json_events.size_text(limit)} ({json_events.size_text(line.chars)}): "
            "one article is never that long; skipped")


def numbered_lines(stream: io.TextIOBase, limit: int, nuls: NulCount) -> Iterator[tuple[int, str | LongLine]]:
    """``(line number, line with its line end)``, NUL bytes removed; a line of more than ``limit``
    characters comes as a ``LongLine`` after being read past in pieces. Characters, not bytes,
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
            yield number, LongLine(chars)
            continue
        yield number, nuls.strip(line, f"line {number}")
