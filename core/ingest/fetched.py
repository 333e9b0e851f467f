"""Documents fetched from the web (``core.monitor``'s watcher) to prepared rows, through the same
cleaning as files: a feed item's content (its HTML reduced to text), or a whole page read by
trafilatura (``core.ingest.html_text``), then language, publication date and fingerprints
(``core.ingest.prepare``).

A document carries what the watcher knows of the item besides its body: the source's name (every
article of a followed source carries it, whatever the page says its site is called), its link,
the feed's title and date when the page gives none, and the key the watcher recognises it by.
"""
from __future__ import annotations

import dataclasses

from core.ingest import prepare, published_dates, raw_record, scraped_text


@dataclasses.dataclass(frozen=True)
class FetchedDocument:
    """One item of a followed source. ``fmt`` is "rss" or "atom" for a body taken from the feed
    (``text``, HTML or plain) and "html" for a fetched page (``page``, the whole HTML). ``url`` is
    the item's link (``origin_file`` of its article; the feed's URL when it has no link).
    ``problem`` rejects the item with that reason (recorded, never fetched again)."""
    source_id: int
    source: str
    item_key: str
    url: str | None
    origin: str
    fmt: str
    title: str | None = None
    text: str | None = None
    page: str | None = None
    published_raw: str | None = None
    language_declared: str | None = None
    note: str | None = None
    problem: str | None = None
    # The feed's own text of an item whose page is fetched: stored instead, with a note, when the
    # page holds no article (too little text, unreadable).
    fallback_text: str | None = None
    fallback_fmt: str = "rss"


def prepare_documents(documents: list[FetchedDocument], lexicon: scraped_text.Lexicon) -> list[dict]:
    """Prepared rows, one per document in order (``schema.records`` rows with ``signature``,
    ``where``, ``problem``, ``note``, as ``core.store`` takes them); a document that is not an
    article (too little text) is a row with its ``problem``."""
    rows = _prepared(documents, lexicon)
    retry = [i for i, (doc, row) in enumerate(zip(documents, rows)) if row.get("problem") and doc.fallback_text]
    if retry:
        again = _prepared([dataclasses.replace(
            documents[i], fmt=documents[i].fallback_fmt, page=None, text=documents[i].fallback_text, fallback_text=None,
            note="; ".join(filter(None, [documents[i].note, f"the page gave no article ({rows[i]['problem']}); "
                                                            "stored from the feed's text"]))) for i in retry], lexicon)
        for i, row in zip(retry, again):
            rows[i] = row
    return rows


def _prepared(documents: list[FetchedDocument], lexicon: scraped_text.Lexicon) -> list[dict]:
    raws = []
    for index, doc in enumerate(documents, start=1):
        raw = raw_record.new(index, doc.fmt, "utf-8", title=doc.title, text=doc.text, page=doc.page,
                             published_raw=doc.published_raw, url=doc.url, source=doc.source,
                             language_declared=doc.language_declared, note=doc.note, problem=doc.problem)
        raw["where"] = doc.url or doc.item_key
        raw["origin_file"] = doc.origin
        raws.append(raw)
    if not raws:
        return []
    rows = prepare.prepare_records(raws, None, lexicon)
    for doc, row in zip(documents, rows):
        # The registered name, not the page's own site name: a followed source is one outlet.
        row["source"] = doc.source
        if doc.fmt == "html":
            # A page that states no date or title of its own keeps the feed's.
            row["title"] = row.get("title") or doc.title
            if row.get("published") is None and doc.published_raw and not row.get("problem"):
                row["published"], row["published_precision"] = published_dates.parse_published(
                    doc.published_raw, row.get("language"))
    return rows
