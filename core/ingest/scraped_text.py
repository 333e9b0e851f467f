"""From a page as it was saved to the article in it: title, date line and body, without the site's
furniture (share buttons, font-size widgets, comment prompts, related-article lists, ads).

Scraped plain text has no markup left to tell furniture from prose, and no library reads it, so
the rules here are written by hand. They are general rules about line shape, position, repetition
and punctuation, plus a per-language lexicon kept as data in ``data/boilerplate.toml``; none is
about one site. HTML pages go to trafilatura instead, which has the markup to work with.
"""
from __future__ import annotations

import dataclasses
import html
import html.parser
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

import lxml.html
import trafilatura
import pandas as pd
from lxml import etree

from core import schema
from core.ingest import language, published_dates

# A line longer than this is prose even when it mentions "share" or "comments".
MAX_CLUTTER_WORDS = 12
# Paragraph shape: long, or of sentence length and closed by sentence punctuation.
PARAGRAPH_WORDS = 25
SENTENCE_WORDS = 8
# Scripts without spaces between words are measured in characters instead.
PARAGRAPH_CHARS = 120
MAX_TITLE_WORDS = 30
MAX_CAPTION_WORDS = 40
# Fewer words than this in what is left is not an article (a page of widgets, a 404 page).
MIN_BODY_WORDS = 20
MIN_BODY_CHARS = 100
# End markers ("Related articles", "Comments") only end the article once this share of the body
# has been seen: a "Comments" heading above the text is a widget, below it the page's tail.
END_MARKER_MIN_SHARE = 0.5

_SENTENCE_END = tuple(".!?。！？؟۔…\"'»”’)")


@dataclasses.dataclass(frozen=True)
class Lexicon:
    """Per-language phrases from ``data/boilerplate.toml``, merged across languages: a page's
    furniture is often in another language than its text (an English "LEAVE A REPLY" under a
    French article)."""

    clutter: re.Pattern
    prefixes: re.Pattern
    end_markers: frozenset[str]
    date_labels: re.Pattern
    caption_credits: frozenset[str]
    breadcrumb_separators: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        missing = [t for t in ("clutter", "end_markers", "date_labels", "caption_credits", "breadcrumb_separators") if t not in data]
        if missing:
            raise ValueError(f"{path}: missing table(s) {', '.join(missing)}")

        def merged(table: str) -> list[str]:
            return sorted({normalize(p) for phrases in data[table].values() for p in phrases if normalize(p)}, key=len, reverse=True)

        clutter = merged("clutter")
        alternation = "|".join(re.escape(p) for p in clutter)
        multiword = [p for p in clutter if " " in p]
        return cls(
            clutter=re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"),
            prefixes=re.compile(rf"^(?:{'|'.join(re.escape(p) for p in multiword)})\s*:"),
            end_markers=frozenset(merged("end_markers")),
            date_labels=re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in merged('date_labels'))})(?!\w)"),
            caption_credits=frozenset(merged("caption_credits")),
            breadcrumb_separators=tuple(s for seps in data["breadcrumb_separators"].values() for s in seps),
        )


def normalize(line: str) -> str:
    """Casefold, NFKC, trim punctuation and symbols at both ends, collapse spaces."""
    # casefold turns Turkish "İ" into "i" plus a combining dot: "İlgili Haberler" must still
    # match "ilgili haberler".
    text = unicodedata.normalize("NFKC", line).casefold().replace("i\u0307", "i")
    text = " ".join(text.split())
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] in "PSZ":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] in "PSZ":
        end -= 1
    return text[start:end]


def _words(line: str) -> int:
    return len(line.split())


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _is_paragraph(line: str) -> bool:
    words = _words(line)
    if words >= PARAGRAPH_WORDS or (words <= 3 and len(line) >= PARAGRAPH_CHARS):
        return True
    return words >= SENTENCE_WORDS and line.rstrip().endswith(_SENTENCE_END)


def _is_clutter(line: str, norm: str, lexicon: Lexicon) -> bool:
    if not _has_letters(norm):
        return True
    if lexicon.prefixes.match(norm):
        return True
    if _words(norm) > MAX_CLUTTER_WORDS:
        return False
    return not _has_letters(lexicon.clutter.sub(" ", norm))


