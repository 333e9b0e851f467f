"""Which language an article is written in, read from its text by lingua.

Only the languages the world's press is mostly read in are loaded, in low-accuracy mode: measured
here, the full set in high-accuracy mode costs 1.2 GB and 7-10 s to build, this set about 60 MB and
0.1 s, and article bodies are long enough for the low-accuracy models (tests/test_language.py).
"""
from __future__ import annotations

import functools
import re

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

LANGUAGES = (
    "ar", "fa", "ur", "ps", "ku", "he", "ru", "uk", "be", "bg", "sr", "pl", "cs", "tr", "az", "ka",
    "hy", "en", "fr", "de", "es", "pt", "it", "nl", "sv", "no", "da", "fi", "el", "ro", "hu", "zh",
    "ja", "ko", "hi", "bn", "id", "ms", "vi", "th", "sw", "so", "am",
)
# A declared language is kept unless the detector gives it less than this: a file that says "en"
# for an Arabic article is wrong, but a French article quoting English sentences is still French.
DECLARED_MIN_CONFIDENCE = 0.05
# Shorter texts (headlines, feed snippets) flip between close languages; trust a declaration there.
MIN_CHARS_TO_OVERRIDE = 40
# Below this many letters no guess is made at all ("Sample" alone reads as Danish).
MIN_LETTERS_TO_GUESS = 15
_LETTER = re.compile(r"[^\W\d_]")
# Detection looks at the start of the body: 1,000 characters decide the language as well as the
# whole text does on the sample corpus and the tests, and keep the cost flat for long articles.
SAMPLE_CHARS = 1000


def _lingua_language(code: str) -> Language | None:
    iso = getattr(IsoCode639_1, code.upper(), None)
    if iso is None:
        return None
    try:
        return Language.from_iso_code_639_1(iso)
    except ValueError:
        return None


@functools.lru_cache(maxsize=1)
def _detector():
    languages = [lang for lang in map(_lingua_language, LANGUAGES) if lang is not None]
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def preload() -> None:
    """Load the language models now rather than on the first article."""
    _detector()


def detect(text: str, declared: str | None = None) -> tuple[str | None, str | None]:
    """Return ``(language, note)`` for one text.

    ``language`` is an ISO 639-1 code or None when the text has no letters to judge. ``note`` explains
    when a declared language was overruled, so the ingest log can say why.
    """
    declared = (declared or "").strip().lower().replace("_", "-").split("-")[0] or None
    sample = (text or "")[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample, 0, 400)) < MIN_LETTERS_TO_GUESS:
        return declared, None
    confidences = _detector().compute_language_confidence_values(sample)
    if not confidences:
        return declared, None
    best = confidences[0].language.iso_code_639_1.name.lower()
    if declared is None or declared == best:
        return best, None
    if len(sample.strip()) < MIN_CHARS_TO_OVERRIDE:
        return declared, None
    declared_lingua = _lingua_language(declared)
    declared_confidence = next(
        (c.value for c in confidences if c.language == declared_lingua), 0.0
    )
    if declared_confidence >= DECLARED_MIN_CONFIDENCE:
        return declared, None
    return best, f"declared language '{declared}' does not match the text, which reads as '{best}'"
