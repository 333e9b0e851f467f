"""HTML to text: whole pages through trafilatura (main text and metadata, without comments,
navigation, banners and footers), and snippets (a feed item, an export's cell) through lxml.

libxml2, under both, stops reading at 256 nested elements; a page that reaches that depth is read
again with its deepest elements unwrapped (``MAX_HTML_DEPTH``), so the article in it is not lost.
"""
from __future__ import annotations

import dataclasses
import html
import html.parser
import json
import re
import sys
import urllib.parse

import lxml.html
import trafilatura
from lxml import etree

from core import dedup, languages
from core.ingest import published_dates, scraped_text

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
    return _block_text(root)


def _block_text(root, furniture: str = "") -> str:
    """The text under ``root``, one paragraph per block element; scripts, styles and the elements
    ``furniture`` names (an XPath union) left out."""
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe|.//object" + furniture):
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
    page = page.replace("&zwnj;", "\u200c").replace("&#8204;", "\u200c")
    # str.translate looks every character up (0.7 ms for a 20 KB page, 7% of storing it); most
    # pages hold none of the four.
    hidden = any(mark in page for mark in _INVISIBLE_TO_STANDIN)
    if hidden:
        page = page.translate(_HIDE)
    try:
        tree = trafilatura.load_html(page)
        if tree is not None and _cut_by_libxml2(tree):
            tree = trafilatura.load_html(_shallow_html(page))
        declared_outlet = None if tree is None else _declared_outlet(tree)  # before trafilatura prunes the tree
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
    if document is None or dedup.is_brief(document.text or ""):
        fallback = _visible_text(page)
        if document is None:
            return HtmlPage(_head_title(page), fallback.translate(_RESTORE), None, declared_outlet, None, declared)
        if languages.word_count(fallback) > languages.word_count(document.text or ""):
            document.text = fallback
    title, text = document.title or "", document.text or ""
    if hidden:
        title, text = title.translate(_RESTORE), text.translate(_RESTORE)
    title = title.strip() or None
    paragraphs = [" ".join(p.split()) for p in text.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if title:
        # The page's heading, wherever trafilatura keeps it (after a kicker such as "NATO at 75",
        # or twice), is the title, not a paragraph.
        heading = scraped_text.normalize(title)
        paragraphs = [p for p in paragraphs if scraped_text.normalize(p) != heading]
    published = document.date or _date_line_above(page, paragraphs[0] if paragraphs else None, declared)
    return HtmlPage(
        title=title,
        text="\n\n".join(paragraphs),
        published=published,
        source=declared_outlet or _host(document.url) or document.sitename or document.hostname or None,
        url=document.url,
        language=declared or (document.language or None),
    )


# The outlet a page names itself, strongest first. The site's declared name (og:site_name, the
# publisher of its JSON-LD) is what its feed's title and other pages say too; failing that the host
# of its canonical URL (link rel=canonical, og:url, which trafilatura reads into ``url``) is stable
# across its pages, where trafilatura's own guess falls back on a title fragment or a Twitter handle
# ("@meridiangaz" becomes "Meridiangaz") that another page of the same site does not carry.
_SITE_NAME = etree.XPath('//head//meta[@property="og:site_name" or @name="og:site_name"]/@content')
_JSON_LD = etree.XPath('//script[@type="application/ld+json"]/text()')
_JSON_LD_SCRIPTS, _JSON_LD_CHARACTERS = 5, 100_000  # a page's metadata, not a data dump


def _declared_outlet(tree) -> str | None:
    for name in _SITE_NAME(tree):
        name = " ".join(str(name).split())
        if name:
            return name
    for script in _JSON_LD(tree)[:_JSON_LD_SCRIPTS]:
        if len(script) > _JSON_LD_CHARACTERS:
            continue
        try:
            found = _publisher(json.loads(script))
        except (ValueError, RecursionError):  # a page's broken metadata is no reason to refuse its text
            continue
        if found:
            return found
    return None


def _publisher(value, depth: int = 0) -> str | None:
    """The first ``publisher.name`` in a JSON-LD value (objects, lists, ``@graph``)."""
    if depth > 8:
        return None
    if isinstance(value, list):
        return next((found for item in value if (found := _publisher(item, depth + 1))), None)
    if not isinstance(value, dict):
        return None
    publisher = value.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str) and publisher["name"].strip():
        return " ".join(publisher["name"].split())
    return _publisher(value.get("@graph"), depth + 1)


def _host(url: str | None) -> str | None:
    try:
        host = urllib.parse.urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


# Page furniture a browser shows around the text, left out of the visible-text fallback.
_FURNITURE = "|.//nav|.//header|.//footer|.//aside|.//form|.//button|.//select|.//title"
# An unclosed <title> makes, by HTML's parsing rules, the whole rest of the page its title: the
# page's text becomes one title hundreds of words long and the body is empty.
_UNCLOSED_TITLE = re.compile(r"(<title\b[^>]*>)([^<]*)(?=<)", re.I)


def _visible_text(page: str) -> str:
    """What a reader sees on a page that trafilatura finds no main text in (broken markup:
    unclosed tags, no block structure it recognises): the body's text without the page's
    furniture. trafilatura's own fallbacks give nothing for such pages; lxml's parser recovers
    from the broken markup the way browsers do."""
    if re.search(r"<title\b", page, re.I) and not re.search(r"</title\s*>", page, re.I):
        page = _UNCLOSED_TITLE.sub(r"\1\2</title>", page, count=1)
    try:
        root = lxml.html.document_fromstring(page)
        if _cut_by_libxml2(root):
            root = lxml.html.document_fromstring(_shallow_html(page))
    except (etree.ParserError, ValueError):
        return ""
    body = root.find("body")
    return _block_text(body if body is not None else root, _FURNITURE)


# The date line of an article sits between its headline and its text, within a few lines.
_DATE_LINE_SEARCH_LINES = 40


def _date_line_above(page: str, first_paragraph: str | None, language: str | None) -> str | None:
    """The page's printed date line ("2024年07月26日 09:15 来源：…", "2024年7月31日 13時05分") when
    its markup names no date: trafilatura's date search reads dates in the markup and in Western
    forms, and a page of a Chinese or Japanese portal often prints its date only as text. Only a
    line above the article's first paragraph is read, by the rules of a scraped page's date line."""
    if not first_paragraph:
        return None
    stop = scraped_text.normalize(first_paragraph)
    lines = [" ".join(line.split()) for line in _visible_text(page).splitlines()]
    for line in [line for line in lines if line][:_DATE_LINE_SEARCH_LINES]:
        if scraped_text.normalize(line) == stop:
            return None
        is_date, stamp, _ = published_dates.read_date_line(line, language)
        if is_date and stamp is not None:
            return line
    return None


def _head_title(page: str) -> str | None:
    match = _UNCLOSED_TITLE.search(page[:20000]) or re.search(r"<title\b[^>]*>([^<]*)", page[:20000], re.I)
    if not match:
        return None
    title = " ".join(html.unescape(match.groups()[-1]).split())
    return title or None