def _is_caption(line: str, norm: str, lexicon: Lexicon) -> bool:
    if _words(line) > MAX_CAPTION_WORDS:
        return False
    if "©" in line:
        return True
    credit = re.search(r"[(\[]([^()\[\]]{2,40})[)\]]\s*$", line)
    if credit and normalize(credit.group(1)) in lexicon.caption_credits:
        return True
    head = re.match(r"^([^:：]{2,30})[:：]", norm)
    return bool(head and normalize(head.group(1)) in lexicon.caption_credits and _words(line) <= 25)


def _is_breadcrumb(line: str, lexicon: Lexicon) -> bool:
    for separator in lexicon.breadcrumb_separators:
        # Spaced: "Accueil > Monde" is a trail, "</script>" or "2024/04/26" is not.
        parts = [p.strip() for p in line.split(f" {separator} ")]
        if len(parts) >= 2 and all(p and _words(p) <= 4 for p in parts):
            return True
    return False


@dataclasses.dataclass
class ScrapedPage:
    title: str | None
    text: str
    date_line: str | None
    published: "pd.Timestamp | None"
    published_precision: str | None
    dropped: list[str]


def split_scraped_text(raw: str, language: str | None, lexicon: Lexicon) -> ScrapedPage:
    """Find title, date line and body in a page saved as plain text."""
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    kinds: list[str] = []
    date_line, published, precision = None, None, None
    for index, line in enumerate(lines):
        norm = normalize(line)
        if not line:
            kind = "blank"
            kinds.append(kind)
            continue
        is_date, stamp, stamp_precision = published_dates.read_date_line(line, language, lexicon.date_labels)
        if is_date:
            kind = "date"
            if date_line is None and stamp is not None:
                date_line, published, precision = line, stamp, stamp_precision
        elif _is_clutter(line, norm, lexicon):
            kind = "clutter"
        elif norm in lexicon.end_markers:
            kind = "end"
        elif _is_caption(line, norm, lexicon):
            kind = "caption"
        elif _is_breadcrumb(line, lexicon) and not _is_paragraph(line):
            kind = "breadcrumb"
        else:
            kind = "content"
        kinds.append(kind)

    content = [i for i, k in enumerate(kinds) if k == "content"]
    body_start = next((i for i in content if _is_paragraph(lines[i])), None)
    if body_start is None:
        body_start = content[0] if content else len(lines)
    header = [i for i in content if i < body_start]
    title = _pick_title([lines[i] for i in header], [lines[i] for i in content])

    total_chars = sum(len(lines[i]) for i in content if i >= body_start) or 1
    body: list[str] = []
    seen_chars = 0
    title_norm = normalize(title) if title else None
    for index in range(body_start, len(lines)):
        kind = kinds[index]
        if kind == "end" and seen_chars / total_chars >= END_MARKER_MIN_SHARE:
            break
        if kind != "content":
            continue
        line = lines[index]
        seen_chars += len(line)
        if title_norm and normalize(line) == title_norm:
            continue
        body.append(line)
    dropped = [lines[i] for i, k in enumerate(kinds) if k not in ("blank", "content")]
    return ScrapedPage(title=title, text="\n\n".join(body), date_line=date_line, published=published,
                       published_precision=precision, dropped=dropped)


def _pick_title(header: list[str], content: list[str]) -> str | None:
    """Sites print the headline twice (page heading and article heading) more often than not; a
    repeated line wins. Otherwise the longest headline-shaped line above the body: mastheads
    ("THE CAPITAL LEDGER"), section names ("Politik"), kickers ("NATO-Gipfel in Washington") and
    bylines are shorter than the headline they sit next to, and a standfirst ends with a full stop."""
    shaped = [
        line for line in header
        if (2 <= _words(line) <= MAX_TITLE_WORDS and not line.endswith(".")) or (_words(line) == 1 and len(line) >= 25)
    ]
    counts: dict[str, int] = {}
    for line in content:
        counts[normalize(line)] = counts.get(normalize(line), 0) + 1
    for line in shaped:
        if counts.get(normalize(line), 0) > 1:
            return line
    # A line in capitals with no lower-case letter is a masthead or a section banner.
    mixed_case = [line for line in shaped if line != line.upper() or line == line.lower()]
    candidates = mixed_case or shaped
    return max(candidates, key=len) if candidates else None


def is_article(text: str) -> bool:
    return _words(text) >= MIN_BODY_WORDS or (len(text) >= MIN_BODY_CHARS and _words(text) <= 3)


_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}


