"""Languages as every stage and page shows them: English names, writing direction, and the native
digits of Arabic-script text.

Detection (which language a text is in) is an ingest stage, in ``core.ingest.language``; this
module holds what the store, the charts, the pages and more than one stage share.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata

from babel import Locale, UnknownLocaleError

# Every decimal digit of the BMP (Persian U+06F0, Arabic-Indic U+0660, Devanagari U+0966,
# Bengali, full-width U+FF10 in CJK pages, ...) as its ASCII digit, one character for one:
# dateparser's numeric patterns and ours only read ASCII.
_DIGITS = {code: str(unicodedata.digit(chr(code))) for code in range(0x80, 0x10000)
           if unicodedata.category(chr(code)) == "Nd"}


def normalize_digits(text: str) -> str:
    return text.translate(_DIGITS)


# Scripts written without spaces between words: Han, Hiragana, Katakana (with the iteration marks
# and the prolonged-sound mark), Thai, Lao, Khmer, Myanmar. Korean spaces its words.
_UNSPACED = re.compile(
    "[\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\U00020000-\U0003134f]+")
# A word of Chinese or Japanese is 1.5 to 2 characters long on average (segmented news text), a
# Thai word longer: two characters for a word keeps every word threshold on the cautious side.
UNSPACED_CHARS_PER_WORD = 2


def has_unspaced_script(text: str) -> bool:
    """Whether ``text`` holds characters of a script written without spaces between words."""
    return _UNSPACED.search(text) is not None


def word_count(text: str) -> int:
    """Words in ``text``, for thresholds ("a paragraph is 25 words"): spaced words as ``split``
    counts them, and in a script without spaces (Chinese, Japanese, Thai) one word for every
    ``UNSPACED_CHARS_PER_WORD`` characters, so that such a text is not taken for one long word."""
    if not _UNSPACED.search(text):
        return len(text.split())
    unspaced = sum(len(run) for run in _UNSPACED.findall(text))
    spaced = sum(1 for token in _UNSPACED.sub(" ", text).split() if any(c.isalnum() for c in token))
    return spaced + math.ceil(unspaced / UNSPACED_CHARS_PER_WORD)


# ISO 639-1 has one code for Kurdish, "ku". CLDR reads it as Kurmanji, written in Latin letters;
# the Kurdish press the dashboard follows is mostly Sorani (CLDR "ckb"), written in Arabic script,
# and "ku" has always been shown right to left here.
_RIGHT_TO_LEFT_BESIDES_CLDR = frozenset({"ku"})


def is_right_to_left(language: str | None) -> bool:
    """Whether a language is written right to left (Arabic, Persian, Urdu, Pashto, Kurdish, Hebrew,
    Yiddish, ...), from CLDR's character order as Babel gives it. A code with a region or script
    ("ar-EG", "pa_Arab") is read whole, then by its language; an unknown code is left to right."""
    if not isinstance(language, str) or not language.strip():
        return False
    return _character_order(language.strip().replace("-", "_")) == "right-to-left"


@functools.lru_cache(maxsize=256)
def _character_order(identifier: str) -> str | None:
    # Parsing a locale merges its CLDR data (milliseconds); pages ask once per article shown.
    if identifier.lower() in _RIGHT_TO_LEFT_BESIDES_CLDR:
        return "right-to-left"
    for candidate in dict.fromkeys((identifier, identifier.split("_")[0])):
        try:
            return Locale.parse(candidate).character_order
        except UnknownLocaleError:
            continue
        except ValueError:  # not a locale identifier at all ("12", "a b")
            return None
    return None


def language_name(code: str | None) -> str:
    """English name of a language code ("fa" -> "Persian"), the code itself when CLDR has none
    (the charts' "other")."""
    if not isinstance(code, str) or not code:
        return "unknown"
    return english_language_names().get(code.split("-")[0], code)


def country_name(code: str | None) -> str:
    """English name of an ISO 3166-1 alpha-2 code with the code ("RU" -> "Russia (RU)"), the code
    itself when CLDR has none."""
    if not isinstance(code, str) or not code:
        return "unknown"
    name = english_territory_names().get(code.upper())
    return f"{name} ({code.upper()})" if name else code


@functools.cache
def english_territory_names() -> dict:
    """CLDR's English name of every territory code (countries, and groupings such as "EU")."""
    return dict(Locale("en").territories)


@functools.cache
def english_language_names() -> dict:
    """CLDR's English name of every language code."""
    # A new babel Locale merges its CLDR data again (2 ms a call), and the filter bar and the
    # Sources page name languages dozens of times a run.
    return dict(Locale("en").languages)
