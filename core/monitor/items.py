"""What a followed source lists: the items of an RSS or Atom feed (feedparser, from the bytes the
watcher fetched: feedparser never fetches anything itself), the URLs of a sitemap (``urlset``,
news sitemaps included; lxml with entities, DTDs and the network off), or the article links of a
listing page. Each item has a stable key: the feed's guid, else its link, else a hash of its title
and summary, so a feed that rewrites an item's text does not make it new.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from core.ingest import decode, documents, html_text

# A feed item whose text (content, else summary) has fewer words than this is a teaser: its page
# is fetched for the full article. Full-text feeds carry hundreds of words; teasers one or two
# sentences (20-60 words). 150 keeps a long standfirst a teaser, and a short full item (a brief of
# 200 words) whole.
FULL_TEXT_MIN_WORDS = 150
# A listing page's links that look like articles: a path of at least this many characters with a
# word separator, e.g. /world/2024/05/talks-resume.html (menus link /world, /about).
MIN_ARTICLE_PATH_CHARS = 16
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class ParseError(ValueError):
    """The source's answer is not what its kind says (a garbage feed, a sitemap that is not XML)."""


@dataclasses.dataclass(frozen=True)
class Item:
    key: str
    url: str | None
    title: str | None = None
    text: str | None = None  # the item's own body from the feed (HTML or plain), content else summary
    published_raw: str | None = None
    language: str | None = None
    full_text: bool = False  # the feed carries the whole article: no page to fetch

    @property
    def needs_page(self) -> bool:
        return not self.full_text and bool(self.url)


def item_key(*parts: str | None) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()


def read(kind: str, body: bytes, base_url: str) -> tuple[str, list[Item]]:
    """(format of the articles' bodies taken from it: rss | atom | html, items in the source's order)."""
    if kind in ("rss", "atom"):
        return _feed(body)
    if kind == "sitemap":
        return "html", _sitemap(body, base_url)
    if kind == "page":
        return "html", _listing(body, base_url)
    raise ParseError(f"unknown kind of source {kind!r} (rss, atom, sitemap or page)")


def _feed(body: bytes) -> tuple[str, list[Item]]:
    too_deep = documents.feed_depth_problem(body)
    if too_deep:
        raise ParseError(too_deep)
    try:
        parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    except (RecursionError, MemoryError) as err:
        raise ParseError(f"not a readable RSS/Atom feed (feedparser gave up: {type(err).__name__})") from None
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = " ".join(str(parsed.get("bozo_exception") or "no feed elements").split())[:160]
        raise ParseError(f"not a readable RSS/Atom feed ({reason})")
    fmt = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    language = parsed.feed.get("language")
    found = []
    for entry in parsed.entries:
        content = max((c.get("value", "") for c in entry.get("content") or []), key=len, default="")
        summary = entry.get("summary", "")
        text = content if len(content) >= len(summary) else summary
        link = (entry.get("link") or "").strip() or None
        guid = (entry.get("id") or "").strip() or None
        title = html_text.html_fragment_to_text(entry.get("title", "")) or None
        words = len(html_text.html_fragment_to_text(text).split()) if text else 0
        found.append(Item(item_key("guid", guid) if guid else item_key("link", link) if link else
                          item_key("text", title, summary), link, title, text or None,
                          entry.get("published") or entry.get("updated"), entry.get("language") or language,
                          full_text=words >= FULL_TEXT_MIN_WORDS))
    return fmt, found


def _hardened_parser() -> etree.XMLParser:
    # No entities (billion laughs), no DTD, no network (external entities), no huge trees.
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def _sitemap(body: bytes, base_url: str) -> list[Item]:
    try:
        root = etree.fromstring(body, _hardened_parser())
    except etree.XMLSyntaxError as err:
        raise ParseError(f"not a readable sitemap ({' '.join(str(err).split())[:160]})") from None
    if root.tag == f"{_SITEMAP_NS}sitemapindex":
        raise ParseError("a sitemap index (a list of sitemaps, not of pages): follow its sitemaps themselves")
    if root.tag != f"{_SITEMAP_NS}urlset":
        raise ParseError(f"not a sitemap (its root element is {root.tag!r}, not urlset)")
    found = []
    for url in root.iter(f"{_SITEMAP_NS}url"):
        loc = (url.findtext(f"{_SITEMAP_NS}loc") or "").strip()
        if not loc:
            continue
        link = urljoin(base_url, loc)
        published = url.findtext(f"{_NEWS_NS}news/{_NEWS_NS}publication_date") or url.findtext(f"{_SITEMAP_NS}lastmod")
        title = url.findtext(f"{_NEWS_NS}news/{_NEWS_NS}title")
        language = url.findtext(f"{_NEWS_NS}news/{_NEWS_NS}publication/{_NEWS_NS}language")
        found.append(Item(item_key("link", link), link, (title or "").strip() or None, None,
                          (published or "").strip() or None, language))
    # Sitemaps list oldest first or in no order; newest first, as feeds do, by their date when given.
    return sorted(found, key=lambda item: item.published_raw or "", reverse=True)


def _listing(body: bytes, base_url: str) -> list[Item]:
    try:
        text, _, _ = decode.decode(body)
        tree = lxml.html.document_fromstring(text)
    except (decode.NotText, etree.ParserError, ValueError) as err:
        raise ParseError(f"not a readable HTML page ({' '.join(str(err).split())[:160]})") from None
    home = urlsplit(base_url)
    found, keys = [], set()
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        link = urldefrag(urljoin(base_url, href.strip()))[0]
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or parts.netloc != home.netloc or link.rstrip("/") == base_url.rstrip("/"):
            continue
        if len(parts.path) < MIN_ARTICLE_PATH_CHARS or not re.search(r"[-_]", parts.path):
            continue
        key = item_key("link", link)
        if key not in keys:
            keys.add(key)
            found.append(Item(key, link, " ".join(anchor.text_content().split()) or None))
    return found