# libxml2 (under lxml and trafilatura) stops reading a document at 256 nested elements: the rest
# of the page, article included, is lost. XML_PARSE_HUGE only moves that wall to 2,048, and the
# tree code above it walks such trees recursively. A tree that reached this depth was cut there.
_LIBXML2_CUT_DEPTH = 250
# Real pages nest 20-60 elements deep. Deeper elements of a page that hit libxml2's wall are
# unwrapped (tags dropped, text and paragraph breaks kept) before it is parsed again: far below
# the wall, and well within Python's recursion limit for any tree walker.
MAX_HTML_DEPTH = 128
# A closing tag is matched against this many open elements at most: a flood of unmatched closing
# tags costs a constant each, not the depth of the page.
_END_TAG_SEARCH = 64
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_RAW_TEXT_TAGS = frozenset(("script", "style", "noscript", "template"))


class _Flattener(html.parser.HTMLParser):
    """Rewrites a page with no element deeper than ``max_depth``. Written here because no parser
    at hand reads such a page whole: libxml2 stops at its wall, and html5lib builds the full tree
    (in pure Python) before anything can be dropped. The standard library's tokenizer streams."""

    def __init__(self, max_depth: int):
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.out: list[str] = []
        self.open: list[str] = []
        self.in_dropped_raw_text = False

    def handle_starttag(self, tag, attrs):
        if tag in _VOID_TAGS:
            self.out.append(self.get_starttag_text())
            return
        if len(self.open) < self.max_depth:
            self.out.append(self.get_starttag_text())
        elif tag in _RAW_TEXT_TAGS:
            self.in_dropped_raw_text = True
        elif tag in _BLOCK_TAGS and self.out and self.out[-1] != "<br>":
            self.out.append("<br>")
        self.open.append(sys.intern(tag))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        opened = self.open
        for at in range(len(opened) - 1, max(-1, len(opened) - 1 - _END_TAG_SEARCH), -1):
            if opened[at] == tag:
                self.out.extend(f"</{opened[level]}>" for level in range(min(len(opened), self.max_depth) - 1, at - 1, -1))
                del opened[at:]
                self.in_dropped_raw_text = False
                return

    def handle_data(self, data):
        if not self.in_dropped_raw_text:
            self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def parse_marked_section(self, i, report=1):
        # The standard library raises AssertionError on a "<![word[" it does not know; browsers
        # read such a section as a bogus comment, and so does this.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1


