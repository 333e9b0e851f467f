"""Languages as every stage and page shows them: English names, writing direction, and the native
digits of Arabic-script text.

Detection (which language a text is in) is an ingest stage, in ``core.ingest.language``; this
module holds what the store, the charts, the pages and more than one stage share.
"""
from __future__ import annotations

import functools

from babel import Locale

# Persian (U+06F0) and Arabic-Indic (U+0660) digits; dateparser's numeric patterns only read ASCII.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def normalize_digits(text: str) -> str:
    return text.translate(_DIGITS)


def is_right_to_left(language: str | None) -> bool:
    """Scripts written right to left: Arabic, Persian, Urdu, Pashto, Kurdish (Sorani), Hebrew, Yiddish."""
    return (language or "") in {"ar", "fa", "ur", "ps", "ku", "he", "yi", "dv", "sd", "ug"}


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
