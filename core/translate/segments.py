"""An article cut into the segments the translation memory remembers and a provider is sent.

An article is cut into blocks (its title, then each paragraph), and a block longer than the
provider's request limit into pieces on ICU sentence boundaries (between words, for a sentence
longer than the limit). A piece is remembered by the hash of its normalised form; the pieces that
miss the memory are packed several to a request, up to the limit.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import icu  # PyICU: sentence boundaries for every script, with abbreviations handled per locale

PARAGRAPH_BREAK = "\n\n"


def segment_hash(segment: str) -> str:
    """The key a segment is remembered by: BLAKE2b of its NFC form with spaces collapsed (case and
    punctuation are kept: they change the translation)."""
    return hashlib.blake2b(_normalize(segment).encode("utf-8"), digest_size=16).hexdigest()


def _normalize(segment: str) -> str:
    return " ".join(unicodedata.normalize("NFC", segment).split())


def article_segments(title: str | None, text: str, language: str | None, max_chars: int) -> list[list[str]]:
    """The article as blocks (title first, when there is one, then each paragraph), each a list of
    pieces that fit one request. Joining each block's translated pieces with a space and the
    blocks with a blank line gives the translated article with its paragraphs."""
    blocks = [title.strip()] if title and title.strip() else []
    blocks += [p.strip() for p in (text or "").split(PARAGRAPH_BREAK) if p.strip()]
    return [split_long(block, max_chars, language) for block in blocks]


def split_long(paragraph: str, max_chars: int, language: str | None = None) -> list[str]:
    """A paragraph as pieces of at most ``max_chars`` characters, cut between sentences; a single
    sentence longer than that is cut between words, and a word longer than that where it must."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    breaker = icu.BreakIterator.createSentenceInstance(icu.Locale(language or "en"))
    # ICU counts in UTF-16 code units: slice an icu.UnicodeString so astral characters stay whole.
    unicode_text = icu.UnicodeString(paragraph)
    breaker.setText(unicode_text)
    sentences, start = [], 0
    for end in breaker:
        sentences.append(str(unicode_text[start:end]))
        start = end
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        for part in _cut_words(sentence, max_chars):
            if current and len(current) + len(part) > max_chars:
                pieces.append(current.strip())
                current = ""
            current += part
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _cut_words(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    parts, current = [], ""
    for word in re.findall(r"\S+\s*", sentence):
        while len(word) > max_chars:
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:max_chars])
            word = word[max_chars:]
        if len(current) + len(word) > max_chars:
            parts.append(current)
            current = ""
        current += word
    if current:
        parts.append(current)
    return parts


def pack(segments: list[str], max_chars: int) -> list[list[str]]:
    """The segments in order, grouped into requests of at most ``max_chars`` characters once
    joined with blank lines (a segment longer than that goes alone)."""
    requests, current, size = [], [], 0
    for segment in segments:
        extra = len(segment) + (len(PARAGRAPH_BREAK) if current else 0)
        if current and size + extra > max_chars:
            requests.append(current)
            current, size, extra = [], 0, len(segment)
        current.append(segment)
        size += extra
    if current:
        requests.append(current)
    return requests
