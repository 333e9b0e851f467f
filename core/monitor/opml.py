"""OPML, the feed list every feed reader imports and exports: ``read`` a file's outlines as source
details, ``import_sources`` them into the registry, ``export`` the registry as OPML 2.0.

An export carries Geowire's metadata (kind, country, language, owner, state affiliation, notes,
interval, paused) as attributes in its own namespace, so a file written here comes back into
Geowire unchanged and still opens in other readers, which ignore attributes they do not know.

Parsed with lxml rather than ``listparser``: listparser keeps only the attributes it knows, and
Geowire's own would be lost on the way back in. The parser is hardened for untrusted files: no
entity expansion, no DTD, no network, and the file's size and outline count bounded first.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import urllib.parse
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from core.errors import InputError
from core.monitor import sources
from core.store import source_registry
from core.store.source_registry import Source

NAMESPACE = "urn:geowire:sources:1"
# A list of a few thousand feeds is well under a megabyte; a larger file is not a feed list.
MAX_OPML_BYTES = 10 * 2**20
MAX_OUTLINES = 20_000
_ATTRIBUTES = {"kind": "kind", "country": "country", "language": "language", "owner": "owner",
               "state_affiliated": "stateAffiliated", "notes": "notes", "interval_seconds": "interval"}
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                       huge_tree=False, remove_comments=True, remove_pis=True)


@dataclasses.dataclass(frozen=True)
class Outline:
    """One outline of a feed list, as source details, and where it is in the file."""
    where: str  # "outline 3 ('Meridian Gazette')"
    details: sources.SourceDetails
    paused: bool | None  # None: the file does not say (a list from another reader)


@dataclasses.dataclass(frozen=True)
class FeedList:
    outlines: tuple[Outline, ...]
    problems: tuple[str, ...]  # one line each, naming the file and the outline


@dataclasses.dataclass(frozen=True)
class Imported:
    added: tuple[Source, ...]
    updated: tuple[Source, ...]
    unchanged: int  # followed already, left as they were
    problems: tuple[str, ...]

    def describe(self) -> str:
        parts = [f"{len(self.added)} source(s) added"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        parts.append(f"{self.unchanged} already followed")
        if self.problems:
            parts.append(f"{len(self.problems)} outline(s) left out")
        return ", ".join(parts)


def read(name: str, data: bytes) -> FeedList:
    """The outlines of an OPML file that name a feed or page (``xmlUrl``, or ``url`` of a link);
    folders are walked. ``InputError`` when the file is not OPML at all; a bad outline is a
    problem line and the rest are read."""
    if len(data) > MAX_OPML_BYTES:
        raise InputError(name, f"{len(data) / 2**20:.1f} MB is too large for a feed list "
                               f"(at most {MAX_OPML_BYTES // 2**20} MB)")
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as err:
        raise InputError(name, f"not readable as XML ({err})") from None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "opml":
        raise InputError(name, f"not an OPML file (its root is <{etree.QName(root).localname if isinstance(root.tag, str) else '?'}>)")
    found, problems = [], []
    for number, element in enumerate(root.iter("outline"), start=1):
        if number > MAX_OUTLINES:
            problems.append(f"{name}: more than {MAX_OUTLINES} outlines; the rest were not read")
            break
        title = element.get("title") or element.get("text") or ""
        where = f"outline {number}" + (f" ({title[:60]!r})" if title else "")
        url = element.get("xmlUrl") or element.get("xmlurl") or (element.get("url") if element.get("type") == "link" else None)
        if not url:
            if len(element) == 0:
                problems.append(f"{name}: {where}: no xmlUrl (nor url of a link): not a feed")
            continue
        geowire = {field: element.get(f"{{{NAMESPACE}}}{attribute}") for field, attribute in _ATTRIBUTES.items()}
        kind = geowire["kind"] or _kind_of_type(element.get("type"), url)
        details = sources.SourceDetails(url=url, name=title or None, kind=kind, country=geowire["country"],
                                        language=geowire["language"] or element.get("language"),
                                        owner=geowire["owner"], state_affiliated=geowire["state_affiliated"],
                                        notes=geowire["notes"], interval_seconds=geowire["interval_seconds"])
        said = element.get(f"{{{NAMESPACE}}}paused")
        paused = None if said is None else said.lower() in ("true", "yes", "1")
        found.append(Outline(where, details, paused))
    return FeedList(tuple(found), tuple(problems))


def import_sources(engine: sa.Engine, name: str, data: bytes, *, update_existing: bool = False) -> Imported:
    """Follow every feed of an OPML file. A URL followed already is left as it is (or, with
    ``update_existing``, given the file's details), so importing a file twice changes nothing;
    an outline that cannot be followed is a problem line naming the file and the outline."""
    feed_list = read(name, data)
    added, updated, unchanged, problems = [], [], 0, list(feed_list.problems)
    for outline in feed_list.outlines:
        try:
            if not update_existing and _followed(engine, outline.details.url):
                unchanged += 1
                continue
            result = sources.add(engine, outline.details, update_existing=update_existing)
            source = result.source
            # A new source takes the file's pause; an updated one the file's word either way (a list
            # exported after a resume resumes it); a file that does not say leaves it as it is.
            if outline.paused is not None and outline.paused != source.paused and (outline.paused or result.updated):
                source = sources.set_paused(engine, source.source_id, outline.paused)
        except InputError as err:
            problems.append(f"{name}: {outline.where}: {err}")
            continue
        (updated if result.updated else added).append(source)
    return Imported(tuple(added), tuple(updated), unchanged, tuple(problems))


def export(followed: list[Source], now: dt.datetime) -> bytes:
    """OPML 2.0 of the sources: ``text``/``title``, ``type``, ``xmlUrl``, ``htmlUrl`` for every
    reader; Geowire's metadata in its namespace; pages and sitemaps as ``link`` outlines, which
    feed readers skip."""
    root = etree.Element("opml", version="2.0", nsmap={"geowire": NAMESPACE})
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = "Geowire: followed sources"
    etree.SubElement(head, "dateCreated").text = now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = etree.SubElement(root, "body")
    for source in followed:
        outline = etree.SubElement(body, "outline", text=source.name, title=source.name)
        parts = urllib.parse.urlsplit(source.url)
        if source.kind in ("rss", "atom"):
            outline.set("type", "rss")
            outline.set("xmlUrl", source.url)
        else:
            outline.set("type", "link")
            outline.set("url", source.url)
        outline.set("htmlUrl", urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/", "", "")))
        if source.language:
            outline.set("language", source.language)
        categories = [f"/country/{source.country}"] if source.country else []
        if source.state_affiliated is not None:
            categories.append(f"/state-affiliated/{'yes' if source.state_affiliated else 'no'}")
        if categories:
            outline.set("category", ",".join(categories))
        values = {"kind": source.kind, "country": source.country, "language": source.language, "owner": source.owner,
                  "state_affiliated": {True: "yes", False: "no", None: "unknown"}[source.state_affiliated],
                  "notes": source.notes, "interval_seconds": str(source.interval_seconds)}
        for field, attribute in _ATTRIBUTES.items():
            if values[field] is not None:
                outline.set(f"{{{NAMESPACE}}}{attribute}", values[field])
        outline.set(f"{{{NAMESPACE}}}paused", "true" if source.paused else "false")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read_file(path: Path) -> bytes:
    """The bytes of an OPML file on disk, its size checked before it is read."""
    try:
        size = path.stat().st_size
        if size > MAX_OPML_BYTES:
            raise InputError(path, f"{size / 2**20:.1f} MB is too large for a feed list "
                                   f"(at most {MAX_OPML_BYTES // 2**20} MB)")
        return path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None


def _kind_of_type(outline_type: str | None, url: str) -> str | None:
    """A feed reader's ``type`` as a kind: atom, else rss for a feed whatever its URL says; None
    (guessed from the URL) for a link."""
    outline_type = (outline_type or "").lower()
    if outline_type == "atom":
        return "atom"
    if outline_type in ("rss", ""):
        guessed = sources.guess_kind(url) if url.lower().startswith(("http://", "https://")) else "rss"
        return guessed if guessed in ("atom", "sitemap") else "rss"
    return None


def _followed(engine: sa.Engine, url: str | None) -> bool:
    try:
        return source_registry.find(engine, url=sources.canonical_url(url or "")) is not None
    except ValueError:
        return False
