"""The whole sentence around an offset of a text, cut by ICU's sentence rules (UAX #29 with CLDR's
abbreviation suppressions), for the quote shown with a mentioned date.

ICU alone breaks "Am 22. September wählt Brandenburg" after "22." (a full stop before a capital
ends a sentence in UAX #29) and "В. В. Путин" after each initial. Three kinds of break are
therefore taken back, each a full stop that in the language's own writing does not end a
sentence:
- after a number of one to three digits in a language whose ordinals are written with a dot
  ("22." in German and Turkish, as ICU's ordinal rules for the language spell 22);
- after a single letter (initials, "z. B.");
- after a dotted abbreviation ("U.S.", "u.a.", "т.е.").
Each may join two real sentences ("Plan B. Then"), which only lengthens a quote; cutting one in
two loses the half that says what the date is about.
"""
from __future__ import annotations

import bisect
import functools
import re
import threading

import icu  # PyICU (pyicu-wheels)

# The ``sentence`` column holds at most this many characters (core/schema.py). A longer sentence
# (a list, a text without punctuation) is quoted as this many characters around the offset, cut at
# white space and marked with "…" where it was cut.
MAX_SENTENCE_CHARS = 400
_ELLIPSIS = "…"

_ORDINAL_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}\.\s*$")
# A letter alone after white space or a bracket: not the last letter of ארה"ב.
_INITIAL = re.compile(r"(?:^|(?<=[\s(\[]))[^\W\d_]\.\s*$")
_LAST_WORD = re.compile(r"([^\W\d_]+)\.\s*$")
_DOTTED_ABBREVIATION = re.compile(r"[^\W\d_]\.[^\W\d_]{1,3}\.\s*$")
_SPACE = re.compile(r"\s")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@functools.lru_cache(maxsize=64)
def _writes_ordinals_with_dot(language: str | None) -> bool:
    """True for languages that write "the 22nd" as "22." (de, tr, da, fi, cs, …), as ICU's
    rule-based ordinal format for the language gives it."""
    if not language:
        return False
    formatter = icu.RuleBasedNumberFormat(icu.URBNFRuleSetTag.ORDINAL, icu.Locale(language))
    return formatter.format(22).endswith(".")


_LOCAL = threading.local()  # an iterator holds the text it walks: one per thread and locale


def _iterator(locale: str) -> icu.BreakIterator:
    cache = _LOCAL.__dict__.setdefault("iterators", {})
    iterator = cache.get(locale)
    if iterator is None:
        iterator = cache[locale] = icu.BreakIterator.createSentenceInstance(icu.Locale(locale))
    return iterator


def _ends(text: str, locale: str) -> list[int]:
    iterator = _iterator(locale)
    iterator.setText(text)
    ends = list(iterator)
    if _ASTRAL.search(text):
        # ICU counts UTF-16 units: characters beyond the BMP (emoji) count twice there.
        units = [0]
        for ch in text:
            units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
        ends = [bisect.bisect_left(units, end) for end in ends]
    return ends


def _boundaries(text: str, language: str | None) -> list[int]:
    locale = language or "root"
    # "@ss=standard" turns on CLDR's abbreviations after which no sentence ends ("Mr.", "M.",
    # "Dr." in German), for the locales that have a list; it also keeps "NATO. Harris" and "MIT.
    # Insgesamt" together, so a break after a word in capitals is kept whatever it says.
    suppressed = set(_ends(text, f"{locale}@ss=standard"))
    ordinals = _writes_ordinals_with_dot(language)
    kept = [0]
    for end in _ends(text, locale)[:-1]:
        if not text[max(0, end - 12):end].rstrip().endswith("."):
            kept.append(end)
            continue
        # Searched in the whole text up to ``end``, so that look-behinds see what precedes.
        lo = max(0, end - 16)
        word = _LAST_WORD.search(text, lo, end)
        if word and len(word.group(1)) > 1 and word.group(1).isupper():
            kept.append(end)  # an acronym: "NATO."
        elif end not in suppressed or (ordinals and _ORDINAL_NUMBER.search(text, lo, end)) or \
                _INITIAL.search(text, lo, end) or _DOTTED_ABBREVIATION.search(text, lo, end):
            continue
        else:
            kept.append(end)
    return kept


class Sentences:
    """The sentences of one text, found on the first question (``at`` and ``span`` for any
    offset): most texts hold no date, and are never split."""

    def __init__(self, text: str, language: str | None = None):
        self.text = text
        self.language = language
        self._starts: list[int] | None = None
        self._found: dict[int, tuple[int, int]] = {}

    @property
    def starts(self) -> list[int]:
        """Where each sentence starts (the first at 0)."""
        if self._starts is None:
            self._starts = _boundaries(self.text, self.language) if self.text else [0]
        return self._starts

    def span(self, position: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``position``, without the white space around it."""
        k = bisect.bisect_right(self.starts, position) - 1
        found = self._found.get(k)
        if found is None:
            start = self.starts[k]
            end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
            piece = self.text[start:end]
            found = self._found[k] = (start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip()))
        return found

    def at(self, position: int, end: int | None = None) -> str:
        """The sentence holding ``position`` (and ``end``, when given, up to the sentence's end),
        whole; one longer than MAX_SENTENCE_CHARS is cut around the span."""
        start, stop = self.span(position)
        if stop - start <= MAX_SENTENCE_CHARS:
            return self.text[start:stop]
        end = min(max(end or position, position), stop)
        room = MAX_SENTENCE_CHARS - 2 * len(_ELLIPSIS)
        left = max(start, min(position - (room - (end - position)) // 2, stop - room))
        right = min(stop, left + room)
        if left > start:
            space = _SPACE.search(self.text, left, position)
            left = space.end() if space else left
        if right < stop:
            cut = self.text.rfind(" ", end, right)
            right = cut if cut > end else right
        return (_ELLIPSIS if left > start else "") + self.text[left:right].strip() + (_ELLIPSIS if right < stop else "")
