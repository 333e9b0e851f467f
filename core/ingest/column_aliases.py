"""Which column of an export (or key of a JSON object) holds the title, the text, the date...:
the names exports use for each field, and the mapping from a header to a raw record's fields.
"""
from __future__ import annotations

from pathlib import Path

from core.errors import InputError
from core.ingest import text_files

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
# Notes and messages name at most this many columns or keys (a header of a million columns once
# wrote an 8.9 MB note), each cut to this many characters.
MAX_LISTED_NAMES = 20
MAX_NAME_CHARS = 40


def column_map(columns: list) -> tuple[dict[str, int], int, list]:
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


def shown_names(names: list, total: int) -> str:
    """Column or key names for a message: at most MAX_LISTED_NAMES, each cut short."""
    shown = [str(n) if len(str(n)) <= MAX_NAME_CHARS else str(n)[:MAX_NAME_CHARS - 1] + "…" for n in names[:MAX_LISTED_NAMES]]
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def require_text_column(path: Path, mapping: dict[str, int], columns: list) -> None:
    if "text" not in mapping:
        raise InputError(
            path,
            f"no text column (expected one of: {', '.join(COLUMN_ALIASES['text'][:5])}) "
            f"(found: {shown_names(columns, len(columns)) or 'nothing'})",
        )


def fields_from_mapping(get, mapping: dict, nuls: text_files.NulCount, where: str) -> dict:
    fields = {}
    for field, column in mapping.items():
        value = get(column)
        if value is None:
            continue
        value = nuls.strip(str(value), where).strip()
        if value:
            fields[field] = value
    return fields


def ignored_note(count: int, names: list) -> str | None:
    return f"ignored column(s): {shown_names(names, count)}" if count else None