def _shallow_html(page: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    flattener = _Flattener(max_depth)
    flattener.feed(page)
    flattener.close()
    return "".join(flattener.out)


def _cut_by_libxml2(tree) -> bool:
    return bool(tree.xpath(f"boolean(//*[count(ancestor::*) >= {_LIBXML2_CUT_DEPTH}])"))


def html_fragment_to_text(fragment: str) -> str:
    """Text of an HTML snippet (feed item, export cell), one paragraph per block element.

    trafilatura needs a whole page to find a main text and returns nothing for a snippet, so a
    snippet is reduced with lxml directly; scripts and styles never reach the text.
    """
    if not fragment or "<" not in fragment:
        return html.unescape(fragment or "").strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        if _cut_by_libxml2(root):
            root = lxml.html.fragment_fromstring(_shallow_html(fragment), create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).strip()
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe|.//object"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n\n" + (element.text or "")
    text = root.text_content()
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(p|br|div|a|b|i|em|strong|span|img|ul|li|h\d)\b[^>]*>", text or "", re.I))


class UnreadablePage(ValueError):
    """A page the HTML extraction failed on; the message says how, in one line."""


def _one_line(err: object, limit: int = 160) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclasses.dataclass
class HtmlPage:
    title: str | None
    text: str
    published: str | None
    source: str | None
    url: str | None
    language: str | None


# trafilatura drops every character str.isprintable() rejects, and with them the zero-width
# non-joiner that Persian spelling needs (هسته‌ای becomes هستهای) and the direction marks of
# right-to-left text. They cross trafilatura as printable stand-ins from an unused corner of
# the symbol blocks and are put back afterwards.
_INVISIBLE_TO_STANDIN = {"\u200c": "\u2bd1", "\u200d": "\u2bd2", "\u200e": "\u2bd3", "\u200f": "\u2bd4"}
_HIDE = str.maketrans(_INVISIBLE_TO_STANDIN)
_RESTORE = str.maketrans({v: k for k, v in _INVISIBLE_TO_STANDIN.items()})


def extract_html_page(page: str) -> HtmlPage:
    """Main text and metadata of a whole HTML page, by trafilatura. Comments, navigation, cookie
    banners, asides and footers are left out by trafilatura's own rules."""
    page = page.replace("&zwnj;", "\u200c").replace("&#8204;", "\u200c").translate(_HIDE)
    try:
        tree = trafilatura.load_html(page)
        if tree is not None and _cut_by_libxml2(tree):
            tree = trafilatura.load_html(_shallow_html(page))
        document = None if tree is None else trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            date_extraction_params={"original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z", "extensive_search": False},
        )
    except Exception as err:
        # trafilatura and the parsers under it are third-party code reading a hostile page: any
        # failure of theirs rejects this page with its reason, never the batch around it.
        raise UnreadablePage(f"the page could not be read ({type(err).__name__}: {_one_line(err)})") from None
    declared = None
    match = re.search(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", page[:5000], re.I)
    if match:
        declared = match.group(1).lower()
    if document is None:
        return HtmlPage(None, "", None, None, None, declared)
    title = (document.title or "").translate(_RESTORE).strip() or None
    paragraphs = [" ".join(p.split()) for p in (document.text or "").translate(_RESTORE).splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if title and paragraphs and normalize(paragraphs[0]) == normalize(title):
        paragraphs = paragraphs[1:]
    return HtmlPage(
        title=title,
        text="\n\n".join(paragraphs),
        published=document.date,
        source=(document.sitename or document.hostname or None),
        url=document.url,
        language=declared or (document.language or None),
    )


def _paragraphs(text: str) -> str:
    """Exports keep paragraphs as line breaks or HTML; the store keeps them as blank-line-separated lines."""
    if looks_like_html(text):
        return html_fragment_to_text(text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\r?\n", html.unescape(text))]
    return "\n\n".join(p for p in paragraphs if p)


# When the body is most of the page, the language read from the whole page is the body's: one
# detection instead of two (detection is a third of the cost of cleaning a page).
BODY_SHARE_FOR_ONE_DETECTION = 0.7


def _prepare_one(raw: dict, lexicon: Lexicon) -> dict:
    out = dict(raw)
    notes = [raw["note"]] if raw.get("note") else []
    title = raw.get("title")
    declared = raw.get("language_declared")
    published, precision, published_raw = None, None, raw.get("published_raw")
    page_language = None
    if raw["format"] == "text":
        page_language, _ = language.detect(raw["text"])
        page = split_scraped_text(raw["text"], page_language, lexicon)
        title, body = page.title, page.text
        published, precision, published_raw = page.published, page.published_precision, None
        if len(body) < BODY_SHARE_FOR_ONE_DETECTION * len(raw["text"]):
            page_language = None
    elif raw["format"] == "html":
        page = extract_html_page(raw["page"])
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
    if not is_article(body):
        words = _words(body)
        out["problem"] = ("no article found: only site furniture (menus, share buttons, comment prompts) or "
                          f"too little text ({words} word{'s' if words != 1 else ''} left, at least {MIN_BODY_WORDS} needed)")
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


def _prepare_safely(raw: dict, lexicon: Lexicon) -> dict:
    """``_prepare_one``, with a page that defeats a parser or exhausts memory or recursion
    rejected alone: the other articles of the file and the batch still go in."""
    try:
        return _prepare_one(raw, lexicon)
    except UnreadablePage as err:
        return dict(raw, problem=str(err))
    except (RecursionError, MemoryError) as err:
        return dict(raw, problem=f"could not be read ({type(err).__name__}: too deep or too large to process)")


def prepare_articles(raw: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """Raw records to articles: title, body without clutter, language and publication date.

    Needs: raw[format, text, page, title, published_raw, url, source, language_declared, problem, note]
    (``core.formats.RAW_KEYS``). Adds or fills: title, text, language, language_declared, published
    (UTC timestamp or None: never today's date for an undated page), published_precision ("day" |
    "minute" | None). Rows that are not articles keep their place with ``problem`` saying why.
    """
    schema.require_columns(raw, ("format", "text", "page", "title", "published_raw", "problem", "note"), stage="clean")
    rows = [row if row["problem"] else _prepare_safely(row, lexicon) for row in schema.records(raw)]
    out = pd.DataFrame(rows, columns=list(dict.fromkeys(list(raw.columns) + ["language", "published", "published_precision"])))
    return out
