"""The raw record every reader gives, one per article: a dict with the keys of ``RAW_KEYS``.

Problems with one row or item become a record with ``problem`` set, so the rest of the file still
goes in; problems with the whole file raise ``InputError``. ``where`` says how a user finds the
item in the file, in the word of the format ("row 12", "line 3", "item 7").
"""
from __future__ import annotations

from pathlib import Path

RAW_KEYS = ("item", "where", "format", "encoding", "title", "text", "page", "published_raw", "url", "source",
            "language_declared", "problem", "note")
# How a user finds an article inside a file of each format (the text editor's or spreadsheet's word).
POSITION_WORD = {"csv": "row", "tsv": "row", "jsonl": "line", "json": "item", "rss": "item", "atom": "item"}

EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}


def new(item: int, fmt: str, encoding: str | None, **fields) -> dict:
    raw = dict.fromkeys(RAW_KEYS)
    word = POSITION_WORD.get(fmt)
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


def one_line(err: object, limit: int = 200) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
