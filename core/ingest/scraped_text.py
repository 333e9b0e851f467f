"""From a page as it was saved to the article in it: title, date line and body, without the site's
furniture (share buttons, font-size widgets, comment prompts, related-article lists, ads).

Scraped plain text has no markup left to tell furniture from prose, and no library reads it, so
the rules here are written by hand. They are general rules about line shape, position, repetition
and punctuation, plus a per-language lexicon kept as data in ``data/boilerplate.toml``; none is
about one site. HTML pages go to trafilatura instead, which has the markup to work with.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd

from core import languages
from core.ingest import published_dates

# A line longer than this is prose even when it mentions "share" or "comments".
MAX_CLUTTER_WORDS = 12
# Paragraph shape: long, or of sentence length and closed by sentence punctuation.
PARAGRAPH_WORDS = 25
SENTENCE_WORDS = 8
# Scripts without spaces between words are counted by languages.word_count (two characters a
# word); a line of a few spaced words this long is a paragraph too (Thai, long compounds).
PARAGRAPH_CHARS = 120
MAX_TITLE_WORDS = 30
MAX_CAPTION_WORDS = 40
# End markers ("Related articles", "Comments") only end the article once this share of the body
# has been seen: a "Comments" heading above the text is a widget, below it the page's tail.
END_MARKER_MIN_SHARE = 0.5

_SENTENCE_END = tuple(".!?。！？؟۔।…\"'»”’)」』")
_CLOSING_QUOTES = "\"'»”’›」』"
_SENTENCE_PUNCTUATION = tuple(".!?。！？؟۔।…")
# A line made of an e-mail address and a few words is a byline's contact ("kms@example.kr",
# "김민수 기자 kms@...", "Contact: desk@..."), not prose.
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MAX_CONTACT_WORDS = 6


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
    source_labels: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        missing = [t for t in ("clutter", "end_markers", "date_labels", "caption_credits", "breadcrumb_separators", "source_labels") if t not in data]
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
            # A date line often names the source or the author beside the date ("2024年7月25日 18:30
            # 来源：…"): their labels are read past like the date's own.
            date_labels=re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in sorted({*merged('date_labels'), *merged('source_labels')}, key=len, reverse=True))})(?!\w)"),
            caption_credits=frozenset(merged("caption_credits")),
            breadcrumb_separators=tuple(s for seps in data["breadcrumb_separators"].values() for s in seps),
            source_labels=frozenset(merged("source_labels")),
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
    return languages.word_count(line)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _ends_sentence(line: str) -> bool:
    """Whether ``line`` ends as a sentence does. A closing quotation mark ends one only after the
    sentence's own punctuation ('he said: "We will win."', «…».): a headline ending in a quotation
    (Саміт визнав шлях «незворотним», الحديث عن اتفاق "وهم") is no sentence."""
    line = line.rstrip()
    unquoted = line.rstrip(_CLOSING_QUOTES)
    if unquoted != line:
        return unquoted.endswith(_SENTENCE_PUNCTUATION)
    return line.endswith(_SENTENCE_END)


def _is_paragraph(line: str) -> bool:
    words = _words(line)
    if words >= PARAGRAPH_WORDS or (words <= 3 and len(line) >= PARAGRAPH_CHARS):
        return True
    return words >= SENTENCE_WORDS and _ends_sentence(line)


def _is_clutter(line: str, norm: str, lexicon: Lexicon) -> bool:
    if not _has_letters(norm):
        return True
    if lexicon.prefixes.match(norm):
        return True
    if _CONTACT.search(norm) and _words(_CONTACT.sub(" ", norm)) <= MAX_CONTACT_WORDS:
        return True
    if _words(norm) > MAX_CLUTTER_WORDS:
        return False
    return not _has_letters(lexicon.clutter.sub(" ", norm))


def _is_caption(line: str, norm: str, lexicon: Lexicon) -> bool:
    if _words(line) > MAX_CAPTION_WORDS:
        return False
    if "©" in line or "ⓒ" in line:  # ⓒ: the copyright sign of Korean papers
        return True
    credit = re.search(r"[(\[]([^()\[\]]{2,40})[)\]]\s*$", line)
    if credit and normalize(credit.group(1)) in lexicon.caption_credits:
        return True
    head = re.match(r"^([^:：]{2,30})[:：]", norm)
    return bool(head and normalize(head.group(1)) in lexicon.caption_credits and _words(line) <= 25)


def _is_source_line(norm: str, lexicon: Lexicon) -> bool:
    """"来源：新华网", "출처: …", "Sumber: Antara", "Penulis: … | Editor: …": the page's record of
    where the article came from and who wrote or edited it, on a short line of its own."""
    head = re.match(r"^([^:：]{1,30})[:：]", norm)
    return bool(head and normalize(head.group(1)) in lexicon.source_labels and _words(norm) <= MAX_CLUTTER_WORDS)


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
        elif _is_source_line(norm, lexicon):
            kind = "source"
        elif _is_breadcrumb(line, lexicon) and not _is_paragraph(line):
            kind = "breadcrumb"
        else:
            kind = "content"
        kinds.append(kind)

    content = [i for i, k in enumerate(kinds) if k == "content"]
    # A headline printed twice (page heading and article heading) is the headline, whatever its
    # shape: taken for the first paragraph, it left the page without a title and the body with
    # the headline twice.
    printed = Counter(normalize(lines[i]) for i in content)
    body_start = next((i for i in content if _is_paragraph(lines[i])
                       and not (printed[normalize(lines[i])] > 1 and _words(lines[i]) <= MAX_TITLE_WORDS)), None)
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
        if (2 <= _words(line) <= MAX_TITLE_WORDS and not line.endswith((".", "。", "।", "۔"))) or (_words(line) == 1 and len(line) >= 25)
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
