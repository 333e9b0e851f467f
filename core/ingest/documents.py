"""Single-article files, read whole up to a size limit: plain text and HTML pages become one raw
record each; RSS and Atom feeds one record per item, their HTML reduced to text.
"""
from __future__ import annotations

import html
import xml.parsers.expat
from collections.abc import Iterator
from pathlib import Path

import feedparser

from core.errors import InputError
from core.ingest import decode, html_text, raw_record

# RSS and Atom are a few levels deep (rss, channel, item, media:group, media:content); XHTML
# content adds its own nesting. 256 is libxml2's own default limit for documents. feedparser keeps
# a stack entry per open element: a 20 MB feed nested a million levels took 340 MB and 15 s.
MAX_FEED_DEPTH = 256


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
        yield raw_record.new(1, "html", encoding, page=text, note=note)
    else:
        yield raw_record.new(1, "text", encoding, text=text, note=note)


def feed_depth_problem(data: bytes) -> str | None:
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
    too_deep = feed_depth_problem(data)
    if too_deep:
        raise InputError(path, too_deep)
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except (RecursionError, MemoryError) as err:
        raise InputError(path, f"not a readable RSS/Atom feed (feedparser gave up: {type(err).__name__})") from None
    entries = parsed.entries
    if parsed.bozo and not entries:
        raise InputError(path, f"not a readable RSS/Atom feed ({raw_record.one_line(parsed.bozo_exception)})")
    if not entries:
        raise InputError(path, "feed has no items")
    fmt = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    channel = parsed.feed
    source = html.unescape(channel.get("title", "")).strip() or None
    language = channel.get("language")
    note = None
    if parsed.bozo:
        note = f"malformed feed ({raw_record.one_line(parsed.bozo_exception)}); {len(entries)} item(s) salvaged"
    for index, entry in enumerate(entries, start=1):
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = body if len(body) >= len(entry.get("summary", "")) else entry.get("summary", "")
        yield raw_record.new(
            index, fmt, parsed.get("encoding"),
            title=html_text.html_fragment_to_text(entry.get("title", "")) or None,
            text=html_text.html_fragment_to_text(body),
            published_raw=entry.get("published") or entry.get("updated"),
            url=entry.get("link"),
            source=source,
            language_declared=entry.get("language") or language,
            note=note if index == 1 else None,
        )
