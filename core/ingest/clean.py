"""Raw records to articles, the cleaning stage of a batch: title and body without the site's
furniture (``core.ingest.scraped_text`` for plain text, ``core.ingest.html_text`` for HTML and
snippets), the language (``core.ingest.language``) and the publication date
(``core.ingest.published_dates``).
"""
from __future__ import annotations

import html
import re

import pandas as pd

from core import dedup, languages, schema
from core.ingest import html_text, language, published_dates, scraped_text

# A brief (dedup.is_brief: a body of fewer than 20 words) is kept when it says something: a
# headline over any body, or one sentence on its own. Feed items, wire flashes and export rows of
# a headline and a sentence or two are a large share of what monitoring brings in.
# One sentence: at least this many words...
SENTENCE_WORDS = 4
# ... or, in a script written without spaces (Chinese, Japanese, Thai), this many characters.
SENTENCE_CHARS_UNSPACED = 12
# Formats whose records name their headline and body in fields of their own: their headline is
# the publisher's, not a guess from a page's layout, so a headline over any body is an article.
_RECORD_FORMATS = {"rss", "atom", "csv", "tsv", "json", "jsonl"}
# A body with no letter or digit ("...", "–") is no body.
_WORD = re.compile(r"\w")


def _one_sentence(text: str) -> bool:
    words = text.split()
    # Chinese or Japanese paragraphs are split by spaces too: three short ones are not three words.
    unspaced = len(words) <= 2 or languages.has_unspaced_script(text)
    return len(words) >= SENTENCE_WORDS or (unspaced and len(text) >= SENTENCE_CHARS_UNSPACED)


def _is_article(title: str | None, body: str, record_format: str) -> bool:
    if not dedup.is_brief(body) or _one_sentence(body):
        return True
    return bool(title and _WORD.search(body) and record_format in _RECORD_FORMATS)


def _not_an_article(body: str) -> str:
    words = languages.word_count(body)
    return ("no article found: only site furniture (menus, share buttons, comment prompts) or too little text "
            f"({words} word{'s' if words != 1 else ''} left: a body of one sentence, or a headline over any body, "
            "is needed)")


def _paragraphs(text: str) -> str:
    """Exports keep paragraphs as line breaks or HTML; the store keeps them as blank-line-separated lines."""
    if html_text.looks_like_html(text):
        return html_text.html_fragment_to_text(text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\r?\n", html.unescape(text))]
    return "\n\n".join(p for p in paragraphs if p)


# When the body is most of the page, the language read from the whole page is the body's: one
# detection instead of two (detection is a third of the cost of cleaning a page).
BODY_SHARE_FOR_ONE_DETECTION = 0.7


def _prepare_one(raw: dict, lexicon: scraped_text.Lexicon) -> dict:
    out = dict(raw)
    notes = [raw["note"]] if raw.get("note") else []
    title = raw.get("title")
    declared = raw.get("language_declared")
    published, precision, published_raw = None, None, raw.get("published_raw")
    page_language = None
    if raw["format"] == "text":
        page_language, _ = language.detect(raw["text"])
        page = scraped_text.split_scraped_text(raw["text"], page_language, lexicon)
        title, body = page.title, page.text
        published, precision, published_raw = page.published, page.published_precision, None
        if len(body) < BODY_SHARE_FOR_ONE_DETECTION * len(raw["text"]):
            page_language = None
    elif raw["format"] == "html":
        page = html_text.extract_html_page(raw["page"])
        title, body, published_raw = page.title, page.text, page.published
        declared = declared or page.language
        out["url"] = out.get("url") or page.url
        out["source"] = out.get("source") or page.source
    else:
        body = _paragraphs(raw.get("text") or "")
    title = " ".join(html.unescape(title).split()) if title else None
    out["title"] = title or None
    out["text"] = body
    out["language_declared"] = declared
    if not _WORD.search(body) and title and raw["format"] in _RECORD_FORMATS:
        # A headline-only item (many feeds and exports carry nothing else): its headline is its one
        # sentence, kept as the body so that it is matched and read once, not as title and text.
        out["title"], out["text"], body = None, title, title
    elif not _is_article(out["title"], body, raw["format"]):
        out["problem"] = _not_an_article(body)
        return out
    if page_language and not declared:
        detected, language_note = page_language, None
    else:
        detected, language_note = language.detect(body, declared)
    out["language"] = detected
    if language_note:
        notes.append(language_note)
    if published_raw:
        published, precision = published_dates.parse_published(published_raw, detected)
        if published is None:
            notes.append(f"unreadable publication date {str(published_raw)[:60]!r}: stored without a date")
    out["published"] = published
    out["published_precision"] = precision
    out["note"] = "; ".join(notes) or None
    return out


def _prepare_safely(raw: dict, lexicon: scraped_text.Lexicon) -> dict:
    """``_prepare_one``, with a page that defeats a parser or exhausts memory or recursion
    rejected alone: the other articles of the file and the batch still go in."""
    try:
        return _prepare_one(raw, lexicon)
    except html_text.UnreadablePage as err:
        return dict(raw, problem=str(err))
    except (RecursionError, MemoryError) as err:
        return dict(raw, problem=f"could not be read ({type(err).__name__}: too deep or too large to process)")


def prepare_articles(raw: pd.DataFrame, lexicon: scraped_text.Lexicon) -> pd.DataFrame:
    """Raw records to articles: title, body without clutter, language and publication date.

    Needs: raw[format, text, page, title, published_raw, url, source, language_declared, problem, note]
    (``core.ingest.raw_record.RAW_KEYS``). Adds or fills: title, text, language, language_declared, published
    (UTC timestamp or None: never today's date for an undated page), published_precision ("day" |
    "minute" | None). Rows that are not articles keep their place with ``problem`` saying why.
    """
    schema.require_columns(raw, ("format", "text", "page", "title", "published_raw", "problem", "note"), stage="clean")
    rows = [row if row["problem"] else _prepare_safely(row, lexicon) for row in schema.records(raw)]
    out = pd.DataFrame(rows, columns=list(dict.fromkeys(list(raw.columns) + ["language", "published", "published_precision"])))
    return out
