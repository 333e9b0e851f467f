"""Languages as every stage and page shows them: English names, writing direction, and the native
digits of Arabic-script text.

Detection (which language a text is in) is an ingest stage, in ``core.ingest.language``; this
module holds what the store, the charts, the pages and more than one stage share.
"""
from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError

# Persian (U+06F0) and Arabic-Indic (U+0660) digits; dateparser's numeric patterns only read ASCII.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def normalize_digits(text: str) -> str:
    return text.translate(_DIGITS)


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
    return _english_language_names().get(code.split("-")[0], code)


@functools.cache
def _english_language_names() -> dict:
    # A new babel Locale merges its CLDR data again (2 ms a call), and the filter bar and the
    # Sources page name languages dozens of times a run.
    return dict(Locale("en").languages)
